"""The aging of many customers in one query, the stored snapshot, and their properties."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.aging import definitions as aging
from collections_desktop.models.aging.definitions import Definition, Period
from collections_desktop.models.aging.risk import RiskFactors
from collections_desktop.models.aging.snapshot import (
    age_customers,
    aged_rows,
    load_summary,
    snapshot_columns,
    take_snapshot,
)
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    AgingBasis,
    AgingSnapshot,
    AgingSnapshotCustomer,
    AgingSnapshotLine,
    CollectionStatus,
    Customer,
    CustomerPool,
)
from collections_desktop.models.ledger import balances, books, postings, settlements
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import ScopeError, company_scope, load_scope
from tests.unit.test_ledger_properties import START, Model, _apply, accounting_operations
from tests.unit.test_scope import add_agent

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
_accounts = itertools.count(1)


def add_customer(session, country="ES", credit_limit=None) -> Customer:
    customer = Customer(
        account=f"S-{next(_accounts):06d}",
        name="Snapshot SA",
        currency="EUR",
        country=country,
        credit_limit=credit_limit,
        updated_at=NOW,
    )
    session.add(customer)
    session.flush()
    return customer


def invoice(session, customer, amount: str, due: dt.date):
    return postings.post_invoice(
        session,
        customer_id=customer.id,
        amount=D(amount),
        posting_date=due - dt.timedelta(days=30),
        due_date=due,
        now=NOW,
    )


def pay(session, customer, txn, day: dt.date) -> None:
    payment = postings.post_payment(
        session, customer_id=customer.id, amount=txn.amount, posting_date=day, now=NOW
    )
    settlements.settle(session, {txn.id: txn.amount, payment.id: txn.amount}, day, NOW)


def history(session) -> Customer:
    """A customer with a year of invoices: paid late, paid early, disputed, promised, not due."""
    customer = add_customer(session, credit_limit=D("1500.00"))
    a = invoice(session, customer, "1000.00", dt.date(2026, 10, 1))
    pay(session, customer, a, dt.date(2026, 10, 31))  # 30 days late, due in the last 90 days
    b = invoice(session, customer, "500.00", dt.date(2026, 6, 1))
    pay(session, customer, b, dt.date(2026, 5, 25))  # early
    c = invoice(session, customer, "300.00", dt.date(2026, 11, 3))  # open, 20 days late
    c.collection_status = CollectionStatus.DISPUTED
    old = invoice(session, customer, "200.00", dt.date(2025, 6, 1))  # due over a year ago
    pay(session, customer, old, dt.date(2025, 8, 1))
    invoice(session, customer, "700.00", dt.date(2026, 12, 10))  # not yet due
    f = invoice(session, customer, "400.00", dt.date(2026, 10, 20))  # open, 34 days late
    f.collection_status = CollectionStatus.PROMISED
    f.promise_date = dt.date(2026, 11, 10)  # promised, and the date has passed
    session.flush()
    return customer


def test_a_customer_history_gives_the_columns_header_and_risk(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = history(session)
        [row] = age_customers(session, TODAY, company_scope(session)).rows
        assert row.account == customer.account
        assert row.columns == (
            D("700.00"),  # Current: not due until 10 Dec
            D("300.00"),  # 1-30: c, 20 days
            D("400.00"),  # 31-60: f, 34 days
            D("0"),
            D("0"),
            D("0"),
            D("0"),
        )
        assert row.balance == D("1400.00") == balances.balance(session, customer.id, TODAY)
        assert row.past_due == D("700.00")
        assert (row.credit_limit, row.available_credit) == (D("1500.00"), D("100.00"))
        assert (row.disputed_count, row.disputed_amount) == (1, D("300.00"))
        assert (row.oldest_past_due_date, row.oldest_past_due_days) == (dt.date(2026, 10, 20), 34)
        # Recent invoices (due 24 Nov 2025 .. 23 Nov 2026): a, b, c, f; late: a, c, f.
        # Weighted days late: a 2x30 + c 2x20 + f 2x34 = 168 over weights 2 + 1 + 2 + 2 = 7.
        assert row.risk == RiskFactors(
            recent_invoices=4,
            late_invoices=3,
            weighted_days_late=168,
            weights=7,
            balance=D("1400.00"),
            disputed_amount=D("300.00"),
            credit_limit=D("1500.00"),
            broken_promises=1,
        )
        # 35x24/60 + 25x3/4 + 15x300/1400 + 15x(1400/1500 - 0.5)/0.5 + 10x1/2 = 53.96
        assert row.risk_score == 54
        session.rollback()


def test_a_past_date_counts_only_what_was_posted_and_settled_by_then(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = history(session)
        on = dt.date(2026, 10, 15)
        [row] = age_customers(session, on, company_scope(session)).rows
        # a (due 1 Oct) was paid on 31 Oct: open and 14 days late; f and c not yet due;
        # the invoice due in December was not posted yet.
        assert row.columns == (D("700.00"), D("1000.00"), D(0), D(0), D(0), D(0), D(0))
        assert row.balance == balances.balance(session, customer.id, on) == D("1700.00")
        assert (row.oldest_past_due_date, row.oldest_past_due_days) == (dt.date(2026, 10, 1), 14)
        session.rollback()


def test_a_snapshot_stores_header_and_lines_and_reads_back(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = history(session)
        other = add_customer(session)
        invoice(session, other, "50.00", dt.date(2026, 1, 31))  # 296 days: over 120
        add_customer(session)  # nothing posted: not in the snapshot
        summary = take_snapshot(session, TODAY, company_scope(session), NOW)
        session.commit()
    with any_db.sessions() as session:
        assert summary.customer_count == 2
        assert summary.labels[0] == "Current"
        assert summary.labels[-1] == "Unapplied"
        assert summary.totals == (
            D("700.00"),
            D("300.00"),
            D("400.00"),
            D("0"),
            D("0"),
            D("50.00"),
            D("0"),
        )
        assert summary.balance == D("1450.00")
        snap = session.get(AgingSnapshot, summary.id)
        assert (snap.as_of, snap.basis, snap.definition_name, snap.pool_id) == (
            TODAY,
            "due_date",
            "Standard",
            None,
        )
        stored = snapshot_columns(session, summary.id)
        assert stored[customer.id] == (D("700.00"), D("300.00"), D("400.00"), *[D(0)] * 4)
        header = session.scalars(
            select(AgingSnapshotCustomer).where(AgingSnapshotCustomer.customer_id == customer.id)
        ).one()
        assert (header.balance, header.past_due, header.available_credit) == (
            D("1400.00"),
            D("700.00"),
            D("100.00"),
        )
        assert (header.sales_order_amount, header.packing_slip_amount) == (D(0), D(0))
        assert (header.disputed_count, header.disputed_amount, header.risk_score) == (
            1,
            D("300.00"),
            54,
        )
        assert header.oldest_past_due_date == dt.date(2026, 10, 20)
        bounds = session.execute(
            select(AgingSnapshotLine.label, AgingSnapshotLine.from_days, AgingSnapshotLine.to_days)
            .where(AgingSnapshotLine.snapshot_customer_id == header.id)
            .order_by(AgingSnapshotLine.position)
        ).all()
        assert [tuple(b) for b in bounds] == [
            ("Current", None, None),
            ("1-30 days", 1, 30),
            ("31-60 days", 31, 60),
            ("61-90 days", 61, 90),
            ("91-120 days", 91, 120),
            ("Over 120 days", 121, None),
            ("Unapplied", None, None),
        ]


def test_a_pool_snapshot_holds_only_the_pool_and_the_agents_scope_is_enforced(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        spain, france = add_customer(session, "ES"), add_customer(session, "FR")
        invoice(session, spain, "10.00", dt.date(2026, 11, 1))
        invoice(session, france, "20.00", dt.date(2026, 11, 1))
        iberia = CustomerPool(
            name="Iberia", criteria=PoolCriteria(countries=("ES",)).to_json(), updated_at=NOW
        )
        gaul = CustomerPool(
            name="Gaul", criteria=PoolCriteria(countries=("FR",)).to_json(), updated_at=NOW
        )
        session.add_all([iberia, gaul])
        session.flush()
        user = add_agent(session, [iberia], default=iberia)
        scope = load_scope(session, user)

        everything = age_customers(session, TODAY, scope)
        assert [r.account for r in everything.rows] == [spain.account]
        summary = take_snapshot(session, TODAY, scope, NOW, pool_id=iberia.id)
        assert (summary.pool_name, summary.customer_count, summary.balance) == (
            "Iberia",
            1,
            D("10.00"),
        )
        assert session.get(AgingSnapshot, summary.id).user_name == user
        with pytest.raises(ScopeError, match="does not work this pool"):
            take_snapshot(session, TODAY, scope, NOW, pool_id=gaul.id)
        company = company_scope(session)
        assert [r.balance for r in age_customers(session, TODAY, company).rows] == [
            D("10.00"),
            D("20.00"),
        ]
        session.rollback()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=accounting_operations,
    basis=st.sampled_from(list(AgingBasis)),
    bounds=st.lists(st.integers(1, 12), min_size=1, max_size=4),
)
def test_the_aggregate_equals_the_live_aging_and_sums_to_the_balance(
    sqlite_db: Database, ops, basis, bounds
) -> None:
    """Random ledgers, bases, periods and dates: one query agrees with the live aging."""
    periods, start = [], 1
    for width in bounds:
        periods.append(Period(f"{start}-{start + width - 1}", start, start + width - 1))
        start += width
    periods.append(Period(f"Over {start - 1}", start, None))
    definition = Definition("Random", basis, tuple(periods))
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        model = Model()
        for op in ops:
            savepoint = session.begin_nested()
            try:
                _apply(session, customer.id, model, op)
                savepoint.commit()
            except books.LedgerError:
                savepoint.rollback()
        for offset in range(-1, 60, 4):
            on = START + dt.timedelta(days=offset)
            rows = aged_rows(session, on, definition, Customer.id == customer.id)
            live = aging.age_customer(session, customer.id, on, definition)
            balance = balances.balance(session, customer.id, on)
            if not rows:
                assert not any(live.columns)
                assert balance == 0
                continue
            [row] = rows
            assert row.columns == live.columns, on
            assert row.balance == balance, on
        session.rollback()


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("snapshot-demo") / "demo.sqlite"
    write_demo_company(str(path), customers=150, seed=7, today=TODAY)
    return path


@pytest.mark.parametrize("on", [TODAY, dt.date(2026, 3, 31), dt.date(2025, 12, 31)])
def test_on_the_demo_every_stored_customer_equals_its_live_aging(
    demo_path: Path, on: dt.date
) -> None:
    database = open_company(demo_path, clock=SystemClock())
    try:
        with database.sessions() as session:
            summary = take_snapshot(session, on, company_scope(session), NOW)
            stored = snapshot_columns(session, summary.id)
            definition = aging.load_definition(session)
            customers = session.scalars(select(Customer.id)).all()
            assert 0 < len(stored) <= len(customers)
            for customer_id in customers:
                live = aging.age_customer(session, customer_id, on, definition)
                assert stored.get(customer_id, (D(0),) * 7) == live.columns
                assert sum(live.columns, D(0)) == balances.balance(session, customer_id, on)
            assert summary.totals == tuple(
                sum((c[i] for c in stored.values()), D(0)) for i in range(7)
            )
            assert load_summary(session, summary.id) == summary
            lines = session.scalar(select(func.count()).select_from(AgingSnapshotLine))
            assert lines == 7 * len(stored)
            session.rollback()
    finally:
        database.dispose()
