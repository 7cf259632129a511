"""A hypothesis state machine over the collections actions on a random two-currency ledger.

Rules post invoices (some with sales tax) and payments in EUR (the accounting currency)
or USD at a random rate, settle, reverse settlements, write off (with separate sales tax
or not), charge interest, waive and reinstate charges, return payments as NSF and change
collection statuses, on days that move forward. The machine keeps its own model, computed
only from what the rules did: every transaction it expects (posted amounts, the interest
by the code's rule, write-offs, reversals, fees; accounting amounts converted here) and
every settlement line it expects, in the currency and in accounting (pro rata, rounded,
but the line that settles the whole rest takes exactly what is still open). New rows are
matched to what the model expects by what they are (a reversal of X, the interest on
invoice Y, the write-off in USD), never by their figures. After every step it checks:
- the customer's transactions and settlement lines are exactly the model's, to the cent;
- the open items (amount and accounting amount) and the balance equal the model's, today
  and on the day before the last move of the clock;
- nothing is over-settled, and nothing open in the currency is left open in accounting;
- the aging columns equal the model's (due-date periods, unapplied credits) and sum to
  the balance;
- every journal sums to zero in each currency and in the accounting currency;
- the settlements offered for reversal are the model's manual, unreversed ones;
and two rules check exact inverses in one step: settle then reverse, waive then reinstate.
It runs on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select, update

from collections_desktop.models.actions.charges import reinstate, waive
from collections_desktop.models.actions.interest_notes import create_interest_notes
from collections_desktop.models.actions.nsf import process_nsf
from collections_desktop.models.actions.status import change_status
from collections_desktop.models.actions.writeoff import write_off
from collections_desktop.models.aging.snapshot import age_customers
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    InterestNoteLine,
    JournalLine,
    ReceivablesParameters,
    SettlementLine,
    TransactionTax,
    TransactionType,
)
from collections_desktop.models.ledger import balances, postings
from collections_desktop.models.ledger.settling import reverse, settle_marked, settlements_of
from collections_desktop.models.people.scope import company_scope
from tests.hypothesis_profiles import examples, steps

START = dt.date(2026, 1, 5)
NOW = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
ZERO = Decimal(0)
CENT = Decimal("0.01")
_accounts = itertools.count(1)

amounts = st.one_of(
    st.decimals(min_value=Decimal("1.00"), max_value=Decimal("900.00"), places=2),
    st.integers(min_value=10_000, max_value=90_000).map(lambda cents: Decimal(cents) / 100),
)
rates = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("1.6"), places=6)

# The company's set-up the model relies on (models/company/reference.py, models/company/setup.py).
GRACE_DAYS = 5
INTEREST_RANGES = ((1, 60, Decimal("1")), (61, None, Decimal("1.5")))  # % per 30 days
INTEREST_FEE = Decimal("5")  # EUR, on a note in the accounting currency only
NSF_FEE = Decimal("25")  # EUR
AGING_PERIODS = ((1, 30), (31, 60), (61, 90), (91, 120), (121, None))

DEBIT_KINDS = {TransactionType.INVOICE, TransactionType.INTEREST_NOTE, TransactionType.FEE}
CHARGE_KINDS = {TransactionType.INTEREST_NOTE, TransactionType.FEE}

DATABASE: Database | None = None
"""The test's company; every example works on a customer of its own."""


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


@dataclass
class Txn:
    type: str
    currency: str
    amount: Decimal  # signed: debits > 0
    accounting: Decimal
    posted: dt.date
    due: dt.date
    voucher: str = ""


@dataclass
class Line:
    settlement: object  # the settlement's id, or a key of the model's own for an action's
    txn_id: uuid.UUID
    day: dt.date
    amount: Decimal
    accounting: Decimal


@dataclass
class Expected:
    """A transaction an action must post, known by what it is (its key), not its figures."""

    type: str
    currency: str
    amount: Decimal
    accounting: Decimal
    due: dt.date | None = None


