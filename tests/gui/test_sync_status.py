"""The replica's status bar, Sync now (F9) and the automatic sync, with the models faked."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace

import pytest
from babel.dates import format_time
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from collections_desktop.app import build_main_window
from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.views.operations import WriteOp, ignore
from tests.gui.conftest import Books
from tests.gui.sync_fakes import FakeReport, FakeStatus, FakeSync, FakeSyncError

WAIT = 10_000
LAST_SYNC = dt.datetime(2026, 11, 23, 8, 42, tzinfo=dt.UTC)


@pytest.fixture
def fake() -> FakeSync:
    return FakeSync(status_value=FakeStatus(last_sync_at=LAST_SYNC, pending=3, conflicts=0))


def local_time(moment: dt.datetime) -> str:
    local = moment.astimezone()
    return format_time(local, format="short", tzinfo=local.tzinfo, locale="en_US")


def test_a_replica_shows_its_figures_and_a_plain_database_none(
    qtbot, company: Books, fake: FakeSync, replica_window, make_window
) -> None:
    window = replica_window(company.database, fake)
    status = window.sync_status
    assert status is not None
    assert window.sync_control is not None
    assert status.connection.text() == "Server not contacted yet"
    # Stopped clock on 2026-11-23: the last sync was today, so the time alone.
    assert status.last_sync.text() == f"Last sync {local_time(LAST_SYNC)}"
    assert status.pending.text() == "3 changes waiting"
    assert status.conflicts.isHidden()
    assert window.sync_action.isVisible()
    assert window.sync_action.shortcut().toString() == "F9"
    assert "conflicts" in window.page_keys
    assert window.navigation.item(window.page_keys.index("conflicts")).text() == "Conflicts"

    fake_plain = FakeSync(status_value=None)
    plain = build_main_window(
        company.database,
        FixedClock(LAST_SYNC),
        formats=Formats("en_US"),
        sync_backend=fake_plain.backend(),
    )
    qtbot.addWidget(plain)
    try:
        assert plain.sync_status is None
        assert plain.sync_control is None
        assert not plain.sync_action.isVisible()
        assert "conflicts" not in plain.page_keys
        assert plain.work_offline_action.isEnabled()
    finally:
        plain.close()


def test_f9_syncs_off_the_gui_thread_while_pages_still_read(
    qtbot, company: Books, fake: FakeSync, replica_window
) -> None:
    fake.gate = threading.Event()
    fake.report = FakeReport(pushed=3, pulled=12)
    window = replica_window(company.database, fake)
    status, control = window.sync_status, window.sync_control
    assert status is not None
    assert control is not None

    qtbot.keyClick(window, Qt.Key.Key_F9)
    qtbot.waitUntil(fake.entered.is_set, timeout=WAIT)
    assert fake.sync_calls[0]["thread"] is not threading.main_thread()
    assert fake.sync_calls[0]["password"] == "secret"  # from the keychain, never asked
    assert control.running
    qtbot.waitUntil(lambda: status.step.text() == "Sending 3 changes", timeout=WAIT)
    assert status.progress.isVisible()
    assert status.cancel_button.isVisible()
    assert not status.sync_button.isVisible()

    # The sync holds the background lane; a page's read still goes through.
    window.show_page("cases")
    qtbot.waitSignal(window.cases_page.loaded, timeout=WAIT).wait()
    assert control.running
    assert not window.cases_page.is_loading
    qtbot.keyClick(window, Qt.Key.Key_F9)  # a second F9 starts no second sync
    assert len(fake.sync_calls) == 1

    fake.status_value = replace(
        fake.status_value, pending=0, last_sync_at=dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    )
    with qtbot.waitSignal(window.cases_page.loaded, timeout=WAIT):  # refreshed after
        fake.gate.set()
    qtbot.waitUntil(lambda: status.pending.text() == "Nothing waiting", timeout=WAIT)
    assert status.connection.text() == "Online"
    assert status.last_sync.text() == "Last sync " + local_time(
        dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    )
    assert status.sync_button.isVisible()
    assert not status.progress.isVisible()
    assert window.statusBar().currentMessage() == "Synced: 3 sent, 12 received"
    assert not control.running


def test_a_failed_sync_says_offline_and_why_with_a_dialog_when_asked_for(
    qtbot, company: Books, fake: FakeSync, replica_window, dialogs
) -> None:
    reason = "The server db.example:5432/collections cannot be reached: connection refused."
    fake.error = FakeSyncError(reason)
    window = replica_window(company.database, fake)
    status, control = window.sync_status, window.sync_control
    assert status is not None
    assert control is not None

    window.sync_action.trigger()
    qtbot.waitUntil(lambda: bool(dialogs["warning"]), timeout=WAIT)
    assert dialogs["warning"] == [("The sync failed", reason)]
    assert "Offline" in status.connection.text()
    assert reason in status.connection.text()
    assert status.connection.toolTip() == reason
    assert control.online is False

    # The automatic sync says it in the status bar only, no dialog.
    fake.error = FakeSyncError("Login refused for ana.")
    control.sync_automatically()
    qtbot.waitUntil(lambda: "Login refused for ana." in status.connection.text(), timeout=WAIT)
    assert len(dialogs["warning"]) == 1
    # Not a SyncError: still a sentence that names the server.
    fake.error = RuntimeError("disk I/O error")
    control.sync_automatically()
    qtbot.waitUntil(lambda: "disk I/O error" in status.connection.text(), timeout=WAIT)
    assert control.message == ("The sync with db.example:5432/collections failed: disk I/O error")

    fake.error = None
    control.sync_automatically()
    qtbot.waitUntil(lambda: status.connection.text() == "Online", timeout=WAIT)


def test_the_automatic_sync_skips_while_a_sync_runs_and_when_the_server_is_away(
    qtbot, company: Books, fake: FakeSync, replica_window
) -> None:
    fake.gate = threading.Event()
    window = replica_window(company.database, fake, interval=5)
    control, status = window.sync_control, window.sync_status
    assert control is not None
    assert status is not None
    assert control.timer.isActive()
    assert control.timer.interval() == 5 * 60_000

    window.sync_now()
    qtbot.waitUntil(fake.entered.is_set, timeout=WAIT)
    control.timer.timeout.emit()  # the timer's turn comes while the sync runs
    control.timer.timeout.emit()
    assert control.skipped == 2
    fake.gate.set()
    qtbot.waitUntil(lambda: not control.running, timeout=WAIT)
    assert len(fake.sync_calls) == 1

    fake.reachable_now = False
    control.timer.timeout.emit()
    qtbot.waitUntil(lambda: "does not answer" in status.connection.text(), timeout=WAIT)
    assert len(fake.sync_calls) == 1  # no sync tried on a server that does not answer
    assert control.message == "The server db.example:5432/collections does not answer."

    fake.reachable_now = True
    control.timer.timeout.emit()
    qtbot.waitUntil(lambda: len(fake.sync_calls) == 2 and not control.running, timeout=WAIT)
    assert fake.sync_calls[1]["password"] == "secret"


def test_cancel_stops_the_sync_and_says_nothing_is_lost(
    qtbot, company: Books, fake: FakeSync, replica_window
) -> None:
    fake.gate = threading.Event()
    window = replica_window(company.database, fake)
    control, status = window.sync_control, window.sync_status
    assert control is not None
    assert status is not None
    window.sync_now()
    qtbot.waitUntil(fake.entered.is_set, timeout=WAIT)
    status.cancel_button.click()
    fake.gate.set()
    qtbot.waitUntil(lambda: not control.running, timeout=WAIT)
    assert control.message == "Sync cancelled; the changes not sent yet are still waiting."
    assert status.sync_button.isVisible()


def test_without_a_stored_password_sync_now_asks_and_keeps_nothing(
    qtbot, company: Books, fake: FakeSync, replica_window
) -> None:
    fake.password = None
    window = replica_window(company.database, fake)
    control = window.sync_control
    assert control is not None
    asked: list[str] = []

    def answer(parent, server):  # type: ignore[no-untyped-def]
        asked.append(server)
        return (len(asked) > 1, "typed")

    control.ask_password = answer
    window.sync_now()  # the user cancels the question: no sync
    assert fake.sync_calls == []
    assert not control.running
    window.sync_now()
    qtbot.waitUntil(lambda: len(fake.sync_calls) == 1 and not control.running, timeout=WAIT)
    assert fake.sync_calls[0]["password"] == "typed"
    assert asked == [fake.status_value.server] * 2
    # The automatic sync asks nobody: no password, the server's own rules.
    control.sync_automatically()
    qtbot.waitUntil(lambda: len(fake.sync_calls) == 2 and not control.running, timeout=WAIT)
    assert fake.sync_calls[1]["password"] is None
    assert len(asked) == 2


def test_a_local_write_and_new_conflicts_update_the_status_bar(
    qtbot, company: Books, fake: FakeSync, replica_window
) -> None:
    window = replica_window(company.database, fake)
    status = window.sync_status
    assert status is not None
    fake.status_value = replace(fake.status_value, pending=4)
    WriteOp(lambda session: None, ignore, "a local change").run(window.runner, company.database)
    qtbot.waitUntil(lambda: status.pending.text() == "4 changes waiting", timeout=WAIT)

    fake.report = FakeReport(pushed=4, conflicts=2)
    fake.after_sync = lambda: setattr(
        fake, "status_value", replace(fake.status_value, pending=0, conflicts=2)
    )
    window.sync_now()
    qtbot.waitUntil(lambda: status.conflicts.isVisible(), timeout=WAIT)
    assert "2 conflicts" in status.conflicts.text()
    assert window.statusBar().currentMessage() == (
        "Synced: 4 sent, 0 received · 2 refused: see Conflicts"
    )
    status.conflicts.linkActivated.emit("conflicts")
    assert window.current_page == "conflicts"
    QApplication.processEvents()
