"""Collection letters: which are due, posting them with their fee, blocks, and reading them back.

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

Posting a letter writes a ``CollectionLetter`` (number from the "letter" counter; the text
rendered from the level's template with the amounts in the customer's language, kept for
reprints), one ``CollectionLetterLine`` per item (open amount and days overdue on D) and,
when the level has a fee and the customer is in the accounting currency, a FEE
transaction numbered like the letter (due 14 days later) with a LETTER journal: the
customer debited, the sequence's fee account credited. Functions flush, never commit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from sqlalchemy import ColumnElement, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats, text_formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.db.schema import (
    DEBIT_TYPES,
    CollectionLetter,
    CollectionLetterLine,
    CollectionStatus,
    Customer,
    CustomerTransaction,
    JournalAccountType,
    JournalType,
    LetterLevel,
    LetterScope,
    LetterSequence,
    ReceivablesParameters,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import Money, new_id, new_ids
from collections_desktop.models.ledger.journals import (
    JournalDraft,
    LineDraft,
    insert_values,
    post_journals,
)
from collections_desktop.models.ledger.numbering import reserve_numbers
from collections_desktop.models.ledger.postings import Posting, post_transactions
from collections_desktop.models.people.scope import AgentScope

FEE_DUE_DAYS = 14
"""A letter's fee is due this many days after the letter date."""

BLOCK_REASON_LENGTH = 200


