"""Which letters a run as of a date would make, and whom it skips and why.

A customer follows the letter sequence named by ``Customer.letter_sequence`` (None: no
letters). A sequence of scope "customer" writes one letter per customer naming all its
overdue open debits; one of scope "transaction" writes one letter per overdue debit.

The rules of a run as of a date D:
- an item is *overdue* when it is an open debit (invoice, interest note, fee) on D whose
  due date is before D, and it is not disputed (disputed items are never dunned);
- the letter history that counts is the letters of the customer's sequence naming at
  least one of the overdue items (per item for scope "transaction"): once everything a
  letter named is paid, the sequence starts again at its first level;
- the next level is the one after the last letter sent, at most ONE level per run even if
  several are due; it is due when the oldest overdue item is at least ``days_after_due``
  days overdue and the last letter is at least ``days_after_previous`` days old;
  after the last level nothing more is sent;
- a customer whose letters are blocked until D or later is skipped with the reason given;
- a run dated before a letter already sent to one of its customers is refused.

Posting the letters is ``models.letters.run.create_letters``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats, text_formats
from collections_desktop.i18n import _, current_language
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.db.schema import (
    DEBIT_TYPES,
    CollectionLetter,
    CollectionLetterLine,
    CollectionStatus,
    Customer,
    CustomerTransaction,
    LetterLevel,
    LetterScope,
    LetterSequence,
    ReceivablesParameters,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.letters.errors import LetterError
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.texts.business import texts_in


def total(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of amounts (zero for none)."""
    return sum(values, ZERO)


# --- rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterItem:
    """An overdue debit a letter names, with what is open of it on the letter date."""

    transaction_id: uuid.UUID
    voucher: str
    document_number: str
    type: str
    document_date: dt.date
    due_date: dt.date
    currency: str
    amount: Decimal
    open_amount: Decimal
    days_overdue: int


@dataclass(frozen=True)
class LetterProposal:
    """A letter a run would make, or (``reason`` set) a customer or item it skips and why."""

    customer_id: uuid.UUID
    account: str
    name: str
    language: str
    currency: str
    sequence_code: str | None
    level: int | None  # the level the letter is (or would be) at; None when there is none
    level_name: str | None
    items: tuple[LetterItem, ...]
    amount: Decimal  # the total overdue the letter names
    fee: Decimal  # in the accounting currency; 0 when none is charged
    days_overdue: int  # of the oldest item
    previous_number: str | None
    previous_date: dt.date | None
    reason: str | None = None  # why nothing is made; None: the letter will be made
    blocked_until: dt.date | None = None

    @property
    def will_send(self) -> bool:
        """True for a letter the run makes; False for a skipped customer or item."""
        return self.reason is None


# --- the sequences ----------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    days_after_due: int
    days_after_previous: int
    fee: Decimal
    template: str
    id: uuid.UUID | None = None  # the row, whose texts in other languages are business texts
    heading: str = ""  # printed to the customer; empty: the usual one for the level's place


@dataclass(frozen=True)
class LevelSequence:
    code: str
    scope: str
    fee_account: str
    levels: tuple[Level, ...]  # by level

    def after(self, level: int | None) -> Level | None:
        """The level that follows ``level`` (the first when None); None after the last."""
        for candidate in self.levels:
            if level is None or candidate.level > level:
                return candidate
        return None


def level_sequences(session: Session, language: str | None = None) -> dict[str, LevelSequence]:
    """The live sequences and their levels by code; the levels' names in ``language`` (a
    screen's) or, without one, the rows' own."""
    names = texts_in(session, "letter_levels", "name", language) if language else {}
    levels: dict[uuid.UUID, list[Level]] = defaultdict(list)
    for row in session.execute(
        select(LetterLevel)
        .where(LetterLevel.deleted_at.is_(None))
        .order_by(LetterLevel.sequence_id, LetterLevel.level)
    ).scalars():
        levels[row.sequence_id].append(
            Level(
                row.level,
                names.get(row.id, row.name),
                row.days_after_due,
                row.days_after_previous,
                row.fee,
                row.template,
                row.id,
                row.heading,
            )
        )
    return {
        seq.code: LevelSequence(seq.code, seq.scope, seq.fee_account, tuple(levels[seq.id]))
        for seq in session.scalars(
            select(LetterSequence).where(LetterSequence.deleted_at.is_(None))
        )
    }


