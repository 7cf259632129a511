"""Helpers for the team database tests: a small demo company on PostgreSQL, set up for the
team, with letters for every overdue customer, and login roles dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.letters.run import create_letters
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.team.server import init_team
from collections_desktop.models.team.users import UserReport, add_user
from tests.conftest import PG_URL, TODAY

NOW = FixedClock.on(TODAY).now()
IBERIA = ("ES", "PT")  # the demo's pool "Iberia" (employee E-0001 works it)
FRANCE_UK = ("FR", "GB")  # the demo's pool "France & UK" (employee E-0002)


def write_team_demo(url: str, customers: int = 40) -> None:
    """A demo company with letters posted for every overdue customer, set up for the team."""
    write_demo_company(url, customers=customers, seed=7, today=TODAY)
    database = open_company(url, clock=FixedClock.on(TODAY), create=False)
    try:
        with database.sessions.begin() as session:
            create_letters(session, company_scope(session), TODAY, NOW, created_by_id=None)
    finally:
        database.dispose()
    init_team(url, now=NOW, as_of=TODAY)


def team_database() -> Iterator[str]:
    """For a module's fixture: a database holding ``write_team_demo``, dropped after."""
    name = f"cd_test_team_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        write_team_demo(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def login_url(url: str, role: str) -> str:
    """The libpq connection string of ``url``'s database for ``role``."""
    parsed = make_url(url)
    return f"host={parsed.host} port={parsed.port or 5432} dbname={parsed.database} user={role}"


@dataclass
class Logins:
    """Login roles made by a test, dropped when it ends (roles outlive databases)."""

    url: str
    names: list[str] = field(default_factory=list)

    def add(
        self,
        employee: str,
        *,
        supervisor: bool = False,
        view_all: bool = False,
        password: str | None = None,
        name: str | None = None,
    ) -> UserReport:
        name = name or f"agent_{uuid.uuid4().hex[:10]}"
        database = open_company(self.url, clock=FixedClock.on(TODAY), create=False)
        try:
            with database.sessions.begin() as session:
                report = add_user(
                    session,
                    name,
                    employee,
                    supervisor=supervisor,
                    view_all=view_all,
                    password=password,
                    now=NOW,
                )
        finally:
            database.dispose()
        if report.role_created:  # only what this test made is dropped
            self.names.append(name)
        return report

    def connect(self, name: str, password: str | None = None) -> psycopg.Connection[Any]:
        return psycopg.connect(login_url(self.url, name), password=password)


def team_logins(url: str) -> Iterator[Logins]:
    """For a test's ``logins`` fixture: the logins it makes, dropped afterwards."""
    made = Logins(url)
    try:
        yield made
    finally:
        drop_roles(made.names)


def drop_roles(names: list[str]) -> None:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in names:
                quoted = '"' + name.replace('"', '""') + '"'
                connection.execute(text(f"DROP ROLE IF EXISTS {quoted}"))
    finally:
        admin.dispose()


def owner_count(url: str, sql: str, **params: Any) -> int:
    """A count read as the database's owner (no row-level security)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()
