"""Aging period definitions: name, basis and the periods with their labels per language."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.setup.aging_definitions import (
    MAX_DAYS,
    AgingDefinitionRow,
    AgingDefinitionValues,
    PeriodValues,
    basis_labels,
    delete_aging_definition,
    list_aging_definitions,
    save_aging_definition,
)
from collections_desktop.models.setup.fields import SetupError, whole_number
from collections_desktop.models.setup.translations import language_name, other_languages
from collections_desktop.models.texts.business import company_language
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.fields import hint_label
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.lines import LinesTable, keep_browsable
from collections_desktop.views.setup.section import SetupSection

LABEL, FROM, TO = 0, 1, 2
"""The period grid's first columns; the labels in the other languages follow."""


def next_period(lines: list[list[str]]) -> list[str]:
    """A new last period: it starts the day after the one above, which is closed at 30
    days when it was open-ended; the new one is open-ended."""
    if not lines:
        return ["", "1", ""]
    last = lines[-1]
    try:
        start = int(last[FROM])
    except ValueError:
        return ["", "", ""]
    if not last[TO]:
        last[TO] = str(start + 29)
    try:
        return ["", str(int(last[TO]) + 1), ""]
    except ValueError:
        return ["", "", ""]


class AgingDefinitionsSection(SetupSection[AgingDefinitionRow, AgingDefinitionValues]):
    """The columns of the aged balances: the date they count from and the periods."""

    key = "aging_definitions"
    title = N_("Aging periods")
    description = N_(
        "The columns of the aged balances: the date they count from and the periods, in "
        "days past that date. The company default is set in the receivables parameters."
    )
    what = N_("aging definition")
    deletable = True
    stretch = 0

    own_language = "en"
    languages: tuple[str, ...] = ("es", "fr", "pt")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        keep_browsable(self, self.browsable)

    def activate(self) -> None:
        """Read again each time the section is shown: another section may have changed
        what it shows (the company language, the aging definitions, who uses a row)."""
        if self.started and not self.dirty:
            self.load()
        else:
            super().activate()

    def columns(self) -> Sequence[Column[AgingDefinitionRow]]:
        bases = dict(basis_labels())
        count = self.context.formats.count
        return (
            Column(_("Name"), lambda row: row.name),
            Column(_("Basis"), lambda row: bases.get(row.basis, row.basis)),
            Column(_("Periods"), lambda row: len(row.periods), count),
            Column(_("Default"), lambda row: _("Yes") if row.is_default else ""),
            Column(_("Pools"), lambda row: row.pools, count),
        )

    def read(self, session: Session) -> Sequence[AgingDefinitionRow]:
        rows = list_aging_definitions(session)
        self.own_language, self.languages = company_language(session), other_languages(session)
        return rows

    def build_form(self, form: QFormLayout) -> None:
        self.name = QLineEdit()
        self.name.setObjectName("aging_definition_name")
        self.name.setMaxLength(100)
        self.basis = QComboBox()
        self.basis.setObjectName("aging_definition_basis")
        for value, label in basis_labels():
            self.basis.addItem(label, str(value))
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Basis"), self.basis)
        for widget in (self.name, self.basis):
            self.watch(widget)
        self.periods = LinesTable(
            "aging_periods",
            _("Periods"),
            self._headers(),
            self.context.icons,
            numeric=(FROM, TO),
            fitted=(LABEL,),  # the company language's label is never cut
            new_line=next_period,
        )
        self.periods.changed.connect(self.mark_changed)
        self.below.addWidget(self.periods)
        hint = hint_label(
            _(
                "From and To are days past the basis date, both included; each period "
                "starts the day after the one above. Leave To empty on the last period: "
                "it holds everything older. A label left empty in a language shows the "
                "company language's."
            )
        )
        self.below.addWidget(hint)
        self.browsable = (self.periods, hint)

    def _headers(self) -> list[str]:
        return [
            _("Label ({language})").format(language=language_name(self.own_language)),
            _("From day"),
            _("To day"),
            *(language_name(language) for language in self.languages),
        ]

    def show_row(self, row: AgingDefinitionRow | None) -> None:
        self.periods.table.setColumnCount(3 + len(self.languages))
        self.periods.set_headers(self._headers())
        self.name.setText(row.name if row else "")
        self.basis.setCurrentIndex(max(0, self.basis.findData(str(row.basis) if row else "")))
        if row is None:
            defaults = [["", "1", "30"], ["", "31", "60"], ["", "61", ""]]
            self.periods.set_lines(defaults)
            return
        self.periods.set_lines(
            [
                [
                    period.label,
                    str(period.from_days),
                    "" if period.to_days is None else str(period.to_days),
                    *(period.texts.get(language, "") for language in self.languages),
                ]
                for period in row.periods
            ],
            keys=[str(period.id) for period in row.periods],
        )

    def values(self) -> AgingDefinitionValues:
        periods = []
        for index, cells in enumerate(self.periods.lines()):
            number = index + 1
            start = whole_number(
                cells[FROM],
                _("From day of period {number}").format(number=number),
                minimum=0,
                maximum=MAX_DAYS,
            )
            end = (
                whole_number(
                    cells[TO],
                    _("To day of period {number}").format(number=number),
                    minimum=0,
                    maximum=MAX_DAYS,
                )
                if cells[TO]
                else None
            )
            key = self.periods.key(index)
            texts = dict(zip(self.languages, cells[TO + 1 :], strict=False))
            periods.append(
                PeriodValues(cells[LABEL], start, end, texts, uuid.UUID(key) if key else None)
            )
        basis = self.basis.currentData()
        if basis is None:
            raise SetupError(_("Basis must be one of the listed dates."))
        return AgingDefinitionValues(self.name.text(), str(basis), tuple(periods))

    def save(
        self, session: Session, row: AgingDefinitionRow | None, values: AgingDefinitionValues
    ) -> uuid.UUID:
        return save_aging_definition(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: AgingDefinitionRow) -> None:
        delete_aging_definition(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )
