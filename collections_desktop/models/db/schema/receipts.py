"""Payments received: how each was paid (method, reference, an instrument's bank and due
date, where its money stands) and the insert-only history of its states.

``payment_details`` is mutable state beside the posted payment (its ``state`` moves as a
cheque is deposited, cleared or returned; ``version`` guards each move); every move is
also a ``payment_state_history`` row, a posted fact (``IMMUTABLE_COLUMNS``).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, Mutable, primary_id

_INSTRUMENTS = "method IN ('cheque', 'promissory_note')"


class PaymentDetails(Mutable, Base):
    """How a payment was made and where its money stands now (one row per payment)."""

    __tablename__ = "payment_details"
    __table_args__ = (
        Index("ix_payment_details_method_state", "method", "state"),
        # A cheque or a note is received once: its number per customer and method.
        Index(
            "uq_payment_details_instrument",
            "customer_id",
            "method",
            "reference",
            unique=True,
            sqlite_where=text(_INSTRUMENTS),
            postgresql_where=text(_INSTRUMENTS),
        ),
    )
    id: Mapped[uuid.UUID] = primary_id()
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), unique=True
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(100))  # a cheque's number
    bank_name: Mapped[str | None] = mapped_column(String(100))  # the drawee bank
    instrument_due_date: Mapped[dt.date | None]  # a promissory note's (or post-dated cheque's)
    # One submit of the Record payment dialog: a retry of the same submit posts nothing.
    submission_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    state: Mapped[str] = mapped_column(String(20))
    state_date: Mapped[dt.date]
    receipt_printed_at: Mapped[dt.datetime | None]  # a later print is marked COPY


class PaymentStateChange(Base):
    """One move of a payment's state: from, to, on which date, who and when (insert-only)."""

    __tablename__ = "payment_state_history"
    id: Mapped[uuid.UUID] = primary_id()
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
    from_state: Mapped[str | None] = mapped_column(String(20))  # None: the payment's first
    to_state: Mapped[str] = mapped_column(String(20))
    state_date: Mapped[dt.date]
    changed_at: Mapped[dt.datetime]
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    note: Mapped[str | None] = mapped_column(Text)


IMMUTABLE_COLUMNS = {
    "payment_state_history": [c.name for c in PaymentStateChange.__table__.columns],
}
"""The posted table of this module (merged into the schema's ``IMMUTABLE_COLUMNS``)."""
