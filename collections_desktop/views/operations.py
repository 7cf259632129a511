"""The one way views do background work: a read (``QueryOp``) or a write (``WriteOp``).

The function runs on a worker thread, never on the GUI thread; its success, failure and
progress callbacks run on the GUI thread, so they may touch widgets::

    QueryOp(
        lambda state: load_cases(context.database, state, ...),
        success=self.show_cases,
        name="cases",
    ).run(context.runner, self.reads)        # a newer read of ``self.reads`` wins

Which work goes ahead of which (see ``tasks.Lane``): a ``QueryOp`` is an interactive
read and runs on the read lane, beside any write or long job; ``long=True`` sends a
long read (a summary, a report) to the background lane instead, where it waits its
turn without holding up a click. A ``WriteOp`` runs its function in one write
transaction on the write lane; ``long=True`` sends a long write (a snapshot, a run) to
the background lane. A ``ReadSlot`` keeps only its newest read: an older one still
running is cancelled and its result dropped, and the owner's busy indicator shows after
a short delay while a read of the slot runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.aging.fresh import REFRESHED
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.views.tasks import Lane, Task, TaskRunner, TaskState
from collections_desktop.views.widgets.busy import DelayedBusy

T = TypeVar("T")

Progress = Callable[[int, int, str], None]
"""Steps done, steps in all, what is being done."""


class Feedback(Protocol):
    """What a write tells the dialog that asked for it (an ``ActionDialog``)."""

    def accept(self) -> None: ...

    def show_error(self, message: str) -> None: ...

    def set_waiting(self, waiting: bool) -> None: ...


class ReadSlot(QObject):
    """One owner's line of reads: the newest wins, the busy indicator follows it."""

    def __init__(self, parent: QObject | None, busy: DelayedBusy | None = None) -> None:
        super().__init__(parent)
        self._busy = busy
        self.task: Task | None = None

    @property
    def is_loading(self) -> bool:
        """Whether a read of this slot is under way."""
        return self.task is not None

    def start(self, task: Task) -> None:
        """``task`` is the slot's read now; an older one is cancelled and forgotten."""
        if self.task is not None:
            self.task.cancel()
        self.task = task
        if self._busy is not None:
            self._busy.start()

    def finish(self, task: Task) -> bool:
        """``task`` ended: True when it is still the newest (its outcome should be shown)."""
        if task is not self.task:
            return False
        self.task = None
        if self._busy is not None:
            self._busy.stop()
        return True


@dataclass(frozen=True)
class QueryOp(Generic[T]):
    """Read something in the background, then hand it to ``success`` on the GUI thread."""

    read: Callable[[TaskState], T]
    success: Callable[[T], None]
    name: str
    failure: Callable[[BaseException], None] | None = None
    progress: Progress | None = None
    long: bool = False
    lane: Lane | None = None
    """Overrides where it runs: ``Lane.GENERAL`` for file work that reads no database."""

    def run(self, runner: TaskRunner, slot: ReadSlot | None = None) -> Task:
        """Start the read; with ``slot``, it supersedes the slot's older read."""
        lane = self.lane or (Lane.BACKGROUND if self.long else Lane.READ)
        task = runner.run(self.read, lane=lane, name=self.name)
        if slot is not None:
            slot.start(task)

        def current() -> bool:
            return slot.finish(task) if slot is not None else True

        def succeeded(value: T) -> None:
            if current():
                self.success(value)

        def failed(error: BaseException) -> None:
            if current() and self.failure is not None:
                self.failure(error)

        task.succeeded.connect(succeeded)
        task.failed.connect(failed)
        task.cancelled.connect(current)
        if self.progress is not None:
            progress = self.progress
            task.progressed.connect(
                lambda done, total, what: (
                    progress(done, total, what) if slot is None or slot.task is task else None
                )
            )
        return task


def refusal(error: BaseException) -> str:
    """What the user reads when a write fails: the rules' own words, or "Nothing was saved".

    A ``ValueError`` of ``models/`` (``LedgerError``, ``ActivityError``, a run in
    progress …) is a refusal that explains itself; anything else is a fault, and the
    transaction was rolled back.
    """
    if isinstance(error, ValueError):
        return str(error)
    return _("Nothing was saved: {reason}").format(reason=error)


@dataclass(frozen=True)
class WriteOp(Generic[T]):
    """Write in one transaction in the background, then ``success`` on the GUI thread.

    ``write(session)`` runs on the write lane. A long write (a snapshot, a run) is given
    as ``long_write(session, state)`` instead: it runs on the background lane and reports
    progress and checks for Cancel through ``state``. On failure the transaction is
    rolled back, ``feedback`` shows ``refusal(error)`` and stays open, and ``failure``
    gets the same message; on success ``feedback`` is accepted before ``success`` runs.
    """

    write: Callable[[Session], T] | None
    success: Callable[[T], None]
    name: str
    failure: Callable[[str], None] | None = None
    feedback: Feedback | None = None
    run_lock: str | None = None
    """The run lock taken (``writing.LEDGER`` for posting batches, "snapshot" …)."""
    what: str | None = None
    """What the run is called in "another run (…) is writing" messages."""
    long_write: Callable[[Session, TaskState], T] | None = None
    progress: Progress | None = None

    def __post_init__(self) -> None:
        if (self.write is None) == (self.long_write is None):
            raise TypeError("a WriteOp takes either write or long_write")

    def run(self, runner: TaskRunner, database: Database) -> Task:
        """Start the write."""
        write, long_write = self.write, self.long_write
        run_lock, what = self.run_lock, self.what

        changed: list[frozenset[uuid.UUID]] = []

        def work(state: TaskState) -> T:
            with write_transaction(database, run=run_lock, what=what) as session:
                if long_write is not None:
                    result = long_write(session, state)
                else:
                    assert write is not None  # __post_init__ saw to it
                    result = write(session)
            changed.append(session.info.get(REFRESHED, frozenset()))
            return result

        lane = Lane.WRITE if long_write is None else Lane.BACKGROUND
        task = runner.run(work, lane=lane, name=self.name)
        feedback = self.feedback

        def succeeded(value: T) -> None:
            if feedback is not None:
                feedback.accept()
            self.success(value)
            if changed and changed[0]:
                runner.customers_changed.emit(changed[0])
            runner.written.emit()

        def failed(error: BaseException) -> None:
            message = refusal(error)
            if feedback is not None:
                feedback.show_error(message)
            if self.failure is not None:
                self.failure(message)

        task.succeeded.connect(succeeded)
        task.failed.connect(failed)
        if feedback is not None:
            task.cancelled.connect(lambda: feedback.set_waiting(False))
        if self.progress is not None:
            task.progressed.connect(self.progress)
        return task


def ignore(_value: Any) -> None:
    """A ``success`` for work whose result nobody needs."""
