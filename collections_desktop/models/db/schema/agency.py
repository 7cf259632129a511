"""The agency desk: creditor clients, debtors, case files, collections, annotations,
attachments, promises and payment plans, and the collectors' expenses.

An agency collects for other companies (its clients, the creditors) from their debtors;
none of this is the company's own receivables, so these tables stand apart from
``customers`` and the ledger. A collection is money a collector says was received on a
case; it counts for the client's remittance and the collector's commission only once a
supervisor other than the collector approved it (a check constraint holds the second
rule in every database, row-level security the first in a team database). An approved
collection is never edited: a mistake is reversed by a new, negative collection.

The team database is the agency's source of truth: on an offline laptop these tables are
read-only copies taken at each sync (sync catalogue: reference tables).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, Mutable, primary_id
from collections_desktop.models.db.schema.enums import (
    CaseFileStatus,
    CollectionState,
    ExpenseState,
)


class AgencyStaff(Mutable, Base):
    """An employee who works at the agency desk: a collector, or a supervisor who
    approves, with the share of the agency's commission paid to them."""

    __tablename__ = "agency_staff"
    id: Mapped[uuid.UUID] = primary_id()
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employees.id"), unique=True)
    is_supervisor: Mapped[bool] = mapped_column(Boolean, default=False)
    commission_share_percent: Mapped[Decimal]  # of the agency's commission on what they collect


class AgencyClient(Mutable, Base):
    """A creditor the agency collects for."""

    __tablename__ = "agency_clients"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str]
    tax_id: Mapped[str | None] = mapped_column(String(30))
    contact_name: Mapped[str | None]
    email: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10), default="en")  # of its statements
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    commission_percent: Mapped[Decimal]  # of what is collected, unless a band applies
    remittance_days: Mapped[int] = mapped_column(Integer, default=15)  # after the month's end
    remittance_terms: Mapped[str | None] = mapped_column(Text)  # how, to which account


class AgencyCommissionBand(Mutable, Base):
    """A client's commission for debts of at least ``from_days`` days old when collected
    (the age counted from the case's debt date); the band with the highest ``from_days``
    not above the age applies, else the client's own rate."""

    __tablename__ = "agency_commission_bands"
    id: Mapped[uuid.UUID] = primary_id()
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency_clients.id"), index=True)
    from_days: Mapped[int] = mapped_column(Integer)
    percent: Mapped[Decimal]


class AgencyDebtor(Mutable, Base):
    """A person or a company who owes a client; may have several case files over time."""

    __tablename__ = "agency_debtors"
    id: Mapped[uuid.UUID] = primary_id()
    kind: Mapped[str] = mapped_column(String(20))  # DebtorKind
    name: Mapped[str] = mapped_column(String(200), index=True)
    tax_id: Mapped[str | None] = mapped_column(String(30), index=True)
    language: Mapped[str] = mapped_column(String(10), default="en")
    # Set by a registry annotation: the company the debtor re-registered as.
    successor_name: Mapped[str | None]
    successor_tax_id: Mapped[str | None] = mapped_column(String(30))


class AgencyDebtorContact(Mutable, Base):
    """An address, phone or e-mail of a debtor, with where it came from; a contact found
    later is added, the old one kept (tombstoned when known to be wrong)."""

    __tablename__ = "agency_debtor_contacts"
    id: Mapped[uuid.UUID] = primary_id()
    debtor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency_debtors.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # DebtorContactKind
    value: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None]  # "client file", "phone book", "neighbour", ...
    found_on: Mapped[dt.date]


class AgencyCase(Mutable, Base):
    """A case file (expediente): one client's debt against one debtor, worked by one
    collector. Collected and outstanding are worked out from the approved collections."""

    __tablename__ = "agency_cases"
    __table_args__ = (
        Index("ix_agency_cases_collector_status", "collector_id", "status"),
        Index("ix_agency_cases_client_status", "client_id", "status"),
    )
    id: Mapped[uuid.UUID] = primary_id()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency_clients.id"))
    client_reference: Mapped[str | None] = mapped_column(String(60))  # the client's own number
    debtor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency_debtors.id"), index=True)
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    principal: Mapped[Decimal]
    interest: Mapped[Decimal]
    fees: Mapped[Decimal]
    debt_date: Mapped[dt.date]  # when the debt fell due (its age for the commission bands)
    collector_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    status: Mapped[str] = mapped_column(String(30), default=CaseFileStatus.NEW)
    assigned_on: Mapped[dt.date]
    last_action_on: Mapped[dt.date | None]
    closed_on: Mapped[dt.date | None]


class AgencyCaseDocument(Mutable, Base):
    """One of the creditor's documents behind a case's debt (an invoice, a contract)."""

    __tablename__ = "agency_case_documents"
    id: Mapped[uuid.UUID] = primary_id()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency_cases.id"), index=True)
    document_number: Mapped[str] = mapped_column(String(60))
    document_date: Mapped[dt.date | None]
    due_date: Mapped[dt.date | None]
    amount: Mapped[Decimal]


