"""Change status… of a case file: new, in progress, payment plan, legal, or closed (paid,
unrecoverable, returned to the client). Closing sets the case's closing date and
reopening clears it (``models.agency.cases.set_status``)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from collections_desktop.i18n import _
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.agency_names import (
    CASE_STATUS_NAMES,
    CLOSED_CASE_STATUSES,
    CaseFileStatus,
    name_of,
)
from collections_desktop.views.dialogs.fields import hint_label


class CaseStatusDialog(ActionDialog):
    """Asks for a case's new status; ``value()``: the status (a ``CaseFileStatus`` value)."""

    def __init__(self, case_label: str, status: str, parent: QWidget | None = None) -> None:
        super().__init__(
            _("Change status · {case}").format(case=case_label), _("Change status"), parent
        )
        self.setObjectName("agency_status_dialog")
        self._status = status
        now = QLabel(name_of(CASE_STATUS_NAMES, status))
        now.setObjectName("status_now")
        self.status = QComboBox()
        self.status.setObjectName("case_status")
        for value in CaseFileStatus:
            self.status.addItem(name_of(CASE_STATUS_NAMES, value), str(value))
        others = [i for i in range(self.status.count()) if self.status.itemData(i) != status]
        self.status.setCurrentIndex(others[0] if others else 0)
        self.form.addRow(_("Status now"), now)
        self.form.addRow(_("New &status"), self.status)
        self.hint = hint_label("", "status_hint")
        self.form.addRow(self.hint)
        self.status.currentIndexChanged.connect(self._changed)
        self._changed()
        self.status.setFocus()

    def value(self) -> str:
        return str(self.status.currentData())

    def check(self) -> str | None:
        if self.value() == self._status:
            return _("The case is already in this status.")
        return None

    def _changed(self) -> None:
        closing = self.value() in CLOSED_CASE_STATUSES
        was_closed = self._status in CLOSED_CASE_STATUSES
        if closing:
            text = _("The case is closed today; it leaves the desk's open case files.")
        elif was_closed:
            text = _("The case is reopened: its closing date is cleared.")
        else:
            text = _("The case stays open.")
        self.hint.setText(text)
