"""Aging of many customers in one SQL pass, and snapshots that store it.

``age_customers`` spreads every open transaction of the customers in a scope (and pool)
over the columns of a definition as of a date, together with each customer's header
facts (disputes, oldest past-due date, credit) and the inputs of the risk score. One
aggregate query does it all in the database, grouped by customer, so a company of
millions of transactions is aged without moving them to Python. What is open on the
as-of date counts only transactions posted and settlement lines dated on or before it,
exactly as the live aging of one customer (``models/aging.py``) does; a test holds the
two equal.

``take_snapshot`` stores the result (a header per snapshot, a row per customer and a
line per column) so the list pages read it instead of aging again. Snapshots are
derived data: never edited, never synced.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, and_, case, func, insert, literal, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from collections_desktop.i18n import _
from collections_desktop.models.aging import (
    CURRENT,
    UNAPPLIED,
    Definition,
    load_definition_row,
)
from collections_desktop.models.db.functions import days_between
from collections_desktop.models.db.schema import (
    AgingBasis,
    AgingSnapshot,
    AgingSnapshotCustomer,
    AgingSnapshotLine,
    CollectionStatus,
    Customer,
    CustomerPool,
    CustomerTransaction,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import Money, new_id
from collections_desktop.models.money import ZERO
from collections_desktop.models.risk import (
    RECENT_DAYS,
    RECENT_WEIGHT_DAYS,
    RiskFactors,
    risk_score,
)
from collections_desktop.models.scope import AgentScope


class SnapshotError(LookupError):
    """A snapshot that does not exist."""


@dataclass(frozen=True)
class CustomerAgingRow:
    """One customer's aged balance and header facts on the as-of date."""

    customer_id: uuid.UUID
    account: str
    name: str
    columns: tuple[Decimal, ...]  # in the order of Definition.labels
    credit_limit: Decimal | None
    disputed_count: int
    disputed_amount: Decimal
    oldest_past_due_date: dt.date | None
    oldest_past_due_days: int | None
    risk: RiskFactors
    risk_score: int
    sales_order_amount: Decimal = ZERO  # not known to this app (no order entry) yet
    packing_slip_amount: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        """The sum of the columns."""
        return sum(self.columns, ZERO)

    @property
    def past_due(self) -> Decimal:
        """What sits in the periods (neither Current nor Unapplied)."""
        return sum(self.columns[1:-1], ZERO)

    @property
    def available_credit(self) -> Decimal | None:
        """Credit limit minus balance; None when the customer has no limit."""
        return None if self.credit_limit is None else self.credit_limit - self.balance


@dataclass(frozen=True)
class AgingResult:
    """The aging of the customers in a scope: rows by account, and their totals."""

    as_of: dt.date
    definition: Definition
    definition_id: uuid.UUID
    rows: tuple[CustomerAgingRow, ...]

    @property
    def totals(self) -> tuple[Decimal, ...]:
        """Each column summed over the rows."""
        width = len(self.definition.labels)
        return tuple(sum((r.columns[i] for r in self.rows), ZERO) for i in range(width))

    @property
    def balance(self) -> Decimal:
        """The total balance."""
        return sum(self.totals, ZERO)


@dataclass(frozen=True)
class SnapshotSummary:
    """What a stored snapshot holds."""

    id: uuid.UUID
    as_of: dt.date
    definition_name: str
    pool_name: str | None
    customer_count: int
    labels: tuple[str, ...]
    totals: tuple[Decimal, ...]
    balance: Decimal
    created_at: dt.datetime


# --- the aggregate ----------------------------------------------------------------------


def _basis_column(basis: AgingBasis) -> ColumnElement[dt.date]:
    if basis is AgingBasis.TRANSACTION_DATE:
        return CustomerTransaction.posting_date
    if basis is AgingBasis.DOCUMENT_DATE:
        return CustomerTransaction.document_date
    return CustomerTransaction.due_date


