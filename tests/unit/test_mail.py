"""Template e-mails and the outbox against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    Customer,
    Employee,
    MailTemplate,
    MailTemplateText,
    OutboxMessage,
)
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.ledger import postings
from collections_desktop.models.mail import credentials
from collections_desktop.models.mail.mailing import MailingProblem, outgoing, prepare_mails
from collections_desktop.models.mail.outbox import (
    CLAIM_TIMEOUT,
    OutboxError,
    list_mailings,
    list_messages,
    mark_sent,
    queue_mailing,
    recover_stale_claims,
    retry,
    send_pending,
)
from collections_desktop.models.mail.render import (
    TemplateProblem,
    check_template,
    choose_language,
    mail_data,
    render_mail,
    render_text,
)
from collections_desktop.models.mail.settings import (
    MailServerValues,
    read_mail_server,
    save_mail_server,
)
from collections_desktop.models.mail.smtp import Attachment, SmtpSettings
from collections_desktop.models.mail.templates import (
    TemplateText,
    TemplateValues,
    list_templates,
    save_template,
    template_by_code,
)
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.setup.fields import SetupError
from tests.mail_server import MailServer

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
TODAY = NOW.date()
PDF = b"%PDF-1.4 a letter\n%%EOF\n"


def settings_for(server: MailServer, user: str = "") -> SmtpSettings:
    return SmtpSettings(
        "127.0.0.1", server.port, "none", user, "collections@firm.example", "Firm Collections"
    )


def add_customers(session, languages=("es", "en", "fr")) -> list[Customer]:
    """Customers with an overdue invoice each, in the given languages; the last has no
    address."""
    agent = Employee(
        number="E-MAIL",
        name="Marta Soto",
        email="m.soto@firm.example",
        phone="+34 91 000",
        is_administrator=True,
        updated_at=NOW,
    )
    session.add(agent)
    found = []
    for number, language in enumerate(languages, 1):
        customer = Customer(
            account=f"M-{number:03d}",
            name=f"Cliente {number}",
            currency="EUR",
            language=language,
            email=f"c{number}@example.com" if number < len(languages) else None,
            updated_at=NOW,
        )
        session.add(customer)
        session.flush()
        postings.post_invoice(
            session,
            customer_id=customer.id,
            amount=D("1234.50"),
            posting_date=dt.date(2026, 9, 1),
            due_date=dt.date(2026, 10, 1),
            document_number=f"INV-{number}",
            now=NOW,
        )
        found.append(customer)
    session.flush()
    return found


@pytest.fixture
def company(sqlite_db: Database):
    with write_transaction(sqlite_db) as session:
        customers = add_customers(session)
        agent = session.scalars(select(Employee).where(Employee.number == "E-MAIL")).one()
        ids = [c.id for c in customers]
    return sqlite_db, ids, agent.id


def queue(database, ids, agent_id, *, key="reminders:2026-11", code="REMINDER", pdf=True):
    with write_transaction(database) as session:
        scope = company_scope(session)
        template = template_by_code(session, code)
        mails = prepare_mails(session, scope, template, ids, TODAY, agent_id=agent_id)
        files = {i: (Attachment("letter.pdf", PDF),) for i in ids} if pdf else {}
        return queue_mailing(
            session,
            scope,
            key=key,
            name="November reminders",
            messages=outgoing(mails, files),
            now=NOW,
            created_by=agent_id,
        )


def plain(text: str) -> str:
    """``text`` with the locale's no-break spaces as plain ones."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def states(database) -> dict[str, str]:
    with database.sessions() as session:
        rows = session.execute(
            select(Customer.account, OutboxMessage.state).join(
                Customer, Customer.id == OutboxMessage.customer_id
            )
        )
        return dict(rows.all())


# --- templates and rendering -------------------------------------------------------------


