"""The mapped classes of the schema (SQLAlchemy 2, typed).

Data rules (see docs/ARCHITECTURE.md):
- every table has a UUIDv7 ``id`` (derived snapshot lines are keyed by their header);
  users see human numbers (account, voucher) kept as unique text;
- money is ``Money`` (exact integers of 1/10,000), always next to a currency;
- posted facts (transactions, settlements, status history) are never updated or deleted;
  database triggers created by migration 0001 enforce it, corrections are new entries;
- mutable rows carry ``updated_at``, ``version`` and a ``deleted_at`` tombstone.

The schema on a user's file is made by Alembic migrations, never by ``create_all``;
a test checks that these classes and the migrations agree.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from collections_desktop.models.db.types import Money, UtcDateTime, UuidKey, new_id

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base: shared metadata, naming convention and column types."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it as a class attribute
        uuid.UUID: UuidKey(),
        Decimal: Money(),
        dt.datetime: UtcDateTime(),
        dt.date: Date(),
        str: String(200),
    }


class TransactionType(enum.StrEnum):
    """Kinds of customer transactions. Debits are positive amounts, credits negative."""

    INVOICE = "invoice"
    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"
    INTEREST_NOTE = "interest_note"
    FEE = "fee"
    WRITE_OFF = "write_off"
    REVERSAL = "reversal"


DEBIT_TYPES = frozenset(
    {TransactionType.INVOICE, TransactionType.INTEREST_NOTE, TransactionType.FEE}
)
CREDIT_TYPES = frozenset(
    {TransactionType.PAYMENT, TransactionType.CREDIT_NOTE, TransactionType.WRITE_OFF}
)


class CollectionStatus(enum.StrEnum):
    """Where a transaction stands in collections."""

    NONE = "none"
    DISPUTED = "disputed"
    PROMISED = "promised"  # promise to pay: a date and an amount
    BROKEN = "broken"  # a promise was not (or only partly) kept
    RESOLVED = "resolved"  # a dispute was settled in the customer's or the company's favour
    LEGAL = "legal"  # handed to a lawyer or an agency


class PromiseOutcome(enum.StrEnum):
    """How a promise to pay ended, judged after its date plus the tolerance days."""

    KEPT = "kept"
    PARTIAL = "partial"
    BROKEN = "broken"


class JournalType(enum.StrEnum):
    """The journals the collections actions post."""

    WRITE_OFF = "write_off"
    PAYMENT = "payment"  # NSF reversals and bank charges
    INTEREST = "interest"
    LETTER = "letter"
    ADJUSTMENT = "adjustment"  # waive, reinstate, reverse of interest and fees


class JournalAccountType(enum.StrEnum):
    """What a journal line posts to."""

    CUSTOMER = "customer"
    LEDGER = "ledger"
    TAX = "tax"


class AdjustmentKind(enum.StrEnum):
    """Corrections of an interest or fee transaction."""

    WAIVE = "waive"  # cancel it; it can be reinstated
    REINSTATE = "reinstate"  # undo the waiver
    REVERSE = "reverse"  # cancel it for good (it was wrong)


class CaseStatus(enum.StrEnum):
    """Whether a collections case is being worked."""

    OPEN = "open"
    CLOSED = "closed"


class LetterScope(enum.StrEnum):
    """Whether a letter sequence writes one letter per customer or per transaction."""

    CUSTOMER = "customer"
    TRANSACTION = "transaction"


class AccountStatus(enum.StrEnum):
    """Whether a customer may buy on credit."""

    ACTIVE = "active"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


class ActivityType(enum.StrEnum):
    """The four kinds of collections activity."""

    TASK = "task"
    APPOINTMENT = "appointment"
    EVENT = "event"
    ACTION = "action"


class AgingBasis(enum.StrEnum):
    """The date an aging period is counted from."""

    DUE_DATE = "due_date"
    TRANSACTION_DATE = "transaction_date"
    DOCUMENT_DATE = "document_date"


def _id() -> Mapped[uuid.UUID]:
    return mapped_column(primary_key=True, default=new_id)


class Mutable:
    """Columns of rows users may change: last change, optimistic version, tombstone."""

    updated_at: Mapped[dt.datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[dt.datetime | None]


# --- reference data -------------------------------------------------------------------


class Currency(Base):
    """An ISO 4217 currency and the decimals its amounts carry."""

    __tablename__ = "currencies"
    id: Mapped[uuid.UUID] = _id()
    code: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    decimals: Mapped[int] = mapped_column(Integer, default=2)


class AgingDefinition(Mutable, Base):
    """A named set of aging periods and the date they count from."""

    __tablename__ = "aging_definitions"
    id: Mapped[uuid.UUID] = _id()
    name: Mapped[str] = mapped_column(String(100), unique=True)
    basis: Mapped[str] = mapped_column(String(20), default=AgingBasis.DUE_DATE)


class AgingPeriod(Mutable, Base):
    """One column of an aging definition: inclusive day bounds; ``to_days`` None is open-ended."""

    __tablename__ = "aging_periods"
    id: Mapped[uuid.UUID] = _id()
    definition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("aging_definitions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(50))
    from_days: Mapped[int] = mapped_column(Integer)
    to_days: Mapped[int | None] = mapped_column(Integer)


class ReceivablesParameters(Mutable, Base):
    """The company's receivables settings (one row)."""

    __tablename__ = "receivables_parameters"
    id: Mapped[uuid.UUID] = _id()
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


