"""A customer's open transactions in a dense grid, and the columns they are shown with.

The Workspace shows its Open transactions, Disputed, Promised to pay and Unsettled
payments tabs each as a ``TransactionGrid``: the rows, or a sentence saying there are
none in place of an empty grid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.models.actions.status import status_name
from collections_desktop.models.screens.customer_card import TransactionRow
from collections_desktop.models.screens.workspace import type_name
from collections_desktop.views.itemmodels.rows import Column, RowTableModel
from collections_desktop.views.style import muted_palette, tabular_font
from collections_desktop.views.widgets.grid import ColumnFitter

RowColumn = Column[TransactionRow]


def money_column(
    formats: Formats, header: str, value: Callable[[TransactionRow], Any]
) -> RowColumn:
    """An amount, right-aligned, without its currency (a Currency column says it)."""
    return Column(header, value, formats.amount)


def date_column(formats: Formats, header: str, value: Callable[[TransactionRow], Any]) -> RowColumn:
    """A date in the user's short format."""
    return Column(header, value, formats.date)


def open_item_columns(formats: Formats) -> list[RowColumn]:
    """Document, voucher, type, posted, due, days overdue, amount, open, currency, status."""
    return [
        Column(_("Document"), lambda r: r.document_number),
        Column(_("Voucher"), lambda r: r.voucher),
        Column(_("Type"), lambda r: type_name(r.type)),
        date_column(formats, _("Posted"), lambda r: r.posting_date),
        date_column(formats, _("Due"), lambda r: r.due_date),
        Column(
            _("Days overdue"),
            lambda r: r.days_overdue or None,
            formats.count,
            tooltip=lambda r: _("Due on {date}").format(date=formats.date(r.due_date, "long")),
        ),
        money_column(formats, _("Amount"), lambda r: r.amount),
        money_column(formats, _("Open"), lambda r: r.open_amount),
        Column(_("Currency"), lambda r: r.currency),
        Column(_("Collection status"), lambda r: status_name(r.collection_status) or None),
    ]


def promised_columns(formats: Formats) -> list[RowColumn]:
    """The open items' columns, the promise's date and amount in place of the status."""
    return [
        *open_item_columns(formats)[:-1],
        date_column(formats, _("Promised date"), lambda r: r.promise_date),
        money_column(formats, _("Promised amount"), lambda r: r.promise_amount),
    ]


def unsettled_columns(formats: Formats) -> list[RowColumn]:
    """A payment or credit note not fully applied: no due date, no status."""
    return [
        Column(_("Document"), lambda r: r.document_number),
        Column(_("Voucher"), lambda r: r.voucher),
        Column(_("Type"), lambda r: type_name(r.type)),
        date_column(formats, _("Posted"), lambda r: r.posting_date),
        money_column(formats, _("Amount"), lambda r: r.amount),
        money_column(formats, _("Open"), lambda r: r.open_amount),
        Column(_("Currency"), lambda r: r.currency),
    ]


class TransactionGrid(QWidget):
    """A grid of transaction rows, or a sentence saying there are none."""

    def __init__(self, name: str, columns: Sequence[RowColumn], empty: str) -> None:
        super().__init__()
        self.setObjectName(f"{name}_tab")
        self.model: RowTableModel[TransactionRow] = RowTableModel(columns, self)
        self.view = QTableView()
        self.view.setObjectName(f"{name}_grid")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.setFont(tabular_font(self.view.font()))
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.view.fontMetrics().height() + 8)  # dense, readable
        # The app's one rule for column widths; the last column takes the room left.
        self.fitter = ColumnFitter(self.view, stretch=len(columns) - 1)
        self.empty = QLabel(empty)
        self.empty.setObjectName(f"{name}_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setPalette(muted_palette(self.empty.palette()))
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 4, 0, 0)
        self.layout_.addWidget(self.view, 1)
        self.layout_.addWidget(self.empty, 1)
        self.empty.hide()

    def sort_by(self, column: int) -> None:
        """Sort ascending on ``column`` and let the user click headers from then on."""
        self.view.horizontalHeader().setSortIndicator(column, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)

    def set_rows(self, rows: Sequence[TransactionRow]) -> None:
        """Show ``rows``, or the sentence when there are none."""
        self.model.set_rows(rows)
        self.view.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.fitter.fit()

    def marked(self) -> tuple[TransactionRow, ...]:
        """The rows marked in the grid, in the grid's order."""
        view, model = self.view, self.model
        rows = sorted(index.row() for index in view.selectionModel().selectedRows())
        return tuple(model.row(model.index(row, 0)) for row in rows)
