"""The rows of the list pages (Aged balances, Activities) and of the Collections page.

Every list is read with a fixed, small number of statements whatever the company's
size, never a query per row:

- **Aged balances** read a stored snapshot (``models/snapshot.py``): the customer rows
  joined to their lines, one join per column, so a pool of 40,000 customers is one
  statement.
- **Activities** are one join of activities, customers, employees and cases, filtered
  in SQL (status, type, responsible, words) and limited; the page says when the limit
  cut the list.
- **The Collections page** of one customer reads their cases, the transactions that are
  open or belong to a case, their activities, and the fact boxes: the customer's row of
  the newest snapshot that holds them, or (Refresh) the same figures aged live by the
  snapshot's own statement (``snapshot.aged_rows``) for that one customer.

Every function takes the viewer's ``AgentScope``: customers outside it are never listed
and a customer or pool outside it raises ``ScopeError``.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    and_,
    case,
    false,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from collections_desktop.models.aging import load_definition_row
from collections_desktop.models.aging_report import TOTAL
from collections_desktop.models.cases import CaseRow, cases_of
from collections_desktop.models.db.schema import (
    Activity,
    AgingSnapshot,
    AgingSnapshotCustomer,
    AgingSnapshotLine,
    CaseTransaction,
    CollectionsCase,
    Customer,
    CustomerPool,
    CustomerTransaction,
    Employee,
    ReceivablesParameters,
    SettlementLine,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.exports import csv_text
from collections_desktop.models.money import STORAGE_PLACES, ZERO
from collections_desktop.models.overview import latest_snapshot
from collections_desktop.models.scope import AgentScope
from collections_desktop.models.snapshot import aged_rows, stored_label
from collections_desktop.models.workspace import TransactionRow, check_customer

_CENTS = Decimal("0.01")

ACTIVITY_LIMIT = 20_000
"""The most activities the Activities page lists at once; it says when there are more."""


# --- aged balances ----------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotHeader:
    """Which snapshot a list shows: its date, when and by whom it was taken, its columns."""

    id: uuid.UUID
    as_of: dt.date
    created_at: dt.datetime
    user_name: str | None  # whose scope it was taken in; None: the whole company
    pool_id: uuid.UUID | None
    pool_name: str | None
    definition_id: uuid.UUID
    definition_name: str
    customer_count: int
    balance: Decimal
    labels: tuple[str, ...]  # Current, the periods, Unapplied (in the user's language)


@dataclass(frozen=True, slots=True)
class AgedBalanceRow:
    """One customer of a snapshot: the columns and the header facts, in accounting currency."""

    customer_id: uuid.UUID
    account: str
    name: str
    columns: tuple[Decimal, ...]  # in the order of SnapshotHeader.labels
    balance: Decimal
    past_due: Decimal
    credit_limit: Decimal | None
    available_credit: Decimal | None
    risk_score: int
    oldest_past_due_days: int | None
    account_status: str

    @property
    def current(self) -> Decimal:
        """Not yet due."""
        return self.columns[0]

    @property
    def unapplied(self) -> Decimal:
        """What is open of payments and credit notes (zero or negative)."""
        return self.columns[-1]


@dataclass(frozen=True)
class AgedBalances:
    """A snapshot's customers inside the viewer's scope (and pool), by account."""

    snapshot: SnapshotHeader
    rows: tuple[AgedBalanceRow, ...]

    @property
    def totals(self) -> tuple[Decimal, ...]:
        """Each column summed over the rows listed."""
        width = len(self.snapshot.labels)
        return tuple(sum((r.columns[i] for r in self.rows), ZERO) for i in range(width))


def snapshot_header(session: Session, snapshot_id: uuid.UUID) -> SnapshotHeader | None:
    """The header of a stored snapshot and its column labels; None if there is none."""
    snap = AgingSnapshot
    row = session.execute(
        select(
            snap.id,
            snap.as_of,
            snap.created_at,
            snap.user_name,
            snap.pool_id,
            CustomerPool.name.label("pool_name"),
            snap.definition_id,
            snap.definition_name,
            snap.customer_count,
            snap.balance,
        )
        .outerjoin(CustomerPool, CustomerPool.id == snap.pool_id)
        .where(snap.id == snapshot_id)
    ).one_or_none()
    if row is None:
        return None
    # Every customer row of a snapshot has the same lines: read the labels from one.
    first = session.scalar(
        select(AgingSnapshotCustomer.id)
        .where(AgingSnapshotCustomer.snapshot_id == snapshot_id)
        .limit(1)
    )
    if first is not None:
        stored = session.scalars(
            select(AgingSnapshotLine.label)
            .where(AgingSnapshotLine.snapshot_customer_id == first)
            .order_by(AgingSnapshotLine.position)
        ).all()
        labels = tuple(stored_label(label, i, len(stored)) for i, label in enumerate(stored))
    else:  # nobody owed anything: the definition says what the columns would have been
        labels = load_definition_row(session, row.definition_id)[1].labels
    return SnapshotHeader(
        id=row.id,
        as_of=row.as_of,
        created_at=row.created_at,
        user_name=row.user_name,
        pool_id=row.pool_id,
        pool_name=row.pool_name,
        definition_id=row.definition_id,
        definition_name=row.definition_name,
        customer_count=row.customer_count,
        balance=row.balance,
        labels=labels,
    )


def _units(column: Any, name: str) -> Any:
    """A money column read as its stored integer (converted once, by ``_amount``)."""
    return type_coerce(column, BigInteger).label(name)


def _amount(units: int | Decimal | None) -> Decimal | None:
    """A stored count of 1/10,000 as an amount, exactly as ``Money`` reads it.

    Most aging columns are zero, so zero skips the conversion: a pool of 40,000
    customers has about half a million amounts to read.
    """
    if units is None:
        return None
    if not units:
        return ZERO
    amount = Decimal(int(units)).scaleb(-STORAGE_PLACES)
    cents = amount.quantize(_CENTS)
    return cents if cents == amount else amount


def aged_balances(
    session: Session,
    scope: AgentScope,
    snapshot_id: uuid.UUID,
    *,
    as_of: dt.date,
    pool_id: uuid.UUID | None = None,
) -> AgedBalances | None:
    """The snapshot's customers that the scope (and ``pool_id``) sees, by account.

    None when the snapshot does not exist. One statement: the customers, their snapshot
    row and one join per column to its line (each a primary-key lookup), which measured
    faster than grouping the lines into columns.
    """
    header = snapshot_header(session, snapshot_id)
    if header is None:
        return None
    width = len(header.labels)
    head = AgingSnapshotCustomer
    lines = [aliased(AgingSnapshotLine, name=f"line{i}") for i in range(width)]
    query = select(
        Customer.id,
        Customer.account,
        Customer.name,
        Customer.account_status,
        head.risk_score,
        head.oldest_past_due_days,
        _units(head.balance, "balance"),
        _units(head.past_due, "past_due"),
        _units(head.credit_limit, "credit_limit"),
        _units(head.available_credit, "available_credit"),
        *(_units(line.amount, f"c{i}") for i, line in enumerate(lines)),
    ).join(head, head.customer_id == Customer.id)
    for position, line in enumerate(lines):
        query = query.join(
            line, and_(line.snapshot_customer_id == head.id, line.position == position)
        )
    query = query.where(
        head.snapshot_id == snapshot_id,
        Customer.deleted_at.is_(None),
        scope.customer_condition(as_of, pool_id),
    ).order_by(Customer.account)
    amount = _amount
    rows = tuple(
        AgedBalanceRow(
            customer_id=row[0],
            account=row[1],
            name=row[2],
            columns=tuple(map(amount, row[10:])),  # type: ignore[arg-type]
            balance=amount(row[6]),  # type: ignore[arg-type]
            past_due=amount(row[7]),  # type: ignore[arg-type]
            credit_limit=amount(row[8]),
            available_credit=amount(row[9]),
            risk_score=row[4],
            oldest_past_due_days=row[5],
            account_status=row[3],
        )
        for row in session.execute(query)
    )
    return AgedBalances(header, rows)


@dataclass(frozen=True)
class PoolAgedBalances:
    """What the Aged balances page lists for a pool: its newest snapshot's customers."""

    balances: AgedBalances | None
    """None: the pool has no snapshot yet."""
    currency: str
    """The accounting currency the amounts are in ("" when the company has none set)."""


