"""Record a payment received: one user action, written in one transaction.

The payment is posted (a ``payment`` transaction in the customer's ledger) with its
method and reference (``payment_details``) and the first entry of its state history;
then it is settled either against the invoices the collector ticked (partial amounts
allowed) or, given only a total, against the customer's open debits oldest due date
first. What is left stays open on the payment (an unsettled payment, shown in the
Unapplied column). A payment journal debits the bank account's ledger account and
credits the customer.

Everything is checked before anything is written; a refusal raises ``ReceiptError``
saying what to change. A submit carries its own id (``submission_id``, made once per
Record payment dialog): the same submit sent twice (a retry, a second process) is refused
the second time, and a cheque or promissory note is received once per customer and number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO, MoneyError, to_money
from collections_desktop.models.company.reference import DEFAULT_BANK_ACCOUNT
from collections_desktop.models.db.schema import (
    INSTRUMENT_METHODS,
    BankAccount,
    Currency,
    Customer,
    CustomerTransaction,
    JournalAccountType,
    JournalType,
    PaymentDetails,
    PaymentMethod,
    PaymentStateChange,
    ReceivablesParameters,
)
from collections_desktop.models.ledger import postings
from collections_desktop.models.ledger import settlements as ledger_settlements
from collections_desktop.models.ledger.balances import open_amount, open_items
from collections_desktop.models.ledger.books import LedgerError
from collections_desktop.models.ledger.journals import LineDraft, post_journal
from collections_desktop.models.people.scope import AgentScope, customers_seen
from collections_desktop.models.receipts.methods import first_state, method_name
from collections_desktop.models.screens.customer_card import TransactionRow, transaction_rows


class ReceiptError(ValueError):
    """A payment that cannot be recorded (or refunded); the message says why, nothing written."""


@dataclass(frozen=True)
class PaymentEntry:
    """What the collector entered in the Record payment dialog.

    ``allocations`` maps a ticked invoice (fee, interest note) to the positive amount the
    payment settles of it; ``oldest_first`` settles the total against the open debits by
    due date instead (``allocations`` must then be empty).
    """

    customer_id: uuid.UUID
    payment_date: dt.date
    amount: Decimal
    currency: str
    method: str
    reference: str | None = None
    bank_name: str | None = None
    instrument_due_date: dt.date | None = None
    allocations: Mapping[uuid.UUID, Decimal] = field(default_factory=dict)
    oldest_first: bool = False
    exchange_rate: Decimal | None = None
    note: str | None = None
    submission_id: uuid.UUID | None = None
    bank_account: str | None = None


@dataclass(frozen=True)
class AppliedDocument:
    """A document the payment settled, and what is left open of it."""

    transaction_id: uuid.UUID
    document_number: str
    amount: Decimal  # settled, positive
    open_after: Decimal


@dataclass(frozen=True)
class RecordedPayment:
    """What ``record_payment`` wrote."""

    transaction_id: uuid.UUID
    document_number: str
    customer_id: uuid.UUID
    account: str
    amount: Decimal
    currency: str
    method: str
    state: str
    applied: tuple[AppliedDocument, ...]
    unsettled: Decimal  # what stays open on the payment
    settlement_number: str | None
    journal_number: str


def currencies(session: Session) -> list[str]:
    """The company's currency codes, the accounting currency first."""
    accounting = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
    codes = sorted(session.scalars(select(Currency.code)))
    return sorted(codes, key=lambda code: code != accounting)


