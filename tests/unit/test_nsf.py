"""NSF payments: what they reopen, reverse and charge, to the cent, and what they refuse."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from collections_desktop.models.actions.nsf import NsfError, nsf_events, nsf_preview, process_nsf
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    BankAccount,
    Customer,
    CustomerTransaction,
    Journal,
    JournalLine,
    NumberSequence,
    Settlement,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.ledger import balances, postings, settlements
from collections_desktop.models.ledger.journals import journal_rows
from collections_desktop.models.people.scope import company_scope, load_scope
from tests.unit.test_scope import add_agent, add_pool

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
PAID = dt.date(2026, 11, 2)
SETTLED = dt.date(2026, 11, 5)
NSF_DAY = dt.date(2026, 11, 20)
_accounts = itertools.count(1)


def add_customer(session, *, country: str = "ES", currency: str = "EUR", **fields) -> Customer:
    customer = Customer(
        account=f"N-{next(_accounts):06d}",
        name="Ruiz Hermanos SL",
        currency=currency,
        country=country,
        updated_at=NOW,
        **fields,
    )
    session.add(customer)
    session.flush()
    return customer


def post(session, customer, kind: TransactionType, amount: str, day: dt.date, **fields):
    return postings.post_transaction(
        session,
        customer_id=customer.id,
        type=kind,
        amount=D(amount),
        posting_date=day,
        now=NOW,
        **fields,
    )


def books(session):
    """Invoices of 400.00 (due 15 Oct) and 500.00 (due 30 Oct); a payment of 700.00 on 2 Nov
    applied oldest first on 5 Nov: 400.00 to the first, 300.00 to the second."""
    customer = add_customer(session)
    first = post(session, customer, TransactionType.INVOICE, "400.00", dt.date(2026, 9, 15),
                 due_date=dt.date(2026, 10, 15))  # fmt: skip
    second = post(session, customer, TransactionType.INVOICE, "500.00", dt.date(2026, 9, 30),
                  due_date=dt.date(2026, 10, 30))  # fmt: skip
    payment = post(session, customer, TransactionType.PAYMENT, "700.00", PAID)
    settlements.settle_oldest_first(session, payment.id, SETTLED, NOW)
    return customer, first, second, payment


def counts(session) -> dict[str, int]:
    """Rows of every table an NSF writes to, and the counters it draws from."""
    tables = (CustomerTransaction, Settlement, SettlementLine, Journal, JournalLine)
    result = {t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in tables}
    result["counters"] = session.scalar(select(func.sum(NumberSequence.next_value)))
    return result


def test_nsf_reopens_both_invoices_closes_the_payment_and_charges_the_fee(
    any_db: Database,
) -> None:
    with any_db.sessions() as session:
        customer, first, second, payment = books(session)
        session.commit()
        scope = company_scope(session)
        assert balances.balance(session, customer.id, NSF_DAY) == D("200.00")
        preview = nsf_preview(session, scope, payment.id, NSF_DAY)
        assert [(s.document_number, s.amount) for s in preview.settled] == [
            (first.document_number, D("400.00")),
            (second.document_number, D("300.00")),
        ]
        assert (preview.amount, preview.bank_account, preview.fee_total) == (
            D("700.00"),
            "OPER",
            D("25.00"),
        )
        assert preview.earliest_date == SETTLED

        result = process_nsf(
            session, scope, payment.id, NSF_DAY, NOW, created_by_id=None, note="Bank letter 113"
        )
        session.commit()

        assert [(r.document_number, r.reopened, r.open_amount) for r in result.reopened] == [
            (first.document_number, D("400.00"), D("400.00")),
            (second.document_number, D("300.00"), D("500.00")),
        ]
        assert balances.open_amount(session, first.id, NSF_DAY) == D("400.00")
        assert balances.open_amount(session, second.id, NSF_DAY) == D("500.00")
        # The payment and its reversal close each other on the NSF date.
        reversal = session.get(CustomerTransaction, result.reversal_id)
        assert (reversal.type, reversal.amount, reversal.reverses_transaction_id) == (
            "reversal",
            D("700.00"),
            payment.id,
        )
        assert "NSF" in reversal.description
        assert balances.open_amount(session, payment.id, NSF_DAY) == 0
        assert balances.open_amount(session, reversal.id, NSF_DAY) == 0
        session.refresh(payment)
        assert (payment.closed_on, reversal.closed_on) == (NSF_DAY, NSF_DAY)
        # The fee: 25.00 due on the NSF date, numbered from the fee counter, naming the payment.
        (fee,) = result.fees
        fee_txn = session.get(CustomerTransaction, fee.transaction_id)
        assert (fee_txn.type, fee_txn.document_number, fee_txn.amount) == (
            "fee",
            "FEE-0000001",
            D("25.00"),
        )
        assert (fee_txn.posting_date, fee_txn.due_date) == (NSF_DAY, NSF_DAY)
        assert payment.document_number in fee_txn.description
        assert result.fee_total == D("25.00")
        # The customer owes 725.00 more: 700.00 of the payment and 25.00 of the fee.
        assert balances.balance(session, customer.id, NSF_DAY) == D("925.00")
        assert balances.balance(session, customer.id, NSF_DAY) - D("200.00") == D("725.00")
        assert balances.balance(session, customer.id, NSF_DAY - dt.timedelta(days=1)) == D("200.00")
        # One payment journal: the customer debited, the bank and the fee income credited.
        rows = journal_rows(session, result.journal_id)
        assert [(r.account_type, r.account, r.amount) for r in rows] == [
            ("customer", customer.account, D("700.00")),
            ("ledger", "512000", D("-700.00")),
            ("customer", customer.account, D("25.00")),
            ("ledger", "758000", D("-25.00")),
        ]
        assert {r.type for r in rows} == {"payment"}
        assert sum(r.amount for r in rows) == 0
        assert sum(r.amount_accounting for r in rows) == 0
        # The database's own sums agree (exact on SQLite and PostgreSQL).
        assert session.scalar(
            select(func.sum(JournalLine.amount)).where(JournalLine.journal_id == result.journal_id)
        ) == D("0")
        assert session.scalar(
            select(func.sum(CustomerTransaction.amount)).where(
                CustomerTransaction.customer_id == customer.id
            )
        ) == D("925.00")  # 400 + 500 - 700 (payment) + 700 (its reversal) + 25 (fee)
        # The timeline's view of it.
        (event,) = nsf_events(session, customer.id)
        assert (event.date, event.payment_document, event.amount, event.fee) == (
            NSF_DAY,
            payment.document_number,
            D("700.00"),
            D("25.00"),
        )
        assert event.reversal_document == result.reversal_document
        assert event.journal_number == result.journal_number
        assert "Bank letter 113" in event.description


def test_only_settlements_still_in_force_are_reversed(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        first = post(session, customer, TransactionType.INVOICE, "250.00", dt.date(2026, 10, 1))
        second = post(session, customer, TransactionType.INVOICE, "250.00", dt.date(2026, 10, 2))
        payment = post(session, customer, TransactionType.PAYMENT, "250.00", PAID)
        wrong = settlements.settle(
            session, {first.id: D("250"), payment.id: D("250")}, SETTLED, NOW
        )
        settlements.reverse_settlement(session, wrong.id, dt.date(2026, 11, 6), NOW)
        settlements.settle(
            session, {second.id: D("250"), payment.id: D("250")}, dt.date(2026, 11, 7), NOW
        )
        session.commit()
        scope = company_scope(session)
        with pytest.raises(NsfError, match="settled on Nov 7, 2026"):
            process_nsf(session, scope, payment.id, dt.date(2026, 11, 6), NOW, created_by_id=None)
        result = process_nsf(session, scope, payment.id, NSF_DAY, NOW, created_by_id=None)
        session.commit()
        assert [(r.document_number, r.open_amount) for r in result.reopened] == [
            (second.document_number, D("250.00"))
        ]
        assert balances.open_amount(session, first.id, NSF_DAY) == D("250.00")
        reversed_ids = session.scalars(
            select(Settlement.reverses_settlement_id).where(
                Settlement.reverses_settlement_id.is_not(None)
            )
        ).all()
        assert len(reversed_ids) == 2  # the earlier reversal and the NSF's one, no more
        assert balances.balance(session, customer.id, NSF_DAY) == D("525.00")


def test_an_unapplied_payment_on_an_account_without_charges_costs_no_fee(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        session.add(
            BankAccount(code="SAVE", name="Savings", ledger_account="512100", currency="EUR",
                        charges_group=None, updated_at=NOW)
        )  # fmt: skip
        customer = add_customer(session)
        payment = post(session, customer, TransactionType.PAYMENT, "80.50", PAID,
                       bank_account="SAVE")  # fmt: skip
        session.commit()
        result = process_nsf(
            session, company_scope(session), payment.id, PAID, NOW, created_by_id=None
        )
        session.commit()
        assert (result.reopened, result.fees, result.fee_total) == ((), (), 0)
        rows = journal_rows(session, result.journal_id)
        assert [(r.account, r.amount) for r in rows] == [
            (customer.account, D("80.50")),
            ("512100", D("-80.50")),
        ]
        assert balances.balance(session, customer.id, PAID) == 0
        assert nsf_events(session, customer.id)[0].fee == 0


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("invoice", "is not a payment"),
        ("twice", "already returned as NSF"),
        ("before_posting", "posted on Nov 2, 2026"),
        ("before_settlement", "settled on Nov 5, 2026"),
        ("outside_scope", "outside your pools"),
        ("unknown_bank", "bank account GONE"),
    ],
)
def test_refusals_write_nothing(sqlite_db: Database, case: str, message: str) -> None:
    with sqlite_db.sessions() as session:
        customer, first, _second, payment = books(session)
        scope = company_scope(session)
        target, day = payment.id, NSF_DAY
        if case == "invoice":
            target = first.id
        elif case == "twice":
            process_nsf(session, scope, payment.id, NSF_DAY, NOW, created_by_id=None)
        elif case == "before_posting":
            day = PAID - dt.timedelta(days=1)
        elif case == "before_settlement":
            day = SETTLED - dt.timedelta(days=1)
        elif case == "outside_scope":
            scope = load_scope(session, add_agent(session, [add_pool(session, ["FR"])]))
        elif case == "unknown_bank":
            target = post(session, customer, TransactionType.PAYMENT, "10.00", PAID,
                          bank_account="GONE").id  # fmt: skip
        session.commit()
        before = counts(session)
        balance = balances.balance(session, customer.id, NSF_DAY)
        with pytest.raises(NsfError, match=message):
            process_nsf(session, scope, target, day, NOW, created_by_id=None)
        assert counts(session) == before, "checked before anything was written"
        session.rollback()
        assert balances.balance(session, customer.id, NSF_DAY) == balance
