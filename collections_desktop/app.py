"""The composition root: builds the application's objects and hands them down.

Nothing in ``views`` reaches for a global: the database, the clock, the settings, the task
runner, the icons and the formats are made here (or by a test, or by the screenshot
command, through ``build_main_window``) and passed through constructors.

``run_gui`` is what ``collections-desktop`` with no command runs: the ``QApplication``,
the language, the database (a demo company on the very first run), the window, the loop.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEventLoop,
    QLibraryInfo,
    QLocale,
    QObject,
    Qt,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from collections_desktop import APP_ID, APP_NAME, ORG_DOMAIN, ORG_NAME, __version__, paths
from collections_desktop.formatting import Formats
from collections_desktop.i18n import LANGUAGES, _, set_language
from collections_desktop.kernel.clock import Clock, SystemClock
from collections_desktop.models.actions.promises import PromiseEvaluation, evaluate_promises
from collections_desktop.models.company.first_run import unfinished_demo
from collections_desktop.models.company.new_file import NewCompany, create_company_database
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.connect import shown_url
from collections_desktop.models.db.database import Database, DatabaseOpenError
from collections_desktop.models.db.failures import MissingDatabaseError, describe
from collections_desktop.models.db.writing import LEDGER, write_transaction
from collections_desktop.models.people.scope import Viewer, load_viewer
from collections_desktop.models.people.users import hand_over_login, login_name
from collections_desktop.models.team.login import is_postgresql, is_team_database
from collections_desktop.views.dialogs import first_start
from collections_desktop.views.dialogs.first_start import FirstStartChoice, FirstStartDialog
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.main_window import MainWindow
from collections_desktop.views.operations import QueryOp, WriteOp, ignore
from collections_desktop.views.settings import (
    DATABASE,
    DATE_STYLE,
    LANGUAGE,
    Settings,
    remember_database,
)
from collections_desktop.views.sync_control import SyncBackend, read_replica
from collections_desktop.views.tasks import Lane, Task, TaskRunner, TaskState
from collections_desktop.views.team_login import log_in

if TYPE_CHECKING:
    from collections_desktop.demo.load import DemoStats

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

DEMO_CUSTOMERS = 2000
DEMO_SEED = 1


def build_main_window(
    database: Database,
    clock: Clock,
    settings: Settings | None = None,
    *,
    formats: Formats | None = None,
    icons: IconRegistry | None = None,
    user_name: str | None = None,
    sync_backend: SyncBackend | None = None,
) -> MainWindow:
    """The main window for an open database (the app, the screenshots and the tests use it).

    Without ``settings`` the window neither restores nor saves its geometry, so a
    screenshot or a test never touches the user's settings. The window works as the
    employee whose login name is ``user_name`` (default: the computer's login). It owns
    its task runner and shuts it down when it closes. First of all, on the database lane,
    the promises whose date and tolerance have passed are judged, so the Overview that
    loads next already lists the follow-up tasks of broken ones. On an offline replica the
    window adds the sync's status bar and the Conflicts page (``sync_backend``: the models'
    sync functions, the real ones by default).
    """
    # Read before any task starts: a database that fails here leaves no worker behind.
    viewer = read_viewer(database, user_name or login_name())
    sync_backend = sync_backend or SyncBackend.real()
    replica = read_replica(database, sync_backend)
    runner = TaskRunner()
    judged = judge_promises(runner, database, clock)
    window = MainWindow(
        database=database,
        clock=clock,
        runner=runner,
        icons=icons or IconRegistry(),
        formats=formats or system_formats(),
        viewer=viewer,
        settings=settings,
        replica=replica,
        sync_backend=sync_backend,
    )
    runner.setParent(window)
    judged.succeeded.connect(lambda result: _announce_promises(window, result))
    judged.failed.connect(
        lambda error: window.announce(
            _("The promises to pay could not be judged: {reason}").format(reason=error)
        )
    )
    return window


def _announce_promises(window: MainWindow, result: PromiseEvaluation) -> None:
    """Say what was judged after whatever the status bar says now (e.g. the demo's note)."""
    if result.evaluated:
        shown = window.statusBar().currentMessage()
        window.announce(f"{shown} · {result.describe()}" if shown else result.describe())


def judge_promises(runner: TaskRunner, database: Database, clock: Clock) -> Task:
    """Judge the promises due today (kept, partly kept, broken) in one transaction.

    The caller connects to the task: the window that announces the outcome is built
    while the promises are being judged.
    """
    return WriteOp(
        lambda session: evaluate_promises(session, clock.today(), clock.now()),
        ignore,
        "judge promises",
        run_lock=LEDGER,
        what=_("promises"),
    ).run(runner, database)


def read_viewer(database: Database, user_name: str) -> Viewer:
    """The viewer of ``user_name`` (a short query: the agent's pools, or the company's);
    on a team database, of the login (the server decides what it sees)."""
    with database.sessions() as session:
        if database.url.username and is_team_database(session):
            user_name = database.url.username
        return load_viewer(session, user_name)


def system_formats(settings: Settings | None = None) -> Formats:
    """The formats of the operating system's regional settings, dates in the user's style."""
    style = settings.get(DATE_STYLE) if settings is not None else DATE_STYLE.default
    return Formats.for_locale(QLocale.system().name(), style)


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The running ``QApplication``, created with the app's names if there is none yet."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([APP_ID, *(argv or ())])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORG_NAME)
    app.setOrganizationDomain(ORG_DOMAIN)
    app.setDesktopFileName(APP_ID)
    return app


# The QApplication made by ensure_application must outlive the call that made it: Qt allows
# one per process, and a second screenshot or letter run in the same process reuses it.
_headless_application: QApplication | None = None


def ensure_application() -> QApplication:
    """The running ``QApplication``, else a new one on the offscreen platform.

    For headless work that still needs Qt (screenshots, letter PDFs from the command line):
    without a screen a desktop session would flash the window, and a server without a
    display could not start Qt at all. ``QT_QPA_PLATFORM`` still wins where it is set.
    """
    global _headless_application
    existing = QApplication.instance()
    if existing is not None:
        assert isinstance(existing, QApplication)
        return existing
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _headless_application = create_application()
    return _headless_application


def choose_language(settings: Settings) -> str:
    """The language the user chose, else the system's if we have it, else English."""
    chosen = settings.get(LANGUAGE) or QLocale.system().name()
    base = chosen.split("_")[0].split("-")[0].lower()
    return chosen if base in LANGUAGES else "en"


def install_translations(app: QApplication, language: str) -> QTranslator | None:
    """Switch our text to ``language`` and load Qt's own strings for standard dialogs."""
    set_language(language)
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(language), "qtbase", "_", folder):
        app.installTranslator(translator)
        return translator
    return None  # English, or a Qt build without translations: Qt's English is right


