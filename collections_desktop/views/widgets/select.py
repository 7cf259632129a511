"""Choosing a row from code.

``QTableView.selectRow`` reads the keyboard's modifiers (a Shift or Ctrl still held extends
or toggles instead of choosing) and the header's scroll position (a column scrolled out of
view chooses nothing), so a row chosen after a read could silently stay unchosen.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QTableView


def select_row(view: QTableView, row: int) -> None:
    """Make ``row`` the current row and the only one selected, and scroll it into view."""
    model = view.model()
    column = next((c for c in range(model.columnCount()) if not view.isColumnHidden(c)), 0)
    index = model.index(row, column)
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    view.selectionModel().setCurrentIndex(index, flags)
    view.scrollTo(index)
