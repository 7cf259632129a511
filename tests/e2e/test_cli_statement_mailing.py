"""``collections-desktop statements --month 2026-11 --send``: one statement per customer and
month by e-mail, the PDF attached in the customer's language; a second run sends none, a
run killed after queueing resumes, a customer without an address is skipped and listed."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    Customer,
    Employee,
    Mailing,
    OutboxAttachment,
    OutboxMessage,
    TransactionType,
)
from collections_desktop.models.db.schema import MailServer as MailServerRow
from collections_desktop.models.ledger import settlements
from collections_desktop.models.mail.settings import MailServerValues, save_mail_server
from tests.mail_server import MailServer, free_port
from tests.pdf_text import pdf_text
from tests.unit.test_statements import NOW, add_customer, euro_books, post

ROOT = Path(__file__).resolve().parents[2]


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ").replace("\u2060", "")


@pytest.fixture
def books(sqlite_db: Database) -> dict[str, str]:
    """Owing at the end of November: a Spanish customer (810.00), an English one
    (1,234.56) and a Portuguese one without an e-mail address (75.00); one who paid
    everything. An administrator, whose server is added by ``serve``."""
    with sqlite_db.sessions() as session:
        spanish, _docs = euro_books(session)
        spanish.email = "cuentas@ruiz.example"
        english = add_customer(session, country="GB", language="en", name="Lawrence & Smith Ltd")
        english.email = "ledger@lawrence.example"
        post(session, english, TransactionType.INVOICE, "1234.56", dt.date(2026, 11, 3))
        silent = add_customer(session, country="PT", language="pt", name="Sem Correio Lda")
        post(session, silent, TransactionType.INVOICE, "75.00", dt.date(2026, 11, 8))
        paid = add_customer(session, name="Paid Up SA")
        paid.email = "paid@example.com"
        invoice = post(session, paid, TransactionType.INVOICE, "80.00", dt.date(2026, 11, 1))
        payment = post(session, paid, TransactionType.PAYMENT, "80.00", dt.date(2026, 11, 9))
        settlements.settle(
            session, {invoice.id: Decimal(80), payment.id: Decimal(80)}, dt.date(2026, 11, 9), NOW
        )
        admin = Employee(
            number="E-ADM", name="Marta Soto", user_name="msoto", is_administrator=True,
            email="m.soto@firm.example", updated_at=NOW,
        )  # fmt: skip
        session.add(admin)
        session.commit()
        found = {"es": spanish.account, "en": english.account, "pt": silent.account}
        found["paid"] = paid.account
    path = str(sqlite_db.url.database)
    return {**found, "database": path}


def serve(database: Database, port: int) -> None:
    """Set the company's server to 127.0.0.1:``port`` (no login)."""
    with database.sessions() as session:
        admin = session.scalars(select(Employee.id).where(Employee.number == "E-ADM")).one()
        row = session.scalars(select(MailServerRow)).one_or_none()
        save_mail_server(
            session,
            row.id if row else None,
            row.version if row else 0,
            MailServerValues("smtp", "127.0.0.1", str(port), "none", "", "ar@firm.example", "AR"),
            by=admin,
            now=NOW,
        )
        session.commit()


