"""Rows prepared off the GUI thread: display texts, sort keys and filter text computed once.

A page's read task formats its rows (``prepare_rows``) beside the query, so the GUI
thread only swaps the result into a ``PreparedModel``; sorting and filtering then read
the precomputed keys.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QColor

from collections_desktop.formatting import Formats
from collections_desktop.views.itemmodels.marked import MarkedModel
from collections_desktop.views.itemmodels.rows import Column, Row


def count_text(formats: Formats, value: int) -> str:
    """A whole number; below a thousand without Babel (grouping changes nothing there).

    Risk scores and day counts fill tens of thousands of cells, and Babel takes about
    50 µs for each.
    """
    return str(value) if -1000 < value < 1000 else formats.count(value)


def sort_value(value: Any) -> Any:
    """What a cell sorts by, None for a blank (kept last): the order ``RowTableModel`` gives.

    Amounts sort as their integer count of 1/10,000 and text case-folded. Types are
    tested by identity: comparing a ``Decimal`` with ``""`` goes through the numbers
    ABCs, and half a million cells make that a second.
    """
    kind = type(value)
    if kind is Decimal:
        return int(value.scaleb(4))
    if kind is str:
        return value.casefold() if value else None
    return value


@dataclass(frozen=True)
class PreparedRows(Generic[Row]):
    """Rows with their display texts, sort keys and filter text, computed off the GUI thread.

    Sort keys are kept by column (``keys[column][row]``, None for a blank): one list per
    column rather than a tuple per cell keeps the garbage collector's work small, which
    runs on the GUI thread.
    """

    columns: tuple[Column[Row], ...]
    rows: tuple[Row, ...]
    texts: list[tuple[str, ...]]
    keys: list[list[Any]]
    haystacks: list[str]


def prepare_rows(columns: Sequence[Column[Row]], rows: Sequence[Row]) -> PreparedRows[Row]:
    """What ``RowTableModel.set_rows`` computes, as a plain function a worker can run.

    Formatting 40,000 rows of a dozen amounts takes a second or more; done in the
    task that read them, the GUI thread only swaps the result in.
    """
    columns = tuple(columns)
    by_column = [[column.value(row) for row in rows] for column in columns]
    cells = [
        [column.text(v) if v is not None else "" for v in values]
        for column, values in zip(columns, by_column, strict=True)
    ]
    texts: list[tuple[str, ...]] = (
        list(zip(*cells, strict=True)) if columns else [() for _row in rows]
    )
    return PreparedRows(
        columns=columns,
        rows=tuple(rows),
        texts=texts,
        keys=[list(map(sort_value, values)) for values in by_column],
        haystacks=["\t".join(row_texts).casefold() for row_texts in texts],
    )


def replaced_rows(
    old: PreparedRows[Row],
    fresh: PreparedRows[Row],
    gone: Callable[[Row], bool],
    order: Callable[[Row], Any],
) -> tuple[PreparedRows[Row], tuple[Row, ...]]:
    """``old`` without the rows ``gone`` picks, with ``fresh`` put where ``order`` (the
    order ``old`` is in) places them, and the rows taken out: a few rows changed in tens of
    thousands, and only the changed ones formatted (on the worker that read them)."""
    if fresh.columns != old.columns:
        raise ValueError("the rows were prepared for other columns")
    rows, texts, haystacks = list(old.rows), list(old.texts), list(old.haystacks)
    keys = [list(column) for column in old.keys]
    taken = [i for i, row in enumerate(rows) if gone(row)]
    removed = tuple(rows[i] for i in taken)
    for index in reversed(taken):
        del rows[index], texts[index], haystacks[index]
        for column in keys:
            del column[index]
    for position, row in enumerate(fresh.rows):
        at = bisect.bisect_left(rows, order(row), key=order)
        rows.insert(at, row)
        texts.insert(at, fresh.texts[position])
        haystacks.insert(at, fresh.haystacks[position])
        for column, fresh_keys in zip(keys, fresh.keys, strict=True):
            column.insert(at, fresh_keys[position])
    return PreparedRows(old.columns, tuple(rows), texts, keys, haystacks), removed


def _key_then_row(keys: Sequence[Any]) -> Callable[[int], tuple[Any, int]]:
    """A row's sort key, ties in row order: where a stable sort of ``keys`` puts it."""
    return lambda i: (keys[i], i)


def replaced_in_place(
    old: PreparedRows[Row], fresh: PreparedRows[Row], positions: Sequence[int]
) -> PreparedRows[Row]:
    """``old`` with ``fresh``'s rows at ``positions`` (one each, in order): the same
    customers with fresh figures, where they were, so no other row moves."""
    if fresh.columns != old.columns or len(positions) != len(fresh.rows):
        raise ValueError("the fresh rows do not fit the positions or the columns")
    rows, texts, haystacks = list(old.rows), list(old.texts), list(old.haystacks)
    keys = [list(column) for column in old.keys]
    for k, at in enumerate(positions):
        rows[at], texts[at], haystacks[at] = fresh.rows[k], fresh.texts[k], fresh.haystacks[k]
        for column, fresh_keys in zip(keys, fresh.keys, strict=True):
            column[at] = fresh_keys[k]
    return PreparedRows(old.columns, tuple(rows), texts, keys, haystacks)


