"""Recognising the empty file an interrupted first-run demo left under the database's name.

Since the demo writes a new file under a temporary name and moves it into place when it is
complete (``demo``), its name never shows a half-made company. Versions before that
wrote in place: one killed while writing left the schema without a company, which every
later start opened as "the" database. This module is kept small and free of the demo's
imports, because the app asks it on every start.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def unfinished_demo(path: Path) -> bool:
    """Whether ``path`` is one of our SQLite files holding no company and no customer.

    Opened read-write as the app would open it, so that the journal of a killed demo is
    rolled back first; anything unexpected (not SQLite, not ours, locked) answers ``False``
    and the file is opened as usual.
    """
    if not path.is_file():
        return False
    try:
        connection = sqlite3.connect(path, timeout=1)
    except sqlite3.Error:
        return False
    try:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        if not {"alembic_version", "receivables_parameters", "customers"} <= tables:
            return False
        return not any(
            connection.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
            for table in ("receivables_parameters", "customers")
        )
    except sqlite3.Error:
        return False
    finally:
        connection.close()
