"""The start page: whom you work as, your day's figures, where to start, the company."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from babel.dates import format_time
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QPushButton

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.aging.snapshot import take_snapshot
from collections_desktop.models.db.database import Database
from collections_desktop.models.ledger import balances
from collections_desktop.models.screens.my_day import day_figures
from collections_desktop.views.pages.company_page import CompanyPage
from collections_desktop.views.style import alert_colour
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context
from tests.unit.test_list_pages import Books, at
from tests.unit.test_my_day import DAY, the_day
from tests.unit.test_overview import add_activity
from tests.unit.test_snapshot import TODAY

LOAD = 10_000


@dataclass(frozen=True)
class Start:
    page: CompanyPage
    books: Books
    database: Database


@pytest.fixture
def start(qtbot, sqlite_db: Database, clock: FixedClock) -> Iterator[Start]:
    """The start page of the agent of the Iberia pool (Ruiz and Lopes), snapshot taken."""
    with sqlite_db.sessions.begin() as session:
        o = the_day(session).books
        take_snapshot(session, TODAY, o.scope, at(23, 6), pool_id=o.iberia)

    def read_day(_state, as_of):  # today's bounds fixed: the machine's zone plays no part
        with sqlite_db.sessions() as session:
            return day_figures(session, o.scope, o.me, as_of, day=DAY)

    runner = TaskRunner()
    page = CompanyPage(page_context(sqlite_db, runner, o.scope, o.me, clock), load_day=read_day)
    qtbot.addWidget(page)
    page.resize(1166, 740)
    page.show()
    yield Start(page, o, sqlite_db)
    page.close()
    runner.shutdown()


def load(qtbot, page: CompanyPage) -> None:
    with qtbot.waitSignal(page.day_loaded, timeout=LOAD):
        page.refresh()
    qtbot.waitUntil(lambda: not page.is_loading, timeout=LOAD)


def shown_texts(page: CompanyPage) -> list[str]:
    return [label.text() for label in page.findChildren(QLabel) if label.isVisible()]


def test_whom_you_work_as_and_your_days_figures(qtbot, start: Start) -> None:
    page, o = start.page, start.books
    load(qtbot, page)
    assert page.working_as.text() == "Tester (tester) · collections agent"
    assert page.pools.text() == "Iberia (default)"
    assert page.day_heading.text() == "Your day · Monday, November 23, 2026"
    tiles = {tile.objectName(): (tile.value.text(), tile.note.text()) for tile in page.day_tiles}
    assert tiles == {
        "my_customers_tile": ("2", "in 1 pool"),
        "my_balance_tile": ("1,884.51\xa0EUR", "snapshot of Nov 23, 2026"),
        "my_past_due_tile": ("1,834.56\xa0EUR", "97 % of the balance"),
        "due_today_tile": ("2", "5 open activities in all"),
        "overdue_tile": ("2", "ended before today, still open"),
        "promises_today_tile": ("1", "1 more in the next 7 days"),
    }
    # The balance is what the ledger says the pool's customers owe (the snapshot is today's).
    with start.database.sessions() as session:
        owed = sum(balances.balance(session, c.id, TODAY) for c in (o.ruiz, o.lopes))
    assert page.my_balance.value.text() == f"{owed:,.2f}\xa0EUR"
    taken = format_time(at(23, 6).astimezone(), format="short", locale="en_US")
    assert page.day_source.text() == (
        f"Balance and past due: snapshot of Iberia of Nov 23, 2026, taken at {taken}."
    )
    red = alert_colour(page.palette())
    assert page.overdue.value.palette().color(page.overdue.value.foregroundRole()) == red
    assert page.due_today.value.palette().color(page.due_today.value.foregroundRole()) != red
    # Nothing announced that the app does not do.
    assert not [text for text in shown_texts(page) if "later version" in text.lower()]


def test_the_days_figures_are_read_again_when_the_page_comes_back(qtbot, start: Start) -> None:
    page, o = start.page, start.books
    load(qtbot, page)
    assert page.due_today.value.text() == "2"
    with start.database.sessions.begin() as session:
        add_activity(session, o.me, at(23, 16), None, purpose="Call the bank")
    with qtbot.waitSignal(page.day_loaded, timeout=LOAD):
        page.activate()
    assert page.due_today.value.text() == "3"
    assert page.due_today.note.text() == "6 open activities in all"


def test_without_a_snapshot_the_balance_says_so(qtbot, sqlite_db, clock) -> None:
    with sqlite_db.sessions.begin() as session:
        o = the_day(session).books
    runner = TaskRunner()
    page = CompanyPage(page_context(sqlite_db, runner, o.scope, o.me, clock))
    qtbot.addWidget(page)
    page.show()
    try:
        load(qtbot, page)
        assert (page.my_balance.value.text(), page.my_balance.note.text()) == (
            "—",
            "no snapshot yet",
        )
        assert page.day_source.text().startswith("No snapshot holds your pools yet")
        assert page.my_customers.value.text() == "2"
    finally:
        page.close()
        runner.shutdown()


def test_start_with_buttons_follow_the_windows_actions(qtbot, start: Start) -> None:
    page = start.page
    overview = QAction("Overview", page)
    overview.setShortcut(QKeySequence("Ctrl+1"))
    overview.setStatusTip("Your activities, the highest and the oldest balances (Ctrl+1)")
    importing = QAction("&Import receivables…", page)
    importing.setStatusTip("Import customers, invoices and credit notes from a CSV or Excel file")
    sync = QAction("&Sync now", page)
    sync.setShortcut(QKeySequence("F9"))
    sync.setVisible(False)
    page.offer_commands([overview, importing, sync])
    rows = {row.button.text(): row for row in page.commands}
    assert list(rows) == ["Overview", "Import receivables…", "Sync now"]
    assert rows["Overview"].key.text() == "Ctrl+1"
    assert rows["Overview"].description.text() == (
        "Your activities, the highest and the oldest balances"
    )
    assert rows["Import receivables…"].key.text() == ""
    assert rows["Overview"].button.isVisible()
    assert not rows["Sync now"].button.isVisible()  # not an offline replica
    with qtbot.waitSignal(overview.triggered, timeout=LOAD):
        rows["Overview"].button.click()
    importing.setEnabled(False)  # a read-only database: the button follows
    assert not rows["Import receivables…"].button.isEnabled()
    sync.setVisible(True)
    assert rows["Sync now"].button.isVisible()
    assert rows["Sync now"].key.text() == "F9"


def test_the_windows_start_page_starts_the_day(qtbot, make_window, company) -> None:
    window = make_window(company.database)
    window.show_page("company")
    with qtbot.waitSignal(window.company_page.loaded, timeout=LOAD):
        window.show()
    page = window.company_page
    qtbot.waitUntil(lambda: not page.is_loading, timeout=LOAD)
    shown = [(row.button.text(), row.key.text()) for row in page.commands if row.button.isVisible()]
    assert shown == [
        ("Overview", "Ctrl+1"),
        ("Workspace", "Ctrl+2"),
        ("Activities", "Ctrl+5"),
        ("Collections", "Ctrl+7"),
        ("Import receivables…", ""),
    ]  # Sync now only on an offline replica of the team database
    assert page.findChild(QPushButton, "start_sync_now_button").isHidden()
    # Whoever runs the tests is no employee of the test company: they see every customer.
    assert page.pools.text() == "none of your own: you see every customer"
    assert page.my_customers.value.text() == "3"
    assert page.due_today.value.text() == "—"
    assert not [text for text in shown_texts(page) if "later version" in text.lower()]
    page.findChild(QPushButton, "start_collections_button").click()
    assert window.current_page == "collections"
    assert window.collections_page.started
