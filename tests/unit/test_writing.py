"""One writer at a time where it matters (models/db/writing.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError

from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.actions.interest_notes import create_interest_notes
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db import database as database_module
from collections_desktop.models.db import writing
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import CustomerTransaction, InterestNoteLine
from collections_desktop.models.db.writing import (
    LEDGER,
    DuplicatePostingError,
    RunInProgressError,
    lock_customers,
    write_transaction,
)
from collections_desktop.models.people.scope import company_scope, customers_seen
from tests.conftest import TODAY
from tests.unit.test_interest import DAY_60, NOW, add_customer, invoice


@pytest.fixture
def short_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writers give up after a second instead of thirty."""
    monkeypatch.setattr(writing, "WAIT_SECONDS", 1)
    monkeypatch.setattr(database_module, "WAIT_SECONDS", 1)


def test_a_writer_holds_the_sqlite_write_lock_from_its_first_statement(
    sqlite_db: Database,
) -> None:
    path = sqlite_db.url.database
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with write_transaction(sqlite_db) as session:
        session.execute(select(1))  # a read only: the lock is held all the same
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # released at commit
    other.execute("ROLLBACK")
    other.close()


def test_a_reader_does_not_stop_a_writer(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as reader:
        reader.execute(select(1))
        with write_transaction(sqlite_db) as session:
            session.execute(text("UPDATE number_sequences SET version = version + 1"))


def test_a_writer_kept_waiting_says_another_run_is_in_progress(short_wait: None, tmp_path) -> None:
    database = open_company(tmp_path / "busy.sqlite", clock=SystemClock())
    holder = sqlite3.connect(database.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            pytest.raises(RunInProgressError, match=r"Another run \(interest\) or another user"),
            write_transaction(database, run=LEDGER, what="interest"),
        ):
            pytest.fail("the block must not run without the lock")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        database.dispose()


@pytest.mark.postgres
def test_a_postgres_batch_waits_for_another_batch_then_says_so(
    short_wait: None, pg_db: Database
) -> None:
    with write_transaction(pg_db, run=LEDGER, what="letters"):
        with (
            pytest.raises(RunInProgressError, match=r"Another run \(interest\)"),
            write_transaction(pg_db, run=LEDGER, what="interest"),
        ):
            pytest.fail("the block must not run without the lock")
        # A run of another kind (a snapshot) is not held up by it.
        with write_transaction(pg_db, run="snapshot") as session:
            session.execute(select(1))


@pytest.mark.postgres
def test_two_collectors_never_act_on_one_customer_at_once(
    short_wait: None, pg_db: Database
) -> None:
    with pg_db.sessions.begin() as session:
        first, second = add_customer(session), add_customer(session)
        ids = (first.id, second.id)
    with write_transaction(pg_db) as session:
        assert customers_seen(session, company_scope(session), [ids[0]], TODAY) == {ids[0]}
        # Another collector, on the same customer: waits, then is told.
        with (
            pytest.raises(RunInProgressError, match="another user"),
            write_transaction(pg_db) as other,
        ):
            lock_customers(other, [ids[0]])
        # On another customer: goes ahead beside the first.
        with write_transaction(pg_db) as other:
            assert customers_seen(other, company_scope(other), [ids[1]], TODAY) == {ids[1]}
        # A batch that posts waits for the actions in progress.
        with (
            pytest.raises(RunInProgressError),
            write_transaction(pg_db, run=LEDGER, what="letters"),
        ):
            pytest.fail("the batch must wait for the action")


def test_the_database_refuses_a_document_twice(any_db: Database) -> None:
    with any_db.sessions.begin() as session:
        customer = add_customer(session)
        invoice(session, customer, "100.00", document_number="INV-77")
    with (
        pytest.raises(DuplicatePostingError, match="already posted"),
        write_transaction(any_db) as session,
    ):
        invoice(session, customer, "100.00", document_number="INV-77")
    with any_db.sessions() as session:
        count = session.scalar(
            select(func.count()).where(CustomerTransaction.document_number == "INV-77")
        )
    assert count == 1


def test_the_database_refuses_an_interest_period_twice(any_db: Database) -> None:
    """A second line for an invoice's period is refused even if a run wrote it by hand."""
    with any_db.sessions.begin() as session:
        customer = add_customer(session, interest_code="STD")
        invoice(session, customer, "1000.00")
        create_interest_notes(session, company_scope(session), DAY_60, NOW, created_by_id=None)
    with any_db.sessions() as session:
        line = session.scalars(select(InterestNoteLine)).one()
        copy = {c.key: getattr(line, c.key) for c in InterestNoteLine.__table__.columns}
    with (
        pytest.raises(DuplicatePostingError),
        write_transaction(any_db) as session,
    ):
        session.execute(insert(InterestNoteLine).values({**copy, "id": uuid.uuid4()}))
    with any_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InterestNoteLine)) == 1
        # And the run itself, again on the same day, charges nothing more.
        again = create_interest_notes(
            session, company_scope(session), DAY_60, NOW, created_by_id=None
        )
        assert again == []


@pytest.mark.postgres
def test_postgres_refuses_to_truncate_a_posted_table(pg_db: Database) -> None:
    with pg_db.sessions.begin() as session:
        invoice(session, add_customer(session), "10.00")
    for table in ("interest_note_lines", "customer_transactions", "settlement_lines"):
        with pg_db.engine.connect() as connection, pytest.raises(DBAPIError, match="posted"):
            connection.execute(text(f"TRUNCATE {table} CASCADE"))
    with pg_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CustomerTransaction)) == 1


@pytest.mark.postgres
def test_a_dialogs_read_takes_no_customer_lock(pg_db: Database) -> None:
    """Record payment's dialog reads the customer while a collector's action on it is
    being written: the read goes ahead (a lock taken by the read would wait, then fail)."""
    from sqlalchemy import text

    from collections_desktop.models.receipts.record import open_debits, paying_customer

    with pg_db.sessions.begin() as session:
        customer_id = add_customer(session).id
    with write_transaction(pg_db) as writer:
        assert customers_seen(writer, company_scope(writer), [customer_id], TODAY)
        with pg_db.sessions() as reader:
            reader.execute(text("SET lock_timeout = '1s'"))
            scope = company_scope(reader)
            assert paying_customer(reader, scope, TODAY, customer_id=customer_id).id == customer_id
            assert open_debits(reader, scope, customer_id, TODAY) == []
