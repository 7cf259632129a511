"""Aging definitions and the live aging of one customer, with figures and properties."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from collections_desktop.models.aging import definitions as aging
from collections_desktop.models.aging.definitions import AgingDefinitionError, Definition, Period
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    AgingBasis,
    AgingDefinition,
    AgingPeriod,
    Customer,
    CustomerPool,
)
from collections_desktop.models.ledger import balances, books, postings, settlements
from tests.unit.test_ledger_properties import START, Model, _apply, accounting_operations

D = Decimal
_accounts = itertools.count(1)
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
STANDARD = (
    Period("1-30", 1, 30),
    Period("31-60", 31, 60),
    Period("61-90", 61, 90),
    Period("91-120", 91, 120),
    Period("Over 120", 121, None),
)


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        ((), "at least one period"),
        ((Period("a", 1, 30), Period("b", 32, None)), "starts at day 32; it must start at day 31"),
        ((Period("a", 1, 30), Period("b", 30, None)), "starts at day 30; it must start at day 31"),
        ((Period("a", 0, 30), Period("b", 31, None)), "starts at day 0; it must start at day 1"),
        ((Period("a", 1, None), Period("b", 31, None)), "Only the last period may be open-ended"),
        ((Period("a", 1, 30), Period("b", 31, 20)), "ends \\(day 20\\) before it starts"),
        ((Period("a", 1, 30), Period("b", 31, 60)), "last period must be open-ended"),
    ],
)
def test_bad_periods_are_refused_with_a_clear_message(periods, message) -> None:
    with pytest.raises(AgingDefinitionError, match=message):
        Definition("Bad", AgingBasis.DUE_DATE, periods)


def test_the_company_default_is_the_standard_five_periods(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        definition = aging.load_definition(session)
    assert definition.basis is AgingBasis.DUE_DATE
    assert [(p.from_days, p.to_days) for p in definition.periods] == [
        (1, 30),
        (31, 60),
        (61, 90),
        (91, 120),
        (121, None),
    ]
    assert definition.labels == (
        "Current",
        "1-30 days",
        "31-60 days",
        "61-90 days",
        "91-120 days",
        "Over 120 days",
        "Unapplied",
    )


def test_a_pools_definition_comes_before_the_default(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        weekly = AgingDefinition(name="Weekly", basis=AgingBasis.TRANSACTION_DATE, updated_at=NOW)
        session.add(weekly)
        session.flush()
        session.add_all(
            [
                AgingPeriod(
                    definition_id=weekly.id,
                    position=1,
                    label="1-7",
                    from_days=1,
                    to_days=7,
                    updated_at=NOW,
                ),
                AgingPeriod(
                    definition_id=weekly.id,
                    position=2,
                    label="Over 7",
                    from_days=8,
                    to_days=None,
                    updated_at=NOW,
                ),
            ]
        )
        pool = CustomerPool(name="Weekly pool", aging_definition_id=weekly.id, updated_at=NOW)
        plain = CustomerPool(name="Plain pool", updated_at=NOW)
        session.add_all([pool, plain])
    with sqlite_db.sessions() as session:
        assert aging.load_definition(session, pool_id=pool.id).name == "Weekly"
        assert aging.load_definition(session, pool_id=plain.id).name == "Standard"
        standard = session.scalar(
            select(AgingDefinition.id).where(AgingDefinition.name == "Standard")
        )
        assert aging.load_definition(session, standard, pool_id=pool.id).name == "Standard"


def test_a_customers_aging_on_two_dates(any_db: Database) -> None:
    """Invoices due in several periods, a partial payment and an unapplied remainder."""
    with any_db.sessions() as session:
        customer = Customer(
            account="C-AGE", name="Lopes & Filhos Lda", currency="EUR", updated_at=NOW
        )
        session.add(customer)
        session.flush()

        def invoice(amount: str, due: dt.date) -> postings.CustomerTransaction:
            return postings.post_invoice(
                session,
                customer_id=customer.id,
                amount=D(amount),
                posting_date=due - dt.timedelta(days=30),
                due_date=due,
                now=NOW,
            )

        invoice("100.00", dt.date(2026, 12, 10))  # Current on 23 Nov
        invoice("40.00", dt.date(2026, 11, 23))  # 0 days: still Current
        invoice("250.00", dt.date(2026, 11, 13))  # 10 days: 1-30
        late_45 = invoice("300.00", dt.date(2026, 10, 9))  # 45 days: 31-60
        invoice("75.50", dt.date(2026, 5, 7))  # 200 days: over 120
        payment = postings.post_payment(
            session,
            customer_id=customer.id,
            amount=D("500"),
            posting_date=dt.date(2026, 11, 20),
            now=NOW,
        )
        # 300.00 of the payment settles late_45 in full on 20 Nov; 200.00 stays unapplied.
        settlements.settle(
            session, {late_45.id: D("300"), payment.id: D("300")}, dt.date(2026, 11, 20), NOW
        )
        definition = aging.load_definition(session)

        today = aging.age_customer(session, customer.id, dt.date(2026, 11, 23), definition)
        assert today.columns == (
            D("140.00"),
            D("250.00"),
            D("0"),
            D("0"),
            D("0"),
            D("75.50"),
            D("-200.00"),
        )
        assert today.balance == balances.balance(session, customer.id, dt.date(2026, 11, 23))
        assert today.balance == D("265.50")
        assert today.past_due == D("325.50")

        # On 15 Nov the payment did not exist yet: late_45 was 37 days late and open.
        before = aging.age_customer(session, customer.id, dt.date(2026, 11, 15), definition)
        assert before.columns == (
            D("140.00"),
            D("250.00"),
            D("300.00"),
            D("0"),
            D("0"),
            D("75.50"),
            D("0"),
        )
        assert before.balance == D("765.50")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=accounting_operations,
    basis=st.sampled_from(list(AgingBasis)),
    bounds=st.lists(st.integers(1, 12), min_size=1, max_size=4),
)
def test_columns_always_sum_to_the_balance(sqlite_db: Database, ops, basis, bounds) -> None:
    """Random ledgers, bases and period bounds: the columns equal a naive bucketing."""
    periods, start = [], 1
    for width in bounds:
        periods.append(Period(f"{start}-{start + width - 1}", start, start + width - 1))
        start += width
    periods.append(Period(f"Over {start - 1}", start, None))
    definition = Definition("Random", basis, tuple(periods))
    with sqlite_db.sessions() as session:
        customer = Customer(
            account=f"A-{next(_accounts):06d}",
            name="Property SL",
            currency="EUR",
            updated_at=NOW,
        )
        session.add(customer)
        session.flush()
        model = Model()
        for op in ops:
            savepoint = session.begin_nested()
            try:
                _apply(session, customer.id, model, op)
                savepoint.commit()
            except books.LedgerError:
                savepoint.rollback()
        for offset in range(-1, 60, 3):
            on = START + dt.timedelta(days=offset)
            items = balances.open_items(session, customer.id, on)
            result = aging.age_customer(session, customer.id, on, definition)
            assert result.balance == balances.balance(session, customer.id, on)
            naive = [D(0)] * (len(periods) + 2)
            for item in items:
                if item.amount < 0:
                    naive[-1] += item.open_amount_accounting
                    continue
                days = (on - aging.basis_date(item, basis)).days
                column = (
                    0
                    if days <= 0
                    else next(
                        i + 1
                        for i, p in enumerate(periods)
                        if p.from_days <= days and (p.to_days is None or days <= p.to_days)
                    )
                )
                naive[column] += item.open_amount_accounting
            assert list(result.columns) == naive
        session.rollback()
