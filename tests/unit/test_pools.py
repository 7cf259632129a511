"""Customer pools: criteria read from JSON and evaluated in SQL, with real figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer, CustomerPool, Employee
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.people.pools import (
    PoolCriteria,
    PoolError,
    customer_condition,
    pool_customers,
)

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ("[1]", "must be a JSON object"),
        ('{"country": ["ES"]}', "Unknown pool criterion “country”"),
        ('{"countries": "ES"}', "“countries” must be a list of texts"),
        ('{"min_balance": "12,5"}', "“min_balance”: “12,5” is not an amount"),
        ('{"min_days_past_due": 0}', "whole number of days ≥ 1"),
        ('{"min_days_past_due": true}', "whole number of days ≥ 1"),
    ],
)
def test_bad_criteria_are_refused_with_the_key(text: str, message: str) -> None:
    with pytest.raises(PoolError, match=message):
        PoolCriteria.from_json(text)


def test_criteria_round_trip_through_json() -> None:
    criteria = PoolCriteria(countries=("ES", "PT"), min_past_due=D("1000.50"), min_days_past_due=30)
    assert criteria.to_json() == (
        '{"countries": ["ES", "PT"], "min_days_past_due": 30, "min_past_due": "1000.50"}'
    )
    assert PoolCriteria.from_json(criteria.to_json()) == criteria
    assert PoolCriteria.from_json("") == PoolCriteria()


@pytest.fixture
def customers(any_db: Database):
    """Four customers; only Ruiz has a past-due balance (1,200.00, 75 days late on 23 Nov)."""
    session = any_db.sessions()
    soto = Employee(number="E-1", name="Marta Soto", updated_at=NOW)
    session.add(soto)
    session.flush()

    def customer(account: str, country: str, group: str, status: str = "active") -> Customer:
        row = Customer(
            account=account,
            name=account,
            country=country,
            customer_group=group,
            account_status=status,
            currency="EUR",
            updated_at=NOW,
            responsible_employee_id=soto.id if country == "ES" else None,
        )
        session.add(row)
        session.flush()
        return row

    ruiz = customer("ES-RUIZ", "ES", "Retail", "on_hold")
    lopes = customer("PT-LOPES", "PT", "Wholesale")
    garnier = customer("FR-GARNIER", "FR", "Retail")
    customer("GB-SMITH", "GB", "Public sector")
    postings.post_invoice(
        session,
        customer_id=ruiz.id,
        amount=D("1200"),
        posting_date=dt.date(2026, 8, 1),
        due_date=dt.date(2026, 9, 9),
        now=NOW,
    )
    postings.post_invoice(
        session,
        customer_id=lopes.id,
        amount=D("5000"),
        posting_date=dt.date(2026, 11, 1),
        due_date=dt.date(2026, 12, 1),
        now=NOW,
    )
    invoice = postings.post_invoice(
        session,
        customer_id=garnier.id,
        amount=D("800"),
        posting_date=dt.date(2026, 7, 1),
        due_date=dt.date(2026, 7, 31),
        now=NOW,
    )
    payment = postings.post_payment(
        session,
        customer_id=garnier.id,
        amount=D("800"),
        posting_date=dt.date(2026, 10, 1),
        now=NOW,
    )
    settlements.settle(
        session, {invoice.id: D("800"), payment.id: D("800")}, dt.date(2026, 10, 1), NOW
    )
    session.commit()
    yield session
    session.close()


def accounts(session, criteria: PoolCriteria, as_of: dt.date = TODAY) -> list[str]:
    query = select(Customer.account).where(customer_condition(criteria, as_of))
    return sorted(session.scalars(query))


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (PoolCriteria(), ["ES-RUIZ", "FR-GARNIER", "GB-SMITH", "PT-LOPES"]),
        (PoolCriteria(countries=("ES", "PT")), ["ES-RUIZ", "PT-LOPES"]),
        (PoolCriteria(customer_groups=("Retail",), countries=("FR",)), ["FR-GARNIER"]),
        (PoolCriteria(account_statuses=("on_hold",)), ["ES-RUIZ"]),
        (PoolCriteria(responsible_employees=("E-1",)), ["ES-RUIZ"]),
        (PoolCriteria(min_balance=D("1200.00")), ["ES-RUIZ", "PT-LOPES"]),
        (PoolCriteria(min_balance=D("1200.01")), ["PT-LOPES"]),
        (PoolCriteria(min_past_due=D("1")), ["ES-RUIZ"]),
        (PoolCriteria(min_days_past_due=75), ["ES-RUIZ"]),
        (PoolCriteria(min_days_past_due=76), []),
    ],
)
def test_criteria_select_the_right_customers(customers, criteria, expected) -> None:
    assert accounts(customers, criteria) == expected


def test_thresholds_use_the_as_of_date(customers) -> None:
    # On 15 Sep Garnier's invoice was 46 days late and not yet paid (paid on 1 Oct).
    assert accounts(customers, PoolCriteria(min_days_past_due=40), dt.date(2026, 9, 15)) == [
        "FR-GARNIER"
    ]
    assert accounts(customers, PoolCriteria(min_past_due=D("800")), dt.date(2026, 9, 15)) == [
        "ES-RUIZ",
        "FR-GARNIER",
    ]


def test_a_saved_pool_filters_a_query(customers) -> None:
    pool = CustomerPool(
        name="Iberia", criteria=PoolCriteria(countries=("ES", "PT")).to_json(), updated_at=NOW
    )
    customers.add(pool)
    customers.flush()
    ids = pool_customers(customers, pool.id, TODAY)
    names = customers.scalars(select(Customer.account).where(Customer.id.in_(ids))).all()
    assert sorted(names) == ["ES-RUIZ", "PT-LOPES"]
