"""Activity categories: code, name in every language, active."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, current_language
from collections_desktop.models.setup.activity_categories import (
    NAME_LENGTH,
    ActivityCategoryRow,
    ActivityCategoryValues,
    delete_activity_category,
    list_activity_categories,
    save_activity_category,
)
from collections_desktop.models.texts.business import company_language
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.language_texts import LanguageTexts, language_name
from collections_desktop.views.setup.section import SetupSection


class ActivityCategoriesSection(SetupSection[ActivityCategoryRow, ActivityCategoryValues]):
    """What kind of work an activity is; only active categories are offered."""

    key = "activity_categories"
    title = N_("Activity categories")
    description = N_(
        "What kind of work an activity is (a call, a promise, a dispute…). Only active "
        "categories are offered in the activity dialog; a category in use is made inactive "
        "rather than deleted."
    )
    what = N_("activity category")
    deletable = True

    def columns(self) -> Sequence[Column[ActivityCategoryRow]]:
        return (
            Column(_("Code"), lambda row: row.code),
            Column(_("Name"), lambda row: row.shown, tooltip=self._tooltip),
            Column(_("Active"), lambda row: _("Yes") if row.active else _("No")),
            Column(_("Activities"), lambda row: row.activities, self.context.formats.count),
        )

    def read(self, session: Session) -> Sequence[ActivityCategoryRow]:
        self.own_language = company_language(session)
        return list_activity_categories(session, self.language)

    def build_form(self, form: QFormLayout) -> None:
        self.language = current_language()
        self.own_language = "en"
        self.code = QLineEdit()
        self.code.setObjectName("activity_category_code")
        self.code.setMaxLength(30)
        self.name = QLineEdit()
        self.name.setObjectName("activity_category_name")
        self.name.setMaxLength(NAME_LENGTH)
        self.active = QCheckBox(_("Offered for new activities"))
        self.active.setObjectName("activity_category_active")
        form.addRow(_("&Code"), self.code)
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Active"), self.active)
        self.texts = LanguageTexts(
            "activity_category_texts", _("Name in other languages"), NAME_LENGTH
        )
        self.below.addWidget(self.texts)
        for widget in (self.code, self.name, self.active):
            self.watch(widget)
        self.texts.watch(self.watch)

    def show_row(self, row: ActivityCategoryRow | None) -> None:
        self.texts.set_company_language(self.own_language)
        label = self.form.labelForField(self.name)
        if isinstance(label, QLabel):
            label.setText(_("&Name ({language})").format(language=language_name(self.own_language)))
        self.code.setText(row.code if row else "")
        self.name.setText(row.name if row else "")
        self.active.setChecked(row.active if row else True)
        self.texts.set_texts(row.translations if row else {})

    def values(self) -> ActivityCategoryValues:
        return ActivityCategoryValues(
            self.code.text(), self.name.text(), self.active.isChecked(), self.texts.texts()
        )

    def save(
        self, session: Session, row: ActivityCategoryRow | None, values: ActivityCategoryValues
    ) -> uuid.UUID:
        return save_activity_category(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: ActivityCategoryRow) -> None:
        delete_activity_category(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

    def _tooltip(self, row: ActivityCategoryRow) -> str:
        lines = [f"{language_name(self.own_language)}: {row.name}"]
        lines += [
            f"{language_name(language)}: {text}"
            for language, text in row.translations.items()
            if text
        ]
        return "\n".join(lines)