def open_debits(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> list[TransactionRow]:
    """The customer's open debits on ``as_of``, oldest due date first (the dialog's grid)."""
    if not _seen(session, scope, customer_id, as_of):
        raise ReceiptError(_("This customer is not in your pools."))
    items = [i for i in open_items(session, customer_id, as_of) if i.open_amount > ZERO]
    return list(transaction_rows(session, items, as_of))


@dataclass(frozen=True)
class PayingCustomer:
    """The customer a payment is recorded for, as the dialog shows it."""

    id: uuid.UUID
    account: str
    name: str
    currency: str
    accounting_currency: str
    open_debits: tuple[TransactionRow, ...]
    rates: dict[str, Decimal]  # per foreign currency: the rate of its newest transaction

    @property
    def label(self) -> str:
        """ "C-000421 Ruiz Hermanos SL"."""
        return f"{self.account} {self.name}"


def paying_customer(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    *,
    customer_id: uuid.UUID | None = None,
    account: str | None = None,
) -> PayingCustomer:
    """The customer (by id or account) with its open debits, for the Record payment dialog."""
    query = select(Customer).where(Customer.deleted_at.is_(None))
    if customer_id is not None:
        query = query.where(Customer.id == customer_id)
    else:
        query = query.where(Customer.account == (account or "").strip())
    customer = session.scalars(query).one_or_none()
    if customer is None or not _seen(session, scope, customer.id, as_of):
        raise ReceiptError(
            _("There is no customer {account} in your pools.").format(account=account or "")
        )
    accounting = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1)) or ""
    rows = tuple(open_debits(session, scope, customer.id, as_of))
    rates: dict[str, Decimal] = {}
    for currency in {r.currency for r in rows} | {customer.currency}:
        if currency == accounting:
            continue
        newest = session.execute(
            select(CustomerTransaction.amount, CustomerTransaction.amount_accounting)
            .where(
                CustomerTransaction.customer_id == customer.id,
                CustomerTransaction.currency == currency,
            )
            .order_by(CustomerTransaction.posting_date.desc(), CustomerTransaction.voucher.desc())
            .limit(1)
        ).first()
        if newest is not None and newest.amount:
            rates[currency] = (newest.amount_accounting / newest.amount).quantize(
                Decimal("0.000001")
            )
    return PayingCustomer(
        customer.id, customer.account, customer.name, customer.currency, accounting, rows, rates
    )


