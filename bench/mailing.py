"""Benchmark: a mass mailing of template e-mails with a PDF attached, to a real SMTP server
on loopback (aiosmtpd), which is stopped midway and started again.

    python bench/mailing.py                      # 1,000 customers of a new demo company
    python bench/mailing.py --customers 2000 --stop-after 700

Prints:
- fill: the reminder template filled for every customer in their language (one read per
  customer: card, open items, aging), per mail;
- queue: the mailing written in one transaction, attachments included;
- send: the first run until the server goes away (stopped after ``--stop-after`` mails),
  then the runs after it is started again, mails per second over the whole sending;
- the outcome: mails the server received, each Message-ID counted: doubled (must be 0),
  lost (neither received nor shown as failed or unconfirmed: must be 0), and the states
  in the outbox.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from collections_desktop.app import ensure_application
from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.schema import (
    CollectionLetter,
    Customer,
    Employee,
    OutboxMessage,
)
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.letters.read import letter_detail
from collections_desktop.models.mail.mailing import outgoing, prepare_mails
from collections_desktop.models.mail.outbox import (
    queue_mailing,
    recover_stale_claims,
    send_pending,
)
from collections_desktop.models.mail.smtp import Attachment, SmtpSettings
from collections_desktop.models.mail.templates import template_by_code
from collections_desktop.models.people.scope import company_scope
from collections_desktop.views.pdf import pdf_bytes, text_document
from collections_desktop.views.printing import letter_pdf_bytes
from tests.mail_server import MailServer


def _sample_pdf() -> bytes:
    """A one-page document the size of a collection letter (the demo posts no letters)."""
    rows = "".join(
        f"<tr><td>INV-{n:07d}</td><td>2026-10-{n % 28 + 1:02d}</td><td align=right>"
        f"{n * 137.5:,.2f} EUR</td></tr>"
        for n in range(1, 25)
    )
    html = (
        "<h2>Payment reminder</h2><p>Dear customer, the items below are past due.</p>"
        f"<table width=100%>{rows}</table><p>Kind regards,<br/>Collections</p>"
    )
    return pdf_bytes(text_document(html, "letter"), "letter", "CL-0000001")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--stop-after", type=int, default=500)
    args = parser.parse_args()
    ensure_application()
    folder = Path(tempfile.mkdtemp(prefix="bench-mailing-"))
    path = folder / "demo.sqlite"
    clock = SystemClock()
    today = clock.today()
    write_demo_company(str(path), customers=args.customers, seed=7, today=today)
    database = open_company(path, clock=clock, create=False)
    with database.sessions() as session:
        scope = company_scope(session)
        ids = list(
            session.scalars(select(Customer.id).order_by(Customer.account).limit(args.customers))
        )
        agent = session.scalar(select(Employee.id).order_by(Employee.number).limit(1))
        letter = session.scalar(select(CollectionLetter.id).limit(1))
        pdf = (
            letter_pdf_bytes(letter_detail(session, letter), copy=True)
            if letter is not None
            else _sample_pdf()
        )
        template = template_by_code(session, "REMINDER")
        started = time.perf_counter()
        mails = prepare_mails(session, scope, template, ids, today, agent_id=agent)
        fill = time.perf_counter() - started
    files = {mail.customer_id: (Attachment("letter.pdf", pdf),) for mail in mails}
    started = time.perf_counter()
    with write_transaction(database) as session:
        queue_mailing(
            session,
            scope,
            key=f"bench:{today}",
            name="bench",
            messages=outgoing(mails, files),
            now=clock.now(),
            created_by=agent,
        )
    queued = time.perf_counter() - started
    sending = sum(1 for mail in mails if not mail.skipped)

    server = MailServer().start()
    settings = SmtpSettings("127.0.0.1", server.port, "none", "", "bench@example.com", "Bench")

    def stop_midway() -> None:
        while len(server.collector.messages) < args.stop_after:
            time.sleep(0.005)
        server.stop()

    watcher = threading.Thread(target=stop_midway, name="stop-midway")
    watcher.start()
    started = time.perf_counter()
    first = send_pending(database, settings, None)
    watcher.join()
    first_seconds = time.perf_counter() - started
    server.start()  # the same port, the same collector: the server is back
    runs, later = [first], clock.now()
    restarted = time.perf_counter()
    for _attempt in range(10):
        later += dt.timedelta(hours=1)  # past every back-off
        report = send_pending(database, settings, None, now=lambda at=later: at)
        runs.append(report)
        with database.sessions() as session:
            waiting = session.scalar(select(func.count()).where(OutboxMessage.state == "queued"))
        if not waiting:
            break
    rest_seconds = time.perf_counter() - restarted
    recover_stale_claims(database, later + dt.timedelta(hours=1))
    server.stop()

    received = Counter(str(m["Message-ID"]) for m in server.collector.messages)
    with database.sessions() as session:
        rows = session.execute(select(OutboxMessage.message_id, OutboxMessage.state)).all()
    states = Counter(state for _mid, state in rows)
    lost = [
        mid
        for mid, state in rows
        if state not in ("failed", "unconfirmed", "skipped") and mid not in received
    ]
    doubled = [mid for mid, count in received.items() if count > 1]
    unconfirmed_received = sum(
        1 for mid, state in rows if state == "unconfirmed" and mid in received
    )
    total = first_seconds + rest_seconds
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"mails: {len(mails):,} ({sending:,} with an address), PDF {len(pdf):,} bytes each")
    print(f"fill: {fill:.1f} s ({fill / len(mails) * 1000:.1f} ms per mail)")
    print(f"queue: {queued:.2f} s (one transaction)")
    print(
        f"send: first run {first.sent:,} sent in {first_seconds:.1f} s, stopped: "
        f"{(first.stopped or '-')[:70]}"
    )
    print(
        f"      after the restart {sum(r.sent for r in runs[1:]):,} sent in "
        f"{rest_seconds:.1f} s over {len(runs) - 1} run(s); "
        f"{sum(r.sent for r in runs) / total:.0f} mails/s overall"
    )
    print(f"server received {sum(received.values()):,} mails, {len(received):,} distinct")
    print(f"doubled: {len(doubled)}, lost: {len(lost)}")
    print(
        f"outbox: {dict(states)} (unconfirmed and received by the server: {unconfirmed_received})"
    )
    database.dispose()


if __name__ == "__main__":
    main()
