"""The ledger's posted facts: transactions, settlements, status history, taxes, journals,
promise results, interest notes, charge adjustments and letters, never updated or deleted
(``IMMUTABLE_COLUMNS`` lists what the triggers guard).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, primary_id
from collections_desktop.models.db.schema.enums import (
    CollectionStatus,
)

_DOCUMENT_TYPES = "type IN ('invoice', 'credit_note', 'payment')"


class CustomerTransaction(Base):
    """A posted customer transaction. Only its collection-status columns ever change."""

    __tablename__ = "customer_transactions"
    __table_args__ = (
        Index("ix_customer_transactions_customer_due", "customer_id", "due_date"),
        Index("ix_customer_transactions_customer_posting", "customer_id", "posting_date"),
        # Aging reads what is not closed on a date, and the risk score the invoices closed
        # by it (models/aging/snapshot.py); the second index covers that query entirely.
        Index("ix_customer_transactions_closed_on", "closed_on"),
        Index(
            "ix_customer_transactions_invoice_risk", "customer_id", "type", "due_date", "closed_on"
        ),
        # The promises waiting to be judged (models/actions/promises.py), a few among millions.
        Index(
            "ix_customer_transactions_promised",
            "promise_date",
            sqlite_where=text("collection_status = 'promised'"),
            postgresql_where=text("collection_status = 'promised'"),
        ),
        # A customer has a document of these kinds once under one number, whoever posts it
        # (interest notes share their note's number across their lines).
        Index(
            "uq_customer_transactions_document",
            "customer_id",
            "type",
            "document_number",
            unique=True,
            sqlite_where=text(_DOCUMENT_TYPES),
            postgresql_where=text(_DOCUMENT_TYPES),
        ),
    )
    id: Mapped[uuid.UUID] = primary_id()
    voucher: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    type: Mapped[str] = mapped_column(String(20))
    document_number: Mapped[str] = mapped_column(String(50), index=True)
    posting_date: Mapped[dt.date]
    document_date: Mapped[dt.date]
    due_date: Mapped[dt.date]
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    amount: Mapped[Decimal]
    amount_accounting: Mapped[Decimal]
    description: Mapped[str | None]
    reverses_transaction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customer_transactions.id")
    )
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    posting_profile: Mapped[str] = mapped_column(String(30), default="GEN")
    dimension: Mapped[str | None] = mapped_column(String(50))  # e.g. a department or cost centre
    bank_account: Mapped[str | None] = mapped_column(String(30))  # payments: where they arrived
    # Mutable collection state (history in collection_status_history).
    collection_status: Mapped[str] = mapped_column(String(20), default=CollectionStatus.NONE)
    promise_date: Mapped[dt.date | None]
    promise_amount: Mapped[Decimal | None]
    # Derived, kept by the ledger: the date of the settlement that left nothing open, None
    # while something is. Open on D is then zero whenever closed_on <= D, so aging joins
    # the settlement lines only of what was not closed by D (as Dynamics' CustTrans.Closed).
    closed_on: Mapped[dt.date | None]
    updated_at: Mapped[dt.datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)


class Settlement(Base):
    """A dated settlement: a group of lines that sum to zero, or the reversal of one."""

    __tablename__ = "settlements"
    id: Mapped[uuid.UUID] = primary_id()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    settlement_date: Mapped[dt.date]
    reverses_settlement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("settlements.id"), unique=True
    )
    note: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))


class SettlementLine(Base):
    """How much of one transaction a settlement closed, in the transaction's own sign.

    ``open(t, D) = t.amount - Σ line.amount`` over lines dated on or before ``D``.
    The date is copied from the settlement so that as-of sums need no join.
    """

    __tablename__ = "settlement_lines"
    __table_args__ = (
        Index("ix_settlement_lines_transaction_date", "transaction_id", "settlement_date"),
    )
    id: Mapped[uuid.UUID] = primary_id()
    settlement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("settlements.id"), index=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer_transactions.id"))
    settlement_date: Mapped[dt.date] = mapped_column(index=True)  # reports (0011)
    amount: Mapped[Decimal]
    amount_accounting: Mapped[Decimal]


class CollectionStatusChange(Base):
    """One change of a transaction's collection status: who, when, from, to, why."""

    __tablename__ = "collection_status_history"
    id: Mapped[uuid.UUID] = primary_id()
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
    changed_at: Mapped[dt.datetime] = mapped_column(index=True)  # reports (0011)
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    promise_date: Mapped[dt.date | None]
    promise_amount: Mapped[Decimal | None]
    note: Mapped[str | None] = mapped_column(Text)


