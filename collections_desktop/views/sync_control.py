"""The offline replica's sync as the window sees it: status, Sync now, the automatic sync.

``SyncControl`` runs ``models.sync.run.sync_replica`` as a long job on the background
lane (``QueryOp(long=True)``), so the window and the pages' reads never wait for it; it
can be cancelled and reports its progress. A timer starts a sync every few minutes (the
``SYNC_INTERVAL`` setting) when the server answers a quick connection attempt, and skips
its turn while another sync runs. The replica's figures (pending operations, conflicts,
last sync) are read on the read lane after each sync and each local write: a count
query, coalesced when writes come in bursts.

The models are reached through ``SyncBackend``, a bundle of the functions the views call,
so the composition root hands the real ones down and a test hands fakes. The password
comes from the keychain (``models.team.credentials``); without a stored one, Sync now
asks for it each time and keeps it nowhere, and the automatic sync logs in without one
(the server's own rules apply).
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.database import Database
from collections_desktop.views.context import PageContext
from collections_desktop.views.operations import QueryOp, ReadSlot
from collections_desktop.views.tasks import Lane, Task, TaskState

log = logging.getLogger(__name__)

STATUS_DELAY_MS = 250
"""How long the status read waits after a write, so a burst of writes reads once."""
PROBE_TIMEOUT = 3.0
"""Seconds the automatic sync waits for the server to accept a connection."""
FIRST_SYNC_DELAY_MS = 5_000
"""How long after the window opens the first automatic sync starts (pages read first)."""


class ReplicaFigures(Protocol):
    """What the status bar shows of ``models.sync.replica.ReplicaStatus``."""

    @property
    def server(self) -> str: ...
    @property
    def user_name(self) -> str: ...
    @property
    def last_sync_at(self) -> dt.datetime | None: ...
    @property
    def pending(self) -> int: ...
    @property
    def conflicts(self) -> int: ...
    @property
    def last_error(self) -> str | None: ...


@dataclass(frozen=True)
class SyncBackend:
    """The functions of ``models/`` the sync views call (``real()``: the app's own)."""

    status: Callable[[Session], Any]
    """``replica_status(session)``: a ``ReplicaStatus``, or None when not a replica."""
    sync: Callable[..., Any]
    """``sync_replica(replica, password, *, now, progress, is_cancelled)``."""
    sync_error: type[Exception]
    """``SyncError``: a failure whose message the user can act on."""
    list_conflicts: Callable[[Session], Sequence[Any]]
    """``list_conflicts(session)``: the open conflicts (``ConflictRow``), newest first."""
    sides: Callable[[Session, uuid.UUID], Any]
    """``conflict_sides(session, id)``: both sides of a conflict (``ConflictSides``)."""
    reapply: Callable[[Session, uuid.UUID, dt.datetime], Any]
    discard: Callable[[Session, uuid.UUID, dt.datetime], Any]
    create_replica: Callable[..., Any]
    """``create_replica(server, password, file, *, now, progress)``."""
    load_password: Callable[[str], str | None]
    save_password: Callable[[str, str], None] | None
    """None: no keychain support; Remember me is then unavailable."""
    reachable: Callable[[str], bool]
    """Whether the server of a URL accepts a connection now (a quick probe)."""

    @classmethod
    def real(cls) -> SyncBackend:
        """The models' functions (imported here, when a window first needs them)."""
        from collections_desktop.models.sync import apply, conflict_sides, conflicts, replica, run

        load, save = keychain()
        return cls(
            status=replica.replica_status,
            sync=run.sync_replica,
            sync_error=apply.SyncError,
            list_conflicts=conflicts.list_conflicts,
            sides=conflict_sides.conflict_sides,
            reapply=conflicts.reapply,
            discard=conflicts.discard,
            create_replica=replica.create_replica,
            load_password=load,
            save_password=save,
            reachable=server_reachable,
        )


def keychain() -> tuple[Callable[[str], str | None], Callable[[str, str], None] | None]:
    """``load_password`` and ``save_password`` of ``models.team.credentials``; where this
    computer has no keychain, no password is ever found and none can be remembered."""
    from collections_desktop.models.team import credentials

    try:
        credentials.load_password("postgresql://probe@localhost/probe")
    except credentials.KeychainUnavailable:
        return (lambda _url: None), None
    return credentials.load_password, credentials.save_password


def server_reachable(url: str, timeout: float = PROBE_TIMEOUT) -> bool:
    """Whether the host and port of ``url`` accept a TCP connection within ``timeout``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return False
    try:
        with socket.create_connection((parsed.host or "localhost", parsed.port or 5432), timeout):
            return True
    except OSError:
        return False


def read_replica(database: Database, backend: SyncBackend) -> Any:
    """The replica's status, None when ``database`` is not a replica (a short query)."""
    with database.sessions() as session:
        return backend.status(session)


def ask_password(parent: QWidget | None, server: str) -> tuple[bool, str | None]:
    """Ask for the server password (False: the user cancelled; None: leave it empty)."""
    text, ok = QInputDialog.getText(
        parent,
        _("Sync now"),
        _("Password for {server} (used for this sync only):").format(server=server),
        QLineEdit.EchoMode.Password,
    )
    return ok, (text or None)


class SyncControl(QObject):
    """Runs the replica's syncs and reads its figures; the status bar shows what it says."""

    status_read = Signal(object)
    """The replica's figures (a ``ReplicaStatus``) were read."""
    started = Signal()
    """A sync started."""
    progressed = Signal(int, int, str)
    """The running sync's progress."""
    finished = Signal()
    """The sync ended, whatever the outcome (``online``, ``message`` say how)."""
    synced = Signal(object)
    """A sync succeeded: its ``SyncReport``."""

    def __init__(
        self,
        context: PageContext,
        backend: SyncBackend,
        figures: ReplicaFigures,
        *,
        parent_widget: QWidget,
        interval_minutes: int = 5,
        first_sync_delay_ms: int = FIRST_SYNC_DELAY_MS,
    ) -> None:
        super().__init__(parent_widget)
        self.context = context
        self.backend = backend
        self.figures = figures
        self.parent_widget = parent_widget
        self.online: bool | None = None
        """True after a sync succeeded, False after one failed, None before any this session."""
        self.message = ""
        """Why the last sync failed (empty after a success)."""
        self.task: Task | None = None
        self.stopped = False
        self.skipped = 0
        """Automatic turns skipped because a sync was already running (for tests, logs)."""
        self.ask_password: Callable[[QWidget | None, str], tuple[bool, str | None]] = ask_password
        self._status = ReadSlot(self)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(STATUS_DELAY_MS)
        self._status_timer.timeout.connect(self.read_status)
        context.runner.written.connect(self._status_timer.start)
        self.timer = QTimer(self)
        self.timer.setObjectName("sync_timer")
        self.timer.timeout.connect(self.sync_automatically)
        self._first = QTimer(self)
        self._first.setSingleShot(True)
        self._first.timeout.connect(self.sync_automatically)
        if interval_minutes > 0:
            self.timer.start(interval_minutes * 60_000)
            if first_sync_delay_ms >= 0:
                self._first.start(first_sync_delay_ms)

    # --- public -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a sync (or its reachability probe) is under way."""
        return self.task is not None

    def stop(self) -> None:
        """The window is closing: no more syncs or reads start (the runner stops the rest)."""
        self.stopped = True
        for timer in (self.timer, self._first, self._status_timer):
            timer.stop()

    def read_status(self) -> Task | None:
        """Read the replica's figures again (read lane); ``status_read`` follows."""
        if self.stopped:
            return None
        database, backend = self.context.database, self.backend
        return QueryOp(
            lambda _state: read_replica(database, backend),
            self._status_arrived,
            "replica status",
            failure=lambda error: log.warning("replica status not read: %s", error),
        ).run(self.context.runner, self._status)

    def sync_now(self) -> Task | None:
        """The user asked for a sync (F9): run it; a failure is also said in a dialog."""
        if self.running or self.stopped:
            return self.task
        ok, password = self._password(asked=True)
        if not ok:
            return None
        return self._start(password, asked=True)

    def sync_automatically(self) -> Task | None:
        """The timer's turn: sync if the server answers; skipped while a sync runs."""
        if self.stopped:
            return None
        if self.running:
            self.skipped += 1
            log.info("automatic sync skipped: a sync is running")
            return None
        server, reachable = self.figures.server, self.backend.reachable
        probe = QueryOp(
            lambda _state: reachable(server), self._probed, "server probe", lane=Lane.GENERAL
        ).run(self.context.runner)
        self.task = probe
        probe.failed.connect(lambda _error: self._probed(False))
        return probe

    def cancel(self) -> None:
        """Stop the running sync at its next check; nothing it has not applied is lost."""
        if self.task is not None:
            self.task.cancel()

    # --- running ------------------------------------------------------------------------

    def _password(self, *, asked: bool) -> tuple[bool, str | None]:
        server = self.figures.server
        try:
            stored = self.backend.load_password(server)
        except Exception as error:  # a locked or missing keychain is no reason to stop
            log.warning("no password from the keychain for %s: %s", server, error)
            stored = None
        if stored is not None or not asked:
            return True, stored
        return self.ask_password(self.parent_widget, server)

    def _probed(self, reachable: bool) -> None:
        self.task = None
        if self.stopped:
            return
        if not reachable:
            self._fail(
                _("The server {server} does not answer.").format(
                    server=display_server(self.figures)
                ),
                asked=False,
            )
            self.finished.emit()
            return
        ok, password = self._password(asked=False)
        if ok:
            self._start(password, asked=False)

    def _start(self, password: str | None, *, asked: bool) -> Task:
        database, backend, clock = self.context.database, self.backend, self.context.clock

        def work(state: TaskState) -> Any:
            return backend.sync(
                database,
                password,
                now=clock.now(),
                progress=state.progress,
                is_cancelled=lambda: state.cancelled,
            )

        task = QueryOp(
            work,
            self._succeeded,
            "sync",
            failure=lambda error: self._fail(self._describe(error), asked=asked),
            progress=self.progressed.emit,
            long=True,
        ).run(self.context.runner)
        task.cancelled.connect(self._cancelled)
        task.finished.connect(self._ended)
        self.task = task
        self.started.emit()
        return task

    def _succeeded(self, report: Any) -> None:
        self.online, self.message = True, ""
        self.synced.emit(report)

    def _fail(self, message: str, *, asked: bool) -> None:
        self.online, self.message = False, message
        if asked:
            # After the status bar has said it (``finished`` comes first).
            parent = self.parent_widget
            QTimer.singleShot(
                0, self, lambda: QMessageBox.warning(parent, _("The sync failed"), message)
            )

    def _cancelled(self) -> None:
        self.message = _("Sync cancelled; the changes not sent yet are still waiting.")

    def _ended(self) -> None:
        self.task = None
        self.finished.emit()
        self.read_status()

    def _describe(self, error: BaseException) -> str:
        if isinstance(error, self.backend.sync_error):
            return str(error)
        return _("The sync with {server} failed: {reason}").format(
            server=display_server(self.figures), reason=error
        )

    def _status_arrived(self, figures: Any) -> None:
        if figures is not None:
            self.figures = figures
            self.status_read.emit(figures)


def display_server(figures: ReplicaFigures) -> str:
    """The server as the user knows it: host and database, no driver and never a password."""
    try:
        url = make_url(figures.server)
    except ArgumentError:
        return figures.server
    where = url.host or "localhost"
    if url.port:
        where = f"{where}:{url.port}"
    return f"{where}/{url.database}" if url.database else where
