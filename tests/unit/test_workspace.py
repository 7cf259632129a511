"""The Workspace's data: one customer's card, grids, timeline and texts, inside the scope."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from urllib.parse import unquote

import pytest

from collections_desktop.formatting import Formats
from collections_desktop.models.aging.definitions import load_definition
from collections_desktop.models.aging.snapshot import age_customers
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity, Contact, CustomerPool, Employee
from collections_desktop.models.ledger import balances, postings
from collections_desktop.models.letters.run import create_letters
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import ScopeError, company_scope, load_scope
from collections_desktop.models.screens.customer_card import (
    customer_card,
    customer_options,
    disputed_transactions,
    open_transactions,
    promised_transactions,
    unsettled_payments,
)
from collections_desktop.models.screens.workspace import TimelineKind, load_workspace, timeline
from collections_desktop.models.screens.workspace_texts import (
    EmailDraft,
    call_url,
    mailto_url,
    reminder_email,
    summary_sentences,
)
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
    for number, day, kind, purpose, memo in (
        ("A-1", dt.date(2026, 11, 18), "task", "Call about the promise", "Said Friday"),
        ("A-2", dt.date(2026, 10, 28), "action", "Sent statement", None),
        ("A-3", dt.date(2026, 9, 1), "task", "Check credit", "  "),
        ("A-4", dt.date(2026, 8, 1), "event", "Visit", None),
    ):
        at = dt.datetime.combine(day, dt.time(10, 30), tzinfo=dt.UTC)
        session.add(
            Activity(
                number=number,
                type=kind,
                category="Follow-up",
                purpose=purpose,
                memo=memo,
                responsible_employee_id=soto.id,
                customer_id=customer.id,
                start_at=at,
                end_at=at,
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
        assert [c.purpose for c in card.recent_contacts] == [
            "Call about the promise",
            "Sent statement",
            "Check credit",
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
            (dt.date(2026, 11, 18), "activity"),
            (dt.date(2026, 11, 10), "invoice"),
            (dt.date(2026, 10, 31), "payment"),
            (dt.date(2026, 10, 28), "activity"),
            (dt.date(2026, 10, 4), "invoice"),
            (dt.date(2026, 9, 20), "invoice"),
            (dt.date(2026, 9, 1), "activity"),
            (dt.date(2026, 9, 1), "invoice"),
            (dt.date(2026, 8, 1), "activity"),
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
            "Last contact: task on Nov 18, 2026, “Call about the promise”.",
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


def test_the_reminder_lists_the_past_due_items_and_makes_a_mailto_url(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer = dressed(session)
        data = load_workspace(session, company_scope(session), customer.id, TODAY, formats=EN)
        draft = reminder_email(data.card, data.transactions, EN, "Test Company")
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
