"""Posted interest notes: creating them from the proposals (transactions, fee, journals, in
one go) and reading them back with their lines and what is open of them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.actions.charge_rows import ChargeState, charge_states
from collections_desktop.models.actions.interest import calculate_interest, load_rules
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    InterestNote,
    InterestNoteLine,
    JournalAccountType,
    JournalType,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import new_ids
from collections_desktop.models.db.writing import LEDGER, write_transaction
from collections_desktop.models.ledger import postings as ledger_postings
from collections_desktop.models.ledger.journals import (
    JournalDraft,
    LineDraft,
    insert_values,
    post_journals,
)
from collections_desktop.models.ledger.numbering import reserve_numbers
from collections_desktop.models.people.scope import AgentScope

RUN_CUSTOMERS = 100
"""Customers a company run posts per transaction (``run_interest_notes``): a fraction of a
second of the ledger's lock each on the 100,000-customer team database."""


def run_interest_notes(
    database: Database,
    scope: AgentScope,
    as_of: dt.date,
    now: dt.datetime,
    *,
    pool_id: uuid.UUID | None = None,
    created_by_id: uuid.UUID | None,
    due: Sequence[uuid.UUID] | None = None,
    customers_per_transaction: int = RUN_CUSTOMERS,
    committed: Callable[[list[str]], None] | None = None,
) -> list[str]:
    """Post the interest notes due in the scope on ``as_of``, ``customers_per_transaction``
    customers per transaction; returns their numbers.

    A run posts to the ledger with its lock held alone (``writing.LEDGER``), which every
    collector's action waits for: a company's run in one transaction (a minute on a
    hundred thousand customers) held fifty collectors a minute; in transactions of five
    hundred, an action still waited over a second. Each customer's notes are
    posted whole in one transaction; a run stopped midway leaves whole customers posted,
    and run again (or two runs at once) posts only what is not yet covered. ``due``: the
    customers ``calculate_interest`` proposed notes for, when the caller has them;
    ``committed`` hears the numbers of each transaction once it is committed (what stays
    posted when a later one fails).
    """
    if due is None:
        with database.sessions() as session:
            due = [
                p.customer_id for p in calculate_interest(session, scope, as_of, pool_id=pool_id)
            ]
    customers = sorted(set(due))
    numbers: list[str] = []
    for start in range(0, len(customers), customers_per_transaction):
        chunk = customers[start : start + customers_per_transaction]
        with write_transaction(database, run=LEDGER, what=_("interest")) as session:
            posted = create_interest_notes(
                session,
                scope,
                as_of,
                now,
                customer_ids=chunk,
                pool_id=pool_id,
                created_by_id=created_by_id,
            )
        numbers += posted
        if committed is not None:
            committed(posted)
    return numbers


