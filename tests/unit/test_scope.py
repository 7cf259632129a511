"""Agent scope: an agent sees the customers of their pools and nothing else."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    AgentPool,
    CollectionsAgent,
    Customer,
    CustomerPool,
    Employee,
)
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import (
    ScopeError,
    load_scope,
    load_viewer,
    visible_customers,
)

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
COUNTRIES = ("ES", "PT", "FR", "GB")
_names = itertools.count(1)


def add_agent(session, pools, *, view_all=False, default=None) -> str:
    n = next(_names)
    employee = Employee(number=f"E-{n}", name=f"Agent {n}", user_name=f"agent{n}", updated_at=NOW)
    session.add(employee)
    session.flush()
    agent = CollectionsAgent(
        employee_id=employee.id,
        may_view_all_pools=view_all,
        default_pool_id=default.id if default else None,
        updated_at=NOW,
    )
    session.add(agent)
    session.flush()
    session.add_all(AgentPool(agent_id=agent.id, pool_id=p.id, updated_at=NOW) for p in pools)
    session.flush()
    return employee.user_name


def add_pool(session, countries) -> CustomerPool:
    pool = CustomerPool(
        name=f"Pool {next(_names)}",
        criteria=PoolCriteria(countries=tuple(countries)).to_json(),
        updated_at=NOW,
    )
    session.add(pool)
    session.flush()
    return pool


def add_customers(session) -> None:
    """Two customers in each country: ES-0, PT-1, FR-2, GB-3, ES-4, PT-5, FR-6, GB-7."""
    session.add_all(
        Customer(
            account=f"{country}-{index}",
            name=f"{country} {index}",
            country=country,
            currency="EUR",
            updated_at=NOW,
        )
        for index, country in enumerate(COUNTRIES * 2)
    )


@pytest.fixture
def office(any_db: Database):
    session = any_db.sessions()
    add_customers(session)
    iberia = add_pool(session, ["ES", "PT"])
    france = add_pool(session, ["FR"])
    yield session, iberia, france
    session.close()


def test_an_agent_sees_only_the_customers_of_their_pools(office) -> None:
    session, iberia, france = office
    ana = load_scope(session, add_agent(session, [iberia], default=iberia))
    accounts = [account for _id, account, _name in visible_customers(session, ana, TODAY)]
    assert accounts == ["ES-0", "ES-4", "PT-1", "PT-5"]
    assert ana.default_pool_id == iberia.id
    with pytest.raises(ScopeError, match="does not work this pool"):
        visible_customers(session, ana, TODAY, france.id)


def test_may_view_all_pools_sees_everyone_and_no_pools_sees_no_one(office) -> None:
    session, _iberia, france = office
    boss = load_scope(session, add_agent(session, [], view_all=True))
    assert len(visible_customers(session, boss, TODAY)) == 8
    assert [a for _i, a, _n in visible_customers(session, boss, TODAY, france.id)] == [
        "FR-2",
        "FR-6",
    ]
    newcomer = load_scope(session, add_agent(session, []))
    assert visible_customers(session, newcomer, TODAY) == []


def test_a_user_who_is_not_an_agent_is_refused(office) -> None:
    session, _iberia, _france = office
    session.add(Employee(number="E-X", name="Clerk", user_name="clerk", updated_at=NOW))
    session.flush()
    with pytest.raises(ScopeError, match="clerk is not a collections agent"):
        load_scope(session, "clerk")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pools=st.lists(st.sets(st.sampled_from(COUNTRIES), min_size=1), min_size=1, max_size=4),
    member_of=st.sets(st.integers(0, 3)),
    asked=st.one_of(st.none(), st.integers(0, 3)),
)
def test_no_query_leaks_a_customer_outside_the_scope(
    sqlite_db: Database, pools, member_of, asked
) -> None:
    """Whatever the pools and the pool asked for, only customers of the agent's pools show."""
    with sqlite_db.sessions() as session:
        add_customers(session)
        made = [add_pool(session, sorted(countries)) for countries in pools]
        mine = [made[i] for i in sorted(member_of) if i < len(made)]
        scope = load_scope(session, add_agent(session, mine))
        allowed = set().union(*(set(pools[made.index(p)]) for p in mine)) if mine else set()
        pool_id = made[asked].id if asked is not None and asked < len(made) else None
        try:
            rows = visible_customers(session, scope, TODAY, pool_id)
        except ScopeError:
            assert pool_id is not None
            assert made[asked] not in mine
            session.rollback()
            return
        countries = {account.split("-")[0] for _id, account, _name in rows}
        assert countries <= allowed
        if pool_id is None:
            assert countries == allowed
        else:
            assert countries == set(pools[asked]) & allowed
        session.rollback()


def test_the_viewer_is_an_agent_or_sees_the_whole_company(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        add_customers(session)
        spain = add_pool(session, ["ES"])
        user = add_agent(session, [spain], default=spain)
        agent = load_viewer(session, user)
        assert agent.is_agent
        assert agent.scope.default_pool_id == spain.id
        assert agent.employee_id is not None
        assert agent.display_name.startswith("Agent ")
        nobody = load_viewer(session, "someone-else")
        assert not nobody.is_agent
        assert nobody.employee_id is None
        assert nobody.display_name == "someone-else"
        assert nobody.scope.may_view_all_pools
        assert len(visible_customers(session, nobody.scope, TODAY)) == 8
        assert len(visible_customers(session, agent.scope, TODAY)) == 2
        session.rollback()
