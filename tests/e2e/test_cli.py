"""The command line as a user runs it: version, help, bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from collections_desktop import __version__


def test_version(run_cli) -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"collections-desktop {__version__}"


def test_help_lists_the_commands(run_cli) -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("demo", "screenshot"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "newer version of Collections Desktop"),
        ("es_ES", "una versión más reciente de Collections Desktop"),
    ],
)
def test_a_newer_database_is_refused_with_exit_code_2(
    run_cli, tmp_path: Path, language: str, message: str
) -> None:
    import sqlite3

    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.company.opening import open_company

    path = tmp_path / "newer.sqlite"
    open_company(path, clock=SystemClock()).dispose()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f9999_future'")
    connection.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run_cli("demo", "--customers", "5", "--database", str(path), language=language)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
