"""The newest snapshots kept fresh after every commit (``models/aging/fresh.py``).

The property: whatever postings, settlements, reversals and status changes are committed,
one customer or several at a time, every newest snapshot holds exactly what a new
snapshot of its scope, pool and day would hold (columns, header facts, risk, count and
balance), and an older snapshot is left as it was.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from collections_desktop.models.actions.status import apply_change
from collections_desktop.models.aging.fresh import REFRESHED, newest_snapshots
from collections_desktop.models.aging.snapshot import age_customers, take_snapshot
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    AgingSnapshot,
    AgingSnapshotCustomer,
    AgingSnapshotLine,
    CollectionStatus,
    Customer,
    CustomerTransaction,
    Settlement,
)
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.ledger.books import LedgerError
from collections_desktop.models.people.scope import company_scope, load_scope
from tests.hypothesis_profiles import examples
from tests.unit.test_scope import add_agent, add_pool

D = Decimal
TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
_accounts = itertools.count(1)

CUSTOMERS = 5  # the first three in Spain (the agent's pool), the others in France

amounts = st.integers(min_value=1, max_value=200_000).map(lambda cents: D(cents) / 100)
customer_index = st.integers(0, CUSTOMERS - 1)
invoice_op = st.tuples(st.just("invoice"), customer_index, amounts, st.integers(-200, 60))
payment_op = st.tuples(st.just("payment"), customer_index, amounts, st.booleans())
status_op = st.tuples(
    st.just("status"),
    customer_index,
    st.integers(0, 20),
    st.sampled_from([CollectionStatus.DISPUTED, CollectionStatus.PROMISED, CollectionStatus.NONE]),
)
reverse_op = st.tuples(st.just("reverse"), customer_index, st.integers(0, 20))
operation = st.one_of(invoice_op, payment_op, status_op, reverse_op)
# Each commit holds one to three operations: an action, or a batch over customers.
commits = st.lists(st.lists(operation, min_size=1, max_size=3), min_size=1, max_size=6)


def _customer(session, country: str) -> Customer:
    customer = Customer(
        account=f"F-{next(_accounts):06d}",
        name="Fresh SA",
        currency="EUR",
        country=country,
        credit_limit=D("5000.00"),
        updated_at=NOW,
    )
    session.add(customer)
    session.flush()
    return customer


def _set_up(database: Database) -> tuple[list[uuid.UUID], str, uuid.UUID]:
    """Customers with a little history, a company snapshot of yesterday and of today, and
    the agent's snapshot of their pool today."""
    with database.sessions() as session:
        customers = [_customer(session, "ES" if i < 3 else "FR") for i in range(CUSTOMERS)]
        for i, customer in enumerate(customers):
            postings.post_invoice(
                session,
                customer_id=customer.id,
                amount=D(100 * (i + 1)),
                posting_date=TODAY - dt.timedelta(days=70),
                due_date=TODAY - dt.timedelta(days=40 - i),
                now=NOW,
            )
        spain = add_pool(session, ["ES"])
        agent = add_agent(session, [spain], default=spain)
        take_snapshot(session, TODAY - dt.timedelta(days=1), company_scope(session), NOW)
        take_snapshot(session, TODAY, company_scope(session), NOW)
        take_snapshot(session, TODAY, load_scope(session, agent), NOW, pool_id=spain.id)
        session.commit()
        return [c.id for c in customers], agent, spain.id


