"""The desk's lists: case files with what was collected, the collections waiting for a
supervisor, a collection's history and the desk's counts.

Each list is one statement. The case files' totals come from one grouped subquery over
the collections (approved ones are collected, reversals included; unapproved ones are
pending), joined to the cases with their client, debtor and collector; money is summed
as the stored integers, so every sum is exact. Tombstoned rows count for nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from collections_desktop.models.agency.rows import (
    CaseFileRow,
    CaseFilter,
    CollectionChangeRow,
    CollectionRow,
)
from collections_desktop.models.db.schema import (
    CLOSED_CASE_STATUSES,
    AgencyCase,
    AgencyClient,
    AgencyCollection,
    AgencyCollectionChange,
    AgencyDebtor,
    CaseFileStatus,
    CollectionState,
    Employee,
)
from collections_desktop.models.db.types import Money

OPEN_STATUSES = frozenset(
    status.value for status in CaseFileStatus if status not in CLOSED_CASE_STATUSES
)
"""The statuses of a case still being worked (the Case files tab's default filter)."""


@dataclass(frozen=True)
class DeskCounts:
    """The desk's figures: open case files, collections waiting for approval and their
    amount per currency."""

    open_cases: int
    unapproved: int
    unapproved_amount_by_currency: Mapping[str, Decimal]


def _money_sum(value: Any) -> Any:
    return type_coerce(func.coalesce(func.sum(value), 0), Money())


def _totals(scan: bool, only: Any = None) -> Any:
    """Per case: the approved (collected) and the unapproved (pending) amounts.

    ``scan``: group by ``+case_id`` (SQLite only), which keeps SQLite from walking the
    case index and fetching every collection's row out of order (3x slower than reading
    the table once and sorting; PostgreSQL hashes anyway)."""
    c = AgencyCollection
    zero = literal(0)
    key = literal_column(f"+{c.__tablename__}.case_id") if scan else c.case_id
    return (
        select(
            c.case_id.label("case_id"),
            _money_sum(
                case((c.state == CollectionState.APPROVED.value, c.amount), else_=zero)
            ).label("collected"),
            _money_sum(
                case((c.state == CollectionState.UNAPPROVED.value, c.amount), else_=zero)
            ).label("pending"),
        )
        .where(c.deleted_at.is_(None), *([] if only is None else [c.case_id.in_(only)]))
        .group_by(key)
        .subquery("totals")
    )


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def case_condition(filter: CaseFilter) -> list[ColumnElement[bool]]:
    """The filter as conditions on the cases (and their debtor)."""
    k, d = AgencyCase, AgencyDebtor
    conditions: list[ColumnElement[bool]] = [k.deleted_at.is_(None)]
    if filter.client_id is not None:
        conditions.append(k.client_id == filter.client_id)
    if filter.collector_id is not None:
        conditions.append(k.collector_id == filter.collector_id)
    if filter.statuses is not None:
        conditions.append(k.status.in_(sorted(filter.statuses)))
    if filter.text and filter.text.strip():
        pattern = _like(filter.text)
        conditions.append(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (k.number, k.client_reference, d.name, d.tax_id)
                )
            )
        )
    return conditions


def scans(session: Session) -> bool:
    """Whether the totals are best read by a scan of the collections (on SQLite)."""
    return session.get_bind().dialect.name == "sqlite"


def case_rows_query(
    conditions: list[ColumnElement[bool]], *, scan: bool = False, few: bool = True
) -> Any:
    """The case files' rows (with their totals) under ``conditions``, in the desk's order.

    ``few``: the conditions select few cases (one, a client's, a collector's, a text), so
    the totals are summed for those only; else for every case in one pass, by a ``scan``
    on SQLite (``_totals``)."""
    k, cl, d = AgencyCase, AgencyClient, AgencyDebtor
    collector = aliased(Employee)
    wanted = select(k.id).join(d, d.id == k.debtor_id).where(*conditions) if few else None
    totals = _totals(scan and not few, wanted)
    return (
        select(
            k.id,
            k.number,
            cl.code,
            cl.name,
            d.name,
            d.tax_id,
            collector.name,
            k.status,
            k.assigned_on,
            k.last_action_on,
            k.currency,
            type_coerce(k.principal + k.interest + k.fees, Money()),
            totals.c.collected,
            totals.c.pending,
            k.version,
        )
        .join(cl, cl.id == k.client_id)
        .join(d, d.id == k.debtor_id)
        .outerjoin(collector, collector.id == k.collector_id)
        .outerjoin(totals, totals.c.case_id == k.id)
        .where(*conditions)
        .order_by(k.last_action_on.asc().nulls_first(), k.number)
    )


_NOTHING = Decimal("0.00")


def case_row(values: Any) -> CaseFileRow:
    """A row of ``case_rows_query`` as a CaseFileRow."""
    debt, collected, pending = values[11], values[12], values[13]
    if collected is None:
        collected = pending = _NOTHING
    return CaseFileRow(
        id=values[0],
        number=values[1],
        client_code=values[2],
        client_name=values[3],
        debtor_name=values[4],
        debtor_tax_id=values[5],
        collector_name=values[6],
        status=values[7],
        assigned_on=values[8],
        last_action_on=values[9],
        currency=values[10],
        debt=debt,
        collected=collected,
        pending=pending,
        outstanding=debt - collected,
        version=values[14],
    )