@dataclass
class Model:
    txns: dict[uuid.UUID, Txn] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    manual: list[uuid.UUID] = field(default_factory=list)  # settlements a collector made
    reversed: set[object] = field(default_factory=set)
    waivers: dict[uuid.UUID, tuple[uuid.UUID, object]] = field(default_factory=dict)
    interest_to: dict[uuid.UUID, dt.date] = field(default_factory=dict)
    returned: set[uuid.UUID] = field(default_factory=set)  # payments returned NSF

    def lines_of(self, txn_id: uuid.UUID) -> list[Line]:
        return [line for line in self.lines if line.txn_id == txn_id]

    def open_on(self, txn_id: uuid.UUID, on: dt.date) -> tuple[Decimal, Decimal]:
        txn = self.txns[txn_id]
        if txn.posted > on:
            return ZERO, ZERO
        mine = [line for line in self.lines_of(txn_id) if line.day <= on]
        return (
            txn.amount - sum((line.amount for line in mine), ZERO),
            txn.accounting - sum((line.accounting for line in mine), ZERO),
        )

    def closed_on(self, txn_id: uuid.UUID) -> dt.date | None:
        """The latest line's date once the lines settle the whole amount, else None."""
        mine = self.lines_of(txn_id)
        if mine and sum((line.amount for line in mine), ZERO) == self.txns[txn_id].amount:
            return max(line.day for line in mine)
        return None

    def line(self, txn_id: uuid.UUID, value: Decimal) -> tuple[Decimal, Decimal]:
        """The line taking ``value`` (positive) off ``txn_id``: (amount, accounting)."""
        txn = self.txns[txn_id]
        amount = value if txn.amount > ZERO else -value
        mine = self.lines_of(txn_id)
        if amount == txn.amount - sum((line.amount for line in mine), ZERO):
            return amount, txn.accounting - sum((line.accounting for line in mine), ZERO)
        return amount, to_cents(amount * txn.accounting / txn.amount)

    def settle(self, key: object, marks: dict[uuid.UUID, Decimal], on: dt.date) -> None:
        planned = [(txn_id, *self.line(txn_id, value)) for txn_id, value in marks.items()]
        self.lines += [Line(key, t, on, amount, acc) for t, amount, acc in planned]

    def reverse(self, key: object, on: dt.date) -> None:
        originals = [line for line in self.lines if line.settlement == key]
        reversal = ("reversal of", key)
        self.lines += [Line(reversal, x.txn_id, on, -x.amount, -x.accounting) for x in originals]
        self.reversed.add(key)

    def reversal_of(self, original_id: uuid.UUID, magnitude: Decimal, on: dt.date) -> Expected:
        """A ``reversal`` transaction of ``magnitude`` of the original (pro rata accounting)."""
        original = self.txns[original_id]
        whole = abs(original.amount)
        sign = Decimal(-1) if original.amount > ZERO else Decimal(1)
        accounting = (
            -original.accounting
            if magnitude == whole
            else sign * abs(to_cents(original.accounting * magnitude / whole))
        )
        return Expected(TransactionType.REVERSAL, original.currency, sign * magnitude,
                        accounting, on)  # fmt: skip