def _apply(session, customer_id: uuid.UUID, op: tuple[Any, ...]) -> None:
    kind = op[0]
    open_items = session.scalars(
        select(CustomerTransaction)
        .where(
            CustomerTransaction.customer_id == customer_id,
            CustomerTransaction.amount > 0,
            CustomerTransaction.closed_on.is_(None),
        )
        .order_by(CustomerTransaction.voucher)
    ).all()
    if kind == "invoice":
        _, _, amount, due_in = op
        due = TODAY + dt.timedelta(days=due_in)
        postings.post_invoice(
            session,
            customer_id=customer_id,
            amount=amount,
            posting_date=min(due - dt.timedelta(days=30), TODAY),
            due_date=due,
            now=NOW,
        )
    elif kind == "payment":
        _, _, amount, settle = op
        payment = postings.post_payment(
            session, customer_id=customer_id, amount=amount, posting_date=TODAY, now=NOW
        )
        if settle:
            settlements.settle_oldest_first(session, payment.id, TODAY, NOW)
    elif kind == "status" and open_items:
        _, _, pick, status = op
        txn = open_items[pick % len(open_items)]
        promised = status is CollectionStatus.PROMISED
        apply_change(
            session,
            txn,
            status,
            NOW,
            changed_by_id=None,
            note=None,
            promise_date=TODAY - dt.timedelta(days=3) if promised else None,
            promise_amount=txn.amount if promised else None,
        )
    elif kind == "reverse":
        done = session.scalars(
            select(Settlement.id)
            .where(
                Settlement.customer_id == customer_id,
                Settlement.reverses_settlement_id.is_(None),
                ~Settlement.id.in_(
                    select(Settlement.reverses_settlement_id).where(
                        Settlement.reverses_settlement_id.is_not(None)
                    )
                ),
            )
            .order_by(Settlement.number)
        ).all()
        if done:
            settlements.reverse_settlement(session, done[op[2] % len(done)], TODAY, NOW)


def _stored(session, snapshot_id: uuid.UUID) -> dict[uuid.UUID, tuple[Any, ...]]:
    head = AgingSnapshotCustomer
    rows: dict[uuid.UUID, tuple[Any, ...]] = {}
    for header in session.scalars(select(head).where(head.snapshot_id == snapshot_id)):
        columns = tuple(
            session.scalars(
                select(AgingSnapshotLine.amount)
                .where(AgingSnapshotLine.snapshot_customer_id == header.id)
                .order_by(AgingSnapshotLine.position)
            )
        )
        rows[header.customer_id] = (
            columns,
            header.balance,
            header.past_due,
            header.credit_limit,
            header.available_credit,
            header.disputed_count,
            header.disputed_amount,
            header.oldest_past_due_date,
            header.oldest_past_due_days,
            header.risk_score,
        )
    return rows


def _aged_again(session, snapshot: AgingSnapshot) -> dict[uuid.UUID, tuple[Any, ...]]:
    scope = (
        company_scope(session)
        if snapshot.user_name is None
        else load_scope(session, snapshot.user_name)
    )
    result = age_customers(
        session,
        snapshot.as_of,
        scope,
        pool_id=snapshot.pool_id,
        definition_id=snapshot.definition_id,
    )
    return {
        row.customer_id: (
            row.columns,
            row.balance,
            row.past_due,
            row.credit_limit,
            row.available_credit,
            row.disputed_count,
            row.disputed_amount,
            row.oldest_past_due_date,
            row.oldest_past_due_days,
            row.risk_score,
        )
        for row in result.rows
    }


def _assert_fresh(database: Database, yesterday: dict[uuid.UUID, tuple[Any, ...]]) -> None:
    with database.sessions() as session:
        newest = {s.id for s in newest_snapshots(session)}
        assert len(newest) == 2  # the company's of today, the agent's pool's
        for snapshot in session.scalars(select(AgingSnapshot)):
            stored = _stored(session, snapshot.id)
            if snapshot.id not in newest:
                assert snapshot.as_of == TODAY - dt.timedelta(days=1)
                assert stored == yesterday  # an older snapshot is history: left as it was
                continue
            assert stored == _aged_again(session, snapshot)
            assert snapshot.customer_count == len(stored)
            assert snapshot.balance == sum((row[1] for row in stored.values()), D(0))


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batches=commits)
def test_the_newest_snapshots_always_equal_a_full_reaging(
    sqlite_db: Database, batches: list[list[tuple[Any, ...]]]
) -> None:
    """Examples run one after the other on the same ledger, so it grows between them."""
    with sqlite_db.sessions() as session:
        customers = list(session.scalars(select(Customer.id).order_by(Customer.account)))
    if not customers:
        customers, _agent, _pool = _set_up(sqlite_db)
    with sqlite_db.sessions() as session:
        [old] = [s for s in session.scalars(select(AgingSnapshot)) if s.as_of < TODAY]
        yesterday = _stored(session, old.id)
    for batch in batches:
        with sqlite_db.sessions() as session:
            for op in batch:
                savepoint = session.begin_nested()
                try:
                    _apply(session, customers[op[1]], op)
                    savepoint.commit()
                except LedgerError:
                    savepoint.rollback()
            session.commit()
        _assert_fresh(sqlite_db, yesterday)