def open_database_or_report(
    url: str | Path, parent: QWidget | None = None, *, clock: Clock
) -> Database | None:
    """Open ``url``, or tell the user why not (a critical dialog) and return ``None``.

    Only the first start creates a database (the demo company): a missing or empty file
    is refused. The app does not wait for the integrity check: writes go on while it
    runs and are refused once it finds damage (``Shell`` then says so). A team database
    is logged in to first (``views.team_login``), which may open the offline replica
    instead; ``None`` too when the user cancels the login.
    """
    try:
        password = None
        if is_postgresql(url):
            login = log_in(str(url), parent)
            if login is None:
                return None
            url, password = login.url, login.password
        return open_company(
            url, clock=clock, create=False, wait_for_integrity_check=False, password=password
        )
    except Exception as error:  # every failure to open is a message, never a traceback
        report_open_failure(url, error, parent)
        return None


def report_open_failure(url: str | Path, error: Exception, parent: QWidget | None) -> None:
    """Say in a critical dialog why ``url`` could not be opened."""
    shown = shown_url(url)
    if isinstance(error, DatabaseOpenError):
        log.warning("cannot open %s: %s", shown, error)
    else:
        log.exception("cannot open %s", shown)
    QMessageBox.critical(parent, _("Cannot open the database"), describe(error, shown))


