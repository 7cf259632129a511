"""Enter record: what was done about one or several customers, and what came of it.

The dialog shows and checks; OK emits ``submitted`` with a ``RecordInput`` and the
controller (``views/actions/records.py``) writes one closed record per customer (and
its follow-up task) in one transaction, or shows the refusal here with nothing written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPlainTextEdit, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.casework.activities import ResponsibleChoice
from collections_desktop.models.casework.categories import CategoryChoice
from collections_desktop.models.casework.records import ResultChoice
from collections_desktop.models.screens.customer_card import CustomerOption
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.activity_dialog import (
    combo_id,
    fill_responsibles,
    from_utc,
    to_utc,
)
from collections_desktop.views.dialogs.fields import date_edit, hint_label, moment_edit, pydate

SHOWN_CUSTOMERS = 6
"""The customers named in the dialog; more are counted."""
FOLLOW_UP_DAYS = 3
"""The next action date offered when the box is ticked: three days after the record."""


@dataclass(frozen=True)
class RecordInput:
    """What was entered: the keywords of ``records.enter_records`` but the customers."""

    event_type: str
    responsible_id: uuid.UUID | None
    at: dt.datetime
    observations: str
    result: str
    next_action_on: dt.date | None


class RecordDialog(ActionDialog):
    """Event type, responsible, date and time, result, observations, next action date."""

    def __init__(
        self,
        customers: Sequence[CustomerOption],
        *,
        now: dt.datetime,
        formats: Formats,
        event_types: Sequence[CategoryChoice],
        results: Sequence[ResultChoice],
        responsibles: Sequence[ResponsibleChoice],
        responsible_id: uuid.UUID | None,
        parent: QWidget | None = None,
    ) -> None:
        count = len(customers)
        title = (
            _("Enter record")
            if count == 1
            else ngettext(
                "Enter record for {count} customer",
                "Enter records for {count} customers",
                count,
            ).format(count=formats.count(count))
        )
        super().__init__(title, _("Save record") if count == 1 else _("Save records"), parent)
        self.setObjectName("record_dialog")
        self.setMinimumWidth(520)
        self.customers = tuple(customers)
        names = [f"{c.account} · {c.name}" for c in self.customers[:SHOWN_CUSTOMERS]]
        if count > SHOWN_CUSTOMERS:
            names.append(
                ngettext("and {count} more", "and {count} more", count - SHOWN_CUSTOMERS).format(
                    count=formats.count(count - SHOWN_CUSTOMERS)
                )
            )
        self.customer_label = QLabel("\n".join(names))
        self.customer_label.setObjectName("record_customers")
        self.customer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.event_type = QComboBox()
        self.event_type.setObjectName("record_event_type")
        for choice in event_types:
            self.event_type.addItem(choice.name, choice.code)
        self.responsible = QComboBox()
        self.responsible.setObjectName("record_responsible")
        fill_responsibles(self.responsible, responsibles, responsible_id)
        self.moment = moment_edit(from_utc(now), formats, "record_moment")
        self.moment.setMaximumDateTime(from_utc(now + dt.timedelta(minutes=1)))
        self.result_combo = QComboBox()
        self.result_combo.setObjectName("record_result")
        self.result_combo.addItem(_("Choose the result…"), "")
        for result in results:
            self.result_combo.addItem(result.name, result.code)
        self.observations = QPlainTextEdit()
        self.observations.setObjectName("record_observations")
        self.observations.setTabChangesFocus(True)
        self.observations.setFixedHeight(96)
        self.observations.setPlaceholderText(
            _("What was said or done, e.g. Spoke to Ana Ruiz: pays INV-10233 on Friday")
        )
        today = now.astimezone().date()
        self.follow_up = QCheckBox(_("Next action on"))
        self.follow_up.setObjectName("record_follow_up")
        self.follow_up.setToolTip(
            _("Gives the responsible an open task on that date, which names this record")
        )
        self.next_action = date_edit(
            today + dt.timedelta(days=FOLLOW_UP_DAYS), formats, "record_next_action"
        )
        self.next_action.setMinimumDate(self.next_action.date().addDays(-FOLLOW_UP_DAYS))
        self.next_action.setEnabled(False)
        self.follow_up.toggled.connect(self.next_action.setEnabled)
        follow_row = QHBoxLayout()
        follow_row.addWidget(self.follow_up)
        follow_row.addWidget(self.next_action)
        follow_row.addStretch(1)
        self.form.addRow(_("Customer") if count == 1 else _("Customers"), self.customer_label)
        self.form.addRow(_("&Event"), self.event_type)
        self.form.addRow(_("&Responsible"), self.responsible)
        self.form.addRow(_("&Date and time"), self.moment)
        self.form.addRow(_("Res&ult"), self.result_combo)
        self.form.addRow(_("&Observations"), self.observations)
        self.form.addRow("", follow_row)
        if count > 1:
            self.body.addWidget(
                hint_label(_("One record per customer, all saved together or none."), "record_hint")
            )
        self.result_combo.setFocus()

    def check(self) -> str | None:
        """Refuse before writing: a result and an event type are needed."""
        if not self.event_type.currentData():
            return _("Choose the type of event: a call, an e-mail, a visit…")
        if not self.result_combo.currentData():
            return _("Choose the result of the record.")
        return None

    def value(self) -> RecordInput:
        """What was entered."""
        return RecordInput(
            event_type=str(self.event_type.currentData() or ""),
            responsible_id=combo_id(self.responsible),
            at=to_utc(self.moment),
            observations=self.observations.toPlainText(),
            result=str(self.result_combo.currentData() or ""),
            next_action_on=pydate(self.next_action.date()) if self.follow_up.isChecked() else None,
        )
