"""A sender killed between the server taking a mail and the outbox recording it: the mail
is never sent again by itself, the rest go on the next run, nobody gets a mail twice."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer, Employee, OutboxMessage
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.mail.outbox import (
    CLAIM_TIMEOUT,
    recover_stale_claims,
    send_pending,
)
from tests.mail_server import MailServer
from tests.unit.test_mail import NOW, add_customers, queue, settings_for

ROOT = Path(__file__).resolve().parents[2]

SENDER = """
import sys
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.mail.outbox import send_pending
from collections_desktop.models.mail.smtp import SmtpSettings

database = open_company(sys.argv[1], clock=SystemClock(), create=False)
settings = SmtpSettings("127.0.0.1", int(sys.argv[2]), "none", "", "ar@firm.example", "AR")
send_pending(database, settings, None)
"""


def states(database: Database) -> dict[str, str]:
    with database.sessions() as session:
        rows = session.execute(
            select(Customer.account, OutboxMessage.state).join(
                Customer, Customer.id == OutboxMessage.customer_id
            )
        )
        return dict(rows.all())


def test_a_sender_killed_in_the_crash_window_never_sends_twice(sqlite_db: Database) -> None:
    with write_transaction(sqlite_db) as session:
        customers = add_customers(session, ("en",) * 6)  # the sixth has no address
        agent = session.scalars(select(Employee.id).where(Employee.number == "E-MAIL")).one()
    queue(sqlite_db, [c.id for c in customers], agent)
    path = sqlite_db.url.database
    assert path is not None
    with MailServer() as server:
        server.collector.hold_at = 3  # the third mail is taken, its answer held back
        sender = subprocess.Popen(
            [sys.executable, "-c", SENDER, path, str(server.port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            assert server.collector.holding.wait(120), "the sender never reached the third mail"
            os.kill(sender.pid, signal.SIGKILL)
            assert sender.wait(30) == -signal.SIGKILL
        finally:
            if sender.poll() is None:
                sender.kill()
                sender.wait()
            server.collector.release.set()
        assert states(sqlite_db) == {
            "M-001": "sent",
            "M-002": "sent",
            "M-003": "sending",  # the server has it; the outbox cannot know
            "M-004": "queued",
            "M-005": "queued",
            "M-006": "skipped",
        }
        # The next run (a restart) sends the rest, and not the one in doubt.
        report = send_pending(sqlite_db, settings_for(server), None, now=lambda: NOW)
        assert report.sent == 2
        later = dt.datetime.now(dt.UTC) + CLAIM_TIMEOUT + dt.timedelta(seconds=1)
        assert recover_stale_claims(sqlite_db, later) == 1
        again = send_pending(sqlite_db, settings_for(server), None, now=lambda: later)
        assert again.sent == 0
        received = server.collector.message_ids
    assert len(received) == 5
    assert len(set(received)) == 5
    assert states(sqlite_db)["M-003"] == "unconfirmed"
    assert set(states(sqlite_db).values()) == {"sent", "unconfirmed", "skipped"}
