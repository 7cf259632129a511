"""Property tests of the ledger: random postings, settlements and reversals.

For every random sequence the test keeps its own naive model (a list of transactions and of
the settlement lines the ledger wrote) and checks, on every date of the run:
- the ledger's open amounts and balance equal the model's naive sums;
- balance = Σ open amounts;
- no transaction is ever over-settled (0 ≤ open ≤ amount in the transaction's sign);
- every settlement's lines sum to zero;
- a transaction's ``closed_on`` is its latest settlement date once the lines settle it all;
- a refused action writes nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from collections_desktop.models import ledger
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer, CustomerTransaction, SettlementLine
from collections_desktop.models.ledger import LedgerError

START = dt.date(2026, 1, 1)
DAYS = 40
NOW = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
_accounts = itertools.count(1)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)
days = st.integers(min_value=0, max_value=DAYS)

post_op = st.tuples(
    st.just("post"), st.sampled_from(["invoice", "payment", "credit_note"]), amounts, days
)
settle_op = st.tuples(
    st.just("settle"),
    st.lists(st.tuples(st.integers(0, 30), amounts), min_size=1, max_size=4),
    days,
    st.booleans(),  # balance the marked amounts so the request can succeed
)
oldest_op = st.tuples(st.just("oldest"), st.integers(0, 30), days)
reverse_op = st.tuples(st.just("reverse"), st.integers(0, 30), st.integers(0, 10))
operations = st.lists(st.one_of(post_op, post_op, settle_op, oldest_op, reverse_op), max_size=25)


@dataclass
class Model:
    """What the test itself knows: transactions posted and settlement lines written."""

    txns: list[tuple[uuid.UUID, Decimal, dt.date]] = field(default_factory=list)
    lines: list[tuple[uuid.UUID, uuid.UUID, dt.date, Decimal]] = field(default_factory=list)
    settlements: list[tuple[uuid.UUID, dt.date]] = field(default_factory=list)

    def open_amount(self, txn_id: uuid.UUID, amount: Decimal, posted: dt.date, on: dt.date):
        if posted > on:
            return None
        return amount - sum(
            (a for _s, t, d, a in self.lines if t == txn_id and d <= on), Decimal(0)
        )


def _record_settlement(session, model: Model, settlement) -> None:
    rows = session.execute(
        select(
            SettlementLine.transaction_id, SettlementLine.settlement_date, SettlementLine.amount
        ).where(SettlementLine.settlement_id == settlement.id)
    ).all()
    assert sum(r.amount for r in rows) == 0, "a settlement's lines must sum to zero"
    model.lines.extend((settlement.id, r.transaction_id, r.settlement_date, r.amount) for r in rows)
    model.settlements.append((settlement.id, settlement.settlement_date))


def _apply(session, customer_id, model: Model, op) -> None:
    kind = op[0]
    if kind == "post":
        _kind, type_, amount, day = op
        post = {
            "invoice": ledger.post_invoice,
            "payment": ledger.post_payment,
            "credit_note": ledger.post_credit_note,
        }[type_]
        posted = START + dt.timedelta(days=day)
        txn = post(
            session,
            customer_id=customer_id,
            amount=amount,
            posting_date=posted,
            due_date=posted + dt.timedelta(days=day % 7),
            now=NOW,
        )
        model.txns.append((txn.id, txn.amount, posted))
    elif kind == "settle" and model.txns:
        _kind, picks, day, balanced = op
        marks = {}
        for index, value in picks:
            txn_id = model.txns[index % len(model.txns)][0]
            marks[txn_id] = value
        if balanced:
            signs = {t: a > 0 for t, a, _p in model.txns}
            debit = sum(v for t, v in marks.items() if signs[t])
            credit = sum(v for t, v in marks.items() if not signs[t])
            if debit and credit:
                # scale the larger side down so both sides match exactly
                small, big_is_debit = min(debit, credit), debit > credit
                for t in list(marks):
                    if signs[t] == big_is_debit:
                        marks[t] = min(marks[t], small)
                        small -= marks[t]
                marks = {t: v for t, v in marks.items() if v > 0}
        settlement = ledger.settle(session, marks, START + dt.timedelta(days=day), NOW)
        _record_settlement(session, model, settlement)
    elif kind == "oldest" and model.txns:
        _kind, index, day = op
        txn_id = model.txns[index % len(model.txns)][0]
        settlement = ledger.settle_oldest_first(
            session, txn_id, START + dt.timedelta(days=day), NOW
        )
        if settlement is not None:
            _record_settlement(session, model, settlement)
    elif kind == "reverse" and model.settlements:
        _kind, index, later = op
        settlement_id, settled_on = model.settlements[index % len(model.settlements)]
        reversal = ledger.reverse_settlement(
            session, settlement_id, settled_on + dt.timedelta(days=later), NOW
        )
        _record_settlement(session, model, reversal)


def _check(session, customer_id, model: Model) -> None:
    for on in (START + dt.timedelta(days=d) for d in range(-1, DAYS + 12)):
        expected = {}
        for txn_id, amount, posted in model.txns:
            value = model.open_amount(txn_id, amount, posted, on)
            if value is None:
                continue
            # never over-settled: the open amount stays between zero and the amount
            assert min(amount, 0) <= value <= max(amount, 0), (txn_id, on, value, amount)
            if value != 0:
                expected[txn_id] = value
        items = ledger.open_items(session, customer_id, on)
        assert {i.transaction_id: i.open_amount for i in items} == expected, on
        total = ledger.balance(session, customer_id, on)
        assert total == sum(expected.values(), Decimal(0)), on
        assert total == sum((i.open_amount_accounting for i in items), Decimal(0))
    stored = {
        row.id: row.closed_on
        for row in session.execute(
            select(CustomerTransaction.id, CustomerTransaction.closed_on).where(
                CustomerTransaction.customer_id == customer_id
            )
        )
    }
    for txn_id, amount, _posted in model.txns:
        lines = [(d, a) for _s, t, d, a in model.lines if t == txn_id]
        settled_all = lines and sum(a for _d, a in lines) == amount
        assert stored[txn_id] == (max(d for d, _a in lines) if settled_all else None), txn_id


def _run(database: Database, ops) -> None:
    with database.sessions() as session:
        customer = Customer(
            account=f"P-{next(_accounts):06d}", name="Property Ltd", currency="EUR", updated_at=NOW
        )
        session.add(customer)
        session.commit()
        model = Model()
        for op in ops:
            before = (
                len(model.lines),
                ledger.balance(session, customer.id, START + dt.timedelta(60)),
            )
            savepoint = session.begin_nested()
            try:
                _apply(session, customer.id, model, op)
                savepoint.commit()
                event(f"{op[0]} accepted")
            except LedgerError:
                savepoint.rollback()
                event(f"{op[0]} refused")
                after = (
                    len(model.lines),
                    ledger.balance(session, customer.id, START + dt.timedelta(60)),
                )
                assert after == before, "a refused action must write nothing"
        session.commit()
        _check(session, customer.id, model)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_ledger_properties_sqlite(sqlite_db: Database, ops) -> None:
    _run(sqlite_db, ops)


@pytest.mark.postgres
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_ledger_properties_postgresql(pg_db: Database, ops) -> None:
    _run(pg_db, ops)
