"""Collections cases: the cases of the customers the viewer works, with their figures.

One statement (``models.casework.case_reading.list_cases``) reads the cases with what is
open of their transactions today and how many activities they hold; the status (open by default),
category and pool filters read again, the grid's filter box narrows by any word shown.
Enter or a double-click opens the Collections page on the case's customer, filtered by
that case. New case, Edit, Close and Reopen go through ``CaseDialog``, one transaction
each; ``views.actions.cases.CaseActions`` carries those steps so the Collections page
offers the same ones. This page is the model of a list page: a ``ListPage`` with its
filters, its grid, its actions and a ``load`` that reads through ``self.query``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QComboBox, QInputDialog, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.casework.case_reading import (
    CaseCategoryChoice,
    CaseRow,
    case_categories,
    list_cases,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.views.actions.cases import CaseActions
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.case_dialog import CaseDialog
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.itemmodels.prepared import PreparedRows, count_text, prepare_rows
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.pages.base import ListPage, PageState
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.grid import ListGrid, pool_combo

CASE_LIMIT = 20_000
"""The most cases listed at once; the page says when there are more."""

STATUS_CHOICES = ((N_("Open"), "open"), (N_("Closed"), "closed"), (N_("Open and closed"), ""))
"""The status filter: (label, status or "" for both); labels translated where shown."""

(
    NUMBER,
    OPENED,
    CUSTOMER,
    CATEGORY,
    DESCRIPTION,
    STATUS,
    RESPONSIBLE,
    TRANSACTIONS,
    OPEN_AMOUNT,
    ACTIVITIES,
    CLOSED,
) = range(11)


@dataclass(frozen=True)
class CasesData:
    """What the page shows for one choice of filters."""

    rows: tuple[CaseRow, ...]
    truncated: bool
    prepared: PreparedRows[CaseRow]
    categories: tuple[CaseCategoryChoice, ...]


def load_cases(
    database: Database,
    state: TaskState,
    *,
    scope: AgentScope,
    as_of: dt.date,
    status: str | None,
    category_code: str | None,
    pool_id: uuid.UUID | None,
    columns: Sequence[Column[CaseRow]],
) -> CasesData:
    """Read and format the list (runs on the database lane)."""
    with database.sessions() as session:
        rows = list_cases(
            session,
            scope,
            as_of,
            status=status,
            category_code=category_code,
            pool_id=pool_id,
            limit=CASE_LIMIT + 1,
        )
        categories = tuple(case_categories(session))
    truncated = len(rows) > CASE_LIMIT
    shown = tuple(rows[:CASE_LIMIT])
    state.raise_if_cancelled()
    return CasesData(shown, truncated, prepare_rows(columns, shown), categories)


class CasesPage(ListPage):
    """The cases of the viewer's customers; New case, Edit, Close, Reopen."""

    key = "cases"
    title = N_("Cases")
    read_failure = N_("The cases could not be read: {reason}")
    description = N_("The collections cases of your customers")
    busy_width = 140

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self._muted = QColor()
        self.data: CasesData | None = None
        super().__init__(context, parent)
        self._muted = muted_colour(self.palette())
        self.refresh_action.setToolTip(_("Read the cases again (F5)"))
        self.actions_ = CaseActions(context, self)
        self.actions_.changed.connect(self.written)
        self.actions_.refused.connect(self.set_status)

        self.pool = pool_combo(context.scope, context.icons)
        self.pool.setCurrentIndex(0)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("case_status_filter")
        for label, value in STATUS_CHOICES:
            self.status_filter.addItem(_(label), value)
        self.category_filter = QComboBox()
        self.category_filter.setObjectName("case_category_filter")
        self.category_filter.setMinimumContentsLength(16)
        self.category_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.category_filter.addItem(_("All categories"), "")
        self.add_filter(_("&Pool"), self.pool)
        self.add_filter(_("&Status"), self.status_filter)
        self.add_filter(_("Cate&gory"), self.category_filter)

        icons = context.icons
        self.new_action = QAction(icons.get("new_activity"), _("New case…"), self)
        self.new_action.setToolTip(
            _("Open a case for the customer of the selected case, or for an account you type")
        )
        self.new_action.setEnabled(context.employee_id is not None)
        self.new_action.triggered.connect(lambda: self.new_case())
        self.edit_action = QAction(icons.get("details"), _("Edit…"), self)
        self.edit_action.setToolTip(_("Category, description, responsible and transactions"))
        self.edit_action.triggered.connect(self.edit_current)
        self.close_action = QAction(icons.get("close_activity"), _("Close"), self)
        self.close_action.setToolTip(_("Close the selected case; its activities stay as they are"))
        self.close_action.triggered.connect(self.close_current)
        self.reopen_action = QAction(icons.get("reopen"), _("Reopen"), self)
        self.reopen_action.setToolTip(_("Reopen the selected closed case"))
        self.reopen_action.triggered.connect(self.reopen_current)
        self.collections_action = QAction(icons.get("cases"), _("Collections page"), self)
        self.collections_action.setToolTip(
            _("The customer's cases, transactions and activities (Enter or double-click)")
        )
        self.collections_action.triggered.connect(self._open_collections)
        self.grid.view.addAction(self.collections_action)
        self.record_action = QAction(icons.get("customer_record"), _("Customer record…"), self)
        self.record_action.setToolTip(_("The record of the case's customer"))
        self.record_action.triggered.connect(self._open_record)
        self.grid.view.addAction(self.record_action)
        self.add_actions(
            [
                (self.new_action, "new_case_button"),
                (self.edit_action, "edit_case_button"),
                (self.close_action, "close_case_button"),
                (self.reopen_action, "reopen_case_button"),
            ]
        )
        self.grid.head.insertSpacing(6, 12)
        self.grid.view.activated.connect(self._activated)
        self.grid.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()
        self.grid.set_rows((), _("Loading…"))

    def make_grid(self) -> ListGrid[CaseRow]:
        """The cases, newest first as read, closed ones muted."""
        grid: ListGrid[CaseRow] = ListGrid(
            "cases",
            case_columns(self.context.formats),
            {STATUS: self._closed_colour, CLOSED: self._closed_colour},
            self.context.icons,
            stretch=DESCRIPTION,
        )
        grid.model.right = {TRANSACTIONS, OPEN_AMOUNT, ACTIVITIES}
        grid.sort_by(-1, Qt.SortOrder.DescendingOrder)  # newest first, as read
        grid.title.setText(_("Cases"))
        return grid

    # --- public -------------------------------------------------------------------------

    @property
    def dialog(self) -> CaseDialog | None:
        """The case dialog on screen, if any."""
        return self.actions_.dialog

    @property
    def pool_id(self) -> uuid.UUID | None:
        """The pool chosen (None: every pool of the viewer)."""
        chosen = self.pool.currentData()
        return uuid.UUID(chosen) if chosen else None

    def load(self) -> None:
        """Read the list with the filters chosen."""
        database, scope, as_of = (
            self.context.database,
            self.context.scope,
            self.context.clock.today(),
        )
        status = self.status_filter.currentData() or None
        category = self.category_filter.currentData() or None
        pool_id, columns = self.pool_id, self.grid.model.columns
        self.query(
            lambda state: load_cases(
                database,
                state,
                scope=scope,
                as_of=as_of,
                status=status,
                category_code=category,
                pool_id=pool_id,
                columns=columns,
            ),
            self._loaded,
            failure=self.read_failed,
            name="cases",
        )

    def current_case(self) -> CaseRow | None:
        """The case selected (the current one when several are)."""
        return self.grid.current_row()

    def new_case(self, account: str | None = None) -> None:
        """New case for ``account``; else the selected case's customer; else ask for one."""
        if account is not None:
            self.actions_.new(account=account)
            return
        row = self.current_case()
        if row is not None:
            self.actions_.new(row.customer_id)
            return
        typed, ok = QInputDialog.getText(self, _("New case"), _("Account number of the customer:"))
        if ok and typed.strip():
            self.actions_.new(account=typed.strip())

    def edit_current(self) -> None:
        """The case dialog on the selected case."""
        row = self.current_case()
        if row is not None:
            self.actions_.edit(row.id)

    def close_current(self) -> None:
        """Close the selected open case."""
        row = self.current_case()
        if row is not None and row.is_open:
            self.actions_.close(row)

    def reopen_current(self) -> None:
        """Reopen the selected closed case."""
        row = self.current_case()
        if row is not None and not row.is_open:
            self.actions_.reopen(row)

    def filter_state(self) -> PageState:
        """The status filter."""
        return {"status": str(self.status_filter.currentData()).encode()}

    def restore_filters(self, state: PageState) -> None:
        """Put back the status filter."""
        if "status" in state:
            index = self.status_filter.findData(state["status"].decode(errors="replace"))
            if index >= 0:
                self.status_filter.setCurrentIndex(index)

    def link_activated(self, link: str) -> None:
        """ "new" in the empty-state text opens New case."""
        if link == "new":
            self.new_case()
        else:
            super().link_activated(link)

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, data: CasesData) -> None:
        self.data = data
        self._fill_categories(data.categories)
        if self.status_filter.currentData() == "open":
            empty = _('No open cases — <a href="new">New case…</a>')
        else:
            empty = _("No cases match these filters.")
        self.grid.set_prepared(data.prepared, empty)
        count = len(data.rows)
        formats = self.context.formats
        title = ngettext("{count} case", "{count} cases", count).format(count=formats.count(count))
        if data.truncated:
            title = _("The newest {count} cases; choose filters to see the others").format(
                count=formats.count(count)
            )
        self.grid.title.setText(title)
        self._selection_changed()
        text = _("{count} · {status}").format(
            count=title, status=self.status_filter.currentText().lower()
        )
        self.set_status(self.with_note(text))
        self.loaded.emit(data)

    def _fill_categories(self, categories: Sequence[CaseCategoryChoice]) -> None:
        combo = self.category_filter
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for choice in categories:
            combo.addItem(choice.name, choice.code)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)

    # --- reactions ----------------------------------------------------------------------

    def _selection_changed(self, *_args: Any) -> None:
        row = self.current_case()
        self.edit_action.setEnabled(row is not None and row.is_open)
        self.close_action.setEnabled(row is not None and row.is_open)
        self.reopen_action.setEnabled(row is not None and not row.is_open)
        self.collections_action.setEnabled(row is not None)
        self.record_action.setEnabled(row is not None)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.grid.model.row(index)
            self.collections_requested.emit(row.customer_id, row.id)

    def _open_collections(self) -> None:
        row = self.current_case()
        if row is not None:
            self.collections_requested.emit(row.customer_id, row.id)

    def _open_record(self) -> None:
        row = self.current_case()
        if row is not None:
            self.record_requested.emit(row.customer_id)

    def _closed_colour(self, row: CaseRow) -> QColor | None:
        return None if row.is_open else self._muted


