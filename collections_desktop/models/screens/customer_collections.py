"""The Collections page of one customer: header, transactions with their cases, activities,
and the facts beside them (from the snapshot, else live), read with a fixed, small number
of statements, never a query per row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import (
    case,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import current_language
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.aging.definitions import load_definition_row, period_labels_in
from collections_desktop.models.aging.snapshot import aged_rows, stored_label
from collections_desktop.models.casework.case_reading import CaseRow, cases_of
from collections_desktop.models.casework.categories import shown_category
from collections_desktop.models.db.schema import (
    Activity,
    AgingSnapshot,
    AgingSnapshotCustomer,
    AgingSnapshotLine,
    CaseTransaction,
    CollectionsCase,
    Customer,
    CustomerTransaction,
    Employee,
    ReceivablesParameters,
    SettlementLine,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.customer_card import TransactionRow, check_customer


@dataclass(frozen=True)
class CustomerHeader:
    """Who the Collections page shows."""

    id: uuid.UUID
    account: str
    name: str
    account_status: str
    accounting_currency: str


@dataclass(frozen=True, slots=True)
class CaseTransactionRow:
    """A transaction of the customer that is open today or belongs to one of their cases."""

    id: uuid.UUID
    voucher: str
    document_number: str
    type: str
    posting_date: dt.date
    due_date: dt.date
    days_overdue: int
    currency: str
    amount: Decimal
    open_amount: Decimal
    collection_status: str
    case_ids: tuple[uuid.UUID, ...]
    case_numbers: tuple[str, ...]
    open_amount_accounting: Decimal = ZERO
    promise_date: dt.date | None = None
    promise_amount: Decimal | None = None

    def transaction_row(self) -> TransactionRow:
        """The same transaction as the Workspace's row, for the collections actions."""
        return TransactionRow(
            id=self.id,
            voucher=self.voucher,
            document_number=self.document_number,
            type=self.type,
            posting_date=self.posting_date,
            due_date=self.due_date,
            days_overdue=self.days_overdue,
            currency=self.currency,
            amount=self.amount,
            open_amount=self.open_amount,
            open_amount_accounting=self.open_amount_accounting,
            collection_status=self.collection_status,
            promise_date=self.promise_date,
            promise_amount=self.promise_amount,
        )


@dataclass(frozen=True, slots=True)
class CustomerActivityRow:
    """An activity about the customer, open or closed, with its case if it has one."""

    id: uuid.UUID
    number: str
    end_at: dt.datetime
    type: str
    category: str | None
    purpose: str
    has_memo: bool
    responsible_name: str | None
    closed: bool
    case_id: uuid.UUID | None
    case_number: str | None


@dataclass(frozen=True)
class CustomerFacts:
    """The fact boxes: the aged columns and the credit figures of one customer.

    From a snapshot (``taken_at`` is when it was taken) or aged live (``taken_at`` None).
    """

    as_of: dt.date
    taken_at: dt.datetime | None
    definition_id: uuid.UUID
    definition_name: str
    labels: tuple[str, ...]
    columns: tuple[Decimal, ...]
    balance: Decimal
    past_due: Decimal
    credit_limit: Decimal | None
    available_credit: Decimal | None
    risk_score: int
    disputed_count: int
    disputed_amount: Decimal
    oldest_past_due_days: int | None

    @property
    def live(self) -> bool:
        """Aged just now rather than read from a snapshot."""
        return self.taken_at is None


def customer_header(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> CustomerHeader:
    """The customer's account and name; ``ScopeError`` outside the scope."""
    customer = check_customer(session, scope, customer_id, as_of)
    currency = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
    return CustomerHeader(
        id=customer.id,
        account=customer.account,
        name=customer.name,
        account_status=customer.account_status,
        accounting_currency=currency or customer.currency,
    )


def case_links(
    session: Session, case_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[uuid.UUID, ...]]:
    """For each transaction in one of ``case_ids``: the cases it belongs to (one query)."""
    links: dict[uuid.UUID, list[uuid.UUID]] = {}
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseTransaction.transaction_id, CaseTransaction.case_id).where(
            CaseTransaction.case_id.in_(list(case_ids)), CaseTransaction.deleted_at.is_(None)
        )
    )
    for transaction_id, case_id in rows:
        links.setdefault(transaction_id, []).append(case_id)
    return {key: tuple(value) for key, value in links.items()}