def test_a_payment_refreshes_its_customer_and_tells_who(any_db: Database) -> None:
    """On both databases: the row moves at once, the count and balance follow, a customer
    paid in full leaves the snapshot, and the commit says whom it refreshed."""
    customers, _agent, spain = _set_up(any_db)
    first = customers[0]
    with any_db.sessions() as session:
        payment = postings.post_payment(
            session, customer_id=first, amount=D("40.00"), posting_date=TODAY, now=NOW
        )
        settlements.settle_oldest_first(session, payment.id, TODAY, NOW)
        session.commit()
        assert session.info[REFRESHED] == {first}
    with any_db.sessions() as session:
        pool_snapshot = session.scalars(
            select(AgingSnapshot).where(AgingSnapshot.pool_id == spain)
        ).one()
        stored = _stored(session, pool_snapshot.id)
        assert stored[first][0] == (D(0), D(0), D("60.00"), D(0), D(0), D(0), D(0))
        assert (stored[first][1], stored[first][2]) == (D("60.00"), D("60.00"))
        assert (pool_snapshot.customer_count, pool_snapshot.balance) == (3, D("560.00"))
        payment = postings.post_payment(
            session, customer_id=first, amount=D("60.00"), posting_date=TODAY, now=NOW
        )
        settlements.settle_oldest_first(session, payment.id, TODAY, NOW)
        session.commit()
    with any_db.sessions() as session:
        pool_snapshot = session.get(AgingSnapshot, pool_snapshot.id)
        assert first not in _stored(session, pool_snapshot.id)
        assert (pool_snapshot.customer_count, pool_snapshot.balance) == (2, D("500.00"))


def test_a_rolled_back_transaction_refreshes_nothing(sqlite_db: Database) -> None:
    customers, _agent, _spain = _set_up(sqlite_db)
    with sqlite_db.sessions() as session:
        postings.post_payment(
            session, customer_id=customers[1], amount=D("5.00"), posting_date=TODAY, now=NOW
        )
        session.rollback()
        session.commit()  # a later commit of the same session has nothing noted
        assert session.info[REFRESHED] == frozenset()


@pytest.mark.parametrize("status", [CollectionStatus.DISPUTED])
def test_a_dispute_shows_in_the_snapshot_at_once(sqlite_db: Database, status) -> None:
    customers, _agent, _spain = _set_up(sqlite_db)
    with sqlite_db.sessions() as session:
        txn = session.scalars(
            select(CustomerTransaction).where(CustomerTransaction.customer_id == customers[4])
        ).one()
        apply_change(
            session,
            txn,
            status,
            NOW,
            changed_by_id=None,
            note=None,
            promise_date=None,
            promise_amount=None,
        )
        session.commit()
    with sqlite_db.sessions() as session:
        company = session.scalars(
            select(AgingSnapshot).where(
                AgingSnapshot.pool_id.is_(None), AgingSnapshot.as_of == TODAY
            )
        ).one()
        row = _stored(session, company.id)[customers[4]]
        assert (row[5], row[6]) == (1, D("500.00"))  # one disputed, its 500.00
