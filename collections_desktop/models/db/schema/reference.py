"""Reference data: currencies, aging definitions, receivables parameters, posting profiles,
taxes, write-off reasons, bank accounts and charges, interest codes, letter sequences, case
categories and the number counters; a supervisor changes them.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, Mutable, primary_id
from collections_desktop.models.db.schema.enums import (
    AgingBasis,
    LetterScope,
)


class Currency(Base):
    """An ISO 4217 currency and the decimals its amounts carry."""

    __tablename__ = "currencies"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    decimals: Mapped[int] = mapped_column(Integer, default=2)


class AgingDefinition(Mutable, Base):
    """A named set of aging periods and the date they count from."""

    __tablename__ = "aging_definitions"
    id: Mapped[uuid.UUID] = primary_id()
    name: Mapped[str] = mapped_column(String(100), unique=True)
    basis: Mapped[str] = mapped_column(String(20), default=AgingBasis.DUE_DATE)


class AgingPeriod(Mutable, Base):
    """One column of an aging definition: inclusive day bounds; ``to_days`` None is open-ended."""

    __tablename__ = "aging_periods"
    id: Mapped[uuid.UUID] = primary_id()
    definition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("aging_definitions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(50))
    from_days: Mapped[int] = mapped_column(Integer)
    to_days: Mapped[int | None] = mapped_column(Integer)


class ReceivablesParameters(Mutable, Base):
    """The company's receivables settings (one row)."""

    __tablename__ = "receivables_parameters"
    id: Mapped[uuid.UUID] = primary_id()
    company_name: Mapped[str]
    accounting_currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    default_aging_definition_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("aging_definitions.id")
    )
    # Write-offs post the sales tax of what is written off to the tax accounts.
    separate_sales_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    write_off_account: Mapped[str] = mapped_column(String(30), default="681000")
    # A promise is judged this many days after its date, so a payment in the post still counts.
    promise_tolerance_days: Mapped[int] = mapped_column(Integer, default=3)
    # The company's own language: the row columns of business texts are written in it.
    language: Mapped[str] = mapped_column(String(10), default="en")
    country: Mapped[str | None] = mapped_column(String(2))
    # Bank reconciliation (models/bank/matching.py): a payment that differs from what it
    # pays by at most this amount or this percent still matches; lines matched with at
    # least this confidence (0-100) are confirmed by "Confirm all".
    bank_tolerance_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    bank_tolerance_percent: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    bank_confirm_confidence: Mapped[int] = mapped_column(Integer, default=90)


class PostingProfile(Mutable, Base):
    """The ledger accounts a customer's transactions post to."""

    __tablename__ = "posting_profiles"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    receivables_account: Mapped[str] = mapped_column(String(30))
    write_off_account: Mapped[str | None] = mapped_column(String(30))


class SalesTaxCode(Mutable, Base):
    """A sales-tax code: its rate and the ledger account its tax posts to."""

    __tablename__ = "sales_tax_codes"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    rate: Mapped[Decimal]  # percent
    account: Mapped[str] = mapped_column(String(30))


class WriteOffReason(Mutable, Base):
    """Why a debt was written off; its own ledger account overrides the profile's."""

    __tablename__ = "write_off_reasons"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    description: Mapped[str]
    ledger_account: Mapped[str | None] = mapped_column(String(30))


class BankAccount(Mutable, Base):
    """A bank account payments arrive in; its charges group says what an NSF payment costs."""

    __tablename__ = "bank_accounts"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    ledger_account: Mapped[str] = mapped_column(String(30))
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    charges_group: Mapped[str | None] = mapped_column(String(30))
    # The account's IBAN (or number) as bank statements name it: a statement's payments
    # post to the bank account it belongs to.
    iban: Mapped[str | None] = mapped_column(String(34))


