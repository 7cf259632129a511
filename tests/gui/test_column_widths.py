"""Column widths by the app's one rule (``widgets.grid.ColumnFitter``): a customer's name
and every header shown whole, the room left to one column; at 1366x768 in English and on
every page's grids in a pseudo-locale 40 % longer."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QIcon, QPixmap
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QTableView

from collections_desktop.i18n import PSEUDO, set_language
from collections_desktop.models.aging.snapshot import take_snapshot
from collections_desktop.models.casework.cases import create_case
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import load_scope
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.main_window import MainWindow
from collections_desktop.views.widgets.grid import (
    FLOORS,
    LIMITS,
    Grid,
    _text_room,
    header_state,
    header_style,
    header_width,
    restore_header,
    two_line_split,
)
from tests.unit.test_list_pages import Books, at, books
from tests.unit.test_overview import add_activity
from tests.unit.test_snapshot import add_customer, invoice

LOAD = 20_000

LONG_NAME = "Ferragens Tavares Nogueira, Lda."
"""A customer's name of the demo that the Overview used to cut."""


# --- what "whole" means -------------------------------------------------------------------


def header_need(header: QHeaderView, column: int) -> int:
    """The header's text width (QFontMetrics) and the style's margins around its label
    (less the sort arrow's room when the grid is sorted by it), plus its icon if any."""
    model = header.model()
    text = model.headerData(column, Qt.Orientation.Horizontal)
    option = QStyleOptionHeader()
    option.initFrom(header)
    option.state |= QStyle.StateFlag.State_Horizontal
    option.orientation = Qt.Orientation.Horizontal
    if header.isSortIndicatorShown() and header.sortIndicatorSection() == column:
        option.sortIndicator = QStyleOptionHeader.SortIndicator.SortUp
    option.rect = QRect(0, 0, 500, header.height())
    style = header.style()
    label = style.subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
    icon = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DecorationRole)
    extra = 0
    if icon is not None:
        extra = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + style.pixelMetric(
            QStyle.PixelMetric.PM_HeaderMargin
        )
    # A header on two lines needs its longer line: set so by its model (the transaction
    # grids'), or drawn so when its section is narrower than one line, if the header is
    # tall enough for two.
    metrics = QFontMetrics(header.font())
    one = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    split = two_line_split(text, metrics.horizontalAdvance)
    if split is not None and header.height() >= 2 * metrics.lineSpacing():
        one = min(one, max(metrics.horizontalAdvance(line) for line in split.split("\n")))
    return one + 500 - label.width() + extra


def cut_headers(view: QTableView) -> list[str]:
    """The headers of ``view`` narrower than their text needs, as "table: text w < need"."""
    header = view.horizontalHeader()
    return [
        f"{view.objectName()}: {header.model().headerData(c, Qt.Orientation.Horizontal)} "
        f"{header.sectionSize(c)} < {header_need(header, c)}"
        for c in range(header.count())
        if not header.isSectionHidden(c) and header.sectionSize(c) < header_need(header, c)
    ]


def text_room(view: QTableView) -> int:
    """Pixels a cell has besides its text (the style's margins on both sides)."""
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return 2 * margin


def cut_cells(view: QTableView, column: int) -> list[str]:
    """The texts of ``column`` that do not fit its width (elided on screen)."""
    model, metrics = view.model(), view.fontMetrics()
    width = view.horizontalHeader().sectionSize(column) - text_room(view)
    texts = [model.index(row, column).data() for row in range(model.rowCount())]
    return [text for text in texts if metrics.horizontalAdvance(text) > width]


# --- the rule on one grid -------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    account: str
    name: str
    purpose: str
    responsible: str
    status: str


INSTITUTO = "Instituto de Educación Secundaria Villanueva de la Serena"
LINES = (
    Line("C-000001", "Ruiz Hermanos SL", "Call about INV-1", "Lucía Fernández Ortega", "Active"),
    Line("C-000002", LONG_NAME, "Resolve the dispute on INV-0045314 " * 3, "Me", "On hold"),
    Line("C-000003", INSTITUTO, "Go", "", "Active"),
)
ACCOUNT, NAME, PURPOSE, RESPONSIBLE, STATUS = range(5)


def columns() -> list[Column[Line]]:
    return [
        Column("Account", lambda r: r.account, fit=Fit.KEY),
        Column("Customer", lambda r: r.name, fit=Fit.KEY),
        Column("Purpose", lambda r: r.purpose, fit=Fit.FREE),
        Column("Responsible", lambda r: r.responsible, fit=Fit.LABEL),
        Column("Collection status", lambda r: r.status, fit=Fit.KEY),
    ]


