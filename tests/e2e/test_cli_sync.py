"""``collections-desktop sync setup`` and ``sync`` as a user runs them: a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer
from collections_desktop.models.sync.pull import install_pull_cursor
from tests.sync_replicas import NOW


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command with nothing on standard input (no password is asked)."""
    return subprocess.run(
        [sys.executable, "-m", "collections_desktop", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", LANGUAGE="en"),
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture
def server_url(pg_db: Database) -> str:
    with pg_db.engine.begin() as connection:
        install_pull_cursor(connection)
    with pg_db.sessions.begin() as session:
        session.add(Customer(account="C-000001", name="Ruiz", currency="EUR", updated_at=NOW))
    return pg_db.url.render_as_string(hide_password=False)


def test_setup_then_sync(server_url: str, pg_db: Database, tmp_path: Path) -> None:
    file = tmp_path / "laptop.sqlite"
    made = cli("sync", "setup", "--server", server_url, "--file", str(file))
    assert made.returncode == 0, made.stderr
    assert f"for postgres: {file}" in made.stdout
    assert file.exists()
    assert not Path(f"{file}.partial").exists()

    with pg_db.sessions.begin() as session:
        session.add(Customer(account="C-000002", name="Soto", currency="EUR", updated_at=NOW))
    synced = cli("--database", str(file), "sync")
    assert synced.returncode == 0, synced.stderr
    assert "changes sent: 0, conflicts: 0" in synced.stdout
    assert "customers removed: 0, customers added: 1." in synced.stdout  # newly seen
    with sqlite3.connect(file) as connection:
        accounts = [row[0] for row in connection.execute("SELECT account FROM customers")]
    assert sorted(accounts) == ["C-000001", "C-000002"]


def test_the_default_replica_is_what_the_app_opens(server_url: str, profile: Path) -> None:
    made = cli("sync", "setup", "--server", server_url)
    assert made.returncode == 0, made.stderr
    assert "The app opens it from now on" in made.stdout
    synced = cli("sync")
    assert synced.returncode == 0, synced.stderr
    assert "Synced with postgresql://postgres@" in synced.stdout
    again = cli("sync", "setup", "--server", server_url)
    assert again.returncode == 2
    assert "already exists" in again.stderr


def test_failures_are_said_in_words(server_url: str, sqlite_db: Database, tmp_path: Path) -> None:
    file = tmp_path / "laptop.sqlite"
    assert cli("sync", "setup", "--server", server_url, "--file", str(file)).returncode == 0
    with sqlite3.connect(file) as connection:
        connection.execute("UPDATE sync_state SET server = 'postgresql://postgres@127.0.0.1:1/x'")
    unreachable = cli("--database", str(file), "sync")
    assert unreachable.returncode == 2
    assert "error: The team database postgresql://postgres@127.0.0.1:1/x cannot be reached" in (
        unreachable.stderr
    )
    assert "Traceback" not in unreachable.stderr

    company = sqlite_db.url.database or ""
    sqlite_db.dispose()
    not_replica = cli("--database", company, "sync")
    assert not_replica.returncode == 2
    assert "not an offline replica" in not_replica.stderr

    nobody = cli(
        "sync",
        "setup",
        "--server",
        "postgresql://127.0.0.1:1/x",
        "--file",
        str(tmp_path / "other.sqlite"),
    )
    assert nobody.returncode == 2
    assert "names no user" in nobody.stderr
    with sqlite3.connect(file) as connection:
        assert connection.execute("SELECT count(*) FROM customers").fetchone() == (1,)
