"""The server half of a pull on the real PostgreSQL: pages and cursor, the cursor race
(a transaction that started first and commits last), customers fetched whole, and the
figures a replica compares, equal on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity, Customer
from collections_desktop.models.sync import catalogue
from collections_desktop.models.sync.check import Figures, customer_figures
from collections_desktop.models.sync.pull import (
    ChangePage,
    install_pull_cursor,
    read_changes,
    read_customers,
    visible_customer_ids,
)

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def demo_server(pg_url: str) -> Iterator[Database]:
    """The 30-customer demo company on PostgreSQL, with the pull cursor installed."""
    write_demo_company(pg_url, customers=30, seed=5, today=TODAY)
    database = open_company(pg_url, clock=SystemClock())
    with database.engine.begin() as connection:
        install_pull_cursor(connection)
    yield database
    database.dispose()


def pull(database: Database, since: int, page_rows: int = 5_000) -> list[ChangePage]:
    with database.sessions() as session:
        pages = list(read_changes(session, since, page_rows=page_rows))
        session.rollback()
    return pages


def rows_by_table(pages: list[ChangePage]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for page in pages:
        found.setdefault(page.table, []).extend(dict(row) for row in page.rows)
    return found


def add_customer(session: Session, account: str) -> uuid.UUID:
    customer = Customer(account=account, name=account, currency="EUR", updated_at=NOW)
    session.add(customer)
    session.flush()
    return customer.id


def test_install_is_idempotent_and_marks_every_shared_table(demo_server: Database) -> None:
    with demo_server.engine.begin() as connection:
        install_pull_cursor(connection)  # a second time changes nothing
    with demo_server.engine.connect() as connection:
        tables = set(
            connection.scalars(
                text("SELECT table_name FROM information_schema.columns WHERE column_name = :c"),
                {"c": "sync_xid"},
            )
        )
        triggers = connection.scalar(
            text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%\\_sync\\_xid'")
        )
        indexes = connection.scalar(
            text("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'ix\\_%\\_sync\\_xid'")
        )
    shared = {table.name for table in catalogue.shared_tables()}
    assert tables == shared
    assert triggers == indexes == len(shared)


def test_pages_carry_every_row_as_python_values_and_the_last_the_cursor(
    demo_server: Database,
) -> None:
    pages = pull(demo_server, 0, page_rows=100)
    assert [page.last for page in pages] == [False] * (len(pages) - 1) + [True]
    assert all(page.cursor == 0 for page in pages[:-1])
    assert pages[-1].cursor > 0
    assert all(0 < len(page.rows) <= 100 for page in pages)
    order = [table.name for table in catalogue.shared_tables()]
    seen = [page.table for page in pages]
    assert seen == sorted(seen, key=order.index)  # foreign-key order, parents first
    rows = rows_by_table(pages)
    with demo_server.sessions() as session:
        for table in catalogue.shared_tables():
            expected = session.scalar(select(func.count()).select_from(table))
            assert len(rows.get(table.name, [])) == expected, table.name
    assert len(rows["customer_transactions"]) > 300  # several pages of it
    txn = rows["customer_transactions"][0]
    assert isinstance(txn["id"], uuid.UUID)
    assert isinstance(txn["amount"], Decimal)
    assert isinstance(txn["posting_date"], dt.date)
    assert txn["created_at"].tzinfo is not None
    assert "sync_xid" not in txn

    # A change after the pull comes with the next one, from the cursor on.
    with demo_server.sessions.begin() as session:
        first = session.scalars(select(Customer).order_by(Customer.account)).first()
        assert first is not None
        first.name = "Renamed Ltd"
    cursor = pages[-1].cursor
    later = rows_by_table(pull(demo_server, cursor))
    assert {c["id"]: c["name"] for c in later["customers"]}[first.id] == "Renamed Ltd"
    # Exactly the rows of transactions from the cursor on: all of them again only while
    # a transaction older than the first pull still runs somewhere on the server.
    with demo_server.sessions() as session:
        for table in catalogue.shared_tables():
            since = text("sync_xid >= CAST(CAST(:c AS text) AS xid8)").bindparams(c=cursor)
            expected = set(session.scalars(select(table.c.id).where(since)))
            assert {row["id"] for row in later.get(table.name, [])} == expected, table.name


def test_a_pull_with_nothing_new_is_one_empty_last_page(demo_server: Database) -> None:
    cursor = pull(demo_server, 0)[-1].cursor
    with demo_server.sessions() as session:
        beyond = int(session.scalar(text("SELECT pg_current_xact_id()::text")) or 0) + 1_000
        session.rollback()
    (page,) = pull(demo_server, beyond)
    assert page.rows == ()
    assert page.last
    assert page.cursor >= cursor


def test_a_transaction_that_started_first_and_commits_last_still_arrives(
    demo_server: Database,
) -> None:
    """The cursor race: a long transaction writes first and commits after a later one."""
    cursor = pull(demo_server, 0)[-1].cursor
    long_session = demo_server.sessions()
    try:
        early = add_customer(long_session, "EARLY")  # written first, not yet committed
        early_xid = int(long_session.scalar(text("SELECT pg_current_xact_id()::text")) or 0)
        with demo_server.sessions.begin() as quick:
            late = add_customer(quick, "LATE")  # written later, committed at once
        between = pull(demo_server, cursor)
        got = {c["id"] for c in rows_by_table(between).get("customers", [])}
        assert late in got
        assert early not in got
        # A cursor at the highest id seen (a sequence) would now skip the early row:
        with demo_server.sessions() as session:
            late_xid = int(
                session.scalar(
                    text("SELECT sync_xid::text FROM customers WHERE id = :i"), {"i": late}
                )
                or 0
            )
        assert late_xid > early_xid
        assert between[-1].cursor <= early_xid  # ours stays at or below it
        long_session.commit()
    finally:
        long_session.close()
    after = pull(demo_server, between[-1].cursor)
    got = {c["id"] for c in rows_by_table(after).get("customers", [])}
    assert early in got


def test_read_customers_is_every_shared_row_of_those_customers(demo_server: Database) -> None:
    with demo_server.sessions() as session:
        customers = sorted(visible_customer_ids(session))
        assert len(customers) == 30
        wanted = customers[:3]
        pages = list(read_customers(session, wanted, page_rows=50))
        expected: dict[str, set[uuid.UUID]] = {}
        for table in catalogue.customer_tables():
            owner = catalogue.customer_expression(table.name)
            ids = session.scalars(
                text(f"SELECT id FROM {table.name} WHERE {owner} = ANY(:ids)"), {"ids": wanted}
            )
            expected[table.name] = set(ids)
    assert pages[-1].last
    assert all(not page.last for page in pages[:-1])
    got = {name: {row["id"] for row in rows} for name, rows in rows_by_table(pages).items()}
    for name, ids in expected.items():
        assert got.get(name, set()) == ids, name
    for name in ("customers", "contacts", "customer_transactions", "settlement_lines"):
        assert expected[name], name
    assert {row["id"] for row in rows_by_table(pages)["customers"]} == set(wanted)


def test_customer_figures_are_equal_on_sqlite_and_postgresql(pg_url: str, tmp_path: Path) -> None:
    path = tmp_path / "copy.sqlite"
    write_demo_company(path, customers=30, seed=9, today=TODAY)
    write_demo_company(pg_url, customers=30, seed=9, today=TODAY)
    sqlite = open_company(path, clock=SystemClock())
    postgres = open_company(pg_url, clock=SystemClock())
    try:
        with sqlite.sessions() as lite, postgres.sessions() as pg:
            everyone = customer_figures(lite, None)
            assert everyone == customer_figures(pg, None)
            assert len(everyone) == 30
            some = sorted(everyone)[::3]
            assert customer_figures(lite, some) == customer_figures(pg, some)
            totals = Figures(
                transactions=sum(f.transactions for f in everyone.values()),
                transactions_sum=sum((f.transactions_sum for f in everyone.values()), Decimal(0)),
                settlement_lines=sum(f.settlement_lines for f in everyone.values()),
                activities=sum(f.activities for f in everyone.values()),
                contacts=sum(f.contacts for f in everyone.values()),
            )
            assert totals.transactions == pg.scalar(
                text("SELECT count(*) FROM customer_transactions")
            )
            assert totals.transactions_sum == Decimal(
                pg.scalar(text("SELECT sum(amount_accounting) FROM customer_transactions"))
            ).scaleb(-4)
            assert totals.settlement_lines == pg.scalar(
                text("SELECT count(*) FROM settlement_lines")
            )
            assert totals.contacts == pg.scalar(text("SELECT count(*) FROM contacts"))
            assert totals.activities == pg.scalar(
                select(func.count()).select_from(Activity).where(Activity.customer_id.is_not(None))
            )
            assert totals.transactions > 100
            assert totals.settlement_lines > 0
            # A customer with nothing of a kind has zeros, and an unknown id too.
            unknown = uuid.uuid4()
            assert customer_figures(pg, [unknown]) == {unknown: Figures()}
    finally:
        sqlite.dispose()
        postgres.dispose()