def create_interest_notes(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    now: dt.datetime,
    *,
    customer_ids: Iterable[uuid.UUID] | None = None,
    pool_id: uuid.UUID | None = None,
    created_by_id: uuid.UUID | None,
) -> list[str]:
    """Post the notes ``calculate_interest`` proposes on ``as_of``; returns their numbers.

    Nothing is posted for a period already covered, so running it twice on one date
    creates nothing the second time. Each note gets its own journal; the transactions,
    journals, journal lines, notes and note lines of all the notes go in as one bulk
    insert each (a company run posts thousands of notes). The caller commits.
    """
    proposals = calculate_interest(
        session, scope, as_of, customer_ids=customer_ids, pool_id=pool_id
    )
    if not proposals:
        return []
    rules = load_rules(session)
    numbers = reserve_numbers(session, "interest_note", len(proposals), now)
    fmt = text_formats()
    postings: list[ledger_postings.Posting] = []
    texts: list[str] = []
    for proposal, number in zip(proposals, numbers, strict=True):
        for line in proposal.lines:
            texts.append(
                _("Interest on {invoice} from {start} to {end}").format(
                    invoice=line.invoice_document,
                    start=fmt.date(line.from_date),
                    end=fmt.date(line.to_date),
                )
            )
            postings.append(
                ledger_postings.Posting(
                    customer_id=proposal.customer_id,
                    type=TransactionType.INTEREST_NOTE,
                    amount=line.interest,
                    posting_date=as_of,
                    due_date=as_of,
                    document_number=number,
                    currency=line.currency,
                    exchange_rate=line.accounting_rate,
                    description=texts[-1],
                )
            )
        if proposal.fee > ZERO:
            texts.append(_("Fee of interest note {number}").format(number=number))
            postings.append(
                ledger_postings.Posting(
                    customer_id=proposal.customer_id,
                    type=TransactionType.FEE,
                    amount=proposal.fee,
                    posting_date=as_of,
                    due_date=as_of,
                    document_number=number,
                    currency=proposal.currency,
                    description=texts[-1],
                )
            )
    ids = ledger_postings.post_transactions(session, postings, now, created_by_id=created_by_id)
    posted: dict[uuid.UUID, tuple[str, Decimal, Decimal, str]] = {}
    for start in range(0, len(ids), 500):
        for row in session.execute(
            select(
                CustomerTransaction.id,
                CustomerTransaction.currency,
                CustomerTransaction.amount,
                CustomerTransaction.amount_accounting,
                CustomerTransaction.posting_profile,
            ).where(CustomerTransaction.id.in_(ids[start : start + 500]))
        ):
            posted[row.id] = (row.currency, row.amount, row.amount_accounting, row.posting_profile)
    accounts = dict(
        session.execute(
            select(Customer.id, Customer.account).where(
                Customer.id.in_(list({p.customer_id for p in proposals}))
            )
        ).all()
    )
    drafts: list[JournalDraft] = []
    charges: list[list[uuid.UUID]] = []  # per note: its transactions, lines first, fee last
    position = 0
    for proposal, number in zip(proposals, numbers, strict=True):
        rule = rules[proposal.interest_code]
        count = len(proposal.lines) + (1 if proposal.fee > ZERO else 0)
        mine = list(zip(ids[position : position + count], texts[position : position + count],
                        strict=True))  # fmt: skip
        position += count
        journal_lines: list[LineDraft] = []
        for index, (txn_id, text) in enumerate(mine):
            currency, amount, accounting, profile = posted[txn_id]
            income = rule.interest_account if index < len(proposal.lines) else rule.fee_account
            journal_lines += [
                LineDraft(
                    account_type=JournalAccountType.CUSTOMER,
                    account=accounts[proposal.customer_id],
                    currency=currency,
                    amount=amount,
                    amount_accounting=accounting,
                    transaction_id=txn_id,
                    posting_profile=profile,
                    text=text,
                ),
                # The income line names the charge too, so a waiver finds the account.
                LineDraft(
                    account_type=JournalAccountType.LEDGER,
                    account=income,
                    currency=currency,
                    amount=-amount,
                    amount_accounting=-accounting,
                    transaction_id=txn_id,
                    text=text,
                ),
            ]
        drafts.append(
            JournalDraft(
                type=JournalType.INTEREST,
                journal_date=as_of,
                lines=journal_lines,
                customer_id=proposal.customer_id,
                reason_code=rule.code,
                description=_("Interest note {number}").format(number=number),
            )
        )
        charges.append([txn_id for txn_id, _text in mine])
    journals = post_journals(session, drafts, now, created_by_id=created_by_id)
    note_ids = new_ids(len(proposals))
    insert_values(
        session,
        InterestNote,
        (
            {
                "id": note_id,
                "number": number,
                "customer_id": proposal.customer_id,
                "note_date": as_of,
                "interest_code": proposal.interest_code,
                "currency": proposal.currency,
                "interest": proposal.interest,
                "fee": proposal.fee,
                "fee_transaction_id": mine[-1] if proposal.fee > ZERO else None,
                "journal_id": journal.id,
                "created_at": now,
                "created_by_id": created_by_id,
            }
            for proposal, number, note_id, mine, journal in zip(
                proposals, numbers, note_ids, charges, journals, strict=True
            )
        ),
    )
    line_ids = iter(new_ids(sum(len(proposal.lines) for proposal in proposals)))
    insert_values(
        session,
        InterestNoteLine,
        (
            {
                "id": next(line_ids),
                "note_id": note_id,
                "invoice_id": line.invoice_id,
                "interest_transaction_id": txn_id,
                "from_date": line.from_date,
                "to_date": line.to_date,
                "days": line.days,
                "base_amount": line.base_amount,
                "interest": line.interest,
            }
            for proposal, note_id, mine in zip(proposals, note_ids, charges, strict=True)
            for line, txn_id in zip(proposal.lines, mine, strict=False)  # the fee comes last
        ),
    )
    return numbers