@pytest.fixture
def grid(qtbot) -> Grid[Line]:
    made: Grid[Line] = Grid("lines", columns(), {}, IconRegistry(), stretch=PURPOSE)
    qtbot.addWidget(made)
    made.resize(1000, 300)
    made.show()
    made.set_rows(LINES, "none")
    return made


def widths(grid: Grid[Line]) -> list[int]:
    header = grid.view.horizontalHeader()
    return [header.sectionSize(c) for c in range(header.count())]


def set_room(qtbot, grid: Grid[Line], room: int) -> None:
    """Make the grid's viewport ``room`` pixels wide."""
    view = grid.view
    grid.resize(grid.width() + room - view.viewport().width(), grid.height())
    qtbot.waitUntil(lambda: view.viewport().width() == room)


def test_each_column_fits_its_header_and_its_widest_text_up_to_its_limit(grid) -> None:
    view, header = grid.view, grid.view.horizontalHeader()
    metrics, room = view.fontMetrics(), text_room(view)
    # The account, the responsible and the status: their widest text and header, whole.
    assert cut_cells(view, ACCOUNT) == []
    assert cut_cells(view, RESPONSIBLE) == []
    assert cut_cells(view, STATUS) == []
    assert cut_headers(view) == []
    # The status's header is wider than its texts: it goes on two lines, which set the
    # column's width, and the header is tall enough for them.
    two_lines = header_width(header, STATUS, lines=2)
    assert two_lines < header_width(header, STATUS)
    assert header.sectionSize(STATUS) == two_lines >= header_need(header, STATUS)
    assert header.height() >= 2 * header.fontMetrics().lineSpacing()
    # The customer: the Ferragens name whole; the 57-character name beyond the limit.
    limit = LIMITS[Fit.KEY] * metrics.averageCharWidth()
    assert header.sectionSize(NAME) == limit
    assert metrics.horizontalAdvance(LONG_NAME) + room <= limit
    assert cut_cells(view, NAME) == [LINES[2].name]
    # The purpose takes what the others leave: the view is filled, nothing scrolls.
    assert header.length() == view.viewport().width()
    others = sum(w for c, w in enumerate(widths(grid)) if c != PURPOSE)
    assert header.sectionSize(PURPOSE) == view.viewport().width() - others
    # What a narrower column may cut shows whole in its tooltip.
    purpose = grid.model.index(1, PURPOSE)
    assert purpose.data(Qt.ItemDataRole.ToolTipRole) == LINES[1].purpose
    assert grid.model.index(0, NAME).data(Qt.ItemDataRole.ToolTipRole) is None


def test_short_of_room_the_free_text_gives_way_then_the_labels_then_it_scrolls(qtbot, grid) -> None:
    view, header, fitter = grid.view, grid.view.horizontalHeader(), grid.fitter
    needs, floors = fitter.needs, fitter.floors
    average = view.fontMetrics().averageCharWidth()
    assert floors[PURPOSE] == FLOORS[Fit.FREE] * average < needs[PURPOSE]
    assert floors[RESPONSIBLE] < needs[RESPONSIBLE]
    assert floors[NAME] == needs[NAME]
    natural = sum(needs.values())

    # Short by less than the purpose can give: only the purpose narrows.
    set_room(qtbot, grid, natural - 40)
    assert widths(grid)[PURPOSE] == needs[PURPOSE] - 40
    assert [w for c, w in enumerate(widths(grid)) if c != PURPOSE] == [
        needs[c] for c in (ACCOUNT, NAME, RESPONSIBLE, STATUS)
    ]
    assert header.length() == view.viewport().width()

    # Shorter: the purpose at its floor, the responsible gives the rest.
    purpose_slack = needs[PURPOSE] - floors[PURPOSE]
    set_room(qtbot, grid, natural - purpose_slack - 10)
    assert widths(grid)[PURPOSE] == floors[PURPOSE]
    assert widths(grid)[RESPONSIBLE] == needs[RESPONSIBLE] - 10
    assert cut_cells(view, RESPONSIBLE) == [LINES[0].responsible]
    assert header.length() == view.viewport().width()

    # Narrower still: both at their floors, the names whole, the grid scrolls sideways.
    set_room(qtbot, grid, 400)
    assert widths(grid)[PURPOSE] == floors[PURPOSE]
    assert widths(grid)[RESPONSIBLE] == floors[RESPONSIBLE]
    assert widths(grid)[NAME] == needs[NAME]
    assert cut_cells(view, NAME) == [LINES[2].name]
    assert cut_headers(view) == []
    assert header.length() > view.viewport().width()

    # Wider again: every column its need, the purpose the room left.
    set_room(qtbot, grid, natural + 100)
    assert widths(grid)[PURPOSE] == needs[PURPOSE] + 100
    assert header.length() == view.viewport().width()


