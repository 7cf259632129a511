"""The customer record's Recurring billing tab: what the customer is billed every month.

Each line of the table is a product or service: description, quantity, unit price
(before tax, in the customer's currency), tax code (the company's sales-tax codes, or
none), the day of the month the invoice is due, and the first and last months billed
(the last may stay open). The tab only shows and reads; the record's Save checks the
lines (``models.billing.recurring``) and saves them with the record, over its version.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import MoneyError
from collections_desktop.models.billing.recurring import RecurringBilling, RecurringLine
from collections_desktop.views.dialogs.fields import hint_label, month_edit, parse_amount, pydate
from collections_desktop.views.dialogs.grids import dense_grid

ID_ROLE = Qt.ItemDataRole.UserRole
"""A line's saved id as hex text ("" for a new line)."""

DESCRIPTION, QUANTITY, UNIT_PRICE, TAX_CODE, DAY, START, END = range(7)
OPEN_END = QDate(2000, 1, 1)
"""The end field's lowest value, shown as "open": no end month."""


def figure(value: Decimal, formats: Formats, least: int = 0) -> str:
    """A quantity or price with the decimals it has, at least ``least`` (a price: two):
    "1", "2.5", "49.90", "0.0125"."""
    exponent = value.normalize().as_tuple().exponent
    places = max(least, -exponent) if isinstance(exponent, int) else least
    return formats.number(value, places)


class RecurringBillingTab(QWidget):
    """The table of recurring lines with Add line and Remove line."""

    def __init__(
        self,
        billing: RecurringBilling,
        formats: Formats,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recurring_billing_tab")
        self.billing = billing
        self._formats = formats
        self._today = today
        layout = QVBoxLayout(self)
        table = self.table = QTableWidget(0, 7)
        table.setObjectName("recurring_lines")
        table.setHorizontalHeaderLabels(
            [
                _("Product or service"),
                _("Quantity"),
                _("Unit price ({currency})").format(currency=billing.currency),
                _("Tax code"),
                _("Due day"),
                _("From month"),
                _("To month"),
            ]
        )
        dense_grid(table, 4, 8, editable=True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for line in billing.lines:
            self.add_line(line)
        layout.addWidget(table, 1)
        buttons = QHBoxLayout()
        for text, name, slot in (
            (_("Add line"), "recurring_add_line", lambda: self.add_line(None)),
            (_("Remove line"), "recurring_remove_line", self.remove_lines),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(
            hint_label(
                _(
                    "Billing ▸ Create this month's invoices makes a pending invoice dated the "
                    "first of the month for these lines, due on their day (the month's last "
                    "day when it is shorter); prices are before tax. Leave “To month” open to "
                    "bill until further notice."
                ),
                "recurring_hint",
            )
        )

    def add_line(self, line: RecurringLine | None) -> int:
        """A row for ``line`` (a new one, starting this month, when None); its number."""
        table = self.table
        if line is None:
            line = RecurringLine(
                description="",
                quantity=Decimal(1),
                unit_price=Decimal(0),
                tax_code=self.billing.tax_codes[0].code if self.billing.tax_codes else None,
                day_of_month=1,
                start_month=self._today.replace(day=1),
            )
        row = table.rowCount()
        table.insertRow(row)
        description = QTableWidgetItem(line.description)
        description.setData(ID_ROLE, line.id.hex if line.id else "")
        table.setItem(row, DESCRIPTION, description)
        for column, value in ((QUANTITY, line.quantity), (UNIT_PRICE, line.unit_price)):
            least = 2 if column == UNIT_PRICE else 0
            item = QTableWidgetItem(figure(value, self._formats, least) if value or line.id else "")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, item)
        tax = QComboBox()
        tax.addItem(_("(no tax)"), "")
        for choice in self.billing.tax_codes:
            tax.addItem(f"{choice.code} ({self._formats.number(choice.rate, 0)} %)", choice.code)
        tax.setCurrentIndex(max(tax.findData(line.tax_code or ""), 0))
        table.setCellWidget(row, TAX_CODE, tax)
        day = QSpinBox()
        day.setRange(1, 31)
        day.setValue(line.day_of_month)
        table.setCellWidget(row, DAY, day)
        start = month_edit(line.start_month, self._formats, f"recurring_start_{row}")
        table.setCellWidget(row, START, start)
        end = month_edit(line.end_month or pydate(OPEN_END), self._formats, f"recurring_end_{row}")
        end.setMinimumDate(OPEN_END)
        end.setSpecialValueText(_("open"))
        if line.end_month is None:
            end.setDate(OPEN_END)
        table.setCellWidget(row, END, end)
        if line.id is None and not line.description:
            table.setCurrentCell(row, DESCRIPTION)
        return row + 1

    def remove_lines(self) -> None:
        """Remove the selected lines (the current one when none is selected)."""
        table = self.table
        rows = sorted({index.row() for index in table.selectedIndexes()}, reverse=True)
        if not rows and table.currentRow() >= 0:
            rows = [table.currentRow()]
        for row in rows:
            table.removeRow(row)

    def check(self) -> str | None:
        """A message naming the line and field whose figure cannot be read; None if all can."""
        try:
            self.lines()
        except ValueError as error:
            return str(error)
        return None

    def lines(self) -> tuple[RecurringLine, ...]:
        """The lines as edited (``MoneyError`` naming the line for a figure unreadable)."""
        table = self.table
        result = []
        for row in range(table.rowCount()):
            values: dict[str, Decimal] = {}
            for column, key, label in (
                (QUANTITY, "quantity", _("quantity")),
                (UNIT_PRICE, "unit_price", _("unit price")),
            ):
                item = table.item(row, column)
                try:
                    values[key] = parse_amount(item.text() if item else "", self._formats)
                except MoneyError as error:
                    raise MoneyError(
                        _("Recurring billing line {number}, {field}: {reason}").format(
                            number=row + 1, field=label, reason=error
                        )
                    ) from None
            description = table.item(row, DESCRIPTION)
            line_id = description.data(ID_ROLE) if description is not None else ""
            result.append(
                RecurringLine(
                    description=description.text() if description is not None else "",
                    tax_code=str(self._widget(row, TAX_CODE, QComboBox).currentData()) or None,
                    day_of_month=self._widget(row, DAY, QSpinBox).value(),
                    start_month=pydate(self._widget(row, START, QDateEdit).date()),
                    end_month=self._end(row),
                    id=uuid.UUID(str(line_id)) if line_id else None,
                    **values,
                )
            )
        return tuple(result)

    def _end(self, row: int) -> dt.date | None:
        edit = self._widget(row, END, QDateEdit)
        return None if edit.date() == OPEN_END else pydate(edit.date())

    def _widget(self, row: int, column: int, kind: type) -> Any:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, kind)
        return widget
