"""The customer ledger: posting, settlement, reversal, and open amounts as of any date.

Everything here is built from dated, immutable facts:
- a transaction posted on ``posting_date`` adds its signed ``amount`` (debits > 0, credits < 0);
- a settlement line dated ``settlement_date`` takes ``line.amount`` off its transaction's
  open amount, in the transaction's own sign; the lines of one settlement sum to zero;
- a reversal is a new settlement whose lines negate the original's.

So ``open(t, D) = t.amount - Σ lines of t dated ≤ D`` for ``t`` posted ≤ D, and a
customer's balance on ``D`` is the sum of those open amounts. Functions take a
``Session`` and add to the caller's transaction; the caller commits once per user action.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, select, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.models.db.schema import (
    CREDIT_TYPES,
    DEBIT_TYPES,
    Currency,
    Customer,
    CustomerTransaction,
    ReceivablesParameters,
    Settlement,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.money import ZERO, MoneyError, round_money, to_money
from collections_desktop.models.numbering import next_number


class LedgerError(ValueError):
    """A posting or settlement that the ledger refuses; the message says why."""


@dataclass(frozen=True)
class OpenItem:
    """A transaction with what is still open of it on a given date."""

    transaction_id: uuid.UUID
    voucher: str
    document_number: str
    type: str
    posting_date: dt.date
    document_date: dt.date
    due_date: dt.date
    currency: str
    amount: Decimal
    open_amount: Decimal
    amount_accounting: Decimal
    open_amount_accounting: Decimal
    collection_status: str


# --- posting ----------------------------------------------------------------------------


def post_transaction(
    session: Session,
    *,
    customer_id: uuid.UUID,
    type: TransactionType,
    amount: Decimal,
    posting_date: dt.date,
    now: dt.datetime,
    due_date: dt.date | None = None,
    document_date: dt.date | None = None,
    document_number: str | None = None,
    currency: str | None = None,
    exchange_rate: Decimal | None = None,
    description: str | None = None,
    created_by_id: uuid.UUID | None = None,
) -> CustomerTransaction:
    """Post a transaction; ``amount`` is the positive magnitude, the sign follows ``type``.

    ``exchange_rate`` converts the currency to the accounting currency (accounting =
    amount × rate); it is required for a foreign currency and must be 1 otherwise.
    """
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise LedgerError(_("There is no customer with id {id}.").format(id=customer_id))
    magnitude = _amount(amount, _decimals(session, currency or customer.currency))
    if magnitude <= ZERO:
        raise LedgerError(_("The amount must be greater than zero."))
    currency = currency or customer.currency
    accounting = _accounting_currency(session)
    if exchange_rate is None:
        if currency != accounting:
            raise LedgerError(
                _("An exchange rate from {currency} to {accounting} is needed.").format(
                    currency=currency, accounting=accounting
                )
            )
        exchange_rate = Decimal(1)
    if exchange_rate <= ZERO:
        raise LedgerError(_("The exchange rate must be greater than zero."))
    document_date = document_date or posting_date
    due_date = due_date or posting_date
    if due_date < document_date:
        raise LedgerError(_("The due date cannot be before the document date."))
    sign = _sign(type)
    voucher = next_number(session, "voucher", now)
    txn = CustomerTransaction(
        voucher=voucher,
        customer_id=customer_id,
        type=type,
        document_number=document_number or next_number(session, _document_sequence(type), now),
        posting_date=posting_date,
        document_date=document_date,
        due_date=due_date,
        currency=currency,
        amount=sign * magnitude,
        amount_accounting=sign
        * round_money(magnitude * exchange_rate, _decimals(session, accounting)),
        description=description,
        created_at=now,
        created_by_id=created_by_id,
        updated_at=now,
    )
    session.add(txn)
    session.flush()
    return txn


def post_invoice(session: Session, **kwargs: object) -> CustomerTransaction:
    """Post an invoice (a debit); see ``post_transaction`` for the arguments."""
    return post_transaction(session, type=TransactionType.INVOICE, **kwargs)  # type: ignore[arg-type]


def post_payment(session: Session, **kwargs: object) -> CustomerTransaction:
    """Post a payment received (a credit); see ``post_transaction`` for the arguments."""
    return post_transaction(session, type=TransactionType.PAYMENT, **kwargs)  # type: ignore[arg-type]


def post_credit_note(session: Session, **kwargs: object) -> CustomerTransaction:
    """Post a credit note (a credit); see ``post_transaction`` for the arguments."""
    return post_transaction(session, type=TransactionType.CREDIT_NOTE, **kwargs)  # type: ignore[arg-type]


# --- settlement -------------------------------------------------------------------------


def settle(
    session: Session,
    amounts: Mapping[uuid.UUID, Decimal],
    settlement_date: dt.date,
    now: dt.datetime,
    *,
    note: str | None = None,
    created_by_id: uuid.UUID | None = None,
) -> Settlement:
    """Settle the marked transactions against each other, each by the given positive amount.

    Partial amounts are allowed. The debits' amounts must equal the credits' amounts,
    all transactions belong to one customer and one currency, were posted on or before
    ``settlement_date``, and no amount may exceed what is open of its transaction on
    that date or on any later date (a later-dated settlement may already use it).
    """
    if not amounts:
        raise LedgerError(_("Mark at least one debit and one credit to settle."))
    transactions = {
        t.id: t
        for t in session.scalars(
            select(CustomerTransaction).where(CustomerTransaction.id.in_(list(amounts)))
        )
    }
    missing = set(amounts) - set(transactions)
    if missing:
        raise LedgerError(_("Transaction {id} does not exist.").format(id=missing.pop()))
    customers = {t.customer_id for t in transactions.values()}
    if len(customers) != 1:
        raise LedgerError(_("Transactions of different customers cannot be settled together."))
    currencies = {t.currency for t in transactions.values()}
    if len(currencies) != 1:
        raise LedgerError(_("Transactions in different currencies cannot be settled together."))
    places = _decimals(session, currencies.pop())
    debit_total = credit_total = ZERO
    checked: dict[uuid.UUID, Decimal] = {}
    for txn_id, raw in amounts.items():
        txn = transactions[txn_id]
        value = _amount(raw, places)
        if value <= ZERO:
            raise LedgerError(
                _("The amount to settle on {voucher} must be greater than zero.").format(
                    voucher=txn.voucher
                )
            )
        if txn.posting_date > settlement_date:
            raise LedgerError(
                _("{voucher} was posted on {posted}, after the settlement date {date}.").format(
                    voucher=txn.voucher,
                    posted=text_formats().date(txn.posting_date),
                    date=text_formats().date(settlement_date),
                )
            )
        available = settleable_amount(session, txn, settlement_date)
        if value > available:
            raise LedgerError(
                _("{voucher} has only {open} open to settle on {date}; {asked} was asked.").format(
                    voucher=txn.voucher,
                    open=text_formats().amount(available),
                    date=text_formats().date(settlement_date),
                    asked=text_formats().amount(value),
                )
            )
        if txn.amount > ZERO:
            debit_total += value
        else:
            credit_total += value
        checked[txn_id] = value
    if debit_total != credit_total:
        raise LedgerError(
            _("The marked debits ({debits}) and credits ({credits}) do not balance.").format(
                debits=text_formats().amount(debit_total),
                credits=text_formats().amount(credit_total),
            )
        )
    settlement = Settlement(
        number=next_number(session, "settlement", now),
        customer_id=customers.pop(),
        settlement_date=settlement_date,
        note=note,
        created_at=now,
        created_by_id=created_by_id,
    )
    session.add(settlement)
    session.flush()
    for txn_id, value in checked.items():
        txn = transactions[txn_id]
        sign = Decimal(1) if txn.amount > ZERO else Decimal(-1)
        session.add(
            SettlementLine(
                settlement_id=settlement.id,
                transaction_id=txn_id,
                settlement_date=settlement_date,
                amount=sign * value,
                amount_accounting=_accounting_share(session, txn, sign * value),
            )
        )
    session.flush()
    return settlement


def settle_oldest_first(
    session: Session,
    credit_id: uuid.UUID,
    settlement_date: dt.date,
    now: dt.datetime,
    *,
    amount: Decimal | None = None,
    created_by_id: uuid.UUID | None = None,
) -> Settlement | None:
    """Apply a payment or credit note to the customer's open debits, oldest due date first.

    Applies ``amount`` (default: all that is open of the credit) and returns the
    settlement, or None when there was nothing to settle against.
    """
    credit = session.get(CustomerTransaction, credit_id)
    if credit is None or credit.amount >= ZERO:
        raise LedgerError(_("Only a payment or a credit note can be applied to invoices."))
    available = settleable_amount(session, credit, settlement_date)
    remaining = (
        available if amount is None else _amount(amount, _decimals(session, credit.currency))
    )
    if remaining > available:
        raise LedgerError(
            _("{voucher} has only {open} open to apply; {asked} was asked.").format(
                voucher=credit.voucher,
                open=text_formats().amount(available),
                asked=text_formats().amount(remaining),
            )
        )
    marks: dict[uuid.UUID, Decimal] = {}
    debits = session.scalars(
        select(CustomerTransaction)
        .where(
            CustomerTransaction.customer_id == credit.customer_id,
            CustomerTransaction.currency == credit.currency,
            CustomerTransaction.amount > ZERO,
            CustomerTransaction.posting_date <= settlement_date,
        )
        .order_by(
            CustomerTransaction.due_date,
            CustomerTransaction.posting_date,
            CustomerTransaction.voucher,
        )
    )
    for debit in debits:
        if remaining <= ZERO:
            break
        take = min(remaining, settleable_amount(session, debit, settlement_date))
        if take > ZERO:
            marks[debit.id] = take
            remaining -= take
    if not marks:
        return None
    marks[credit_id] = sum(marks.values(), ZERO)
    return settle(session, marks, settlement_date, now, created_by_id=created_by_id)


def reverse_settlement(
    session: Session,
    settlement_id: uuid.UUID,
    reversal_date: dt.date,
    now: dt.datetime,
    *,
    note: str | None = None,
    created_by_id: uuid.UUID | None = None,
) -> Settlement:
    """Undo a settlement from ``reversal_date`` on by a reversing entry; its transactions reopen."""
    original = session.get(Settlement, settlement_id)
    if original is None:
        raise LedgerError(_("There is no settlement with id {id}.").format(id=settlement_id))
    if original.reverses_settlement_id is not None:
        raise LedgerError(
            _("{number} is itself a reversal and cannot be reversed.").format(
                number=original.number
            )
        )
    already = session.scalar(
        select(Settlement.number).where(Settlement.reverses_settlement_id == settlement_id)
    )
    if already:
        raise LedgerError(
            _("{number} was already reversed by {reversal}.").format(
                number=original.number, reversal=already
            )
        )
    if reversal_date < original.settlement_date:
        raise LedgerError(
            _("A settlement dated {date} cannot be reversed on an earlier date.").format(
                date=text_formats().date(original.settlement_date)
            )
        )
    reversal = Settlement(
        number=next_number(session, "settlement", now),
        customer_id=original.customer_id,
        settlement_date=reversal_date,
        reverses_settlement_id=original.id,
        note=note,
        created_at=now,
        created_by_id=created_by_id,
    )
    session.add(reversal)
    session.flush()
    lines = session.scalars(
        select(SettlementLine).where(SettlementLine.settlement_id == original.id)
    )
    for line in lines:
        session.add(
            SettlementLine(
                settlement_id=reversal.id,
                transaction_id=line.transaction_id,
                settlement_date=reversal_date,
                amount=-line.amount,
                amount_accounting=-line.amount_accounting,
            )
        )
    session.flush()
    return reversal


# --- as-of queries ----------------------------------------------------------------------


def _settled_as_of(as_of: dt.date, column: object = SettlementLine.amount):  # type: ignore[no-untyped-def]
    """Correlated sum of a transaction's settlement lines dated on or before ``as_of``."""
    return (
        select(func.coalesce(func.sum(column), 0))
        .where(
            SettlementLine.transaction_id == CustomerTransaction.id,
            SettlementLine.settlement_date <= as_of,
        )
        .correlate(CustomerTransaction)
        .scalar_subquery()
    )


