"""The aged balances grid's model: period columns tinted with the aging colour scale."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from collections_desktop.models.screens.aged_balances import AgedBalanceRow
from collections_desktop.views.itemmodels.prepared import (
    PreparedModel,
)
from collections_desktop.views.itemmodels.rows import Column, Index
from collections_desktop.views.style import aging_colour, swatch

TINT_ALPHA = 56
"""Opacity (0-255) of the period colour behind a past-due amount: a hint, text stays legible."""


FIXED_BEFORE = 3
"""Account, Customer, Balance: the columns before the snapshot's own."""


class AgingModel(PreparedModel[AgedBalanceRow]):
    """The aged-balances grid: colour swatches on period headers, a tint on past-due cells."""

    def __init__(
        self,
        columns: Sequence[Column[AgedBalanceRow]],
        colours: dict[int, Callable[[AgedBalanceRow], QColor | None]],
        width: int,
        parent: Any = None,
    ) -> None:
        super().__init__(columns, colours, parent)
        self.width = width  # Current, the periods, Unapplied
        self._swatches = {FIXED_BEFORE + i: swatch(aging_colour(i, width)) for i in range(width)}
        self._tints: dict[int, QColor] = {}
        for i in range(1, width - 1):  # the past-due periods only
            tint = aging_colour(i, width)
            tint.setAlpha(TINT_ALPHA)
            self._tints[FIXED_BEFORE + i] = tint

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DecorationRole
            and section in self._swatches
        ):
            return self._swatches[section]
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            tint = self._tints.get(index.column())
            if tint is None or not index.isValid() or index.row() >= self.rowCount():
                return None
            row = self.row(index)
            return tint if row.columns[index.column() - FIXED_BEFORE] > 0 else None
        return super().data(index, role)
