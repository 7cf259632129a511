"""What the agency desk reads: plain frozen rows, filled by one query each
(``desk.py``, ``case_file.py``, ``calendar.py``, ``reports.py``), never ORM objects.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CaseFileRow:
    """One case file as the desk's Case files tab lists it.

    ``collected`` counts approved collections (reversals included); ``pending`` the
    unapproved ones; ``outstanding`` is principal + interest + fees - collected.
    """

    id: uuid.UUID
    number: str
    client_code: str
    client_name: str
    debtor_name: str
    debtor_tax_id: str | None
    collector_name: str | None
    status: str  # CaseFileStatus
    assigned_on: dt.date
    last_action_on: dt.date | None
    currency: str
    debt: Decimal  # principal + interest + fees
    collected: Decimal
    pending: Decimal
    outstanding: Decimal
    version: int


@dataclass(frozen=True)
class CaseFilter:
    """The Case files tab's filters; ``None`` is "any"."""

    client_id: uuid.UUID | None = None
    collector_id: uuid.UUID | None = None
    statuses: frozenset[str] | None = None  # None: every status; the tab's default is the open ones
    text: str | None = None  # in the number, the client's reference, the debtor's name or tax id
    limit: int | None = None


@dataclass(frozen=True)
class CollectionRow:
    """A collection, as the Unapproved collections tab and a case file list it."""

    id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    client_name: str
    debtor_name: str
    collected_on: dt.date
    amount: Decimal
    currency: str
    method: str
    reference: str | None
    collected_by_id: uuid.UUID
    collected_by_name: str
    received: bool
    state: str  # CollectionState
    approved_by_name: str | None
    decided_at: dt.datetime | None
    rejection_reason: str | None
    reverses_id: uuid.UUID | None
    reversed_by_id: uuid.UUID | None  # the reversal of this collection, when there is one
    note: str | None
    version: int


@dataclass(frozen=True)
class CollectionChangeRow:
    """One line of a collection's history."""

    collection_id: uuid.UUID
    changed_at: dt.datetime
    changed_by_name: str | None
    change: str  # recorded, received, not_received, approved, rejected, reversed, edited
    note: str | None


@dataclass(frozen=True)
class DebtorContactRow:
    id: uuid.UUID
    kind: str  # DebtorContactKind
    value: str
    source: str | None
    found_on: dt.date
    current: bool  # not tombstoned


@dataclass(frozen=True)
class DocumentRow:
    id: uuid.UUID
    document_number: str
    document_date: dt.date | None
    due_date: dt.date | None
    amount: Decimal


@dataclass(frozen=True)
class AttachmentRow:
    id: uuid.UUID
    file_name: str
    media_type: str
    size: int
    added_at: dt.datetime


@dataclass(frozen=True)
class AnnotationRow:
    id: uuid.UUID
    kind: str  # AnnotationKind
    text: str
    source: str | None
    found_value: str | None
    new_name: str | None
    new_tax_id: str | None
    scheduled_on: dt.date | None
    done_on: dt.date | None
    created_by_name: str | None
    created_at: dt.datetime
    attachments: tuple[AttachmentRow, ...]
    version: int


@dataclass(frozen=True)
class InstalmentRow:
    """An instalment and how it stands on ``as_of`` (``instalments.judge``)."""

    id: uuid.UUID
    plan_id: uuid.UUID
    number: int
    due_on: dt.date
    amount: Decimal
    paid: Decimal  # of this instalment, by the approved collections counted in order
    outcome: str  # InstalmentOutcome: open, kept, partly_kept, broken, cancelled


@dataclass(frozen=True)
class PlanRow:
    id: uuid.UUID
    kind: str  # PlanKind
    agreed_on: dt.date
    created_by_name: str | None
    note: str | None
    cancelled_on: dt.date | None
    instalments: tuple[InstalmentRow, ...]
    version: int


