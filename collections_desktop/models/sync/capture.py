"""On a replica, every local change of a shared row leaves an operation in the outbox.

Triggers write the outbox row in the same transaction as the change, whatever code made
it (a page, an import, a raw statement): the whole row of an insert, the new values of
the mergeable columns an update changed (none for a change of derived columns alone,
such as ``closed_on``), and the key of a delete. Every commit then stamps the new outbox
rows with one batch id and one hybrid-logical-clock time, so the operations of one user
action travel and are judged together.

Reference tables are the server's: their triggers refuse local changes in words. The
posted-fact guards of migrations 0001-0005 are made again so that they, like the capture
triggers, stand aside while ``sync_applying`` holds a row: the sync's own transactions
(which insert that row first and delete it last) may put back or purge posted rows that
users still cannot change.

``install`` is idempotent and runs whenever a replica is opened (``prepare_replica``): a
migration's batch copy of a table drops its triggers.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Column, Connection, event, text
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import IMMUTABLE_COLUMNS
from collections_desktop.models.db.types import new_id
from collections_desktop.models.sync import catalogue
from collections_desktop.models.sync.hlc import HybridClock
from collections_desktop.models.sync.operations import (
    Batch,
    Operation,
    decode_payload,
    stored_as_bytes,
    table_of,
)

NOT_APPLYING = "NOT EXISTS (SELECT 1 FROM sync_applying)"
_PREFIX = "sync_capture_"


def is_replica(connection: Connection | Session) -> bool:
    """Whether this database is an offline replica (its ``sync_state`` has its row)."""
    return connection.execute(text("SELECT 1 FROM sync_state WHERE id = 1")).first() is not None


def prepare_replica(database: Database) -> bool:
    """When ``database`` is a replica: its triggers (again) and the stamping of commits."""
    if database.url.get_backend_name() != "sqlite" or database.read_only:
        return False
    with database.engine.connect() as connection:
        if not is_replica(connection):
            return False
    writer = database.engine.connect().execution_options(sqlite_immediate=True)
    with writer as connection, connection.begin():
        install(connection)
    watch_commits(database)
    return True


def watch_commits(database: Database) -> None:
    """Stamp each commit's new outbox rows (``stamp``) on this database's engine."""
    if not event.contains(database.engine, "commit", _stamp_on_commit):
        event.listen(database.engine, "commit", _stamp_on_commit)


@contextmanager
def applying(session: Session | Connection) -> Iterator[None]:
    """The sync's own changes inside: triggers stand aside (call at the transaction's start;
    the flag is gone before the commit, so no other connection ever sees it)."""
    session.execute(text("INSERT INTO sync_applying (flag) VALUES (1)"))
    yield
    session.execute(text("DELETE FROM sync_applying"))


# --- the triggers -----------------------------------------------------------------------


def install(connection: Connection) -> None:
    """Make every trigger of a replica anew (in the caller's transaction)."""
    existing = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE :p"),
        {"p": f"{_PREFIX}%"},
    ).scalars()
    for name in list(existing):
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    for statement in trigger_statements():
        connection.exec_driver_sql(statement)
    _guard_posted_facts(connection)
    from collections_desktop.models.sync.numbers import number_triggers

    for statement in number_triggers():
        connection.exec_driver_sql(statement)


def trigger_statements() -> list[str]:
    """The capture triggers of the shared customer tables and the refusals of reference ones."""
    statements: list[str] = []
    for table in catalogue.shared_tables():
        if catalogue.kind(table.name) is catalogue.Kind.REFERENCE:
            statements += _refusals(table.name)
        else:
            statements += _captures(table.name)
    return statements


def _value(column: Column[Any], row: str) -> str:
    """SQL for a column's value in a payload: a key as lower-case hex (NULL stays NULL)."""
    name = f"{row}.{column.name}"
    if stored_as_bytes(column):
        return f"CASE WHEN {name} IS NULL THEN NULL ELSE lower(hex({name})) END"
    return name


def _captures(name: str) -> list[str]:
    table = table_of(name)
    whole = ", ".join(f"'{c.name}', {_value(c, 'NEW')}" for c in table.columns)
    outbox = "INSERT INTO sync_outbox (op_id, table_name, row_id, kind, payload, changed) "
    statements = [
        f"CREATE TRIGGER {_PREFIX}{name}_insert AFTER INSERT ON {name} "
        f"WHEN {NOT_APPLYING} BEGIN {outbox}"
        f"VALUES (randomblob(16), '{name}', NEW.id, 'insert', json_object({whole}), NULL); END",
        f"CREATE TRIGGER {_PREFIX}{name}_delete AFTER DELETE ON {name} "
        f"WHEN {NOT_APPLYING} BEGIN {outbox}"
        f"VALUES (randomblob(16), '{name}', OLD.id, 'delete', '{{}}', NULL); END",
    ]
    mergeable = [table.columns[c] for c in catalogue.mergeable_columns(table)]
    if mergeable:
        differs = " OR ".join(f"NEW.{c.name} IS NOT OLD.{c.name}" for c in mergeable)
        changes = " UNION ALL ".join(
            f"SELECT '{c.name}' AS n, {_value(c, 'NEW')} AS v "
            f"WHERE NEW.{c.name} IS NOT OLD.{c.name}"
            for c in mergeable
        )
        statements.append(
            f"CREATE TRIGGER {_PREFIX}{name}_update AFTER UPDATE ON {name} "
            f"WHEN {NOT_APPLYING} AND ({differs}) BEGIN {outbox}"
            f"VALUES (randomblob(16), '{name}', NEW.id, 'update', "
            f"(SELECT json_group_object(n, v) FROM ({changes})), "
            f"(SELECT json_group_array(n) FROM ({changes}))); END"
        )
    return statements


