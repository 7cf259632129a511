"""A replica and the real PostgreSQL: made, edited on both sides, synced, equal again.

Also: a refused batch becomes a conflict and the replica is put back to the server's
rows; a change of pools purges and fetches customers; a failure mid-push or mid-pull
loses nothing; two laptops numbering offline never collide once both pushed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.actions.status import change_status
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CollectionStatus,
    Contact,
    Customer,
    CustomerTransaction,
    SyncConflict,
    SyncOutbox,
    SyncState,
)
from collections_desktop.models.ledger import postings
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.sync import catalogue, pull, push
from collections_desktop.models.sync.apply import SyncError
from collections_desktop.models.sync.capture import pending_count
from collections_desktop.models.sync.check import customer_figures
from collections_desktop.models.sync.conflicts import discard, list_conflicts, reapply
from collections_desktop.models.sync.replica import create_replica, replica_status
from collections_desktop.models.sync.run import sync_replica
from tests.unit.test_snapshot import TODAY, pay

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=2)


def add_customer(session: Session, account: str, country: str) -> Customer:
    customer = Customer(
        account=account,
        name=f"Customer {account}",
        currency="EUR",
        country=country,
        updated_at=NOW,
    )
    session.add(customer)
    session.flush()
    return customer


def post_invoice(session: Session, customer_id: uuid.UUID, amount: str) -> CustomerTransaction:
    return postings.post_invoice(
        session,
        customer_id=customer_id,
        amount=D(amount),
        posting_date=dt.date(2026, 10, 1),
        due_date=dt.date(2026, 10, 31),
        now=NOW,
    )


@pytest.fixture
def server(pg_db: Database) -> Database:
    """A team database: two customers with invoices, the pull cursor installed."""
    with pg_db.engine.begin() as connection:
        pull.install_pull_cursor(connection)
    with pg_db.sessions.begin() as session:
        for account, country in (("C-000001", "ES"), ("C-000002", "FR")):
            customer = add_customer(session, account, country)
            post_invoice(session, customer.id, "1000.00")
            post_invoice(session, customer.id, "250.00")
    return pg_db


def url_of(database: Database, user: str | None = None) -> str:
    url = database.url.set(password=None)
    if user is not None:
        url = url.set(username=user)
    return url.render_as_string(hide_password=False)


@pytest.fixture
def replica(server: Database, tmp_path: Path) -> Iterator[Database]:
    file = create_replica(url_of(server), None, tmp_path / "replica.sqlite", now=NOW)
    database = open_company(file, clock=SystemClock(), create=False)
    yield database
    database.dispose()


def rows(session: Session, tables: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every shared row, table by table, ordered by key."""
    found = {}
    for table in catalogue.shared_tables():
        if tables is None or table.name in tables:
            found[table.name] = [
                dict(row._mapping) for row in session.execute(select(table).order_by(table.c.id))
            ]
    return found


def assert_equal(replica: Database, server: Database | Session) -> None:
    with replica.sessions() as local:
        here = rows(local)
        figures_here = customer_figures(local, None)
    if isinstance(server, Session):
        there, figures_there = rows(server), customer_figures(server, None)
    else:
        with server.sessions() as remote:
            there, figures_there = rows(remote), customer_figures(remote, None)
    for table in here:
        assert here[table] == there[table], table
    assert figures_here == figures_there


def invoice_of(session: Session, account: str, amount: str) -> CustomerTransaction:
    return session.scalars(
        select(CustomerTransaction)
        .join(Customer, Customer.id == CustomerTransaction.customer_id)
        .where(Customer.account == account, CustomerTransaction.amount == D(amount))
    ).one()


def test_a_new_replica_holds_the_server_and_who_it_is(server: Database, replica: Database) -> None:
    assert_equal(replica, server)
    with replica.sessions() as session:
        status = replica_status(session)
        assert status is not None
        assert (status.user_name, status.pending, status.conflicts) == ("postgres", 0, 0)
        assert status.server == url_of(server).replace("+psycopg", "")
        assert "password" not in status.server
        assert session.scalar(select(func.count()).select_from(Customer)) == 2
    path = Path(replica.url.database or "")
    assert not Path(f"{path}.partial").exists()