class CollectionsActions(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        assert DATABASE is not None
        self.db = DATABASE
        self.day = START
        self.earlier = START - dt.timedelta(days=1)  # the day before the last move
        self.model = Model()
        with self.db.sessions.begin() as session:
            customer = Customer(
                account=f"SM-{next(_accounts):06d}",
                name="State Machine SA",
                currency="EUR",
                interest_code="STD",
                updated_at=NOW,
            )
            session.add(customer)
            session.flush()
            self.customer_id = customer.id
            self.scope = company_scope(session)

    # --- helpers ------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        return dt.datetime.combine(self.day, dt.time(9), tzinfo=dt.UTC)

    def open(self, txn_id: uuid.UUID) -> Decimal:
        return self.model.open_on(txn_id, self.day)[0]

    def ordered(self, ids) -> list[uuid.UUID]:
        """In voucher order: the order choices are drawn in (ids are random)."""
        return sorted(ids, key=lambda t: self.model.txns[t].voucher)

    def debits(self, currency: str | None = None) -> list[uuid.UUID]:
        return self.ordered(
            t
            for t, x in self.model.txns.items()
            if self.open(t) > ZERO and currency in (None, x.currency)
        )

    def credits(self, currency: str | None = None) -> list[uuid.UUID]:
        return self.ordered(
            t
            for t, x in self.model.txns.items()
            if self.open(t) < ZERO and currency in (None, x.currency)
        )

    def chargeable(self) -> list[uuid.UUID]:
        """Open invoices, interest and fees: what can be written off."""
        return [t for t in self.debits() if self.model.txns[t].type in DEBIT_KINDS]

    def settleable_pairs(self) -> list[str]:
        return [c for c in ("EUR", "USD") if self.debits(c) and self.credits(c)]

    def adopt(self, session, expected: dict[object, Expected]) -> dict[object, uuid.UUID]:
        """Match the transactions an action posted to what the model expects, by key.

        Fails when the action posted something the model does not expect, or missed
        something it does; the figures stay the model's (the invariants compare them).
        """
        rows = session.execute(
            select(
                CustomerTransaction.id,
                CustomerTransaction.type,
                CustomerTransaction.currency,
                CustomerTransaction.voucher,
                CustomerTransaction.reverses_transaction_id,
            ).where(
                CustomerTransaction.customer_id == self.customer_id,
                CustomerTransaction.id.not_in(list(self.model.txns)),
            )
        ).all()
        interest_of = dict(
            session.execute(
                select(InterestNoteLine.interest_transaction_id, InterestNoteLine.invoice_id).where(
                    InterestNoteLine.interest_transaction_id.in_([r.id for r in rows])
                )
            ).all()
        )
        found: dict[object, uuid.UUID] = {}
        vouchers: dict[uuid.UUID, str] = {}
        for row in rows:
            if row.type == TransactionType.REVERSAL:
                key: object = ("reversal", row.reverses_transaction_id)
            elif row.type == TransactionType.INTEREST_NOTE:
                key = ("interest", interest_of.get(row.id))
            else:
                key = (row.type, row.currency)
            assert key not in found, f"posted twice: {key}"
            found[key] = row.id
            vouchers[row.id] = row.voucher
        assert set(found) == set(expected), (sorted(map(str, found)), sorted(map(str, expected)))
        for key, txn_id in found.items():
            x = expected[key]
            self.model.txns[txn_id] = Txn(x.type, x.currency, x.amount, x.accounting, self.day,
                                          x.due or self.day, vouchers[txn_id])  # fmt: skip
        return found

    def post(self, type: TransactionType, amount: Decimal, currency: str, rate: Decimal,
             tax_rate: int = 0) -> None:  # fmt: skip
        sign = Decimal(1) if type == TransactionType.INVOICE else Decimal(-1)
        accounting = to_cents(amount * rate) if currency == "USD" else amount
        with self.db.sessions.begin() as session:
            txn = postings.post_transaction(
                session,
                customer_id=self.customer_id,
                type=type,
                amount=amount,
                posting_date=self.day,
                due_date=self.day + dt.timedelta(days=10),
                now=self.now(),
                currency=currency,
                exchange_rate=rate if currency == "USD" else None,
                dimension="SALES" if tax_rate else None,
            )
            if tax_rate:
                tax = to_cents(amount * tax_rate / (100 + tax_rate))
                session.add(
                    TransactionTax(
                        transaction_id=txn.id,
                        tax_code="VAT-STD",
                        tax_account="445710",
                        dimension="SALES",
                        amount=tax,
                        amount_accounting=to_cents(tax * accounting / amount),
                    )
                )
            self.model.txns[txn.id] = Txn(type, currency, sign * amount, sign * accounting,
                                          self.day, self.day + dt.timedelta(days=10),
                                          txn.voucher)  # fmt: skip

    def manual_settle(self, marks: dict[uuid.UUID, Decimal]) -> uuid.UUID:
        with self.db.sessions.begin() as session:
            summary = settle_marked(
                session, self.scope, marks, self.day, self.now(), created_by_id=None
            )
        self.model.settle(summary.settlement_id, marks, self.day)
        self.model.manual.append(summary.settlement_id)
        return summary.settlement_id

    def manual_reverse(self, settlement_id: uuid.UUID) -> None:
        with self.db.sessions.begin() as session:
            reverse(
                session,
                self.scope,
                settlement_id,
                self.day,
                self.now(),
                created_by_id=None,
                note=None,
            )
        self.model.reverse(settlement_id, self.day)

    def snapshot(self) -> dict[uuid.UUID, tuple[Decimal, Decimal]]:
        return {t: self.model.open_on(t, self.day) for t in self.model.txns}

    # --- rules --------------------------------------------------------------------------

    def advance(self, days: int) -> None:
        self.earlier = self.day
        self.day += dt.timedelta(days=days)

    @rule(days=st.integers(min_value=1, max_value=45))
    def next_day(self, days: int) -> None:
        self.advance(days)

    @rule(amount=amounts, tax=st.sampled_from([0, 0, 21]), usd=st.booleans(), rate=rates)
    def invoice(self, amount: Decimal, tax: int, usd: bool, rate: Decimal) -> None:
        self.post(TransactionType.INVOICE, amount, "USD" if usd else "EUR", rate, tax)

    @rule(amount=amounts, usd=st.booleans(), rate=rates)
    def payment(self, amount: Decimal, usd: bool, rate: Decimal) -> None:
        self.post(TransactionType.PAYMENT, amount, "USD" if usd else "EUR", rate)

    def _marks(self, data) -> dict[uuid.UUID, Decimal]:
        currency = data.draw(st.sampled_from(self.settleable_pairs()))
        debit = data.draw(st.sampled_from(self.debits(currency)))
        credit = data.draw(st.sampled_from(self.credits(currency)))
        most = min(self.open(debit), -self.open(credit))
        amount = data.draw(
            st.one_of(st.just(most), st.decimals(min_value=CENT, max_value=most, places=2)),
            label="settled",
        )
        return {debit: amount, credit: amount}

    @precondition(lambda self: self.settleable_pairs())
    @rule(data=st.data())
    def settle(self, data) -> None:
        self.manual_settle(self._marks(data))

    @precondition(lambda self: self.settleable_pairs())
    @rule(data=st.data(), pieces=st.integers(min_value=2, max_value=5))
    def settle_in_pieces(self, data, pieces: int) -> None:
        """One pair settled in several settlements: the last piece closes the accounting."""
        marks = self._marks(data)
        whole = next(iter(marks.values()))
        cuts = sorted(
            data.draw(
                st.sets(
                    st.integers(1, int(whole * 100) - 1),
                    min_size=min(pieces - 1, int(whole * 100) - 1),
                    max_size=pieces - 1,
                )
            )
            if whole > CENT
            else set()
        )
        bounds = [ZERO, *(Decimal(c) / 100 for c in cuts), whole]
        for low, high in itertools.pairwise(bounds):
            self.manual_settle({t: high - low for t in marks})

    @precondition(lambda self: self.settleable_pairs())
    @rule(data=st.data())
    def settle_then_reverse(self, data) -> None:
        """A settlement and its reversal leave every open amount as it was."""
        before = self.snapshot()
        self.manual_reverse(self.manual_settle(self._marks(data)))
        assert self.snapshot() == before

    @rule(data=st.data())
    def reverse_any(self, data) -> None:
        reversible = [s for s in self.model.manual if s not in self.model.reversed]
        if not reversible:
            return
        event("reverse a settlement")
        self.manual_reverse(data.draw(st.sampled_from(reversible)))

    @precondition(lambda self: self.chargeable())
    @rule(data=st.data(), separate_tax=st.booleans())
    def write_off(self, data, separate_tax: bool) -> None:
        chosen = data.draw(st.lists(st.sampled_from(self.chargeable()), min_size=1, unique=True))
        partial = data.draw(st.booleans())
        values = {t: self.open(t) for t in chosen}
        if partial:
            values = {
                t: data.draw(st.decimals(min_value=CENT, max_value=self.open(t), places=2))
                for t in chosen
            }
        with self.db.sessions.begin() as session:
            session.execute(update(ReceivablesParameters).values(separate_sales_tax=separate_tax))
            write_off(
                session,
                self.scope,
                chosen,
                reason_code="SMALL",
                write_off_date=self.day,
                now=self.now(),
                created_by_id=None,
                amounts=values if partial else None,
            )
            event("write-off", "partial" if partial else "whole")
            expected = {}
            for currency in sorted({self.model.txns[t].currency for t in chosen}):
                mine = [t for t in chosen if self.model.txns[t].currency == currency]
                amount = sum((values[t] for t in mine), ZERO)
                accounting = sum((self.model.line(t, values[t])[1] for t in mine), ZERO)
                expected[(TransactionType.WRITE_OFF, currency)] = Expected(
                    TransactionType.WRITE_OFF, currency, -amount, -accounting
                )
            found = self.adopt(session, expected)
        for (_type, currency), txn_id in found.items():
            marks = {t: values[t] for t in chosen if self.model.txns[t].currency == currency}
            marks[txn_id] = -self.model.txns[txn_id].amount
            self.model.settle(("write-off", txn_id), marks, self.day)

    @precondition(
        lambda self: any(self.model.txns[t].type == TransactionType.INVOICE for t in self.debits())
    )
    @rule(data=st.data(), days=st.integers(min_value=16, max_value=60))
    def interest(self, data, days: int) -> None:
        """Interest on what is overdue (grace 5 days, due after 10): some weeks later, or on
        the last day of an invoice's grace or the first after it."""
        due = [
            x.due + dt.timedelta(days=GRACE_DAYS + extra)
            for t, x in self.model.txns.items()
            if x.type == TransactionType.INVOICE and self.open(t) > ZERO
            for extra in (0, 1)
        ]
        edges = sorted(d for d in due if d >= self.day)
        if edges and data.draw(st.booleans(), label="on a grace edge"):
            days = (data.draw(st.sampled_from(edges)) - self.day).days
        self.advance(days)
        expected: dict[object, Expected] = {}
        for txn_id, txn in self.model.txns.items():
            if txn.type != TransactionType.INVOICE or txn.due >= self.day:
                continue
            base = self.open(txn_id)
            overdue = (self.day - txn.due).days
            start = max(txn.due, self.model.interest_to.get(txn_id, txn.due))
            if base <= ZERO or overdue <= GRACE_DAYS or start >= self.day:
                continue
            first = (start - txn.due).days + 1
            # base × rate / 100 × days / 30 per range, divided once, rounded once
            weighted = ZERO
            for low, high, rate in INTEREST_RANGES:
                days_in = min(overdue, high or overdue) - max(first, low) + 1
                if days_in > 0:
                    weighted += base * rate * days_in
            amount = to_cents(weighted / 3000)
            if amount > ZERO:
                accounting = to_cents(amount * txn.accounting / txn.amount)
                expected[("interest", txn_id)] = Expected(
                    TransactionType.INTEREST_NOTE, txn.currency, amount, accounting
                )
                self.model.interest_to[txn_id] = self.day
        if any(x.currency == "EUR" for x in expected.values()):
            expected[(TransactionType.FEE, "EUR")] = Expected(
                TransactionType.FEE, "EUR", INTEREST_FEE, INTEREST_FEE
            )
        with self.db.sessions.begin() as session:
            notes = create_interest_notes(
                session,
                self.scope,
                self.day,
                self.now(),
                customer_ids=[self.customer_id],
                created_by_id=None,
            )
            self.adopt(session, expected)
        event("interest notes", str(len(notes)))

    def _charges(self, waived: bool) -> list[uuid.UUID]:
        return self.ordered(
            t
            for t, x in self.model.txns.items()
            if x.type in CHARGE_KINDS
            and (t in self.model.waivers) == waived
            and (waived or self.open(t) > ZERO)
        )

    def _waive(self, chosen: list[uuid.UUID]) -> None:
        cancelled = {t: self.open(t) for t in chosen}
        with self.db.sessions.begin() as session:
            waive(session, self.scope, chosen, self.day, self.now(), created_by_id=None, note=None)
            found = self.adopt(
                session,
                {
                    ("reversal", t): self.model.reversal_of(t, value, self.day)
                    for t, value in cancelled.items()
                },
            )
        for t, value in cancelled.items():
            entry = found[("reversal", t)]
            key = ("waiver", entry)
            self.model.settle(key, {t: value, entry: value}, self.day)
            self.model.waivers[t] = (entry, key)

    def _reinstate(self, chosen: list[uuid.UUID]) -> None:
        entries = {t: self.model.waivers[t] for t in chosen}
        with self.db.sessions.begin() as session:
            reinstate(
                session, self.scope, chosen, self.day, self.now(), created_by_id=None, note=None
            )
            found = self.adopt(
                session,
                {
                    ("reversal", entry): self.model.reversal_of(
                        entry, abs(self.model.txns[entry].amount), self.day
                    )
                    for entry, _key in entries.values()
                },
            )
        for t, (entry, key) in entries.items():
            self.model.reverse(key, self.day)
            undo = found[("reversal", entry)]
            value = abs(self.model.txns[entry].amount)
            self.model.settle(("reinstatement", undo), {entry: value, undo: value}, self.day)
            del self.model.waivers[t]

    @rule(data=st.data())
    def waive_then_reinstate(self, data) -> None:
        """Waiving charges then reinstating them returns every open amount to the cent."""
        active = self._charges(waived=False)
        if not active:
            return
        chosen = data.draw(st.lists(st.sampled_from(active), min_size=1, unique=True))
        event("waive then reinstate")
        before = self.snapshot()
        self._waive(chosen)
        self._reinstate(chosen)
        after = self.snapshot()
        # the waivers' own entries are new and closed; every earlier figure is back
        assert {t: after[t] for t in before} == before
        assert all(after[t] == (ZERO, ZERO) for t in after if t not in before)

    @rule(data=st.data())
    def waive_some(self, data) -> None:
        active = self._charges(waived=False)
        if active:
            self._waive([data.draw(st.sampled_from(active))])

    @rule(data=st.data())
    def reinstate_some(self, data) -> None:
        waived = self._charges(waived=True)
        if waived:
            event("reinstate a waived charge")
            self._reinstate([data.draw(st.sampled_from(waived))])

    @rule(data=st.data())
    def nsf(self, data) -> None:
        """A returned payment reopens what it paid and bills the bank's NSF fee (EUR)."""
        payments = self.ordered(
            t
            for t, x in self.model.txns.items()
            if x.type == TransactionType.PAYMENT and t not in self.model.returned
        )
        if not payments:
            return
        chosen = data.draw(st.sampled_from(payments))
        event("NSF")
        payment = self.model.txns[chosen]
        expected = {
            ("reversal", chosen): self.model.reversal_of(chosen, -payment.amount, self.day),
            (TransactionType.FEE, "EUR"): Expected(TransactionType.FEE, "EUR", NSF_FEE, NSF_FEE),
        }
        with self.db.sessions.begin() as session:
            process_nsf(session, self.scope, chosen, self.day, self.now(), created_by_id=None)
            found = self.adopt(session, expected)
        touched = {line.settlement for line in self.model.lines_of(chosen)}
        for key in self.model.manual:
            if key in touched and key not in self.model.reversed:
                self.model.reverse(key, self.day)
        entry = found[("reversal", chosen)]
        self.model.settle(("nsf", entry), {chosen: -payment.amount, entry: -payment.amount},
                          self.day)  # fmt: skip
        self.model.returned.add(chosen)

    @precondition(lambda self: self.debits())
    @rule(data=st.data(), status=st.sampled_from(["disputed", "resolved", "legal"]))
    def change_status(self, data, status: str) -> None:
        chosen = data.draw(st.sampled_from(self.debits()))
        with self.db.sessions.begin() as session:
            current = session.get(CustomerTransaction, chosen).collection_status
            if current == status:
                return
            change_status(
                session,
                self.scope,
                [chosen],
                status,
                self.now(),
                changed_by_id=None,
                today=self.day,
            )

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def the_books_equal_the_model(self) -> None:
        model = self.model
        with self.db.sessions() as session:
            txns = {
                row.id: (
                    row.type,
                    row.currency,
                    row.amount,
                    row.amount_accounting,
                    row.posting_date,
                    row.closed_on,
                )
                for row in session.execute(
                    select(
                        CustomerTransaction.id,
                        CustomerTransaction.type,
                        CustomerTransaction.currency,
                        CustomerTransaction.amount,
                        CustomerTransaction.amount_accounting,
                        CustomerTransaction.posting_date,
                        CustomerTransaction.closed_on,
                    ).where(CustomerTransaction.customer_id == self.customer_id)
                )
            }
            lines = sorted(
                tuple(row)
                for row in session.execute(
                    select(
                        SettlementLine.transaction_id,
                        SettlementLine.settlement_date,
                        SettlementLine.amount,
                        SettlementLine.amount_accounting,
                    )
                    .join(
                        CustomerTransaction, CustomerTransaction.id == SettlementLine.transaction_id
                    )
                    .where(CustomerTransaction.customer_id == self.customer_id)
                )
            )
            as_of = {
                on: (
                    {
                        i.transaction_id: (i.open_amount, i.open_amount_accounting)
                        for i in balances.open_items(session, self.customer_id, on)
                    },
                    balances.balance(session, self.customer_id, on),
                )
                for on in (self.day, self.earlier)
            }
            reversible = {r.id for r in settlements_of(session, self.customer_id) if r.reversible}
        assert txns == {
            t: (x.type, x.currency, x.amount, x.accounting, x.posted, model.closed_on(t))
            for t, x in model.txns.items()
        }
        assert lines == sorted((x.txn_id, x.day, x.amount, x.accounting) for x in model.lines)
        for on, (items, balance) in as_of.items():  # today, and before the last move
            expected = {}
            for txn_id, txn in model.txns.items():
                value, accounting = model.open_on(txn_id, on)
                # never over-settled: between zero and the amount, in the transaction's sign
                assert min(txn.amount, ZERO) <= value <= max(txn.amount, ZERO), txn
                if value == ZERO:
                    assert accounting == ZERO, "nothing open must leave nothing in accounting"
                else:
                    expected[txn_id] = (value, accounting)
            assert items == expected, on
            assert balance == sum((acc for _v, acc in expected.values()), ZERO), on
        assert reversible == {s for s in model.manual if s not in model.reversed}

    @invariant()
    def every_journal_sums_to_zero(self) -> None:
        with self.db.sessions() as session:
            off = session.execute(
                select(
                    JournalLine.journal_id,
                    JournalLine.currency,
                    func.sum(JournalLine.amount),
                )
                .group_by(JournalLine.journal_id, JournalLine.currency)
                .having(func.sum(JournalLine.amount) != 0)
            ).all()
            off += session.execute(
                select(JournalLine.journal_id, func.sum(JournalLine.amount_accounting))
                .group_by(JournalLine.journal_id)
                .having(func.sum(JournalLine.amount_accounting) != 0)
            ).all()
        assert off == []

    @invariant()
    def the_aging_is_the_models(self) -> None:
        columns = [ZERO] * (len(AGING_PERIODS) + 2)
        for txn_id, txn in self.model.txns.items():
            value, accounting = self.model.open_on(txn_id, self.day)
            if value == ZERO:
                continue
            if txn.amount < ZERO:
                columns[-1] += accounting  # unapplied
                continue
            late = (self.day - txn.due).days
            if late <= 0:
                columns[0] += accounting  # current
                continue
            for index, (low, high) in enumerate(AGING_PERIODS, start=1):
                if low <= late and (high is None or late <= high):
                    columns[index] += accounting
        with self.db.sessions() as session:
            balance = balances.balance(session, self.customer_id, self.day)
            aged = [
                row
                for row in age_customers(session, self.day, self.scope).rows
                if row.customer_id == self.customer_id
            ]
        assert [list(r.columns) for r in aged] == ([columns] if any(columns) else [])
        assert sum(columns, ZERO) == balance


@pytest.fixture
def actions_db(any_db: Database) -> Iterator[Database]:
    """The machine's company: a SQLite file, then a PostgreSQL database."""
    global DATABASE
    DATABASE = any_db
    yield any_db
    DATABASE = None


def test_collections_actions_keep_the_books_exact(actions_db: Database) -> None:
    on_postgres = actions_db.engine.dialect.name == "postgresql"
    CollectionsActions.TestCase.settings = settings(
        max_examples=examples(6 if on_postgres else 12),
        stateful_step_count=steps(25),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    CollectionsActions.TestCase().runTest()
