"""Pages sorted in SQL follow the grid's own sort: a window and a whole list agree.

For every tab, column and direction the pages read one after another list the rows in
the order the grid's item model gives ``open_rows``'s rows of the tab, sorted on that
column in memory (blanks last, ties in due date, voucher order, reversed descending).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from collections_desktop.formatting import Formats
from collections_desktop.i18n import set_language
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.screens.transaction_pages import PageWanted, SortKey, Tab
from collections_desktop.models.screens.workspace import open_rows
from collections_desktop.views.itemmodels.rows import Column, RowTableModel
from collections_desktop.views.widgets.transaction_grid import (
    open_item_columns,
    promised_columns,
    unsettled_columns,
)
from tests.unit.test_snapshot import TODAY
from tests.unit.test_transaction_pages import TABS, ledger, pages

EN = Formats("en_US")
GRIDS = {
    Tab.OPEN: open_item_columns,
    Tab.DISPUTED: open_item_columns,
    Tab.PROMISED: promised_columns,
    Tab.UNSETTLED: unsettled_columns,
}
"""Each tab's grid columns."""


def every_column(formats: Formats) -> list[Column]:
    """A column for each ``SortKey``, in its order: the open items' and the promise's."""
    return [*open_item_columns(formats), *promised_columns(formats)[-2:]]


POSITION = {key: n for n, key in enumerate(SortKey)}
"""Each key's column in ``every_column``."""


def test_every_column_is_its_sort_key() -> None:
    headers = [column.header for column in every_column(EN)]
    assert len(headers) == len(SortKey) == len(set(headers))
    assert headers[POSITION[SortKey.DAYS_OVERDUE]] == "Days overdue"
    assert headers[POSITION[SortKey.EXPECTED]] == "Expected payment"
    assert headers[POSITION[SortKey.STATUS]] == "Collection status"
    assert headers[POSITION[SortKey.PROMISE_AMOUNT]] == "Promised amount"


def in_memory(rows, columns: list[Column], column: int, descending: bool) -> list:
    """The rows' ids as the grid's model sorts them on ``column``."""
    model = RowTableModel(columns)
    model.set_rows(rows)
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    model.sort(column, order)
    return [row.id for row in model.rows()]


def test_pages_sorted_in_sql_list_the_rows_as_the_grid_sorts_them(qapp, any_db: Database) -> None:
    with any_db.sessions() as session:
        book = ledger(session)
        scope = company_scope(session)
        every = open_rows(session, scope, book.customer_id, TODAY)
        all_columns = every_column(EN)
        keys = {column.header: key for column, key in zip(all_columns, SortKey, strict=True)}
        for tab, rows_of in TABS.items():
            rows = rows_of(every)
            assert len(rows) >= 3, tab  # more than one page of 3
            # The tab's grid's own columns; a key it has not, by its column elsewhere.
            grid = GRIDS[tab](EN)
            by_key = {keys[column.header]: (grid, n) for n, column in enumerate(grid)}
            for key in SortKey:
                columns, n = by_key.get(key, (all_columns, POSITION[key]))
                for descending in (False, True):
                    wanted = PageWanted(tab, key, descending)
                    read = pages(session, scope, book.customer_id, wanted, 3)
                    expected = in_memory(rows, columns, n, descending)
                    assert [row.id for row in read] == expected, wanted


def test_types_and_statuses_sort_by_their_names_in_the_language_shown(
    qapp, sqlite_db: Database
) -> None:
    with sqlite_db.sessions() as session:
        book = ledger(session)
        scope = company_scope(session)
        every = open_rows(session, scope, book.customer_id, TODAY)
        set_language("es")  # Factura before Gastos (fee), En disputa before Promesa…
        columns = every_column(EN)
        for key in (SortKey.TYPE, SortKey.STATUS):
            for descending in (False, True):
                wanted = PageWanted(Tab.OPEN, key, descending)
                read = pages(session, scope, book.customer_id, wanted, 3)
                expected = in_memory(every, columns, POSITION[key], descending)
                assert [row.id for row in read] == expected, wanted