def customer_transactions(
    session: Session,
    customer_id: uuid.UUID,
    as_of: dt.date,
    case_numbers: dict[uuid.UUID, str],
) -> tuple[CaseTransactionRow, ...]:
    """The customer's transactions open on ``as_of`` or in one of their cases, oldest due first.

    ``case_numbers`` maps the customer's case ids to their numbers (the caller read the
    cases). One statement; a closed transaction outside every case is never read past
    the ``closed_on`` test.
    """
    links = case_links(session, list(case_numbers))
    t = CustomerTransaction
    settled = (
        select(func.coalesce(func.sum(SettlementLine.amount), 0))
        .where(SettlementLine.transaction_id == t.id, SettlementLine.settlement_date <= as_of)
        .correlate(t)
        .scalar_subquery()
    )
    settled_accounting = (
        select(func.coalesce(func.sum(SettlementLine.amount_accounting), 0))
        .where(SettlementLine.transaction_id == t.id, SettlementLine.settlement_date <= as_of)
        .correlate(t)
        .scalar_subquery()
    )
    still_open = or_(t.closed_on.is_(None), t.closed_on > as_of)
    wanted = or_(still_open, t.id.in_(list(links))) if links else still_open
    query = (
        select(
            t.id,
            t.voucher,
            t.document_number,
            t.type,
            t.posting_date,
            t.due_date,
            t.currency,
            t.amount,
            type_coerce(case((still_open, t.amount - settled), else_=0), Money()).label("open"),
            type_coerce(
                case((still_open, t.amount_accounting - settled_accounting), else_=0), Money()
            ).label("open_accounting"),
            t.collection_status,
            t.promise_date,
            t.promise_amount,
        )
        .where(t.customer_id == customer_id, t.posting_date <= as_of, wanted)
        .order_by(t.due_date, t.voucher)
    )
    rows = []
    for row in session.execute(query):
        cases = links.get(row.id, ())
        if row.open == ZERO and not cases:
            continue
        rows.append(
            CaseTransactionRow(
                id=row.id,
                voucher=row.voucher,
                document_number=row.document_number,
                type=row.type,
                posting_date=row.posting_date,
                due_date=row.due_date,
                days_overdue=(
                    max((as_of - row.due_date).days, 0)
                    if row.amount > ZERO and row.open != ZERO
                    else 0
                ),
                currency=row.currency,
                amount=row.amount,
                open_amount=row.open,
                collection_status=row.collection_status,
                case_ids=cases,
                case_numbers=tuple(sorted(case_numbers[c] for c in cases)),
                open_amount_accounting=row.open_accounting,
                promise_date=row.promise_date,
                promise_amount=row.promise_amount,
            )
        )
    return tuple(rows)


def customer_activities(
    session: Session, customer_id: uuid.UUID
) -> tuple[CustomerActivityRow, ...]:
    """Every activity about the customer, open first (oldest end first), then closed (newest)."""
    memo = func.length(func.trim(func.coalesce(Activity.memo, "")))
    rows = session.execute(
        select(
            Activity.id,
            Activity.number,
            Activity.end_at,
            Activity.type,
            shown_category(session).label("category"),
            Activity.purpose,
            (memo > 0).label("has_memo"),
            Employee.name.label("responsible_name"),
            Activity.closed,
            Activity.case_id,
            CollectionsCase.number.label("case_number"),
        )
        .outerjoin(Employee, Employee.id == Activity.responsible_employee_id)
        .outerjoin(CollectionsCase, CollectionsCase.id == Activity.case_id)
        .where(Activity.customer_id == customer_id, Activity.deleted_at.is_(None))
    ).all()
    open_rows = sorted((r for r in rows if not r.closed), key=lambda r: (r.end_at, r.number))
    closed_rows = sorted(
        (r for r in rows if r.closed), key=lambda r: (r.end_at, r.number), reverse=True
    )
    return tuple(
        CustomerActivityRow(
            id=r.id,
            number=r.number,
            end_at=r.end_at,
            type=r.type,
            category=r.category,
            purpose=r.purpose,
            has_memo=bool(r.has_memo),
            responsible_name=r.responsible_name,
            closed=bool(r.closed),
            case_id=r.case_id,
            case_number=r.case_number,
        )
        for r in (*open_rows, *closed_rows)
    )


