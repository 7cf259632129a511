"""The login dialog of a team database, against a server that asks for passwords.

Remember me keeps the password in the keychain and nowhere else; a refusal is shown in
the dialog, which stays open for another try; when the server refuses or cannot be
reached and an offline replica of it exists, "Work offline" opens the replica.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import text

from collections_desktop import APP_ID
from collections_desktop.app import open_database_or_report, read_viewer
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.team.credentials import credential_key
from collections_desktop.models.team.embedded import free_port
from collections_desktop.models.team.login import LoginFailure
from collections_desktop.views import team_login
from collections_desktop.views.dialogs.login import LoginDialog
from collections_desktop.views.team_login import LoginFlow, LoginOutcome
from tests import pg_server
from tests.conftest import MemoryKeyring
from tests.logins import Admin, company_database, login_role

pytestmark = pytest.mark.postgres

PASSWORD = "Dialog-Pa55word"


@pytest.fixture(scope="module")
def scram(scram_server: int) -> Admin:
    return Admin(pg_server.admin_url(scram_server), pg_server.SCRAM_ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def team(scram: Admin) -> Iterator[str]:
    """A company on the password server, and the URL of a login to it (no password)."""
    with company_database(scram) as name, login_role(scram, PASSWORD) as anna:
        yield scram.database_url(name, anna)


def submit(qtbot, dialog: LoginDialog, password: str, *, remember: bool | None = None) -> None:  # type: ignore[no-untyped-def]
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    if remember is not None:
        dialog.remember.setChecked(remember)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def shown_dialog(qtbot, flow: LoginFlow) -> LoginDialog:  # type: ignore[no-untyped-def]
    dialog = flow.dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_remember_me_keeps_the_password_in_the_keychain_and_nowhere_else(
    qtbot, team: str, memory_keyring: MemoryKeyring, profile: Path
) -> None:
    flow = LoginFlow(team, replicas=[])
    assert flow.try_silently() is None  # nothing remembered, and the server wants a password
    assert flow.first_error is not None
    assert flow.first_error.failure is LoginFailure.NO_PASSWORD
    dialog = shown_dialog(qtbot, flow)
    assert dialog.error.isHidden()  # asking for a password is no error
    assert dialog.user.text() == team.split("//")[1].split("@")[0]
    assert not dialog.remember.isChecked()

    submit(qtbot, dialog, "wrong password")
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "the password is wrong, or there is no such user" in dialog.error.text()
    assert dialog.password.text() == ""  # cleared for the next try
    assert dialog.offline_button.isHidden()  # no replica here
    assert memory_keyring.passwords == {}

    submit(qtbot, dialog, PASSWORD, remember=True)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert flow.outcome == LoginOutcome(team, PASSWORD)
    assert memory_keyring.passwords == {(APP_ID, credential_key(team)): PASSWORD}
    for file in profile.rglob("*"):  # the settings and data folders hold no copy
        if file.is_file():
            assert PASSWORD.encode() not in file.read_bytes(), file

    again = LoginFlow(team, replicas=[])
    assert again.try_silently() == LoginOutcome(team, PASSWORD)  # no dialog the next time


def test_a_refused_remembered_password_is_said_and_forgotten_without_remember_me(
    qtbot, team: str, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.passwords[(APP_ID, credential_key(team))] = "an old password"
    flow = LoginFlow(team, replicas=[])
    assert flow.try_silently() is None
    dialog = shown_dialog(qtbot, flow)
    assert dialog.remember.isChecked()
    assert dialog.error.text().startswith(
        "The password remembered on this computer was refused: The server"
    )
    submit(qtbot, dialog, PASSWORD, remember=False)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert memory_keyring.passwords == {}


def test_without_a_keychain_the_dialog_says_so_and_the_login_works(qtbot, team: str) -> None:
    keyring.set_keyring(fail.Keyring())
    flow = LoginFlow(team, replicas=[])
    assert flow.try_silently() is None
    dialog = shown_dialog(qtbot, flow)
    assert dialog.note.isVisible()
    assert dialog.note.text().startswith("Passwords cannot be remembered on this computer")
    assert not dialog.remember.isEnabled()
    submit(qtbot, dialog, PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert flow.outcome == LoginOutcome(team, PASSWORD)


def replica_of(sqlite_db: Database, server: str) -> Path:
    """The test's SQLite company, made to say it is a replica of ``server``."""
    path = Path(str(sqlite_db.url.database))
    sqlite_db.dispose()
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO sync_state (id, device_id, server, user_name, cursor, hlc, created_at) "
        "VALUES (1, ?, ?, 'anna', '0', '', '2026-11-23 09:00:00')",
        ("0" * 32, server),
    )
    connection.commit()
    connection.close()
    return path