def record_payment(
    session: Session,
    scope: AgentScope,
    entry: PaymentEntry,
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None,
) -> RecordedPayment:
    """Post ``entry`` as a payment, settle it and journal it (see the module docstring).

    Refused (``ReceiptError``, nothing written) for an amount that is not above zero or
    has more decimals than its currency, a date after today, a customer outside the
    scope, an unknown method or currency, an instrument without its number (a note
    without its due date), a submit or an instrument recorded before, a ticked document
    of another customer or currency, not open, or ticked above what is open, ticks that
    sum to more than the payment, or ticks together with *oldest first*. The caller commits.
    """
    fmt = text_formats()
    customer = session.get(Customer, entry.customer_id)
    if customer is None or not _seen(session, scope, entry.customer_id, now.date()):
        raise ReceiptError(_("This customer is not in your pools; you cannot record for them."))
    if entry.submission_id is not None:
        earlier = session.scalar(
            select(CustomerTransaction.document_number)
            .join(PaymentDetails, PaymentDetails.transaction_id == CustomerTransaction.id)
            .where(PaymentDetails.submission_id == entry.submission_id)
        )
        if earlier is not None:
            raise ReceiptError(
                _(
                    "This payment was already recorded as {document}; nothing was posted twice."
                ).format(document=earlier)
            )
    try:
        method = PaymentMethod(entry.method)
    except ValueError:
        raise ReceiptError(
            _("“{method}” is not a payment method.").format(method=entry.method)
        ) from None
    places = session.scalar(select(Currency.decimals).where(Currency.code == entry.currency))
    if places is None:
        raise ReceiptError(_("Unknown currency {code}.").format(code=entry.currency))
    amount = positive_amount(entry.amount, places, _("The payment's amount"))
    if entry.payment_date > now.date():
        raise ReceiptError(
            _("{date} is in the future; record a payment on the day it was received.").format(
                date=fmt.date(entry.payment_date)
            )
        )
    reference = (entry.reference or "").strip() or None
    bank_name = (entry.bank_name or "").strip() or None
    due = entry.instrument_due_date
    if method in INSTRUMENT_METHODS:
        if reference is None:
            raise ReceiptError(
                _("Enter the number of the {method}.").format(method=method_name(method).lower())
            )
        if method == PaymentMethod.PROMISSORY_NOTE and due is None:
            raise ReceiptError(_("A promissory note needs its due date."))
        if due is not None and due < entry.payment_date:
            raise ReceiptError(_("The due date cannot be before the payment's date."))
        earlier = session.scalar(
            select(CustomerTransaction.document_number)
            .join(PaymentDetails, PaymentDetails.transaction_id == CustomerTransaction.id)
            .where(
                PaymentDetails.customer_id == entry.customer_id,
                PaymentDetails.method == method,
                PaymentDetails.reference == reference,
            )
        )
        if earlier is not None:
            raise ReceiptError(
                _("{method} {number} of this customer was already recorded as {document}.").format(
                    method=method_name(method), number=reference, document=earlier
                )
            )
    else:
        due = None
    if entry.allocations and entry.oldest_first:
        raise ReceiptError(_("Either tick the invoices the payment pays, or settle oldest first."))
    allocations = _checked_allocations(session, entry, places, amount)
    if entry.oldest_first:
        allocations = _oldest_first(session, entry.customer_id, entry.currency, amount, entry)
    rate = entry.exchange_rate
    accounting = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
    if entry.currency == accounting:
        rate = None
    elif rate is None or rate <= ZERO:
        raise ReceiptError(
            _("Enter the exchange rate from {currency} to {accounting}.").format(
                currency=entry.currency, accounting=accounting
            )
        )
    bank_code = entry.bank_account or DEFAULT_BANK_ACCOUNT
    bank = session.scalar(
        select(BankAccount).where(BankAccount.code == bank_code, BankAccount.deleted_at.is_(None))
    )
    if bank is None:
        raise ReceiptError(_("The bank account {code} is not set up.").format(code=bank_code))
    note = (entry.note or "").strip() or None
    description = (
        _("{method} {reference}").format(method=method_name(method), reference=reference)
        if reference
        else method_name(method)
    )

    # Post, settle, record the method and its first state, journal.
    try:
        payment = postings.post_payment(
            session,
            customer_id=entry.customer_id,
            amount=amount,
            posting_date=entry.payment_date,
            now=now,
            currency=entry.currency,
            exchange_rate=rate,
            description=description if note is None else f"{description} · {note}",
            bank_account=bank.code,
            created_by_id=created_by_id,
        )
        settlement_number = None
        if allocations:
            marks = dict(allocations)
            marks[payment.id] = sum(allocations.values(), ZERO)
            settlement = ledger_settlements.settle(
                session,
                marks,
                entry.payment_date,
                now,
                note=_("Payment {document}").format(document=payment.document_number),
                created_by_id=created_by_id,
            )
            settlement_number = settlement.number
    except LedgerError as error:
        raise ReceiptError(str(error)) from None
    state = first_state(method)
    session.add(
        PaymentDetails(
            transaction_id=payment.id,
            customer_id=entry.customer_id,
            method=method,
            reference=reference,
            bank_name=bank_name if method in INSTRUMENT_METHODS else None,
            instrument_due_date=due,
            submission_id=entry.submission_id,
            state=state,
            state_date=entry.payment_date,
            updated_at=now,
        )
    )
    session.add(
        PaymentStateChange(
            transaction_id=payment.id,
            from_state=None,
            to_state=state,
            state_date=entry.payment_date,
            changed_at=now,
            changed_by_id=created_by_id,
            note=note,
        )
    )
    text = _("Payment {document} from {account}").format(
        document=payment.document_number, account=customer.account
    )
    journal = post_journal(
        session,
        type=JournalType.PAYMENT,
        journal_date=entry.payment_date,
        lines=[
            LineDraft(
                account_type=JournalAccountType.LEDGER,
                account=bank.ledger_account,
                currency=payment.currency,
                amount=-payment.amount,
                amount_accounting=-payment.amount_accounting,
                dimension=payment.dimension,
                text=text,
            ),
            LineDraft(
                account_type=JournalAccountType.CUSTOMER,
                account=customer.account,
                currency=payment.currency,
                amount=payment.amount,
                amount_accounting=payment.amount_accounting,
                transaction_id=payment.id,
                posting_profile=payment.posting_profile,
                dimension=payment.dimension,
                text=text,
            ),
        ],
        now=now,
        customer_id=entry.customer_id,
        reason_code="RECEIPT",
        description=text,
        created_by_id=created_by_id,
    )
    documents = {
        row.id: row.document_number
        for row in session.execute(
            select(CustomerTransaction.id, CustomerTransaction.document_number).where(
                CustomerTransaction.id.in_(list(allocations))
            )
        )
    }
    applied = tuple(
        AppliedDocument(
            txn_id, documents[txn_id], value, open_amount(session, txn_id, entry.payment_date)
        )
        for txn_id, value in allocations.items()
    )
    return RecordedPayment(
        transaction_id=payment.id,
        document_number=payment.document_number,
        customer_id=entry.customer_id,
        account=customer.account,
        amount=amount,
        currency=payment.currency,
        method=method,
        state=state,
        applied=applied,
        unsettled=amount - sum(allocations.values(), ZERO),
        settlement_number=settlement_number,
        journal_number=journal.number,
    )


