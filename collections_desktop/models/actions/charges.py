"""Waive, reinstate and reverse interest and fees: corrections that reverse or restore exactly.

A *charge* is an ``interest_note`` transaction (one line of an interest note) or a
``fee`` transaction (an interest note's fee, an NSF fee, a letter fee). Posted facts
never change, so every correction is a new entry:

- **waive** cancels what is open of the charge: a reversal of that amount (``reversal``
  transaction) settled against the charge, and an ``adjustment`` journal that debits
  the income account the charge was credited to and credits the customer. The charge
  can be reinstated later.
- **reinstate** undoes the current waiver: the waiver's settlement is reversed (the
  charge is open again by exactly what was waived) and the waiver's reversal is itself
  reversed and settled against it, with the opposite journal. Every open amount and the
  customer's balance return to the cent.
- **reverse** is a waiver that is final (the charge was wrong): it cannot be reinstated.

Each correction is recorded as a ``ChargeAdjustment`` (kind, adjusting transaction,
settlement, journal, note). A charge's state follows from them: *reversed* once it has
a reversal, *waived* while it has more waivers than reinstatements, else *active*.
Refused, with nothing written: a waiver of a charge that is waived or reversed, a
reinstatement of a charge that is not waived, a reversal of one already reversed (or
waived: reinstate it first), a charge with nothing open, a date before the charge (or
before the waiver it undoes), a customer outside the scope.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.actions.charge_rows import (
    CHARGE_TYPES,
    ChargeError,
    ChargeState,
    charge_states,
)
from collections_desktop.models.db.schema import (
    AdjustmentKind,
    ChargeAdjustment,
    CollectionLetter,
    Customer,
    CustomerTransaction,
    InterestCode,
    InterestNote,
    InterestNoteLine,
    Journal,
    JournalAccountType,
    JournalLine,
    JournalType,
    LetterSequence,
    Settlement,
    TransactionType,
)
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.ledger.journals import LineDraft, post_journal
from collections_desktop.models.people.scope import AgentScope, customers_seen


@dataclass(frozen=True)
class AdjustmentResult:
    """One correction written: which charge, how much, by which entries."""

    charge_transaction_id: uuid.UUID
    document_number: str
    kind: AdjustmentKind
    amount: Decimal  # the magnitude cancelled or restored
    currency: str
    adjusting_document: str
    journal_number: str


@dataclass(frozen=True)
class _Charge:
    """A charge checked for a correction, and what the correction needs."""

    txn: CustomerTransaction
    account: str  # the customer's account number
    income_account: str
    amount: Decimal  # the magnitude to cancel or restore
    waiver: ChargeAdjustment | None = None  # reinstate: the waiver it undoes


def waive(
    session: Session,
    scope: AgentScope,
    charge_transaction_ids: Iterable[uuid.UUID],
    date: dt.date,
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None,
    note: str | None,
) -> list[AdjustmentResult]:
    """Waive what is open of each charge on ``date``; all of them or none.

    It can be undone by ``reinstate``. The caller commits.
    """
    return _cancel(session, scope, charge_transaction_ids, date, now, AdjustmentKind.WAIVE,
                   created_by_id, note)  # fmt: skip


def reverse(
    session: Session,
    scope: AgentScope,
    charge_transaction_ids: Iterable[uuid.UUID],
    date: dt.date,
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None,
    note: str | None,
) -> list[AdjustmentResult]:
    """Cancel what is open of each charge on ``date`` for good (it was wrong); all or none."""
    return _cancel(session, scope, charge_transaction_ids, date, now, AdjustmentKind.REVERSE,
                   created_by_id, note)  # fmt: skip


def reinstate(
    session: Session,
    scope: AgentScope,
    charge_transaction_ids: Iterable[uuid.UUID],
    date: dt.date,
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None,
    note: str | None,
) -> list[AdjustmentResult]:
    """Undo the current waiver of each charge on ``date``: exactly what was waived is open again."""
    charges = _check(session, scope, charge_transaction_ids, date, now, AdjustmentKind.REINSTATE)
    note = (note or "").strip() or None
    results: list[AdjustmentResult] = []
    for customer_id, group in _by_customer(charges).items():
        lines: list[LineDraft] = []
        made: list[tuple[_Charge, CustomerTransaction, Settlement]] = []
        for charge in group:
            waiver = charge.waiver
            assert waiver is not None
            assert waiver.settlement_id is not None
            assert waiver.adjusting_transaction_id is not None
            text = _("Reinstatement of {document}").format(document=charge.txn.document_number)
            settlements.reverse_settlement(
                session, waiver.settlement_id, date, now, note=text, created_by_id=created_by_id
            )
            undo = postings.post_reversal(
                session,
                waiver.adjusting_transaction_id,
                date,
                now,
                description=text,
                created_by_id=created_by_id,
            )
            settlement = settlements.settle(
                session,
                {waiver.adjusting_transaction_id: charge.amount, undo.id: charge.amount},
                date,
                now,
                note=text,
                created_by_id=created_by_id,
            )
            lines += _journal_lines(charge, undo, text)
            made.append((charge, undo, settlement))
        results += _record(session, customer_id, made, lines, AdjustmentKind.REINSTATE, date,
                           now, created_by_id, note)  # fmt: skip
    return results


def _cancel(
    session: Session,
    scope: AgentScope,
    charge_transaction_ids: Iterable[uuid.UUID],
    date: dt.date,
    now: dt.datetime,
    kind: AdjustmentKind,
    created_by_id: uuid.UUID | None,
    note: str | None,
) -> list[AdjustmentResult]:
    """Waive or reverse: a reversal of what is open, settled against the charge, and a journal."""
    charges = _check(session, scope, charge_transaction_ids, date, now, kind)
    note = (note or "").strip() or None
    results: list[AdjustmentResult] = []
    for customer_id, group in _by_customer(charges).items():
        lines: list[LineDraft] = []
        made: list[tuple[_Charge, CustomerTransaction, Settlement]] = []
        for charge in group:
            document = charge.txn.document_number
            text = (
                _("Waiver of {document}") if kind == AdjustmentKind.WAIVE
                else _("Reversal of {document}")
            ).format(document=document)  # fmt: skip
            cancel = postings.post_reversal(
                session,
                charge.txn.id,
                date,
                now,
                amount=charge.amount,
                description=text,
                created_by_id=created_by_id,
            )
            settlement = settlements.settle(
                session,
                {charge.txn.id: charge.amount, cancel.id: charge.amount},
                date,
                now,
                note=text,
                created_by_id=created_by_id,
            )
            lines += _journal_lines(charge, cancel, text)
            made.append((charge, cancel, settlement))
        results += _record(session, customer_id, made, lines, kind, date, now, created_by_id,
                           note)  # fmt: skip
    return results


def _journal_lines(charge: _Charge, entry: CustomerTransaction, text: str) -> list[LineDraft]:
    """The customer side of ``entry`` and the opposite line on the income account."""
    return [
        LineDraft(
            account_type=JournalAccountType.CUSTOMER,
            account=charge.account,
            currency=entry.currency,
            amount=entry.amount,
            amount_accounting=entry.amount_accounting,
            transaction_id=entry.id,
            dimension=charge.txn.dimension,
            posting_profile=charge.txn.posting_profile,
            text=text,
        ),
        LineDraft(
            account_type=JournalAccountType.LEDGER,
            account=charge.income_account,
            currency=entry.currency,
            amount=-entry.amount,
            amount_accounting=-entry.amount_accounting,
            transaction_id=entry.id,
            dimension=charge.txn.dimension,
            text=text,
        ),
    ]


def _record(
    session: Session,
    customer_id: uuid.UUID,
    made: Sequence[tuple[_Charge, CustomerTransaction, Settlement]],
    lines: Sequence[LineDraft],
    kind: AdjustmentKind,
    date: dt.date,
    now: dt.datetime,
    created_by_id: uuid.UUID | None,
    note: str | None,
) -> list[AdjustmentResult]:
    """Post the customer's adjustment journal and one ``ChargeAdjustment`` per charge."""
    description = {
        AdjustmentKind.WAIVE: _("Waiver of interest and fees"),
        AdjustmentKind.REINSTATE: _("Reinstatement of interest and fees"),
        AdjustmentKind.REVERSE: _("Reversal of interest and fees"),
    }[kind]
    journal = post_journal(
        session,
        type=JournalType.ADJUSTMENT,
        journal_date=date,
        lines=lines,
        now=now,
        customer_id=customer_id,
        reason_code=kind.upper(),
        description=f"{description}: {note}" if note else description,
        created_by_id=created_by_id,
    )
    results = []
    for charge, entry, settlement in made:
        session.add(
            ChargeAdjustment(
                charge_transaction_id=charge.txn.id,
                kind=kind,
                adjustment_date=date,
                adjusting_transaction_id=entry.id,
                settlement_id=settlement.id,
                journal_id=journal.id,
                note=note,
                created_at=now,
                created_by_id=created_by_id,
            )
        )
        results.append(
            AdjustmentResult(
                charge_transaction_id=charge.txn.id,
                document_number=charge.txn.document_number,
                kind=kind,
                amount=charge.amount,
                currency=charge.txn.currency,
                adjusting_document=entry.document_number,
                journal_number=journal.number,
            )
        )
    session.flush()
    return results


