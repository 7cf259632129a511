"""What every collections action dialog shares, and the one way its write is carried out.

An action dialog writes nothing itself. Its OK button emits ``submitted`` with what was
entered (after the dialog's own checks, e.g. nothing marked); ``run_action`` then does the
work on the database lane in one session and one transaction. On success the dialog
closes; a refusal of the rules (a ``ValueError`` of ``models/``: ``LedgerError``,
``JournalError`` …) is shown inline in the dialog, the transaction is rolled back and
nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.views.style import ERROR_COLOUR
from collections_desktop.views.tasks import Lane, Task, TaskRunner

T = TypeVar("T")


class ActionDialog(QDialog):
    """A dialog with a form, an inline error line and OK/Cancel; OK emits ``submitted``.

    Subclasses fill ``self.form`` (and may add widgets to ``self.body`` above the error
    line), implement ``value()`` returning what was entered, and may override ``check()``
    to refuse before anything is sent (return a message, or None when all is well).
    """

    submitted = Signal(object)

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.body = QVBoxLayout()
        self.body.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("action_error")
        self.error.setWordWrap(True)
        palette = self.error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOUR))
        self.error.setPalette(palette)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.body)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        """The button that carries out the action."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def value(self) -> Any:
        """What was entered, as a plain value for the model function."""
        raise NotImplementedError

    def check(self) -> str | None:
        """A message when what was entered cannot be sent at all; None when it can."""
        return None

    def show_error(self, message: str) -> None:
        """Show why the action was refused; the dialog stays open, nothing was written."""
        self.error.setText(message)
        self.error.show()
        self.set_waiting(False)

    def set_waiting(self, waiting: bool) -> None:
        """Disable OK while the action is being written."""
        self.ok_button.setEnabled(not waiting)

    def _submit(self) -> None:
        self.error.hide()
        problem = self.check()
        if problem:
            self.show_error(problem)
            return
        self.set_waiting(True)
        self.submitted.emit(self.value())


def run_action(
    runner: TaskRunner,
    database: Database,
    dialog: ActionDialog | None,
    work: Callable[[Session], T],
    done: Callable[[T], None],
    *,
    name: str,
    refused: Callable[[str], None] | None = None,
) -> Task:
    """Run ``work(session)`` on the database lane and commit; then ``done(result)``.

    A ``ValueError`` from ``work`` is a refusal: its message goes to the dialog (and to
    ``refused``), the session is rolled back. Any other error reads "Nothing was saved".
    """

    def run(_state: object) -> T:
        with write_transaction(database) as session:
            return work(session)

    task = runner.run(run, lane=Lane.WRITE, name=name)

    def succeeded(result: T) -> None:
        if dialog is not None:
            dialog.accept()
        done(result)

    def failed(error: BaseException) -> None:
        if isinstance(error, ValueError):
            message = str(error)
        else:
            message = _("Nothing was saved: {reason}").format(reason=error)
        if dialog is not None:
            dialog.show_error(message)
        if refused is not None:
            refused(message)

    task.succeeded.connect(succeeded)
    task.failed.connect(failed)
    if dialog is not None:
        task.cancelled.connect(lambda: dialog.set_waiting(False))
    return task