class BankCharge(Mutable, Base):
    """A charge of a bank charges group; ``automatic_nsf`` ones are billed on an NSF payment."""

    __tablename__ = "bank_charges"
    __table_args__ = (UniqueConstraint("charges_group", "code"),)
    id: Mapped[uuid.UUID] = primary_id()
    charges_group: Mapped[str] = mapped_column(String(30))
    code: Mapped[str] = mapped_column(String(30))
    description: Mapped[str]
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    ledger_account: Mapped[str] = mapped_column(String(30))
    automatic_nsf: Mapped[bool] = mapped_column(Boolean, default=False)


class InterestCode(Mutable, Base):
    """How interest on overdue invoices is computed, and the fee each interest note carries.

    ``method`` is "range" (each line's rate applies to the days overdue that fall in its
    range) or "interval" (each line's rate applies once per started interval of
    ``interval_days`` in its range); lines are in ``interest_code_lines``.
    """

    __tablename__ = "interest_codes"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(20), default="range")
    interval_days: Mapped[int] = mapped_column(Integer, default=30)
    grace_days: Mapped[int] = mapped_column(Integer, default=0)
    fee: Mapped[Decimal]  # in the accounting currency; 0: no fee
    interest_account: Mapped[str] = mapped_column(String(30))
    fee_account: Mapped[str] = mapped_column(String(30))


class InterestCodeLine(Mutable, Base):
    """One range of an interest code: days overdue (inclusive, open-ended when None), rate."""

    __tablename__ = "interest_code_lines"
    id: Mapped[uuid.UUID] = primary_id()
    interest_code_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("interest_codes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    from_days: Mapped[int] = mapped_column(Integer)
    to_days: Mapped[int | None] = mapped_column(Integer)
    rate: Mapped[Decimal]  # percent per interval (interval) or per 30 days (range)


class LetterSequence(Mutable, Base):
    """A collection letter sequence: its levels are in ``letter_levels``."""

    __tablename__ = "letter_sequences"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(20), default=LetterScope.CUSTOMER)
    fee_account: Mapped[str] = mapped_column(String(30))


class LetterLevel(Mutable, Base):
    """One level of a sequence: when it is due, its fee and the text of the letter."""

    __tablename__ = "letter_levels"
    __table_args__ = (UniqueConstraint("sequence_id", "level"),)
    id: Mapped[uuid.UUID] = primary_id()
    sequence_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("letter_sequences.id"))
    level: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    days_after_due: Mapped[int] = mapped_column(Integer)
    days_after_previous: Mapped[int] = mapped_column(Integer, default=0)
    fee: Mapped[Decimal]  # in the accounting currency; 0: no fee
    template: Mapped[str] = mapped_column(Text)
    # The heading printed above the letter; empty: the usual one for the level's place.
    heading: Mapped[str] = mapped_column(String(100), default="")


class CaseCategory(Mutable, Base):
    """A category of cases; collections cases use categories of type "collections"."""

    __tablename__ = "case_categories"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20), default="collections")


class ActivityCategory(Mutable, Base):
    """A category of collections activity (call, promise, dispute…); ``name`` is in the
    company's language, other languages are business texts."""

    __tablename__ = "activity_categories"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class BusinessText(Mutable, Base):
    """A business text of a row in a language other than the company's (an aging period
    label, a letter level's name or template, a write-off reason, an activity category)."""

    __tablename__ = "business_texts"
    __table_args__ = (UniqueConstraint("table_name", "row_id", "field", "language"),)
    id: Mapped[uuid.UUID] = primary_id()
    table_name: Mapped[str] = mapped_column(String(50))
    row_id: Mapped[uuid.UUID] = mapped_column(index=True)
    field: Mapped[str] = mapped_column(String(50))
    language: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)


class NumberSequence(Mutable, Base):
    """A counter that hands out human numbers (vouchers, accounts, activity ids)."""

    __tablename__ = "number_sequences"
    id: Mapped[uuid.UUID] = primary_id()
    name: Mapped[str] = mapped_column(String(50), unique=True)
    prefix: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer, default=6)
    next_value: Mapped[int] = mapped_column(Integer, default=1)
