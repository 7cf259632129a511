"""The table model every grid uses: Qt's model checks, sorting, filtering, what is shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QPersistentModelIndex, Qt

from collections_desktop.views.itemmodels.prepared import (
    PreparedModel,
    prepare_rows,
    replaced_in_place,
    replaced_rows,
)
from collections_desktop.views.itemmodels.rows import LEFT, RIGHT, Column, RowTableModel

D = Decimal


@dataclass(frozen=True)
class Balance:
    account: str
    name: str
    balance: Decimal
    due: dt.date | None


ROWS = (
    Balance("C-003", "Ruiz Hermanos SL", D("18430.00"), dt.date(2026, 6, 2)),
    Balance("C-001", "garnier SA", D("48210.00"), None),
    Balance("C-002", "Lopes & Filhos Lda", D("-200.00"), dt.date(2026, 11, 1)),
)


def model() -> RowTableModel[Balance]:
    table = RowTableModel(
        [
            Column("Account", lambda r: r.account),
            Column("Name", lambda r: r.name, tooltip=lambda r: f"{r.name} ({r.account})"),
            Column("Balance", lambda r: r.balance, text=lambda v: f"{v:,.2f}"),
            Column("Oldest due", lambda r: r.due, text=lambda v: v.isoformat()),
        ]
    )
    table.set_rows(ROWS)
    return table


def shown(table: RowTableModel[Balance], column: int = 0) -> list[str]:
    return [table.index(r, column).data() for r in range(table.rowCount())]


def test_passes_qts_model_tests(qtmodeltester) -> None:
    table = model()
    qtmodeltester.check(table, force_py=True)
    table.sort(2, Qt.SortOrder.DescendingOrder)
    table.set_filter("sl")
    qtmodeltester.check(table, force_py=True)


def test_shows_text_alignment_tooltips_and_headers() -> None:
    table = model()
    assert table.rowCount() == 3
    assert table.columnCount() == 4
    assert [table.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Account", "Name", "Balance", "Oldest due"]  # fmt: skip
    assert shown(table, 2) == ["18,430.00", "48,210.00", "-200.00"]
    assert table.index(1, 3).data() == ""  # no date: blank, not "None"
    assert table.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert table.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) == LEFT
    assert table.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == "Ruiz Hermanos SL (C-003)"
    assert table.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) is None


def test_sorts_by_value_not_by_text_and_keeps_blanks_last() -> None:
    table = model()
    table.sort(2, Qt.SortOrder.DescendingOrder)
    assert shown(table) == ["C-001", "C-003", "C-002"]  # 48,210 > 18,430 > -200
    table.sort(2, Qt.SortOrder.AscendingOrder)
    assert shown(table) == ["C-002", "C-003", "C-001"]
    table.sort(1, Qt.SortOrder.AscendingOrder)  # names without regard to case
    assert shown(table, 1) == ["garnier SA", "Lopes & Filhos Lda", "Ruiz Hermanos SL"]
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        table.sort(3, order)
        assert shown(table)[-1] == "C-001", "the row without a date stays last"
    assert shown(table)[:2] == ["C-002", "C-003"]


def test_a_selection_follows_its_row_through_a_sort() -> None:
    table = model()
    held = QPersistentModelIndex(table.index(0, 1))  # Ruiz
    table.sort(2, Qt.SortOrder.AscendingOrder)
    assert held.row() == 1
    assert held.data() == "Ruiz Hermanos SL"
    assert table.row(table.index(held.row(), 0)).account == "C-003"


def test_filters_on_every_word_of_the_shown_text_and_keeps_the_sort() -> None:
    table = model()
    table.sort(2, Qt.SortOrder.DescendingOrder)
    table.set_filter("  S  ")
    assert shown(table) == ["C-001", "C-003", "C-002"]  # "s" is in every name
    table.set_filter("sl 18,430")
    assert shown(table) == ["C-003"]
    table.set_filter("GARNIER")
    assert [r.account for r in table.rows()] == ["C-001"]
    table.set_filter("nobody")
    assert table.rowCount() == 0
    table.set_filter("")
    table.set_rows(ROWS[:2])  # new rows keep the sort
    assert shown(table) == ["C-001", "C-003"]


def test_the_marked_model_colours_cells_and_names_the_currency_in_headers(qtmodeltester) -> None:
    from PySide6.QtGui import QColor

    from collections_desktop.views.itemmodels.marked import MarkedModel

    red = QColor("#c62828")
    table = MarkedModel(
        [
            Column("Account", lambda r: r.account),
            Column("Balance", lambda r: r.balance, text=lambda v: f"{v:,.2f}"),
        ],
        {1: lambda r: red if r.balance < 0 else None},
    )
    table.set_rows(ROWS)
    table.right = {1}
    table.set_header(1, "Balance (EUR)")
    qtmodeltester.check(table, force_py=True)
    assert table.headerData(1, Qt.Orientation.Horizontal) == "Balance (EUR)"
    assert table.headerData(0, Qt.Orientation.Horizontal) == "Account"
    assert (
        table.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    )
    colours = [table.index(r, 1).data(Qt.ItemDataRole.ForegroundRole) for r in range(3)]
    assert colours == [None, None, red]  # only the negative balance, which also shows its sign
    assert table.index(2, 1).data() == "-200.00"
    assert table.index(2, 0).data(Qt.ItemDataRole.ForegroundRole) is None


def test_ten_thousand_rows_are_formatted_only_as_they_are_shown_sorted_or_filtered() -> None:
    """Setting the rows formats nothing; showing a row formats that row, sorting formats
    nothing (it sorts on the values), and the first filter formats every row once."""
    formatted: list[Decimal] = []

    def text(value: Decimal) -> str:
        formatted.append(value)
        return f"{value:,.2f}"

    table = RowTableModel(
        [Column("Account", lambda r: r.account), Column("Balance", lambda r: r.balance, text)]
    )
    rows = [Balance(f"C-{n:05d}", "", D(n % 997), None) for n in range(10_000)]
    table.set_rows(rows)
    assert formatted == []
    assert table.index(0, 1).data() == "0.00"
    assert formatted == [D(0)]
    table.sort(1, Qt.SortOrder.DescendingOrder)
    assert len(formatted) == 1
    assert table.index(0, 1).data() == "996.00"
    assert len(formatted) == 2
    table.set_filter("996.00")
    assert len(formatted) == 10_000  # every row, once: the two shown are not made again
    assert table.rowCount() == 10
    assert {table.index(r, 0).data() for r in range(10)} == {
        f"C-{n:05d}" for n in range(10_000) if n % 997 == 996
    }


@st.composite
def _patches(draw: st.DrawFn) -> tuple[list[Balance], set[int], list[Balance], int, bool, str]:
    """Rows with ties and blanks, which of them a write changed, their fresh rows, and the
    sort and filter on screen."""
    amounts = st.sampled_from([None, D("0.00"), D("-5.00"), D("12.50"), D("12.50"), D("900.10")])
    dates = st.sampled_from([None, dt.date(2026, 1, 31), dt.date(2026, 3, 1)])
    count = draw(st.integers(min_value=1, max_value=30))
    rows = [
        Balance(
            f"C-{i:03}",
            draw(st.sampled_from(["Ruiz", "ruiz", "Garnier", ""])),
            draw(amounts) or D(0),
            draw(dates),
        )
        for i in range(count)
    ]
    changed = draw(st.sets(st.integers(min_value=0, max_value=count - 1), max_size=4))
    fresh = [
        Balance(f"C-{i:03}", rows[i].name, draw(amounts) or D(0), draw(dates))
        for i in sorted(changed)
        if draw(st.booleans())  # else paid in full: it leaves the list
    ]
    fresh += [
        Balance(f"C-{count + i:03}", "New", D("7.00"), None) for i in range(draw(st.integers(0, 2)))
    ]
    return (
        rows,
        changed,
        fresh,
        draw(st.integers(0, 3)),
        draw(st.booleans()),
        draw(st.sampled_from(["", "ruiz", "new"])),
    )


@given(_patches())
def test_rows_replaced_in_place_show_as_a_fresh_read_would(case) -> None:
    """A patched grid (a few rows replaced, the sorted column ordered again from its old
    order) shows exactly the rows and order of a grid given the merged rows afresh."""
    rows, changed, fresh_rows, column, descending, words = case
    columns = model().columns
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    patched = PreparedModel(columns, {})
    patched.set_rows(rows)
    patched.sort(column, order)
    patched.set_filter(words)
    accounts = {rows[i].account for i in changed}
    merged, removed = replaced_rows(
        prepare_rows(columns, rows), prepare_rows(columns, fresh_rows),
        lambda r: r.account in accounts, lambda r: r.account,
    )  # fmt: skip
    patched.set_prepared(merged, patched=True)
    afresh = PreparedModel(columns, {})
    afresh.set_prepared(merged)
    afresh.sort(column, order)
    afresh.set_filter(words)
    assert patched.rows() == afresh.rows()
    assert [r.account for r in removed] == sorted(accounts)
    assert [r.account for r in merged.rows] == sorted(r.account for r in merged.rows)


@given(_patches(), st.integers(0, 3))
def test_rows_replaced_where_they_are_show_as_a_fresh_read_would(case, sorted_before) -> None:
    """The same customers with fresh figures replace their rows where they are: every
    order already sorted is mended, and the grid shows exactly what a grid given the
    replaced rows afresh shows, under any sort and filter; a selected row stays
    selected, wherever it moved."""
    rows, changed, _fresh, column, descending, words = case
    columns = model().columns
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    positions = sorted(changed)
    fresh_rows = [
        Balance(rows[i].account, rows[i].name, D("12.50") * (n - 1), None if n % 2 else rows[i].due)
        for n, i in enumerate(positions)
    ]
    patched = PreparedModel(columns, {})
    patched.set_rows(rows)
    patched.sort(sorted_before, Qt.SortOrder.AscendingOrder)  # an order made, then left
    patched.sort(column, order)
    patched.set_filter(words)
    selected = QPersistentModelIndex(patched.index(0, 0)) if patched.rowCount() else None
    selected_account = patched.row(selected).account if selected else None
    merged = replaced_in_place(
        prepare_rows(columns, rows), prepare_rows(columns, fresh_rows), positions
    )
    patched.set_replaced(merged, positions)
    afresh = PreparedModel(columns, {})
    afresh.set_prepared(merged)
    afresh.sort(column, order)
    afresh.set_filter(words)
    assert patched.rows() == afresh.rows()
    if selected is not None and selected.isValid():
        assert patched.row(selected).account == selected_account
    patched.sort(sorted_before, order)  # a mended order, sorted on again
    afresh.sort(sorted_before, order)
    assert patched.rows() == afresh.rows()
    assert [r.account for r in merged.rows] == [r.account for r in rows]
