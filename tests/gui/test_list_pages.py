"""Aged balances, Activities and Cases driven like a collector drives them, on real SQLite books."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from babel.dates import format_time
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QPixmap
from PySide6.QtWidgets import QLabel, QToolButton
from sqlalchemy import func, select

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.aging.snapshot import take_snapshot
from collections_desktop.models.casework.cases import create_case
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    AgingSnapshot,
    CaseTransaction,
    CollectionsCase,
)
from collections_desktop.models.people.scope import load_scope
from collections_desktop.views.itemmodels.rows import RIGHT
from collections_desktop.views.pages import aged_balances_page
from collections_desktop.views.pages.activities_page import CASE, CUSTOMER, PURPOSE, ActivitiesPage
from collections_desktop.views.pages.aged_balances_page import AgedBalancesPage
from collections_desktop.views.pages.cases_page import CasesPage
from collections_desktop.views.style import alert_colour
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context
from tests.unit.test_list_pages import Books, at, books
from tests.unit.test_overview import add_activity
from tests.unit.test_snapshot import TODAY

LOAD = 10_000
D = Decimal


@dataclass(frozen=True)
class Setting:
    """The unit tests' books, an older snapshot of Iberia, activities and two cases."""

    database: Database
    books: Books
    activities: dict[str, uuid.UUID]
    autumn: uuid.UUID
    dispute: uuid.UUID


@pytest.fixture
def setting(sqlite_db: Database) -> Setting:
    with sqlite_db.sessions.begin() as session:
        o = books(session)
        take_snapshot(session, dt.date(2026, 11, 20), o.scope, at(20, 6), pool_id=o.iberia)
        made = {
            "ruiz": add_activity(session, o.me, at(20), o.ruiz, purpose="Call Ruiz about a"),
            "lopes": add_activity(
                session, o.colleague, at(25), o.lopes, purpose="Visit Lopes", type="appointment"
            ),
            "own": add_activity(session, o.me, at(22), None, purpose="Weekly report"),
            "done": add_activity(
                session, o.me, at(10), o.ruiz, purpose="Sent the statement", closed=True
            ),
        }
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
        dispute = create_case(
            session,
            o.scope,
            o.lopes.id,
            "DISPUTE",
            "Lopes disputes the price",
            at(21),
            responsible_id=o.colleague,
            created_by_id=o.me,
        )
        made["ruiz"].case_id = autumn.id
        o.scope = load_scope(session, o.user)
        return Setting(
            sqlite_db,
            o,
            {name: a.id for name, a in made.items()},
            autumn.id,
            dispute.id,
        )


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    made = TaskRunner()
    yield made
    made.shutdown()


@pytest.fixture
def make(qtbot, setting: Setting, runner: TaskRunner, clock: FixedClock) -> Callable[..., object]:
    def build(kind: type, *, employee: bool = True):
        o = setting.books
        employee_id = o.me if employee and kind is not AgedBalancesPage else None
        page = kind(page_context(setting.database, runner, o.scope, employee_id, clock))
        qtbot.addWidget(page)
        page.resize(1400, 800)
        page.show()
        return page

    return build


def loaded(qtbot, page, action: Callable[[], object] | None = None):
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        (action or page.refresh)()
    return page


def texts(grid, column: int) -> list[str]:
    model = grid.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def tooltips(grid, column: int) -> list[str]:
    model = grid.model
    return [
        model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
        for row in range(model.rowCount())
    ]


def header(grid, column: int) -> str:
    return grid.model.headerData(column, Qt.Orientation.Horizontal)


def count(database: Database, table) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(table))


def taken_at(moment: dt.datetime) -> str:
    return format_time(moment.astimezone(), format="short", locale="en_US")


# --- Aged balances --------------------------------------------------------------------------


