"""What an action controller does for every action: read for a dialog, open it, write.

An action reads what its dialog needs with ``read`` (a ``QueryOp`` in a session of its
own), builds the dialog, and hands it to ``open`` with the write to run when the user
presses OK: a ``WriteOp`` in one transaction with the dialog as its feedback, so a
refusal stays inline in the dialog and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.operations import QueryOp, ReadSlot, WriteOp
from collections_desktop.views.tasks import Task, TaskState

T = TypeVar("T")


class ActionController(QObject):
    """Reads, dialogs and writes of a group of actions (see the module's docstring).

    ``changed`` carries the sentence for the status bar once something was written and
    ``written`` what the write returned (its figures); ``refused`` why an action could not
    start (a failed read, nothing to choose).
    """

    changed = Signal(str)
    written = Signal(object)
    refused = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._parent = parent
        self.dialog: QDialog | None = None
        """The last dialog opened (for the tests)."""

    @property
    def parent_widget(self) -> QWidget:
        """The widget the dialogs belong to."""
        return self._parent

    def read(self, read: Callable[[Session], T], then: Callable[[T], None], name: str) -> Task:
        """Run ``read(session)`` on the read lane, then ``then(result)`` on the GUI thread."""
        database = self._context.database

        def run(_state: TaskState) -> T:
            with database.sessions() as session:
                return read(session)

        return QueryOp(
            run,
            then,
            name,
            failure=lambda error: self.refused.emit(
                _("Could not read the data: {reason}").format(reason=error)
            ),
        ).run(self._context.runner)

    def write(
        self,
        dialog: ActionDialog | None,
        work: Callable[[Session], T],
        message: Callable[[T], str],
        name: str,
    ) -> Task:
        """Write ``work(session)`` in one transaction, then announce ``message(result)``."""

        def done(result: T) -> None:
            self.written.emit(result)
            self.changed.emit(message(result))

        return WriteOp(
            work,
            done,
            name,
            failure=None if dialog is not None else self.refused.emit,
            feedback=dialog,
        ).run(self._context.runner, self._context.database)

    def open(
        self,
        dialog: ActionDialog,
        work: Callable[[Session, Any], T],
        message: Callable[[T], str],
        name: str,
    ) -> None:
        """Show ``dialog``; on OK write ``work(session, value)`` and announce ``message``."""
        dialog.submitted.connect(
            lambda value: self.write(dialog, lambda session: work(session, value), message, name)
        )
        self.show(dialog)

    def show(self, dialog: QDialog) -> None:
        """Open ``dialog`` (window-modal) and forget it once closed."""
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()


def dialog_reads(dialog: QDialog) -> tuple[ReadSlot, Callable[[], bool]]:
    """A line of reads for ``dialog``'s previews, and whether the dialog is still open.

    Closing the dialog cancels the read under way; an answer that still comes (a
    preview asked for while it closed) must be dropped: check ``is_open`` first.
    """
    slot = ReadSlot(dialog)
    state = {"open": True}

    def closed(_result: int) -> None:
        state["open"] = False
        if slot.task is not None:
            slot.task.cancel()

    dialog.finished.connect(closed)
    return slot, lambda: state["open"]
