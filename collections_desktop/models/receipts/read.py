"""What the screens read of payments: the Payments page's list (one statement), a
receipt's details for its PDF, and the state history for the customer's timeline."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    Employee,
    PaymentDetails,
    PaymentStateChange,
    ReceivablesParameters,
    Settlement,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.letters.render import letter_language
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.receipts.record import ReceiptError
from collections_desktop.models.screens.customer_card import check_customer
from collections_desktop.models.texts.business import company_language

ROW_LIMIT = 20_000
"""The most rows the Payments page lists (it says so when there are more)."""


@dataclass(frozen=True)
class PaymentRow:
    """A payment as the Payments page lists it."""

    transaction_id: uuid.UUID
    customer_id: uuid.UUID
    account: str
    customer_name: str
    document_number: str
    payment_date: dt.date
    amount: Decimal  # positive
    currency: str
    unsettled: Decimal  # what is open of it today (positive)
    method: str
    reference: str | None
    bank_name: str | None
    instrument_due_date: dt.date | None
    state: str
    state_date: dt.date
    version: int


@dataclass(frozen=True)
class PaymentFilter:
    """The Payments page's filters: None means any."""

    method: str | None = None
    state: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    pool_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PaymentList:
    """The rows (newest first) and whether the list was cut at ``ROW_LIMIT``."""

    rows: tuple[PaymentRow, ...]
    capped: bool


def list_payments(
    session: Session, scope: AgentScope, filters: PaymentFilter, as_of: dt.date
) -> PaymentList:
    """The payments of the scope with a recorded method, newest first, in one statement.

    Filtered by method, state and payment date (both ends included); an instrument's due
    date is kept for "cheques received, not yet deposited, by due date".
    """
    t, d = CustomerTransaction, PaymentDetails
    settled = (
        select(func.coalesce(func.sum(SettlementLine.amount), 0))
        .where(SettlementLine.transaction_id == t.id, SettlementLine.settlement_date <= as_of)
        .scalar_subquery()
    )
    query = (
        select(
            t.id, t.customer_id, Customer.account, Customer.name, t.document_number,
            t.posting_date, t.amount, t.currency, settled.label("settled"), d.method,
            d.reference, d.bank_name, d.instrument_due_date, d.state, d.state_date, d.version,
        )
        .join(t, t.id == d.transaction_id)
        .join(Customer, Customer.id == d.customer_id)
        .where(
            d.deleted_at.is_(None),
            Customer.deleted_at.is_(None),
            scope.customer_condition(as_of, filters.pool_id),
        )
        .order_by(t.posting_date.desc(), t.voucher.desc())
        .limit(ROW_LIMIT + 1)
    )  # fmt: skip
    if filters.customer_id:
        query = query.where(d.customer_id == filters.customer_id)
    if filters.method:
        query = query.where(d.method == filters.method)
    if filters.state:
        query = query.where(d.state == filters.state)
    if filters.since:
        query = query.where(t.posting_date >= filters.since)
    if filters.until:
        query = query.where(t.posting_date <= filters.until)
    rows = [
        PaymentRow(
            transaction_id=r.id,
            customer_id=r.customer_id,
            account=r.account,
            customer_name=r.name,
            document_number=r.document_number,
            payment_date=r.posting_date,
            amount=-r.amount,
            currency=r.currency,
            unsettled=-(r.amount - Decimal(r.settled)),
            method=r.method,
            reference=r.reference,
            bank_name=r.bank_name,
            instrument_due_date=r.instrument_due_date,
            state=r.state,
            state_date=r.state_date,
            version=r.version,
        )
        for r in session.execute(query)
    ]
    return PaymentList(tuple(rows[:ROW_LIMIT]), len(rows) > ROW_LIMIT)


# --- the state history ------------------------------------------------------------------


@dataclass(frozen=True)
class StateMove:
    """One move of a payment's state, for the timeline and the receipt."""

    transaction_id: uuid.UUID
    from_state: str | None
    to_state: str
    state_date: dt.date
    changed_at: dt.datetime
    changed_by: str | None
    note: str | None


@dataclass(frozen=True)
class PaymentMethodInfo:
    """A payment's method and its moves, oldest first."""

    method: str
    reference: str | None
    bank_name: str | None
    instrument_due_date: dt.date | None
    state: str
    moves: tuple[StateMove, ...]


