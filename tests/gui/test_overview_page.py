"""The Overview page driven like a collector drives it, on a real SQLite company."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.aging.snapshot import take_snapshot
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity, AgingSnapshot
from collections_desktop.models.people.scope import load_scope
from collections_desktop.views.itemmodels.rows import RIGHT
from collections_desktop.views.pages.overview_page import OverviewPage
from collections_desktop.views.snapshot_text import snapshot_taken
from collections_desktop.views.style import alert_colour
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context
from tests.unit.test_overview import add_activity, add_pool, employee_id
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import add_customer, invoice

LOAD = 10_000


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Setting:
    """Two Spanish customers (Iberia pool), one French (Gaul pool), an agent of both."""

    database: Database
    user: str
    me: uuid.UUID
    ruiz: uuid.UUID
    lopes: uuid.UUID
    garnier: uuid.UUID
    ruiz_account: str
    activities: dict[str, uuid.UUID]


@pytest.fixture
def setting(sqlite_db: Database) -> Setting:
    with sqlite_db.sessions.begin() as session:
        ruiz = add_customer(session, "ES")
        ruiz.name = "Ruiz Hermanos SL"
        lopes = add_customer(session, "ES", credit_limit=1000)
        lopes.name = "Lopes & Filhos Lda"
        garnier = add_customer(session, "FR")
        garnier.name = "Garnier SA"
        invoice(session, ruiz, "1234.56", dt.date(2026, 10, 1))  # 53 days past due
        invoice(session, lopes, "2000.00", dt.date(2026, 12, 10))  # not yet due, over limit
        invoice(session, garnier, "500.00", dt.date(2026, 9, 15))  # 69 days past due
        iberia = add_pool(session, "Iberia", "ES")
        gaul = add_pool(session, "Gaul", "FR")
        user = add_agent(session, [iberia, gaul], default=iberia)
        me = employee_id(session, user)
        activities = {
            "ruiz": add_activity(session, me, at(20), ruiz, purpose="Call Ruiz about INV-1"),
            "lopes": add_activity(
                session, me, at(25), lopes, purpose="Ask Lopes for a PO", memo="Ana, ext. 12"
            ),
            "own": add_activity(session, me, at(22), None, purpose="Prepare the weekly report"),
            "garnier": add_activity(session, me, at(21), garnier, purpose="Garnier dispute"),
        }
        return Setting(
            sqlite_db,
            user,
            me,
            ruiz.id,
            lopes.id,
            garnier.id,
            ruiz.account,
            {name: a.id for name, a in activities.items()},
        )


@pytest.fixture
def make_page(qtbot, setting: Setting, clock: FixedClock) -> Iterator[Callable[..., OverviewPage]]:
    runners: list[TaskRunner] = []

    def make(employee: uuid.UUID | str | None = "me") -> OverviewPage:
        runner = TaskRunner()
        runners.append(runner)
        with setting.database.sessions() as session:
            scope = load_scope(session, setting.user)
        employee_id = setting.me if employee == "me" else employee
        page = OverviewPage(page_context(setting.database, runner, scope, employee_id, clock))
        qtbot.addWidget(page)
        page.resize(1400, 900)
        page.show()
        return page

    yield make
    for runner in runners:
        runner.shutdown()


def settled(qtbot, page: OverviewPage):
    """Wait for the lists shown once the page is done: read, and today's snapshot taken
    and read again when the pool had none of today (the lists come first, the snapshot
    after them in the background)."""
    return qtbot.waitSignal(
        page.loaded, timeout=LOAD, check_params_cb=lambda _data: not page.is_loading
    )


@pytest.fixture
def page(qtbot, make_page) -> OverviewPage:
    page = make_page()
    with settled(qtbot, page):
        page.refresh()
    return page


def texts(grid, column: int) -> list[str]:
    model = grid.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def double_click(qtbot, view, index) -> None:
    """Press on the cell, then double-click it (the view activates what was pressed)."""
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def activity_state(database: Database, activity_id: uuid.UUID):
    with database.sessions() as session:
        return session.execute(
            select(Activity.closed, Activity.closed_at, Activity.version).where(
                Activity.id == activity_id
            )
        ).one()


def activity_count(database: Database) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(Activity))


def test_the_grids_show_the_default_pool_in_order(page: OverviewPage, setting: Setting) -> None:
    assert page.pool.currentText() == "Iberia"
    assert page.activities.title.text() == "My activities (2 open)"
    # Overdue (ended before today): marked by a sign and by colour.
    assert texts(page.activities, 0) == ["Nov 20, 2026  ⚠", "Nov 25, 2026"]
    red = alert_colour(page.palette())
    assert page.activities.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) == red
    assert page.activities.model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert texts(page.activities, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    assert texts(page.activities, 2) == ["Call Ruiz about INV-1", "Ask Lopes for a PO  ✎"]
    assert texts(page.activities, 3) == ["Task", "Task"]
    tooltip = page.activities.model.index(1, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("Ask Lopes for a PO\n")
    assert "Has a memo" in tooltip

    highest = page.highest
    assert highest.title.text() == "Highest balances (top 100)"
    assert highest.model.headerData(2, Qt.Orientation.Horizontal) == "Balance (EUR)"
    assert texts(highest, 1) == ["Lopes & Filhos Lda", "Ruiz Hermanos SL"]
    assert texts(highest, 2) == ["2,000.00", "1,234.56"]
    assert texts(highest, 3) == ["1,000.00", ""]
    assert texts(highest, 4) == ["-1,000.00", ""]
    available = highest.model.index(0, 4)
    assert available.data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert available.data(Qt.ItemDataRole.ForegroundRole) == alert_colour(page.palette())
    assert highest.model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) is None

    late = page.past_due
    assert texts(late, 1) == ["Ruiz Hermanos SL"]
    assert texts(late, 2) == ["Oct 1, 2026"]
    assert texts(late, 3) == ["53"]
    assert texts(late, 4) == ["1,234.56"]
    assert texts(late, 6) == ["Active"]
    # Taken on its own as-of day: the time alone, as the Aged balances page says it.
    assert page.status == (
        "New snapshot taken · Snapshot of Nov 23, 2026 (taken at "
        f"{Formats('en_US').time(at(23))}) · 2 customers in this pool"
    )
    assert not page.is_busy_shown


def test_a_snapshot_taken_after_its_day_is_named_in_the_apps_date_time_style(
    qtbot, make_page, setting: Setting, clock: FixedClock
) -> None:
    """Date and time of a snapshot read as every date and time of the app
    (``Formats.moment``), and as the Aged balances and Collections pages write them."""
    taken = at(24, 7)  # the morning after its as-of day
    with setting.database.sessions.begin() as session:
        scope = load_scope(session, setting.user)
        take_snapshot(session, clock.today(), scope, taken, pool_id=scope.default_pool_id)
    page = make_page()
    with settled(qtbot, page):
        page.refresh()
    fmt = Formats("en_US")
    moment = fmt.moment(taken)
    local = taken.astimezone()
    assert moment == f"{fmt.date(local.date())}, {fmt.time(local)}"  # "Nov 24, 2026, 7:00 AM"
    assert page.status.startswith(f"Snapshot of Nov 23, 2026 (taken {moment}) · ")
    # The Aged balances and Collections pages say it in the same words.
    assert snapshot_taken(clock.today(), taken, fmt) == f"taken {moment}"


def test_switching_pool_reads_that_pool_and_refresh_takes_its_snapshot(
    qtbot, page: OverviewPage, setting: Setting
) -> None:
    with settled(qtbot, page):
        page.pool.setCurrentIndex(page.pool.findText("Gaul"))
    assert texts(page.activities, 1) == ["Garnier SA"]
    # Switching only reads: Gaul has no snapshot yet, and the grids say what to do.
    assert page.highest.stack.currentWidget() is page.highest.empty
    assert "No snapshot of this pool yet" in page.highest.empty.text()
    assert "Refresh" in page.past_due.empty.text()
    assert page.status.startswith("No snapshot of this pool yet")
    with settled(qtbot, page):
        page.refresh_button.click()
    assert texts(page.highest, 1) == ["Garnier SA"]
    assert texts(page.past_due, 3) == ["69"]

    with settled(qtbot, page):
        page.pool.setCurrentIndex(page.pool.findText("All my pools"))
    # All pools: own tasks too, by end date.
    assert texts(page.activities, 1) == [
        "Ruiz Hermanos SL",
        "Garnier SA",
        "(own task)",
        "Lopes & Filhos Lda",
    ]
    with settled(qtbot, page):
        page.refresh()
    assert texts(page.highest, 1) == ["Lopes & Filhos Lda", "Ruiz Hermanos SL", "Garnier SA"]
    assert texts(page.past_due, 1) == ["Garnier SA", "Ruiz Hermanos SL"]
    with setting.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AgingSnapshot)) == 3


def test_closing_two_selected_activities_closes_both(
    qtbot, page: OverviewPage, setting: Setting, clock: FixedClock
) -> None:
    assert not page.close_action.isEnabled()
    view = page.activities.view
    view.selectAll()
    assert page.close_action.isEnabled()
    assert [row.id for row in page.selected_activities()] == [
        setting.activities["ruiz"],
        setting.activities["lopes"],
    ]
    with settled(qtbot, page):
        page.close_button.click()
    assert page.activities.model.rowCount() == 0
    assert page.activities.stack.currentWidget() is page.activities.empty
    assert "No open activities for this pool" in page.activities.empty.text()
    assert page.status.startswith("Closed 2 activities · ")
    assert not page.close_action.isEnabled()
    for name in ("ruiz", "lopes"):
        assert activity_state(setting.database, setting.activities[name]) == (
            True,
            clock.now(),
            2,
        )
    assert activity_state(setting.database, setting.activities["garnier"]) == (False, None, 1)


def test_new_activity_is_written_and_listed(qtbot, page: OverviewPage, setting: Setting) -> None:
    before = activity_count(setting.database)
    page.new_action.trigger()
    dialog = page.new_dialog
    assert dialog is not None
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.purpose, "Send the statement")
    qtbot.keyClicks(dialog.customer, setting.ruiz_account)
    dialog.type.setCurrentIndex(dialog.type.findText("Action"))
    dialog.end.setDateTime(QDateTime.fromSecsSinceEpoch(int(at(24, 10).timestamp())))
    with settled(qtbot, page):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert page.new_dialog is None  # closed and let go
    assert activity_count(setting.database) == before + 1
    assert texts(page.activities, 2) == [
        "Call Ruiz about INV-1",
        "Send the statement",
        "Ask Lopes for a PO  ✎",
    ]
    assert texts(page.activities, 3)[1] == "Action"
    assert page.status.startswith("Activity ACT-0000001 created · ")
    with setting.database.sessions() as session:
        made = session.scalars(select(Activity).where(Activity.number == "ACT-0000001")).one()
        assert (made.customer_id, made.responsible_employee_id) == (setting.ruiz, setting.me)
        assert (made.start_at, made.end_at, made.type) == (at(23), at(24, 10), "action")


def test_new_activity_finds_the_customer_by_part_of_its_name(
    qtbot, page: OverviewPage, setting: Setting
) -> None:
    """The customer box of the Workspace: type part of a name, pick, Create."""
    page.new_action.trigger()
    dialog = page.new_dialog
    assert dialog is not None
    search = dialog.customer_search
    assert search is not None
    assert dialog.customer is search.combo
    qtbot.keyClicks(dialog.purpose, "Ask for the purchase order")
    qtbot.keyClicks(search.combo.lineEdit(), "filhos")
    qtbot.waitUntil(lambda: search.combo.count() == 1, timeout=LOAD)
    label = search.combo.itemText(0)
    assert label.endswith(" Lopes & Filhos Lda")
    # The offscreen platform cannot click the completer's popup: pick as it does.
    search.completer.activated[str].emit(label)
    search.completer.popup().hide()
    search.combo.setEditText(label)
    assert dialog.value().customer_account == label.split(" ")[0]
    with settled(qtbot, page):
        dialog.ok_button.click()
    assert page.new_dialog is None
    with setting.database.sessions() as session:
        made = session.scalars(
            select(Activity).where(Activity.purpose == "Ask for the purchase order")
        ).one()
        assert made.customer_id == setting.lopes


def test_new_activity_ending_before_it_starts_is_refused(
    qtbot, page: OverviewPage, setting: Setting
) -> None:
    before = activity_count(setting.database)
    page.new_action.trigger()
    dialog = page.new_dialog
    qtbot.keyClicks(dialog.purpose, "Call back")
    dialog.end.setDateTime(QDateTime.fromSecsSinceEpoch(int(at(22).timestamp())))
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=LOAD)
    assert dialog.error.text() == "The activity cannot end before it starts."
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    assert activity_count(setting.database) == before
    # A customer outside the agent's pools is refused the same way.
    dialog.end.setDateTime(QDateTime.fromSecsSinceEpoch(int(at(24).timestamp())))
    qtbot.keyClicks(dialog.customer, "NOPE-1")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "no customer NOPE-1" in dialog.error.text(), timeout=LOAD)
    assert activity_count(setting.database) == before
    dialog.reject()


def test_activating_a_customer_or_an_account_emits_the_customer(
    qtbot, page: OverviewPage, setting: Setting
) -> None:
    view = page.highest.view
    name = page.highest.model.index(1, 1)
    with qtbot.waitSignal(page.customer_chosen) as chosen:
        double_click(qtbot, view, name)
    assert chosen.args == [setting.ruiz]
    account = page.past_due.model.index(0, 0)
    late = page.past_due.view
    with qtbot.waitSignal(page.record_requested) as details:
        double_click(qtbot, late, account)
    assert details.args == [setting.ruiz]
    activity = page.activities.view
    with qtbot.waitSignal(page.customer_chosen) as chosen:
        double_click(qtbot, activity, page.activities.model.index(1, 1))
    assert chosen.args == [setting.lopes]


def test_more_shows_the_activity_with_its_memo(qtbot, page: OverviewPage) -> None:
    view = page.activities.view
    purpose = page.activities.model.index(1, 2)
    double_click(qtbot, view, purpose)
    qtbot.waitUntil(lambda: page.details_dialog is not None, timeout=LOAD)
    dialog = page.details_dialog
    assert dialog.isVisible()
    assert dialog.values["purpose"].text() == "Ask Lopes for a PO"
    assert dialog.memo.toPlainText() == "Ana, ext. 12"
    assert dialog.memo.isReadOnly()
    assert dialog.values["status"].text() == "Open"
    dialog.reject()


def test_typing_in_a_filter_narrows_its_grid(qtbot, page: OverviewPage) -> None:
    qtbot.keyClicks(page.highest.filter, "lopes")
    assert texts(page.highest, 1) == ["Lopes & Filhos Lda"]
    assert page.past_due.model.rowCount() == 1  # the other grids keep their rows
    page.highest.filter.clear()
    qtbot.keyClicks(page.highest.filter, "nobody")
    assert page.highest.stack.currentWidget() is page.highest.empty
    assert "No row matches “nobody”" in page.highest.empty.text()
    page.highest.filter.clear()
    assert page.highest.model.rowCount() == 2


def test_ctrl_f_focuses_the_filter_of_the_grid_in_focus(qtbot, page: OverviewPage) -> None:
    page.activateWindow()
    qtbot.waitActive(page)
    page.past_due.view.setFocus()
    qtbot.waitUntil(lambda: page.past_due.view.hasFocus())
    qtbot.keyClick(page.past_due.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.past_due.filter.hasFocus()
    page.pool.setFocus()
    qtbot.waitUntil(lambda: page.pool.hasFocus())
    page.focus_filter()
    assert page.activities.filter.hasFocus()


def test_an_agent_who_is_no_employee_sees_no_activities(qtbot, make_page) -> None:
    page = make_page(None)
    with settled(qtbot, page):
        page.refresh()
    assert not page.new_action.isEnabled()
    assert "not set up as an employee" in page.activities.empty.text()
    assert page.highest.model.rowCount() == 2


def test_header_and_splitter_state_round_trip(qtbot, page: OverviewPage, make_page) -> None:
    page.highest.view.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert texts(page.highest, 2) == ["1,234.56", "2,000.00"]
    page.highest.view.horizontalHeader().resizeSection(0, 133)
    with settled(qtbot, page):
        page.pool.setCurrentIndex(page.pool.findText("Gaul"))
    state = page.save_state()
    assert set(state) >= {"splitter", "balances", "highest_grid", "pool"}
    assert all(isinstance(value, bytes) for value in state.values())

    again = make_page()
    again.restore_state(state)
    assert again.pool.currentText() == "Gaul"
    header = again.highest.view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        2,
        Qt.SortOrder.AscendingOrder,
    )
    assert header.sectionSize(0) == 133
    again.restore_state({"splitter": b"rubbish", "pool": b"short"})  # ignored, no error


def test_an_agent_with_many_activities_sees_the_oldest_and_the_count(
    qtbot, make_page, monkeypatch
) -> None:
    from collections_desktop.views.pages import overview_page

    monkeypatch.setattr(overview_page, "ACTIVITY_LIMIT", 1)
    page = make_page()
    with settled(qtbot, page):
        page.refresh()
    assert page.activities.model.rowCount() == 1
    assert page.activities.title.text() == "My activities (2 open): the 1 oldest are listed"


@pytest.fixture
def short_wait(monkeypatch) -> None:
    """Writers give up after a second (set before the database is opened)."""
    from collections_desktop.models.db import database as database_module
    from collections_desktop.models.db import writing

    monkeypatch.setattr(writing, "WAIT_SECONDS", 1)
    monkeypatch.setattr(database_module, "WAIT_SECONDS", 1)


def test_a_snapshot_that_cannot_be_written_leaves_the_lists_readable(
    short_wait, qtbot, make_page, setting: Setting
) -> None:
    """Another run holds the database: no new snapshot, but the activities and the
    customers are read, and the page says why the balances are missing."""
    holder = sqlite3.connect(setting.database.url.database, timeout=1, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a letters run of another process, say
    try:
        page = make_page()
        with settled(qtbot, page):
            page.refresh()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert texts(page.activities, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    assert page.highest.stack.currentWidget() is page.highest.empty
    reason = "Another run (snapshot) or another user is writing to this database"
    assert page.highest.empty.text().startswith(
        f"No snapshot of this pool yet, and none could be taken: {reason}"
    )
    assert page.status.startswith(f"No new snapshot: {reason}")
    assert page.status.endswith("No snapshot of this pool yet · 2 customers in this pool")
    with setting.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AgingSnapshot)) == 0


def test_the_lists_show_at_once_and_todays_snapshot_follows_in_the_background(
    qtbot, make_page, setting: Setting, clock: FixedClock
) -> None:
    """A snapshot of yesterday is stored and another writer holds the database: the
    lists come from yesterday's snapshot at once, today's is taken once the writer is done."""
    with setting.database.sessions.begin() as session:
        scope = load_scope(session, setting.user)
        yesterday = clock.today() - dt.timedelta(days=1)
        take_snapshot(session, yesterday, scope, at(22), pool_id=scope.default_pool_id)
    holder = sqlite3.connect(setting.database.url.database, timeout=1, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        page = make_page()
        with qtbot.waitSignal(page.loaded, timeout=LOAD):
            page.refresh()
        assert page.is_loading  # the snapshot is being taken
        assert not page.is_busy_shown  # the lists are read: no "Loading…"
        assert texts(page.highest, 1) == ["Lopes & Filhos Lda", "Ruiz Hermanos SL"]
        assert page.status.startswith("Taking a snapshot… · ")
        assert "Snapshot of Nov 22, 2026" in page.status
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    qtbot.waitUntil(lambda: not page.is_loading, timeout=LOAD)
    assert page.status.startswith("New snapshot taken · Snapshot of Nov 23, 2026")
    assert texts(page.highest, 1) == ["Lopes & Filhos Lda", "Ruiz Hermanos SL"]
    with setting.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AgingSnapshot)) == 2


def test_the_worklist_lists_the_pools_expected_late_amounts_largest_first(
    qtbot, make_page, setting: Setting
) -> None:
    """With a year of Garnier's invoices paid 40 days late to learn from (the only history),
    today's snapshot predicts the pool's invoices: Ruiz's, already 53 days past due, is
    certain to be paid late (all of its 1,234.56); Lopes's 2,000.00, not yet due, likely."""
    from collections_desktop.models.db.schema import Customer
    from tests.unit.test_predict import history

    with setting.database.sessions.begin() as session:
        history(session, session.get(Customer, setting.garnier), 40)
    page = make_page()
    with settled(qtbot, page):
        page.refresh()
    worklist = page.expected_late
    assert worklist.title.text() == "Expected to be paid late"
    assert worklist.model.headerData(2, Qt.Orientation.Horizontal) == "Expected late (EUR)"
    rows = list(zip(texts(worklist, 1), texts(worklist, 2), texts(worklist, 3), strict=True))
    assert [name for name, _amount, _count in rows] == ["Lopes & Filhos Lda", "Ruiz Hermanos SL"]
    assert rows[1][1:] == ("1,234.56", "1")
    amounts = [Decimal(amount.replace(",", "")) for _name, amount, _count in rows]
    assert Decimal("1234.56") < amounts[0] <= Decimal("2000.00")
    total = sum(amounts)
    assert page.status.endswith(
        f" · 2 customers in this pool · expected to be paid late: {total:,.2f}\xa0EUR"
    )


