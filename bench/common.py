"""Helpers shared by the benchmarks that work on a PostgreSQL server (``team_load.py``,
``sync.py``): each makes its own databases and login roles there and must leave none behind.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def machine() -> str:
    """The machine the figures were taken on, printed first: they mean little without it."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, {memory:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


def now() -> dt.datetime:
    """The moment in UTC, timezone-aware, as the app's ``SystemClock`` stamps its writes."""
    return dt.datetime.now(dt.UTC)


@contextmanager
def database_on(
    server: str, name: str, template: str | None = None, keep: bool = False
) -> Iterator[str]:
    """A new database ``name`` on the server (a copy of ``template``), dropped afterwards
    unless ``keep`` (to look into it after a run); a leftover of that name is dropped first."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        copy = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def drop_roles(server: str, roles: Iterable[str], databases: Iterable[str]) -> None:
    """Drop the login roles a run made. Roles are cluster-wide, so they outlive the run's
    databases; what they own in ``databases`` still there goes first, or the server refuses."""
    roles = list(roles)  # gone through once per database, and once more
    for database in databases:
        engine = create_engine(
            make_url(server).set(database=database), isolation_level="AUTOCOMMIT"
        )
        try:
            with engine.connect() as connection:
                for role in roles:
                    connection.execute(text(f'DROP OWNED BY "{role}"'))
        except Exception:  # the database is gone already
            pass
        finally:
            engine.dispose()
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for role in roles:
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def as_user(url: str, role: str) -> str:
    """``url`` logged in as ``role``, as the app connects, so row-level security applies."""
    return make_url(url).set(username=role).render_as_string(hide_password=False)