# --- proposing --------------------------------------------------------------------------


@dataclass(frozen=True)
class _CustomerFacts:
    id: uuid.UUID
    account: str
    name: str
    language: str
    currency: str
    sequence: str | None
    block_until: dt.date | None
    block_reason: str | None


@dataclass(frozen=True)
class _Sent:
    """A letter already sent, as the history of an item sees it."""

    number: str
    level: int
    letter_date: dt.date


def customer_selection(
    scope: AgentScope,
    as_of: dt.date,
    pool_id: uuid.UUID | None,
    customer_ids: Iterable[uuid.UUID] | None,
) -> ColumnElement[bool]:
    """The customers of a run: visible in the scope (and pool), and the ones asked for."""
    condition = and_(Customer.deleted_at.is_(None), scope.customer_condition(as_of, pool_id))
    if customer_ids is not None:
        condition = and_(condition, Customer.id.in_(list(customer_ids)))
    return condition


def _overdue_items(
    session: Session, selection: ColumnElement[bool], as_of: dt.date
) -> dict[uuid.UUID, tuple[_CustomerFacts, list[LetterItem]]]:
    """Overdue, undisputed open debits of the selected customers, oldest due date first."""
    t = CustomerTransaction
    settled = (
        select(func.coalesce(func.sum(SettlementLine.amount), 0))
        .where(SettlementLine.transaction_id == t.id, SettlementLine.settlement_date <= as_of)
        .correlate(t)
        .scalar_subquery()
    )
    open_amount = type_coerce(t.amount - settled, Money())
    query = (
        select(
            Customer.id.label("customer_id"),
            Customer.account,
            Customer.name,
            Customer.language,
            Customer.currency.label("customer_currency"),
            Customer.letter_sequence,
            Customer.letter_block_until,
            Customer.letter_block_reason,
            t.id, t.voucher, t.document_number, t.type, t.document_date, t.due_date,
            t.currency, t.amount, open_amount.label("open_amount"),
        )
        .join(Customer, Customer.id == t.customer_id)
        .where(
            selection,
            t.type.in_([str(kind) for kind in DEBIT_TYPES]),
            t.posting_date <= as_of,
            t.due_date < as_of,
            or_(t.closed_on.is_(None), t.closed_on > as_of),
            t.collection_status != CollectionStatus.DISPUTED,
        )
        .order_by(Customer.account, t.due_date, t.voucher)
    )  # fmt: skip
    found: dict[uuid.UUID, tuple[_CustomerFacts, list[LetterItem]]] = {}
    for row in session.execute(query):
        if row.open_amount <= ZERO:
            continue
        if row.customer_id not in found:
            found[row.customer_id] = (
                _CustomerFacts(
                    row.customer_id,
                    row.account,
                    row.name,
                    row.language,
                    row.customer_currency,
                    row.letter_sequence,
                    row.letter_block_until,
                    row.letter_block_reason,
                ),
                [],
            )
        found[row.customer_id][1].append(
            LetterItem(
                transaction_id=row.id,
                voucher=row.voucher,
                document_number=row.document_number,
                type=row.type,
                document_date=row.document_date,
                due_date=row.due_date,
                currency=row.currency,
                amount=row.amount,
                open_amount=row.open_amount,
                days_overdue=(as_of - row.due_date).days,
            )
        )
    return found