def test_only_the_sorted_column_keeps_room_for_the_sort_arrow(grid) -> None:
    header = grid.view.horizontalHeader()
    unsorted = header.sectionSize(STATUS)
    grid.sort_by(STATUS, Qt.SortOrder.AscendingOrder)
    assert header.sectionSize(STATUS) > unsorted  # the arrow beside "Collection status"
    assert cut_headers(grid.view) == []
    grid.view.sortByColumn(ACCOUNT, Qt.SortOrder.DescendingOrder)
    assert header.sectionSize(STATUS) == unsorted
    assert cut_headers(grid.view) == []
    assert header.length() == grid.view.viewport().width()  # the purpose took the room


def test_new_rows_are_measured_again_but_a_column_the_user_sized_stays(qtbot, grid) -> None:
    header = grid.view.horizontalHeader()
    header.resizeSection(ACCOUNT, 150)  # the user widens the account
    wide = header.sectionSize(NAME)
    grid.set_rows(LINES[:1], "none")  # short names only: the customer narrows
    assert header.sectionSize(NAME) < wide
    assert cut_cells(grid.view, NAME) == []
    assert header.sectionSize(0) == 150
    assert header.length() == grid.view.viewport().width()


def test_the_state_keeps_what_the_user_sized_and_an_older_state_is_measured_again(
    qtbot, grid
) -> None:
    header = grid.view.horizontalHeader()
    header.resizeSection(0, 150)
    grid.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    state = header_state(grid)

    again: Grid[Line] = Grid("lines", columns(), {}, IconRegistry(), stretch=PURPOSE)
    qtbot.addWidget(again)
    again.resize(900, 300)
    again.show()
    again.sort_by(-1, Qt.SortOrder.AscendingOrder)
    assert restore_header(again, state)
    again.set_rows(LINES, "none")
    other = again.view.horizontalHeader()
    assert other.sectionSize(0) == 150
    assert (other.sortIndicatorSection(), other.sortIndicatorOrder()) == (
        1,
        Qt.SortOrder.DescendingOrder,
    )
    assert other.sectionSize(1) == header.sectionSize(1)

    # A state saved before columns were fitted: the column count, then Qt's own state.
    older = state[:2] + bytes(header.saveState().data())
    third: Grid[Line] = Grid("lines", columns(), {}, IconRegistry(), stretch=PURPOSE)
    qtbot.addWidget(third)
    third.resize(900, 300)
    third.show()
    assert restore_header(third, older)
    third.set_rows(LINES, "none")
    assert third.view.horizontalHeader().sectionSize(0) < 150  # measured again
    assert third.view.horizontalHeader().sortIndicatorSection() == 1
    assert not restore_header(third, state[:3] + b"\x00\x09")  # damaged: refused


# --- the app's pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Desk:
    """The list pages' books, a customer with a long name of the demo, an older snapshot of
    Iberia, activities (one in a case) and a case."""

    database: Database
    books: Books
    ferragens: uuid.UUID


@pytest.fixture
def desk(sqlite_db: Database) -> Desk:
    with sqlite_db.sessions.begin() as session:
        o = books(session)
        ferragens = add_customer(session, "ES")
        ferragens.name = LONG_NAME
        invoice(session, ferragens, "4100.00", dt.date(2026, 8, 14))
        take_snapshot(session, dt.date(2026, 11, 20), o.scope, at(20, 6), pool_id=o.iberia)
        ruiz = add_activity(session, o.me, at(20), o.ruiz, purpose="Call Ruiz about a")
        add_activity(session, o.me, at(21), ferragens, purpose="Resolve the dispute on INV-0045314")
        add_activity(session, o.me, at(22), None, purpose="Weekly report")
        autumn = create_case(
            session,
            o.scope,
            o.ruiz.id,
            "COLL",
            "Autumn invoices",
            at(18),
            responsible_id=o.me,
            transaction_ids=[o.a.id],
            created_by_id=o.me,
        )
        ruiz.case_id = autumn.id
        o.scope = load_scope(session, o.user)
        return Desk(sqlite_db, o, ferragens.id)


