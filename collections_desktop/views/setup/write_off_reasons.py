"""Write-off reasons: code, description in every language, ledger account."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, current_language
from collections_desktop.models.setup.write_off_reasons import (
    DESCRIPTION_LENGTH,
    WriteOffReasonRow,
    WriteOffReasonValues,
    delete_write_off_reason,
    list_write_off_reasons,
    save_write_off_reason,
)
from collections_desktop.models.texts.business import company_language
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.language_texts import LanguageTexts, language_name
from collections_desktop.views.setup.section import SetupSection


class WriteOffReasonsSection(SetupSection[WriteOffReasonRow, WriteOffReasonValues]):
    """Why a debt is written off; a reason with its own account overrides the profile's."""

    key = "write_off_reasons"
    title = N_("Write-off reasons")
    description = N_(
        "Why a debt is written off, offered in the write-off dialog. A reason with a ledger "
        "account posts there; without one, to the posting profile's write-off account."
    )
    what = N_("write-off reason")
    deletable = True

    def columns(self) -> Sequence[Column[WriteOffReasonRow]]:
        return (
            Column(_("Code"), lambda row: row.code),
            Column(_("Description"), lambda row: row.shown, tooltip=self._tooltip),
            Column(_("Ledger account"), lambda row: row.ledger_account or _("Profile's account")),
            Column(_("Write-offs"), lambda row: row.write_offs, self.context.formats.count),
        )

    def read(self, session: Session) -> Sequence[WriteOffReasonRow]:
        self.own_language = company_language(session)
        return list_write_off_reasons(session, self.language)

    def build_form(self, form: QFormLayout) -> None:
        self.language = current_language()
        self.own_language = "en"
        self.code = QLineEdit()
        self.code.setObjectName("write_off_reason_code")
        self.code.setMaxLength(30)
        self.description_edit = QLineEdit()
        self.description_edit.setObjectName("write_off_reason_description")
        self.description_edit.setMaxLength(DESCRIPTION_LENGTH)
        self.account = QLineEdit()
        self.account.setObjectName("write_off_reason_account")
        self.account.setMaxLength(30)
        self.account.setPlaceholderText(_("Empty: the posting profile's write-off account"))
        form.addRow(_("&Code"), self.code)
        form.addRow(_("&Description"), self.description_edit)
        form.addRow(_("Ledger &account"), self.account)
        self.texts = LanguageTexts(
            "write_off_reason_texts", _("Description in other languages"), DESCRIPTION_LENGTH
        )
        self.below.addWidget(self.texts)
        for widget in (self.code, self.description_edit, self.account):
            self.watch(widget)
        self.texts.watch(self.watch)

    def show_row(self, row: WriteOffReasonRow | None) -> None:
        self.texts.set_company_language(self.own_language)
        label = self.form.labelForField(self.description_edit)
        if isinstance(label, QLabel):
            label.setText(
                _("&Description ({language})").format(language=language_name(self.own_language))
            )
        self.code.setText(row.code if row else "")
        self.description_edit.setText(row.description if row else "")
        self.account.setText((row.ledger_account or "") if row else "")
        self.texts.set_texts(row.translations if row else {})

    def values(self) -> WriteOffReasonValues:
        return WriteOffReasonValues(
            self.code.text(), self.description_edit.text(), self.account.text(), self.texts.texts()
        )

    def save(
        self, session: Session, row: WriteOffReasonRow | None, values: WriteOffReasonValues
    ) -> uuid.UUID:
        return save_write_off_reason(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: WriteOffReasonRow) -> None:
        delete_write_off_reason(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

    def _tooltip(self, row: WriteOffReasonRow) -> str:
        lines = [f"{language_name(self.own_language)}: {row.description}"]
        lines += [
            f"{language_name(language)}: {text}"
            for language, text in row.translations.items()
            if text
        ]
        return "\n".join(lines)
