"""Replicas for tests that need no team database: a company file made into a replica."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import insert

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import SyncState
from collections_desktop.models.sync import capture, numbers
from collections_desktop.models.sync.apply import applying_transaction

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def make_replica(
    database: Database,
    blocks: dict[str, tuple[int, int]] | None = None,
    *,
    device: uuid.UUID | None = None,
) -> Database:
    """Give a SQLite company a replica's identity, number blocks and triggers."""
    lent = blocks or {name: (1000, 1000 + numbers.BLOCK_SIZE) for name in numbers.SEQUENCES}
    with applying_transaction(database) as session:
        session.execute(
            insert(SyncState).values(
                id=1,
                device_id=device or uuid.uuid4(),
                server="postgresql://agent@127.0.0.1:5432/team",
                user_name="agent",
                cursor="0",
                hlc="",
                created_at=NOW,
            )
        )
        numbers.take_blocks(session, lent, NOW)
    assert capture.prepare_replica(database)
    return database
