"""The Workspace's customer card and transaction grids, read inside the agent's scope.

A customer outside the scope raises ``ScopeError`` (so does a pool outside it), and
nothing about them is read. Amounts are exact ``Decimal``; the card's balance, past-due
amount, oldest past-due item, disputes and risk score come from the very query that takes
snapshots (``snapshot.aged_rows``), so the Workspace and the Overview lists agree to the
cent. Rows are immutable; the Qt pages format them.

Two facts the screens state about a customer have their rule here, once:

- the **last payment** is the latest payment posted by the as-of date that was not
  returned: a payment reversed (an NSF return posts a ``reversal`` whose
  ``reverses_transaction_id`` names it) by that date is no payment (``last_payment``);
- the **recent contacts** are contacts that happened: a closed action (how calls, visits,
  e-mails and letters are logged) or a closed appointment (a meeting held) that ended by
  the as-of date, and the collection letters dated by then. Open tasks, future
  appointments and events are plans or notices, not contacts (``recent_contacts``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from collections_desktop.i18n import N_, _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.aging.definitions import Definition, load_definition
from collections_desktop.models.aging.snapshot import aged_rows
from collections_desktop.models.casework.categories import shown_category
from collections_desktop.models.casework.last_contacts import (
    ContactKind as ContactKind,  # the kinds of RecentContact, kept importable from here
)
from collections_desktop.models.casework.last_contacts import (
    activity_contact,
    letter_contact,
)
from collections_desktop.models.casework.last_contacts import (
    day_after as day_after,  # the screens' "ended by the day", kept importable from here
)
from collections_desktop.models.db.schema import (
    AccountStatus,
    Activity,
    CollectionLetter,
    CollectionStatus,
    Contact,
    Customer,
    CustomerTransaction,
    Employee,
    ReceivablesParameters,
    TransactionType,
)
from collections_desktop.models.ledger.balances import OpenItem, open_items
from collections_desktop.models.people.scope import AgentScope, ScopeError
from collections_desktop.models.predict.reads import PredictionRow

RECENT_CONTACTS = 3
"""How many of the latest contacts the card lists."""


TRANSACTION_TYPE_NAMES: dict[str, str] = {
    TransactionType.INVOICE: N_("Invoice"),
    TransactionType.PAYMENT: N_("Payment"),
    TransactionType.CREDIT_NOTE: N_("Credit note"),
    TransactionType.INTEREST_NOTE: N_("Interest note"),
    TransactionType.FEE: N_("Fee"),
    TransactionType.WRITE_OFF: N_("Write-off"),
    TransactionType.REVERSAL: N_("Reversal"),
    TransactionType.REFUND: N_("Refund"),
}


def type_name(value: str) -> str:
    """The translated name of a transaction type ("invoice" → "Invoice")."""
    name = TRANSACTION_TYPE_NAMES.get(value)
    return _(name) if name else value


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
    """A contact with the customer that happened: a closed activity or a collection letter.

    ``type`` is the activity type (``ActivityType``) of an activity, ``"letter"`` for a
    collection letter; ``category`` the activity's category as shown (None for a letter or
    an activity without one); ``purpose`` the activity's purpose ("" for a letter);
    ``number`` the activity's or the letter's number.
    """

    id: uuid.UUID
    kind: str  # a ContactKind
    date: dt.date
    at: dt.datetime | None  # when the activity ended; None for a letter
    type: str
    category: str | None
    purpose: str
    number: str


@dataclass(frozen=True)
class LastPayment:
    """The latest payment that was not returned, in its own currency (amount positive)."""

    id: uuid.UUID
    posting_date: dt.date
    amount: Decimal
    currency: str


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
    aging_columns: tuple[Decimal, ...] = ()
    """The aged balance in the definition's columns (the customer's aggregate, as a
    snapshot's row); empty when nothing is open."""

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
    prediction: PredictionRow | None = None
    """An open invoice's predicted pay date and late chance (the last snapshot's)."""

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
) -> CustomerCard:
    """The customer's card on ``as_of``; the aged figures equal a snapshot's row.

    Every figure is the customer's aggregate or a read of a few rows (the promised ones),
    never all its open items: a customer with thousands is shown as fast as any."""
    customer = check_customer(session, scope, customer_id, as_of)
    definition = definition or load_definition(session)
    accounting = session.scalar(select(ReceivablesParameters.accounting_currency)) or ""
    aged = aged_rows(session, as_of, definition, Customer.id == customer_id)
    row = aged[0] if aged else None
    promised = open_items(
        session,
        customer_id,
        as_of,
        where=(CustomerTransaction.collection_status == CollectionStatus.PROMISED,),
    )
    promise_dates = cast(  # the query keeps only the dates that are set
        Sequence[dt.date],
        session.scalars(
            select(CustomerTransaction.promise_date).where(
                CustomerTransaction.id.in_([i.transaction_id for i in promised]),
                CustomerTransaction.promise_date.is_not(None),
            )
        ).all(),
    )
    payment = last_payment(session, customer_id, as_of)
    contacts = session.scalars(
        select(Contact)
        .where(Contact.customer_id == customer_id, Contact.deleted_at.is_(None))
        .order_by(Contact.name, Contact.id)
    ).all()
    by_id: dict[uuid.UUID | None, Contact] = {c.id: c for c in contacts}
    collections = by_id.get(customer.collections_contact_id)
    other = next((c for c in contacts if c is not collections), None)
    primary = by_id.get(customer.primary_contact_id)
    responsible = (
        session.get(Employee, customer.responsible_employee_id)
        if customer.responsible_employee_id is not None
        else None
    )
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
        last_payment_amount=payment.amount if payment else None,
        last_payment_currency=payment.currency if payment else None,
        promise_count=len(promised),
        promise_amount=sum((i.open_amount_accounting for i in promised), ZERO),
        next_promise_date=min(promise_dates) if promise_dates else None,
        dispute_count=row.disputed_count if row else 0,  # no row: nothing is open
        dispute_amount=row.disputed_amount if row else ZERO,
        recent_contacts=recent_contacts(session, customer_id, as_of),
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
        aging_columns=row.columns if row else (),
    )


