"""The newest snapshots kept fresh: every commit re-ages the customers it changed.

The list pages (the Overview, Aged balances) read stored snapshots, not a live aging.
Without this, a payment posted at ten would show on them only after the next day's
snapshot. So the rules that change a customer's ledger or standing note the customer
(``models/db/changes.py``), and just before the transaction commits, in it, each noted
customer is aged again as of the date of every newest snapshot (the newest of each pool
and scope: the ones the pages read) and its row there is replaced, added (a customer who
now owes and is in the snapshot's scope) or removed (one who owes nothing now), with the
snapshot's count and balance moved by the difference. The figures are then exactly those
a new snapshot of that scope and day would hold (the property test holds them equal).

One customer is aged in a few milliseconds; a transaction that changes many (an import)
ages them together, five hundred per statement. Snapshot headers are updated in the
order of their ids, so two collectors' commits never wait for each other in a circle.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, case, delete, event, func, select, update
from sqlalchemy.orm import Session

from collections_desktop.kernel.money import ZERO
from collections_desktop.models.aging.definitions import Definition, load_definition_row
from collections_desktop.models.aging.snapshot import CustomerAgingRow, aged_rows, store_rows
from collections_desktop.models.db.changes import take_noted
from collections_desktop.models.db.schema import (
    AgingSnapshot,
    AgingSnapshotCustomer,
    AgingSnapshotLine,
    Customer,
    CustomerPool,
)
from collections_desktop.models.people.pools import PoolCriteria, customer_condition
from collections_desktop.models.people.scope import (
    AgentScope,
    ScopeError,
    company_scope,
    load_scope,
)

CHUNK = 500
"""Customers aged per statement."""

REFRESHED = "collections_refreshed_customers"
"""The key in ``Session.info`` of the customers the last commit refreshed (for the views)."""


@dataclass(frozen=True)
class _Snapshot:
    id: uuid.UUID
    as_of: dt.date
    pool_id: uuid.UUID | None
    user_name: str | None
    definition_id: uuid.UUID


def newest_snapshots(session: Session) -> list[_Snapshot]:
    """The newest snapshot of each pool and scope (by as-of date, then when taken)."""
    snap = AgingSnapshot
    rank = func.row_number().over(
        partition_by=(snap.pool_id, snap.user_name),
        order_by=(snap.as_of.desc(), snap.created_at.desc(), snap.id),
    )
    ranked = select(
        snap.id, snap.as_of, snap.pool_id, snap.user_name, snap.definition_id, rank.label("rank")
    ).subquery()
    rows = session.execute(
        select(
            ranked.c.id,
            ranked.c.as_of,
            ranked.c.pool_id,
            ranked.c.user_name,
            ranked.c.definition_id,
        )
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.id)
    ).all()
    return [_Snapshot(*row) for row in rows]


def refresh_customers(session: Session, customer_ids: set[uuid.UUID]) -> int:
    """Age ``customer_ids`` again in the newest snapshots; how many snapshots were touched.

    Which of the customers each snapshot's scope holds, and which rows they have there,
    are read for all the snapshots at once; a snapshot neither holds nor should hold is
    not touched, so a team's many pool snapshots cost two statements, not two each.
    """
    if not customer_ids:
        return 0
    conditions = _conditions(session, newest_snapshots(session))
    if not conditions:
        return 0
    ids = sorted(customer_ids)
    members = _members(session, ids, [condition for _snapshot, condition in conditions])
    former = _former(session, ids, [snapshot.id for snapshot, _condition in conditions])
    aged: dict[tuple[uuid.UUID, dt.date], tuple[Definition, dict[uuid.UUID, CustomerAgingRow]]] = {}
    touched = 0
    for position, (snapshot, _condition) in enumerate(conditions):
        held = former.get(snapshot.id, [])
        if not held and not members[position]:
            continue
        key = (snapshot.definition_id, snapshot.as_of)
        if key not in aged:
            aged[key] = _age(session, snapshot, ids)
        definition, by_customer = aged[key]
        rows = [row for held_id, row in by_customer.items() if held_id in members[position]]
        _replace(session, snapshot.id, definition, held, rows)
        touched += 1
    return touched


def _conditions(
    session: Session, snapshots: Sequence[_Snapshot]
) -> list[tuple[_Snapshot, ColumnElement[bool]]]:
    """Each snapshot with the condition on ``Customer`` of what it ages: its pool's
    criteria, else the scope of whoever took it (the company's when nobody). A snapshot of
    a deleted pool, or of a user who is no agent any more, is left as it is."""
    pools = {
        row.id: PoolCriteria.from_json(row.criteria)
        for row in session.execute(
            select(CustomerPool.id, CustomerPool.criteria).where(CustomerPool.deleted_at.is_(None))
        )
    }
    scopes: dict[str | None, AgentScope | None] = {}
    conditions = []
    for snapshot in snapshots:
        if snapshot.pool_id is not None:
            criteria = pools.get(snapshot.pool_id)
            if criteria is None:
                continue
            conditions.append((snapshot, customer_condition(criteria, snapshot.as_of)))
            continue
        scope = _scope(session, scopes, snapshot.user_name)
        if scope is not None:
            conditions.append((snapshot, scope.customer_condition(snapshot.as_of)))
    return conditions


def _members(
    session: Session, ids: Sequence[uuid.UUID], conditions: Sequence[ColumnElement[bool]]
) -> list[set[uuid.UUID]]:
    """For each condition, the customers among ``ids`` that meet it (one statement)."""
    members: list[set[uuid.UUID]] = [set() for _condition in conditions]
    flags = [case((condition, 1), else_=0) for condition in conditions]
    for chunk in _chunks(ids):
        query = select(Customer.id, *flags).where(
            Customer.id.in_(chunk), Customer.deleted_at.is_(None)
        )
        for customer_id, *held in session.execute(query):
            for position, flag in enumerate(held):
                if flag:
                    members[position].add(customer_id)
    return members


def _former(
    session: Session, ids: Sequence[uuid.UUID], snapshot_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[uuid.UUID, Decimal]]]:
    """The rows (header id, balance) the snapshots hold now for ``ids``, by snapshot."""
    head = AgingSnapshotCustomer
    former: dict[uuid.UUID, list[tuple[uuid.UUID, Decimal]]] = {}
    for chunk in _chunks(ids):
        query = select(head.snapshot_id, head.id, head.balance).where(
            head.customer_id.in_(chunk), head.snapshot_id.in_(snapshot_ids)
        )
        for snapshot_id, header_id, balance in session.execute(query):
            former.setdefault(snapshot_id, []).append((header_id, balance))
    return former


def _scope(
    session: Session, scopes: dict[str | None, AgentScope | None], user_name: str | None
) -> AgentScope | None:
    """Whose scope a snapshot was taken in (None: that user is no agent any more)."""
    if user_name not in scopes:
        try:
            scopes[user_name] = (
                company_scope(session) if user_name is None else load_scope(session, user_name)
            )
        except ScopeError:
            scopes[user_name] = None
    return scopes[user_name]


def _age(
    session: Session, snapshot: _Snapshot, ids: Sequence[uuid.UUID]
) -> tuple[Definition, dict[uuid.UUID, CustomerAgingRow]]:
    """The customers aged as of the snapshot's date in its definition (all-zero ones left
    out), whatever their scope."""
    _chosen, definition = load_definition_row(session, snapshot.definition_id)
    rows: dict[uuid.UUID, CustomerAgingRow] = {}
    for chunk in _chunks(ids):
        for row in aged_rows(
            session,
            snapshot.as_of,
            definition,
            Customer.id.in_(chunk),
            by_closed_on=True,
        ):
            rows[row.customer_id] = row
    return definition, rows


def _replace(
    session: Session,
    snapshot_id: uuid.UUID,
    definition: Definition,
    former: Sequence[tuple[uuid.UUID, Decimal]],
    rows: Sequence[CustomerAgingRow],
) -> None:
    """Put ``rows`` in place of the snapshot's ``former`` rows; move its count and balance."""
    former_ids = [header_id for header_id, _balance in former]
    for chunk in _chunks(former_ids):
        session.execute(
            delete(AgingSnapshotLine).where(AgingSnapshotLine.snapshot_customer_id.in_(chunk))
        )
        session.execute(delete(AgingSnapshotCustomer).where(AgingSnapshotCustomer.id.in_(chunk)))
    store_rows(session, snapshot_id, definition, rows)
    moved = sum((row.balance for row in rows), ZERO) - sum(
        (balance for _id, balance in former), ZERO
    )
    session.execute(
        update(AgingSnapshot)
        .where(AgingSnapshot.id == snapshot_id)
        .values(
            balance=AgingSnapshot.balance + moved,
            customer_count=AgingSnapshot.customer_count + len(rows) - len(former),
        ),
        execution_options={"synchronize_session": False},
    )


def _chunks(ids: Sequence[uuid.UUID]) -> Iterator[Sequence[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@event.listens_for(Session, "before_commit")
def _refresh_noted(session: Session) -> None:
    noted = take_noted(session)
    session.info[REFRESHED] = frozenset(noted)
    if noted:
        refresh_customers(session, noted)


@event.listens_for(Session, "after_rollback")
def _forget_noted(session: Session) -> None:
    take_noted(session)