@dataclass(frozen=True)
class InterestLineRow:
    """A posted interest-note line with what is open of it and whether it was waived."""

    id: uuid.UUID
    transaction_id: uuid.UUID
    invoice_id: uuid.UUID
    invoice_document: str
    from_date: dt.date
    to_date: dt.date
    days: int
    base_amount: Decimal
    interest: Decimal
    open_amount: Decimal
    state: ChargeState


@dataclass(frozen=True)
class InterestNoteRow:
    """A posted interest note with its lines and its fee."""

    id: uuid.UUID
    number: str
    note_date: dt.date
    interest_code: str
    currency: str
    interest: Decimal
    fee: Decimal
    fee_transaction_id: uuid.UUID | None
    fee_open: Decimal
    fee_state: ChargeState | None
    lines: tuple[InterestLineRow, ...]

    @property
    def states(self) -> frozenset[ChargeState]:
        """The states of the note's charges (lines and fee)."""
        found = {line.state for line in self.lines}
        if self.fee_state is not None:
            found.add(self.fee_state)
        return frozenset(found)


def interest_notes(
    session: Session, customer_id: uuid.UUID, as_of: dt.date | None = None
) -> list[InterestNoteRow]:
    """The customer's interest notes, newest first, with open amounts on ``as_of``.

    ``as_of`` None reads everything posted. Waived and reversed lines are listed with
    their state.
    """
    on = as_of or dt.date.max
    notes = session.scalars(
        select(InterestNote)
        .where(InterestNote.customer_id == customer_id)
        .order_by(InterestNote.note_date.desc(), InterestNote.number.desc())
    ).all()
    if not notes:
        return []
    invoice = CustomerTransaction
    # A line's columns: InterestLineRow's fields up to the interest.
    lines: dict[
        uuid.UUID,
        list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, str, dt.date, dt.date, int, Decimal, Decimal]],
    ] = defaultdict(list)
    for row in session.execute(
        select(
            InterestNoteLine.note_id,
            InterestNoteLine.id,
            InterestNoteLine.interest_transaction_id,
            InterestNoteLine.invoice_id,
            invoice.document_number,
            InterestNoteLine.from_date,
            InterestNoteLine.to_date,
            InterestNoteLine.days,
            InterestNoteLine.base_amount,
            InterestNoteLine.interest,
        )
        .join(invoice, invoice.id == InterestNoteLine.invoice_id)
        .where(InterestNoteLine.note_id.in_([n.id for n in notes]))
        .order_by(InterestNoteLine.from_date, invoice.document_number)
    ):
        lines[row.note_id].append(row[1:])
    charge_ids = [row[1] for rows in lines.values() for row in rows]
    charge_ids += [n.fee_transaction_id for n in notes if n.fee_transaction_id is not None]
    states = charge_states(session, charge_ids)
    opens = _open_amounts(session, charge_ids, on)
    result = []
    for note in notes:
        fee_id = note.fee_transaction_id
        result.append(
            InterestNoteRow(
                id=note.id,
                number=note.number,
                note_date=note.note_date,
                interest_code=note.interest_code,
                currency=note.currency,
                interest=note.interest,
                fee=note.fee,
                fee_transaction_id=fee_id,
                fee_open=opens.get(fee_id, ZERO) if fee_id else ZERO,
                fee_state=states[fee_id] if fee_id else None,
                lines=tuple(
                    InterestLineRow(
                        *row,
                        open_amount=opens.get(row[1], ZERO),
                        state=states[row[1]],
                    )
                    for row in lines[note.id]
                ),
            )
        )
    return result


def _open_amounts(
    session: Session, transaction_ids: Sequence[uuid.UUID], as_of: dt.date
) -> dict[uuid.UUID, Decimal]:
    """What is open of each transaction on ``as_of``."""
    if not transaction_ids:
        return {}
    settled = dict(
        session.execute(
            select(SettlementLine.transaction_id, func.sum(SettlementLine.amount))
            .where(
                SettlementLine.transaction_id.in_(transaction_ids),
                SettlementLine.settlement_date <= as_of,
            )
            .group_by(SettlementLine.transaction_id)
        ).all()
    )
    amounts = session.execute(
        select(CustomerTransaction.id, CustomerTransaction.amount).where(
            CustomerTransaction.id.in_(transaction_ids), CustomerTransaction.posting_date <= as_of
        )
    )
    return {txn_id: amount - Decimal(settled.get(txn_id) or 0) for txn_id, amount in amounts}
