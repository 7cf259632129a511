"""The main window as a collector sees it: real figures, honest navigation, remembered size."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from collections_desktop import __version__
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.schema import Customer
from collections_desktop.models.ledger import postings
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.people.users import UserValues, add_first_user, save_user
from collections_desktop.views.about import AboutDialog
from collections_desktop.views.main_window import PAGE_KEY_ROLE
from collections_desktop.views.pages.company_page import CompanyPage
from collections_desktop.views.settings import WINDOW_GEOMETRY, Settings
from collections_desktop.views.tasks import TaskRunner
from collections_desktop.views.widgets.busy import BUSY_DELAY_MS
from tests.gui.conftest import page_context

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def overview_settled(qtbot, window):
    """Wait for the Overview's lists once it is done (today's snapshot taken, read again)."""
    page = window.overview_page
    return qtbot.waitSignal(
        page.loaded, timeout=10_000, check_params_cb=lambda _data: not page.is_loading
    )


def text_of(window, name: str) -> str:
    label = window.findChild(QLabel, name)
    assert label is not None, name
    assert label.isVisible(), f"{name} is not on screen"
    return label.text()


def test_start_page_shows_the_company_figures_of_today(loaded_window, company) -> None:
    window = loaded_window
    assert window.windowTitle() == "Collections Desktop — Test Company"
    assert text_of(window, "company_title") == "Test Company"
    assert text_of(window, "company_subtitle") == "Receivables on November 23, 2026 in EUR"
    assert text_of(window, "customers_value") == "3"
    assert text_of(window, "on_hold_value") == "1"
    assert text_of(window, "open_transactions_value") == "4"
    # 1,234.56 + 500.00 + 99.95 - 200.00; the invoice posted on 1 December is not counted.
    assert text_of(window, "balance_value") == "1,634.51\xa0EUR"
    assert text_of(window, "currency_value") == "EUR"
    assert text_of(window, "database_value") == company.database.display_name
    assert not window.company_page.is_busy_shown
    assert window.findChild(QLabel, "load_error").isHidden()
    assert window.status_label.text() == (
        f"Test Company · 3 customers · database {company.database.display_name}"
    )


def test_amounts_are_right_aligned_in_tabular_figures(loaded_window) -> None:
    value = loaded_window.findChild(QLabel, "balance_value")
    assert value.alignment() & Qt.AlignmentFlag.AlignRight


PAGE_TITLES = [
    "Overview",
    "Workspace",
    "Customers",
    "Aged balances",
    "Activities",
    "Cases",
    "Collections",
]


def test_the_navigation_lists_every_page_with_a_shortcut(qtbot, loaded_window) -> None:
    navigation = loaded_window.navigation
    titles = [navigation.item(row).text() for row in range(navigation.count())]
    # Only pages that are built are listed: nothing is announced for a later version.
    assert titles == [
        *PAGE_TITLES, "Company", "Set-up", "Payments", "Pending documents", "Reports",
        "Bank reconciliation", "Agency desk",
    ]  # fmt: skip
    for row in range(navigation.count()):
        item = navigation.item(row)
        assert item.flags() & Qt.ItemFlag.ItemIsEnabled, item.text()
        if row < 9:  # a tenth page has no Ctrl+digit
            assert item.toolTip().endswith(f"(Ctrl+{row + 1})")
        elif item.data(PAGE_KEY_ROLE) == "agency":  # but the agency desk has Ctrl+0
            assert item.toolTip().endswith("(Ctrl+0)")
            assert loaded_window.page_actions["agency"].shortcut() == QKeySequence("Ctrl+0")
        else:
            assert "Ctrl+" not in item.toolTip()
            assert loaded_window.page_actions[item.data(PAGE_KEY_ROLE)].shortcut().isEmpty()
    assert navigation.currentRow() == 7
    assert loaded_window.current_page == "company"
    # Ctrl+4 goes to Aged balances, which reads its data the first time it is shown.
    assert not loaded_window.aged_balances_page.started
    loaded_window.activateWindow()
    qtbot.waitActive(loaded_window)
    with qtbot.waitSignal(loaded_window.aged_balances_page.loaded, timeout=10_000):
        qtbot.keyClick(loaded_window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert loaded_window.current_page == "aged_balances"
    assert navigation.currentRow() == 3
    assert loaded_window.page_actions["customers"].shortcut() == QKeySequence("Ctrl+3")
    assert loaded_window.page_actions["cases"].shortcut() == QKeySequence("Ctrl+6")
    assert loaded_window.page_actions["company"].shortcut() == QKeySequence("Ctrl+8")
    assert loaded_window.page_actions["setup"].shortcut() == QKeySequence("Ctrl+9")
    # Clicking an entry shows its page, and the status bar says what that page says.
    rect = navigation.visualItemRect(navigation.item(4))
    with qtbot.waitSignal(loaded_window.activities_page.loaded, timeout=10_000):
        qtbot.mouseClick(navigation.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert loaded_window.current_page == "activities"
    assert loaded_window.status_label.text().startswith("0 activities · open")


def test_the_list_pages_open_the_workspace_and_the_collections_page(
    qtbot, make_window, company
) -> None:
    window = make_window(company.database)
    with overview_settled(qtbot, window):
        window.show()
    with qtbot.waitSignal(window.aged_balances_page.loaded, timeout=10_000):
        window.show_page("aged_balances")
    grid = window.aged_balances_page.grid
    # The Overview took today's snapshot of every customer: the list reads it.
    names = [grid.model.index(r, 1).data() for r in range(grid.model.rowCount())]
    assert names == ["Ruiz Hermanos SL", "Garnier SA", "Lopes & Filhos Lda"]
    assert window.status_label.text().startswith("Snapshot of Nov 23, 2026, taken at ")
    garnier = grid.model.row(grid.model.index(1, 1)).customer_id
    with qtbot.waitSignal(window.workspace_page.loaded, timeout=10_000):
        window.aged_balances_page.customer_chosen.emit(garnier)
    assert window.current_page == "workspace"
    # A case (or an activity's customer) opens the Collections page on that customer.
    with qtbot.waitSignal(window.collections_page.loaded, timeout=10_000) as shown:
        window.cases_page.collections_requested.emit(garnier, None)
    assert window.current_page == "collections"
    assert shown.args[0].customer.name == "Garnier SA"
    assert window.collections_page.isVisible()
    assert window.status_label.text().startswith("C-000002 Garnier SA · 0 cases · ")


def test_the_reports_menu_opens_the_two_customer_reports_in_the_explorer(
    qtbot, loaded_window
) -> None:
    menu = [action.text() for action in loaded_window.reports_menu.actions()]
    assert menu == [
        "Customer &register",
        "Customers &without action",
        "",
        "&Action control",
        "&Collections by agent",
    ]
    page = loaded_window.customers_page
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        loaded_window.report_actions["without_action"].trigger()
    assert loaded_window.current_page == "customers"
    assert page.report_title() == "Customers without action since Oct 24, 2026"
    assert ("Without action since", "Oct 24, 2026") in page.report_filters()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        loaded_window.report_actions["register"].trigger()
    assert page.report_title() == "Customer register"


def test_the_list_pages_remember_their_columns_and_filters(
    qtbot, make_window, company, tmp_path
) -> None:
    settings = Settings(tmp_path / "settings.ini")
    first = make_window(company.database, settings)
    first.show()
    with qtbot.waitSignal(first.activities_page.loaded, timeout=10_000):
        first.show_page("activities")
    page = first.activities_page
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.status_filter.setCurrentIndex(page.status_filter.findText("Closed"))
    page.grid.view.horizontalHeader().resizeSection(3, 321)
    first.collections_page.vertical.setSizes([100, 400, 200])
    sizes = first.collections_page.vertical.sizes()
    first.close()

    second = make_window(company.database, Settings(settings.path))
    assert second.activities_page.status_filter.currentText() == "Closed"
    assert second.activities_page.grid.view.horizontalHeader().sectionSize(3) == 321
    assert second.collections_page.vertical.sizes() == sizes


def test_the_window_opens_on_the_overview_and_a_customer_opens_the_workspace(
    qtbot, make_window, company
) -> None:
    window = make_window(company.database)
    with overview_settled(qtbot, window):
        window.show()
    assert window.current_page == "overview"
    assert window.overview_page.isVisible()
    # The test login is no agent: every customer is shown, and the status bar says so.
    assert "is not a collections agent: every customer is shown" in window.status_label.text()
    login = window.viewer.user_name
    assert window.user_label.text() == f"Working as {login} (not an employee)"
    assert window.user_label.toolTip().startswith(f"No employee has the login name {login}")
    grid = window.overview_page.highest
    names = [grid.model.index(r, 1).data() for r in range(grid.model.rowCount())]
    assert names == ["Ruiz Hermanos SL", "Garnier SA", "Lopes & Filhos Lda"]
    with qtbot.waitSignal(window.workspace_page.loaded, timeout=10_000) as loaded:
        window.overview_page.customer_chosen.emit(
            grid.model.row(grid.model.index(1, 1)).customer_id
        )
    assert window.current_page == "workspace"
    assert window.workspace_page.isVisible()
    assert loaded.args[0].card.name == "Garnier SA"


def test_refresh_reads_the_figures_again(qtbot, loaded_window, company, clock) -> None:
    assert loaded_window.refresh_action.shortcut() == QKeySequence(Qt.Key.Key_F5)
    with company.database.sessions.begin() as session:
        customer = Customer(
            account="C-000004", name="Nord Bois SARL", currency="EUR", updated_at=clock.now()
        )
        session.add(customer)
        session.flush()
        postings.post_invoice(
            session,
            customer_id=customer.id,
            amount=Decimal("1000000.00"),
            posting_date=dt.date(2026, 11, 23),
            now=clock.now(),
        )
    with qtbot.waitSignal(loaded_window.company_page.loaded, timeout=10_000):
        loaded_window.refresh_action.trigger()
    assert text_of(loaded_window, "customers_value") == "4"
    assert text_of(loaded_window, "balance_value") == "1,001,634.51\xa0EUR"
    assert "4 customers" in loaded_window.status_label.text()


def test_f5_refreshes_from_the_keyboard(qtbot, loaded_window) -> None:
    loaded_window.activateWindow()
    qtbot.waitActive(loaded_window)
    with qtbot.waitSignal(loaded_window.company_page.loaded, timeout=10_000):
        qtbot.keyClick(loaded_window, Qt.Key.Key_F5)
    assert text_of(loaded_window, "customers_value") == "3"


def test_open_database_asks_for_a_file_and_requests_it(qtbot, loaded_window, monkeypatch) -> None:
    asked: list[str] = []

    def choose(parent, caption, folder, filters):
        asked.append(filters)
        return "/data/other company.sqlite", filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(choose))
    with qtbot.waitSignal(loaded_window.open_database_requested) as blocker:
        loaded_window.open_action.trigger()
    assert blocker.args == ["/data/other company.sqlite"]
    assert "*.sqlite" in asked[0]
    assert loaded_window.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)


def test_a_database_without_a_company_says_so(qtbot, make_window, tmp_path) -> None:
    database = open_company(tmp_path / "empty.sqlite", clock=SystemClock())
    try:
        window = make_window(database)
        window.show_page("company")
        with qtbot.waitSignal(window.company_page.loaded, timeout=10_000):
            window.show()
        assert "This database holds no company yet." in text_of(window, "load_error")
        assert "press F5 to try again" in text_of(window, "company_hint")
        assert window.windowTitle() == "Collections Desktop"
        assert text_of(window, "customers_value") == "—"
        window.close()
    finally:
        database.dispose()


def test_an_empty_company_says_what_to_do(qtbot, make_window, sqlite_db) -> None:
    window = make_window(sqlite_db)
    window.show_page("company")
    with qtbot.waitSignal(window.company_page.loaded, timeout=10_000):
        window.show()
    assert text_of(window, "customers_value") == "0"
    assert text_of(window, "balance_value") == "0.00\xa0EUR"
    assert "no customers yet" in text_of(window, "company_hint")


def test_busy_indicator_appears_only_for_a_slow_load(qtbot, company, clock) -> None:
    from collections_desktop.models.company.setup import company_summary

    release = threading.Event()

    def slow(_state, as_of):
        release.wait(10)
        with company.database.sessions() as session:
            return company_summary(session, as_of)

    with company.database.sessions() as session:
        everyone = company_scope(session)
    runner = TaskRunner()
    page = CompanyPage(page_context(company.database, runner, everyone, None, clock), load=slow)
    qtbot.addWidget(page)
    page.show()
    busy_changes: list[bool] = []
    page.busy_changed.connect(busy_changes.append)
    try:
        page.refresh()
        assert not page.is_busy_shown  # not before the delay: no flash on a quick load
        qtbot.waitUntil(lambda: page.is_busy_shown, timeout=BUSY_DELAY_MS * 20)
        assert page.busy.bar.isVisible()
        assert page.busy.label.text() == "Loading the company's figures…"
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            release.set()
        assert not page.is_busy_shown
        assert page.customers.value.text() == "3"
        assert busy_changes == [True, False]
        # A quick load (the loader no longer waits) never shows it.
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            page.refresh()
        assert busy_changes == [True, False]
    finally:
        release.set()
        runner.shutdown()


def test_window_size_is_remembered_between_runs(qtbot, make_window, company, profile) -> None:
    settings = Settings()
    assert settings.path.is_relative_to(profile)  # the test's own settings folder
    first = make_window(company.database, settings)
    first.show()
    qtbot.waitExposed(first)
    first.resize(760, 560)
    first.close()
    assert not Settings(settings.path).get(WINDOW_GEOMETRY).isEmpty()

    second = make_window(company.database, Settings(settings.path))
    second.show()
    qtbot.waitExposed(second)
    assert second.size() == QSize(760, 560)


def test_without_settings_the_window_opens_at_the_default_size(make_window, company) -> None:
    window = make_window(company.database)
    assert window.size() == QSize(1280, 800)


def test_about_dialog_shows_version_licence_and_database(qtbot, loaded_window, company) -> None:
    loaded_window.about_action.trigger()
    dialog = loaded_window.findChild(AboutDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "About Collections Desktop"
    assert dialog.version.text() == f"Version {__version__}"
    assert "GPL-3.0-or-later" in dialog.facts["licence"].text()
    assert "PySide6" in dialog.facts["qt"].text()
    assert dialog.facts["database"].text() == company.database.display_name
    dialog.reject()
    qtbot.waitUntil(lambda: loaded_window.findChild(AboutDialog) is None)


def test_closing_the_window_stops_its_workers(qtbot, loaded_window) -> None:
    loaded_window.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("collections-")]
    assert QApplication.instance() is not None


def test_the_workspace_buttons_reach_the_systems_url_handlers(
    qtbot, make_window, company, tmp_path
) -> None:
    """In the app the e-mail and call buttons go through QDesktopServices: catch its handlers."""
    from PySide6.QtCore import QObject, QUrl, Slot
    from PySide6.QtGui import QDesktopServices

    from collections_desktop.models.db.schema import Contact
    from collections_desktop.views.settings import CALL_METHOD

    with company.database.sessions.begin() as session:
        ruiz = session.query(Customer).filter_by(account="C-000001").one()
        contact = Contact(
            customer_id=ruiz.id,
            name="Ana Ruiz",
            email="ana@ruiz.example",
            phone="+34 91 555 0101",
            updated_at=ruiz.updated_at,
        )
        session.add(contact)
        session.flush()
        ruiz.collections_contact_id = contact.id
        customer_id = ruiz.id

    class Catcher(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[str] = []

        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            self.urls.append(url.toString())

    catcher = Catcher()
    for scheme in ("mailto", "tel", "https"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    try:
        settings = Settings(tmp_path / "settings.ini")
        window = make_window(company.database, settings)
        window.show()
        with qtbot.waitSignal(window.workspace_page.loaded, timeout=10_000):
            window.show_customer(customer_id)
        window.workspace_page.contacts.email_button.click()
        window.workspace_page.contacts.call_button.click()
        settings.set(CALL_METHOD, "teams")
        window.workspace_page.contacts.call_button.click()
    finally:
        for scheme in ("mailto", "tel", "https"):
            QDesktopServices.unsetUrlHandler(scheme)
    assert catcher.urls == [
        "mailto:ana@ruiz.example",
        "tel:+34915550101",
        "https://teams.microsoft.com/l/call/0/0?users=4:+34915550101",
    ]


def test_the_status_bar_says_whom_the_app_works_as(qtbot, make_window, company) -> None:
    with company.database.sessions.begin() as session:
        admin = add_first_user(session, "Marta Gil", "mgil", NOW)
        save_user(session, None, 0, UserValues("Pablo Ruiz", "pruiz"), by=admin, now=NOW)
    administrator = make_window(company.database, user_name="mgil")
    assert administrator.user_label.text() == "Working as Marta Gil · administrator"
    assert administrator.user_label.toolTip() == (
        "You work as the employee whose login name is mgil. As an administrator you may "
        "change the company's set-up."
    )
    clerk = make_window(company.database, user_name="pruiz")
    assert clerk.user_label.text() == "Working as Pablo Ruiz"
    assert "Only an administrator may change" in clerk.user_label.toolTip()
