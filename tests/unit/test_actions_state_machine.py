"""A hypothesis state machine over the collections actions on a random ledger.

Rules post invoices (some with sales tax) and payments, settle, reverse settlements, write
off (with separate sales tax), charge interest, waive and reinstate charges, return
payments as NSF and change collection statuses, on days that move forward. The machine
keeps its own model of every transaction's open amount; after every step it checks:
- the ledger's open amounts equal the model's;
- no open amount goes negative or above its original (in the transaction's sign);
- every journal sums to zero in each currency and in the accounting currency;
- the aging columns of the customer sum to its balance;
and two rules check exact inverses in one step: settle then reverse, waive then reinstate.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import func, select, update

from collections_desktop.models import ledger
from collections_desktop.models.charges import charge_states, reinstate, waive
from collections_desktop.models.collection_status import change_status
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    JournalLine,
    ReceivablesParameters,
    TransactionTax,
    TransactionType,
)
from collections_desktop.models.interest import create_interest_notes
from collections_desktop.models.nsf import process_nsf
from collections_desktop.models.scope import company_scope
from collections_desktop.models.settling import reverse, settle_marked, settlements_of
from collections_desktop.models.snapshot import age_customers
from collections_desktop.models.writeoff import write_off

START = dt.date(2026, 1, 5)
NOW = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
ZERO = Decimal(0)
CENT = Decimal("0.01")
_accounts = itertools.count(1)

amounts = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("900.00"), places=2)

DATABASE: Database | None = None
"""The test's company; every example works on a customer of its own."""


class CollectionsActions(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        assert DATABASE is not None
        self.db = DATABASE
        self.day = START
        self.open: dict[uuid.UUID, Decimal] = {}  # the model: what is open of each transaction
        self.amount: dict[uuid.UUID, Decimal] = {}
        self.type: dict[uuid.UUID, str] = {}
        self.voucher: dict[uuid.UUID, str] = {}  # the order choices are drawn in (ids are random)
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

    def ledger_open(self, session) -> dict[uuid.UUID, Decimal]:
        items = ledger.open_items(session, self.customer_id, self.day)
        found = {item.transaction_id: item.open_amount for item in items}
        return {txn_id: found.get(txn_id, ZERO) for txn_id in self.amount}

    def learn_new(self, session) -> None:
        """Add transactions an action posted to the model, open as the ledger says."""
        rows = session.execute(
            select(
                CustomerTransaction.id,
                CustomerTransaction.amount,
                CustomerTransaction.type,
                CustomerTransaction.voucher,
            ).where(
                CustomerTransaction.customer_id == self.customer_id,
                CustomerTransaction.id.not_in(list(self.amount)) if self.amount else True,
            )
        ).all()
        opens = {
            i.transaction_id: i.open_amount
            for i in ledger.open_items(session, self.customer_id, self.day)
        }
        for txn_id, amount, type_, voucher in rows:
            self.amount[txn_id] = amount
            self.type[txn_id] = type_
            self.voucher[txn_id] = voucher
            self.open[txn_id] = opens.get(txn_id, ZERO)

    def debits(self) -> list[uuid.UUID]:
        return sorted((t for t, o in self.open.items() if o > ZERO), key=self.voucher.get)

    def chargeable(self) -> list[uuid.UUID]:
        """Open invoices, interest and fees: what can be written off."""
        kinds = {TransactionType.INVOICE, TransactionType.INTEREST_NOTE, TransactionType.FEE}
        return [t for t in self.debits() if self.type[t] in kinds]

    def credits(self) -> list[uuid.UUID]:
        return sorted((t for t, o in self.open.items() if o < ZERO), key=self.voucher.get)

    def post(self, type: TransactionType, amount: Decimal, tax_rate: int = 0) -> None:
        with self.db.sessions.begin() as session:
            txn = ledger.post_transaction(
                session,
                customer_id=self.customer_id,
                type=type,
                amount=amount,
                posting_date=self.day,
                due_date=self.day + dt.timedelta(days=10),
                now=self.now(),
                dimension="SALES" if tax_rate else None,
            )
            if tax_rate:
                tax = (amount * tax_rate / (100 + tax_rate)).quantize(CENT)
                session.add(
                    TransactionTax(
                        transaction_id=txn.id,
                        tax_code="VAT-STD",
                        tax_account="445710",
                        dimension="SALES",
                        amount=tax,
                        amount_accounting=tax,
                    )
                )
            self.amount[txn.id] = txn.amount
            self.type[txn.id] = type
            self.voucher[txn.id] = txn.voucher
            self.open[txn.id] = txn.amount

    # --- rules --------------------------------------------------------------------------

    @rule(days=st.integers(min_value=1, max_value=45))
    def next_day(self, days: int) -> None:
        self.day += dt.timedelta(days=days)

    @rule(amount=amounts, tax=st.sampled_from([0, 0, 21]))
    def invoice(self, amount: Decimal, tax: int) -> None:
        self.post(TransactionType.INVOICE, amount, tax)

    @rule(amount=amounts)
    def payment(self, amount: Decimal) -> None:
        self.post(TransactionType.PAYMENT, amount)

    def _marks(self, data) -> dict[uuid.UUID, Decimal]:
        debit = data.draw(st.sampled_from(self.debits()))
        credit = data.draw(st.sampled_from(self.credits()))
        most = min(self.open[debit], -self.open[credit])
        amount = data.draw(st.decimals(min_value=CENT, max_value=most, places=2), label="settled")
        return {debit: amount, credit: amount}

    @precondition(lambda self: self.debits() and self.credits())
    @rule(data=st.data())
    def settle(self, data) -> None:
        marks = self._marks(data)
        with self.db.sessions.begin() as session:
            settle_marked(session, self.scope, marks, self.day, self.now(), created_by_id=None)
        for txn_id, amount in marks.items():
            self.open[txn_id] -= amount if self.open[txn_id] > ZERO else -amount

    @precondition(lambda self: self.debits() and self.credits())
    @rule(data=st.data())
    def settle_then_reverse(self, data) -> None:
        """A settlement and its reversal leave every open amount as it was."""
        marks = self._marks(data)
        with self.db.sessions() as session:
            before = self.ledger_open(session)
        with self.db.sessions.begin() as session:
            summary = settle_marked(
                session, self.scope, marks, self.day, self.now(), created_by_id=None
            )
        with self.db.sessions.begin() as session:
            reverse(
                session,
                self.scope,
                summary.settlement_id,
                self.day,
                self.now(),
                created_by_id=None,
                note=None,
            )
        with self.db.sessions() as session:
            assert self.ledger_open(session) == before

    @rule(data=st.data())
    def reverse_any(self, data) -> None:
        with self.db.sessions() as session:
            reversible = [r.id for r in settlements_of(session, self.customer_id) if r.reversible]
        if not reversible:
            return
        chosen = data.draw(st.sampled_from(reversible))
        event("reverse a settlement")
        with self.db.sessions.begin() as session:
            reverse(
                session, self.scope, chosen, self.day, self.now(), created_by_id=None, note=None
            )
            self.open.update(self.ledger_open(session))

    @precondition(lambda self: self.chargeable())
    @rule(data=st.data(), separate_tax=st.booleans())
    def write_off(self, data, separate_tax: bool) -> None:
        chosen = data.draw(st.lists(st.sampled_from(self.chargeable()), min_size=1, unique=True))
        partial = data.draw(st.booleans())
        amounts_ = None
        if partial:
            amounts_ = {
                t: data.draw(st.decimals(min_value=CENT, max_value=self.open[t], places=2))
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
                amounts=amounts_,
            )
        event("write-off", "partial" if partial else "whole")
        for t in chosen:
            self.open[t] -= amounts_[t] if amounts_ else self.open[t]
        with self.db.sessions() as session:
            self.learn_new(session)

    @precondition(lambda self: any(self.type[t] == TransactionType.INVOICE for t in self.debits()))
    @rule(days=st.integers(min_value=16, max_value=60))
    def interest(self, days: int) -> None:
        """Some weeks later, interest on what is overdue (grace 5 days, due after 10)."""
        self.day += dt.timedelta(days=days)
        with self.db.sessions.begin() as session:
            notes = create_interest_notes(
                session,
                self.scope,
                self.day,
                self.now(),
                customer_ids=[self.customer_id],
                created_by_id=None,
            )
        event("interest notes", str(bool(notes)))
        with self.db.sessions() as session:
            self.learn_new(session)

    def _charges(self, session, state: str) -> list[uuid.UUID]:
        ids = session.scalars(
            select(CustomerTransaction.id)
            .where(
                CustomerTransaction.customer_id == self.customer_id,
                CustomerTransaction.type.in_([TransactionType.INTEREST_NOTE, TransactionType.FEE]),
            )
            .order_by(CustomerTransaction.voucher)
        ).all()
        states = charge_states(session, ids)
        return [
            i
            for i in ids
            if states[i] == state and (state != "active" or self.open.get(i, ZERO) > ZERO)
        ]

    @rule(data=st.data())
    def waive_then_reinstate(self, data) -> None:
        """Waiving charges then reinstating them returns every balance to the cent."""
        with self.db.sessions() as session:
            active = self._charges(session, "active")
            if not active:
                return
            before = self.ledger_open(session)
            balance = ledger.balance(session, self.customer_id, self.day)
        chosen = data.draw(st.lists(st.sampled_from(active), min_size=1, unique=True))
        event("waive then reinstate")
        with self.db.sessions.begin() as session:
            waive(session, self.scope, chosen, self.day, self.now(), created_by_id=None, note=None)
        with self.db.sessions.begin() as session:
            reinstate(
                session, self.scope, chosen, self.day, self.now(), created_by_id=None, note=None
            )
        with self.db.sessions() as session:
            assert self.ledger_open(session) == before
            assert ledger.balance(session, self.customer_id, self.day) == balance
            self.learn_new(session)

    @rule(data=st.data())
    def waive_some(self, data) -> None:
        with self.db.sessions() as session:
            active = self._charges(session, "active")
        if not active:
            return
        chosen = data.draw(st.sampled_from(active))
        with self.db.sessions.begin() as session:
            waive(
                session, self.scope, [chosen], self.day, self.now(), created_by_id=None, note=None
            )
        self.open[chosen] = ZERO
        with self.db.sessions() as session:
            self.learn_new(session)

    @rule(data=st.data())
    def reinstate_some(self, data) -> None:
        with self.db.sessions() as session:
            waived = self._charges(session, "waived")
        if not waived:
            return
        chosen = data.draw(st.sampled_from(waived))
        event("reinstate a waived charge")
        with self.db.sessions.begin() as session:
            reinstate(
                session, self.scope, [chosen], self.day, self.now(), created_by_id=None, note=None
            )
            self.open.update(self.ledger_open(session))
            self.learn_new(session)

    @rule(data=st.data())
    def nsf(self, data) -> None:
        """A returned payment raises the balance by its whole amount plus the bank fee."""
        with self.db.sessions() as session:
            payments = session.scalars(
                select(CustomerTransaction.id)
                .where(
                    CustomerTransaction.customer_id == self.customer_id,
                    CustomerTransaction.type == TransactionType.PAYMENT,
                    CustomerTransaction.posting_date <= self.day,
                    CustomerTransaction.id.not_in(
                        select(CustomerTransaction.reverses_transaction_id).where(
                            CustomerTransaction.reverses_transaction_id.is_not(None)
                        )
                    ),
                )
                .order_by(CustomerTransaction.voucher)
            ).all()
            if not payments:
                return
            balance = ledger.balance(session, self.customer_id, self.day)
        chosen = data.draw(st.sampled_from(payments))
        event("NSF")
        with self.db.sessions.begin() as session:
            result = process_nsf(
                session, self.scope, chosen, self.day, self.now(), created_by_id=None
            )
        with self.db.sessions() as session:
            after = ledger.balance(session, self.customer_id, self.day)
            assert after == balance - self.amount[chosen] + result.fee_total
            self.open.update(self.ledger_open(session))
            self.learn_new(session)

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
    def the_ledger_agrees_with_the_model(self) -> None:
        with self.db.sessions() as session:
            assert self.ledger_open(session) == self.open

    @invariant()
    def no_open_amount_leaves_its_bounds(self) -> None:
        for txn_id, open_ in self.open.items():
            amount = self.amount[txn_id]
            if amount > ZERO:
                assert ZERO <= open_ <= amount
            else:
                assert amount <= open_ <= ZERO

    @invariant()
    def every_journal_sums_to_zero(self) -> None:
        with self.db.sessions() as session:
            off = session.execute(
                select(
                    JournalLine.journal_id,
                    JournalLine.currency,
                    func.sum(JournalLine.amount),
                    func.sum(JournalLine.amount_accounting),
                )
                .group_by(JournalLine.journal_id, JournalLine.currency)
                .having(
                    (func.sum(JournalLine.amount) != 0)
                    | (func.sum(JournalLine.amount_accounting) != 0)
                )
            ).all()
        assert off == []

    @invariant()
    def the_aging_columns_sum_to_the_balance(self) -> None:
        with self.db.sessions() as session:
            balance = ledger.balance(session, self.customer_id, self.day)
            aged = [
                row
                for row in age_customers(session, self.day, self.scope).rows
                if row.customer_id == self.customer_id
            ]
        assert sum((sum(r.columns, ZERO) for r in aged), ZERO) == balance


def test_collections_actions_keep_the_books_exact(sqlite_db: Database) -> None:
    global DATABASE
    DATABASE = sqlite_db
    try:
        CollectionsActions.TestCase.settings = settings(
            max_examples=50,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        CollectionsActions.TestCase().runTest()
    finally:
        DATABASE = None
