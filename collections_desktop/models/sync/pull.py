"""The server half of a pull: every shared row changed since a replica's cursor, in pages.

**The cursor.** Each shared table has a column ``sync_xid`` (PostgreSQL ``xid8``) holding
the id of the transaction that last wrote the row: its default on insert, a trigger on
update. A pull reads, in one REPEATABLE READ snapshot, the rows with ``sync_xid >= since``
and hands back ``upper = pg_snapshot_xmin(pg_current_snapshot())`` as the next cursor:
the oldest transaction still running when the snapshot was taken. Every transaction
older than ``upper`` had ended by then, so each row such a transaction committed is in the
snapshot and was read now or by an earlier pull; every transaction from ``upper`` on is
read again next time (``>=``), whenever it commits. So a row committed late by a
transaction that started early still arrives: its id is below every id handed out after
it, which keeps ``upper`` at or below it until it ends.

A timestamp or a sequence cannot do this: both are taken when the row is written, not
when it becomes visible. A transaction that wrote ``updated_at = 10:00`` (or sequence
value 41) and commits at 10:05 is invisible to a pull at 10:02 that moves the cursor past
10:02 (or past 42, written by a later, quicker transaction); the next pull starts after it
and never sees the row.

The price of this: while a long write transaction runs anywhere on the server (a large
import, a demo being written), ``upper`` stays at its id, and each pull sends again every
row written since it began. A replica applies a row it already holds without harm.

Rows are read as Python values (UUID, Decimal, date, aware datetime) through the mapped
tables, so a page can be written to SQLite as it is. Row-level security on the server
decides which rows the agent's connection sees; nothing here filters.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, Table, select, text
from sqlalchemy.orm import Session

from collections_desktop.models.db.schema import Base, Customer
from collections_desktop.models.sync import catalogue
from collections_desktop.models.sync.clocks import install_field_clock_stamps

PAGE_ROWS = 5_000
"""Rows per page: one SQLite transaction on the replica applies one page."""

_ID_CHUNK = 5_000
"""Customer ids per query of ``read_customers`` (well within a statement's parameters)."""


@dataclass(frozen=True)
class ChangePage:
    """Rows of one table; ``cursor`` is where the next pull starts once this page is
    applied (the pull's ``since`` until the ``last`` page, which carries the new cursor)."""

    table: str
    rows: tuple[Mapping[str, Any], ...]
    cursor: int
    last: bool


def install_pull_cursor(connection: Connection) -> None:
    """Give every shared table its ``sync_xid`` column, trigger and index (PostgreSQL).

    Idempotent: running it again changes nothing. Rows already there take the xid of this
    transaction, so the first pull of every replica reads them. Also installs the trigger
    that stamps field clocks for writes made on the server directly
    (``models/sync/clocks.py``).
    """
    connection.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION sync_stamp_xid() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN NEW.sync_xid := pg_current_xact_id(); RETURN NEW; END $$"
    )
    for table in catalogue.shared_tables():
        name = table.name
        connection.exec_driver_sql(
            f"ALTER TABLE {name} ADD COLUMN IF NOT EXISTS "
            "sync_xid xid8 NOT NULL DEFAULT pg_current_xact_id()"
        )
        connection.exec_driver_sql(
            f"CREATE OR REPLACE TRIGGER {name}_sync_xid BEFORE UPDATE ON {name} "
            "FOR EACH ROW EXECUTE FUNCTION sync_stamp_xid()"
        )
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_{name}_sync_xid ON {name} (sync_xid)"
        )
    install_field_clock_stamps(connection)


def read_changes(
    server: Session, since: int, *, page_rows: int = PAGE_ROWS
) -> Iterator[ChangePage]:
    """The shared rows written by transactions from ``since`` on, table by table in
    foreign-key order; the last page carries the new cursor (a pull with nothing to do
    yields that one page, empty).

    The session must be at the start of a transaction: it becomes one REPEATABLE READ
    snapshot, so every page and the cursor agree. The caller ends it (nothing is written).
    """
    server.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
    upper = int(server.scalar(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")))
    changed = text("sync_xid >= CAST(CAST(:since AS text) AS xid8)").bindparams(since=since)
    pages = (
        ChangePage(table.name, rows, since, False)
        for table in catalogue.shared_tables()
        for rows in _pages(server, select(table).where(changed).order_by(table.c.id), page_rows)
    )
    yield from _mark_last(pages, catalogue.shared_tables()[-1].name, upper)


def visible_customer_ids(server: Session) -> set[uuid.UUID]:
    """The customers this connection may see (its agent's pools; row-level security)."""
    return set(server.scalars(select(Customer.id)))


def read_customers(
    server: Session, customer_ids: Collection[uuid.UUID], *, page_rows: int = PAGE_ROWS
) -> Iterator[ChangePage]:
    """Every shared row of these customers, table by table in foreign-key order: what a
    replica fetches for a customer that entered its scope (or whose figures disagree).

    It does not move the replica's cursor: each page's ``cursor`` is 0 and means nothing
    (rows changed meanwhile come with the next pull anyway).
    """
    ids = sorted(set(customer_ids))
    chunks = [ids[i : i + _ID_CHUNK] for i in range(0, len(ids), _ID_CHUNK)]
    pages = (
        ChangePage(table.name, rows, 0, False)
        for table in catalogue.customer_tables()
        for chunk in chunks
        for rows in _pages(server, _of_customers(table, chunk), page_rows)
    )
    yield from _mark_last(pages, catalogue.customer_tables()[-1].name, 0)


def _of_customers(table: Table, customer_ids: Sequence[uuid.UUID]) -> Select[Any]:
    """The rows of ``table`` that belong to these customers (``catalogue.owner``)."""
    found = catalogue.owner(table.name)
    if found.parent is None:
        belongs = table.c[found.column].in_(customer_ids)
    else:
        parent = Base.metadata.tables[found.parent]
        parent_owner = catalogue.owner(found.parent)
        parents = select(parent.c.id).where(parent.c[parent_owner.column].in_(customer_ids))
        belongs = table.c[found.column].in_(parents)
    return select(table).where(belongs).order_by(table.c.id)


def _pages(
    server: Session, statement: Select[Any], page_rows: int
) -> Iterator[tuple[Mapping[str, Any], ...]]:
    """The statement's rows as dicts, ``page_rows`` at a time (a server-side cursor)."""
    result = server.execute(statement, execution_options={"yield_per": page_rows})
    for partition in result.partitions():
        yield tuple(dict(row._mapping) for row in partition)


def _mark_last(pages: Iterator[ChangePage], table: str, cursor: int) -> Iterator[ChangePage]:
    """The pages, the last one marked and given ``cursor`` (an empty one when none)."""
    pending: ChangePage | None = None
    for page in pages:
        if pending is not None:
            yield pending
        pending = page
    if pending is None:
        yield ChangePage(table, (), cursor, True)
    else:
        yield ChangePage(pending.table, pending.rows, cursor, True)
