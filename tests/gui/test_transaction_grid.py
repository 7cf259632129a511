"""The transaction grid: columns as wide as their figures, the currency said once, the
voucher at hand in the document's tooltip and the header's menu."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from collections_desktop.formatting import Formats
from collections_desktop.models.screens.customer_card import TransactionRow
from collections_desktop.views.widgets.grid import two_line_split
from collections_desktop.views.widgets.transaction_grid import (
    OPEN_ITEM_KEYS,
    TransactionGrid,
    WindowRead,
    open_item_columns,
)

D = Decimal
HEADERS = [
    "Document",
    "Voucher",
    "Type",
    "Posted",
    "Due",
    "Days overdue",
    "Amount",
    "Open",
    "Currency",
    "Collection status",
]


def row(number: str, amount: str, currency: str = "EUR", status: str = "none") -> TransactionRow:
    return TransactionRow(
        id=uuid.uuid4(),
        type="invoice",
        document_number=number,
        voucher=f"V-{number}",
        posting_date=dt.date(2026, 9, 1),
        due_date=dt.date(2026, 10, 1),
        amount=D(amount),
        open_amount=D(amount),
        open_amount_accounting=D(amount),
        currency=currency,
        collection_status=status,
        promise_date=None,
        promise_amount=None,
        days_overdue=53,
    )


def grid_of(qtbot, rows: list[TransactionRow]) -> TransactionGrid:
    grid = TransactionGrid("open", open_item_columns(Formats()), OPEN_ITEM_KEYS, "Nothing is open.")
    qtbot.addWidget(grid)
    grid.sort_by(4)
    grid.resize(900, 400)
    grid.show()
    grid.set_rows(rows)
    return grid


def headers(grid: TransactionGrid) -> list[str]:
    model, view = grid.model, grid.view
    return [
        model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(model.columnCount())
        if not view.isColumnHidden(c)
    ]


def test_one_currency_is_named_in_the_amounts_headers_instead_of_a_column(qtbot) -> None:
    grid = grid_of(qtbot, [row("INV-0042353", "26455.58"), row("INV-0042371", "4743.82")])
    assert headers(grid) == [
        "Document",
        "Type",
        "Posted",
        "Due",
        "Days\noverdue",
        "Amount\n(EUR)",
        "Open\n(EUR)",
        "Expected\npayment",  # not predicted: the headers set the widths
        "Late\nrisk",
        "Collection\nstatus",  # no status to show: the header sets the width
    ]
    # Each header's whole text on one line in its tooltip and in the column menu.
    model = grid.model
    assert model.headerData(6, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == (
        "Amount (EUR)"
    )
    assert [a.text() for a in grid.column_menu().actions()] == [
        "Document",
        "Voucher",
        "Type",
        "Posted",
        "Due",
        "Days overdue",
        "Amount (EUR)",
        "Open (EUR)",
        "Currency",
        "Expected payment",
        "Late risk",
        "Collection status",
    ]
    # Two currencies: a Currency column again, the headers plain.
    grid.set_rows([row("INV-1", "10.00"), row("INV-2", "20.00", currency="USD")])
    assert "Currency" in headers(grid)
    assert "Amount" in headers(grid)


def test_columns_are_as_wide_as_their_figures_and_the_sorted_one_has_its_arrow(qtbot) -> None:
    grid = grid_of(qtbot, [row("INV-0042353", "126455.58", status="broken")])
    view, header = grid.view, grid.view.horizontalHeader()
    metrics = view.fontMetrics()
    for column, text in ((0, "INV-0042353"), (6, "126,455.58")):
        assert view.columnWidth(column) >= metrics.horizontalAdvance(text)
    # "Days overdue" on two lines: its column is as wide as "overdue", not the phrase.
    days = view.columnWidth(5)
    assert days < header.fontMetrics().horizontalAdvance("Days overdue")
    assert days > header.fontMetrics().horizontalAdvance("overdue")
    # Sorting by it makes room for the arrow; the others are not widened for one.
    view.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    assert view.columnWidth(5) > days
    # Its range is settled after the stretched last column gives way: wait for that.
    qtbot.waitUntil(lambda: not view.horizontalScrollBar().isVisible(), timeout=2_000)


def test_the_voucher_is_hidden_until_asked_for(qtbot) -> None:
    grid = grid_of(qtbot, [row("INV-0042353", "26455.58")])
    assert grid.view.isColumnHidden(1)
    document = grid.model.index(0, 0)
    assert document.data(Qt.ItemDataRole.ToolTipRole) == "Voucher V-INV-0042353"
    menu = grid.column_menu()
    voucher = menu.actions()[1]
    assert not voucher.isChecked()
    voucher.trigger()
    assert not grid.view.isColumnHidden(1)
    assert grid.view.columnWidth(1) >= grid.view.fontMetrics().horizontalAdvance("V-INV-0042353")
    grid.set_rows([row("INV-0042371", "4743.82")])  # the next customer keeps the choice
    assert not grid.view.isColumnHidden(1)


def test_a_header_breaks_where_its_longer_line_is_shortest() -> None:
    assert two_line_split("Statut de recouvrement", len) == "Statut de\nrecouvrement"
    assert two_line_split("Days overdue", len) == "Days\noverdue"
    assert two_line_split("Amount (EUR)", len) == "Amount\n(EUR)"
    assert two_line_split("Document", len) is None


@pytest.fixture
def empty_grid(qtbot) -> TransactionGrid:
    """A grid kept alive until the test's other fixtures (the model tester) are done."""
    return grid_of(qtbot, [])