def test_aged_balances_show_the_newest_snapshot_by_balance(qtbot, make, setting) -> None:
    o = setting.books
    with setting.database.sessions.begin() as session:
        take_snapshot(session, TODAY, o.scope, at(23, 6), pool_id=o.iberia)
    page = loaded(qtbot, make(AgedBalancesPage))
    user = o.user
    assert page.pool.currentText() == "Iberia"
    assert page.headline.text() == (
        f"Snapshot of Nov 23, 2026, taken at {taken_at(at(23, 6))} by {user} · "
        "2 customers with open items"
    )
    assert page.subline.text() == "Standard · balance 1,884.51\xa0EUR · past due 1,834.56"
    grid = page.grid
    assert [header(grid, c) for c in range(grid.model.columnCount())] == [
        "Account",
        "Customer",
        "Balance (EUR)",
        "Current",
        "1-30 days",
        "31-60 days",
        "61-90 days",
        "91-120 days",
        "Over 120 days",
        "Unapplied",
        "Past due",
        "Credit limit",
        "Available",
        "Risk",
    ]
    # Highest balance first; zero cells blank, so the amounts that matter stand out.
    assert texts(grid, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    assert texts(grid, 2) == ["1,634.51", "250.00"]
    assert texts(grid, 3) == ["99.95", ""]
    assert texts(grid, 4) == ["500.00", ""]
    assert texts(grid, 5) == ["1,034.56", "300.00"]
    assert texts(grid, 9) == ["", "-50.00"]
    assert texts(grid, 10) == ["1,534.56", "300.00"]
    assert texts(grid, 11) == ["2,000.00", ""]
    assert texts(grid, 12) == ["365.49", ""]
    model = grid.model
    # Amounts right-aligned; the unapplied credit in the alert colour (and with its sign).
    assert model.index(1, 9).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert model.headerData(4, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole) == (
        RIGHT
    )
    assert model.index(1, 9).data(Qt.ItemDataRole.ForegroundRole) == alert_colour(page.palette())
    # The aging colour scale: a swatch on every aging header, a tint on past-due amounts.
    for column in range(3, 10):
        swatch = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DecorationRole)
        assert isinstance(swatch, QPixmap), column
    assert model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.DecorationRole) is None
    assert model.index(0, 5).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, 3).data(Qt.ItemDataRole.BackgroundRole) is None  # Current
    assert model.index(1, 4).data(Qt.ItemDataRole.BackgroundRole) is None  # zero
    assert page.status.startswith("Snapshot of Nov 23, 2026")
    assert page.export_action.isEnabled()


