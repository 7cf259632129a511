"""A new company file is written as NAME.partial and moved into place when complete."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.company.new_file import (
    NewCompany,
    NewFileError,
    create_company_database,
    partial_path,
    write_company,
    write_new_file,
)
from collections_desktop.models.company.setup import CompanyError
from collections_desktop.models.db.database import Database

ACME = NewCompany(
    name="Acme Ibérica",
    currency="EUR",
    country="ES",
    language="es",
    user_name="Ana Ruiz",
    login="aruiz",
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder of its own (the test's temp folder holds its profile too)."""
    made = tmp_path / "files"
    made.mkdir()
    return made


def rows(path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        found = connection.execute(query).fetchall()
    connection.close()
    return found


def test_the_file_gets_its_name_only_when_the_company_is_complete(
    folder: Path, clock: FixedClock
) -> None:
    path = folder / "acme.sqlite"
    seen: list[tuple[bool, bool]] = []

    def write(database: Database) -> str:
        seen.append((path.exists(), partial_path(path).exists()))
        write_company(database, ACME, clock.now())
        seen.append((path.exists(), partial_path(path).exists()))
        return "done"

    assert write_new_file(path, write, clock=clock) == "done"
    assert seen == [(False, True), (False, True)]
    assert partial_path(path).name == "acme.sqlite.partial"
    assert sorted(p.name for p in folder.iterdir()) == ["acme.sqlite"]
    assert rows(path, "SELECT company_name, country, language FROM receivables_parameters") == [
        ("Acme Ibérica", "ES", "es")
    ]
    assert rows(path, "SELECT number, name, user_name, is_administrator FROM employees") == [
        ("E-0001", "Ana Ruiz", "aruiz", 1)
    ]
    # A Spanish company's own texts are Spanish; English is one of the other languages.
    assert rows(path, "SELECT name FROM activity_categories WHERE code = 'CALL'") == [("Llamada",)]
    assert rows(
        path,
        "SELECT t.language, t.text FROM business_texts t JOIN activity_categories c "
        "ON t.row_id = c.id WHERE c.code = 'CALL' AND t.deleted_at IS NULL ORDER BY t.language",
    ) == [("en", "Call"), ("fr", "Appel"), ("pt", "Chamada")]


def test_a_failure_while_writing_leaves_nothing(folder: Path, clock: FixedClock) -> None:
    path = folder / "acme.sqlite"

    def write(database: Database) -> None:
        write_company(database, ACME, clock.now())
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_new_file(path, write, clock=clock)
    assert list(folder.iterdir()) == []


def test_a_refused_company_leaves_no_file(folder: Path, clock: FixedClock) -> None:
    path = folder / "acme.sqlite"
    for wrong, message in (
        (NewCompany("", "EUR", None, "en", "Ana", "ana"), "Type the company's name"),
        (NewCompany("Acme", "XXX", None, "en", "Ana", "ana"), "Unknown currency XXX"),
        (NewCompany("Acme", "EUR", "Spain", "en", "Ana", "ana"), "two-letter code"),
        (NewCompany("Acme", "EUR", None, "de", "Ana", "ana"), "language must be one of"),
        (NewCompany("Acme", "EUR", None, "en", "", "ana"), "Type your name"),
        (NewCompany("Acme", "EUR", None, "en", "Ana", "a b"), "Type your login"),
    ):
        with pytest.raises(CompanyError, match=message):
            create_company_database(path, wrong, clock=clock)
    assert list(folder.iterdir()) == []


def test_a_killed_creation_is_started_over_and_a_live_one_left_alone(
    folder: Path, clock: FixedClock
) -> None:
    path = folder / "acme.sqlite"
    partial_path(path).write_bytes(b"SQLite format 3\x00" + bytes(100))  # killed as created
    create_company_database(path, ACME, clock=clock)
    assert sorted(p.name for p in folder.iterdir()) == ["acme.sqlite"]

    other = folder / "other.sqlite"
    sqlite3.connect(partial_path(other)).close()
    writer = sqlite3.connect(partial_path(other), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as another process holds it while it writes
    try:
        with pytest.raises(NewFileError, match="by another process right now"):
            create_company_database(other, ACME, clock=clock)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert not other.exists()
    assert partial_path(other).exists()