def create_demo_company(
    path: Path, clock: Clock, formats: Formats, parent: QWidget | None = None
) -> DemoStats | None:
    """Write the demo company into the new file ``path``, with a progress dialog.

    Returns ``None`` (and leaves no file behind) when the user cancels or it fails; a
    failure is reported in a dialog.
    """
    from collections_desktop.demo.load import DemoError, write_demo_company

    dialog = QProgressDialog(
        _("Creating a demo company in {path}…").format(path=path), _("Cancel"), 0, 0, parent
    )
    dialog.setWindowTitle(APP_NAME)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    dialog.setMinimumWidth(460)
    today = clock.today()

    def work(state: TaskState) -> DemoStats:
        def progress(done: int, total: int, what: str) -> None:
            state.raise_if_cancelled()  # the demo writer stops at its next report
            state.progress(done, total, what)

        return write_demo_company(
            str(path),
            customers=DEMO_CUSTOMERS,
            seed=DEMO_SEED,
            today=today,
            progress=progress,
            payments=True,
        )

    def show_progress(done: int, total: int, what: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        step = _("{what}: {done} of {total} customers").format(
            what=what, done=formats.count(done), total=formats.count(total)
        )
        dialog.setLabelText(_("Creating a demo company in {path}…").format(path=path) + "\n" + step)

    runner = TaskRunner()
    loop = QEventLoop()
    # The demo writes its own new file, not the open database: file work.
    task = QueryOp(work, ignore, "demo company", progress=show_progress, lane=Lane.GENERAL).run(
        runner
    )
    task.finished.connect(loop.quit)
    dialog.canceled.connect(task.cancel)
    dialog.show()
    loop.exec()
    runner.shutdown()
    dialog.close()
    dialog.deleteLater()
    stats: DemoStats | None = task.result  # what ``work`` returned
    if stats is not None:
        return stats
    _remove_sqlite_file(path)
    if task.error is not None:
        error = task.error
        known = isinstance(error, DemoError | DatabaseOpenError)
        reason = str(error) if known else f"{type(error).__name__}: {error}"
        QMessageBox.critical(
            parent,
            _("Cannot create the demo company"),
            _("The demo company could not be created in {path}: {reason}").format(
                path=path, reason=reason
            ),
        )
    return None


def ask_first_start(
    *,
    location: Path,
    login: str,
    new_company_only: bool = False,
    parent: QWidget | None = None,
) -> FirstStartChoice | None:
    """Show the first-start dialog (or File ▸ New company…'s); the choice, or None when
    the user closes it."""
    dialog = FirstStartDialog(
        location=location,
        login=login,
        demo_customers=DEMO_CUSTOMERS,
        new_company_only=new_company_only,
        parent=parent,
    )
    chosen: list[FirstStartChoice] = []

    def submitted(choice: FirstStartChoice) -> None:
        chosen.append(choice)
        dialog.accept()

    dialog.submitted.connect(submitted)
    dialog.exec()
    dialog.deleteLater()
    return chosen[-1] if chosen else None


def create_new_company(
    location: str, company: NewCompany, clock: Clock, parent: QWidget | None = None
) -> bool:
    """Create the company file (whole or not at all) in the background while a busy
    dialog shows; a refusal or failure is reported in a dialog and ``False`` returned."""
    dialog = QProgressDialog(
        _("Creating {company} in {path}…").format(company=company.name, path=location),
        "",
        0,
        0,
        parent,
    )
    dialog.setCancelButton(None)
    dialog.setWindowTitle(APP_NAME)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(300)
    runner = TaskRunner()
    loop = QEventLoop()
    # A new file, not the open database: file work.
    task = QueryOp(
        lambda _state: create_company_database(location, company, clock=clock),
        ignore,
        "new company",
        lane=Lane.GENERAL,
    ).run(runner)
    task.finished.connect(loop.quit)
    loop.exec()
    runner.shutdown()
    dialog.close()
    dialog.deleteLater()
    if task.error is None:
        return True
    error = task.error
    known = isinstance(error, ValueError | DatabaseOpenError)
    reason = str(error) if known else f"{type(error).__name__}: {error}"
    if not known:
        log.error("cannot create the company in %s", location, exc_info=error)
    QMessageBox.critical(
        parent,
        _("Cannot create the company"),
        _("The company could not be created in {path}: {reason}").format(
            path=location, reason=reason
        ),
    )
    return False


def _remove_sqlite_file(path: Path) -> None:
    # A half-written demo file would be opened as "the" database on the next start.
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class Shell(QObject):
    """Keeps one main window on one open database, and swaps both on File ▸ Open database."""

    # Emitted on the integrity check's thread; queued to the GUI thread.
    _damage_found = Signal(object, str)

    def __init__(
        self,
        *,
        clock: Clock,
        settings: Settings,
        formats: Formats,
        icons: IconRegistry,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.settings = settings
        self.formats = formats
        self.icons = icons
        self.window: MainWindow | None = None
        self.database: Database | None = None
        # The employee whose login the computer's user takes over at the next open (the
        # demo's first user, or the one an older settings file named).
        self.hand_over_from = settings.take_former_user_name()
        self.translator: QTranslator | None = None
        """Qt's own strings in the interface language (swapped when the language changes)."""
        self._damage_found.connect(self._warn_damaged, Qt.ConnectionType.QueuedConnection)

    def open(self, url: str | Path) -> bool:
        """Open ``url`` in a new window that replaces the current one; ``False`` if refused."""
        database = open_database_or_report(url, self.window, clock=self.clock)
        if database is None:
            return False
        try:
            self._hand_over_login(database)
            window = build_main_window(
                database, self.clock, self.settings, formats=self.formats, icons=self.icons
            )
        except Exception as error:  # the first query met a damaged page, a lost server…
            database.dispose()
            report_open_failure(url, error, self.window)
            return False
        self._show(window, database)
        remember_database(self.settings, url)
        # After the promises are judged (queued first, on the write lane): last month's
        # statements, offered or sent as the user's preference says. Not on the window's
        # rebuild for new preferences, and never by the window's constructor.
        window.check_month_statements(at_start=True)
        return True

    def _show(self, window: MainWindow, database: Database) -> None:
        """Put ``window`` (on ``database``) in place of the current window."""
        old_window, old_database = self.window, self.database
        window.open_database_requested.connect(self.open)
        window.preferences_changed.connect(self.apply_preferences)
        window.new_company_requested.connect(self.new_company)
        if database.read_only:
            window.announce(
                _(
                    "{path} is read-only: you can look at everything, but nothing can be "
                    "changed or saved."
                ).format(path=database.display_name),
                0,
            )
        if database.integrity is not None and database is not old_database:
            database.integrity.notify(lambda message: self._damage_found.emit(database, message))
        if old_window is not None:
            window.restoreGeometry(old_window.saveGeometry())
        self.window, self.database = window, database
        window.show()
        if old_window is not None:
            # Shown first, closed second: closing the only window would quit the app.
            old_window.close()
            old_window.deleteLater()
        if old_database is not None and old_database is not database:
            old_database.dispose()

    def apply_preferences(self) -> None:
        """The language or the date style changed: speak the new language, write dates in
        the new style, and open the window again on the same database (no new login)."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            if self.translator is not None:
                app.removeTranslator(self.translator)
            self.translator = install_translations(app, choose_language(self.settings))
        else:
            set_language(choose_language(self.settings))
        self.formats = dataclasses.replace(self.formats, date_style=self.settings.get(DATE_STYLE))
        if self.window is None or self.database is None:
            return
        self.window.save_state()  # the new window restores the pages as they are now
        window = build_main_window(
            self.database, self.clock, self.settings, formats=self.formats, icons=self.icons
        )
        self._show(window, self.database)
        window.announce(_("Preferences applied."), 5000)

    def _hand_over_login(self, database: Database) -> None:
        """Let the computer's user work as the employee ``hand_over_from`` names, once."""
        former, self.hand_over_from = self.hand_over_from, ""
        if not former or database.read_only or database.url.username:
            return  # a team database's users are its logins
        try:
            with write_transaction(database, what=_("user")) as session:
                hand_over_login(session, former, login_name(), self.clock.now())
        except Exception:  # the window still opens; the user is then "not an employee"
            log.exception("cannot hand the login %s over", former)

    def _warn_damaged(self, database: Database, message: str) -> None:
        """The integrity check found damage: writes are refused from now on; say why."""
        if database is not self.database or self.window is None:
            return  # another database is open by now
        self.window.announce(message, 0)
        QMessageBox.warning(self.window, _("The database is damaged"), message)

    def close(self) -> None:
        """Close the window (stopping its tasks) and the database."""
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.database is not None:
            self.database.dispose()
            self.database = None

    def start(self, database_url: str | None) -> int | None:
        """Open the first database, or offer the first start where there is no company yet
        (no database, an empty file, or a database that holds no company, such as an
        earlier version's interrupted demo left).

        Returns ``None`` once the window is showing, else the exit code to end with.
        """
        chosen = self.settings.get(DATABASE)
        if database_url is None and chosen and Path(chosen).exists():
            database_url = chosen  # the offline replica made with File ▸ Work offline…
        if database_url is None:
            url: str | Path = paths.default_database_path()
            if _without_company(Path(url)):
                return self.first_start(Path(url))
        else:
            url = database_url
            if "://" not in url and self._holds_no_company(Path(url)):
                return self.first_start(Path(url))
        if not self.open(url):
            return EXIT_BAD_INPUT
        return None

    def _holds_no_company(self, path: Path) -> bool:
        """Whether the file the user named is one of ours without a company (a database
        from a newer version, or not ours, is refused by ``open`` as usual)."""
        if not unfinished_demo(path):
            return False
        try:
            database = open_company(
                path, clock=self.clock, create=False, wait_for_integrity_check=False
            )
        except MissingDatabaseError:
            return True
        except Exception:  # ``open`` reports it in words
            return False
        database.dispose()
        return False

    def first_start(self, path: Path) -> int | None:
        """Offer the three choices until one works; ``EXIT_FAILED`` when the user closes
        the dialog."""
        while True:
            choice = ask_first_start(location=path, login=login_name(), parent=self.window)
            if choice is None:
                return EXIT_FAILED
            if self.carry_out(choice):
                return None

    def new_company(self) -> bool:
        """File ▸ New company…: create a company in a new file and open it."""
        choice = ask_first_start(
            location=_new_company_file(),
            login=login_name(),
            new_company_only=True,
            parent=self.window,
        )
        return choice is not None and self.carry_out(choice)

    def carry_out(self, choice: FirstStartChoice) -> bool:
        """Do what the first-start dialog chose; ``False`` (said in a dialog) if it failed."""
        if choice.kind == first_start.DEMO:
            path = Path(choice.location)
            demo = create_demo_company(path, self.clock, self.formats, self.window)
            if demo is None:
                return False
            # The computer's user works as the demo's first agent, an administrator.
            from collections_desktop.demo.company import DEMO_USER

            self.hand_over_from = DEMO_USER
            if not self.open(path):
                return False
            self._announce_demo(path, demo)
            return True
        if choice.kind == first_start.NEW:
            company = choice.company
            assert company is not None
            if not create_new_company(choice.location, company, self.clock, self.window):
                return False
            if not self.open(choice.location):
                return False
            window = self.window
            assert window is not None
            window.announce(
                _("Created {company} in {path}").format(company=company.name, path=choice.location),
                60000,
            )
            if choice.import_receivables:
                QTimer.singleShot(0, window, window.import_receivables)
            return True
        return self.open(choice.location)

    def _announce_demo(self, path: Path, stats: DemoStats) -> None:
        window = self.window
        assert window is not None
        window.announce(_("Created a demo company in {path}").format(path=path), 60000)
        count = self.formats.count
        text = _(
            "Collections Desktop created a demo company in {path} so you can try the app on "
            "realistic data: {company}, with {customers} customers and {transactions} "
            "transactions.\n\nTo work on your own company, create it with File ▸ New company…, "
            "or open its database with File ▸ Open…"
        ).format(
            path=path,
            company=stats.company_name,
            customers=count(stats.customers),
            transactions=count(stats.transactions),
        )
        log.info("%s", stats.describe())
        # After the loop starts, so the message box sits on a painted window.
        QTimer.singleShot(
            0, window, lambda: QMessageBox.information(window, _("Demo company created"), text)
        )


def _without_company(path: Path) -> bool:
    """No database yet, an empty file, or one of ours that holds no company."""
    return (
        not path.exists() or (path.is_file() and path.stat().st_size == 0) or unfinished_demo(path)
    )


def _new_company_file() -> Path:
    """A file name for File ▸ New company… that is not taken yet."""
    folder = paths.data_dir()
    candidate = folder / "company.sqlite"
    number = 2
    while candidate.exists():
        candidate = folder / f"company-{number}.sqlite"
        number += 1
    return candidate


def run_gui(database_url: str | None) -> int:
    """Run the desktop app on ``database_url`` (or the embedded database) until it quits."""
    app = create_application()
    settings = Settings()
    translator = install_translations(app, choose_language(settings))
    icons = IconRegistry()
    app.setWindowIcon(icons.get("app"))
    shell = Shell(
        clock=SystemClock(), settings=settings, formats=system_formats(settings), icons=icons
    )
    shell.translator = translator
    try:
        code = shell.start(database_url)
        if code is not None:
            return code
        return app.exec()
    finally:
        shell.close()
        if shell.translator is not None:
            app.removeTranslator(shell.translator)
        settings.sync()