def _by_customer(charges: Sequence[_Charge]) -> dict[uuid.UUID, list[_Charge]]:
    groups: dict[uuid.UUID, list[_Charge]] = defaultdict(list)
    for charge in charges:
        groups[charge.txn.customer_id].append(charge)
    return groups


def _check(
    session: Session,
    scope: AgentScope,
    charge_transaction_ids: Iterable[uuid.UUID],
    date: dt.date,
    now: dt.datetime,
    kind: AdjustmentKind,
) -> list[_Charge]:
    """The charges with what the correction needs, or ``ChargeError`` before any write."""
    ids = list(dict.fromkeys(charge_transaction_ids))
    if not ids:
        raise ChargeError(_("Select an interest note, a line or a fee first."))
    fmt = text_formats()
    txns = {
        t.id: t
        for t in session.scalars(select(CustomerTransaction).where(CustomerTransaction.id.in_(ids)))
    }
    missing = [i for i in ids if i not in txns]
    if missing:
        raise ChargeError(_("A charge no longer exists. Refresh the list."))
    for txn in txns.values():
        if txn.type not in CHARGE_TYPES:
            raise ChargeError(
                _("{document} is not an interest or fee charge.").format(
                    document=txn.document_number
                )
            )
    customers = {t.customer_id for t in txns.values()}
    if len(customers_seen(session, scope, customers, now.date())) != len(customers):
        raise ChargeError(_("A charge belongs to a customer outside your pools."))
    accounts = dict(
        session.execute(
            select(Customer.id, Customer.account).where(Customer.id.in_(customers))
        ).all()
    )
    states = charge_states(session, ids)
    waivers = _current_waivers(session, ids, customers) if kind == AdjustmentKind.REINSTATE else {}
    checked = []
    for txn_id in ids:
        txn = txns[txn_id]
        name = _charge_name(session, txn)
        state = states[txn_id]
        if state == ChargeState.REVERSED:
            raise ChargeError(
                _("{charge} was reversed for good; it cannot be changed any more.").format(
                    charge=name
                )
            )
        if kind == AdjustmentKind.REINSTATE:
            if state != ChargeState.WAIVED:
                raise ChargeError(
                    _("{charge} is not waived; only a waived charge can be reinstated.").format(
                        charge=name
                    )
                )
            waiver = waivers.get(txn_id)
            if waiver is None or waiver.adjusting_transaction_id is None:
                raise ChargeError(_("The waiver of {charge} cannot be found.").format(charge=name))
            waiver_txn = session.get(CustomerTransaction, waiver.adjusting_transaction_id)
            assert waiver_txn is not None
            if date < waiver.adjustment_date:
                raise ChargeError(
                    _("{charge} was waived on {date}; it cannot be reinstated before that.").format(
                        charge=name, date=fmt.date(waiver.adjustment_date)
                    )
                )
            amount = abs(waiver_txn.amount)
        else:
            if state == ChargeState.WAIVED:
                raise ChargeError(
                    (
                        _("{charge} is already waived.")
                        if kind == AdjustmentKind.WAIVE
                        else _("{charge} is waived; reinstate it before reversing it.")
                    ).format(charge=name)
                )
            if date < txn.posting_date:
                raise ChargeError(
                    _("{charge} was posted on {date}; it cannot be changed before that.").format(
                        charge=name, date=fmt.date(txn.posting_date)
                    )
                )
            amount = settlements.settleable_amount(session, txn, date)
            if amount <= ZERO:
                raise ChargeError(
                    _("{charge} has nothing open on {date}; there is nothing to cancel.").format(
                        charge=name, date=fmt.date(date)
                    )
                )
            waiver = None
        checked.append(
            _Charge(
                txn=txn,
                account=accounts[txn.customer_id],
                income_account=_income_account(session, txn, name),
                amount=amount,
                waiver=waiver,
            )
        )
    return checked