class PreparedModel(MarkedModel[Row], Generic[Row]):
    """A ``MarkedModel`` whose rows are prepared on a worker (``prepare_rows``).

    ``set_rows`` prepares them on the spot (small grids); sorting reads the keys kept
    by column.
    """

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        colours: dict[int, Callable[[Row], QColor | None]],
        parent: Any = None,
    ) -> None:
        super().__init__(columns, colours, parent)
        self._column_keys: list[list[Any]] = [[] for _column in self._columns]
        self._hints: tuple[int, list[int]] | None = None

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show ``rows``, keeping the current sort and filter."""
        self.set_prepared(prepare_rows(self._columns, rows))

    def set_prepared(self, prepared: PreparedRows[Row], *, patched: bool = False) -> None:
        """Show prepared rows, keeping the sort and the filter (the columns must match).

        ``patched``: ``prepared`` holds most of the rows shown now (``replaced_rows``), so
        the sorted column is ordered again from its current order, in a few milliseconds
        where a fresh sort of tens of thousands of rows takes twenty.
        """
        if prepared.columns != self._columns:
            raise ValueError("the rows were prepared for other columns")
        hint = self._hint(prepared.rows) if patched else None
        self.beginResetModel()
        self._all = prepared.rows
        self._texts = list(prepared.texts)
        self._column_keys = prepared.keys
        self._haystacks = prepared.haystacks
        self._orders = {}
        self._hints = hint
        self._shown = self._arranged()
        self._hints = None
        self.endResetModel()

    def set_replaced(self, prepared: PreparedRows[Row], positions: Sequence[int]) -> None:
        """Show ``prepared``: the rows shown with those at ``positions`` replaced
        (``replaced_in_place``). Each order already sorted is mended, the changed rows
        taken out and put back by their new keys (ties in row order, as a fresh sort
        has them), and the views keep their selection and scroll: a few rows changed in
        tens of thousands cost what they are, not what the list is."""
        if prepared.columns != self._columns or len(prepared.rows) != len(self._all):
            raise ValueError("the rows are not the rows shown with some replaced")
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        sources = [self._shown[i.row()] for i in before]
        old_keys = self._column_keys
        self._all = prepared.rows
        self._texts = list(prepared.texts)
        self._column_keys = prepared.keys
        self._haystacks = prepared.haystacks
        for column, (filled, blanks) in self._orders.items():
            keys = self._column_keys[column]
            ranked = _key_then_row(keys)
            for at in positions:
                (blanks if old_keys[column][at] is None else filled).remove(at)
            for at in positions:
                if keys[at] is None:
                    bisect.insort(blanks, at)
                else:
                    bisect.insort(filled, at, key=ranked)
        self._shown = self._arranged()
        shown, wanted = self._shown, set(sources)  # a selected row: one per column
        if len(wanted) > 8:
            place = {source: row for row, source in enumerate(shown)}
        else:
            place = {s: shown.index(s) for s in wanted if s in shown}
        rows = [place.get(source, -1) for source in sources]
        self.changePersistentIndexList(
            before,
            [
                self.index(row, i.column()) if row >= 0 else QModelIndex()
                for row, i in zip(rows, before, strict=True)
            ],
        )
        self.layoutChanged.emit()

    def _hint(self, rows: tuple[Row, ...]) -> tuple[int, list[int]] | None:
        """The sorted column and the new rows' indexes in its current order, the rows
        not shown before at the end; None when nothing is sorted yet."""
        if self._sort is None or self._sort[0] not in self._orders:
            return None
        column = self._sort[0]
        filled, blanks = self._orders[column]
        place = {id(row): i for i, row in enumerate(rows)}
        old = self._all
        hint = [j for i in (*filled, *blanks) if (j := place.pop(id(old[i]), None)) is not None]
        return column, hint + sorted(place.values())

    def _order(self, column: int) -> tuple[list[int], list[int]]:
        """All rows in ascending order of ``column``, blanks apart; sorted once per column.

        Ties keep the rows' order. From a hint (``set_prepared``), the sort meets rows
        nearly in order, which Python's sort merges in linear time.
        """
        if column not in self._orders:
            keys = self._column_keys[column]
            if self._hints is not None and self._hints[0] == column:
                candidates: Iterable[int] = self._hints[1]
                key: Callable[[int], Any] = _key_then_row(keys)
            else:
                candidates, key = range(len(keys)), keys.__getitem__
            filled = sorted((i for i in candidates if keys[i] is not None), key=key)
            self._orders[column] = (filled, [i for i, k in enumerate(keys) if k is None])
        return self._orders[column]
