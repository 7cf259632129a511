"""The grids inside dialogs: one dense, readable look, and heights counted in rows.

A dialog's grid shows a handful of rows (marked transactions, a preview, proposals); it
is made tall enough for them, within bounds, and scrolls beyond. ``read_only_table``
builds a table of immutable rows; ``dense_grid`` gives an existing table or tree the
look and its height; ``fit_rows`` makes a table exactly as tall as its rows.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
)

from collections_desktop.views.style import tabular_font

VISIBLE_ROWS = 8
"""The rows a dialog's grid shows before it scrolls."""


def dense_grid(
    view: QAbstractItemView, rows: int, most: int = VISIBLE_ROWS, *, editable: bool = False
) -> None:
    """Tabular figures, alternating rows, tall enough for ``rows`` rows (3 … ``most``).

    Whole rows are selected and nothing is edited in place, unless ``editable`` (the
    amounts of a settlement are typed into the grid).
    """
    view.setAlternatingRowColors(True)
    view.setFont(tabular_font(view.font()))
    if not editable:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    row_height = view.fontMetrics().height() + 10
    header_height = row_height
    if isinstance(view, QTableView):
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(row_height)
        view.horizontalHeader().setStretchLastSection(True)
        header_height = view.horizontalHeader().sizeHint().height()
    else:
        view.setStyleSheet("QTreeView::item { padding: 2px 0; }")
        row_height += 4
    shown = min(max(rows, 3), most)
    view.setMinimumHeight(header_height + row_height * shown + 2 * view.frameWidth() + 2)


def read_only_table(
    name: str, model: QAbstractItemModel, *, stretch: int | None = None, sortable: bool = False
) -> QTableView:
    """A dense, read-only table of immutable rows (tabular figures, whole rows selected).

    ``stretch`` is the column that takes the room left (the last one when None);
    ``sortable`` sorts by the first column until a header is clicked.
    """
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setFont(tabular_font(view.font()))
    view.verticalHeader().hide()
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    if sortable:
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
    return view


def fit_columns(view: QTableView) -> None:
    """Size the columns to their contents, but leave a stretched column stretched.

    (``resizeColumnsToContents`` on a table already on screen gives the stretched
    column its content's width until the next resize: cut, or short of the edge.)
    """
    header = view.horizontalHeader()
    for column in range(header.count()):
        if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Stretch:
            view.resizeColumnToContents(column)


def fit_rows(view: QTableView, count: int, visible: int) -> None:
    """Make ``view`` exactly as tall as ``min(count, visible)`` rows (at least one)."""
    shown = max(1, min(count, visible))
    height = (
        view.horizontalHeader().sizeHint().height()
        + shown * view.verticalHeader().defaultSectionSize()
        + 2 * view.frameWidth()
    )
    if count > visible:
        view.setMinimumHeight(height)
    else:
        view.setFixedHeight(height)


def top_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    """The top-level items of ``tree``, in order."""
    found = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
    return [item for item in found if item is not None]


def child_items(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    """The children of ``item``, in order."""
    found = (item.child(i) for i in range(item.childCount()))
    return [child for child in found if child is not None]
