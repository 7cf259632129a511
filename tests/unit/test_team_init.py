"""``init_team``: the schema, roles, privileges, policies and pool members of the team
database, on an empty database and on one holding a company; a second run changes nothing."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text, update

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import head_revision
from collections_desktop.models.db.schema import Base, CustomerPool
from collections_desktop.models.people.pools import PoolCriteria, pool_customers
from collections_desktop.models.sync.catalogue import (
    AGENCY_SET_UP_TABLES,
    AGENCY_TABLES,
    LOCAL_CUSTOMER_TABLES,
    OWNERS,
)
from collections_desktop.models.team.security import (
    AGENCY_APPROVED_TABLES,
    create_group_role,
    quoted,
)
from collections_desktop.models.team.server import (
    TeamError,
    init_team,
    refresh_team,
)
from tests.conftest import PG_URL, TODAY
from tests.team import NOW, drop_roles, owner_count, write_team_demo

SECURED = {*OWNERS, *LOCAL_CUSTOMER_TABLES}


def catalogue_state(url: str) -> dict[str, Any]:
    """What init makes, read from the server's catalogues (without object ids)."""
    engine = create_engine(url)
    queries = {
        "policies": "SELECT tablename, policyname, permissive, roles::text, cmd, qual, "
        "with_check FROM pg_policies ORDER BY 1, 2",
        "rls": "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
        "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1",
        "grants": "SELECT table_name, grantee, privilege_type FROM "
        "information_schema.role_table_grants WHERE grantee IN "
        "('collections_agent', 'collections_supervisor') ORDER BY 1, 2, 3",
        "acl": "SELECT relname, relacl::text FROM pg_class WHERE relnamespace = "
        "'public'::regnamespace AND relkind = 'r' ORDER BY 1",
        "roles": "SELECT rolname, rolcanlogin, rolsuper, rolinherit FROM pg_roles "
        "WHERE rolname IN ('collections_agent', 'collections_supervisor') ORDER BY 1",
        "functions": "SELECT proname, prosrc, prosecdef, provolatile, proconfig::text, "
        "proacl::text FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1",
        "members": "SELECT pool_id::text, customer_id::text FROM pool_customers ORDER BY 1, 2",
        "comments": "SELECT pol.polname, obj_description(pol.oid, 'pg_policy') FROM "
        "pg_policy pol ORDER BY 1, 2",
    }
    try:
        with engine.connect() as connection:
            return {
                name: [tuple(row) for row in connection.execute(text(sql))]
                for name, sql in queries.items()
            }
    finally:
        engine.dispose()


