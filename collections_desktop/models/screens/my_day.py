"""The collector's day on the start page: their pools' customers, balance and past due, and
what is due today (activities and promises), read with a few statements.

The balance and the past due come from stored snapshots, as on the Overview: the newest
snapshot of all the agent's pools when none of a single pool is newer, else the newest of
each pool, a customer in two pools counted once (from the newer snapshot). A pool that no
snapshot holds is named, never guessed at. The counts of customers, activities and
promises are read live. "Today" for an activity is the reader's local day
(``local_day``): an activity ends at a moment, and the screens mark it late when its
local date is before today.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.models.db.schema import (
    Activity,
    AgingSnapshot,
    AgingSnapshotCustomer,
    CollectionStatus,
    Customer,
    CustomerTransaction,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.overview import (
    SnapshotInfo,
    accounting_currency,
    count_customers,
    latest_snapshot,
)

PROMISE_DAYS = 7
"""The days after today counted in "promises due this week"."""


@dataclass(frozen=True)
class SnapshotSource:
    """A snapshot the day's balance was read from."""

    pool_name: str | None
    """The pool it was taken for (None: all the agent's pools, or the whole company)."""
    as_of: dt.date
    taken_at: dt.datetime


@dataclass(frozen=True)
class DayFigures:
    """The start page's figures of one agent on one day (amounts in the accounting currency)."""

    as_of: dt.date
    currency: str
    customers: int
    """Customers in the agent's pools (every customer for one who sees all)."""
    balance: Decimal | None
    """Σ balance of the pools' customers in the snapshots (None: no snapshot holds them)."""
    past_due: Decimal | None
    snapshots: tuple[SnapshotSource, ...]
    pools_without_snapshot: tuple[str, ...]
    """The agent's pools that no snapshot read holds (their balances are not counted)."""
    open_activities: int
    """The agent's own open activities, in scope, whatever their date."""
    activities_due_today: int
    activities_overdue: int
    promises_due_today: int
    promises_due_soon: int
    """Promises to pay dated in the ``PROMISE_DAYS`` days after today."""


def local_day(as_of: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC moments at which ``as_of`` starts and ends on this computer's clock."""
    start = dt.datetime.combine(as_of, dt.time()).astimezone()
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()).astimezone()
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _key(snapshot: SnapshotInfo) -> tuple[dt.date, dt.datetime]:
    return snapshot.as_of, snapshot.created_at


def chosen_snapshots(
    session: Session, scope: AgentScope
) -> tuple[dict[uuid.UUID, str | None], tuple[str, ...]]:
    """The snapshots to read the pools' balance from (id → pool name) and the pools left out.

    The all-pools snapshot alone when no pool's own snapshot is newer; else each pool's
    newest, and the all-pools one too for what no pool holds.
    """
    whole = latest_snapshot(session, scope, None)
    per_pool = {
        pool_id: latest_snapshot(session, scope, pool_id)
        for pool_id in sorted(scope.pools, key=lambda p: scope.pool_names[p].casefold())
    }
    newest_pool = max((_key(s) for s in per_pool.values() if s is not None), default=None)
    if whole is not None and (newest_pool is None or _key(whole) >= newest_pool):
        return {whole.id: None}, ()
    chosen: dict[uuid.UUID, str | None] = {}
    missing: list[str] = []
    for pool_id, snapshot in per_pool.items():
        if snapshot is None:
            missing.append(scope.pool_names[pool_id])
        else:
            chosen.setdefault(snapshot.id, scope.pool_names[pool_id])
    if whole is not None:
        chosen[whole.id] = None
        missing = []  # the all-pools snapshot holds them, if older
    return chosen, tuple(missing)


