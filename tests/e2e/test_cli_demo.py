"""``collections-desktop demo`` as a user runs it: a subprocess, its output and exit codes."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def run_demo(database: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the demo command in a fresh interpreter, as the installed entry point would."""
    command = [sys.executable, "-m", "collections_desktop", "demo"]
    command += ["--customers", "25", "--seed", "3", "--database", str(database), *extra]
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=300, env=env, check=False
    )


def count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_demo_writes_a_company_once(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite"
    done = run_demo(database)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # progress is only drawn on a terminal
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    summary = lines[0]
    assert summary.startswith("Demo company “Atlántica Suministros Industriales, S.L.”")
    assert str(database) in summary
    assert "25 customers" in summary
    transactions = count(database, "customer_transactions")
    assert f"{transactions:,} transactions" in summary
    assert 25 * 20 < transactions < 25 * 100
    assert count(database, "customers") == 25
    assert count(database, "receivables_parameters") == 1
    assert count(database, "collections_agents") == 3
    assert count(database, "settlement_lines") > count(database, "settlements") > 0
    assert count(database, "activities") > 25
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    again = run_demo(database)
    assert again.returncode == 2
    assert again.stdout == ""
    assert again.stderr.startswith("error: ")
    assert "already holds a company" in again.stderr
    assert str(database) in again.stderr
    assert "Traceback" not in again.stderr
    assert count(database, "customers") == 25
    assert count(database, "customer_transactions") == transactions


def test_demo_leaves_a_file_that_is_not_a_database_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    notes = folder / "notes.sqlite"
    notes.write_text("Call Ruiz Hermanos about INV-0000042 on Monday.\n", encoding="utf-8")
    before = hashlib.sha256(notes.read_bytes()).hexdigest()
    done = run_demo(notes)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "not a SQLite file" in done.stderr
    assert "Traceback" not in done.stderr
    assert hashlib.sha256(notes.read_bytes()).hexdigest() == before
    assert [p.name for p in folder.iterdir()] == ["notes.sqlite"]  # no journal, no WAL