def total(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of amounts (zero for none)."""
    return sum(values, ZERO)


class LetterError(ValueError):
    """A letter run, block or read that cannot be done; the message says why."""


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


@dataclass(frozen=True)
class CreatedLetter:
    """A letter a run posted."""

    letter_id: uuid.UUID
    number: str
    customer_id: uuid.UUID
    account: str
    name: str
    level: int
    level_name: str
    currency: str
    amount: Decimal
    fee: Decimal
    fee_transaction_id: uuid.UUID | None
    journal_id: uuid.UUID | None


@dataclass(frozen=True)
class LetterRun:
    """What a run did: the letters it posted, and what it skipped with the reasons."""

    as_of: dt.date
    created: tuple[CreatedLetter, ...]
    skipped: tuple[LetterProposal, ...]

    @property
    def created_count(self) -> int:
        """How many letters were posted."""
        return len(self.created)

    @property
    def skipped_count(self) -> int:
        """How many customers (or items) got no letter, each with a reason."""
        return len(self.skipped)

    @property
    def letter_ids(self) -> tuple[uuid.UUID, ...]:
        """The posted letters, to print them (``letter_detail`` each)."""
        return tuple(c.letter_id for c in self.created)

    @property
    def fees(self) -> Decimal:
        """The fees charged by the run, in the accounting currency."""
        return total(c.fee for c in self.created)


@dataclass(frozen=True)
class LetterBlock:
    """A customer's letter block after a change: until when and why (None: no block)."""

    customer_id: uuid.UUID
    until: dt.date | None
    reason: str | None
    version: int


@dataclass(frozen=True)
class LetterRow:
    """One posted letter of a customer, for lists and the timeline."""

    id: uuid.UUID
    number: str
    letter_date: dt.date
    sequence_code: str
    level: int
    level_name: str | None
    currency: str
    amount: Decimal
    fee: Decimal
    item_count: int
    created_at: dt.datetime


@dataclass(frozen=True)
class LetterLineDetail:
    """One item of a posted letter, as it stood on the letter date."""

    transaction_id: uuid.UUID
    document_number: str
    type: str
    document_date: dt.date
    due_date: dt.date
    currency: str
    amount: Decimal
    open_amount: Decimal
    days_overdue: int


@dataclass(frozen=True)
class LetterDetail:
    """Everything a printed letter shows: company, customer address, stored text, items."""

    id: uuid.UUID
    number: str
    letter_date: dt.date
    sequence_code: str
    level: int
    level_name: str | None
    currency: str
    amount: Decimal
    fee: Decimal
    fee_document: str | None
    text: str
    company_name: str
    customer_id: uuid.UUID
    account: str
    customer_name: str
    language: str
    address_lines: tuple[str, ...]
    lines: tuple[LetterLineDetail, ...]
    created_at: dt.datetime


# --- the sequences ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    level: int
    name: str
    days_after_due: int
    days_after_previous: int
    fee: Decimal
    template: str


@dataclass(frozen=True)
class _Sequence:
    code: str
    scope: str
    fee_account: str
    levels: tuple[_Level, ...]  # by level

    def after(self, level: int | None) -> _Level | None:
        """The level that follows ``level`` (the first when None); None after the last."""
        for candidate in self.levels:
            if level is None or candidate.level > level:
                return candidate
        return None


def _sequences(session: Session) -> dict[str, _Sequence]:
    levels: dict[uuid.UUID, list[_Level]] = defaultdict(list)
    for row in session.execute(
        select(LetterLevel)
        .where(LetterLevel.deleted_at.is_(None))
        .order_by(LetterLevel.sequence_id, LetterLevel.level)
    ).scalars():
        levels[row.sequence_id].append(
            _Level(
                row.level,
                row.name,
                row.days_after_due,
                row.days_after_previous,
                row.fee,
                row.template,
            )
        )
    return {
        seq.code: _Sequence(seq.code, seq.scope, seq.fee_account, tuple(levels[seq.id]))
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
    sequences = _sequences(session)
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
    level: _Level | None = None,
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
    sequence: _Sequence,
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


# --- posting ----------------------------------------------------------------------------


def items_text(lines: Iterable[LetterItem | LetterLineDetail], formats: Formats) -> str:
    """The ``{items}`` of a template: one line per item (document, due date, days, amount).

    The printed letter finds this block in the stored text to show it as a table.
    """
    return "\n".join(
        _("{document}, due {due}: {amount} ({overdue})").format(
            document=line.document_number,
            due=formats.date(line.due_date),
            amount=formats.money(line.open_amount, line.currency),
            overdue=ngettext(
                "{count} day overdue", "{count} days overdue", line.days_overdue
            ).format(count=line.days_overdue),
        )
        for line in lines
    )


def render_text(
    template: str,
    *,
    customer: str,
    total_due: str,
    fee: str,
    items: str,
    company: str,
) -> str:
    """The letter text: the template with its placeholders filled.

    Placeholders are replaced literally, so a brace a supervisor typed elsewhere in a
    template stays as typed instead of breaking the run.
    """
    text = template
    for key, value in (
        ("{customer}", customer),
        ("{total}", total_due),
        ("{fee}", fee),
        ("{company}", company),
        ("{items}", items),  # last: item texts are never read as placeholders
    ):
        text = text.replace(key, value)
    return text


def customer_formats(language: str) -> Formats:
    """The formats a letter to a customer speaking ``language`` is written in."""
    return Formats.for_locale(language or "en")


def create_letters(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    now: dt.datetime,
    *,
    pool_id: uuid.UUID | None = None,
    customer_ids: Iterable[uuid.UUID] | None = None,
    created_by_id: uuid.UUID | None,
) -> LetterRun:
    """Post the letters ``propose_letters`` finds due as of ``as_of``; the caller commits.

    A run over a pool posts hundreds of letters, so numbers are reserved in one go and
    the rows go in as bulk inserts (a few statements per run, not several per letter).
    """
    wanted = None if customer_ids is None else list(customer_ids)
    proposals = propose_letters(session, scope, as_of, pool_id=pool_id, customer_ids=wanted)
    to_send = [p for p in proposals if p.will_send]
    skipped = tuple(p for p in proposals if not p.will_send)
    if not to_send:
        return LetterRun(as_of, (), skipped)
    sequences = _sequences(session)
    company = session.scalar(select(ReceivablesParameters.company_name).limit(1)) or ""
    profiles = _posting_profiles(session, [p.customer_id for p in to_send])
    numbers = reserve_numbers(session, "letter", len(to_send), now)
    letters = [
        _Letter(proposal, number, sequences[proposal.sequence_code or ""], new_id())
        for proposal, number in zip(to_send, numbers, strict=True)
    ]
    charged = [letter for letter in letters if letter.proposal.fee > ZERO]
    fees = _post_fees(session, charged, as_of, now, profiles, created_by_id)
    insert_values(
        session,
        CollectionLetter,
        (
            _letter_values(letter, fees.get(letter.id), as_of, now, company, created_by_id)
            for letter in letters
        ),
    )
    line_ids = iter(new_ids(sum(len(letter.proposal.items) for letter in letters)))
    insert_values(
        session,
        CollectionLetterLine,
        (
            {
                "id": next(line_ids),
                "letter_id": letter.id,
                "transaction_id": item.transaction_id,
                "open_amount": item.open_amount,
                "days_overdue": item.days_overdue,
            }
            for letter in letters
            for item in letter.proposal.items
        ),
    )
    created = []
    for letter in letters:
        proposal, level = letter.proposal, letter.level
        fee_transaction_id, journal_id = fees.get(letter.id, (None, None))
        created.append(
            CreatedLetter(
                letter_id=letter.id,
                number=letter.number,
                customer_id=proposal.customer_id,
                account=proposal.account,
                name=proposal.name,
                level=level.level,
                level_name=level.name,
                currency=proposal.currency,
                amount=proposal.amount,
                fee=proposal.fee,
                fee_transaction_id=fee_transaction_id,
                journal_id=journal_id,
            )
        )
    return LetterRun(as_of, tuple(created), skipped)


@dataclass(frozen=True)
class _Letter:
    """A letter about to be posted: its proposal, number, sequence and key."""

    proposal: LetterProposal
    number: str
    sequence: _Sequence
    id: uuid.UUID

    @property
    def level(self) -> _Level:
        return next(lv for lv in self.sequence.levels if lv.level == self.proposal.level)


def _posting_profiles(session: Session, customer_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    ids = list(dict.fromkeys(customer_ids))
    profiles: dict[uuid.UUID, str] = {}
    for start in range(0, len(ids), 500):  # an IN list every database takes
        profiles.update(
            (row.id, row.posting_profile)
            for row in session.execute(
                select(Customer.id, Customer.posting_profile).where(
                    Customer.id.in_(ids[start : start + 500])
                )
            )
        )
    return profiles


def _post_fees(
    session: Session,
    charged: Sequence[_Letter],
    as_of: dt.date,
    now: dt.datetime,
    profiles: dict[uuid.UUID, str],
    created_by_id: uuid.UUID | None,
) -> dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]]:
    """Post each letter's fee and its LETTER journal; letter id → (fee transaction, journal).

    Fees are charged only to customers in the accounting currency, so a fee's
    accounting amount is its amount.
    """
    if not charged:
        return {}
    transaction_ids = post_transactions(
        session,
        [
            Posting(
                customer_id=letter.proposal.customer_id,
                type=TransactionType.FEE,
                amount=letter.proposal.fee,
                posting_date=as_of,
                due_date=as_of + dt.timedelta(days=FEE_DUE_DAYS),
                document_number=letter.number,
                description=_("Fee of collection letter {number} (level {level})").format(
                    number=letter.number, level=letter.level.level
                ),
            )
            for letter in charged
        ],
        now,
        created_by_id=created_by_id,
    )
    drafts = []
    for letter, transaction_id in zip(charged, transaction_ids, strict=True):
        proposal, level = letter.proposal, letter.level
        text = f"{letter.number} {level.name}"
        drafts.append(
            JournalDraft(
                type=JournalType.LETTER,
                journal_date=as_of,
                lines=(
                    LineDraft(
                        account_type=JournalAccountType.CUSTOMER,
                        account=proposal.account,
                        currency=proposal.currency,
                        amount=proposal.fee,
                        amount_accounting=proposal.fee,
                        transaction_id=transaction_id,
                        posting_profile=profiles[proposal.customer_id],
                        text=text,
                    ),
                    LineDraft(
                        account_type=JournalAccountType.LEDGER,
                        account=letter.sequence.fee_account,
                        currency=proposal.currency,
                        amount=-proposal.fee,
                        amount_accounting=-proposal.fee,
                        text=text,
                    ),
                ),
                customer_id=proposal.customer_id,
                description=_("Collection letter {number}, level {level}: {name}").format(
                    number=letter.number, level=level.level, name=level.name
                ),
            )
        )
    journals = post_journals(session, drafts, now, created_by_id=created_by_id)
    return {
        letter.id: (transaction_id, journal.id)
        for letter, transaction_id, journal in zip(charged, transaction_ids, journals, strict=True)
    }


def _letter_values(
    letter: _Letter,
    fee: tuple[uuid.UUID, uuid.UUID] | None,
    as_of: dt.date,
    now: dt.datetime,
    company: str,
    created_by_id: uuid.UUID | None,
) -> dict[str, object]:
    """The row of a letter, its text rendered in the customer's language."""
    proposal, level = letter.proposal, letter.level
    fmt = customer_formats(proposal.language)
    return {
        "id": letter.id,
        "number": letter.number,
        "customer_id": proposal.customer_id,
        "sequence_code": letter.sequence.code,
        "level": level.level,
        "letter_date": as_of,
        "currency": proposal.currency,
        "amount": proposal.amount,
        "fee": proposal.fee,
        "fee_transaction_id": fee[0] if fee else None,
        "journal_id": fee[1] if fee else None,
        "text": render_text(
            level.template,
            customer=proposal.name,
            total_due=fmt.money(proposal.amount, proposal.currency),
            fee=fmt.money(proposal.fee, proposal.currency),
            items=items_text(proposal.items, fmt),
            company=company,
        ),
        "created_at": now,
        "created_by_id": created_by_id,
        "item_id": proposal.items[0].transaction_id
        if letter.sequence.scope == LetterScope.TRANSACTION
        else None,
    }


# --- blocks -----------------------------------------------------------------------------


def set_letter_block(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    until: dt.date | None,
    reason: str | None,
    now: dt.datetime,
) -> LetterBlock:
    """Block the customer's letters until ``until`` (inclusive) for ``reason``; None clears it.

    Refused (``LetterError``, nothing written) for a customer outside the scope, a date
    in the past, or a block without a reason.
    """
    today = now.date()
    customer = session.scalar(
        select(Customer).where(
            Customer.id == customer_id, customer_selection(scope, today, None, None)
        )
    )
    if customer is None:
        raise LetterError(_("This customer is not in your pools."))
    reason = (reason or "").strip() or None
    if until is not None:
        if until < today:
            raise LetterError(
                _("The block must last until today or a later date; {date} is past.").format(
                    date=text_formats().date(until)
                )
            )
        if reason is None:
            raise LetterError(_("Write why the letters are blocked."))
        if len(reason) > BLOCK_REASON_LENGTH:
            raise LetterError(
                _("The reason is too long: at most {count} characters.").format(
                    count=BLOCK_REASON_LENGTH
                )
            )
    else:
        reason = None
    customer.letter_block_until = until
    customer.letter_block_reason = reason
    customer.updated_at = now
    customer.version = customer.version + 1
    session.flush()
    return LetterBlock(customer.id, until, reason, customer.version)


# --- reading ----------------------------------------------------------------------------


def _level_name():  # type: ignore[no-untyped-def]
    """Correlated name of a letter's level in its sequence (None when it is gone)."""
    return (
        select(LetterLevel.name)
        .join(LetterSequence, LetterSequence.id == LetterLevel.sequence_id)
        .where(
            LetterSequence.code == CollectionLetter.sequence_code,
            LetterLevel.level == CollectionLetter.level,
        )
        .correlate(CollectionLetter)
        .limit(1)
        .scalar_subquery()
    )


def letter_rows(
    session: Session,
    customer_id: uuid.UUID,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> tuple[LetterRow, ...]:
    """The customer's letters dated after ``since`` and up to ``until``, newest first."""
    items = (
        select(func.count())
        .where(CollectionLetterLine.letter_id == CollectionLetter.id)
        .correlate(CollectionLetter)
        .scalar_subquery()
    )
    query = select(
        CollectionLetter.id,
        CollectionLetter.number,
        CollectionLetter.letter_date,
        CollectionLetter.sequence_code,
        CollectionLetter.level,
        _level_name().label("level_name"),
        CollectionLetter.currency,
        CollectionLetter.amount,
        CollectionLetter.fee,
        items.label("item_count"),
        CollectionLetter.created_at,
    ).where(CollectionLetter.customer_id == customer_id)
    if since is not None:
        query = query.where(CollectionLetter.letter_date > since)
    if until is not None:
        query = query.where(CollectionLetter.letter_date <= until)
    query = query.order_by(CollectionLetter.letter_date.desc(), CollectionLetter.number.desc())
    return tuple(LetterRow(*row) for row in session.execute(query))


def letters_of(session: Session, customer_id: uuid.UUID) -> tuple[LetterRow, ...]:
    """Every letter sent to the customer, newest first."""
    return letter_rows(session, customer_id)


def _address(customer: Customer) -> tuple[str, ...]:
    city = " ".join(part for part in (customer.postal_code, customer.city) if part)
    country = customer.country
    if country:
        with contextlib.suppress(ValueError, TypeError, UnknownLocaleError):
            country = Locale.parse(customer.language or "en").territories.get(country, country)
    return tuple(part for part in (customer.street, city, country) if part)


def letter_detail(session: Session, letter_id: uuid.UUID) -> LetterDetail:
    """One posted letter with everything its print needs; ``LetterError`` if there is none."""
    row = session.execute(
        select(CollectionLetter, Customer, _level_name().label("level_name"))
        .join(Customer, Customer.id == CollectionLetter.customer_id)
        .where(CollectionLetter.id == letter_id)
    ).first()
    if row is None:
        raise LetterError(_("The letter no longer exists. Refresh the list."))
    letter: CollectionLetter = row[0]
    customer: Customer = row[1]
    t = CustomerTransaction
    lines = tuple(
        LetterLineDetail(*line)
        for line in session.execute(
            select(
                t.id, t.document_number, t.type, t.document_date, t.due_date, t.currency,
                t.amount, CollectionLetterLine.open_amount, CollectionLetterLine.days_overdue,
            )
            .join(t, t.id == CollectionLetterLine.transaction_id)
            .where(CollectionLetterLine.letter_id == letter.id)
            .order_by(t.due_date, t.voucher)
        )
    )  # fmt: skip
    fee_document = (
        session.scalar(select(t.document_number).where(t.id == letter.fee_transaction_id))
        if letter.fee_transaction_id is not None
        else None
    )
    return LetterDetail(
        id=letter.id,
        number=letter.number,
        letter_date=letter.letter_date,
        sequence_code=letter.sequence_code,
        level=letter.level,
        level_name=row.level_name,
        currency=letter.currency,
        amount=letter.amount,
        fee=letter.fee,
        fee_document=fee_document,
        text=letter.text,
        company_name=session.scalar(select(ReceivablesParameters.company_name)) or "",
        customer_id=customer.id,
        account=customer.account,
        customer_name=customer.name,
        language=customer.language,
        address_lines=_address(customer),
        lines=lines,
        created_at=letter.created_at,
    )
