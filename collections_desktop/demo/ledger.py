"""One customer's two years: invoices, and how each was paid, credited, disputed, promised.

``CustomerLedger.simulate`` plans what happened to each invoice; ``emit`` turns the plan
into rows consistent with ``models.ledger``: signs, settlement lines summing to zero,
accounting amounts rounded as the ledger rounds, numbers as ``models.ledger.numbering`` makes them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from collections_desktop.demo.arithmetic import between, share, to_accounting, weekday, workday
from collections_desktop.demo.company import ACCOUNTING_CURRENCY
from collections_desktop.demo.people import CURRENCY, INVOICES_A_YEAR, SIZE_PERCENT, TYPICAL_CENTS
from collections_desktop.demo.writer import Rows
from collections_desktop.models.db.schema import ActivityType, CollectionStatus, TransactionType

if TYPE_CHECKING:
    from collections_desktop.demo.customers import Builder

_NONE, _DISPUTED, _PROMISED = (
    CollectionStatus.NONE,
    CollectionStatus.DISPUTED,
    CollectionStatus.PROMISED,
)


@dataclass(frozen=True)
class Behaviour:
    """How a credit group pays: chances per invoice, and the latest a late payment comes."""

    on_time: float
    never: float
    partial: float
    dispute: float
    promise: float
    max_late: int


BEHAVIOUR = {
    "A": Behaviour(on_time=0.88, never=0.0002, partial=0.02, dispute=0.008, promise=0.2,
                    max_late=35),
    "B": Behaviour(on_time=0.64, never=0.001, partial=0.05, dispute=0.02, promise=0.3,
                    max_late=75),
    "C": Behaviour(on_time=0.36, never=0.006, partial=0.11, dispute=0.04, promise=0.45,
                    max_late=150),
}  # fmt: skip

_PAYMENT_METHODS = {
    "ES": ("SEPA credit transfer", "SEPA direct debit", "Bank transfer"),
    "FR": ("SEPA credit transfer", "SEPA direct debit", "Cheque"),
    "PT": ("SEPA credit transfer", "Multibanco reference", "SEPA direct debit"),
    "GB": ("BACS payment", "Faster Payments", "Cheque"),
}
_CREDIT_REASONS = (
    "Returned goods", "Price correction", "Damaged on delivery", "Volume discount",
    "Short delivery",
)  # fmt: skip
_DISPUTE_REASONS = (
    "Customer says the goods arrived damaged.",
    "Price on the invoice differs from the order.",
    "Customer received fewer units than invoiced.",
    "Invoice sent to the wrong address; customer asks for a copy.",
    "Customer says this invoice duplicates an earlier one.",
    "Service not completed according to the customer.",
    "Purchase order number missing; their accounts payable cannot book it.",
)
_PROMISE_MEMOS = (
    "Will pay in the next payment run.",
    "Transfer approved by their finance director.",
    "Waiting for their own customer's payment first.",
    "Promised on the phone; confirmation sent by e-mail.",
    None,
    None,
)


INVOICE, CREDIT_NOTE, PAYMENT = 0, 1, 2
_TYPES = (TransactionType.INVOICE, TransactionType.CREDIT_NOTE, TransactionType.PAYMENT)
"""The stored type of ``INVOICE``, ``CREDIT_NOTE`` and ``PAYMENT``."""
_DOCUMENT_COUNTERS = ("invoice", "credit_note", "payment")

# One collection-status change: day, minute, from, to, (promise day, cents) or None, note.
_Change = tuple[int, int, CollectionStatus, CollectionStatus, tuple[int, int] | None, str | None]


class Txn:
    """A transaction being generated (slots: there are millions of them)."""

    __slots__ = (
        "acc", "cents", "day", "description", "doc", "due", "history", "id", "kind",
        "last_settled", "minute", "promise", "settled", "settled_acc", "status",
    )  # fmt: skip

    def __init__(self, kind: int, day: int, due: int, cents: int, description: str) -> None:
        self.kind = kind
        self.day = day
        self.due = due
        self.cents = cents  # signed like the ledger: debits > 0, credits < 0
        self.acc = cents  # the accounting-currency amount, in cents
        self.description = description
        self.status: CollectionStatus = _NONE
        self.promise: tuple[int, int] | None = None  # (day, cents)
        self.history: list[_Change] = []
        self.settled = 0
        self.settled_acc = 0
        self.last_settled = 0  # the day of the latest settlement line
        self.minute = 0
        self.doc = ""
        self.id: Any = None


@dataclass
class Activity:
    """An activity being generated: (day ordinal, minute) times; ``{doc}`` names ``about``."""

    start: tuple[int, int]
    end: tuple[int, int]
    type: str
    category: str
    purpose: str
    memo: str | None = None
    closed: tuple[int, int] | None = None
    employee: Any = None
    about: Txn | None = None


class CustomerLedger:
    """One customer's two years: invoices, and how each was paid, credited, disputed, promised.

    ``simulate`` plans what happened to each invoice; ``emit`` turns the plan into rows:
    transactions in date order (so vouchers and document numbers grow with the dates),
    then the settlements in date order (so the line that closes a transaction is known).
    """

    def __init__(
        self,
        builder: Builder,
        rng: random.Random,
        country: str,
        terms: int,
        behaviour: Behaviour,
        agent: Any,
    ) -> None:
        self.builder = builder
        self.rng = rng
        self.draw = rng.random
        self.today = builder.today
        self.country = country
        self.currency = CURRENCY[country]
        self.terms = terms
        self.behaviour = behaviour
        self.agent = agent
        self.invoices: list[Txn] = []
        self.credits: list[Txn] = []
        self.on_account: list[Txn] = []
        # (day, invoice, cents, credit note or None): what a payment or a credit note took
        # off an invoice on a day.
        self.applications: list[tuple[int, Txn, int, Txn | None]] = []
        self.activities: list[Activity] = []
        self.batch = False  # pays in payment runs: one payment for several invoices
        self.monthly_runs = False

    # -- planning

    def simulate(self, group: str, first_day: int, contact: str) -> None:
        """Plan the invoices from ``first_day`` to yesterday and what happened to each."""
        rng, draw, today = self.rng, self.draw, self.today
        yesterday = today - 1
        if first_day > yesterday:
            return
        self.batch = group != "Retail" and draw() < 0.55
        self.monthly_runs = draw() < 0.5
        typical = TYPICAL_CENTS[group] * rng.choice(SIZE_PERCENT) // 100
        per_year = INVOICES_A_YEAR[group] * rng.choice(SIZE_PERCENT)
        count = max(1, per_year * (today - first_day) // (365 * 100))
        for day in sorted(between(draw, first_day, yesterday) for _n in range(count)):
            day_of_week = weekday(day)
            if day_of_week >= 5:
                day -= day_of_week - 4  # invoices are made on working days
            cents = max(990, typical * between(draw, 30, 260) // 100 + rng.randrange(100))
            order = between(draw, 100_000, 999_999)
            invoice = Txn(INVOICE, day, day + self.terms, cents, f"Sales order SO-{order}")
            self.invoices.append(invoice)
            self._plan(invoice, contact)
        if draw() < 0.07:
            # Money received without a remittance advice stays on account until matched.
            for _n in range(rng.choice((1, 1, 2))):
                day = workday(today - between(draw, 1, 40))
                if day < today:
                    cents = rng.choice(self.invoices).cents
                    description = "Payment on account (no remittance advice)"
                    self.on_account.append(Txn(PAYMENT, day, day, -cents, description))

    def _plan(self, invoice: Txn, contact: str) -> None:
        """Decide how one invoice was paid (or not), credited, disputed or promised."""
        draw, today, behaviour = self.draw, self.today, self.behaviour
        posted, due, amount = invoice.day, invoice.due, invoice.cents
        if draw() < behaviour.dispute:
            raised = max(posted + 3, due + between(draw, -10, 20))
            if raised < today:
                self._dispute(invoice, raised)
                return
        chance = draw()
        if chance < behaviour.never:
            pay = None
        elif chance < behaviour.never + behaviour.on_time:
            pay = self._pay_day(max(posted + 1, due - between(draw, 0, min(10, self.terms // 3))))
        else:
            late = min(between(draw, 1, behaviour.max_late), between(draw, 1, behaviour.max_late))
            pay = self._pay_day(due + late)
        remaining = amount
        if draw() < 0.04:
            credited = workday(posted + between(draw, 2, 15))
            if credited < today and (pay is None or credited < pay):
                percent = self.rng.choice((10, 15, 20, 25, 50, 100))
                cents = max(1, amount * percent // 100)
                self._credit(invoice, credited, cents, self.rng.choice(_CREDIT_REASONS))
                remaining -= cents
        if remaining <= 0:
            return
        plan: list[tuple[int | None, int]] = [(pay, remaining)]
        if pay is not None and draw() < behaviour.partial:
            first = remaining * between(draw, 30, 70) // 100
            second = self._pay_day(pay + between(draw, 10, 60)) if draw() < 0.92 else None
            plan = [(pay, first), (second, remaining - first)]
        for day, cents in plan:
            if day is not None and day < today:
                self.applications.append((day, invoice, cents, None))
        late = pay is None or pay > due
        if late and due + 1 < today and draw() < behaviour.promise:
            called = due + between(draw, 1, 10)
            if called < today and (pay is None or called < pay):
                self._promise(invoice, called, pay, plan[0][1], contact)
        elif late and pay is not None and due + 5 < min(pay, today) and draw() < 0.4:
            self._reminder(invoice, due + between(draw, 3, 5), min(pay, today), contact)

    def _dispute(self, invoice: Txn, raised: int) -> None:
        """The customer disputes the invoice; resolved by a credit note or a rejection."""
        rng, draw, today = self.rng, self.draw, self.today
        reason = rng.choice(_DISPUTE_REASONS)
        minute = between(draw, 540, 1000)
        invoice.history.append((raised, minute, _NONE, _DISPUTED, None, reason))
        task = Activity(
            start=(raised, minute),
            end=(raised + between(draw, 7, 21), 1020),
            type=ActivityType.TASK,
            category="DISPUTE",
            purpose="Resolve the dispute on {doc}",
            memo=reason,
            about=invoice,
        )
        self.activities.append(task)
        resolved = raised + between(draw, 7, 100)
        if resolved >= today:
            # Still open: the collector has moved the task's date on to the next step,
            # so only a few such tasks are late on the day the demo is made.
            invoice.status = _DISPUTED
            task.end = (max(task.end[0], workday(today + between(draw, -3, 14))), 1020)
            return
        task.closed = (resolved, between(draw, 540, 1000))
        remaining = invoice.cents
        if draw() < 0.55:
            cents = max(1, invoice.cents * rng.choice((10, 20, 30, 50, 100)) // 100)
            self._credit(invoice, resolved, cents, "Dispute settled by credit note")
            remaining -= cents
            outcome = "Resolved: credit note issued."
        else:
            outcome = "Resolved: dispute rejected, the customer will pay."
        invoice.history.append((*task.closed, _DISPUTED, _NONE, None, outcome))
        pay = self._pay_day(resolved + between(draw, 2, 25))
        if remaining > 0 and pay < today:
            self.applications.append((pay, invoice, remaining, None))

    def _promise(
        self, invoice: Txn, called: int, pay: int | None, cents: int, contact: str
    ) -> None:
        """The collector calls about a late invoice and the customer promises to pay."""
        draw, today = self.draw, self.today
        minute = between(draw, 540, 1000)
        if pay is None or pay - called > 30 or draw() < 0.25:
            promised = workday(called + between(draw, 3, 14))  # a promise to be broken
        else:
            promised = pay
        memo = self.rng.choice(_PROMISE_MEMOS)
        invoice.history.append((called, minute, _NONE, _PROMISED, (promised, cents), memo))
        self.activities.append(
            Activity(
                start=(called, minute),
                end=(called, minute + 10),
                type=ActivityType.ACTION,
                category="CALL",
                purpose=f"Call {contact} about {{doc}} promise",
                memo=memo,
                closed=(called, minute + 10),
                about=invoice,
            )
        )
        if pay is not None and pay < today:
            paid = (pay, between(draw, 540, 1000))
            invoice.history.append((*paid, _PROMISED, _NONE, None, "Payment received."))
            return
        check = Activity(
            start=(called, minute + 11),
            end=(promised, 600),
            type=ActivityType.TASK,
            category="PROMISE",
            purpose="Check the payment promised for {doc}",
            about=invoice,
        )
        self.activities.append(check)
        broken = promised + between(draw, 1, 5)
        if broken < today - 7:
            # Long broken: the collector closed the promise, and the invoice is chased again.
            check.closed = (broken, between(draw, 540, 1000))
            invoice.history.append((*check.closed, _PROMISED, _NONE, None, "Promise broken."))
            return
        invoice.status = _PROMISED
        invoice.promise = (promised, cents)

    def _reminder(self, invoice: Txn, day: int, paid: int, contact: str) -> None:
        """A reminder call, and for some a reminder letter, about a late invoice."""
        minute = between(self.draw, 540, 1000)
        self.activities.append(
            Activity(
                start=(day, minute),
                end=(day, minute + 15),
                type=ActivityType.ACTION,
                category="CALL",
                purpose=f"Reminder call to {contact} about {{doc}}",
                closed=(day, minute + 15),
                about=invoice,
            )
        )
        if self.draw() < 0.3 and day + 10 < paid:
            self.activities.append(
                Activity(
                    start=(day + 10, 600),
                    end=(day + 10, 610),
                    type=ActivityType.ACTION,
                    category="LETTER",
                    purpose="Send the first reminder letter for {doc}",
                    closed=(day + 10, 610),
                    about=invoice,
                )
            )

    def _credit(self, invoice: Txn, day: int, cents: int, reason: str) -> None:
        note = Txn(CREDIT_NOTE, day, day, -cents, reason)
        self.credits.append(note)
        self.applications.append((day, invoice, cents, note))

    def _pay_day(self, day: int) -> int:
        """The day money arrives: a working day, or the customer's next payment run."""
        if not self.batch:
            return workday(day)
        if not self.monthly_runs:
            return day + (4 - weekday(day)) % 7  # Friday runs
        date = dt.date.fromordinal(day)
        if date.day <= 10:
            run = date.replace(day=10)
        elif date.day <= 25:
            run = date.replace(day=25)
        else:
            run = (date.replace(day=28) + dt.timedelta(days=4)).replace(day=10)
        return workday(run.toordinal())

    # -- rows

    def emit(self, customer_id: Any, rows: Rows) -> list[Txn]:
        """Turn the plan into transaction, settlement, line and status-history rows."""
        builder, rng, draw = self.builder, self.rng, self.draw
        codec = builder.codec
        per_cent, money = codec.money_per_cent, codec.money
        uid, day_of, stamp = codec.uid, codec.day, codec.stamp
        # Payments: one per invoice and day, or one per payment run for batch payers.
        payments: dict[tuple[int, int], list[tuple[Txn, int]]] = {}
        settlements: list[tuple[int, int, list[tuple[Txn, int]]]] = []
        for day, invoice, cents, credit in self.applications:
            if credit is not None:
                settlements.append((day, 0, [(invoice, cents), (credit, credit.cents)]))
            else:
                key = (day, 0 if self.batch else id(invoice))
                payments.setdefault(key, []).append((invoice, cents))
        methods = _PAYMENT_METHODS[self.country]
        paid: list[Txn] = []
        for (day, _key), parts in payments.items():
            merged: dict[int, list[Any]] = {}
            for invoice, cents in parts:  # a batch may pay two parts of one invoice
                merged.setdefault(id(invoice), [invoice, 0])[1] += cents
            total = sum(cents for _invoice, cents in merged.values())
            payment = Txn(PAYMENT, day, day, -total, rng.choice(methods))
            paid.append(payment)
            lines = [(invoice, cents) for invoice, cents in merged.values()]
            settlements.append((day, 1, [*lines, (payment, -total)]))

        txns = self.invoices + self.credits + paid + self.on_account
        txns.sort(key=lambda t: (t.day, t.kind))
        formats, counters = builder.formats, builder.counters
        rates, first = builder.rates, codec.first
        foreign = self.currency != ACCOUNTING_CURRENCY
        for txn in txns:
            txn.minute = 420 + int(draw() * 661)
            txn.id = uid(rng, txn.day, txn.minute)
            counter = _DOCUMENT_COUNTERS[txn.kind]
            counters[counter] += 1
            txn.doc = formats[counter] % counters[counter]
            if foreign:
                txn.acc = to_accounting(txn.cents, rates[txn.day - first])

        settlements.sort(key=lambda s: (s[0], s[1]))
        settlement_rows, line_rows = rows["settlements"], rows["settlement_lines"]
        settlement_format, line_count = formats["settlement"], 0
        for day, _order, lines in settlements:
            minute = min(1439, max(t.minute for t, _cents in lines) + 1 + int(draw() * 45))
            settlement_id = uid(rng, day, minute)
            counters["settlement"] += 1
            settlement_rows.append(
                (
                    settlement_id,
                    settlement_format % counters["settlement"],
                    customer_id,
                    day_of(day),
                    None,
                    stamp(day, minute),
                    None,
                )
            )
            settled_day = day_of(day)
            for txn, cents in lines:
                if not foreign:
                    acc = cents
                elif txn.settled + cents == txn.cents:
                    acc = txn.acc - txn.settled_acc  # the closing line takes what is left
                else:
                    acc = share(cents, txn.acc, txn.cents)
                txn.settled += cents
                txn.settled_acc += acc
                txn.last_settled = max(txn.last_settled, day)
                line_rows.append(
                    (
                        uid(rng, day, minute),
                        settlement_id,
                        txn.id,
                        settled_day,
                        cents * per_cent,
                        acc * per_cent,
                    )
                )
            line_count += len(lines)

        self._follow_ups(txns)
        txn_rows, history_rows = rows["customer_transactions"], rows["collection_status_history"]
        currency, agent, changes = self.currency, self.agent, 0
        voucher_format = formats["voucher"]
        for txn in txns:
            created = stamp(txn.day, txn.minute)
            updated, version = created, 1
            for day, minute, before, after, promise, note in txn.history:
                changed = stamp(day, minute)
                history_rows.append(
                    (
                        uid(rng, day, minute),
                        txn.id,
                        changed,
                        agent,
                        before,
                        after,
                        day_of(promise[0]) if promise else None,
                        money(promise[1]) if promise else None,
                        note,
                    )
                )
                updated, version = changed, version + 1
            changes += len(txn.history)
            counters["voucher"] += 1
            promise = txn.promise
            posted = day_of(txn.day)
            txn_rows.append(
                (
                    txn.id,
                    voucher_format % counters["voucher"],
                    customer_id,
                    _TYPES[txn.kind],
                    txn.doc,
                    posted,
                    posted,
                    day_of(txn.due),
                    currency,
                    txn.cents * per_cent,
                    txn.acc * per_cent,
                    txn.description,
                    created,
                    None,
                    txn.status,
                    day_of(promise[0]) if promise else None,
                    money(promise[1]) if promise else None,
                    day_of(txn.last_settled) if txn.settled == txn.cents else None,
                    updated,
                    version,
                )
            )
        stats = builder.stats
        stats["transactions"] += len(txns)
        stats["settlements"] += len(settlements)
        stats["settlement_lines"] += line_count
        stats["status_changes"] += changes
        return txns

    def _follow_ups(self, txns: list[Txn]) -> None:
        """Open work for the collector: overdue invoices nobody is waiting on yet."""
        rng, draw, today = self.rng, self.draw, self.today
        overdue = [
            t
            for t in txns
            if t.kind == INVOICE and t.settled < t.cents and t.due < today and t.status == _NONE
        ]
        if not overdue:
            return
        oldest = min(overdue, key=lambda t: t.due)
        open_cents = sum(t.cents - t.settled for t in overdue)
        memo = None
        if draw() < 0.3:
            amount = f"{open_cents // 100:,}.{open_cents % 100:02d}"  # exact, from cents
            memo = f"{len(overdue)} overdue invoice(s), {amount} {self.currency} open."
        more = f" and {len(overdue) - 1} more" if len(overdue) > 1 else ""
        start = min(today - 1, max(oldest.due + 1, today - between(draw, 1, 20)))
        # Planned for the coming weeks; about one in five slipped past its date already.
        if draw() < 0.2:
            end = max(start, today - between(draw, 1, 7))
        else:
            end = workday(today + between(draw, 0, 20))
        self.activities.append(
            Activity(
                start=(start, between(draw, 480, 1000)),
                end=(end, 1020),
                type=ActivityType.TASK,
                category="FOLLOWUP",
                purpose=f"Follow up overdue {oldest.doc}{more}",
                memo=memo,
            )
        )
        if today - oldest.due > 60 and open_cents > 500_000 and draw() < 0.4:
            meeting = workday(today + between(draw, 1, 14))
            self.activities.append(
                Activity(
                    start=(today - between(draw, 1, 5), between(draw, 480, 1000)),
                    end=(meeting, 660),
                    type=ActivityType.APPOINTMENT,
                    category="MEETING",
                    purpose="Meeting to agree a payment plan for the overdue balance",
                    memo=rng.choice((None, "Bring the statement of account.")),
                )
            )