def test_a_payment_made_elsewhere_shows_when_the_page_comes_back(
    qtbot, page: OverviewPage, setting: Setting
) -> None:
    """The Workspace posts while the Overview is hidden; back on screen, the Overview's
    rows of that customer hold the payment, from the same snapshot (no new one taken)."""
    from collections_desktop.models.ledger import postings, settlements
    from collections_desktop.views.operations import WriteOp

    def pay(session) -> None:
        payment = postings.post_payment(
            session,
            customer_id=setting.ruiz,
            amount=Decimal("200.00"),
            posting_date=dt.date(2026, 11, 23),
            now=at(23, 10),
        )
        settlements.settle_oldest_first(session, payment.id, dt.date(2026, 11, 23), at(23, 10))

    page.hide()
    with qtbot.waitSignal(page.context.runner.written, timeout=LOAD):
        WriteOp(pay, lambda _result: None, "pay").run(page.context.runner, setting.database)
    assert page.stale
    assert texts(page.highest, 2) == ["2,000.00", "1,234.56"]  # hidden: not read yet
    page.show()
    patched = []
    page.rows_patched.connect(lambda changed: patched.append(texts(page.highest, 2)))
    with settled(qtbot, page):
        page.activate()
    # First Ruiz's rows alone, read from the snapshot; then the lists read again.
    assert patched == [["2,000.00", "1,034.56"]]
    assert not page.stale
    assert texts(page.highest, 1) == ["Lopes & Filhos Lda", "Ruiz Hermanos SL"]
    assert texts(page.highest, 2) == ["2,000.00", "1,034.56"]
    assert texts(page.past_due, 4) == ["1,034.56"]
    with setting.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AgingSnapshot)) == 1


