"""Bank statements read from the bank's files, their lines, what became of each line,
the IBANs customers pay from, and the saved CSV profiles.

A statement and its lines are what the bank said: kept as read (the lines' ``state``,
customer and payment are the only columns that move). Each line has an ``import_id``
made from the bank's own reference, or from its account, date, amount and text, so the
same line read twice (the same file, an overlapping later file) is stored once.

The statement tables and the CSV profiles stay on the computer that read them (sync
catalogue: local); what a confirmed line posts is an ordinary payment and settlement,
which the team shares. The IBANs customers pay from are customer data, shared.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, Mutable, primary_id


class BankLineState(enum.StrEnum):
    """Where a statement line stands in the reconciliation."""

    OPEN = "open"  # a credit waiting to be matched
    CONFIRMED = "confirmed"  # posted as a payment (``payment_id``)
    SUSPENSE = "suspense"  # set aside: no customer found, waiting for someone who knows
    OUTGOING = "outgoing"  # money out (a debit line): not a customer's payment


class BankStatement(Base):
    """One statement (or notification) of one account, as the file gave it."""

    __tablename__ = "bank_statements"
    __table_args__ = (Index("ix_bank_statements_account_to_date", "account", "to_date"),)
    id: Mapped[uuid.UUID] = primary_id()
    account: Mapped[str] = mapped_column(String(40))  # IBAN, else the bank's account number
    currency: Mapped[str] = mapped_column(String(3))
    bank_account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bank_accounts.id"))
    statement_number: Mapped[str | None] = mapped_column(String(80))  # the bank's id
    kind: Mapped[str] = mapped_column(String(20))  # statement, notification, report
    file_format: Mapped[str] = mapped_column(String(40))  # "camt.053.001.02", "MT940", ...
    file_name: Mapped[str] = mapped_column(String(255))
    from_date: Mapped[dt.date | None]
    to_date: Mapped[dt.date | None]
    opening_balance: Mapped[Decimal | None]
    closing_balance: Mapped[Decimal | None]
    # Opening plus lines minus closing, when the user imported a statement that does not add up.
    difference: Mapped[Decimal | None]
    line_count: Mapped[int] = mapped_column(Integer)  # lines in the file
    new_lines: Mapped[int] = mapped_column(Integer)  # lines stored (the rest were known)
    notes: Mapped[str | None] = mapped_column(Text)  # what the reader found and cleaned
    imported_at: Mapped[dt.datetime]
    imported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))


class BankStatementLine(Mutable, Base):
    """One entry of a statement: what the bank said, and what became of it here."""

    __tablename__ = "bank_statement_lines"
    __table_args__ = (Index("ix_bank_statement_lines_state_booking", "state", "booking_date"),)
    id: Mapped[uuid.UUID] = primary_id()
    statement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_statements.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1-based in its statement
    import_id: Mapped[str] = mapped_column(String(64), unique=True)
    booking_date: Mapped[dt.date]
    value_date: Mapped[dt.date | None]
    amount: Mapped[Decimal]  # signed: above zero money in, below zero money out
    currency: Mapped[str] = mapped_column(String(3))
    counterparty_name: Mapped[str | None] = mapped_column(String(140))
    counterparty_iban: Mapped[str | None] = mapped_column(String(34), index=True)
    remittance: Mapped[str | None] = mapped_column(Text)
    creditor_reference: Mapped[str | None] = mapped_column(String(35))
    bank_reference: Mapped[str | None] = mapped_column(String(80))
    end_to_end_id: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(20), default=BankLineState.OPEN)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"), index=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
    state_note: Mapped[str | None] = mapped_column(Text)  # why it was set aside, undone, ...
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))


class CustomerBankAccount(Mutable, Base):
    """An IBAN a customer pays from: entered by hand or learned from a confirmed line."""

    __tablename__ = "customer_bank_accounts"
    __table_args__ = (UniqueConstraint("customer_id", "iban"),)
    id: Mapped[uuid.UUID] = primary_id()
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    iban: Mapped[str] = mapped_column(String(34), index=True)  # upper case, no spaces
    source: Mapped[str] = mapped_column(String(20))  # "entered" or "statement"


class BankCsvProfile(Mutable, Base):
    """How one bank's CSV export reads (``models/bank/formats/csv_profile.py``), saved by name."""

    __tablename__ = "bank_csv_profiles"
    id: Mapped[uuid.UUID] = primary_id()
    name: Mapped[str] = mapped_column(String(100), unique=True)
    settings: Mapped[str] = mapped_column(Text)  # JSON of ``CsvProfile``