def test_a_window_asks_for_its_rows_as_it_is_scrolled_and_sorted(
    empty_grid: TransactionGrid, qtmodeltester
) -> None:
    """A big customer's grid holds the rows read so far: a scroll asks for the next ones
    from where it stands, a header click for the first ones in the new order, and an
    answer to a read no longer wanted is dropped."""
    rows = [row(f"INV-{n:03}", f"{n}.00") for n in range(1, 8)]
    grid = empty_grid
    model = grid.model
    asked: list[WindowRead] = []
    model.rows_wanted.connect(asked.append)
    grid.set_window(rows[:3], 250, "EUR")
    assert (model.rowCount(), model.window, asked) == (3, 250, [])
    assert model.canFetchMore()
    model.fetchMore()
    [more] = asked
    assert (more.offset, more.column, more.order) == (3, 4, Qt.SortOrder.AscendingOrder)
    assert not model.canFetchMore()  # one read at a time
    model.add_rows(more, rows[3:5])
    assert [model.row(model.index(r, 0)).document_number for r in range(5)] == [
        "INV-001", "INV-002", "INV-003", "INV-004", "INV-005",
    ]  # fmt: skip
    assert model.window == 5  # fewer than a page came: rows were settled since the count
    assert not model.canFetchMore()

    grid.set_window(rows[:3], 250, "EUR")
    asked.clear()
    grid.view.horizontalHeader().setSortIndicator(6, Qt.SortOrder.DescendingOrder)
    [first] = asked
    assert (first.offset, first.column, first.order) == (0, 6, Qt.SortOrder.DescendingOrder)
    model.add_rows(more, rows)  # the answer to an older read: dropped
    assert model.rowCount() == 3
    model.add_rows(first, rows[::-1][:3])
    assert [model.row(model.index(r, 0)).amount for r in range(3)] == [D("7"), D("6"), D("5")]
    qtmodeltester.check(model, force_py=True)

    assert model.window == 3  # a short first page ends the window too

    grid.set_window(rows[:3], 250, "EUR")
    model.fetchMore()
    failed = asked[-1]
    assert (failed.offset, failed.column) == (3, 6)  # on in the order the grid is in
    assert not model.canFetchMore()
    model.read_failed(failed)
    assert model.canFetchMore()  # a failed read may be asked again


def test_a_grid_filled_behind_another_tab_is_fitted_when_shown(qtbot) -> None:
    """Rows given to a hidden grid (a tab behind) are measured when it is shown: its
    columns come out as wide as those of a grid filled on screen."""
    rows = [row("INV-2026-000123", "1234567.89"), row("CN-1", "-5.00", status="disputed")]
    shown = grid_of(qtbot, rows)
    hidden = TransactionGrid("open", open_item_columns(Formats()), OPEN_ITEM_KEYS, "None.")
    qtbot.addWidget(hidden)
    hidden.sort_by(4)
    hidden.resize(900, 400)
    hidden.set_rows(rows)
    header = hidden.view.horizontalHeader()
    unfitted = [header.sectionSize(c) for c in range(header.count())]
    hidden.show()
    widths = [header.sectionSize(c) for c in range(header.count())]
    expected = [shown.view.horizontalHeader().sectionSize(c) for c in range(header.count())]
    assert widths == expected
    assert widths != unfitted
