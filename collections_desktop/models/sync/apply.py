"""Writing the server's rows into a replica: upserts, purges, and the errors of a sync.

Every function here runs in a replica transaction opened by ``applying_transaction``: the
``sync_applying`` flag silences the capture triggers and the posted-fact guards, and the
foreign keys are checked at the commit (a page of customers may name contacts that the
next page brings).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, delete, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import IMMUTABLE_COLUMNS
from collections_desktop.models.sync import catalogue
from collections_desktop.models.sync.capture import applying
from collections_desktop.models.sync.operations import table_of

_CHUNK = 500


class SyncError(Exception):
    """A sync or a replica could not be made; the message says what and where. Nothing was
    lost: the outbox is as it was, and a half-applied change was rolled back."""


BULK_CACHE_KIB = 65_536
"""SQLite's page cache while a bulk write runs: with the default 2 MB, inserting into a
table's many indexes at once re-reads their pages, and takes twice as long."""


@contextmanager
def applying_transaction(replica: Database, *, bulk: bool = False) -> Iterator[Session]:
    """One replica write transaction in which the sync's own changes are made (``bulk``:
    many rows, with a larger page cache for its duration)."""
    with replica.writes() as session, session.begin():
        session.execute(text("PRAGMA defer_foreign_keys = ON"))
        if bulk:
            previous = session.execute(text("PRAGMA cache_size")).scalar()
            session.execute(text(f"PRAGMA cache_size = -{BULK_CACHE_KIB}"))
        with applying(session):
            yield session
        if bulk:
            session.execute(text(f"PRAGMA cache_size = {int(previous or -2000)}"))


def update_columns(table: Table) -> list[str]:
    """The columns a server row overwrites in a replica row with the same key: all of a
    mutable row, only the mutable ones of a posted fact."""
    fixed = set(IMMUTABLE_COLUMNS.get(table.name, ())) | {"id"}
    return [c.name for c in table.columns if c.name not in fixed]


def upsert_rows(session: Session, table_name: str, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert the server's rows, or bring the replica's rows with their keys to them.

    Whole rows go through the driver's ``executemany`` with each column's conversion
    looked up once (as ``models/db/bulk.py``): a first replica writes millions of values.
    """
    if not rows:
        return 0
    table = table_of(table_name)
    names = [c.name for c in table.columns]
    if any(len(row) != len(names) or any(n not in row for n in names) for row in rows[:1]):
        return _upsert_some_columns(session, table, rows)
    connection = session.connection()
    dialect = connection.dialect
    convert = []
    for index, column in enumerate(table.columns):
        kind: Any = column.type
        process = (
            kind.bind_function(dialect)
            if hasattr(kind, "bind_function")
            else kind.dialect_impl(dialect).bind_processor(dialect)
        )
        if process is not None:
            convert.append((index, process))
    columns = update_columns(table)
    action = (
        "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in columns)
        if columns
        else "DO NOTHING"
    )
    statement = (
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT (id) {action}"
    )
    for start in range(0, len(rows), _CHUNK * 10):
        batch = []
        for row in rows[start : start + _CHUNK * 10]:
            values = [row[n] for n in names]
            for index, process in convert:
                values[index] = process(values[index])
            batch.append(tuple(values))
        connection.exec_driver_sql(statement, batch)
    return len(rows)


def _upsert_some_columns(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """``upsert_rows`` for rows that do not name every column (through SQLAlchemy)."""
    columns = update_columns(table)
    for start in range(0, len(rows), _CHUNK):
        chunk = [dict(row) for row in rows[start : start + _CHUNK]]
        given = set().union(*chunk)
        statement = sqlite_insert(table)
        wanted = [c for c in columns if c in given]
        statement = (
            statement.on_conflict_do_update(
                index_elements=["id"], set_={c: statement.excluded[c] for c in wanted}
            )
            if wanted
            else statement.on_conflict_do_nothing(index_elements=["id"])
        )
        session.execute(statement, chunk)
    return len(rows)


def delete_rows(session: Session, table_name: str, row_ids: Collection[uuid.UUID]) -> int:
    if not row_ids:
        return 0
    table = table_of(table_name)
    ids = list(row_ids)
    removed = 0
    for start in range(0, len(ids), _CHUNK):
        result = session.execute(delete(table).where(table.c.id.in_(ids[start : start + _CHUNK])))
        removed += result.rowcount  # type: ignore[attr-defined]
    return removed


def customer_rows(
    session: Session, customer_ids: Collection[uuid.UUID]
) -> dict[str, list[uuid.UUID]]:
    """The keys of every shared row of these customers, table by table."""
    found: dict[str, list[uuid.UUID]] = {}
    ids = list(customer_ids)
    for table in catalogue.customer_tables():
        keys: list[uuid.UUID] = []
        column = catalogue.customer_expression(table.name, "r")
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join(f":c{i}" for i in range(len(chunk)))
            keys += [
                uuid.UUID(bytes=bytes(key))
                for key in session.execute(
                    text(f"SELECT r.id FROM {table.name} r WHERE {column} IN ({marks})"),
                    {f"c{i}": key.bytes for i, key in enumerate(chunk)},
                ).scalars()
            ]
        if keys:
            found[table.name] = keys
    return found


def purge_customers(session: Session, customer_ids: Collection[uuid.UUID]) -> int:
    """Delete every shared and derived row of these customers (children first)."""
    if not customer_ids:
        return 0
    rows = customer_rows(session, customer_ids)
    _purge_snapshots(session, customer_ids)
    for table in reversed(catalogue.customer_tables()):
        delete_rows(session, table.name, rows.get(table.name, ()))
    return len(customer_ids)


def _purge_snapshots(session: Session, customer_ids: Collection[uuid.UUID]) -> None:
    """The replica's own aging figures of these customers go with them."""
    ids = list(customer_ids)
    for local in reversed(list(catalogue.LOCAL_CUSTOMER_TABLES)):
        found = catalogue.owner(local)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join(f":c{i}" for i in range(len(chunk)))
            among = f"IN ({marks})"
            if found.parent is not None:
                parent = catalogue.owner(found.parent)
                among = f"IN (SELECT id FROM {found.parent} WHERE {parent.column} IN ({marks}))"
            session.execute(
                text(f"DELETE FROM {local} WHERE {found.column} {among}"),
                {f"c{i}": key.bytes for i, key in enumerate(chunk)},
            )


def replica_customer_ids(session: Session) -> set[uuid.UUID]:
    table = table_of("customers")
    return set(session.execute(select(table.c.id)).scalars())


def analyse(replica: Database) -> None:
    """``ANALYZE`` after a bulk write, so the planner knows the tables' sizes."""
    with replica.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
