"""The Aged balances list: a stored snapshot's header and customer rows, and their CSV.

The rows are read from a snapshot (``aging.snapshot``), not aged live, so the list of a
large company opens in one statement.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, overload

from sqlalchemy import (
    BigInteger,
    and_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import Label

from collections_desktop.i18n import current_language
from collections_desktop.kernel.money import STORAGE_PLACES, ZERO
from collections_desktop.models.aging.definitions import load_definition_row, period_labels_in
from collections_desktop.models.aging.report import TOTAL
from collections_desktop.models.aging.snapshot import stored_label
from collections_desktop.models.db.schema import (
    AgingSnapshot,
    AgingSnapshotCustomer,
    AgingSnapshotLine,
    Customer,
    CustomerPool,
    ReceivablesParameters,
)
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.exports import csv_text
from collections_desktop.models.screens.overview import latest_snapshot

_CENTS = Decimal("0.01")


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
        shown = period_labels_in(session, current_language())
        labels = tuple(stored_label(label, i, len(stored), shown) for i, label in enumerate(stored))
    else:  # nobody owed anything: the definition says what the columns would have been
        labels = load_definition_row(session, row.definition_id, language=current_language())[
            1
        ].labels
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


def _units(column: Any, name: str) -> Label[int]:
    """A money column read as its stored integer (converted once, by ``_amount``)."""
    return type_coerce(column, BigInteger).label(name)


@overload
def _amount(units: int | Decimal) -> Decimal: ...
@overload
def _amount(units: None) -> None: ...
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
    customer_ids: Collection[uuid.UUID] | None = None,
) -> AgedBalances | None:
    """The snapshot's customers that the scope (and ``pool_id``) sees, by account (of
    ``customer_ids`` only, when given: the rows a write changed).

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
    if customer_ids is not None:
        query = query.where(Customer.id.in_(customer_ids))
    amount = _amount
    rows = tuple(
        AgedBalanceRow(
            customer_id=row[0],
            account=row[1],
            name=row[2],
            columns=tuple(map(amount, row[10:])),
            balance=amount(row[6]),
            past_due=amount(row[7]),
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
