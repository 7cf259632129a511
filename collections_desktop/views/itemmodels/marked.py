"""A row table model with coloured cells and headers that can say more (a currency).

The Overview marks overdue dates and negative amounts in red (with a sign as well, so
colour is never the only cue) and puts the currency in an amount column's header.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from collections_desktop.views.itemmodels.rows import RIGHT, Column, Index, Row, RowTableModel


class MarkedModel(RowTableModel[Row], Generic[Row]):
    """A ``RowTableModel`` whose cells may have their own text colour (overdue, negative)."""

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        colours: dict[int, Callable[[Row], QColor | None]],
        parent: Any = None,
    ) -> None:
        super().__init__(columns, parent)
        self._colours = colours
        self._headers: dict[int, str] = {}
        self.right: set[int] = set()
        """Columns of figures: their headers are right-aligned like their values."""

    def set_header(self, column: int, text: str) -> None:
        """Show ``text`` as the header of ``column`` (e.g. with the currency code)."""
        self._headers[column] = text
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and section in self._headers
        ):
            return self._headers[section]
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.TextAlignmentRole
            and section in self.right
        ):
            return RIGHT
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self._colours.get(index.column())
            if colour is None or not index.isValid() or index.row() >= self.rowCount():
                return None
            return colour(self.row(index))
        return super().data(index, role)
