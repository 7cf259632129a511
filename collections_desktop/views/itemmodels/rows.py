"""A table model over immutable rows, sorted and filtered on keys computed once.

Every grid of the app shows a tuple of frozen rows from one query function of
``models/``. A ``Column`` says how to show a row's value (text, alignment, tooltip) and
how to sort it. Sort keys and the lower-case text that the filter searches are computed
when rows arrive, so sorting or filtering 100,000 rows is a Python ``sort`` over
ready keys, never a comparator called through a proxy model.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class Fit(enum.Enum):
    """What a column holds, which sets how wide it may grow (``widgets.grid.ColumnFitter``).

    ``KEY``: the text a row is known by (a customer's name, a document or case number, a
    status), never cut up to a generous limit. ``TEXT``: short values never cut (dates,
    amounts, codes). ``LABEL``: a short descriptive text (a type, a category, a person)
    that gives way when room is short. ``FREE``: free text (a purpose, a description),
    the first to give way. A ``LABEL`` or ``FREE`` cell without a tooltip of its own
    shows its whole text in its tooltip.
    """

    KEY = "key"
    TEXT = "text"
    LABEL = "label"
    FREE = "free"


GIVING_WAY = (Fit.LABEL, Fit.FREE)
"""The kinds of column that narrow (their texts elided) when a grid lacks room."""


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column: its header, the value of a row, how that value is shown, what it holds."""

    header: str
    value: Callable[[Row], Any]
    text: Callable[[Any], str] = str
    tooltip: Callable[[Row], str] | None = None
    fit: Fit = Fit.TEXT

    def align(self, value: Any) -> Qt.AlignmentFlag:
        """Numbers to the right, everything else to the left."""
        return RIGHT if isinstance(value, int | float | Decimal) else LEFT


def _sort_key(value: Any) -> tuple[int, Any]:
    """(1, …) for a blank, which stays last; text without regard to case.

    An amount becomes its integer count of 1/10,000: integers compare several times
    faster than ``Decimal`` and keep the exact order.
    """
    if value is None or value == "":
        return (1, 0)
    if isinstance(value, str):
        return (0, value.casefold())
    if isinstance(value, Decimal):
        return (0, int(value.scaleb(4)))
    return (0, value)


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """Rows of one type in columns; ``set_rows`` replaces them all (they are immutable)."""

    def __init__(self, columns: Sequence[Column[Row]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._all: tuple[Row, ...] = ()
        self._shown: list[int] = []  # indexes into _all, in display order
        self._haystacks: list[str] | None = []
        """Each row's texts joined, for the filter; made the first time one is typed."""
        self._texts: list[tuple[str, ...] | None] = []
        """Each row's texts, made when the row is first shown or measured."""
        self._filter = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._orders: dict[int, tuple[list[int], list[int]]] = {}  # column: (filled, blanks)

    # --- content ------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show ``rows``, keeping the current sort and filter.

        Nothing is formatted here: a row's texts are made when it is first shown, a
        column's sort keys when it is first sorted on, the filter's text when one is
        typed; so thousands of rows cost the GUI thread only what is on screen.
        """
        self.beginResetModel()
        self._all = tuple(rows)
        self._texts = [None] * len(self._all)
        self._haystacks = None
        self._orders = {}
        self._shown = self._arranged()
        self.endResetModel()

    def row_texts(self, source: int) -> tuple[str, ...]:
        """The texts of the ``source``-th row (in the order given), made once."""
        texts = self._texts[source]
        if texts is None:
            row = self._all[source]
            texts = tuple(
                column.text(value) if (value := column.value(row)) is not None else ""
                for column in self._columns
            )
            self._texts[source] = texts
        return texts

    @property
    def columns(self) -> tuple[Column[Row], ...]:
        """The columns, in order."""
        return self._columns

    def row(self, index: Index) -> Row:
        """The row shown at ``index``."""
        return self._all[self._shown[index.row()]]

    def column_texts(self, column: int, count: int) -> list[str]:
        """The texts ``column`` shows in its first ``count`` rows, then in as many more
        spread evenly over the rest: what the grid measures to size the column."""
        shown = self._shown
        picked = shown[:count]
        rest = len(shown) - count
        if rest > 0:
            step = max(rest // count, 1)
            picked = picked + shown[count::step][:count]
        return [self.row_texts(i)[column] for i in picked]

    def rows(self) -> tuple[Row, ...]:
        """The rows shown, in display order."""
        return tuple(self._all[i] for i in self._shown)

    def set_filter(self, text: str) -> None:
        """Show only the rows whose shown text contains every word of ``text``."""
        self._filter = text.casefold().strip()
        self.beginResetModel()
        self._shown = self._arranged()
        self.endResetModel()

    def _arranged(self) -> list[int]:
        words = self._filter.split()
        if words:
            if self._haystacks is None:
                self._haystacks = [
                    "\t".join(self.row_texts(i)).casefold() for i in range(len(self._all))
                ]
            haystacks = self._haystacks
            shown = [i for i, hay in enumerate(haystacks) if all(w in hay for w in words)]
        else:
            shown = list(range(len(self._all)))
        if self._sort is None:
            return shown
        column, order = self._sort
        filled, blanks = self._order(column)
        if order == Qt.SortOrder.DescendingOrder:
            filled = filled[::-1]
        if len(shown) < len(self._all):
            keep = set(shown)
            filled = [i for i in filled if i in keep]
            blanks = [i for i in blanks if i in keep]
        return filled + blanks

    def _order(self, column: int) -> tuple[list[int], list[int]]:
        """All rows in ascending order of ``column``, blanks apart; sorted once per column."""
        if column not in self._orders:
            value = self._columns[column].value
            keys = [_sort_key(value(row)) for row in self._all]
            filled = sorted((i for i, k in enumerate(keys) if not k[0]), key=lambda i: keys[i][1])
            self._orders[column] = (filled, [i for i, k in enumerate(keys) if k[0]])
        return self._orders[column]

    # --- Qt's model interface -----------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._columns):
            return self._columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        source = self._shown[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.row_texts(source)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align(column.value(self._all[source]))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.tooltip is not None:
                return column.tooltip(self._all[source])
            if column.fit in GIVING_WAY:  # elided when room is short: whole in the tooltip
                return self.row_texts(source)[index.column()] or None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort on the precomputed keys; blanks stay last."""
        if not 0 <= column < len(self._columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        rows_before = [self._shown[i.row()] for i in before]
        self._shown = self._arranged()
        position = {source: place for place, source in enumerate(self._shown)}
        self.changePersistentIndexList(
            before,
            [self.index(position[s], i.column()) for s, i in zip(rows_before, before, strict=True)],
        )
        self.layoutChanged.emit()
