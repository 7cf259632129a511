"""Recurring monthly invoicing with figures: the lines saved with the record, a month's
run once per customer, line and month, drafts edited and deleted, an issue that posts
invoices with numbers and taxes or nothing at all."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from collections_desktop.models.actions.writeoff import write_off
from collections_desktop.models.billing.errors import BillingError
from collections_desktop.models.billing.invoices import invoice_details
from collections_desktop.models.billing.issue import issue_drafts
from collections_desktop.models.billing.pending import (
    ISSUED,
    DraftLine,
    delete_drafts,
    list_pending,
    read_draft,
    save_draft,
)
from collections_desktop.models.billing.recurring import RecurringLine
from collections_desktop.models.billing.run import create_month_drafts
from collections_desktop.models.customers.record import read_record, save_record
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import (
    Customer,
    CustomerChange,
    CustomerTransaction,
    InvoiceLine,
    Journal,
    NumberSequence,
    PendingDocument,
    PendingDocumentLine,
    ReceivablesParameters,
    RecurringBillingLine,
    SalesTaxCode,
    TransactionTax,
)
from collections_desktop.models.db.writing import LEDGER, write_transaction
from collections_desktop.models.ledger.journals import journal_rows
from collections_desktop.models.ledger.postings import post_invoice
from collections_desktop.models.people.scope import company_scope

D = Decimal
NOW = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
DECEMBER = dt.date(2026, 12, 1)
JANUARY = dt.date(2027, 1, 1)


def add_customer(session, account: str, currency: str = "EUR", language: str = "en") -> Customer:
    customer = Customer(
        account=account,
        name=f"Customer {account}",
        currency=currency,
        language=language,
        street="Calle Mayor 4",
        postal_code="28013",
        city="Madrid",
        country="ES",
        updated_at=NOW,
    )
    session.add(customer)
    session.flush()
    return customer


def hosting(**changes) -> RecurringLine:
    line = RecurringLine(
        description="Web hosting",
        quantity=D("1"),
        unit_price=D("49.90"),
        tax_code="VAT-STD",
        day_of_month=5,
        start_month=dt.date(2026, 1, 1),
    )
    return dataclasses.replace(line, **changes)


def give_lines(session, customer: Customer, *lines: RecurringLine) -> None:
    record = read_record(session, customer.id, as_of=NOW.date())
    changes = dataclasses.replace(record.values, recurring=lines)
    save_record(session, customer.id, record.version, changes, None, NOW)


def counts(session) -> tuple:
    tables = (
        CustomerTransaction,
        TransactionTax,
        InvoiceLine,
        PendingDocument,
        PendingDocumentLine,
        Journal,
    )
    issued = session.scalar(
        select(func.count()).where(PendingDocument.issued_transaction_id.is_not(None))
    )
    numbers = sorted(session.execute(select(NumberSequence.name, NumberSequence.next_value)))
    return (*(session.scalar(select(func.count()).select_from(t)) for t in tables), issued, numbers)


@pytest.fixture
def billed(any_db: Database) -> Database:
    """Two customers: Ruiz (hosting and two support hours, both due on the 5th, and
    maintenance due on the 20th), Lopes (one hosting line ended in November)."""
    with any_db.sessions() as session:
        ruiz = add_customer(session, "C-000001", language="es")
        lopes = add_customer(session, "C-000002")
        give_lines(
            session,
            ruiz,
            hosting(),
            hosting(description="Support hours", quantity=D("2"), unit_price=D("65.00")),
            hosting(
                description="Maintenance", unit_price=D("120.00"), day_of_month=20, tax_code=None
            ),
        )
        give_lines(session, lopes, hosting(end_month=dt.date(2026, 11, 1)))
        session.commit()
    return any_db


def run(database: Database, month: dt.date):
    with write_transaction(database, run="billing") as session:
        return create_month_drafts(session, company_scope(session), month, NOW)


def test_a_month_run_makes_one_draft_per_customer_and_due_day_once(billed: Database) -> None:
    result = run(billed, DECEMBER)
    assert (result.drafts, result.lines, result.customers) == (2, 3, 1)
    assert result.describe() == "2 pending invoices created for December 2026."
    with billed.sessions() as session:
        rows = list_pending(session, company_scope(session), as_of=NOW.date())
        assert [
            (r.account, r.document_date, r.due_date, r.line_count, r.net, r.tax, r.total)
            for r in rows
        ] == [
            # 49.90 + 2 × 65.00 = 179.90, VAT 20 % = 35.98
            ("C-000001", DECEMBER, dt.date(2026, 12, 5), 2, D("179.90"), D("35.98"), D("215.88")),
            ("C-000001", DECEMBER, dt.date(2026, 12, 20), 1, D("120.00"), D("0"), D("120.00")),
        ]
        assert rows[0].description == "Web hosting and 1 more"
        before = counts(session)
    again = run(billed, DECEMBER)
    assert (again.drafts, again.lines) == (0, 0)
    assert (
        again.describe() == "Nothing new to bill for December 2026: every recurring line is billed."
    )
    with billed.sessions() as session:
        assert counts(session) == before


def test_the_start_and_end_months_are_respected(billed: Database) -> None:
    with billed.sessions() as session:
        lopes = session.scalar(select(Customer).where(Customer.account == "C-000002"))
        give_lines(
            session,
            lopes,
            hosting(end_month=dt.date(2026, 11, 1)),
            hosting(description="Backup", start_month=JANUARY, day_of_month=31),
        )
        session.commit()
    november = run(billed, dt.date(2026, 11, 17))  # any day names its month
    assert (november.month, november.drafts, november.customers) == (dt.date(2026, 11, 1), 3, 2)
    december = run(billed, DECEMBER)
    assert (december.drafts, december.customers) == (2, 1)  # Lopes: ended, not started yet
    february = run(billed, dt.date(2027, 2, 1))
    with billed.sessions() as session:
        rows = list_pending(
            session,
            company_scope(session),
            as_of=NOW.date(),
            date_from=dt.date(2027, 2, 1),
            date_to=dt.date(2027, 2, 28),
        )
    assert february.drafts == 3
    # Day 31 of February is its last day.
    assert [(r.account, r.due_date) for r in rows if r.account == "C-000002"] == [
        ("C-000002", dt.date(2027, 2, 28))
    ]


def test_recurring_lines_are_saved_with_the_record_checked_and_versioned(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session, "C-000009")
        session.commit()
        record = read_record(session, customer.id, as_of=NOW.date())
        assert record.billing is not None
        assert [c.code for c in record.billing.tax_codes] == ["VAT-STD"]
        bad = dataclasses.replace(record.values, recurring=(hosting(), hosting(quantity=D("0"))))
        with pytest.raises(BillingError, match="Recurring billing line 2, quantity"):
            save_record(session, customer.id, record.version, bad, None, NOW)
        wrong_tax = dataclasses.replace(record.values, recurring=(hosting(tax_code="VAT-XX"),))
        with pytest.raises(BillingError, match="line 1, tax code: VAT-XX is not one"):
            save_record(session, customer.id, record.version, wrong_tax, None, NOW)
        backwards = dataclasses.replace(
            record.values,
            recurring=(hosting(start_month=JANUARY, end_month=DECEMBER),),
        )
        with pytest.raises(BillingError, match="line 1, end month: 2026-12 is before"):
            save_record(session, customer.id, record.version, backwards, None, NOW)
        session.rollback()
        assert session.scalar(select(func.count()).select_from(RecurringBillingLine)) == 0

        good = dataclasses.replace(
            record.values, recurring=(hosting(start_month=dt.date(2026, 3, 14)),)
        )
        saved = save_record(session, customer.id, record.version, good, None, NOW)
        assert saved.changed == ("recurring_billing",)
        session.commit()
        again = read_record(session, customer.id, as_of=NOW.date())
        (line,) = again.values.recurring
        assert (line.start_month, line.unit_price, line.tax_code) == (
            dt.date(2026, 3, 1),
            D("49.90"),
            "VAT-STD",
        )
        history = session.scalars(select(CustomerChange.new_value)).all()
        assert history == ["Web hosting: 1 × 49.90 VAT-STD, day 5, 2026-03–…"]
        # A copy read before that save is stale, also for its recurring lines alone.
        with pytest.raises(StaleEditError):
            save_record(session, customer.id, record.version, good, None, NOW)
        session.rollback()
        removed = dataclasses.replace(again.values, recurring=())
        save_record(session, customer.id, again.version, removed, None, NOW)
        session.commit()
        row = session.scalar(select(RecurringBillingLine))
        assert row.deleted_at is not None
        assert row.version == 2


def test_a_draft_is_edited_over_its_version_and_deleted_for_good(billed: Database) -> None:
    run(billed, DECEMBER)
    with billed.sessions() as session:
        scope = company_scope(session)
        first = list_pending(session, scope, as_of=NOW.date())[0]
        draft = read_draft(session, scope, first.id, as_of=NOW.date())
        hosting_line, support = draft.values.lines
        changes = dataclasses.replace(
            draft.values,
            due_date=dt.date(2026, 12, 15),
            lines=(
                dataclasses.replace(support, quantity=D("3"), amount=D("195.00")),
                DraftLine("Setup fee", D("1"), D("30.00"), None, D("30.00")),
            ),
        )
        with write_transaction(billed) as writing:
            version = save_draft(writing, scope, draft.id, draft.version, changes, NOW)
        assert version == draft.version + 1
        session.rollback()  # a new read transaction sees the write
        after = read_draft(session, scope, draft.id, as_of=NOW.date())
        assert [(x.description, x.quantity, x.amount) for x in after.values.lines] == [
            ("Support hours", D("3"), D("195.00")),
            ("Setup fee", D("1"), D("30.00")),
        ]
        totals = after.totals()
        assert (totals.net, totals.tax, totals.total) == (D("225.00"), D("39.00"), D("264.00"))
        assert after.values.due_date == dt.date(2026, 12, 15)
        # The hosting line was removed: a tombstone, still billed for the month.
        removed = session.get(PendingDocumentLine, hosting_line.id)
        assert removed is not None
        assert removed.deleted_at is not None

        with pytest.raises(StaleEditError), write_transaction(billed) as writing:
            save_draft(writing, scope, draft.id, draft.version, changes, NOW)
        bad = dataclasses.replace(
            changes, lines=(dataclasses.replace(support, amount=D("195.001")),)
        )
        with (
            pytest.raises(BillingError, match="Line 1, amount: at most 2 decimals"),
            write_transaction(billed) as writing,
        ):
            save_draft(writing, scope, draft.id, version, bad, NOW)
        early = dataclasses.replace(changes, due_date=dt.date(2026, 11, 30))
        with (
            pytest.raises(BillingError, match="Due date: it cannot be before"),
            write_transaction(billed) as writing,
        ):
            save_draft(writing, scope, draft.id, version, early, NOW)

        with write_transaction(billed) as writing:
            assert delete_drafts(writing, scope, {draft.id: version}, NOW) == 1
        session.rollback()
        assert [r.due_date for r in list_pending(session, scope, as_of=NOW.date())] == [
            dt.date(2026, 12, 20)
        ]
    assert run(billed, DECEMBER).drafts == 0  # deleted drafts are not made again


def test_issue_posts_invoices_with_numbers_lines_and_taxes(billed: Database) -> None:
    run(billed, DECEMBER)
    steps: list[tuple[int, int, str]] = []
    with write_transaction(billed, run=LEDGER) as session:
        result = issue_drafts(
            session,
            company_scope(session),
            None,
            now=NOW,
            progress=lambda done, total, what: steps.append((done, total, what)),
        )
    assert result.describe() == "2 invoices issued: INV-0000001 to INV-0000002."
    assert steps[0] == (0, 3, "Checking the pending invoices…")
    assert steps[-1] == (3, 3, "Invoices issued.")
    with billed.sessions() as session:
        invoices = session.scalars(
            select(CustomerTransaction).order_by(CustomerTransaction.document_number)
        ).all()
        assert [
            (t.document_number, t.type, t.amount, t.amount_accounting, t.posting_date, t.due_date)
            for t in invoices
        ] == [
            ("INV-0000001", "invoice", D("215.88"), D("215.88"), DECEMBER, dt.date(2026, 12, 5)),
            ("INV-0000002", "invoice", D("120.00"), D("120.00"), DECEMBER, dt.date(2026, 12, 20)),
        ]
        assert invoices[0].description == "Web hosting; Support hours"
        taxes = session.execute(
            select(TransactionTax.tax_code, TransactionTax.tax_account, TransactionTax.amount)
        ).all()
        assert taxes == [("VAT-STD", "445710", D("35.98"))]
        lines = session.execute(
            select(InvoiceLine.description, InvoiceLine.tax_rate, InvoiceLine.amount)
            .join(CustomerTransaction, CustomerTransaction.id == InvoiceLine.transaction_id)
            .order_by(CustomerTransaction.document_number, InvoiceLine.position)
        ).all()
        assert lines == [
            ("Web hosting", D("20"), D("49.90")),
            ("Support hours", D("20"), D("130.00")),
            ("Maintenance", None, D("120.00")),
        ]
        issued = list_pending(session, company_scope(session), as_of=NOW.date(), status=ISSUED)
        assert [r.invoice_number for r in issued] == ["INV-0000001", "INV-0000002"]
        assert list_pending(session, company_scope(session), as_of=NOW.date()) == []
        (detail,) = invoice_details(session, [invoices[0].id])
        assert (detail.language, detail.net, detail.tax, detail.total) == (
            "es",
            D("179.90"),
            D("35.98"),
            D("215.88"),
        )
        assert [(t.code, t.rate, t.base, t.amount) for t in detail.taxes] == [
            ("VAT-STD", D("20"), D("179.90"), D("35.98"))
        ]
        before = counts(session)
        scope = company_scope(session)
        # Issued drafts cannot change, be deleted or be issued again.
        draft = read_draft(session, scope, issued[0].id, as_of=NOW.date())
        assert draft.invoice_number == "INV-0000001"
    with (
        pytest.raises(BillingError, match="was issued as invoice INV-0000001"),
        write_transaction(billed) as session,
    ):
        delete_drafts(session, scope, {draft.id: draft.version}, NOW)
    with (
        pytest.raises(BillingError, match="already issued as invoice INV-0000001"),
        write_transaction(billed, run=LEDGER) as session,
    ):
        issue_drafts(session, scope, [draft.id], now=NOW)
    with write_transaction(billed, run=LEDGER) as session:
        assert issue_drafts(session, scope, None, now=NOW).invoices == ()
    with billed.sessions() as session:
        assert counts(session) == before


def test_an_issue_is_refused_whole_when_one_draft_does_not_hold(billed: Database) -> None:
    with billed.sessions() as session:
        # A customer in pounds with no invoice yet: their draft has no exchange rate.
        london = add_customer(session, "C-000003", currency="GBP")
        give_lines(session, london, hosting(tax_code=None))
        session.commit()
    run(billed, DECEMBER)
    with billed.sessions() as session:
        before = counts(session)
        scope = company_scope(session)
        ids = [r.id for r in list_pending(session, scope, as_of=NOW.date())]
    assert len(ids) == 3
    with (
        pytest.raises(BillingError, match="is in GBP: type its exchange rate to EUR"),
        write_transaction(billed, run=LEDGER) as session,
    ):
        issue_drafts(session, scope, ids, now=NOW)
    with billed.sessions() as session:
        assert counts(session) == before
        draft = read_draft(session, scope, ids[2], as_of=NOW.date())
        assert (draft.account, draft.values.exchange_rate) == ("C-000003", None)
    with write_transaction(billed) as session:
        rated = dataclasses.replace(draft.values, exchange_rate=D("1.1500"))
        save_draft(session, scope, draft.id, draft.version, rated, NOW)
    with write_transaction(billed, run=LEDGER) as session:
        result = issue_drafts(session, scope, ids, now=NOW)
    london_invoice = result.invoices[2]
    assert (london_invoice.account, london_invoice.number, london_invoice.total) == (
        "C-000003",
        "INV-0000003",
        D("49.90"),
    )
    with billed.sessions() as session:
        txn = session.get(CustomerTransaction, london_invoice.transaction_id)
        assert (txn.currency, txn.amount, txn.amount_accounting) == (
            "GBP",
            D("49.90"),
            D("57.38"),
        )  # 57.385, half to even


def test_a_tax_code_gone_since_refuses_the_issue(billed: Database) -> None:
    run(billed, DECEMBER)
    with billed.sessions() as session:
        session.execute(update(SalesTaxCode).values(deleted_at=NOW))
        session.commit()
        before = counts(session)
    with (
        pytest.raises(BillingError, match="line 1: the tax code VAT-STD is no longer"),
        write_transaction(billed, run=LEDGER) as session,
    ):
        issue_drafts(session, company_scope(session), None, now=NOW)
    with billed.sessions() as session:
        assert counts(session) == before


class Cancelled(Exception):
    pass


def test_a_cancelled_issue_leaves_nothing(billed: Database) -> None:
    run(billed, DECEMBER)
    with billed.sessions() as session:
        before = counts(session)

    def cancel(done: int, total: int, what: str) -> None:
        if done == 2:  # after the invoices were posted, before the taxes and lines
            raise Cancelled

    with pytest.raises(Cancelled), write_transaction(billed, run=LEDGER) as session:
        issue_drafts(session, company_scope(session), None, now=NOW, progress=cancel)
    with billed.sessions() as session:
        assert counts(session) == before


def test_writing_off_an_issued_invoice_posts_its_sales_tax_apart(billed: Database) -> None:
    run(billed, DECEMBER)
    with write_transaction(billed, run=LEDGER) as session:
        session.execute(update(ReceivablesParameters).values(separate_sales_tax=True))
        result = issue_drafts(session, company_scope(session), None, now=NOW)
    hosting_invoice = result.invoices[0]
    with write_transaction(billed) as session:
        written = write_off(
            session,
            company_scope(session),
            [hosting_invoice.transaction_id],
            reason_code="UNCOLLECT",
            write_off_date=dt.date(2026, 12, 31),
            now=NOW,
            created_by_id=None,
        )
    with billed.sessions() as session:
        lines = [
            (r.account_type, r.account, r.tax_code, r.amount)
            for r in journal_rows(session, written.journal_id)
        ]
    assert lines == [
        ("customer", "C-000001", None, D("-215.88")),
        ("ledger", "681000", None, D("179.90")),
        ("tax", "445710", "VAT-STD", D("35.98")),
    ]


def test_a_foreign_customer_gets_the_rate_of_their_latest_invoice(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        london = add_customer(session, "C-000004", currency="GBP")
        for day, amount, accounting_rate in (
            (dt.date(2026, 10, 1), "100.00", "1.1000"),
            (dt.date(2026, 11, 1), "200.00", "1.1523"),
        ):
            post_invoice(
                session,
                customer_id=london.id,
                amount=D(amount),
                posting_date=day,
                currency="GBP",
                exchange_rate=D(accounting_rate),
                now=NOW,
            )
        give_lines(session, london, hosting())
        session.commit()
    run(sqlite_db, DECEMBER)
    with sqlite_db.sessions() as session:
        (row,) = list_pending(session, company_scope(session), as_of=NOW.date())
    assert (row.currency, row.exchange_rate) == ("GBP", D("1.1523"))
