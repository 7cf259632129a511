"""Casework: activities, collections cases and the transactions a case groups."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, Mutable, primary_id
from collections_desktop.models.db.schema.enums import (
    ActivityType,
    CaseStatus,
)


class Activity(Mutable, Base):
    """A collections activity: a task, appointment, event or action, usually about a customer."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_responsible_open", "responsible_employee_id", "closed", "end_at"),
        # The reports read the actions of a period across every customer (models/reports/).
        Index("ix_activities_end_at", "end_at"),
    )
    id: Mapped[uuid.UUID] = primary_id()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    type: Mapped[str] = mapped_column(String(20), default=ActivityType.TASK)
    category: Mapped[str | None] = mapped_column(String(50))
    purpose: Mapped[str] = mapped_column(String(500))
    memo: Mapped[str | None] = mapped_column(Text)
    responsible_employee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"), index=True)
    start_at: Mapped[dt.datetime]
    end_at: Mapped[dt.datetime]
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[dt.datetime | None]
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("collections_cases.id"), index=True
    )
    result: Mapped[str | None] = mapped_column(String(30))
    """A record's result: the code of a ``RecordResult`` (reached, no answer, promised…);
    None for every other activity (migration 0011)."""


class CollectionsCase(Mutable, Base):
    """A collections case: groups a customer's transactions and activities to work together."""

    __tablename__ = "collections_cases"
    id: Mapped[uuid.UUID] = primary_id()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_categories.id"))
    description: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN)
    responsible_employee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    opened_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]


class CaseTransaction(Mutable, Base):
    """A transaction's membership of a case (removed by a tombstone)."""

    __tablename__ = "case_transactions"
    id: Mapped[uuid.UUID] = primary_id()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("collections_cases.id"), index=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