def case_files(session: Session, filter: CaseFilter, *, as_of: dt.date) -> tuple[CaseFileRow, ...]:
    """The case files under ``filter``, the least recently worked first (never worked
    before any), then by number; at most ``filter.limit`` of them."""
    del as_of  # the figures are the case files' current ones
    few = bool(filter.client_id or filter.collector_id or (filter.text and filter.text.strip()))
    query = case_rows_query(case_condition(filter), scan=scans(session), few=few)
    if filter.limit is not None:
        query = query.limit(filter.limit)
    return tuple(case_row(values) for values in session.connection().execute(query))


def collections_query(conditions: list[ColumnElement[bool]]) -> Any:
    """Collections with their case, client, debtor, collector and approver (the reversal
    of each is looked up apart: ``reversals``)."""
    c, k, cl, d = AgencyCollection, AgencyCase, AgencyClient, AgencyDebtor
    collector = aliased(Employee)
    approver = aliased(Employee)
    return (
        select(
            c.id,
            c.case_id,
            k.number,
            cl.name,
            d.name,
            c.collected_on,
            c.amount,
            k.currency,
            c.method,
            c.reference,
            c.collected_by_id,
            collector.name,
            c.received,
            c.state,
            approver.name,
            c.decided_at,
            c.rejection_reason,
            c.reverses_id,
            c.note,
            c.version,
        )
        .join(k, k.id == c.case_id)
        .join(cl, cl.id == k.client_id)
        .join(d, d.id == k.debtor_id)
        .join(collector, collector.id == c.collected_by_id)
        .outerjoin(approver, approver.id == c.approved_by_id)
        .where(c.deleted_at.is_(None), *conditions)
    )


def reversals(session: Session, case_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]:
    """The case's reversed collections, each with the collection that reverses it.

    Looked up by case, not joined on ``reverses_id``: nearly every row has none there,
    and SQLite's statistics then make its index look useless to the planner."""
    c = AgencyCollection
    return {
        reversed_id: reversal_id
        for reversed_id, reversal_id in session.connection().execute(
            select(c.reverses_id, c.id).where(
                c.case_id == case_id, c.reverses_id.is_not(None), c.deleted_at.is_(None)
            )
        )
        if reversed_id is not None
    }


def collection_row(values: Any, reversed_by: uuid.UUID | None = None) -> CollectionRow:
    return CollectionRow(
        id=values[0],
        case_id=values[1],
        case_number=values[2],
        client_name=values[3],
        debtor_name=values[4],
        collected_on=values[5],
        amount=values[6],
        currency=values[7],
        method=values[8],
        reference=values[9],
        collected_by_id=values[10],
        collected_by_name=values[11],
        received=values[12],
        state=values[13],
        approved_by_name=values[14],
        decided_at=values[15],
        rejection_reason=values[16],
        reverses_id=values[17],
        reversed_by_id=reversed_by,
        note=values[18],
        version=values[19],
    )


def unapproved_collections(session: Session) -> tuple[CollectionRow, ...]:
    """The collections waiting for a supervisor, by the day collected, then case number
    (none of them is reversed: only an approved collection can be)."""
    c, k = AgencyCollection, AgencyCase
    query = collections_query(
        [c.state == CollectionState.UNAPPROVED.value, k.deleted_at.is_(None)]
    ).order_by(c.collected_on, k.number, c.id)
    return tuple(collection_row(values) for values in session.connection().execute(query))


def history_query(conditions: list[ColumnElement[bool]]) -> Any:
    h = AgencyCollectionChange
    who = aliased(Employee)
    return (
        select(h.collection_id, h.changed_at, who.name, h.change, h.note)
        .outerjoin(who, who.id == h.changed_by_id)
        .where(*conditions)
    )


def collection_history(
    session: Session, collection_id: uuid.UUID
) -> tuple[CollectionChangeRow, ...]:
    """A collection's changes, oldest first."""
    h = AgencyCollectionChange
    query = history_query([h.collection_id == collection_id]).order_by(h.changed_at, h.id)
    return tuple(CollectionChangeRow(*values) for values in session.connection().execute(query))


def desk_counts(session: Session) -> DeskCounts:
    """How many case files are open, and the collections waiting for approval."""
    k, c = AgencyCase, AgencyCollection
    open_cases = session.scalar(
        select(func.count())
        .select_from(k)
        .where(k.deleted_at.is_(None), k.status.in_(sorted(OPEN_STATUSES)))
    )
    rows = (
        session.connection()
        .execute(
            select(k.currency, func.count(), _money_sum(c.amount))
            .join(k, k.id == c.case_id)
            .where(
                c.deleted_at.is_(None),
                k.deleted_at.is_(None),
                c.state == CollectionState.UNAPPROVED.value,
            )
            .group_by(k.currency)
            .order_by(k.currency)
        )
        .all()
    )
    return DeskCounts(
        open_cases=open_cases or 0,
        unapproved=sum(n for _currency, n, _amount in rows),
        unapproved_amount_by_currency={currency: amount for currency, _n, amount in rows},
    )
