"""Collections agents written from the set-up: employee, pools, default pool, view all."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import AgentPool, CollectionsAgent
from collections_desktop.models.people.agents import (
    AgentError,
    AgentValues,
    agent_choices,
    delete_agent,
    list_agents,
    save_agent,
)
from collections_desktop.models.people.pool_editing import PoolValues, save_pool
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import load_scope
from collections_desktop.models.people.users import UserValues, add_first_user, save_user
from collections_desktop.models.setup.fields import SetupError

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


@pytest.fixture
def company(sqlite_db):
    with sqlite_db.sessions.begin() as session:
        admin = add_first_user(session, "Marta Gil", "mgil", NOW)
        clerk = save_user(session, None, 0, UserValues("Pablo Ruiz", "pruiz"), by=admin, now=NOW)
        iberia = save_pool(
            session,
            None,
            0,
            PoolValues("Iberia", "", PoolCriteria(countries=("ES", "PT"))),
            by=admin,
            now=NOW,
        )
        france = save_pool(
            session,
            None,
            0,
            PoolValues("France", "", PoolCriteria(countries=("FR",))),
            by=admin,
            now=NOW,
        )
    return sqlite_db, admin, clerk, iberia, france


def test_an_agent_is_saved_with_pools_and_default_and_gets_that_scope(company) -> None:
    database, admin, clerk, iberia, france = company
    with database.sessions.begin() as session:
        agent_id = save_agent(
            session,
            None,
            0,
            AgentValues(clerk, frozenset({iberia, france}), france, False),
            by=admin,
            now=NOW,
        )
    with database.sessions() as session:
        rows = list_agents(session)
        scope = load_scope(session, "pruiz")
        choices = agent_choices(session)
    assert [
        (r.employee_name, r.pool_names, r.default_pool_name, r.may_view_all_pools) for r in rows
    ] == [
        ("Marta Gil", (), None, True),
        ("Pablo Ruiz", ("France", "Iberia"), "France", False),
    ]
    assert rows[1].id == agent_id
    assert set(scope.pools) == {iberia, france}
    assert scope.default_pool_id == france
    assert [c.name for c in choices.employees] == ["Marta Gil (E-0001)", "Pablo Ruiz (E-0002)"]
    assert [c.name for c in choices.pools] == ["France", "Iberia"]


def test_changing_the_pools_tombstones_the_old_membership(company) -> None:
    database, admin, clerk, iberia, france = company
    with database.sessions.begin() as session:
        agent_id = save_agent(
            session,
            None,
            0,
            AgentValues(clerk, frozenset({iberia}), iberia, False),
            by=admin,
            now=NOW,
        )
        save_agent(
            session,
            agent_id,
            1,
            AgentValues(clerk, frozenset({france}), france, False),
            by=admin,
            now=NOW,
        )
        save_agent(
            session,
            agent_id,
            2,
            AgentValues(clerk, frozenset({iberia, france}), france, False),
            by=admin,
            now=NOW,
        )
    with database.sessions() as session:
        memberships = session.execute(
            select(AgentPool.pool_id, AgentPool.deleted_at, AgentPool.version).where(
                AgentPool.agent_id == agent_id
            )
        ).all()
        (row,) = [r for r in list_agents(session) if r.id == agent_id]
    assert sorted((m.pool_id == iberia, m.deleted_at is None, m.version) for m in memberships) == [
        (False, True, 1),
        (True, True, 3),
    ]
    assert (row.pool_names, row.version) == (("France", "Iberia"), 3)


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("no employee", "Choose the employee who is the agent."),
        (
            "default outside",
            "The default pool must be one of the agent's pools: tick it among the pools.",
        ),
        ("twice", "Marta Gil is already a collections agent: change that agent instead."),
    ],
)
def test_refusals(company, which, message) -> None:
    database, admin, clerk, iberia, france = company
    values = {
        "no employee": AgentValues(None, frozenset({iberia}), iberia, False),
        "default outside": AgentValues(clerk, frozenset({iberia}), france, False),
        "twice": AgentValues(admin, frozenset({iberia}), iberia, False),
    }[which]
    with database.sessions.begin() as session, pytest.raises(AgentError) as refused:
        save_agent(session, None, 0, values, by=admin, now=NOW)
    assert str(refused.value) == message


def test_view_all_may_default_to_any_pool(company) -> None:
    database, admin, clerk, _iberia, france = company
    with database.sessions.begin() as session:
        save_agent(
            session, None, 0, AgentValues(clerk, frozenset(), france, True), by=admin, now=NOW
        )
    with database.sessions() as session:
        assert load_scope(session, "pruiz").default_pool_id == france


def test_only_an_administrator_changes_agents(company) -> None:
    database, _admin, clerk, iberia, _france = company
    with database.sessions.begin() as session, pytest.raises(SetupError) as refused:
        save_agent(
            session,
            None,
            0,
            AgentValues(clerk, frozenset({iberia}), iberia, False),
            by=clerk,
            now=NOW,
        )
    assert str(refused.value) == "Only an administrator may change the company's set-up."


def test_a_stale_edit_is_refused(company) -> None:
    database, admin, clerk, iberia, france = company
    with database.sessions.begin() as session:
        agent_id = save_agent(
            session,
            None,
            0,
            AgentValues(clerk, frozenset({iberia}), iberia, False),
            by=admin,
            now=NOW,
        )
        save_agent(
            session,
            agent_id,
            1,
            AgentValues(clerk, frozenset({france}), france, False),
            by=admin,
            now=NOW,
        )
    with database.sessions.begin() as session, pytest.raises(StaleEditError) as refused:
        save_agent(
            session,
            agent_id,
            1,
            AgentValues(clerk, frozenset({iberia}), iberia, False),
            by=admin,
            now=NOW,
        )
    assert str(refused.value).startswith("Agent Pablo Ruiz was changed by someone else")


def test_a_removed_agent_comes_back_as_the_same_row(company) -> None:
    database, admin, clerk, iberia, _france = company
    with database.sessions.begin() as session:
        agent_id = save_agent(
            session,
            None,
            0,
            AgentValues(clerk, frozenset({iberia}), iberia, False),
            by=admin,
            now=NOW,
        )
        delete_agent(session, agent_id, 1, by=admin, now=NOW)
    with database.sessions() as session:
        assert [r.employee_name for r in list_agents(session)] == ["Marta Gil"]
        assert session.get(CollectionsAgent, agent_id).deleted_at is not None
    with database.sessions.begin() as session:
        again = save_agent(
            session,
            None,
            0,
            AgentValues(clerk, frozenset({iberia}), None, False),
            by=admin,
            now=NOW,
        )
    assert again == agent_id
    with database.sessions() as session:
        (row,) = [r for r in list_agents(session) if r.id == agent_id]
    assert row.pool_names == ("Iberia",)
    assert row.default_pool_id is None
