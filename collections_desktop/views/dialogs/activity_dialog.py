"""The New activity dialog, the activity (edit) dialog and the read-only details dialog.

The dialogs write nothing themselves: OK emits ``submitted`` with what was typed, the
page creates or saves the activity in the background, then either closes the dialog
or shows the domain's refusal inline (``show_error``), with nothing written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _
from collections_desktop.models.casework.activities import ActivityDetails, ResponsibleChoice
from collections_desktop.models.casework.case_reading import CaseRow
from collections_desktop.models.casework.categories import CategoryChoice
from collections_desktop.models.db.schema.enums import ActivityType
from collections_desktop.models.screens.customer_card import CustomerOption
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import moment_edit
from collections_desktop.views.widgets.customer_search import line_edit

if TYPE_CHECKING:
    # The search reads the database; the caller makes it (the dialog only shows it).
    from collections_desktop.views.widgets.customer_search import CustomerSearch

TYPE_NAMES: dict[str, str] = {
    ActivityType.TASK: N_("Task"),
    ActivityType.APPOINTMENT: N_("Appointment"),
    ActivityType.EVENT: N_("Event"),
    ActivityType.ACTION: N_("Action"),
}
"""The name a collector reads for each activity type (translate with ``_()``)."""


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


def customer_label(customer: CustomerOption) -> str:
    """How the activity's customer reads in the dialogs: "C-000421 · Ruiz Hermanos SL"."""
    return f"{customer.account} · {customer.name}"


def case_label(number: str, description: str) -> str:
    """How a case reads in a combo box: its number and description."""
    return f"{number} · {description}"


def fill_responsibles(
    combo: QComboBox,
    choices: Sequence[ResponsibleChoice],
    current: uuid.UUID | None,
    current_name: str | None = None,
) -> None:
    """Offer the agents (item data: the id as hex text) and select ``current``.

    A current responsible who is no longer an agent stays shown, so the field is never
    changed unseen; saving then asks for an agent.
    """
    for choice in choices:
        combo.addItem(choice.name, choice.id.hex)
    if current is not None and combo.findData(current.hex) < 0:
        combo.addItem(current_name or _("Unknown employee"), current.hex)
    if current is not None:
        combo.setCurrentIndex(combo.findData(current.hex))


def fill_cases(
    combo: QComboBox,
    cases: Sequence[CaseRow],
    current: uuid.UUID | None = None,
    current_label: str | None = None,
) -> None:
    """Offer "No case" and the cases (item data: the id as hex text), selecting ``current``."""
    combo.addItem(_("No case"), "")
    for row in cases:
        combo.addItem(case_label(row.number, row.description), row.id.hex)
    if current is not None and combo.findData(current.hex) < 0:
        combo.addItem(current_label or _("Unknown case"), current.hex)
    combo.setCurrentIndex(max(0, combo.findData(current.hex if current is not None else "")))


def fill_categories(
    combo: QComboBox, choices: Sequence[CategoryChoice], current: str | None = None
) -> None:
    """Offer "no category" and the categories by name (item data: the code), selecting
    ``current``; a current category not among the choices stays shown as it is."""
    combo.addItem(_("No category"), "")
    for choice in choices:
        combo.addItem(choice.name, choice.code)
    if current and combo.findData(current) < 0:
        combo.addItem(current, current)
    combo.setCurrentIndex(max(0, combo.findData(current or "")))


def combo_id(combo: QComboBox) -> uuid.UUID | None:
    """The id kept (as hex text) in the item data of the combo's current item."""
    data = combo.currentData()
    return uuid.UUID(hex=data) if data else None


@dataclass(frozen=True)
class ActivityInput:
    """What the collector typed in the New activity dialog.

    ``responsible_id`` and ``case_id`` are None when the dialog did not offer them (the
    viewer is responsible; no case).
    """

    type: str
    category: str | None
    purpose: str
    customer_account: str | None
    start_at: dt.datetime
    end_at: dt.datetime
    memo: str | None
    responsible_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ActivityEdit:
    """Every field of an activity as the activity dialog leaves it, and its version read.

    ``closed`` is the state wanted: True closes an open activity, False reopens a
    closed one. ``arguments()`` gives the keywords of ``activities.edit_activity``.
    """

    activity_id: uuid.UUID
    expected_version: int
    type: str
    category: str | None
    purpose: str
    responsible_id: uuid.UUID | None
    start_at: dt.datetime
    end_at: dt.datetime
    memo: str | None
    case_id: uuid.UUID | None
    closed: bool

    def arguments(self) -> dict[str, Any]:
        """``edit_activity(session, scope, edit.activity_id, now, **edit.arguments(), ...)``."""
        return {
            "expected_version": self.expected_version,
            "type": self.type,
            "category": self.category,
            "purpose": self.purpose,
            "responsible_id": self.responsible_id,
            "start_at": self.start_at,
            "end_at": self.end_at,
            "memo": self.memo,
            "case_id": self.case_id,
            "closed": self.closed,
        }


