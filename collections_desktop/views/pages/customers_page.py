"""Customers: every customer the viewer works, with today's balance and credit figures.

One statement (``models.screens.customer_list.list_customers``) reads the customers of
the scope with their exact balances; the pool, group, status and country filters read
again, the grid's filter box narrows by any word shown. The account opens the customer's
record (double-click on it, or *Customer record…*); the name, Enter or a double-click
elsewhere opens the Workspace, as the Account and Customer cells do on every list.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import QComboBox, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.customer_list import (
    CustomerFilterChoices,
    CustomerListRow,
    customer_filter_choices,
    list_customers,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.itemmodels.prepared import PreparedRows, prepare_rows
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.pages.base import ListPage, PageState
from collections_desktop.views.style import alert_colour
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.grid import ListGrid, pool_combo
from collections_desktop.views.widgets.overview_grids import STATUS_NAMES

CUSTOMER_LIMIT = 100_000
"""The most customers listed at once; the page says when there are more."""

STATUS_CHOICES = (
    (N_("All statuses"), ""),
    (N_("Active"), "active"),
    (N_("On hold"), "on_hold"),
    (N_("Closed"), "closed"),
)
"""The account status filter: (label, status or "" for all)."""

(
    ACCOUNT,
    NAME,
    GROUP,
    COUNTRY,
    BALANCE,
    CREDIT_LIMIT,
    STATUS,
    RESPONSIBLE,
) = range(8)


@dataclass(frozen=True)
class CustomersData:
    """What the page shows for one choice of filters."""

    rows: tuple[CustomerListRow, ...]
    truncated: bool
    prepared: PreparedRows[CustomerListRow]
    choices: CustomerFilterChoices


def load_customers(
    database: Database,
    state: TaskState,
    *,
    page: CustomersQuery,
    columns: Sequence[Column[CustomerListRow]],
) -> CustomersData:
    """Read and format the list (runs on the read lane)."""
    with database.sessions() as session:
        rows = list_customers(
            session,
            page.scope,
            page.as_of,
            pool_id=page.pool_id,
            customer_group=page.customer_group,
            account_status=page.account_status,
            country=page.country,
            limit=CUSTOMER_LIMIT + 1,
        )
        state.raise_if_cancelled()
        choices = customer_filter_choices(session, page.scope, page.as_of)
    truncated = len(rows) > CUSTOMER_LIMIT
    shown = tuple(rows[:CUSTOMER_LIMIT])
    state.raise_if_cancelled()
    return CustomersData(shown, truncated, prepare_rows(columns, shown), choices)


@dataclass(frozen=True)
class CustomersQuery:
    """The filters of one read (taken on the GUI thread, read on the worker)."""

    scope: AgentScope
    as_of: dt.date
    pool_id: uuid.UUID | None
    customer_group: str | None
    account_status: str | None
    country: str | None


class CustomersPage(ListPage):
    """Every customer in the viewer's scope; the account opens the record, the name the
    Workspace."""

    key = "customers"
    title = N_("Customers")
    read_failure = N_("The customers could not be read: {reason}")
    description = N_("All your customers with their balances; open a customer's record")
    exportable = True
    busy_width = 140

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self._alert = QColor()
        self._link = QColor()
        self.data: CustomersData | None = None
        self._double_clicked = False
        super().__init__(context, parent)
        self._alert = alert_colour(self.palette())
        self._link = self.palette().color(QPalette.ColorRole.Link)
        self.refresh_action.setToolTip(_("Read the customers again (F5)"))

        self.pool = pool_combo(context.scope, context.icons)
        self.pool.setCurrentIndex(0)
        self.group_filter = self._choice_combo("customer_group_filter", _("All groups"))
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("customer_status_filter")
        for label, value in STATUS_CHOICES:
            self.status_filter.addItem(_(label), value)
        self.country_filter = self._choice_combo("customer_country_filter", _("All countries"))
        self.add_filter(_("&Pool"), self.pool)
        self.add_filter(_("&Group"), self.group_filter)
        self.add_filter(_("&Status"), self.status_filter)
        self.add_filter(_("C&ountry"), self.country_filter)

        icons = context.icons
        self.record_action = QAction(icons.get("customer_record"), _("Customer record…"), self)
        self.record_action.setToolTip(
            _("Addresses, contacts, credit limit and status of the selected customer")
        )
        self.record_action.triggered.connect(self.open_record)
        self.workspace_action = QAction(icons.get("workspace"), _("Workspace"), self)
        self.workspace_action.setToolTip(
            _("The selected customer's Workspace (Enter or double-click)")
        )
        self.workspace_action.triggered.connect(self.open_workspace)
        self.add_actions(
            [
                (self.record_action, "customer_record_button"),
                (self.workspace_action, "customer_workspace_button"),
            ]
        )
        self.grid.view.doubleClicked.connect(self._double_click)
        self.grid.view.activated.connect(self._activated)
        self.grid.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()
        self.grid.set_rows((), _("Loading…"))

    def _choice_combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setMinimumContentsLength(10)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.addItem(everything, "")
        return combo

    def make_grid(self) -> ListGrid[CustomerListRow]:
        """The customers by account, as read."""
        grid: ListGrid[CustomerListRow] = ListGrid(
            "customers",
            customer_columns(self.context.formats),
            {
                ACCOUNT: lambda _r: self._link,
                NAME: lambda _r: self._link,
                BALANCE: lambda r: self._alert if r.balance < 0 else None,
                STATUS: lambda r: self._alert if r.account_status != "active" else None,
            },
            self.context.icons,
            stretch=NAME,
        )
        grid.model.right = {BALANCE, CREDIT_LIMIT}
        grid.sort_by(-1, Qt.SortOrder.AscendingOrder)  # by account, as read
        grid.title.setText(_("Customers"))
        return grid

    # --- public -------------------------------------------------------------------------

    @property
    def pool_id(self) -> uuid.UUID | None:
        """The pool chosen (None: every pool of the viewer)."""
        chosen = self.pool.currentData()
        return uuid.UUID(chosen) if chosen else None

    def load(self) -> None:
        """Read the list with the filters chosen."""
        database, columns = self.context.database, self.grid.model.columns
        query = CustomersQuery(
            scope=self.context.scope,
            as_of=self.context.clock.today(),
            pool_id=self.pool_id,
            customer_group=self.group_filter.currentData() or None,
            account_status=self.status_filter.currentData() or None,
            country=self.country_filter.currentData() or None,
        )
        self.query(
            lambda state: load_customers(database, state, page=query, columns=columns),
            self._loaded,
            failure=self.read_failed,
            name="customers",
        )

    def current_customer(self) -> CustomerListRow | None:
        """The customer selected (the current one when several are)."""
        return self.grid.current_row()

    def open_record(self) -> None:
        """The selected customer's record."""
        row = self.current_customer()
        if row is not None:
            self.record_requested.emit(row.customer_id)

    def open_workspace(self) -> None:
        """The selected customer's Workspace."""
        row = self.current_customer()
        if row is not None:
            self.customer_chosen.emit(row.customer_id)

    def filter_state(self) -> PageState:
        """The status filter."""
        return {"status": str(self.status_filter.currentData()).encode()}

    def restore_filters(self, state: PageState) -> None:
        """Put back the status filter."""
        if "status" in state:
            index = self.status_filter.findData(state["status"].decode(errors="replace"))
            if index >= 0:
                self.status_filter.setCurrentIndex(index)

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, data: CustomersData) -> None:
        self.data = data
        _fill(self.group_filter, data.choices.groups)
        _fill(self.country_filter, data.choices.countries)
        self.grid.set_prepared(data.prepared, _("No customers match these filters."))
        count = len(data.rows)
        formats = self.context.formats
        title = ngettext("{count} customer", "{count} customers", count).format(
            count=formats.count(count)
        )
        if data.truncated:
            title = _("The first {count} customers; choose filters to see the others").format(
                count=formats.count(count)
            )
        self.grid.title.setText(title)
        self._selection_changed()
        total = sum((row.balance for row in data.rows), Decimal(0))
        text = _("{count} · balance {total}").format(count=title, total=formats.amount(total))
        self.set_status(self.with_note(text))
        self.loaded.emit(data)

    # --- reactions ----------------------------------------------------------------------

    def _selection_changed(self, *_args: Any) -> None:
        chosen = self.current_customer() is not None
        self.record_action.setEnabled(chosen)
        self.workspace_action.setEnabled(chosen)

    def _double_click(self, index: QModelIndex) -> None:
        # Qt follows a double-click with ``activated``; this click has been answered.
        self._double_clicked = True
        if not index.isValid():
            return
        row = self.grid.model.row(index)
        if index.column() == ACCOUNT:
            self.record_requested.emit(row.customer_id)
        else:
            self.customer_chosen.emit(row.customer_id)

    def _activated(self, index: QModelIndex) -> None:
        if self._double_clicked:
            self._double_clicked = False
            return
        if index.isValid():  # Enter
            self.customer_chosen.emit(self.grid.model.row(index).customer_id)


