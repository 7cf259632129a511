"""Missing, empty, damaged, full and mislabelled database files, in one process.

The command-line tests (tests/e2e/test_cli_damaged_files.py) run a few of these cases as
real processes; here every command and the rules underneath are covered quickly.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event, text

from collections_desktop import cli
from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import create_company
from collections_desktop.models.db.database import DatabaseOpenError
from collections_desktop.models.db.failures import (
    DamagedDatabaseError,
    DiskFullError,
    MissingDatabaseError,
    describe,
)
from collections_desktop.models.db.writing import write_transaction
from tests.conftest import TODAY
from tests.damage import digest, flip_a_byte, settle

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "docs" / "import-mappings" / "ibm-accounts-receivable.toml"
AS_OF = "2026-11-30"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / "demo.sqlite"
    write_demo_company(path, customers=20, seed=7, today=TODAY)
    settle(path)
    return path


def commands(database: Path) -> list[list[str]]:
    """Every command that must not create a database, with ``--database``."""
    scoped = [
        [name, "--as-of", AS_OF, "--database", str(database)]
        for name in ("aging", "snapshot", "promises", "interest", "letters")
    ]
    data = database.with_name("data.csv")
    data.write_text("Customer\n", encoding="utf-8")
    importing = ["import", "receivables", str(data), "--mapping", str(MAPPING)]
    return [*scoped, [*importing, "--database", str(database)]]


def test_every_command_refuses_a_missing_or_empty_file(tmp_path, capsys) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    missing = folder / "compnay.sqlite"
    for argv in commands(missing):
        assert cli.main(argv) == 2, argv
        assert capsys.readouterr().err.startswith(
            f"error: There is no database at {missing}; nothing was created."
        ), argv
        assert not missing.exists()
    empty = folder / "empty.sqlite"
    empty.touch()
    for argv in commands(empty):
        assert cli.main(argv) == 2, argv
        assert capsys.readouterr().err == (
            f"error: {empty} is an empty file, not a Collections Desktop database; "
            "it was not changed.\n"
        ), argv
        assert empty.stat().st_size == 0
    assert sorted(path.name for path in folder.iterdir()) == ["data.csv", "empty.sqlite"]


def test_a_database_without_a_company_is_refused_unless_creating(tmp_path) -> None:
    path = tmp_path / "schema-only.sqlite"
    open_company(
        path, clock=SystemClock()
    ).dispose()  # what a mistyped path became before: schema, no company
    settle(path)
    before = digest(path)
    with pytest.raises(MissingDatabaseError, match="holds no company; nothing was changed"):
        open_company(path, create=False, clock=SystemClock())
    assert digest(path) == before
    database = open_company(path, clock=SystemClock())  # new-company may still set one up in it
    with write_transaction(database) as session:
        create_company(session, "Late Company", "EUR", database_now())
    database.dispose()
    open_company(path, create=False, clock=SystemClock()).dispose()


def database_now():
    import datetime as dt

    return dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def test_letters_and_promises_do_not_write_to_a_damaged_file(demo_file, tmp_path, capsys):
    damaged = flip_a_byte(demo_file, tmp_path / "damaged.sqlite")
    before = digest(damaged)
    for name in ("letters", "promises"):
        assert cli.main([name, "--as-of", AS_OF, "--database", str(damaged)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: The database {damaged} is damaged ("), name
        assert "missing from index" in err
        assert digest(damaged) == before, name


def test_a_commit_waits_for_the_check_and_a_damaged_file_keeps_nothing(demo_file, tmp_path):
    damaged = flip_a_byte(demo_file, tmp_path / "damaged.sqlite")
    before = digest(damaged)
    database = open_company(damaged, create=False, clock=SystemClock())
    try:
        with (
            pytest.raises(DamagedDatabaseError, match="missing from index"),
            write_transaction(database, what="test") as session,
        ):
            session.execute(text("UPDATE customers SET city = 'Nowhere'"))
        assert database.integrity is not None
        assert database.integrity.finished
    finally:
        database.dispose()
    assert digest(damaged) == before


def test_a_sound_file_is_checked_once_and_written(demo_file, tmp_path) -> None:
    path = tmp_path / "sound.sqlite"
    shutil.copy(demo_file, path)
    database = open_company(path, create=False, clock=SystemClock())
    assert database.integrity is not None
    assert not database.integrity.finished
    with database.sessions() as session:  # reading starts no check
        session.execute(text("SELECT count(*) FROM customers")).scalar()
    assert not database.integrity.finished
    for city in ("Vigo", "Braga"):
        with write_transaction(database, what="test") as session:
            session.execute(text("UPDATE customers SET city = :city"), {"city": city})
    assert database.integrity.finished
    assert database.integrity.problem is None
    database.dispose()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT DISTINCT city FROM customers").fetchall() == [("Braga",)]
    connection.close()


def test_a_full_database_is_a_message_and_keeps_nothing(demo_file, tmp_path) -> None:
    """``PRAGMA max_page_count`` stands in for a full disk (SQLITE_FULL); the command-line
    test fills a real (tmpfs) disk."""
    path = tmp_path / "full.sqlite"
    shutil.copy(demo_file, path)
    database = open_company(path, create=False, clock=SystemClock())
    pages = path.stat().st_size // 4096 + 2
    event.listen(
        database.engine,
        "connect",
        lambda connection, _record: connection.execute(f"PRAGMA max_page_count = {pages}"),
    )
    database.engine.dispose()  # new connections, with the limit
    with (
        pytest.raises(DiskFullError) as raised,
        write_transaction(database, what="test") as session,
    ):
        session.execute(text("UPDATE customers SET name = name || printf('%.500c', 'x')"))
    assert str(raised.value) == (
        f"The disk holding the database {path} is full: nothing was saved (the whole "
        "transaction was undone). Free some space, then try again."
    )
    with database.sessions() as session:
        assert not session.scalar(text("SELECT count(*) FROM customers WHERE name LIKE '%xxxx'"))
    database.dispose()


def test_a_mislabelled_database_is_refused_before_any_backup(demo_file, tmp_path) -> None:
    path = tmp_path / "files" / "company.sqlite"
    path.parent.mkdir()
    shutil.copy(demo_file, path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0003'")
    connection.close()
    before = digest(path)
    for _attempt in range(2):
        with pytest.raises(DatabaseOpenError) as refused:
            open_company(path, create=False, clock=SystemClock())
        assert str(refused.value) == (
            f"The database {path} says it is at schema 0003 but already holds tables or "
            "columns of a later schema (activity_categories, agency_annotations, "
            "agency_attachments, agency_case_documents, agency_cases, …): an "
            "upgrade was interrupted. It was not changed and no backup copy was made."
        )
    assert digest(path) == before
    assert [p.name for p in path.parent.iterdir()] == ["company.sqlite"]


def test_other_database_errors_are_described_in_words() -> None:
    from sqlalchemy.exc import OperationalError

    error = OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: x"))
    assert describe(error, "/data/co.sqlite") == (
        "The database /data/co.sqlite reported an error: no such table: x. Nothing was saved."
    )
