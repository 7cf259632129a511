"""The server half of a push on the real PostgreSQL: union inserts, at most once, last
writer wins per field, conflicts with the server's rows, and two laptops at once."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.orm import Session

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    Settlement,
    SettlementLine,
    SyncFieldClock,
    SyncOperation,
)
from collections_desktop.models.db.types import new_id
from collections_desktop.models.ledger import postings
from collections_desktop.models.sync.hlc import format_time
from collections_desktop.models.sync.operations import Batch, Operation
from collections_desktop.models.sync.pull import install_pull_cursor, visible_customer_ids
from collections_desktop.models.sync.push import push_batches

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
LAPTOP_A = uuid.UUID(int=0xA)
LAPTOP_B = uuid.UUID(int=0xB)


@pytest.fixture
def server(pg_db: Database) -> Database:
    """A company on PostgreSQL with the pull cursor and the field-clock triggers."""
    with pg_db.engine.begin() as connection:
        install_pull_cursor(connection)
    return pg_db


@pytest.fixture
def ledger(server: Database) -> dict[str, Any]:
    """Ruiz: invoice 100.00 (1 Nov) and two payments of 100.00 and 60.00 (10 Nov)."""
    with server.sessions.begin() as session:
        customer = Customer(account="C-000001", name="Ruiz", currency="EUR", updated_at=NOW)
        session.add(customer)
        session.flush()
        args = {"customer_id": customer.id, "now": NOW}
        invoice = postings.post_invoice(
            session, amount=D("100.00"), posting_date=dt.date(2026, 11, 1), **args
        )
        pay = postings.post_payment(
            session, amount=D("100.00"), posting_date=dt.date(2026, 11, 10), **args
        )
        small = postings.post_payment(
            session, amount=D("60.00"), posting_date=dt.date(2026, 11, 10), **args
        )
        return {
            "customer": customer.id,
            "invoice": invoice.id,
            "invoice_number": invoice.document_number,
            "pay": pay.id,
            "small": small.id,
        }


def hlc(millis: int, device: uuid.UUID) -> str:
    return format_time(millis, 0, device)


def settle_batch(
    ledger: dict[str, Any],
    payment: str,
    amount: Decimal,
    *,
    number: str,
    device: uuid.UUID = LAPTOP_A,
    at: int = 1_000,
    day: dt.date = dt.date(2026, 11, 20),
) -> Batch:
    """The batch a laptop pushes when it settles ``amount`` of the invoice by a payment."""
    settlement_id = new_id()
    settlement = {
        "id": settlement_id,
        "number": number,
        "customer_id": ledger["customer"],
        "settlement_date": day,
        "reverses_settlement_id": None,
        "note": None,
        "created_at": NOW,
        "created_by_id": None,
    }
    ops = [Operation(new_id(), "settlements", settlement_id, "insert", settlement)]
    for transaction_id, signed in ((ledger["invoice"], amount), (ledger[payment], -amount)):
        line_id = new_id()
        line = {
            "id": line_id,
            "settlement_id": settlement_id,
            "transaction_id": transaction_id,
            "settlement_date": day,
            "amount": signed,
            "amount_accounting": signed,
        }
        ops.append(Operation(new_id(), "settlement_lines", line_id, "insert", line))
    return Batch(new_id(), device, hlc(at, device), tuple(ops))


def status_batch(transaction_id: uuid.UUID, status: str, at: int, device: uuid.UUID) -> Batch:
    op = Operation(
        new_id(), "customer_transactions", transaction_id, "update", {"collection_status": status}
    )
    return Batch(new_id(), device, hlc(at, device), (op,))


def push(database: Database, batches: list[Batch]) -> list[Any]:
    with database.sessions.begin() as session:
        return push_batches(session, batches, now=NOW)


def count(session: Session, table: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def closed_on(session: Session, transaction_id: uuid.UUID) -> dt.date | None:
    return session.scalar(
        select(CustomerTransaction.closed_on).where(CustomerTransaction.id == transaction_id)
    )


# --- union and at most once -----------------------------------------------------------------


def test_inserts_are_a_union_and_closed_on_is_recomputed(
    server: Database, ledger: dict[str, Any]
) -> None:
    batch = settle_batch(ledger, "pay", D("100.00"), number="S-A-0001")
    [outcome] = push(server, [batch])
    assert outcome.applied
    assert outcome.reason is None
    assert outcome.server_rows == {}
    with server.sessions() as session:
        assert count(session, Settlement) == 1
        assert count(session, SettlementLine) == 2
        assert closed_on(session, ledger["invoice"]) == dt.date(2026, 11, 20)
        assert closed_on(session, ledger["pay"]) == dt.date(2026, 11, 20)
    # The same rows again as new operations (a conflict re-applied): nothing added.
    again = Batch(
        new_id(),
        LAPTOP_B,
        hlc(2_000, LAPTOP_B),
        tuple(Operation(new_id(), o.table, o.row_id, o.kind, o.values) for o in batch.operations),
    )
    # The same operations under a new batch id (an outbox batched again): nothing at all.
    regrouped = Batch(new_id(), LAPTOP_A, hlc(3_000, LAPTOP_A), batch.operations)
    outcomes = push(server, [again, regrouped])
    assert [o.applied for o in outcomes] == [True, True]
    # The rows were there already: the server's stand and go back to the laptop.
    assert {name: len(rows) for name, rows in outcomes[0].server_rows.items()} == {
        "settlements": 1,
        "settlement_lines": 2,
    }
    assert outcomes[0].server_rows["settlements"][0]["number"] == "S-A-0001"
    with server.sessions() as session:
        assert count(session, Settlement) == 1
        assert count(session, SettlementLine) == 2
        assert count(session, SyncOperation) == 6
        assert closed_on(session, ledger["invoice"]) == dt.date(2026, 11, 20)


def test_a_repeated_push_adds_nothing_and_answers_the_same(
    server: Database, ledger: dict[str, Any]
) -> None:
    settled = settle_batch(ledger, "pay", D("100.00"), number="S-A-0001")
    refused = settle_batch(ledger, "small", D("60.00"), number="S-A-0002")
    first = push(server, [settled, refused])
    assert [o.applied for o in first] == [True, False]
    with server.sessions() as session:
        before = (
            count(session, Settlement),
            count(session, SettlementLine),
            count(session, SyncOperation),
        )
        xids = session.execute(text("SELECT id, sync_xid::text FROM settlements")).all()
    # The acknowledgement was lost: the laptop pushes both batches again, twice.
    second = push(server, [settled, refused])
    third = push(server, [settled, refused, settled])
    assert [(o.applied, o.reason) for o in second] == [(o.applied, o.reason) for o in first]
    assert [o.applied for o in third] == [True, False, True]
    assert third[1].reason == first[1].reason
    with server.sessions() as session:
        after = (
            count(session, Settlement),
            count(session, SettlementLine),
            count(session, SyncOperation),
        )
        assert after == before == (1, 2, 6)
        assert session.execute(text("SELECT id, sync_xid::text FROM settlements")).all() == xids
        roles = set(session.scalars(select(SyncOperation.role_name)))
        assert roles == {"postgres"}


# --- last writer wins per field ----------------------------------------------------------------


@pytest.mark.parametrize("order", ["older first", "newer first"])
def test_last_writer_wins_per_field_in_either_order(
    server: Database, ledger: dict[str, Any], order: str
) -> None:
    older = status_batch(ledger["invoice"], "disputed", 1_000, LAPTOP_A)
    newer = status_batch(ledger["invoice"], "legal", 2_000, LAPTOP_B)
    batches = [older, newer] if order == "older first" else [newer, older]
    for batch in batches:  # two syncs, one after the other
        [outcome] = push(server, [batch])
        assert outcome.applied
    with server.sessions() as session:
        row = session.get(CustomerTransaction, ledger["invoice"])
        assert row is not None
        assert row.collection_status == "legal"
        assert session.scalar(select(SyncFieldClock.hlc)) == newer.hlc
        detail = session.scalar(
            select(SyncOperation.detail).where(SyncOperation.batch_id == older.batch_id)
        )
    if order == "newer first":  # the older edit lost: kept in history, the row sent back
        assert json.loads(detail) == {"lost": {"collection_status": "disputed"}}
        [again] = push(server, [older])
        (server_row,) = again.server_rows["customer_transactions"]
        assert server_row["collection_status"] == "legal"
        assert server_row["id"] == ledger["invoice"]
    else:
        assert detail is None


def test_fields_merge_separately(server: Database, ledger: dict[str, Any]) -> None:
    promise = Operation(
        new_id(),
        "customer_transactions",
        ledger["invoice"],
        "update",
        {"promise_date": dt.date(2026, 12, 1), "promise_amount": D("40.00")},
    )
    a = Batch(new_id(), LAPTOP_A, hlc(3_000, LAPTOP_A), (promise,))
    b = status_batch(ledger["invoice"], "promised", 1_000, LAPTOP_B)  # older, other field
    assert [o.applied for o in push(server, [a, b])] == [True, True]
    with server.sessions() as session:
        row = session.get(CustomerTransaction, ledger["invoice"])
        assert row is not None
        assert (row.collection_status, row.promise_date, row.promise_amount) == (
            "promised",
            dt.date(2026, 12, 1),
            D("40.00"),
        )
        assert row.version == 3


def test_an_online_edit_stamps_its_fields_so_an_older_offline_edit_loses(
    server: Database, ledger: dict[str, Any]
) -> None:
    offline_at = int(time.time() * 1000) - 60_000  # a laptop's edit a minute ago
    with server.sessions.begin() as session:  # a colleague working online, now
        session.execute(
            update(CustomerTransaction)
            .where(CustomerTransaction.id == ledger["invoice"])
            .values(collection_status="legal", version=CustomerTransaction.version + 1)
        )
    with server.sessions() as session:
        stamps = {
            name: stamp
            for name, stamp in session.execute(
                select(SyncFieldClock.column_name, SyncFieldClock.hlc)
            )
        }
    assert set(stamps) == {"collection_status"}  # version is not merged
    assert stamps["collection_status"].endswith("0" * 32)
    [outcome] = push(server, [status_batch(ledger["invoice"], "disputed", offline_at, LAPTOP_A)])
    assert outcome.applied
    assert outcome.server_rows["customer_transactions"][0]["collection_status"] == "legal"
    # A laptop clock far ahead wins over it, and the next online edit still comes later.
    [outcome] = push(server, [status_batch(ledger["invoice"], "disputed", 9 * 10**12, LAPTOP_A)])
    with server.sessions.begin() as session:
        assert session.get(CustomerTransaction, ledger["invoice"]).collection_status == "disputed"
        session.execute(
            update(CustomerTransaction)
            .where(CustomerTransaction.id == ledger["invoice"])
            .values(collection_status="resolved")
        )
    with server.sessions() as session:
        stamp = session.scalar(select(SyncFieldClock.hlc))
    assert stamp == format_time(9 * 10**12, 1, "0" * 32)


# --- conflicts -------------------------------------------------------------------------------


def test_over_settling_is_a_conflict_naming_the_invoice_with_the_server_rows(
    server: Database, ledger: dict[str, Any]
) -> None:
    first = settle_batch(ledger, "pay", D("100.00"), number="S-A-0001")
    late = settle_batch(ledger, "small", D("60.00"), number="S-B-0001", device=LAPTOP_B)
    # The same local action also marked the invoice resolved on laptop B.
    resolved = Operation(
        new_id(),
        "customer_transactions",
        ledger["invoice"],
        "update",
        {"collection_status": "resolved"},
    )
    late = Batch(late.batch_id, late.device_id, late.hlc, (*late.operations, resolved))
    outcomes = push(server, [first, late])
    assert outcomes[0].applied
    assert not outcomes[1].applied
    reason = outcomes[1].reason
    assert reason is not None
    assert f"Invoice {ledger['invoice_number']}" in reason
    assert "already settled" in reason
    assert "100.00" in reason
    rows = outcomes[1].server_rows
    assert rows["settlements"] == ()
    assert rows["settlement_lines"] == ()
    (invoice,) = rows["customer_transactions"]
    assert invoice["collection_status"] == "none"
    assert invoice["closed_on"] == dt.date(2026, 11, 20)
    assert invoice["amount"] == D("100.00")
    assert isinstance(invoice["id"], uuid.UUID)
    with server.sessions() as session:
        assert count(session, Settlement) == 1
        assert count(session, SettlementLine) == 2
        recorded = session.execute(
            select(SyncOperation.outcome, SyncOperation.detail).where(
                SyncOperation.batch_id == late.batch_id
            )
        ).all()
        assert len(recorded) == 4
        assert {(o, json.loads(d)["reason"]) for o, d in recorded} == {("conflict", reason)}
        assert session.scalar(select(SyncFieldClock.hlc)) is None  # the update went too


def reversal_batch(settled: Batch, day: dt.date, number: str) -> Batch:
    """The batch that reverses a settlement on ``day``: its lines negated."""
    original = settled.operations[0]
    reversal_id = new_id()
    values = {**original.values, "id": reversal_id, "number": number, "settlement_date": day}
    values["reverses_settlement_id"] = original.row_id
    ops = [Operation(new_id(), "settlements", reversal_id, "insert", values)]
    for line in settled.operations[1:]:
        line_id = new_id()
        negated = {
            **line.values,
            "id": line_id,
            "settlement_id": reversal_id,
            "settlement_date": day,
            "amount": -line.values["amount"],
            "amount_accounting": -line.values["amount_accounting"],
        }
        ops.append(Operation(new_id(), "settlement_lines", line_id, "insert", negated))
    return Batch(new_id(), settled.device_id, hlc(5_000, settled.device_id), tuple(ops))


def test_a_back_dated_settlement_cannot_take_what_a_later_one_used(
    server: Database, ledger: dict[str, Any]
) -> None:
    """Invoice 100.00 settled on 20 Nov and the settlement reversed on 25 Nov: open again
    today, but not on 15-24 Nov, so 60.00 settled on 15 Nov would over-settle it then."""
    settled = settle_batch(ledger, "pay", D("100.00"), number="S-A-0001")
    reversed_ = reversal_batch(settled, dt.date(2026, 11, 25), "S-A-0002")
    back_dated = settle_batch(
        ledger, "small", D("60.00"), number="S-B-0001", device=LAPTOP_B, day=dt.date(2026, 11, 15)
    )
    today = settle_batch(
        ledger, "small", D("60.00"), number="S-B-0002", device=LAPTOP_B, day=dt.date(2026, 11, 26)
    )
    outcomes = push(server, [settled, reversed_, back_dated, today])
    assert [o.applied for o in outcomes] == [True, True, False, True]
    assert outcomes[2].reason == (
        f"Invoice {ledger['invoice_number']} was already settled by someone else: with this "
        "change, its settlements on the server would come to 160.00 of its 100.00 on "
        "2026-11-20."
    )
    with server.sessions() as session:
        assert closed_on(session, ledger["invoice"]) is None  # 40.00 open


def test_a_settlement_against_the_sign_is_refused(server: Database, ledger: dict[str, Any]) -> None:
    backwards = settle_batch(ledger, "pay", D("-10.00"), number="S-A-0001")
    [outcome] = push(server, [backwards])
    assert not outcome.applied
    assert "already settled" in (outcome.reason or "")


def test_a_number_already_taken_is_a_conflict_naming_it(
    server: Database, ledger: dict[str, Any]
) -> None:
    mine = settle_batch(ledger, "small", D("30.00"), number="S-0007")
    theirs = settle_batch(ledger, "small", D("30.00"), number="S-0007", device=LAPTOP_B)
    outcomes = push(server, [mine, theirs])
    assert [o.applied for o in outcomes] == [True, False]
    assert outcomes[1].reason == ("The number S-0007 is already taken on the server (settlements).")
    with server.sessions() as session:
        assert count(session, Settlement) == 1
        assert closed_on(session, ledger["invoice"]) is None


def test_a_missing_parent_or_row_is_a_conflict(server: Database, ledger: dict[str, Any]) -> None:
    orphan = settle_batch({**ledger, "invoice": new_id()}, "pay", D("5.00"), number="S-9")
    gone = status_batch(new_id(), "legal", 1_000, LAPTOP_A)
    outcomes = push(server, [orphan, gone])
    assert [o.applied for o in outcomes] == [False, False]
    assert all("not in your pools" in (o.reason or "") for o in outcomes)
    assert "customer_transactions" in (outcomes[1].reason or "")


def test_a_posted_fact_is_never_deleted_and_reference_data_is_the_servers(
    server: Database, ledger: dict[str, Any]
) -> None:
    delete = Operation(new_id(), "customer_transactions", ledger["invoice"], "delete", {})
    currency = Operation(new_id(), "currencies", new_id(), "update", {"name": "X"})
    outcomes = push(
        server,
        [
            Batch(new_id(), LAPTOP_A, hlc(1, LAPTOP_A), (delete,)),
            Batch(new_id(), LAPTOP_A, hlc(2, LAPTOP_A), (currency,)),
        ],
    )
    assert [o.applied for o in outcomes] == [False, False]
    assert "never deleted" in (outcomes[0].reason or "")
    assert "kept on the server only" in (outcomes[1].reason or "")
    assert outcomes[0].server_rows["customer_transactions"][0]["id"] == ledger["invoice"]


# --- two laptops at once ---------------------------------------------------------------------


def test_two_laptops_settling_one_invoice_at_once_one_wins(
    server: Database, ledger: dict[str, Any]
) -> None:
    batches = {
        "A": settle_batch(ledger, "pay", D("100.00"), number="S-A-0001"),
        "B": settle_batch(ledger, "small", D("60.00"), number="S-B-0001", device=LAPTOP_B),
    }
    start = threading.Barrier(2)
    outcomes: dict[str, Any] = {}
    errors: list[BaseException] = []

    def laptop(name: str) -> None:
        try:
            with server.sessions.begin() as session:
                start.wait(timeout=10)
                [outcomes[name]] = push_batches(session, [batches[name]], now=NOW)
                time.sleep(0.3)  # hold the transaction open: the other one must wait
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=laptop, args=(name,)) for name in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sorted(o.applied for o in outcomes.values()) == [False, True]
    loser = next(o for o in outcomes.values() if not o.applied)
    assert "already settled" in (loser.reason or "")
    with server.sessions() as session:
        assert count(session, Settlement) == 1
        assert count(session, SettlementLine) == 2
        settled = session.scalar(
            select(func.sum(SettlementLine.amount)).where(
                SettlementLine.transaction_id == ledger["invoice"]
            )
        )
        assert D("0") < settled <= D("100.00")
        assert {o for (o,) in session.execute(select(SyncOperation.outcome))} == {
            "applied",
            "conflict",
        }


# --- a group of batches, and an agent's own login ------------------------------------------


def test_one_conflict_among_many_batches_leaves_the_others_applied(
    server: Database, ledger: dict[str, Any]
) -> None:
    batches = [
        status_batch(ledger["invoice"], "disputed", 1_000, LAPTOP_A),
        settle_batch(ledger, "pay", D("100.00"), number="S-A-0001", at=1_001),
        status_batch(ledger["pay"], "legal", 1_002, LAPTOP_A),
        settle_batch(ledger, "small", D("60.00"), number="S-A-0002", at=1_003),  # too much
        status_batch(ledger["small"], "legal", 1_004, LAPTOP_A),
        status_batch(ledger["invoice"], "resolved", 1_005, LAPTOP_A),
    ]
    outcomes = push(server, batches)
    assert [o.applied for o in outcomes] == [True, True, True, False, True, True]
    with server.sessions() as session:
        statuses = {
            row_id: status
            for row_id, status in session.execute(
                select(CustomerTransaction.id, CustomerTransaction.collection_status)
            )
        }
        assert statuses == {
            ledger["invoice"]: "resolved",
            ledger["pay"]: "legal",
            ledger["small"]: "legal",
        }
        assert count(session, Settlement) == 1
        assert count(session, SyncOperation) == 10


def test_last_writer_wins_within_one_push_too(server: Database, ledger: dict[str, Any]) -> None:
    newer = status_batch(ledger["invoice"], "legal", 2_000, LAPTOP_B)
    older = status_batch(ledger["invoice"], "disputed", 1_000, LAPTOP_A)
    assert [o.applied for o in push(server, [newer, older])] == [True, True]
    with server.sessions() as session:
        row = session.get(CustomerTransaction, ledger["invoice"])
        assert row is not None
        assert row.collection_status == "legal"
        assert row.version == 2  # the losing write changed nothing


@pytest.fixture
def agent_url(server: Database, ledger: dict[str, Any]) -> Iterator[str]:
    """A login role that sees only Ruiz (row-level security as the team database has it,
    reduced to the tables this test writes)."""
    role = f"agent_{uuid.uuid4().hex[:10]}"
    with server.engine.begin() as connection:
        other, other_invoice = add_other_customer(connection)
    with server.engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        connection.exec_driver_sql(
            f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        # As team init grants it: a settlement takes the settled invoices' predictions away.
        connection.exec_driver_sql(f"GRANT DELETE ON invoice_predictions TO {role}")
        mine = f"'{ledger['customer']}'"
        for table, owner in (
            ("customers", "id"),
            ("customer_transactions", "customer_id"),
            ("settlements", "customer_id"),
        ):
            connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            connection.exec_driver_sql(
                f"CREATE POLICY pools ON {table} USING ({owner} = {mine}) "
                f"WITH CHECK ({owner} = {mine})"
            )
    ledger["other"], ledger["other_invoice"] = other, other_invoice
    try:
        yield server.engine.url.set(username=role).render_as_string(hide_password=False)
    finally:
        with server.engine.begin() as connection:
            connection.exec_driver_sql(f"DROP OWNED BY {role}")
            connection.exec_driver_sql(f"DROP ROLE {role}")


def add_other_customer(connection: Any) -> tuple[uuid.UUID, uuid.UUID]:
    """Another pool's customer with an invoice: (customer, invoice)."""
    with Session(connection) as session:
        customer = Customer(account="C-000002", name="Other", currency="EUR", updated_at=NOW)
        session.add(customer)
        session.flush()
        invoice = postings.post_invoice(
            session,
            customer_id=customer.id,
            amount=D("50.00"),
            posting_date=dt.date(2026, 11, 2),
            now=NOW,
        )
        return customer.id, invoice.id


def test_an_agent_cannot_write_for_another_pools_customer(
    agent_url: str, ledger: dict[str, Any]
) -> None:
    foreign = settle_batch({**ledger, "customer": ledger["other"]}, "pay", D("1.00"), number="S-X")
    hidden = status_batch(ledger["other_invoice"], "legal", 1_000, LAPTOP_A)
    engine = create_engine(agent_url)
    try:
        with Session(engine) as session, session.begin():
            assert visible_customer_ids(session) == {ledger["customer"]}
        with Session(engine) as session, session.begin():
            outcomes = push_batches(
                session,
                [foreign, hidden, settle_batch(ledger, "pay", D("100.00"), number="S-A-1")],
                now=NOW,
            )
            role = session.scalar(text("SELECT current_user"))
            recorded_role = set(session.scalars(select(SyncOperation.role_name)))
    finally:
        engine.dispose()
    assert [o.applied for o in outcomes] == [False, False, True]
    assert "not in your pools" in (outcomes[0].reason or "")
    assert "(settlements)" in (outcomes[0].reason or "")
    assert "(customer_transactions)" in (outcomes[1].reason or "")
    assert outcomes[1].server_rows == {"customer_transactions": ()}  # it cannot see it
    assert recorded_role == {role}