def case_columns(fmt: Formats) -> list[Column[CaseRow]]:
    """The grid's columns, in the user's formats."""

    def day(moment: dt.datetime | None) -> str:
        return fmt.date(moment.astimezone().date()) if moment is not None else ""

    return [
        Column(_("Case"), lambda r: r.number, fit=Fit.KEY),
        Column(_("Opened"), lambda r: r.opened_at, text=day),
        Column(
            _("Customer"),
            lambda r: r.customer_name,
            tooltip=lambda r: _("{account} · Enter opens the Collections page").format(
                account=r.account
            ),
            fit=Fit.KEY,
        ),
        Column(_("Category"), lambda r: r.category_name, fit=Fit.LABEL),
        Column(
            _("Description"), lambda r: r.description, tooltip=lambda r: r.description, fit=Fit.FREE
        ),
        Column(_("Status"), lambda r: _("Open") if r.is_open else _("Closed"), fit=Fit.KEY),
        Column(_("Responsible"), lambda r: r.responsible_name, fit=Fit.LABEL),
        Column(_("Transactions"), lambda r: r.transaction_count, text=lambda v: count_text(fmt, v)),
        Column(_("Open amount"), lambda r: r.open_amount, text=fmt.amount),
        Column(
            _("Activities"),
            lambda r: r.activity_count,
            text=lambda v: count_text(fmt, v),
            tooltip=lambda r: ngettext(
                "{count} of them open", "{count} of them open", r.open_activity_count
            ).format(count=r.open_activity_count),
        ),
        Column(_("Closed"), lambda r: r.closed_at, text=day),
    ]
