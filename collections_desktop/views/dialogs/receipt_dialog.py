"""Record payment, Refund and the state moves of payments (deposit, clear, return).

Record payment asks for the customer (a search box when opened without one), the date,
the amount and currency, the method and its reference (a cheque's number, bank and due
date), and how to settle it: tick the invoices it pays, with an amount each (partial
amounts allowed), or settle the total oldest due first. What stays unsettled is shown
live as the amount and the ticks change. The dialog checks what it can (an amount that is
no amount, ticks above the payment); the rules (``models.receipts.record``) check
everything again when the controller writes, and their refusal shows inline.

No dialog here touches the database: rows come in as plain values, ``submitted`` carries
a ``PaymentEntry``, a ``RefundEntry`` or a ``StateInput``, and the controller
(``views/actions/receipts.py``) writes it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTableView,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import ZERO, MoneyError
from collections_desktop.models.db.schema.enums import (
    INSTRUMENT_METHODS,
    PaymentMethod,
    PaymentState,
)
from collections_desktop.models.receipts.methods import METHOD_NAMES, state_name
from collections_desktop.models.receipts.record import PayingCustomer, PaymentEntry
from collections_desktop.models.receipts.refund import RefundEntry
from collections_desktop.models.screens.customer_card import TransactionRow
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import date_edit, hint_label, parse_amount, pydate
from collections_desktop.views.dialogs.grids import dense_grid
from collections_desktop.views.itemmodels.marks import MarkModel
from collections_desktop.views.style import tabular_font
from collections_desktop.views.widgets.customer_search import line_edit

if TYPE_CHECKING:
    # The search reads the database; the caller makes it (the dialog only shows it).
    from collections_desktop.views.widgets.customer_search import CustomerSearch


def _amount_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    field.setFont(tabular_font(field.font()))
    field.setMaximumWidth(160)
    return field


def _grid(model: MarkModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    dense_grid(view, model.rowCount(), editable=True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    return view


def _fit(view: QTableView) -> None:
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    header.setSectionResizeMode(MarkModel.MARK, QHeaderView.ResizeMode.ResizeToContents)
    header.resizeSection(MarkModel.AMOUNT, max(header.sectionSize(MarkModel.AMOUNT), 130))


class RecordPaymentDialog(ActionDialog):
    """A payment received; ``submitted`` carries a ``PaymentEntry``.

    ``customer_requested`` asks the controller for a customer picked in the search box
    (``show_customer`` then fills the dialog). ``submission_id`` is made once per dialog:
    a submit sent twice posts once.
    """

    customer_requested = Signal(object)

    def __init__(
        self,
        today: dt.date,
        formats: Formats,
        currencies: Sequence[str],
        *,
        customer: PayingCustomer | None = None,
        customer_search: Callable[[QWidget], CustomerSearch] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Record payment"), _("Record"), parent)
        self.setObjectName("record_payment_dialog")
        self.setMinimumWidth(760)
        self._formats = formats
        self._customer: PayingCustomer | None = None
        self.submission_id = uuid.uuid4()
        self.customer_search: CustomerSearch | None = None
        self.customer_label = QLabel()
        self.customer_label.setObjectName("payment_customer_label")
        if customer is None and customer_search is not None:
            self.customer_search = customer_search(self)
            self.customer_search.chosen.connect(self.customer_requested)
            self.finished.connect(lambda _result: self._cancel_search())
            line_edit(self.customer_search.combo).setPlaceholderText(_("Search by account or name"))
            self.form.addRow(_("C&ustomer"), self.customer_search.combo)
        else:
            self.form.addRow(_("Customer"), self.customer_label)
        self.date = date_edit(today, formats, "payment_date")
        self.amount = _amount_field("payment_amount")
        self.currency = QComboBox()
        self.currency.setObjectName("payment_currency")
        for code in currencies:
            self.currency.addItem(code, code)
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount)
        amount_row.addWidget(self.currency)
        amount_row.addStretch(1)
        self.rate = QLineEdit()
        self.rate.setObjectName("payment_rate")
        self.rate.setMaximumWidth(160)
        self.rate_label = QLabel(_("Exchange &rate"))
        self.rate_label.setBuddy(self.rate)
        self.method = QComboBox()
        self.method.setObjectName("payment_method")
        for method, name in METHOD_NAMES.items():
            self.method.addItem(_(name), str(method))
        self.method.setCurrentIndex(self.method.findData(str(PaymentMethod.BANK_TRANSFER)))
        self.reference = QLineEdit()
        self.reference.setObjectName("payment_reference")
        self.reference.setMaxLength(100)
        self.reference_label = QLabel(_("R&eference"))
        self.reference_label.setBuddy(self.reference)
        self.bank = QLineEdit()
        self.bank.setObjectName("payment_bank")
        self.bank.setMaxLength(100)
        self.bank.setPlaceholderText(_("The bank the cheque is drawn on"))
        self.bank_label = QLabel(_("&Bank"))
        self.bank_label.setBuddy(self.bank)
        self.due = date_edit(today, formats, "payment_instrument_due")
        self.due_label = QLabel(_("D&ue date"))
        self.due_label.setBuddy(self.due)
        self.form.addRow(_("&Date received"), self.date)
        amount_label = QLabel(_("&Amount"))
        amount_label.setBuddy(self.amount)
        self.form.addRow(amount_label, amount_row)
        self.form.addRow(self.rate_label, self.rate)
        self.form.addRow(_("&Method"), self.method)
        self.form.addRow(self.reference_label, self.reference)
        self.form.addRow(self.bank_label, self.bank)
        self.form.addRow(self.due_label, self.due)

        self.tick_mode = QRadioButton(_("&Tick the invoices it pays"))
        self.tick_mode.setObjectName("payment_tick_mode")
        self.oldest_mode = QRadioButton(_("Settle &oldest first"))
        self.oldest_mode.setObjectName("payment_oldest_mode")
        self.oldest_mode.setToolTip(
            _("The amount pays the open invoices by due date, oldest first; the rest stays open")
        )
        modes = QButtonGroup(self)
        modes.addButton(self.tick_mode)
        modes.addButton(self.oldest_mode)
        self.tick_mode.setChecked(True)
        mode_row = QHBoxLayout()
        mode_row.addWidget(self.tick_mode)
        mode_row.addWidget(self.oldest_mode)
        mode_row.addStretch(1)
        self.model = MarkModel((), formats, self)
        self.view = _grid(self.model, "payment_grid")
        self.empty = hint_label(_("Choose the customer first."), "payment_empty")
        self.remainder = QLabel()
        self.remainder.setObjectName("payment_remainder")
        self.remainder.setFont(tabular_font(self.font(), 1, bold=True))
        self.remainder.setWordWrap(True)
        self.body.addLayout(mode_row)
        self.body.addWidget(self.view, 1)
        self.body.addWidget(self.empty)
        self.body.addWidget(self.remainder)

        self.amount.textChanged.connect(self._update)
        self.currency.currentIndexChanged.connect(self._currency_changed)
        self.method.currentIndexChanged.connect(self._method_changed)
        self.tick_mode.toggled.connect(self._update)
        self._method_changed()
        if customer is not None:
            self.show_customer(customer)
        else:
            self._show_rows()
        self.amount.setFocus()

    # --- filling ------------------------------------------------------------------------

    def _cancel_search(self) -> None:
        if self.customer_search is not None:
            self.customer_search.cancel()

    def show_customer(self, customer: PayingCustomer) -> None:
        """The customer whose payment this is, with its open debits."""
        self._customer = customer
        self.customer_label.setText(customer.label)
        if self.customer_search is not None:
            self.customer_search.show_label(customer.label)
        index = self.currency.findData(customer.currency)
        if index >= 0:
            self.currency.setCurrentIndex(index)
        self._currency_changed()

    @property
    def customer(self) -> PayingCustomer | None:
        """The customer chosen (None before one is)."""
        return self._customer

    def _rows(self) -> tuple[TransactionRow, ...]:
        if self._customer is None:
            return ()
        currency = self.currency.currentData()
        return tuple(r for r in self._customer.open_debits if r.currency == currency)

    def _show_rows(self) -> None:
        rows = self._rows()
        self.model = MarkModel(rows, self._formats, self)
        self.view.setModel(self.model)
        dense_grid(self.view, len(rows), editable=True)
        _fit(self.view)
        self.model.marks_changed.connect(self._update)
        self.view.setVisible(bool(rows))
        if self._customer is None:
            self.empty.setText(_("Choose the customer first."))
        else:
            self.empty.setText(
                _("Nothing is open in {currency}: the whole payment stays unsettled.").format(
                    currency=self.currency.currentData()
                )
            )
        self.empty.setVisible(not rows)
        self._update()

    def _currency_changed(self) -> None:
        customer = self._customer
        currency = self.currency.currentData()
        foreign = customer is not None and currency != customer.accounting_currency
        self.rate.setVisible(foreign)
        self.rate_label.setVisible(foreign)
        if foreign and customer is not None:
            rate = customer.rates.get(currency)
            self.rate.setText(self._formats.number(rate, 6) if rate is not None else "")
            self.rate_label.setText(
                _("Exchange &rate to {accounting}").format(accounting=customer.accounting_currency)
            )
        self._show_rows()

    def _method_changed(self) -> None:
        method = self.method.currentData()
        instrument = method in INSTRUMENT_METHODS
        self.bank.setVisible(instrument)
        self.bank_label.setVisible(instrument)
        note = method == PaymentMethod.PROMISSORY_NOTE
        self.due.setVisible(note)
        self.due_label.setVisible(note)
        if method == PaymentMethod.CHEQUE:
            self.reference_label.setText(_("Cheque &number"))
        elif note:
            self.reference_label.setText(_("Note &number"))
        else:
            self.reference_label.setText(_("R&eference"))
        self.reference.setPlaceholderText(
            _("Required") if instrument else _("Optional, e.g. the bank transfer's reference")
        )

    # --- figures ------------------------------------------------------------------------

    def payment_amount(self) -> Decimal | None:
        """The amount typed (None when it is empty or no amount)."""
        try:
            return parse_amount(self.amount.text(), self._formats)
        except MoneyError:
            return None

    def ticked(self) -> dict[uuid.UUID, Decimal]:
        """The ticked documents and their amounts (what is no amount counts zero)."""
        return {
            self.model.transaction(row).id: self.model.amount(row) or ZERO
            for row in self.model.marked()
        }

    def oldest_first_plan(self, amount: Decimal) -> list[tuple[TransactionRow, Decimal]]:
        """What the amount would pay, oldest due first (the rules make the same choice)."""
        rows = sorted(self._rows(), key=lambda r: (r.due_date, r.posting_date, r.voucher))
        plan, left = [], amount
        for row in rows:
            if left <= ZERO:
                break
            take = min(left, row.open_amount)
            plan.append((row, take))
            left -= take
        return plan

    def unsettled(self) -> Decimal | None:
        """What stays open on the payment as entered now (None: no amount typed yet)."""
        amount = self.payment_amount()
        if amount is None:
            return None
        if self.oldest_mode.isChecked():
            return amount - sum((take for _row, take in self.oldest_first_plan(amount)), ZERO)
        return amount - sum(self.ticked().values(), ZERO)

    def _update(self) -> None:
        fmt = self._formats
        currency = self.currency.currentData() or ""
        self.view.setEnabled(self.tick_mode.isChecked())
        amount = self.payment_amount()
        left = self.unsettled()
        if amount is None or left is None:
            self.remainder.setText(_("Type the amount received."))
            return
        if self.oldest_mode.isChecked():
            plan = self.oldest_first_plan(amount)
            paid = ngettext(
                "Pays {count} invoice oldest first", "Pays {count} invoices oldest first", len(plan)
            ).format(count=fmt.count(len(plan)))
        else:
            marked = len(self.model.marked())
            paid = ngettext("{count} ticked", "{count} ticked", marked).format(
                count=fmt.count(marked)
            )
        if left < ZERO:
            text = _("{paid} · the ticks exceed the payment by {amount}").format(
                paid=paid, amount=fmt.money(-left, currency)
            )
        else:
            text = _("{paid} · left unsettled: {amount}").format(
                paid=paid, amount=fmt.money(left, currency)
            )
        self.remainder.setText(text)

    # --- ActionDialog -------------------------------------------------------------------

    def check(self) -> str | None:
        """Refuse what cannot be sent at all; the rules check everything again."""
        fmt = self._formats
        if self._customer is None:
            return _("Choose the customer first.")
        try:
            amount = parse_amount(self.amount.text(), fmt)
        except MoneyError as error:
            return _("The payment's amount: {problem}").format(problem=error)
        if amount <= ZERO:
            return _("The payment's amount must be greater than zero.")
        if self.tick_mode.isChecked():
            for row in self.model.marked():
                if self.model.amount(row) is None:
                    txn = self.model.transaction(row)
                    return _("The amount for {document}, “{text}”, is not an amount.").format(
                        document=txn.document_number, text=self.model.amount_text(row)
                    )
            ticked = sum(self.ticked().values(), ZERO)
            if ticked > amount:
                return _(
                    "The ticked amounts total {ticked} {currency}, more than the payment's "
                    "{amount}. Lower the amounts or raise the payment."
                ).format(
                    ticked=fmt.amount(ticked),
                    amount=fmt.amount(amount),
                    currency=self.currency.currentData(),
                )
        if self.rate.isVisible():
            try:
                parse_amount(self.rate.text(), fmt, places=10)
            except MoneyError:
                return _("Enter the exchange rate.")
        return None

    def value(self) -> PaymentEntry:
        """What was entered (call after ``check``)."""
        assert self._customer is not None  # check() refused without one
        method = self.method.currentData()
        rate = None
        if self.rate.isVisible():
            rate = parse_amount(self.rate.text(), self._formats, places=10)
        oldest = self.oldest_mode.isChecked()
        return PaymentEntry(
            customer_id=self._customer.id,
            payment_date=pydate(self.date.date()),
            amount=parse_amount(self.amount.text(), self._formats),
            currency=self.currency.currentData(),
            method=method,
            reference=self.reference.text(),
            bank_name=self.bank.text() if method in INSTRUMENT_METHODS else None,
            instrument_due_date=(
                pydate(self.due.date()) if method == PaymentMethod.PROMISSORY_NOTE else None
            ),
            allocations={} if oldest else {k: v for k, v in self.ticked().items() if v},
            oldest_first=oldest,
            exchange_rate=rate,
            submission_id=self.submission_id,
        )


class RefundDialog(ActionDialog):
    """Pay a credit balance back; ``submitted`` carries a ``RefundEntry``.

    Tick the credits to pay out (the amount follows the ticks), or type an amount and
    tick none: the oldest credits are used first.
    """

    def __init__(
        self,
        customer_id: uuid.UUID,
        label: str,
        credits: Sequence[TransactionRow],
        today: dt.date,
        formats: Formats,
        *,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Refund · {customer}").format(customer=label), _("Refund"), parent)
        self.setObjectName("refund_dialog")
        self.setMinimumWidth(700)
        self._formats = formats
        self._customer_id = customer_id
        currencies = sorted({row.currency for row in credits})
        self._currency = currencies[0] if currencies else ""
        self._rows = tuple(r for r in credits if r.currency == self._currency)
        hint = hint_label(
            _(
                "Tick the credit notes and overpayments to pay back, or type an amount and "
                "tick none: the oldest credits are used first."
            )
        )
        self.model = MarkModel(self._rows, formats, self)
        self.view = _grid(self.model, "refund_grid")
        _fit(self.view)
        self.total = QLabel()
        self.total.setObjectName("refund_total")
        self.total.setFont(tabular_font(self.font(), 1, bold=True))
        self.date = date_edit(today, formats, "refund_date")
        self.amount = _amount_field("refund_amount")
        self.method = QComboBox()
        self.method.setObjectName("refund_method")
        for method in (PaymentMethod.BANK_TRANSFER, PaymentMethod.CHEQUE, PaymentMethod.CASH):
            self.method.addItem(_(METHOD_NAMES[method]), str(method))
        self.reference = QLineEdit()
        self.reference.setObjectName("refund_reference")
        self.reference.setMaxLength(100)
        self.body.insertWidget(0, hint)
        self.body.insertWidget(1, self.view, 1)
        self.body.insertWidget(2, self.total)
        self.form.addRow(_("&Date"), self.date)
        self.form.addRow(_("&Amount ({currency})").format(currency=self._currency), self.amount)
        self.form.addRow(_("&Method"), self.method)
        self.form.addRow(_("R&eference"), self.reference)
        self.model.marks_changed.connect(self._ticks_changed)
        self._ticks_changed()
        self.ok_button.setEnabled(bool(self._rows))

    def _ticks_changed(self) -> None:
        ticked = sum((self.model.amount(r) or ZERO for r in self.model.marked()), ZERO)
        available = sum((-r.open_amount for r in self._rows), ZERO)
        if self.model.marked():
            self.amount.setText(self._formats.amount(ticked))
        self.total.setText(
            _("Credit open: {open} · ticked: {ticked}").format(
                open=self._formats.money(available, self._currency),
                ticked=self._formats.money(ticked, self._currency),
            )
        )

    def check(self) -> str | None:
        """An amount that is no amount is refused here; the rules check the rest."""
        try:
            parse_amount(self.amount.text(), self._formats)
        except MoneyError as error:
            return _("The refund's amount: {problem}").format(problem=error)
        return None

    def value(self) -> RefundEntry:
        """What was entered."""
        credits = {
            self.model.transaction(r).id: self.model.amount(r) or ZERO for r in self.model.marked()
        }
        return RefundEntry(
            customer_id=self._customer_id,
            refund_date=pydate(self.date.date()),
            amount=parse_amount(self.amount.text(), self._formats),
            currency=self._currency,
            method=self.method.currentData(),
            reference=self.reference.text(),
            credits=credits,
        )


@dataclass(frozen=True)
class StateInput:
    """A move of payments to another state: which, to what, on which date, why."""

    transaction_ids: tuple[uuid.UUID, ...]
    to_state: str
    state_date: dt.date
    note: str | None


class PaymentStateDialog(ActionDialog):
    """Deposit, clear or return the chosen payments on a date; ``submitted``: ``StateInput``."""

    def __init__(
        self,
        documents: Sequence[tuple[uuid.UUID, str]],
        to_state: str,
        today: dt.date,
        formats: Formats,
        *,
        parent: QWidget | None = None,
    ) -> None:
        verbs: dict[str, str] = {
            PaymentState.DEPOSITED: _("Deposit"),
            PaymentState.CLEARED: _("Clear"),
            PaymentState.RETURNED: _("Return (NSF)"),
        }
        verb = verbs.get(to_state, state_name(to_state))
        super().__init__(verb, verb, parent)
        self.setObjectName("payment_state_dialog")
        self._ids = tuple(txn_id for txn_id, _number in documents)
        self._to_state = to_state
        names = ", ".join(number for _id, number in documents)
        self.form.addRow(_("Payments"), QLabel(names))
        self.date = date_edit(today, formats, "payment_state_date")
        self.form.addRow(_("&Date"), self.date)
        self.note = QLineEdit()
        self.note.setObjectName("payment_state_note")
        self.note.setMaxLength(200)
        self.form.addRow(_("&Note"), self.note)
        if to_state == PaymentState.RETURNED:
            self.body.addWidget(
                hint_label(
                    _(
                        "A returned payment is processed as NSF: the invoices it paid reopen "
                        "and the bank's NSF fee is charged."
                    )
                )
            )

    def value(self) -> StateInput:
        """The payments, the state, the date and the note."""
        return StateInput(
            self._ids, self._to_state, pydate(self.date.date()), self.note.text().strip() or None
        )
