"""Last month's statements at the first start after a month's end: the offer, Send now
(through a real SMTP server on loopback), the preference, and the Billing menu's entry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar
from sqlalchemy import func, select

from collections_desktop.app import Shell
from collections_desktop.formatting import Formats
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Employee, Mailing, OutboxMessage
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.mail.settings import MailServerValues, save_mail_server
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.people.users import login_name
from collections_desktop.models.statements.mailing import queue_month_statements
from collections_desktop.models.statements.period import month_period
from collections_desktop.views.dialogs.month_statements import MonthStatementsDialog
from collections_desktop.views.dialogs.preferences import PreferencesDialog
from collections_desktop.views.main_window import MainWindow
from collections_desktop.views.settings import MONTH_END_STATEMENTS
from tests.mail_server import MailServer
from tests.pdf_text import pdf_text
from tests.unit.test_mail import NOW, add_customers, plain

OCTOBER = month_period(2026, 10)
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def books(sqlite_db: Database) -> tuple[str, Database]:
    """Three customers owing since September (es, en, fr; the French one has no address),
    the computer's user an administrator employee. The clock says 23 November 2026."""
    with write_transaction(sqlite_db) as session:
        add_customers(session)
        agent = session.scalars(select(Employee).where(Employee.number == "E-MAIL")).one()
        agent.user_name = login_name()
    return str(sqlite_db.url.database), sqlite_db


def serve(database: Database, port: int) -> None:
    with write_transaction(database) as session:
        agent = session.scalars(select(Employee.id).where(Employee.number == "E-MAIL")).one()
        save_mail_server(
            session,
            None,
            0,
            MailServerValues("smtp", "127.0.0.1", str(port), "none", "", "ar@firm.example", ""),
            by=agent,
            now=NOW,
        )


def opened(qtbot, shell: Shell, path: str) -> MainWindow:  # type: ignore[no-untyped-def]
    assert shell.open(path)
    window = shell.window
    assert window is not None
    return window


def settled(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Every task the window started has finished (the month's check among them)."""
    qtbot.waitUntil(lambda: window.runner.active_tasks == 0, timeout=20_000)


def offer(qtbot, window: MainWindow) -> MonthStatementsDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.month_statements.dialog is not None, timeout=20_000)
    dialog = window.month_statements.dialog
    assert dialog is not None
    return dialog


def mailed(database: Database) -> dict[str, int]:
    with database.sessions() as session:
        rows = session.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        ).all()
    return {state: count for state, count in rows}


def test_the_offer_appears_and_send_now_sends_each_statement_once(
    qtbot, shell: Shell, books, dialogs
) -> None:
    path, database = books
    with MailServer() as server:
        serve(database, server.port)
        window = opened(qtbot, shell, path)
        dialog = offer(qtbot, window)
        assert dialog.isVisible()
        assert not dialog.isModal()  # the window stays usable while it waits
        assert dialog.text() == (
            "October's statements have not been sent: 3 customers had an open balance on "
            "October 31.\n\nSend them now?"
        )
        assert dialog.send_button is not None
        assert dialog.send_button.text() == "&Send now"
        assert dialog.later_button is not None
        assert dialog.later_button.text() == "&Later"
        with qtbot.waitSignal(window.month_statements.sent, timeout=60_000) as done:
            qtbot.mouseClick(dialog.send_button, LEFT)
        queued, report = done.args[0]
        assert (queued.queued, queued.already, report.sent) == (2, 0, 2)
        assert [c.name for c in queued.skipped] == ["Cliente 3"]
        assert window.statusBar().currentMessage() == (
            "October's statements: 2 queued now, 0 earlier, 1 without an e-mail address. "
            "2 e-mails sent."
        )
        received = {str(m["To"]): m for m in server.collector.messages}
        assert sorted(received) == ["c1@example.com", "c2@example.com"]
        spanish = received["c1@example.com"]
        assert (
            plain(str(spanish["Subject"])) == "Extracto de la cuenta M-001 – 31 de octubre de 2026"
        )
        [part] = list(spanish.iter_attachments())
        assert part.get_filename() == "M-001-2026-10.pdf"
        text = plain(pdf_text(part.get_content()))
        assert "Cliente 1" in text
        assert "1.234,50" in text  # the closing balance, written the Spanish way
        assert mailed(database) == {"sent": 2, "skipped": 1}

        # The menu entry now says they were sent, and offers nothing to send.
        window.month_statements_action.trigger()
        qtbot.waitUntil(
            lambda: (
                window.month_statements.dialog is not None
                and window.month_statements.dialog.send_button is None
            ),
            timeout=20_000,
        )
        summary = window.month_statements.dialog
        assert summary is not None
        assert summary.text() == (
            "October's statements have been sent: 3 customers had an open balance on "
            "October 31. 2 statements have been sent already. 1 customer has no e-mail "
            "address (see File ▸ Outbox)."
        )
        summary.close()
    assert len(server.collector.messages) == 2


