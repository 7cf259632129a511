"""A customer's open transactions in a dense grid, and the columns they are shown with.

The Workspace shows its Open transactions, Disputed, Promised to pay and Unsettled
payments tabs each as a ``TransactionGrid``: the rows, or a sentence saying there are
none in place of an empty grid. A right-click on the headers shows or hides columns;
the voucher starts hidden (the document's tooltip names it), and the currency is named
once in the amounts' headers when every row shares it, so the collection status fits
beside the amounts on a laptop's screen.

A big customer's grids are windows (``TransactionModel.set_window``): they hold the
first rows in the grid's sort, read in SQL, and ask their page for more as the user
scrolls (Qt's ``canFetchMore``/``fetchMore``); a click on a header reads the first rows
of the new sort. A small customer's rows are all listed and sorted in memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.models.actions.status import status_name
from collections_desktop.models.predict.reads import explain, percent_text
from collections_desktop.models.screens.customer_card import TransactionRow, type_name
from collections_desktop.models.screens.transaction_pages import PAGE_ROWS, SortKey
from collections_desktop.views.itemmodels.rows import Column, Index, RowTableModel
from collections_desktop.views.style import muted_palette, tabular_font
from collections_desktop.views.widgets.grid import two_line_split

RowColumn = Column[TransactionRow]

VOUCHER = 1
"""The voucher's column in every column list here: hidden until the user shows it."""
SAMPLE_ROWS = 100
"""How many rows, besides those on screen, a column's width is measured on."""


@dataclass(frozen=True)
class MoneyColumn(Column[TransactionRow]):
    """An amount: when every row is in one currency, the header names it."""


@dataclass(frozen=True)
class CurrencyColumn(Column[TransactionRow]):
    """The currency: hidden when every row is in one (the amounts' headers name it)."""


def money_column(
    formats: Formats, header: str, value: Callable[[TransactionRow], Any]
) -> RowColumn:
    """An amount, right-aligned, without its currency (a Currency column says it)."""
    return MoneyColumn(header, value, formats.amount)


def currency_column() -> RowColumn:
    """The transaction's currency code."""
    return CurrencyColumn(_("Currency"), lambda r: r.currency)


def date_column(formats: Formats, header: str, value: Callable[[TransactionRow], Any]) -> RowColumn:
    """A date in the user's short format."""
    return Column(header, value, formats.date)


def document_column() -> RowColumn:
    """The document number; its tooltip names the voucher (a column hidden at first)."""
    return Column(
        _("Document"),
        lambda r: r.document_number,
        tooltip=lambda r: _("Voucher {voucher}").format(voucher=r.voucher),
    )


def open_item_columns(formats: Formats) -> list[RowColumn]:
    """Document, voucher, type, posted, due, days overdue, amount, open, currency, status."""
    return [
        document_column(),
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
        currency_column(),
        *prediction_columns(formats),
        Column(_("Collection status"), lambda r: status_name(r.collection_status) or None),
    ]


OPEN_ITEM_KEYS = (
    SortKey.DOCUMENT, SortKey.VOUCHER, SortKey.TYPE, SortKey.POSTED, SortKey.DUE,
    SortKey.DAYS_OVERDUE, SortKey.AMOUNT, SortKey.OPEN, SortKey.CURRENCY,
    SortKey.EXPECTED, SortKey.LATE_RISK, SortKey.STATUS,
)  # fmt: skip
"""What SQL sorts ``open_item_columns`` by, column by column."""


def prediction_columns(formats: Formats) -> list[RowColumn]:
    """An open invoice's predicted pay date and chance of being paid more than 15 days
    late; their tooltip says why."""

    def why(row: TransactionRow) -> str:
        return explain(row.prediction, formats) if row.prediction else ""

    return [
        Column(
            _("Expected payment"),
            lambda r: r.prediction.predicted_date if r.prediction else None,
            formats.date,
            tooltip=why,
        ),
        Column(
            _("Late risk"),
            lambda r: r.prediction.late_chance if r.prediction else None,
            lambda chance: _("{percent}%").format(percent=percent_text(chance)),
            tooltip=why,
        ),
    ]


def promised_columns(formats: Formats) -> list[RowColumn]:
    """The open items' columns, the promise's date and amount in place of the status."""
    return [
        *open_item_columns(formats)[:-1],
        date_column(formats, _("Promised date"), lambda r: r.promise_date),
        money_column(formats, _("Promised amount"), lambda r: r.promise_amount),
    ]


PROMISED_KEYS = (*OPEN_ITEM_KEYS[:-1], SortKey.PROMISE_DATE, SortKey.PROMISE_AMOUNT)
"""What SQL sorts ``promised_columns`` by."""


def unsettled_columns(formats: Formats) -> list[RowColumn]:
    """A payment or credit note not fully applied: no due date, no status."""
    return [
        document_column(),
        Column(_("Voucher"), lambda r: r.voucher),
        Column(_("Type"), lambda r: type_name(r.type)),
        date_column(formats, _("Posted"), lambda r: r.posting_date),
        money_column(formats, _("Amount"), lambda r: r.amount),
        money_column(formats, _("Open"), lambda r: r.open_amount),
        currency_column(),
    ]