@pytest.fixture
def open_window(qtbot, desk: Desk, make_window) -> Callable[[int, int], MainWindow]:
    def open_(width: int, height: int) -> MainWindow:
        window = make_window(desk.database, user_name=desk.books.user)
        window.resize(width, height)
        window.show()
        settle(qtbot, window)
        return window

    return open_


def settle(qtbot, window: MainWindow) -> None:
    """Wait until no page reads (the Overview's snapshot of today included)."""
    qtbot.waitUntil(lambda: not any(page.is_loading for page in window.page_list), timeout=LOAD)


def grids_with_rows(widget) -> list[QTableView]:
    return [view for view in widget.findChildren(QTableView) if view.model().rowCount()]


def test_the_overview_at_1366_shows_every_customer_name_whole(open_window) -> None:
    window = open_window(1366, 768)
    page = window.overview_page
    assert page.isVisible()
    grids = {
        "activities": page.activities.view,
        "highest": page.highest.view,
        "past due": page.past_due.view,
    }
    names = {key: [view.model().index(r, 1).data() for r in range(view.model().rowCount())]
             for key, view in grids.items()}  # fmt: skip
    assert LONG_NAME in names["activities"]
    assert {LONG_NAME, "Ruiz Hermanos SL", "Lopes & Filhos Lda"} <= set(names["highest"])
    assert LONG_NAME in names["past due"]
    for view in grids.values():
        assert cut_cells(view, 1) == []
        assert cut_headers(view) == []
    # My activities: the purpose takes what is left and nothing scrolls.
    activities = page.activities.view
    header = activities.horizontalHeader()
    assert header.length() == activities.viewport().width()
    assert header.sectionSize(2) == activities.viewport().width() - sum(
        header.sectionSize(c) for c in (0, 1, 3, 4)
    )
    # The balances' width is shared by what each grid's columns need.
    highest, past_due = page.balances.sizes()
    assert past_due > highest
    assert page.past_due.natural_width() > page.highest.natural_width()


@pytest.mark.parametrize("size", [(1366, 768), (1600, 1000)])
def test_in_a_pseudo_locale_40_percent_longer_no_header_is_cut(
    qtbot, desk: Desk, open_window, size
) -> None:
    set_language(PSEUDO)
    window = open_window(*size)
    checked: dict[str, list[str]] = {}

    def check(widget) -> None:
        for view in grids_with_rows(widget):
            header = view.horizontalHeader()
            texts = [
                header.model().headerData(c, Qt.Orientation.Horizontal)
                for c in range(header.count())
            ]
            # The app's own headers are lengthened; an aging period's label is the
            # company's data, in the company's words.
            assert texts[0].startswith("["), texts
            checked[view.objectName()] = cut_headers(view)

    for key in ("overview", "activities", "customers", "aged_balances", "cases"):
        window.show_page(key)
        settle(qtbot, window)
        check(window.page_widgets[key])
    window.show_collections(desk.books.ruiz.id)
    settle(qtbot, window)
    check(window.collections_page)
    tabs = window.workspace_page.tabs
    for customer in (desk.books.ruiz.id, desk.books.lopes.id):  # open items; a payment
        window.show_customer(customer)
        for tab in range(tabs.count()):  # a grid behind a tab is fitted when shown
            tabs.setCurrentIndex(tab)
            settle(qtbot, window)
            check(window.workspace_page)

    assert set(checked) >= {
        "activities_table",
        "highest_table",
        "past_due_table",
        "activities_list_table",
        "customers_table",
        "aged_table",
        "cases_table",
        "collections_cases_table",
        "collections_transactions_table",
        "collections_activities_table",
        "open_grid",
        "unsettled_grid",
    }
    assert [cut for cuts in checked.values() for cut in cuts] == []


def test_a_header_with_an_icon_wraps_when_its_text_and_icon_do_not_fit_one_line(qtbot) -> None:
    """An aging period's header carries a colour swatch: its text has the label's width
    less the icon, so "31-60 jours" goes on two lines rather than losing its start."""
    style = header_style()
    option = QStyleOptionHeader()
    option.rect = QRect(0, 0, 80, 40)
    assert _text_room(style, option) == 80
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.red)
    option.icon = QIcon(pixmap)
    icon = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, option)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, option)
    assert _text_room(style, option) == 80 - icon - margin
