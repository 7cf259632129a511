"""The one background-work helper: run a function on a worker, hear about it on the GUI thread.

``TaskRunner.run(fn)`` calls ``fn(state)`` on a worker thread and returns a ``Task`` whose
signals (``progressed``, then one of ``succeeded``/``failed``/``cancelled``, then
``finished``) are always emitted on the GUI thread, so slots may touch widgets while the
task itself never does. ``state`` is a ``TaskState``: the task reports progress through
it (throttled, so a tight loop does not flood the event queue) and checks its
``cancelled`` flag, which the GUI sets through ``Task.cancel()``.

Work goes to one of four lanes, so a click never waits behind a long job. Interactive
reads (the page on screen, the customer just chosen) run on the read lane, a few threads
each with its own session and connection: SQLite's WAL and PostgreSQL let readers run
beside a writer. Every write runs on the write lane, one thread, so this process never
has two writers racing for the database. Long jobs (snapshots, summaries, runs) queue on
the background lane, one thread, where they cannot hold up a read. File work (exports,
parsing, rendering) uses the general lane. Each task opens its own short session.

The workers are Python threads (``concurrent.futures``), not ``QThreadPool`` threads:
Python's ``threading`` module can join them, so ``shutdown()`` leaves no thread behind
(the tests check it) and a task may log or use ``threading`` freely. Results cross to the
GUI thread through queued signal connections. While a runner lives, Python's garbage
collector runs on the GUI thread only (``gcguard``), so a worker never frees a Qt object.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal

from collections_desktop.views.gcguard import GuiThreadGarbageCollector

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]

PROGRESS_INTERVAL = 0.1
"""Seconds between two progress reports that reach the GUI (the last one always does)."""


class TaskCancelled(Exception):
    """Raised inside a task (by ``TaskState.raise_if_cancelled``) to stop it early."""


class Lane(enum.StrEnum):
    """Where a task runs (see the module's docstring for which work goes where)."""

    READ = "read"
    WRITE = "write"
    BACKGROUND = "background"
    GENERAL = "general"


LANE_WORKERS = {Lane.READ: 2, Lane.WRITE: 1, Lane.BACKGROUND: 1}
"""Threads per lane; the general lane has ``general_workers``."""


class TaskState:
    """What a running task shares with the GUI: progress going out, a cancel request coming in.

    Safe to use from any thread. ``progress`` drops reports that come faster than
    ``interval`` seconds apart, except the final one (``done >= total``) and the first
    of a new step (another ``what``: printing, then sending).
    """

    def __init__(
        self,
        report: ProgressCallback | None = None,
        *,
        interval: float = PROGRESS_INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._report = report
        self._interval = interval
        self._monotonic = monotonic
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._last: float | None = None
        self._what = ""

    @property
    def cancelled(self) -> bool:
        """Whether the GUI asked the task to stop; a long task checks this between steps."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the task to stop at its next check."""
        self._cancel.set()

    def raise_if_cancelled(self) -> None:
        """Stop the task (raise ``TaskCancelled``) if the GUI asked it to."""
        if self._cancel.is_set():
            raise TaskCancelled

    def progress(self, done: int, total: int, what: str = "") -> None:
        """Report ``done`` of ``total`` steps of ``what``; throttled."""
        if self._report is None:
            return
        now = self._monotonic()
        final = total > 0 and done >= total
        with self._lock:
            soon = self._last is not None and now - self._last < self._interval
            if not final and soon and what == self._what:
                return
            self._last, self._what = now, what
        self._report(done, total, what)


@dataclass(frozen=True)
class _Outcome:
    result: Any = None
    error: BaseException | None = None


class Task(QObject):
    """One unit of background work, as the GUI sees it; all signals arrive on the GUI thread."""

    progressed = Signal(int, int, str)
    """Steps done, steps in all, what is being done."""
    succeeded = Signal(object)
    """The function's return value."""
    failed = Signal(object)
    """The exception the function raised."""
    cancelled = Signal()
    """The task stopped because it was cancelled (its result, if any, is dropped)."""
    finished = Signal()
    """The task is over, whatever the outcome (after the signal of the outcome)."""

    # Emitted from the worker thread; queued, so the slots run on this object's (GUI) thread.
    _progress_posted = Signal(int, int, str)
    _outcome_posted = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.state = TaskState(self._progress_posted.emit)
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False
        self._progress_posted.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._outcome_posted.connect(self._on_outcome, Qt.ConnectionType.QueuedConnection)

    @property
    def name(self) -> str:
        """What the task does, for logs."""
        return self.objectName()

    def cancel(self) -> None:
        """Ask the task to stop; ``cancelled`` follows once it has."""
        self.state.cancel()

    def _on_progress(self, done: int, total: int, what: str) -> None:
        if not self.done:
            self.progressed.emit(done, total, what)

    def _on_outcome(self, outcome: _Outcome) -> None:
        self.done = True
        if self.state.cancelled:
            self.cancelled.emit()
        elif outcome.error is not None:
            self.error = outcome.error
            log.info("task %s failed", self.name, exc_info=outcome.error)
            self.failed.emit(outcome.error)
        else:
            self.result = outcome.result
            self.succeeded.emit(outcome.result)
        self.finished.emit()


class TaskRunner(QObject):
    """Runs tasks on worker threads, one pool per ``Lane``.

    Connect to the returned ``Task``'s signals right after ``run()``: the outcome is
    delivered through the event loop, so it cannot arrive before the caller returns.
    Call ``shutdown()`` before the window goes away (the main window does on close).
    """

    written = Signal()
    """A write committed (``WriteOp``): what counts local changes reads them again."""
    customers_changed = Signal(object)
    """A write committed that changed these customers (a ``frozenset`` of ids), whose rows
    in the newest snapshots it brought up to date (``models/aging/fresh.py``); emitted
    just before ``written``."""

    def __init__(self, parent: QObject | None = None, *, general_workers: int = 4) -> None:
        super().__init__(parent)
        self._general_workers = general_workers
        self._executors: dict[Lane, ThreadPoolExecutor] = {}
        self._active: set[Task] = set()
        self._closed = False
        # While workers run, only the GUI thread may free Qt objects (see gcguard).
        self._gc = GuiThreadGarbageCollector(self)

    @property
    def active_tasks(self) -> int:
        """How many tasks are queued or running (or have results not yet delivered)."""
        return len(self._active)

    def run(
        self,
        fn: Callable[[TaskState], Any],
        *,
        lane: Lane,
        name: str = "",
    ) -> Task:
        """Start ``fn(state)`` on ``lane`` and return its ``Task``."""
        if self._closed:
            raise RuntimeError("the task runner has been shut down")
        task = Task(name or getattr(fn, "__name__", "task"))
        self._active.add(task)
        task.finished.connect(lambda: self._active.discard(task))
        self._executor(lane).submit(self._work, task, fn)
        return task

    def shutdown(self) -> None:
        """Cancel every task and wait for the worker threads to end (GUI thread only).

        Tasks still queued never start; a running task stops at its next cancel check,
        so a long task must check ``state.cancelled`` between steps.
        """
        if self.thread() is not QThread.currentThread():
            raise RuntimeError("shutdown() must be called on the thread that owns the runner")
        self._closed = True
        for task in list(self._active):
            task.cancel()
        executors, self._executors = list(self._executors.values()), {}
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)
        self._gc.stop()

    def _executor(self, lane: Lane) -> ThreadPoolExecutor:
        executor = self._executors.get(lane)
        if executor is None:
            # Threads start lazily, on the first task of a lane.
            workers = LANE_WORKERS.get(lane, self._general_workers)
            executor = ThreadPoolExecutor(workers, thread_name_prefix=f"collections-{lane}")
            self._executors[lane] = executor
        return executor

    @staticmethod
    def _work(task: Task, fn: Callable[[TaskState], Any]) -> None:
        # Runs on the worker thread: touch nothing of Qt but the task's posting signals.
        if task.state.cancelled:
            outcome = _Outcome(error=TaskCancelled())
        else:
            try:
                outcome = _Outcome(result=fn(task.state))
            except Exception as error:
                outcome = _Outcome(error=error)
        task._outcome_posted.emit(outcome)
