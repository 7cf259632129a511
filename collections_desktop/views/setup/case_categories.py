"""Case categories: code, name and type; a category cases use keeps its code."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.setup.case_categories import (
    CaseCategoryRow,
    CaseCategoryValues,
    category_types,
    delete_case_category,
    list_case_categories,
    save_case_category,
)
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.section import SetupSection


class CaseCategoriesSection(SetupSection[CaseCategoryRow, CaseCategoryValues]):
    """The kinds of case a collector opens; only "collections" ones are offered for cases."""

    key = "case_categories"
    title = N_("Case categories")
    description = N_(
        "The kinds of collections case. Only categories of type Collections are offered "
        "when a case is opened."
    )
    what = N_("case category")
    deletable = True

    def columns(self) -> Sequence[Column[CaseCategoryRow]]:
        types = dict(category_types())
        return (
            Column(_("Code"), lambda row: row.code),
            Column(_("Name"), lambda row: row.name),
            Column(_("Type"), lambda row: types.get(row.type, row.type)),
            Column(_("Cases"), lambda row: row.cases, self.context.formats.count),
        )

    def read(self, session: Session) -> Sequence[CaseCategoryRow]:
        return list_case_categories(session)

    def build_form(self, form: QFormLayout) -> None:
        self.code = QLineEdit()
        self.code.setObjectName("case_category_code")
        self.code.setMaxLength(30)
        self.name = QLineEdit()
        self.name.setObjectName("case_category_name")
        self.name.setMaxLength(100)
        self.type = QComboBox()
        self.type.setObjectName("case_category_type")
        for value, label in category_types():
            self.type.addItem(label, value)
        form.addRow(_("&Code"), self.code)
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Type"), self.type)
        for widget in (self.code, self.name, self.type):
            self.watch(widget)

    def show_row(self, row: CaseCategoryRow | None) -> None:
        self.code.setText(row.code if row else "")
        self.name.setText(row.name if row else "")
        self.type.setCurrentIndex(max(0, self.type.findData(row.type if row else "collections")))

    def values(self) -> CaseCategoryValues:
        return CaseCategoryValues(self.code.text(), self.name.text(), self.type.currentData())

    def save(
        self, session: Session, row: CaseCategoryRow | None, values: CaseCategoryValues
    ) -> uuid.UUID:
        return save_case_category(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: CaseCategoryRow) -> None:
        delete_case_category(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )
