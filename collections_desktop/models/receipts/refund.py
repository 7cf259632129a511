"""Refund a customer's credit balance: money paid back out of credit notes or overpayments.

As in Dynamics 365's collections, a refund is a debit in the customer's ledger (a
``refund`` transaction) settled at once against the credits it pays out: the ones the
collector picks (partial amounts allowed), else the oldest first up to the amount. A
payment journal debits the customer and credits the bank account's ledger account. One
transaction; everything is checked first (``ReceiptError``, nothing written).
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
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.company.reference import DEFAULT_BANK_ACCOUNT
from collections_desktop.models.db.schema import (
    BankAccount,
    Currency,
    Customer,
    CustomerTransaction,
    JournalAccountType,
    JournalType,
    ReceivablesParameters,
    TransactionType,
)
from collections_desktop.models.ledger import postings
from collections_desktop.models.ledger import settlements as ledger_settlements
from collections_desktop.models.ledger.balances import open_items
from collections_desktop.models.ledger.books import LedgerError
from collections_desktop.models.ledger.journals import LineDraft, post_journal
from collections_desktop.models.ledger.numbering import next_number
from collections_desktop.models.people.scope import AgentScope, customers_seen
from collections_desktop.models.receipts.methods import method_name
from collections_desktop.models.receipts.record import ReceiptError, positive_amount
from collections_desktop.models.screens.customer_card import TransactionRow, transaction_rows


@dataclass(frozen=True)
class RefundEntry:
    """What the collector entered: the refund and the credits it uses (positive amounts)."""

    customer_id: uuid.UUID
    refund_date: dt.date
    amount: Decimal
    currency: str
    method: str
    reference: str | None = None
    credits: Mapping[uuid.UUID, Decimal] = field(default_factory=dict)
    note: str | None = None
    bank_account: str | None = None


@dataclass(frozen=True)
class RefundResult:
    """What ``refund`` wrote."""

    transaction_id: uuid.UUID
    document_number: str
    amount: Decimal
    currency: str
    credits: tuple[tuple[str, Decimal], ...]  # (document, amount used)
    settlement_number: str
    journal_number: str


def open_credits(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> list[TransactionRow]:
    """The customer's open credits on ``as_of``, oldest first (the refund dialog's grid)."""
    if not customers_seen(session, scope, [customer_id], as_of):
        raise ReceiptError(_("This customer is not in your pools."))
    items = sorted(
        (i for i in open_items(session, customer_id, as_of) if i.open_amount < ZERO),
        key=lambda i: (i.posting_date, i.voucher),
    )
    return list(transaction_rows(session, items, as_of))


def refund(
    session: Session,
    scope: AgentScope,
    entry: RefundEntry,
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None,
) -> RefundResult:
    """Pay ``entry.amount`` back to the customer out of its credits (see the module docstring).

    Refused for an amount not above zero or with too many decimals, a date after today,
    a customer outside the scope, a picked document that is not an open credit of this
    customer in this currency, picks above what is open or not summing to the amount,
    or (picking none) an amount above the open credits. The caller commits.
    """
    fmt = text_formats()
    customer = session.get(Customer, entry.customer_id)
    if customer is None or not customers_seen(session, scope, [entry.customer_id], now.date()):
        raise ReceiptError(_("This customer is not in your pools; you cannot refund them."))
    places = session.scalar(select(Currency.decimals).where(Currency.code == entry.currency))
    if places is None:
        raise ReceiptError(_("Unknown currency {code}.").format(code=entry.currency))
    amount = positive_amount(entry.amount, places, _("The refund's amount"))
    if entry.refund_date > now.date():
        raise ReceiptError(
            _("{date} is in the future; record a refund on the day it is paid.").format(
                date=fmt.date(entry.refund_date)
            )
        )
    uses: dict[uuid.UUID, Decimal] = {}
    documents: dict[uuid.UUID, str] = {}
    rates: list[tuple[Decimal, Decimal]] = []
    if entry.credits:
        for txn_id, value in entry.credits.items():
            txn = session.get(CustomerTransaction, txn_id)
            if txn is None or txn.customer_id != entry.customer_id or txn.amount >= ZERO:
                raise ReceiptError(
                    _("A picked document is not a credit of this customer. Refresh the list.")
                )
            if txn.currency != entry.currency:
                raise ReceiptError(
                    _("{document} is in {currency}; the refund is in {refund}.").format(
                        document=txn.document_number, currency=txn.currency, refund=entry.currency
                    )
                )
            taken = positive_amount(
                value, places, _("The amount for {document}").format(document=txn.document_number)
            )
            available = ledger_settlements.settleable_amount(session, txn, entry.refund_date)
            if taken > available:
                raise ReceiptError(
                    _("{document} has only {open} open on {date}; {asked} was picked.").format(
                        document=txn.document_number,
                        open=fmt.amount(available),
                        date=fmt.date(entry.refund_date),
                        asked=fmt.amount(taken),
                    )
                )
            uses[txn_id] = taken
            documents[txn_id] = txn.document_number
            rates.append((txn.amount, txn.amount_accounting))
        picked = sum(uses.values(), ZERO)
        if picked != amount:
            raise ReceiptError(
                _(
                    "The picked credits total {picked} {currency}; the refund is {amount}. "
                    "Refund what is picked."
                ).format(
                    picked=fmt.amount(picked), amount=fmt.amount(amount), currency=entry.currency
                )
            )
    else:
        remaining = amount
        for item in open_credits(session, scope, entry.customer_id, entry.refund_date):
            if remaining <= ZERO:
                break
            if item.currency != entry.currency:
                continue
            txn = session.get(CustomerTransaction, item.id)
            assert txn is not None  # just read
            take = min(
                remaining, ledger_settlements.settleable_amount(session, txn, entry.refund_date)
            )
            if take > ZERO:
                uses[txn.id] = take
                documents[txn.id] = txn.document_number
                rates.append((txn.amount, txn.amount_accounting))
                remaining -= take
        if remaining > ZERO:
            raise ReceiptError(
                _(
                    "{account} has only {open} {currency} of credit to refund on {date}; "
                    "{amount} was asked."
                ).format(
                    account=customer.account,
                    open=fmt.amount(amount - remaining),
                    currency=entry.currency,
                    date=fmt.date(entry.refund_date),
                    amount=fmt.amount(amount),
                )
            )
    accounting = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
    rate = None
    if entry.currency != accounting:
        # The credits' own rate (weighted): the refund leaves no exchange difference behind.
        rate = sum((acc for _amt, acc in rates), ZERO) / sum((amt for amt, _acc in rates), ZERO)
    bank_code = entry.bank_account or DEFAULT_BANK_ACCOUNT
    bank = session.scalar(
        select(BankAccount).where(BankAccount.code == bank_code, BankAccount.deleted_at.is_(None))
    )
    if bank is None:
        raise ReceiptError(_("The bank account {code} is not set up.").format(code=bank_code))
    reference = (entry.reference or "").strip()
    description = _("Refund by {method}").format(method=method_name(entry.method).lower())
    if reference:
        description = f"{description} {reference}"
    note = (entry.note or "").strip()
    try:
        posted = postings.post_transaction(
            session,
            customer_id=entry.customer_id,
            type=TransactionType.REFUND,
            amount=amount,
            posting_date=entry.refund_date,
            now=now,
            document_number=next_number(session, "refund", now),
            currency=entry.currency,
            exchange_rate=rate,
            description=f"{description} · {note}" if note else description,
            bank_account=bank.code,
            created_by_id=created_by_id,
        )
        marks = dict(uses)
        marks[posted.id] = amount
        settlement = ledger_settlements.settle(
            session, marks, entry.refund_date, now, note=description, created_by_id=created_by_id
        )
    except LedgerError as error:
        raise ReceiptError(str(error)) from None
    text = _("Refund {document} to {account}").format(
        document=posted.document_number, account=customer.account
    )
    journal = post_journal(
        session,
        type=JournalType.PAYMENT,
        journal_date=entry.refund_date,
        lines=[
            LineDraft(
                account_type=JournalAccountType.CUSTOMER,
                account=customer.account,
                currency=posted.currency,
                amount=posted.amount,
                amount_accounting=posted.amount_accounting,
                transaction_id=posted.id,
                posting_profile=posted.posting_profile,
                text=text,
            ),
            LineDraft(
                account_type=JournalAccountType.LEDGER,
                account=bank.ledger_account,
                currency=posted.currency,
                amount=-posted.amount,
                amount_accounting=-posted.amount_accounting,
                text=text,
            ),
        ],
        now=now,
        customer_id=entry.customer_id,
        reason_code="REFUND",
        description=text,
        created_by_id=created_by_id,
    )
    return RefundResult(
        transaction_id=posted.id,
        document_number=posted.document_number,
        amount=amount,
        currency=posted.currency,
        credits=tuple((documents[txn_id], value) for txn_id, value in uses.items()),
        settlement_number=settlement.number,
        journal_number=journal.number,
    )