def test_a_changed_customer_is_put_in_its_place_in_a_top_list() -> None:
    """The rows of changed customers are replaced in the list's order; one paid in full
    leaves; in a full list, one that falls behind the former last row is left out (a
    customer the list never held may come first), one that rises is put in."""
    from collections_desktop.models.screens.overview import BalanceRow
    from collections_desktop.views.pages.overview_page import merged_rows

    ids = [uuid.uuid4() for _n in range(5)]

    def row(n: int, balance: str) -> BalanceRow:
        return BalanceRow(ids[n], f"C{n}", f"Customer {n}", Decimal(balance), None, None, 0)

    def order(r: BalanceRow):
        return (-r.balance, r.account)

    rows = (row(0, "900.00"), row(1, "500.00"), row(2, "100.00"))
    moved = merged_rows(rows, [row(1, "950.00")], {ids[1]}, order, 10)
    assert [r.account for r in moved] == ["C1", "C0", "C2"]
    assert [r.account for r in merged_rows(rows, [], {ids[0]}, order, 10)] == ["C1", "C2"]
    # A full list of three: C1 falls to 50.00, behind C2, where unseen customers may be.
    assert [r.account for r in merged_rows(rows, [row(1, "50.00")], {ids[1]}, order, 3)] == [
        "C0",
        "C2",
    ]
    # C4, never listed, rises above C2: in, and C2 drops off the end.
    risen = merged_rows(rows, [row(4, "600.00")], {ids[4]}, order, 3)
    assert [r.account for r in risen] == ["C0", "C4", "C1"]
