"""What a replica pushes: one operation per changed row, grouped in the batch of the local
transaction that made them, so the server judges a user's action whole."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Operation:
    """One change of one row: ``values`` is the whole row (insert) or the changed columns'
    new values (update); a delete carries none."""

    op_id: uuid.UUID
    table: str
    row_id: uuid.UUID
    kind: str  # "insert" | "update" | "delete"
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Batch:
    """The operations of one local transaction, judged together."""

    batch_id: uuid.UUID
    device_id: uuid.UUID
    hlc: str
    operations: tuple[Operation, ...]
