"""The grids of the list pages: a titled table with a filter box and an empty-state text.

``Grid`` holds a ``MarkedModel`` filled on the GUI thread (small lists); ``ListGrid``
takes rows prepared on a worker (``itemmodels.prepared``) and lets the user hide columns.
Their header state (widths, order, sort) is saved with the column count in front, so a
layout saved for other columns is never applied. ``page_button`` and ``pool_combo`` are
the action bar's and the filter row's common parts.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any, Generic

from PySide6.QtCore import QByteArray, QPoint, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.i18n import _
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.itemmodels.marked import MarkedModel
from collections_desktop.views.itemmodels.prepared import (
    PreparedModel,
    PreparedRows,
    prepare_rows,
)
from collections_desktop.views.itemmodels.rows import Column, Row
from collections_desktop.views.style import (
    heading_font,
    muted_palette,
    tabular_font,
)


class Grid(QWidget, Generic[Row]):
    """A titled grid with a filter box, and a message in its place when it has no rows."""

    def __init__(
        self,
        name: str,
        columns: Sequence[Column[Row]],
        colours: dict[int, Callable[[Row], QColor | None]],
        icons: IconRegistry,
        *,
        stretch: int,
    ) -> None:
        super().__init__()
        self.setObjectName(f"{name}_grid")
        self._empty_text = ""
        self._total = 0
        self._stretch = stretch
        self.sized = False
        self.title = QLabel()
        self.title.setObjectName(f"{name}_title")
        self.title.setFont(heading_font(self.font()))
        self.filter = QLineEdit()
        self.filter.setObjectName(f"{name}_filter")
        self.filter.setPlaceholderText(_("Filter (Ctrl+F)"))
        self.filter.setClearButtonEnabled(True)
        self.filter.addAction(icons.get("filter"), QLineEdit.ActionPosition.LeadingPosition)
        self.filter.setMaximumWidth(240)
        self.model: MarkedModel[Row] = MarkedModel(columns, colours, self)
        self.view = QTableView()
        self.view.setObjectName(f"{name}_table")
        self.view.setModel(self.model)
        self.view.setFont(tabular_font(self.font()))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel()
        self.empty.setObjectName(f"{name}_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.setPalette(muted_palette(self.empty.palette()))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.head = QHBoxLayout()
        self.head.setSpacing(6)
        self.head.addWidget(self.title)
        self.head.addStretch(1)
        self.head.addWidget(self.filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self.head)
        layout.addWidget(self.stack, 1)
        self.filter.textChanged.connect(self._filter)

    def sort_by(self, column: int, order: Qt.SortOrder) -> None:
        """Show ``column`` as the sort column and enable header-click sorting.

        ``column`` -1 keeps the order of the query (no indicator) until a header is clicked.
        """
        self.view.horizontalHeader().setSortIndicator(column, order)
        self.view.setSortingEnabled(True)

    def set_rows(self, rows: Sequence[Row], empty_text: str) -> None:
        """Show ``rows``; ``empty_text`` (rich text, may hold links) when there are none."""
        self._empty_text = empty_text
        self._total = len(rows)
        self.model.set_rows(rows)
        if rows and not self.sized:
            self.sized = True
            self.fit_columns()
        self._show()

    def fit_columns(self) -> None:
        """Size each column to its header and its widest value, the stretching one aside.

        Not ``resizeColumnsToContents``: that reserves room for the sort arrow in every
        header, which costs a name column a hundred pixels in a half-width grid.
        """
        header = self.view.horizontalHeader()
        metrics = header.fontMetrics()
        for column in range(self.model.columnCount()):
            if column == self._stretch:
                continue
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            width = max(
                metrics.horizontalAdvance(title) + 14, self.view.sizeHintForColumn(column) + 6
            )
            header.resizeSection(column, min(width, 200))

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._show()

    def _show(self) -> None:
        if self.model.rowCount():
            self.stack.setCurrentWidget(self.view)
            return
        if self._total:  # every row filtered out
            self.empty.setText(
                _("No row matches “{text}”. Clear the filter to see them all.").format(
                    text=html.escape(self.filter.text().strip())
                )
            )
        else:
            self.empty.setText(self._empty_text)
        self.stack.setCurrentWidget(self.empty)


FIT_ROWS = 200
"""How many rows a grid measures to size its columns."""


def page_button(action: QAction, name: str) -> QToolButton:
    """A tool button with text beside its icon for ``action`` (the pages' action bars)."""
    button = QToolButton()
    button.setObjectName(name)
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    return button


def pool_combo(scope: AgentScope, icons: IconRegistry) -> QComboBox:
    """The pool chooser of the Overview: all the agent's pools, then each pool by name."""
    combo = QComboBox()
    combo.setObjectName("pool_combo")
    combo.setMinimumContentsLength(20)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    # Item data are plain text (a pool id's hex, "" for all), never Python objects.
    combo.addItem(icons.get("customers"), _("All my pools"), "")
    for pool_id, name in sorted(scope.pool_names.items(), key=lambda item: item[1].casefold()):
        combo.addItem(icons.get("pool"), name, pool_id.hex)
    if scope.default_pool_id is not None:
        combo.setCurrentIndex(max(combo.findData(scope.default_pool_id.hex), 0))
    return combo


def header_state(grid: Grid[Any]) -> bytes:
    """The grid's column widths, order and sort, with its column count in front."""
    count = grid.model.columnCount()
    return count.to_bytes(2, "big") + bytes(grid.view.horizontalHeader().saveState().data())


def restore_header(grid: Grid[Any], value: bytes | None) -> bool:
    """Put back ``header_state`` if it was saved with the same columns."""
    if not value or len(value) < 3 or int.from_bytes(value[:2], "big") != grid.model.columnCount():
        return False
    if grid.view.horizontalHeader().restoreState(QByteArray(value[2:])):
        grid.sized = True
        return True
    return False


class ListGrid(Grid[Row], Generic[Row]):
    """The Overview's titled, filterable grid, fed with prepared rows; its model can change."""

    model: PreparedModel[Row]

    def __init__(
        self,
        name: str,
        columns: Sequence[Column[Row]],
        colours: dict[int, Callable[[Row], QColor | None]],
        icons: IconRegistry,
        *,
        stretch: int,
    ) -> None:
        super().__init__(name, columns, colours, icons, stretch=stretch)
        self.set_model(PreparedModel(columns, colours, self))
        # Column widths from the first rows: measuring thousands takes a second.
        header = self.view.horizontalHeader()
        header.setResizeContentsPrecision(FIT_ROWS)
        # Right-click on the headers: show or hide columns (kept with the header's state).
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)

    def _column_menu(self, position: QPoint) -> None:
        header = self.view.horizontalHeader()
        menu = QMenu(self)
        shown = [c for c in range(self.model.columnCount()) if not header.isSectionHidden(c)]
        for column in range(self.model.columnCount()):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            # The last column shown cannot be hidden: an empty grid would explain nothing.
            action.setEnabled(shown != [column])
            action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))
        menu.exec(header.mapToGlobal(position))

    def set_model(self, model: PreparedModel[Row]) -> None:
        """Show ``model`` (other columns), keeping the header's sort column and order."""
        header = self.view.horizontalHeader()
        sort = (header.sortIndicatorSection(), header.sortIndicatorOrder())
        old = self.model
        self.model = model
        self.view.setModel(model)
        old.deleteLater()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self._stretch, QHeaderView.ResizeMode.Stretch)
        if self.view.isSortingEnabled():  # else the query's order stands
            header.setSortIndicator(*sort)
            model.sort(*sort)
        self.sized = False

    def set_prepared(self, prepared: PreparedRows[Row], empty_text: str) -> None:
        """Show prepared rows; ``empty_text`` (rich text) when there are none."""
        self._empty_text = empty_text
        self._total = len(prepared.rows)
        self.model.set_prepared(prepared)
        if prepared.rows and not self.sized:
            self.sized = True
            self.fit_columns()
        self._show()

    def prepare(self, rows: Sequence[Row]) -> PreparedRows[Row]:
        """``prepare_rows`` for this grid's columns (safe on a worker: nothing of Qt)."""
        return prepare_rows(self.model.columns, rows)

    def selected_rows(self) -> list[Row]:
        """The rows selected, in display order."""
        indexes = sorted(i.row() for i in self.view.selectionModel().selectedRows())
        return [self.model.row(self.model.index(r, 0)) for r in indexes]

    def current_row(self) -> Row | None:
        """The row of the current cell, else the first selected row, else None."""
        index = self.view.currentIndex()
        if index.isValid() and self.view.selectionModel().isRowSelected(index.row()):
            return self.model.row(index)
        rows = self.selected_rows()
        return rows[0] if rows else None
