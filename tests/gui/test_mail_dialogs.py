"""The Send e-mail dialog, the Outbox and the template editor, against a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow
from sqlalchemy import select

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity, Employee, OutboxMessage
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.mail.settings import MailServerValues, save_mail_server
from collections_desktop.models.people.scope import company_scope
from collections_desktop.views.actions import mailing
from collections_desktop.views.actions.mailing import send_template_mail, show_outbox
from collections_desktop.views.dialogs.mail_dialog import SendMailDialog
from collections_desktop.views.setup.mail_templates import MailTemplatesSection
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context
from tests.mail_server import MailServer
from tests.unit.test_mail import NOW, add_customers, plain

EN = Formats("en_US")


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def server() -> Iterator[MailServer]:
    with MailServer() as running:
        yield running


@pytest.fixture
def setting(qtbot, sqlite_db: Database, runner: TaskRunner, server: MailServer):  # type: ignore[no-untyped-def]
    with write_transaction(sqlite_db) as session:
        add_customers(session)
        agent = session.scalars(select(Employee.id).where(Employee.number == "E-MAIL")).one()
        save_mail_server(
            session,
            None,
            0,
            MailServerValues(
                "smtp", "127.0.0.1", str(server.port), "none", "", "ar@firm.example", "AR"
            ),
            by=agent,
            now=NOW,
        )
        scope = company_scope(session)
    context = page_context(
        sqlite_db,
        runner,
        scope,
        agent,
        FixedClock.on(NOW.date()),
        formats=EN,
        may_change_setup=True,
    )
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    return context, window


def open_send_dialog(qtbot, context, window, accounts) -> SendMailDialog:  # type: ignore[no-untyped-def]
    send_template_mail(context, window, accounts)
    qtbot.waitUntil(lambda: window.findChild(SendMailDialog) is not None, timeout=10_000)
    dialog = window.findChild(SendMailDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.prepared or dialog.error.isVisible(), timeout=10_000)
    return dialog


def test_the_dialog_previews_each_customer_lists_the_skipped_and_sends(
    qtbot, setting, server: MailServer, sqlite_db: Database
) -> None:
    context, window = setting
    dialog = open_send_dialog(qtbot, context, window, ["M-001", "M-002", "M-003"])
    assert dialog.template.currentData() == "REMINDER"
    assert dialog.summary.text() == ("2 e-mails to send. 1 customer is skipped: no e-mail address.")
    rows = [dialog.customers.item(i).text() for i in range(dialog.customers.count())]
    assert rows == [
        "M-001 Cliente 1 — c1@example.com",
        "M-002 Cliente 2 — c2@example.com",
        "M-003 Cliente 3 — skipped: no e-mail address",
    ]
    assert dialog.subject.text() == "Recordatorio de pago – cuenta M-001"
    assert "Total vencido: 1.234,50 EUR." in plain(dialog.text.toPlainText())
    dialog.customers.setCurrentRow(2)
    assert dialog.to.text() == "No e-mail address: this customer is skipped."
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: len(server.collector.messages) == 2, timeout=15_000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() != "", timeout=10_000)
    assert window.statusBar().currentMessage() == "2 e-mails sent."
    with sqlite_db.sessions() as session:
        states = sorted(session.scalars(select(OutboxMessage.state)))
        mails = session.scalars(select(Activity).where(Activity.category == "EMAIL")).all()
    assert states == ["sent", "sent", "skipped"]
    assert len(mails) == 2


def test_a_template_error_is_shown_with_its_line_and_nothing_can_be_sent(
    qtbot, setting, sqlite_db: Database
) -> None:
    context, window = setting
    from collections_desktop.models.db.schema import MailTemplate, MailTemplateText

    with write_transaction(sqlite_db) as session:
        text = session.scalars(
            select(MailTemplateText)
            .join(MailTemplate)
            .where(MailTemplate.code == "REMINDER", MailTemplateText.language == "en")
        ).one()
        text.body = "Dear {{ contact.name }},\n\n{{ customer.__class__ }}"
    dialog = open_send_dialog(qtbot, context, window, ["M-002"])
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "line 3" in dialog.error.text()
    assert "M-002" in dialog.error.text()
    assert not dialog.ok_button.isEnabled()
    with sqlite_db.sessions() as session:
        assert session.scalars(select(OutboxMessage)).all() == []


def test_the_outbox_lists_the_mailing_with_its_counts(qtbot, setting, server: MailServer) -> None:
    context, window = setting
    dialog = open_send_dialog(qtbot, context, window, ["M-001", "M-003"])
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: len(server.collector.messages) == 1, timeout=15_000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() != "", timeout=10_000)
    outbox = show_outbox(context, window)
    qtbot.waitUntil(lambda: outbox.messages_view.topLevelItemCount() == 2, timeout=10_000)
    mailing_row = outbox.mailings.topLevelItem(0)
    assert [mailing_row.text(i) for i in (2, 3, 4, 5, 6)] == ["1", "0", "0", "0", "1"]
    states = {
        outbox.messages_view.topLevelItem(i).text(0): outbox.messages_view.topLevelItem(i).text(3)
        for i in range(2)
    }
    assert states == {"M-001": "Sent", "M-003": "Skipped"}


def test_outlook_users_get_drafts_opened_in_their_mail_program(
    qtbot, setting, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    context, window = setting
    opened = []
    monkeypatch.setattr(mailing, "open_url", lambda url: opened.append(url) or True)
    with write_transaction(sqlite_db) as session:
        from collections_desktop.models.mail.settings import read_mail_server

        row = read_mail_server(session)
        agent = context.employee_id
        save_mail_server(
            session,
            row.id,
            row.version,
            MailServerValues("program", "", "587", "starttls", "", "ar@firm.example", "AR"),
            by=agent,
            now=NOW,
        )
    dialog = open_send_dialog(qtbot, context, window, ["M-002"])
    assert dialog.ok_button.text() == "Open in my e-mail program"
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=15_000)
    path = opened[0].toLocalFile()
    assert path.endswith(".eml")
    content = Path(path).read_bytes()
    assert b"X-Unsent: 1" in content
    assert b"Payment reminder" in content


def test_the_template_editor_previews_a_real_customer_and_marks_an_error(
    qtbot, setting, sqlite_db: Database
) -> None:
    context, _window = setting
    section = MailTemplatesSection(context)
    qtbot.addWidget(section)
    section.show()
    section.activate()
    qtbot.waitUntil(lambda: section.grid.model.rowCount() == 3, timeout=10_000)
    qtbot.waitUntil(lambda: bool(section.preview_body.toPlainText()), timeout=10_000)
    section.select_id(section.rows[1].id)  # REMINDER
    section.update_preview()
    assert section.preview_language.text() == "In Spanish, the customer's language."
    assert section.preview_subject.text() == "Recordatorio de pago – cuenta M-001"
    section.bodies["es"].setPlainText("Hola\n{{ contact.nombre }}")
    section.update_preview()
    assert section.preview_error.isVisible()
    assert "body, line 2" in section.preview_error.text()
    assert section.bodies["es"].extraSelections()


def test_the_latest_collection_letter_is_attached_as_a_pdf(
    qtbot, setting, server: MailServer, sqlite_db: Database
) -> None:
    from collections_desktop.models.db.schema import Customer
    from collections_desktop.models.letters.run import create_letters

    context, window = setting
    with write_transaction(sqlite_db) as session:
        customer = session.scalars(select(Customer).where(Customer.account == "M-002")).one()
        customer.letter_sequence = "STD"
        run = create_letters(
            session, company_scope(session), NOW.date(), NOW, customer_ids=[customer.id],
            created_by_id=None,
        )  # fmt: skip
        [number] = [letter.number for letter in run.created]
    dialog = open_send_dialog(qtbot, context, window, ["M-002"])
    dialog.attach.setChecked(True)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: len(server.collector.messages) == 1, timeout=20_000)
    [pdf] = list(server.collector.messages[0].iter_attachments())
    assert pdf.get_filename() == f"{number}.pdf"
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content().startswith(b"%PDF")
