"""The agency desk driven as its users drive it, on a company file filled through the
agency's own rules: the case files with their figures, order and filters; a supervisor
approving, rejecting and toggling "money seen" (each change in the history), never on
their own collection; the collections calendar's days; and the desk as the landing page
of agency staff only."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from shiboken6 import isValid
from sqlalchemy import func, select

from collections_desktop.models.agency.annotations import add_annotation
from collections_desktop.models.agency.cases import CaseValues, DebtorValues, open_case, set_status
from collections_desktop.models.agency.clients import ClientValues, create_client
from collections_desktop.models.agency.collections import approve, record_collection
from collections_desktop.models.agency.plans import add_plan
from collections_desktop.models.agency.staff import set_staff
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    AgencyCase,
    AgencyCollection,
    AgencyCollectionChange,
    Employee,
)
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.views.main_window import MainWindow
from collections_desktop.views.pages.agency_page import (
    C_COLLECTED,
    C_DEBT,
    C_DEBTOR,
    C_NUMBER,
    C_OUTSTANDING,
    C_PENDING,
    C_STATUS,
    CALENDAR,
    U_AMOUNT,
    U_CASE,
    U_DATE,
    U_RECEIVED,
    UNAPPROVED,
    AgencyPage,
)

D = Decimal
WAIT = 15_000


@dataclass(frozen=True)
class Desk:
    database: Database
    sara: uuid.UUID  # supervisor
    pablo: uuid.UUID  # supervisor
    carlos: uuid.UUID  # collector
    cases: dict[str, uuid.UUID]  # by debtor
    collections: dict[str, uuid.UUID]  # by "debtor amount"


class TickingClock:
    """Today 2026-11-23; every ``now()`` a second after the last, so a collection's
    history has an order."""

    def __init__(self) -> None:
        self.moment = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)

    def today(self) -> dt.date:
        return self.moment.date()

    def now(self) -> dt.datetime:
        self.moment += dt.timedelta(seconds=1)
        return self.moment


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock()


def employee(session, number: int, name: str, user: str) -> uuid.UUID:
    person = Employee(
        number=f"E-{number:03d}", name=name, user_name=user, updated_at=dt.datetime.now(dt.UTC)
    )
    session.add(person)
    session.flush()
    return person.id


@pytest.fixture
def desk(sqlite_db: Database, clock: TickingClock) -> Desk:
    """Two clients, three staff, four case files (one closed), four collections (one
    approved), a promise, a plan and two scheduled actions; today is 2026-11-23."""
    now = clock.now()
    with write_transaction(sqlite_db) as session:
        sara = employee(session, 1, "Sara Soto", "sara")
        pablo = employee(session, 2, "Pablo Ortega", "pablo")
        carlos = employee(session, 3, "Carlos Ruiz", "carlos")
        employee(session, 4, "Ana Admin", "ana")  # not on the agency's staff
        set_staff(session, sara, is_supervisor=True, share_percent=D("10"), now=now)
        set_staff(session, pablo, is_supervisor=True, share_percent=D("10"), now=now)
        set_staff(session, carlos, is_supervisor=False, share_percent=D("25"), now=now)
        acme = create_client(
            session,
            ClientValues(
                code="ACME", name="Acme Energía SA", tax_id="A11111111", contact_name=None,
                email=None, phone=None, address=None, language="es", currency="EUR",
                commission_percent=D("20"), remittance_days=15, remittance_terms=None, bands=(),
            ),
            now=now,
        )  # fmt: skip
        beta = create_client(
            session,
            ClientValues(
                code="BETA", name="Beta Telecom SL", tax_id="B22222222", contact_name=None,
                email=None, phone=None, address=None, language="es", currency="EUR",
                commission_percent=D("15"), remittance_days=10, remittance_terms=None, bands=(),
            ),
            now=now,
        )  # fmt: skip
        numbers = {}
        for client, debtor, tax_id, principal, collector in (
            (acme, "Ruiz Hermanos SL", "B33333333", "1000.00", carlos),
            (beta, "Garnier SA", "FR44444444", "2000.00", carlos),
            (acme, "Lopes & Filhos Lda", "PT55555555", "500.00", pablo),
            (beta, "Closed Debtor SL", "B66666666", "90.00", carlos),
        ):
            numbers[debtor] = open_case(
                session,
                CaseValues(
                    client_id=client,
                    client_reference=f"REF-{tax_id}",
                    debtor=DebtorValues(
                        kind="company", name=debtor, tax_id=tax_id, language="es",
                        addresses=(), phones=(), emails=(),
                    ),
                    currency="EUR",
                    principal=D(principal),
                    interest=D("50.00"),
                    fees=D("25.00"),
                    debt_date=dt.date(2026, 3, 1),
                    collector_id=collector,
                    assigned_on=dt.date(2026, 9, 1),
                    documents=(),
                ),
                now=now,
                by=sara,
            )  # fmt: skip
        session.flush()
        cases = {
            debtor: session.scalar(select(AgencyCase.id).where(AgencyCase.number == number))
            for debtor, number in numbers.items()
        }
        collections = {}
        for debtor, day, amount, by in (
            ("Ruiz Hermanos SL", dt.date(2026, 11, 10), "200.00", carlos),
            ("Ruiz Hermanos SL", dt.date(2026, 11, 20), "150.00", carlos),
            ("Garnier SA", dt.date(2026, 11, 5), "300.00", sara),
            ("Lopes & Filhos Lda", dt.date(2026, 11, 18), "80.00", pablo),
        ):
            collections[f"{debtor} {amount}"] = record_collection(
                session,
                case_id=cases[debtor],
                collected_on=day,
                amount=D(amount),
                method="bank_transfer",
                reference=f"TRF {amount}",
                collected_by_id=by,
                now=now,
            )
        first = collections["Ruiz Hermanos SL 200.00"]
        version = session.scalar(
            select(AgencyCollection.version).where(AgencyCollection.id == first)
        )
        approve(session, first, version, supervisor_id=sara, now=now)
        closed = cases["Closed Debtor SL"]
        version = session.scalar(select(AgencyCase.version).where(AgencyCase.id == closed))
        set_status(session, closed, version, "closed_paid", now=now, by=sara)
        add_plan(
            session, case_id=cases["Ruiz Hermanos SL"], kind="promise",
            agreed_on=dt.date(2026, 11, 20), instalments=[(dt.date(2026, 11, 25), D("300.00"))],
            by=carlos, now=now,
        )  # fmt: skip
        add_plan(
            session, case_id=cases["Garnier SA"], kind="plan", agreed_on=dt.date(2026, 11, 1),
            instalments=[(dt.date(2026, 11, 10), D("100.00")),
                         (dt.date(2026, 12, 10), D("100.00"))],
            by=carlos, now=now,
        )  # fmt: skip
        add_annotation(
            session, case_id=cases["Lopes & Filhos Lda"], kind="call", text="Call the manager",
            by=pablo, now=now, scheduled_on=dt.date(2026, 11, 25),
        )  # fmt: skip
        add_annotation(
            session, case_id=cases["Garnier SA"], kind="visit", text="Visit the office",
            by=carlos, now=now, scheduled_on=dt.date(2026, 11, 26),
        )  # fmt: skip
    return Desk(sqlite_db, sara, pablo, carlos, cases, collections)


def open_desk(qtbot, make_window, desk: Desk, user: str) -> tuple[MainWindow, AgencyPage]:
    window = make_window(desk.database, user_name=user)
    window.show()
    page = window.agency_page
    qtbot.waitUntil(lambda: page.cases.data is not None and not page.is_loading, timeout=WAIT)
    return window, page


def texts(grid, *columns: int) -> list[tuple[str, ...]]:
    model = grid.model
    return [
        tuple(model.index(row, column).data() for column in columns)
        for row in range(model.rowCount())
    ]


def reload(qtbot, tab) -> None:
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.refresh()


def history(database: Database, collection_id: uuid.UUID) -> list[tuple[str, str | None]]:
    with database.sessions() as session:
        return [
            (change.change, change.note)
            for change in session.scalars(
                select(AgencyCollectionChange)
                .where(AgencyCollectionChange.collection_id == collection_id)
                .order_by(AgencyCollectionChange.changed_at, AgencyCollectionChange.change)
            )
        ]


def collection(database: Database, collection_id: uuid.UUID) -> AgencyCollection:
    with database.sessions() as session:
        found = session.get(AgencyCollection, collection_id)
        assert found is not None
        session.expunge(found)
        return found


# --- landing page -----------------------------------------------------------------------


def test_agency_staff_land_on_the_desk_others_on_the_overview(qtbot, make_window, desk):
    window, page = open_desk(qtbot, make_window, desk, "sara")
    assert window.landing_page == "agency"
    assert window.current_page == "agency"
    assert window.navigation.currentItem().text() == "Agency desk"
    assert window.page_actions["agency"].shortcut().toString() == "Ctrl+0"
    assert page.tabs.tabText(0) == "Case files (3)"
    assert page.tabs.tabText(UNAPPROVED) == "Unapproved collections (3)"

    other = make_window(desk.database, user_name="ana")
    assert other.landing_page == "overview"
    assert other.current_page == "overview"
    assert other.page_keys[0] == "overview"
    assert not other.agency_page.started  # read only when shown


# --- case files -------------------------------------------------------------------------


@pytest.mark.qt_log_ignore("does not support raise")  # the offscreen platform
def test_case_files_list_open_cases_oldest_action_first_with_their_figures(
    qtbot, make_window, desk
):
    _window, page = open_desk(qtbot, make_window, desk, "sara")
    grid = page.cases.grid
    # Open cases by default, the oldest last action first; approved counts as collected,
    # unapproved as pending; outstanding = principal + interest + fees - collected.
    assert texts(grid, C_NUMBER, C_DEBTOR, C_STATUS, C_DEBT, C_COLLECTED, C_PENDING,
                 C_OUTSTANDING) == [
        ("EXP-000002", "Garnier SA", "Payment plan", "2,075.00", "0.00", "300.00", "2,075.00"),
        ("EXP-000003", "Lopes & Filhos Lda", "New", "575.00", "0.00", "80.00", "575.00"),
        ("EXP-000001", "Ruiz Hermanos SL", "New", "1,075.00", "200.00", "150.00", "875.00"),
    ]  # fmt: skip
    assert grid.title.text() == "3 case files · outstanding 3,525.00\xa0EUR"
    assert grid.model.index(0, C_OUTSTANDING).data(Qt.ItemDataRole.TextAlignmentRole) & (
        Qt.AlignmentFlag.AlignRight
    )

    cases = page.cases
    with qtbot.waitSignal(cases.loaded, timeout=WAIT):
        cases.status_filter.setCurrentIndex(cases.status_filter.findData("all"))
    assert len(texts(grid, C_NUMBER)) == 4
    assert ("EXP-000004", "Closed, paid") in texts(grid, C_NUMBER, C_STATUS)

    with qtbot.waitSignal(cases.loaded, timeout=WAIT):
        cases.client_filter.setCurrentIndex(cases.client_filter.findText("Acme Energía SA (ACME)"))
    assert texts(grid, C_NUMBER) == [("EXP-000003",), ("EXP-000001",)]

    with qtbot.waitSignal(cases.loaded, timeout=WAIT):
        cases.collector_filter.setCurrentIndex(cases.collector_filter.findText("Carlos Ruiz"))
    assert texts(grid, C_NUMBER) == [("EXP-000001",)]

    with qtbot.waitSignal(cases.loaded, timeout=WAIT):
        cases.link_activated("all")  # the empty state's "Show every case file"
    assert len(texts(grid, C_NUMBER)) == 4
    grid.filter.setText("garnier")
    assert texts(grid, C_NUMBER, C_DEBTOR) == [("EXP-000002", "Garnier SA")]
    grid.filter.setText("")

    opened: list[uuid.UUID] = []
    cases.case_requested.connect(opened.append)
    assert cases.select_case(desk.cases["Lopes & Filhos Lda"])
    cases.open_action.trigger()
    assert opened == [desk.cases["Lopes & Filhos Lda"]]
    cases.grid.view.setFocus()
    qtbot.keyClick(cases.grid.view, Qt.Key.Key_Return)  # Enter opens it too
    assert opened == [desk.cases["Lopes & Filhos Lda"]] * 2


def test_a_collector_starts_on_their_own_case_files(qtbot, make_window, desk):
    _window, page = open_desk(qtbot, make_window, desk, "carlos")
    assert page.cases.collector_filter.currentText() == "Carlos Ruiz (me)"
    assert texts(page.cases.grid, C_NUMBER) == [("EXP-000002",), ("EXP-000001",)]


# --- unapproved collections -------------------------------------------------------------


def show_unapproved(qtbot, page: AgencyPage) -> None:
    with qtbot.waitSignal(page.unapproved.loaded, timeout=WAIT):
        page.show_tab(UNAPPROVED)
    qtbot.waitUntil(lambda: not page.is_loading, timeout=WAIT)


def test_unapproved_collections_oldest_first_and_own_collection_not_approvable(
    qtbot, make_window, desk
):
    _window, page = open_desk(qtbot, make_window, desk, "sara")
    show_unapproved(qtbot, page)
    tab = page.unapproved
    assert texts(tab.grid, U_DATE, U_CASE, U_AMOUNT, U_RECEIVED) == [
        ("Nov 5, 2026", "EXP-000002", "300.00", "Collected"),
        ("Nov 18, 2026", "EXP-000003", "80.00", "Collected"),
        ("Nov 20, 2026", "EXP-000001", "150.00", "Collected"),
    ]
    assert tab.grid.title.text() == ("3 collections waiting, oldest first · 530.00\xa0EUR")
    # The first is Sara's own: she may not approve it, and the button says why.
    assert tab.select_collection(desk.collections["Garnier SA 300.00"])
    assert not tab.approve_action.isEnabled()
    assert not tab.reject_action.isEnabled()
    assert tab.approve_action.toolTip() == (
        "You recorded this collection; another supervisor must approve it."
    )
    assert tab.received_action.isEnabled()
    qtbot.waitUntil(lambda: tab.history.model.rowCount() == 1, timeout=WAIT)
    assert texts(tab.history, 1, 2) == [("Recorded", "Sara Soto")]


def test_a_supervisor_approves_and_rejects_with_a_reason(qtbot, make_window, desk, dialogs):
    _window, page = open_desk(qtbot, make_window, desk, "sara")
    show_unapproved(qtbot, page)
    tab = page.unapproved
    ruiz = desk.collections["Ruiz Hermanos SL 150.00"]
    assert tab.select_collection(ruiz)
    assert tab.approve_action.isEnabled()
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.approve_action.trigger()
    assert collection(desk.database, ruiz).state == "approved"
    assert collection(desk.database, ruiz).approved_by_id == desk.sara
    assert [change for change, _note in history(desk.database, ruiz)] == ["recorded", "approved"]
    assert texts(tab.grid, U_CASE) == [("EXP-000002",), ("EXP-000003",)]
    assert page.tabs.tabText(UNAPPROVED) == "Unapproved collections (2)"
    assert "150.00\xa0EUR collected by Carlos Ruiz on EXP-000001 approved" in tab.status

    lopes = desk.collections["Lopes & Filhos Lda 80.00"]
    assert tab.select_collection(lopes)
    dialog = tab.reject_current()
    assert dialog is not None
    dialog.ok_button.click()  # no reason: refused in the dialog, nothing written
    assert dialog.error.text() == "Say why the collection is rejected: the collector reads it."
    assert collection(desk.database, lopes).state == "unapproved"
    dialog.reason.setPlainText("The transfer is not on the bank statement")
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        dialog.ok_button.click()
    rejected = collection(desk.database, lopes)
    assert (rejected.state, rejected.rejection_reason) == (
        "rejected",
        "The transfer is not on the bank statement",
    )
    assert history(desk.database, lopes)[-1] == (
        "rejected",
        "The transfer is not on the bank statement",
    )
    assert texts(tab.grid, U_CASE) == [("EXP-000002",)]
    assert dialogs["warning"] == []


def test_money_seen_toggles_with_one_click_each_change_in_the_history(qtbot, make_window, desk):
    _window, page = open_desk(qtbot, make_window, desk, "carlos")
    show_unapproved(qtbot, page)
    tab = page.unapproved
    garnier = desk.collections["Garnier SA 300.00"]
    assert tab.select_collection(garnier)
    model = tab.grid.model
    cell = model.index(0, U_RECEIVED)
    assert cell.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.flags(cell) & Qt.ItemFlag.ItemIsUserCheckable
    model.setData(cell, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(lambda: model.index(0, U_RECEIVED).data() == "Not collected", timeout=WAIT)
    assert collection(desk.database, garnier).received is False
    assert tab.received_action.text() == "Mark collected"
    tab.received_action.trigger()  # and back, by the button
    qtbot.waitUntil(lambda: model.index(0, U_RECEIVED).data() == "Collected", timeout=WAIT)
    assert collection(desk.database, garnier).received is True
    assert [change for change, _note in history(desk.database, garnier)] == [
        "recorded",
        "not_received",
        "received",
    ]
    qtbot.waitUntil(lambda: tab.history.model.rowCount() == 3, timeout=WAIT)
    assert texts(tab.history, 1) == [("Recorded",), ("Marked not collected",),
                                     ("Marked collected",)]  # fmt: skip
    # A collector decides nothing: the buttons say who does.
    assert not tab.approve_action.isEnabled()
    assert tab.approve_action.toolTip() == (
        "Only a supervisor of the agency desk may approve or reject a collection."
    )


# --- calendar ---------------------------------------------------------------------------


def test_the_calendar_shows_each_days_payments_and_actions(qtbot, make_window, desk):
    _window, page = open_desk(qtbot, make_window, desk, "sara")
    calendar = page.calendar
    with qtbot.waitSignal(calendar.loaded, timeout=WAIT):
        page.show_tab(CALENDAR)
    grid = calendar.grid
    assert calendar.month_label.text() == "November 2026"
    assert grid.day_names[0] == "Sun"  # en_US weeks start on Sunday
    assert grid.weeks[0][0] == dt.date(2026, 11, 1)
    promise_day = grid.summary(dt.date(2026, 11, 25))
    assert (promise_day.due, promise_day.amounts, promise_day.actions) == (
        1,
        (("EUR", D("300.00")),),
        1,
    )
    assert grid.day_lines(dt.date(2026, 11, 25)) == [
        ("1 due", "due"),
        ("300.00", "amount"),
        ("1 action", "action"),
    ]
    assert grid.summary(dt.date(2026, 11, 26)).actions == 1
    instalment = grid.summary(dt.date(2026, 11, 10))
    assert (instalment.due, instalment.amounts) == (1, (("EUR", D("100.00")),))
    assert grid.summary(dt.date(2026, 11, 11)).empty
    assert calendar.summary.text().startswith("2 payments due (400.00\xa0EUR)")
    assert grid.selected == dt.date(2026, 11, 23)  # today

    grid.select(dt.date(2026, 11, 25))  # its entries read on their own
    assert calendar.day_list.title.text() == "November 25, 2026"
    qtbot.waitUntil(lambda: calendar.day_list.model.rowCount() == 2, timeout=WAIT)
    assert texts(calendar.day_list, 0, 1, 3) == [
        ("Promise", "EXP-000001", "300.00"),
        ("Action", "EXP-000003", ""),
    ]
    opened: list[uuid.UUID] = []
    calendar.case_requested.connect(opened.append)
    calendar.day_list.view.selectRow(1)
    calendar.open_action.trigger()
    assert opened == [desk.cases["Lopes & Filhos Lda"]]

    with qtbot.waitSignal(calendar.loaded, timeout=WAIT):
        calendar.next_action.trigger()
    assert calendar.month_label.text() == "December 2026"
    assert grid.selected == dt.date(2026, 12, 25)
    assert grid.summary(dt.date(2026, 12, 10)).due == 1
    assert sum(s.due for s in grid.summaries.values()) == 1
    with qtbot.waitSignal(calendar.loaded, timeout=WAIT):
        calendar.today_action.trigger()
    assert calendar.month_label.text() == "November 2026"
    assert grid.selected == dt.date(2026, 11, 23)
    # Garnier's first instalment is unpaid (its collection waits for approval): broken.
    grid.select(dt.date(2026, 11, 10))
    qtbot.waitUntil(lambda: calendar.day_list.model.rowCount() == 1, timeout=WAIT)
    assert texts(calendar.day_list, 0, 1, 3, 5) == [
        ("Instalment", "EXP-000002", "100.00", "Broken")
    ]
    assert calendar.day_list.model.index(0, 5).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_the_calendar_weeks_start_on_the_locales_first_day():
    from collections_desktop.views.widgets.month_grid import first_weekday, month_weeks

    assert first_weekday("es_ES") == 0
    assert first_weekday("en_US") == 6
    weeks = month_weeks(dt.date(2026, 11, 1), 0)
    assert weeks[0][0] == dt.date(2026, 10, 26)  # a Monday
    assert weeks[-1][-1] == dt.date(2026, 12, 6)
    assert len(weeks) == 6


@pytest.mark.parametrize("locale", ["en_US", "es_ES", "fr_FR", "pt_PT", "de_CH"])
def test_the_grids_fast_amounts_read_as_the_apps_amounts(locale):
    from collections_desktop.formatting import Formats
    from collections_desktop.views.pages.agency_page import amount_text

    fmt = Formats(locale)
    text = amount_text(fmt)
    for value in ("0.00", "-0.50", "7.05", "1000.00", "-520.90", "1234567.89", "12.5", "3",
                  "0.125", "-98765432.10"):  # fmt: skip
        assert text(D(value)) == fmt.amount(D(value)), value


@pytest.mark.parametrize(
    ("view", "size"),
    [
        ("agency", (1366, 768)),
        ("agency-unapproved", (1366, 768)),
        ("agency-calendar", (1366, 768)),
        ("agency-reject", None),
        ("agency-import", None),
    ],
)
def test_the_desks_views_are_rendered(qapp, desk, clock, tmp_path, view, size):
    from PySide6.QtGui import QImage

    from collections_desktop.screenshot import VIEWS, render_screenshot

    assert VIEWS[view]
    target = render_screenshot(
        view,
        tmp_path / f"{view}.png",
        database=desk.database,
        size=size or (1366, 768),
        clock=clock,
        user="sara",
    )
    image = QImage(str(target))
    if size is not None:
        assert (image.width(), image.height()) == size
    else:  # a dialog, its own size
        assert 400 <= image.width() < 1000
    assert len({image.pixel(x, y) for x in range(0, image.width(), 7)
                for y in range(0, image.height(), 7)}) > 10  # fmt: skip


def test_space_toggles_money_seen_of_the_current_collection(qtbot, make_window, desk):
    _window, page = open_desk(qtbot, make_window, desk, "sara")
    show_unapproved(qtbot, page)
    tab = page.unapproved
    lopes = desk.collections["Lopes & Filhos Lda 80.00"]
    assert tab.select_collection(lopes)
    tab.grid.view.setFocus()
    qtbot.keyClick(tab.grid.view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: collection(desk.database, lopes).received is False, timeout=WAIT)
    qtbot.waitUntil(lambda: "marked not collected" in tab.status, timeout=WAIT)
    assert tab.status == "80.00\xa0EUR on EXP-000003 marked not collected"
    assert tab.current_collection().id == lopes  # the row stays chosen


def test_a_collectors_calendar_starts_on_their_own_cases(qtbot, make_window, desk):
    _window, page = open_desk(qtbot, make_window, desk, "carlos")
    with qtbot.waitSignal(page.calendar.loaded, timeout=WAIT):
        page.show_tab(CALENDAR)
    calendar = page.calendar
    assert calendar.collector_filter.currentText() == "Carlos Ruiz (me)"
    # Pablo's call on the 25th is not Carlos's; the promise is.
    assert calendar.grid.summary(dt.date(2026, 11, 25)).actions == 0
    assert calendar.grid.summary(dt.date(2026, 11, 25)).due == 1
    assert calendar.grid.summary(dt.date(2026, 11, 26)).actions == 1
    with qtbot.waitSignal(calendar.loaded, timeout=WAIT):
        calendar.collector_filter.setCurrentIndex(0)  # everyone
    assert calendar.grid.summary(dt.date(2026, 11, 25)).actions == 1


def test_the_desk_keeps_its_tab_columns_and_status_filter(qtbot, make_window, desk):
    _window, page = open_desk(qtbot, make_window, desk, "sara")
    cases = page.cases
    with qtbot.waitSignal(cases.loaded, timeout=WAIT):
        cases.status_filter.setCurrentIndex(cases.status_filter.findData("legal"))
    cases.grid.view.horizontalHeader().resizeSection(C_DEBTOR, 333)
    with qtbot.waitSignal(page.unapproved.loaded, timeout=WAIT):
        page.show_tab(UNAPPROVED)
    state = page.save_state()
    assert {"agency_cases.grid", "agency_cases.status", "agency_unapproved.splitter",
            "agency_calendar.splitter"} <= set(state)  # fmt: skip

    other = make_window(desk.database, user_name="pablo").agency_page
    other.restore_state(state)
    assert other.tabs.currentIndex() == UNAPPROVED  # the tab last shown
    assert other.cases.status_filter.currentData() == "legal"
    assert other.cases.grid.view.horizontalHeader().sectionSize(C_DEBTOR) == 333


def test_import_case_files_asks_for_a_file_a_client_and_a_mapping(
    qtbot, make_window, desk, tmp_path
):
    window, _page = open_desk(qtbot, make_window, desk, "sara")
    dialog = window.import_case_files()
    assert window.current_page == "agency"
    assert dialog.client.count() == 2
    assert dialog.client.itemText(0) == "Acme Energía SA (ACME)"
    dialog.ok_button.click()
    assert dialog.error.text() == "Choose the file to import."
    data = tmp_path / "cases.csv"
    data.write_text("number;debtor\n", encoding="utf-8")
    dialog.file.setText(str(data))
    dialog.ok_button.click()
    assert dialog.error.text() == "Choose the mapping file that says which column holds what."
    dialog.show_error("The file was not imported: 2 errors\nrow 2, debtor: empty\nrow 3, x: bad")
    assert dialog.error.text() == "The file was not imported: 2 errors"
    assert dialog.problems.toPlainText() == "row 2, debtor: empty\nrow 3, x: bad"
    dialog.reject()


def test_a_collection_approved_meanwhile_is_refused_and_the_list_read_again(
    qtbot, make_window, desk, dialogs, clock
):
    _window, page = open_desk(qtbot, make_window, desk, "sara")
    show_unapproved(qtbot, page)
    tab = page.unapproved
    ruiz = desk.collections["Ruiz Hermanos SL 150.00"]
    assert tab.select_collection(ruiz)
    # Pablo approves it on his computer first.
    with write_transaction(desk.database) as session:
        version = session.scalar(
            select(AgencyCollection.version).where(AgencyCollection.id == ruiz)
        )
        approve(session, ruiz, version, supervisor_id=desk.pablo, now=clock.now())
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.approve_action.trigger()
    assert len(dialogs["warning"]) == 1
    assert dialogs["warning"][0][0] == "Unapproved collections"
    assert dialogs["warning"][0][1] == (
        "The collection of 150.00 on Nov 20, 2026 in case file EXP-000001 was already "
        "approved by Pablo Ortega."
    )
    assert texts(tab.grid, U_CASE) == [("EXP-000002",), ("EXP-000003",)]
    assert collection(desk.database, ruiz).approved_by_id == desk.pablo


def test_a_column_hidden_from_the_header_menu_leaves_no_gap(qtbot, make_window, desk):
    from collections_desktop.views.pages.agency_page import C_COLLECTOR, C_TAX_ID

    _window, page = open_desk(qtbot, make_window, desk, "sara")
    header = page.cases.grid.view.horizontalHeader()
    header.setSectionHidden(C_TAX_ID, True)  # as the header's right-click menu does
    qtbot.wait(10)
    assert header.sectionPosition(C_COLLECTOR) == (
        header.sectionPosition(C_DEBTOR) + header.sectionSize(C_DEBTOR)
    )
    assert header.length() <= page.cases.grid.view.viewport().width()


MAPPING = """
[source]
delimiter = ";"
decimal_separator = ","
date_format = "%d/%m/%Y"

