"""A stand-in for the models' sync functions: the views' tests drive every outcome with it."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from collections_desktop.models.db.database import Database
from collections_desktop.views.sync_control import SyncBackend

SERVER = "postgresql://ana@db.example:5432/collections"
DEVICE = uuid.UUID(int=7)


class FakeSyncError(Exception):
    """The fake's ``SyncError``."""


@dataclass(frozen=True)
class FakeStatus:
    server: str = SERVER
    user_name: str = "ana"
    device_id: uuid.UUID = DEVICE
    last_sync_at: dt.datetime | None = None
    pending: int = 0
    conflicts: int = 0
    last_error: str | None = None


@dataclass(frozen=True)
class FakeReport:
    pushed: int = 0
    conflicts: int = 0
    pulled: int = 0
    purged: int = 0
    fetched: int = 0
    mismatches: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class FakeConflict:
    """Shaped as ``models.sync.conflicts.ConflictRow``."""

    id: uuid.UUID
    created_at: dt.datetime
    reason: str
    customer: str
    table: str
    document_number: str
    operations: int
    resolved_at: dt.datetime | None = None
    resolution: str | None = None


@dataclass(frozen=True)
class FakeSide:
    title: str
    fields: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class FakeSides:
    mine: tuple[FakeSide, ...]
    server: tuple[FakeSide, ...]


@dataclass
class FakeSync:
    """Records the calls; ``gate`` (when set) holds a sync until released."""

    status_value: FakeStatus | None = field(default_factory=FakeStatus)
    report: FakeReport = field(default_factory=FakeReport)
    error: Exception | None = None
    password: str | None = "secret"
    reachable_now: bool = True
    conflicts: list[FakeConflict] = field(default_factory=list)
    sides_of: dict[uuid.UUID, FakeSides] = field(default_factory=dict)
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)
    sync_calls: list[dict[str, Any]] = field(default_factory=list)
    status_reads: int = 0
    reapplied: list[uuid.UUID] = field(default_factory=list)
    discarded: list[uuid.UUID] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    saved_passwords: list[tuple[str, str]] = field(default_factory=list)
    source: Path | None = None
    """The database file a created replica copies."""
    after_sync: Callable[[], None] | None = None

    def backend(self) -> SyncBackend:
        return SyncBackend(
            status=self.status,
            sync=self.sync,
            sync_error=FakeSyncError,
            list_conflicts=self.list_conflicts,
            sides=lambda _session, conflict_id: self.sides_of[conflict_id],
            reapply=self.reapply,
            discard=self.discard,
            create_replica=self.create_replica,
            load_password=lambda _url: self.password,
            save_password=lambda url, password: self.saved_passwords.append((url, password)),
            reachable=lambda _url: self.reachable_now,
        )

    def status(self, session: Session) -> FakeStatus | None:
        self.status_reads += 1
        return self.status_value

    def sync(
        self,
        replica: Database,
        password: str | None,
        *,
        now: dt.datetime,
        progress: Callable[[int, int, str], None] | None = None,
        is_cancelled: Callable[[], bool] | None = None,
    ) -> FakeReport:
        self.sync_calls.append(
            {"password": password, "now": now, "thread": threading.current_thread()}
        )
        self.entered.set()
        if progress is not None:
            progress(1, 4, "Sending 3 changes")
        if self.gate is not None:
            assert self.gate.wait(20), "the test never released the sync"
        if self.error is not None:
            raise self.error
        if self.after_sync is not None:
            self.after_sync()
        return self.report

    def list_conflicts(self, session: Session) -> list[FakeConflict]:
        return list(self.conflicts)

    def reapply(self, session: Session, conflict_id: uuid.UUID, now: dt.datetime) -> None:
        self.reapplied.append(conflict_id)
        self._resolve(conflict_id)

    def discard(self, session: Session, conflict_id: uuid.UUID, now: dt.datetime) -> None:
        self.discarded.append(conflict_id)
        self._resolve(conflict_id)

    def _resolve(self, conflict_id: uuid.UUID) -> None:
        self.conflicts = [c for c in self.conflicts if c.id != conflict_id]
        if self.status_value is not None:
            self.status_value = replace(self.status_value, conflicts=len(self.conflicts))

    def create_replica(
        self,
        server: str,
        password: str | None,
        file: Path,
        *,
        now: dt.datetime,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> Path:
        self.created.append({"server": server, "password": password, "file": file})
        if progress is not None:
            progress(1, 2, "Fetching customers")
        if self.error is not None:
            raise self.error
        assert self.source is not None
        shutil.copyfile(self.source, file)
        if progress is not None:
            progress(2, 2, "Done")
        return file
