"""The composition root: starting the app, a first run's demo company, refusing a bad file."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from collections_desktop import app as app_module
from collections_desktop import paths
from collections_desktop.app import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    Shell,
    choose_language,
    install_translations,
    run_gui,
)
from collections_desktop.demo.company import COMPANY_NAME
from collections_desktop.demo.load import partial_path
from collections_desktop.formatting import Formats
from collections_desktop.i18n import current_language
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.people.users import add_first_user, login_name
from collections_desktop.views.dialogs.first_start import DEMO, FirstStartChoice
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.main_window import MainWindow
from collections_desktop.views.settings import LANGUAGE, Settings


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shown_windows() -> list[MainWindow]:
    """The main windows on screen (a window another test closed may wait for deletion)."""
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def test_a_text_file_is_refused_with_a_dialog_and_exit_code_2(qapp, dialogs, tmp_path) -> None:
    notes = tmp_path / "notes.sqlite"
    notes.write_text("Call Ruiz Hermanos on Monday about INV-10233.\n")
    before = digest(notes)
    assert run_gui(str(notes)) == EXIT_BAD_INPUT
    ((title, text),) = dialogs["critical"]
    assert title == "Cannot open the database"
    assert str(notes) in text
    assert "not a Collections Desktop database" in text
    assert digest(notes) == before
    assert not shown_windows()


def test_a_database_from_a_newer_version_is_refused_untouched(qapp, dialogs, tmp_path) -> None:
    path = tmp_path / "newer.sqlite"
    open_company(path, clock=SystemClock()).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f9999_future'")
    connection.close()
    before = digest(path)
    assert run_gui(str(path)) == EXIT_BAD_INPUT
    ((_title, text),) = dialogs["critical"]
    assert "newer version of Collections Desktop" in text
    assert digest(path) == before


def test_run_gui_shows_the_window_until_it_is_closed(qtbot, company, monkeypatch) -> None:
    seen: list[str] = []

    def fake_exec() -> int:
        # Stands in for the event loop: look at the window the user would see, then quit.
        (window,) = shown_windows()
        assert window.isVisible()
        page = window.company_page
        if page.is_loading:
            with qtbot.waitSignal(page.loaded, timeout=10_000):
                pass
        seen.append(window.windowTitle())
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert run_gui(company.database.display_name) == 0
    assert seen == ["Collections Desktop — Test Company"]
    assert QCoreApplication.applicationName() == "Collections Desktop"
    assert current_language() == "en"


@pytest.fixture
def choose_demo(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The first-start dialog answered with "Open the demo company" once, then closed.

    ``tests/gui/test_first_start.py`` clicks through the real dialog.
    """
    asked: list[Path] = []

    def ask(*, location: Path, **_kwargs: object) -> FirstStartChoice | None:
        asked.append(location)
        return FirstStartChoice(DEMO, location=str(location)) if len(asked) == 1 else None

    monkeypatch.setattr(app_module, "ask_first_start", ask)
    return asked


def test_first_run_creates_the_demo_company(
    qtbot, shell, dialogs, monkeypatch, choose_demo
) -> None:
    monkeypatch.setattr(app_module, "DEMO_CUSTOMERS", 25)  # the real writer, a smaller company
    path = paths.default_database_path()
    assert not path.exists()
    assert shell.start(None) is None
    assert path.exists()
    window = shell.window
    assert window is not None
    assert window.isVisible()
    with qtbot.waitSignal(window.company_page.loaded, timeout=10_000):
        pass
    assert window.windowTitle() == f"Collections Desktop — {COMPANY_NAME}"
    assert window.company_page.customers.value.text() == "25"
    assert window.statusBar().currentMessage().startswith(f"Created a demo company in {path}")
    qtbot.waitUntil(lambda: bool(dialogs["information"]))
    ((title, text),) = dialogs["information"]
    assert title == "Demo company created"
    assert text.startswith(f"Collections Desktop created a demo company in {path}")
    assert "25 customers" in text
    # The computer's user works as the demo's first agent, an administrator.
    assert window.viewer.user_name == login_name()
    assert window.viewer.is_agent
    assert window.viewer.may_change_setup
    assert window.viewer.display_name == "Lucía Fernández Ortega"
    assert window.current_page == "overview"


@pytest.mark.parametrize("leftover", ["partial file", "empty database"])
def test_the_start_after_a_killed_first_run_writes_the_whole_demo(
    qtbot, shell, dialogs, monkeypatch, leftover, choose_demo
) -> None:
    """Killed while writing, the demo left a partial file beside the database (this version)
    or a database without a company under its name (earlier versions)."""
    monkeypatch.setattr(app_module, "DEMO_CUSTOMERS", 10)
    path = paths.default_database_path()
    open_company(
        partial_path(path) if leftover == "partial file" else path, clock=SystemClock()
    ).dispose()
    assert shell.start(None) is None
    assert shell.window is not None
    with shell.database.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM customers").scalar() == 10
    assert not partial_path(path).exists()
    assert dialogs["critical"] == []


def test_cancelling_the_demo_leaves_no_file(qtbot, shell, dialogs, choose_demo) -> None:
    def press_cancel() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                widget.findChild(QPushButton).click()  # the dialog's Cancel button
                return
        QTimer.singleShot(5, press_cancel)

    QTimer.singleShot(0, press_cancel)
    assert shell.start(None) == EXIT_FAILED
    assert not paths.default_database_path().exists()
    assert shell.window is None
    assert dialogs["critical"] == []  # cancelling is not an error