def test_work_offline_is_offered_when_the_server_is_unreachable_and_a_replica_exists(
    qtbot, sqlite_db: Database
) -> None:
    port = free_port()
    url = f"postgresql://anna@127.0.0.1:{port}/collections"
    replica = replica_of(sqlite_db, f"postgresql+psycopg://anna@127.0.0.1:{port}/collections")

    alone = LoginFlow(url, replicas=[])
    assert alone.try_silently() is None
    assert shown_dialog(qtbot, alone).offline_button.isHidden()

    flow = LoginFlow(url, replicas=[replica])
    assert flow.try_silently() is None
    dialog = shown_dialog(qtbot, flow)
    assert dialog.error.text().startswith(f"The server 127.0.0.1, port {port} cannot be reached")
    assert dialog.offline_button.isVisible()
    qtbot.mouseClick(dialog.offline_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert flow.outcome == LoginOutcome(replica, None, offline=True)


def test_work_offline_is_offered_after_a_refused_login(qtbot, team: str, sqlite_db) -> None:
    replica = replica_of(sqlite_db, team)
    flow = LoginFlow(team, replicas=[replica])
    assert flow.try_silently() is None
    dialog = shown_dialog(qtbot, flow)
    assert dialog.offline_button.isHidden()  # asked for a password: nothing refused yet
    submit(qtbot, dialog, "wrong password")
    assert dialog.offline_button.isVisible()


def _answer_login_dialog(action) -> None:  # type: ignore[no-untyped-def]
    """Wait for the app's modal login dialog and act on it."""

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, LoginDialog):
            action(dialog)
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


def test_the_app_opens_the_team_database_or_its_replica(
    qtbot, team: str, sqlite_db, monkeypatch: pytest.MonkeyPatch, memory_keyring
) -> None:
    clock = FixedClock.on(dt.date(2026, 11, 23))
    memory_keyring.passwords[(APP_ID, credential_key(team))] = PASSWORD
    database = open_database_or_report(team, clock=clock)  # remembered: no dialog
    assert database is not None
    assert database.url.username == team.split("//")[1].split("@")[0]
    assert database.url.password is None
    database.dispose()

    port = free_port()
    url = f"postgresql://anna@127.0.0.1:{port}/collections"
    replica = replica_of(sqlite_db, url)
    monkeypatch.setattr(team_login, "replica_candidates", lambda: [replica])
    _answer_login_dialog(lambda dialog: dialog.offline_button.click())
    database = open_database_or_report(url, clock=clock)
    assert database is not None
    assert Path(str(database.url.database)) == replica
    database.dispose()

    _answer_login_dialog(lambda dialog: dialog.reject())  # Cancel: nothing is opened
    assert open_database_or_report(url, clock=clock) is None


def test_on_a_team_database_the_app_works_as_the_login(team: str, scram: Admin) -> None:
    clock = FixedClock.on(dt.date(2026, 11, 23))
    database = open_company(team, clock=clock, create=False, password=PASSWORD)
    login = database.url.username
    admin = scram.engine(database.url.database)
    try:
        assert read_viewer(database, "the-settings-user").user_name == "the-settings-user"
        with admin.connect() as connection:
            connection.execute(text("ALTER TABLE customers ENABLE ROW LEVEL SECURITY"))
        assert read_viewer(database, "the-settings-user").user_name == login
    finally:
        with admin.connect() as connection:
            connection.execute(text("ALTER TABLE customers DISABLE ROW LEVEL SECURITY"))
        admin.dispose()
        database.dispose()
