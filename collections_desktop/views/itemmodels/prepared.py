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
                key: Callable[[int], Any] = lambda i: (keys[i], i)  # noqa: E731
            else:
                candidates, key = range(len(keys)), keys.__getitem__
            filled = sorted((i for i in candidates if keys[i] is not None), key=key)
            self._orders[column] = (filled, [i for i, k in enumerate(keys) if k is None])
        return self._orders[column]
