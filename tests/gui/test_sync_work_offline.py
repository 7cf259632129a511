"""File ▸ Work offline…: the dialog checks, the copy runs in the background, the app opens it."""

from __future__ import annotations

from pathlib import Path

import pytest

from collections_desktop import paths
from collections_desktop.app import Shell
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.views.dialogs.work_offline import WorkOfflineDialog
from collections_desktop.views.settings import DATABASE, Settings
from tests.gui.conftest import Books
from tests.gui.sync_fakes import FakeStatus, FakeSync, FakeSyncError

WAIT = 10_000


@pytest.fixture
def fake(company: Books) -> FakeSync:
    source = Path(company.database.display_name)
    return FakeSync(status_value=None, source=source)


def fill(dialog: WorkOfflineDialog, *, server: str, user: str, password: str, file: Path) -> None:
    dialog.server.setText(server)
    dialog.user.setText(user)
    dialog.password.setText(password)
    dialog.file.setText(str(file))


def test_work_offline_creates_the_replica_and_opens_it(
    qtbot, company: Books, fake: FakeSync, replica_window, tmp_path: Path
) -> None:
    window = replica_window(company.database, fake)
    assert window.sync_status is None  # not a replica yet
    action = window.work_offline()
    dialog = action.dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.file.text() == str(paths.default_replica_path())
    assert dialog.remember.isEnabled()
    target = tmp_path / "laptop.sqlite"
    fill(
        dialog,
        server="postgresql://db.example:5432/collections",
        user="ana",
        password="s3cret",
        file=target,
    )
    dialog.remember.setChecked(True)
    with qtbot.waitSignal(window.open_database_requested, timeout=WAIT) as opened:
        dialog.ok_button.click()
    assert opened.args == [str(target)]
    assert target.exists()
    assert not dialog.isVisible()
    call = fake.created[0]
    assert call["server"] == "postgresql://ana@db.example:5432/collections"
    assert call["password"] == "s3cret"
    assert call["file"] == target
    assert fake.saved_passwords == [("postgresql://ana@db.example:5432/collections", "s3cret")]
    settings = window.context.settings
    assert settings is not None
    assert settings.get(DATABASE) == str(target)
    assert "s3cret" not in Path(settings.path).read_text()


def test_the_dialog_refuses_what_cannot_work(
    qtbot, company: Books, fake: FakeSync, replica_window, tmp_path: Path
) -> None:
    window = replica_window(company.database, fake)
    dialog = window.work_offline().dialog
    assert dialog is not None
    cases = [
        (
            "",
            "ana",
            tmp_path / "a.sqlite",
            "Type the team database's address, e.g. postgresql://server/collections.",
        ),
        (
            "postgresql://ana:pw@db/collections",
            "ana",
            tmp_path / "a.sqlite",
            "Leave the password out of the address; type it in the Password box.",
        ),
        (
            "mysql://db/collections",
            "ana",
            tmp_path / "a.sqlite",
            "The team database is a PostgreSQL server: its address starts with postgresql://.",
        ),
        (
            "postgresql://db",
            "ana",
            tmp_path / "a.sqlite",
            "The address needs the server and the database: postgresql://server/collections.",
        ),
        (
            "postgresql://db/collections",
            "",
            tmp_path / "a.sqlite",
            "Type your user name on the team database.",
        ),
        (
            "postgresql://db/collections",
            "ana",
            Path(company.database.display_name),
            f"{company.database.display_name} already exists: "
            "choose another file, or remove it first.",
        ),
        (
            "postgresql://db/collections",
            "ana",
            tmp_path / "missing" / "a.sqlite",
            f"The folder {tmp_path / 'missing'} does not exist.",
        ),
    ]
    for server, user, file, message in cases:
        fill(dialog, server=server, user=user, password="", file=file)
        dialog.ok_button.click()
        assert dialog.error.text() == message, server
        assert dialog.isVisible()
        assert dialog.ok_button.isEnabled()
    assert fake.created == []
    # The user in the address is enough; no password means the server's own rules.
    fill(dialog, server="db.example/collections", user="", password="", file=tmp_path / "b.sqlite")
    dialog.server.setText("postgresql://luis@db.example/collections")
    dialog.server.editingFinished.emit()
    assert dialog.user.text() == "luis"
    with qtbot.waitSignal(window.open_database_requested, timeout=WAIT):
        dialog.ok_button.click()
    assert fake.created[0]["server"] == "postgresql://luis@db.example/collections"
    assert fake.created[0]["password"] is None
    assert fake.saved_passwords == []


def test_a_failed_copy_says_why_and_leaves_no_file(
    qtbot, company: Books, fake: FakeSync, replica_window, tmp_path: Path
) -> None:
    fake.error = FakeSyncError("Login refused for ana on db.example:5432/collections.")
    window = replica_window(company.database, fake)
    dialog = window.work_offline().dialog
    assert dialog is not None
    target = tmp_path / "laptop.sqlite"
    fill(
        dialog,
        server="postgresql://db.example:5432/collections",
        user="ana",
        password="wrong",
        file=target,
    )
    dialog.ok_button.click()
    assert dialog.progress.isVisible()
    assert not dialog.server.isEnabled()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT)
    assert dialog.error.text() == (
        "The replica could not be created: Login refused for ana on db.example:5432/collections."
    )
    assert not target.exists()
    assert dialog.server.isEnabled()
    assert not dialog.progress.isVisible()
    settings = window.context.settings
    assert settings is not None
    assert settings.get(DATABASE) == ""


def test_the_app_opens_the_replica_by_default(
    qtbot, company: Books, tmp_path: Path, clock: FixedClock, monkeypatch
) -> None:
    from collections_desktop.formatting import Formats
    from collections_desktop.views import sync_control
    from collections_desktop.views.icons import IconRegistry

    fake = FakeSync(status_value=FakeStatus())
    monkeypatch.setattr(sync_control.SyncBackend, "real", classmethod(lambda cls: fake.backend()))
    settings = Settings(tmp_path / "settings.ini")
    settings.set(DATABASE, company.database.display_name)
    shell = Shell(clock=clock, settings=settings, formats=Formats("en_US"), icons=IconRegistry())
    try:
        assert shell.start(None) is None
        assert shell.window is not None
        assert shell.window.sync_status is not None
        assert shell.database is not None
        assert shell.database.display_name == company.database.display_name
    finally:
        shell.close()


def test_on_a_replica_the_dialog_offers_its_server_and_user(
    qtbot, company: Books, replica_window
) -> None:
    fake = FakeSync(status_value=FakeStatus())
    window = replica_window(company.database, fake)
    dialog = window.work_offline().dialog
    assert dialog is not None
    assert dialog.server.text() == "postgresql://db.example:5432/collections"
    assert dialog.user.text() == "ana"
    dialog.reject()