class PostingProfile(Mutable, Base):
    """The ledger accounts a customer's transactions post to."""

    __tablename__ = "posting_profiles"
    id: Mapped[uuid.UUID] = _id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    receivables_account: Mapped[str] = mapped_column(String(30))
    write_off_account: Mapped[str | None] = mapped_column(String(30))


class SalesTaxCode(Mutable, Base):
    """A sales-tax code: its rate and the ledger account its tax posts to."""

    __tablename__ = "sales_tax_codes"
    id: Mapped[uuid.UUID] = _id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    rate: Mapped[Decimal]  # percent
    account: Mapped[str] = mapped_column(String(30))


class WriteOffReason(Mutable, Base):
    """Why a debt was written off; its own ledger account overrides the profile's."""

    __tablename__ = "write_off_reasons"
    id: Mapped[uuid.UUID] = _id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    description: Mapped[str]
    ledger_account: Mapped[str | None] = mapped_column(String(30))


class BankAccount(Mutable, Base):
    """A bank account payments arrive in; its charges group says what an NSF payment costs."""

    __tablename__ = "bank_accounts"
    id: Mapped[uuid.UUID] = _id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    ledger_account: Mapped[str] = mapped_column(String(30))
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    charges_group: Mapped[str | None] = mapped_column(String(30))


class BankCharge(Mutable, Base):
    """A charge of a bank charges group; ``automatic_nsf`` ones are billed on an NSF payment."""

    __tablename__ = "bank_charges"
    __table_args__ = (UniqueConstraint("charges_group", "code"),)
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
    interest_code_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("interest_codes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    from_days: Mapped[int] = mapped_column(Integer)
    to_days: Mapped[int | None] = mapped_column(Integer)
    rate: Mapped[Decimal]  # percent per interval (interval) or per 30 days (range)


class LetterSequence(Mutable, Base):
    """A collection letter sequence: its levels are in ``letter_levels``."""

    __tablename__ = "letter_sequences"
    id: Mapped[uuid.UUID] = _id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(20), default=LetterScope.CUSTOMER)
    fee_account: Mapped[str] = mapped_column(String(30))


class LetterLevel(Mutable, Base):
    """One level of a sequence: when it is due, its fee and the text of the letter."""

    __tablename__ = "letter_levels"
    __table_args__ = (UniqueConstraint("sequence_id", "level"),)
    id: Mapped[uuid.UUID] = _id()
    sequence_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("letter_sequences.id"))
    level: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    days_after_due: Mapped[int] = mapped_column(Integer)
    days_after_previous: Mapped[int] = mapped_column(Integer, default=0)
    fee: Mapped[Decimal]  # in the accounting currency; 0: no fee
    template: Mapped[str] = mapped_column(Text)


class CaseCategory(Mutable, Base):
    """A category of cases; collections cases use categories of type "collections"."""

    __tablename__ = "case_categories"
    id: Mapped[uuid.UUID] = _id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20), default="collections")


