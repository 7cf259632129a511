"""The grid of a settlement: open transactions with a check and an editable amount."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO, MoneyError, to_money
from collections_desktop.models.screens.customer_card import TransactionRow, type_name
from collections_desktop.views.dialogs.fields import parse_amount
from collections_desktop.views.itemmodels.rows import LEFT, RIGHT, Index
from collections_desktop.views.style import ERROR_COLOUR


class MarkModel(QAbstractTableModel):
    """Open transactions with a check and an editable amount to settle (plain values only)."""

    marks_changed = Signal()
    """A row was checked or unchecked, or its amount changed."""

    MARK, DOCUMENT, TYPE, POSTED, DUE, CURRENCY, OPEN, AMOUNT = range(8)

    def __init__(self, rows: Sequence[TransactionRow], formats: Formats, parent: Any = None):
        super().__init__(parent)
        self._rows = tuple(rows)
        self._formats = formats
        self._checked = [False] * len(self._rows)
        self._texts = [""] * len(self._rows)  # what was typed (or prefilled) per row
        self._headers = (
            "",
            _("Document"),
            _("Type"),
            _("Posted"),
            _("Due"),
            _("Currency"),
            _("Open"),
            _("Amount to settle"),
        )

    # --- what the dialog reads ----------------------------------------------------------

    def transaction(self, row: int) -> TransactionRow:
        """The transaction shown in ``row``."""
        return self._rows[row]

    def is_checked(self, row: int) -> bool:
        """Whether ``row`` is marked."""
        return self._checked[row]

    def amount_text(self, row: int) -> str:
        """The amount to settle as typed (or prefilled)."""
        return self._texts[row]

    def amount(self, row: int) -> Decimal | None:
        """The amount to settle of ``row`` (an empty field is zero); None when it is not
        an amount."""
        text = self._texts[row]
        if not text.strip():
            return to_money("0", places=4)
        try:
            return parse_amount(text, self._formats)
        except MoneyError:
            return None

    def marked(self) -> list[int]:
        """The marked rows, in display order."""
        return [i for i, checked in enumerate(self._checked) if checked]

    # --- Qt's model interface -----------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (self.OPEN, self.AMOUNT):
            return RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.MARK:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == self.AMOUNT:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = index.row(), index.column()
        txn = self._rows[row]
        if role == Qt.ItemDataRole.CheckStateRole and column == self.MARK:
            return (
                Qt.CheckState.Checked.value if self._checked[row] else Qt.CheckState.Unchecked.value
            )
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column, txn)
        if role == Qt.ItemDataRole.EditRole and column == self.AMOUNT:
            return self._texts[row]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column in (self.OPEN, self.AMOUNT) else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.OPEN and txn.open_amount < ZERO:
                return QColor(ERROR_COLOUR)
            if column == self.AMOUNT and self._texts[row] and self.amount(row) is None:
                return QColor(ERROR_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.AMOUNT:
            if self._texts[row] and self.amount(row) is None:
                return _("“{text}” is not an amount.").format(text=self._texts[row])
            return _("Type the amount to settle; at most {open}.").format(
                open=self._formats.amount(abs(txn.open_amount))
            )
        return None

    def _display(self, row: int, column: int, txn: TransactionRow) -> str | None:
        fmt = self._formats
        if column == self.DOCUMENT:
            return txn.document_number
        if column == self.TYPE:
            return type_name(txn.type)
        if column == self.POSTED:
            return fmt.date(txn.posting_date)
        if column == self.DUE:
            return fmt.date(txn.due_date)
        if column == self.OPEN:
            return fmt.amount(txn.open_amount)
        if column == self.AMOUNT:
            value = self.amount(row)
            if value is None or not self._texts[row]:
                return self._texts[row]
            return fmt.amount(value)
        if column == self.CURRENCY:
            return txn.currency
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row, column = index.row(), index.column()
        if column == self.MARK and role == Qt.ItemDataRole.CheckStateRole:
            self.set_checked(row, value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value))
            return True
        if column == self.AMOUNT and role == Qt.ItemDataRole.EditRole:
            text = str(value).strip()
            self._texts[row] = text
            # Typing an amount marks the row; clearing it unmarks the row.
            self._checked[row] = bool(text)
            self._row_changed(row)
            return True
        return False

    def set_checked(self, row: int, checked: bool) -> None:
        """Mark or unmark ``row``; marking prefills the amount with what is open."""
        self._checked[row] = checked
        if checked and not self._texts[row]:
            self._texts[row] = self._formats.amount(abs(self._rows[row].open_amount))
        elif not checked:
            self._texts[row] = ""
        self._row_changed(row)

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        self.marks_changed.emit()