def test_a_new_company_has_the_standard_templates_in_four_languages(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        templates = {row.code: row for row in list_templates(session)}
    assert set(templates) == {"REMINDER", "STATEMENT", "OVERDUE"}
    for row in templates.values():
        assert row.languages == ("en", "es", "fr", "pt")
        for text in row.texts.values():
            check_template(text.subject)
            check_template(text.body)


def test_the_customers_language_is_chosen_and_amounts_are_in_its_locale(company) -> None:
    database, ids, agent = company
    with database.sessions() as session:
        template = template_by_code(session, "REMINDER")
        spanish, english, french = prepare_mails(
            session, company_scope(session), template, ids, TODAY, agent_id=agent
        )
    assert spanish.mail.language == "es"
    assert spanish.mail.subject == "Recordatorio de pago – cuenta M-001"
    assert "Total vencido: 1.234,50 EUR." in plain(spanish.mail.body)
    assert "La partida más antigua venció el 1 oct 2026 (hace 53 días)." in plain(spanish.mail.body)
    assert "INV-1" in plain(spanish.mail.body)
    assert "Marta Soto\nm.soto@firm.example" in plain(spanish.mail.body)
    assert english.mail.subject == "Payment reminder – account M-002"
    assert "Past due in all: 1,234.50 EUR." in plain(english.mail.body)
    assert french.mail.language == "fr"
    assert "Total échu : 1 234,50 EUR." in plain(french.mail.body)
    assert french.mail.to == ""  # the last customer has no address


def test_a_language_the_template_lacks_falls_back_to_the_companys() -> None:
    assert choose_language("pt_BR", "en", ("en", "pt")) == "pt"
    assert choose_language("de", "es", ("en", "es")) == "es"
    assert choose_language("de", "fr", ("en",)) == "en"


def test_template_errors_name_their_line(company) -> None:
    database, ids, agent = company
    with database.sessions() as session:
        data = mail_data(
            session, company_scope(session), ids[0], TODAY, language="en", agent_id=agent
        )
    with pytest.raises(TemplateProblem) as syntax:
        check_template("Hello\n{{ customer.name }\nBye")
    assert syntax.value.line == 2
    assert "line 2" in str(syntax.value)
    with pytest.raises(TemplateProblem) as unknown:
        check_template("Hello\n\n{{ custmer.name }}")
    assert unknown.value.line == 3
    assert "custmer" in str(unknown.value)
    with pytest.raises(TemplateProblem) as missing:
        render_text("a\nb\n{{ customer.nmae }}", data)
    assert missing.value.line == 3
    with pytest.raises(TemplateProblem) as body:
        render_mail("Hi {{ customer.name }}", "line one\n{% for x in items %}{{ x.amount }}", data)
    assert "body" in str(body.value)
    assert body.value.line == 2


def test_the_sandbox_refuses_unsafe_attribute_access(company) -> None:
    database, ids, agent = company
    with database.sessions() as session:
        data = mail_data(
            session, company_scope(session), ids[0], TODAY, language="en", agent_id=agent
        )
    for source in (
        "{{ customer.__class__.__mro__ }}",
        "{{ customer.name.__class__.__base__.__subclasses__() }}",
        "x\n{{ totals.append('1') }}",
    ):
        with pytest.raises(TemplateProblem) as refused:
            render_text(source, data)
        assert refused.value.line is not None
    assert render_text("{{ customer.name | upper }}", data) == "CLIENTE 1"


def test_a_template_with_an_error_is_refused_when_saved_and_nothing_is_queued(company) -> None:
    database, ids, agent = company
    with write_transaction(database) as session:
        template = template_by_code(session, "REMINDER")
        values = TemplateValues(
            "REMINDER",
            template.name,
            True,
            {**template.texts, "es": TemplateText("Hola", "Uno\n{{ contact.name }\ntres")},
        )
        with pytest.raises(SetupError, match="Spanish, body: line 2"):
            save_template(session, template.id, template.version, values, by=agent, now=NOW)
    # A template broken in the database itself (another version wrote it): nothing queued.
    with write_transaction(database) as session:
        row = session.scalars(
            select(MailTemplateText)
            .join(MailTemplate)
            .where(MailTemplate.code == "OVERDUE", MailTemplateText.language == "es")
        ).one()
        row.body = "Uno\n{{ contact.__init__.__globals__ }}"
    with pytest.raises(MailingProblem, match=r"M-001 Cliente 1 \(es\), body, line 2: not allowed"):
        queue(database, ids, agent, code="OVERDUE")
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


# --- the outbox --------------------------------------------------------------------------


def test_a_mailing_is_sent_with_its_attachment_and_recorded_on_the_timeline(company) -> None:
    database, ids, agent = company
    queue(database, ids, agent)
    with MailServer() as server:
        report = send_pending(database, settings_for(server), None, now=lambda: NOW)
        received = server.collector.messages
    assert (report.sent, report.failed, report.stopped) == (2, 0, None)
    assert states(database) == {"M-001": "sent", "M-002": "sent", "M-003": "skipped"}
    first = next(m for m in received if m["To"] == "c1@example.com")
    assert first["Subject"] == "Recordatorio de pago – cuenta M-001"
    assert first["From"] == "Firm Collections <collections@firm.example>"
    text = first.get_body(("plain",)).get_content()
    assert "Total vencido: 1.234,50 EUR." in plain(text)
    [pdf] = list(first.iter_attachments())
    assert pdf.get_filename() == "letter.pdf"
    assert pdf.get_content() == PDF
    with database.sessions() as session:
        activities = session.scalars(
            select(Activity).where(Activity.category == "EMAIL").order_by(Activity.number)
        ).all()
        [mailing] = list_mailings(session)
        messages = list_messages(session, mailing.id)
    assert [(a.closed, a.type, a.purpose) for a in activities] == [
        (True, "action", "Recordatorio de pago – cuenta M-001"),
        (True, "action", "Payment reminder – account M-002"),
    ]
    assert "Total vencido" in (activities[0].memo or "")
    assert (mailing.count("sent"), mailing.count("skipped"), mailing.total) == (2, 1, 3)
    assert messages[0].account == "M-003"
    assert messages[0].state == "skipped"
    assert "no e-mail address" in (messages[0].last_error or "")


def test_the_same_key_queued_twice_adds_nothing_and_sends_nobody_twice(company) -> None:
    database, ids, agent = company
    first = queue(database, ids[:1], agent)
    with MailServer() as server:
        send_pending(database, settings_for(server), None, now=lambda: NOW)
        again = queue(database, ids, agent)
        send_pending(database, settings_for(server), None, now=lambda: NOW)
        received = server.collector.message_ids
        assert server.collector.doubled() == []
    assert again == first
    assert len(received) == 2
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_a_customer_outside_the_scope_is_refused_and_nothing_queued(company) -> None:
    database, ids, _agent = company
    from collections_desktop.models.mail.outbox import OutgoingMessage
    from collections_desktop.models.people.scope import AgentScope

    nobody = AgentScope("x", {}, {}, None, False)
    with write_transaction(database) as session, pytest.raises(OutboxError):
        queue_mailing(
            session,
            nobody,
            key="k",
            name="k",
            messages=[OutgoingMessage(ids[0], "a@b.c", "s", "b", "en")],
            now=NOW,
        )


def test_a_refused_login_says_so_and_marks_nothing_sent(company) -> None:
    database, ids, agent = company
    queue(database, ids, agent)
    with MailServer(user="collector", password="right") as server:
        report = send_pending(database, settings_for(server, "collector"), "wrong", now=lambda: NOW)
        assert server.collector.messages == []
        assert report.stopped is not None
        assert "refused the user name or password" in report.stopped
        assert "535" in report.stopped
        assert states(database) == {"M-001": "queued", "M-002": "queued", "M-003": "skipped"}
        with database.sessions() as session:
            assert session.scalar(select(func.sum(OutboxMessage.attempts))) == 0
        # The right password from the keychain: everything goes.
        credentials.save_password(settings_for(server, "collector"), "right")
        password = credentials.load_password(settings_for(server, "collector"))
        report = send_pending(
            database, settings_for(server, "collector"), password, now=lambda: NOW
        )
        assert report.sent == 2
        assert len(server.collector.messages) == 2


def test_a_connection_dropped_midway_sends_the_rest_next_time_and_none_twice(
    sqlite_db: Database,
) -> None:
    with write_transaction(sqlite_db) as session:
        customers = add_customers(session, ("en",) * 6)  # the sixth has no address
        agent = session.scalars(select(Employee).where(Employee.number == "E-MAIL")).one().id
    ids = [c.id for c in customers]
    queue(sqlite_db, ids, agent, pdf=False)
    with MailServer() as server:
        server.collector.drop_at_rcpt = 3

        def refuse_after_drop(*args):
            server.collector.refusing = True

        settings = settings_for(server)
        # The third message loses its connection before its content went over; the
        # server then answers 421 to the next: the run stops, the rest stays queued.
        original = server.collector.handle_RCPT

        async def rcpt(srv, session, envelope, address, options):
            result = await original(srv, session, envelope, address, options)
            if server.collector._rcpts == 3:
                refuse_after_drop()
            return result

        server.collector.handle_RCPT = rcpt  # type: ignore[method-assign]
        first = send_pending(sqlite_db, settings, None, now=lambda: NOW)
        assert first.sent == 2
        assert first.retrying == 2
        assert first.stopped is not None
        assert first.left == 1
        assert states(sqlite_db) == {
            "M-001": "sent",
            "M-002": "sent",
            "M-003": "queued",
            "M-004": "queued",
            "M-005": "queued",
            "M-006": "skipped",
        }
        # Too early for the ones that failed: only the untouched one goes.
        server.collector.refusing = False
        server.collector.drop_at_rcpt = None
        second = send_pending(sqlite_db, settings, None, now=lambda: NOW)
        assert second.sent == 1
        later = NOW + dt.timedelta(minutes=2)
        third = send_pending(sqlite_db, settings, None, now=lambda: later)
        assert third.sent == 2
        assert server.collector.doubled() == []
        assert len(server.collector.message_ids) == 5
    assert set(states(sqlite_db).values()) == {"sent", "skipped"}


def test_a_message_left_sending_is_never_sent_again_without_the_user(company) -> None:
    database, ids, agent = company
    queue(database, ids, agent)
    with write_transaction(database) as session:  # a sender died after claiming M-001
        row = session.scalars(
            select(OutboxMessage).join(Customer).where(Customer.account == "M-001")
        ).one()
        row.state, row.claimed_at, row.attempts = "sending", NOW, 1
        stuck = row.id
    with MailServer() as server:
        send_pending(database, settings_for(server), None, now=lambda: NOW)
        assert [m["To"] for m in server.collector.messages] == ["c2@example.com"]
        assert states(database)["M-001"] == "sending"
        assert recover_stale_claims(database, NOW + CLAIM_TIMEOUT + dt.timedelta(seconds=1)) == 1
        assert states(database)["M-001"] == "unconfirmed"
        send_pending(database, settings_for(server), None, now=lambda: NOW)
        assert len(server.collector.messages) == 1  # still not sent again
        with write_transaction(database) as session:
            assert mark_sent(session, [stuck], NOW) == 1
        assert states(database)["M-001"] == "sent"
        with write_transaction(database) as session:
            assert retry(session, [stuck], NOW) == 0  # a sent one is never queued again


def test_the_mail_server_row_and_its_checks(sqlite_db: Database, company) -> None:
    database, _ids, agent = company
    values = MailServerValues("smtp", "smtp.example.com", "587", "starttls", "u", "ar@x.com", "AR")
    with write_transaction(database) as session:
        assert read_mail_server(session).id is None
        save_mail_server(session, None, 0, values, by=agent, now=NOW)
    with write_transaction(database) as session:
        row = read_mail_server(session)
        assert (row.host, row.port, row.smtp.domain) == ("smtp.example.com", 587, "x.com")
        bare = MailServerValues("smtp", "smtp.example.com", "25", "none", "", "ar@x.com", "")
        with pytest.raises(SetupError, match="readable"):
            save_mail_server(session, row.id, row.version, bare, by=agent, now=NOW)


@pytest.mark.postgres
def test_a_mailing_is_queued_and_sent_on_postgresql_too(pg_db: Database) -> None:
    with write_transaction(pg_db) as session:
        customers = add_customers(session)
        agent = session.scalars(select(Employee.id).where(Employee.number == "E-MAIL")).one()
    ids = [c.id for c in customers]
    queue(pg_db, ids, agent)
    queue(pg_db, ids, agent)  # the same key again: nothing added
    with MailServer() as server:
        report = send_pending(pg_db, settings_for(server), None, now=lambda: NOW)
        [first, _second] = sorted(server.collector.messages, key=lambda m: str(m["To"]))
    assert report.sent == 2
    [pdf] = list(first.iter_attachments())
    assert pdf.get_content() == PDF
    assert states(pg_db) == {"M-001": "sent", "M-002": "sent", "M-003": "skipped"}


class Cancelling:
    """A caller that asks the run to stop once the first mail has gone."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []

    @property
    def cancelled(self) -> bool:
        return len(self.seen) > 1

    def progress(self, done: int, total: int, what: str = "") -> None:
        self.seen.append((done, total))


def test_cancel_stops_the_run_and_leaves_the_rest_queued(company) -> None:
    database, ids, agent = company
    queue(database, ids, agent)
    with MailServer() as server:
        report = send_pending(
            database, settings_for(server), None, state=Cancelling(), now=lambda: NOW
        )
        assert len(server.collector.messages) == 1
    assert report.cancelled
    assert (report.sent, report.left) == (1, 1)
    assert states(database) == {"M-001": "sent", "M-002": "queued", "M-003": "skipped"}
