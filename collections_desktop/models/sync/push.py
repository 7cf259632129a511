"""The server half of a push: apply a replica's batches at most once, merged and checked.

- **At most once.** Every operation's id goes to ``sync_operations`` with what became of
  its batch. A batch already recorded is answered from the record and changes nothing, so
  a push repeated after a lost acknowledgement adds nothing.
- **One batch, one savepoint.** A batch is the operations of one local transaction (one
  user action); it is applied whole or not at all. A batch that can no longer hold is
  rolled back to its savepoint and recorded as a conflict with the reason, and its outcome
  carries the server's current rows for every row it touched, so the replica can put
  them back and show both sides.
- **Merge.** Inserts are a union: a row whose id is already there is left as it is.
  Updates merge last writer wins per field by hybrid-logical-clock time: a field whose
  clock (``sync_field_clocks``) is later keeps the server's value, and the losing value is
  kept in the operation's ``detail``. Derived columns are never taken from a replica;
  ``closed_on`` is recomputed for every transaction the batch settled. Posted facts are
  never deleted; other rows use tombstones, and a delete of one is applied.
- **Judged one after the other.** The customers of all batches are locked first (in one
  order, ``models/db/writing.lock_customers``), so two laptops settling one invoice are
  judged in turn: the second sees the first's lines and is refused.

The caller owns the transaction (and commits it); row-level security of the connection's
role decides what it may see and write.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Table,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.schema import (
    Base,
    CustomerTransaction,
    SettlementLine,
    SyncFieldClock,
    SyncOperation,
)
from collections_desktop.models.db.types import UuidKey
from collections_desktop.models.db.writing import LEDGER, lock_customers
from collections_desktop.models.ledger.settlements import update_closed_on
from collections_desktop.models.sync import catalogue
from collections_desktop.models.sync.operations import Batch, Operation

APPLIED = "applied"
CONFLICT = "conflict"

_HLC_SETTING = "collections.sync_hlc"
"""Set while a push writes: the field-clock trigger (``clocks.py``) stands aside."""

_ID_CHUNK = 10_000
"""Operation ids per query when looking for earlier pushes."""

ServerRows = Mapping[str, tuple[Mapping[str, Any], ...]]


@dataclass(frozen=True)
class BatchOutcome:
    """What became of one batch. ``server_rows`` (table -> rows) holds the server's
    current rows the replica must take back: every row a conflicted batch touched, and
    the rows where an applied batch lost a field to a later write."""

    batch_id: uuid.UUID
    applied: bool
    reason: str | None
    server_rows: ServerRows


class _Conflict(Exception):
    """A batch that cannot hold on the server, with the reason shown to its user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def push_batches(
    server: Session, batches: Sequence[Batch], *, now: dt.datetime
) -> list[BatchOutcome]:
    """Apply the batches in order, in the caller's transaction; one outcome per batch."""
    if not batches:
        return []
    role = str(server.scalar(text("SELECT current_user")))
    server.execute(select(func.pg_advisory_xact_lock_shared(func.hashtextextended(LEDGER, 0))))
    lock_customers(server, _customers_of(server, batches))
    recorded = _recorded(server, [op.op_id for batch in batches for op in batch.operations])
    records: list[dict[str, Any]] = []
    outcomes: list[BatchOutcome] = []
    for batch in batches:
        new = tuple(op for op in batch.operations if op.op_id not in recorded)
        if not new:
            outcomes.append(_answer_from_record(server, batch, recorded))
            continue
        # Operations recorded before (under another batch id) are not applied again.
        batch = Batch(batch.batch_id, batch.device_id, batch.hlc, new)
        outcome, batch_records = _apply_batch(server, batch, role, now)
        outcomes.append(outcome)
        records.extend(batch_records)
        recorded.update((r["op_id"], r) for r in batch_records)
    if records:
        server.execute(insert(Base.metadata.tables["sync_operations"]), records)
    server.execute(select(func.set_config(_HLC_SETTING, "", True)))  # online writes stamp again
    return outcomes


# --- locks -------------------------------------------------------------------------------


