"""The three grids of one customer's collections: cases, transactions and activities.

Their columns (in the user's formats), which cells are coloured and why (a closed case
or activity muted, a late, negative or overdue figure in the alert colour) and their
first sort; ``CollectionsGrids`` stacks them and shows one customer's rows, all of them
or those of one case. The Collections page adds the actions and reads the rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QSplitter

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.actions.status import status_name
from collections_desktop.models.casework.case_reading import CaseRow
from collections_desktop.models.screens.customer_card import type_name as transaction_type_name
from collections_desktop.models.screens.customer_collections import (
    CaseTransactionRow,
    CollectionsData,
    CustomerActivityRow,
)
from collections_desktop.views.dialogs.activity_dialog import type_name as activity_type_name
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.itemmodels.prepared import PreparedRows, count_text, prepare_rows
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.widgets.grid import ListGrid
from collections_desktop.views.widgets.select import select_row


@dataclass(frozen=True)
class CollectionsView:
    """What the grids show of one customer: the rows read, formatted for the grids."""

    data: CollectionsData
    cases: PreparedRows[CaseRow]
    transactions: PreparedRows[CaseTransactionRow]
    activities: PreparedRows[CustomerActivityRow]


@dataclass(frozen=True)
class CellColours:
    """The colours of the grids' cells: ``alert`` for what is late or negative, ``muted``
    for what is closed or settled; ``today`` says what is late."""

    alert: QColor
    muted: QColor
    today: Callable[[], dt.date]

    def closed_case(self, row: CaseRow) -> QColor | None:
        return None if row.is_open else self.muted

    def closed_activity(self, row: CustomerActivityRow) -> QColor | None:
        return self.muted if row.closed else None

    def overdue(self, row: CustomerActivityRow) -> QColor | None:
        late = not row.closed and row.end_at.astimezone().date() < self.today()
        return self.alert if late else None

    def late(self, row: CaseTransactionRow) -> QColor | None:
        return self.alert if row.days_overdue > 0 else None

    def negative(self, row: CaseTransactionRow) -> QColor | None:
        return self.alert if row.amount < 0 else None

    def open_amount(self, row: CaseTransactionRow) -> QColor | None:
        if not row.open_amount:
            return self.muted
        return self.alert if row.open_amount < 0 else None


def cases_grid(formats: Formats, icons: IconRegistry, colours: CellColours) -> ListGrid[CaseRow]:
    """The customer's cases, newest first as read, one chosen at a time."""
    fmt = formats

    def day(moment: dt.datetime | None) -> str:
        return fmt.date(moment.astimezone().date()) if moment is not None else ""

    columns: list[Column[CaseRow]] = [
        Column(_("Case"), lambda r: r.number, fit=Fit.KEY),
        Column(_("Category"), lambda r: r.category_name, fit=Fit.LABEL),
        Column(
            _("Description"), lambda r: r.description, tooltip=lambda r: r.description, fit=Fit.FREE
        ),
        Column(_("Status"), lambda r: _("Open") if r.is_open else _("Closed"), fit=Fit.KEY),
        Column(_("Opened"), lambda r: r.opened_at, text=day),
        Column(_("Transactions"), lambda r: r.transaction_count, text=lambda v: count_text(fmt, v)),
        Column(_("Open amount"), lambda r: r.open_amount, text=fmt.amount),
        Column(_("Activities"), lambda r: r.activity_count, text=lambda v: count_text(fmt, v)),
        Column(_("Responsible"), lambda r: r.responsible_name, fit=Fit.LABEL),
    ]
    grid = ListGrid("collections_cases", columns, {3: colours.closed_case}, icons, stretch=2)
    grid.model.right = {5, 6, 7}
    grid.sort_by(-1, Qt.SortOrder.DescendingOrder)
    grid.title.setText(_("Cases"))
    grid.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return grid


def transactions_grid(
    formats: Formats, icons: IconRegistry, colours: CellColours
) -> ListGrid[CaseTransactionRow]:
    """What is open on the account and what a case holds, settled since or not."""
    fmt = formats
    columns: list[Column[CaseTransactionRow]] = [
        Column(_("Document"), lambda r: r.document_number, fit=Fit.KEY),
        Column(_("Type"), lambda r: transaction_type_name(r.type)),
        Column(_("Posted"), lambda r: r.posting_date, text=fmt.date),
        Column(_("Due"), lambda r: r.due_date, text=fmt.date),
        Column(
            _("Days overdue"),
            lambda r: r.days_overdue or None,
            text=lambda v: count_text(fmt, v),
        ),
        Column(_("Amount"), lambda r: r.amount, text=fmt.amount),
        Column(
            _("Open"),
            lambda r: r.open_amount,
            text=lambda v: fmt.amount(v) if v else _("settled"),
        ),
        Column(_("Currency"), lambda r: r.currency),
        Column(
            _("Collection status"),
            lambda r: status_name(r.collection_status) or None,
            fit=Fit.KEY,
        ),
        Column(_("Case"), lambda r: ", ".join(r.case_numbers) or None, fit=Fit.KEY),
    ]
    grid = ListGrid(
        "collections_transactions",
        columns,
        {4: colours.late, 5: colours.negative, 6: colours.open_amount},
        icons,
        stretch=9,
    )
    grid.model.right = {4, 5, 6}
    grid.sort_by(-1, Qt.SortOrder.AscendingOrder)
    grid.title.setText(_("Transactions"))
    return grid