def test_a_failed_demo_is_reported_and_leaves_no_file(
    shell, dialogs, monkeypatch, choose_demo
) -> None:
    from collections_desktop.demo import load

    def broken(url, **kwargs):
        Path(url).write_bytes(b"half a database")
        raise load.DemoError("The disk is full.")

    monkeypatch.setattr(load, "write_demo_company", broken)
    assert shell.start(None) == EXIT_FAILED
    ((title, text),) = dialogs["critical"]
    assert title == "Cannot create the demo company"
    assert text.endswith(": The disk is full.")
    assert not paths.default_database_path().exists()


def test_open_database_replaces_the_window(qtbot, shell, company, dialogs, tmp_path) -> None:
    other_path = tmp_path / "other.sqlite"
    other = open_company(other_path, clock=SystemClock())
    from collections_desktop.models.company.setup import create_company

    with other.sessions.begin() as session:
        create_company(session, "Other Company", "GBP", shell.clock.now())
    other.dispose()

    assert shell.open(company.database.display_name)
    first = shell.window
    with qtbot.waitSignal(first.company_page.loaded, timeout=10_000):
        pass
    # A file that is not a database: refused, the current window stays.
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    first.open_database_requested.emit(str(junk))
    assert len(dialogs["critical"]) == 1
    assert shell.window is first
    assert first.isVisible()

    first.open_database_requested.emit(str(other_path))
    second = shell.window
    assert second is not first
    assert not first.isVisible()
    with qtbot.waitSignal(second.company_page.loaded, timeout=10_000):
        pass
    assert second.windowTitle() == "Collections Desktop — Other Company"
    assert second.company_page.currency.text() == "GBP"


@pytest.mark.parametrize(
    ("system", "chosen", "expected"),
    [
        ("fr_FR", "", "fr_FR"),  # the system's language, when we speak it
        ("de_DE", "", "en"),  # not translated yet: English rather than a mix
        ("C", "", "en"),  # the POSIX locale of a bare server
        ("fr_FR", "es", "es"),  # the user's choice wins
    ],
)
def test_language_from_the_settings_else_the_system(
    qapp, tmp_path, monkeypatch, system, chosen, expected
) -> None:
    monkeypatch.setattr(app_module.QLocale, "system", staticmethod(lambda: QLocale(system)))
    settings = Settings(tmp_path / "settings.ini")
    settings.set(LANGUAGE, chosen)
    assert choose_language(settings) == expected


def test_qt_standard_dialogs_follow_the_language(qapp) -> None:
    translator = install_translations(qapp, "es")
    try:
        assert current_language() == "es"
        # Qt's own standard buttons now speak Spanish too.
        assert translator is not None
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancelar"
    finally:
        if translator is not None:
            qapp.removeTranslator(translator)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_the_window_judges_the_promises_due_before_the_overview_loads(
    qtbot, company, clock
) -> None:
    """A promise of 100.00 by 10 Nov, nothing paid: broken on 23 Nov, said in the status bar."""
    import datetime as dt
    from decimal import Decimal

    from sqlalchemy import select

    from collections_desktop.app import build_main_window
    from collections_desktop.models.actions.status import change_status
    from collections_desktop.models.db.schema import CustomerTransaction, PromiseResult
    from collections_desktop.models.people.scope import company_scope

    database = company.database
    with database.sessions.begin() as session:
        invoice = session.scalars(
            select(CustomerTransaction)
            .where(CustomerTransaction.type == "invoice")
            .order_by(CustomerTransaction.voucher)
        ).first()
        change_status(
            session,
            company_scope(session),
            [invoice.id],
            "promised",
            dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC),
            changed_by_id=None,
            promise_date=dt.date(2026, 11, 10),
            promise_amount=Decimal("100.00"),
            today=dt.date(2026, 11, 2),
        )
    window = build_main_window(database, clock, formats=Formats("en_US"), icons=IconRegistry())
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "Promises to pay judged" in window.statusBar().currentMessage())
    assert "0 kept, 0 partly kept, 1 broken" in window.statusBar().currentMessage()
    with database.sessions() as session:
        [result] = session.scalars(select(PromiseResult)).all()
        assert (result.outcome, result.paid_amount) == ("broken", Decimal("0"))
        assert session.get(CustomerTransaction, invoice.id).collection_status == "broken"
    window.close()


def test_the_user_an_older_settings_file_named_is_handed_the_login_once(
    qapp, clock, tmp_path, sqlite_db
) -> None:
    """Before settings version 3 the file named whom the app worked as; now the employee
    of that name gets the computer's login, so the user still works as them."""
    with sqlite_db.sessions.begin() as session:
        add_first_user(session, "Marta Gil", "mgil", clock.now())
    path = str(sqlite_db.url.database)
    sqlite_db.dispose()
    raw = QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat)
    raw.setValue("meta/schema_version", 2)
    raw.setValue("session/user_name", "mgil")
    raw.sync()
    keeper = Shell(
        clock=clock,
        settings=Settings(tmp_path / "old.ini"),
        formats=Formats("en_US"),
        icons=IconRegistry(),
    )
    try:
        assert keeper.open(path)
        window = keeper.window
        assert window is not None
        assert window.viewer.user_name == login_name()
        assert window.viewer.display_name == "Marta Gil"
        assert window.viewer.may_change_setup
        assert window.user_label.text() == "Working as Marta Gil · administrator"
        assert keeper.hand_over_from == ""
    finally:
        keeper.close()