@dataclass(frozen=True)
class CaseFile:
    """Everything the case file window shows, read in one go."""

    row: CaseFileRow
    client_id: uuid.UUID
    client_reference: str | None
    debtor_id: uuid.UUID
    debtor_kind: str
    debtor_language: str
    successor_name: str | None
    successor_tax_id: str | None
    collector_id: uuid.UUID | None
    principal: Decimal
    interest: Decimal
    fees: Decimal
    debt_date: dt.date
    closed_on: dt.date | None
    contacts: tuple[DebtorContactRow, ...]
    documents: tuple[DocumentRow, ...]
    collections: tuple[CollectionRow, ...]  # newest first
    history: tuple[CollectionChangeRow, ...]  # newest first, every collection's
    annotations: tuple[AnnotationRow, ...]  # newest first
    plans: tuple[PlanRow, ...]  # newest first


@dataclass(frozen=True)
class CalendarEntry:
    """One thing due on a day of the collections calendar."""

    day: dt.date
    kind: str  # "promise", "instalment" or "action"
    case_id: uuid.UUID
    case_number: str
    debtor_name: str
    collector_name: str | None
    amount: Decimal | None  # promises and instalments
    currency: str
    text: str  # the action's kind and text, or "instalment 2 of 6"
    outcome: str | None  # promises and instalments: InstalmentOutcome


@dataclass(frozen=True)
class CalendarMonth:
    month: dt.date  # its first day
    entries: tuple[CalendarEntry, ...]  # by day, then kind, then case number

    def on(self, day: dt.date) -> tuple[CalendarEntry, ...]:
        return tuple(entry for entry in self.entries if entry.day == day)


@dataclass(frozen=True)
class ExpenseRow:
    id: uuid.UUID
    employee_id: uuid.UUID
    employee_name: str
    month: dt.date
    spent_on: dt.date
    kind: str  # ExpenseKind
    amount: Decimal
    currency: str
    case_number: str | None
    description: str | None
    state: str  # ExpenseState
    approved_by_name: str | None
    rejection_reason: str | None
    receipts: tuple[AttachmentRow, ...]
    version: int


@dataclass(frozen=True)
class CommissionLine:
    """An approved collection of the month with the commission it earns (``reports.py``):
    the client's rate for the debt's age on the day it was collected, the commission to
    the cent, and the collector's share of it."""

    collection_id: uuid.UUID
    collected_on: dt.date
    case_number: str
    client_code: str
    client_name: str
    debtor_name: str
    collector_id: uuid.UUID
    collector_name: str
    amount: Decimal
    currency: str
    commission_percent: Decimal
    commission: Decimal
    share_percent: Decimal
    share: Decimal


@dataclass(frozen=True)
class CollectorTotal:
    collector_id: uuid.UUID
    collector_name: str
    currency: str
    collections: int
    collected: Decimal
    commission: Decimal
    share: Decimal


@dataclass(frozen=True)
class CollectionReport:
    """Approved collections of one month, by collector (all collectors, or one)."""

    month: dt.date
    lines: tuple[CommissionLine, ...]  # by collector name, date, case number
    totals: tuple[CollectorTotal, ...]  # by collector name


@dataclass(frozen=True)
class ExpenseKindTotal:
    kind: str
    currency: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class ExpenseReport:
    """One month's expenses (of all collectors, or one) by type, with their receipts."""

    month: dt.date
    employee_id: uuid.UUID | None
    lines: tuple[ExpenseRow, ...]  # by type, date
    totals: tuple[ExpenseKindTotal, ...]  # by type


@dataclass(frozen=True)
class CollectorStatement:
    """The collector's monthly statement (minuta): their commission share on the month's
    approved collections plus their approved expenses."""

    month: dt.date
    collector_id: uuid.UUID
    collector_name: str
    currency: str
    collections: tuple[CommissionLine, ...]
    expenses: tuple[ExpenseRow, ...]  # approved ones only
    collected: Decimal
    share: Decimal
    expenses_total: Decimal
    total: Decimal  # share + expenses_total


@dataclass(frozen=True)
class RemittanceStatement:
    """What the agency owes one client for one month: collected, commission, net."""

    month: dt.date
    client_id: uuid.UUID
    client_code: str
    client_name: str
    client_language: str
    currency: str
    lines: tuple[CommissionLine, ...]
    collected: Decimal
    commission: Decimal
    net: Decimal  # collected - commission
    remit_by: dt.date  # the month's last day + the client's remittance days