def activities_grid(
    formats: Formats, icons: IconRegistry, colours: CellColours
) -> ListGrid[CustomerActivityRow]:
    """The activities about the customer, a late end date marked ⚠; several chosen at once."""
    fmt = formats

    def end_text(value: tuple[dt.datetime, bool]) -> str:
        end, closed = value
        day = end.astimezone().date()
        text = fmt.date(day)
        return f"{text}  ⚠" if not closed and day < colours.today() else text

    columns: list[Column[CustomerActivityRow]] = [
        Column(_("Number"), lambda r: r.number, fit=Fit.KEY),
        Column(_("End date"), lambda r: (r.end_at, r.closed), text=end_text),
        Column(
            _("Purpose"),
            lambda r: r.purpose + ("  ✎" if r.has_memo else ""),
            tooltip=lambda r: r.purpose,
            fit=Fit.FREE,
        ),
        Column(_("Type"), lambda r: activity_type_name(r.type), fit=Fit.LABEL),
        Column(_("Category"), lambda r: r.category, fit=Fit.LABEL),
        Column(_("Responsible"), lambda r: r.responsible_name, fit=Fit.LABEL),
        Column(_("Status"), lambda r: _("Closed") if r.closed else _("Open"), fit=Fit.KEY),
        Column(_("Case"), lambda r: r.case_number, fit=Fit.KEY),
    ]
    grid = ListGrid(
        "collections_activities",
        columns,
        {1: colours.overdue, 6: colours.closed_activity},
        icons,
        stretch=2,
    )
    grid.sort_by(-1, Qt.SortOrder.AscendingOrder)
    grid.title.setText(_("Activities"))
    grid.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    return grid


class CollectionsGrids(QSplitter):
    """The cases over the transactions over the activities of one customer.

    ``show_rows`` puts a customer's rows in; ``filter_case`` narrows the transactions and
    the activities to one case (None: all of them), ``select_case`` chooses a case.
    """

    def __init__(self, formats: Formats, icons: IconRegistry, colours: CellColours) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self._formats = formats
        self.setObjectName("collections_vertical_splitter")
        self.setChildrenCollapsible(False)
        self.cases = cases_grid(formats, icons, colours)
        self.transactions = transactions_grid(formats, icons, colours)
        self.activities = activities_grid(formats, icons, colours)
        for grid in (self.cases, self.transactions, self.activities):
            self.addWidget(grid)
        self.setSizes([150, 330, 280])
        self.view: CollectionsView | None = None

    def show_rows(self, view: CollectionsView) -> None:
        """Show the cases of ``view``; ``filter_case`` shows the rest."""
        self.view = view
        self.cases.set_prepared(
            view.cases, _('No cases for this customer — <a href="new">New case…</a>')
        )
        count = len(view.data.cases)
        self.cases.title.setText(
            ngettext("{count} case", "{count} cases", count).format(
                count=self._formats.count(count)
            )
        )

    def select_case(self, case_id: uuid.UUID) -> bool:
        """Choose ``case_id`` in the cases grid; False when the customer has no such case."""
        model = self.cases.model
        for row in range(model.rowCount()):
            if model.row(model.index(row, 0)).id == case_id:
                select_row(self.cases.view, row)
                return True
        return False

    def filter_case(self, case_id: uuid.UUID | None) -> None:
        """Show the transactions and activities of ``case_id`` (None: all of them)."""
        view = self.view
        if view is None:
            return
        count = self._formats.count
        if case_id is None:
            transactions, activities = view.transactions, view.activities
            number = None
        else:
            number = next((c.number for c in view.data.cases if c.id == case_id), None)
            transactions = prepare_rows(
                self.transactions.model.columns,
                [t for t in view.data.transactions if case_id in t.case_ids],
            )
            activities = prepare_rows(
                self.activities.model.columns,
                [a for a in view.data.activities if a.case_id == case_id],
            )
        if number is None:
            self.transactions.set_prepared(
                transactions, _("Nothing is open on this account and no case holds a transaction.")
            )
            self.activities.set_prepared(
                activities,
                _('No activities about this customer — <a href="new">New activity</a> (Ctrl+N)'),
            )
            self.transactions.title.setText(
                _("Transactions: open, or in a case ({count})").format(
                    count=count(len(transactions.rows))
                )
            )
            self.activities.title.setText(
                _("Activities ({count})").format(count=count(len(activities.rows)))
            )
            return
        self.transactions.set_prepared(
            transactions, _("Case {number} holds no transactions.").format(number=number)
        )
        self.activities.set_prepared(
            activities,
            _('Case {number} has no activities — <a href="new">New activity</a> (Ctrl+N)').format(
                number=number
            ),
        )
        self.transactions.title.setText(
            _("Transactions of {number} ({count})").format(
                number=number, count=count(len(transactions.rows))
            )
        )
        self.activities.title.setText(
            _("Activities of {number} ({count})").format(
                number=number, count=count(len(activities.rows))
            )
        )
