"""One write transaction at a time where it matters: the rule that nothing is posted twice.

Every writer (a batch run, an import, a collections action) decides and writes inside one
transaction that another writer cannot interleave:

- **SQLite** has one writer at a time. A write transaction starts with ``BEGIN IMMEDIATE``
  (``Database.writes``), so it holds the write lock *before* it reads what it decides on;
  a second writer waits for it (the busy timeout) and then sees what the first committed.
- **PostgreSQL** lets writers run side by side, so they take advisory locks held until the
  transaction ends: a batch that posts to the ledger (interest, letters, promises, import)
  takes ``LEDGER`` exclusively, one at a time in the company; an action takes ``LEDGER``
  shared and a lock per customer it writes for (``lock_customers``), so two collectors
  never act on one customer at once, and no action slips between a batch's reads and its
  writes. Other runs (a snapshot) lock their own kind.

A writer that waits longer than ``WAIT_SECONDS`` gives up with ``RunInProgressError``,
a message rather than a traceback. The database itself also refuses a second copy of a
posted fact (unique keys of migration 0004); ``DuplicatePostingError`` says so in words.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from collections_desktop.i18n import _

if TYPE_CHECKING:
    from collections_desktop.models.db.database import Database

LEDGER = "ledger"
"""The lock of the batches that post to the ledger (and, shared, of every action)."""

WRITING = "collections_writing"
"""The key in ``Session.info`` of a session in a write transaction (``is_writing``)."""

WAIT_SECONDS = 30
"""How long a writer waits for another one before it reports the other as in progress."""


class RunInProgressError(ValueError):
    """Another writer holds the database (or the run's lock) for longer than we wait."""


class DuplicatePostingError(ValueError):
    """The database refused a second copy of a posted fact (a unique key)."""


@contextmanager
def write_transaction(
    database: Database, *, run: str | None = None, what: str | None = None
) -> Iterator[Session]:
    """A session in one write transaction, committed when the block ends without error.

    ``run`` names a batch (``LEDGER`` for the ones that post, or its own kind); without it
    the transaction is an action's and takes ``LEDGER`` shared on PostgreSQL. ``what``
    names the work for the message when another writer is in the way.
    """
    with database.writes() as session:
        session.info[WRITING] = True
        try:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text(f"SET LOCAL lock_timeout = '{WAIT_SECONDS}s'"))
                _advisory_lock(session, run or LEDGER, shared=run is None)
            else:
                session.connection()  # BEGIN IMMEDIATE: wait here for the write lock
        except OperationalError as error:
            session.rollback()
            raise _in_progress(what) from error
        try:
            yield session
            session.commit()
        except IntegrityError as error:
            session.rollback()
            if _is_unique_violation(error):
                raise DuplicatePostingError(
                    _(
                        "This was already posted by another run or another user; "
                        "nothing was saved. Refresh to see it."
                    )
                ) from error
            raise
        except OperationalError as error:
            session.rollback()
            if _is_lock_wait(error):
                raise _in_progress(what) from error
            raise


def is_writing(session: Session) -> bool:
    """Whether ``session`` is a write transaction's (``write_transaction``), not a read's."""
    return bool(session.info.get(WRITING))


def lock_customers(session: Session, customer_ids: Iterable[uuid.UUID]) -> None:
    """On PostgreSQL, hold each customer's lock until the transaction ends.

    Taken in one order (sorted ids), so two actions never wait for each other in a circle.
    SQLite needs nothing: its write transaction already excludes every other writer.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for customer_id in sorted(set(customer_ids)):
        _advisory_lock(session, f"customer:{customer_id}", shared=False)


def _advisory_lock(session: Session, key: str, *, shared: bool) -> None:
    lock = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
    session.execute(select(lock(func.hashtextextended(key, 0))))


def _in_progress(what: str | None) -> RunInProgressError:
    if what:
        return RunInProgressError(
            _(
                "Another run ({what}) or another user is writing to this database; "
                "nothing was done. Try again when it has finished."
            ).format(what=what)
        )
    return RunInProgressError(
        _(
            "Another run or another user is writing to this database; nothing was done. "
            "Try again when it has finished."
        )
    )


def _is_lock_wait(error: OperationalError) -> bool:
    message = str(error.orig).lower()
    return "locked" in message or "busy" in message or "lock timeout" in message


def _is_unique_violation(error: IntegrityError) -> bool:
    message = str(error.orig).lower()
    return "unique" in message or "duplicate key" in message