# --- checks ---------------------------------------------------------------------------


def _seen(session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date) -> bool:
    return bool(customers_seen(session, scope, [customer_id], as_of))


def positive_amount(value: object, places: int, what: str) -> Decimal:
    """An exact positive amount with at most ``places`` decimals, or a ``ReceiptError``."""
    try:
        amount = to_money(value, places=places)
    except MoneyError as error:
        raise ReceiptError(f"{what}: {error}") from None
    if amount <= ZERO:
        raise ReceiptError(_("{what} must be greater than zero.").format(what=what))
    return amount


def _checked_allocations(
    session: Session, entry: PaymentEntry, places: int, amount: Decimal
) -> dict[uuid.UUID, Decimal]:
    """The ticked documents and amounts, each checked against what is open of it."""
    fmt = text_formats()
    if not entry.allocations:
        return {}
    rows = {
        txn.id: txn
        for txn in session.scalars(
            select(CustomerTransaction).where(CustomerTransaction.id.in_(list(entry.allocations)))
        )
    }
    result: dict[uuid.UUID, Decimal] = {}
    for txn_id, value in entry.allocations.items():
        txn = rows.get(txn_id)
        if txn is None:
            raise ReceiptError(_("A ticked document no longer exists. Refresh the list."))
        document = txn.document_number
        if txn.customer_id != entry.customer_id:
            raise ReceiptError(
                _("{document} belongs to another customer.").format(document=document)
            )
        if txn.amount <= ZERO:
            raise ReceiptError(
                _(
                    "{document} is not an invoice, fee or interest note; a payment cannot pay it."
                ).format(document=document)
            )
        if txn.currency != entry.currency:
            raise ReceiptError(
                _("{document} is in {currency}; the payment is in {payment}.").format(
                    document=document, currency=txn.currency, payment=entry.currency
                )
            )
        if txn.posting_date > entry.payment_date:
            raise ReceiptError(
                _("{document} was posted on {date}, after the payment's date.").format(
                    document=document, date=fmt.date(txn.posting_date)
                )
            )
        taken = positive_amount(
            value, places, _("The amount for {document}").format(document=document)
        )
        available = ledger_settlements.settleable_amount(session, txn, entry.payment_date)
        if taken > available:
            raise ReceiptError(
                _("{document} has only {open} open on {date}; {asked} was ticked.").format(
                    document=document,
                    open=fmt.amount(available),
                    date=fmt.date(entry.payment_date),
                    asked=fmt.amount(taken),
                )
            )
        result[txn_id] = taken
    total = sum(result.values(), ZERO)
    if total > amount:
        raise ReceiptError(
            _(
                "The ticked amounts total {ticked} {currency}, more than the payment's "
                "{amount}. Lower the amounts or raise the payment."
            ).format(ticked=fmt.amount(total), amount=fmt.amount(amount), currency=entry.currency)
        )
    return result


def _oldest_first(
    session: Session,
    customer_id: uuid.UUID,
    currency: str,
    amount: Decimal,
    entry: PaymentEntry,
) -> dict[uuid.UUID, Decimal]:
    """The payment spread over the open debits by due date (then posting date, voucher)."""
    remaining = amount
    result: dict[uuid.UUID, Decimal] = {}
    for item in open_items(session, customer_id, entry.payment_date):
        if remaining <= ZERO:
            break
        if item.open_amount <= ZERO or item.currency != currency:
            continue
        txn = session.get(CustomerTransaction, item.transaction_id)
        assert txn is not None  # just read
        take = min(
            remaining, ledger_settlements.settleable_amount(session, txn, entry.payment_date)
        )
        if take > ZERO:
            result[item.transaction_id] = take
            remaining -= take
    return result
