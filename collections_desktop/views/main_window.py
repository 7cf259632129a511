"""The main window: navigation on the left, the current page on the right, menus, status bar.

The collector lands on the Overview; choosing a customer there (or in Aged balances or
Activities) opens the Workspace on it, and a case opens the Collections page of its
customer. The list pages read their data the first time they come on screen, so the
start reads only the Overview and the Company page. Ctrl+1 … Ctrl+8 reach the pages in
navigation order. Sections not built yet are listed disabled with a tooltip, never
filled with made-up data. The window works as one ``Viewer`` (an agent's scope, or the
whole company for a user who is not an agent, which the status bar says), remembers its
geometry, splitters, columns and pools between runs, and shuts its task runner down
when it closes, so no worker outlives it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QWidget,
)
from sqlalchemy.engine import URL, make_url

from collections_desktop import APP_NAME
from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.clock import Clock
from collections_desktop.models.company.setup import CompanySummary
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import Viewer
from collections_desktop.views.about import AboutDialog
from collections_desktop.views.actions.bank_import import BankImport
from collections_desktop.views.actions.customer_record import CustomerRecordActions
from collections_desktop.views.actions.importing import ImportReceivables
from collections_desktop.views.actions.mailing import show_outbox
from collections_desktop.views.actions.statement_mailing import MonthStatements
from collections_desktop.views.actions.work_offline import WorkOffline
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.preferences import PreferencesDialog
from collections_desktop.views.guide import GuideDialog
from collections_desktop.views.icons import IconRegistry, muted_colour
from collections_desktop.views.pages.activities_page import ActivitiesPage
from collections_desktop.views.pages.aged_balances_page import AgedBalancesPage
from collections_desktop.views.pages.agency_page import AgencyPage, agency_role
from collections_desktop.views.pages.bank_page import BankPage
from collections_desktop.views.pages.base import Page
from collections_desktop.views.pages.cases_page import CasesPage
from collections_desktop.views.pages.collections_page import CollectionsPage
from collections_desktop.views.pages.company_page import CompanyPage
from collections_desktop.views.pages.conflicts_page import ConflictsPage
from collections_desktop.views.pages.customers_page import CustomersPage
from collections_desktop.views.pages.overview_page import OverviewPage
from collections_desktop.views.pages.payments_page import PaymentsPage
from collections_desktop.views.pages.pending_documents_page import PendingDocumentsPage
from collections_desktop.views.pages.reports_page import (
    ACTION_CONTROL,
    COLLECTIONS_BY_AGENT,
    ReportsPage,
)
from collections_desktop.views.pages.setup_page import SetupPage
from collections_desktop.views.pages.workspace_page import WorkspacePage
from collections_desktop.views.settings import (
    SYNC_INTERVAL,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    Settings,
    forget_databases,
    read_page_state,
    recent_databases,
    write_page_state,
)
from collections_desktop.views.sync_control import SyncBackend, SyncControl
from collections_desktop.views.tasks import TaskRunner
from collections_desktop.views.widgets.sync_status import SyncStatusBar

PAGE_KEY_ROLE = Qt.ItemDataRole.UserRole
SHORTCUT_PAGES = 9
"""Pages reached with Ctrl+1 … Ctrl+9, in navigation order; the others by the Go menu."""

DEFAULT_SIZE = QSize(1280, 800)
PAGE_TYPES: tuple[type[Page], ...] = (
    OverviewPage,
    WorkspacePage,
    CustomersPage,
    AgedBalancesPage,
    ActivitiesPage,
    CasesPage,
    CollectionsPage,
    CompanyPage,
    SetupPage,
    PaymentsPage,
    PendingDocumentsPage,
    ReportsPage,
    BankPage,
    AgencyPage,
)
"""The built pages, in navigation and stack order; the first is where the window opens."""
PAGES = tuple(kind.key for kind in PAGE_TYPES)
REPLICA_PAGE_TYPES: tuple[type[Page], ...] = (ConflictsPage,)
"""The pages added after those on an offline replica (nowhere else can a change conflict)."""


class MainWindow(QMainWindow):
    """The application window for one open database."""

    open_database_requested = Signal(str)
    preferences_changed = Signal()
    """The user chose another language or date style: the shell opens the window again."""
    """The user chose a database file to open instead of this one (its path)."""
    new_company_requested = Signal()
    """File ▸ New company…: the app asks what company to create, then opens it."""

    def __init__(
        self,
        *,
        database: Database,
        clock: Clock,
        runner: TaskRunner,
        icons: IconRegistry,
        formats: Formats,
        viewer: Viewer,
        settings: Settings | None = None,
        replica: Any = None,
        sync_backend: SyncBackend | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.database = database
        self.viewer = viewer
        self.runner = runner
        self._clock = clock
        self._icons = icons
        self._formats = formats
        self._settings = settings
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icons.get("app"))

        self.context = context = PageContext(
            database=database,
            runner=runner,
            viewer=viewer,
            clock=clock,
            formats=formats,
            icons=icons,
            settings=settings,
            replica=replica is not None,
        )
        self.overview_page = OverviewPage(context)
        self.workspace_page = WorkspacePage(context)
        self.customers_page = CustomersPage(context)
        self.aged_balances_page = AgedBalancesPage(context)
        self.activities_page = ActivitiesPage(context)
        self.cases_page = CasesPage(context)
        self.collections_page = CollectionsPage(context)
        self.company_page = CompanyPage(context)
        self.setup_page = SetupPage(context)
        self.pending_documents_page = PendingDocumentsPage(context)
        self.payments_page = PaymentsPage(context)
        self.reports_page = ReportsPage(context)
        self.bank_page = BankPage(context)
        self.agency_page = AgencyPage(context)
        self.page_list: tuple[Page, ...] = (
            self.overview_page,
            self.workspace_page,
            self.customers_page,
            self.aged_balances_page,
            self.activities_page,
            self.cases_page,
            self.collections_page,
            self.company_page,
            self.setup_page,
            self.payments_page,
            self.pending_documents_page,
            self.reports_page,
            self.bank_page,
            self.agency_page,
        )
        assert tuple(page.key for page in self.page_list) == PAGES
        self._sync_backend = sync_backend
        self.replica = replica
        self.import_controller: ImportReceivables | None = None
        self._month_statements: MonthStatements | None = None
        """The guided import opened last (File ▸ Import receivables…)."""
        """The replica's status when the database is an offline replica, else None."""
        self.conflicts_page: ConflictsPage | None = None
        if replica is not None:
            self.conflicts_page = ConflictsPage(context, self.sync_backend)
            self.page_list += (self.conflicts_page,)
        self.page_keys = tuple(page.key for page in self.page_list)
        """The keys of the pages shown, in navigation order (``PAGES`` and the replica's)."""
        self.page_widgets: dict[str, Page] = {page.key: page for page in self.page_list}
        self.pages = QStackedWidget()
        for key in self.page_keys:
            # Pages scroll rather than squeeze (or hold the window wide) when it is small.
            scroller = QScrollArea()
            scroller.setObjectName(f"{key}_scroller")
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setWidget(self.page_widgets[key])
            self.pages.addWidget(scroller)
        self._statuses = dict.fromkeys(self.page_keys, "")
        self.navigation = self._build_navigation()

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.VLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(rule)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self._build_menus()
        # The start page's "Start with": the window's own actions, with their shortcuts.
        starts = ("overview", "workspace", "activities", "collections")
        self.company_page.offer_commands(
            [*(self.page_actions[key] for key in starts), self.import_action, self.sync_action]
        )
        self.status_label = QLabel()
        self.status_label.setObjectName("status_summary")
        self.statusBar().addWidget(self.status_label, 1)
        self.user_label = QLabel(working_as(self.viewer))
        self.user_label.setObjectName("working_as")
        self.user_label.setToolTip(working_as_tip(self.viewer))
        self.statusBar().addPermanentWidget(self.user_label)
        self.sync_control: SyncControl | None = None
        self.sync_status: SyncStatusBar | None = None
        if replica is not None:
            self._build_sync(replica)
        self._loading_message = _("Reading the company's figures…")

        for page in self.page_list:
            page.busy_changed.connect(self._on_busy_changed)
            page.status_changed.connect(partial(self._set_status, page.key))
            page.customer_chosen.connect(self.show_customer)
            page.collections_requested.connect(self.show_collections)
            page.record_requested.connect(self.show_record)
        self.record_actions = CustomerRecordActions(context, self)
        """The customer record dialog, opened by any page's Account link."""
        self.record_actions.changed.connect(self._record_saved)
        self.record_actions.refused.connect(lambda text: self.announce(text))
        self.company_page.loaded.connect(self._on_company_loaded)
        self.workspace_page.document_activated.connect(self._open_document)
        self.bank_import = BankImport(context, self)
        """File ▸ Import bank statement… and files dropped on the window."""
        self.bank_import.progressed.connect(lambda text: self.announce(text, 0))
        self.bank_import.imported.connect(self._bank_imported)
        self.bank_page.import_requested.connect(self.choose_bank_files)
        self.agency_role = agency_role(database, viewer.employee_id)
        """The viewer's place on the agency's staff (None: not agency staff)."""
        self.setAcceptDrops(not self.database.read_only)

        self._restore_geometry()
        # The landing page reads at once; the company's figures are a long read that
        # waits on its own lane, so it never holds the Overview up. Agency staff land on
        # the agency desk, everyone else on the Overview.
        self.landing_page = "agency" if self.agency_role is not None else "overview"
        if self.landing_page == "agency":
            self.show_page("agency")
        else:
            self.overview_page.refresh()
        self.company_page.refresh()

    # --- public ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the current page's data again (F5)."""
        self.page_widgets[self.current_page].refresh()

    @property
    def current_page(self) -> str:
        """The key of the page on show (one of ``PAGES``)."""
        return self.page_keys[self.pages.currentIndex()]

    def show_page(self, key: str) -> None:
        """Bring a built page to the front, as choosing it in the navigation does."""
        self.navigation.setCurrentRow(self.page_keys.index(key))

    def show_report(self, key: str) -> None:
        """Reports ▸ Action control or Collections by agent: the Reports page on it."""
        self.reports_page.show_report(key)
        self.show_page("reports")

    def show_customer_report(self, preset: str) -> None:
        """Reports ▸ Customer register or Customers without action: the customer explorer
        showing that report (its title and filters head its exports)."""
        self.show_page("customers")
        self.customers_page.show_preset(preset)

    def show_customer(self, customer_id: uuid.UUID) -> None:
        """Open the Workspace on a customer (a name chosen on the Overview or a list)."""
        self.show_page("workspace")
        self.workspace_page.show_customer(customer_id)

    def create_month_invoices(self) -> None:
        """Billing ▸ Create this month's invoices: the month's pending invoices, then the
        Pending documents page on this month, with what was made in the status bar."""
        page = self.pending_documents_page
        first = self._clock.today().replace(day=1)
        page.set_dates(first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        self.show_page("pending_documents")
        page.actions_.run_month()

    def show_record(self, customer_id: uuid.UUID) -> None:
        """Open a customer's record (an account chosen on any page)."""
        self.record_actions.open(customer_id)

    def _record_saved(self, note: str) -> None:
        """A record was saved: say so, and read the page on show again (its figures)."""
        self.announce(note)
        page = self.page_widgets[self.current_page]
        if page.started:
            page.refresh()

    def show_collections(self, customer_id: uuid.UUID, case_id: uuid.UUID | None = None) -> None:
        """Open the Collections page on a customer, filtered by ``case_id`` when given."""
        self.show_page("collections")
        self.collections_page.show_customer(customer_id, case_id)

    @property
    def sync_backend(self) -> SyncBackend:
        """The models' sync functions (the real ones unless the window was given others)."""
        if self._sync_backend is None:
            self._sync_backend = SyncBackend.real()
        return self._sync_backend

    def sync_now(self) -> None:
        """Sync the replica now (F9); nothing on a database that is not a replica."""
        if self.sync_control is not None:
            self.sync_control.sync_now()

    def work_offline(self) -> WorkOffline:
        """File ▸ Work offline…: the dialog that makes a replica, which then opens."""
        action = WorkOffline(self.context, self.sync_backend, self)
        action.created.connect(lambda path: self.open_database_requested.emit(str(path)))
        action.announced.connect(lambda text: self.announce(text, 0))
        self.work_offline_controller = action
        action.start(**self._team_database())
        return action

    def import_receivables(self, path: str | Path | None = None) -> ImportReceivables:
        """File ▸ Import receivables…: the guided import (modeless); the pages read again
        once it is committed."""
        action = ImportReceivables(self.context, self)
        action.announced.connect(lambda text: self.announce(text, 0))
        action.imported.connect(lambda _result: self.refresh())
        action.imported.connect(lambda _result: self.company_page.refresh())
        self.import_controller = action
        action.start(path)
        return action

    def import_case_files(self) -> QWidget | None:
        """File ▸ Import case files…: the agency desk, then the import's dialog."""
        self.show_page("agency")
        return self.agency_page.import_case_files()

    def import_bank_files(self, paths: list[str] | list[Path]) -> BankImport:
        """Read and store bank statement files one by one (File ▸ Import bank statement…,
        or files dropped on the window); the Bank reconciliation page then shows them."""
        self.bank_import.start(paths)
        return self.bank_import

    def choose_bank_files(self) -> None:
        """File ▸ Import bank statement…: choose one or more files (any name: some banks'
        files have no extension)."""
        paths, _filter = QFileDialog.getOpenFileNames(
            self,
            _("Import bank statements"),
            "",
            ";;".join(
                (
                    _("All files (*)"),
                    _("camt and OFX (*.xml *.ofx *.qfx)"),
                    _("MT940 (*.sta *.940 *.txt *.mt940)"),
                    _("CSV (*.csv *.txt)"),
                )
            ),
        )
        if paths:
            self.import_bank_files(paths)

    def _bank_imported(self, outcomes: list[Any]) -> None:
        self.show_page("bank")
        self.bank_page.show_view("open")
        self.bank_page.refresh()
        if self.company_page.started:
            self.company_page.refresh()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Files dragged over the window: offered to the bank import."""
        if self.acceptDrops() and _dropped_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """Files dropped on the window are imported as bank statements."""
        files = _dropped_files(event.mimeData())
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_bank_files(files)

    def _team_database(self) -> dict[str, str]:
        """The server and user to offer: the team database open now, or the replica's."""
        if self.replica is not None:
            url = make_url(self.replica.server)
        elif self.database.url.get_backend_name() == "postgresql":
            url = self.database.url
        else:
            return {}
        server = URL.create("postgresql", host=url.host, port=url.port, database=url.database)
        return {"server": server.render_as_string(), "user": url.username or ""}

    def announce(self, message: str, timeout_ms: int = 15000) -> None:
        """Show a passing message in the status bar (e.g. "Demo company created")."""
        self.statusBar().showMessage(message, timeout_ms)

    def show_preferences(self) -> PreferencesDialog:
        """Open Edit ▸ Preferences (window-modal); a new language or date style, once
        stored, asks for the window to open again in it (``preferences_changed``)."""
        assert self._settings is not None
        dialog = PreferencesDialog(self._settings, self._formats, self._clock.today(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.changed_display:
                self.preferences_changed.emit()

        dialog.finished.connect(done)
        dialog.open()
        return dialog

    @property
    def month_statements(self) -> MonthStatements:
        """Last month's statements by e-mail (made on first use: building the window
        reads nothing for them; ``app.Shell`` starts the check at the start)."""
        if self._month_statements is None:
            self._month_statements = MonthStatements(self.context, self)
        return self._month_statements

    def check_month_statements(self, *, at_start: bool = False) -> MonthStatements:
        """Billing ▸ Send last month's statements… (and the check at the start): where
        they stand, and Send now when some are left."""
        controller = self.month_statements
        controller.check(at_start=at_start)
        return controller

    def show_outbox(self) -> QWidget:
        """File ▸ Outbox…: the template e-mails queued and sent from this computer."""
        return show_outbox(self.context, self)

    def show_guide(self) -> GuideDialog:
        """Open Help ▸ User guide (modeless) in the interface language."""
        dialog = GuideDialog(self._icons, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_about(self) -> AboutDialog:
        """Open the About dialog (modeless, so the window stays usable)."""
        dialog = AboutDialog(
            icons=self._icons, database_location=self.database.display_name, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # --- building ------------------------------------------------------------------------

    def _build_sync(self, replica: Any) -> None:
        """The replica's status bar, its sync control and the automatic sync."""
        interval = self._settings.get(SYNC_INTERVAL) if self._settings is not None else 0
        control = SyncControl(
            self.context,
            self.sync_backend,
            replica,
            parent_widget=self,
            interval_minutes=interval,
        )
        status = SyncStatusBar(self._formats, self._icons)
        status.show_figures(replica, self._clock.now())
        self.statusBar().addPermanentWidget(status)
        status.sync_requested.connect(self.sync_now)
        status.cancel_requested.connect(control.cancel)
        status.conflicts_requested.connect(lambda: self.show_page("conflicts"))
        control.status_read.connect(lambda figures: status.show_figures(figures, self._clock.now()))
        control.started.connect(lambda: status.show_running(True))
        control.progressed.connect(status.show_progress)
        control.finished.connect(self._sync_finished)
        control.synced.connect(self._synced)
        self.sync_control, self.sync_status = control, status

    def _build_navigation(self) -> QListWidget:
        navigation = QListWidget()
        navigation.setObjectName("navigation")
        navigation.setFrameShape(QFrame.Shape.NoFrame)
        navigation.setIconSize(QSize(20, 20))
        navigation.setFixedWidth(200)
        navigation.setSpacing(1)
        # Unbuilt sections are disabled, but must stay legible: they show what is coming.
        palette = navigation.palette()
        palette.setColor(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, muted_colour(palette, 0.55)
        )
        navigation.setPalette(palette)
        # No dotted focus frame inside the selected entry; the selection already shows it.
        navigation.setStyleSheet(
            "QListWidget { outline: 0; } QListWidget::item { padding: 6px 8px; }"
        )
        for number, page in enumerate(self.page_list, start=1):
            item = QListWidgetItem(self._icons.get(page.icon or page.key), _(page.title))
            item.setData(PAGE_KEY_ROLE, page.key)
            item.setToolTip(
                _("{tip} (Ctrl+{number})").format(tip=_(page.description), number=number)
                if number <= SHORTCUT_PAGES
                else _(page.description)
            )
            navigation.addItem(item)
        navigation.setCurrentRow(0)
        navigation.currentRowChanged.connect(self._on_page_chosen)
        return navigation

    def _build_actions(self) -> None:
        self.new_company_action = QAction(self._icons.get("new_company"), _("&New company…"), self)
        self.new_company_action.setStatusTip(
            _("Create a company in a new database file, and open it")
        )
        self.new_company_action.triggered.connect(self.new_company_requested.emit)
        self.open_action = QAction(self._icons.get("open_database"), _("&Open…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip(_("Open another Collections Desktop database file"))
        self.open_action.triggered.connect(self._choose_database)
        self.import_action = QAction(self._icons.get("import"), _("&Import receivables…"), self)
        self.import_action.setStatusTip(
            _("Import customers, invoices and credit notes from a CSV or Excel file")
        )
        self.import_action.setEnabled(not self.database.read_only and self.replica is None)
        self.import_action.triggered.connect(lambda: self.import_receivables())
        self.bank_import_action = QAction(
            self._icons.get("bank"), _("Import &bank statement…"), self
        )
        self.bank_import_action.setObjectName("bank_import_action")
        self.bank_import_action.setStatusTip(
            _("Read bank statement files (camt, MT940, OFX, CSV) for the Bank reconciliation")
        )
        self.bank_import_action.setEnabled(not self.database.read_only)
        self.bank_import_action.triggered.connect(self.choose_bank_files)
        self.agency_import_action = QAction(
            self._icons.get("agency_case_files"), _("Import &case files…"), self
        )
        self.agency_import_action.setObjectName("agency_import_action")
        self.agency_import_action.setStatusTip(
            _("Import the case files a client assigned to the agency, from a CSV or Excel file")
        )
        self.agency_import_action.setEnabled(not self.database.read_only and self.replica is None)
        self.agency_import_action.triggered.connect(lambda: self.import_case_files())
        self.outbox_action = QAction(self._icons.get("email"), _("Out&box…"), self)
        self.outbox_action.setStatusTip(
            _("The template e-mails queued and sent from this computer, their errors, retry")
        )
        self.outbox_action.triggered.connect(self.show_outbox)

        self.work_offline_action = QAction(
            self._icons.get("work_offline"), _("&Work offline…"), self
        )
        self.work_offline_action.setStatusTip(
            _("Copy your customers from the team database to this computer, to work offline")
        )
        self.work_offline_action.triggered.connect(lambda: self.work_offline())
        self.sync_action = QAction(self._icons.get("sync"), _("&Sync now"), self)
        self.sync_action.setShortcut(QKeySequence(Qt.Key.Key_F9))
        self.sync_action.setStatusTip(
            _("Send your changes to the team database and fetch the team's")
        )
        self.sync_action.setVisible(self.replica is not None)
        self.sync_action.triggered.connect(self.sync_now)

        self.quit_action = QAction(self._icons.get("quit"), _("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)

        self.refresh_action = QAction(self._icons.get("refresh"), _("&Refresh"), self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.setStatusTip(_("Read the figures again from the database"))
        self.refresh_action.triggered.connect(self.refresh)

        # Ctrl+1 … Ctrl+9: the first nine pages; the others by the Go menu.
        self.page_actions: dict[str, QAction] = {}
        for number, key in enumerate(self.page_keys, start=1):
            item = self.navigation.item(number - 1)
            action = QAction(item.icon(), item.text(), self)
            if number <= SHORTCUT_PAGES:
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setStatusTip(item.toolTip())
            action.triggered.connect(partial(self.show_page, key))
            self.page_actions[key] = action
            self.addAction(action)
        if self.page_keys.index("agency") >= SHORTCUT_PAGES:  # the agency desk: Ctrl+0
            self.page_actions["agency"].setShortcut(QKeySequence("Ctrl+0"))
            item = self.navigation.item(self.page_keys.index("agency"))
            item.setToolTip(_("{tip} (Ctrl+0)").format(tip=item.toolTip()))

        self.about_action = QAction(
            self._icons.get("about"), _("&About {app}").format(app=APP_NAME), self
        )
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)

        self.preferences_action = QAction(self._icons.get("preferences"), _("&Preferences…"), self)
        self.preferences_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.preferences_action.setStatusTip(
            _("Choose the interface language, how to call a customer and how dates are written")
        )
        self.preferences_action.setEnabled(self._settings is not None)
        self.preferences_action.triggered.connect(self.show_preferences)

        # Billing: a month's recurring invoices, then the page where they are issued.
        self.billing_run_action = QAction(
            self._icons.get("invoice"), _("&Create this month's invoices"), self
        )
        self.billing_run_action.setStatusTip(
            _("Make this month's pending invoices from the customers' recurring billing")
        )
        self.billing_run_action.setEnabled(not self.database.read_only)
        self.billing_run_action.triggered.connect(self.create_month_invoices)
        self.month_statements_action = QAction(
            self._icons.get("email"), _("Send last month's &statements…"), self
        )
        self.month_statements_action.setObjectName("month_statements_action")
        self.month_statements_action.setStatusTip(
            _(
                "E-mail last month's account statement to every customer with an open "
                "balance at its end, once per customer"
            )
        )
        self.month_statements_action.setEnabled(not self.database.read_only)
        self.month_statements_action.triggered.connect(lambda: self.check_month_statements())

        self.guide_action = QAction(self._icons.get("guide"), _("User &guide"), self)
        self.guide_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.guide_action.setStatusTip(_("Read how to work with the app, in your language"))
        self.guide_action.triggered.connect(self.show_guide)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        file_menu.addAction(self.new_company_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu(self._icons.get("recent"), _("&Recent databases"))
        self.recent_menu.setObjectName("recent_menu")
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.bank_import_action)
        file_menu.addAction(self.agency_import_action)
        file_menu.addAction(self.outbox_action)
        file_menu.addSeparator()
        file_menu.addAction(self.work_offline_action)
        file_menu.addAction(self.sync_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu(_("&Edit"))
        edit_menu.addAction(self.preferences_action)
        view_menu = bar.addMenu(_("&View"))
        view_menu.addAction(self.refresh_action)
        go_menu = bar.addMenu(_("&Go"))
        for action in self.page_actions.values():
            go_menu.addAction(action)
        billing_menu = bar.addMenu(_("&Billing"))
        billing_menu.setObjectName("billing_menu")
        billing_menu.addAction(self.billing_run_action)
        billing_menu.addAction(self.page_actions["pending_documents"])
        billing_menu.addSeparator()
        billing_menu.addAction(self.month_statements_action)
        self.reports_menu = bar.addMenu(_("&Reports"))
        self.reports_menu.setObjectName("reports_menu")
        self.report_actions: dict[str, QAction] = {}
        for preset, text, tip in (
            (
                "register",
                _("Customer &register"),
                _("Every customer with balance, past due, last action and responsible"),
            ),
            (
                "without_action",
                _("Customers &without action"),
                _("The customers no one has contacted in the last 30 days"),
            ),
        ):
            action = self.reports_menu.addAction(self._icons.get("customers"), text)
            action.setStatusTip(tip)
            action.triggered.connect(partial(self.show_customer_report, preset))
            self.report_actions[preset] = action
        self.reports_menu.addSeparator()
        for key, text, tip in (
            (
                ACTION_CONTROL,
                _("&Action control"),
                _("The actions taken in a period, customers by their oldest open item"),
            ),
            (
                COLLECTIONS_BY_AGENT,
                _("&Collections by agent"),
                _("Records, promises and amounts collected per agent in a period"),
            ),
        ):
            action = self.reports_menu.addAction(self._icons.get("reports"), text)
            action.setStatusTip(tip)
            action.triggered.connect(partial(self.show_report, key))
            self.report_actions[key] = action
        help_menu = bar.addMenu(_("&Help"))
        help_menu.addAction(self.guide_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    # --- behaviour -----------------------------------------------------------------------

    def _on_page_chosen(self, row: int) -> None:
        if 0 <= row < len(self.page_keys):
            self.pages.setCurrentIndex(row)
            self.page_widgets[self.page_keys[row]].activate()  # a page reads when first shown
            self._show_status()

    def _set_status(self, page: str, text: str) -> None:
        self._statuses[page] = text
        self._show_status()

    def _show_status(self) -> None:
        text = self._statuses[self.current_page]
        if not self.viewer.is_agent and self.current_page not in ("company", "agency"):
            note = _("{user} is not a collections agent: every customer is shown").format(
                user=self.viewer.display_name
            )
            text = f"{text} · {note}" if text else note
        self.status_label.setText(text)

    def _open_document(self, kind: str, document_id: uuid.UUID) -> None:
        """A timeline entry was activated: show what it stands for."""
        if kind == "activity":
            self.overview_page.open_activity(document_id)
        elif kind == "letter":
            self.workspace_page.transaction_actions.reprint_letter(document_id)
        elif not self.workspace_page.show_transaction(document_id):
            self.announce(_("That transaction is settled: nothing of it is open."), 5000)

    def fill_recent_menu(self) -> None:
        """The last databases opened, newest first; files that are gone are taken off the
        list, and the status bar says so."""
        menu = self.recent_menu
        menu.clear()
        settings = self._settings
        entries = recent_databases(settings) if settings is not None else []
        gone = [entry for entry in entries if "://" not in entry and not Path(entry).exists()]
        if gone and settings is not None:
            forget_databases(settings, gone)
            self.announce(
                ngettext(
                    "Taken off the recent databases, the file is gone: {files}",
                    "Taken off the recent databases, the files are gone: {files}",
                    len(gone),
                ).format(files=", ".join(gone)),
                0,
            )
        shown = [entry for entry in entries if entry not in gone]
        for number, entry in enumerate(shown, start=1):
            action = menu.addAction(f"&{number} {entry}")
            action.setData(entry)
            action.triggered.connect(partial(self.open_database_requested.emit, entry))
        if not shown:
            empty = menu.addAction(_("No database opened yet"))
            empty.setEnabled(False)

    def _choose_database(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Open database"),
            str(Path(self.database.display_name).parent),
            _("Collections Desktop databases (*.sqlite *.db);;All files (*)"),
        )
        if path:
            self.open_database_requested.emit(path)

    def _sync_finished(self) -> None:
        control, status = self.sync_control, self.sync_status
        assert control is not None
        assert status is not None
        status.show_running(False)
        status.show_connection(control.online, control.message)

    def _synced(self, report: Any) -> None:
        """A sync worked: the page on show (and the Conflicts page, if read) read again."""
        self.refresh()
        page = self.conflicts_page
        if page is not None and page.started and self.current_page != "conflicts":
            page.refresh()
        text = _("Synced: {pushed} sent, {pulled} received").format(
            pushed=self._formats.count(report.pushed), pulled=self._formats.count(report.pulled)
        )
        if report.conflicts:
            text += " · " + _("{count} refused: see Conflicts").format(
                count=self._formats.count(report.conflicts)
            )
        self.announce(text)

    def _on_busy_changed(self, busy: bool) -> None:
        if busy:
            # An announcement (e.g. a new demo company) is not replaced by "reading…".
            if not self.statusBar().currentMessage():
                self.statusBar().showMessage(self._loading_message)
        else:
            self._clear_loading_message()

    def _on_company_loaded(self, summary: CompanySummary | None) -> None:
        # The page's status names the company and the database; the title names the company.
        self.setWindowTitle(APP_NAME if summary is None else f"{APP_NAME} — {summary.company_name}")
        self._clear_loading_message()

    def _clear_loading_message(self) -> None:
        # Only our own "reading…" message: an announcement (e.g. a new demo company) stays.
        if self.statusBar().currentMessage() == self._loading_message:
            self.statusBar().clearMessage()

    def _restore_geometry(self) -> None:
        if self._settings is None:
            self.resize(DEFAULT_SIZE)
            return
        geometry = self._settings.get(WINDOW_GEOMETRY)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(DEFAULT_SIZE)
        state = self._settings.get(WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        for page in self.page_list:
            page.restore_state(read_page_state(self._settings, page.key))

    def save_state(self) -> None:
        """Keep the geometry and the pages' state in the settings (when there are any)."""
        if self._settings is not None:
            self._settings.set(WINDOW_GEOMETRY, self.saveGeometry())
            self._settings.set(WINDOW_STATE, self.saveState())
            for page in self.page_list:
                write_page_state(self._settings, page.key, page.save_state())
            self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the geometry and stop the background work before the window goes away."""
        self.save_state()
        if self.sync_control is not None:
            self.sync_control.stop()
        self.runner.shutdown()
        super().closeEvent(event)


def _dropped_files(mime: QMimeData) -> list[str]:
    """The local files among what is dragged (nothing else is imported)."""
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]


def working_as(viewer: Viewer) -> str:
    """Whom the app works as, for the status bar: the employee and their role."""
    if viewer.employee_id is None:
        return _("Working as {login} (not an employee)").format(login=viewer.user_name)
    if viewer.may_change_setup:
        return _("Working as {name} · administrator").format(name=viewer.display_name)
    return _("Working as {name}").format(name=viewer.display_name)


def working_as_tip(viewer: Viewer) -> str:
    """What the status bar's user means and how it is chosen."""
    if viewer.employee_id is None:
        return _(
            "No employee has the login name {login}: you see the whole company but have no "
            "activities of your own. An administrator can add you in Set-up ▸ Users."
        ).format(login=viewer.user_name)
    role = (
        _("As an administrator you may change the company's set-up.")
        if viewer.may_change_setup
        else _("Only an administrator may change the company's set-up.")
    )
    return _("You work as the employee whose login name is {login}. {role}").format(
        login=viewer.user_name, role=role
    )