def test_init_on_an_empty_database_migrates_it_and_secures_every_customer_table(
    pg_url: str,
) -> None:
    report = init_team(pg_url, now=NOW, as_of=TODAY)

    assert report.schema_created
    assert not report.has_company
    # + sync_operations, + the agency desk's collections and expenses (their approvers)
    assert report.tables_secured == len(SECURED) + 1 + len(AGENCY_APPROVED_TABLES) == 37
    assert report.policies == report.policies_created == 35 + 2 * 3 == 41
    assert (report.pools, report.pool_members) == (0, 0)
    assert report.tables_analysed == len(Base.metadata.tables) == 85  # + invoice predictions
    state = catalogue_state(pg_url)
    assert (
        owner_count(
            pg_url, "SELECT count(*) FROM alembic_version WHERE version_num = :v", v=head_revision()
        )
        == 1
    )
    secured = {name for name, rls, force in state["rls"] if rls}
    assert secured == SECURED | {"sync_operations", *AGENCY_APPROVED_TABLES}
    assert not any(force for _, _, force in state["rls"])  # the owner is not filtered
    assert [(name, login) for name, login, *_ in state["roles"]] == [
        ("collections_agent", False),
        ("collections_supervisor", False),
    ]
    grants = {(table, role, privilege) for table, role, privilege in state["grants"]}
    agent = {(t, p) for t, r, p in grants if r == "collections_agent"}
    supervisor = {(t, p) for t, r, p in grants if r == "collections_supervisor"}
    assert {t for t, p in agent if p == "SELECT"} == set(Base.metadata.tables) | {"alembic_version"}
    assert not any(p == "TRUNCATE" for t, p in agent)
    # Only derived rows are deleted by an agent: predictions, and snapshot rows kept fresh.
    derived = {"invoice_predictions", "aging_snapshot_customers", "aging_snapshot_lines"}
    assert {t for t, p in agent if p == "DELETE"} == derived
    assert {t for t, p in agent if p == "INSERT"} == SECURED | (
        set(AGENCY_TABLES) - set(AGENCY_SET_UP_TABLES)
    ) | {
        "aging_snapshots",
        "mailings",
        "number_sequences",
        "sync_operations",
        "sync_field_clocks",
    }
    assert ("sync_operations", "UPDATE") not in agent
    assert ("employees", "UPDATE") not in agent
    assert ("agency_clients", "UPDATE") not in agent  # what a client pays is a supervisor's
    assert ("agency_staff", "INSERT") not in agent  # so is who approves
    assert ("agency_staff", "INSERT") in supervisor
    assert ("employees", "UPDATE") in supervisor
    assert ("customer_pools", "INSERT") in supervisor
    assert ("pool_customers", "DELETE") in supervisor
    assert {t for t, p in supervisor if p == "DELETE"} == {"pool_customers", *derived}
    functions = {row[0]: row for row in state["functions"]}
    assert "collections_my_customers" not in functions  # the former policies' function
    for name in ("collections_sees_all", "collections_my_pools", "collections_my_employee"):
        _, _, definer, volatility, config, _ = functions[name]
        assert definer
        assert volatility == "s"
        assert config == '{"search_path=public, pg_temp"}'


def test_init_on_a_company_fills_the_pools_as_the_app_reads_them(pg_url: str) -> None:
    write_team_demo(pg_url)  # runs init_team once
    database = open_company(pg_url, clock=FixedClock.on(TODAY), create=False)
    try:
        with database.sessions() as session:
            expected = {
                (pool_id, customer_id)
                for pool_id in session.scalars(select(CustomerPool.id))
                for customer_id in session.scalars(pool_customers(session, pool_id, TODAY))
            }
    finally:
        database.dispose()
    stored = {
        (uuid.UUID(pool), uuid.UUID(customer))
        for pool, customer in catalogue_state(pg_url)["members"]
    }
    assert stored == expected
    assert len(expected) == 40

    report = init_team(pg_url, now=NOW, as_of=TODAY)
    assert report.has_company
    assert not report.schema_created
    assert (report.pools, report.pool_members) == (2, 40)
    analysed = owner_count(
        pg_url,
        "SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NULL "
        "AND relname = ANY(:names)",
        names=[t.name for t in Base.metadata.sorted_tables],
    )
    assert analysed == 0
    assert (
        owner_count(pg_url, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'customers'")
        == 40
    )


def test_init_again_changes_nothing(pg_url: str) -> None:
    write_team_demo(pg_url, customers=20)
    before = catalogue_state(pg_url)
    report = init_team(pg_url, now=NOW, as_of=TODAY)
    assert report.roles_created == ()
    assert report.policies_created == 0
    assert catalogue_state(pg_url) == before
    assert len(before["policies"]) == 41
    assert len(before["members"]) == 20


def test_a_changed_policy_is_replaced_on_the_next_run(pg_url: str) -> None:
    init_team(pg_url, now=NOW, as_of=TODAY)
    before = catalogue_state(pg_url)
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("DROP POLICY collections_customer_scope ON activities"))
        connection.execute(
            text(
                "CREATE POLICY collections_customer_scope ON activities USING (true) "
                "WITH CHECK (true)"
            )
        )
        connection.execute(text("REVOKE INSERT ON customers FROM collections_agent"))
    engine.dispose()

    report = init_team(pg_url, now=NOW, as_of=TODAY)

    assert report.policies_created == 1
    assert catalogue_state(pg_url) == before


