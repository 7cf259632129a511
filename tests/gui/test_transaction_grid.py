"""The transaction grid: columns as wide as their figures, the currency said once, the
voucher at hand in the document's tooltip and the header's menu."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from PySide6.QtCore import Qt

from collections_desktop.formatting import Formats
from collections_desktop.models.screens.customer_card import TransactionRow
from collections_desktop.views.widgets.grid import two_line_split
from collections_desktop.views.widgets.transaction_grid import TransactionGrid, open_item_columns

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
    grid = TransactionGrid("open", open_item_columns(Formats()), "Nothing is open.")
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
