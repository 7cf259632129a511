"""The Workspace's data: one customer's card, grids, timeline and texts, inside the scope."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from collections_desktop.formatting import Formats
from collections_desktop.models.actions.charges import waive
from collections_desktop.models.actions.interest_notes import create_interest_notes
from collections_desktop.models.actions.nsf import process_nsf
from collections_desktop.models.aging.definitions import load_definition
from collections_desktop.models.aging.snapshot import age_customers
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    Contact,
    CustomerPool,
    CustomerTransaction,
    Employee,
)
from collections_desktop.models.ledger import balances, postings
from collections_desktop.models.letters.run import create_letters
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import ScopeError, company_scope, load_scope
from collections_desktop.models.screens.customer_card import (
    customer_card,
    customer_options,
    disputed_transactions,
    last_payment,
    open_transactions,
    promised_transactions,
    unsettled_payments,
)
from collections_desktop.models.screens.workspace import (
    TimelineKind,
    activity_kind,
    load_workspace,
    timeline,
)
from collections_desktop.models.screens.workspace_texts import (
    EmailDraft,
    call_url,
    mailto_url,
    reminder_email,
    summary_sentences,
)
from tests.unit.test_interest import DAY_60
from tests.unit.test_interest import invoice as interest_invoice
from tests.unit.test_nsf import add_customer as nsf_customer
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer, history, invoice, pay

D = Decimal
EN = Formats("en_US")


def dressed(session):
    """``history`` plus contacts, a responsible employee, an open payment and activities."""
    customer = history(session)
    customer.name = "Ruiz Hermanos SL"
    customer.street, customer.postal_code, customer.city = "Calle Mayor 4", "28013", "Madrid"
    customer.phone, customer.email = "+34 91 555 0100", "info@ruiz.example"
    ana = Contact(
        customer_id=customer.id,
        name="Ana Ruiz",
        email="ana@ruiz.example",
        phone="+34 91 555 0101",
        updated_at=NOW,
    )
    luis = Contact(customer_id=customer.id, name="Luis Ruiz", phone="+34 600 1", updated_at=NOW)
    soto = Employee(
        number="E-WS1",
        name="Marta Soto",
        email="m.soto@firm.example",
        phone="+34 1",
        updated_at=NOW,
    )
    session.add_all([ana, luis, soto])
    session.flush()
    customer.collections_contact_id = ana.id
    customer.primary_contact_id = luis.id
    customer.responsible_employee_id = soto.id
    # 50.00 received on 20 Nov and not applied yet: an unsettled payment.
    postings.post_payment(
        session,
        customer_id=customer.id,
        amount=D("50.00"),
        posting_date=dt.date(2026, 11, 20),
        now=NOW,
    )
    # Open tasks and an event are no contacts; the e-mail sent on 28 October (a closed
    # action) is the one contact that happened.
    for number, day, kind, category, purpose, memo, closed in (
        ("A-1", dt.date(2026, 11, 18), "task", "Follow-up", "Call about the promise",
         "Said Friday", False),
        ("A-2", dt.date(2026, 10, 28), "action", "EMAIL", "Sent statement", None, True),
        ("A-3", dt.date(2026, 9, 1), "task", "Follow-up", "Check credit", "  ", False),
        ("A-4", dt.date(2026, 8, 1), "event", "Follow-up", "Visit", None, False),
    ):  # fmt: skip
        at = dt.datetime.combine(day, dt.time(10, 30), tzinfo=dt.UTC)
        session.add(
            Activity(
                number=number,
                type=kind,
                category=category,
                purpose=purpose,
                memo=memo,
                responsible_employee_id=soto.id,
                customer_id=customer.id,
                start_at=at,
                end_at=at,
                closed=closed,
                closed_at=at if closed else None,
                updated_at=NOW,
            )
        )
    session.flush()
    return customer


def test_the_card_holds_the_customer_figures_and_equals_the_snapshot(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = dressed(session)
        scope = company_scope(session)
        card = customer_card(session, scope, customer.id, TODAY)
        # 700 not due + 300 (20 days) + 400 (34 days) - 50 unapplied
        assert (card.balance, card.past_due) == (D("1350.00"), D("700.00"))
        assert (card.credit_limit, card.available_credit) == (D("1500.00"), D("150.00"))
        assert (card.oldest_past_due_date, card.oldest_past_due_days) == (
            dt.date(2026, 10, 20),
            34,
        )
        [row] = age_customers(session, TODAY, scope).rows
        assert card.risk_score == row.risk_score
        assert card.balance == row.balance == balances.balance(session, customer.id, TODAY)
        assert (card.last_payment_date, card.last_payment_amount) == (
            dt.date(2026, 11, 20),
            D("50.00"),
        )
        assert (card.promise_count, card.promise_amount, card.next_promise_date) == (
            1,
            D("400.00"),
            dt.date(2026, 11, 10),
        )
        assert (card.dispute_count, card.dispute_amount) == (1, D("300.00"))
        # The open tasks and the event are not contacts: only the e-mail sent.
        assert [(c.kind, c.date, c.type, c.category, c.purpose) for c in card.recent_contacts] == [
            ("activity", dt.date(2026, 10, 28), "action", "E-mail", "Sent statement")
        ]
        assert card.collections_contact.name == "Ana Ruiz"
        assert card.collections_contact.email == "ana@ruiz.example"
        assert card.other_contact.name == "Luis Ruiz"
        assert card.primary_contact_name == "Luis Ruiz"
        assert card.responsible.name == "Marta Soto"
        assert card.address == "Calle Mayor 4, 28013 Madrid, ES"
        assert card.accounting_currency == "EUR"
        session.rollback()


def test_open_transactions_and_their_tabs(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = dressed(session)
        scope = company_scope(session)
        rows = open_transactions(session, scope, customer.id, TODAY)
        assert [(r.due_date, r.open_amount, r.days_overdue, r.collection_status) for r in rows] == [
            (dt.date(2026, 10, 20), D("400.00"), 34, "promised"),
            (dt.date(2026, 11, 3), D("300.00"), 20, "disputed"),
            (dt.date(2026, 11, 20), D("-50.00"), 0, "none"),
            (dt.date(2026, 12, 10), D("700.00"), 0, "none"),
        ]
        assert [r.open_amount for r in disputed_transactions(rows)] == [D("300.00")]
        [promised] = promised_transactions(rows)
        assert (promised.promise_date, promised.open_amount) == (dt.date(2026, 11, 10), D("400"))
        [payment] = unsettled_payments(rows)
        assert (payment.type, payment.amount, payment.open_amount) == (
            "payment",
            D("-50.00"),
            D("-50.00"),
        )
        session.rollback()


def test_the_timeline_is_newest_first_with_titles_tooltips_and_targets(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer = dressed(session)
        scope = company_scope(session)
        entries = timeline(session, scope, customer.id, TODAY, formats=EN)
        # The invoice and payment of 2025 are more than 365 days back.
        # The invoice and payment of 2025 are more than 365 days back. On 1 September the
        # activity (10:30) is newer than the invoice posted that day.
        assert [(e.date, e.kind) for e in entries] == [
            (dt.date(2026, 11, 20), "payment"),
            (dt.date(2026, 11, 18), "task"),
            (dt.date(2026, 11, 10), "invoice"),
            (dt.date(2026, 10, 31), "payment"),
            (dt.date(2026, 10, 28), "action"),
            (dt.date(2026, 10, 4), "invoice"),
            (dt.date(2026, 9, 20), "invoice"),
            (dt.date(2026, 9, 1), "task"),
            (dt.date(2026, 9, 1), "invoice"),
            (dt.date(2026, 8, 1), "event"),
            (dt.date(2026, 5, 25), "payment"),
            (dt.date(2026, 5, 2), "invoice"),
        ]
        assert len(entries) == 12
        invoice_entry = entries[2]
        assert invoice_entry.title.startswith("Invoice ")
        assert invoice_entry.title.endswith(" · 700.00\xa0EUR · due Dec 10, 2026")
        assert "Due: December 10, 2026" in invoice_entry.tooltip
        assert invoice_entry.target_kind == "transaction"
        call = entries[1]
        assert call.title == (
            "Task · Follow-up · Marta Soto · Call about the promise · User memo included"
        )
        ends = dt.datetime(2026, 11, 18, 10, 30, tzinfo=dt.UTC).astimezone()  # the computer's
        day = Formats().date(ends.date(), "long")  # "November 18, 2026" in UTC
        assert f"Ends: {day} {Formats().time(ends)}" in call.tooltip  # "10:30 AM" in UTC
        assert "Responsible: Marta Soto" in call.tooltip
        assert call.target_kind == "activity"
        # A blank memo is no memo.
        assert "User memo" not in entries[7].title
        payments = timeline(
            session, scope, customer.id, TODAY, kinds=[TimelineKind.PAYMENT], formats=EN
        )
        assert [e.title.split(" · ")[1] for e in payments] == [
            "-50.00\xa0EUR",
            "-1,000.00\xa0EUR",
            "-500.00\xa0EUR",
        ]
        assert len(timeline(session, scope, customer.id, TODAY, days=30)) == 5
        session.rollback()


def test_the_timeline_shows_the_collection_letters(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = dressed(session)
        customer.letter_sequence = "STD"
        scope = company_scope(session)
        # 9 Nov: the promised 400.00 is 20 days overdue (level 1); 23 Nov: 34 days (level 2).
        # The disputed 300.00 is never named.
        for day in (dt.date(2026, 11, 9), TODAY):
            create_letters(session, scope, day, NOW, created_by_id=None)
        session.commit()
        entries = timeline(session, scope, customer.id, TODAY, formats=EN)
        letters = [e for e in entries if e.kind == TimelineKind.LETTER]
        assert [(e.date, e.title) for e in letters] == [
            (TODAY, "Letter CL-0000002 level 2 Second reminder · 400.00\xa0EUR · fee 10.00\xa0EUR"),
            (dt.date(2026, 11, 9), "Letter CL-0000001 level 1 Friendly reminder · 400.00\xa0EUR"),
        ]
        assert letters[0].tooltip.split("\n") == [
            "Collection letter CL-0000002",
            "Sequence STD, level 2 Second reminder",
            "Dated: November 23, 2026",
            "Overdue amount named: 400.00\xa0EUR",
            "Fee: 10.00\xa0EUR",
            "1 item",
        ]
        assert "Fee: none" in letters[1].tooltip
        assert letters[0].target_kind == "letter"
        # CL-0000001 comes after CL-0000002's fee and the payment, activity and invoice
        # of mid-November.
        assert entries.index(letters[1]) == 5
        fee = entries[0]
        assert (fee.kind, fee.date) == (TimelineKind.CHARGE, TODAY)
        assert fee.title.startswith("Fee CL-0000002 · 10.00\xa0EUR · due ")
        only = timeline(session, scope, customer.id, TODAY, kinds=[TimelineKind.LETTER])
        assert [e.target_id for e in only] == [e.target_id for e in letters]
        before = timeline(session, scope, customer.id, dt.date(2026, 11, 22), kinds=["letter"])
        assert [e.target_id for e in before] == [letters[1].target_id]  # none after the date
        data = load_workspace(session, scope, customer.id, TODAY, formats=EN)
        assert [e.title for e in data.timeline if e.kind == "letter"] == [e.title for e in letters]


def test_summary_sentences_are_generated_from_the_card(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = dressed(session)
        card = customer_card(session, company_scope(session), customer.id, TODAY)
        assert summary_sentences(card, EN) == [
            "Ruiz Hermanos SL owes 1,350.00\xa0EUR, of which 700.00 is past due; "
            "the oldest item is 34 days late.",
            "Last payment 50.00\xa0EUR on Nov 20, 2026.",
            "One promise to pay (400.00, the next by Nov 10, 2026) is open.",
            "One item is disputed (300.00).",
            "Last contact: e-mail on Oct 28, 2026, “Sent statement”.",
            f"Risk score {card.risk_score} of 100.",
        ]
        session.rollback()


def test_a_new_customer_reads_as_owing_nothing(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        customer.name = "Nuevo SL"
        card = customer_card(session, company_scope(session), customer.id, TODAY)
        assert (card.balance, card.risk_score, card.available_credit) == (D(0), 0, None)
        assert summary_sentences(card, EN) == [
            "Nuevo SL owes nothing.",
            "No payment is on record.",
            "No contact is recorded yet.",
            "Risk score 0 of 100.",
        ]
        session.rollback()


def test_the_reminder_is_written_in_the_customers_language_whatever_the_interface(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer = dressed(session)
        customer.language = "es"
        session.flush()
        data = load_workspace(session, company_scope(session), customer.id, TODAY, formats=EN)
        assert data.customer_language == "es"
        draft = reminder_email(data.card, data.transactions, "Test Company", data.customer_language)
        rows = data.transactions
        assert draft.subject == f"Recordatorio de pago – cuenta {customer.account}"
        assert draft.body.startswith("Estimado/a Ana Ruiz:\n\n")
        assert (
            f"- {rows[0].document_number}, vencimiento el 20 oct 2026: "
            "400,00\xa0EUR pendiente de pago (34 días de retraso)"
        ) in draft.body
        assert "700,00\xa0EUR" in draft.body
        for english in ("Dear", "due", "overdue", "Total past due", "Kind regards"):
            assert english not in draft.body
        customer.language = "de"  # not a language we write in: the company's (English)
        session.flush()
        data = load_workspace(session, company_scope(session), customer.id, TODAY, formats=EN)
        assert data.customer_language == "en"
        session.rollback()


def test_the_reminder_lists_the_past_due_items_and_makes_a_mailto_url(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer = dressed(session)
        data = load_workspace(session, company_scope(session), customer.id, TODAY, formats=EN)
        draft = reminder_email(data.card, data.transactions, "Test Company", data.customer_language)
        rows = data.transactions
        assert draft.to == "ana@ruiz.example"
        assert draft.subject == f"Payment reminder – account {customer.account}"
        assert draft.body == (
            "Dear Ana Ruiz,\n\n"
            f"According to our records, the following items on your account {customer.account} "
            "are past due:\n\n"
            f"- {rows[0].document_number}, due Oct 20, 2026: 400.00\xa0EUR open (34 days overdue)\n"
            f"- {rows[1].document_number}, due Nov 3, 2026: 300.00\xa0EUR open (20 days overdue)\n"
            "\nTotal past due: 700.00\xa0EUR\n\n"
            "We would be grateful if you could arrange payment, or let us know if anything "
            "about these items needs clearing up.\n\n"
            "Kind regards,\nTest Company"
        )
        url = mailto_url(draft)
        assert url.startswith("mailto:ana@ruiz.example?subject=Payment%20reminder%20%E2%80%93")
        assert "%0D%0A" in url
        assert "\n" not in url
        assert " " not in url
        query = url.split("?", 1)[1]
        fields = dict(part.split("=", 1) for part in query.split("&"))
        assert unquote(fields["subject"]) == draft.subject
        assert unquote(fields["body"]) == draft.body.replace("\n", "\r\n")
        assert (data.aging_labels[0], data.aging_labels[-1]) == ("Current", "Unapplied")
        assert data.aging_columns == (D(700), D(300), D(400), D(0), D(0), D(0), D(-50))
        assert data.company_name == "Test Company"
        session.rollback()


def test_mailto_and_call_urls() -> None:
    assert mailto_url(EmailDraft("ana@ruiz.example", "", "")) == "mailto:ana@ruiz.example"
    assert (
        mailto_url(EmailDraft("a b@x.example", "Hi & bye?", "1+1=2"))
        == "mailto:a%20b@x.example?subject=Hi%20%26%20bye%3F&body=1%2B1%3D2"
    )
    assert call_url("+34 910 555 101", "tel") == "tel:+34910555101"
    assert call_url("+34 91-055 5101", "teams") == (
        "https://teams.microsoft.com/l/call/0/0?users=4:+34910555101"
    )
    with pytest.raises(ValueError, match="unknown call method"):
        call_url("1", "pigeon")


def test_customer_options_search_account_or_name_within_the_pool(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        spain = add_customer(session, "ES")
        spain.name = "Ruiz Hermanos SL"
        other = add_customer(session, "ES")
        other.name = "Garnier SA"
        france = add_customer(session, "FR")
        france.name = "Ruizeau SARL"
        iberia = CustomerPool(
            name="Iberia WS", criteria=PoolCriteria(countries=("ES",)).to_json(), updated_at=NOW
        )
        session.add(iberia)
        session.flush()
        scope = load_scope(session, add_agent(session, [iberia], default=iberia))
        found = customer_options(session, scope, pool_id=iberia.id, as_of=TODAY, search="RUIZ")
        assert [(o.account, o.name) for o in found] == [(spain.account, "Ruiz Hermanos SL")]
        by_account = customer_options(
            session, scope, pool_id=None, as_of=TODAY, search=other.account.lower()
        )
        assert [o.id for o in by_account] == [other.id]
        everyone = customer_options(session, scope, pool_id=iberia.id, as_of=TODAY)
        assert [o.label for o in everyone] == [
            f"{spain.account} Ruiz Hermanos SL",
            f"{other.account} Garnier SA",
        ]
        assert len(customer_options(session, scope, pool_id=None, as_of=TODAY, limit=1)) == 1
        assert customer_options(session, scope, pool_id=None, as_of=TODAY, search="%") == ()
        session.rollback()


def test_nothing_leaks_outside_the_scope(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        spain, france = add_customer(session, "ES"), add_customer(session, "FR")
        txn = invoice(session, france, "20.00", dt.date(2026, 11, 1))
        pay(session, france, txn, dt.date(2026, 11, 2))
        iberia = CustomerPool(
            name="Iberia leak", criteria=PoolCriteria(countries=("ES",)).to_json(), updated_at=NOW
        )
        gaul = CustomerPool(
            name="Gaul leak", criteria=PoolCriteria(countries=("FR",)).to_json(), updated_at=NOW
        )
        session.add_all([iberia, gaul])
        session.flush()
        scope = load_scope(session, add_agent(session, [iberia], default=iberia))
        for call in (
            lambda: customer_card(session, scope, france.id, TODAY),
            lambda: open_transactions(session, scope, france.id, TODAY),
            lambda: timeline(session, scope, france.id, TODAY),
            lambda: load_workspace(session, scope, france.id, TODAY),
            lambda: customer_card(session, scope, uuid.uuid4(), TODAY),
        ):
            with pytest.raises(ScopeError):
                call()
        with pytest.raises(ScopeError):
            customer_options(session, scope, pool_id=gaul.id, as_of=TODAY)
        with pytest.raises(ScopeError):
            load_workspace(session, scope, spain.id, TODAY, pool_id=gaul.id)
        assert [o.id for o in customer_options(session, scope, pool_id=None, as_of=TODAY)] == [
            spain.id
        ]
        assert load_workspace(session, scope, spain.id, TODAY).card.account == spain.account
        assert load_definition(session).name == "Standard"
        session.rollback()


def add_activity(
    session, customer, number: str, kind: str, category: str | None, purpose: str,
    start: dt.datetime, end: dt.datetime, *, closed: bool,
) -> Activity:  # fmt: skip
    """An activity of ``customer`` from ``start`` to ``end``, closed at its end or open."""
    activity = Activity(
        number=number,
        type=kind,
        category=category,
        purpose=purpose,
        customer_id=customer.id,
        start_at=start,
        end_at=end,
        closed=closed,
        closed_at=end if closed else None,
        updated_at=NOW,
    )
    session.add(activity)
    session.flush()
    return activity


def at(day: int, month: int = 11, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A UTC moment of 2026."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


def test_the_last_contact_is_the_latest_contact_that_happened(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = dressed(session)  # one contact: the e-mail sent on 28 October
        # Not contacts (today is 23 November): plans, notices and what has not happened.
        add_activity(session, customer, "A-5", "task", "FOLLOWUP", "Follow up the overdue",
                     at(20), at(7, 12, 17), closed=False)  # fmt: skip
        add_activity(session, customer, "A-6", "appointment", "MEETING", "Meeting to agree a plan",
                     at(21), at(8, 12, 11), closed=False)  # fmt: skip
        add_activity(session, customer, "A-7", "event", "CREDIT", "Credit limit exceeded",
                     at(22), at(22), closed=True)  # fmt: skip
        add_activity(session, customer, "A-8", "action", "CALL", "Call planned, closed early",
                     at(25), at(25, minute=10), closed=True)  # fmt: skip
        add_activity(session, customer, "A-9", "action", "CALL", "Call not made yet",
                     at(21), at(21, minute=10), closed=False)  # fmt: skip
        add_activity(session, customer, "A-10", "task", "REVIEW", "Account reviewed",
                     at(15), at(15, hour=12), closed=True)  # fmt: skip
        # Contacts: a meeting held and a call made.
        add_activity(session, customer, "A-11", "appointment", "MEETING",
                     "Meeting at their office", at(5, hour=11), at(5, hour=12),
                     closed=True)  # fmt: skip
        add_activity(session, customer, "A-12", "action", "CALL", "Called Ana about the promise",
                     at(12, hour=16, minute=20), at(12, hour=16, minute=30),
                     closed=True)  # fmt: skip
        scope = company_scope(session)
        card = customer_card(session, scope, customer.id, TODAY)
        assert [(c.number, c.date, c.type, c.category) for c in card.recent_contacts] == [
            ("A-12", dt.date(2026, 11, 12), "action", "Call"),
            ("A-11", dt.date(2026, 11, 5), "appointment", "Meeting"),
            ("A-2", dt.date(2026, 10, 28), "action", "E-mail"),
        ]
        assert summary_sentences(card, EN)[4] == (
            "Last contact: call on Nov 12, 2026, “Called Ana about the promise”."
        )
        # On 10 November the call had not happened yet.
        earlier = customer_card(session, scope, customer.id, dt.date(2026, 11, 10))
        assert [c.number for c in earlier.recent_contacts] == ["A-11", "A-2"]
        assert summary_sentences(earlier, EN)[-2] == (
            "Last contact: meeting on Nov 5, 2026, “Meeting at their office”."
        )

        # A collection letter sent is a contact too: CL-0000001 on 9 November, CL-0000002
        # today.
        customer.letter_sequence = "STD"
        for day in (dt.date(2026, 11, 9), TODAY):
            create_letters(session, scope, day, NOW, created_by_id=None)
        card = customer_card(session, scope, customer.id, TODAY)
        assert [(c.kind, c.number, c.date) for c in card.recent_contacts] == [
            ("letter", "CL-0000002", TODAY),
            ("activity", "A-12", dt.date(2026, 11, 12)),
            ("letter", "CL-0000001", dt.date(2026, 11, 9)),
        ]
        assert summary_sentences(card, EN)[4] == (
            "Last contact: collection letter CL-0000002 on Nov 23, 2026."
        )
        session.rollback()


def test_a_payment_returned_as_nsf_is_no_last_payment(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = dressed(session)  # paid 1,000.00 on 31 October and 50.00 on 20 November
        bounced = postings.post_payment(
            session,
            customer_id=customer.id,
            amount=D("25824.50"),
            posting_date=dt.date(2026, 11, 21),
            now=NOW,
        )
        scope = company_scope(session)
        card = customer_card(session, scope, customer.id, TODAY)
        assert (card.last_payment_date, card.last_payment_amount, card.last_payment_currency) == (
            dt.date(2026, 11, 21),
            D("25824.50"),
            "EUR",
        )
        process_nsf(session, scope, bounced.id, dt.date(2026, 11, 22), NOW, created_by_id=None)
        card = customer_card(session, scope, customer.id, TODAY)
        assert (card.last_payment_date, card.last_payment_amount) == (
            dt.date(2026, 11, 20),
            D("50.00"),
        )
        assert summary_sentences(card, EN)[1] == "Last payment 50.00\xa0EUR on Nov 20, 2026."
        # The timeline says so of the payment too (and lists the reversal on its own).
        payments = timeline(session, scope, customer.id, TODAY, kinds=["payment"], formats=EN)
        assert payments[0].title == (
            f"Payment {bounced.document_number} · -25,824.50\xa0EUR · "
            "returned unpaid on Nov 22, 2026"
        )
        assert payments[0].tooltip.endswith("\nReturned unpaid on November 22, 2026")
        assert "returned" not in payments[1].title
        # On 21 November the cheque had not come back yet: it was the last payment then.
        before = last_payment(session, customer.id, dt.date(2026, 11, 21))
        assert before is not None
        assert (before.id, before.posting_date, before.amount) == (
            bounced.id,
            dt.date(2026, 11, 21),
            D("25824.50"),
        )
        # The 50.00 comes back too: the 1,000.00 of 31 October is the last payment.
        fifty = last_payment(session, customer.id, TODAY)
        assert fifty is not None
        process_nsf(session, scope, fifty.id, TODAY, NOW, created_by_id=None)
        card = customer_card(session, scope, customer.id, TODAY)
        assert summary_sentences(card, EN)[1] == "Last payment 1,000.00\xa0EUR on Oct 31, 2026."
        session.rollback()


def test_an_interest_note_is_one_timeline_entry_with_its_invoices_as_lines(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer = nsf_customer(session, interest_code="STD")
        # Five invoices due 24 September; on 23 November each is 60 days late: 2 % interest.
        invoices = [
            interest_invoice(session, customer, amount)
            for amount in ("1000.00", "500.00", "250.00", "2000.00", "750.00")
        ]
        scope = company_scope(session)
        assert create_interest_notes(session, scope, DAY_60, NOW, created_by_id=None) == [
            "INT-0000001"
        ]
        entries = timeline(session, scope, customer.id, DAY_60, formats=EN)
        charges = [e for e in entries if e.kind == TimelineKind.CHARGE]
        assert len(charges) == 1  # not five interest lines and a fee
        [note] = charges
        assert entries[0] == note  # the newest
        assert [e.kind for e in entries[1:]] == ["invoice"] * 5
        # 20.00 + 10.00 + 5.00 + 40.00 + 15.00 interest, and the code's 5.00 fee.
        assert note.title == (
            "Interest note INT-0000001 · 95.00\xa0EUR · 5 invoices · due Nov 23, 2026"
        )
        assert (note.date, note.target_kind) == (DAY_60, "interest_note")
        by_number = sorted(invoices, key=lambda i: i.document_number)
        interest = {"1000.00": "20.00", "500.00": "10.00", "250.00": "5.00", "2000.00": "40.00",
                    "750.00": "15.00"}  # fmt: skip
        expected = [
            f"Interest on {i.document_number} · {interest[str(i.amount)]}\xa0EUR · 60 days "
            f"(Sep 24, 2026 to Nov 23, 2026) on {EN.money(i.amount, 'EUR')}"
            for i in by_number
        ]
        assert [line.title for line in note.lines] == [*expected, "Fee · 5.00\xa0EUR"]
        assert [line.target_kind for line in note.lines] == ["transaction"] * 6
        lines = session.scalars(
            select(CustomerTransaction.id)
            .where(CustomerTransaction.document_number == "INT-0000001")
            .order_by(CustomerTransaction.voucher)
        ).all()
        assert {line.target_id for line in note.lines} == set(lines)
        assert note.tooltip.split("\n") == [
            "Interest note INT-0000001",
            "Posted: November 23, 2026",
            "Due: November 23, 2026",
            "Total: 95.00\xa0EUR",
            "Interest: 90.00\xa0EUR",
            "Fee: 5.00\xa0EUR",
            *(f"• {text}" for text in expected),
            "• Fee · 5.00\xa0EUR",
        ]
        # A waived line says so; the waiver is an entry of its own.
        waive(session, scope, [note.lines[0].target_id], DAY_60, NOW, created_by_id=None,
              note=None)  # fmt: skip
        entries = timeline(session, scope, customer.id, DAY_60, formats=EN)
        [note] = [e for e in entries if e.target_kind == "interest_note"]
        assert note.lines[0].title == f"{expected[0]} · waived"
        assert len([e for e in entries if e.kind == TimelineKind.CHARGE]) == 1
        assert len(timeline(session, scope, customer.id, DAY_60, kinds=["charge"])) == 1
        session.rollback()


def test_each_kind_of_activity_is_a_kind_of_the_timeline(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = dressed(session)  # tasks on 18 Nov and 1 Sep, an e-mail, an event
        add_activity(session, customer, "A-5", "action", "CALL", "Called Ana",
                     at(19), at(19, minute=10), closed=True)  # fmt: skip
        add_activity(session, customer, "A-6", "action", "LETTER", "Sent the first reminder",
                     at(16), at(16, minute=5), closed=True)  # fmt: skip
        add_activity(session, customer, "A-7", "appointment", "MEETING", "Meeting held",
                     at(6), at(6, hour=11), closed=True)  # fmt: skip
        scope = company_scope(session)
        entries = timeline(session, scope, customer.id, TODAY, formats=EN)
        activities = [
            (e.date, e.kind, e.title.split(" · ")[0])
            for e in entries
            if e.target_kind == "activity"
        ]
        assert activities == [
            (dt.date(2026, 11, 19), "call", "Call"),  # an action: its category names it
            (dt.date(2026, 11, 18), "task", "Task"),
            (dt.date(2026, 11, 16), "letter", "Letter"),
            (dt.date(2026, 11, 6), "appointment", "Appointment"),
            (dt.date(2026, 10, 28), "action", "E-mail"),
            (dt.date(2026, 9, 1), "task", "Task"),
            (dt.date(2026, 8, 1), "event", "Event"),
        ]

        def numbers(*kinds: str) -> list[str]:
            """The activity numbers of the entries of ``kinds`` (each tooltip's first line)."""
            found = timeline(session, scope, customer.id, TODAY, kinds=kinds, formats=EN)
            return [e.tooltip.split("\n")[0] for e in found]

        assert numbers(TimelineKind.CALL) == ["Action A-5"]
        assert numbers(TimelineKind.TASK) == ["Task A-1", "Task A-3"]
        assert numbers(TimelineKind.APPOINTMENT) == ["Appointment A-7"]
        assert numbers(TimelineKind.EVENT) == ["Event A-4"]
        assert numbers(TimelineKind.ACTION) == ["Action A-2"]
        assert numbers(TimelineKind.LETTER) == ["Action A-6"]  # no collection letter yet
        assert numbers(TimelineKind.CALL, TimelineKind.EVENT) == ["Action A-5", "Event A-4"]
        assert activity_kind("action", None) == TimelineKind.ACTION
        assert activity_kind("something new", "CALL") == TimelineKind.CALL
        session.rollback()