def test_refresh_follows_a_pool_s_new_criteria(pg_url: str) -> None:
    write_team_demo(pg_url, customers=20)
    spain = owner_count(pg_url, "SELECT count(*) FROM customers WHERE country = 'ES'")
    france_uk = owner_count(pg_url, "SELECT count(*) FROM customers WHERE country IN ('FR', 'GB')")
    database = open_company(pg_url, clock=FixedClock.on(TODAY), create=False)
    with database.sessions.begin() as session:
        session.execute(
            update(CustomerPool)
            .where(CustomerPool.name == "Iberia")
            .values(criteria=PoolCriteria(countries=("ES",)).to_json())
        )
    database.dispose()

    report = refresh_team(pg_url, now=NOW, as_of=TODAY)

    assert (report.pools, report.pool_members) == (2, spain + france_uk)
    assert 0 < spain < 20 - france_uk  # some Portuguese customers left the pool


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("sqlite:///team.sqlite", "is not a PostgreSQL database"),
        ("postgresql://admin:secret@127.0.0.1/team", "Leave the password out of the URL"),
        ("postgresql://postgres@127.0.0.1:1/team", "Cannot reach the team database"),
    ],
)
def test_init_refuses_what_is_not_a_reachable_team_database(url: str, words: str) -> None:
    with pytest.raises(TeamError, match=words) as raised:
        init_team(url, now=NOW)
    assert "secret" not in str(raised.value)


@pytest.fixture
def unprivileged(pg_url: str) -> Iterator[str]:
    """A login that may not create roles, owning nothing."""
    name = f"plain_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE ROLE {quoted(name)} LOGIN"))
    engine.dispose()
    yield name
    drop_roles([name])


def test_init_refuses_a_user_who_may_not_create_roles(pg_url: str, unprivileged: str) -> None:
    url = pg_url.replace("postgres@", f"{unprivileged}@")
    with pytest.raises(TeamError, match=f"{unprivileged} may not create roles"):
        init_team(url, now=NOW)
    assert owner_count(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0


def test_two_databases_may_create_the_same_group_role_at_once(pg_url: str) -> None:
    """Roles are the server's: the second of two simultaneous creations waits, then finds
    the role made and is content."""
    role = f"group_{uuid.uuid4().hex[:10]}"
    first_engine = create_engine(PG_URL)
    second_engine = create_engine(pg_url)
    outcome: list[object] = []
    try:
        with first_engine.connect() as first:
            assert create_group_role(first, role)  # not committed yet

            def second_creation() -> None:
                try:
                    with second_engine.begin() as second:
                        outcome.append(create_group_role(second, role))
                except Exception as error:  # the assertion below shows it
                    outcome.append(error)

            thread = threading.Thread(target=second_creation)
            thread.start()
            thread.join(timeout=1)
            assert thread.is_alive()  # waiting for the first transaction
            first.commit()
            thread.join(timeout=10)
        assert outcome == [True]  # it ran its CREATE ROLE, which met the duplicate
        assert owner_count(PG_URL, "SELECT count(*) FROM pg_roles WHERE rolname = :r", r=role) == 1
    finally:
        first_engine.dispose()
        second_engine.dispose()
        drop_roles([role])


def test_init_again_does_not_wait_for_the_team_s_open_transactions(pg_url: str) -> None:
    """A second run takes no lock that waits for readers: it can run while the team works."""
    write_team_demo(pg_url, customers=5)
    reader = create_engine(pg_url)
    done: list[object] = []
    try:
        with reader.connect() as connection:
            connection.execute(text("SELECT count(*) FROM customer_transactions")).scalar()
            connection.execute(text("SELECT count(*) FROM activities")).scalar()
            # the transaction stays open, holding its locks on both tables

            def again() -> None:
                try:
                    done.append(init_team(pg_url, now=NOW, as_of=TODAY).policies_created)
                except Exception as error:  # the assertion below shows it
                    done.append(error)

            thread = threading.Thread(target=again)
            thread.start()
            thread.join(timeout=120)
            finished = not thread.is_alive()
            connection.rollback()
        thread.join()
    finally:
        reader.dispose()
    assert finished
    assert done == [0]
