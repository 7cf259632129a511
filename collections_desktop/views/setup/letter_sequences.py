"""Letter sequences: their levels in a grid, and each level's name, heading and text per
language."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.kernel.money import MoneyError
from collections_desktop.models.db.schema.enums import LetterScope
from collections_desktop.models.letters.render import PLACEHOLDERS, usual_heading
from collections_desktop.models.setup.fields import SetupError, whole_number
from collections_desktop.models.setup.letter_sequences import (
    HEADING_LENGTH,
    MAX_DAYS,
    LetterSequenceRow,
    LetterSequenceValues,
    LevelRow,
    LevelValues,
    delete_letter_sequence,
    list_letter_sequences,
    save_letter_sequence,
    scope_labels,
)
from collections_desktop.models.setup.translations import language_name, other_languages
from collections_desktop.models.texts.business import company_language
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.fields import hint_label, parse_amount
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.lines import LinesTable, keep_browsable
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.style import heading_font

NAME, AFTER_DUE, AFTER_PREVIOUS, FEE = 0, 1, 2, 3
TEMPLATE = "template"
HEADING = "heading"
"""The extra texts of a level line holding its text and heading in the company language;
the other languages' are ``name:LANG``, ``heading:LANG`` and ``template:LANG``."""


def next_level(lines: list[list[str]]) -> list[str]:
    """A new last level: 15 days after the one above, with its fee."""
    if not lines:
        return ["", "10", "0", "0"]
    last = lines[-1]
    try:
        return ["", str(int(last[AFTER_DUE]) + 15), "15", last[FEE]]
    except ValueError:
        return ["", "", "15", last[FEE]]


def level_extra(level: LevelRow, languages: Sequence[str]) -> dict[str, str]:
    """The texts of a level line that are not columns."""
    extra = {TEMPLATE: level.template, HEADING: level.heading}
    for language in languages:
        extra[f"name:{language}"] = level.names.get(language, "")
        extra[f"heading:{language}"] = level.headings.get(language, "")
        extra[f"template:{language}"] = level.templates.get(language, "")
    return extra


