"""Both sides of a conflict in words a collector reads: what this laptop did, what the server holds.

A conflict keeps the refused batch and the server's rows it touched as JSON
(``models.sync.conflicts``). The Conflicts page shows them side by side: each operation
of the batch as "Settlement, new" with its values, and each of the server's rows with the
same fields, so the difference is visible at a glance. Row ids and bookkeeping columns are
left out: they mean nothing to the reader and are the same on both sides.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.schema import SyncConflict
from collections_desktop.models.sync.conflicts import ConflictError, batch_operations
from collections_desktop.models.sync.operations import Operation, rows_from_json
from collections_desktop.models.sync.wording import KIND_WORDS, table_title

HIDDEN_COLUMNS = frozenset({"id", "created_at", "updated_at", "version"})
"""Bookkeeping columns, the same on both sides and meaningless to the reader (so are the
links to other rows, ``*_id``: the headings and document numbers say what is linked)."""


@dataclass(frozen=True)
class SideRow:
    """One row of one side: a heading ("Settlement, new") and its fields in order."""

    title: str
    fields: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class ConflictSides:
    """What this laptop did (``mine``) and what the server holds now (``server``)."""

    mine: tuple[SideRow, ...]
    server: tuple[SideRow, ...]


def conflict_sides(session: Session, conflict_id: uuid.UUID) -> ConflictSides:
    """Both sides of conflict ``conflict_id``; ``ConflictError`` when it is gone."""
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise ConflictError(_("The conflict no longer exists. Refresh the list."))
    operations = batch_operations(conflict)
    server_rows = rows_from_json(json.loads(conflict.server_rows))
    mine = tuple(_operation_row(op) for op in operations)
    shown: dict[Any, Operation] = {op.row_id: op for op in operations}
    server = tuple(
        _server_row(table, row, shown.get(row.get("id")))
        for table, rows in server_rows.items()
        for row in rows
    )
    return ConflictSides(mine, server)


def _operation_row(op: Operation) -> SideRow:
    kind = KIND_WORDS.get(op.kind)
    heading = f"{table_title(op.table)}, {_(kind) if kind else op.kind}"
    return SideRow(heading, _fields(op.values.items()))


def _server_row(table: str, row: Mapping[str, Any], op: Operation | None) -> SideRow:
    if op is not None and op.kind == "update":
        # The fields this laptop changed, as the server has them now.
        items: Iterable[tuple[str, Any]] = ((name, row.get(name)) for name in op.values)
    else:
        items = row.items()
    return SideRow(table_title(table), _fields(items))


def _fields(items: Iterable[tuple[str, Any]]) -> tuple[tuple[str, Any], ...]:
    return tuple(
        (name, value)
        for name, value in items
        if name not in HIDDEN_COLUMNS
        and not name.endswith("_id")
        and not isinstance(value, uuid.UUID)
    )
