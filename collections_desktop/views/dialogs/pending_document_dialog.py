"""A pending (draft) invoice opened from the Pending documents page: its due date, its
exchange rate (another currency than the company's) and its lines, before it is issued.

Typing a quantity or a unit price works the line's amount out again; an amount typed
over stays as typed (a discount, a rounding agreed with the customer). The totals under
the table (net, tax by code, total) follow every change. The dialog only shows and
reads: ``models.billing.pending.save_draft`` checks and saves, over the draft's version.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import MoneyError, round_money
from collections_desktop.models.billing.pending import Draft, DraftChanges, DraftLine
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import date_edit, hint_label, parse_amount, pydate
from collections_desktop.views.dialogs.grids import dense_grid
from collections_desktop.views.dialogs.recurring_billing import figure
from collections_desktop.views.style import tabular_font

ID_ROLE = Qt.ItemDataRole.UserRole
DESCRIPTION, QUANTITY, UNIT_PRICE, TAX_CODE, AMOUNT = range(5)


class PendingDocumentDialog(ActionDialog):
    """One draft; Save emits ``submitted`` with ``DraftChanges``."""

    def __init__(self, draft: Draft, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(
            _("Pending invoice · {account} {name}").format(
                account=draft.account, name=draft.customer_name
            ),
            _("Save"),
            parent,
        )
        self.setObjectName("pending_document_dialog")
        self.setMinimumWidth(820)
        self.draft = draft
        self._formats = formats
        self._filling = False
        values = draft.values
        self.form.addRow(_("Customer:"), QLabel(f"{draft.account} {draft.customer_name}"))
        self.form.addRow(_("Invoice date:"), QLabel(formats.date(draft.document_date)))
        self.due_edit = date_edit(values.due_date, formats, "draft_due_date")
        self.due_edit.setMaximumWidth(180)
        self.form.addRow(_("&Due date:"), self.due_edit)
        self.rate_edit: QLineEdit | None = None
        if draft.currency != draft.accounting_currency:
            self.rate_edit = QLineEdit(
                figure(values.exchange_rate, formats) if values.exchange_rate else ""
            )
            self.rate_edit.setObjectName("draft_exchange_rate")
            self.rate_edit.setMaximumWidth(140)
            self.rate_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.rate_edit.setPlaceholderText(_("needed to issue"))
            self.form.addRow(
                _("&Exchange rate {currency} → {accounting}:").format(
                    currency=draft.currency, accounting=draft.accounting_currency
                ),
                self.rate_edit,
            )
        self.totals = QLabel()
        self.totals.setObjectName("draft_totals")
        self.totals.setFont(tabular_font(self.totals.font()))
        table = self.table = QTableWidget(0, 5)
        table.setObjectName("draft_lines")
        table.setHorizontalHeaderLabels(
            [
                _("Product or service"),
                _("Quantity"),
                _("Unit price"),
                _("Tax code"),
                _("Amount ({currency})").format(currency=draft.currency),
            ]
        )
        dense_grid(table, len(values.lines), 10, editable=True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for line in values.lines:
            self.add_line(line)
        table.itemChanged.connect(self._changed)
        self.body.addWidget(table, 1)
        buttons = QHBoxLayout()
        for text, name, slot in (
            (_("Add line"), "draft_add_line", lambda: self.add_line(None)),
            (_("Remove line"), "draft_remove_line", self.remove_lines),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.totals)
        self.body.addLayout(buttons)
        self.body.addWidget(
            hint_label(
                _(
                    "Prices are before tax; the tax of each code is worked out on the lines "
                    "carrying it. Nothing is posted until the invoice is issued."
                )
            )
        )
        self._show_totals()

    # --- lines --------------------------------------------------------------------------

    def add_line(self, line: DraftLine | None) -> int:
        """A row for ``line`` (an empty new one when None); its number."""
        table = self.table
        self._filling = True
        row = table.rowCount()
        table.insertRow(row)
        description = QTableWidgetItem(line.description if line else "")
        description.setData(ID_ROLE, line.id.hex if line and line.id else "")
        table.setItem(row, DESCRIPTION, description)
        cells = (
            (QUANTITY, figure(line.quantity, self._formats) if line else "1"),
            (UNIT_PRICE, self._formats.amount(line.unit_price) if line else ""),
            (AMOUNT, self._formats.amount(line.amount) if line else ""),
        )
        for column, text in cells:
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, item)
        tax = QComboBox()
        tax.addItem(_("(no tax)"), "")
        for choice in self.draft.tax_codes:
            tax.addItem(f"{choice.code} ({self._formats.number(choice.rate, 0)} %)", choice.code)
        default = self.draft.tax_codes[0].code if self.draft.tax_codes and line is None else ""
        tax.setCurrentIndex(max(tax.findData((line.tax_code or "") if line else default), 0))
        tax.currentIndexChanged.connect(self._show_totals)
        table.setCellWidget(row, TAX_CODE, tax)
        self._filling = False
        if line is None:
            table.setCurrentCell(row, DESCRIPTION)
        self._show_totals()
        return row + 1

    def remove_lines(self) -> None:
        """Remove the selected lines (the current one when none is selected)."""
        table = self.table
        rows = sorted({index.row() for index in table.selectedIndexes()}, reverse=True)
        if not rows and table.currentRow() >= 0:
            rows = [table.currentRow()]
        for row in rows:
            table.removeRow(row)
        self._show_totals()

    def _changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        if item.column() in (QUANTITY, UNIT_PRICE):
            try:
                quantity = self._figure(item.row(), QUANTITY)
                price = self._figure(item.row(), UNIT_PRICE)
            except MoneyError:
                pass
            else:
                self._filling = True
                amount = round_money(quantity * price, self.draft.places)
                target = self.table.item(item.row(), AMOUNT)
                if target is not None:
                    target.setText(self._formats.amount(amount))
                self._filling = False
        self._show_totals()

    def _figure(self, row: int, column: int) -> Decimal:
        item = self.table.item(row, column)
        return parse_amount(item.text() if item is not None else "", self._formats)

    def _show_totals(self) -> None:
        try:
            lines = self.lines()
        except ValueError:
            self.totals.setText(_("Totals: check the figures"))
            return
        totals = self.draft.totals(lines)
        fmt, currency = self._formats, self.draft.currency
        parts = [_("Net {amount}").format(amount=fmt.amount(totals.net))]
        parts += [f"{tax.code} {fmt.amount(tax.amount)}" for tax in totals.taxes]
        parts.append(_("Total {amount}").format(amount=fmt.money(totals.total, currency)))
        self.totals.setText(" · ".join(parts))

    # --- what was entered ---------------------------------------------------------------

    def check(self) -> str | None:
        """Every figure must read as a number; the rules check the rest."""
        try:
            self.value()
        except ValueError as error:
            return str(error)
        return None

    def lines(self) -> tuple[DraftLine, ...]:
        """The lines as edited (``MoneyError`` naming the line for an unreadable figure)."""
        table = self.table
        result = []
        for row in range(table.rowCount()):
            values: dict[str, Decimal] = {}
            for column, key, label in (
                (QUANTITY, "quantity", _("quantity")),
                (UNIT_PRICE, "unit_price", _("unit price")),
                (AMOUNT, "amount", _("amount")),
            ):
                try:
                    values[key] = self._figure(row, column)
                except MoneyError as error:
                    raise MoneyError(
                        _("Line {number}, {field}: {reason}").format(
                            number=row + 1, field=label, reason=error
                        )
                    ) from None
            description = table.item(row, DESCRIPTION)
            line_id = description.data(ID_ROLE) if description is not None else ""
            result.append(
                DraftLine(
                    description=description.text() if description is not None else "",
                    tax_code=str(self._combo(row).currentData()) or None,
                    id=uuid.UUID(str(line_id)) if line_id else None,
                    **values,
                )
            )
        return tuple(result)

    def _combo(self, row: int) -> Any:
        combo = self.table.cellWidget(row, TAX_CODE)
        assert isinstance(combo, QComboBox)
        return combo

    def value(self) -> DraftChanges:
        """The draft as edited."""
        rate = None
        if self.rate_edit is not None and self.rate_edit.text().strip():
            try:
                rate = parse_amount(self.rate_edit.text(), self._formats)
            except MoneyError as error:
                raise MoneyError(_("Exchange rate: {reason}").format(reason=error)) from None
        return DraftChanges(
            due_date=pydate(self.due_edit.date()), exchange_rate=rate, lines=self.lines()
        )
