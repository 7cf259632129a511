"""One customer as a collector works them: the Workspace's card, grids, timeline and texts.

Every query takes the agent's ``AgentScope`` and first checks, in SQL, that the customer
is inside it; a customer outside it raises ``ScopeError`` (so does a pool outside it),
and nothing about them is read. Amounts are exact ``Decimal``; the card's balance,
past-due amount, oldest past-due item, disputes and risk score come from the very query
that takes snapshots (``snapshot.aged_rows``), so the Workspace and the Overview lists
agree to the cent. Rows are immutable; the Qt pages format them.

The timeline shows invoices, payments, credit notes, collection letters (with their
level, amount and fee) and activities.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats, text_formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.aging import Definition, age_items, load_definition
from collections_desktop.models.db.schema import (
    AccountStatus,
    Activity,
    ActivityType,
    CollectionStatus,
    Contact,
    Customer,
    CustomerTransaction,
    Employee,
    ReceivablesParameters,
    TransactionType,
)
from collections_desktop.models.ledger import OpenItem, open_items
from collections_desktop.models.letters import LetterRow, letter_rows
from collections_desktop.models.money import ZERO
from collections_desktop.models.scope import AgentScope, ScopeError
from collections_desktop.models.snapshot import aged_rows

RECENT_CONTACTS = 3
"""How many of the latest activities the card lists as recent contacts."""

TIMELINE_DAYS = 365
"""How far back the timeline reaches by default."""


class TimelineKind:
    """The kinds of timeline entries (strings, so views and settings can store them)."""

    INVOICE = "invoice"
    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"
    ACTIVITY = "activity"
    LETTER = "letter"
    CHARGE = "charge"  # interest notes and fees
    CORRECTION = "correction"  # write-offs and reversals (NSF returns, waivers)
    ALL = (INVOICE, PAYMENT, CREDIT_NOTE, CHARGE, CORRECTION, LETTER, ACTIVITY)


class Target:
    """What a timeline entry or grid row drills to."""

    TRANSACTION = "transaction"
    ACTIVITY = "activity"
    LETTER = "letter"


TRANSACTION_TYPE_NAMES = {
    TransactionType.INVOICE: N_("Invoice"),
    TransactionType.PAYMENT: N_("Payment"),
    TransactionType.CREDIT_NOTE: N_("Credit note"),
    TransactionType.INTEREST_NOTE: N_("Interest note"),
    TransactionType.FEE: N_("Fee"),
    TransactionType.WRITE_OFF: N_("Write-off"),
    TransactionType.REVERSAL: N_("Reversal"),
}
ACTIVITY_TYPE_NAMES = {
    ActivityType.TASK: N_("Task"),
    ActivityType.APPOINTMENT: N_("Appointment"),
    ActivityType.EVENT: N_("Event"),
    ActivityType.ACTION: N_("Action"),
}


def type_name(value: str) -> str:
    """The translated name of a transaction type ("invoice" → "Invoice")."""
    name = TRANSACTION_TYPE_NAMES.get(value)  # type: ignore[call-overload]
    return _(name) if name else value


def activity_type_name(value: str) -> str:
    """The translated name of an activity type ("task" → "Task")."""
    name = ACTIVITY_TYPE_NAMES.get(value)  # type: ignore[call-overload]
    return _(name) if name else value


# --- rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerOption:
    """A customer the selector offers."""

    id: uuid.UUID
    account: str
    name: str

    @property
    def label(self) -> str:
        """What the selector shows: "C-000421 Ruiz Hermanos SL"."""
        return f"{self.account} {self.name}"


@dataclass(frozen=True)
class ContactInfo:
    """A person to reach: name, e-mail and phone (each may be missing)."""

    name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class RecentContact:
    """One of the latest activities about the customer."""

    id: uuid.UUID
    end_at: dt.datetime
    type: str
    purpose: str


@dataclass(frozen=True)
class CustomerCard:
    """Everything the Workspace says about one customer on ``as_of``.

    Balances, past due, disputes and promises are in the accounting currency
    (``accounting_currency``), as in the aging; the last payment is in its own currency.
    """

    customer_id: uuid.UUID
    as_of: dt.date
    account: str
    name: str
    currency: str
    accounting_currency: str
    account_status: str
    credit_group: str | None
    credit_limit: Decimal | None
    balance: Decimal
    past_due: Decimal
    available_credit: Decimal | None
    oldest_past_due_date: dt.date | None
    oldest_past_due_days: int | None
    risk_score: int
    last_payment_date: dt.date | None
    last_payment_amount: Decimal | None
    last_payment_currency: str | None
    promise_count: int
    promise_amount: Decimal
    next_promise_date: dt.date | None
    dispute_count: int
    dispute_amount: Decimal
    recent_contacts: tuple[RecentContact, ...]
    collections_contact: ContactInfo | None
    other_contact: ContactInfo | None
    street: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    phone: str | None
    email: str | None
    primary_contact_name: str | None
    responsible: ContactInfo | None

    @property
    def on_hold(self) -> bool:
        """Whether the account is on hold."""
        return self.account_status == AccountStatus.ON_HOLD

    @property
    def address(self) -> str:
        """Street, postal code and city, country on one line (blank parts left out)."""
        town = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.street, town, self.country) if p)


@dataclass(frozen=True)
class TransactionRow:
    """An open transaction of the customer on the as-of date (in its own currency)."""

    id: uuid.UUID
    voucher: str
    document_number: str
    type: str
    posting_date: dt.date
    due_date: dt.date
    days_overdue: int
    currency: str
    amount: Decimal
    open_amount: Decimal
    open_amount_accounting: Decimal
    collection_status: str
    promise_date: dt.date | None
    promise_amount: Decimal | None

    @property
    def is_debit(self) -> bool:
        """An invoice, fee or interest note (positive amount)."""
        return self.amount > ZERO

    @property
    def past_due(self) -> bool:
        """A debit whose due date has passed."""
        return self.days_overdue > 0

    @property
    def is_payment(self) -> bool:
        """A payment received (what can come back unpaid as NSF)."""
        return self.type == TransactionType.PAYMENT


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing that happened to the customer, newest first in the timeline."""

    kind: str  # a TimelineKind
    date: dt.date
    at: dt.datetime | None
    title: str
    tooltip: str
    target_kind: str  # a Target
    target_id: uuid.UUID