def _open_items_query(as_of: dt.date) -> Select[tuple[object, ...]]:
    open_amount = type_coerce(CustomerTransaction.amount - _settled_as_of(as_of), Money())
    open_accounting = type_coerce(
        CustomerTransaction.amount_accounting
        - _settled_as_of(as_of, SettlementLine.amount_accounting),
        Money(),
    )
    return select(
        CustomerTransaction.id,
        CustomerTransaction.voucher,
        CustomerTransaction.document_number,
        CustomerTransaction.type,
        CustomerTransaction.posting_date,
        CustomerTransaction.document_date,
        CustomerTransaction.due_date,
        CustomerTransaction.currency,
        CustomerTransaction.amount,
        open_amount.label("open_amount"),
        CustomerTransaction.amount_accounting,
        open_accounting.label("open_amount_accounting"),
        CustomerTransaction.collection_status,
    ).where(CustomerTransaction.posting_date <= as_of)


def open_items(session: Session, customer_id: uuid.UUID, as_of: dt.date) -> list[OpenItem]:
    """The customer's transactions not fully settled on ``as_of``, oldest due date first."""
    query = (
        _open_items_query(as_of)
        .where(CustomerTransaction.customer_id == customer_id)
        .order_by(CustomerTransaction.due_date, CustomerTransaction.voucher)
    )
    return [OpenItem(*row) for row in session.execute(query) if row.open_amount != ZERO]


