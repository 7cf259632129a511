"""The ledger on hand-made examples, with figures, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.ledger import balances, postings
from collections_desktop.models.ledger import settlements as ledger_settlements
from collections_desktop.models.ledger.books import LedgerError

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def day(month: int, d: int) -> dt.date:
    return dt.date(2026, month, d)


@pytest.fixture
def books(any_db: Database):
    """A customer with two invoices (100.10 due 31 Jan, 50.00 due 20 Jan) and a payment of 120."""
    session = any_db.sessions()
    customer = Customer(account="C-000001", name="Ruiz Hermanos SL", currency="EUR", updated_at=NOW)
    session.add(customer)
    session.flush()
    inv1 = postings.post_invoice(
        session,
        customer_id=customer.id,
        amount=D("100.10"),
        posting_date=day(1, 1),
        due_date=day(1, 31),
        now=NOW,
    )
    inv2 = postings.post_invoice(
        session,
        customer_id=customer.id,
        amount=D("50.00"),
        posting_date=day(1, 5),
        due_date=day(1, 20),
        now=NOW,
    )
    pay = postings.post_payment(
        session, customer_id=customer.id, amount=D("120"), posting_date=day(2, 1), now=NOW
    )
    session.commit()
    yield session, customer, inv1, inv2, pay
    session.close()


def test_posting_signs_numbers_and_balance(books) -> None:
    session, customer, inv1, inv2, pay = books
    assert (inv1.amount, inv2.amount, pay.amount) == (D("100.10"), D("50.00"), D("-120.00"))
    assert (inv1.voucher, pay.voucher) == ("V-00000001", "V-00000003")
    assert (inv1.document_number, pay.document_number) == ("INV-0000001", "PAY-0000001")
    assert balances.balance(session, customer.id, day(1, 4)) == D("100.10")
    assert balances.balance(session, customer.id, day(1, 31)) == D("150.10")
    assert balances.balance(session, customer.id, day(2, 1)) == D("30.10")
    assert balances.balance(session, customer.id, day(12, 31)) == D("30.10")


def test_settle_oldest_due_first_then_reverse(books) -> None:
    session, customer, inv1, inv2, pay = books
    settlement = ledger_settlements.settle_oldest_first(session, pay.id, day(2, 1), NOW)
    session.commit()
    # inv2 is due first (20 Jan): fully paid; inv1 gets the remaining 70.00
    open_feb = {
        i.voucher: i.open_amount for i in balances.open_items(session, customer.id, day(2, 1))
    }
    assert open_feb == {inv1.voucher: D("30.10")}
    # as of the day before, nothing was settled yet
    open_jan = {
        i.voucher: i.open_amount for i in balances.open_items(session, customer.id, day(1, 31))
    }
    assert open_jan == {inv2.voucher: D("50.00"), inv1.voucher: D("100.10")}
    # closed_on: inv2 and the whole payment closed on 1 Feb; inv1 is still open
    assert (inv2.closed_on, pay.closed_on, inv1.closed_on) == (day(2, 1), day(2, 1), None)

    reversal = ledger_settlements.reverse_settlement(session, settlement.id, day(2, 10), NOW)
    session.commit()
    assert (inv2.closed_on, pay.closed_on) == (None, None), "the reversal reopened them"
    assert reversal.reverses_settlement_id == settlement.id
    assert balances.open_amount(session, inv1.id, day(2, 9)) == D("30.10")
    assert balances.open_amount(session, inv1.id, day(2, 10)) == D("100.10")
    assert balances.open_amount(session, pay.id, day(2, 10)) == D("-120.00")
    assert balances.balance(session, customer.id, day(2, 10)) == D("30.10")
    with pytest.raises(LedgerError, match="already reversed"):
        ledger_settlements.reverse_settlement(session, settlement.id, day(2, 11), NOW)
    with pytest.raises(LedgerError, match="itself a reversal"):
        ledger_settlements.reverse_settlement(session, reversal.id, day(2, 11), NOW)


def test_partial_settlement_of_marked_transactions(books) -> None:
    session, _customer, inv1, _inv2, pay = books
    ledger_settlements.settle(session, {inv1.id: D("40.05"), pay.id: D("40.05")}, day(2, 2), NOW)
    session.commit()
    assert balances.open_amount(session, inv1.id, day(2, 2)) == D("60.05")
    assert balances.open_amount(session, pay.id, day(2, 2)) == D("-79.95")
    lines = session.scalars(select(SettlementLine.amount).order_by(SettlementLine.amount)).all()
    assert lines == [D("-40.05"), D("40.05")]


@pytest.mark.parametrize(
    ("marks", "on", "message"),
    [
        ({}, day(2, 2), "Mark at least one"),
        ({"inv1": D("200"), "pay": D("200")}, day(2, 2), "only 100.10 open"),
        ({"inv1": D("10"), "pay": D("20")}, day(2, 2), r"debits \(10.00\) and credits \(20.00\)"),
        ({"inv1": D("10"), "pay": D("10")}, day(1, 15), "posted on Feb 1, 2026"),
        ({"inv1": D("-5"), "pay": D("-5")}, day(2, 2), "greater than zero"),
        ({"inv1": D("0.001"), "pay": D("0.001")}, day(2, 2), "more than 2 decimal places"),
    ],
)
def test_settle_refuses_bad_requests_and_writes_nothing(books, marks, on, message) -> None:
    session, customer, inv1, _inv2, pay = books
    ids = {"inv1": inv1.id, "pay": pay.id}
    with pytest.raises(LedgerError, match=message):
        ledger_settlements.settle(session, {ids[k]: v for k, v in marks.items()}, on, NOW)
    session.rollback()
    assert session.scalar(select(SettlementLine.id)) is None
    assert balances.balance(session, customer.id, day(12, 31)) == D("30.10")


def test_back_dated_settlement_cannot_over_settle(books) -> None:
    session, _customer, inv1, _inv2, pay = books
    credit = postings.post_credit_note(
        session, customer_id=inv1.customer_id, amount=D("100.10"), posting_date=day(1, 2), now=NOW
    )
    # the payment takes 100.10 of inv1 on 1 Feb ...
    ledger_settlements.settle(session, {inv1.id: D("100.10"), pay.id: D("100.10")}, day(2, 1), NOW)
    # ... so on 10 Jan, although 100.10 was open then, nothing can be settled any more
    with pytest.raises(LedgerError, match=r"only 0\.00 open to settle on Jan 10, 2026"):
        ledger_settlements.settle(session, {inv1.id: D("1"), credit.id: D("1")}, day(1, 10), NOW)


def test_foreign_currency_needs_a_rate_and_settles_to_the_cent(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = Customer(account="C-GB1", name="Smith & Sons", currency="GBP", updated_at=NOW)
        session.add(customer)
        session.flush()
        with pytest.raises(LedgerError, match="exchange rate from GBP to EUR"):
            postings.post_invoice(
                session, customer_id=customer.id, amount=D("100"), posting_date=day(3, 1), now=NOW
            )
        inv = postings.post_invoice(
            session,
            customer_id=customer.id,
            amount=D("100"),
            posting_date=day(3, 1),
            exchange_rate=D("1.1537"),
            now=NOW,
        )
        pay = postings.post_payment(
            session,
            customer_id=customer.id,
            amount=D("100"),
            posting_date=day(3, 5),
            exchange_rate=D("1.1611"),
            now=NOW,
        )
        assert (inv.amount_accounting, pay.amount_accounting) == (D("115.37"), D("-116.11"))
        ledger_settlements.settle(session, {inv.id: D("33.33"), pay.id: D("33.33")}, day(3, 5), NOW)
        ledger_settlements.settle(session, {inv.id: D("66.67"), pay.id: D("66.67")}, day(3, 6), NOW)
        items = balances.open_items(session, customer.id, day(3, 6))
        assert items == []
        assert balances.balance(session, customer.id, day(3, 6)) == D("0")


def test_posted_facts_are_immutable_in_the_database(books, any_db: Database) -> None:
    session, _customer, inv1, _inv2, pay = books
    ledger_settlements.settle(session, {inv1.id: D("10"), pay.id: D("10")}, day(2, 2), NOW)
    session.commit()
    for statement in (
        "UPDATE customer_transactions SET amount = 1",
        "DELETE FROM customer_transactions",
        "UPDATE settlement_lines SET amount = 0",
        "DELETE FROM settlements",
    ):
        with (
            any_db.engine.connect() as connection,
            pytest.raises(DBAPIError, match="cannot be changed"),
        ):
            connection.execute(text(statement))
    # the collection status is mutable state and may change
    session.execute(
        update(CustomerTransaction)
        .where(CustomerTransaction.id == inv1.id)
        .values(collection_status="disputed", version=CustomerTransaction.version + 1)
    )
    session.commit()
    assert session.get(CustomerTransaction, inv1.id).collection_status == "disputed"


def test_sql_sums_are_exact(any_db: Database) -> None:
    """A million tenths of a cent would drift in floating point; the money type sums exactly."""
    with any_db.sessions() as session:
        customer = Customer(account="C-SUM", name="Sum SA", currency="EUR", updated_at=NOW)
        session.add(customer)
        session.flush()
        for value in ("0.10", "0.20", "0.30", "1234567890.12", "0.01"):
            postings.post_invoice(
                session, customer_id=customer.id, amount=D(value), posting_date=day(1, 1), now=NOW
            )
        assert balances.balance(session, customer.id, day(1, 1)) == D("1234567890.73")


def test_batches_write_what_one_by_one_writes_and_refuse_the_same(any_db: Database) -> None:
    """``post_transactions``/``settle_many`` (imports) share the rules of the single functions."""
    session = any_db.sessions()
    one, many = (
        Customer(account=account, name=account, currency="EUR", updated_at=NOW)
        for account in ("C-ONE", "C-MANY")
    )
    session.add_all([one, many])
    session.flush()
    inv = postings.post_invoice(
        session,
        customer_id=one.id,
        amount=D("100.10"),
        posting_date=day(1, 1),
        due_date=day(1, 31),
        document_number="A-1",
        now=NOW,
    )
    cn = postings.post_credit_note(
        session, customer_id=one.id, amount=D("20"), posting_date=day(1, 2), now=NOW
    )
    pay = postings.post_payment(
        session, customer_id=one.id, amount=D("80.10"), posting_date=day(2, 1), now=NOW
    )
    ledger_settlements.settle(session, {inv.id: D("50"), pay.id: D("50")}, day(2, 1), NOW)
    ledger_settlements.settle(session, {inv.id: D("20"), cn.id: D("20")}, day(2, 2), NOW)
    ledger_settlements.settle(session, {inv.id: D("30.10"), pay.id: D("30.10")}, day(2, 3), NOW)

    inv2, cn2, pay2 = postings.post_transactions(
        session,
        [
            postings.Posting(
                many.id, TransactionType.INVOICE, D("100.10"), day(1, 1), day(1, 31), None, "A-1"
            ),
            postings.Posting(many.id, TransactionType.CREDIT_NOTE, D("20"), day(1, 2)),
            postings.Posting(many.id, TransactionType.PAYMENT, D("80.10"), day(2, 1)),
        ],
        NOW,
    )
    ledger_settlements.settle_many(
        session,
        [
            ledger_settlements.SettlementRequest({inv2: D("50"), pay2: D("50")}, day(2, 1)),
            ledger_settlements.SettlementRequest({inv2: D("20"), cn2: D("20")}, day(2, 2)),
            ledger_settlements.SettlementRequest({inv2: D("30.10"), pay2: D("30.10")}, day(2, 3)),
        ],
        NOW,
    )
    session.commit()

    def books(customer_id):
        txns = session.execute(
            select(
                CustomerTransaction.type,
                CustomerTransaction.posting_date,
                CustomerTransaction.document_date,
                CustomerTransaction.due_date,
                CustomerTransaction.amount,
                CustomerTransaction.amount_accounting,
                CustomerTransaction.collection_status,
                CustomerTransaction.closed_on,
            )
            .where(CustomerTransaction.customer_id == customer_id)
            .order_by(CustomerTransaction.voucher)
        ).all()
        lines = session.execute(
            select(SettlementLine.settlement_date, SettlementLine.amount)
            .join(CustomerTransaction, SettlementLine.transaction_id == CustomerTransaction.id)
            .where(CustomerTransaction.customer_id == customer_id)
            .order_by(SettlementLine.settlement_date, SettlementLine.amount)
        ).all()
        return txns, lines

    assert books(many.id) == books(one.id)
    numbers = session.scalars(
        select(CustomerTransaction.document_number)
        .where(CustomerTransaction.customer_id == many.id)
        .order_by(CustomerTransaction.voucher)
    ).all()
    assert numbers == ["A-1", "CN-0000002", "PAY-0000002"]
    assert balances.balance(session, many.id, day(2, 3)) == D("0.00")

    def line_count() -> int:
        return session.scalar(select(func.count()).select_from(SettlementLine))

    before = line_count()
    cases = [
        ({inv2: D("0.01"), pay2: D("0.01")}, day(2, 3), "only 0.00 open"),
        ({cn2: D("5"), inv2: D("5")}, day(1, 1), "after the settlement date"),
    ]
    for amounts, on, message in cases:
        with pytest.raises(LedgerError, match=message):
            ledger_settlements.settle(session, amounts, on, NOW)
        session.rollback()
        with pytest.raises(LedgerError, match=message):
            ledger_settlements.settle_many(
                session, [ledger_settlements.SettlementRequest(amounts, on)], NOW
            )
        session.rollback()
    # a later request of the batch sees the lines of the earlier ones
    extra = postings.post_transactions(
        session,
        [
            postings.Posting(many.id, TransactionType.INVOICE, D("10"), day(3, 1)),
            postings.Posting(many.id, TransactionType.PAYMENT, D("15"), day(3, 1)),
        ],
        NOW,
    )
    with pytest.raises(LedgerError, match=r"only 0\.00 open to settle"):
        ledger_settlements.settle_many(
            session,
            [
                ledger_settlements.SettlementRequest(
                    {extra[0]: D("10"), extra[1]: D("10")}, day(3, 1)
                ),
                ledger_settlements.SettlementRequest(
                    {extra[0]: D("5"), extra[1]: D("5")}, day(3, 2)
                ),
            ],
            NOW,
        )
    session.rollback()
    for posting, message in (
        (
            postings.Posting(many.id, TransactionType.INVOICE, D("0"), day(1, 1)),
            "greater than zero",
        ),
        (postings.Posting(many.id, TransactionType.INVOICE, D("1.001"), day(1, 1)), "2 decimal"),
        (
            postings.Posting(many.id, TransactionType.FEE, D("1"), day(1, 1), day(1, 1), day(1, 2)),
            "due date cannot be before",
        ),
        (
            postings.Posting(many.id, TransactionType.INVOICE, D("1"), day(1, 1), currency="GBP"),
            "exchange rate from GBP",
        ),
        (postings.Posting(one.id, TransactionType.REVERSAL, D("1"), day(1, 1)), "own action"),
    ):
        with pytest.raises(LedgerError, match=message):
            postings.post_transactions(session, [posting], NOW)
        session.rollback()
    assert line_count() == before
    session.close()