def _current_waivers(
    session: Session, ids: Sequence[uuid.UUID], customers: Iterable[uuid.UUID]
) -> dict[uuid.UUID, ChargeAdjustment]:
    """The waiver in force of each charge: the one whose reversal is not itself reversed."""
    waivers = session.scalars(
        select(ChargeAdjustment).where(
            ChargeAdjustment.charge_transaction_id.in_(ids),
            ChargeAdjustment.kind == AdjustmentKind.WAIVE,
        )
    ).all()
    entries = [w.adjusting_transaction_id for w in waivers if w.adjusting_transaction_id]
    # Through the customers' own transactions: the customer index finds them quickly.
    undone = set(
        session.scalars(
            select(CustomerTransaction.reverses_transaction_id).where(
                CustomerTransaction.customer_id.in_(list(customers)),
                CustomerTransaction.reverses_transaction_id.in_(entries),
            )
        )
    )
    return {w.charge_transaction_id: w for w in waivers if w.adjusting_transaction_id not in undone}


def _charge_name(session: Session, txn: CustomerTransaction) -> str:
    """How a message names a charge: "The fee FEE-0000001", "The interest on INV-… (INT-…)"."""
    invoice = None
    if txn.type == TransactionType.INTEREST_NOTE:
        # An interest line's document number is its note's number (a unique index).
        invoice = session.scalar(
            select(CustomerTransaction.document_number)
            .join(InterestNoteLine, InterestNoteLine.invoice_id == CustomerTransaction.id)
            .join(InterestNote, InterestNote.id == InterestNoteLine.note_id)
            .where(
                InterestNote.number == txn.document_number,
                InterestNoteLine.interest_transaction_id == txn.id,
            )
        )
    if invoice is not None:
        return _("The interest on {invoice} ({note})").format(
            invoice=invoice, note=txn.document_number
        )
    return _("The fee {document}").format(document=txn.document_number)


