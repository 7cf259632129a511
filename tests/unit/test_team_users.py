"""``add_user``: a login role per agent, updated when added again, refused in words."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from collections_desktop.models.team.security import quoted
from collections_desktop.models.team.users import UserError
from tests.conftest import PG_URL
from tests.team import Logins, drop_roles, owner_count, team_database, team_logins


@pytest.fixture(scope="module")
def team_db() -> Iterator[str]:
    yield from team_database()


@pytest.fixture
def logins(team_db: str) -> Iterator[Logins]:
    yield from team_logins(team_db)


def groups_of(role: str) -> list[str]:
    engine = create_engine(PG_URL)
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :r ORDER BY 1"
            ),
            {"r": role},
        ).scalars()
        groups = list(found)
    engine.dispose()
    return groups


def agent_of(url: str, number: str) -> tuple[int, bool, str | None]:
    """(agents rows, may view all pools, user name) of employee ``number``."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.may_view_all_pools, e.user_name FROM collections_agents a "
                "JOIN employees e ON e.id = a.employee_id WHERE e.number = :n"
            ),
            {"n": number},
        ).all()
    engine.dispose()
    return len(rows), bool(rows and rows[0][0]), rows[0][1] if rows else None


def test_adding_a_user_again_updates_it(team_db: str, logins: Logins) -> None:
    name = f"agent_{uuid.uuid4().hex[:10]}"
    first = logins.add("E-0001", name=name)
    assert first.role_created
    assert not first.agent_created
    assert groups_of(name) == ["collections_agent"]
    assert agent_of(team_db, "E-0001") == (1, False, name)

    again = logins.add("E-0001", name=name, supervisor=True, view_all=True)
    assert not again.role_created
    assert not again.agent_created
    assert again.pools == ("France & UK", "Iberia")
    assert groups_of(name) == ["collections_agent", "collections_supervisor"]
    assert agent_of(team_db, "E-0001") == (1, True, name)

    logins.add("E-0001", name=name)
    assert groups_of(name) == ["collections_agent"]
    assert agent_of(team_db, "E-0001") == (1, False, name)
    assert owner_count(PG_URL, "SELECT count(*) FROM pg_roles WHERE rolname = :r", r=name) == 1


def test_an_employee_who_is_not_an_agent_becomes_one(team_db: str, logins: Logins) -> None:
    assert agent_of(team_db, "E-0005") == (0, False, None)
    report = logins.add("E-0005", view_all=True)
    assert report.agent_created
    assert report.role_created
    assert agent_of(team_db, "E-0005") == (1, True, report.name)


def test_the_password_is_stored_only_as_the_server_s_verifier(team_db: str, logins: Logins) -> None:
    password = "o'Neil: $ecret \\ 42"
    report = logins.add("E-0006", password=password)
    assert report.password_set
    stored = owner_count(
        PG_URL,
        "SELECT count(*) FROM pg_authid WHERE rolname = :r AND rolpassword LIKE 'SCRAM-SHA-256$%'"
        " AND strpos(rolpassword, :p) = 0",
        r=report.name,
        p=password,
    )
    assert stored == 1
    with logins.connect(report.name, password) as connection:
        assert connection.execute("SELECT session_user").fetchone() == (report.name,)


@pytest.mark.parametrize(
    ("name", "employee", "words"),
    [
        ("Maria", "E-0001", "cannot be a user name"),
        ("maria garcía", "E-0001", "cannot be a user name"),
        ("a" * 64, "E-0001", "cannot be a user name"),
        ("pg_maria", "E-0001", "keeps for itself"),
        ("collections_agent", "E-0001", "keeps for itself"),
        ("postgres", "E-0001", "keeps for itself"),
        ("maria", "E-9999", "There is no employee with number E-9999"),
        ("cdubois", "E-0001", r"belongs to employee E-0002 \(Camille Dubois\)"),
    ],
)
def test_a_user_that_cannot_be_is_refused_in_words(
    team_db: str, logins: Logins, name: str, employee: str, words: str
) -> None:
    roles = "SELECT count(*) FROM pg_roles WHERE rolname = :r"
    before = owner_count(PG_URL, roles, r=name)
    with pytest.raises(UserError, match=words):
        logins.add(employee, name=name)
    assert owner_count(PG_URL, roles, r=name) == before
    assert logins.names == []


def test_a_role_that_administers_the_server_is_not_made_an_agent(
    team_db: str, logins: Logins
) -> None:
    name = f"admin_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE ROLE {quoted(name)} LOGIN CREATEROLE"))
    engine.dispose()
    try:
        with pytest.raises(UserError, match="may administer it"):
            logins.add("E-0007", name=name)
        assert groups_of(name) == []
        assert agent_of(team_db, "E-0007") == (0, False, None)
    finally:
        drop_roles([name])


def test_an_empty_password_is_refused(team_db: str, logins: Logins) -> None:
    with pytest.raises(UserError, match="password is empty"):
        logins.add("E-0004", password="")