def open_amount(session: Session, transaction_id: uuid.UUID, as_of: dt.date) -> Decimal:
    """What is open of one transaction on ``as_of`` (zero before it was posted)."""
    row = session.execute(
        _open_items_query(as_of).where(CustomerTransaction.id == transaction_id)
    ).one_or_none()
    return row.open_amount if row is not None else ZERO


def balance(session: Session, customer_id: uuid.UUID, as_of: dt.date) -> Decimal:
    """The customer's balance on ``as_of`` in the accounting currency (Σ open amounts)."""
    posted = session.scalar(
        select(func.coalesce(func.sum(CustomerTransaction.amount_accounting), 0)).where(
            CustomerTransaction.customer_id == customer_id,
            CustomerTransaction.posting_date <= as_of,
        )
    )
    settled = session.scalar(
        select(func.coalesce(func.sum(SettlementLine.amount_accounting), 0))
        .join(CustomerTransaction, SettlementLine.transaction_id == CustomerTransaction.id)
        .where(
            CustomerTransaction.customer_id == customer_id,
            SettlementLine.settlement_date <= as_of,
        )
    )
    return Decimal(posted or 0) - Decimal(settled or 0)


def settleable_amount(session: Session, txn: CustomerTransaction, from_date: dt.date) -> Decimal:
    """The positive amount of ``txn`` that can still be settled on ``from_date``.

    It is the smallest open magnitude on ``from_date`` or on any later settlement date,
    so a back-dated settlement can never over-settle what later ones already used.
    """
    lines: Sequence[tuple[dt.date, Decimal]] = session.execute(
        select(SettlementLine.settlement_date, SettlementLine.amount)
        .where(SettlementLine.transaction_id == txn.id)
        .order_by(SettlementLine.settlement_date)
    ).all()
    open_now = txn.amount - sum((a for d, a in lines if d <= from_date), ZERO)
    lowest = abs(open_now)
    for day, line_amount in lines:
        if day > from_date:
            open_now -= line_amount
            lowest = min(lowest, abs(open_now))
    return lowest