@dataclass(frozen=True)
class EmailDraft:
    """An e-mail to open in the user's mail program."""

    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class WorkspaceData:
    """What the Workspace page loads in one go for a customer."""

    card: CustomerCard
    transactions: tuple[TransactionRow, ...]
    timeline: tuple[TimelineEntry, ...]
    aging_labels: tuple[str, ...]
    aging_columns: tuple[Decimal, ...]
    company_name: str


# --- scope ------------------------------------------------------------------------------


def _visible(scope: AgentScope, as_of: dt.date, pool_id: uuid.UUID | None) -> ColumnElement[bool]:
    return and_(Customer.deleted_at.is_(None), scope.customer_condition(as_of, pool_id))


def check_customer(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> Customer:
    """The customer, if the scope sees them on ``as_of``; ``ScopeError`` otherwise."""
    found = session.scalar(
        select(Customer).where(Customer.id == customer_id, _visible(scope, as_of, None))
    )
    if found is None:
        raise ScopeError(
            _("{user} cannot see this customer: it is outside their pools.").format(
                user=scope.user_name or _("This user")
            )
        )
    return found


# --- queries ----------------------------------------------------------------------------


def customer_options(
    session: Session,
    scope: AgentScope,
    *,
    pool_id: uuid.UUID | None,
    as_of: dt.date,
    search: str = "",
    limit: int = 50,
) -> tuple[CustomerOption, ...]:
    """Customers of the scope (and pool) whose account or name contains ``search``, by account.

    The match ignores case (ASCII letters on SQLite, every letter on PostgreSQL).
    """
    query = select(Customer.id, Customer.account, Customer.name).where(
        _visible(scope, as_of, pool_id)
    )
    text = search.strip().lower()
    if text:
        query = query.where(
            or_(
                func.lower(Customer.account).contains(text, autoescape=True),
                func.lower(Customer.name).contains(text, autoescape=True),
            )
        )
    rows = session.execute(query.order_by(Customer.account).limit(limit))
    return tuple(CustomerOption(*row) for row in rows)


def _contact(contact: Contact | None) -> ContactInfo | None:
    if contact is None:
        return None
    return ContactInfo(contact.name, contact.email, contact.phone)


def customer_card(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    *,
    definition: Definition | None = None,
    items: Sequence[OpenItem] | None = None,
) -> CustomerCard:
    """The customer's card on ``as_of``; the aged figures equal a snapshot's row."""
    customer = check_customer(session, scope, customer_id, as_of)
    definition = definition or load_definition(session)
    accounting = session.scalar(select(ReceivablesParameters.accounting_currency)) or ""
    aged = aged_rows(session, as_of, definition, Customer.id == customer_id)
    row = aged[0] if aged else None
    if items is None:
        items = open_items(session, customer_id, as_of)
    promised = [i for i in items if i.collection_status == CollectionStatus.PROMISED]
    promise_dates = session.scalars(
        select(CustomerTransaction.promise_date).where(
            CustomerTransaction.id.in_([i.transaction_id for i in promised]),
            CustomerTransaction.promise_date.is_not(None),
        )
    ).all()
    payment = session.execute(
        select(
            CustomerTransaction.posting_date,
            CustomerTransaction.amount,
            CustomerTransaction.currency,
        )
        .where(
            CustomerTransaction.customer_id == customer_id,
            CustomerTransaction.type == TransactionType.PAYMENT,
            CustomerTransaction.posting_date <= as_of,
        )
        .order_by(CustomerTransaction.posting_date.desc(), CustomerTransaction.voucher.desc())
        .limit(1)
    ).one_or_none()
    recent = session.execute(
        select(Activity.id, Activity.end_at, Activity.type, Activity.purpose)
        .where(
            Activity.customer_id == customer_id,
            Activity.deleted_at.is_(None),
            Activity.start_at < _day_after(as_of),
        )
        .order_by(Activity.end_at.desc(), Activity.number.desc())
        .limit(RECENT_CONTACTS)
    ).all()
    contacts = session.scalars(
        select(Contact)
        .where(Contact.customer_id == customer_id, Contact.deleted_at.is_(None))
        .order_by(Contact.name, Contact.id)
    ).all()
    by_id = {c.id: c for c in contacts}
    collections = by_id.get(customer.collections_contact_id)  # type: ignore[arg-type]
    other = next((c for c in contacts if c is not collections), None)
    primary = by_id.get(customer.primary_contact_id)  # type: ignore[arg-type]
    responsible = (
        session.get(Employee, customer.responsible_employee_id)
        if customer.responsible_employee_id is not None
        else None
    )
    disputed = [
        i
        for i in items
        if i.collection_status == CollectionStatus.DISPUTED and i.open_amount_accounting != ZERO
    ]
    return CustomerCard(
        customer_id=customer.id,
        as_of=as_of,
        account=customer.account,
        name=customer.name,
        currency=customer.currency,
        accounting_currency=accounting,
        account_status=customer.account_status,
        credit_group=customer.credit_group,
        credit_limit=customer.credit_limit,
        balance=row.balance if row else ZERO,
        past_due=row.past_due if row else ZERO,
        available_credit=(
            row.available_credit
            if row
            else (customer.credit_limit if customer.credit_limit is not None else None)
        ),
        oldest_past_due_date=row.oldest_past_due_date if row else None,
        oldest_past_due_days=row.oldest_past_due_days if row else None,
        risk_score=row.risk_score if row else 0,
        last_payment_date=payment.posting_date if payment else None,
        last_payment_amount=-payment.amount if payment else None,
        last_payment_currency=payment.currency if payment else None,
        promise_count=len(promised),
        promise_amount=sum((i.open_amount_accounting for i in promised), ZERO),
        next_promise_date=min(promise_dates) if promise_dates else None,
        dispute_count=row.disputed_count if row else len(disputed),
        dispute_amount=(
            row.disputed_amount if row else sum((i.open_amount_accounting for i in disputed), ZERO)
        ),
        recent_contacts=tuple(RecentContact(*r) for r in recent),
        collections_contact=_contact(collections),
        other_contact=_contact(other),
        street=customer.street,
        postal_code=customer.postal_code,
        city=customer.city,
        country=customer.country,
        phone=customer.phone,
        email=customer.email,
        primary_contact_name=primary.name if primary else None,
        responsible=(
            ContactInfo(responsible.name, responsible.email, responsible.phone)
            if responsible
            else None
        ),
    )


def _day_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def _rows(
    session: Session, items: Sequence[OpenItem], as_of: dt.date
) -> tuple[TransactionRow, ...]:
    promises = {
        r.id: (r.promise_date, r.promise_amount)
        for r in session.execute(
            select(
                CustomerTransaction.id,
                CustomerTransaction.promise_date,
                CustomerTransaction.promise_amount,
            ).where(CustomerTransaction.id.in_([i.transaction_id for i in items]))
        )
    }
    return tuple(
        TransactionRow(
            id=i.transaction_id,
            voucher=i.voucher,
            document_number=i.document_number,
            type=i.type,
            posting_date=i.posting_date,
            due_date=i.due_date,
            days_overdue=max((as_of - i.due_date).days, 0) if i.amount > ZERO else 0,
            currency=i.currency,
            amount=i.amount,
            open_amount=i.open_amount,
            open_amount_accounting=i.open_amount_accounting,
            collection_status=i.collection_status,
            promise_date=promises.get(i.transaction_id, (None, None))[0],
            promise_amount=promises.get(i.transaction_id, (None, None))[1],
        )
        for i in items
    )


def open_transactions(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> tuple[TransactionRow, ...]:
    """The customer's transactions open on ``as_of``, oldest due date first."""
    check_customer(session, scope, customer_id, as_of)
    return _rows(session, open_items(session, customer_id, as_of), as_of)


def disputed_transactions(rows: Iterable[TransactionRow]) -> tuple[TransactionRow, ...]:
    """The disputed ones among ``rows`` (rows of ``open_transactions``, already in scope)."""
    return tuple(r for r in rows if r.collection_status == CollectionStatus.DISPUTED)


def promised_transactions(rows: Iterable[TransactionRow]) -> tuple[TransactionRow, ...]:
    """The ones promised to pay among ``rows``."""
    return tuple(r for r in rows if r.collection_status == CollectionStatus.PROMISED)


def unsettled_payments(rows: Iterable[TransactionRow]) -> tuple[TransactionRow, ...]:
    """The open credits among ``rows``: payments and credit notes not fully settled."""
    return tuple(r for r in rows if r.amount < ZERO)


def past_due_transactions(rows: Iterable[TransactionRow]) -> tuple[TransactionRow, ...]:
    """The debits among ``rows`` whose due date has passed."""
    return tuple(r for r in rows if r.past_due)


_TIMELINE_TYPES = {
    TransactionType.INVOICE: TimelineKind.INVOICE,
    TransactionType.PAYMENT: TimelineKind.PAYMENT,
    TransactionType.CREDIT_NOTE: TimelineKind.CREDIT_NOTE,
    TransactionType.INTEREST_NOTE: TimelineKind.CHARGE,
    TransactionType.FEE: TimelineKind.CHARGE,
    TransactionType.WRITE_OFF: TimelineKind.CORRECTION,
    TransactionType.REVERSAL: TimelineKind.CORRECTION,
}


def timeline(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    *,
    days: int = TIMELINE_DAYS,
    kinds: Iterable[str] | None = None,
    formats: Formats | None = None,
) -> tuple[TimelineEntry, ...]:
    """What happened to the customer in the ``days`` up to ``as_of``, newest first.

    Invoices, payments and credit notes by posting date; collection letters by letter
    date; activities by end date and time. ``kinds`` (``TimelineKind`` values) keeps only
    those kinds.
    """
    check_customer(session, scope, customer_id, as_of)
    fmt = formats or text_formats()
    wanted = set(TimelineKind.ALL if kinds is None else kinds)
    since = as_of - dt.timedelta(days=days)
    entries: list[tuple[tuple[dt.date, dt.time, str], TimelineEntry]] = []
    types = [t for t, kind in _TIMELINE_TYPES.items() if kind in wanted]
    if types:
        t = CustomerTransaction
        for row in session.execute(
            select(
                t.id, t.type, t.voucher, t.document_number, t.posting_date, t.due_date,
                t.currency, t.amount, t.description,
            ).where(
                t.customer_id == customer_id,
                t.type.in_(types),
                t.posting_date <= as_of,
                t.posting_date > since,
            )
        ):  # fmt: skip
            entry = _transaction_entry(row, fmt)
            entries.append(((row.posting_date, dt.time.min, row.voucher), entry))
    if TimelineKind.LETTER in wanted:
        for letter in letter_rows(session, customer_id, since=since, until=as_of):
            entries.append(
                ((letter.letter_date, dt.time.min, letter.number), _letter_entry(letter, fmt))
            )
    if TimelineKind.ACTIVITY in wanted:
        a = Activity
        for row in session.execute(
            select(
                a.id, a.number, a.type, a.category, a.purpose, a.memo, a.end_at, a.closed,
                Employee.name.label("responsible"),
            )
            .outerjoin(Employee, Employee.id == a.responsible_employee_id)
            .where(
                a.customer_id == customer_id,
                a.deleted_at.is_(None),
                a.end_at < _day_after(as_of),
                a.end_at >= _day_after(since),
            )
        ):  # fmt: skip
            end = row.end_at
            entries.append(((end.date(), end.time(), row.number), _activity_entry(row, fmt)))
    entries.sort(key=lambda pair: pair[0], reverse=True)
    return tuple(entry for _key, entry in entries)


def _transaction_entry(row, fmt: Formats) -> TimelineEntry:  # type: ignore[no-untyped-def]
    kind = _TIMELINE_TYPES[row.type]
    name = type_name(row.type)
    money = fmt.money(row.amount, row.currency)  # debits positive, credits negative
    if kind in (TimelineKind.INVOICE, TimelineKind.CHARGE):
        title = _("{type} {number} · {amount} · due {due}").format(
            type=name, number=row.document_number, amount=money, due=fmt.date(row.due_date)
        )
    elif kind == TimelineKind.CORRECTION and row.description:
        title = _("{type} {number} · {amount} · {description}").format(
            type=name, number=row.document_number, amount=money, description=row.description
        )
    else:
        title = _("{type} {number} · {amount}").format(
            type=name, number=row.document_number, amount=money
        )
    lines = [
        f"{name} {row.document_number}",
        _("Voucher: {voucher}").format(voucher=row.voucher),
        _("Posted: {date}").format(date=fmt.date(row.posting_date, "long")),
        _("Amount: {amount}").format(amount=fmt.money(row.amount, row.currency)),
    ]
    if kind in (TimelineKind.INVOICE, TimelineKind.CHARGE):
        lines.append(_("Due: {date}").format(date=fmt.date(row.due_date, "long")))
    if row.description:
        lines.append(row.description)
    return TimelineEntry(
        kind=kind,
        date=row.posting_date,
        at=None,
        title=title,
        tooltip="\n".join(lines),
        target_kind=Target.TRANSACTION,
        target_id=row.id,
    )


def _letter_entry(letter: LetterRow, fmt: Formats) -> TimelineEntry:
    level = _("level {level}").format(level=letter.level)
    if letter.level_name:
        level = f"{level} {letter.level_name}"
    amount = fmt.money(letter.amount, letter.currency)
    if letter.fee:
        fee = fmt.money(letter.fee, letter.currency)
        title = _("Letter {number} {level} · {amount} · fee {fee}").format(
            number=letter.number, level=level, amount=amount, fee=fee
        )
    else:
        fee = _("none")
        title = _("Letter {number} {level} · {amount}").format(
            number=letter.number, level=level, amount=amount
        )
    lines = [
        _("Collection letter {number}").format(number=letter.number),
        _("Sequence {code}, {level}").format(code=letter.sequence_code, level=level),
        _("Dated: {date}").format(date=fmt.date(letter.letter_date, "long")),
        _("Overdue amount named: {amount}").format(amount=amount),
        _("Fee: {fee}").format(fee=fee),
        ngettext("{count} item", "{count} items", letter.item_count).format(
            count=letter.item_count
        ),
    ]
    return TimelineEntry(
        kind=TimelineKind.LETTER,
        date=letter.letter_date,
        at=None,
        title=title,
        tooltip="\n".join(lines),
        target_kind=Target.LETTER,
        target_id=letter.id,
    )


def _activity_entry(row, fmt: Formats) -> TimelineEntry:  # type: ignore[no-untyped-def]
    kind_name = activity_type_name(row.type)
    parts = [kind_name]
    if row.category:
        parts.append(row.category)
    if row.responsible:
        parts.append(row.responsible)
    parts.append(row.purpose)
    has_memo = bool(row.memo and row.memo.strip())
    if has_memo:
        parts.append(_("User memo included"))
    end = row.end_at
    lines = [
        _("{type} {number}").format(type=kind_name, number=row.number),
        _("Purpose: {purpose}").format(purpose=row.purpose),
        _("Category: {category}").format(category=row.category or "—"),
        _("Ends: {date} {time}").format(date=fmt.date(end.date(), "long"), time=f"{end:%H:%M}"),
        _("Responsible: {name}").format(name=row.responsible or "—"),
        _("Closed") if row.closed else _("Open"),
    ]
    if has_memo:
        lines.append(_("User memo included"))
    return TimelineEntry(
        kind=TimelineKind.ACTIVITY,
        date=end.date(),
        at=end,
        title=" · ".join(parts),
        tooltip="\n".join(lines),
        target_kind=Target.ACTIVITY,
        target_id=row.id,
    )


def load_workspace(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    *,
    pool_id: uuid.UUID | None = None,
    formats: Formats | None = None,
) -> WorkspaceData:
    """Card, open transactions, timeline and aging of a customer, in one read.

    The aging uses the definition of ``pool_id`` (else the company default), as the
    snapshot of that pool does.
    """
    check_customer(session, scope, customer_id, as_of)
    if pool_id is not None:
        scope.pool(pool_id)  # ScopeError for a pool outside the scope
    definition = load_definition(session, pool_id=pool_id)
    items = open_items(session, customer_id, as_of)
    aging = age_items(items, as_of, definition)
    card = customer_card(session, scope, customer_id, as_of, definition=definition, items=items)
    return WorkspaceData(
        card=card,
        transactions=_rows(session, items, as_of),
        timeline=timeline(session, scope, customer_id, as_of, formats=formats),
        aging_labels=definition.labels,
        aging_columns=aging.columns,
        company_name=session.scalar(select(ReceivablesParameters.company_name)) or "",
    )


# --- texts ------------------------------------------------------------------------------


def summary_sentences(card: CustomerCard, formats: Formats) -> list[str]:
    """Plain sentences about the account, generated from the card (no made-up facts)."""
    fmt = formats
    currency = card.accounting_currency
    sentences: list[str] = []
    if card.balance > ZERO:
        owes = _("{name} owes {balance}").format(
            name=card.name, balance=fmt.money(card.balance, currency)
        )
        if card.past_due > ZERO and card.oldest_past_due_days is not None:
            days = card.oldest_past_due_days
            sentences.append(
                ngettext(
                    "{owes}, of which {past_due} is past due; the oldest item is {days} day late.",
                    "{owes}, of which {past_due} is past due; the oldest item is {days} days late.",
                    days,
                ).format(owes=owes, past_due=fmt.amount(card.past_due), days=fmt.count(days))
            )
        else:
            sentences.append(_("{owes}; nothing is past due.").format(owes=owes))
    elif card.balance < ZERO:
        sentences.append(
            _("{name} has a credit balance of {balance}.").format(
                name=card.name, balance=fmt.money(-card.balance, currency)
            )
        )
    else:
        sentences.append(_("{name} owes nothing.").format(name=card.name))
    if card.last_payment_date is not None and card.last_payment_amount is not None:
        sentences.append(
            _("Last payment {amount} on {date}.").format(
                amount=fmt.money(card.last_payment_amount, card.last_payment_currency or currency),
                date=fmt.date(card.last_payment_date),
            )
        )
    else:
        sentences.append(_("No payment is on record."))
    if card.promise_count:
        by = (
            _(", the next by {date}").format(date=fmt.date(card.next_promise_date))
            if card.next_promise_date
            else ""
        )
        sentences.append(
            ngettext(
                "One promise to pay ({amount}{by}) is open.",
                "{count} promises to pay ({amount}{by}) are open.",
                card.promise_count,
            ).format(
                count=fmt.count(card.promise_count), amount=fmt.amount(card.promise_amount), by=by
            )
        )
    if card.dispute_count:
        sentences.append(
            ngettext(
                "One item is disputed ({amount}).",
                "{count} items are disputed ({amount}).",
                card.dispute_count,
            ).format(count=fmt.count(card.dispute_count), amount=fmt.amount(card.dispute_amount))
        )
    if card.recent_contacts:
        last = card.recent_contacts[0]
        sentences.append(
            _("Last contact: {type} on {date}, “{purpose}”.").format(
                type=activity_type_name(last.type).lower(),
                date=fmt.date(last.end_at.date()),
                purpose=last.purpose,
            )
        )
    else:
        sentences.append(_("No contact is recorded yet."))
    sentences.append(_("Risk score {score} of 100.").format(score=card.risk_score))
    if card.on_hold:
        sentences.append(_("The account is on hold."))
    return sentences


REMINDER_SUBJECT = N_("Payment reminder – account {account}")
"""The subject of the reminder e-mail (translated when used)."""

REMINDER_BODY = N_(
    "Dear {contact},\n"
    "\n"
    "According to our records, the following items on your account {account} are past due:\n"
    "\n"
    "{items}\n"
    "\n"
    "Total past due: {total}\n"
    "\n"
    "We would be grateful if you could arrange payment, or let us know if anything about "
    "these items needs clearing up.\n"
    "\n"
    "Kind regards,\n"
    "{company}"
)
"""The reminder e-mail; ``{items}`` is one line per past-due item (translated when used)."""

REMINDER_ITEM = N_("- {document}, due {due}: {open} open ({days})")
"""One line of the reminder's item list."""


def reminder_email(
    card: CustomerCard, open_rows: Sequence[TransactionRow], formats: Formats, company_name: str
) -> EmailDraft:
    """A reminder e-mail listing the past-due items of ``open_rows``, oldest due first.

    It goes to the collections contact, else the customer's e-mail address.
    """
    fmt = formats
    due = sorted(past_due_transactions(open_rows), key=lambda r: (r.due_date, r.voucher))
    lines = [
        _(REMINDER_ITEM).format(
            document=row.document_number,
            due=fmt.date(row.due_date),
            open=fmt.money(row.open_amount, row.currency),
            days=ngettext("{days} day overdue", "{days} days overdue", row.days_overdue).format(
                days=fmt.count(row.days_overdue)
            ),
        )
        for row in due
    ]
    totals: dict[str, Decimal] = {}
    for row in due:
        totals[row.currency] = totals.get(row.currency, ZERO) + row.open_amount
    contact = card.collections_contact
    to = (contact.email if contact and contact.email else None) or card.email or ""
    body = _(REMINDER_BODY).format(
        contact=contact.name if contact else card.name,
        account=card.account,
        items="\n".join(lines),
        total=", ".join(fmt.money(amount, cur) for cur, amount in sorted(totals.items())) or "—",
        company=company_name,
    )
    return EmailDraft(to=to, subject=_(REMINDER_SUBJECT).format(account=card.account), body=body)


def mailto_url(draft: EmailDraft) -> str:
    """A ``mailto:`` URL (RFC 6068): address, subject and body percent-encoded, CRLF lines."""
    fields = []
    if draft.subject:
        fields.append("subject=" + quote(draft.subject, safe=""))
    if draft.body:
        body = draft.body.replace("\r\n", "\n").replace("\n", "\r\n")
        fields.append("body=" + quote(body, safe=""))
    url = "mailto:" + quote(draft.to, safe="@")
    return url + ("?" + "&".join(fields) if fields else "")


CALL_METHODS = ("tel", "teams")


def dial_string(phone: str) -> str:
    """The number without spaces and separators ("+34 910-555 101" → "+34910555101")."""
    return "".join(ch for ch in phone if ch not in " \t\xa0-.()/")


def call_url(phone: str, method: str) -> str:
    """The URL that calls ``phone``: ``tel:`` (RFC 3966) or a Microsoft Teams call link.

    Teams' documented call deep link is ``https://teams.microsoft.com/l/call/0/0?users=…``;
    a phone number (rather than a user) is given with the ``4:`` prefix, which Teams
    dials through its phone system (the user needs a Teams calling plan).
    """
    number = dial_string(phone)
    if method == "tel":
        return "tel:" + number
    if method == "teams":
        return "https://teams.microsoft.com/l/call/0/0?users=4:" + number
    raise ValueError(f"unknown call method {method!r}; expected one of {CALL_METHODS}")