[columns]
client_reference = "Expediente"
debtor_name = "Titular"
debtor_tax_id = "NIF"
principal = "Principal"
debt_date = "Vencimiento"
"""


def test_import_case_files_opens_them_all_or_lists_every_error(qtbot, make_window, desk, tmp_path):
    window, page = open_desk(qtbot, make_window, desk, "sara")
    mapping = tmp_path / "cases.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Expediente;Titular;NIF;Principal;Vencimiento\n"
        "B-1;Nuevo Deudor SL;B77777777;1.250,00;01/06/2026\n"
        "B-2;;B88888888;abc;01/06/2026\n",
        encoding="utf-8",
    )
    dialog = window.import_case_files()
    dialog.client.setCurrentIndex(dialog.client.findData("BETA"))
    dialog.file.setText(str(bad))
    dialog.mapping.setText(str(mapping))
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.problems.isVisible(), timeout=WAIT)
    assert "nothing was written" in dialog.error.text()
    assert "3" in dialog.problems.toPlainText()  # the row, as the spreadsheet numbers it
    with desk.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AgencyCase)) == 4

    good = tmp_path / "good.csv"
    good.write_text(
        "Expediente;Titular;NIF;Principal;Vencimiento\n"
        "B-1;Nuevo Deudor SL;B77777777;1.250,00;01/06/2026\n",
        encoding="utf-8",
    )
    dialog.file.setText(str(good))
    with qtbot.waitSignal(page.cases.loaded, timeout=WAIT):
        dialog.ok_button.click()
    qtbot.waitUntil(lambda: not isValid(dialog), timeout=WAIT)  # closed once imported
    assert ("EXP-000005", "Nuevo Deudor SL", "New", "1,250.00") in texts(
        page.cases.grid, C_NUMBER, C_DEBTOR, C_STATUS, C_DEBT
    )
    assert page.cases.status.startswith("Imported good.csv for client BETA: 1 rows, 1 case files")


@pytest.mark.qt_log_ignore("does not support raise")  # the offscreen platform
def test_a_case_file_opens_in_its_window_and_the_reports_and_expenses_are_tabs(
    qtbot, make_window, desk
):
    from collections_desktop.views.dialogs.case_file import CaseFileWindow
    from collections_desktop.views.pages.agency_page import EXPENSES, REPORTS
    from collections_desktop.views.widgets.agency_expenses import ExpensesPanel
    from collections_desktop.views.widgets.agency_reports import AgencyReportsPanel

    _window, page = open_desk(qtbot, make_window, desk, "sara")
    assert page.cases.select_case(desk.cases["Garnier SA"])
    page.cases.open_current()
    window = page.case_windows[desk.cases["Garnier SA"]]
    assert isinstance(window, CaseFileWindow)
    assert window.case_id == desk.cases["Garnier SA"]
    assert page.open_case(desk.cases["Garnier SA"]) is window  # raised, not opened twice
    qtbot.waitUntil(lambda: window.case is not None and not window.reads.is_loading, timeout=WAIT)
    window.close()

    page.show_tab(REPORTS)
    assert isinstance(page.reports, AgencyReportsPanel)
    qtbot.waitUntil(lambda: not page.is_loading, timeout=WAIT)
    page.show_tab(EXPENSES)
    assert isinstance(page.expenses, ExpensesPanel)
    qtbot.waitUntil(lambda: not page.is_loading, timeout=WAIT)


OFFLINE_COPY = (
    "On this laptop the agency desk is a copy to read: collections, case files and expenses "
    "are recorded and approved on the team database."
)


def test_on_a_laptops_offline_copy_the_desk_reads_but_writes_nothing(qtbot, desk, clock):
    """A replica holds the agency's tables read-only: every writing action says why."""
    from collections_desktop.models.people.scope import company_scope
    from collections_desktop.views.dialogs.case_file import CaseFileWindow
    from collections_desktop.views.tasks import TaskRunner
    from collections_desktop.views.widgets.agency_expenses import ExpensesPanel
    from tests.gui.conftest import page_context

    runner = TaskRunner()
    with desk.database.sessions() as session:
        scope = company_scope(session)
    context = page_context(desk.database, runner, scope, desk.pablo, clock, replica=True)
    page = AgencyPage(context)
    qtbot.addWidget(page)
    window = None
    try:
        page.show()
        page.activate()
        qtbot.waitUntil(lambda: page.cases.data is not None and not page.is_loading, timeout=WAIT)
        assert page.cases.grid.model.rowCount() > 0  # read as usual
        assert not page.cases.import_action.isEnabled()
        assert page.cases.import_action.toolTip() == OFFLINE_COPY
        show_unapproved(qtbot, page)
        tab = page.unapproved
        assert tab.select_collection(desk.collections["Garnier SA 300.00"])  # Sara's
        for action in (tab.approve_action, tab.reject_action, tab.received_action):
            assert not action.isEnabled()
        assert tab.approve_action.toolTip() == OFFLINE_COPY
        window = CaseFileWindow(context, desk.cases["Garnier SA"])
        with qtbot.waitSignal(window.loaded, timeout=WAIT):
            window.show()
        assert not window.record_action.isEnabled()
        assert window.record_action.toolTip() == OFFLINE_COPY
        expenses = ExpensesPanel(context)
        qtbot.addWidget(expenses)
        assert not expenses.new_action.isEnabled()
        assert expenses.new_action.toolTip() == OFFLINE_COPY
    finally:
        if window is not None:
            window.close()
        runner.shutdown()
