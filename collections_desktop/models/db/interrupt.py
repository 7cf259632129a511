"""Stopping a long statement when its task is cancelled, instead of at the next step.

A long job (a snapshot, a summary, a run) checks its ``cancelled`` flag between steps,
but one SQL statement can run for many seconds. On SQLite, ``interruptible`` installs a
progress handler on the session's driver connection that SQLite calls every few
thousand virtual-machine instructions; it returns non-zero once ``is_cancelled()`` is
true, SQLite abandons the statement with "interrupted", and the block raises
``QueryCancelled`` (a cancellation, not a failure). On PostgreSQL a watcher thread looks
at the flag every ``POLL_SECONDS`` and asks the server to cancel the running statement.

    with database.sessions() as session, interruptible(session, lambda: state.cancelled):
        rows = session.execute(long_query).all()

After ``QueryCancelled`` the session's transaction is rolled back (SQLite has already
undone an interrupted write); the session may be used again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

INSTRUCTIONS = 10_000
"""Virtual-machine instructions between two looks at the flag (well under a millisecond)."""

POLL_SECONDS = 0.05
"""How often the PostgreSQL watcher looks at the flag."""

_PG_QUERY_CANCELED = "57014"


class QueryCancelled(Exception):
    """A statement was stopped because its task was cancelled; nothing was written."""


@contextmanager
def interruptible(
    session: Session, is_cancelled: Callable[[], bool], *, instructions: int = INSTRUCTIONS
) -> Iterator[Session]:
    """Within the block, ``is_cancelled()`` becoming true stops the running statement.

    The session's connection is taken (and kept) for the block, so every statement in it
    runs on the connection that carries the handler.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        with _postgresql(session, is_cancelled):
            yield session
        return
    if dialect != "sqlite":
        yield session
        return
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    if is_cancelled():
        raise QueryCancelled
    owner = threading.get_ident()

    def stop() -> int:
        # Only the statements of this thread: a connection the block's session gave back
        # to the pool (a commit) may be lent to another thread before the block ends.
        return 1 if threading.get_ident() == owner and is_cancelled() else 0

    driver.set_progress_handler(stop, instructions)
    try:
        yield session
    except (OperationalError, sqlite3.OperationalError) as error:
        driver.set_progress_handler(None, 0)
        original = error.orig if isinstance(error, OperationalError) else error
        if not (_interrupted(original) and is_cancelled()):
            raise
        session.rollback()
        raise QueryCancelled from error
    finally:
        driver.set_progress_handler(None, 0)


@contextmanager
def _postgresql(session: Session, is_cancelled: Callable[[], bool]) -> Iterator[None]:
    driver = session.connection().connection.driver_connection
    if is_cancelled():
        raise QueryCancelled
    done = threading.Event()

    def watch() -> None:
        while not done.wait(POLL_SECONDS):
            if is_cancelled():
                driver.cancel_safe()  # type: ignore[union-attr]
                return

    watcher = threading.Thread(target=watch, name="collections-interrupt", daemon=True)
    watcher.start()
    try:
        yield
    except OperationalError as error:
        done.set()
        if not (getattr(error.orig, "sqlstate", None) == _PG_QUERY_CANCELED and is_cancelled()):
            raise
        session.rollback()
        raise QueryCancelled from error
    finally:
        done.set()
        watcher.join()


def _interrupted(error: BaseException | None) -> bool:
    code: int | None = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code == sqlite3.SQLITE_INTERRUPT
    return isinstance(error, sqlite3.OperationalError) and "interrupted" in str(error)