UNSETTLED_KEYS = (
    SortKey.DOCUMENT, SortKey.VOUCHER, SortKey.TYPE, SortKey.POSTED, SortKey.AMOUNT,
    SortKey.OPEN, SortKey.CURRENCY,
)  # fmt: skip
"""What SQL sorts ``unsettled_columns`` by."""


@dataclass(frozen=True, eq=False)
class WindowRead:
    """What a windowed grid asks its page to read: its rows from ``offset`` on, in the
    order of ``column`` (through the row ``through``, when one is wanted on screen)."""

    offset: int
    column: int
    order: Qt.SortOrder
    through: uuid.UUID | None = None


class TransactionModel(RowTableModel[TransactionRow]):
    """Transaction rows; ``currency`` (when every row shares one) is named in the amounts'
    headers, "Open (EUR)", so the grid needs no column repeating it; a header in
    ``two_lines`` is shown on two lines ("Days" over "overdue").

    As a window (``set_window``) it holds the rows read so far, in the order SQL gave
    them, and emits ``rows_wanted`` for more; ``add_rows`` takes the answer.
    """

    rows_wanted = Signal(object)
    """A ``WindowRead``: the page reads it and hands the rows to ``add_rows``."""

    def __init__(self, columns: Sequence[RowColumn], parent: QWidget) -> None:
        super().__init__(columns, parent)
        self.money = frozenset(i for i, c in enumerate(columns) if isinstance(c, MoneyColumn))
        self.currencies = frozenset(
            i for i, c in enumerate(columns) if isinstance(c, CurrencyColumn)
        )
        self.currency = ""
        self.two_lines: dict[int, str] = {}
        self._window: int | None = None
        """How many rows the window has in all (None: every row is listed)."""
        self._asked: WindowRead | None = None
        """The read under way; an answer to any other is out of date."""

    @property
    def window(self) -> int | None:
        """How many rows a window has in all, read or not (None: not a window)."""
        return self._window

    @property
    def reading(self) -> bool:
        """Whether a window waits for rows."""
        return self._asked is not None

    def set_rows(self, rows: Sequence[TransactionRow]) -> None:
        """List every row, sorted and filtered in memory."""
        self._window, self._asked = None, None
        super().set_rows(rows)

    def set_window(self, rows: Sequence[TransactionRow], total: int) -> None:
        """Show the first ``rows`` of ``total``, read in SQL in the grid's sort."""
        self._window, self._asked = total, None
        super().set_rows(rows)

    def _arranged(self) -> list[int]:
        if self._window is None:
            return super()._arranged()
        return list(range(len(self._all)))  # as SQL sorted them

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return (
            not parent.isValid()
            and self._window is not None
            and self._asked is None
            and len(self._all) < self._window
        )

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self.read_more()

    def read_more(self, through: uuid.UUID | None = None) -> None:
        """Ask for the next rows (through ``through``, when given)."""
        column, order = self._sort or (0, Qt.SortOrder.AscendingOrder)
        self._ask(WindowRead(len(self._all), column, order, through))

    def _ask(self, read: WindowRead) -> None:
        self._asked = read
        self.rows_wanted.emit(read)

    def add_rows(self, read: WindowRead, rows: Sequence[TransactionRow]) -> None:
        """The rows ``read`` gave: in place of all (from the start), else after the rest.
        Fewer than asked for means the window ends there."""
        if read is not self._asked or self._window is None:
            return  # a newer read was asked for, or every row came meanwhile
        self._asked = None
        if read.offset == 0:
            super().set_rows(rows)
        elif rows:
            first = len(self._all)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._all = (*self._all, *rows)
            self._texts.extend([None] * len(rows))
            self._haystacks = None
            self._shown = list(range(len(self._all)))
            self.endInsertRows()
        if read.through is None and len(rows) < PAGE_ROWS:
            self._window = len(self._all)  # rows settled since the count

    def read_failed(self, read: WindowRead) -> None:
        """``read`` could not be made: a scroll may ask again."""
        if read is self._asked:
            self._asked = None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """In memory; a window reads its first rows in the new order instead."""
        if self._window is None:
            super().sort(column, order)
        elif 0 <= column < len(self._columns):
            self._sort = (column, order)
            self._ask(WindowRead(0, column, order))

    def title(self, section: int) -> str:
        """The header of ``section`` on one line, with the currency when it is named there."""
        header = str(super().headerData(section, Qt.Orientation.Horizontal) or "")
        if self.currency and section in self.money:
            return f"{header} ({self.currency})"
        return header

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.two_lines.get(section) or self.title(section)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.title(section)
        return None


