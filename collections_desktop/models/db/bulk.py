"""Bulk writes: many rows at once through ``executemany``, and fresh statistics after.

SQLAlchemy's bulk insert builds a dictionary per row and runs every value through
layers of type processing; for the tens of thousands of rows of an aging snapshot that
is most of the time. Here each column's conversion is looked up once: our own types
give it as a single function (``bind_function``), others their dialect's processor.

A bulk write ends with ``analyse``: the query planners choose their plans from table
statistics, and a table filled in one go has none (or those of when it was empty).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the order of ``table.columns``) in the session's transaction."""
    connection = session.connection()
    dialect = connection.dialect
    processors = [
        c.type.bind_function(dialect)
        if hasattr(c.type, "bind_function")
        else c.type.dialect_impl(dialect).bind_processor(dialect)
        for c in table.columns
    ]
    convert = [(i, p) for i, p in enumerate(processors) if p is not None]

    def ready(row: Sequence[Any]) -> tuple[Any, ...]:
        values = list(row)
        for index, process in convert:
            values[index] = process(values[index])
        return tuple(values)

    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(column.name for column in table.columns)
    marks = ", ".join([mark] * len(table.columns))
    batch = [ready(row) for row in rows]
    if batch:
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", batch)


def analyse(bind: Session | Connection, tables: Iterable[Table | str]) -> None:
    """Update the planner's statistics of ``tables``, in the caller's transaction.

    Every bulk write (the demo, an import, the team set-up, a replica's first fill) calls
    this before it reports done. Both planners choose their plans from table statistics
    (PostgreSQL: ``pg_statistic`` and ``pg_class.reltuples``; SQLite: ``sqlite_stat1``), and
    a table filled in one go has none, or those of when it was nearly empty: on a
    20,000-customer demo on PostgreSQL the aging aggregate took 440 s instead of 3.7 s.
    Autovacuum would analyse later, if it is on. PostgreSQL samples at most 30,000 rows per
    table (2.3 s for that demo's tables), SQLite reads each index of the table once (0.8 s).
    The caller's own uncommitted rows are counted. PostgreSQL skips a table the role does
    not own with a warning, not an error.
    """
    connection = bind.connection() if isinstance(bind, Session) else bind
    quote = connection.dialect.identifier_preparer.quote
    names = list(dict.fromkeys(t.name if isinstance(t, Table) else t for t in tables))
    if not names:
        return
    if connection.dialect.name == "sqlite":
        for name in names:  # SQLite's ANALYZE takes one table at a time
            connection.exec_driver_sql(f"ANALYZE {quote(name)}")
    else:
        connection.exec_driver_sql(f"ANALYZE {', '.join(quote(name) for name in names)}")
