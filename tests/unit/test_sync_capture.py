"""A replica's triggers: each local action leaves one batch with the right operations."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from collections_desktop.models.actions.status import change_status
from collections_desktop.models.actions.writeoff import write_off
from collections_desktop.models.casework.activities import create_activity, edit_activity
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    CollectionStatus,
    Customer,
    CustomerTransaction,
    Employee,
    SyncOutbox,
)
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.sync import hlc
from collections_desktop.models.sync.capture import applying, read_batches
from collections_desktop.models.sync.operations import (
    Operation,
    decode_payload,
    encode_payload,
    operation_from_json,
    operation_to_json,
)
from tests.sync_replicas import make_replica
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer, invoice, pay

D = Decimal
LATER = NOW + dt.timedelta(hours=1)


@pytest.fixture
def replica(sqlite_db: Database) -> Database:
    with sqlite_db.sessions.begin() as session:
        customer = add_customer(session)
        invoice(session, customer, "1000.00", dt.date(2026, 10, 1))
        invoice(session, customer, "250.00", dt.date(2026, 11, 1))
        add_agent(session, [], view_all=True)
    return make_replica(sqlite_db)


def kinds(batch) -> list[tuple[str, str]]:
    return [(op.table, op.kind) for op in batch.operations]


def one_batch(database: Database):
    with database.sessions() as session:
        batches = read_batches(session)
    assert len(batches) == 1, [kinds(b) for b in batches]
    return batches[0]


def test_a_settlement_is_one_batch_of_inserts(replica: Database) -> None:
    with replica.sessions.begin() as session:
        txn = session.scalars(
            select(CustomerTransaction).where(CustomerTransaction.amount == D("1000.00"))
        ).one()
        pay(session, session.get(Customer, txn.customer_id), txn, dt.date(2026, 10, 31))
    batch = one_batch(replica)
    assert sorted(kinds(batch)) == [
        ("customer_transactions", "insert"),  # the payment
        ("settlement_lines", "insert"),
        ("settlement_lines", "insert"),
        ("settlements", "insert"),
    ]  # closed_on of both transactions changed too, and is derived: no operation
    payment = next(op for op in batch.operations if op.table == "customer_transactions")
    assert payment.values["amount"] == D("-1000.00")
    assert payment.values["id"] == payment.row_id
    assert payment.values["posting_date"] == dt.date(2026, 10, 31)
    assert payment.values["created_at"] == NOW
    lines = [op.values for op in batch.operations if op.table == "settlement_lines"]
    assert sorted(v["amount"] for v in lines) == [D("-1000.00"), D("1000.00")]
    assert {v["transaction_id"] for v in lines} == {txn.id, payment.row_id}
    assert len(batch.hlc) == 50
    assert hlc.parse(batch.hlc)[2] == batch.device_id.hex


def test_a_status_change_updates_the_status_columns(replica: Database) -> None:
    with replica.sessions.begin() as session:
        txn = session.scalars(
            select(CustomerTransaction).where(CustomerTransaction.amount == D("250.00"))
        ).one()
        change_status(
            session,
            company_scope(session),
            [txn.id],
            CollectionStatus.DISPUTED,
            LATER,
            changed_by_id=None,
            note="Damaged",
            today=TODAY,
        )
    batch = one_batch(replica)
    assert sorted(kinds(batch)) == [
        ("collection_status_history", "insert"),
        ("customer_transactions", "update"),
    ]
    update_op = next(op for op in batch.operations if op.kind == "update")
    assert update_op.row_id == txn.id
    assert dict(update_op.values) == {"collection_status": "disputed", "updated_at": LATER}
    with replica.sessions() as session:
        changed = session.scalars(
            select(SyncOutbox.changed).where(SyncOutbox.kind == "update")
        ).one()
    assert changed is not None
    assert sorted(eval(changed)) == ["collection_status", "updated_at"]


def test_an_activity_edit_carries_only_the_changed_fields(replica: Database) -> None:
    with replica.sessions.begin() as session:
        me = session.scalars(select(Employee)).one()
        activity = create_activity(
            session,
            company_scope(session),
            now=NOW,
            responsible_id=me.id,
            type="task",
            purpose="Call about the invoices",
            start_at=NOW,
            end_at=LATER,
        )
    with replica.sessions() as session:
        first = read_batches(session)
    assert [kinds(b) for b in first] == [[("activities", "insert")]]
    assert first[0].operations[0].values["number"] == "ACT-0001000"
    assert first[0].operations[0].values["closed"] is False
    with replica.sessions.begin() as session:
        session.execute(text("DELETE FROM sync_outbox"))
    with replica.sessions.begin() as session:
        edit_activity(
            session,
            company_scope(session),
            activity.id,
            LATER,
            expected_version=1,
            type="task",
            category=None,
            purpose="Call about the invoices again",
            responsible_id=me.id,
            start_at=NOW,
            end_at=LATER,
            memo="Left a message",
            case_id=None,
            employee_id=me.id,
        )
    batch = one_batch(replica)
    assert kinds(batch) == [("activities", "update")]
    assert dict(batch.operations[0].values) == {
        "purpose": "Call about the invoices again",
        "memo": "Left a message",
        "updated_at": LATER,
    }
    assert batch.hlc > first[0].hlc


def test_a_write_off_is_one_batch(replica: Database) -> None:
    with replica.sessions.begin() as session:
        txn = session.scalars(
            select(CustomerTransaction).where(CustomerTransaction.amount == D("250.00"))
        ).one()
        write_off(
            session,
            company_scope(session),
            [txn.id],
            reason_code="UNCOLLECT",
            write_off_date=TODAY,
            now=NOW,
            created_by_id=None,
        )
    batch = one_batch(replica)
    tables = {op.table for op in batch.operations}
    assert {"journals", "journal_lines", "customer_transactions", "settlements"} <= tables
    assert all(op.kind == "insert" for op in batch.operations)
    lines = [op.values["amount"] for op in batch.operations if op.table == "journal_lines"]
    assert sum(lines) == 0
    assert D("250.00") in lines


def test_each_commit_is_its_own_batch_in_order(replica: Database) -> None:
    for name in ("a", "b", "c"):
        with replica.sessions.begin() as session:
            session.execute(
                update(CustomerTransaction)
                .where(CustomerTransaction.amount == D("250.00"))
                .values(collection_status=CollectionStatus.NONE if name == "b" else "disputed")
            )
    with replica.sessions() as session:
        batches = read_batches(session)
    assert [len(b.operations) for b in batches] == [1, 1, 1]
    assert [b.hlc for b in batches] == sorted({b.hlc for b in batches})
    with replica.sessions() as session:
        stored = session.execute(text("SELECT hlc FROM sync_state")).scalar_one()
    assert stored == batches[-1].hlc


def test_the_sync_itself_is_not_recorded(replica: Database) -> None:
    with replica.sessions.begin() as session, applying(session):
        session.execute(update(CustomerTransaction).values(collection_status="disputed"))
        session.execute(text("DELETE FROM collection_status_history"))
        # the posted-fact guards stand aside too: the sync may put back a posted row
        session.execute(
            update(CustomerTransaction)
            .where(CustomerTransaction.amount == D("250.00"))
            .values(description="as the server has it")
        )
    with replica.sessions() as session:
        assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 0


def test_users_still_cannot_change_posted_facts(replica: Database) -> None:
    with (
        pytest.raises(IntegrityError, match="cannot be changed or deleted"),
        replica.sessions.begin() as session,
    ):
        session.execute(update(CustomerTransaction).values(description="changed"))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE currencies SET name = 'Euro!'",
        "DELETE FROM write_off_reasons",
        "INSERT INTO currencies (code, name, decimals) VALUES ('XXX', 'X', 2)",
    ],
)
def test_reference_tables_are_the_servers(replica: Database, statement: str) -> None:
    with (
        pytest.raises(IntegrityError, match="set on the team database"),
        replica.sessions.begin() as session,
    ):
        session.execute(text(statement))
    with replica.sessions() as session:
        assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 0


def test_payloads_round_trip_exactly(replica: Database) -> None:
    with replica.sessions.begin() as session:
        txn = session.scalars(select(CustomerTransaction)).first()
        assert txn is not None
        stored = session.execute(
            text("SELECT payload FROM sync_outbox WHERE row_id = :id"), {"id": txn.id.bytes}
        ).scalar()
    assert stored is None  # made before the replica: nothing recorded
    values = {
        "id": uuid.uuid4(),
        "amount": D("-12.3456"),
        "posting_date": dt.date(2026, 2, 28),
        "created_at": dt.datetime(2026, 1, 2, 3, 4, 5, 6007, tzinfo=dt.UTC),
        "description": "Zoë's 'invoice'",
        "reverses_transaction_id": None,
        "version": 3,
    }
    assert (
        decode_payload("customer_transactions", encode_payload("customer_transactions", values))
        == values
    )
    operation = Operation(uuid.uuid4(), "activities", uuid.uuid4(), "update", {"closed": True})
    assert operation_from_json(operation_to_json(operation)) == operation
    with replica.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == 0


def test_writers_commits_are_stamped_too(replica: Database) -> None:
    """The app's writers use ``Database.writes`` (BEGIN IMMEDIATE): their commits stamp."""
    with replica.writes() as session, session.begin():
        session.execute(update(CustomerTransaction).values(collection_status="disputed"))
    with replica.sessions() as session:
        stamped = session.execute(text("SELECT batch_id, hlc FROM sync_outbox")).all()
    assert len(stamped) == 2
    assert len({row.batch_id for row in stamped}) == 1
    assert all(row.batch_id is not None and row.hlc for row in stamped)