def _refusals(name: str) -> list[str]:
    message = _("{table} rows are set on the team database; change them there, then sync").format(
        table=name
    )
    quoted = message.replace("'", "''")
    return [
        f"CREATE TRIGGER {_PREFIX}{name}_{event.lower()}_refused BEFORE {event} ON {name} "
        f"WHEN {NOT_APPLYING} BEGIN SELECT RAISE(ABORT, '{quoted}'); END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


_BEGIN = re.compile(r"\sBEGIN\s")


def _guard_posted_facts(connection: Connection) -> None:
    """Make the ``*_update_refused`` / ``*_delete_refused`` guards stand aside while the
    sync applies (the same guards, with ``WHEN NOT EXISTS (SELECT 1 FROM sync_applying)``)."""
    guards = connection.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND (name LIKE '%\\_update\\_refused' ESCAPE '\\' "
            "OR name LIKE '%\\_delete\\_refused' ESCAPE '\\')"
        )
    ).all()
    for name, sql in guards:
        if name.startswith(_PREFIX) or "sync_applying" in sql:
            continue
        table = name.rsplit("_", 2)[0]
        if table not in IMMUTABLE_COLUMNS:
            continue
        found = _BEGIN.search(sql)
        assert found is not None, sql
        made = f"{sql[: found.start()]} FOR EACH ROW WHEN {NOT_APPLYING}{sql[found.start() :]}"
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
        connection.exec_driver_sql(made)


# --- stamping and reading the outbox -------------------------------------------------------


def _stamp_on_commit(connection: Connection) -> None:
    driver = connection.connection.driver_connection
    if driver is None:  # pragma: no cover - a closed connection commits nothing
        return
    stamp_pending(cast(sqlite3.Connection, driver))


def stamp_pending(driver: sqlite3.Connection) -> bool:
    """Give the outbox rows without a batch one new batch id and one HLC time.

    The time comes from the device's clock and the last time handed out, kept in
    ``sync_state.hlc`` so that it never goes back, not even across restarts.
    """
    if (
        driver.execute("SELECT 1 FROM sync_outbox WHERE batch_id IS NULL LIMIT 1").fetchone()
        is None
    ):
        return False
    state = driver.execute("SELECT device_id, hlc FROM sync_state WHERE id = 1").fetchone()
    if state is None:  # pragma: no cover - only replicas record operations
        return False
    device, last = state
    time = HybridClock(uuid.UUID(bytes=bytes(device)), last=last or "").now()
    driver.execute(
        "UPDATE sync_outbox SET batch_id = ?, hlc = ? WHERE batch_id IS NULL",
        (new_id().bytes, time),
    )
    driver.execute("UPDATE sync_state SET hlc = ? WHERE id = 1", (time,))
    return True


def _driver(session: Session) -> sqlite3.Connection:
    connection = session.connection()
    return cast(sqlite3.Connection, connection.connection.driver_connection)


def read_batches(session: Session) -> list[Batch]:
    """The pending batches in the order they were made (stamping any unstamped rows)."""
    stamp_pending(_driver(session))
    device = session.execute(text("SELECT device_id FROM sync_state WHERE id = 1")).scalar_one()
    rows = session.execute(
        text(
            "SELECT batch_id, hlc, op_id, table_name, row_id, kind, payload "
            "FROM sync_outbox ORDER BY seq"
        )
    ).all()
    batches: dict[bytes, tuple[str, list[Operation]]] = {}
    for batch_id, hlc, op_id, table, row_id, kind, payload in rows:
        found = batches.setdefault(bytes(batch_id), (hlc, []))
        found[1].append(
            Operation(
                op_id=uuid.UUID(bytes=bytes(op_id)),
                table=table,
                row_id=uuid.UUID(bytes=bytes(row_id)),
                kind=kind,
                values=decode_payload(table, payload),
            )
        )
    return [
        Batch(
            batch_id=uuid.UUID(bytes=key),
            device_id=uuid.UUID(bytes=bytes(device)),
            hlc=hlc,
            operations=tuple(operations),
        )
        for key, (hlc, operations) in batches.items()
    ]


def pending_count(session: Session) -> int:
    """How many operations wait in the outbox."""
    return int(session.execute(text("SELECT count(*) FROM sync_outbox")).scalar_one())


def changed_columns(text_value: str | None) -> list[str]:
    return list(json.loads(text_value)) if text_value else []
