"""Human numbers on replicas: blocks lent by the team database never collide."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import NumberSequence, SyncNumberBlock
from collections_desktop.models.ledger import postings
from collections_desktop.models.ledger.numbering import next_number, reserve_numbers
from collections_desktop.models.sync import numbers
from collections_desktop.models.sync.apply import applying_transaction
from tests.sync_replicas import NOW, make_replica
from tests.unit.test_snapshot import add_customer

D = Decimal
NAMES = list(numbers.SEQUENCES)


def lend(server: Database, size: int, names: list[str] = NAMES) -> dict[str, tuple[int, int]]:
    with server.sessions.begin() as session:
        return numbers.lend_blocks(session, names, NOW, size=size)


def second_replica(sqlite_db: Database, tmp_path: Path) -> Database:
    """Another laptop: a copy of the same company before it became a replica."""
    with sqlite_db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "second.sqlite"
    shutil.copy(Path(sqlite_db.url.database or ""), copy)
    return open_company(copy, clock=SystemClock())


def work_offline(replica: Database, count: int) -> set[str]:
    """Invoices, activity and letter numbers taken on a laptop without the server."""
    taken: set[str] = set()
    with replica.sessions.begin() as session:
        customer = add_customer(session)
        for _ in range(count):
            txn = postings.post_invoice(
                session,
                customer_id=customer.id,
                amount=D("100.00"),
                posting_date=dt.date(2026, 11, 2),
                due_date=dt.date(2026, 12, 2),
                now=NOW,
            )
            taken |= {txn.document_number, txn.voucher}
            taken.add(next_number(session, "activity", NOW))
        taken |= set(reserve_numbers(session, "letter", count, NOW))
    return taken


def test_two_offline_laptops_never_take_the_same_number(
    sqlite_db: Database, pg_db: Database, tmp_path: Path
) -> None:
    other = second_replica(sqlite_db, tmp_path)
    first = make_replica(sqlite_db, lend(pg_db, 100))
    second = make_replica(other, lend(pg_db, 100))
    try:
        # both at once, interleaved, offline
        taken_first = work_offline(first, 20)
        taken_second = work_offline(second, 20)
        assert len(taken_first) == len(taken_second) == 80
        assert not taken_first & taken_second
        assert "INV-0000001" in taken_first
        assert "INV-0000101" in taken_second
        assert "CL-0000120" in taken_second
        # the server itself numbers after both blocks
        with pg_db.sessions.begin() as session:
            server_number = next_number(session, "invoice", NOW)
        assert server_number == "INV-0000201"
    finally:
        second.dispose()


def test_a_laptop_stops_at_the_end_of_its_block(sqlite_db: Database, pg_db: Database) -> None:
    replica = make_replica(sqlite_db, lend(pg_db, 3))
    with replica.sessions.begin() as session:
        assert reserve_numbers(session, "activity", 3, NOW) == [
            "ACT-0000001",
            "ACT-0000002",
            "ACT-0000003",
        ]
    with (
        pytest.raises(IntegrityError, match="no numbers left offline; sync to get more"),
        replica.sessions.begin() as session,
    ):
        next_number(session, "activity", NOW)
    with replica.sessions() as session:
        assert numbers.blocks_needed(session) == ["activity"]


def test_a_new_block_when_less_than_half_is_left(sqlite_db: Database, pg_db: Database) -> None:
    replica = make_replica(sqlite_db, lend(pg_db, 10))
    with replica.sessions.begin() as session:
        reserve_numbers(session, "invoice", 5, NOW)  # half used: enough left
        assert "invoice" not in numbers.blocks_needed(session)
        reserve_numbers(session, "invoice", 1, NOW)
        assert numbers.blocks_needed(session) == ["invoice"]
    blocks = lend(pg_db, 10, ["invoice"])
    assert blocks == {"invoice": (11, 21)}
    with applying_transaction(replica) as session:
        numbers.take_blocks(session, blocks, NOW)
    with replica.sessions.begin() as session:
        assert next_number(session, "invoice", NOW) == "INV-0000011"
        assert session.execute(
            select(SyncNumberBlock.first_value, SyncNumberBlock.end_value).where(
                SyncNumberBlock.name == "invoice"
            )
        ).one() == (11, 21)
        assert (
            session.scalar(
                select(NumberSequence.next_value).where(NumberSequence.name == "invoice")
            )
            == 12
        )
