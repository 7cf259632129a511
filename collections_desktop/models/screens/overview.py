"""The three lists of a collector's Overview page, as immutable rows.

The Overview shows the agent's open activities, the highest balances and the oldest
past-due balances. The balances come from the newest stored snapshot
(``models/aging/snapshot.py``), not from a live aging: aging 5 million transactions takes
seconds, reading a snapshot's customer rows takes milliseconds, so the landing page
opens at once and a refresh is a new snapshot taken in the background
(``take_snapshot_of_day``, which takes it only when the pool has none of that day yet).

Every function takes an ``AgentScope`` (and an optional pool) and filters customers with
``scope.customer_condition`` in SQL, so no list shows a customer outside the agent's
scope, whoever took the snapshot; a pool outside the scope raises ``ScopeError``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.kernel.money import ZERO
from collections_desktop.models.aging.snapshot import take_snapshot
from collections_desktop.models.casework.categories import (
    CategoryChoice,
    category_choices,
    shown_category,
)
from collections_desktop.models.db.schema import (
    Activity,
    AgingSnapshot,
    AgingSnapshotCustomer,
    Customer,
    InvoicePrediction,
    ReceivablesParameters,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.predict.reads import BASIS_POINTS


@dataclass(frozen=True)
class ActivityRow:
    """One open activity of the agent; the customer fields are None for an own task."""

    id: uuid.UUID
    number: str
    end_at: dt.datetime
    type: str
    category: str | None
    purpose: str
    has_memo: bool
    customer_id: uuid.UUID | None
    account: str | None
    name: str | None


@dataclass(frozen=True)
class SnapshotInfo:
    """The stored snapshot the balance lists read (for the status bar)."""

    id: uuid.UUID
    as_of: dt.date
    created_at: dt.datetime
    definition_name: str
    customer_count: int


@dataclass(frozen=True)
class BalanceRow:
    """A customer's balance in a snapshot (amounts in the accounting currency)."""

    customer_id: uuid.UUID
    account: str
    name: str
    balance: Decimal
    credit_limit: Decimal | None
    available_credit: Decimal | None
    risk_score: int


@dataclass(frozen=True)
class PastDueRow:
    """A customer's past-due balance in a snapshot (amounts in the accounting currency)."""

    customer_id: uuid.UUID
    account: str
    name: str
    oldest_past_due_date: dt.date | None
    oldest_past_due_days: int | None
    past_due: Decimal
    balance: Decimal
    credit_group: str | None
    account_status: str


@dataclass(frozen=True)
class ExpectedLateRow:
    """A customer's open invoices likely to be paid late (predictions of the last snapshot;
    amounts in the accounting currency)."""

    customer_id: uuid.UUID
    account: str
    name: str
    expected_late: Decimal
    """The sum over its open invoices of the chance of paying late times the open amount."""
    open_amount: Decimal
    likely_late: int
    """How many of its open invoices are more likely than not to be paid late."""


@dataclass(frozen=True)
class OverviewLists:
    """What the Overview shows for one pool (or all the agent's pools), read together."""

    pool_id: uuid.UUID | None
    snapshot: SnapshotInfo | None
    activities: tuple[ActivityRow, ...]
    open_activities: int
    """All of them; ``activities`` holds the oldest ``activity_limit``."""
    highest: tuple[BalanceRow, ...]
    past_due: tuple[PastDueRow, ...]
    customers: int
    currency: str
    categories: tuple[CategoryChoice, ...] = ()
    """The activity categories a new activity may have (names in the reader's language)."""
    expected_late: tuple[ExpectedLateRow, ...] = ()
    """The worklist: customers by expected late amount, the largest first."""
    expected_late_total: Decimal = ZERO
    """The whole pool's expected late amount."""


def _my_open_activities(
    scope: AgentScope, employee_id: uuid.UUID, pool_id: uuid.UUID | None, as_of: dt.date
) -> list[ColumnElement[bool]]:
    """The conditions of "my open activities" (on Activity outer-joined to Customer)."""
    in_scope = and_(Customer.deleted_at.is_(None), scope.customer_condition(as_of, pool_id))
    if pool_id is None:
        in_scope = or_(Activity.customer_id.is_(None), in_scope)
    return [
        Activity.responsible_employee_id == employee_id,
        Activity.closed.is_(False),
        Activity.deleted_at.is_(None),
        in_scope,
    ]


def my_activities(
    session: Session,
    scope: AgentScope,
    employee_id: uuid.UUID,
    *,
    pool_id: uuid.UUID | None = None,
    as_of: dt.date,
    limit: int | None = None,
) -> tuple[ActivityRow, ...]:
    """The open activities ``employee_id`` is responsible for, oldest end date first.

    Activities without a customer are the agent's own tasks and are kept, except when a
    pool is given: then only activities of the pool's customers are listed. ``limit``
    keeps the oldest ones (``count_my_activities`` tells how many there are).
    """
    memo = func.length(func.trim(func.coalesce(Activity.memo, "")))
    query = (
        select(
            Activity.id,
            Activity.number,
            Activity.end_at,
            Activity.type,
            shown_category(session).label("category"),
            Activity.purpose,
            (memo > 0).label("has_memo"),
            Activity.customer_id,
            Customer.account,
            Customer.name,
        )
        .outerjoin(Customer, Customer.id == Activity.customer_id)
        .where(*_my_open_activities(scope, employee_id, pool_id, as_of))
        .order_by(Activity.end_at, Activity.number)
        .limit(limit)
    )
    return tuple(
        ActivityRow(
            id=row.id,
            number=row.number,
            end_at=row.end_at,
            type=row.type,
            category=row.category,
            purpose=row.purpose,
            has_memo=bool(row.has_memo),
            customer_id=row.customer_id,
            account=row.account,
            name=row.name,
        )
        for row in session.execute(query)
    )


def count_my_activities(
    session: Session,
    scope: AgentScope,
    employee_id: uuid.UUID,
    *,
    pool_id: uuid.UUID | None = None,
    as_of: dt.date,
) -> int:
    """How many open activities ``my_activities`` would list without a limit."""
    query = (
        select(func.count())
        .select_from(Activity)
        .outerjoin(Customer, Customer.id == Activity.customer_id)
        .where(*_my_open_activities(scope, employee_id, pool_id, as_of))
    )
    return session.scalar(query) or 0


def latest_snapshot(
    session: Session, scope: AgentScope, pool_id: uuid.UUID | None = None
) -> SnapshotInfo | None:
    """The newest stored snapshot of ``pool_id`` (None: taken without a pool), or None.

    Newest by as-of date, then by when it was taken. Without a pool, a snapshot taken in
    another agent's scope may lack some of this agent's customers, so only snapshots of
    the whole company or of this agent's own scope are considered.
    """
    snap = AgingSnapshot
    if pool_id is not None:
        scope.pool(pool_id)  # ScopeError for a pool the agent does not work
        which = snap.pool_id == pool_id
    else:
        whose: ColumnElement[bool] = snap.user_name.is_(None)
        if scope.user_name:
            whose = or_(whose, snap.user_name == scope.user_name)
        which = and_(snap.pool_id.is_(None), whose)
    row = session.execute(
        select(snap.id, snap.as_of, snap.created_at, snap.definition_name, snap.customer_count)
        .where(which)
        .order_by(snap.as_of.desc(), snap.created_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return SnapshotInfo(
        id=row.id,
        as_of=row.as_of,
        created_at=row.created_at,
        definition_name=row.definition_name,
        customer_count=row.customer_count,
    )


def _snapshot_customers(
    scope: AgentScope,
    snapshot_id: uuid.UUID,
    pool_id: uuid.UUID | None,
    as_of: dt.date,
    customer_ids: Collection[uuid.UUID] | None = None,
) -> Select[uuid.UUID, str, str]:
    """The snapshot's customer rows joined to their customers, inside the scope (and pool);
    only those of ``customer_ids`` when given."""
    head = AgingSnapshotCustomer
    query = (
        select(Customer.id, Customer.account, Customer.name)
        .join(head, head.customer_id == Customer.id)
        .where(
            head.snapshot_id == snapshot_id,
            Customer.deleted_at.is_(None),
            scope.customer_condition(as_of, pool_id),
        )
    )
    if customer_ids is not None:
        query = query.where(Customer.id.in_(customer_ids))
    return query


def highest_balances(
    session: Session,
    scope: AgentScope,
    snapshot_id: uuid.UUID,
    *,
    pool_id: uuid.UUID | None = None,
    as_of: dt.date,
    limit: int = 100,
    customer_ids: Collection[uuid.UUID] | None = None,
) -> tuple[BalanceRow, ...]:
    """The ``limit`` customers of the snapshot with the highest balance (ties by account);
    of ``customer_ids`` only, when given."""
    head = AgingSnapshotCustomer
    query = (
        _snapshot_customers(scope, snapshot_id, pool_id, as_of, customer_ids)
        .add_columns(head.balance, head.credit_limit, head.available_credit, head.risk_score)
        .order_by(head.balance.desc(), Customer.account)
        .limit(limit)
    )
    return tuple(
        BalanceRow(
            customer_id=row.id,
            account=row.account,
            name=row.name,
            balance=row.balance,
            credit_limit=row.credit_limit,
            available_credit=row.available_credit,
            risk_score=row.risk_score,
        )
        for row in session.execute(query)
    )


def past_due_balances(
    session: Session,
    scope: AgentScope,
    snapshot_id: uuid.UUID,
    *,
    pool_id: uuid.UUID | None = None,
    as_of: dt.date,
    limit: int = 100,
    customer_ids: Collection[uuid.UUID] | None = None,
) -> tuple[PastDueRow, ...]:
    """The ``limit`` customers of the snapshot with something past due, oldest first (of
    ``customer_ids`` only, when given).

    Ordered by the oldest past-due date (none last), then the larger past-due amount,
    then the account.
    """
    head = AgingSnapshotCustomer
    query = (
        _snapshot_customers(scope, snapshot_id, pool_id, as_of, customer_ids)
        .add_columns(
            head.oldest_past_due_date,
            head.oldest_past_due_days,
            head.past_due,
            head.balance,
            Customer.credit_group,
            Customer.account_status,
        )
        .where(head.past_due > ZERO)
        .order_by(
            head.oldest_past_due_date.asc().nulls_last(),
            head.past_due.desc(),
            Customer.account,
        )
        .limit(limit)
    )
    return tuple(
        PastDueRow(
            customer_id=row.id,
            account=row.account,
            name=row.name,
            oldest_past_due_date=row.oldest_past_due_date,
            oldest_past_due_days=row.oldest_past_due_days,
            past_due=row.past_due,
            balance=row.balance,
            credit_group=row.credit_group,
            account_status=row.account_status,
        )
        for row in session.execute(query)
    )


def expected_late_customers(
    session: Session,
    scope: AgentScope,
    *,
    pool_id: uuid.UUID | None = None,
    as_of: dt.date,
    limit: int = 100,
    customer_ids: Collection[uuid.UUID] | None = None,
) -> tuple[tuple[ExpectedLateRow, ...], Decimal]:
    """The ``limit`` customers of the scope (and pool) with the largest expected late amount
    (ties by account), and the total over all of them: one statement, summed exactly in
    SQL (of ``customer_ids`` only, when given). A settled invoice's prediction is gone
    (``settlements.update_closed_on``)."""
    p = InvoicePrediction
    expected = func.sum(p.expected_late)
    query = (
        select(
            Customer.id,
            Customer.account,
            Customer.name,
            expected.label("expected_late"),
            func.sum(p.open_amount).label("open_amount"),
            func.count(case((p.late_chance > BASIS_POINTS // 2, 1))).label("likely_late"),
            type_coerce(func.sum(expected).over(), Money()).label("total"),
        )
        .join(p, p.customer_id == Customer.id)
        .where(
            Customer.deleted_at.is_(None),
            scope.customer_condition(as_of, pool_id),
            *([Customer.id.in_(customer_ids)] if customer_ids is not None else []),
        )
        .group_by(Customer.id, Customer.account, Customer.name)
        .having(expected > 0)
        .order_by(expected.desc(), Customer.account)
        .limit(limit)
    )
    rows = session.execute(query).all()
    return (
        tuple(
            ExpectedLateRow(
                customer_id=row.id,
                account=row.account,
                name=row.name,
                expected_late=row.expected_late,
                open_amount=row.open_amount,
                likely_late=row.likely_late,
            )
            for row in rows
        ),
        rows[0].total if rows else ZERO,
    )


def overview_lists(
    session: Session,
    scope: AgentScope,
    employee_id: uuid.UUID | None,
    *,
    pool_id: uuid.UUID | None,
    as_of: dt.date,
    activity_limit: int,
    top: int,
) -> OverviewLists:
    """The three lists of the Overview from the pool's newest stored snapshot.

    No activities for a viewer who is not an employee; no balances while the pool has
    no snapshot (``snapshot`` is None then).
    """
    snapshot = latest_snapshot(session, scope, pool_id)
    activities: tuple[ActivityRow, ...] = ()
    open_activities = 0
    if employee_id is not None:
        activities = my_activities(
            session, scope, employee_id, pool_id=pool_id, as_of=as_of, limit=activity_limit
        )
        open_activities = len(activities)
        if open_activities == activity_limit:
            open_activities = count_my_activities(
                session, scope, employee_id, pool_id=pool_id, as_of=as_of
            )
    highest: tuple[BalanceRow, ...] = ()
    past_due: tuple[PastDueRow, ...] = ()
    late: tuple[ExpectedLateRow, ...] = ()
    late_total = ZERO
    if snapshot is not None:
        late, late_total = expected_late_customers(
            session, scope, pool_id=pool_id, as_of=as_of, limit=top
        )
        highest = highest_balances(
            session, scope, snapshot.id, pool_id=pool_id, as_of=as_of, limit=top
        )
        past_due = past_due_balances(
            session, scope, snapshot.id, pool_id=pool_id, as_of=as_of, limit=top
        )
    return OverviewLists(
        pool_id=pool_id,
        snapshot=snapshot,
        activities=activities,
        open_activities=open_activities,
        highest=highest,
        past_due=past_due,
        customers=count_customers(session, scope, as_of, pool_id),
        currency=accounting_currency(session),
        categories=tuple(category_choices(session)),
        expected_late=late,
        expected_late_total=late_total,
    )


@dataclass(frozen=True)
class ChangedRows:
    """What the Overview's balance lists hold now for some customers (a write changed
    them): their rows in each list, none where they no longer belong."""

    customer_ids: frozenset[uuid.UUID]
    highest: tuple[BalanceRow, ...]
    past_due: tuple[PastDueRow, ...]
    expected_late: tuple[ExpectedLateRow, ...]


def changed_rows(
    session: Session,
    scope: AgentScope,
    snapshot_id: uuid.UUID,
    customer_ids: frozenset[uuid.UUID],
    *,
    pool_id: uuid.UUID | None,
    as_of: dt.date,
) -> ChangedRows:
    """The rows of ``customer_ids`` in the Overview's balance lists, from the snapshot the
    page shows (kept fresh by every commit, ``models/aging/fresh.py``): three reads of a
    few rows, so a write shows on the page at once, before the lists are read again."""
    ids, limit = customer_ids, len(customer_ids)
    late, _total = expected_late_customers(
        session, scope, pool_id=pool_id, as_of=as_of, limit=limit, customer_ids=ids
    )
    return ChangedRows(
        customer_ids=ids,
        highest=highest_balances(
            session, scope, snapshot_id, pool_id=pool_id, as_of=as_of, limit=limit,
            customer_ids=ids,
        ),
        past_due=past_due_balances(
            session, scope, snapshot_id, pool_id=pool_id, as_of=as_of, limit=limit,
            customer_ids=ids,
        ),
        expected_late=late,
    )  # fmt: skip


def count_customers(
    session: Session, scope: AgentScope, as_of: dt.date, pool_id: uuid.UUID | None = None
) -> int:
    """How many customers of the scope (and pool) there are on ``as_of``, deleted ones not."""
    query = (
        select(func.count())
        .select_from(Customer)
        .where(Customer.deleted_at.is_(None), scope.customer_condition(as_of, pool_id))
    )
    return session.scalar(query) or 0


def accounting_currency(session: Session) -> str:
    """The company's accounting currency ("" when the database holds no company yet)."""
    return session.scalar(select(ReceivablesParameters.accounting_currency).limit(1)) or ""


def take_snapshot_of_day(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    now: dt.datetime,
    *,
    pool_id: uuid.UUID | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> bool:
    """Take the pool's snapshot of ``as_of`` unless one is stored already; True if taken.

    Called inside the write transaction of the "snapshot" run: reading the newest one
    again under that lock means two windows (or a window and the command line) that both
    found none never both take it. The caller commits.
    """
    snapshot = latest_snapshot(session, scope, pool_id)
    if snapshot is not None and snapshot.as_of >= as_of:
        return False
    take_snapshot(session, as_of, scope, now, pool_id=pool_id, progress=progress)
    return True