class AgencyCollection(Mutable, Base):
    """Money received on a case, as the collector recorded it, and its approval.

    ``received`` is the one-click "collected / not collected" of the desk (the money
    seen or not yet); each change of it or of ``state`` is kept in the history. A
    reversal is a collection of the opposite amount naming the one it ``reverses``.
    """

    __tablename__ = "agency_collections"
    __table_args__ = (
        CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> collected_by_id",
            name="not_own_approval",
        ),
        Index("ix_agency_collections_state_collected_on", "state", "collected_on"),
        Index("ix_agency_collections_case_id", "case_id"),
        Index("ix_agency_collections_collected_on", "collected_on"),
    )
    id: Mapped[uuid.UUID] = primary_id()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency_cases.id"))
    collected_on: Mapped[dt.date]
    amount: Mapped[Decimal]  # in the case's currency; below zero for a reversal
    method: Mapped[str] = mapped_column(String(30))  # PaymentMethod values
    reference: Mapped[str | None] = mapped_column(String(80))
    collected_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employees.id"))
    received: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(20), default=CollectionState.UNAPPROVED)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    decided_at: Mapped[dt.datetime | None]
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agency_collections.id"), unique=True
    )
    note: Mapped[str | None] = mapped_column(Text)


class AgencyCollectionChange(Base):
    """One change of a collection: recorded, marked received or not, approved,
    rejected, reversed, edited. Never changed itself."""

    __tablename__ = "agency_collection_history"
    id: Mapped[uuid.UUID] = primary_id()
    collection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agency_collections.id"), index=True
    )
    changed_at: Mapped[dt.datetime]
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    change: Mapped[str] = mapped_column(String(20))  # recorded, received, not_received, ...
    note: Mapped[str | None] = mapped_column(Text)


class AgencyAnnotation(Mutable, Base):
    """Something found, noted or done on a case; an action may be scheduled ahead
    (``scheduled_on``, shown in the calendar) and done later (``done_on``)."""

    __tablename__ = "agency_annotations"
    __table_args__ = (Index("ix_agency_annotations_scheduled_on", "scheduled_on"),)
    id: Mapped[uuid.UUID] = primary_id()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # AnnotationKind
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None]  # where a located address or phone was found
    found_value: Mapped[str | None] = mapped_column(Text)  # the address or phone located
    new_name: Mapped[str | None]  # registry: the company the debtor became
    new_tax_id: Mapped[str | None] = mapped_column(String(30))
    scheduled_on: Mapped[dt.date | None]
    done_on: Mapped[dt.date | None]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[dt.datetime]


class AgencyPlan(Mutable, Base):
    """A promise (one instalment) or a payment plan (several) agreed with a debtor."""

    __tablename__ = "agency_plans"
    id: Mapped[uuid.UUID] = primary_id()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # PlanKind
    agreed_on: Mapped[dt.date]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    note: Mapped[str | None] = mapped_column(Text)
    cancelled_on: Mapped[dt.date | None]


class AgencyInstalment(Mutable, Base):
    """One payment a plan expects by a date; kept or broken is worked out from the
    case's approved collections, not stored."""

    __tablename__ = "agency_instalments"
    __table_args__ = (Index("ix_agency_instalments_due_on", "due_on"),)
    id: Mapped[uuid.UUID] = primary_id()
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency_plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1-based in its plan
    due_on: Mapped[dt.date]
    amount: Mapped[Decimal]


class AgencyExpense(Mutable, Base):
    """A collector's expense, submitted with the month's others and approved by a
    supervisor who is not the collector."""

    __tablename__ = "agency_expenses"
    __table_args__ = (
        CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> employee_id",
            name="not_own_approval",
        ),
        Index("ix_agency_expenses_employee_month", "employee_id", "month"),
    )
    id: Mapped[uuid.UUID] = primary_id()
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employees.id"))
    month: Mapped[dt.date]  # the first day of the month it is reported in
    spent_on: Mapped[dt.date]
    kind: Mapped[str] = mapped_column(String(20))  # ExpenseKind
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agency_cases.id"))
    description: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=ExpenseState.DRAFT)
    submitted_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    decided_at: Mapped[dt.datetime | None]
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)


class AgencyAttachment(Mutable, Base):
    """A file kept with an annotation (a registry extract, a photo) or an expense (its
    receipt): PDF or image, checked by its content and size before it is stored."""

    __tablename__ = "agency_attachments"
    __table_args__ = (
        CheckConstraint("(annotation_id IS NULL) <> (expense_id IS NULL)", name="one_owner"),
    )
    id: Mapped[uuid.UUID] = primary_id()
    annotation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agency_annotations.id"), index=True
    )
    expense_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agency_expenses.id"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    added_at: Mapped[dt.datetime]
