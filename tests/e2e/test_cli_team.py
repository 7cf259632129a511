"""``team init``, ``team add-user`` and ``team refresh`` as an administrator runs them,
with nothing on standard input (no terminal: no password is asked or set)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from collections_desktop.demo.load import write_demo_company
from tests.conftest import PG_URL, TODAY
from tests.team import drop_roles, owner_count, team_database


def team(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "collections_desktop", "team", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", LANGUAGE="en"),
        check=False,
    )


@pytest.fixture(scope="module")
def team_db() -> Iterator[str]:
    yield from team_database()


@pytest.fixture
def user_name() -> Iterator[str]:
    name = f"agent_{uuid.uuid4().hex[:10]}"
    yield name
    drop_roles([name])


def test_init_on_an_empty_database_then_again(pg_url: str, profile: Path) -> None:
    first = team("init", "--database", pg_url)
    assert first.returncode == 0, first.stderr
    assert "is set up" in first.stdout
    assert "schema created" in first.stdout
    assert "row-level security on 37 tables, 41 policies (41 new)" in first.stdout
    assert "0 pool members in 0 pools" in first.stdout
    assert "85 tables analysed" in first.stdout
    autovacuum = owner_count(
        PG_URL, "SELECT count(*) FROM pg_settings WHERE name = 'autovacuum' AND setting = 'off'"
    )
    assert ("warning: autovacuum is off on this server" in first.stderr) == bool(autovacuum)

    again = team("init", "--database", pg_url)
    assert again.returncode == 0, again.stderr
    assert "41 policies (0 new)" in again.stdout
    assert "schema created" not in again.stdout


def test_add_a_user_then_refresh_the_pools(pg_url: str, user_name: str, profile: Path) -> None:
    write_demo_company(pg_url, customers=20, seed=3, today=TODAY)
    init = team("init", "--database", pg_url)
    assert init.returncode == 0, init.stderr
    assert "20 pool members in 2 pools" in init.stdout

    added = team(
        "add-user", user_name, "--employee", "E-0001", "--supervisor", "--database", pg_url
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == [
        f"User {user_name} created for Lucía Fernández Ortega (E-0001).",
        "  roles: collections_agent, collections_supervisor",
        "  pools: Iberia",
        "  no password set: the server's own authentication rules apply",
    ]
    assert owner_count(pg_url, "SELECT count(*) FROM employees WHERE user_name = :n", n=user_name)
    assert (
        owner_count(
            PG_URL,
            "SELECT count(*) FROM pg_authid WHERE rolname = :n AND rolpassword IS NULL "
            "AND rolcanlogin",
            n=user_name,
        )
        == 1
    )

    again = team("add-user", user_name, "--employee", "E-0001", "--view-all", "--database", pg_url)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[:3] == [
        f"User {user_name} updated for Lucía Fernández Ortega (E-0001).",
        "  roles: collections_agent",
        "  may view all pools",
    ]

    refreshed = team("refresh", "--database", pg_url)
    assert refreshed.returncode == 0, refreshed.stderr
    assert refreshed.stdout.startswith("Pools refreshed as of ")
    assert refreshed.stdout.rstrip().endswith(": 20 pool members in 2 pools.")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("add-user", "someone", "--employee", "E-9999"),
            "There is no employee with number E-9999",
        ),
        (("add-user", "cdubois", "--employee", "E-0001"), "belongs to employee E-0002"),
        (("add-user", "Some One", "--employee", "E-0001"), "cannot be a user name"),
    ],
)
def test_a_user_that_cannot_be_added_is_refused_with_exit_code_2(
    team_db: str, profile: Path, args: tuple[str, ...], words: str
) -> None:
    result = team(*args, "--database", team_db)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert words in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("init", "--database", "team.sqlite"), "is not a PostgreSQL database"),
        (("init",), "give the team database: --database postgresql://"),
        (
            ("refresh", "--database", "postgresql://postgres@127.0.0.1:1/team"),
            "Cannot reach the team database postgresql+psycopg://postgres@127.0.0.1:1/team",
        ),
        (
            ("init", "--database", "postgresql://postgres:hunter2@127.0.0.1/team"),
            "Leave the password out of the URL",
        ),
    ],
)
def test_what_is_not_a_team_database_is_refused_with_exit_code_2(
    profile: Path, args: tuple[str, ...], words: str
) -> None:
    result = team(*args)
    assert result.returncode == 2
    assert words in result.stderr
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr
