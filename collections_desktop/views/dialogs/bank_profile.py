"""The CSV profile of a bank's export: chosen among the saved ones, or made and saved by name.

A CSV export says nothing of its layout, so the user tells it once per bank: the column
separator, the decimal comma, the thousands separator, the date format, the header row and
the lines before it, which column holds what, and how the amount is signed. The preview
below shows the file's first lines as they would be read with the choices made now, or
why they cannot be. ``chosen`` carries the ``CsvProfile`` (the caller saves a new or
changed one by its name, then imports the file with it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _
from collections_desktop.models.bank.formats.csv_profile import CsvProfile
from collections_desktop.models.bank.importing import csv_columns, preview_csv
from collections_desktop.models.bank.parsed import BankFileError
from collections_desktop.views.dialogs.fields import hint_label
from collections_desktop.views.style import ERROR_COLOUR, tabular_font

DELIMITERS = ((";", ";"), (",", ","), ("\t", "Tab"), ("|", "|"))
DATE_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d", "%m/%d/%Y", "%d/%m/%y", "%Y%m%d")
MAPPED = (
    # field of CsvProfile, label
    ("booking_date", N_("Booking &date")),
    ("value_date", N_("&Value date")),
    ("amount", N_("&Amount")),
    ("debit", N_("Debit (money out)")),
    ("credit", N_("Credit (money in)")),
    ("counterparty_name", N_("Counterpart&y")),
    ("counterparty_iban", N_("Counterparty &IBAN")),
    ("remittance", N_("&Remittance text")),
    ("reference", N_("Bank r&eference")),
    ("currency_column", N_("C&urrency")),
)
PREVIEW_ROWS = 8


class CsvProfileDialog(QDialog):
    """Choose a saved profile for a CSV export, or set one up with a live preview."""

    chosen = Signal(object)
    """The ``CsvProfile`` to read the file with (saved by the caller when new or changed)."""

    def __init__(
        self,
        file_name: str,
        head: bytes,
        saved: Sequence[CsvProfile],
        formats: Formats,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bank_profile_dialog")
        self.setWindowTitle(_("CSV profile for {file}").format(file=file_name))
        self.setMinimumWidth(1140)
        self.file_name = file_name
        self.head = head
        self.saved = {profile.name: profile for profile in saved}
        self._formats = formats
        self._filling = False
        self.last_problem: str | None = None

        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("bank_profile_saved")
        self.profile_combo.addItem(_("New profile…"), "")
        for name in self.saved:
            self.profile_combo.addItem(name, name)
        self.name = QLineEdit()
        self.name.setObjectName("bank_profile_name")
        self.name.setPlaceholderText(_("e.g. the bank's name and account"))
        self.delimiter = QComboBox()
        self.delimiter.setObjectName("bank_profile_delimiter")
        for value, text in DELIMITERS:
            self.delimiter.addItem(text.strip() or value, value)
        self.decimal_comma = QCheckBox(_("Decimal &comma (1.234,56)"))
        self.decimal_comma.setObjectName("bank_profile_decimal_comma")
        self.thousands = QComboBox()
        self.thousands.setObjectName("bank_profile_thousands")
        for value, text in (("", _("None")), (".", "."), (",", ","), (" ", _("Space")), ("'", "'")):
            self.thousands.addItem(text, value)
        self.date_format = QComboBox()
        self.date_format.setObjectName("bank_profile_date_format")
        self.date_format.setEditable(True)
        self.date_format.addItems(DATE_FORMATS)
        self.header = QCheckBox(_("The first row names the columns"))
        self.header.setObjectName("bank_profile_header")
        self.header.setChecked(True)
        self.skip = QSpinBox()
        self.skip.setObjectName("bank_profile_skip")
        self.skip.setRange(0, 50)
        self.account = QLineEdit()
        self.account.setObjectName("bank_profile_account")
        self.account.setPlaceholderText(_("The IBAN or account number the file is for"))
        self.currency = QLineEdit()
        self.currency.setObjectName("bank_profile_currency")
        self.currency.setMaxLength(3)
        self.currency.setMaximumWidth(60)
        self.sign = QComboBox()
        self.sign.setObjectName("bank_profile_sign")
        self.sign.addItem(_("Money in is positive"), "normal")
        self.sign.addItem(_("Money in is negative (inverted)"), "inverted")

        layout_form = QFormLayout()
        layout_form.addRow(_("&Profile"), self.profile_combo)
        layout_form.addRow(_("&Name"), self.name)
        layout_form.addRow(_("Account"), self.account)
        currency_row = QHBoxLayout()
        currency_row.addWidget(self.currency)
        currency_row.addWidget(hint_label(_("when no column gives it")), 1)
        layout_form.addRow(_("Currency"), currency_row)
        layout_form.addRow(_("&Separator"), self.delimiter)
        layout_form.addRow("", self.decimal_comma)
        layout_form.addRow(_("&Thousands"), self.thousands)
        layout_form.addRow(_("Date &format"), self.date_format)
        layout_form.addRow("", self.header)
        layout_form.addRow(_("&Lines before the rows"), self.skip)
        layout_form.addRow(_("Si&gn"), self.sign)

        columns_box = QGroupBox(_("Columns"))
        grid = QGridLayout(columns_box)
        self.columns: dict[str, QComboBox] = {}
        for index, (name, label) in enumerate(MAPPED):
            combo = QComboBox()
            combo.setObjectName(f"bank_profile_{name}")
            combo.setMinimumContentsLength(17)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            caption = QLabel(_(label))
            caption.setBuddy(combo)
            grid.addWidget(caption, index // 2, (index % 2) * 2)
            grid.addWidget(combo, index // 2, (index % 2) * 2 + 1)
            self.columns[name] = combo
            combo.currentIndexChanged.connect(self._changed)

        top = QHBoxLayout()
        top.addLayout(layout_form, 1)
        top.addWidget(columns_box, 1)

        self.raw = QPlainTextEdit()
        self.raw.setObjectName("bank_profile_raw")
        self.raw.setReadOnly(True)
        self.raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.raw.setFont(tabular_font(self.raw.font()))
        self.raw.setPlainText(
            "\n".join(head.decode("utf-8", errors="replace").splitlines()[:PREVIEW_ROWS])
        )
        self.raw.setMaximumHeight(110)
        self.preview = QTableWidget(0, 4)
        self.preview.setObjectName("bank_profile_preview")
        self.preview.setHorizontalHeaderLabels(
            [_("Date"), _("Amount"), _("Counterparty"), _("Text")]
        )
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.preview.verticalHeader().hide()
        self.preview.setFont(tabular_font(self.preview.font()))
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # Room for a few rows read, so the user sees the amounts' signs and dates at once.
        self.preview.setMinimumHeight(self.preview.fontMetrics().lineSpacing() * 9)
        self.problem = QLabel()
        self.problem.setObjectName("bank_profile_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {ERROR_COLOUR}")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Save and import"))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                _(
                    "{file} is a CSV export: say once how this bank writes it. The profile is "
                    "saved by its name for the next files."
                ).format(file=file_name)
            )
        )
        layout.addLayout(top)
        layout.addWidget(QLabel(_("The file's first lines")))
        layout.addWidget(self.raw)
        layout.addWidget(QLabel(_("As they would be read")))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        for widget in (self.delimiter, self.thousands, self.sign, self.date_format):
            widget.currentIndexChanged.connect(self._changed)
        self.date_format.editTextChanged.connect(self._changed)
        for edit in (self.name, self.account, self.currency):
            edit.textChanged.connect(self._changed)
        for box in (self.decimal_comma, self.header):
            box.toggled.connect(self._changed)
        self.skip.valueChanged.connect(self._changed)
        self.profile_combo.currentIndexChanged.connect(self._profile_chosen)
        self._guess_delimiter()
        self._fill_columns()
        self._changed()

    # --- reading the choices ------------------------------------------------------------

    def profile(self) -> CsvProfile:
        """The profile as chosen now."""
        mapped: dict[str, Any] = {name: combo.currentData() for name, combo in self.columns.items()}
        remittance = mapped.pop("remittance")
        return CsvProfile(
            name=self.name.text().strip(),
            account=self.account.text().strip(),
            currency=self.currency.text().strip().upper(),
            delimiter=self.delimiter.currentData() or ",",
            decimal_separator="," if self.decimal_comma.isChecked() else ".",
            thousands_separator=self.thousands.currentData() or "",
            date_format=self.date_format.currentText().strip(),
            header=self.header.isChecked(),
            skip_lines=self.skip.value(),
            sign=self.sign.currentData() or "normal",
            remittance=(remittance,) if remittance is not None else (),
            **mapped,
        )

    def set_column(self, field_name: str, column: str | int | None) -> None:
        """Map ``field_name`` (``booking_date``, ``amount`` …) to ``column``."""
        combo = self.columns[field_name]
        combo.setCurrentIndex(max(combo.findData(column), 0))

    # --- behaviour ----------------------------------------------------------------------

    def _guess_delimiter(self) -> None:
        first = self.head.decode("utf-8", errors="replace").splitlines()[:3]
        text = "\n".join(first)
        best = max(DELIMITERS, key=lambda item: text.count(item[0]))[0]
        self.delimiter.setCurrentIndex(max(self.delimiter.findData(best), 0))
        if best == ";":  # a semicolon file usually writes 1.234,56
            self.decimal_comma.setChecked(True)
            self.thousands.setCurrentIndex(max(self.thousands.findData("."), 0))

    def _fill_columns(self) -> None:
        """Offer the file's columns (names or positions) in every mapping box."""
        self._filling = True
        try:
            found = csv_columns(self.head, self.profile())
            for name, combo in self.columns.items():
                before = combo.currentData()
                combo.clear()
                combo.addItem(_("(not in the file)"), None)
                for column in found:
                    text = (
                        str(column) if isinstance(column, str) else _("Column {n}").format(n=column)
                    )
                    combo.addItem(text, column)
                index = combo.findData(before) if before is not None else -1
                if index < 0:
                    index = _guess(name, found)
                combo.setCurrentIndex(max(index, 0))
        finally:
            self._filling = False

    def _profile_chosen(self) -> None:
        name = self.profile_combo.currentData()
        profile = self.saved.get(name) if name else None
        if profile is None:
            return
        self._filling = True
        try:
            self.name.setText(profile.name)
            self.account.setText(profile.account)
            self.currency.setText(profile.currency)
            self.delimiter.setCurrentIndex(max(self.delimiter.findData(profile.delimiter), 0))
            self.decimal_comma.setChecked(profile.decimal_separator == ",")
            self.thousands.setCurrentIndex(
                max(self.thousands.findData(profile.thousands_separator), 0)
            )
            self.date_format.setEditText(profile.date_format)
            self.header.setChecked(profile.header)
            self.skip.setValue(profile.skip_lines)
            self.sign.setCurrentIndex(max(self.sign.findData(profile.sign), 0))
        finally:
            self._filling = False
        self._fill_columns()
        for field_name in self.columns:
            value = getattr(profile, field_name)
            if field_name == "remittance":
                value = value[0] if value else None
            self.set_column(field_name, value)
        self._changed()

    def _changed(self, *_args: object) -> None:
        if self._filling:
            return
        sender = self.sender()
        if sender in (self.delimiter, self.header, self.skip):
            self._fill_columns()
        profile = self.profile()
        problems = [p for p in profile.problems() if p != _("The profile has no name.")]
        self.preview.setRowCount(0)
        if problems:
            self._show_problem(" ".join(problems))
            return
        try:
            parsed = preview_csv(
                self.head, self.file_name, dataclasses.replace(profile, name=profile.name or "?")
            )
        except BankFileError as error:
            self._show_problem(str(error))
            return
        self._show_problem(None)
        fmt = self._formats
        lines = [line for statement in parsed.statements for line in statement.lines]
        self.preview.setRowCount(min(len(lines), PREVIEW_ROWS))
        for row, line in enumerate(lines[:PREVIEW_ROWS]):
            cells = (
                fmt.date(line.booking_date),
                fmt.money(line.amount, line.currency),
                line.counterparty_name or "",
                line.remittance or "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.preview.setItem(row, column, item)
        self.preview.resizeColumnsToContents()

    def _show_problem(self, message: str | None) -> None:
        self.last_problem = message
        self.problem.setText(message or "")
        self.problem.setVisible(bool(message))
        self.ok_button.setEnabled(message is None)

    def _accept(self) -> None:
        profile = self.profile()
        problems = profile.problems()
        if problems:
            self._show_problem(" ".join(problems))
            return
        self.chosen.emit(profile)
        self.accept()


_GUESSES = {
    "booking_date": ("booking", "buchungstag", "fecha", "date", "datum", "data"),
    "value_date": ("value", "valuta", "valor"),
    "amount": ("amount", "betrag", "importe", "montant", "bedrag", "valor"),
    "counterparty_name": ("name", "payer", "ordenante", "beguenstigter", "nom", "counterparty"),
    "counterparty_iban": ("iban",),
    "remittance": ("text", "concepto", "verwendungszweck", "libell", "description", "remittance"),
    "reference": ("reference", "referencia", "ref"),
    "currency_column": ("currency", "waehrung", "währung", "divisa", "moneda", "devise"),
}


def _guess(field_name: str, columns: Sequence[str | int]) -> int:
    """The combo index of the column whose name suggests ``field_name`` (0: none)."""
    words = _GUESSES.get(field_name, ())
    for index, column in enumerate(columns, start=1):
        if isinstance(column, str) and any(word in column.casefold() for word in words):
            if field_name == "booking_date" and "value" in column.casefold():
                continue
            return index
    return 0
