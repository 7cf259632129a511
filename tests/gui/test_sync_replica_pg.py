"""The app on a real replica of a real PostgreSQL company: F9 sends a local edit to the
server; a payment the server refuses becomes a conflict the Conflicts page shows and discards."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock, SystemClock
from collections_desktop.models.casework.activities import create_activity, edit_activity
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    Customer,
    CustomerTransaction,
    Employee,
)
from collections_desktop.models.ledger import postings
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.sync import pull
from collections_desktop.models.sync.replica import create_replica
from collections_desktop.views.main_window import MainWindow
from collections_desktop.views.operations import WriteOp, ignore
from collections_desktop.views.settings import SYNC_INTERVAL, Settings
from tests.gui.test_sync_status import local_time
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import pay

pytestmark = pytest.mark.postgres

WAIT = 30_000
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=2)


@pytest.fixture
def server(pg_db: Database) -> tuple[Database, uuid.UUID]:
    """A team database with one customer, an open invoice and an open activity."""
    with pg_db.engine.begin() as connection:
        pull.install_pull_cursor(connection)
    with pg_db.sessions.begin() as session:
        customer = Customer(
            account="C-000001", name="Ruiz Hermanos SL", currency="EUR", updated_at=NOW
        )
        session.add(customer)
        session.flush()
        postings.post_invoice(
            session, customer_id=customer.id, amount=Decimal("1234.56"),
            posting_date=dt.date(2026, 10, 1), due_date=dt.date(2026, 10, 31), now=NOW,
        )  # fmt: skip
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


@pytest.fixture
def window(qtbot, replica: Database, tmp_path: Path) -> Iterator[MainWindow]:
    """The app's window on the replica, as it opens (no automatic sync: the test says when)."""
    from collections_desktop.app import build_main_window

    settings = Settings(tmp_path / "settings.ini")
    settings.set(SYNC_INTERVAL, 0)
    made = build_main_window(replica, FixedClock(LATER), settings, formats=Formats("en_US"))
    qtbot.addWidget(made)
    with qtbot.waitSignal(made.company_page.loaded, timeout=WAIT):
        made.show_page("company")
        made.show()
    assert made.sync_control is not None
    made.sync_control.ask_password = lambda _parent, _server: (True, None)  # trust on loopback
    yield made
    made.close()


def test_f9_pushes_a_local_activity_edit_to_the_server(
    qtbot, server: tuple[Database, uuid.UUID], replica: Database, window: MainWindow
) -> None:
    database, activity_id = server
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

    qtbot.keyClick(window, Qt.Key.Key_F9)
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


def test_a_refused_payment_shows_in_conflicts_and_can_be_discarded(
    qtbot, server: tuple[Database, uuid.UUID], replica: Database, window: MainWindow
) -> None:
    database, _activity = server
    for books, day in ((database, dt.date(2026, 11, 18)), (replica, dt.date(2026, 11, 20))):
        with books.sessions.begin() as session:  # another agent, then this laptop, settle it
            invoice = session.scalars(
                select(CustomerTransaction).where(CustomerTransaction.type == "invoice")
            ).one()
            pay(session, session.get(Customer, invoice.customer_id), invoice, day)
    status, control = window.sync_status, window.sync_control
    assert status is not None
    assert control is not None
    window.sync_now()
    qtbot.waitUntil(lambda: not control.running, timeout=WAIT)
    assert control.online is True
    qtbot.waitUntil(lambda: status.conflicts.isVisible(), timeout=WAIT)
    assert "1 conflict<" in status.conflicts.text()
    assert window.statusBar().currentMessage().endswith("1 refused: see Conflicts")

    page = window.conflicts_page
    assert page is not None
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        status.conflicts.linkActivated.emit("conflicts")
    grid = page.grid
    assert grid.model.rowCount() == 1
    assert grid.model.index(0, 1).data() == "C-000001 Ruiz Hermanos SL"
    assert grid.model.index(0, 2).data().startswith("Transaction PAY-")
    assert "INV-" in grid.model.index(0, 3).data()
    qtbot.waitUntil(lambda: page.sides is not None, timeout=WAIT)
    mine = page.mine.toPlainText()
    assert "Transaction, new" in mine
    assert "Settlement, new" in mine
    assert "amount\n-1,234.56" in mine
    assert "Nov 20, 2026" in mine

    page.confirm = lambda _title, _text, _action: True  # type: ignore[method-assign]
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.discard_current()
    assert grid.model.rowCount() == 0
    qtbot.waitUntil(lambda: not status.conflicts.isVisible(), timeout=WAIT)