def newest_aged_balances(
    session: Session, scope: AgentScope, as_of: dt.date, pool_id: uuid.UUID | None = None
) -> PoolAgedBalances:
    """The customers of the newest snapshot of ``pool_id`` (``overview.latest_snapshot``)
    that the scope sees, and the accounting currency of its amounts."""
    info = latest_snapshot(session, scope, pool_id)
    balances = (
        aged_balances(session, scope, info.id, as_of=as_of, pool_id=pool_id)
        if info is not None
        else None
    )
    currency = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
    return PoolAgedBalances(balances, currency or "")


# --- activities -------------------------------------------------------------------------


class ActivityStatus(enum.StrEnum):
    """Which activities a list shows."""

    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class ActivityListRow:
    """One activity of the Activities page; customer fields are None for an own task."""

    id: uuid.UUID
    number: str
    start_at: dt.datetime
    end_at: dt.datetime
    type: str
    category: str | None
    purpose: str
    has_memo: bool
    closed: bool
    closed_at: dt.datetime | None
    customer_id: uuid.UUID | None
    account: str | None
    name: str | None
    responsible_id: uuid.UUID | None
    responsible_name: str | None
    case_id: uuid.UUID | None
    case_number: str | None


@dataclass(frozen=True)
class ActivityList:
    """The activities listed and whether the limit left some out."""

    rows: tuple[ActivityListRow, ...]
    truncated: bool


