"""Login roles and company databases on the test servers, for the login tests.

Roles are cluster-wide: each gets a unique name and is dropped with what it was granted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import create_company
from collections_desktop.models.db.connect import server_engine

CLOCK = FixedClock.on(dt.date(2026, 11, 23))


@dataclass(frozen=True)
class Admin:
    """A test server's superuser: a URL without password, and the password apart."""

    url: str
    password: str | None = None

    def engine(self, database: str | None = None) -> Engine:
        url = make_url(self.url)
        if database is not None:
            url = url.set(database=database)
        return server_engine(url, self.password, isolation_level="AUTOCOMMIT")

    def database_url(self, database: str, user: str | None = None) -> str:
        url = make_url(self.url).set(database=database)
        if user is not None:
            url = url.set(username=user)
        return url.render_as_string(hide_password=False)


@contextmanager
def company_database(admin: Admin) -> Iterator[str]:
    """A new database holding an empty company on ``admin``'s server; its name."""
    name = f"cd_login_{uuid.uuid4().hex[:12]}"
    engine = admin.engine()
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        database = open_company(admin.database_url(name), clock=CLOCK, password=admin.password)
        with database.sessions.begin() as session:
            create_company(session, "Login Company", "EUR", CLOCK.now())
        database.dispose()
        yield name
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@contextmanager
def login_role(admin: Admin, password: str | None, *, reads: bool = True) -> Iterator[str]:
    """A login role with ``password`` (that may read all data, unless not ``reads``);
    dropped afterwards."""
    name = f"login_{uuid.uuid4().hex[:10]}"
    quoted = password.replace("'", "''") if password is not None else None
    secret = f" PASSWORD '{quoted}'" if quoted is not None else ""
    engine = admin.engine()
    with engine.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{name}" LOGIN{secret}'))
        if reads:
            connection.execute(text(f'GRANT pg_read_all_data TO "{name}"'))
    try:
        yield name
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
        engine.dispose()
