"""``PageLoader``: the Collections page's reads until it moves onto ``pages.base.Page``.

The other pages read through ``Page.query`` (a ``QueryOp`` on the page's ``ReadSlot``);
this module goes once the Collections page does too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from collections_desktop.views.tasks import Lane, Task, TaskRunner, TaskState
from collections_desktop.views.widgets.busy import DelayedBusy


class PageLoader(QObject):
    """Runs a page's reads on the database lane; the newest read wins, busy after a delay."""

    def __init__(self, runner: TaskRunner, busy: DelayedBusy, parent: QObject) -> None:
        super().__init__(parent)
        self._runner = runner
        self._busy = busy
        self.task: Task | None = None

    @property
    def is_loading(self) -> bool:
        """Whether a read is under way."""
        return self.task is not None

    def run(
        self,
        fn: Callable[[TaskState], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        *,
        name: str,
        progressed: Callable[[int, int, str], None] | None = None,
    ) -> Task:
        """Start ``fn`` on the database lane; only the latest task reaches ``done``/``failed``."""
        task = self._runner.run(fn, lane=Lane.WRITE, name=name)
        self.task = task

        def finish(then: Callable[[Any], None], value: Any) -> None:
            if task is not self.task:
                return  # superseded by a newer read
            self.task = None
            self._busy.stop()
            then(value)

        task.succeeded.connect(lambda value: finish(done, value))
        task.failed.connect(lambda error: finish(failed, error))
        task.cancelled.connect(lambda: finish(lambda _v: None, None))
        if progressed is not None:
            task.progressed.connect(
                lambda d, t, w: progressed(d, t, w) if task is self.task else None
            )
        self._busy.start()
        return task
