"""Commands run before the first start: they create nothing and say how to make a company;
``new-company`` writes its file whole or not at all."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

COMMANDS = (
    ("aging",),
    ("snapshot",),
    ("promises",),
    ("interest", "--dry-run"),
    ("letters", "--dry-run"),
    ("sync",),
)


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_a_command_before_the_first_start_creates_nothing(run_cli, profile, command) -> None:
    done = run_cli(*command)
    assert done.returncode == 2
    assert done.stdout == ""
    first, second = done.stderr.splitlines()
    assert first.startswith("error: There is no company yet (")
    assert first.endswith("collections.sqlite); nothing was created.")
    assert "collections-desktop demo" in second
    assert "collections-desktop new-company NAME" in second
    assert "Traceback" not in done.stderr
    assert files_under(profile) == []


def test_new_company_writes_the_whole_company_and_its_first_user(run_cli, profile) -> None:
    done = run_cli(
        "new-company", "Acme Ibérica", "--currency", "usd", "--country", "es",
        "--language", "es", "--login", "aruiz", "--user-name", "Ana Ruiz",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (path,) = files_under(profile)
    assert path.name == "collections.sqlite"
    assert "its first user is aruiz" in done.stdout
    with sqlite3.connect(path) as connection:
        assert connection.execute(
            "SELECT company_name, accounting_currency, country, language "
            "FROM receivables_parameters"
        ).fetchall() == [("Acme Ibérica", "USD", "ES", "es")]
        assert connection.execute(
            "SELECT name, user_name, is_administrator FROM employees"
        ).fetchall() == [("Ana Ruiz", "aruiz", 1)]
    connection.close()
    # Now that a company exists, the other commands work on it.
    assert run_cli("aging", "--format", "csv").returncode == 0


def test_a_refused_new_company_leaves_no_file(run_cli, profile, tmp_path) -> None:
    target = tmp_path / "acme.sqlite"
    done = run_cli("new-company", "Acme", "--currency", "XXX", "--database", str(target))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip() == "error: Unknown currency XXX."
    assert not target.exists()
    assert not Path(f"{target}.partial").exists()
    done = run_cli("new-company", "Acme", "--login", "two words", "--database", str(target))
    assert done.returncode == 2
    assert "Type your login" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("acme")) == []


def test_a_second_company_in_the_same_file_is_refused_unchanged(run_cli, tmp_path) -> None:
    target = tmp_path / "acme.sqlite"
    assert run_cli("new-company", "Acme", "--database", str(target)).returncode == 0
    before = target.read_bytes()
    again = run_cli("new-company", "Other", "--database", str(target))
    assert again.returncode == 2
    assert "already holds a company" in again.stderr
    assert target.read_bytes() == before