def test_edits_on_both_sides_meet(server: Database, replica: Database) -> None:
    with replica.sessions.begin() as session:  # offline on the laptop
        a = invoice_of(session, "C-000001", "1000.00")
        pay(session, session.get(Customer, a.customer_id), a, dt.date(2026, 11, 20))
        b = invoice_of(session, "C-000001", "250.00")
        change_status(
            session,
            company_scope(session),
            [b.id],
            CollectionStatus.DISPUTED,
            LATER,
            changed_by_id=None,
            note="Damaged",
            today=TODAY,
        )
    with server.sessions.begin() as session:  # meanwhile on the server
        other = session.scalars(select(Customer).where(Customer.account == "C-000002")).one()
        post_invoice(session, other.id, "75.50")
        other.name = "Renamed on the server"
        other.updated_at = LATER
    with replica.sessions() as session:
        assert pending_count(session) == 6  # payment, settlement, 2 lines, status, history

    report = sync_replica(replica, None, now=LATER)
    assert (report.pushed, report.conflicts, report.purged, report.fetched) == (6, 0, 0, 0)
    assert report.pulled > 0
    assert report.mismatches == 0
    assert_equal(replica, server)
    with server.sessions() as session:
        a = invoice_of(session, "C-000001", "1000.00")
        assert a.closed_on == dt.date(2026, 11, 20)  # the server settled it too
        assert invoice_of(session, "C-000001", "250.00").collection_status == "disputed"
    with replica.sessions() as session:
        assert invoice_of(session, "C-000002", "75.50").document_number is not None
        state = session.get(SyncState, 1)
        assert state is not None
        assert state.last_sync_at == LATER
        assert state.last_error is None

    again = sync_replica(replica, None, now=LATER)
    assert (again.pushed, again.conflicts, again.mismatches) == (0, 0, 0)
    assert_equal(replica, server)


def test_a_refused_batch_is_a_conflict_and_the_replica_takes_the_servers_rows(
    server: Database, replica: Database
) -> None:
    with server.sessions.begin() as session:  # another agent settles invoice A first
        a = invoice_of(session, "C-000001", "1000.00")
        pay(session, session.get(Customer, a.customer_id), a, dt.date(2026, 11, 18))
    with replica.sessions.begin() as session:  # offline, the laptop settles it too
        a = invoice_of(session, "C-000001", "1000.00")
        pay(session, session.get(Customer, a.customer_id), a, dt.date(2026, 11, 20))
        mine = session.scalars(
            select(CustomerTransaction.document_number).where(CustomerTransaction.type == "payment")
        ).one()

    report = sync_replica(replica, None, now=LATER)
    assert (report.pushed, report.conflicts) == (4, 1)
    assert_equal(replica, server)  # the laptop's payment and settlement are gone
    with replica.sessions() as session:
        assert invoice_of(session, "C-000001", "1000.00").closed_on == dt.date(2026, 11, 18)
        [conflict] = list_conflicts(session)
        assert conflict.customer == "C-000001 Customer C-000001"
        assert conflict.table == "customer_transactions"
        assert conflict.document_number == mine
        assert conflict.operations == 4
        assert conflict.reason
        assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 0
        stored = session.scalars(select(SyncConflict)).one()
        assert "settlement_lines" in stored.operations
        assert "customer_transactions" in (stored.server_rows)
    with replica.sessions.begin() as session:
        assert reapply(session, conflict.id, LATER) == 4
    with replica.sessions() as session:
        assert pending_count(session) == 4
        assert list_conflicts(session) == []
        assert list_conflicts(session, include_resolved=True)[0].resolution == "reapplied"
    again = sync_replica(replica, None, now=LATER)  # refused again: the invoice is settled
    assert again.conflicts == 1
    with replica.sessions.begin() as session:
        [second] = list_conflicts(session)
        discard(session, second.id, LATER)
    with replica.sessions() as session:
        assert [c.resolution for c in list_conflicts(session, include_resolved=True)] == [
            "discarded",
            "reapplied",
        ]
        assert pending_count(session) == 0
    assert_equal(replica, server)