def payment_methods(session: Session, customer_id: uuid.UUID) -> dict[uuid.UUID, PaymentMethodInfo]:
    """The customer's payments with a recorded method, by transaction id, with their moves."""
    d = PaymentDetails
    details = session.execute(
        select(
            d.transaction_id, d.method, d.reference, d.bank_name, d.instrument_due_date, d.state
        ).where(d.customer_id == customer_id, d.deleted_at.is_(None))
    ).all()
    if not details:
        return {}
    h = PaymentStateChange
    moves: dict[uuid.UUID, list[StateMove]] = defaultdict(list)
    for row in session.execute(
        select(
            h.transaction_id, h.from_state, h.to_state, h.state_date, h.changed_at,
            Employee.name, h.note,
        )
        .outerjoin(Employee, Employee.id == h.changed_by_id)
        .join(d, d.transaction_id == h.transaction_id)
        .where(d.customer_id == customer_id)
        .order_by(h.state_date, h.changed_at)
    ):  # fmt: skip
        moves[row.transaction_id].append(StateMove(*row))
    return {
        row.transaction_id: PaymentMethodInfo(
            row.method,
            row.reference,
            row.bank_name,
            row.instrument_due_date,
            row.state,
            tuple(moves.get(row.transaction_id, ())),
        )
        for row in details
    }


# --- the receipt ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptLine:
    """A document the payment paid, as the receipt lists it."""

    document_number: str
    document_date: dt.date
    amount: Decimal  # paid of it (positive)


@dataclass(frozen=True)
class ReceiptDetail:
    """Everything a receipt prints, and the language it is printed in."""

    transaction_id: uuid.UUID
    document_number: str
    payment_date: dt.date
    amount: Decimal
    currency: str
    method: str
    reference: str | None
    bank_name: str | None
    instrument_due_date: dt.date | None
    state: str
    account: str
    customer_name: str
    street: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    company_name: str
    language: str
    lines: tuple[ReceiptLine, ...]
    refunded: tuple[ReceiptLine, ...]  # refunds that paid part of it back
    unsettled: Decimal
    printed_before: bool


def receipt_detail(
    session: Session, scope: AgentScope, transaction_id: uuid.UUID, as_of: dt.date
) -> ReceiptDetail:
    """What the receipt of payment ``transaction_id`` says, in its customer's language.

    The documents it lists are those its settlements paid and that no reversal undid.
    """
    row = session.execute(
        select(CustomerTransaction, PaymentDetails)
        .join(PaymentDetails, PaymentDetails.transaction_id == CustomerTransaction.id)
        .where(CustomerTransaction.id == transaction_id)
    ).one_or_none()
    if row is None:
        raise ReceiptError(_("This payment has no receipt: its method was not recorded here."))
    payment, details = row
    customer = check_customer(session, scope, payment.customer_id, as_of)
    undone = aliased(Settlement)
    mine = select(SettlementLine.settlement_id).where(
        SettlementLine.transaction_id == transaction_id
    )
    lines = tuple(
        (ReceiptLine(number, day, amount), kind)
        for number, day, kind, amount in session.execute(
            select(
                CustomerTransaction.document_number,
                CustomerTransaction.document_date,
                CustomerTransaction.type,
                func.sum(SettlementLine.amount),
            )
            .join(CustomerTransaction, CustomerTransaction.id == SettlementLine.transaction_id)
            .join(Settlement, Settlement.id == SettlementLine.settlement_id)
            .where(
                SettlementLine.settlement_id.in_(mine),
                SettlementLine.transaction_id != transaction_id,
                Settlement.reverses_settlement_id.is_(None),
                ~select(undone.id).where(undone.reverses_settlement_id == Settlement.id).exists(),
            )
            .group_by(
                CustomerTransaction.document_number,
                CustomerTransaction.document_date,
                CustomerTransaction.type,
            )
            .order_by(CustomerTransaction.document_date, CustomerTransaction.document_number)
        )
        if amount > ZERO
    )
    paid = sum((line.amount for line, _type in lines), ZERO)
    return ReceiptDetail(
        transaction_id=payment.id,
        document_number=payment.document_number,
        payment_date=payment.posting_date,
        amount=-payment.amount,
        currency=payment.currency,
        method=details.method,
        reference=details.reference,
        bank_name=details.bank_name,
        instrument_due_date=details.instrument_due_date,
        state=details.state,
        account=customer.account,
        customer_name=customer.name,
        street=customer.street,
        postal_code=customer.postal_code,
        city=customer.city,
        country=customer.country,
        company_name=session.scalar(select(ReceivablesParameters.company_name)) or "",
        language=letter_language(customer.language, company_language(session)),
        lines=tuple(line for line, kind in lines if kind != TransactionType.REFUND),
        refunded=tuple(line for line, kind in lines if kind == TransactionType.REFUND),
        unsettled=-payment.amount - paid,
        printed_before=details.receipt_printed_at is not None,
    )


def mark_receipt_printed(session: Session, transaction_id: uuid.UUID, now: dt.datetime) -> bool:
    """Record that the receipt was printed (the first time only); whether this was the first.

    A print after the first is a copy, and says so.
    """
    result = session.execute(
        update(PaymentDetails)
        .where(
            PaymentDetails.transaction_id == transaction_id,
            PaymentDetails.receipt_printed_at.is_(None),
        )
        .values(receipt_printed_at=now, updated_at=now, version=PaymentDetails.version + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