def send(run_cli, books, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli(
        "statements", "--month", "2026-11", "--send", *extra, "--database", books["database"]
    )


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    [part] = list(message.iter_attachments())
    content = part.get_content()
    assert isinstance(content, bytes)
    return str(part.get_filename()), content


def test_each_customer_gets_their_statement_once(
    run_cli, books, sqlite_db: Database, tmp_path: Path
) -> None:
    nowhere = send(run_cli, books)
    assert nowhere.returncode == 2
    assert nowhere.stderr == (
        "error: No SMTP server is set up (Set-up ▸ Mail server in the app); no statement "
        "was queued.\n"
    )
    folder = tmp_path / "sent"
    with MailServer() as server:
        serve(sqlite_db, server.port)
        done = send(run_cli, books, "--pdf", str(folder))
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == [
            "Statements for 2026-11: 2 queued now, 0 already queued earlier, 1 skipped "
            "(no e-mail address).",
            f"  {books['pt']}  Sem Correio Lda: no e-mail address",
            "2 sent, 0 to try again later, 0 failed, 0 unconfirmed, 0 still queued.",
        ]
        received = {str(m["To"]): m for m in server.collector.messages}
        assert sorted(received) == ["cuentas@ruiz.example", "ledger@lawrence.example"]

        spanish = received["cuentas@ruiz.example"]
        assert plain(str(spanish["Subject"])) == (
            f"Extracto de la cuenta {books['es']} – 30 de noviembre de 2026"
        )
        assert "Su saldo es de 810,00 EUR." in plain(spanish.get_body().get_content())
        name, content = attachment(spanish)
        assert name == f"{books['es']}-2026-11.pdf"
        text = plain(pdf_text(content))
        assert "Ruiz Hermanos SL" in text
        # In Spanish: the movements' descriptions, the country, the figures' format.
        assert "Factura" in text
        assert "Gastos" in text
        assert "España" in text
        assert "810,00" in text
        assert "1,234.56" not in text

        english = received["ledger@lawrence.example"]
        assert str(english["Subject"]).startswith(f"Statement of account {books['en']}")
        name, content = attachment(english)
        assert name == f"{books['en']}-2026-11.pdf"
        text = plain(pdf_text(content))
        assert "Lawrence & Smith Ltd" in text
        assert "Invoice" in text
        assert "Closing balance" in text
        assert "1,234.56" in text

        # --pdf keeps what this run printed, the skipped customer's too (to post it).
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            f"{books[who]}-2026-11.pdf" for who in ("es", "en", "pt")
        )
        assert (folder / name).read_bytes() == content

        again = send(run_cli, books)
        assert again.returncode == 0, again.stderr
        assert again.stdout.splitlines() == [
            "Statements for 2026-11: 0 queued now, 3 already queued earlier, 0 skipped "
            "(no e-mail address).",
            "0 sent, 0 to try again later, 0 failed, 0 unconfirmed, 0 still queued.",
        ]
        assert len(server.collector.messages) == 2
    with sqlite_db.sessions() as session:
        assert session.scalars(select(Mailing.key)).all() == ["statements:2026-11"]
        rows = session.execute(
            select(Customer.account, OutboxMessage.state).join(
                Customer, Customer.id == OutboxMessage.customer_id
            )
        ).all()
        assert dict(rows) == {books["es"]: "sent", books["en"]: "sent", books["pt"]: "skipped"}
        # Nothing attached to the mail that is not sent; one e-mail action per mail sent.
        assert session.scalar(select(func.count()).select_from(OutboxAttachment)) == 2
        assert session.scalar(
            select(func.count()).where(Activity.category == "EMAIL")
        ) == 2  # fmt: skip


def test_one_customer_first_then_the_rest(run_cli, books, sqlite_db: Database) -> None:
    with MailServer() as server:
        serve(sqlite_db, server.port)
        one = send(run_cli, books, "--customer", books["en"])
        assert one.returncode == 0, one.stderr
        assert one.stdout.splitlines()[0] == (
            "Statements for 2026-11: 1 queued now, 0 already queued earlier, 0 skipped "
            "(no e-mail address)."
        )
        rest = send(run_cli, books)
        assert rest.returncode == 0, rest.stderr
        assert rest.stdout.splitlines()[0] == (
            "Statements for 2026-11: 1 queued now, 1 already queued earlier, 1 skipped "
            "(no e-mail address)."
        )
        assert sorted(str(m["To"]) for m in server.collector.messages) == [
            "cuentas@ruiz.example",
            "ledger@lawrence.example",
        ]


def test_a_run_killed_after_queueing_resumes_and_sends_each_once(
    books, sqlite_db: Database, profile: Path
) -> None:
    """The server is a socket that never greets: the command queues everything, commits,
    then waits for the greeting, and is killed there. The next run queues nothing, prints
    nothing again and sends every statement once."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", free_port()))
    silent.listen(1)
    port = silent.getsockname()[1]
    serve(sqlite_db, port)
    command = [
        sys.executable, "-m", "collections_desktop", "--database", books["database"],
        "statements", "--month", "2026-11", "--send",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANGUAGE": "en", "QT_QPA_PLATFORM": "offscreen"}
    sender = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        silent.settimeout(240)
        connection, _address = silent.accept()  # the mailing is committed: sending starts
        os.kill(sender.pid, signal.SIGKILL)
        assert sender.wait(30) == -signal.SIGKILL
        connection.close()
    finally:
        if sender.poll() is None:
            sender.kill()
            sender.wait()
        silent.close()
    with sqlite_db.sessions() as session:
        states = dict(
            session.execute(
                select(Customer.account, OutboxMessage.state).join(
                    Customer, Customer.id == OutboxMessage.customer_id
                )
            ).all()
        )
        first_ids = set(session.scalars(select(OutboxMessage.id)))
    assert states == {books["es"]: "queued", books["en"]: "queued", books["pt"]: "skipped"}

    server = MailServer()
    server.port = port
    with server:
        resumed = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert resumed.returncode == 0, resumed.stderr
        assert resumed.stdout.splitlines() == [
            "Statements for 2026-11: 0 queued now, 3 already queued earlier, 0 skipped "
            "(no e-mail address).",
            "2 sent, 0 to try again later, 0 failed, 0 unconfirmed, 0 still queued.",
        ]
        assert sorted(str(m["To"]) for m in server.collector.messages) == [
            "cuentas@ruiz.example",
            "ledger@lawrence.example",
        ]
        assert server.collector.doubled() == []
        for message in server.collector.messages:
            name, content = attachment(message)
            assert name.endswith("-2026-11.pdf")
            assert content.startswith(b"%PDF")
    with sqlite_db.sessions() as session:
        assert set(session.scalars(select(OutboxMessage.id))) == first_ids
