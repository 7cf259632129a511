"""The New activity dialog and the read-only activity details dialog.

The New activity dialog writes nothing itself: OK emits ``submitted`` with what was
typed, the page creates the activity on the database lane, then either closes the
dialog or shows the domain's refusal inline (``show_error``), with nothing written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _
from collections_desktop.models.activities import ActivityDetails
from collections_desktop.models.db.schema import ActivityType

TYPE_NAMES: dict[str, str] = {
    ActivityType.TASK: N_("Task"),
    ActivityType.APPOINTMENT: N_("Appointment"),
    ActivityType.EVENT: N_("Event"),
    ActivityType.ACTION: N_("Action"),
}
"""The name a collector reads for each activity type (translate with ``_()``)."""

CATEGORIES = (N_("Call"), N_("Follow-up"), N_("Dispute"), N_("Meeting"), N_("Review"))
"""Categories offered in the New activity dialog; any other may be typed."""

ERROR_COLOUR = "#c62828"


def type_name(value: str) -> str:
    """The translated name of an activity type (the stored value when unknown)."""
    name = TYPE_NAMES.get(value)
    return _(name) if name else value


def to_utc(edit: QDateTimeEdit) -> dt.datetime:
    """The moment shown in ``edit`` as a timezone-aware UTC datetime."""
    return dt.datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), dt.UTC)


def from_utc(moment: dt.datetime) -> QDateTime:
    """``moment`` as a ``QDateTime`` in the computer's time zone."""
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


@dataclass(frozen=True)
class ActivityInput:
    """What the collector typed in the New activity dialog."""

    type: str
    category: str | None
    purpose: str
    customer_account: str | None
    start_at: dt.datetime
    end_at: dt.datetime
    memo: str | None


class NewActivityDialog(QDialog):
    """Asks for a new activity; ``submitted`` carries an ``ActivityInput``."""

    submitted = Signal(object)

    def __init__(
        self, now: dt.datetime, customer_account: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("new_activity_dialog")
        self.setWindowTitle(_("New activity"))
        self.setMinimumWidth(460)
        form = QFormLayout()
        self.type = QComboBox()
        self.type.setObjectName("activity_type")
        for value, name in TYPE_NAMES.items():
            self.type.addItem(_(name), str(value))
        self.category = QComboBox()
        self.category.setObjectName("activity_category")
        self.category.setEditable(True)
        self.category.addItem("")
        self.category.addItems([_(c) for c in CATEGORIES])
        self.purpose = QLineEdit()
        self.purpose.setObjectName("activity_purpose")
        self.purpose.setMaxLength(500)
        self.purpose.setPlaceholderText(_("What is to be done, e.g. Call about INV-0010233"))
        self.customer = QLineEdit(customer_account)
        self.customer.setObjectName("activity_customer")
        self.customer.setPlaceholderText(_("Account number; empty for an own task"))
        self.start = QDateTimeEdit(from_utc(now))
        self.start.setObjectName("activity_start")
        self.end = QDateTimeEdit(from_utc(now + dt.timedelta(hours=1)))
        self.end.setObjectName("activity_end")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
        self.memo = QPlainTextEdit()
        self.memo.setObjectName("activity_memo")
        self.memo.setTabChangesFocus(True)
        self.memo.setFixedHeight(90)
        form.addRow(_("&Type"), self.type)
        form.addRow(_("C&ategory"), self.category)
        form.addRow(_("&Purpose"), self.purpose)
        form.addRow(_("C&ustomer"), self.customer)
        form.addRow(_("&Start"), self.start)
        form.addRow(_("&End"), self.end)
        form.addRow(_("&Memo"), self.memo)
        self.error = QLabel()
        self.error.setObjectName("activity_error")
        self.error.setWordWrap(True)
        palette = self.error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOUR))
        self.error.setPalette(palette)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.purpose.setFocus()

    @property
    def ok_button(self) -> QPushButton:
        """The Create button."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def value(self) -> ActivityInput:
        """What is typed now."""
        return ActivityInput(
            type=self.type.currentData(),
            category=self.category.currentText().strip() or None,
            purpose=self.purpose.text(),
            customer_account=self.customer.text().strip() or None,
            start_at=to_utc(self.start),
            end_at=to_utc(self.end),
            memo=self.memo.toPlainText().strip() or None,
        )

    def show_error(self, message: str) -> None:
        """Show why the activity was refused; the dialog stays open, nothing was written."""
        self.error.setText(message)
        self.error.show()
        self.set_waiting(False)

    def set_waiting(self, waiting: bool) -> None:
        """Disable Create while the activity is being written."""
        self.ok_button.setEnabled(not waiting)

    def _submit(self) -> None:
        self.error.hide()
        self.set_waiting(True)
        self.submitted.emit(self.value())


class ActivityDetailsDialog(QDialog):
    """Every field of one activity, read-only."""

    def __init__(
        self, details: ActivityDetails, formats: Formats, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("activity_details_dialog")
        self.setWindowTitle(_("Activity {number}").format(number=details.number))
        self.setMinimumWidth(460)
        form = QFormLayout()
        customer = (
            f"{details.account} · {details.customer_name}"
            if details.account
            else _("None (an own task)")
        )
        if details.closed:
            status = _("Closed {moment}").format(
                moment=formats.moment(details.closed_at) if details.closed_at else ""
            )
        else:
            status = _("Open")
        rows = (
            ("number", _("Number"), details.number),
            ("type", _("Type"), type_name(details.type)),
            ("category", _("Category"), details.category or "—"),
            ("purpose", _("Purpose"), details.purpose),
            ("customer", _("Customer"), customer),
            ("responsible", _("Responsible"), details.responsible_name or "—"),
            ("start", _("Start"), formats.moment(details.start_at)),
            ("end", _("End"), formats.moment(details.end_at)),
            ("status", _("Status"), status),
        )
        self.values: dict[str, QLabel] = {}
        for name, caption, text in rows:
            label = QLabel(text)
            label.setObjectName(f"details_{name}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = label
            form.addRow(caption, label)
        self.memo = QPlainTextEdit(details.memo or "")
        self.memo.setObjectName("details_memo")
        self.memo.setReadOnly(True)
        self.memo.setPlaceholderText(_("No memo"))
        self.memo.setFixedHeight(110)
        form.addRow(_("Memo"), self.memo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