def _customers_of(server: Session, batches: Sequence[Batch]) -> set[uuid.UUID]:
    """The customers the batches write for: from the rows they insert, else the server's."""
    inserted = {
        (op.table, op.row_id): op.values
        for batch in batches
        for op in batch.operations
        if op.kind == "insert"
    }
    customers: set[Any] = set()
    from_server: dict[str, set[uuid.UUID]] = defaultdict(set)
    for batch in batches:
        for op in batch.operations:
            if op.table not in catalogue.OWNERS:
                continue
            found = catalogue.owner(op.table)
            if op.table == "customers":
                customers.add(op.row_id)
            elif op.kind != "insert" or found.column not in op.values:
                from_server[op.table].add(op.row_id)
            elif found.parent is None:
                customers.add(op.values[found.column])
            else:
                parent_id = op.values[found.column]
                parent_values = inserted.get((found.parent, parent_id))
                parent_column = catalogue.owner(found.parent).column
                if parent_values is not None and parent_column in parent_values:
                    customers.add(parent_values[parent_column])
                elif parent_id is not None:
                    from_server[found.parent].add(parent_id)
    for table_name, row_ids in from_server.items():
        table = Base.metadata.tables[table_name]
        owner = literal_column(catalogue.customer_expression(table_name), UuidKey())
        customers.update(server.scalars(select(owner).where(table.c.id.in_(row_ids))))
    customers.discard(None)
    return customers


# --- the record ----------------------------------------------------------------------------


