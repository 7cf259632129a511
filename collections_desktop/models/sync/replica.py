"""Making an offline replica, and what a replica says about itself.

A replica is a SQLite file at the schema's head holding the team database's reference
tables and every customer row its user sees, with ``sync_state`` (its device id, the
server's URL without any password, the user, the pull cursor), the capture triggers
(``capture``) and a first block of each number counter (``numbers``). It is written under
``FILE.partial`` and renamed when complete: a failure leaves nothing half-made.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.database import Database, open_database
from collections_desktop.models.db.schema import SyncConflict, SyncState
from collections_desktop.models.ledger.numbering import SEQUENCES
from collections_desktop.models.sync import capture, numbers
from collections_desktop.models.sync.apply import (
    SyncError,
    analyse,
    applying_transaction,
    upsert_rows,
)
from collections_desktop.models.sync.link import connect, server_session, shown
from collections_desktop.models.team.connect import server_url

Progress = Callable[[int, int, str], None]
"""(done, total, what): total 0 while the total is not known."""


@dataclass(frozen=True)
class ReplicaStatus:
    server: str
    user_name: str
    device_id: uuid.UUID
    last_sync_at: dt.datetime | None
    pending: int
    conflicts: int
    last_error: str | None


def replica_status(session: Session) -> ReplicaStatus | None:
    """Where this replica syncs and how it stands; None when the database is no replica."""
    state = session.get(SyncState, 1)
    if state is None:
        return None
    open_conflicts = session.scalar(
        select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
    )
    return ReplicaStatus(
        server=state.server,
        user_name=state.user_name,
        device_id=state.device_id,
        last_sync_at=state.last_sync_at,
        pending=capture.pending_count(session),
        conflicts=int(open_conflicts or 0),
        last_error=state.last_error,
    )


def create_replica(
    server: str,
    password: str | None,
    file: Path,
    *,
    now: dt.datetime,
    progress: Progress | None = None,
) -> Path:
    """Make a replica of ``server`` for the URL's user at ``file``; raises ``SyncError``."""
    url = server_url(server)
    if not url.username:
        raise SyncError(
            _(
                "The server URL {url} names no user; write it as postgresql://USER@HOST/DATABASE."
            ).format(url=shown(url))
        )
    file = Path(file).expanduser().absolute()
    if file.exists():
        raise SyncError(
            _("{file} already exists; choose another file or move that one away first.").format(
                file=file
            )
        )
    if not file.parent.is_dir():
        raise SyncError(_("The folder {folder} does not exist.").format(folder=file.parent))
    partial = file.with_name(file.name + ".partial")
    _remove(partial)
    report = progress or (lambda _done, _total, _what: None)
    engine = connect(url, password)
    replica: Database | None = None
    try:
        report(0, 0, _("Connecting to {where}").format(where=shown(url)))
        with server_session(engine) as session, session.begin():
            session.execute(text("SELECT 1"))
        replica = open_database(partial, now=now, create=True)
        fill(replica, engine, now=now, report=report)
        analyse(replica)
        with replica.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        replica.dispose()
        replica = None
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        os.replace(partial, file)
    except BaseException:
        if replica is not None:
            replica.dispose()
        _remove(partial)
        raise
    finally:
        engine.dispose()
    report(1, 1, _("Replica ready: {file}").format(file=file))
    return file


def fill(replica: Database, engine: Engine, *, now: dt.datetime, report: Progress) -> None:
    """Everything the user sees, a first number block and the replica's identity.

    The server lends the blocks in a transaction of its own that commits first (a block
    lent and never taken is numbers lost, never a number used twice); the rows are read in
    one snapshot and written, with the rest, in one replica transaction.
    """
    from collections_desktop.models.sync.pull import read_changes

    url = engine.url
    with server_session(engine) as session, session.begin():
        blocks = numbers.lend_blocks(session, list(SEQUENCES), now)
    with applying_transaction(replica, bulk=True) as local:
        written = 0
        cursor = 0
        with server_session(engine) as session, session.begin():
            for page in read_changes(session, 0):
                written += upsert_rows(local, page.table, page.rows)
                cursor = page.cursor
                report(written, 0, _("Copying {table}").format(table=page.table))
        local.execute(
            insert(SyncState).values(
                id=1,
                device_id=uuid.uuid4(),
                server=shown(url),
                user_name=url.username or "",
                cursor=str(cursor),
                hlc="",
                created_at=now,
                last_sync_at=now,
                last_error=None,
            )
        )
        numbers.take_blocks(local, blocks, now)
        capture.install(local.connection())


def _remove(partial: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)


def server_of(session: Session) -> str:
    """The server URL this replica syncs with (no password)."""
    state = session.get(SyncState, 1)
    if state is None:
        raise SyncError(_("This database is not an offline replica; make one with sync setup."))
    return state.server
