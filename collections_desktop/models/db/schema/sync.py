"""The team database's bookkeeping (models/sync/, models/team/, docs/TEAM.md).

On the server: the operations pushed by replicas (each applied at most once), the clock of
each merged field, and which customers each pool holds (what row-level security reads).
On a replica: its identity and cursor, the outbox of local operations, the conflicts the
server refused, the number blocks it was lent, and the flag that tells its triggers a
change comes from the sync itself. Every database has all of them (one schema).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, primary_id


class SyncOperation(Base):
    """Server: one pushed operation and what became of it (``outcome``)."""

    __tablename__ = "sync_operations"
    op_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(index=True)
    device_id: Mapped[uuid.UUID]
    role_name: Mapped[str] = mapped_column(String(100))
    hlc: Mapped[str] = mapped_column(String(64))
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(20))  # applied, conflict
    detail: Mapped[str | None] = mapped_column(Text)  # JSON: why, or the fields that lost
    received_at: Mapped[dt.datetime]


class SyncFieldClock(Base):
    """Server: the hybrid-logical-clock time of the last write of one field of one row."""

    __tablename__ = "sync_field_clocks"
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    column_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    hlc: Mapped[str] = mapped_column(String(64))


class PoolCustomer(Base):
    """Server: a customer of a pool as of the last refresh (models/team/members.py)."""

    __tablename__ = "pool_customers"
    pool_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer_pools.id"), primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customers.id"), primary_key=True, index=True
    )


class SyncState(Base):
    """Replica: its one row (``id`` 1): who it belongs to, where it syncs, how far."""

    __tablename__ = "sync_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[uuid.UUID]
    server: Mapped[str] = mapped_column(Text)  # a URL without any password
    user_name: Mapped[str] = mapped_column(String(100))
    cursor: Mapped[str] = mapped_column(String(30), default="0")  # the server's xid8
    hlc: Mapped[str] = mapped_column(String(64), default="")  # the last time handed out
    created_at: Mapped[dt.datetime]
    last_sync_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class SyncOutbox(Base):
    """Replica: one local change not yet pushed, written by triggers with the change.

    ``batch_id`` and ``hlc`` are stamped when its transaction commits, so the operations of
    one user action travel and are judged together.
    """

    __tablename__ = "sync_outbox"
    __table_args__ = (Index("ix_sync_outbox_batch_id", "batch_id"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    batch_id: Mapped[uuid.UUID | None]
    hlc: Mapped[str | None] = mapped_column(String(64))
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(10))  # insert, update, delete
    payload: Mapped[str] = mapped_column(Text)  # JSON: the row (insert) or its new fields
    changed: Mapped[str | None] = mapped_column(Text)  # JSON list of the changed columns


class SyncConflict(Base):
    """Replica: a pushed batch the server refused, with both sides, until the user acts."""

    __tablename__ = "sync_conflicts"
    id: Mapped[uuid.UUID] = primary_id()
    batch_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    created_at: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(Text)
    operations: Mapped[str] = mapped_column(Text)  # JSON: the batch as pushed
    server_rows: Mapped[str] = mapped_column(Text)  # JSON: the server's rows it touched
    resolved_at: Mapped[dt.datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(20))  # reapplied, discarded


class SyncNumberBlock(Base):
    """Replica: the end (exclusive) of the block of a number counter lent by the server."""

    __tablename__ = "sync_number_blocks"
    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    first_value: Mapped[int] = mapped_column(Integer)
    end_value: Mapped[int] = mapped_column(Integer)


class SyncApplying(Base):
    """Replica: holds a row only inside the sync's own transactions; triggers that record
    local operations (and refuse changes to posted facts) stand aside while it does."""

    __tablename__ = "sync_applying"
    flag: Mapped[int] = mapped_column(Integer, primary_key=True)