def aging_query(
    as_of: dt.date,
    definition: Definition,
    customer_condition: ColumnElement[bool],
) -> Any:
    """The single aggregate: one row per customer with a transaction posted by ``as_of``.

    A transaction closed on or before ``as_of`` has nothing open and never touches the
    settlement lines; only the others sum their lines dated on or before ``as_of``, and
    each condition tests cheap columns first, so SQLite runs that subquery about once per
    transaction still open. Period bounds become date bounds computed here
    (``basis <= as_of - from_days``), so the database compares dates instead of doing
    date arithmetic per row.
    """
    t = CustomerTransaction
    settled = (
        select(func.coalesce(func.sum(SettlementLine.amount_accounting), 0))
        .where(SettlementLine.transaction_id == t.id, SettlementLine.settlement_date <= as_of)
        .correlate(t)
        .scalar_subquery()
    )
    open_ = t.amount_accounting - settled
    not_closed = or_(t.closed_on.is_(None), t.closed_on > as_of)
    basis = _basis_column(definition.basis)

    def total(*conditions: ColumnElement[bool]) -> ColumnElement[Any]:
        """Σ open amount of the transactions that meet the conditions (cheap ones first)."""
        return type_coerce(func.sum(case((and_(*conditions, not_closed), open_), else_=0)), Money())

    def on_or_before(days: int) -> dt.date:
        return as_of - dt.timedelta(days=days)

    debit = t.amount >= 0
    columns = [total(debit, basis >= as_of).label("c0")]
    for index, period in enumerate(definition.periods, start=1):
        older = [basis <= on_or_before(period.from_days)]
        if period.to_days is not None:
            older.append(basis >= on_or_before(period.to_days))
        columns.append(total(debit, *older).label(f"c{index}"))
    columns.append(total(t.amount < 0).label(f"c{len(definition.periods) + 1}"))

    disputed = (t.collection_status == CollectionStatus.DISPUTED, not_closed, open_ != 0)
    past_due = (t.amount > 0, t.due_date < as_of, not_closed, open_ != 0)
    recent = and_(
        t.type == TransactionType.INVOICE,
        t.due_date > on_or_before(RECENT_DAYS),
        t.due_date <= as_of,
    )
    # Days late: to the as-of date while not closed by it, else to the closing settlement.
    late_until = case((not_closed, literal(as_of, Date())), else_=t.closed_on)
    late = late_until > t.due_date
    weight = case((t.due_date > on_or_before(RECENT_WEIGHT_DAYS), 2), else_=1)
    return (
        select(
            Customer.id,
            Customer.account,
            Customer.name,
            Customer.credit_limit,
            *columns,
            func.count(case((and_(*disputed), 1))).label("disputed_count"),
            type_coerce(func.sum(case((and_(*disputed), open_), else_=0)), Money()).label(
                "disputed_amount"
            ),
            func.min(case((and_(*past_due), t.due_date))).label("oldest_past_due"),
            func.count(case((recent, 1))).label("recent_invoices"),
            func.count(case((and_(recent, late), 1))).label("late_invoices"),
            func.sum(
                case((and_(recent, late), weight * days_between(late_until, t.due_date)), else_=0)
            ).label("weighted"),
            func.sum(case((recent, weight), else_=0)).label("weights"),
            func.count(case((and_(t.promise_date < as_of, *past_due), 1))).label("broken"),
        )
        .select_from(t)
        .join(Customer, Customer.id == t.customer_id)
        .where(t.posting_date <= as_of, Customer.deleted_at.is_(None), customer_condition)
        .group_by(Customer.id, Customer.account, Customer.name, Customer.credit_limit)
        .order_by(Customer.account)
    )


def _row(raw: Any, as_of: dt.date, width: int) -> CustomerAgingRow:
    columns = tuple(Decimal(getattr(raw, f"c{i}") or 0) for i in range(width))
    balance = sum(columns, ZERO)
    factors = RiskFactors(
        recent_invoices=raw.recent_invoices,
        late_invoices=raw.late_invoices,
        weighted_days_late=int(raw.weighted),
        weights=int(raw.weights),
        balance=balance,
        disputed_amount=Decimal(raw.disputed_amount or 0),
        credit_limit=raw.credit_limit,
        broken_promises=raw.broken,
    )
    oldest = raw.oldest_past_due
    if isinstance(oldest, str):  # SQLite returns MIN() over a CASE as text
        oldest = dt.date.fromisoformat(oldest)
    return CustomerAgingRow(
        customer_id=raw.id,
        account=raw.account,
        name=raw.name,
        columns=columns,
        credit_limit=raw.credit_limit,
        disputed_count=raw.disputed_count,
        disputed_amount=factors.disputed_amount,
        oldest_past_due_date=oldest,
        oldest_past_due_days=(as_of - oldest).days if oldest is not None else None,
        risk=factors,
        risk_score=risk_score(factors),
    )


def age_customers(
    session: Session,
    as_of: dt.date,
    scope: AgentScope,
    *,
    pool_id: uuid.UUID | None = None,
    definition_id: uuid.UUID | None = None,
) -> AgingResult:
    """The aging of every customer the scope sees (in ``pool_id`` if given) on ``as_of``.

    The definition is the one asked for, else the pool's, else the company default,
    else the first defined.
    """
    chosen_id, definition = load_definition_row(session, definition_id, pool_id=pool_id)
    condition = scope.customer_condition(as_of, pool_id)
    return AgingResult(
        as_of, definition, chosen_id, aged_rows(session, as_of, definition, condition)
    )


def aged_rows(
    session: Session,
    as_of: dt.date,
    definition: Definition,
    customer_condition: ColumnElement[bool],
) -> tuple[CustomerAgingRow, ...]:
    """Run the aggregate; customers whose columns are all zero are left out."""
    width = len(definition.labels)
    rows = (
        _row(raw, as_of, width)
        for raw in session.execute(aging_query(as_of, definition, customer_condition))
    )
    return tuple(row for row in rows if any(row.columns))


# --- storing ----------------------------------------------------------------------------