def _history(
    session: Session, selection: ColumnElement[bool]
) -> dict[tuple[uuid.UUID, str], list[_Sent]]:
    """(transaction, sequence) → the letters that named the transaction, of the customers."""
    customers = select(Customer.id).where(selection)
    history: dict[tuple[uuid.UUID, str], list[_Sent]] = defaultdict(list)
    for row in session.execute(
        select(
            CollectionLetterLine.transaction_id,
            CollectionLetter.sequence_code,
            CollectionLetter.number,
            CollectionLetter.level,
            CollectionLetter.letter_date,
        )
        .join(CollectionLetter, CollectionLetter.id == CollectionLetterLine.letter_id)
        .where(CollectionLetter.customer_id.in_(customers))
    ):
        history[(row.transaction_id, row.sequence_code)].append(
            _Sent(row.number, row.level, row.letter_date)
        )
    return history


def _refuse_back_dated_run(
    session: Session, selection: ColumnElement[bool], as_of: dt.date
) -> None:
    """A run may not be dated before a letter already sent to one of its customers."""
    later = session.execute(
        select(CollectionLetter.number, CollectionLetter.letter_date, Customer.account)
        .join(Customer, Customer.id == CollectionLetter.customer_id)
        .where(selection, CollectionLetter.letter_date > as_of)
        .order_by(CollectionLetter.letter_date.desc(), CollectionLetter.number.desc())
        .limit(1)
    ).first()
    if later is not None:
        fmt = text_formats()
        raise LetterError(
            _(
                "Letter {number} to {account} is dated {date}, after {as_of}. Letters cannot "
                "be made as of a date before the last letter: choose {date} or later."
            ).format(
                number=later.number,
                account=later.account,
                date=fmt.date(later.letter_date),
                as_of=fmt.date(as_of),
            )
        )


def propose_letters(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    *,
    pool_id: uuid.UUID | None = None,
    customer_ids: Iterable[uuid.UUID] | None = None,
) -> list[LetterProposal]:
    """The letters a run as of ``as_of`` would make, and who it skips and why, by account.

    The customers are those of the scope (``pool_id``: of that pool; ``customer_ids``:
    only those). Customers with nothing overdue are not listed. A ``LetterError`` when
    a letter to one of them is dated after ``as_of``; ``ScopeError`` for a foreign pool.
    """
    selection = customer_selection(scope, as_of, pool_id, customer_ids)
    _refuse_back_dated_run(session, selection, as_of)
    overdue = _overdue_items(session, selection, as_of)
    if not overdue:
        return []
    sequences = level_sequences(session, current_language())
    history = _history(session, selection)
    accounting = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
    fmt = text_formats()
    proposals: list[LetterProposal] = []
    for customer, items in overdue.values():
        if customer.sequence is None:
            proposals.append(
                _skipped(customer, items, _("No letter sequence is set for this customer."))
            )
            continue
        sequence = sequences.get(customer.sequence)
        if sequence is None or not sequence.levels:
            reason = _("Letter sequence {code} does not exist or has no levels.")
            proposals.append(_skipped(customer, items, reason.format(code=customer.sequence)))
            continue
        if customer.block_until is not None and customer.block_until >= as_of:
            proposals.append(
                _skipped(
                    customer,
                    items,
                    _("Letters are blocked until {date}: {reason}").format(
                        date=fmt.date(customer.block_until), reason=customer.block_reason or "—"
                    ),
                    blocked_until=customer.block_until,
                )
            )
            continue
        groups: list[list[LetterItem]]
        if sequence.scope == LetterScope.TRANSACTION:
            # One letter per invoice or interest note; a letter's own fee is not dunned by
            # letters of its own, which would charge fees on fees.
            groups = [[item] for item in items if item.type != TransactionType.FEE]
        else:
            currencies = sorted({item.currency for item in items})
            if len(currencies) > 1:
                reason = _(
                    "The overdue items are in several currencies ({currencies}); "
                    "one letter cannot name them all."
                ).format(currencies=", ".join(currencies))
                proposals.append(_skipped(customer, items, reason))
                continue
            groups = [items]
        for group in groups:
            # The fee is in the accounting currency: only a letter in it can charge one.
            charge_fee = customer.currency == accounting == group[0].currency
            proposals.append(_propose(customer, group, sequence, history, as_of, charge_fee, fmt))
    return proposals