def _words(text: str | None) -> list[str]:
    return (text or "").lower().split()


def _matches_words(words: Sequence[str], *columns: Any) -> list[ColumnElement[bool]]:
    """Each word in at least one of ``columns`` (case-insensitive; ASCII only on SQLite)."""
    return [
        or_(*(func.lower(func.coalesce(c, "")).contains(w, autoescape=True) for c in columns))
        for w in words
    ]


def _activity_scope(
    scope: AgentScope,
    employee_id: uuid.UUID | None,
    pool_id: uuid.UUID | None,
    as_of: dt.date,
) -> ColumnElement[bool]:
    """Activities about customers the scope sees, plus the viewer's own tasks (no pool)."""
    in_scope = and_(Customer.deleted_at.is_(None), scope.customer_condition(as_of, pool_id))
    if pool_id is not None:
        return in_scope
    own = (
        and_(Activity.customer_id.is_(None), Activity.responsible_employee_id == employee_id)
        if employee_id is not None
        else false()
    )
    return or_(in_scope, own)


def list_activities(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    *,
    employee_id: uuid.UUID | None,
    status: ActivityStatus = ActivityStatus.OPEN,
    type: str | None = None,
    responsible_id: uuid.UUID | None = None,
    pool_id: uuid.UUID | None = None,
    text: str | None = None,
    limit: int | None = ACTIVITY_LIMIT,
) -> ActivityList:
    """The activities the viewer may see, filtered; open ones oldest end first, else newest.

    In scope: every activity about a customer of the scope (of ``pool_id`` when given),
    whoever is responsible, and the viewer's (``employee_id``) own tasks about no
    customer. ``text`` keeps the activities whose number, purpose, category, customer
    account or name hold every word. At most ``limit`` rows; ``truncated`` says when
    there were more.
    """
    if pool_id is not None:
        scope.pool(pool_id)  # ScopeError for a pool outside the scope
    memo = func.length(func.trim(func.coalesce(Activity.memo, "")))
    conditions: list[ColumnElement[bool]] = [
        Activity.deleted_at.is_(None),
        _activity_scope(scope, employee_id, pool_id, as_of),
    ]
    if status is ActivityStatus.OPEN:
        conditions.append(Activity.closed.is_(False))
    elif status is ActivityStatus.CLOSED:
        conditions.append(Activity.closed.is_(True))
    if type:
        conditions.append(Activity.type == type)
    if responsible_id is not None:
        conditions.append(Activity.responsible_employee_id == responsible_id)
    conditions += _matches_words(
        _words(text),
        Activity.number,
        Activity.purpose,
        Activity.category,
        Customer.account,
        Customer.name,
    )
    order = (
        (Activity.end_at, Activity.number)
        if status is ActivityStatus.OPEN
        else (Activity.end_at.desc(), Activity.number.desc())
    )
    query = (
        select(
            Activity.id,
            Activity.number,
            Activity.start_at,
            Activity.end_at,
            Activity.type,
            Activity.category,
            Activity.purpose,
            (memo > 0).label("has_memo"),
            Activity.closed,
            Activity.closed_at,
            Activity.customer_id,
            Customer.account,
            Customer.name,
            Activity.responsible_employee_id,
            Employee.name.label("responsible_name"),
            Activity.case_id,
            CollectionsCase.number.label("case_number"),
        )
        .outerjoin(Customer, Customer.id == Activity.customer_id)
        .outerjoin(Employee, Employee.id == Activity.responsible_employee_id)
        .outerjoin(CollectionsCase, CollectionsCase.id == Activity.case_id)
        .where(*conditions)
        .order_by(*order)
        .limit(None if limit is None else limit + 1)
    )
    rows = [_activity_row(row) for row in session.execute(query)]
    truncated = limit is not None and len(rows) > limit
    return ActivityList(tuple(rows[:limit] if truncated else rows), truncated)


