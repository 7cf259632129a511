"""Reads on their own connections never wait for a long read or a writer (real threads, real file).

A click's read runs on a connection of its own from the engine's pool, beside a long job's
statement and beside a write transaction that holds ``BEGIN IMMEDIATE``: SQLite in WAL
mode lets readers read the last committed state while one connection writes. A long
statement stops when its task is cancelled (``models.db.interrupt``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.interrupt import QueryCancelled, interruptible
from collections_desktop.models.db.schema import Customer
from collections_desktop.models.db.writing import WAIT_SECONDS

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)

SLOW = text(
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000000000) "
    "SELECT count(*) FROM n"
)
"""A statement that runs for minutes unless it is stopped."""

QUICK = 1.0
"""Seconds a read may take beside the others (the busy timeout would be WAIT_SECONDS)."""


def count_customers(database: Database) -> tuple[int, int, float]:
    """Read on a session of this thread; return (the count, the connection's id, seconds)."""
    started = time.perf_counter()
    with database.sessions() as session:
        count = session.scalar(select(func.count()).select_from(Customer)) or 0
        connection_id = id(session.connection().connection.driver_connection)
    return count, connection_id, time.perf_counter() - started


def add_customer(session, account: str) -> None:  # type: ignore[no-untyped-def]
    session.add(Customer(account=account, name=account, currency="EUR", updated_at=NOW))


def test_the_file_is_in_wal_mode(sqlite_db: Database) -> None:
    assert WAIT_SECONDS > QUICK * 2
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_each_thread_reads_on_a_connection_of_its_own(any_db: Database) -> None:
    barrier = threading.Barrier(3)

    def read(_n: int) -> int:
        with any_db.sessions() as session:
            session.scalar(select(func.count()).select_from(Customer))
            barrier.wait(timeout=10)  # all three hold a connection at once
            return id(session.connection().connection.driver_connection)

    with ThreadPoolExecutor(3) as pool:
        connections = list(pool.map(read, range(3)))
    assert len(set(connections)) == 3


def test_a_read_completes_while_another_connection_runs_a_long_statement(
    sqlite_db: Database,
) -> None:
    stop = threading.Event()
    started = threading.Event()
    outcome: list[BaseException] = []

    def long_job() -> None:
        with sqlite_db.sessions() as session:
            session.scalar(select(func.count()).select_from(Customer))  # its read has begun
            try:
                with interruptible(session, stop.is_set):
                    started.set()
                    session.execute(SLOW).scalar()
            except Exception as error:  # handed to the test
                outcome.append(error)

    with ThreadPoolExecutor(2) as pool:
        job = pool.submit(long_job)
        assert started.wait(10)
        time.sleep(0.2)  # the statement is running
        count, _connection, seconds = pool.submit(count_customers, sqlite_db).result(timeout=10)
        assert not job.done()
        stop.set()
        job.result(timeout=10)
    assert seconds < QUICK
    assert count == 0
    assert len(outcome) == 1
    assert isinstance(outcome[0], QueryCancelled)


def test_a_read_completes_while_a_writer_holds_begin_immediate(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        add_customer(session, "C-BEFORE")
    writer = sqlite_db.writes()
    try:
        add_customer(writer, "C-UNCOMMITTED")
        writer.flush()  # BEGIN IMMEDIATE: the writer holds the file's write lock
        other = sqlite3.connect(sqlite_db.url.database, timeout=0.1)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # another writer would have to wait
        finally:
            other.close()
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda _n: count_customers(sqlite_db), range(2)))
        writer.commit()
    finally:
        writer.close()
    for count, _connection, seconds in results:
        assert count == 1  # the last committed state, not the writer's row
        assert seconds < QUICK
    assert count_customers(sqlite_db)[0] == 2


def test_a_cancelled_long_statement_is_a_cancellation_and_leaves_the_session_usable(
    any_db: Database,
) -> None:
    slow = SLOW if any_db.engine.dialect.name == "sqlite" else text("SELECT pg_sleep(60)")
    cancelled = threading.Event()
    timer = threading.Timer(0.3, cancelled.set)
    with any_db.sessions() as session:
        started = time.perf_counter()
        timer.start()
        try:
            with pytest.raises(QueryCancelled), interruptible(session, cancelled.is_set):
                session.execute(slow).scalar()
        finally:
            timer.cancel()
        assert 0.25 < time.perf_counter() - started < 5
        # Nothing is left watching: the session runs on to the end with the flag still set.
        assert session.execute(text("SELECT 1 + 1")).scalar() == 2


def test_an_interrupted_write_writes_nothing(sqlite_db: Database) -> None:
    cancelled = threading.Event()
    with sqlite_db.writes() as session:
        add_customer(session, "C-GONE")
        session.flush()
        cancelled.set()
        with pytest.raises(QueryCancelled), interruptible(session, cancelled.is_set):
            session.execute(SLOW).scalar()
    assert count_customers(sqlite_db)[0] == 0


def test_an_error_that_is_not_a_cancellation_stays_an_error(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        never = interruptible(session, lambda: False)
        with pytest.raises(OperationalError, match="no such table"), never:
            session.execute(text("SELECT * FROM no_such_table"))
        # Interrupted by something else than this task's flag: not a cancellation either.
        driver = session.connection().connection.driver_connection
        threading.Timer(0.2, driver.interrupt).start()
        with (
            pytest.raises(OperationalError, match="interrupted"),
            interruptible(session, lambda: False),
        ):
            session.execute(SLOW).scalar()