def _skipped(
    customer: _CustomerFacts,
    items: Sequence[LetterItem],
    reason: str,
    *,
    blocked_until: dt.date | None = None,
    level: Level | None = None,
    previous: _Sent | None = None,
    sequence: str | None = None,
) -> LetterProposal:
    return LetterProposal(
        customer_id=customer.id,
        account=customer.account,
        name=customer.name,
        language=customer.language,
        currency=items[0].currency if items else customer.currency,
        sequence_code=sequence or customer.sequence,
        level=level.level if level else None,
        level_name=level.name if level else None,
        items=tuple(items),
        amount=total(item.open_amount for item in items),
        fee=ZERO,
        days_overdue=max((item.days_overdue for item in items), default=0),
        previous_number=previous.number if previous else None,
        previous_date=previous.letter_date if previous else None,
        reason=reason,
        blocked_until=blocked_until,
    )


def _propose(
    customer: _CustomerFacts,
    items: Sequence[LetterItem],
    sequence: LevelSequence,
    history: dict[tuple[uuid.UUID, str], list[_Sent]],
    as_of: dt.date,
    charge_fee: bool,
    fmt: Formats,
) -> LetterProposal:
    """The next level for these items, if it is due; else why not."""
    sent = [s for item in items for s in history.get((item.transaction_id, sequence.code), ())]
    previous = max(sent, key=lambda s: (s.letter_date, s.number), default=None)
    oldest = max(item.days_overdue for item in items)
    level = sequence.after(previous.level if previous else None)
    if level is None:
        assert previous is not None  # a sequence with levels always has a first one
        return _skipped(
            customer,
            items,
            _(
                "The last level ({level}) was sent on {date} with {number}; no more letters follow."
            ).format(
                level=previous.level, date=fmt.date(previous.letter_date), number=previous.number
            ),
            previous=previous,
            sequence=sequence.code,
        )
    if oldest < level.days_after_due:
        return _skipped(
            customer,
            items,
            _(
                "Level {level} is due {days} days after the due date; "
                "the oldest item is {oldest} days overdue."
            ).format(level=level.level, days=level.days_after_due, oldest=oldest),
            level=level,
            previous=previous,
            sequence=sequence.code,
        )
    if previous is not None:
        due_on = previous.letter_date + dt.timedelta(days=level.days_after_previous)
        if as_of < due_on:
            return _skipped(
                customer,
                items,
                _(
                    "{number} was sent on {date}; level {level} follows {days} days "
                    "after it, on {due}."
                ).format(
                    number=previous.number,
                    date=fmt.date(previous.letter_date),
                    level=level.level,
                    days=level.days_after_previous,
                    due=fmt.date(due_on),
                ),
                level=level,
                previous=previous,
                sequence=sequence.code,
            )
    if previous is not None and previous.letter_date >= as_of:
        # One letter a day (the database holds it too): a second run of the day adds none.
        return _skipped(
            customer,
            items,
            _("{number} was already sent on {date}.").format(
                number=previous.number, date=fmt.date(previous.letter_date)
            ),
            previous=previous,
            sequence=sequence.code,
        )
    return LetterProposal(
        customer_id=customer.id,
        account=customer.account,
        name=customer.name,
        language=customer.language,
        currency=items[0].currency,
        sequence_code=sequence.code,
        level=level.level,
        level_name=level.name,
        items=tuple(items),
        amount=total(item.open_amount for item in items),
        fee=level.fee if charge_fee else ZERO,
        days_overdue=oldest,
        previous_number=previous.number if previous else None,
        previous_date=previous.letter_date if previous else None,
    )
