"""Pools written from the set-up: saved, versioned, deleted only when no agent works them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import AgentPool, CollectionsAgent, Customer, CustomerPool
from collections_desktop.models.people.agents import AgentValues, save_agent
from collections_desktop.models.people.pool_editing import (
    PoolEditError,
    PoolValues,
    count_customers,
    criteria_choices,
    delete_pool,
    list_pools,
    save_pool,
)
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.users import UserValues, add_first_user, save_user
from collections_desktop.models.setup.fields import SetupError

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
TODAY = NOW.date()
COUNTRIES = ("ES", "PT", "FR", "GB")


@pytest.fixture
def company(sqlite_db):
    with sqlite_db.sessions.begin() as session:
        admin = add_first_user(session, "Marta Gil", "mgil", NOW)
        # The first user is an agent who sees every pool: here one of a single pool.
        session.execute(delete(AgentPool))
        session.execute(delete(CollectionsAgent))
        session.add_all(
            Customer(
                account=f"C-{index}",
                name=f"{country} {index}",
                country=country,
                currency="EUR",
                customer_group="Retail" if index % 2 else "Wholesale",
                updated_at=NOW,
            )
            for index, country in enumerate(COUNTRIES * 3)
        )
    return sqlite_db, admin


def iberia() -> PoolValues:
    return PoolValues("Iberia", "Spain and Portugal", PoolCriteria(countries=("ES", "PT")))


def test_a_saved_pool_is_listed_with_its_customers_and_agents(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        pool_id = save_pool(session, None, 0, iberia(), by=admin, now=NOW)
        save_agent(
            session,
            None,
            0,
            AgentValues(admin, frozenset({pool_id}), pool_id, False),
            by=admin,
            now=NOW,
        )
    with database.sessions() as session:
        (row,) = list_pools(session, TODAY)
        saved = session.get(CustomerPool, pool_id)
        assert saved.criteria == '{"countries": ["ES", "PT"]}'
    assert (row.name, row.description, row.customers, row.agents) == (
        "Iberia",
        "Spain and Portugal",
        6,
        ("Marta Gil",),
    )
    assert row.criteria == PoolCriteria(countries=("ES", "PT"))


def test_the_live_count_equals_the_customers_selected(company) -> None:
    database, _admin = company
    criteria = PoolCriteria(countries=("PT", "FR"), customer_groups=("Retail",))
    with database.sessions() as session:
        expected = session.scalar(
            select(func.count())
            .select_from(Customer)
            .where(Customer.country.in_(("PT", "FR")), Customer.customer_group == "Retail")
        )
        assert count_customers(session, criteria, TODAY) == expected == 3
        assert count_customers(session, PoolCriteria(), TODAY) == 12
        assert count_customers(session, PoolCriteria(min_balance=Decimal("1")), TODAY) == 0


def test_criteria_choices_are_the_values_customers_hold(company) -> None:
    database, _admin = company
    with database.sessions() as session:
        choices = criteria_choices(session)
    assert choices.countries == ("ES", "FR", "GB", "PT")
    assert choices.customer_groups == ("Retail", "Wholesale")
    assert choices.currencies == ("EUR",)
    assert choices.account_statuses == ("active", "on_hold", "closed")
    assert choices.responsible_employees == (("E-0001", "Marta Gil"),)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (PoolValues(" ", "", PoolCriteria()), "Name is required."),
        (
            PoolValues("X", "", PoolCriteria(countries=("Spain",))),
            "Countries: “Spain” is not a two-letter country code such as ES.",
        ),
        (
            PoolValues("X", "", PoolCriteria(currencies=("eu",))),
            "Currencies: “eu” is not a three-letter currency code such as EUR.",
        ),
        (
            PoolValues("X", "", PoolCriteria(account_statuses=("frozen",))),
            "Account statuses: “frozen” is none of active, closed, on_hold.",
        ),
        (
            PoolValues("X", "", PoolCriteria(responsible_employees=("E-0042",))),
            "Responsible employees: there is no employee E-0042.",
        ),
        (
            PoolValues("X", "", PoolCriteria(min_past_due=Decimal("-1"))),
            "Minimum past due cannot be negative.",
        ),
        (
            PoolValues("X", "", PoolCriteria(min_days_past_due=0)),
            "Minimum days past due must be at least 1.",
        ),
    ],
)
def test_refusals_name_the_field(company, values, message) -> None:
    database, admin = company
    with database.sessions.begin() as session, pytest.raises(SetupError) as refused:
        save_pool(session, None, 0, values, by=admin, now=NOW)
    assert str(refused.value) == message


def test_a_taken_name_is_refused(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        save_pool(session, None, 0, iberia(), by=admin, now=NOW)
    with database.sessions.begin() as session, pytest.raises(PoolEditError) as refused:
        save_pool(session, None, 0, iberia(), by=admin, now=NOW)
    assert str(refused.value) == "There is already a pool called “Iberia”."


def test_only_an_administrator_saves_or_deletes_a_pool(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        clerk = save_user(session, None, 0, UserValues("Clerk", "clerk"), by=admin, now=NOW)
        pool_id = save_pool(session, None, 0, iberia(), by=admin, now=NOW)
    for attempt in (
        lambda s: save_pool(s, None, 0, PoolValues("Mine", "", PoolCriteria()), by=clerk, now=NOW),
        lambda s: delete_pool(s, pool_id, 1, by=clerk, now=NOW),
        lambda s: save_pool(s, None, 0, PoolValues("Mine", "", PoolCriteria()), by=None, now=NOW),
    ):
        with database.sessions.begin() as session, pytest.raises(SetupError) as refused:
            attempt(session)
        assert str(refused.value) == "Only an administrator may change the company's set-up."


def test_a_stale_edit_is_refused_and_a_fresh_one_bumps_the_version(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        pool_id = save_pool(session, None, 0, iberia(), by=admin, now=NOW)
        save_pool(
            session,
            pool_id,
            1,
            PoolValues("Iberia", "", PoolCriteria(countries=("ES",))),
            by=admin,
            now=NOW,
        )
    with database.sessions.begin() as session, pytest.raises(StaleEditError) as refused:
        save_pool(session, pool_id, 1, iberia(), by=admin, now=NOW)
    assert str(refused.value) == (
        "Pool Iberia was changed by someone else since you opened it. Your changes were not "
        "saved: reload it and make them again."
    )
    with database.sessions() as session:
        (row,) = list_pools(session, TODAY)
    assert (row.version, row.customers, row.description) == (2, 3, None)


def test_a_pool_an_agent_works_cannot_be_deleted(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        pool_id = save_pool(session, None, 0, iberia(), by=admin, now=NOW)
        agent_id = save_agent(
            session,
            None,
            0,
            AgentValues(admin, frozenset({pool_id}), pool_id, False),
            by=admin,
            now=NOW,
        )
    with database.sessions.begin() as session, pytest.raises(PoolEditError) as refused:
        delete_pool(session, pool_id, 1, by=admin, now=NOW)
    assert str(refused.value) == (
        "Pool “Iberia” is worked by Marta Gil: take it from their pools (and their default "
        "pool) first."
    )
    with database.sessions.begin() as session:
        save_agent(
            session, agent_id, 1, AgentValues(admin, frozenset(), None, True), by=admin, now=NOW
        )
        delete_pool(session, pool_id, 1, by=admin, now=NOW)
    with database.sessions() as session:
        assert list_pools(session, TODAY) == []
        assert session.get(CustomerPool, pool_id).deleted_at is not None


def test_a_new_pool_with_a_deleted_pools_name_brings_it_back(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        pool_id = save_pool(session, None, 0, iberia(), by=admin, now=NOW)
        delete_pool(session, pool_id, 1, by=admin, now=NOW)
        again = save_pool(
            session,
            None,
            0,
            PoolValues("Iberia", "", PoolCriteria(countries=("PT",))),
            by=admin,
            now=NOW,
        )
    assert again == pool_id
    with database.sessions() as session:
        (row,) = list_pools(session, TODAY)
    assert (row.customers, row.version) == (3, 3)
