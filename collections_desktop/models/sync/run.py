"""One sync of a replica with the team database: push, scope, pull, check, numbers.

1. **Push** the pending batches in one server transaction, which commits first; then, in
   one replica transaction, the acknowledged operations leave the outbox, and each batch
   the server refused becomes a conflict (both sides kept) whose rows are put back to the
   server's (rows the server does not have are deleted).
2. Only with the outbox empty: **scope**: customers no longer visible are purged, those
   newly visible fetched whole; then **pull** the changes since the cursor, each page in
   one replica transaction, the cursor written with the last page.
3. **Check**: counts and sums per customer on both sides (after a sync that moved
   anything); a customer that differs is fetched again, and the difference logged.
4. **Numbers**: a new block for each counter with less than half of its block left.

Any failure raises ``SyncError`` and loses nothing: the outbox is kept until the server's
answer is recorded, a half-applied page is rolled back, and the next sync starts again
(the server applies an operation at most once).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.changes import note_customers
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CustomerTransaction,
    SyncConflict,
    SyncOutbox,
    SyncState,
)
from collections_desktop.models.ledger.settlements import update_closed_on
from collections_desktop.models.sync import catalogue, numbers
from collections_desktop.models.sync.apply import (
    SyncError,
    analyse,
    applying_transaction,
    delete_rows,
    purge_customers,
    replica_customer_ids,
    upsert_rows,
)
from collections_desktop.models.sync.capture import read_batches
from collections_desktop.models.sync.link import connect, server_session
from collections_desktop.models.sync.operations import (
    Batch,
    operation_to_json,
    rows_to_json,
)

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
_STEPS = 5
_ANALYSE_AFTER = 10_000
"""Rows written by one sync after which the replica's tables are analysed again."""


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    conflicts: int
    pulled: int
    purged: int
    fetched: int
    mismatches: int
    seconds: float