def _fill(combo: QComboBox, values: Sequence[str]) -> None:
    """Offer ``values`` after the combo's first entry ("all"), keeping the choice."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for value in values:
        combo.addItem(value, value)
    combo.setCurrentIndex(max(combo.findData(chosen), 0))
    combo.blockSignals(False)


def status_name(status: str) -> str:
    """An account status in words."""
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def customer_columns(fmt: Formats) -> list[Column[CustomerListRow]]:
    """The grid's columns, in the user's formats."""
    return [
        Column(
            _("Account"),
            lambda r: r.account,
            tooltip=lambda r: _("Double-click: the customer's record"),
            fit=Fit.KEY,
        ),
        Column(
            _("Customer"),
            lambda r: r.name,
            tooltip=lambda r: _("{name} · double-click or Enter opens the Workspace").format(
                name=r.name
            ),
            fit=Fit.KEY,
        ),
        Column(_("Group"), lambda r: r.customer_group, fit=Fit.LABEL),
        Column(_("Country"), lambda r: r.country),
        Column(_("Balance"), lambda r: r.balance, text=fmt.amount),
        Column(_("Credit limit"), lambda r: r.credit_limit, text=fmt.amount),
        Column(_("Status"), lambda r: status_name(r.account_status), fit=Fit.KEY),
        Column(_("Responsible"), lambda r: r.responsible_name, fit=Fit.LABEL),
    ]
