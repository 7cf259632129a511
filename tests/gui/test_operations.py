"""The background-work API: reads supersede, writes commit once or report, lanes keep order."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Currency
from collections_desktop.views.operations import QueryOp, ReadSlot, WriteOp, refusal
from collections_desktop.views.tasks import TaskRunner, TaskState

LOAD = 10_000


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    made = TaskRunner()
    yield made
    made.shutdown()


class Dialog:
    """Stands in for an ``ActionDialog``: records what the write told it."""

    def __init__(self) -> None:
        self.accepted = False
        self.errors: list[str] = []
        self.waiting: list[bool] = []

    def accept(self) -> None:
        self.accepted = True

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def set_waiting(self, waiting: bool) -> None:
        self.waiting.append(waiting)


def currencies(database: Database) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(Currency)) or 0


def test_a_newer_read_supersedes_an_older_one(qtbot, runner: TaskRunner) -> None:
    owner = ReadSlot(None)
    release = threading.Event()
    shown: list[str] = []

    def slow(state: TaskState) -> str:
        release.wait(5)
        return "old"

    first = QueryOp(slow, shown.append, "old read").run(runner, owner)
    second = QueryOp(lambda _s: "new", shown.append, "new read").run(runner, owner)
    assert first.state.cancelled  # the older read was asked to stop
    assert owner.is_loading
    with qtbot.waitSignal(second.finished, timeout=LOAD):
        pass
    release.set()
    with qtbot.waitSignal(first.finished, timeout=LOAD):
        pass
    assert shown == ["new"]
    assert not owner.is_loading


def test_a_read_failure_reaches_the_failure_callback(qtbot, runner: TaskRunner) -> None:
    errors: list[BaseException] = []

    def broken(_state: TaskState) -> None:
        raise OSError("disk gone")

    task = QueryOp(broken, lambda _v: None, "broken", failure=errors.append).run(runner)
    with qtbot.waitSignal(task.finished, timeout=LOAD):
        pass
    assert [str(e) for e in errors] == ["disk gone"]


def test_a_write_commits_and_accepts_its_dialog(qtbot, runner, sqlite_db: Database) -> None:
    before = currencies(sqlite_db)
    dialog = Dialog()
    results: list[str] = []

    def add(session: Session) -> str:
        session.add(Currency(code="XTS", name="Testing", decimals=2))
        return "added"

    task = WriteOp(add, results.append, "add currency", feedback=dialog).run(runner, sqlite_db)
    with qtbot.waitSignal(task.finished, timeout=LOAD):
        pass
    assert results == ["added"]
    assert dialog.accepted
    assert currencies(sqlite_db) == before + 1


def test_a_refused_write_leaves_nothing_and_keeps_the_dialog_open(
    qtbot, runner, sqlite_db: Database
) -> None:
    before = currencies(sqlite_db)
    dialog = Dialog()
    refused: list[str] = []

    def half(session: Session) -> None:
        session.add(Currency(code="XTS", name="Testing", decimals=2))
        session.flush()
        raise ValueError("The amount is more than what is open (120.00 EUR).")

    task = WriteOp(half, lambda _v: None, "half", failure=refused.append, feedback=dialog).run(
        runner, sqlite_db
    )
    with qtbot.waitSignal(task.finished, timeout=LOAD):
        pass
    assert refused == ["The amount is more than what is open (120.00 EUR)."]
    assert dialog.errors == refused
    assert not dialog.accepted
    assert currencies(sqlite_db) == before  # rolled back: the flushed row is gone


def test_a_fault_reads_nothing_was_saved() -> None:
    assert refusal(ValueError("No open amount")) == "No open amount"
    assert refusal(OSError("disk full")) == "Nothing was saved: disk full"


def test_a_long_write_reports_progress_and_runs_beside_reads(
    qtbot, runner, sqlite_db: Database
) -> None:
    release = threading.Event()
    progress: list[tuple[int, int]] = []

    def long_write(session: Session, state: TaskState) -> int:
        state.progress(1, 2, "half")
        release.wait(5)
        state.progress(2, 2, "done")
        return 2

    long_task = WriteOp(
        None,
        lambda _v: None,
        "long",
        long_write=long_write,
        progress=lambda d, t, _w: progress.append((d, t)),
    ).run(runner, sqlite_db)
    read = QueryOp(lambda _s: currencies(sqlite_db), lambda _v: None, "count").run(runner)
    with qtbot.waitSignal(read.succeeded, timeout=LOAD):
        pass
    assert not long_task.done  # the read did not wait for the long write
    release.set()
    with qtbot.waitSignal(long_task.finished, timeout=LOAD):
        pass
    assert progress[-1] == (2, 2)


def test_a_write_op_takes_one_function() -> None:
    with pytest.raises(TypeError):
        WriteOp(None, lambda _v: None, "nothing")
