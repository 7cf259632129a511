"""Reconciling statement lines: a confirmed line posts the receipt's own payment and
settlement, remembers the IBAN, writes off a small difference when asked; set aside, put
back and undo; a line changed since it was read, or confirmed by two processes at once,
never posts twice."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from collections_desktop.models.bank.parsed import ParsedFile, ParsedLine, ParsedStatement
from collections_desktop.models.bank.reconcile import (
    ReconcileError,
    confirm_line,
    put_back,
    set_aside,
    tolerance,
    undo_confirmation,
)
from collections_desktop.models.bank.store import store_file
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    BankStatementLine,
    CustomerBankAccount,
    CustomerTransaction,
    PaymentDetails,
    ReceivablesParameters,
    TransactionType,
)
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.ledger import balances
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.screens.workspace import timeline
from tests.racing import said_at_once
from tests.unit.test_receipts import invoices

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
PAYER = "ES7620770024003102575766"


def statement_with(session, *amounts: str) -> list[BankStatementLine]:
    lines = tuple(
        ParsedLine(
            booking_date=dt.date(2026, 11, 20),
            value_date=None,
            amount=D(amount),
            currency="EUR",
            counterparty_name="Ruiz Hermanos",
            counterparty_iban=PAYER,
            remittance=f"Pago {n}",
            bank_reference=f"B{n}",
        )
        for n, amount in enumerate(amounts)
    )
    parsed = ParsedFile(
        "nov.xml",
        "camt.053.001.02",
        (ParsedStatement("ES00BANK", "EUR", "statement", "1", None, None, None, None, lines),),
    )
    store_file(session, parsed, NOW, imported_by_id=None)
    return list(session.scalars(select(BankStatementLine).order_by(BankStatementLine.position)))


def test_a_confirmed_line_posts_the_payment_and_its_settlement(any_db: Database) -> None:
    with write_transaction(any_db) as session:
        customer, (first, second, _third) = invoices(session)
        (line,) = statement_with(session, "350.00")
        scope = company_scope(session)
        done = confirm_line(
            session,
            scope,
            line.id,
            version=1,
            customer_id=customer.id,
            allocations={first.id: D("100.00"), second.id: D("250.00")},
            now=NOW,
            user_id=None,
        )
    assert done.payment.amount == D("350.00")
    assert [(a.document_number, a.amount, a.open_after) for a in done.payment.applied] == [
        (first.document_number, D("100.00"), D("0.00")),
        (second.document_number, D("250.00"), D("0.00")),
    ]
    assert done.iban_learned
    with any_db.sessions() as session:
        stored = session.get(BankStatementLine, line.id)
        assert (stored.state, stored.version, stored.customer_id) == ("confirmed", 2, customer.id)
        payment = session.get(CustomerTransaction, stored.payment_id)
        assert (payment.document_number, payment.amount, payment.posting_date) == (
            done.payment.document_number,
            D("-350.00"),
            dt.date(2026, 11, 20),
        )
        details = session.scalars(select(PaymentDetails)).one()
        assert (details.method, details.reference) == ("bank_transfer", "B0")
        assert session.scalars(select(CustomerBankAccount.iban)).all() == [PAYER]
        assert balances.balance(session, customer.id, NOW.date()) == D("400.00")


def test_a_line_without_items_becomes_an_unsettled_payment(sqlite_db: Database) -> None:
    with write_transaction(sqlite_db) as session:
        customer, _rows = invoices(session)
        (line,) = statement_with(session, "80.00")
        done = confirm_line(
            session,
            company_scope(session),
            line.id,
            version=1,
            customer_id=customer.id,
            allocations={},
            now=NOW,
            user_id=None,
        )
    assert (done.payment.unsettled, done.payment.applied) == (D("80.00"), ())
    with sqlite_db.sessions() as session:
        assert balances.balance(session, customer.id, NOW.date()) == D("670.00")


def test_a_small_difference_is_written_off_only_within_the_tolerance(
    sqlite_db: Database,
) -> None:
    with write_transaction(sqlite_db) as session:
        customer, (first, second, _third) = invoices(session)
        short, shorter = statement_with(session, "99.50", "240.00")
        params = session.scalars(select(ReceivablesParameters)).one()
        params.bank_tolerance_amount = D("1.00")
        params.bank_tolerance_percent = D("0.5")
        assert tolerance(session, D("99.50")) == D("1.00")
        assert tolerance(session, D("400.00")) == D("2.00")
        scope = company_scope(session)
        done = confirm_line(
            session,
            scope,
            short.id,
            version=1,
            customer_id=customer.id,
            allocations={first.id: D("99.50")},
            now=NOW,
            user_id=None,
            write_off_difference=True,
        )
        assert done.written_off == D("0.50")
        assert balances.open_amount(session, first.id, NOW.date()) == D("0.00")
    with pytest.raises(ReconcileError) as refused, write_transaction(sqlite_db) as session:
        confirm_line(
            session,
            company_scope(session),
            shorter.id,
            version=1,
            customer_id=customer.id,
            allocations={second.id: D("240.00")},
            now=NOW,
            user_id=None,
            write_off_difference=True,
        )
    assert str(refused.value) == (
        "10.00 would stay open, more than the small difference of 1.20 the company writes "
        "off; leave it open instead."
    )
    with sqlite_db.sessions() as session:
        assert session.get(BankStatementLine, shorter.id).state == "open"
        assert balances.open_amount(session, second.id, NOW.date()) == D("250.00")
        assert session.scalar(select(func.count()).select_from(PaymentDetails)) == 1


def test_set_aside_put_back_and_a_stale_version_is_refused(sqlite_db: Database) -> None:
    with write_transaction(sqlite_db) as session:
        (line,) = statement_with(session, "15.00")
        set_aside(session, line.id, version=1, note="Unknown payer", now=NOW, user_id=None)
    with pytest.raises(ReconcileError) as stale, write_transaction(sqlite_db) as session:
        set_aside(session, line.id, version=1, note=None, now=NOW, user_id=None)
    assert str(stale.value).startswith("Someone changed this line at ")
    assert str(stale.value).endswith(
        "nothing was posted twice. Refresh the list to see what it is now."
    )
    with write_transaction(sqlite_db) as session:
        stored = session.get(BankStatementLine, line.id)
        assert (stored.state, stored.state_note, stored.version) == ("suspense", "Unknown payer", 2)
        put_back(session, line.id, version=2, now=NOW, user_id=None)
    with sqlite_db.sessions() as session:
        assert session.get(BankStatementLine, line.id).state == "open"


def test_undo_reverses_the_settlement_and_the_payment_and_opens_the_line(
    any_db: Database,
) -> None:
    with write_transaction(any_db) as session:
        customer, (first, _second, _third) = invoices(session)
        (line,) = statement_with(session, "100.00")
        done = confirm_line(
            session,
            company_scope(session),
            line.id,
            version=1,
            customer_id=customer.id,
            allocations={first.id: D("100.00")},
            now=NOW,
            user_id=None,
        )
    with write_transaction(any_db) as session:
        reversal = undo_confirmation(
            session, company_scope(session), line.id, version=2, now=NOW, user_id=None
        )
    with any_db.sessions() as session:
        stored = session.get(BankStatementLine, line.id)
        assert (stored.state, stored.payment_id, stored.customer_id) == ("open", None, None)
        assert stored.state_note == (
            f"Bank line matched in error: payment {done.payment.document_number} taken back"
        )
        assert balances.open_amount(session, first.id, NOW.date()) == D("100.00")
        assert balances.balance(session, customer.id, NOW.date()) == D("750.00")
        kinds = session.scalars(
            select(CustomerTransaction.document_number).where(
                CustomerTransaction.type == TransactionType.REVERSAL
            )
        ).all()
        assert kinds == [reversal]
        # The timeline says what happened: taken back, not returned unpaid.
        titles = [
            e.title
            for e in timeline(session, company_scope(session), customer.id, NOW.date())
            if done.payment.document_number in e.title
        ]
        assert titles == [
            f"Reversal {reversal} · 100.00\xa0EUR · Bank line matched in error: payment "
            f"{done.payment.document_number} taken back",
            f"Payment {done.payment.document_number} · -100.00\xa0EUR · Bank transfer B0 · "
            "taken back on Nov 20, 2026, matched in error",
        ]
        # No NSF charge for a match taken back.
        assert not session.scalar(
            select(func.count())
            .select_from(CustomerTransaction)
            .where(CustomerTransaction.type == TransactionType.FEE)
        )
    # Confirmed again (for the right customer, here the same): a new payment, once.
    with write_transaction(any_db) as session:
        again = confirm_line(
            session,
            company_scope(session),
            line.id,
            version=3,
            customer_id=customer.id,
            allocations={first.id: D("100.00")},
            now=NOW,
            user_id=None,
        )
    assert again.payment.document_number != done.payment.document_number


_CONFIRM = textwrap.dedent(
    """
    import sys, time, uuid
    from decimal import Decimal
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.bank.reconcile import confirm_line
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.models.db.writing import write_transaction
    from collections_desktop.models.people.scope import company_scope

    url, line, customer, invoice, start = sys.argv[1:6]
    database = open_company(url, clock=SystemClock(), create=False)
    time.sleep(max(0.0, float(start) - time.time()))
    try:
        with write_transaction(database) as session:
            done = confirm_line(
                session, company_scope(session), uuid.UUID(line), version=1,
                customer_id=uuid.UUID(customer), allocations={uuid.UUID(invoice): Decimal("100")},
                now=SystemClock().now(), user_id=None,
            )
            print(done.payment.document_number)
    except ValueError as error:
        print("refused:", error)
    database.dispose()
    """
)


def test_two_processes_confirming_one_line_at_once_post_it_once(any_db: Database) -> None:
    with write_transaction(any_db) as session:
        customer, (first, _second, _third) = invoices(session)
        (line,) = statement_with(session, "100.00")
        ids = [str(line.id), str(customer.id), str(first.id)]
    url = any_db.engine.url.render_as_string(hide_password=False)
    if any_db.engine.dialect.name == "sqlite":
        url = str(any_db.url)
    said = said_at_once(_CONFIRM, url, *ids)
    assert said[0].startswith("PAY-")
    assert said[1].startswith("refused: Someone changed this line at ")
    with any_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PaymentDetails)) == 1
        assert balances.open_amount(session, first.id, NOW.date()) == D("0.00")
