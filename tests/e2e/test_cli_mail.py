"""``collections-desktop mail send``: what is queued goes, with a clear exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Employee
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.mail.settings import MailServerValues, save_mail_server
from tests.mail_server import MailServer
from tests.unit.test_mail import NOW, add_customers, queue

ROOT = Path(__file__).resolve().parents[2]


def mail_send(database: Database, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "collections_desktop", "--database", str(database.url.database),
         "mail", "send", *extra],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "LANGUAGE": "en"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip


def test_mail_send_sends_the_queue_and_says_so(sqlite_db: Database) -> None:
    with write_transaction(sqlite_db) as session:
        customers = add_customers(session)
        agent = session.scalars(select(Employee.id).where(Employee.number == "E-MAIL")).one()
    queue(sqlite_db, [c.id for c in customers], agent)
    nothing = mail_send(sqlite_db)
    assert nothing.returncode == 2
    assert "No SMTP server is set up" in nothing.stderr
    with MailServer() as server:
        with write_transaction(sqlite_db) as session:
            save_mail_server(
                session,
                None,
                0,
                MailServerValues(
                    "smtp", "127.0.0.1", str(server.port), "none", "", "ar@firm.example", ""
                ),
                by=agent,
                now=NOW,
            )
        done = mail_send(sqlite_db)
        assert done.returncode == 0, done.stderr
        assert "2 sent, 0 to try again later, 0 failed" in done.stdout
        assert len(server.collector.messages) == 2
        again = mail_send(sqlite_db)
        assert again.returncode == 0
        assert again.stdout.startswith("0 sent")
    gone = mail_send(sqlite_db)  # nothing due: nothing to connect to, still fine
    assert gone.returncode == 0
