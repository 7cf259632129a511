"""Aging snapshots: a stored aging of a scope, per customer and per column."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, primary_id


class AgingSnapshot(Base):
    """One stored aging of the customers in a scope (and pool) as of a date.

    Derived data: rebuilt from the ledger, never synced. The newest of each pool and
    scope is kept fresh for the customers each commit changes (``models/aging/fresh.py``).
    """

    __tablename__ = "aging_snapshots"
    __table_args__ = (Index("ix_aging_snapshots_pool_as_of", "pool_id", "as_of"),)
    id: Mapped[uuid.UUID] = primary_id()
    as_of: Mapped[dt.date]
    basis: Mapped[str] = mapped_column(String(20))
    definition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("aging_definitions.id"))
    definition_name: Mapped[str] = mapped_column(String(100))
    pool_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customer_pools.id"))
    user_name: Mapped[str | None] = mapped_column(String(100))  # whose scope; None: everyone
    created_at: Mapped[dt.datetime]
    customer_count: Mapped[int] = mapped_column(Integer)
    balance: Mapped[Decimal]


class AgingSnapshotCustomer(Base):
    """A snapshot's header for one customer: totals, credit, disputes, oldest past due, risk."""

    __tablename__ = "aging_snapshot_customers"
    __table_args__ = (UniqueConstraint("snapshot_id", "customer_id"),)
    id: Mapped[uuid.UUID] = primary_id()
    snapshot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("aging_snapshots.id"))
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    balance: Mapped[Decimal]
    past_due: Mapped[Decimal]
    credit_limit: Mapped[Decimal | None]
    available_credit: Mapped[Decimal | None]
    sales_order_amount: Mapped[Decimal]
    packing_slip_amount: Mapped[Decimal]
    disputed_count: Mapped[int] = mapped_column(Integer)
    disputed_amount: Mapped[Decimal]
    oldest_past_due_date: Mapped[dt.date | None]
    oldest_past_due_days: Mapped[int | None] = mapped_column(Integer)
    risk_score: Mapped[int] = mapped_column(Integer)


class AgingSnapshotLine(Base):
    """One column of a customer's snapshot: Current, a period, or Unapplied.

    The one table without a UUID key: a line is derived, never synced, and only ever
    read through its header, so (header, position) is its key. Without a separate key
    and index, storing the hundreds of thousands of lines of a snapshot takes half as long.
    """

    __tablename__ = "aging_snapshot_lines"
    __table_args__ = ({"sqlite_with_rowid": False},)
    snapshot_customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("aging_snapshot_customers.id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 = Current
    label: Mapped[str] = mapped_column(String(50))
    from_days: Mapped[int | None] = mapped_column(Integer)
    to_days: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[Decimal]


class InvoicePrediction(Base):
    """An open invoice's predicted settle date and its chance of being paid late.

    Derived data, like the snapshots: rewritten for a pool's customers with each snapshot
    and for one customer on demand (``models/predict``), never edited and never synced.
    The reasons (``usual_delay_days``, ``trend_days``, ``disputed``) are kept so a
    tooltip can say why in the user's language; ``expected_late`` is ``open_amount``
    (accounting currency) times the chance, to the cent, and orders the worklist.
    """

    __tablename__ = "invoice_predictions"
    __table_args__ = (Index("ix_invoice_predictions_customer", "customer_id"),)
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), primary_key=True
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    as_of: Mapped[dt.date]
    """The day the prediction was made: only what was settled before it was learned."""
    predicted_date: Mapped[dt.date]
    late_chance: Mapped[int] = mapped_column(Integer)
    """The probability of being paid more than 15 days late, in basis points (0-10,000)."""
    usual_delay_days: Mapped[int] = mapped_column(Integer)
    trend_days: Mapped[int] = mapped_column(Integer)
    disputed: Mapped[bool]
    open_amount: Mapped[Decimal]
    expected_late: Mapped[Decimal]
    created_at: Mapped[dt.datetime]
