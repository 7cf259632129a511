"""The first-run demo's files: the partial file beside the database, an earlier version's
empty leftover under its name."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from collections_desktop.demo.load import DemoError, partial_path, write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.first_run import unfinished_demo
from collections_desktop.models.company.opening import open_company

TODAY = dt.date(2026, 11, 23)


def test_a_demo_is_written_beside_the_file_and_moved_into_place(tmp_path: Path) -> None:
    path = tmp_path / "collections.sqlite"
    seen: list[tuple[bool, bool]] = []

    def progress(done: int, total: int, what: str) -> None:
        seen.append((path.exists(), partial_path(path).exists()))

    stats = write_demo_company(path, customers=3, seed=1, today=TODAY, progress=progress)
    assert seen
    assert set(seen) == {(False, True)}  # never under its name while written
    assert stats.database == str(path)
    assert sorted(p.name for p in tmp_path.glob("collections.*")) == ["collections.sqlite"]
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM customers").fetchone() == (3,)
    connection.close()


def test_the_leftover_of_a_killed_demo_is_started_over(tmp_path: Path) -> None:
    path = tmp_path / "collections.sqlite"
    leftover = partial_path(path)
    leftover.write_bytes(b"SQLite format 3\x00" + bytes(100))  # killed as it was created
    write_demo_company(path, customers=2, seed=1, today=TODAY)
    assert not leftover.exists()
    assert path.exists()


def test_a_demo_being_written_by_another_process_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "collections.sqlite"
    open_company(partial_path(path), clock=SystemClock()).dispose()
    writer = sqlite3.connect(partial_path(path), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as the other demo holds it while it writes
    try:
        with pytest.raises(DemoError, match=r"being written into .* by another process"):
            write_demo_company(path, customers=2, seed=1, today=TODAY)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert partial_path(path).exists()
    assert not path.exists()


def test_only_an_empty_company_file_is_an_unfinished_demo(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    open_company(empty, clock=SystemClock()).dispose()
    assert unfinished_demo(empty)

    demo = tmp_path / "demo.sqlite"
    write_demo_company(demo, customers=1, seed=1, today=TODAY)
    assert not unfinished_demo(demo)

    text = tmp_path / "notes.sqlite"
    text.write_text("not a database\n")
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE customers (name TEXT)")
    connection.close()
    assert not unfinished_demo(text)
    assert text.read_text() == "not a database\n"
    assert not unfinished_demo(foreign)
    assert not unfinished_demo(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()
    assert not unfinished_demo(tmp_path)
