"""Property tests of the ledger: random postings, settlements and reversals in two currencies.

The test keeps its own model, computed only from the operations it applies: every posted
amount (EUR, the accounting currency, and USD at a random rate, converted here with
half-even rounding) and every settlement line it expects, in the currency and in the
accounting currency (pro rata, rounded, but the line that settles the whole rest takes
exactly what is still open). From the same rules it predicts whether the ledger must
accept or refuse each request. After every sequence it checks, against the database:
- every request was accepted or refused as the model predicted, and a refusal wrote nothing;
- the settlement lines written are exactly the model's, to the cent in both currencies;
- on every date that matters, the open items (amount and accounting amount) and the
  balance equal the model's, and nothing is over-settled;
- a transaction's ``closed_on`` is its latest settlement date once its lines settle it all.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer, CustomerTransaction, SettlementLine
from collections_desktop.models.ledger import balances
from collections_desktop.models.ledger import postings as ledger_postings
from collections_desktop.models.ledger import settlements as ledger_settlements
from collections_desktop.models.ledger.books import LedgerError
from tests.hypothesis_profiles import examples

START = dt.date(2026, 1, 1)
DAYS = 40
NOW = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
ZERO = Decimal(0)
CENT = Decimal("0.01")
_accounts = itertools.count(1)

# Hypothesis favours small decimals; the second branch draws hundreds of units too.
amounts = st.one_of(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2),
    st.integers(min_value=10_000, max_value=50_000).map(lambda cents: Decimal(cents) / 100),
)
days = st.integers(min_value=0, max_value=DAYS)
# USD → EUR at six decimals, so that conversions round (half-even) most of the time.
rates = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("1.6"), places=6)
currencies = st.sampled_from(["EUR", "USD"])

post_op = st.tuples(
    st.just("post"),
    st.sampled_from(["invoice", "payment", "credit_note"]),
    amounts,
    days,
    currencies,
    rates,
)
settle_op = st.tuples(
    st.just("settle"),
    st.lists(st.tuples(st.integers(0, 30), amounts), min_size=2, max_size=4),
    days,
    st.sampled_from([True, True, False]),  # balance the marks (one currency, late enough)
)
# one debit and one credit settled against each other in several settlements
pieces_op = st.tuples(
    st.just("pieces"),
    st.integers(0, 30),
    st.integers(0, 30),
    st.lists(st.integers(1, 99), min_size=1, max_size=4),  # cut points, % of the whole
)
oldest_op = st.tuples(st.just("oldest"), st.integers(0, 30), days)
reverse_op = st.tuples(st.just("reverse"), st.integers(0, 30), st.integers(0, 10))
operations = st.builds(
    lambda first, then: first + then,
    st.lists(post_op, min_size=2, max_size=6),
    st.lists(
        st.one_of(post_op, settle_op, settle_op, pieces_op, oldest_op, reverse_op),
        min_size=3,
        max_size=20,
    ),
)

# The same ledgers in the accounting currency only, for the tests of aging (test_aging,
# test_snapshot): a foreign-currency settlement dated before a later reversal leaves a cent
# open in accounting (the known bug of test_back_dated_foreign_settlement_leaves_a_cent_open
# below), and their columns are what those tests are about.
accounting_operations = operations.map(
    lambda ops: [(*op[:4], "EUR", op[5]) if op[0] == "post" else op for op in ops]
)

SIGNS = {"invoice": 1, "payment": -1, "credit_note": -1}


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


@dataclass
class Txn:
    id: uuid.UUID
    voucher: str
    currency: str
    amount: Decimal  # signed: debits > 0
    accounting: Decimal
    posted: dt.date
    due: dt.date


@dataclass
class Line:
    settlement_id: uuid.UUID
    txn_id: uuid.UUID
    day: dt.date
    amount: Decimal
    accounting: Decimal


@dataclass
class Model:
    """What the test knows from what it did: transactions, lines, settlements."""

    txns: list[Txn] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    settlements: list[uuid.UUID] = field(default_factory=list)  # in the order they were made
    reversed: set[uuid.UUID] = field(default_factory=set)
    reversals: set[uuid.UUID] = field(default_factory=set)
    dates: set[dt.date] = field(default_factory=set)

    def txn(self, txn_id: uuid.UUID) -> Txn:
        return next(t for t in self.txns if t.id == txn_id)

    def lines_of(self, txn_id: uuid.UUID) -> list[Line]:
        return [line for line in self.lines if line.txn_id == txn_id]

    def open_on(self, txn: Txn, on: dt.date) -> tuple[Decimal, Decimal]:
        """(open amount, open accounting amount) at the end of ``on``."""
        mine = [line for line in self.lines_of(txn.id) if line.day <= on]
        return (
            txn.amount - sum((line.amount for line in mine), ZERO),
            txn.accounting - sum((line.accounting for line in mine), ZERO),
        )

    def settleable(self, txn: Txn, on: dt.date) -> Decimal:
        """What can be settled of ``txn`` on ``on`` without over-settling any later date."""
        later = {line.day for line in self.lines_of(txn.id) if line.day > on}
        return min(abs(self.open_on(txn, day)[0]) for day in {on, *later})

    def planned_line(self, txn: Txn, value: Decimal) -> tuple[Decimal, Decimal]:
        """The line of a settlement taking ``value`` (positive) off ``txn``: amount, accounting."""
        amount = value if txn.amount > ZERO else -value
        mine = self.lines_of(txn.id)
        rest = txn.amount - sum((line.amount for line in mine), ZERO)
        if amount == rest:  # the whole rest goes: exactly what is open in accounting
            return amount, txn.accounting - sum((line.accounting for line in mine), ZERO)
        return amount, to_cents(amount * txn.accounting / txn.amount)

    def refuses(self, marks: dict[uuid.UUID, Decimal], on: dt.date) -> str | None:
        """Why the ledger must refuse the settlement (None: it must accept it)."""
        txns = [self.txn(t) for t in marks]
        if len({t.currency for t in txns}) != 1:
            return "currencies"
        if any(t.posted > on for t in txns):
            return "posted later"
        if any(marks[t.id] > self.settleable(t, on) for t in txns):
            return "more than open"
        debit = sum((marks[t.id] for t in txns if t.amount > ZERO), ZERO)
        credit = sum((marks[t.id] for t in txns if t.amount < ZERO), ZERO)
        if debit != credit:
            return "unbalanced"
        return None

    def settle(self, settlement_id: uuid.UUID, marks: dict[uuid.UUID, Decimal], on: dt.date):
        planned = [(t, *self.planned_line(self.txn(t), v)) for t, v in marks.items()]
        self.lines += [Line(settlement_id, t, on, a, acc) for t, a, acc in planned]
        self.settlements.append(settlement_id)
        self.dates.add(on)


def _post(session, customer_id, model: Model, op) -> None:
    _kind, type_, amount, day, currency, rate = op
    post = {
        "invoice": ledger_postings.post_invoice,
        "payment": ledger_postings.post_payment,
        "credit_note": ledger_postings.post_credit_note,
    }[type_]
    posted = START + dt.timedelta(days=day)
    due = posted + dt.timedelta(days=day % 7)
    txn = post(
        session,
        customer_id=customer_id,
        amount=amount,
        posting_date=posted,
        due_date=due,
        now=NOW,
        currency=currency,
        exchange_rate=rate if currency == "USD" else None,
    )
    sign = SIGNS[type_]
    accounting = to_cents(amount * rate) if currency == "USD" else amount
    model.txns.append(Txn(txn.id, txn.voucher, currency, sign * amount, sign * accounting,
                          posted, due))  # fmt: skip
    model.dates.add(posted)


def _settle_marks(model: Model, op) -> tuple[dict[uuid.UUID, Decimal], dt.date]:
    _kind, picks, day, balanced = op
    marks: dict[uuid.UUID, Decimal] = {}
    for index, value in picks:
        marks[model.txns[index % len(model.txns)].id] = value
    on = START + dt.timedelta(days=day)
    if not balanced:
        return marks, on
    # Alternately an open debit and an open credit of one currency, at most what is open,
    # both sides equal: a request that should succeed (the model still predicts it).
    currency = model.txn(next(iter(marks))).currency
    for when in (on, START + dt.timedelta(days=DAYS)):
        sides = [
            [
                t.id
                for t in model.txns
                if t.currency == currency
                and (t.amount > ZERO) == debit
                and t.posted <= when
                and model.settleable(t, when) > ZERO
            ]
            for debit in (True, False)
        ]
        if all(sides):
            on = when
            marks = {}
            for position, (index, value) in enumerate(picks):
                side = sides[position % 2]
                marks[side[index % len(side)]] = value
            break
    marks = {t: min(v, model.settleable(model.txn(t), on)) for t, v in marks.items()}
    debit = sum(v for t, v in marks.items() if model.txn(t).amount > ZERO)
    credit = sum(v for t, v in marks.items() if model.txn(t).amount < ZERO)
    if debit and credit:
        # scale the larger side down so both sides match exactly
        small, big_is_debit = min(debit, credit), debit > credit
        for t in list(marks):
            if (model.txn(t).amount > ZERO) == big_is_debit:
                marks[t] = min(marks[t], small)
                small -= marks[t]
    return {t: v for t, v in marks.items() if v > 0}, on


def _oldest_marks(model: Model, credit: Txn, on: dt.date) -> dict[uuid.UUID, Decimal]:
    """What ``settle_oldest_first`` must mark: the open debits by due date, posting, voucher."""
    remaining = model.settleable(credit, on)
    marks: dict[uuid.UUID, Decimal] = {}
    debits = sorted(
        (t for t in model.txns if t.amount > ZERO and t.currency == credit.currency),
        key=lambda t: (t.due, t.posted, t.voucher),
    )
    for debit in debits:
        if remaining <= ZERO:
            break
        if debit.posted > on:
            continue
        take = min(remaining, model.settleable(debit, on))
        if take > ZERO:
            marks[debit.id] = take
            remaining -= take
    if marks:
        marks[credit.id] = sum(marks.values(), ZERO)
    return marks


def _apply(session, customer_id, model: Model, op) -> str:
    """Apply one operation to the ledger and the model; returns what happened (for events)."""
    kind = op[0]
    if kind == "post":
        _post(session, customer_id, model, op)
        return "posted"
    if kind == "settle" and model.txns:
        marks, on = _settle_marks(model, op)
        if not marks:
            return "nothing marked"
        why = model.refuses(marks, on)
        if why is not None:
            with pytest.raises(LedgerError):
                ledger_settlements.settle(session, marks, on, NOW)
            return f"refused: {why}"
        settlement = ledger_settlements.settle(session, marks, on, NOW)
        model.settle(settlement.id, marks, on)
        return "settled"
    if kind == "pieces":
        _kind, debit_index, credit_index, cuts = op
        on = START + dt.timedelta(days=DAYS)
        sides = [
            [t for t in model.txns if (t.amount > ZERO) == debit and model.settleable(t, on)]
            for debit in (True, False)
        ]
        debits = [d for d in sides[0] if any(c.currency == d.currency for c in sides[1])]
        if not debits:
            return "skipped"
        debit = debits[debit_index % len(debits)]
        credits = [c for c in sides[1] if c.currency == debit.currency]
        credit = credits[credit_index % len(credits)]
        whole = min(model.settleable(debit, on), model.settleable(credit, on))
        points = sorted({to_cents(whole * c / 100) for c in cuts} - {ZERO, whole})
        for low, high in itertools.pairwise([ZERO, *points, whole]):
            marks = {debit.id: high - low, credit.id: high - low}
            assert model.refuses(marks, on) is None
            model.settle(ledger_settlements.settle(session, marks, on, NOW).id, marks, on)
        return f"settled in {len(points) + 1} pieces"
    if kind == "oldest" and model.txns:
        _kind, index, day = op
        credits = [t for t in model.txns if t.amount < ZERO] if index % 4 else model.txns
        credit, on = (
            credits[index % len(credits)] if credits else model.txns[0],
            START + dt.timedelta(days=day),
        )
        if credit.amount > ZERO:
            with pytest.raises(LedgerError):
                ledger_settlements.settle_oldest_first(session, credit.id, on, NOW)
            return "refused: not a credit"
        marks = _oldest_marks(model, credit, on)
        why = model.refuses(marks, on) if marks else None
        if why is not None:
            with pytest.raises(LedgerError):
                ledger_settlements.settle_oldest_first(session, credit.id, on, NOW)
            return f"refused: {why}"
        settlement = ledger_settlements.settle_oldest_first(session, credit.id, on, NOW)
        if not marks:
            assert settlement is None
            return "nothing to apply"
        assert settlement is not None
        model.settle(settlement.id, marks, on)
        return "applied oldest first"
    if kind == "reverse" and model.settlements:
        _kind, index, later = op
        original = model.settlements[index % len(model.settlements)]
        if original in model.reversals or original in model.reversed:
            with pytest.raises(LedgerError):
                ledger_settlements.reverse_settlement(session, original, START, NOW)
            return "refused: a reversal, or reversed already"
        lines = [line for line in model.lines if line.settlement_id == original]
        on = lines[0].day + dt.timedelta(days=later)
        if later:  # a day before the settlement is refused too
            with pytest.raises(LedgerError):
                ledger_settlements.reverse_settlement(
                    session, original, lines[0].day - dt.timedelta(1), NOW
                )
        reversal = ledger_settlements.reverse_settlement(session, original, on, NOW)
        model.lines += [
            Line(reversal.id, line.txn_id, on, -line.amount, -line.accounting) for line in lines
        ]
        model.settlements.append(reversal.id)
        model.reversals.add(reversal.id)
        model.reversed.add(original)
        model.dates.add(on)
        return "reversed"
    return "skipped"


def _line_count(session) -> int:
    return session.scalar(select(func.count()).select_from(SettlementLine)) or 0


def _check(session, customer_id, model: Model) -> None:
    stored_lines = sorted(
        (
            row.settlement_id,
            row.transaction_id,
            row.settlement_date,
            row.amount,
            row.amount_accounting,
        )
        for row in session.execute(
            select(
                SettlementLine.settlement_id,
                SettlementLine.transaction_id,
                SettlementLine.settlement_date,
                SettlementLine.amount,
                SettlementLine.amount_accounting,
            )
            .join(CustomerTransaction, CustomerTransaction.id == SettlementLine.transaction_id)
            .where(CustomerTransaction.customer_id == customer_id)
        )
    )
    expected_lines = sorted(
        (line.settlement_id, line.txn_id, line.day, line.amount, line.accounting)
        for line in model.lines
    )
    assert stored_lines == expected_lines
    for settlement_id in model.settlements:
        assert sum(line.amount for line in model.lines if line.settlement_id == settlement_id) == 0

    checked = sorted(
        {START - dt.timedelta(1), START + dt.timedelta(DAYS + 12)}
        | model.dates
        | {d - dt.timedelta(1) for d in model.dates}
    )
    for on in checked:
        expected = {}
        balance = ZERO
        for txn in model.txns:
            if txn.posted > on:
                continue
            value, accounting = model.open_on(txn, on)
            # never over-settled: the open amount stays between zero and the amount
            assert min(txn.amount, 0) <= value <= max(txn.amount, 0), (txn, on, value)
            if value == ZERO and on >= max((x.day for x in model.lines_of(txn.id)), default=on):
                # Once all its lines count; before a later-dated line it may not hold (see
                # test_back_dated_foreign_settlement_leaves_a_cent_open).
                assert accounting == ZERO, "nothing open must leave nothing in accounting"
            if value != ZERO:
                expected[txn.id] = (txn.currency, value, accounting)
            balance += accounting
        items = balances.open_items(session, customer_id, on)
        found = {i.transaction_id: (i.currency, i.open_amount, i.open_amount_accounting)
                 for i in items}  # fmt: skip
        assert found == expected, on
        assert balances.balance(session, customer_id, on) == balance, on
        for txn in model.txns:
            if txn.posted <= on:
                value = expected.get(txn.id, (None, ZERO))[1]
                assert balances.open_amount(session, txn.id, on) == value, (txn, on)
    stored = dict(
        session.execute(
            select(CustomerTransaction.id, CustomerTransaction.closed_on).where(
                CustomerTransaction.customer_id == customer_id
            )
        ).all()
    )
    for txn in model.txns:
        lines = model.lines_of(txn.id)
        settled_all = lines and sum(line.amount for line in lines) == txn.amount
        assert stored[txn.id] == (max(line.day for line in lines) if settled_all else None), txn


def _run(database: Database, ops) -> None:
    with database.sessions() as session:
        customer = Customer(
            account=f"P-{next(_accounts):06d}", name="Property Ltd", currency="EUR", updated_at=NOW
        )
        session.add(customer)
        session.commit()
        model = Model()
        for op in ops:
            before = _line_count(session)
            savepoint = session.begin_nested()
            outcome = _apply(session, customer.id, model, op)
            event(f"{op[0]}: {outcome}")
            if outcome.startswith("refused"):
                assert _line_count(session) == before, "a refused action must write nothing"
                savepoint.rollback()
            else:
                savepoint.commit()
        session.commit()
        _check(session, customer.id, model)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_ledger_properties_sqlite(sqlite_db: Database, ops) -> None:
    _run(sqlite_db, ops)


@pytest.mark.postgres
@settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_ledger_properties_postgresql(pg_db: Database, ops) -> None:
    _run(pg_db, ops)


@pytest.mark.xfail(
    strict=True,
    reason="known: a settlement dated before a later reversal is judged 'the whole rest' on "
    "all lines, not on those of its date, so on its date a cent stays open in accounting",
)
def test_back_dated_foreign_settlement_leaves_a_cent_open(sqlite_db: Database) -> None:
    """Found by the property test: on day 40 the payment has nothing open in USD, yet the
    balance counts 0.01 EUR of it that no open item shows."""
    usd = {"now": NOW, "currency": "USD", "exchange_rate": Decimal("0.5")}
    with sqlite_db.sessions.begin() as session:
        customer = Customer(account="P-BACK", name="Back-dated", currency="EUR", updated_at=NOW)
        session.add(customer)
        session.flush()
        on, later = START + dt.timedelta(40), START + dt.timedelta(47)
        first = {"customer_id": customer.id, "posting_date": START, **usd}
        a = ledger_postings.post_invoice(session, amount=Decimal("107.71"), **first)
        p = ledger_postings.post_payment(session, amount=Decimal("426.44"), **first)
        b = ledger_postings.post_invoice(session, amount=Decimal("393.34"), **first)
        ledger_settlements.settle(session, {a.id: Decimal("1.08"), p.id: Decimal("1.08")}, on, NOW)
        rest = ledger_settlements.settle(
            session, {a.id: Decimal("106.63"), p.id: Decimal("106.63")}, on, NOW
        )
        ledger_settlements.reverse_settlement(session, rest.id, later, NOW)
        ledger_settlements.settle(session, {b.id: Decimal("3.19"), p.id: Decimal("3.19")}, on, NOW)
        ledger_settlements.settle(
            session, {b.id: Decimal("315.54"), p.id: Decimal("315.54")}, on, NOW
        )
        items = balances.open_items(session, customer.id, on)
        assert [i.transaction_id for i in items] == [b.id]
        assert items[0].open_amount_accounting == Decimal("37.30")
        assert balances.balance(session, customer.id, on) == Decimal("37.30")  # is 37.31
