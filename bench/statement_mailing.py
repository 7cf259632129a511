"""Benchmark: last month's statements e-mailed to every customer with an open balance, each
with its PDF, to a real SMTP server on loopback (aiosmtpd).

    python bench/statement_mailing.py                    # a new demo of 2,750 customers
    python bench/statement_mailing.py --customers 2000   # (about 73 % owe at a month's end)
    python bench/statement_mailing.py DATABASE --month 2026-11

Runs ``statements.mailing.mail_month_statements`` as ``statements --send`` does and prints:
- print: the mails filled and the statements read and printed as PDF, outside any
  transaction (per statement, and the PDFs' total size);
- queue: the ONE write transaction that queues the whole mailing with its attachments
  (the time the database's write lock is held);
- send: every mail handed to the server, one connection, mails per second;
- again: a second run, which finds every customer in the mailing and prints nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from collections_desktop.app import ensure_application
from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.schema import Employee
from collections_desktop.models.mail.outbox import send_pending
from collections_desktop.models.mail.smtp import SmtpSettings
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.statements.mailing import queue_month_statements
from collections_desktop.models.statements.period import last_month, parse_month
from collections_desktop.models.statements.statement import Statement
from collections_desktop.views.statement_pdf import statement_pdf_bytes
from tests.mail_server import MailServer


class Clocked:
    """The run's progress, with the moment the printing ended."""

    cancelled = False

    def __init__(self) -> None:
        self.printed_at: float | None = None

    def progress(self, done: int, total: int, what: str = "") -> None:
        if what == "Printing statements" and done >= total:
            self.printed_at = time.perf_counter()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?", help="a company file (default: a new demo)")
    parser.add_argument("--customers", type=int, default=2750, help="the demo's size")
    parser.add_argument("--month", help="YYYY-MM (default: the month before today)")
    args = parser.parse_args()
    period = parse_month(args.month) if args.month else last_month(dt.date.today())
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as scratch, MailServer() as server:
        path = args.database
        if path is None:
            path = str(Path(scratch) / "demo.sqlite")
            started = time.perf_counter()
            write_demo_company(path, customers=args.customers, seed=7)
            print(f"demo of {args.customers} customers in {time.perf_counter() - started:.1f} s")
        ensure_application()
        database = open_company(path, create=False, clock=clock)
        settings = SmtpSettings(
            "127.0.0.1", server.port, "none", "", "ar@firm.example", "Accounts receivable"
        )
        sizes: list[int] = []

        def pdf(statement: Statement) -> bytes:
            content = statement_pdf_bytes(statement)
            sizes.append(len(content))
            return content

        try:
            with database.sessions() as session:
                scope = company_scope(session)
                agent = session.scalar(select(Employee.id).order_by(Employee.number).limit(1))
            state = Clocked()
            started = time.perf_counter()
            queued = queue_month_statements(
                database, scope, period, pdf=pdf, now=clock.now(), agent_id=agent, state=state
            )
            ended = time.perf_counter()
            assert state.printed_at is not None
            count = len(sizes)
            printing, queueing = state.printed_at - started, ended - state.printed_at
            print(
                f"print: {count} statements (mail filled, statement read, PDF) in "
                f"{printing:.1f} s, {printing / max(count, 1) * 1000:.1f} ms each, "
                f"PDFs {sum(sizes) / 1e6:.1f} MB ({sum(sizes) / max(count, 1) / 1000:.0f} kB each)"
            )
            print(
                f"queue: {queued.queued} queued, {len(queued.skipped)} skipped in ONE write "
                f"transaction of {queueing:.2f} s"
            )
            assert queued.mailing_id is not None
            started = time.perf_counter()
            report = send_pending(
                database, settings, None, now=clock.now, mailing_id=queued.mailing_id
            )
            sending = time.perf_counter() - started
            print(
                f"send: {report.sent} sent in {sending:.1f} s, "
                f"{report.sent / max(sending, 1e-9):.0f} mails/s "
                f"(server received {len(server.collector.messages)}, "
                f"doubled {len(server.collector.doubled())})"
            )
            total = printing + queueing + sending
            print(f"total: {total:.1f} s for {queued.queued} statements e-mailed")
            sizes.clear()
            started = time.perf_counter()
            again = queue_month_statements(
                database, scope, period, pdf=pdf, now=clock.now(), agent_id=agent
            )
            print(
                f"again: {again.queued} queued, {again.already} already, {len(sizes)} printed "
                f"in {time.perf_counter() - started:.1f} s"
            )
        finally:
            database.dispose()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