def _activity_row(row: Any) -> ActivityListRow:
    return ActivityListRow(
        id=row.id,
        number=row.number,
        start_at=row.start_at,
        end_at=row.end_at,
        type=row.type,
        category=row.category,
        purpose=row.purpose,
        has_memo=bool(row.has_memo),
        closed=bool(row.closed),
        closed_at=row.closed_at,
        customer_id=row.customer_id,
        account=row.account,
        name=row.name,
        responsible_id=row.responsible_employee_id,
        responsible_name=row.responsible_name,
        case_id=row.case_id,
        case_number=row.case_number,
    )


# --- the Collections page of one customer ---------------------------------------------


@dataclass(frozen=True)
class CustomerHeader:
    """Who the Collections page shows."""

    id: uuid.UUID
    account: str
    name: str
    account_status: str
    accounting_currency: str


@dataclass(frozen=True, slots=True)
class CaseTransactionRow:
    """A transaction of the customer that is open today or belongs to one of their cases."""

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
    collection_status: str
    case_ids: tuple[uuid.UUID, ...]
    case_numbers: tuple[str, ...]
    open_amount_accounting: Decimal = ZERO
    promise_date: dt.date | None = None
    promise_amount: Decimal | None = None

    def transaction_row(self) -> TransactionRow:
        """The same transaction as the Workspace's row, for the collections actions."""
        return TransactionRow(
            id=self.id,
            voucher=self.voucher,
            document_number=self.document_number,
            type=self.type,
            posting_date=self.posting_date,
            due_date=self.due_date,
            days_overdue=self.days_overdue,
            currency=self.currency,
            amount=self.amount,
            open_amount=self.open_amount,
            open_amount_accounting=self.open_amount_accounting,
            collection_status=self.collection_status,
            promise_date=self.promise_date,
            promise_amount=self.promise_amount,
        )


