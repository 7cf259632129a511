"""Results of records: code, name in every language, active."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, current_language
from collections_desktop.models.setup.record_results import (
    NAME_LENGTH,
    RecordResultRow,
    RecordResultValues,
    delete_record_result,
    list_record_results,
    save_record_result,
)
from collections_desktop.models.texts.business import company_language
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.language_texts import LanguageTexts, language_name
from collections_desktop.views.setup.section import SetupSection


class RecordResultsSection(SetupSection[RecordResultRow, RecordResultValues]):
    """What came of a call or an action; only active results are offered."""

    key = "record_results"
    title = N_("Record results")
    description = N_(
        "What came of a call, a visit or an e-mail (reached, no answer, promised…). Only "
        "active results are offered when a record is entered; a result in use is made "
        "inactive rather than deleted."
    )
    what = N_("result")
    deletable = True

    def columns(self) -> Sequence[Column[RecordResultRow]]:
        return (
            Column(_("Code"), lambda row: row.code),
            Column(_("Name"), lambda row: row.shown, tooltip=self._tooltip),
            Column(_("Active"), lambda row: _("Yes") if row.active else _("No")),
            Column(_("Records"), lambda row: row.records, self.context.formats.count),
        )

    def read(self, session: Session) -> Sequence[RecordResultRow]:
        self.own_language = company_language(session)
        return list_record_results(session, self.language)

    def build_form(self, form: QFormLayout) -> None:
        self.language = current_language()
        self.own_language = "en"
        self.code = QLineEdit()
        self.code.setObjectName("record_result_code")
        self.code.setMaxLength(30)
        self.name = QLineEdit()
        self.name.setObjectName("record_result_name")
        self.name.setMaxLength(NAME_LENGTH)
        self.active = QCheckBox(_("Offered for new records"))
        self.active.setObjectName("record_result_active")
        form.addRow(_("&Code"), self.code)
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Active"), self.active)
        self.texts = LanguageTexts("record_result_texts", _("Name in other languages"), NAME_LENGTH)
        self.below.addWidget(self.texts)
        for widget in (self.code, self.name, self.active):
            self.watch(widget)
        self.texts.watch(self.watch)

    def show_row(self, row: RecordResultRow | None) -> None:
        self.texts.set_company_language(self.own_language)
        label = self.form.labelForField(self.name)
        if isinstance(label, QLabel):
            label.setText(_("&Name ({language})").format(language=language_name(self.own_language)))
        self.code.setText(row.code if row else "")
        self.name.setText(row.name if row else "")
        self.active.setChecked(row.active if row else True)
        self.texts.set_texts(row.translations if row else {})

    def values(self) -> RecordResultValues:
        return RecordResultValues(
            self.code.text(), self.name.text(), self.active.isChecked(), self.texts.texts()
        )

    def save(
        self, session: Session, row: RecordResultRow | None, values: RecordResultValues
    ) -> uuid.UUID:
        return save_record_result(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: RecordResultRow) -> None:
        delete_record_result(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

    def _tooltip(self, row: RecordResultRow) -> str:
        lines = [f"{language_name(self.own_language)}: {row.name}"]
        lines += [
            f"{language_name(language)}: {text}"
            for language, text in row.translations.items()
            if text
        ]
        return "\n".join(lines)