def test_aged_balances_sort_filter_and_open_the_customer(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(AgedBalancesPage))
    grid = page.grid
    assert texts(grid, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]  # snapshot of 20 Nov
    grid.view.sortByColumn(5, Qt.SortOrder.AscendingOrder)
    assert texts(grid, 1) == ["Lopes & Filhos Lda", "Ruiz Hermanos SL"]
    page.activateWindow()
    qtbot.waitActive(page)
    grid.view.setFocus()
    qtbot.keyClick(grid.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert grid.filter.hasFocus()
    qtbot.keyClicks(grid.filter, "ruiz")
    assert texts(grid, 1) == ["Ruiz Hermanos SL"]
    grid.view.setFocus()
    grid.view.setCurrentIndex(grid.model.index(0, 1))
    with qtbot.waitSignal(page.customer_chosen) as chosen:
        qtbot.keyClick(grid.view, Qt.Key.Key_Return)
    assert chosen.args == [setting.books.ruiz.id]


def test_a_pool_without_a_snapshot_says_what_to_do(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(AgedBalancesPage))
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.pool.setCurrentIndex(page.pool.findText("All my pools"))
    grid = page.grid
    assert grid.stack.currentWidget() is grid.empty
    assert "No snapshot of this pool yet — " in grid.empty.text()
    assert '<a href="create">Create snapshot</a>' in grid.empty.text()
    assert page.headline.text() == "No snapshot of this pool yet"
    assert not page.export_action.isEnabled()
    # The link takes one, and the grid fills.
    before = count(setting.database, AgingSnapshot)
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        grid.empty.linkActivated.emit("create")
    assert count(setting.database, AgingSnapshot) == before + 1
    assert texts(grid, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    assert page.status.startswith("New snapshot taken · Snapshot of Nov 23, 2026")


def blocked_snapshots(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Make Create snapshot stop at its first progress report until released."""
    reached, release = threading.Event(), threading.Event()
    real = aged_balances_page.take_snapshot

    def take(session, as_of, scope, now, *, pool_id=None, progress=None):
        def held(done, total, what):
            if done == 0:
                reached.set()
                release.wait(10)
            progress(done, total, what)

        return real(session, as_of, scope, now, pool_id=pool_id, progress=held)

    monkeypatch.setattr(aged_balances_page, "take_snapshot", take)
    return reached, release


def test_create_snapshot_shows_progress_and_reloads_with_the_new_date(
    qtbot, make, setting, monkeypatch
) -> None:
    page = loaded(qtbot, make(AgedBalancesPage))
    assert page.headline.text().startswith("Snapshot of Nov 20, 2026")
    reached, release = blocked_snapshots(monkeypatch)
    before = count(setting.database, AgingSnapshot)
    steps: list[tuple[int, int, str]] = []
    try:
        page.findChild(QToolButton, "create_snapshot_button").click()
        assert reached.wait(5)
        assert page.progress_row.isVisible()
        assert page.cancel_button.isEnabled()
        assert not page.create_action.isEnabled()
        assert page.is_taking_snapshot
        page.snapshot_task.progressed.connect(lambda d, t, w: steps.append((d, t, w)))
        with qtbot.waitSignal(page.loaded, timeout=LOAD):
            release.set()
    finally:
        release.set()
    assert steps[-1] == (2, 2, "Snapshot stored")
    assert page.progress.maximum() == 2
    qtbot.waitUntil(lambda: not page.progress_row.isVisible())
    assert page.create_action.isEnabled()
    assert count(setting.database, AgingSnapshot) == before + 1
    assert page.headline.text().startswith("Snapshot of Nov 23, 2026, taken at ")
    assert page.status.startswith("New snapshot taken · Snapshot of Nov 23, 2026")


def test_cancel_stops_create_snapshot_and_stores_nothing(qtbot, make, setting, monkeypatch) -> None:
    page = loaded(qtbot, make(AgedBalancesPage))
    reached, release = blocked_snapshots(monkeypatch)
    before = count(setting.database, AgingSnapshot)
    try:
        page.create_snapshot()
        assert reached.wait(5)
        page.cancel_button.click()
        assert page.progress_label.text() == "Cancelling…"
        assert not page.cancel_button.isEnabled()
    finally:
        release.set()
    qtbot.waitUntil(lambda: not page.is_taking_snapshot, timeout=LOAD)
    assert not page.progress_row.isVisible()
    assert count(setting.database, AgingSnapshot) == before
    assert page.status == "Create snapshot was cancelled; nothing was stored."
    assert page.headline.text().startswith("Snapshot of Nov 20, 2026")


def test_export_writes_the_rows_shown(qtbot, make, tmp_path) -> None:
    page = loaded(qtbot, make(AgedBalancesPage))
    qtbot.keyClicks(page.grid.filter, "lopes")
    target = tmp_path / "aged.csv"
    with qtbot.waitSignal(page.status_changed, timeout=LOAD):
        page.export_csv(target)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3  # header, Lopes, total
    assert lines[1].split(",")[1] == "Lopes & Filhos Lda"
    assert lines[2].startswith("TOTAL,,250.00,")
    assert page.status == f"1 customer exported to {target}"


def test_aged_state_round_trip(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(AgedBalancesPage))
    page.grid.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    page.grid.view.horizontalHeader().resizeSection(0, 133)
    state = page.save_state()
    assert state["pool"] == setting.books.iberia.bytes
    again = make(AgedBalancesPage)
    again.restore_state(state)
    loaded(qtbot, again)
    header_view = again.grid.view.horizontalHeader()
    assert header_view.sectionSize(0) == 133
    assert (header_view.sortIndicatorSection(), header_view.sortIndicatorOrder()) == (
        1,
        Qt.SortOrder.AscendingOrder,
    )
    assert texts(again.grid, 1) == ["Lopes & Filhos Lda", "Ruiz Hermanos SL"]
    again.restore_state({"grid": b"\x00\x0erubbish", "pool": b"short"})  # ignored


def test_the_aging_model_passes_qts_model_checks(qtbot, make, qtmodeltester) -> None:
    page = loaded(qtbot, make(AgedBalancesPage))
    qtmodeltester.check(page.grid.model, force_py=True)


# --- Activities ---------------------------------------------------------------------------


def test_activities_of_the_scope_with_their_columns_and_filters(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(ActivitiesPage))
    grid = page.grid
    o = setting.books
    assert grid.title.text() == "3 activities"
    assert texts(grid, 2) == ["Ruiz Hermanos SL", "(own task)", "Lopes & Filhos Lda"]
    assert texts(grid, 1) == ["Nov 20, 2026  ⚠", "Nov 22, 2026  ⚠", "Nov 25, 2026"]
    red = alert_colour(page.palette())
    assert grid.model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) == red
    assert grid.model.index(2, 1).data(Qt.ItemDataRole.ForegroundRole) is None
    assert texts(grid, 3) == ["Call Ruiz about a", "Weekly report", "Visit Lopes"]
    assert texts(grid, 4) == ["Task", "Task", "Appointment"]
    assert texts(grid, 7) == ["Open", "Open", "Open"]
    with setting.database.sessions() as session:
        number = session.scalar(
            select(CollectionsCase.number).where(CollectionsCase.id == setting.autumn)
        )
    assert texts(grid, 8) == [number, "", ""]
    assert texts(grid, 6)[2] != texts(grid, 6)[0]  # a colleague's, listed too

    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.status_filter.setCurrentIndex(page.status_filter.findText("Closed"))
    assert texts(grid, 3) == ["Sent the statement"]
    assert texts(grid, 7) == ["Closed"]
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.status_filter.setCurrentIndex(page.status_filter.findText("Open and closed"))
    assert len(texts(grid, 3)) == 4
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.type_filter.setCurrentIndex(page.type_filter.findText("Appointment"))
    assert texts(grid, 3) == ["Visit Lopes"]
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.type_filter.setCurrentIndex(0)
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.responsible_filter.setCurrentIndex(page.responsible_filter.findText("Me"))
    assert texts(grid, 3) == ["Weekly report", "Call Ruiz about a", "Sent the statement"]
    qtbot.keyClicks(grid.filter, "ruiz")
    assert texts(grid, 3) == ["Call Ruiz about a", "Sent the statement"]
    assert all(o.ruiz.account in tip for tip in tooltips(grid, 2))


def test_new_activity_from_the_list(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(ActivitiesPage))
    before = count(setting.database, Activity)
    page.setFocus()
    page.new_action.trigger()
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=LOAD)
    dialog = page.dialog
    assert dialog.responsible is not None
    assert dialog.responsible.currentData() == setting.books.me.hex
    qtbot.keyClicks(dialog.customer, setting.books.lopes.account)
    # Refused first: no purpose. The dialog says why and nothing is written.
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=LOAD)
    assert dialog.error.text() == "Write the purpose of the activity."
    assert count(setting.database, Activity) == before
    qtbot.keyClicks(dialog.purpose, "Ask Lopes for the PO")
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        dialog.ok_button.click()
    assert count(setting.database, Activity) == before + 1
    assert "Ask Lopes for the PO" in texts(page.grid, 3)
    assert page.status.startswith("Activity ACT-0000001 created · ")


def test_enter_edits_the_activity(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(ActivitiesPage))
    grid = page.grid
    grid.view.setFocus()
    grid.view.selectRow(2)  # Visit Lopes
    qtbot.keyClick(grid.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=LOAD)
    dialog = page.dialog
    assert dialog.purpose.text() == "Visit Lopes"
    dialog.purpose.clear()
    dialog.ok_button.click()  # refused at once: nothing is sent
    assert dialog.error.text() == "Write the purpose of the activity."
    with setting.database.sessions() as session:
        assert session.get(Activity, setting.activities["lopes"]).purpose == "Visit Lopes"
    qtbot.keyClicks(dialog.purpose, "Visit Lopes on Friday")
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        dialog.ok_button.click()
    with setting.database.sessions() as session:
        saved = session.get(Activity, setting.activities["lopes"])
        assert (saved.purpose, saved.version) == ("Visit Lopes on Friday", 2)
    assert "Visit Lopes on Friday" in texts(grid, 3)
    assert page.status.startswith("Activity ")


def test_close_and_reopen_selected_activities(qtbot, make, setting, clock) -> None:
    page = loaded(qtbot, make(ActivitiesPage))
    grid = page.grid
    assert not page.close_action.isEnabled()
    grid.view.selectRow(0)
    assert page.close_action.isEnabled()
    assert not page.reopen_action.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.close_action.trigger()
    assert texts(grid, 3) == ["Weekly report", "Visit Lopes"]
    assert page.status.startswith("Closed 1 activity · ")
    with setting.database.sessions() as session:
        closed = session.get(Activity, setting.activities["ruiz"])
        assert (closed.closed, closed.closed_at) == (True, clock.now())
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.status_filter.setCurrentIndex(page.status_filter.findText("Closed"))
    grid.view.selectAll()
    assert page.reopen_action.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.reopen_action.trigger()
    assert grid.model.rowCount() == 0
    assert page.status.startswith("Reopened 2 activities · ")
    assert "No activities match these filters." in grid.empty.text()


def test_an_empty_open_list_offers_a_new_activity(qtbot, make, setting) -> None:
    with setting.database.sessions.begin() as session:
        for activity in session.scalars(select(Activity)):
            activity.closed = True
    page = loaded(qtbot, make(ActivitiesPage))
    assert page.grid.stack.currentWidget() is page.grid.empty
    assert "No open activities — " in page.grid.empty.text()


def double_click(qtbot, view, index) -> None:
    """Press on the cell, then double-click it (the view activates what was pressed)."""
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_a_customers_name_is_a_link_to_the_workspace(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(ActivitiesPage))
    grid, o = page.grid, setting.books
    link = page.palette().color(QPalette.ColorRole.Link)
    assert texts(grid, CUSTOMER) == ["Ruiz Hermanos SL", "(own task)", "Lopes & Filhos Lda"]
    assert grid.model.index(0, CUSTOMER).data(Qt.ItemDataRole.ForegroundRole) == link
    assert grid.model.index(2, CUSTOMER).data(Qt.ItemDataRole.ForegroundRole) == link
    assert grid.model.index(1, CUSTOMER).data(Qt.ItemDataRole.ForegroundRole) != link
    assert tooltips(grid, CUSTOMER)[2] == (
        f"{o.lopes.account} · double-click or Enter opens the Workspace"
    )
    # A double-click on the name opens the customer's Workspace, not the activity.
    with qtbot.waitSignal(page.customer_chosen) as chosen:
        double_click(qtbot, grid.view, grid.model.index(2, CUSTOMER))
    assert chosen.args == [o.lopes.id]
    assert page.dialog is None
    # Enter on the name does the same; on the purpose it edits the activity.
    grid.view.setFocus()
    grid.view.setCurrentIndex(grid.model.index(0, CUSTOMER))
    with qtbot.waitSignal(page.customer_chosen) as chosen:
        qtbot.keyClick(grid.view, Qt.Key.Key_Return)
    assert chosen.args == [o.ruiz.id]
    # An own task's "customer" opens the activity: there is no customer to open.
    with qtbot.assertNotEmitted(page.customer_chosen):
        double_click(qtbot, grid.view, grid.model.index(1, CUSTOMER))
        qtbot.waitUntil(lambda: page.dialog is not None, timeout=LOAD)
    assert page.dialog.purpose.text() == "Weekly report"
    page.dialog.reject()


def test_the_case_column_names_the_case_of_an_activity_in_a_case(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(ActivitiesPage))
    grid = page.grid
    with setting.database.sessions() as session:
        autumn, dispute = (
            session.get(CollectionsCase, case_id).number
            for case_id in (setting.autumn, setting.dispute)
        )
    assert header(grid, CASE) == "Case"
    assert texts(grid, CASE) == [autumn, "", ""]  # Ruiz's call is in the autumn case
    width = grid.view.horizontalHeader().sectionSize(CASE)
    assert width > grid.view.fontMetrics().horizontalAdvance(autumn)  # shown whole

    # Put Lopes's visit in Lopes's dispute through the dialog: the list names that case.
    grid.view.setFocus()
    grid.view.setCurrentIndex(grid.model.index(2, PURPOSE))
    qtbot.keyClick(grid.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=LOAD)
    dialog = page.dialog
    assert dialog.case is not None
    dialog.case.setCurrentIndex(dialog.case.findData(setting.dispute.hex))
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        dialog.ok_button.click()
    assert texts(grid, PURPOSE)[2] == "Visit Lopes"
    assert texts(grid, CASE) == [autumn, "", dispute]
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.status_filter.setCurrentIndex(page.status_filter.findText("Open and closed"))
    cases = dict(zip(texts(grid, PURPOSE), texts(grid, CASE), strict=True))
    assert cases == {
        "Visit Lopes": dispute,
        "Weekly report": "",
        "Call Ruiz about a": autumn,
        "Sent the statement": "",
    }


# --- Cases ----------------------------------------------------------------------------------


def test_cases_newest_first_with_their_figures_and_filters(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(CasesPage))
    grid = page.grid
    assert grid.title.text() == "2 cases"
    assert texts(grid, 2) == ["Lopes & Filhos Lda", "Ruiz Hermanos SL"]
    assert texts(grid, 3) == ["Disputed invoices", "Collections"]
    assert texts(grid, 4) == ["Lopes disputes the price", "Autumn invoices"]
    assert texts(grid, 1) == ["Nov 21, 2026", "Nov 18, 2026"]
    assert texts(grid, 7) == ["0", "1"]
    assert texts(grid, 8) == ["0.00", "1,034.56"]
    assert texts(grid, 9) == ["0", "1"]
    assert grid.model.index(1, 8).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.category_filter.setCurrentIndex(page.category_filter.findText("Collections"))
    assert texts(grid, 2) == ["Ruiz Hermanos SL"]
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.category_filter.setCurrentIndex(0)
    qtbot.keyClicks(grid.filter, "price")
    assert texts(grid, 4) == ["Lopes disputes the price"]
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.status_filter.setCurrentIndex(page.status_filter.findText("Closed"))
    assert grid.model.rowCount() == 0
    assert grid.stack.currentWidget() is grid.empty


def test_close_reopen_and_open_the_collections_page(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(CasesPage))
    grid = page.grid
    grid.view.selectRow(1)  # Ruiz's autumn case
    assert page.close_action.isEnabled()
    assert not page.reopen_action.isEnabled()
    with qtbot.waitSignal(page.collections_requested) as requested:
        qtbot.keyClick(grid.view, Qt.Key.Key_Return)
    assert requested.args == [setting.books.ruiz.id, setting.autumn]
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.close_action.trigger()
    assert texts(grid, 4) == ["Lopes disputes the price"]
    assert page.status.startswith("Case CASE-000001 closed; 1 of its activities is still open")
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.status_filter.setCurrentIndex(page.status_filter.findText("Open and closed"))
    assert texts(grid, 5) == ["Open", "Closed"]
    grid.view.selectRow(1)
    assert page.reopen_action.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.reopen_action.trigger()
    assert texts(grid, 5) == ["Open", "Open"]
    with setting.database.sessions() as session:
        case = session.get(CollectionsCase, setting.autumn)
        assert (case.status, case.closed_at, case.version) == ("open", None, 3)


def test_new_case_through_the_dialog(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(CasesPage))
    o = setting.books
    before = count(setting.database, CollectionsCase)
    page.new_case(account=o.ruiz.account)
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=LOAD)
    dialog = page.dialog
    assert (
        dialog.findChild(QLabel, "case_customer").text() == f"{o.ruiz.account} · Ruiz Hermanos SL"
    )
    dialog.ok_button.click()  # no description: refused in the dialog, nothing written
    assert dialog.error.text() == "Write a description of the case."
    assert count(setting.database, CollectionsCase) == before
    qtbot.keyClicks(dialog.description, "Invoice b is late")
    dialog.set_marked([o.b.id])
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        dialog.ok_button.click()
    assert count(setting.database, CollectionsCase) == before + 1
    assert texts(page.grid, 4)[0] == "Invoice b is late"
    assert texts(page.grid, 8)[0] == "500.00"
    assert page.status.startswith("Case CASE-000003 opened · ")
    with setting.database.sessions() as session:
        members = session.scalars(
            select(CaseTransaction.transaction_id)
            .join(CollectionsCase, CollectionsCase.id == CaseTransaction.case_id)
            .where(CollectionsCase.number == "CASE-000003")
        ).all()
    assert members == [o.b.id]


def test_a_new_case_for_an_unknown_account_is_refused(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(CasesPage))
    with qtbot.waitSignal(page.status_changed, timeout=LOAD):
        page.new_case(account="NOPE-1")
    assert "no customer NOPE-1" in page.status
    assert page.dialog is None


def test_edit_case_saves_the_description(qtbot, make, setting) -> None:
    page = loaded(qtbot, make(CasesPage))
    page.grid.view.selectRow(0)
    page.edit_action.trigger()
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=LOAD)
    dialog = page.dialog
    dialog.description.setText("Lopes disputes the unit price")
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        dialog.ok_button.click()
    assert texts(page.grid, 4)[0] == "Lopes disputes the unit price"
    with setting.database.sessions() as session:
        assert session.get(CollectionsCase, setting.dispute).version == 2


def test_a_slow_read_shows_the_busy_indicator_and_a_newer_read_wins(
    qtbot, make, setting, monkeypatch
) -> None:
    from collections_desktop.views.pages import activities_page
    from collections_desktop.views.widgets.busy import BUSY_DELAY_MS

    page = loaded(qtbot, make(ActivitiesPage))
    release = threading.Event()
    real = activities_page.list_activities
    calls: list[str] = []

    def slow(session, scope, as_of, **filters):
        calls.append(filters["status"].value)
        if len(calls) == 1:
            release.wait(10)  # the first read hangs until released
        return real(session, scope, as_of, **filters)

    monkeypatch.setattr(activities_page, "list_activities", slow)
    changes: list[bool] = []
    page.busy_changed.connect(changes.append)
    try:
        page.refresh()  # open activities, slow
        assert not page.is_busy_shown  # no flash for a quick read
        qtbot.waitUntil(lambda: page.is_busy_shown, timeout=BUSY_DELAY_MS * 20)
        # A newer read (closed activities) is queued behind it on the database lane.
        page.status_filter.setCurrentIndex(page.status_filter.findText("Closed"))
        with qtbot.waitSignal(page.loaded, timeout=LOAD) as shown:
            release.set()
    finally:
        release.set()
    assert calls == ["open", "closed"]
    assert [row.purpose for row in shown.args[0].listed.rows] == ["Sent the statement"]
    assert texts(page.grid, 3) == ["Sent the statement"]  # the older read was dropped
    assert not page.is_busy_shown
    assert changes == [True, False]


def test_the_list_models_pass_qts_model_checks(qtbot, make, qtmodeltester) -> None:
    for kind in (ActivitiesPage, CasesPage):
        page = loaded(qtbot, make(kind))
        qtmodeltester.check(page.grid.model, force_py=True)


def test_a_list_cut_by_the_limit_says_so(qtbot, make, monkeypatch) -> None:
    from functools import partial

    from collections_desktop.views.pages import activities_page

    monkeypatch.setattr(
        activities_page, "list_activities", partial(activities_page.list_activities, limit=2)
    )
    page = loaded(qtbot, make(ActivitiesPage))
    assert texts(page.grid, 3) == ["Call Ruiz about a", "Weekly report"]
    assert page.grid.title.text() == "The first 2 activities; choose filters to see the others"
    assert page.status == ("The first 2 activities; choose filters to see the others · open")


def test_a_payment_made_elsewhere_shows_in_the_aged_balances_when_they_come_back(
    qtbot, make, setting
) -> None:
    """Hidden while Ruiz pays 1,000.00 elsewhere; back on screen, only Ruiz's row is read
    from the snapshot (kept fresh by the commit) and put in place, the totals with it; a
    snapshot taken elsewhere makes the whole list read again."""
    from collections_desktop.models.ledger import postings, settlements
    from collections_desktop.views.operations import WriteOp

    o = setting.books
    page = loaded(qtbot, make(AgedBalancesPage))
    assert texts(page.grid, 2) == ["1,634.51", "250.00"]

    def pay(session) -> None:
        day = dt.date(2026, 11, 20)
        payment = postings.post_payment(
            session, customer_id=o.ruiz.id, amount=Decimal("1000.00"), posting_date=day,
            now=at(20, 12),
        )  # fmt: skip
        settlements.settle_oldest_first(session, payment.id, day, at(20, 12))

    page.hide()
    runner = page.context.runner
    with qtbot.waitSignal(runner.written, timeout=LOAD):
        WriteOp(pay, lambda _result: None, "pay").run(runner, setting.database)
    assert page.stale
    reads: list[object] = []
    page.loaded.connect(reads.append)
    page.show()
    with qtbot.waitSignal(page.rows_patched, timeout=LOAD):
        page.activate()
    assert reads == []  # the rows alone, not the whole list
    assert texts(page.grid, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    assert texts(page.grid, 2) == ["634.51", "250.00"]
    assert page.subline.text() == "Standard · balance 884.51\xa0EUR · past due 834.56"

    page.hide()
    with qtbot.waitSignal(runner.written, timeout=LOAD):
        WriteOp(
            lambda session: take_snapshot(session, TODAY, o.scope, at(23, 7), pool_id=o.iberia),
            lambda _result: None,
            "snapshot",
        ).run(runner, setting.database)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.activate()
    assert page.headline.text().startswith("Snapshot of Nov 23, 2026")
