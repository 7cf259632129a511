"""The app on a real replica of a real PostgreSQL company: F9 sends a local edit to the server."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock, SystemClock
from collections_desktop.models.casework.activities import create_activity, edit_activity
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity, Customer, Employee
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.sync import pull
from collections_desktop.models.sync.replica import create_replica
from collections_desktop.views.main_window import MainWindow
from collections_desktop.views.operations import WriteOp, ignore
from collections_desktop.views.settings import SYNC_INTERVAL, Settings
from tests.gui.test_sync_status import local_time
from tests.unit.test_scope import add_agent

pytestmark = pytest.mark.postgres

WAIT = 30_000
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=2)


@pytest.fixture
def server(pg_db: Database) -> tuple[Database, uuid.UUID]:
    """A team database with one customer and one open activity about it."""
    with pg_db.engine.begin() as connection:
        pull.install_pull_cursor(connection)
    with pg_db.sessions.begin() as session:
        customer = Customer(
            account="C-000001", name="Ruiz Hermanos SL", currency="EUR", updated_at=NOW
        )
        session.add(customer)
        session.flush()
        me = session.scalars(
            select(Employee).where(Employee.user_name == add_agent(session, [], view_all=True))
        ).one()
        activity = create_activity(
            session,
            company_scope(session),
            now=NOW,
            responsible_id=me.id,
            type="task",
            purpose="Call about the invoices",
            customer_id=customer.id,
            start_at=NOW,
            end_at=LATER,
        )
    return pg_db, activity.id


@pytest.fixture
def replica(server: tuple[Database, uuid.UUID], tmp_path: Path) -> Iterator[Database]:
    database, _activity = server
    url = database.url.set(password=None).render_as_string(hide_password=False)
    file = create_replica(url, None, tmp_path / "replica.sqlite", now=NOW)
    opened = open_company(file, clock=SystemClock(), create=False)
    yield opened
    opened.dispose()


def test_f9_pushes_a_local_activity_edit_to_the_server(
    qtbot, server: tuple[Database, uuid.UUID], replica: Database, tmp_path: Path
) -> None:
    from collections_desktop.app import build_main_window

    database, activity_id = server
    settings = Settings(tmp_path / "settings.ini")
    settings.set(SYNC_INTERVAL, 0)
    window: MainWindow = build_main_window(
        replica, FixedClock(LATER), settings, formats=Formats("en_US")
    )
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(window.company_page.loaded, timeout=WAIT):
            window.show_page("company")
            window.show()
        status, control = window.sync_status, window.sync_control
        assert status is not None
        assert control is not None
        assert status.pending.text() == "Nothing waiting"
        assert status.last_sync.text() == f"Last sync {local_time(NOW)}"  # made then

        def edit(session):  # type: ignore[no-untyped-def]
            me = session.scalars(select(Employee).where(Employee.user_name.is_not(None))).one()
            edit_activity(
                session, company_scope(session), activity_id, LATER, expected_version=1,
                type="task", category=None, purpose="Call about the invoices again",
                responsible_id=me.id, start_at=NOW, end_at=LATER, memo="Left a message",
                case_id=None, employee_id=me.id,
            )  # fmt: skip

        WriteOp(edit, ignore, "edit activity").run(window.runner, replica)
        qtbot.waitUntil(lambda: status.pending.text() == "1 change waiting", timeout=WAIT)

        asked: list[str] = []
        control.ask_password = lambda _parent, server: (asked.append(server) or True, None)
        window.activateWindow()
        window.sync_action.trigger()  # what F9 does (the shortcut is the action's)
        qtbot.waitUntil(lambda: not control.running, timeout=WAIT)
        assert control.message == ""
        assert control.online is True
        qtbot.waitUntil(lambda: status.pending.text() == "Nothing waiting", timeout=WAIT)
        assert status.connection.text() == "Online"
        assert status.last_sync.text() == f"Last sync {local_time(LATER)}"
        assert window.statusBar().currentMessage().startswith("Synced: 1 sent")

        with database.sessions() as session:
            on_server = session.get(Activity, activity_id)
            assert on_server is not None
            assert on_server.purpose == "Call about the invoices again"
            assert on_server.memo == "Left a message"
    finally:
        window.close()