class TransactionGrid(QWidget):
    """A grid of transaction rows, or a sentence saying there are none."""

    def __init__(
        self, name: str, columns: Sequence[RowColumn], keys: Sequence[SortKey], empty: str
    ) -> None:
        super().__init__()
        if len(keys) != len(columns):
            raise ValueError("a sort key is needed for every column")
        self.setObjectName(f"{name}_tab")
        self.keys = tuple(keys)
        """What SQL sorts each column by, when the grid is a window."""
        self._unfitted = False
        """Rows came while the grid was hidden: its columns are fitted when it is shown."""
        self.model = TransactionModel(columns, self)
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
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Columns are fitted to the rows on screen and up to SAMPLE_ROWS more (Qt reads a
        # thousand): a big account's thousands of rows are not all formatted to be measured.
        header.setResizeContentsPrecision(SAMPLE_ROWS)
        header.setStretchLastSection(True)
        header.setSectionHidden(VOUCHER, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.sortIndicatorChanged.connect(self._sorted)
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

    def column_menu(self) -> QMenu:
        """A check per column: shown or hidden (the last one shown cannot be hidden)."""
        header = self.view.horizontalHeader()
        menu = QMenu(self)
        menu.setObjectName(f"{self.objectName()}_columns")
        count = self.model.columnCount()
        shown = [c for c in range(count) if not header.isSectionHidden(c)]
        for column in range(count):
            action = menu.addAction(self.model.title(column))
            action.setCheckable(True)
            action.setChecked(column in shown)
            action.setEnabled(shown != [column])
            action.toggled.connect(lambda on, c=column: self._show_column(c, on))
        return menu

    def _show_column(self, column: int, on: bool) -> None:
        self.view.horizontalHeader().setSectionHidden(column, not on)
        if on:
            self.fit_columns()

    def _column_menu(self, position: QPoint) -> None:
        menu = self.column_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.horizontalHeader().mapToGlobal(position))

    def sort_by(self, column: int) -> None:
        """Sort ascending on ``column`` and let the user click headers from then on."""
        self.view.horizontalHeader().setSortIndicator(column, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)

    def set_rows(self, rows: Sequence[TransactionRow]) -> None:
        """Show ``rows``, or the sentence when there are none."""
        currencies = {row.currency for row in rows}
        self.model.currency = currencies.pop() if len(currencies) == 1 else ""
        self.model.set_rows(rows)
        self._shown(bool(rows))

    def set_window(self, rows: Sequence[TransactionRow], total: int, currency: str) -> None:
        """Show the first ``rows`` of ``total`` (in the grid's sort) and read the others as
        they are scrolled to; ``currency``: the one every row is in, else ""."""
        self.model.currency = currency
        self.model.set_window(rows, total)
        self._shown(bool(total))

    def _shown(self, any_rows: bool) -> None:
        for column in self.model.currencies:
            self.view.setColumnHidden(column, bool(self.model.currency))
        self.view.setVisible(any_rows)
        self.empty.setVisible(not any_rows)
        self._unfitted = any_rows
        if any_rows and self.isVisible():  # a grid in a tab behind is fitted when shown
            self.fit_columns()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._unfitted:
            self.fit_columns()

    def fit_columns(self) -> None:
        """Each column as wide as its cells, or as its header where that is wider; such a
        header goes on two lines, so the grid is not wider than its figures need.

        Qt's own fitting leaves room for the sort arrow in every header; only the sorted
        column gets it here (and a column gets it when it becomes the sorted one).
        """
        view, model = self.view, self.model
        header = view.horizontalHeader()
        metrics = header.fontMetrics()
        margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        self._unfitted = False
        model.two_lines = {}
        widths: dict[int, int] = {}
        for column in range(model.columnCount()):
            if header.isSectionHidden(column):
                continue
            cells = view.sizeHintForColumn(column)
            title = model.title(column)
            text = metrics.horizontalAdvance(title)
            split = two_line_split(title, metrics.horizontalAdvance)
            if split is not None and text + 2 * margin > cells:
                model.two_lines[column] = split
                text = max(metrics.horizontalAdvance(line) for line in split.split("\n"))
            widths[column] = max(cells, text + 4 * margin)
        model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
        for column, width in widths.items():
            header.resizeSection(column, width + self._arrow_room(column))

    def _arrow_room(self, column: int) -> int:
        """What the sort arrow takes from the header of ``column`` (nothing if unsorted)."""
        header = self.view.horizontalHeader()
        if not self.view.isSortingEnabled() or header.sortIndicatorSection() != column:
            return 0
        margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        return header.height() // 2 + 2 * margin

    def _sorted(self, column: int, _order: Qt.SortOrder) -> None:
        """The sorted column widens for its arrow if its header text needs the room."""
        header = self.view.horizontalHeader()
        if self.model.rowCount() and not header.isSectionHidden(column):
            wanted = header.sectionSizeHint(column)
            header.resizeSection(column, max(header.sectionSize(column), wanted))

    def marked(self) -> tuple[TransactionRow, ...]:
        """The rows marked in the grid, in the grid's order."""
        view, model = self.view, self.model
        rows = sorted(index.row() for index in view.selectionModel().selectedRows())
        return tuple(model.row(model.index(row, 0)) for row in rows)