def sync_replica(
    replica: Database,
    password: str | None,
    *,
    now: dt.datetime,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> SyncReport:
    """Sync ``replica`` with its team database; raises ``SyncError`` saying what failed."""
    started = time.perf_counter()
    report = progress or (lambda _done, _total, _what: None)
    stop = is_cancelled or (lambda: False)
    with replica.sessions() as session:
        state = session.get(SyncState, 1)
        if state is None:
            raise SyncError(
                _("{where} is not an offline replica; make one with sync setup.").format(
                    where=replica.display_name
                )
            )
        server = state.server
    engine = connect(server, password)
    try:
        report(0, _STEPS, _("Sending your changes"))
        pushed, conflicts = push(replica, engine, now)
        _check(stop)
        report(1, _STEPS, _("Checking which customers are yours"))
        purged, fetched_rows, fetched = scope(replica, engine)
        _check(stop)
        report(2, _STEPS, _("Receiving the team's changes"))
        pulled = pull(replica, engine, stop)
        report(3, _STEPS, _("Comparing the figures"))
        # With nothing sent or received, both sides are as the last comparison found them.
        moved = pushed or pulled or purged or fetched
        mismatches = compare(replica, engine) if moved else 0
        report(4, _STEPS, _("Numbers for working offline"))
        lend(replica, engine, now)
        if pulled + fetched_rows > _ANALYSE_AFTER:
            analyse(replica)
        _finish(replica, now, None)
    except SyncError as error:
        _finish(replica, None, str(error))
        raise
    finally:
        engine.dispose()
    report(_STEPS, _STEPS, _("Synced"))
    return SyncReport(
        pushed=pushed,
        conflicts=conflicts,
        pulled=pulled,
        purged=purged,
        fetched=fetched,
        mismatches=mismatches,
        seconds=time.perf_counter() - started,
    )


def _check(stop: Callable[[], bool]) -> None:
    if stop():
        raise SyncError(_("The sync was cancelled; nothing was lost. Sync again to finish."))


# --- push ----------------------------------------------------------------------------------


def push(replica: Database, engine: Engine, now: dt.datetime) -> tuple[int, int]:
    """Push the outbox; (operations pushed, batches refused)."""
    from collections_desktop.models.sync.push import push_batches

    with replica.writes() as session, session.begin():
        batches = read_batches(session)  # stamps any unstamped rows, kept by the commit
    if not batches:
        return 0, 0
    with server_session(engine) as server, server.begin():
        outcomes = push_batches(server, batches, now=now)
    by_id = {outcome.batch_id: outcome for outcome in outcomes}
    refused = 0
    with applying_transaction(replica) as local:
        for batch in batches:
            outcome = by_id.get(batch.batch_id)
            if outcome is None:
                continue  # not answered: stays in the outbox for the next sync
            local.execute(delete(SyncOutbox).where(SyncOutbox.batch_id == batch.batch_id))
            if not outcome.applied:
                refused += 1
                record_conflict(local, batch, outcome.reason, outcome.server_rows, now)
            else:  # the fields it lost to a later write: the server's values
                for table in _in_order(outcome.server_rows):
                    upsert_rows(local, table, outcome.server_rows[table])
    return sum(len(b.operations) for b in batches if b.batch_id in by_id), refused


def record_conflict(
    session: Session,
    batch: Batch,
    reason: str | None,
    server_rows: Mapping[str, Sequence[Mapping[str, Any]]],
    now: dt.datetime,
) -> None:
    """Keep the refused batch with the server's rows, and put the replica back to them."""
    existing = session.scalar(
        select(SyncConflict.id).where(SyncConflict.batch_id == batch.batch_id)
    )
    if existing is None:
        session.add(
            SyncConflict(
                batch_id=batch.batch_id,
                created_at=now,
                reason=reason or _("The team database refused this change."),
                operations=json.dumps(
                    {
                        "device_id": batch.device_id.hex,
                        "hlc": batch.hlc,
                        "operations": [operation_to_json(op) for op in batch.operations],
                    }
                ),
                server_rows=json.dumps(rows_to_json(server_rows)),
            )
        )
        session.flush()
    revert(session, batch, server_rows)


def revert(
    session: Session, batch: Batch, server_rows: Mapping[str, Sequence[Mapping[str, Any]]]
) -> None:
    """Bring every row the batch touched back to the server's (delete what it lacks)."""
    inserted: dict[str, set[uuid.UUID]] = {}
    transactions: set[uuid.UUID] = set()
    for op in batch.operations:
        if op.kind == "insert":
            inserted.setdefault(op.table, set()).add(op.row_id)
        if op.table == "customer_transactions":
            transactions.add(op.row_id)
        if op.table == "settlement_lines" and op.values.get("transaction_id"):
            transactions.add(op.values["transaction_id"])
    order = [t.name for t in catalogue.shared_tables()]
    for table in _in_order(server_rows):  # parents first
        upsert_rows(session, table, server_rows[table])
    # Children first, and only the rows the batch made: a row it changed that the server
    # did not send back is one the user no longer sees (its customer left their pools);
    # the scope step purges it with its customer, children and all.
    for table in reversed(order):
        kept = {row["id"] for row in server_rows.get(table, ())}
        delete_rows(session, table, inserted.get(table, set()) - kept)
    if transactions:
        session.flush()
        update_closed_on(session, sorted(transactions))


def _in_order(rows: Mapping[str, Any]) -> list[str]:
    """The tables of ``rows`` in foreign-key order (parents first)."""
    return [t.name for t in catalogue.shared_tables() if t.name in rows]


# --- scope and pull -------------------------------------------------------------------------


def scope(replica: Database, engine: Engine) -> tuple[int, int, int]:
    """Purge customers the user no longer sees, fetch those newly seen whole.

    (customers purged, rows fetched, customers fetched)
    """
    from collections_desktop.models.sync.pull import visible_customer_ids

    if _pending(replica):
        return 0, 0, 0
    with server_session(engine) as server, server.begin():
        visible = visible_customer_ids(server)
    with replica.sessions() as session:
        present = replica_customer_ids(session)
    gone = present - visible
    new = visible - present
    if gone:
        with applying_transaction(replica) as local:
            purge_customers(local, gone)
    rows = fetch_customers(replica, engine, new) if new else 0
    return len(gone), rows, len(new)


def fetch_customers(replica: Database, engine: Engine, customer_ids: Collection[uuid.UUID]) -> int:
    """Every shared row of these customers from the server, in one replica transaction
    (rows the replica holds of them and the server no longer has are removed first)."""
    from collections_desktop.models.sync.pull import read_customers

    written = 0
    with applying_transaction(replica, bulk=len(customer_ids) > 100) as local:
        purge_customers(local, customer_ids)
        with server_session(engine) as server, server.begin():
            for page in read_customers(server, customer_ids):
                written += upsert_rows(local, page.table, page.rows)
    return written


def pull(replica: Database, engine: Engine, stop: Callable[[], bool]) -> int:
    """Apply the server's changes since the cursor; rows written."""
    from collections_desktop.models.sync.pull import read_changes

    if _pending(replica):
        return 0
    with replica.sessions() as session:
        state = session.get(SyncState, 1)
        assert state is not None
        since = int(state.cursor or 0)
    written = 0
    with server_session(engine) as server, server.begin():
        for page in read_changes(server, since):
            _check(stop)
            with applying_transaction(replica) as local:
                written += upsert_rows(local, page.table, page.rows)
                _note_pulled(local, page.table, page.rows)
                gone = getattr(page, "deleted", ())
                if gone:
                    delete_rows(local, page.table, gone)
                if page.last:
                    local.execute(
                        update(SyncState).where(SyncState.id == 1).values(cursor=str(page.cursor))
                    )
    return written


def _note_pulled(session: Session, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Note the customers whose ledger or standing the pulled rows change, so the replica's
    newest snapshots are brought up to date with them (``models/aging/fresh.py``)."""
    if table == "customers":
        note_customers(session, (row["id"] for row in rows))
    elif table == "customer_transactions":
        note_customers(session, (row["customer_id"] for row in rows))
    elif table == "settlement_lines":
        ids = sorted({row["transaction_id"] for row in rows})
        for start in range(0, len(ids), 500):
            note_customers(
                session,
                session.scalars(
                    select(CustomerTransaction.customer_id)
                    .where(CustomerTransaction.id.in_(ids[start : start + 500]))
                    .distinct()
                ),
            )


def _pending(replica: Database) -> bool:
    with replica.sessions() as session:
        return session.scalar(select(SyncOutbox.seq).limit(1)) is not None


# --- check, numbers, state ------------------------------------------------------------------


def compare(replica: Database, engine: Engine) -> int:
    """Compare each customer's figures on both sides; fetch again those that differ."""
    from collections_desktop.models.sync.check import customer_figures

    if _pending(replica):
        return 0
    with replica.sessions() as session:
        present = replica_customer_ids(session)
        local = customer_figures(session, present)
    with server_session(engine) as server, server.begin():
        remote = customer_figures(server, present)
    differing = {key for key in present if local.get(key) != remote.get(key)}
    if differing:
        for key in sorted(differing):
            log.warning(
                "customer %s differs from the team database (here %s, there %s); fetched again",
                key,
                local.get(key),
                remote.get(key),
            )
        fetch_customers(replica, engine, differing)
    return len(differing)


def lend(replica: Database, engine: Engine, now: dt.datetime) -> None:
    """New number blocks for the counters that need them (the server commits first)."""
    with replica.sessions() as session:
        names = numbers.blocks_needed(session)
    if not names:
        return
    with server_session(engine) as server, server.begin():
        blocks = numbers.lend_blocks(server, names, now)
    with applying_transaction(replica) as local:
        numbers.take_blocks(local, blocks, now)


def _finish(replica: Database, now: dt.datetime | None, error: str | None) -> None:
    """Record the sync's end: its time when it succeeded, else its error (best effort)."""
    values: dict[str, Any] = {"last_error": error}
    if now is not None:
        values["last_sync_at"] = now
    try:
        with replica.writes() as session, session.begin():
            session.execute(update(SyncState).where(SyncState.id == 1).values(**values))
    except Exception:  # the replica itself failing: the SyncError says enough
        log.exception("could not record the sync's end")