def take_snapshot(
    session: Session,
    as_of: dt.date,
    scope: AgentScope,
    now: dt.datetime,
    *,
    pool_id: uuid.UUID | None = None,
    definition_id: uuid.UUID | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> SnapshotSummary:
    """Age the scope's customers on ``as_of`` and store the result; the caller commits."""
    report = progress or (lambda done, total, what: None)
    report(0, 2, _("Ageing the open transactions"))
    result = age_customers(session, as_of, scope, pool_id=pool_id, definition_id=definition_id)
    report(1, 2, _("Storing the snapshot"))
    definition = result.definition
    snapshot_id = new_id()
    session.execute(
        insert(AgingSnapshot),
        [
            {
                "id": snapshot_id,
                "as_of": as_of,
                "basis": definition.basis.value,
                "definition_id": result.definition_id,
                "definition_name": definition.name,
                "pool_id": pool_id,
                "user_name": scope.user_name or None,
                "created_at": now,
                "customer_count": len(result.rows),
                "balance": result.balance,
            }
        ],
    )
    bounds = _column_bounds(definition)
    headers: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for row in result.rows:
        header_id = new_id()
        headers.append(
            {
                "id": header_id,
                "snapshot_id": snapshot_id,
                "customer_id": row.customer_id,
                "balance": row.balance,
                "past_due": row.past_due,
                "credit_limit": row.credit_limit,
                "available_credit": row.available_credit,
                "sales_order_amount": row.sales_order_amount,
                "packing_slip_amount": row.packing_slip_amount,
                "disputed_count": row.disputed_count,
                "disputed_amount": row.disputed_amount,
                "oldest_past_due_date": row.oldest_past_due_date,
                "oldest_past_due_days": row.oldest_past_due_days,
                "risk_score": row.risk_score,
            }
        )
        lines.extend(
            {
                "id": new_id(),
                "snapshot_customer_id": header_id,
                "position": position,
                "label": label,
                "from_days": from_days,
                "to_days": to_days,
                "amount": amount,
            }
            for position, ((label, from_days, to_days), amount) in enumerate(
                zip(bounds, row.columns, strict=True)
            )
        )
    if headers:
        session.execute(insert(AgingSnapshotCustomer), headers)
        session.execute(insert(AgingSnapshotLine), lines)
    report(2, 2, _("Snapshot stored"))
    return load_summary(session, snapshot_id)


def _column_bounds(definition: Definition) -> list[tuple[str, int | None, int | None]]:
    """(label, from_days, to_days) of each column; Current and Unapplied have no bounds.

    Labels are stored untranslated for Current and Unapplied, so a snapshot reads the
    same in any language; ``stored_label`` translates them back.
    """
    return [
        (CURRENT, None, None),
        *((p.label, p.from_days, p.to_days) for p in definition.periods),
        (UNAPPLIED, None, None),
    ]


def stored_label(label: str, position: int, width: int) -> str:
    """The label to show for a stored column (Current and Unapplied in the user's language)."""
    return _(label) if position in (0, width - 1) else label


# --- reading ----------------------------------------------------------------------------


def load_summary(session: Session, snapshot_id: uuid.UUID) -> SnapshotSummary:
    """A stored snapshot's header and column totals."""
    snap = session.get(AgingSnapshot, snapshot_id)
    if snap is None:
        raise SnapshotError(_("There is no snapshot with id {id}.").format(id=snapshot_id))
    pool_name = (
        session.scalar(select(CustomerPool.name).where(CustomerPool.id == snap.pool_id))
        if snap.pool_id is not None
        else None
    )
    line = AgingSnapshotLine
    totals = session.execute(
        select(line.position, line.label, type_coerce(func.sum(line.amount), Money()))
        .join(AgingSnapshotCustomer, AgingSnapshotCustomer.id == line.snapshot_customer_id)
        .where(AgingSnapshotCustomer.snapshot_id == snapshot_id)
        .group_by(line.position, line.label)
        .order_by(line.position)
    ).all()
    width = len(totals)
    return SnapshotSummary(
        id=snap.id,
        as_of=snap.as_of,
        definition_name=snap.definition_name,
        pool_name=pool_name,
        customer_count=snap.customer_count,
        labels=tuple(stored_label(label, pos, width) for pos, label, _total in totals),
        totals=tuple(Decimal(total or 0) for _pos, _label, total in totals),
        balance=snap.balance,
        created_at=snap.created_at,
    )


def snapshot_columns(
    session: Session, snapshot_id: uuid.UUID
) -> dict[uuid.UUID, tuple[Decimal, ...]]:
    """Each customer's stored columns, in position order (for the list pages and tests)."""
    rows: Sequence[Any] = session.execute(
        select(AgingSnapshotCustomer.customer_id, AgingSnapshotLine.amount)
        .join(AgingSnapshotLine, AgingSnapshotLine.snapshot_customer_id == AgingSnapshotCustomer.id)
        .where(AgingSnapshotCustomer.snapshot_id == snapshot_id)
        .order_by(AgingSnapshotCustomer.customer_id, AgingSnapshotLine.position)
    ).all()
    columns: dict[uuid.UUID, list[Decimal]] = {}
    for customer_id, amount in rows:
        columns.setdefault(customer_id, []).append(amount)
    return {key: tuple(value) for key, value in columns.items()}
