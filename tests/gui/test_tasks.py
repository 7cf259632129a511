"""The background-work helper: results, errors, progress and cancel arrive on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from collections_desktop.views.tasks import Lane, TaskCancelled, TaskRunner, TaskState


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    """A runner shut down after the test (so its threads are gone before the thread guard)."""
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def test_result_is_delivered_on_the_gui_thread(qtbot, runner: TaskRunner) -> None:
    gui = threading.get_ident()
    worker_ids: list[int] = []
    slot_ids: list[int] = []

    def work(_state: TaskState) -> int:
        worker_ids.append(threading.get_ident())
        return 6 * 7

    task = runner.run(work, lane=Lane.WRITE)
    task.succeeded.connect(lambda _result: slot_ids.append(threading.get_ident()))
    with qtbot.waitSignal(task.succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == [42]
    assert task.result == 42
    assert worker_ids
    assert worker_ids[0] != gui
    assert slot_ids == [gui]
    qtbot.waitUntil(lambda: runner.active_tasks == 0)


def test_an_exception_is_delivered_as_failed(qtbot, runner: TaskRunner) -> None:
    def work(_state: TaskState) -> None:
        raise ValueError("the customer C-000042 does not exist")

    task = runner.run(work, lane=Lane.GENERAL)
    outcomes: list[str] = []
    task.succeeded.connect(lambda _r: outcomes.append("succeeded"))
    task.finished.connect(lambda: outcomes.append("finished"))
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    (error,) = blocker.args
    assert isinstance(error, ValueError)
    assert str(error) == "the customer C-000042 does not exist"
    assert task.error is error
    qtbot.waitUntil(lambda: outcomes == ["finished"])


def test_cancel_stops_a_running_task(qtbot, runner: TaskRunner) -> None:
    started = threading.Event()
    steps: list[int] = []

    def work(state: TaskState) -> str:
        started.set()
        for step in range(10_000):
            state.raise_if_cancelled()
            steps.append(step)
            threading.Event().wait(0.001)  # a unit of real work
        return "finished without stopping"

    task = runner.run(work, lane=Lane.WRITE)
    succeeded: list[object] = []
    task.succeeded.connect(succeeded.append)
    assert started.wait(5)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        task.cancel()
    assert task.state.cancelled
    assert succeeded == []
    assert task.result is None
    assert len(steps) < 10_000


def test_a_task_that_returns_after_cancel_is_still_cancelled(qtbot, runner) -> None:
    release = threading.Event()

    def work(state: TaskState) -> str:
        release.wait(5)
        return "stale"

    task = runner.run(work, lane=Lane.WRITE)
    task.cancel()
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        release.set()
    assert task.result is None


def test_progress_is_throttled_and_the_last_report_arrives(qtbot, runner) -> None:
    reports: list[tuple[int, int, str]] = []

    def work(state: TaskState) -> None:
        for done in range(1, 5001):
            state.progress(done, 5000, "Writing customers")

    task = runner.run(work, lane=Lane.WRITE)
    task.progressed.connect(lambda d, t, w: reports.append((d, t, w)))
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert reports[-1] == (5000, 5000, "Writing customers")
    assert len(reports) < 50  # 5,000 steps, a handful of repaints


def test_state_throttles_by_time() -> None:
    now = [0.0]
    seen: list[int] = []
    state = TaskState(lambda d, t, w: seen.append(d), interval=0.1, monotonic=lambda: now[0])
    for done, moment in ((1, 0.0), (2, 0.05), (3, 0.11), (4, 0.12), (10, 0.13)):
        now[0] = moment
        state.progress(done, 10)
    assert seen == [1, 3, 10]
    state.cancel()
    with pytest.raises(TaskCancelled):
        state.raise_if_cancelled()


def test_writes_run_on_one_lane(qtbot, runner: TaskRunner) -> None:
    threads: list[str] = []
    tasks = [
        runner.run(lambda _s: threads.append(threading.current_thread().name), lane=Lane.WRITE)
        for _ in range(5)
    ]
    with qtbot.waitSignal(tasks[-1].finished, timeout=5000):
        pass
    assert len(threads) == 5
    assert len(set(threads)) == 1
    assert threads[0].startswith("collections-write")


def test_a_read_is_not_held_up_by_a_long_job_or_a_write(qtbot, runner: TaskRunner) -> None:
    release = threading.Event()

    def hold(state: TaskState) -> None:
        while not release.is_set() and not state.cancelled:
            release.wait(0.005)

    long_job = runner.run(hold, lane=Lane.BACKGROUND)
    write = runner.run(hold, lane=Lane.WRITE)
    read = runner.run(lambda _s: threading.current_thread().name, lane=Lane.READ)
    with qtbot.waitSignal(read.succeeded, timeout=5000) as done:
        pass
    assert done.args[0].startswith("collections-read")
    assert not long_job.done
    assert not write.done
    release.set()
    with qtbot.waitSignals([long_job.finished, write.finished], timeout=5000):
        pass


def test_shutdown_cancels_and_leaves_no_thread(qtbot) -> None:
    runner = TaskRunner()
    started = threading.Event()

    def work(state: TaskState) -> None:
        started.set()
        while not state.cancelled:
            threading.Event().wait(0.005)

    running = runner.run(work, lane=Lane.WRITE)
    queued = runner.run(work, lane=Lane.WRITE)
    assert started.wait(5)
    runner.shutdown()
    assert running.state.cancelled
    assert queued.state.cancelled
    assert not [t for t in threading.enumerate() if t.name.startswith("collections-")]
    with pytest.raises(RuntimeError, match="shut down"):
        runner.run(work, lane=Lane.WRITE)


def test_garbage_is_collected_on_the_gui_thread_while_a_runner_lives(qtbot) -> None:
    import gc

    from collections_desktop.views.tasks import TaskRunner

    assert gc.isenabled()
    runner = TaskRunner()
    assert not gc.isenabled(), "a worker must never start a collection"
    second = TaskRunner()
    runner.shutdown()
    assert not gc.isenabled(), "still off while another runner lives"
    second.shutdown()
    assert gc.isenabled()