@dataclass(frozen=True, slots=True)
class CustomerActivityRow:
    """An activity about the customer, open or closed, with its case if it has one."""

    id: uuid.UUID
    number: str
    end_at: dt.datetime
    type: str
    category: str | None
    purpose: str
    has_memo: bool
    responsible_name: str | None
    closed: bool
    case_id: uuid.UUID | None
    case_number: str | None


@dataclass(frozen=True)
class CustomerFacts:
    """The fact boxes: the aged columns and the credit figures of one customer.

    From a snapshot (``taken_at`` is when it was taken) or aged live (``taken_at`` None).
    """

    as_of: dt.date
    taken_at: dt.datetime | None
    definition_id: uuid.UUID
    definition_name: str
    labels: tuple[str, ...]
    columns: tuple[Decimal, ...]
    balance: Decimal
    past_due: Decimal
    credit_limit: Decimal | None
    available_credit: Decimal | None
    risk_score: int
    disputed_count: int
    disputed_amount: Decimal
    oldest_past_due_days: int | None

    @property
    def live(self) -> bool:
        """Aged just now rather than read from a snapshot."""
        return self.taken_at is None


def customer_header(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> CustomerHeader:
    """The customer's account and name; ``ScopeError`` outside the scope."""
    customer = check_customer(session, scope, customer_id, as_of)
    currency = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
    return CustomerHeader(
        id=customer.id,
        account=customer.account,
        name=customer.name,
        account_status=customer.account_status,
        accounting_currency=currency or customer.currency,
    )


def case_links(
    session: Session, case_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[uuid.UUID, ...]]:
    """For each transaction in one of ``case_ids``: the cases it belongs to (one query)."""
    links: dict[uuid.UUID, list[uuid.UUID]] = {}
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseTransaction.transaction_id, CaseTransaction.case_id).where(
            CaseTransaction.case_id.in_(list(case_ids)), CaseTransaction.deleted_at.is_(None)
        )
    )
    for transaction_id, case_id in rows:
        links.setdefault(transaction_id, []).append(case_id)
    return {key: tuple(value) for key, value in links.items()}


def customer_transactions(
    session: Session,
    customer_id: uuid.UUID,
    as_of: dt.date,
    case_numbers: dict[uuid.UUID, str],
) -> tuple[CaseTransactionRow, ...]:
    """The customer's transactions open on ``as_of`` or in one of their cases, oldest due first.

    ``case_numbers`` maps the customer's case ids to their numbers (the caller read the
    cases). One statement; a closed transaction outside every case is never read past
    the ``closed_on`` test.
    """
    links = case_links(session, list(case_numbers))
    t = CustomerTransaction
    settled = (
        select(func.coalesce(func.sum(SettlementLine.amount), 0))
        .where(SettlementLine.transaction_id == t.id, SettlementLine.settlement_date <= as_of)
        .correlate(t)
        .scalar_subquery()
    )
    settled_accounting = (
        select(func.coalesce(func.sum(SettlementLine.amount_accounting), 0))
        .where(SettlementLine.transaction_id == t.id, SettlementLine.settlement_date <= as_of)
        .correlate(t)
        .scalar_subquery()
    )
    still_open = or_(t.closed_on.is_(None), t.closed_on > as_of)
    wanted = or_(still_open, t.id.in_(list(links))) if links else still_open
    query = (
        select(
            t.id,
            t.voucher,
            t.document_number,
            t.type,
            t.posting_date,
            t.due_date,
            t.currency,
            t.amount,
            type_coerce(case((still_open, t.amount - settled), else_=0), Money()).label("open"),
            type_coerce(
                case((still_open, t.amount_accounting - settled_accounting), else_=0), Money()
            ).label("open_accounting"),
            t.collection_status,
            t.promise_date,
            t.promise_amount,
        )
        .where(t.customer_id == customer_id, t.posting_date <= as_of, wanted)
        .order_by(t.due_date, t.voucher)
    )
    rows = []
    for row in session.execute(query):
        cases = links.get(row.id, ())
        if row.open == ZERO and not cases:
            continue
        rows.append(
            CaseTransactionRow(
                id=row.id,
                voucher=row.voucher,
                document_number=row.document_number,
                type=row.type,
                posting_date=row.posting_date,
                due_date=row.due_date,
                days_overdue=(
                    max((as_of - row.due_date).days, 0)
                    if row.amount > ZERO and row.open != ZERO
                    else 0
                ),
                currency=row.currency,
                amount=row.amount,
                open_amount=row.open,
                collection_status=row.collection_status,
                case_ids=cases,
                case_numbers=tuple(sorted(case_numbers[c] for c in cases)),
                open_amount_accounting=row.open_accounting,
                promise_date=row.promise_date,
                promise_amount=row.promise_amount,
            )
        )
    return tuple(rows)


