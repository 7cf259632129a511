"""The receivables parameters: the company's one row of collections settings, with the
bank reconciliation's small difference and "Confirm all" confidence in their own group."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.kernel.money import MoneyError
from collections_desktop.models.setup.parameters import (
    MAX_CONFIRM_CONFIDENCE,
    MAX_TOLERANCE_DAYS,
    MIN_CONFIRM_CONFIDENCE,
    PERCENT_PLACES,
    ParametersRow,
    ParametersValues,
    country_labels,
    language_labels,
    list_parameters,
    save_parameters,
)
from collections_desktop.models.setup.translations import language_name
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.fields import hint_label, parse_amount
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.style import heading_font, tabular_font

NUMBER_WIDTH = 110
"""The width of the tolerance fields (an amount or a percent, not a text)."""


class ParametersSection(SetupSection[ParametersRow, ParametersValues]):
    """The company's settings for collections; there is one row, never a new one."""

    key = "receivables_parameters"
    title = N_("Receivables parameters")
    description = N_(
        "The company's settings for collections: its language and country, the default "
        "aging periods, how promises are judged, how write-offs post and what the bank "
        "reconciliation lets pass."
    )
    what = N_("receivables parameters")
    stretch = 0

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        new_button = self.grid.findChild(QWidget, f"setup_{self.key}_new")
        if new_button is not None:
            new_button.hide()  # one row: it is edited, never added

    def activate(self) -> None:
        """Read again each time the section is shown: another section may have changed
        what it shows (the company language, the aging definitions, who uses a row)."""
        if self.started and not self.dirty:
            self.load()
        else:
            super().activate()

    def columns(self) -> Sequence[Column[ParametersRow]]:
        return (
            Column(_("Company"), lambda row: row.company_name),
            Column(_("Currency"), lambda row: row.accounting_currency),
            Column(_("Language"), lambda row: language_name(row.language)),
        )

    def read(self, session: Session) -> Sequence[ParametersRow]:
        return list_parameters(session)

    def row_name(self, row: ParametersRow) -> str:
        return row.company_name

    def new_row(self) -> None:
        """There is one row: nothing to add."""

    def build_form(self, form: QFormLayout) -> None:
        language_hint = _(
            "Aging period labels, letter texts, write-off reasons and activity categories "
            "are kept in each language; the company language is the one they are written "
            "in first, and the one shown where a text is missing. Changing it makes each "
            "text in the new language the main one; the old ones are kept."
        )
        tolerance_hint = _(
            "A promise is judged this many days after its date, so a payment in the post "
            "still counts."
        )
        self.company_name = QLineEdit()
        self.company_name.setObjectName("parameters_company_name")
        self.company_name.setMaxLength(200)
        self.currency = QLabel()
        self.currency.setObjectName("parameters_currency")
        self.currency.setToolTip(
            _("Every amount posted was converted to this currency; it cannot change.")
        )
        self.language = QComboBox()
        self.language.setObjectName("parameters_language")
        for code, name in language_labels():
            self.language.addItem(name, code)
        self.country = QComboBox()
        self.country.setObjectName("parameters_country")
        self.country.addItem(_("(none)"), "")
        for code, name in country_labels():
            self.country.addItem(f"{name} ({code})", code)
        self.definition = QComboBox()
        self.definition.setObjectName("parameters_default_aging")
        self.tolerance = QSpinBox()
        self.tolerance.setObjectName("parameters_promise_tolerance")
        self.tolerance.setRange(0, MAX_TOLERANCE_DAYS)
        self.tolerance.setSuffix(_(" days"))
        self.write_off_account = QLineEdit()
        self.write_off_account.setObjectName("parameters_write_off_account")
        self.write_off_account.setMaxLength(30)
        self.separate_tax = QCheckBox(_("Post the sales tax of a write-off to the tax accounts"))
        self.separate_tax.setObjectName("parameters_separate_sales_tax")
        form.addRow(_("Company &name"), self.company_name)
        form.addRow(_("Accounting currency"), self.currency)
        form.addRow(_("Company &language"), self.language)
        form.addRow(_("C&ountry"), self.country)
        form.addRow(_("Default &aging periods"), self.definition)
        form.addRow(_("&Promise tolerance"), self.tolerance)
        form.addRow(_("&Write-off account"), self.write_off_account)
        form.addRow("", self.separate_tax)
        self._bank_group(form)
        self.language.setToolTip(language_hint)
        self.tolerance.setToolTip(tolerance_hint)
        self.below.addWidget(hint_label(language_hint + "\n" + tolerance_hint))
        widgets = (self.company_name, self.language, self.country, self.definition,
                   self.tolerance, self.write_off_account, self.separate_tax,
                   self.bank_amount, self.bank_percent, self.bank_confidence)  # fmt: skip
        for widget in widgets:
            self.watch(widget)

    def _bank_group(self, form: QFormLayout) -> None:
        """The bank reconciliation's settings, under their own heading."""
        heading = QLabel(_("Bank reconciliation"))
        heading.setObjectName("parameters_bank_heading")
        heading.setFont(heading_font(self.font()))
        form.addRow(heading)
        difference_hint = _(
            "A payment that differs from what it pays by at most the larger of these two "
            "still matches, and its difference may be written off when it is confirmed. "
            "Zero for both: only exact amounts match."
        )
        confidence_hint = _(
            "Confirm all confirms the matched lines from this confidence up; the others "
            "wait for a look."
        )
        self.bank_amount = _number_field("parameters_bank_tolerance_amount", difference_hint)
        self.bank_amount_label = QLabel()  # "Small difference (EUR)", set with the row
        form.addRow(self.bank_amount_label, self.bank_amount)
        self.bank_percent = _number_field("parameters_bank_tolerance_percent", difference_hint)
        percent_row = QHBoxLayout()
        percent_row.addWidget(self.bank_percent)
        percent_row.addWidget(QLabel(_("% of the payment")))
        percent_row.addStretch(1)
        percent_label = QLabel(_("Small difference (&%)"))
        percent_label.setBuddy(self.bank_percent)
        form.addRow(percent_label, percent_row)
        self.bank_confidence = QSpinBox()
        self.bank_confidence.setObjectName("parameters_bank_confirm_confidence")
        self.bank_confidence.setRange(MIN_CONFIRM_CONFIDENCE, MAX_CONFIRM_CONFIDENCE)
        self.bank_confidence.setToolTip(confidence_hint)
        self.bank_confidence.setMaximumWidth(NUMBER_WIDTH)
        confidence_row = QHBoxLayout()
        confidence_row.addWidget(self.bank_confidence)
        confidence_row.addWidget(QLabel(_("confidence (of 100)")))
        confidence_row.addStretch(1)
        confidence_label = QLabel(_("Confirm all &from"))
        confidence_label.setBuddy(self.bank_confidence)
        form.addRow(confidence_label, confidence_row)
        self.bank_amount_label.setBuddy(self.bank_amount)
        form.addRow(hint_label(difference_hint + " " + confidence_hint, "parameters_bank_hint"))

    def show_row(self, row: ParametersRow | None) -> None:
        self.definition.clear()
        self.definition.addItem(_("(none: the first by name)"), "")
        for definition_id, name in row.definitions if row else ():
            self.definition.addItem(name, str(definition_id))
        self.company_name.setText(row.company_name if row else "")
        self.currency.setText(row.accounting_currency if row else "")
        self.language.setCurrentIndex(max(0, self.language.findData(row.language if row else "en")))
        self.country.setCurrentIndex(
            max(0, self.country.findData((row.country or "") if row else ""))
        )
        chosen = row.default_aging_definition_id if row else None
        self.definition.setCurrentIndex(
            max(0, self.definition.findData(str(chosen) if chosen else ""))
        )
        self.tolerance.setValue(row.promise_tolerance_days if row else 3)
        self.write_off_account.setText(row.write_off_account if row else "")
        self.separate_tax.setChecked(row.separate_sales_tax if row else False)
        currency = row.accounting_currency if row else ""
        self.bank_amount_label.setText(
            _("Small &difference ({currency})").format(currency=currency)
        )
        formats = self.context.formats
        self.bank_amount.setText(
            formats.number(row.bank_tolerance_amount, row.currency_places) if row else ""
        )
        self.bank_percent.setText(
            formats.number(row.bank_tolerance_percent, PERCENT_PLACES) if row else ""
        )
        self.bank_confidence.setValue(row.bank_confirm_confidence if row else 90)

    def values(self) -> ParametersValues:
        definition = str(self.definition.currentData() or "")
        return ParametersValues(
            company_name=self.company_name.text(),
            promise_tolerance_days=self.tolerance.value(),
            write_off_account=self.write_off_account.text(),
            separate_sales_tax=self.separate_tax.isChecked(),
            default_aging_definition_id=uuid.UUID(definition) if definition else None,
            language=str(self.language.currentData()),
            country=str(self.country.currentData() or ""),
            bank_tolerance_amount=self._typed(self.bank_amount),
            bank_tolerance_percent=self._typed(self.bank_percent),
            bank_confirm_confidence=self.bank_confidence.value(),
        )

    def _typed(self, field: QLineEdit) -> Decimal | str:
        """A number typed in the user's locale as a Decimal; the text as it is when it
        reads as none (the models then say what is wrong, naming the field)."""
        text = field.text().strip()
        try:
            return parse_amount(text, self.context.formats, places=PERCENT_PLACES + 2)
        except MoneyError:
            return text

    def save(
        self, session: Session, row: ParametersRow | None, values: ParametersValues
    ) -> uuid.UUID:
        version = row.version if row else self.rows[0].version
        return save_parameters(
            session, version, values, by=self.context.employee_id, now=self.context.clock.now()
        )


def _number_field(name: str, tooltip: str) -> QLineEdit:
    """A short right-aligned field for an amount or a percent."""
    field = QLineEdit()
    field.setObjectName(name)
    field.setAlignment(Qt.AlignmentFlag.AlignRight)
    field.setFont(tabular_font(field.font()))
    field.setMaximumWidth(NUMBER_WIDTH)
    field.setToolTip(tooltip)
    return field