def snapshot_totals(
    session: Session, scope: AgentScope, as_of: dt.date, snapshot_ids: list[uuid.UUID]
) -> tuple[Decimal, Decimal]:
    """Σ balance and Σ past due of the scope's customers in the snapshots, each customer
    once: their row of the newest of these snapshots holding them."""
    head, snap = AgingSnapshotCustomer, AgingSnapshot
    newest_first = func.row_number().over(
        partition_by=head.customer_id, order_by=(snap.as_of.desc(), snap.created_at.desc())
    )
    rows = (
        select(
            head.balance.label("balance"),
            head.past_due.label("past_due"),
            newest_first.label("rank"),
        )
        .join(snap, snap.id == head.snapshot_id)
        .join(Customer, Customer.id == head.customer_id)
        .where(
            head.snapshot_id.in_(snapshot_ids),
            Customer.deleted_at.is_(None),
            scope.customer_condition(as_of),
        )
        .subquery()
    )
    balance, past_due = session.execute(
        select(
            type_coerce(func.coalesce(func.sum(rows.c.balance), 0), Money()),
            type_coerce(func.coalesce(func.sum(rows.c.past_due), 0), Money()),
        ).where(rows.c.rank == 1)
    ).one()
    return Decimal(balance or 0), Decimal(past_due or 0)


def _my_open_work(
    scope: AgentScope, employee_id: uuid.UUID, as_of: dt.date
) -> list[ColumnElement[bool]]:
    """The agent's open activities: their own tasks and those about customers in scope."""
    in_scope = and_(Customer.deleted_at.is_(None), scope.customer_condition(as_of))
    return [
        Activity.responsible_employee_id == employee_id,
        Activity.closed.is_(False),
        Activity.deleted_at.is_(None),
        or_(Activity.customer_id.is_(None), in_scope),
    ]


def activity_counts(
    session: Session,
    scope: AgentScope,
    employee_id: uuid.UUID | None,
    as_of: dt.date,
    day: tuple[dt.datetime, dt.datetime],
) -> tuple[int, int, int]:
    """The agent's open activities: all of them, those ending today, those ending before."""
    if employee_id is None:
        return 0, 0, 0
    start, end = day
    ends = Activity.end_at
    total, today, overdue = session.execute(
        select(
            func.count(),
            func.count().filter(ends >= start, ends < end),
            func.count().filter(ends < start),
        )
        .select_from(Activity)
        .outerjoin(Customer, Customer.id == Activity.customer_id)
        .where(*_my_open_work(scope, employee_id, as_of))
    ).one()
    return total or 0, today or 0, overdue or 0


def promise_counts(session: Session, scope: AgentScope, as_of: dt.date) -> tuple[int, int]:
    """Transactions of the scope promised to be paid today, and in the days just after."""
    t = CustomerTransaction
    soon = as_of + dt.timedelta(days=PROMISE_DAYS)
    today, coming = session.execute(
        select(
            func.count().filter(t.promise_date == as_of),
            func.count().filter(t.promise_date > as_of),
        )
        .select_from(t)
        .join(Customer, Customer.id == t.customer_id)
        .where(
            t.collection_status == CollectionStatus.PROMISED,
            t.promise_date >= as_of,
            t.promise_date <= soon,
            Customer.deleted_at.is_(None),
            scope.customer_condition(as_of),
        )
    ).one()
    return today or 0, coming or 0


def day_figures(
    session: Session,
    scope: AgentScope,
    employee_id: uuid.UUID | None,
    as_of: dt.date,
    *,
    day: tuple[dt.datetime, dt.datetime] | None = None,
) -> DayFigures:
    """The agent's day on ``as_of``; ``day`` is its start and end (default: ``local_day``)."""
    chosen, missing = chosen_snapshots(session, scope)
    balance = past_due = None
    if chosen:
        balance, past_due = snapshot_totals(session, scope, as_of, list(chosen))
    sources = []
    if chosen:
        rows = session.execute(
            select(AgingSnapshot.id, AgingSnapshot.as_of, AgingSnapshot.created_at).where(
                AgingSnapshot.id.in_(list(chosen))
            )
        )
        sources = sorted(
            (SnapshotSource(chosen[row.id], row.as_of, row.created_at) for row in rows),
            key=lambda s: (s.pool_name is not None, (s.pool_name or "").casefold()),
        )
    total, due_today, overdue = activity_counts(
        session, scope, employee_id, as_of, day or local_day(as_of)
    )
    promises_today, promises_soon = promise_counts(session, scope, as_of)
    return DayFigures(
        as_of=as_of,
        currency=accounting_currency(session),
        customers=count_customers(session, scope, as_of),
        balance=balance,
        past_due=past_due,
        snapshots=tuple(sources),
        pools_without_snapshot=missing,
        open_activities=total,
        activities_due_today=due_today,
        activities_overdue=overdue,
        promises_due_today=promises_today,
        promises_due_soon=promises_soon,
    )