def _income_account(session: Session, txn: CustomerTransaction, name: str) -> str:
    """The ledger account the charge was credited to when it was posted.

    The posting journal's income line names the charge; failing that, the account of
    the interest code of its note, or of the letter sequence that billed the fee.
    """
    account = session.scalar(
        select(JournalLine.account)
        .join(Journal, Journal.id == JournalLine.journal_id)
        .where(
            JournalLine.transaction_id == txn.id,
            JournalLine.account_type == JournalAccountType.LEDGER,
            JournalLine.amount < 0,
        )
        .order_by(Journal.created_at, JournalLine.line_number)
        .limit(1)
    )
    if account is None:
        account = session.scalar(
            select(InterestCode.interest_account)
            .join(InterestNote, InterestNote.interest_code == InterestCode.code)
            .join(InterestNoteLine, InterestNoteLine.note_id == InterestNote.id)
            .where(InterestNoteLine.interest_transaction_id == txn.id)
        )
    if account is None:
        account = session.scalar(
            select(InterestCode.fee_account)
            .join(InterestNote, InterestNote.interest_code == InterestCode.code)
            .where(InterestNote.fee_transaction_id == txn.id)
        )
    if account is None:
        account = session.scalar(
            select(LetterSequence.fee_account)
            .join(CollectionLetter, CollectionLetter.sequence_code == LetterSequence.code)
            .where(CollectionLetter.fee_transaction_id == txn.id)
        )
    if account is None:
        raise ChargeError(
            _("The income account of {charge} is not known; it cannot be corrected here.").format(
                charge=name
            )
        )
    return account
