"""New annotation… and New action… of a case file.

An annotation records something found or noted: the debtor located (a new address,
phone or e-mail and where it was found), a mercantile registry entry (the debtor
re-registered as another company: its name and tax id), a free observation. An action
is something done or to be done: a call, a visit, a letter, a burofax, either done on
a day (today or earlier) or scheduled for a day (today or later, shown in the
collections calendar). The dialog shows only the fields of the kind chosen and refuses
locally what cannot be sent at all; ``models.agency.annotations`` does the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.agency_names import (
    ACTION_KINDS,
    ANNOTATION_KIND_NAMES,
    ANNOTATION_KINDS,
    AnnotationKind,
    name_of,
)
from collections_desktop.views.dialogs.fields import date_edit, hint_label, pydate, qdate

TAX_ID_LENGTH = 30
"""The longest tax id the schema keeps."""

ANNOTATION, ACTION = "annotation", "action"
"""What the dialog asks for: an annotation (found, noted) or an action (done, scheduled)."""


@dataclass(frozen=True)
class AnnotationInput:
    """What the collector entered, as ``annotations.add_annotation`` takes it."""

    kind: str
    text: str
    source: str | None = None
    found_value: str | None = None
    new_name: str | None = None
    new_tax_id: str | None = None
    scheduled_on: dt.date | None = None
    done_on: dt.date | None = None


class AnnotationDialog(ActionDialog):
    """A new annotation (``mode`` ANNOTATION) or action (ACTION) of a case; ``value()``:
    ``AnnotationInput``."""

    def __init__(
        self,
        mode: str,
        case_label: str,
        formats: Formats,
        today: dt.date,
        parent: QWidget | None = None,
        *,
        kind: str | None = None,
    ) -> None:
        action = mode == ACTION
        super().__init__(
            (_("New action · {case}") if action else _("New annotation · {case}")).format(
                case=case_label
            ),
            _("Add"),
            parent,
        )
        self.setObjectName("agency_action_dialog" if action else "agency_annotation_dialog")
        self.setMinimumWidth(520)
        self._mode = mode
        self._today = today
        self.kind = QComboBox()
        self.kind.setObjectName("annotation_kind")
        for value in ACTION_KINDS if action else ANNOTATION_KINDS:
            self.kind.addItem(name_of(ANNOTATION_KIND_NAMES, value), str(value))
        if kind is not None:
            self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self.form.addRow(_("&Kind"), self.kind)

        # Locate: what was found and where.
        self.found_value = QLineEdit()
        self.found_value.setObjectName("annotation_found_value")
        self.found_value.setPlaceholderText(_("The new address, phone number or e-mail"))
        self.source = QLineEdit()
        self.source.setObjectName("annotation_source")
        self.source.setPlaceholderText(_("Where it was found: phone book, a neighbour, …"))
        # Registry: the company the debtor became.
        self.new_name = QLineEdit()
        self.new_name.setObjectName("annotation_new_name")
        self.new_tax_id = QLineEdit()
        self.new_tax_id.setObjectName("annotation_new_tax_id")
        self.new_tax_id.setMaxLength(TAX_ID_LENGTH)
        self.new_tax_id.setMaximumWidth(220)
        # Actions: done on a day, or scheduled for one.
        self.done_choice = QRadioButton(_("&Done on"))
        self.done_choice.setObjectName("action_done")
        self.scheduled_choice = QRadioButton(_("&Scheduled for"))
        self.scheduled_choice.setObjectName("action_scheduled")
        self.done_choice.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.done_choice)
        group.addButton(self.scheduled_choice)
        self.done_on = date_edit(today, formats, "action_done_on")
        self.done_on.setMaximumDate(qdate(today))
        self.scheduled_on = date_edit(today + dt.timedelta(days=1), formats, "action_scheduled_on")
        self.scheduled_on.setMinimumDate(qdate(today))
        when = QHBoxLayout()
        when.addWidget(self.done_choice)
        when.addWidget(self.done_on)
        when.addSpacing(16)
        when.addWidget(self.scheduled_choice)
        when.addWidget(self.scheduled_on)
        when.addStretch(1)
        self.when = QWidget()
        self.when.setLayout(when)
        when.setContentsMargins(0, 0, 0, 0)
        self.text = QPlainTextEdit()
        self.text.setObjectName("annotation_text")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(88)
        if action:
            self.form.addRow(_("When"), self.when)
        else:
            self.form.addRow(_("&Found"), self.found_value)
            self.form.addRow(_("S&ource"), self.source)
            self.form.addRow(_("New company &name"), self.new_name)
            self.form.addRow(_("New &tax id"), self.new_tax_id)
        self.form.addRow(_("&Text"), self.text)
        self.hint = hint_label("", "annotation_hint")
        self.form.addRow(self.hint)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.done_choice.toggled.connect(self._when_changed)
        self._kind_changed()
        self._when_changed()
        self.kind.setFocus()

    @property
    def chosen_kind(self) -> str:
        """The kind chosen."""
        return str(self.kind.currentData())

    def value(self) -> AnnotationInput:
        kind = self.chosen_kind
        text = self.text.toPlainText().strip()
        if kind == AnnotationKind.LOCATE:
            found = self.found_value.text().strip()
            source = self.source.text().strip() or None
            return AnnotationInput(kind, text, source=source, found_value=found)
        if kind == AnnotationKind.REGISTRY:
            name, tax_id = self.new_name.text().strip(), self.new_tax_id.text().strip()
            return AnnotationInput(kind, text, new_name=name, new_tax_id=tax_id)
        if self._mode == ACTION:
            if self.scheduled_choice.isChecked():
                return AnnotationInput(kind, text, scheduled_on=pydate(self.scheduled_on.date()))
            return AnnotationInput(kind, text, done_on=pydate(self.done_on.date()))
        return AnnotationInput(kind, text)

    def check(self) -> str | None:
        kind = self.chosen_kind
        text = self.text.toPlainText().strip()
        if kind == AnnotationKind.LOCATE and not self.found_value.text().strip():
            return _("Enter the address, phone number or e-mail that was found.")
        if kind == AnnotationKind.LOCATE and not self.source.text().strip():
            return _("Say where the address, phone or e-mail was found.")
        if kind == AnnotationKind.REGISTRY and not (
            self.new_name.text().strip() and self.new_tax_id.text().strip()
        ):
            return _("Enter the company name and tax id the debtor is registered under now.")
        if kind not in (AnnotationKind.LOCATE, AnnotationKind.REGISTRY) and not text:
            return (
                _("Say what was done or is to be done.")
                if self._mode == ACTION
                else _("Write the observation.")
            )
        if self._mode == ACTION:
            if self.done_choice.isChecked() and pydate(self.done_on.date()) > self._today:
                return _("An action done cannot be dated after today; schedule it instead.")
            if self.scheduled_choice.isChecked() and pydate(self.scheduled_on.date()) < self._today:
                return _("An action cannot be scheduled for a day already past.")
        return None

    def _kind_changed(self) -> None:
        kind = self.chosen_kind
        locate, registry = kind == AnnotationKind.LOCATE, kind == AnnotationKind.REGISTRY
        if self._mode == ANNOTATION:
            for field in (self.found_value, self.source):
                self.form.setRowVisible(field, locate)
            for field in (self.new_name, self.new_tax_id):
                self.form.setRowVisible(field, registry)
        hints: dict[str, str] = {
            AnnotationKind.LOCATE: _(
                "The contact found is added to the debtor's contacts with its source."
            ),
            AnnotationKind.REGISTRY: _(
                "The debtor's case files show the new company as the debtor's successor."
            ),
            AnnotationKind.OBSERVATION: _("Kept in the case's history; nothing else changes."),
        }
        hint = hints.get(kind) or _(
            "An action done counts as the case's last action; a scheduled one shows in the "
            "collections calendar on its day."
        )
        self.hint.setText(hint)
        if self._mode == ACTION:
            self.text.setPlaceholderText(_("What was done or is to be done, and the outcome"))
        elif locate or registry:
            self.text.setPlaceholderText(_("A note (optional)"))
        else:
            self.text.setPlaceholderText(_("The observation"))

    def _when_changed(self) -> None:
        self.done_on.setEnabled(self.done_choice.isChecked())
        self.scheduled_on.setEnabled(self.scheduled_choice.isChecked())
