"""The batches the team database refused, until the user re-applies or discards them.

A conflict keeps the batch as it was pushed and the server's rows it touched; the replica
itself was put back to the server's rows when the conflict was recorded. Re-applying puts
the batch's operations back into the outbox (new operation ids, a new time, so the server
judges them again as a new change); discarding marks the conflict and keeps it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.schema import Customer, SyncConflict, SyncOutbox
from collections_desktop.models.sync import catalogue
from collections_desktop.models.sync.operations import (
    Operation,
    encode_payload,
    operation_from_json,
    table_of,
)


class ConflictError(ValueError):
    """The conflict cannot be re-applied or discarded (gone, or already resolved)."""


@dataclass(frozen=True)
class ConflictRow:
    """One conflict as the Conflicts page lists it."""

    id: uuid.UUID
    created_at: dt.datetime
    reason: str
    customer: str  # "account name", or "" when the batch names no customer
    table: str
    document_number: str
    operations: int
    resolved_at: dt.datetime | None
    resolution: str | None


def batch_operations(conflict: SyncConflict) -> list[Operation]:
    data = json.loads(conflict.operations)
    return [operation_from_json(op) for op in data["operations"]]


def list_conflicts(session: Session, *, include_resolved: bool = False) -> list[ConflictRow]:
    """The conflicts, newest first (the unresolved only, unless asked)."""
    query = select(SyncConflict).order_by(SyncConflict.created_at.desc(), SyncConflict.id.desc())
    if not include_resolved:
        query = query.where(SyncConflict.resolved_at.is_(None))
    rows = []
    for conflict in session.scalars(query):
        operations = batch_operations(conflict)
        first = operations[0] if operations else None
        rows.append(
            ConflictRow(
                id=conflict.id,
                created_at=conflict.created_at,
                reason=conflict.reason,
                customer=_customer(session, operations),
                table=first.table if first else "",
                document_number=_document_number(operations),
                operations=len(operations),
                resolved_at=conflict.resolved_at,
                resolution=conflict.resolution,
            )
        )
    return rows


def _customer(session: Session, operations: list[Operation]) -> str:
    """The customer the batch is about, found through its rows' owners."""
    for op in operations:
        if op.table not in catalogue.OWNERS:
            continue
        owner = catalogue.OWNERS[op.table]
        key: Any = op.row_id if owner.column == "id" else op.values.get(owner.column)
        if owner.parent is not None and key is not None:
            parent = table_of(owner.parent)
            column = parent.c[catalogue.OWNERS[owner.parent].column]
            key = session.scalar(select(column).where(parent.c.id == key))
        if key is None:
            continue
        found = session.execute(
            select(Customer.account, Customer.name).where(Customer.id == key)
        ).first()
        if found is not None:
            return f"{found.account} {found.name}"
        return str(key)
    return ""


def _document_number(operations: list[Operation]) -> str:
    for op in operations:
        for column in ("document_number", "number"):
            value = op.values.get(column)
            if value:
                return str(value)
    return ""


def _open_conflict(session: Session, conflict_id: uuid.UUID) -> SyncConflict:
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise ConflictError(_("The conflict no longer exists. Refresh the list."))
    if conflict.resolved_at is not None:
        raise ConflictError(
            _("The conflict was already {resolution}.").format(
                resolution=_resolution_name(conflict.resolution)
            )
        )
    return conflict


def _resolution_name(value: str | None) -> str:
    return {"reapplied": _("re-applied"), "discarded": _("discarded")}.get(value or "", value or "")


def reapply(session: Session, conflict_id: uuid.UUID, now: dt.datetime) -> int:
    """Put the batch's operations back into the outbox as a new batch; how many.

    In the caller's transaction: its commit stamps them with a new batch id and time.
    """
    conflict = _open_conflict(session, conflict_id)
    operations = batch_operations(conflict)
    if operations:
        session.execute(
            insert(SyncOutbox),
            [
                {
                    "op_id": uuid.uuid4(),
                    "table_name": op.table,
                    "row_id": op.row_id,
                    "kind": op.kind,
                    "payload": encode_payload(op.table, op.values),
                    "changed": json.dumps(sorted(op.values)) if op.kind == "update" else None,
                }
                for op in operations
            ],
        )
    conflict.resolved_at = now
    conflict.resolution = "reapplied"
    session.flush()
    return len(operations)


def discard(session: Session, conflict_id: uuid.UUID, now: dt.datetime) -> None:
    """Give the batch up (the conflict is kept, marked discarded)."""
    conflict = _open_conflict(session, conflict_id)
    conflict.resolved_at = now
    conflict.resolution = "discarded"
    session.flush()
