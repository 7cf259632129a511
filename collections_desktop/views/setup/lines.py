"""The small grid of lines under a set-up form: aging periods, interest ranges, letter levels.

Lines are edited in place and added, removed or moved with the buttons beside the grid;
the grid's row numbers are the numbers the models' messages use ("period 2"). Each line
may carry a key (the id of the row it was read from, as text) and extra texts that are
not columns (a letter level's texts), kept on the line's first cell so they move with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QBoxLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.i18n import _
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.itemmodels.rows import LEFT, RIGHT
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.style import heading_font

KEY_ROLE = Qt.ItemDataRole.UserRole
EXTRA_ROLE = Qt.ItemDataRole.UserRole + 1


class LinesTable(QWidget):
    """Lines of text cells with Add, Remove, Move up and Move down (see the module)."""

    changed = Signal()
    """A cell, the order or the number of lines changed."""
    line_chosen = Signal(int, int)
    """The current line changed: (new, previous); -1 for none."""

    def __init__(
        self,
        name: str,
        title: str,
        headers: Sequence[str],
        icons: IconRegistry,
        *,
        numeric: Sequence[int] = (),
        fitted: Sequence[int] = (),
        new_line: Callable[[list[list[str]]], list[str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.numeric = frozenset(numeric)
        self.fitted = self.numeric | frozenset(fitted)
        self.new_line = new_line or (lambda _lines: [""] * len(headers))
        self._filling = False
        heading = QLabel(title)
        heading.setFont(heading_font(self.font()))
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName(f"{name}_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.line_height = self.table.fontMetrics().height() + 10
        self.table.verticalHeader().setDefaultSectionSize(self.line_height)
        self.set_headers(headers)
        self.table.itemChanged.connect(self._item_changed)
        self.table.currentCellChanged.connect(self._cell_changed)

        self.add_button = self._button(
            f"{name}_add", icons, "add_line", _("Add"), _("Add a line at the end")
        )
        self.remove_button = self._button(
            f"{name}_remove", icons, "remove_line", _("Remove"), _("Remove the selected line")
        )
        self.up_button = self._button(
            f"{name}_up", icons, "move_up", _("Up"), _("Move the selected line up")
        )
        self.down_button = self._button(
            f"{name}_down", icons, "move_down", _("Down"), _("Move the selected line down")
        )
        self.add_button.clicked.connect(self.add_line)
        self.remove_button.clicked.connect(self.remove_line)
        self.up_button.clicked.connect(lambda: self.move_line(-1))
        self.down_button.clicked.connect(lambda: self.move_line(1))
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(heading)
        head.addStretch(1)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            head.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.table)
        self._update_buttons()
        self._fit_height()

    @staticmethod
    def _button(name: str, icons: IconRegistry, icon: str, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setIcon(icons.get(icon))
        button.setText(text)
        button.setToolTip(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        return button

    # --- content ------------------------------------------------------------------------

    def set_headers(self, headers: Sequence[str]) -> None:
        """Name the columns: numbers and the ``fitted`` columns as wide as their content,
        the other texts share the spare width (numbers alone share it all)."""
        self.table.setHorizontalHeaderLabels(list(headers))
        header = self.table.horizontalHeader()
        spare = any(column not in self.fitted for column in range(len(headers)))
        for column in range(len(headers)):
            mode = (
                QHeaderView.ResizeMode.ResizeToContents
                if column in self.fitted and spare
                else QHeaderView.ResizeMode.Stretch
            )
            header.setSectionResizeMode(column, mode)

    def set_lines(
        self,
        lines: Sequence[Sequence[str]],
        keys: Sequence[str] = (),
        extras: Sequence[dict[str, str]] = (),
    ) -> None:
        """Show ``lines`` (texts per column), their keys and extra texts."""
        self._filling = True
        try:
            self.table.setRowCount(0)
            for index, cells in enumerate(lines):
                self._append(
                    cells,
                    keys[index] if index < len(keys) else "",
                    extras[index] if index < len(extras) else {},
                )
            self.table.setCurrentCell(0 if lines else -1, 0)
        finally:
            self._filling = False
        self._update_buttons()

    def lines(self) -> list[list[str]]:
        """The cells' texts, line by line, stripped (a cell being typed in included)."""
        self.commit()
        return [
            [self._text(row, column) for column in range(self.table.columnCount())]
            for row in range(self.table.rowCount())
        ]

    def commit(self) -> None:
        """Take what is typed in an open cell editor (Ctrl+S leaves the editor open)."""
        editor = QApplication.focusWidget()
        editing = self.table.state() == QAbstractItemView.State.EditingState
        if editing and editor is not None and self.table.isAncestorOf(editor):
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def key(self, row: int) -> str:
        """The key of line ``row`` ("" for a line added here)."""
        item = self.table.item(row, 0)
        return str(item.data(KEY_ROLE) or "") if item else ""

    def extra(self, row: int) -> dict[str, str]:
        """The extra texts of line ``row``."""
        item = self.table.item(row, 0)
        data = item.data(EXTRA_ROLE) if item else None
        return dict(json.loads(data)) if data else {}

    def set_extra(self, row: int, texts: dict[str, str]) -> None:
        """Keep ``texts`` with line ``row`` (plain text, so the item data stay plain)."""
        item = self.table.item(row, 0)
        if item is not None:
            item.setData(EXTRA_ROLE, json.dumps(texts))

    def set_read_only(self) -> None:
        """Lines to read, not change: no editing, no buttons; choosing a line still works."""
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.hide()

    def current(self) -> int:
        """The current line (-1 for none)."""
        return self.table.currentRow()

    # --- editing ------------------------------------------------------------------------

    def add_line(self) -> None:
        """Append a line (its cells proposed from the lines above) and start editing it."""
        before = self.lines()
        lines = [list(cells) for cells in before]
        cells = self.new_line(lines)  # it may change the lines above (close the last one)
        self._filling = True
        try:
            for row, (old, new) in enumerate(zip(before, lines, strict=True)):
                for column, (was, text) in enumerate(zip(old, new, strict=True)):
                    if was != text:
                        self._item(row, column).setText(text)
            self._append(cells, "", {})
        finally:
            self._filling = False
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        self.table.editItem(self._item(row, 0))
        self._update_buttons()
        self.changed.emit()

    def remove_line(self) -> None:
        """Remove the current line."""
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        self.table.setCurrentCell(min(row, self.table.rowCount() - 1), 0)
        self._update_buttons()
        self.changed.emit()

    def move_line(self, step: int) -> None:
        """Swap the current line with the one ``step`` (-1 up, 1 down) from it."""
        row = self.table.currentRow()
        other = row + step
        if row < 0 or not 0 <= other < self.table.rowCount():
            return
        self._filling = True
        try:
            for column in range(self.table.columnCount()):
                mine = self.table.takeItem(row, column)
                theirs = self.table.takeItem(other, column)
                self.table.setItem(row, column, theirs)
                self.table.setItem(other, column, mine)
        finally:
            self._filling = False
        self.table.setCurrentCell(other, self.table.currentColumn())
        self._update_buttons()
        self.changed.emit()

    # --- inside -------------------------------------------------------------------------

    def _append(self, cells: Sequence[str], key: str, extra: dict[str, str]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column in range(self.table.columnCount()):
            item = QTableWidgetItem(cells[column] if column < len(cells) else "")
            item.setTextAlignment(RIGHT if column in self.numeric else LEFT)
            item.setToolTip(item.text())  # the whole text of a cell too narrow for it
            self.table.setItem(row, column, item)
        first = self._item(row, 0)
        first.setData(KEY_ROLE, key)
        first.setData(EXTRA_ROLE, json.dumps(extra))

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, column, item)
        return item

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item else ""

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.toolTip() != item.text():
            item.setToolTip(item.text())
        if not self._filling:
            self.changed.emit()

    def _cell_changed(self, row: int, _column: int, previous: int, _previous_column: int) -> None:
        self._update_buttons()
        if row != previous:
            self.line_chosen.emit(row, previous)

    def _fit_height(self) -> None:
        """As tall as its lines and one more for adding (a form has a few lines, not a
        ledger: from 3 to 8, then it scrolls)."""
        shown = max(3, min(self.table.rowCount() + 1, 8))
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + shown * self.line_height + 2 * self.table.frameWidth())

    def _update_buttons(self) -> None:
        self._fit_height()
        row = self.table.currentRow()
        count = self.table.rowCount()
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)


def keep_browsable(section: SetupSection[Any, Any], widgets: Sequence[QWidget]) -> None:
    """For a user who may not change the set-up, move ``widgets`` (put in ``section.below``)
    out of the form the frame disables, to just under it: lines can then still be chosen
    and tabs turned (a level's texts read) while their editors are made read-only."""
    if section.editable:
        return
    parent = section.fields.parentWidget()
    panel = parent.layout() if parent is not None else None
    assert isinstance(panel, QBoxLayout)
    at = panel.indexOf(section.fields) + 1
    for offset, widget in enumerate(widgets):
        section.below.removeWidget(widget)
        panel.insertWidget(at + offset, widget)
        if isinstance(widget, LinesTable):
            widget.set_read_only()
        for editor in widget.findChildren(QLineEdit) + widget.findChildren(QPlainTextEdit):
            editor.setReadOnly(True)