class TransactionTax(Base):
    """The sales tax included in a posted transaction's amount, per tax code (a posted fact)."""

    __tablename__ = "transaction_taxes"
    id: Mapped[uuid.UUID] = primary_id()
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
    tax_code: Mapped[str] = mapped_column(String(30))
    tax_account: Mapped[str] = mapped_column(String(30))
    dimension: Mapped[str | None] = mapped_column(String(50))
    amount: Mapped[Decimal]  # in the transaction's sign and currency
    amount_accounting: Mapped[Decimal]


class Journal(Base):
    """A posted general or payment journal; its lines sum to zero per currency."""

    __tablename__ = "journals"
    id: Mapped[uuid.UUID] = primary_id()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    journal_date: Mapped[dt.date]
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"), index=True)
    reason_code: Mapped[str | None] = mapped_column(String(30))
    description: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))


class JournalLine(Base):
    """One line of a journal: debit positive, credit negative, in its currency and accounting."""

    __tablename__ = "journal_lines"
    id: Mapped[uuid.UUID] = primary_id()
    journal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journals.id"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    account_type: Mapped[str] = mapped_column(String(20))
    account: Mapped[str] = mapped_column(String(30))  # customer account or ledger account
    transaction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    amount: Mapped[Decimal]
    amount_accounting: Mapped[Decimal]
    dimension: Mapped[str | None] = mapped_column(String(50))
    posting_profile: Mapped[str | None] = mapped_column(String(30))
    tax_code: Mapped[str | None] = mapped_column(String(30))
    text: Mapped[str | None]


class PromiseResult(Base):
    """The judgement of one promise to pay, made once after its date plus the tolerance."""

    __tablename__ = "promise_results"
    id: Mapped[uuid.UUID] = primary_id()
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
    promise_change_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("collection_status_history.id"), unique=True
    )
    promise_date: Mapped[dt.date]
    promise_amount: Mapped[Decimal]
    paid_amount: Mapped[Decimal]
    outcome: Mapped[str] = mapped_column(String(20))
    evaluated_on: Mapped[dt.date]
    follow_up_activity_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("activities.id"))
    created_at: Mapped[dt.datetime]


class InterestNote(Base):
    """A posted interest note: one interest transaction per overdue invoice, plus a fee."""

    __tablename__ = "interest_notes"
    id: Mapped[uuid.UUID] = primary_id()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    note_date: Mapped[dt.date]
    interest_code: Mapped[str] = mapped_column(String(30))
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    interest: Mapped[Decimal]
    fee: Mapped[Decimal]
    fee_transaction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customer_transactions.id")
    )
    journal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journals.id"))
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))


class InterestNoteLine(Base):
    """The interest on one invoice for a period, posted as its own transaction."""

    __tablename__ = "interest_note_lines"
    # An invoice's interest period is charged once, however many runs meet it.
    __table_args__ = (
        Index("uq_interest_note_lines_period", "invoice_id", "from_date", unique=True),
    )
    id: Mapped[uuid.UUID] = primary_id()
    note_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("interest_notes.id"), index=True)
    invoice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
    interest_transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id")
    )
    from_date: Mapped[dt.date]
    to_date: Mapped[dt.date]
    days: Mapped[int] = mapped_column(Integer)
    base_amount: Mapped[Decimal]
    interest: Mapped[Decimal]