def test_no_offer_once_the_mailing_holds_everyone(qtbot, shell: Shell, books) -> None:
    path, database = books
    with database.sessions() as session:
        agent = session.scalars(select(Employee.id).where(Employee.number == "E-MAIL")).one()
    queued = queue_month_statements(
        database,
        company_scope_of(database),
        OCTOBER,
        pdf=lambda _statement: b"%PDF-1.4\n%%EOF\n",
        now=NOW,
        agent_id=agent,
    )
    assert (queued.queued, len(queued.skipped)) == (2, 1)
    # Sent elsewhere (the command line): the window must not offer them again.
    with write_transaction(database) as session:
        for message in session.scalars(select(OutboxMessage)):
            if message.state == "queued":
                message.state = "sent"
    window = opened(qtbot, shell, path)
    settled(qtbot, window)
    qtbot.wait(200)
    assert window.month_statements.dialog is None
    assert window.findChild(MonthStatementsDialog) is None


def company_scope_of(database: Database):  # type: ignore[no-untyped-def]
    with database.sessions() as session:
        return company_scope(session)


def test_do_nothing_asks_nothing_and_later_sends_nothing(qtbot, shell: Shell, books) -> None:
    path, database = books
    shell.settings.set(MONTH_END_STATEMENTS, "nothing")
    window = opened(qtbot, shell, path)
    settled(qtbot, window)
    qtbot.wait(200)
    assert window.findChild(MonthStatementsDialog) is None

    # Asked for on demand (Billing menu): Later leaves everything as it was.
    window.month_statements_action.trigger()
    dialog = offer(qtbot, window)
    assert dialog.later_button is not None
    qtbot.mouseClick(dialog.later_button, LEFT)
    settled(qtbot, window)
    assert mailed(database) == {}
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Mailing)) == 0


def test_without_a_mail_server_send_now_says_so_and_queues_nothing(
    qtbot, shell: Shell, books, dialogs
) -> None:
    path, database = books
    window = opened(qtbot, shell, path)
    dialog = offer(qtbot, window)
    assert dialog.informativeText() == (
        "It cannot be sent now: no SMTP server is set up; an administrator sets it up in "
        "Set-up ▸ Mail server."
    )
    assert dialog.send_button is not None
    qtbot.mouseClick(dialog.send_button, LEFT)
    qtbot.waitUntil(lambda: bool(dialogs["information"]), timeout=20_000)
    assert dialogs["information"] == [
        (
            "Send e-mail",
            "No SMTP server is set up, so the statements cannot be sent: an administrator "
            "sets it up in Set-up ▸ Mail server. Nothing was queued.",
        )
    ]
    assert mailed(database) == {}


def test_send_automatically_sends_with_progress_in_the_status_bar(
    qtbot, shell: Shell, books, dialogs
) -> None:
    path, database = books
    shell.settings.set(MONTH_END_STATEMENTS, "send")
    with MailServer() as server:
        serve(database, server.port)
        server.collector.hold_at = 1  # hold the first mail: the progress is on show
        window = opened(qtbot, shell, path)
        qtbot.waitUntil(server.collector.holding.is_set, timeout=60_000)
        label = window.statusBar().findChild(QLabel, "mail_progress_label")
        assert label is not None
        qtbot.waitUntil(lambda: label.text() == "Sending e-mails…", timeout=10_000)
        bar = window.statusBar().findChild(QProgressBar, "mail_progress")
        assert bar is not None
        assert (bar.value(), bar.maximum()) == (0, 2)
        assert window.findChild(MonthStatementsDialog) is None  # nothing was asked
        with qtbot.waitSignal(window.month_statements.sent, timeout=60_000):
            server.collector.release.set()
        assert len(server.collector.messages) == 2
    assert mailed(database) == {"sent": 2, "skipped": 1}


def test_the_preference_is_kept(qtbot, shell: Shell, clock) -> None:
    dialog = PreferencesDialog(shell.settings, Formats("en_US"), clock.today())
    qtbot.addWidget(dialog)
    assert dialog.month_end.currentData() == "offer"
    assert [dialog.month_end.itemText(i) for i in range(dialog.month_end.count())] == [
        "Offer to send them",
        "Send them automatically",
        "Do nothing",
    ]
    dialog.month_end.setCurrentIndex(dialog.month_end.findData("nothing"))
    dialog.accept()
    assert shell.settings.get(MONTH_END_STATEMENTS) == "nothing"
    assert not dialog.changed_display
