"""The company summary reads only what is not closed, and says what the sums over every row say.

``company_summary`` skips the transactions closed by the date (``closed_on``) instead of
summing every settlement line; these tests hold its figures equal to the definition
(Σ posted − Σ settled over every row, and every transaction whose lines do not settle it)
on a demo company with foreign-currency customers and on hand-made ledgers with partial,
back-dated and reversed settlements.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import CompanySummary, company_summary
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer, CustomerTransaction, SettlementLine
from collections_desktop.models.ledger import postings
from collections_desktop.models.ledger import settlements as ledger_settlements

TODAY = dt.date(2026, 11, 23)
START = dt.date(2026, 1, 1)
NOW = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)


def by_scan(session: Session, as_of: dt.date) -> tuple[int, Decimal]:
    """Open transactions and balance on ``as_of`` by their definition, over every row."""
    posted = session.scalar(
        select(func.coalesce(func.sum(CustomerTransaction.amount_accounting), 0)).where(
            CustomerTransaction.posting_date <= as_of
        )
    )
    settled = session.scalar(
        select(func.coalesce(func.sum(SettlementLine.amount_accounting), 0)).where(
            SettlementLine.settlement_date <= as_of
        )
    )
    per_txn = (
        select(SettlementLine.transaction_id, func.sum(SettlementLine.amount).label("settled"))
        .where(SettlementLine.settlement_date <= as_of)
        .group_by(SettlementLine.transaction_id)
        .subquery()
    )
    open_count = session.scalar(
        select(func.count())
        .select_from(CustomerTransaction)
        .outerjoin(per_txn, per_txn.c.transaction_id == CustomerTransaction.id)
        .where(
            CustomerTransaction.posting_date <= as_of,
            CustomerTransaction.amount != func.coalesce(per_txn.c.settled, 0),
        )
    )
    return open_count or 0, Decimal(posted or 0) - Decimal(settled or 0)


def figures(summary: CompanySummary) -> tuple[int, Decimal]:
    return summary.open_transactions, summary.balance


def test_the_demo_company_figures_equal_the_sums_over_every_row(tmp_path: Path) -> None:
    stats = write_demo_company(tmp_path / "d.sqlite", customers=300, seed=5, today=TODAY)
    database = open_company(tmp_path / "d.sqlite", clock=SystemClock())
    try:
        with database.sessions() as session:
            foreign = session.scalar(
                select(func.count()).select_from(Customer).where(Customer.currency != "EUR")
            )
            summary = company_summary(session, TODAY)
            assert figures(summary) == by_scan(session, TODAY)
            for days in (1, 30, 95, 200, 400):
                as_of = TODAY - dt.timedelta(days=days)
                assert figures(company_summary(session, as_of)) == by_scan(session, as_of)
    finally:
        database.dispose()
    assert foreign  # the accounting-currency shares of foreign settlements are covered
    assert summary.customers == stats.customers == 300
    assert 0 < summary.open_transactions < stats.transactions
    assert summary.balance > 0


def test_partial_back_dated_and_reversed_foreign_settlements(any_db: Database) -> None:
    usd = {"now": NOW, "currency": "USD", "exchange_rate": Decimal("0.5")}
    with any_db.sessions.begin() as session:
        customer = Customer(account="P-1", name="Partial", currency="EUR", updated_at=NOW)
        session.add(customer)
        session.flush()
        first = {"customer_id": customer.id, "posting_date": START, **usd}
        a = postings.post_invoice(session, amount=Decimal("107.71"), **first)
        p = postings.post_payment(session, amount=Decimal("500.00"), **first)
        b = postings.post_invoice(session, amount=Decimal("393.34"), **first)
        c = postings.post_invoice(session, amount=Decimal("10.01"), **first)
        on, later = START + dt.timedelta(40), START + dt.timedelta(47)
        ledger_settlements.settle(session, {a.id: Decimal("1.08"), p.id: Decimal("1.08")}, on, NOW)
        rest = ledger_settlements.settle(
            session, {a.id: Decimal("106.63"), p.id: Decimal("106.63")}, on, NOW
        )
        ledger_settlements.reverse_settlement(session, rest.id, later, NOW)
        ledger_settlements.settle(session, {b.id: Decimal("3.19"), p.id: Decimal("3.19")}, on, NOW)
        ledger_settlements.settle(
            session, {b.id: Decimal("315.54"), p.id: Decimal("315.54")}, on, NOW
        )
        # c is settled whole in two steps, the second back-dated before the first.
        ledger_settlements.settle(
            session, {c.id: Decimal("3.33"), p.id: Decimal("3.33")}, later, NOW
        )
        ledger_settlements.settle(session, {c.id: Decimal("6.68"), p.id: Decimal("6.68")}, on, NOW)
    with any_db.sessions() as session:
        dates = (START - dt.timedelta(1), START, on - dt.timedelta(1), on, later, TODAY)
        seen = {as_of: figures(company_summary(session, as_of)) for as_of in dates}
        assert seen == {as_of: by_scan(session, as_of) for as_of in dates}
    # Every posting is in USD at 0.5 EUR: (107.71 + 393.34 + 10.01 - 500.00) / 2 = 5.53 EUR,
    # whatever is settled within the customer. On ``on`` a is settled whole; on ``later``
    # its reversed settlement reopens it while c's last line closes c.
    assert seen[START - dt.timedelta(1)] == (0, Decimal("0.00"))
    assert seen[START] == seen[on - dt.timedelta(1)] == (4, Decimal("5.53"))
    assert seen[on] == seen[later] == seen[TODAY] == (3, Decimal("5.53"))
