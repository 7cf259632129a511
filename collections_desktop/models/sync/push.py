"""The server half of a push: apply a replica's batches at most once, merged and checked.

- **At most once.** Every operation's id goes to ``sync_operations`` with what became of
  its batch. A batch already recorded is answered from the record and changes nothing, so
  a push repeated after a lost acknowledgement adds nothing.
- **One batch, one savepoint.** A batch is the operations of one local transaction (one
  user action); it is applied whole or not at all. A batch that can no longer hold is
  rolled back to its savepoint and recorded as a conflict with the reason, and its outcome
  carries the server's current rows for every row it touched, so the replica can put
  them back and show both sides.
- **Together while nothing conflicts.** Up to ``GROUP_BATCHES`` batches share one
  savepoint; when one of them conflicts, the group is rolled back and applied again one
  savepoint per batch to find which. Between two deletes (each kept in its place), the
  inserts go first, one statement per table (parents first), then the updates, one
  statement per table and set of fields won: a few round trips, not one per row, each
  column's values sent as one array.
- **Merge.** Inserts are a union: a row whose id is already there is left as it is (and
  sent back, should the replica's copy differ).
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
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Table,
    TextClause,
    any_,
    bindparam,
    cast,
    delete,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import QueryableAttribute, Session

from collections_desktop.i18n import _
from collections_desktop.models.db.schema import (
    Base,
    CustomerTransaction,
    SettlementLine,
    SyncFieldClock,
    SyncOperation,
)
from collections_desktop.models.db.types import UuidKey
from collections_desktop.models.db.writing import LEDGER, WAIT_SECONDS, lock_customers
from collections_desktop.models.ledger.settlements import update_closed_on
from collections_desktop.models.sync import catalogue
from collections_desktop.models.sync.operations import Batch, Operation

APPLIED = "applied"
CONFLICT = "conflict"

_HLC_SETTING = "collections.sync_hlc"
"""Set while a push writes: the field-clock trigger (``clocks.py``) stands aside."""

GROUP_BATCHES = 200
"""Batches applied together in one savepoint while none of them conflicts."""

_ID_CHUNK = 10_000
"""Ids per query (well within a statement's parameters)."""


_DEFERRED_KEYS = frozenset(
    key.parent.table.name
    for table in Base.metadata.tables.values()
    for key in table.foreign_keys
    if key.deferrable
)
"""Tables with foreign keys checked at commit: a batch writing them checks them itself."""

ServerRows = Mapping[str, tuple[Mapping[str, Any], ...]]


@dataclass(frozen=True)
class BatchOutcome:
    """What became of one batch. ``server_rows`` (table -> rows) holds the server's
    current rows the replica must take back: every row a conflicted batch touched; for an
    applied batch, the rows where it lost a field to a later write or found the row it
    inserted already there."""

    batch_id: uuid.UUID
    applied: bool
    reason: str | None
    server_rows: ServerRows


@dataclass(frozen=True)
class _Merged:
    """How applied operations merged: the fields each update lost (by operation id) and
    the inserts whose row was already there (the server's row stands)."""

    lost: dict[uuid.UUID, dict[str, Any]]
    kept: set[uuid.UUID]


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
    # A batch run or another push holding these customers for longer ends this push with
    # the driver's lock timeout; nothing is applied and the replica pushes again later.
    server.execute(text(f"SET LOCAL lock_timeout = '{WAIT_SECONDS}s'"))
    server.execute(select(func.pg_advisory_xact_lock_shared(func.hashtextextended(LEDGER, 0))))
    lock_customers(server, _customers_of(server, batches))
    server.execute(select(func.set_config(_HLC_SETTING, "push", True)))
    clocks = _FieldClocks(server, batches)
    recorded = _recorded(server, [op.op_id for batch in batches for op in batch.operations])
    records: list[dict[str, Any]] = []
    outcomes: dict[int, BatchOutcome] = {}
    group: list[tuple[int, Batch]] = []
    in_group: set[uuid.UUID] = set()

    def flush() -> None:
        for index, outcome, batch_records in _apply_group(server, group, role, now, clocks):
            outcomes[index] = outcome
            records.extend(batch_records)
            recorded.update((r["op_id"], r) for r in batch_records)
        group.clear()
        in_group.clear()

    for index, batch in enumerate(batches):
        op_ids = {op.op_id for op in batch.operations}
        if op_ids & in_group:
            flush()  # the batch repeats operations of the group: judge those first
        new = tuple(op for op in batch.operations if op.op_id not in recorded)
        if not new:
            outcomes[index] = _answer_from_record(server, batch, recorded)
            continue
        # Operations recorded before (under another batch id) are not applied again.
        group.append((index, Batch(batch.batch_id, batch.device_id, batch.hlc, new)))
        in_group.update(op_ids)
        if len(group) >= GROUP_BATCHES:
            flush()
    flush()
    if records:
        # An operation another login recorded (a laptop handed to another user) is not
        # visible here; applying it again changed nothing (a union, the same clock).
        _insert_rows(server, Base.metadata.tables["sync_operations"], records, "op_id")
    server.execute(select(func.set_config(_HLC_SETTING, "", True)))  # online writes stamp again
    return [outcomes[index] for index in range(len(batches))]


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
        customers.update(server.scalars(select(owner).where(_among(table.c.id, row_ids))))
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
                _among(SyncOperation.op_id, wanted[i : i + _ID_CHUNK])
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


def _apply_group(
    server: Session,
    group: Sequence[tuple[int, Batch]],
    role: str,
    now: dt.datetime,
    clocks: _FieldClocks,
) -> Iterator[tuple[int, BatchOutcome, list[dict[str, Any]]]]:
    """Apply batches together in one savepoint, the common case where all of them hold;
    when one does not, apply them again one savepoint each to find which."""
    if len(group) > 1:
        merged, reason = _in_savepoint(server, [batch for _index, batch in group], clocks)
        if reason is None:
            for index, batch in group:
                yield index, *_applied(server, batch, role, now, merged)
            return
    for index, batch in group:
        merged, reason = _in_savepoint(server, [batch], clocks)
        if reason is None:
            yield index, *_applied(server, batch, role, now, merged)
        else:
            yield index, *_conflicted(server, batch, role, now, reason)


def _in_savepoint(
    server: Session, batches: Sequence[Batch], clocks: _FieldClocks
) -> tuple[_Merged, str | None]:
    """Apply the batches in a savepoint: (how they merged, None), or roll them back and
    give the reason one of them cannot hold."""
    nothing = _Merged({}, set())
    savepoint = server.begin_nested()
    try:
        merged = _apply_operations(server, batches, clocks)
        if any(op.table in _DEFERRED_KEYS for batch in batches for op in batch.operations):
            server.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # deferred keys, checked now
            server.execute(text("SET CONSTRAINTS ALL DEFERRED"))
        settled: set[uuid.UUID] = {
            op.values["transaction_id"]
            for batch in batches
            for op in batch.operations
            if op.table == "settlement_lines"
            and op.kind == "insert"
            and op.values.get("transaction_id") is not None
        }
        if settled:
            _check_settled_within_amounts(server, settled)
            update_closed_on(server, sorted(settled))
        clocks.write(server)
    except _Conflict as conflict:
        savepoint.rollback()
        clocks.forget()
        return nothing, conflict.reason
    except StatementError as error:
        reason = _refusal(error)
        savepoint.rollback()
        clocks.forget()
        if reason is None:
            raise
        return nothing, reason
    savepoint.commit()
    clocks.keep()
    return merged, None


def _applied(
    server: Session,
    batch: Batch,
    role: str,
    now: dt.datetime,
    merged: _Merged,
) -> tuple[BatchOutcome, list[dict[str, Any]]]:
    lost = merged.lost
    details = {
        op.op_id: _json({"lost": lost[op.op_id]}) for op in batch.operations if op.op_id in lost
    }
    touched = [op for op in batch.operations if op.op_id in lost or op.op_id in merged.kept]
    outcome = BatchOutcome(batch.batch_id, True, None, _server_rows(server, touched))
    return outcome, _records(batch, role, now, APPLIED, details)


def _conflicted(
    server: Session, batch: Batch, role: str, now: dt.datetime, reason: str
) -> tuple[BatchOutcome, list[dict[str, Any]]]:
    detail = _json({"reason": reason})
    details = {op.op_id: detail for op in batch.operations}
    outcome = BatchOutcome(batch.batch_id, False, reason, _server_rows(server, batch.operations))
    return outcome, _records(batch, role, now, CONFLICT, details)


def _apply_operations(server: Session, batches: Sequence[Batch], clocks: _FieldClocks) -> _Merged:
    """Apply the operations a few statements per table: between deletes (each in its
    place), the inserts of every table (parents first), then the updates of every table."""
    lost: dict[uuid.UUID, dict[str, Any]] = {}
    kept: set[uuid.UUID] = set()
    segment: list[tuple[Operation, str]] = []
    for batch in batches:
        for op in batch.operations:
            table = _shared_customer_table(op.table)
            if op.kind not in ("insert", "update", "delete"):
                unknown = _("The server does not know the operation {kind}.").format(kind=op.kind)
                raise _Conflict(unknown)
            if op.kind == "delete":
                _apply_segment(server, segment, clocks, lost, kept)
                segment = []
                _delete(server, table, op)
            else:
                segment.append((op, batch.hlc))
    _apply_segment(server, segment, clocks, lost, kept)
    return _Merged(lost, kept)


def _apply_segment(
    server: Session,
    segment: Sequence[tuple[Operation, str]],
    clocks: _FieldClocks,
    lost: dict[uuid.UUID, dict[str, Any]],
    kept: set[uuid.UUID],
) -> None:
    """Inserts and updates with no delete between them: the inserts first, so an update
    of a row inserted in the same segment finds it, and each table's updates in their
    order, so the last writer of a field is the same as one by one."""
    inserts: dict[str, list[Operation]] = defaultdict(list)
    updates: dict[str, list[tuple[Operation, str]]] = defaultdict(list)
    for op, hlc in segment:
        if op.kind == "insert":
            inserts[op.table].append(op)
        else:
            updates[op.table].append((op, hlc))
    for table in catalogue.customer_tables():
        if table.name in inserts:
            kept.update(_insert(server, table, inserts[table.name]))
    for table in catalogue.customer_tables():
        if table.name in updates:
            lost.update(_update(server, table, updates[table.name], clocks))


def _shared_customer_table(name: str) -> Table:
    if catalogue.kind(name) is catalogue.Kind.REFERENCE:
        raise _Conflict(
            _("{table} is kept on the server only; a laptop cannot change it.").format(table=name)
        )
    if catalogue.kind(name) is not catalogue.Kind.CUSTOMER:
        raise _Conflict(_("{table} is not shared with the team database.").format(table=name))
    return Base.metadata.tables[name]


def _insert(server: Session, table: Table, ops: Sequence[Operation]) -> set[uuid.UUID]:
    """Insert rows that are not there yet; the operations whose row was already there
    (the same fact: the server's row stands, and goes back to the replica)."""
    derived = catalogue.DERIVED_COLUMNS.get(table.name, frozenset())
    columns = [c.name for c in table.columns if c.name not in derived]
    groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for op in ops:
        row = {name: op.values[name] for name in columns if name in op.values}
        row["id"] = op.row_id
        groups[frozenset(row)].append(row)
    inserted: set[uuid.UUID] = set()
    for rows in groups.values():
        inserted.update(_insert_rows(server, table, rows, "id"))
    return {op.op_id for op in ops if op.row_id not in inserted}


def _insert_rows(
    server: Session, table: Table, rows: Sequence[Mapping[str, Any]], key: str
) -> list[Any]:
    """Insert rows of one set of columns whose ``key`` is not there yet, in one statement
    of one array per column (short to send and to parse); the keys inserted."""
    names = list(rows[0])
    missing = [c for c in table.columns if c.name not in names and c.default is not None]
    if missing:  # the columns' defaults come from Python: the driver's executemany
        each = pg_insert(table).on_conflict_do_nothing(index_elements=[key])
        return list(server.execute(each.returning(table.c[key]), rows).scalars())
    dialect = server.get_bind().dialect
    arrays = ", ".join(
        f"CAST(:_a{i} AS {table.c[name].type.compile(dialect)}[])" for i, name in enumerate(names)
    )
    columns = ", ".join(f'"{name}"' for name in names)
    statement = text(
        f'INSERT INTO "{table.name}" ({columns}) SELECT * FROM unnest({arrays}) '
        f'ON CONFLICT ("{key}") DO NOTHING RETURNING "{key}"'
    ).bindparams(
        *(bindparam(f"_a{i}", type_=ARRAY(table.c[name].type)) for i, name in enumerate(names))
    )
    parameters = {f"_a{i}": [row[name] for row in rows] for i, name in enumerate(names)}
    return list(server.execute(statement, parameters).scalars())


_STAMP_CLOCKS = text(
    "INSERT INTO sync_field_clocks (table_name, row_id, column_name, hlc) "
    "SELECT * FROM unnest(CAST(:tables AS text[]), CAST(:rows AS uuid[]), "
    "CAST(:columns AS text[]), CAST(:stamps AS text[])) "
    "ON CONFLICT (table_name, row_id, column_name) DO UPDATE SET hlc = excluded.hlc"
)
"""One statement for every field clock a batch (or a group of them) won."""


class _FieldClocks:
    """The stored clock of each field the push's updates change, read once under the
    customer locks; a batch's wins are written with it and kept once it holds."""

    def __init__(self, server: Session, batches: Sequence[Batch]) -> None:
        self._stored: dict[tuple[str, uuid.UUID, str], str] = {}
        self._pending: dict[tuple[str, uuid.UUID, str], str] = {}
        rows: dict[str, set[uuid.UUID]] = defaultdict(set)
        for batch in batches:
            for op in batch.operations:
                if op.kind == "update":
                    rows[op.table].add(op.row_id)
        clock = SyncFieldClock
        for table, row_ids in rows.items():
            wanted = sorted(row_ids)
            for i in range(0, len(wanted), _ID_CHUNK):
                found = server.execute(
                    select(clock.row_id, clock.column_name, clock.hlc).where(
                        clock.table_name == table, _among(clock.row_id, wanted[i : i + _ID_CHUNK])
                    )
                )
                for row_id, name, stamp in found:
                    self._stored[(table, row_id, name)] = stamp

    def wins(self, table: str, row_id: uuid.UUID, column: str, hlc: str) -> bool:
        """Whether a write at ``hlc`` is the field's last (and if so, note it)."""
        key = (table, row_id, column)
        stored = self._pending.get(key) or self._stored.get(key, "")
        if stored > hlc:
            return False
        self._pending[key] = hlc
        return True

    def write(self, server: Session) -> None:
        """Stamp the fields the current batch won."""
        if not self._pending:
            return
        keys = list(self._pending)
        server.execute(
            _STAMP_CLOCKS,
            {
                "tables": [table for table, _row, _column in keys],
                "rows": [row for _table, row, _column in keys],
                "columns": [column for _table, _row, column in keys],
                "stamps": [self._pending[key] for key in keys],
            },
        )

    def keep(self) -> None:
        self._stored.update(self._pending)
        self._pending = {}

    def forget(self) -> None:
        self._pending = {}


def _update(
    server: Session, table: Table, ops: Sequence[tuple[Operation, str]], clocks: _FieldClocks
) -> dict[uuid.UUID, dict[str, Any]]:
    """Merge updates field by field: each row's won fields (the later of two writes
    standing) in one ``UPDATE … FROM unnest(…)`` per set of fields; the fields a later
    write kept, with their values, by operation id."""
    mergeable = set(catalogue.mergeable_columns(table))
    lost: dict[uuid.UUID, dict[str, Any]] = {}
    unchanged: set[uuid.UUID] = set()  # rows where every field lost: they must exist
    won_rows: dict[uuid.UUID, dict[str, Any]] = {}
    writes: dict[uuid.UUID, int] = defaultdict(int)  # the updates of a row: its versions
    for op, hlc in ops:
        changed = {name: value for name, value in op.values.items() if name in mergeable}
        won = {n: v for n, v in changed.items() if clocks.wins(table.name, op.row_id, n, hlc)}
        if len(won) < len(changed):
            lost[op.op_id] = {n: v for n, v in changed.items() if n not in won}
        if not won:
            unchanged.add(op.row_id)
            continue
        won_rows.setdefault(op.row_id, {}).update(won)
        writes[op.row_id] += 1
    groups: dict[tuple[str, ...], list[uuid.UUID]] = defaultdict(list)
    for row_id, won in won_rows.items():
        groups[tuple(sorted(won))].append(row_id)
    for names, row_ids in groups.items():
        statement = _update_statement(server, table, names)
        parameters = {
            "_ids": row_ids,
            "_writes": [writes[row_id] for row_id in row_ids],
            **{f"_a{i}": [won_rows[r][name] for r in row_ids] for i, name in enumerate(names)},
        }
        result = server.execute(statement, parameters)
        if getattr(result, "rowcount", len(row_ids)) != len(row_ids):
            raise _Conflict(_gone(table.name))
    unchanged -= won_rows.keys()
    if unchanged:
        found = server.scalar(
            select(func.count()).select_from(table).where(_among(table.c.id, unchanged))
        )
        if found != len(unchanged):
            raise _Conflict(_gone(table.name))
    return lost


def _update_statement(server: Session, table: Table, names: Sequence[str]) -> TextClause:
    """``UPDATE table SET name = v.name … FROM unnest(ids, writes, values …) AS v``: one
    array per column, typed as the column (the version goes up by the row's updates)."""
    dialect = server.get_bind().dialect
    arrays = ", ".join(
        f"CAST(:_a{i} AS {table.c[name].type.compile(dialect)}[])" for i, name in enumerate(names)
    )
    aliases = ", ".join(f"_v{i}" for i in range(len(names)))
    changes = [f'"{name}" = v._v{i}' for i, name in enumerate(names)]
    if "version" in table.c:
        changes.append('"version" = t."version" + v._writes')
    return text(
        f'UPDATE "{table.name}" AS t SET {", ".join(changes)} '
        f"FROM unnest(CAST(:_ids AS uuid[]), CAST(:_writes AS integer[]), {arrays}) "
        f"AS v(_row_id, _writes, {aliases}) WHERE t.id = v._row_id"
    ).bindparams(
        bindparam("_ids", type_=ARRAY(UuidKey())),
        bindparam("_writes", type_=ARRAY(Integer())),
        *(bindparam(f"_a{i}", type_=ARRAY(table.c[name].type)) for i, name in enumerate(names)),
    )


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
    sign, at the end of any settlement date (on the server, with every line other laptops
    pushed before): a back-dated line must not over-settle what a later one used."""
    txn, line = CustomerTransaction, SettlementLine
    rows = server.execute(
        select(txn.id, txn.type, txn.document_number, txn.amount, line.settlement_date)
        .add_columns(func.sum(line.amount))
        .join(line, line.transaction_id == txn.id)
        .where(txn.id.in_(set(transaction_ids)))
        .group_by(txn.id, txn.type, txn.document_number, txn.amount, line.settlement_date)
        .order_by(txn.document_number, txn.id, line.settlement_date)
    )
    settled: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    for txn_id, kind, number, amount, day, day_total in rows:
        settled[txn_id] += day_total
        low, high = sorted((Decimal(0), amount))
        if not low <= settled[txn_id] <= high:
            raise _Conflict(
                _(
                    "{kind} {number} was already settled by someone else: with this "
                    "change, its settlements on the server would come to {settled} of "
                    "its {amount} on {day}."
                ).format(
                    kind=_document_kind(kind),
                    number=number,
                    settled=settled[txn_id],
                    amount=amount,
                    day=day.isoformat(),
                )
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
    message = str(getattr(diag, "message_primary", None) or "")
    named = re.search(r'table "([^"]+)"', message)
    table = getattr(diag, "table_name", None) or (named.group(1) if named else "")
    constraint = getattr(diag, "constraint_name", None) or ""
    if state == "23505":
        return _taken(table, constraint, detail)
    if state == "23503" or (state == "42501" and "row-level security" in message):
        return _gone(table)
    if state == "42501":
        return _(
            "Your login may not change {table} on the server; ask the team database's "
            "administrator to run team init again."
        ).format(table=table)
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
        found = server.execute(
            select(table).where(_among(table.c.id, row_ids)).order_by(table.c.id)
        )
        rows[name] = tuple(dict(row._mapping) for row in found)
    return rows


def _among(
    column: ColumnElement[Any] | QueryableAttribute[Any], ids: Iterable[Any]
) -> ColumnElement[bool]:
    """``column = ANY(array)``: one parameter for any number of ids, where ``IN`` would
    send (and make the driver parse) one parameter each."""
    array = ARRAY(column.type)
    return column == any_(cast(bindparam(None, list(ids), type_=array), array))


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, default=str, sort_keys=True)