# --- helpers ----------------------------------------------------------------------------


def _amount(value: object, places: int) -> Decimal:
    """An exact amount with at most the currency's decimals, or a LedgerError saying why not."""
    try:
        return to_money(value, places=places)
    except MoneyError as error:
        raise LedgerError(str(error)) from None


def _sign(type: TransactionType) -> Decimal:
    if type in DEBIT_TYPES:
        return Decimal(1)
    if type in CREDIT_TYPES:
        return Decimal(-1)
    raise LedgerError(_("{type} transactions are posted by their own action.").format(type=type))


def _document_sequence(type: TransactionType) -> str:
    return {
        TransactionType.PAYMENT: "payment",
        TransactionType.CREDIT_NOTE: "credit_note",
    }.get(type, "invoice")


def _accounting_currency(session: Session) -> str:
    code = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
    if code is None:
        raise LedgerError(_("The company's receivables parameters are not set up."))
    return code


def _decimals(session: Session, currency: str) -> int:
    decimals = session.scalar(select(Currency.decimals).where(Currency.code == currency))
    if decimals is None:
        raise LedgerError(_("Unknown currency {code}.").format(code=currency))
    return decimals


def _accounting_share(session: Session, txn: CustomerTransaction, line_amount: Decimal) -> Decimal:
    """The accounting-currency part of a settlement line, closing the last cent exactly."""
    settled = session.scalar(
        select(func.coalesce(func.sum(SettlementLine.amount_accounting), 0)).where(
            SettlementLine.transaction_id == txn.id
        )
    )
    settled_amount = session.scalar(
        select(func.coalesce(func.sum(SettlementLine.amount), 0)).where(
            SettlementLine.transaction_id == txn.id
        )
    )
    open_accounting = txn.amount_accounting - Decimal(settled or 0)
    if line_amount == txn.amount - Decimal(settled_amount or 0):
        return open_accounting
    places = _decimals(session, _accounting_currency(session))
    return round_money(line_amount * txn.amount_accounting / txn.amount, places)
