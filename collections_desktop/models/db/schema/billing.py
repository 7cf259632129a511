"""Recurring billing: a customer's monthly lines, the pending (draft) invoices a month's run
makes from them, and the lines of the invoices issued from those drafts.

Recurring lines and drafts are mutable rows (version, tombstone): a draft is edited or
deleted until it is issued. Issuing posts an invoice (``customer_transactions``) and its
lines (``invoice_lines``, a posted fact guarded by triggers like the ledger's).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, Mutable, primary_id
from collections_desktop.models.db.schema.ledger import IMMUTABLE_COLUMNS


class RecurringBillingLine(Mutable, Base):
    """A product or service billed to a customer every month from ``start_month`` (the
    first of a month) to ``end_month`` (None: until further notice)."""

    __tablename__ = "recurring_billing_lines"
    id: Mapped[uuid.UUID] = primary_id()
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str]
    quantity: Mapped[Decimal]
    unit_price: Mapped[Decimal]  # before tax, in the customer's currency
    tax_code: Mapped[str | None] = mapped_column(String(30))  # a sales_tax_codes code
    day_of_month: Mapped[int] = mapped_column(Integer)  # the invoice is due on this day
    start_month: Mapped[dt.date]
    end_month: Mapped[dt.date | None]


class PendingDocument(Mutable, Base):
    """A pending (draft) invoice: edited or deleted freely until it is issued, then it
    names the invoice posted from it and changes no more."""

    __tablename__ = "pending_documents"
    __table_args__ = (Index("ix_pending_documents_date", "document_date"),)
    id: Mapped[uuid.UUID] = primary_id()
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    document_date: Mapped[dt.date]
    due_date: Mapped[dt.date]
    billing_month: Mapped[dt.date | None]  # the month a run made it for (None: by hand)
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    exchange_rate: Mapped[Decimal | None]  # to the accounting currency; None: not known yet
    description: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    issued_transaction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customer_transactions.id"), unique=True
    )
    issued_at: Mapped[dt.datetime | None]
    issued_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))


class PendingDocumentLine(Mutable, Base):
    """A line of a draft; a run's line names its recurring line and month, once."""

    __tablename__ = "pending_document_lines"
    # A recurring line is billed once per month, whoever runs the month and how often:
    # the database refuses a second draft line (a deleted one still counts).
    __table_args__ = (
        Index(
            "uq_pending_document_lines_recurring_month",
            "recurring_line_id",
            "billing_month",
            unique=True,
            sqlite_where=text("recurring_line_id IS NOT NULL"),
            postgresql_where=text("recurring_line_id IS NOT NULL"),
        ),
    )
    id: Mapped[uuid.UUID] = primary_id()
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pending_documents.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str]
    quantity: Mapped[Decimal]
    unit_price: Mapped[Decimal]
    tax_code: Mapped[str | None] = mapped_column(String(30))
    amount: Mapped[Decimal]  # before tax: quantity × unit price unless adjusted
    recurring_line_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("recurring_billing_lines.id")
    )
    billing_month: Mapped[dt.date | None]


class InvoiceLine(Base):
    """A line of an issued invoice, as issued (a posted fact); its tax by code is in
    ``transaction_taxes``."""

    __tablename__ = "invoice_lines"
    # A draft is issued once: a second copy of its lines is refused by the database.
    __table_args__ = (
        Index("uq_invoice_lines_pending_position", "pending_document_id", "position", unique=True),
    )
    id: Mapped[uuid.UUID] = primary_id()
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
    pending_document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("pending_documents.id")
    )
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str]
    quantity: Mapped[Decimal]
    unit_price: Mapped[Decimal]
    tax_code: Mapped[str | None] = mapped_column(String(30))
    tax_rate: Mapped[Decimal | None]  # percent, as it was when issued
    amount: Mapped[Decimal]  # before tax, in the invoice's currency


# The invoice lines are posted facts: the triggers of migration 0010 guard every column.
IMMUTABLE_COLUMNS["invoice_lines"] = [c.name for c in InvoiceLine.__table__.columns]