def customer_activities(
    session: Session, customer_id: uuid.UUID
) -> tuple[CustomerActivityRow, ...]:
    """Every activity about the customer, open first (oldest end first), then closed (newest)."""
    memo = func.length(func.trim(func.coalesce(Activity.memo, "")))
    rows = session.execute(
        select(
            Activity.id,
            Activity.number,
            Activity.end_at,
            Activity.type,
            Activity.category,
            Activity.purpose,
            (memo > 0).label("has_memo"),
            Employee.name.label("responsible_name"),
            Activity.closed,
            Activity.case_id,
            CollectionsCase.number.label("case_number"),
        )
        .outerjoin(Employee, Employee.id == Activity.responsible_employee_id)
        .outerjoin(CollectionsCase, CollectionsCase.id == Activity.case_id)
        .where(Activity.customer_id == customer_id, Activity.deleted_at.is_(None))
    ).all()
    open_rows = sorted((r for r in rows if not r.closed), key=lambda r: (r.end_at, r.number))
    closed_rows = sorted(
        (r for r in rows if r.closed), key=lambda r: (r.end_at, r.number), reverse=True
    )
    return tuple(
        CustomerActivityRow(
            id=r.id,
            number=r.number,
            end_at=r.end_at,
            type=r.type,
            category=r.category,
            purpose=r.purpose,
            has_memo=bool(r.has_memo),
            responsible_name=r.responsible_name,
            closed=bool(r.closed),
            case_id=r.case_id,
            case_number=r.case_number,
        )
        for r in (*open_rows, *closed_rows)
    )


@dataclass(frozen=True)
class CollectionsData:
    """Everything the Collections page shows of one customer, read in one session."""

    customer: CustomerHeader
    cases: tuple[CaseRow, ...]
    transactions: tuple[CaseTransactionRow, ...]
    activities: tuple[CustomerActivityRow, ...]
    facts: CustomerFacts | None  # None: no snapshot holds the customer