def last_payment(session: Session, customer_id: uuid.UUID, as_of: dt.date) -> LastPayment | None:
    """The customer's latest payment posted by ``as_of`` and not returned by then.

    A payment returned unpaid (NSF) is reversed by a ``reversal`` transaction that names
    it (``reverses_transaction_id``); once that reversal is posted the payment is no
    payment, so the one before it is the last. On a date before the return it still was.
    """
    txn = CustomerTransaction
    returned = aliased(CustomerTransaction)
    row = session.execute(
        select(txn.id, txn.posting_date, txn.amount, txn.currency)
        .where(
            txn.customer_id == customer_id,
            txn.type == TransactionType.PAYMENT,
            txn.posting_date <= as_of,
            # Read once (the customer's index), not per payment: on ten thousand
            # payments a correlated probe took a tenth of a second.
            txn.id.not_in(
                select(returned.reverses_transaction_id).where(
                    returned.customer_id == customer_id,
                    returned.reverses_transaction_id.is_not(None),
                    returned.posting_date <= as_of,
                )
            ),
        )
        .order_by(txn.posting_date.desc(), txn.voucher.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    return LastPayment(row.id, row.posting_date, -row.amount, row.currency)


def recent_contacts(
    session: Session, customer_id: uuid.UUID, as_of: dt.date, limit: int = RECENT_CONTACTS
) -> tuple[RecentContact, ...]:
    """The customer's latest contacts that happened by ``as_of``, newest first.

    A contact is a closed action or appointment (``CONTACT_TYPES``) that ended on or
    before ``as_of``, or a collection letter dated on or before it. An activity that
    ends later, even closed ahead of time, has not happened yet. The rule is
    ``casework.last_contacts``'s, whose ``last_contacts`` gives the first of these for
    every customer of a scope at once.
    """
    activities = session.execute(
        select(
            Activity.id,
            Activity.end_at,
            Activity.type,
            shown_category(session).label("category"),
            Activity.purpose,
            Activity.number,
        )
        .where(
            Activity.customer_id == customer_id,
            activity_contact(as_of),
        )
        .order_by(Activity.end_at.desc(), Activity.number.desc())
        .limit(limit)
    ).all()
    letters = session.execute(
        select(
            CollectionLetter.id,
            CollectionLetter.letter_date,
            CollectionLetter.number,
        )
        .where(
            CollectionLetter.customer_id == customer_id,
            letter_contact(as_of),
        )
        .order_by(CollectionLetter.letter_date.desc(), CollectionLetter.number.desc())
        .limit(limit)
    ).all()
    found = [
        RecentContact(
            id=row.id,
            kind=ContactKind.ACTIVITY,
            date=row.end_at.date(),
            at=row.end_at,
            type=row.type,
            category=row.category,
            purpose=row.purpose,
            number=row.number,
        )
        for row in activities
    ]
    found += [
        RecentContact(
            id=row.id,
            kind=ContactKind.LETTER,
            date=row.letter_date,
            at=None,
            type=ContactKind.LETTER,
            category=None,
            purpose="",
            number=row.number,
        )
        for row in letters
    ]
    # Newest first; on one day an activity (with its time) before a letter (dated only).
    found.sort(
        key=lambda c: (c.date, c.at is not None, c.at.time() if c.at else dt.time(), c.number),
        reverse=True,
    )
    return tuple(found[:limit])


PROMISE_STATES = frozenset((CollectionStatus.PROMISED, CollectionStatus.BROKEN))
"""The collection statuses whose transaction keeps a promise's date and amount."""


def transaction_rows(
    session: Session,
    items: Sequence[OpenItem],
    as_of: dt.date,
    predictions: Mapping[uuid.UUID, PredictionRow] | None = None,
) -> tuple[TransactionRow, ...]:
    """The rows of ``items``, with their promises and (when given) their predictions."""
    predicted = predictions or {}
    promises = {
        r.id: (r.promise_date, r.promise_amount)
        for r in session.execute(
            select(
                CustomerTransaction.id,
                CustomerTransaction.promise_date,
                CustomerTransaction.promise_amount,
            ).where(
                # Only a promise, kept or broken, carries a date: the rest are not asked for
                # (thousands of keys in the statement took longer than the open items).
                CustomerTransaction.id.in_(
                    [i.transaction_id for i in items if i.collection_status in PROMISE_STATES]
                )
            )
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
            prediction=predicted.get(i.transaction_id),
        )
        for i in items
    )


def open_transactions(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> tuple[TransactionRow, ...]:
    """The customer's transactions open on ``as_of``, oldest due date first."""
    check_customer(session, scope, customer_id, as_of)
    return transaction_rows(session, open_items(session, customer_id, as_of), as_of)


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
