"""Payments: the payments recorded with their method, by method and state.

One statement (``models.receipts.read.list_payments``) reads the payments of the viewer's
customers with their method, reference, an instrument's bank and due date, where their
money stands and what is still unsettled. Filters: method, state and the payment date's
range (the last 90 days to start with), e.g. the cheques received and not yet deposited,
with their due dates. On the selected rows: Deposit, Clear and Return (NSF), each a move
the method allows from the row's state (else disabled, saying why), and the Receipt;
Record payment… (Ctrl+R) opens the dialog with a customer search. Export CSV saves the
rows shown.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema.enums import PaymentState
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.receipts.methods import (
    METHOD_NAMES,
    STATE_NAMES,
    allowed_moves,
    method_name,
    state_name,
)
from collections_desktop.models.receipts.read import PaymentFilter, PaymentRow, list_payments
from collections_desktop.views.actions.receipts import ReceiptActions
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.fields import date_edit, pydate, qdate
from collections_desktop.views.itemmodels.prepared import PreparedRows, prepare_rows
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.pages.base import ListPage, PageState
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.grid import ListGrid, pool_combo

DEFAULT_DAYS = 90
"""How far back the date range reaches when the page opens."""

(DATE, PAYMENT, CUSTOMER, METHOD, REFERENCE, BANK, DUE, AMOUNT, UNSETTLED, STATE, SINCE) = range(11)


@dataclass(frozen=True)
class PaymentsData:
    """What the page shows for one choice of filters."""

    rows: tuple[PaymentRow, ...]
    capped: bool
    prepared: PreparedRows[PaymentRow]


def load_payments(
    database: Database,
    state: TaskState,
    *,
    scope: AgentScope,
    as_of: dt.date,
    filters: PaymentFilter,
    columns: Sequence[Column[PaymentRow]],
) -> PaymentsData:
    """Read and format the list (on the read lane)."""
    with database.sessions() as session:
        found = list_payments(session, scope, filters, as_of)
    state.raise_if_cancelled()
    return PaymentsData(found.rows, found.capped, prepare_rows(columns, found.rows))


MOVES: tuple[tuple[str, str, str, str], ...] = (
    # state, icon, text, tooltip (translated where shown)
    (PaymentState.DEPOSITED, "deposit", N_("Deposit"), N_("The cheques or notes went to the bank")),
    (PaymentState.CLEARED, "clear", N_("Clear"), N_("The bank has credited the money")),
    (
        PaymentState.RETURNED,
        "nsf",
        N_("Return (NSF)"),
        N_("Came back unpaid: its invoices reopen and the NSF fee is charged"),
    ),
)


class PaymentsPage(ListPage):
    """Payments by method and state; Deposit, Clear, Return (NSF), Receipt, Record payment."""

    key = "payments"
    title = N_("Payments")
    read_failure = N_("The payments could not be read: {reason}")
    description = N_("Payments received by method and state: cheques to deposit, returns")
    exportable = True
    busy_width = 140

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self.data: PaymentsData | None = None
        super().__init__(context, parent)
        self.refresh_action.setToolTip(_("Read the payments again (F5)"))
        self.receipts = ReceiptActions(context, self)
        self.receipts.changed.connect(self.written)
        self.receipts.refused.connect(self.set_status)
        today = context.clock.today()

        self.pool = pool_combo(context.scope, context.icons)
        self.pool.setCurrentIndex(0)
        self.method_filter = QComboBox()
        self.method_filter.setObjectName("payment_method_filter")
        self.method_filter.addItem(_("All methods"), "")
        for method, name in METHOD_NAMES.items():
            self.method_filter.addItem(_(name), str(method))
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("payment_state_filter")
        self.state_filter.addItem(_("All states"), "")
        for state, name in STATE_NAMES.items():
            self.state_filter.addItem(_(name), str(state))
        self.add_filter(_("&Pool"), self.pool)
        self.add_filter(_("&Method"), self.method_filter)
        self.add_filter(_("S&tate"), self.state_filter)
        self.since = self._date_filter(_("&From"), today - dt.timedelta(days=DEFAULT_DAYS), "since")
        self.until = self._date_filter(_("T&o"), today, "until")

        icons = context.icons
        self.record_action = QAction(icons.get("record_payment"), _("Record payment…"), self)
        self.record_action.setToolTip(_("A payment received, for a customer you search (Ctrl+R)"))
        self.record_action.setShortcut(QKeySequence("Ctrl+R"))
        self.record_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.record_action.triggered.connect(lambda: self.receipts.record())
        self.addAction(self.record_action)
        self.move_actions: dict[str, QAction] = {}
        self._move_tips: dict[str, str] = {}
        buttons = [(self.record_action, "record_payment_button")]
        for state, icon, text, tip in MOVES:
            action = QAction(icons.get(icon), _(text), self)
            action.triggered.connect(lambda _checked=False, to=state: self.move_selected(to))
            self.move_actions[state] = action
            self._move_tips[state] = _(tip)
            buttons.append((action, f"payment_{state}_button"))
        self.receipt_action = QAction(icons.get("receipt"), _("Receipt"), self)
        self.receipt_action.setToolTip(_("Save the receipt as a PDF, in the customer's language"))
        self.receipt_action.triggered.connect(self.print_current)
        buttons.append((self.receipt_action, "payment_receipt_button"))
        self.add_actions(buttons)
        self.grid.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.grid.view.activated.connect(lambda _index: self._open_customer())
        self._selection_changed()
        self.grid.set_rows((), _("Loading…"))

    def _date_filter(self, text: str, day: dt.date, name: str) -> QDateEdit:
        edit = date_edit(day, self.context.formats, f"payment_{name}_filter")
        label = QLabel(text)
        label.setBuddy(edit)
        self.filters.addWidget(label)
        self.filters.addWidget(edit)
        self.filters.addSpacing(6)
        edit.dateChanged.connect(lambda _date: self.filters_changed())
        return edit

    def make_grid(self) -> ListGrid[PaymentRow]:
        """The payments, newest first as read."""
        grid: ListGrid[PaymentRow] = ListGrid(
            "payments",
            payment_columns(self.context.formats),
            {},
            self.context.icons,
            stretch=CUSTOMER,
        )
        grid.model.right = {AMOUNT, UNSETTLED}
        grid.sort_by(-1, Qt.SortOrder.DescendingOrder)
        grid.title.setText(_("Payments"))
        return grid

    # --- public -------------------------------------------------------------------------

    def chosen_filters(self) -> PaymentFilter:
        """The filters chosen now."""
        pool = self.pool.currentData()
        return PaymentFilter(
            method=self.method_filter.currentData() or None,
            state=self.state_filter.currentData() or None,
            since=pydate(self.since.date()),
            until=pydate(self.until.date()),
            pool_id=uuid.UUID(pool) if pool else None,
        )

    def load(self) -> None:
        """Read the list with the filters chosen."""
        database, scope, as_of = (
            self.context.database,
            self.context.scope,
            self.context.clock.today(),
        )
        filters, columns = self.chosen_filters(), self.grid.model.columns
        self.query(
            lambda state: load_payments(
                database, state, scope=scope, as_of=as_of, filters=filters, columns=columns
            ),
            self._loaded,
            failure=self.read_failed,
            name="payments",
        )

    def selected(self) -> list[PaymentRow]:
        """The payments selected."""
        return self.grid.selected_rows()

    def move_selected(self, to_state: str) -> None:
        """Deposit, clear or return the selected payments (each must allow the move)."""
        rows = [r for r in self.selected() if to_state in allowed_moves(r.method, r.state)]
        if rows:
            self.receipts.move([(r.transaction_id, r.document_number) for r in rows], to_state)

    def print_current(self) -> None:
        """The receipt of the payment selected."""
        row = self.grid.current_row()
        if row is not None:
            self.receipts.print_receipt(row.transaction_id)

    def filter_state(self) -> PageState:
        """The method and state filters."""
        return {
            "method": str(self.method_filter.currentData()).encode(),
            "state": str(self.state_filter.currentData()).encode(),
        }

    def restore_filters(self, state: PageState) -> None:
        """Put back the method and state filters."""
        for key, combo in (("method", self.method_filter), ("state", self.state_filter)):
            if key in state:
                index = combo.findData(state[key].decode(errors="replace"))
                if index >= 0:
                    combo.setCurrentIndex(index)

    def set_range(self, since: dt.date, until: dt.date) -> None:
        """Choose the payment dates shown (both included)."""
        self.since.setDate(qdate(since))
        self.until.setDate(qdate(until))

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, data: PaymentsData) -> None:
        self.data = data
        self.grid.set_prepared(
            data.prepared,
            _("No payments match these filters — Record payment… (Ctrl+R)"),
        )
        count = len(data.rows)
        formats = self.context.formats
        title = ngettext("{count} payment", "{count} payments", count).format(
            count=formats.count(count)
        )
        if data.capped:
            title = _("The newest {count} payments; choose filters to see the others").format(
                count=formats.count(count)
            )
        self.grid.title.setText(title)
        self._selection_changed()
        self.set_status(self.with_note(title))
        self.loaded.emit(data)

    def _selection_changed(self, *_args: Any) -> None:
        rows = self.selected()
        for state, action in self.move_actions.items():
            movable = [r for r in rows if state in allowed_moves(r.method, r.state)]
            action.setEnabled(bool(movable))
            tip = self._move_tips[state]
            if not rows:
                tip = f"{tip}\n{_('Select one or more payments first.')}"
            elif not movable:
                tip = "\n".join(
                    (
                        tip,
                        _("No selected payment can become {state}.").format(
                            state=state_name(state).lower()
                        ),
                    )
                )
            action.setToolTip(tip)
        self.receipt_action.setEnabled(self.grid.current_row() is not None)

    def _open_customer(self) -> None:
        row = self.grid.current_row()
        if row is not None:
            self.customer_chosen.emit(row.customer_id)


def payment_columns(fmt: Formats) -> list[Column[PaymentRow]]:
    """The grid's columns, in the user's formats."""

    def day(value: dt.date | None) -> str:
        return fmt.date(value) if value is not None else ""

    return [
        Column(_("Date"), lambda r: r.payment_date, text=day),
        Column(_("Payment"), lambda r: r.document_number, fit=Fit.KEY),
        Column(
            _("Customer"),
            lambda r: r.customer_name,
            tooltip=lambda r: _("{account} · Enter opens the Workspace").format(account=r.account),
            fit=Fit.KEY,
        ),
        Column(_("Method"), lambda r: method_name(r.method), fit=Fit.LABEL),
        Column(_("Reference"), lambda r: r.reference or "", fit=Fit.KEY),
        Column(_("Bank"), lambda r: r.bank_name or "", fit=Fit.LABEL),
        Column(_("Due"), lambda r: r.instrument_due_date, text=day),
        Column(
            _("Amount"),
            lambda r: r.amount,
            text=fmt.amount,
            tooltip=lambda r: fmt.money(r.amount, r.currency),
        ),
        Column(_("Unsettled"), lambda r: r.unsettled, text=fmt.amount),
        Column(_("State"), lambda r: state_name(r.state), fit=Fit.KEY),
        Column(_("Since"), lambda r: r.state_date, text=day),
    ]