class NumberSequence(Mutable, Base):
    """A counter that hands out human numbers (vouchers, accounts, activity ids)."""

    __tablename__ = "number_sequences"
    id: Mapped[uuid.UUID] = _id()
    name: Mapped[str] = mapped_column(String(50), unique=True)
    prefix: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer, default=6)
    next_value: Mapped[int] = mapped_column(Integer, default=1)


# --- people and scope -----------------------------------------------------------------


class Employee(Mutable, Base):
    """A person of the company; a user of the app when ``user_name`` is set."""

    __tablename__ = "employees"
    id: Mapped[uuid.UUID] = _id()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str]
    email: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(50))
    user_name: Mapped[str | None] = mapped_column(String(100), unique=True)


class CustomerPool(Mutable, Base):
    """A saved set of criteria that selects the customers an agent works."""

    __tablename__ = "customer_pools"
    id: Mapped[uuid.UUID] = _id()
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    criteria: Mapped[str] = mapped_column(Text, default="{}")  # JSON, see models/people/pools.py
    aging_definition_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("aging_definitions.id")
    )


class CollectionsAgent(Mutable, Base):
    """An employee who works customer pools."""

    __tablename__ = "collections_agents"
    id: Mapped[uuid.UUID] = _id()
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employees.id"), unique=True)
    default_pool_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customer_pools.id"))
    may_view_all_pools: Mapped[bool] = mapped_column(Boolean, default=False)


class AgentPool(Mutable, Base):
    """An agent's membership of a pool."""

    __tablename__ = "agent_pools"
    id: Mapped[uuid.UUID] = _id()
    agent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("collections_agents.id"), index=True)
    pool_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer_pools.id"))


# --- customers ------------------------------------------------------------------------


class Customer(Mutable, Base):
    """A customer account."""

    __tablename__ = "customers"
    id: Mapped[uuid.UUID] = _id()
    account: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    customer_group: Mapped[str | None] = mapped_column(String(30))
    credit_group: Mapped[str | None] = mapped_column(String(30))
    credit_limit: Mapped[Decimal | None]
    account_status: Mapped[str] = mapped_column(String(20), default=AccountStatus.ACTIVE)
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    language: Mapped[str] = mapped_column(String(10), default="en")
    street: Mapped[str | None]
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None]
    responsible_employee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    # Indexed: a deferred foreign key is checked at commit by looking up the referring rows.
    primary_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", use_alter=True, deferrable=True, initially="DEFERRED"),
        index=True,
    )
    collections_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", use_alter=True, deferrable=True, initially="DEFERRED"),
        index=True,
    )
    posting_profile: Mapped[str] = mapped_column(String(30), default="GEN")
    interest_code: Mapped[str | None] = mapped_column(String(30))
    letter_sequence: Mapped[str | None] = mapped_column(String(30))
    # No collection letters are made for the customer before this date, for this reason.
    letter_block_until: Mapped[dt.date | None]
    letter_block_reason: Mapped[str | None]


class Contact(Mutable, Base):
    """A person at a customer."""

    __tablename__ = "contacts"
    id: Mapped[uuid.UUID] = _id()
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str]
    job_title: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(50))
    language: Mapped[str | None] = mapped_column(String(10))


# --- ledger (posted facts) ------------------------------------------------------------


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
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
    settlement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("settlements.id"), index=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer_transactions.id"))
    settlement_date: Mapped[dt.date]
    amount: Mapped[Decimal]
    amount_accounting: Mapped[Decimal]


class CollectionStatusChange(Base):
    """One change of a transaction's collection status: who, when, from, to, why."""

    __tablename__ = "collection_status_history"
    id: Mapped[uuid.UUID] = _id()
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )
    changed_at: Mapped[dt.datetime]
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    promise_date: Mapped[dt.date | None]
    promise_amount: Mapped[Decimal | None]
    note: Mapped[str | None] = mapped_column(Text)