class ChargeAdjustment(Base):
    """A waiver, reinstatement or reversal of an interest or fee transaction (a posted fact)."""

    __tablename__ = "charge_adjustments"
    id: Mapped[uuid.UUID] = primary_id()
    charge_transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    adjustment_date: Mapped[dt.date]
    adjusting_transaction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customer_transactions.id")
    )
    settlement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("settlements.id"))
    journal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journals.id"))
    note: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))


class CollectionLetter(Base):
    """A posted collection letter: its text as sent (for reprints), amount and fee."""

    __tablename__ = "collection_letters"
    # One letter a day per customer (scope "customer") or per item (scope "transaction").
    __table_args__ = (
        Index(
            "uq_collection_letters_customer_date",
            "customer_id",
            "letter_date",
            unique=True,
            sqlite_where=text("item_id IS NULL"),
            postgresql_where=text("item_id IS NULL"),
        ),
        Index(
            "uq_collection_letters_item_date",
            "item_id",
            "letter_date",
            unique=True,
            sqlite_where=text("item_id IS NOT NULL"),
            postgresql_where=text("item_id IS NOT NULL"),
        ),
    )
    id: Mapped[uuid.UUID] = primary_id()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    sequence_code: Mapped[str] = mapped_column(String(30))
    level: Mapped[int] = mapped_column(Integer)
    letter_date: Mapped[dt.date]
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    amount: Mapped[Decimal]  # the overdue amount the letter asks for
    fee: Mapped[Decimal]
    fee_transaction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customer_transactions.id")
    )
    journal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journals.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    # The item a letter of scope "transaction" dunns; None for a customer's letter.
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customer_transactions.id"))


class CollectionLetterLine(Base):
    """One overdue transaction a letter names, with its open amount on the letter date."""

    __tablename__ = "collection_letter_lines"
    id: Mapped[uuid.UUID] = primary_id()
    letter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("collection_letters.id"), index=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
    open_amount: Mapped[Decimal]
    days_overdue: Mapped[int] = mapped_column(Integer)


class LetterDocument(Base):
    """A letter's PDF was written: where and when. One row per letter, never changed.

    A posted letter cannot be updated, so whether its PDF exists is kept here, apart: a
    letter without a row still needs its PDF (``letters --pdf`` writes it). ``path`` is
    None for letters posted before version 0005, whose PDFs were not tracked.
    """

    __tablename__ = "letter_documents"
    id: Mapped[uuid.UUID] = primary_id()
    letter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("collection_letters.id"), unique=True)
    path: Mapped[str | None] = mapped_column(Text)
    written_at: Mapped[dt.datetime]
    written_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))


class CustomerChange(Base):
    """One changed field of a customer record: who changed it, when, from what to what.

    A posted fact (inserted once, guarded by triggers), so the history of a credit limit
    or an account status cannot be rewritten.
    """

    __tablename__ = "customer_changes"
    id: Mapped[uuid.UUID] = primary_id()
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    changed_at: Mapped[dt.datetime]
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


IMMUTABLE_COLUMNS = {
    "customer_transactions": [
        c.name
        for c in CustomerTransaction.__table__.columns
        if c.name
        not in {
            "collection_status",
            "promise_date",
            "promise_amount",
            "closed_on",
            "updated_at",
            "version",
        }
    ],
    "settlements": [c.name for c in Settlement.__table__.columns],
    "settlement_lines": [c.name for c in SettlementLine.__table__.columns],
    "collection_status_history": [c.name for c in CollectionStatusChange.__table__.columns],
    **{
        table.__tablename__: [c.name for c in table.__table__.columns]
        for table in (
            TransactionTax,
            Journal,
            JournalLine,
            PromiseResult,
            InterestNote,
            InterestNoteLine,
            ChargeAdjustment,
            CollectionLetter,
            CollectionLetterLine,
            LetterDocument,
            CustomerChange,
        )
    },
}


"""Columns that the immutability triggers guard; every other column is mutable state."""
