"""What every collections action dialog shares.

An action dialog writes nothing itself. Its OK button emits ``submitted`` with what was
entered (after the dialog's own checks, e.g. nothing marked); the action controller
(``views/actions/``) then writes it with a ``WriteOp`` in one transaction, the dialog as
its feedback. On success the dialog closes; a refusal of the rules (a ``ValueError`` of
``models/``: ``LedgerError``, ``JournalError`` …) is shown inline in the dialog, the
transaction is rolled back and nothing is written.
"""

from __future__ import annotations

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

from collections_desktop.views.style import ERROR_COLOUR

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
