"""Fixtures that replace the world: profile folders, keyring, clock and databases.

Every test runs with its own data and settings folders, an in-memory keyring and a
clock stopped on 2026-11-23. ``sqlite_db`` is a fresh, migrated SQLite file holding an
empty company; ``pg_db`` is the same on a fresh database of the PostgreSQL server
(``COLLECTIONS_TEST_PG_URL``, default the local server; when that does not answer, or
``COLLECTIONS_TEST_PG=embedded``, a server the suite runs itself: ``tests/pg_server.py``),
so no PostgreSQL test is skipped. The hypothesis profile is chosen by
``COLLECTIONS_HYPOTHESIS_PROFILE`` (``tests/hypothesis_profiles.py``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from collections_desktop.kernel.clock import FixedClock, SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import create_company
from collections_desktop.models.db.database import Database
from tests import (
    hypothesis_profiles,  # noqa: F401 - loads the profile asked for
    pg_server,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = dt.date(2026, 11, 23)
PG_URL = pg_server.CONFIGURED_URL
"""The server asked for; tests use the ``pg_admin_url`` fixture, which falls back to the
suite's own server when this one does not answer."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests by folder so ``-m "not gui"`` is the fast loop."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "gui" in parts:
            item.add_marker(pytest.mark.gui)
        if "e2e" in parts:
            item.add_marker(pytest.mark.e2e)


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture(autouse=True)
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every per-user folder (data, config, cache, home) into the test's temp folder."""
    home = tmp_path / "profile"
    for variable, folder in (
        ("HOME", "home"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        (home / folder).mkdir(parents=True)
        monkeypatch.setenv(variable, str(home / folder))
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An in-memory keyring backend instead of the OS keychain."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    """Fail a test that leaves a Python thread running."""
    before = set(threading.enumerate())
    yield
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    for thread in leftover:
        thread.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"threads left running: {still}"


@pytest.fixture
def clock() -> FixedClock:
    """A clock stopped at 09:00 UTC on 2026-11-23."""
    return FixedClock.on(TODAY)


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file with an empty company, copied for each test (fast)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    database = open_company(path, clock=SystemClock())
    with database.sessions.begin() as session:
        create_company(session, "Test Company", "EUR", FixedClock.on(TODAY).now())
    database.dispose()
    return path


@pytest.fixture
def sqlite_db(tmp_path: Path, _template_db: Path) -> Iterator[Database]:
    """A fresh SQLite company database in the test's folder."""
    path = tmp_path / "company.sqlite"
    with create_engine(f"sqlite:///{_template_db}").connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(_template_db, path)
    database = open_company(path, clock=SystemClock())
    yield database
    database.dispose()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run is over: stop the servers the suite started (in the controlling process,
    after every xdist worker has finished)."""
    if hasattr(session.config, "workerinput"):
        return
    factory: pytest.TempPathFactory | None = getattr(session.config, "_tmp_path_factory", None)
    if factory is not None:
        pg_server.stop_shared_servers(pg_server.shared_root(factory, session.config))


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> str:
    """The superuser's URL of the PostgreSQL server the tests use (see ``tests/pg_server``)."""
    if not pg_server.FORCE_EMBEDDED and pg_server.answers(PG_URL):
        return PG_URL
    root = pg_server.shared_root(tmp_path_factory, pytestconfig)
    return pg_server.admin_url(pg_server.shared_server(root, pg_server.TRUSTING, password=None))


@pytest.fixture(scope="session")
def scram_server(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> int:
    """The port of a server that asks every login for its password (as ``team serve``'s
    do); its superuser's password is ``pg_server.SCRAM_ADMIN_PASSWORD``."""
    root = pg_server.shared_root(tmp_path_factory, pytestconfig)
    return pg_server.shared_server(root, pg_server.SCRAM, password=pg_server.SCRAM_ADMIN_PASSWORD)


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    name = f"cd_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _pg_template(pg_admin_url: str) -> Iterator[str]:
    """One migrated PostgreSQL database with an empty company (per worker), each test's
    ``pg_db`` a copy of it (``CREATE DATABASE … TEMPLATE``: far faster than migrating)."""
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    name = f"cd_template_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    database = open_company(url, clock=SystemClock())
    with database.sessions.begin() as session:
        create_company(session, "Test Company", "EUR", FixedClock.on(TODAY).now())
    database.dispose()  # a template is copied only while nobody is connected to it
    try:
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_db(pg_admin_url: str, _pg_template: str) -> Iterator[Database]:
    """A fresh PostgreSQL company database (a copy of the migrated template)."""
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    name = f"cd_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_pg_template}"'))
    url = make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    database = open_company(url, clock=SystemClock())
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The same test on a SQLite file and on PostgreSQL."""
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")