def customer_collections(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> CollectionsData:
    """The customer's cases, transactions, activities and fact boxes on ``as_of``.

    A fixed number of statements whatever the customer's size; ``ScopeError`` for a
    customer outside the scope.
    """
    customer = customer_header(session, scope, customer_id, as_of)
    cases = tuple(cases_of(session, customer_id, as_of=as_of))
    numbers = {row.id: row.number for row in cases}
    return CollectionsData(
        customer=customer,
        cases=cases,
        transactions=customer_transactions(session, customer_id, as_of, numbers),
        activities=customer_activities(session, customer_id),
        facts=snapshot_facts(session, scope, customer_id, as_of),
    )


def snapshot_facts(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> CustomerFacts | None:
    """The customer's row of the newest snapshot holding them (by as-of date, then time).

    None when no snapshot holds the customer (they owed nothing whenever one was taken).
    """
    check_customer(session, scope, customer_id, as_of)
    head = AgingSnapshotCustomer
    snap = AgingSnapshot
    row = session.execute(
        select(
            head.id,
            snap.as_of,
            snap.created_at,
            snap.definition_id,
            snap.definition_name,
            head.balance,
            head.past_due,
            head.credit_limit,
            head.available_credit,
            head.risk_score,
            head.disputed_count,
            head.disputed_amount,
            head.oldest_past_due_days,
        )
        .join(snap, snap.id == head.snapshot_id)
        .where(head.customer_id == customer_id, snap.as_of <= as_of)
        .order_by(snap.as_of.desc(), snap.created_at.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    lines = session.execute(
        select(AgingSnapshotLine.label, AgingSnapshotLine.amount)
        .where(AgingSnapshotLine.snapshot_customer_id == row.id)
        .order_by(AgingSnapshotLine.position)
    ).all()
    width = len(lines)
    return CustomerFacts(
        as_of=row.as_of,
        taken_at=row.created_at,
        definition_id=row.definition_id,
        definition_name=row.definition_name,
        labels=tuple(stored_label(label, i, width) for i, (label, _amount) in enumerate(lines)),
        columns=tuple(amount for _label, amount in lines),
        balance=row.balance,
        past_due=row.past_due,
        credit_limit=row.credit_limit,
        available_credit=row.available_credit,
        risk_score=row.risk_score,
        disputed_count=row.disputed_count,
        disputed_amount=row.disputed_amount,
        oldest_past_due_days=row.oldest_past_due_days,
    )


def live_facts(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    *,
    definition_id: uuid.UUID | None = None,
) -> CustomerFacts:
    """The fact boxes aged now, for this one customer, by the snapshot's own statement.

    ``definition_id`` is the definition to age with (the snapshot's, so the columns stay
    the same); else the company default.
    """
    customer = check_customer(session, scope, customer_id, as_of)
    chosen, definition = load_definition_row(session, definition_id)
    aged = aged_rows(session, as_of, definition, Customer.id == customer_id)
    width = len(definition.labels)
    if aged:
        row = aged[0]
        columns = row.columns
        return CustomerFacts(
            as_of=as_of,
            taken_at=None,
            definition_id=chosen,
            definition_name=definition.name,
            labels=definition.labels,
            columns=columns,
            balance=row.balance,
            past_due=row.past_due,
            credit_limit=row.credit_limit,
            available_credit=row.available_credit,
            risk_score=row.risk_score,
            disputed_count=row.disputed_count,
            disputed_amount=row.disputed_amount,
            oldest_past_due_days=row.oldest_past_due_days,
        )
    # Nothing open: every column is zero and the whole limit is available.
    return CustomerFacts(
        as_of=as_of,
        taken_at=None,
        definition_id=chosen,
        definition_name=definition.name,
        labels=definition.labels,
        columns=(ZERO,) * width,
        balance=ZERO,
        past_due=ZERO,
        credit_limit=customer.credit_limit,
        available_credit=customer.credit_limit,
        risk_score=0,
        disputed_count=0,
        disputed_amount=ZERO,
        oldest_past_due_days=None,
    )


# --- export -----------------------------------------------------------------------------


def aged_balances_csv(labels: Sequence[str], rows: Sequence[AgedBalanceRow]) -> str:
    """The rows as CSV for spreadsheets: plain amounts (a point, no grouping), then TOTAL;
    text cannot run as a formula (``exports``).

    The columns follow the Aged balances grid: account, name, balance, each aging
    column, past due, credit limit, available credit, risk score.
    """
    width = len(labels)
    totals = [sum((r.columns[i] for r in rows), ZERO) for i in range(width)]
    return csv_text(
        [
            "customer_account",
            "customer_name",
            "balance",
            *labels,
            "past_due",
            "credit_limit",
            "available_credit",
            "risk_score",
        ],
        [
            *(
                [
                    row.account,
                    row.name,
                    row.balance,
                    *row.columns,
                    row.past_due,
                    row.credit_limit,
                    row.available_credit,
                    row.risk_score,
                ]
                for row in rows
            ),
            [
                TOTAL,
                "",
                sum((r.balance for r in rows), ZERO),
                *totals,
                sum((r.past_due for r in rows), ZERO),
                None,
                None,
                None,
            ],
        ],
    )