@pytest.fixture
def agent(server: Database) -> Iterator[tuple[str, set[uuid.UUID]]]:
    """A login role that sees the customers listed in ``test_visible`` (row-level
    security on every customer table, as the team set-up gives an agent's pools)."""
    role = f"cd_agent_{uuid.uuid4().hex[:10]}"
    with server.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE test_visible (customer_id uuid PRIMARY KEY)")
        connection.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
        connection.exec_driver_sql(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
        connection.exec_driver_sql(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        for table in catalogue.customer_tables():
            visible = (
                f"{catalogue.customer_expression(table.name)} "
                "IN (SELECT customer_id FROM test_visible)"
            )
            connection.exec_driver_sql(f"ALTER TABLE {table.name} ENABLE ROW LEVEL SECURITY")
            connection.exec_driver_sql(
                f'CREATE POLICY agent ON {table.name} TO "{role}" USING ({visible}) '
                f"WITH CHECK ({visible})"
            )
        first = connection.execute(
            text("SELECT id FROM customers WHERE account = 'C-000001'")
        ).scalar_one()
        connection.execute(text("INSERT INTO test_visible VALUES (:id)"), {"id": first})
    try:
        yield role, {first}
    finally:
        with server.engine.begin() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{role}"')
        server.dispose()
        admin = create_engine(make_url(url_of(server)).set(database="postgres"))
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        admin.dispose()


def test_a_change_of_pools_purges_and_fetches(
    server: Database, agent: tuple[str, set[uuid.UUID]], tmp_path: Path
) -> None:
    role, seen = agent
    file = create_replica(url_of(server, role), None, tmp_path / "agent.sqlite", now=NOW)
    replica = open_company(file, clock=SystemClock(), create=False)
    try:
        with replica.sessions() as session:
            assert set(session.scalars(select(Customer.id))) == seen
            assert session.scalar(select(func.count()).select_from(CustomerTransaction)) == 2
        with server.engine.begin() as connection:  # the pools change on the server
            connection.exec_driver_sql("DELETE FROM test_visible")
            connection.exec_driver_sql(
                "INSERT INTO test_visible SELECT id FROM customers WHERE account = 'C-000002'"
            )
        report = sync_replica(replica, None, now=LATER)
        assert (report.purged, report.fetched, report.conflicts) == (1, 1, 0)
        as_agent = create_engine(make_url(url_of(server, role)))
        with Session(as_agent) as session:
            assert_equal(replica, session)
            assert session.scalar(select(func.count()).select_from(Customer)) == 1
        as_agent.dispose()
        with replica.sessions() as session:
            assert session.scalars(select(Customer.account)).all() == ["C-000002"]
    finally:
        replica.dispose()


def test_a_failure_midway_loses_nothing(
    server: Database, replica: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with replica.sessions.begin() as session:
        b = invoice_of(session, "C-000002", "250.00")
        change_status(
            session,
            company_scope(session),
            [b.id],
            CollectionStatus.DISPUTED,
            LATER,
            changed_by_id=None,
            note=None,
            today=TODAY,
        )
    real_push = push.push_batches

    def push_then_drop(*args: Any, **kwargs: Any) -> Any:
        real_push(*args, **kwargs)
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(push, "push_batches", push_then_drop)
    with pytest.raises(SyncError, match="cannot be reached"):
        sync_replica(replica, None, now=LATER)
    monkeypatch.undo()
    with replica.sessions() as session:
        assert pending_count(session) == 2
        state = session.get(SyncState, 1)
        assert state is not None
        assert "cannot be reached" in (state.last_error or "")
    with server.sessions() as session:
        assert invoice_of(session, "C-000002", "250.00").collection_status == "none"

    with server.sessions.begin() as session:
        customer = session.scalars(select(Customer).where(Customer.account == "C-000001")).one()
        post_invoice(session, customer.id, "12.00")
    real_read = pull.read_changes

    def read_then_drop(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for page in real_read(*args, **kwargs):
            if page.rows and page.table == "customer_transactions":
                raise psycopg.OperationalError("terminating connection")
            yield page

    monkeypatch.setattr(pull, "read_changes", read_then_drop)
    with replica.sessions() as session:
        cursor = session.get(SyncState, 1).cursor  # type: ignore[union-attr]
    with pytest.raises(SyncError, match="cannot be reached"):
        sync_replica(replica, None, now=LATER)
    monkeypatch.undo()
    with replica.sessions() as session:
        assert pending_count(session) == 0  # pushed before the pull failed
        assert session.get(SyncState, 1).cursor == cursor  # type: ignore[union-attr]
    sync_replica(replica, None, now=LATER)
    assert_equal(replica, server)


def test_an_unreachable_server_is_said_in_words(replica: Database) -> None:
    with replica.sessions.begin() as session:
        session.get(SyncState, 1).server = "postgresql://postgres@127.0.0.1:1/team"  # type: ignore[union-attr]
    with pytest.raises(SyncError) as raised:
        sync_replica(replica, None, now=LATER)
    message = str(raised.value)
    assert "postgresql://postgres@127.0.0.1:1/team cannot be reached" in message
    assert "Nothing was lost" in message


def test_two_laptops_numbering_offline_never_collide(
    server: Database, replica: Database, tmp_path: Path
) -> None:
    file = create_replica(url_of(server), None, tmp_path / "second.sqlite", now=NOW)
    second = open_company(file, clock=SystemClock(), create=False)
    try:
        numbers: list[str] = []
        for laptop in (replica, second, replica, second):
            with laptop.sessions.begin() as session:
                customer = session.scalars(
                    select(Customer).where(Customer.account == "C-000001")
                ).one()
                for _ in range(3):
                    numbers.append(post_invoice(session, customer.id, "10.00").document_number)
        assert len(set(numbers)) == 12
        first_report = sync_replica(replica, None, now=LATER)
        second_report = sync_replica(second, None, now=LATER)
        assert (first_report.conflicts, second_report.conflicts) == (0, 0)
        sync_replica(replica, None, now=LATER)
        with server.sessions() as session:
            on_server = session.scalars(
                select(CustomerTransaction.document_number).where(
                    CustomerTransaction.amount == D("10.00")
                )
            ).all()
        assert sorted(on_server) == sorted(numbers)
        assert_equal(replica, server)
        assert_equal(second, server)
    finally:
        second.dispose()


def test_a_customer_whose_figures_differ_is_fetched_again(
    server: Database, replica: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with server.sessions.begin() as session:
        customer = session.scalars(select(Customer).where(Customer.account == "C-000001")).one()
        session.add(Contact(customer_id=customer.id, name="Ana Ruiz", updated_at=NOW))
    sync_replica(replica, None, now=LATER)
    with server.sessions.begin() as session:  # a hard delete: no pull ever carries it
        session.execute(text("DELETE FROM contacts"))
        customer = session.scalars(select(Customer).where(Customer.account == "C-000002")).one()
        customer.phone = "+34 600 000 000"
        customer.updated_at = LATER
    with replica.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 1
    report = sync_replica(replica, None, now=LATER)
    assert report.mismatches == 1
    assert "differs from the team database" in caplog.text
    assert_equal(replica, server)


def test_an_unknown_user_is_said_in_words(server: Database, tmp_path: Path) -> None:
    file = tmp_path / "nobody.sqlite"
    with pytest.raises(SyncError, match="has no user cd_nobody"):
        create_replica(url_of(server, "cd_nobody"), None, file, now=NOW)
    assert [p.name for p in tmp_path.iterdir()] == ["profile"]  # nothing half-made


def test_a_pulled_invoice_shows_in_the_replicas_snapshot(
    server: Database, replica: Database
) -> None:
    """The laptop's Overview reads its own snapshot: an invoice posted on the server by
    someone else, once pulled, is in it without a new snapshot."""
    from collections_desktop.models.aging.snapshot import take_snapshot
    from collections_desktop.models.db.schema import AgingSnapshot, AgingSnapshotCustomer

    with replica.sessions.begin() as session:
        take_snapshot(session, NOW.date(), company_scope(session), NOW)
    with server.sessions.begin() as session:
        other = session.scalars(select(Customer).where(Customer.account == "C-000002")).one()
        post_invoice(session, other.id, "75.50")
    report = sync_replica(replica, None, now=LATER)
    assert report.pulled > 0
    with replica.sessions() as session:
        other_id = session.scalars(select(Customer.id).where(Customer.account == "C-000002")).one()
        balance = session.scalars(
            select(AgingSnapshotCustomer.balance).where(
                AgingSnapshotCustomer.customer_id == other_id
            )
        ).one()
        assert balance == D("1325.50")  # 1,000.00 + 250.00 + 75.50
        assert session.scalars(select(AgingSnapshot.balance)).one() == D("2575.50")
