"""Assign to customer…: a statement line nobody's rules placed, given to a customer by hand.

The user searches the customer (account or name), and may tick the open items the line
pays, with an amount each; with nothing ticked the whole amount stays unsettled on the
customer (a payment on account, settled later). What stays unsettled is shown live.
``submitted`` carries ``AssignedLine``; the page confirms the line with it in one write
transaction, and a refusal of the receipt shows inline here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.bank.read import BankLineRow
from collections_desktop.models.receipts.record import PayingCustomer
from collections_desktop.models.screens.customer_card import TransactionRow
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import hint_label
from collections_desktop.views.dialogs.grids import dense_grid
from collections_desktop.views.itemmodels.marks import MarkModel
from collections_desktop.views.style import tabular_font
from collections_desktop.views.widgets.customer_search import line_edit

if TYPE_CHECKING:
    from collections_desktop.views.widgets.customer_search import CustomerSearch


@dataclass(frozen=True)
class AssignedLine:
    """The customer a line goes to, and the open items it settles (none: on account)."""

    customer_id: uuid.UUID
    allocations: dict[uuid.UUID, Decimal]


class AssignLineDialog(ActionDialog):
    """Choose the customer of a statement line and, optionally, the items it pays."""

    customer_requested = Signal(object)
    """A customer picked in the search: the page reads their open items (``show_customer``)."""

    def __init__(
        self,
        line: BankLineRow,
        formats: Formats,
        customer_search: Callable[[QWidget], CustomerSearch],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Assign to customer"), _("Confirm"), parent)
        self.setObjectName("bank_assign_dialog")
        self.setMinimumWidth(720)
        self.line = line
        self._formats = formats
        self._customer: PayingCustomer | None = None
        facts = QLabel(
            _("{amount} received on {date}").format(
                amount=formats.money(line.amount, line.currency),
                date=formats.date(line.booking_date),
            )
        )
        facts.setObjectName("bank_assign_line")
        facts.setFont(tabular_font(facts.font(), bold=True))
        self.form.addRow(_("Line"), facts)
        if line.counterparty_name or line.counterparty_iban:
            payer = " · ".join(t for t in (line.counterparty_name, line.counterparty_iban) if t)
            self.form.addRow(_("From"), QLabel(payer))
        if line.remittance:
            text = QLabel(line.remittance)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(_("Text"), text)
        self.customer_search = customer_search(self)
        self.customer_search.chosen.connect(self.customer_requested)
        self.finished.connect(lambda _result: self.customer_search.cancel())
        line_edit(self.customer_search.combo).setPlaceholderText(_("Search by account or name"))
        self.form.addRow(_("C&ustomer"), self.customer_search.combo)
        self.model = MarkModel((), formats, self)
        self.view = QTableView()
        self.view.setObjectName("bank_assign_grid")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.empty = hint_label(_("Choose the customer first."), "bank_assign_empty")
        self.remainder = QLabel()
        self.remainder.setObjectName("bank_assign_remainder")
        self.remainder.setFont(tabular_font(self.font(), 1, bold=True))
        self.remainder.setWordWrap(True)
        self.body.addWidget(
            hint_label(
                _(
                    "Tick the items this payment settles, or none: the whole amount then "
                    "stays unsettled on the customer, to settle later."
                )
            )
        )
        self.body.addWidget(self.view, 1)
        self.body.addWidget(self.empty)
        self.body.addWidget(self.remainder)
        self._show_rows()
        self.customer_search.combo.setFocus()

    @property
    def customer(self) -> PayingCustomer | None:
        """The customer chosen (None before one is)."""
        return self._customer

    def show_customer(self, customer: PayingCustomer) -> None:
        """The customer chosen, with their open items in the line's currency."""
        self._customer = customer
        self.customer_search.show_label(customer.label)
        self._show_rows()

    def _show_rows(self) -> None:
        rows: tuple[TransactionRow, ...] = ()
        if self._customer is not None:
            rows = tuple(
                r
                for r in self._customer.open_debits
                if r.currency == self.line.currency and r.open_amount > ZERO
            )
        self.model = MarkModel(rows, self._formats, self)
        self.view.setModel(self.model)
        dense_grid(self.view, len(rows), editable=True)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.resizeColumnsToContents()
        self.model.marks_changed.connect(self._update)
        self.view.setVisible(bool(rows))
        if self._customer is None:
            self.empty.setText(_("Choose the customer first."))
        else:
            self.empty.setText(
                _("Nothing of {customer} is open in {currency}: the whole amount stays "
                  "unsettled on the customer.").format(
                    customer=self._customer.label, currency=self.line.currency
                )
            )  # fmt: skip
        self.empty.setVisible(not rows)
        self._update()

    def ticked(self) -> dict[uuid.UUID, Decimal]:
        """The ticked items and their amounts (what is no amount counts zero)."""
        return {
            self.model.transaction(row).id: self.model.amount(row) or ZERO
            for row in self.model.marked()
        }

    def _update(self) -> None:
        fmt = self._formats
        left = self.line.amount - sum(self.ticked().values(), ZERO)
        marked = len(self.model.marked())
        paid = ngettext("{count} ticked", "{count} ticked", marked).format(count=fmt.count(marked))
        if left < ZERO:
            text = _("{paid} · the ticks exceed the payment by {amount}").format(
                paid=paid, amount=fmt.money(-left, self.line.currency)
            )
        else:
            text = _("{paid} · left unsettled: {amount}").format(
                paid=paid, amount=fmt.money(left, self.line.currency)
            )
        self.remainder.setText(text)

    def check(self) -> str | None:
        """Refuse what cannot be sent; the receipt checks everything again."""
        if self._customer is None:
            return _("Choose the customer first.")
        for row in self.model.marked():
            if self.model.amount(row) is None:
                return _("The amount for {document}, “{text}”, is not an amount.").format(
                    document=self.model.transaction(row).document_number,
                    text=self.model.amount_text(row),
                )
        ticked = sum(self.ticked().values(), ZERO)
        if ticked > self.line.amount:
            return _(
                "The ticked amounts total {ticked}, more than the {amount} received. Lower "
                "the amounts."
            ).format(
                ticked=self._formats.money(ticked, self.line.currency),
                amount=self._formats.money(self.line.amount, self.line.currency),
            )
        return None

    def value(self) -> AssignedLine:
        """What was chosen (call after ``check``)."""
        assert self._customer is not None
        return AssignedLine(self._customer.id, {k: v for k, v in self.ticked().items() if v})
