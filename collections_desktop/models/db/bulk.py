"""Insert many rows at once through the driver's ``executemany``.

SQLAlchemy's bulk insert builds a dictionary per row and runs every value through
layers of type processing; for the tens of thousands of rows of an aging snapshot that
is most of the time. Here each column's conversion is looked up once: our own types
give it as a single function (``bind_function``), others their dialect's processor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table
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