class NewActivityDialog(QDialog):
    """Asks for a new activity; ``submitted`` carries an ``ActivityInput``.

    About ``customer`` when given (shown, not to be changed); else the collector picks
    the customer in a searchable box made by ``customer_search`` (the box of the
    Workspace: type part of an account or a name, pick) or leaves it empty for an own
    task. Given ``responsibles`` (the agents), it offers who is responsible
    (``responsible_id`` first); given ``cases`` (open cases of the customer), it offers
    one of them, ``case_id`` first.
    """

    submitted = Signal(object)

    def __init__(
        self,
        now: dt.datetime,
        customer: CustomerOption | None = None,
        parent: QWidget | None = None,
        *,
        formats: Formats | None = None,
        customer_search: Callable[[QWidget], CustomerSearch] | None = None,
        responsibles: Sequence[ResponsibleChoice] = (),
        responsible_id: uuid.UUID | None = None,
        cases: Sequence[CaseRow] = (),
        case_id: uuid.UUID | None = None,
        categories: Sequence[CategoryChoice] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("new_activity_dialog")
        self.setWindowTitle(_("New activity"))
        self.setMinimumWidth(460)
        formats = formats or Formats()
        self._customer = customer
        form = QFormLayout()
        self.type = QComboBox()
        self.type.setObjectName("activity_type")
        for value, name in TYPE_NAMES.items():
            self.type.addItem(_(name), str(value))
        self.category = QComboBox()
        self.category.setObjectName("activity_category")
        fill_categories(self.category, categories)
        self.purpose = QLineEdit()
        self.purpose.setObjectName("activity_purpose")
        self.purpose.setMaxLength(500)
        self.purpose.setPlaceholderText(_("What is to be done, e.g. Call about INV-0010233"))
        self.customer_search: CustomerSearch | None = None
        self.customer: QWidget
        if customer is not None:
            self.customer = QLabel(customer_label(customer))
            self.customer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        elif customer_search is not None:
            self.customer_search = customer_search(self)
            self.customer = self.customer_search.combo
            self.finished.connect(self._cancel_search)
            line_edit(self.customer_search.combo).setPlaceholderText(
                _("Search by account or name; empty for an own task")
            )
        else:  # no search at hand (a test): the account number as typed
            self.customer = QLineEdit()
            self.customer.setPlaceholderText(_("Account number; empty for an own task"))
        self.customer.setObjectName("activity_customer")
        self.start = moment_edit(from_utc(now), formats, "activity_start")
        self.end = moment_edit(from_utc(now + dt.timedelta(hours=1)), formats, "activity_end")
        self.memo = QPlainTextEdit()
        self.memo.setObjectName("activity_memo")
        self.memo.setTabChangesFocus(True)
        self.memo.setFixedHeight(90)
        self.responsible: QComboBox | None = None
        self.case: QComboBox | None = None
        form.addRow(_("&Type"), self.type)
        form.addRow(_("C&ategory"), self.category)
        form.addRow(_("&Purpose"), self.purpose)
        form.addRow(_("C&ustomer"), self.customer)
        if cases:
            self.case = QComboBox()
            self.case.setObjectName("activity_case")
            fill_cases(self.case, cases, case_id)
            form.addRow(_("&Case"), self.case)
        if responsibles:
            self.responsible = QComboBox()
            self.responsible.setObjectName("activity_responsible")
            fill_responsibles(self.responsible, responsibles, responsible_id)
            form.addRow(_("&Responsible"), self.responsible)
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

    def _cancel_search(self, _result: int = 0) -> None:
        if self.customer_search is not None:
            self.customer_search.cancel()

    def customer_account(self) -> str | None:
        """The account of the activity's customer; None for an own task.

        In the search box: the customer picked, or the one whose account or label is
        typed in full; other text is passed on as typed, and the rules refuse an account
        they do not know in the collector's words.
        """
        if self._customer is not None:
            return self._customer.account
        if isinstance(self.customer, QLineEdit):
            return self.customer.text().strip() or None
        assert self.customer_search is not None
        text = self.customer_search.combo.currentText().strip()
        if not text:
            return None
        for option in self.customer_search.options.values():
            if text.casefold() in (option.label.casefold(), option.account.casefold()):
                return option.account
        return text

    @property
    def ok_button(self) -> QPushButton:
        """The Create button."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def value(self) -> ActivityInput:
        """What is typed now."""
        return ActivityInput(
            type=self.type.currentData(),
            category=self.category.currentData() or None,
            purpose=self.purpose.text(),
            customer_account=self.customer_account(),
            start_at=to_utc(self.start),
            end_at=to_utc(self.end),
            memo=self.memo.toPlainText().strip() or None,
            responsible_id=combo_id(self.responsible) if self.responsible else None,
            case_id=combo_id(self.case) if self.case else None,
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


class ActivityDialog(ActionDialog):
    """Edits every field of an activity, and closes or reopens it; ``submitted`` carries an
    ``ActivityEdit``.

    It is opened on ``activity_details`` (which carries the version read), the agents
    (``responsible_choices``), the customer's open cases (``cases_of(..., "open")``) and
    the categories (``category_choices(..., keep=details.category)``).
    An activity without a customer (an own task) has no case.
    """

    def __init__(
        self,
        details: ActivityDetails,
        responsibles: Sequence[ResponsibleChoice],
        cases: Sequence[CaseRow],
        formats: Formats,
        parent: QWidget | None = None,
        *,
        categories: Sequence[CategoryChoice] = (),
    ) -> None:
        super().__init__(_("Activity {number}").format(number=details.number), _("Save"), parent)
        self.setObjectName("activity_dialog")
        self.setMinimumWidth(520)
        self._details = details
        self._formats = formats
        self.closed = details.closed
        """Whether the activity is to be closed when saved (the toggle flips it)."""
        about = QLabel(
            f"{details.account} · {details.customer_name}"
            if details.account
            else _("None (an own task)")
        )
        about.setObjectName("activity_about")
        self.type = QComboBox()
        self.type.setObjectName("activity_type")
        for value, name in TYPE_NAMES.items():
            self.type.addItem(_(name), str(value))
        if self.type.findData(details.type) < 0:
            self.type.addItem(details.type, details.type)
        self.type.setCurrentIndex(self.type.findData(details.type))
        self.category = QComboBox()
        self.category.setObjectName("activity_category")
        fill_categories(self.category, categories, details.category)
        self.purpose = QLineEdit(details.purpose)
        self.purpose.setObjectName("activity_purpose")
        self.purpose.setMaxLength(500)
        self.responsible = QComboBox()
        self.responsible.setObjectName("activity_responsible")
        fill_responsibles(
            self.responsible, responsibles, details.responsible_id, details.responsible_name
        )
        self.case = QComboBox()
        self.case.setObjectName("activity_case")
        current_case = (
            case_label(details.case_number, details.case_description or "")
            if details.case_number
            else None
        )
        fill_cases(self.case, cases, details.case_id, current_case)
        if details.customer_id is None:
            self.case.setEnabled(False)
            self.case.setToolTip(_("An activity without a customer cannot belong to a case."))
        self.start = moment_edit(from_utc(details.start_at), formats, "activity_start")
        self.end = moment_edit(from_utc(details.end_at), formats, "activity_end")
        self.status = QLabel()
        self.status.setObjectName("activity_status")
        self.toggle = QPushButton()
        self.toggle.setObjectName("activity_toggle")
        self.toggle.setAutoDefault(False)
        self.toggle.clicked.connect(self._flip)
        status = QHBoxLayout()
        status.addWidget(self.status, 1)
        status.addWidget(self.toggle)
        self.memo = QPlainTextEdit(details.memo or "")
        self.memo.setObjectName("activity_memo")
        self.memo.setTabChangesFocus(True)
        self.memo.setFixedHeight(90)
        self.form.addRow(_("Customer"), about)
        self.form.addRow(_("&Type"), self.type)
        self.form.addRow(_("C&ategory"), self.category)
        self.form.addRow(_("&Purpose"), self.purpose)
        self.form.addRow(_("&Responsible"), self.responsible)
        self.form.addRow(_("&Case"), self.case)
        self.form.addRow(_("&Start"), self.start)
        self.form.addRow(_("&End"), self.end)
        self.form.addRow(_("Status"), status)
        self.form.addRow(_("&Memo"), self.memo)
        self._show_status()
        self.purpose.setFocus()

    def _flip(self) -> None:
        self.closed = not self.closed
        self._show_status()

    def _show_status(self) -> None:
        details = self._details
        if self.closed and details.closed:
            moment = self._formats.moment(details.closed_at) if details.closed_at else ""
            text = _("Closed {moment}").format(moment=moment).strip()
        elif self.closed:
            text = _("Open; closed when you save")
        elif details.closed:
            text = _("Closed; reopened when you save")
        else:
            text = _("Open")
        self.status.setText(text)
        self.toggle.setText(_("Re&open") if self.closed else _("C&lose activity"))

    def check(self) -> str | None:
        """Refuse at once what the rules would refuse: no purpose, an end before the start."""
        if not self.purpose.text().strip():
            return _("Write the purpose of the activity.")
        if to_utc(self.end) < to_utc(self.start):
            return _("The activity cannot end before it starts.")
        return None

    def value(self) -> ActivityEdit:
        """Every field as it stands now."""
        return ActivityEdit(
            activity_id=self._details.id,
            expected_version=self._details.version,
            type=self.type.currentData(),
            category=self.category.currentData() or None,
            purpose=self.purpose.text().strip(),
            responsible_id=combo_id(self.responsible),
            start_at=to_utc(self.start),
            end_at=to_utc(self.end),
            memo=self.memo.toPlainText().strip() or None,
            case_id=combo_id(self.case),
            closed=self.closed,
        )


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
            ("category", _("Category"), details.category_name or details.category or "—"),
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