def _recorded(server: Session, op_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """The record of every operation among these that was pushed before."""
    found: dict[uuid.UUID, dict[str, Any]] = {}
    wanted = sorted(set(op_ids))
    for i in range(0, len(wanted), _ID_CHUNK):
        rows = server.execute(
            select(SyncOperation.op_id, SyncOperation.outcome, SyncOperation.detail).where(
                SyncOperation.op_id.in_(wanted[i : i + _ID_CHUNK])
            )
        )
        for op_id, outcome, detail in rows:
            found[op_id] = {"op_id": op_id, "outcome": outcome, "detail": detail}
    return found


def _answer_from_record(
    server: Session, batch: Batch, recorded: Mapping[uuid.UUID, Mapping[str, Any]]
) -> BatchOutcome:
    """The outcome of a batch pushed before, told again; nothing is written."""
    records = [recorded[op.op_id] for op in batch.operations]
    details = {r["op_id"]: json.loads(r["detail"]) if r["detail"] else {} for r in records}
    if any(r["outcome"] == CONFLICT for r in records):
        reason = next((d["reason"] for d in details.values() if "reason" in d), None)
        return BatchOutcome(batch.batch_id, False, reason, _server_rows(server, batch.operations))
    lost = [op for op in batch.operations if "lost" in details.get(op.op_id, {})]
    return BatchOutcome(batch.batch_id, True, None, _server_rows(server, lost))


def _records(
    batch: Batch, role: str, now: dt.datetime, outcome: str, details: Mapping[uuid.UUID, str]
) -> list[dict[str, Any]]:
    return [
        {
            "op_id": op.op_id,
            "batch_id": batch.batch_id,
            "device_id": batch.device_id,
            "role_name": role,
            "hlc": batch.hlc,
            "table_name": op.table,
            "row_id": op.row_id,
            "kind": op.kind,
            "outcome": outcome,
            "detail": details.get(op.op_id),
            "received_at": now,
        }
        for op in batch.operations
    ]


# --- one batch -----------------------------------------------------------------------------


def _apply_batch(
    server: Session, batch: Batch, role: str, now: dt.datetime
) -> tuple[BatchOutcome, list[dict[str, Any]]]:
    """Apply one batch in a savepoint; on a conflict roll it back and say why."""
    savepoint = server.begin_nested()
    try:
        server.execute(select(func.set_config(_HLC_SETTING, batch.hlc, True)))
        lost = _apply_operations(server, batch)
        server.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # deferred keys, checked now
        server.execute(text("SET CONSTRAINTS ALL DEFERRED"))
        settled: set[uuid.UUID] = {
            op.values["transaction_id"]
            for op in batch.operations
            if op.table == "settlement_lines"
            and op.kind == "insert"
            and op.values.get("transaction_id") is not None
        }
        if settled:
            _check_settled_within_amounts(server, settled)
            update_closed_on(server, sorted(settled))
    except _Conflict as conflict:
        savepoint.rollback()
        return _conflicted(server, batch, role, now, conflict.reason)
    except StatementError as error:
        reason = _refusal(error)
        savepoint.rollback()
        if reason is None:
            raise
        return _conflicted(server, batch, role, now, reason)
    savepoint.commit()
    details = {op_id: _json({"lost": fields}) for op_id, fields in lost.items()}
    touched = [op for op in batch.operations if op.op_id in lost]
    outcome = BatchOutcome(batch.batch_id, True, None, _server_rows(server, touched))
    return outcome, _records(batch, role, now, APPLIED, details)


def _conflicted(
    server: Session, batch: Batch, role: str, now: dt.datetime, reason: str
) -> tuple[BatchOutcome, list[dict[str, Any]]]:
    detail = _json({"reason": reason})
    details = {op.op_id: detail for op in batch.operations}
    outcome = BatchOutcome(batch.batch_id, False, reason, _server_rows(server, batch.operations))
    return outcome, _records(batch, role, now, CONFLICT, details)


def _apply_operations(server: Session, batch: Batch) -> dict[uuid.UUID, dict[str, Any]]:
    """Apply the operations in order; the fields each update lost, by operation id."""
    lost: dict[uuid.UUID, dict[str, Any]] = {}
    pending: list[Operation] = []  # consecutive inserts into one table, sent together
    for op in batch.operations:
        table = _shared_customer_table(op.table)
        if pending and (op.kind != "insert" or op.table != pending[0].table):
            _insert(server, pending)
            pending = []
        if op.kind == "insert":
            pending.append(op)
        elif op.kind == "update":
            fields = _update(server, table, op, batch.hlc)
            if fields:
                lost[op.op_id] = fields
        elif op.kind == "delete":
            _delete(server, table, op)
        else:
            raise _Conflict(
                _("The server does not know the operation {kind}.").format(kind=op.kind)
            )
    if pending:
        _insert(server, pending)
    return lost


def _shared_customer_table(name: str) -> Table:
    if catalogue.kind(name) is catalogue.Kind.REFERENCE:
        raise _Conflict(
            _("{table} is kept on the server only; a laptop cannot change it.").format(table=name)
        )
    if catalogue.kind(name) is not catalogue.Kind.CUSTOMER:
        raise _Conflict(_("{table} is not shared with the team database.").format(table=name))
    return Base.metadata.tables[name]


def _insert(server: Session, ops: Sequence[Operation]) -> None:
    """Insert rows that are not there yet (a row already there is the same fact)."""
    table = Base.metadata.tables[ops[0].table]
    derived = catalogue.DERIVED_COLUMNS.get(table.name, frozenset())
    columns = [c.name for c in table.columns if c.name not in derived]
    groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for op in ops:
        row = {name: op.values[name] for name in columns if name in op.values}
        row["id"] = op.row_id
        groups[frozenset(row)].append(row)
    statement = pg_insert(table).on_conflict_do_nothing(index_elements=["id"])
    for rows in groups.values():
        server.execute(statement, rows)


def _update(server: Session, table: Table, op: Operation, hlc: str) -> dict[str, Any]:
    """Merge an update field by field; the fields a later write kept, with their values."""
    mergeable = set(catalogue.mergeable_columns(table))
    changed = {name: value for name, value in op.values.items() if name in mergeable}
    clocks = server.execute(
        select(SyncFieldClock.column_name, SyncFieldClock.hlc).where(
            SyncFieldClock.table_name == table.name,
            SyncFieldClock.row_id == op.row_id,
            SyncFieldClock.column_name.in_(changed),
        )
    )
    stored = {name: stamp for name, stamp in clocks}
    won = {name: value for name, value in changed.items() if stored.get(name, "") < hlc}
    lost = {name: value for name, value in changed.items() if name not in won}
    if won:
        values: dict[str, Any] = dict(won)
        if "version" in table.c:
            values["version"] = table.c.version + 1
        result = server.execute(update(table).where(table.c.id == op.row_id).values(values))
        found = bool(getattr(result, "rowcount", 0))
    else:
        found = server.scalar(select(table.c.id).where(table.c.id == op.row_id)) is not None
    if not found:
        raise _Conflict(_gone(table.name))
    if won:
        stamps = [
            {"table_name": table.name, "row_id": op.row_id, "column_name": name, "hlc": hlc}
            for name in won
        ]
        statement = pg_insert(Base.metadata.tables["sync_field_clocks"])
        server.execute(
            statement.on_conflict_do_update(
                index_elements=["table_name", "row_id", "column_name"],
                set_={"hlc": statement.excluded.hlc},
            ),
            stamps,
        )
    return lost


def _delete(server: Session, table: Table, op: Operation) -> None:
    """Delete a row that is not a posted fact (already gone: nothing to do)."""
    if catalogue.is_posted(table.name):
        raise _Conflict(
            _("A posted {table} row is never deleted; post a correcting entry.").format(
                table=table.name
            )
        )
    server.execute(delete(table).where(table.c.id == op.row_id))


def _check_settled_within_amounts(server: Session, transaction_ids: Iterable[uuid.UUID]) -> None:
    """Refuse settlement lines that settle a transaction beyond its amount or against its
    sign (on the server, with every line other laptops pushed before)."""
    txn, line = CustomerTransaction, SettlementLine
    rows = server.execute(
        select(txn.type, txn.document_number, txn.amount, func.sum(line.amount))
        .join(line, line.transaction_id == txn.id)
        .where(txn.id.in_(set(transaction_ids)))
        .group_by(txn.id, txn.type, txn.document_number, txn.amount)
        .order_by(txn.document_number)
    )
    for kind, number, amount, settled in rows:
        low, high = sorted((Decimal(0), amount))
        if not low <= settled <= high:
            raise _Conflict(
                _(
                    "{kind} {number} was already settled by someone else: the server "
                    "holds settlements of {settled} of its {amount}, and this would go "
                    "beyond."
                ).format(kind=_document_kind(kind), number=number, settled=settled, amount=amount)
            )


# --- reasons ------------------------------------------------------------------------------


def _refusal(error: StatementError) -> str | None:
    """The reason for a refusal by the database, or None for a failure of the connection
    or the server (the whole push fails and is tried again)."""
    if not isinstance(error, DBAPIError):
        return _("The server refused a value: {error}").format(error=error.orig)
    state = getattr(error.orig, "sqlstate", None) or ""
    diag = getattr(error.orig, "diag", None)
    detail = getattr(diag, "message_detail", None) or ""
    table = getattr(diag, "table_name", None) or ""
    constraint = getattr(diag, "constraint_name", None) or ""
    if state == "23505":
        return _taken(table, constraint, detail)
    if state in ("42501", "23503"):
        return _(
            "The customer is not in your pools or a row this needs no longer exists on the "
            "server ({table})."
        ).format(table=table or _("unknown table"))
    if state == "P0001":
        return _("The server refused to change a posted fact: {error}").format(
            error=str(getattr(diag, "message_primary", "") or error.orig)
        )
    if state.startswith(("22", "23")):
        return _("The server refused the data: {error}").format(
            error=str(getattr(diag, "message_primary", "") or error.orig)
        )
    return None


def _taken(table: str, constraint: str, detail: str) -> str:
    """A unique key already held on the server: which number, or the letter of the day."""
    value = detail.partition("=(")[2].rpartition(")")[0] if "=(" in detail else detail
    if constraint.startswith("uq_collection_letters"):
        return _(
            "A collection letter for the same customer or item on the same day is already "
            "on the server ({value})."
        ).format(value=value)
    return _("The number {value} is already taken on the server ({table}).").format(
        value=value, table=table
    )


def _gone(table: str) -> str:
    return _(
        "The customer is not in your pools or the row no longer exists on the server ({table})."
    ).format(table=table)


def _document_kind(kind: str) -> str:
    return {
        "invoice": _("Invoice"),
        "credit_note": _("Credit note"),
        "payment": _("Payment"),
    }.get(kind, kind)


# --- rows and values ----------------------------------------------------------------------


def _server_rows(server: Session, ops: Iterable[Operation]) -> ServerRows:
    """The server's current rows (as this connection sees them) for the operations' rows."""
    wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
    for op in ops:
        if op.table in Base.metadata.tables:
            wanted[op.table].add(op.row_id)
    rows: dict[str, tuple[Mapping[str, Any], ...]] = {}
    for name, row_ids in wanted.items():
        table = Base.metadata.tables[name]
        found = server.execute(select(table).where(table.c.id.in_(row_ids)).order_by(table.c.id))
        rows[name] = tuple(dict(row._mapping) for row in found)
    return rows


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, default=str, sort_keys=True)