@dataclass(frozen=True)
class CollectionsData:
    """Everything the Collections page shows of one customer, read in one session."""

    customer: CustomerHeader
    cases: tuple[CaseRow, ...]
    transactions: tuple[CaseTransactionRow, ...]
    activities: tuple[CustomerActivityRow, ...]
    facts: CustomerFacts | None  # None: no snapshot holds the customer


def customer_collections(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> CollectionsData:
    """The customer's cases, transactions, activities and fact boxes on ``as_of``.

    A fixed number of statements whatever the customer's size; ``ScopeError`` for a
    customer outside the scope.
    """
    customer = customer_header(session, scope, customer_id, as_of)
    cases = tuple(cases_of(session, customer_id, as_of=as_of))
    numbers = {row.id: row.number for row in cases}
    return CollectionsData(
        customer=customer,
        cases=cases,
        transactions=customer_transactions(session, customer_id, as_of, numbers),
        activities=customer_activities(session, customer_id),
        facts=snapshot_facts(session, scope, customer_id, as_of),
    )


def snapshot_facts(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> CustomerFacts | None:
    """The customer's row of the newest snapshot holding them (by as-of date, then time).

    None when no snapshot holds the customer (they owed nothing whenever one was taken).
    """
    check_customer(session, scope, customer_id, as_of)
    head = AgingSnapshotCustomer
    snap = AgingSnapshot
    row = session.execute(
        select(
            head.id,
            snap.as_of,
            snap.created_at,
            snap.definition_id,
            snap.definition_name,
            head.balance,
            head.past_due,
            head.credit_limit,
            head.available_credit,
            head.risk_score,
            head.disputed_count,
            head.disputed_amount,
            head.oldest_past_due_days,
        )
        .join(snap, snap.id == head.snapshot_id)
        .where(head.customer_id == customer_id, snap.as_of <= as_of)
        .order_by(snap.as_of.desc(), snap.created_at.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    lines = session.execute(
        select(AgingSnapshotLine.label, AgingSnapshotLine.amount)
        .where(AgingSnapshotLine.snapshot_customer_id == row.id)
        .order_by(AgingSnapshotLine.position)
    ).all()
    width = len(lines)
    shown = period_labels_in(session, current_language())
    return CustomerFacts(
        as_of=row.as_of,
        taken_at=row.created_at,
        definition_id=row.definition_id,
        definition_name=row.definition_name,
        labels=tuple(
            stored_label(label, i, width, shown) for i, (label, _amount) in enumerate(lines)
        ),
        columns=tuple(amount for _label, amount in lines),
        balance=row.balance,
        past_due=row.past_due,
        credit_limit=row.credit_limit,
        available_credit=row.available_credit,
        risk_score=row.risk_score,
        disputed_count=row.disputed_count,
        disputed_amount=row.disputed_amount,
        oldest_past_due_days=row.oldest_past_due_days,
    )


def live_facts(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    *,
    definition_id: uuid.UUID | None = None,
) -> CustomerFacts:
    """The fact boxes aged now, for this one customer, by the snapshot's own statement.

    ``definition_id`` is the definition to age with (the snapshot's, so the columns stay
    the same); else the company default.
    """
    customer = check_customer(session, scope, customer_id, as_of)
    chosen, definition = load_definition_row(session, definition_id, language=current_language())
    aged = aged_rows(session, as_of, definition, Customer.id == customer_id)
    width = len(definition.labels)
    if aged:
        row = aged[0]
        columns = row.columns
        return CustomerFacts(
            as_of=as_of,
            taken_at=None,
            definition_id=chosen,
            definition_name=definition.name,
            labels=definition.labels,
            columns=columns,
            balance=row.balance,
            past_due=row.past_due,
            credit_limit=row.credit_limit,
            available_credit=row.available_credit,
            risk_score=row.risk_score,
            disputed_count=row.disputed_count,
            disputed_amount=row.disputed_amount,
            oldest_past_due_days=row.oldest_past_due_days,
        )
    # Nothing open: every column is zero and the whole limit is available.
    return CustomerFacts(
        as_of=as_of,
        taken_at=None,
        definition_id=chosen,
        definition_name=definition.name,
        labels=definition.labels,
        columns=(ZERO,) * width,
        balance=ZERO,
        past_due=ZERO,
        credit_limit=customer.credit_limit,
        available_credit=customer.credit_limit,
        risk_score=0,
        disputed_count=0,
        disputed_amount=ZERO,
        oldest_past_due_days=None,
    )
