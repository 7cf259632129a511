"""Logging in to a team database: what each refusal says, and that no password leaks.

The wrong-password cases run on a server that asks for passwords (SCRAM, made by the
code of ``team serve``: the ``scram_server`` fixture); the others on the test server.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import text

from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.connect import scrub, server_url, shown_url
from collections_desktop.models.db.database import DatabaseOpenError
from collections_desktop.models.team.credentials import load_password, save_password
from collections_desktop.models.team.embedded import free_port
from collections_desktop.models.team.login import (
    LoginError,
    LoginFailure,
    check_login,
    find_replica,
    is_team_database,
)
from tests import pg_server
from tests.logins import Admin, company_database, login_role

pytestmark = pytest.mark.postgres

PASSWORD = "Pa55-word with 'quotes' & spaces"


@pytest.fixture(scope="module")
def trusting(pg_admin_url: str) -> Admin:
    return Admin(pg_admin_url)


@pytest.fixture(scope="module")
def scram(scram_server: int) -> Admin:
    return Admin(pg_server.admin_url(scram_server), pg_server.SCRAM_ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def scram_company(scram: Admin) -> Iterator[str]:
    """A company on the password server (the tests only read it)."""
    with company_database(scram) as name:
        yield name


@pytest.fixture(scope="module")
def company(trusting: Admin) -> Iterator[str]:
    """A company on the test server (the tests only read it, or undo what they change)."""
    with company_database(trusting) as name:
        yield name


def refusal(url: str, password: str | None) -> LoginError:
    with pytest.raises(LoginError) as raised:
        check_login(url, password)
    return raised.value


def test_the_right_password_logs_in(scram: Admin, scram_company: str) -> None:
    with login_role(scram, PASSWORD) as anna:
        check_login(scram.database_url(scram_company, anna), PASSWORD)


def test_a_wrong_password_or_unknown_user_is_refused_in_words(
    scram: Admin, scram_company: str, scram_server: int
) -> None:
    with login_role(scram, PASSWORD) as anna:
        error = refusal(scram.database_url(scram_company, anna), "not the password")
        assert error.failure is LoginFailure.WRONG_PASSWORD
        assert str(error) == (
            f"The server 127.0.0.1:{scram_server} refused the login of {anna} to "
            f"{scram_company}: the password is wrong, or there is no such user."
        )
    # A server that asks for passwords answers an unknown user the same way, on purpose.
    error = refusal(scram.database_url(scram_company, "nobody_here"), "whatever")
    assert error.failure is LoginFailure.WRONG_PASSWORD
    assert "refused the login of nobody_here" in str(error)


def test_no_password_where_one_is_needed_asks_for_it(
    scram: Admin, scram_company: str, scram_server: int
) -> None:
    with login_role(scram, PASSWORD) as anna:
        error = refusal(scram.database_url(scram_company, anna), None)
    assert error.failure is LoginFailure.NO_PASSWORD
    assert str(error) == f"The server 127.0.0.1:{scram_server} asks for the password of {anna}."


def test_an_unknown_user_on_a_server_without_passwords(trusting: Admin, company: str) -> None:
    error = refusal(trusting.database_url(company, "nobody_here"), None)
    assert error.failure is LoginFailure.UNKNOWN_USER
    assert str(error).startswith("There is no user nobody_here on the server 127.0.0.1")


def test_an_unreachable_server_names_its_host_and_port() -> None:
    port = free_port()
    error = refusal(f"postgresql://anna@127.0.0.1:{port}/collections", PASSWORD)
    assert error.failure is LoginFailure.UNREACHABLE
    assert str(error) == (
        f"The server 127.0.0.1, port {port} cannot be reached (connection to server at "
        f'"127.0.0.1", port {port} failed: Connection refused). Check that it is running '
        "and that this computer is on its network."
    )
    error = refusal("postgresql://anna@no-such-host.invalid/collections", PASSWORD)
    assert error.failure is LoginFailure.UNREACHABLE
    assert "The server no-such-host.invalid, port 5432 cannot be reached" in str(error)


def test_a_missing_database_and_one_that_is_no_team_database(trusting: Admin) -> None:
    error = refusal(trusting.database_url("no_such_database"), None)
    assert error.failure is LoginFailure.NO_DATABASE
    assert str(error).startswith("There is no database no_such_database on the server")
    error = refusal(trusting.database_url("postgres"), None)  # holds no company
    assert error.failure is LoginFailure.NOT_TEAM_DATABASE
    assert "postgres on the server 127.0.0.1" in str(error)
    assert "is not a Collections Desktop team database" in str(error)
    check_login(trusting.database_url("postgres"), None, expect_company=False)


def test_a_login_that_may_not_read_the_database_is_told_to_ask(
    trusting: Admin, company: str
) -> None:
    with login_role(trusting, None, reads=False) as kim:
        error = refusal(trusting.database_url(company, kim), None)
    assert error.failure is LoginFailure.NOT_ALLOWED
    assert str(error).startswith(f"{kim} may log in to 127.0.0.1")
    assert "ask the administrator to add them with team add-user" in str(error)


def test_the_password_is_in_no_url_name_log_or_error(
    scram: Admin, scram_company: str, caplog: pytest.LogCaptureFixture, profile: Path
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, psycopg's and SQLAlchemy's included
    with login_role(scram, PASSWORD) as anna:
        url = scram.database_url(scram_company, anna)
        check_login(url, PASSWORD)
        save_password(url, PASSWORD)  # the keychain (in memory here) holds it, nothing else
        database = open_company(url, clock=SystemClock(), create=False, password=PASSWORD)
        try:
            with database.sessions() as session:
                assert session.scalar(text("SELECT current_user")) == anna
            assert database.url.password is None
            assert PASSWORD not in database.url.render_as_string(hide_password=False)
            assert PASSWORD not in database.display_name
        finally:
            database.dispose()
        # A password typed into the URL is taken out of it all the same.
        typed = url.replace(f"{anna}@", f"{anna}:{quote(PASSWORD, safe='')}@")
        database = open_company(typed, clock=SystemClock(), create=False)
        try:
            with database.sessions() as session:
                assert session.scalar(text("SELECT current_user")) == anna
            assert database.url.password is None
            assert PASSWORD not in database.display_name
        finally:
            database.dispose()
        with pytest.raises(DatabaseOpenError) as raised:
            open_company(url, clock=SystemClock(), create=False, password=PASSWORD + "x")
        assert PASSWORD not in str(raised.value)
        assert PASSWORD not in repr(raised.value.__cause__)
    assert load_password(url) == PASSWORD
    assert caplog.records, "the DEBUG logs were captured"
    assert not [r for r in caplog.records if PASSWORD in r.getMessage()]
    for file in profile.rglob("*"):  # settings, data and cache folders of the test
        if file.is_file():
            assert PASSWORD.encode() not in file.read_bytes(), file


def test_scrub_and_shown_url_mask_a_password() -> None:
    assert scrub("invalid dsn: missing '=' after 's3cret'", "s3cret") == (
        "invalid dsn: missing '=' after '********'"
    )
    assert scrub("nothing to hide", None) == "nothing to hide"
    assert shown_url("postgresql://anna:s3cret@host/db") == "postgresql://anna:***@host/db"
    assert shown_url("/home/anna/company.sqlite") == "/home/anna/company.sqlite"
    stripped = server_url("postgresql://anna:s3cret@host/db")
    assert stripped.password is None
    assert stripped.render_as_string(hide_password=False) == "postgresql+psycopg://anna@host/db"


def test_a_team_database_is_one_whose_customers_row_level_security_guards(
    trusting: Admin, company: str, sqlite_db
) -> None:
    database = open_company(trusting.database_url(company), clock=SystemClock())
    try:
        with database.sessions() as session:
            assert not is_team_database(session)
        with database.engine.begin() as connection:
            connection.execute(text("ALTER TABLE customers ENABLE ROW LEVEL SECURITY"))
        with database.sessions() as session:
            assert is_team_database(session)
    finally:
        with database.engine.begin() as connection:
            connection.execute(text("ALTER TABLE customers DISABLE ROW LEVEL SECURITY"))
        database.dispose()
    with sqlite_db.sessions() as session:
        assert not is_team_database(session)


def _replica(path: Path, server: str) -> Path:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE sync_state (id INTEGER PRIMARY KEY, server TEXT)")
    connection.execute("INSERT INTO sync_state VALUES (1, ?)", (server,))
    connection.commit()
    connection.close()
    return path


def test_the_offline_replica_of_a_server_is_found_by_server_and_database(tmp_path: Path) -> None:
    replica = _replica(tmp_path / "replica.sqlite", "postgresql+psycopg://anna@Team.Lan:5433/coll")
    other = _replica(tmp_path / "other.sqlite", "postgresql+psycopg://anna@team.lan:5433/other")
    plain = tmp_path / "plain.sqlite"
    sqlite3.connect(plain).close()
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_text("not a database")
    candidates = [tmp_path / "missing.sqlite", garbage, plain, other, replica]
    # Any user: the laptop's replica is offered to whoever logs in on it.
    assert find_replica("postgresql://bob@team.lan:5433/coll", candidates) == replica
    assert find_replica("postgresql://bob@team.lan/coll", candidates) is None  # port 5432
    assert find_replica("postgresql://bob@team.lan:5433/third", candidates) is None
    assert plain.stat().st_size == 0  # looked at, not changed
