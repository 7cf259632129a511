"""Damaged copies of a real company file, for the tests that a damaged file is never written.

``flip_a_byte`` flips one bit at seeded places of a table's pages until SQLite's full
integrity check fails while its quick check still passes: the damage a single flipped
bit usually does (an index no longer matches its table), which only the full check finds.
``break_a_page`` damages a table's page header, so any query that reaches it fails.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from pathlib import Path

PAGE = 4096


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def settle(path: Path) -> None:
    """Fold the write-ahead log into the file, so the file alone holds the database."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def table_pages(path: Path, table: str, kind: str = "leaf") -> list[int]:
    connection = sqlite3.connect(path)
    try:
        return [
            page
            for (page,) in connection.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno",
                (table, kind),
            )
        ]
    finally:
        connection.close()


def check(path: Path, pragma: str) -> str:
    """``ok``, ``bad`` (findings) or ``raise`` (the check itself met a malformed page)."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(f"PRAGMA {pragma}").fetchall()
        return "ok" if rows == [("ok",)] else "bad"
    except sqlite3.DatabaseError:
        return "raise"
    finally:
        connection.close()


def flip_a_byte(source: Path, target: Path, table: str = "customer_transactions") -> Path:
    """Copy ``source`` to ``target`` with one bit flipped in a page of ``table``, such that
    ``integrity_check`` fails and ``quick_check`` passes."""
    settle(source)
    pages = table_pages(source, table)
    original = source.read_bytes()
    chance = random.Random(11)
    for _attempt in range(200):
        offset = (chance.choice(pages) - 1) * PAGE + chance.randrange(100, PAGE)
        data = bytearray(original)
        data[offset] ^= 1 << chance.randrange(8)
        target.write_bytes(data)
        if check(target, "quick_check") == "ok" and check(target, "integrity_check") == "bad":
            return target
    raise AssertionError("no single flipped bit damaged an index in 200 tries")


def break_a_page(source: Path, target: Path, *names: str) -> Path:
    """Copy ``source`` to ``target`` with the page-type byte of the first leaf page of
    each table or index in ``names`` damaged: a query that reads one gets "database disk
    image is malformed"."""
    settle(source)
    shutil.copy(source, target)
    with target.open("r+b") as handle:
        for name in names:
            handle.seek((table_pages(source, name)[0] - 1) * PAGE)
            handle.write(b"\x07")  # not a b-tree page type
    return target
