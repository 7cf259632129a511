"""A company file of an earlier schema revision, with real rows, for upgrade tests.

The demo writer only knows the current schema, so the rows are the demo's: a small demo is
written at the head revision, and every column that existed at the earlier revision is
copied into a new file that Alembic brought only that far.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from collections_desktop.demo.load import write_demo_company
from collections_desktop.models.db import database as database_module


def company_at_revision(target: Path, revision: str, *, customers: int) -> Path:
    """Write a company of ``customers`` demo customers at schema ``revision`` to ``target``."""
    source = target.with_name(f"{target.stem}.head-demo{target.suffix}")
    write_demo_company(source, customers=customers, seed=5, today=dt.date(2026, 11, 23))
    engine = create_engine(f"sqlite:///{target}")
    config = database_module._alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()
    connection = sqlite3.connect(target, isolation_level=None)
    try:
        connection.execute("ATTACH DATABASE ? AS head", (str(source),))
        connection.execute("BEGIN")
        tables = connection.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name <> 'alembic_version'"
        ).fetchall()
        for (table,) in tables:
            old = [row[1] for row in connection.execute(f"PRAGMA main.table_info({table})")]
            new = {row[1] for row in connection.execute(f"PRAGMA head.table_info({table})")}
            columns = ", ".join(column for column in old if column in new)
            connection.execute(
                f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM head.{table}"
            )
        connection.execute("COMMIT")
        connection.execute("DETACH DATABASE head")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    source.unlink()
    return target


def schema_of(path: Path) -> dict[str, object]:
    """What a file holds, read as the next program to open it would (a hot journal or a
    log is recovered): its revision, schema, row counts and integrity."""
    connection = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            "integrity": connection.execute("PRAGMA integrity_check").fetchall(),
            "revision": (
                connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
                if "alembic_version" in names
                else None
            ),
            "schema": [
                (kind, name, table, _constraints_sorted(sql))
                for kind, name, table, sql in connection.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
                )
            ],
            "rows": {
                name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                for name in names
            },
        }
    finally:
        connection.close()


def _constraints_sorted(sql: str | None) -> str | None:
    """A table's SQL with its named constraints in one order: Alembic's batch copy of a
    table writes them in an order that differs from one process to the next."""
    if sql is None or not sql.startswith("CREATE TABLE"):
        return sql
    lines = [line.strip().rstrip(",").strip() for line in sql.splitlines()]
    constraints = sorted(line for line in lines if line.startswith("CONSTRAINT"))
    return "\n".join([line for line in lines if not line.startswith("CONSTRAINT")] + constraints)