class LetterSequencesSection(SetupSection[LetterSequenceRow, LetterSequenceValues]):
    """Collection letter sequences, their levels and the texts printed to customers."""

    key = "letter_sequences"
    title = N_("Letter sequences")
    description = N_(
        "The collection letters a customer receives, level after level: when each is due, "
        "its fee, and its text in each language the company writes in."
    )
    what = N_("letter sequence")
    deletable = True

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

    def columns(self) -> Sequence[Column[LetterSequenceRow]]:
        scopes = {LetterScope.CUSTOMER: _("Per customer"), LetterScope.TRANSACTION: _("Per item")}
        count = self.context.formats.count
        return (
            Column(_("Code"), lambda row: row.code),
            Column(_("Name"), lambda row: row.name),
            Column(_("Scope"), lambda row: scopes.get(row.scope, row.scope)),
            Column(_("Levels"), lambda row: len(row.levels), count),
            Column(_("Customers"), lambda row: row.customers, count),
        )

    def read(self, session: Session) -> Sequence[LetterSequenceRow]:
        rows = list_letter_sequences(session)
        self.own_language, self.languages = company_language(session), other_languages(session)
        return rows

    def build_form(self, form: QFormLayout) -> None:
        self._loading_texts = False
        self.code = QLineEdit()
        self.code.setObjectName("letter_sequence_code")
        self.code.setMaxLength(30)
        self.name = QLineEdit()
        self.name.setObjectName("letter_sequence_name")
        self.name.setMaxLength(100)
        self.scope = QComboBox()
        self.scope.setObjectName("letter_sequence_scope")
        for value, label in scope_labels():
            self.scope.addItem(label, str(value))
        self.fee_account = QLineEdit()
        self.fee_account.setObjectName("letter_sequence_fee_account")
        self.fee_account.setMaxLength(30)
        form.addRow(_("&Code"), self.code)
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Scope"), self.scope)
        form.addRow(_("Fee &account"), self.fee_account)
        for widget in (self.code, self.name, self.scope, self.fee_account):
            self.watch(widget)
        self.levels = LinesTable(
            "letter_levels",
            _("Levels"),
            self._headers(),
            self.context.icons,
            numeric=(AFTER_DUE, AFTER_PREVIOUS, FEE),
            new_line=next_level,
        )
        self.levels.changed.connect(self.mark_changed)
        self.levels.line_chosen.connect(self._level_chosen)
        self.below.addWidget(self.levels)
        self.texts_title = QLabel()
        self.texts_title.setObjectName("letter_level_texts_title")
        self.texts_title.setFont(heading_font(self.font()))
        self.below.addWidget(self.texts_title)
        self.texts = QTabWidget()
        self.texts.setObjectName("letter_level_texts")
        self.below.addWidget(self.texts)
        hint = hint_label(
            _(
                "Days after due count from the due date of the oldest overdue item. A "
                "letter text may name {placeholders}. The name is for collectors; the "
                "customer reads the heading, and an empty heading is the usual one for the "
                "level's place. A letter is written in the customer's language when its "
                "level has a text in it, else in the company language."
            ).format(placeholders=", ".join(PLACEHOLDERS))
        )
        self.below.addWidget(hint)
        self.browsable = (self.levels, self.texts_title, self.texts, hint)
        self.name_edits: dict[str, QLineEdit] = {}
        self.heading_edits: dict[str, QLineEdit] = {}
        self.template_edits: dict[str, QPlainTextEdit] = {}
        self._build_tabs()

    def _headers(self) -> list[str]:
        return [
            _("Name ({language})").format(language=language_name(self.own_language)),
            _("Days after due"),
            _("Days after previous"),
            _("Fee"),
        ]

    def _build_tabs(self) -> None:
        """One tab per language, the company's first (its name is in the grid)."""
        if list(self.template_edits) == [self.own_language, *self.languages]:
            return
        self.texts.clear()
        self.name_edits, self.heading_edits, self.template_edits = {}, {}, {}
        for language in (self.own_language, *self.languages):
            page = QWidget()
            layout = QVBoxLayout(page)
            lines = QFormLayout()
            lines.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
            layout.addLayout(lines)
            if language != self.own_language:
                name = QLineEdit()
                name.setObjectName(f"letter_level_name_{language}")
                name.setMaxLength(100)
                name.setPlaceholderText(_("Name of the level in this language"))
                name.textChanged.connect(self._text_edited)
                name.setReadOnly(not self.editable)
                lines.addRow(_("Name"), name)
                self.name_edits[language] = name
            heading = QLineEdit()
            heading.setObjectName(f"letter_level_heading_{language}")
            heading.setMaxLength(HEADING_LENGTH)
            heading.textChanged.connect(self._text_edited)
            heading.setReadOnly(not self.editable)
            lines.addRow(_("Heading"), heading)
            self.heading_edits[language] = heading
            template = QPlainTextEdit()
            template.setObjectName(f"letter_level_template_{language}")
            template.setMinimumHeight(140)
            template.textChanged.connect(self._text_edited)
            template.setReadOnly(not self.editable)
            layout.addWidget(template)
            self.template_edits[language] = template
            self.texts.addTab(page, language_name(language))

    def show_row(self, row: LetterSequenceRow | None) -> None:
        self._build_tabs()
        self.levels.set_headers(self._headers())
        self.code.setText(row.code if row else "")
        self.name.setText(row.name if row else "")
        self.scope.setCurrentIndex(max(0, self.scope.findData(str(row.scope) if row else "")))
        self.fee_account.setText(row.fee_account if row else "")
        amount = self.context.formats.amount
        if row is None:
            self.levels.set_lines([["", "10", "0", amount(Decimal(0))]], extras=[{}])
        else:
            self.levels.set_lines(
                [
                    [
                        level.name,
                        str(level.days_after_due),
                        str(level.days_after_previous),
                        amount(level.fee),
                    ]
                    for level in row.levels
                ],
                extras=[level_extra(level, self.languages) for level in row.levels],
            )
        self._level_chosen(self.levels.current(), -1)

    def _level_chosen(self, line: int, _previous: int) -> None:
        """Show the texts of the level on ``line``."""
        extra = self.levels.extra(line) if line >= 0 else {}
        self._loading_texts = True
        try:
            for language, edit in self.template_edits.items():
                key = TEMPLATE if language == self.own_language else f"template:{language}"
                edit.setPlainText(extra.get(key, ""))
            for language, name in self.name_edits.items():
                name.setText(extra.get(f"name:{language}", ""))
            levels = range(1, len(self.levels.lines()) + 1)
            for language, heading in self.heading_edits.items():
                key = HEADING if language == self.own_language else f"heading:{language}"
                heading.setText(extra.get(key, ""))
                # What the customer reads when it is left empty.
                heading.setPlaceholderText(
                    usual_heading(line + 1, levels, language) if line >= 0 else ""
                )
        finally:
            self._loading_texts = False
        self.texts.setEnabled(line >= 0)
        self.texts_title.setText(
            _("Texts of level {number}").format(number=line + 1) if line >= 0 else ""
        )

    def _text_edited(self) -> None:
        """Keep what was typed with the level on the current line."""
        line = self.levels.current()
        if self._loading_texts or line < 0:
            return
        extra = self.levels.extra(line)
        for language, edit in self.template_edits.items():
            key = TEMPLATE if language == self.own_language else f"template:{language}"
            extra[key] = edit.toPlainText()
        for language, name in self.name_edits.items():
            extra[f"name:{language}"] = name.text()
        for language, heading in self.heading_edits.items():
            key = HEADING if language == self.own_language else f"heading:{language}"
            extra[key] = heading.text()
        self.levels.set_extra(line, extra)
        self.mark_changed()

    def values(self) -> LetterSequenceValues:
        formats = self.context.formats
        levels = []
        for index, cells in enumerate(self.levels.lines()):
            number = index + 1
            after_due = whole_number(
                cells[AFTER_DUE],
                _("Days after due of level {number}").format(number=number),
                minimum=0,
                maximum=MAX_DAYS,
            )
            after_previous = whole_number(
                cells[AFTER_PREVIOUS],
                _("Days after the previous letter of level {number}").format(number=number),
                minimum=0,
                maximum=MAX_DAYS,
            )
            try:
                fee = parse_amount(cells[FEE] or "0", formats)
            except MoneyError as error:
                raise SetupError(
                    _("The fee of level {number}: {problem}").format(number=number, problem=error)
                ) from None
            extra = self.levels.extra(index)
            levels.append(
                LevelValues(
                    name=cells[NAME],
                    days_after_due=after_due,
                    days_after_previous=after_previous,
                    fee=fee,
                    template=extra.get(TEMPLATE, ""),
                    names={lang: extra.get(f"name:{lang}", "") for lang in self.languages},
                    templates={lang: extra.get(f"template:{lang}", "") for lang in self.languages},
                    heading=extra.get(HEADING, ""),
                    headings={lang: extra.get(f"heading:{lang}", "") for lang in self.languages},
                )
            )
        scope = self.scope.currentData()
        if scope is None:
            raise SetupError(_("Scope must be one of the listed scopes."))
        return LetterSequenceValues(
            self.code.text(), self.name.text(), str(scope), self.fee_account.text(), tuple(levels)
        )

    def save(
        self, session: Session, row: LetterSequenceRow | None, values: LetterSequenceValues
    ) -> uuid.UUID:
        return save_letter_sequence(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: LetterSequenceRow) -> None:
        delete_letter_sequence(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )
