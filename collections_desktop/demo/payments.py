"""The demo's payments recorded with their method: every method, cheques in every state
(received, deposited, cleared, returned through the NSF flow), promissory notes, and a
few refunds of credit balances. Small and deterministic by seed in what they say
(customers, amounts, dates, numbers): a few dozen payments through the same rules the
app uses (``models.receipts``), after the bulk ledger, dated up to the day before
``today`` like the rest of the demo. Their keys are the rules' own (time-ordered UUIDs),
so this step is asked for (``write_demo_company(payments=True)``: the ``demo`` command and
the first start) and left out where a test compares two demos row by row."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from collections_desktop.demo.bank_statement import test_bank
from collections_desktop.kernel.money import ZERO, round_money
from collections_desktop.models.bank.parsed import ParsedFile
from collections_desktop.models.bank.store import store_file
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    Employee,
    PaymentMethod,
    PaymentState,
    Settlement,
    SettlementLine,
)
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.receipts.methods import change_state
from collections_desktop.models.receipts.record import (
    PaymentEntry,
    paying_customer,
    record_payment,
)
from collections_desktop.models.receipts.refund import RefundEntry, open_credits, refund

PAYMENTS = 16
"""How many customers pay with a recorded method."""

REFUNDS = 2
"""How many customers with a credit balance get part of it back."""

_METHODS = (
    PaymentMethod.CHEQUE,
    PaymentMethod.BANK_TRANSFER,
    PaymentMethod.CHEQUE,
    PaymentMethod.CARD,
    PaymentMethod.CHEQUE,
    PaymentMethod.PROMISSORY_NOTE,
    PaymentMethod.CASH,
    PaymentMethod.CHEQUE,
    PaymentMethod.DIRECT_DEBIT,
    PaymentMethod.CHEQUE,
)

_BANKS = ("Banco Santander", "BBVA", "CaixaBank", "Banco Sabadell", "Deutsche Bank", "BNP Paribas")

# What happens to the n-th cheque after it is received: its moves, days after the payment.
_CHEQUE_LIVES: tuple[tuple[tuple[str, int], ...], ...] = (
    (),  # still in the drawer
    ((PaymentState.DEPOSITED, 1),),
    ((PaymentState.DEPOSITED, 1), (PaymentState.CLEARED, 4)),
    ((PaymentState.DEPOSITED, 2), (PaymentState.RETURNED, 6)),
    ((PaymentState.DEPOSITED, 1), (PaymentState.CLEARED, 3)),
    (),
)


def write_demo_payments(connection: Connection, today: dt.date, seed: int) -> dict[str, int]:
    """Record the demo's payments, their cheques' moves and refunds in the caller's
    transaction; the demo's counts of transactions, settlements and their lines after it."""
    session = Session(bind=connection)
    try:
        _write(session, today - dt.timedelta(days=1), seed)
        session.flush()
        _bank_statement(session, today - dt.timedelta(days=1), seed)
        session.flush()
        return {
            "transactions": session.scalar(select(func.count(CustomerTransaction.id))) or 0,
            "settlements": session.scalar(select(func.count(Settlement.id))) or 0,
            "settlement_lines": session.scalar(select(func.count(SettlementLine.id))) or 0,
        }
    finally:
        session.close()


def _write(session: Session, today: dt.date, seed: int) -> dict[str, int]:
    """Everything up to ``today`` (the demo's last day of books)."""
    rng = random.Random(seed * 7919 + 11)
    now = dt.datetime.combine(today, dt.time(17), tzinfo=dt.UTC)
    scope = company_scope(session)
    clerk = session.scalar(select(Employee.id).order_by(Employee.number).limit(1))
    # Customers in the accounting currency, none of whose items is disputed or promised.
    marked = select(CustomerTransaction.customer_id).where(
        CustomerTransaction.collection_status != "none"
    )
    debtors = session.scalars(
        select(Customer.id)
        .where(
            Customer.currency == "EUR",
            Customer.id.not_in(marked),
            Customer.id.in_(
                select(CustomerTransaction.customer_id).where(
                    CustomerTransaction.type == "invoice",
                    CustomerTransaction.closed_on.is_(None),
                    CustomerTransaction.posting_date < today - dt.timedelta(days=45),
                )
            ),
        )
        .order_by(Customer.account)
        .limit(PAYMENTS)
    ).all()
    counts = {"payments": 0, "state changes": 0, "refunds": 0}
    cheques = 0
    for index, customer_id in enumerate(debtors):
        method = _METHODS[index % len(_METHODS)]
        # Ticks are read as of today (later settlements took the rest); a cheque is paid
        # earlier, so its life (deposit, clearing, return) has days to happen in.
        ticked = index % 3 == 1 and method != PaymentMethod.CHEQUE
        day = today if ticked else today - dt.timedelta(days=10 + (index * 3) % 30)
        found = paying_customer(session, scope, day, customer_id=customer_id)
        debits = [r for r in found.open_debits if r.currency == found.currency]
        if not debits:
            continue
        oldest = debits[0]
        share = Decimal(rng.choice((40, 60, 75, 100, 110))) / 100
        amount = round_money(sum((r.open_amount for r in debits[:3]), ZERO) * share, 2)
        if amount <= ZERO:
            continue
        ticks = {}
        if ticked and oldest.open_amount > Decimal(1):
            ticks = {oldest.id: min(amount, round_money(oldest.open_amount / 2, 2))}
            amount = ticks[oldest.id] + (Decimal("25.00") if index % 2 else ZERO)
        reference = None
        if method in (PaymentMethod.CHEQUE, PaymentMethod.PROMISSORY_NOTE):
            reference = f"{rng.randrange(1000000, 9999999)}"
        elif method == PaymentMethod.BANK_TRANSFER:
            reference = f"TRF {rng.randrange(10000, 99999)}"
        paid = record_payment(
            session,
            scope,
            PaymentEntry(
                customer_id=customer_id,
                payment_date=day,
                amount=amount,
                currency=found.currency,
                method=method,
                reference=reference,
                bank_name=rng.choice(_BANKS) if reference and method != "bank_transfer" else None,
                instrument_due_date=(
                    day + dt.timedelta(days=30) if method == PaymentMethod.PROMISSORY_NOTE else None
                ),
                allocations=ticks,
                oldest_first=not ticks,
                exchange_rate=found.rates.get(found.currency),
            ),
            now,
            created_by_id=clerk,
        )
        counts["payments"] += 1
        if method == PaymentMethod.CHEQUE:
            life = _CHEQUE_LIVES[cheques % len(_CHEQUE_LIVES)]
            cheques += 1
            for state, after in life:
                moved = min(day + dt.timedelta(days=after), today)
                change_state(
                    session,
                    scope,
                    paid.transaction_id,
                    state,
                    moved,
                    now,
                    changed_by_id=clerk,
                    note="Bank advice: insufficient funds" if state == "returned" else None,
                )
                counts["state changes"] += 1
        elif method == PaymentMethod.PROMISSORY_NOTE:
            change_state(
                session, scope, paid.transaction_id, PaymentState.DEPOSITED, day, now,
                changed_by_id=clerk,
            )  # fmt: skip
            counts["state changes"] += 1
    creditors = session.scalars(
        select(Customer.id)
        .where(
            Customer.currency == "EUR",
            Customer.id.in_(
                select(CustomerTransaction.customer_id).where(
                    CustomerTransaction.type.in_(("credit_note", "payment")),
                    CustomerTransaction.closed_on.is_(None),
                    CustomerTransaction.posting_date < today - dt.timedelta(days=3),
                )
            ),
        )
        .order_by(Customer.account)
        .limit(REFUNDS)
    ).all()
    for customer_id in creditors:
        credits = open_credits(session, scope, customer_id, today)
        if not credits:
            continue
        first = credits[0]
        amount = round_money(-first.open_amount / 2, 2)
        if amount <= ZERO:
            continue
        refund(
            session,
            scope,
            RefundEntry(
                customer_id=customer_id,
                refund_date=today - dt.timedelta(days=2),
                amount=amount,
                currency=first.currency,
                method=PaymentMethod.BANK_TRANSFER,
                reference=f"SEPA {rng.randrange(100000, 999999)}",
                credits={first.id: amount},
            ),
            now,
            created_by_id=clerk,
        )
        counts["refunds"] += 1
    return counts


DEMO_STATEMENT_LINES = 60
"""Lines of the bank statement the demo company has waiting on the reconciliation page."""


def _bank_statement(session: Session, today: dt.date, seed: int) -> None:
    """A statement of the last days, read from the bank and not yet reconciled: payments by
    reference, invoice number, IBAN and name, short payments, and lines that are nobody's."""
    statement, _truth = test_bank(session, today, lines=DEMO_STATEMENT_LINES, seed=seed)
    parsed = ParsedFile(f"camt053-{today:%Y%m%d}.xml", "camt.053.001.02", (statement,))
    now = dt.datetime.combine(today, dt.time(18), tzinfo=dt.UTC)
    store_file(session, parsed, now, imported_by_id=None)
