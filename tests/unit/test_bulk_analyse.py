"""``bulk.analyse``: statistics that count the caller's own rows, before its commit."""

from __future__ import annotations

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from collections_desktop.models.db.bulk import analyse
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer
from collections_desktop.models.db.types import new_id
from tests.unit.test_snapshot import NOW


def planned_rows(session: Session, table: str) -> int | None:
    """The row count the planner would use for ``table`` (None: no statistics)."""
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        if not session.execute(
            text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        ).all():
            return None
        stat = session.execute(
            text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t LIMIT 1"), {"t": table}
        ).scalar()
        return None if stat is None else int(stat.split()[0])
    reltuples = session.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": table}
    ).scalar_one()
    return None if reltuples < 0 else int(reltuples)


def add_customers(session: Session, count: int) -> None:
    session.execute(
        insert(Customer),
        [
            {
                "id": new_id(),
                "account": f"A-{n:05}",
                "name": f"Customer {n}",
                "currency": "EUR",
                "updated_at": NOW,
            }
            for n in range(count)
        ],
    )


def test_analyse_counts_the_rows_of_the_callers_transaction(any_db: Database) -> None:
    with any_db.sessions.begin() as session:
        assert planned_rows(session, "customers") in (None, 0)
        add_customers(session, 1500)
        analyse(session, ["customers", Customer.__tablename__, "customer_transactions"])
        assert planned_rows(session, "customers") == 1500
    with any_db.sessions() as session:
        assert planned_rows(session, "customers") == 1500


def test_analyse_of_no_table_does_nothing(any_db: Database) -> None:
    with any_db.sessions.begin() as session:
        analyse(session, [])
        assert planned_rows(session, "customers") in (None, 0)


def test_analyse_on_a_connection(sqlite_db: Database) -> None:
    with sqlite_db.engine.begin() as connection:
        add_customers(Session(bind=connection), 10)
        analyse(connection, [Customer.__table__])
        assert (
            connection.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'customers' AND idx IS NOT NULL"
            )
            .scalars()
            .first()
            .startswith("10 ")
        )
