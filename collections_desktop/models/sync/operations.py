"""Operations and batches, and the payload form the replica's triggers write them in.

A SQLite trigger can only write what SQLite stores: a key as its 16 bytes (written as hex),
money as its integer count of 1/10,000 units, dates and times as their stored text,
booleans as 0/1. ``decode_row`` turns such a payload into Python values through each
column's own SQLAlchemy type (the same conversion a SELECT makes), and ``encode_row`` is its
exact inverse, so a payload round-trips: ``decode_row(t, encode_row(t, values)) == values``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Column, LargeBinary, Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import TypeDecorator, TypeEngine

from collections_desktop.models.db.schema import Base

KINDS = ("insert", "update", "delete")

_SQLITE = sqlite.dialect()


@dataclass(frozen=True)
class Operation:
    """One local change of one row: ``values`` is the whole row (insert), the changed
    columns' new values (update) or empty (delete)."""

    op_id: uuid.UUID
    table: str
    row_id: uuid.UUID
    kind: str  # "insert" | "update" | "delete"
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Batch:
    """The operations of one local transaction, pushed and judged together."""

    batch_id: uuid.UUID
    device_id: uuid.UUID
    hlc: str
    operations: tuple[Operation, ...]


def table_of(name: str) -> Table:
    return Base.metadata.tables[name]


def stored_as_bytes(column: Column[Any]) -> bool:
    """Whether SQLite keeps ``column`` as bytes (a key), which a payload holds as hex."""
    return isinstance(_sqlite_impl(column.type), LargeBinary)


def _sqlite_impl(kind: TypeEngine[Any]) -> TypeEngine[Any]:
    if isinstance(kind, TypeDecorator):
        return kind.load_dialect_impl(_SQLITE)
    return kind


@cache
def _codec(table_name: str) -> dict[str, tuple[Any, Any, bool]]:
    """column -> (bind processor, result processor, held as hex) on SQLite."""
    table = table_of(table_name)
    found: dict[str, tuple[Any, Any, bool]] = {}
    for column in table.columns:
        kind = column.type.dialect_impl(_SQLITE)
        binder = kind.bind_processor(_SQLITE)
        result = kind.result_processor(_SQLITE, None)
        found[column.name] = (binder, result, stored_as_bytes(column))
    return found


def decode_value(table: str, column: str, stored: Any) -> Any:
    """A payload value (SQLite's stored form, bytes as hex) as its Python value."""
    if stored is None:
        return None
    _binder, result, as_hex = _codec(table)[column]
    value = bytes.fromhex(stored) if as_hex else stored
    return result(value) if result is not None else value


def encode_value(table: str, column: str, value: Any) -> Any:
    """A Python value in the form SQLite stores it (bytes as hex), for a JSON payload."""
    if value is None:
        return None
    binder, _result, as_hex = _codec(table)[column]
    stored = binder(value) if binder is not None else value
    if as_hex and stored is not None:
        return bytes(stored).hex()
    return stored


def decode_row(table: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    return {name: decode_value(table, name, value) for name, value in payload.items()}


def encode_row(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: encode_value(table, name, value) for name, value in values.items()}


def decode_payload(table: str, text: str) -> dict[str, Any]:
    """The JSON text a trigger wrote, as Python values."""
    return decode_row(table, json.loads(text))


def encode_payload(table: str, values: Mapping[str, Any]) -> str:
    """Python values as the JSON text a trigger would have written."""
    return json.dumps(encode_row(table, values), sort_keys=True)


def operation_to_json(operation: Operation) -> dict[str, Any]:
    """An operation as JSON (kept in a conflict, shown to the user, re-applied later)."""
    return {
        "op_id": operation.op_id.hex,
        "table": operation.table,
        "row_id": operation.row_id.hex,
        "kind": operation.kind,
        "values": encode_row(operation.table, operation.values),
    }


def operation_from_json(data: Mapping[str, Any]) -> Operation:
    return Operation(
        op_id=uuid.UUID(data["op_id"]),
        table=data["table"],
        row_id=uuid.UUID(data["row_id"]),
        kind=data["kind"],
        values=decode_row(data["table"], data["values"]),
    )


def rows_to_json(rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """``server_rows`` (table -> rows of Python values) as JSON."""
    return {table: [encode_row(table, row) for row in found] for table, found in rows.items()}


def rows_from_json(data: Mapping[str, Any]) -> dict[str, tuple[dict[str, Any], ...]]:
    return {table: tuple(decode_row(table, row) for row in found) for table, found in data.items()}