class TransactionTax(Base):
    """The sales tax included in a posted transaction's amount, per tax code (a posted fact)."""

    __tablename__ = "transaction_taxes"
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
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
    id: Mapped[uuid.UUID] = _id()
    letter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("collection_letters.id"), unique=True)
    path: Mapped[str | None] = mapped_column(Text)
    written_at: Mapped[dt.datetime]
    written_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))


# --- activities -----------------------------------------------------------------------


class Activity(Mutable, Base):
    """A collections activity: a task, appointment, event or action, usually about a customer."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_responsible_open", "responsible_employee_id", "closed", "end_at"),
    )
    id: Mapped[uuid.UUID] = _id()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    type: Mapped[str] = mapped_column(String(20), default=ActivityType.TASK)
    category: Mapped[str | None] = mapped_column(String(50))
    purpose: Mapped[str] = mapped_column(String(500))
    memo: Mapped[str | None] = mapped_column(Text)
    responsible_employee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"), index=True)
    start_at: Mapped[dt.datetime]
    end_at: Mapped[dt.datetime]
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[dt.datetime | None]
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("collections_cases.id"), index=True
    )


class CollectionsCase(Mutable, Base):
    """A collections case: groups a customer's transactions and activities to work together."""

    __tablename__ = "collections_cases"
    id: Mapped[uuid.UUID] = _id()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_categories.id"))
    description: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN)
    responsible_employee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    opened_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]


class CaseTransaction(Mutable, Base):
    """A transaction's membership of a case (removed by a tombstone)."""

    __tablename__ = "case_transactions"
    id: Mapped[uuid.UUID] = _id()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("collections_cases.id"), index=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_transactions.id"), index=True
    )


# --- aging snapshots --------------------------------------------------------------------


class AgingSnapshot(Base):
    """One stored aging of the customers in a scope (and pool) as of a date.

    Derived data: rebuilt from the ledger, never edited and never synced.
    """

    __tablename__ = "aging_snapshots"
    __table_args__ = (Index("ix_aging_snapshots_pool_as_of", "pool_id", "as_of"),)
    id: Mapped[uuid.UUID] = _id()
    as_of: Mapped[dt.date]
    basis: Mapped[str] = mapped_column(String(20))
    definition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("aging_definitions.id"))
    definition_name: Mapped[str] = mapped_column(String(100))
    pool_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customer_pools.id"))
    user_name: Mapped[str | None] = mapped_column(String(100))  # whose scope; None: everyone
    created_at: Mapped[dt.datetime]
    customer_count: Mapped[int] = mapped_column(Integer)
    balance: Mapped[Decimal]


class AgingSnapshotCustomer(Base):
    """A snapshot's header for one customer: totals, credit, disputes, oldest past due, risk."""

    __tablename__ = "aging_snapshot_customers"
    __table_args__ = (UniqueConstraint("snapshot_id", "customer_id"),)
    id: Mapped[uuid.UUID] = _id()
    snapshot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("aging_snapshots.id"))
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    balance: Mapped[Decimal]
    past_due: Mapped[Decimal]
    credit_limit: Mapped[Decimal | None]
    available_credit: Mapped[Decimal | None]
    sales_order_amount: Mapped[Decimal]
    packing_slip_amount: Mapped[Decimal]
    disputed_count: Mapped[int] = mapped_column(Integer)
    disputed_amount: Mapped[Decimal]
    oldest_past_due_date: Mapped[dt.date | None]
    oldest_past_due_days: Mapped[int | None] = mapped_column(Integer)
    risk_score: Mapped[int] = mapped_column(Integer)


class AgingSnapshotLine(Base):
    """One column of a customer's snapshot: Current, a period, or Unapplied.

    The one table without a UUID key: a line is derived, never synced, and only ever
    read through its header, so (header, position) is its key. Without a separate key
    and index, storing the hundreds of thousands of lines of a snapshot takes half as long.
    """

    __tablename__ = "aging_snapshot_lines"
    __table_args__ = ({"sqlite_with_rowid": False},)
    snapshot_customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("aging_snapshot_customers.id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 = Current
    label: Mapped[str] = mapped_column(String(50))
    from_days: Mapped[int | None] = mapped_column(Integer)
    to_days: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[Decimal]


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
        )
    },
}
"""Columns that the immutability triggers guard; every other column is mutable state."""
