"""Posting customer transactions: one, a batch (imports, runs) with the same rules, a reversal.

A transaction posted on ``posting_date`` adds its signed ``amount`` (debits > 0, credits
< 0). Functions add to the caller's transaction; the caller commits once per user action.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Required, TypedDict, Unpack

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO, round_money
from collections_desktop.models.db.changes import note_customers
from collections_desktop.models.db.schema import (
    CREDIT_TYPES,
    DEBIT_TYPES,
    Customer,
    CustomerTransaction,
    TransactionType,
)
from collections_desktop.models.db.types import new_id
from collections_desktop.models.ledger.books import (
    Books,
    LedgerError,
    checked_amount,
    chunks,
)
from collections_desktop.models.ledger.numbering import next_number, reserve_numbers


@dataclass(frozen=True)
class Posting:
    """One transaction to post: the arguments of ``post_transaction`` as a value, for batches."""

    customer_id: uuid.UUID
    type: TransactionType
    amount: Decimal
    posting_date: dt.date
    due_date: dt.date | None = None
    document_date: dt.date | None = None
    document_number: str | None = None
    currency: str | None = None
    exchange_rate: Decimal | None = None
    description: str | None = None
    dimension: str | None = None
    bank_account: str | None = None


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
    dimension: str | None = None,
    bank_account: str | None = None,
    created_by_id: uuid.UUID | None = None,
) -> CustomerTransaction:
    """Post a transaction; ``amount`` is the positive magnitude, the sign follows ``type``.

    ``exchange_rate`` converts the currency to the accounting currency (accounting =
    amount × rate); it is required for a foreign currency and must be 1 otherwise.
    """
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise LedgerError(_("There is no customer with id {id}.").format(id=customer_id))
    posting = Posting(
        customer_id=customer_id,
        type=type,
        amount=amount,
        posting_date=posting_date,
        due_date=due_date,
        document_date=document_date,
        document_number=document_number,
        currency=currency,
        exchange_rate=exchange_rate,
        description=description,
        dimension=dimension,
        bank_account=bank_account,
    )
    values = _posting_values(
        Books.load(session), posting, customer.currency, customer.posting_profile
    )
    values["voucher"] = next_number(session, "voucher", now)
    if not document_number:
        values["document_number"] = next_number(session, _document_sequence(type), now)
    txn = CustomerTransaction(
        created_at=now,
        created_by_id=created_by_id,
        updated_at=now,
        **values,
    )
    session.add(txn)
    session.flush()
    note_customers(session, [txn.customer_id])
    return txn


def post_transactions(
    session: Session,
    postings: Sequence[Posting],
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None = None,
) -> list[uuid.UUID]:
    """Post many transactions by the rules of ``post_transaction``; returns their ids in order.

    Vouchers (and missing document numbers) are numbered in the order given. Everything is
    checked before anything is written, and the rows go in as one bulk insert, so an import
    of thousands of documents costs a handful of statements instead of several per row.
    """
    if not postings:
        return []
    customers: dict[uuid.UUID, tuple[str, str]] = {}
    for chunk in chunks(list({p.customer_id for p in postings})):
        customers.update(
            (row.id, (row.currency, row.posting_profile))
            for row in session.execute(
                select(Customer.id, Customer.currency, Customer.posting_profile).where(
                    Customer.id.in_(chunk)
                )
            )
        )
    books = Books.load(session)
    rows = []
    for posting in postings:
        if posting.customer_id not in customers:
            raise LedgerError(
                _("There is no customer with id {id}.").format(id=posting.customer_id)
            )
        rows.append(_posting_values(books, posting, *customers[posting.customer_id]))
    vouchers = reserve_numbers(session, "voucher", len(rows), now)
    unnumbered: dict[str, list[int]] = defaultdict(list)
    for index, posting in enumerate(postings):
        if not posting.document_number:
            unnumbered[_document_sequence(posting.type)].append(index)
    for sequence, indexes in unnumbered.items():
        for index, number in zip(
            indexes, reserve_numbers(session, sequence, len(indexes), now), strict=True
        ):
            rows[index]["document_number"] = number
    ids = [new_id() for _row in rows]
    session.execute(
        insert(CustomerTransaction),
        [
            {
                **row,
                "id": txn_id,
                "voucher": voucher,
                "created_at": now,
                "created_by_id": created_by_id,
                "updated_at": now,
            }
            for row, txn_id, voucher in zip(rows, ids, vouchers, strict=True)
        ],
    )
    note_customers(session, customers)
    return ids


def _posting_values(
    books: Books, posting: Posting, customer_currency: str, posting_profile: str
) -> dict[str, object]:
    """The checked column values of a posting (all but numbers and stamps); the posting rules."""
    currency = posting.currency or customer_currency
    magnitude = checked_amount(posting.amount, books.decimals(currency))
    if magnitude <= ZERO:
        raise LedgerError(_("The amount must be greater than zero."))
    accounting = books.accounting_currency()
    exchange_rate = posting.exchange_rate
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
    document_date = posting.document_date or posting.posting_date
    due_date = posting.due_date or posting.posting_date
    if due_date < document_date:
        raise LedgerError(_("The due date cannot be before the document date."))
    sign = _sign(posting.type)
    return {
        "customer_id": posting.customer_id,
        "type": posting.type,
        "document_number": posting.document_number,
        "posting_date": posting.posting_date,
        "document_date": document_date,
        "due_date": due_date,
        "currency": currency,
        "amount": sign * magnitude,
        "amount_accounting": sign
        * round_money(magnitude * exchange_rate, books.decimals(accounting)),
        "description": posting.description,
        "posting_profile": posting_profile,
        "dimension": posting.dimension,
        "bank_account": posting.bank_account,
    }


class PostingArguments(TypedDict, total=False):
    """The arguments of ``post_transaction`` but its type, for the helpers named after one."""

    customer_id: Required[uuid.UUID]
    amount: Required[Decimal]
    posting_date: Required[dt.date]
    now: Required[dt.datetime]
    due_date: dt.date | None
    document_date: dt.date | None
    document_number: str | None
    currency: str | None
    exchange_rate: Decimal | None
    description: str | None
    dimension: str | None
    bank_account: str | None
    created_by_id: uuid.UUID | None


def post_invoice(session: Session, **kwargs: Unpack[PostingArguments]) -> CustomerTransaction:
    """Post an invoice (a debit); see ``post_transaction`` for the arguments."""
    return post_transaction(session, type=TransactionType.INVOICE, **kwargs)


def post_payment(session: Session, **kwargs: Unpack[PostingArguments]) -> CustomerTransaction:
    """Post a payment received (a credit); see ``post_transaction`` for the arguments."""
    return post_transaction(session, type=TransactionType.PAYMENT, **kwargs)


def post_credit_note(session: Session, **kwargs: Unpack[PostingArguments]) -> CustomerTransaction:
    """Post a credit note (a credit); see ``post_transaction`` for the arguments."""
    return post_transaction(session, type=TransactionType.CREDIT_NOTE, **kwargs)


def post_reversal(
    session: Session,
    original_id: uuid.UUID,
    posting_date: dt.date,
    now: dt.datetime,
    *,
    amount: Decimal | None = None,
    description: str | None = None,
    created_by_id: uuid.UUID | None = None,
) -> CustomerTransaction:
    """Post a reversal of a transaction: the opposite sign, ``amount`` of it (default all).

    The reversal is a transaction of its own (type ``reversal``); the caller settles it
    against the original (waive, NSF) or against a reversal it undoes (reinstate). The
    accounting amount is the original's, exactly for a whole reversal, else pro rata.
    """
    original = session.get(CustomerTransaction, original_id)
    if original is None:
        raise LedgerError(_("There is no transaction with id {id}.").format(id=original_id))
    if posting_date < original.posting_date:
        raise LedgerError(
            _("{voucher} was posted on {date}; it cannot be reversed on an earlier date.").format(
                voucher=original.voucher, date=text_formats().date(original.posting_date)
            )
        )
    books = Books.load(session)
    whole = abs(original.amount)
    magnitude = (
        whole if amount is None else checked_amount(amount, books.decimals(original.currency))
    )
    if magnitude <= ZERO or magnitude > whole:
        raise LedgerError(
            _("A reversal of {voucher} must be more than zero and at most {whole}.").format(
                voucher=original.voucher, whole=text_formats().amount(whole)
            )
        )
    accounting = (
        original.amount_accounting
        if magnitude == whole
        else round_money(
            original.amount_accounting * magnitude / whole,
            books.decimals(books.accounting_currency()),
        )
    )
    sign = Decimal(-1) if original.amount > ZERO else Decimal(1)
    txn = CustomerTransaction(
        voucher=next_number(session, "voucher", now),
        customer_id=original.customer_id,
        type=TransactionType.REVERSAL,
        document_number=next_number(session, "reversal", now),
        posting_date=posting_date,
        document_date=posting_date,
        due_date=posting_date,
        currency=original.currency,
        amount=sign * magnitude,
        amount_accounting=-accounting if magnitude == whole else sign * abs(accounting),
        description=description,
        reverses_transaction_id=original.id,
        posting_profile=original.posting_profile,
        dimension=original.dimension,
        bank_account=original.bank_account,
        created_at=now,
        created_by_id=created_by_id,
        updated_at=now,
    )
    session.add(txn)
    session.flush()
    note_customers(session, [txn.customer_id])
    return txn


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
