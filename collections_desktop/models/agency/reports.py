"""The agency's monthly reports: collections with commission by collector, expenses by
type, the collector's statement (minuta) and the client's remittance statement.

An approved collection counts in the month it was collected (``collected_on``); a
reversal (a negative approved collection) in the month of its own date. Each collection
earns the client's commission at ``commission.rate`` for the debt's age on the day it
was collected (days from the case's debt date; a reversal takes the age of the
collection it reverses, so it takes back exactly the commission that one earned),
rounded to the cent per line; the collector's share is their staff share of that line's
commission, also per line. Every total is a sum of lines. The collector of a collection
is the one who recorded it (``collected_by_id``).

The month's lines are one statement (the approved collections of the month with their
case, client, debtor, collector and share), plus one for the clients' age bands.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.models.agency import commission as fees
from collections_desktop.models.agency.calendar import month_bounds
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.agency.expenses_read import (
    KIND_ORDER,
    expense_conditions,
    read_expenses,
)
from collections_desktop.models.agency.rows import (
    CollectionReport,
    CollectorStatement,
    CollectorTotal,
    CommissionLine,
    ExpenseKindTotal,
    ExpenseReport,
    RemittanceStatement,
)
from collections_desktop.models.db.schema import (
    AgencyCase,
    AgencyClient,
    AgencyCollection,
    AgencyCommissionBand,
    AgencyDebtor,
    AgencyStaff,
    CollectionState,
    Employee,
    ExpenseState,
    ReceivablesParameters,
)

ZERO = Decimal("0.00")

REPORTED_EXPENSE_STATES = frozenset({ExpenseState.SUBMITTED.value, ExpenseState.APPROVED.value})
"""The expenses an expense report lists: those submitted for the month and those approved
(drafts are not reported yet; rejected ones wait for the collector's correction)."""


class ReportError(AgencyError):
    """A report cannot be made as asked; the message says why."""


def commission_lines(
    session: Session,
    month: dt.date,
    *,
    collector_id: uuid.UUID | None = None,
    client_id: uuid.UUID | None = None,
) -> list[CommissionLine]:
    """The month's approved collections with their commission and share, by collector
    name, date, case number; of one collector or client, or all."""
    first, last = month_bounds(month)
    c, k, cl, d = AgencyCollection, AgencyCase, AgencyClient, AgencyDebtor
    original = aliased(AgencyCollection)
    collector = aliased(Employee)
    staff = aliased(AgencyStaff)
    conditions: list[ColumnElement[bool]] = [
        c.deleted_at.is_(None),
        c.state == CollectionState.APPROVED.value,
        c.collected_on.between(first, last),
    ]
    if collector_id is not None:
        conditions.append(c.collected_by_id == collector_id)
    if client_id is not None:
        conditions.append(k.client_id == client_id)
    rows = (
        session.connection()
        .execute(
            select(
                c.id,
                c.collected_on,
                func.coalesce(original.collected_on, c.collected_on),
                k.number,
                k.client_id,
                cl.code,
                cl.name,
                cl.commission_percent,
                d.name,
                c.collected_by_id,
                collector.name,
                c.amount,
                k.currency,
                k.debt_date,
                staff.commission_share_percent,
            )
            .join(k, k.id == c.case_id)
            .join(cl, cl.id == k.client_id)
            .join(d, d.id == k.debtor_id)
            .join(collector, collector.id == c.collected_by_id)
            .outerjoin(original, original.id == c.reverses_id)
            .outerjoin(staff, (staff.employee_id == c.collected_by_id) & staff.deleted_at.is_(None))
            .where(*conditions)
            .order_by(collector.name, c.collected_by_id, c.collected_on, k.number, c.id)
        )
        .all()
    )
    if not rows:
        return []
    bands: dict[uuid.UUID, list[tuple[int, Decimal]]] = defaultdict(list)
    b = AgencyCommissionBand
    client_ids = {row[4] for row in rows}
    for band_client, from_days, percent in session.connection().execute(
        select(b.client_id, b.from_days, b.percent).where(
            b.deleted_at.is_(None), b.client_id.in_(client_ids)
        )
    ):
        bands[band_client].append((from_days, percent))
    lines = []
    for (
        collection_id,
        collected_on,
        rated_on,
        case_number,
        case_client,
        client_code,
        client_name,
        client_percent,
        debtor_name,
        collected_by,
        collector_name,
        amount,
        currency,
        debt_date,
        share_percent,
    ) in rows:
        percent = fees.rate(client_percent, bands.get(case_client, ()), (rated_on - debt_date).days)
        earned = fees.commission(amount, percent)
        share_percent = share_percent if share_percent is not None else Decimal(0)
        lines.append(
            CommissionLine(
                collection_id=collection_id,
                collected_on=collected_on,
                case_number=case_number,
                client_code=client_code,
                client_name=client_name,
                debtor_name=debtor_name,
                collector_id=collected_by,
                collector_name=collector_name,
                amount=amount,
                currency=currency,
                commission_percent=percent,
                commission=earned,
                share_percent=share_percent,
                share=fees.share(earned, share_percent),
            )
        )
    return lines


def collection_report(
    session: Session, month: dt.date, *, collector_id: uuid.UUID | None = None
) -> CollectionReport:
    """The month's approved collections with commission, and each collector's totals
    (per currency), by collector name."""
    lines = commission_lines(session, month, collector_id=collector_id)
    totals: dict[tuple[uuid.UUID, str], list[CommissionLine]] = defaultdict(list)
    for line in lines:
        totals[(line.collector_id, line.currency)].append(line)
    return CollectionReport(
        month=month_bounds(month)[0],
        lines=tuple(lines),
        totals=tuple(
            CollectorTotal(
                collector_id=collector,
                collector_name=group[0].collector_name,
                currency=currency,
                collections=len(group),
                collected=sum((line.amount for line in group), ZERO),
                commission=sum((line.commission for line in group), ZERO),
                share=sum((line.share for line in group), ZERO),
            )
            for (collector, currency), group in totals.items()  # in the lines' order
        ),
    )


def expense_report(
    session: Session, month: dt.date, *, employee_id: uuid.UUID | None = None
) -> ExpenseReport:
    """The month's submitted and approved expenses (``REPORTED_EXPENSE_STATES``), by type
    and day, with the totals per type and currency."""
    lines = read_expenses(
        session,
        expense_conditions(month, employee_id, REPORTED_EXPENSE_STATES),
        by_kind=True,
    )
    totals: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for line in lines:
        totals[(line.kind, line.currency)].append(line.amount)
    order = {kind: rank for rank, kind in enumerate(KIND_ORDER)}
    return ExpenseReport(
        month=month_bounds(month)[0],
        employee_id=employee_id,
        lines=lines,
        totals=tuple(
            ExpenseKindTotal(
                kind=kind, currency=currency, count=len(amounts), amount=sum(amounts, ZERO)
            )
            for (kind, currency), amounts in sorted(
                totals.items(), key=lambda item: (order.get(item[0][0], 99), item[0][1])
            )
        ),
    )


def _accounting_currency(session: Session) -> str:
    return session.scalar(select(ReceivablesParameters.accounting_currency).limit(1)) or "EUR"


def collector_statement(
    session: Session, month: dt.date, collector_id: uuid.UUID
) -> CollectorStatement:
    """The collector's statement of the month: the share of the commission on their
    approved collections and their approved expenses. ReportError when these are in
    more than one currency."""
    first = month_bounds(month)[0]
    lines = commission_lines(session, first, collector_id=collector_id)
    expenses = read_expenses(
        session,
        expense_conditions(first, collector_id, {ExpenseState.APPROVED.value}),
        by_kind=True,
    )
    currencies = {line.currency for line in lines} | {e.currency for e in expenses}
    if len(currencies) > 1:
        raise ReportError(
            _(
                "The collector's collections and expenses of {month} are in several "
                "currencies ({currencies}); a statement is made in one."
            ).format(month=text_formats().date(first), currencies=", ".join(sorted(currencies)))
        )
    name = session.scalar(select(Employee.name).where(Employee.id == collector_id))
    if name is None:
        raise ReportError(_("This collector no longer exists; choose another."))
    share = sum((line.share for line in lines), ZERO)
    expenses_total = sum((e.amount for e in expenses), ZERO)
    return CollectorStatement(
        month=first,
        collector_id=collector_id,
        collector_name=name,
        currency=currencies.pop() if currencies else _accounting_currency(session),
        collections=tuple(lines),
        expenses=expenses,
        collected=sum((line.amount for line in lines), ZERO),
        share=share,
        expenses_total=expenses_total,
        total=share + expenses_total,
    )


def remittance_statement(
    session: Session, month: dt.date, client_id: uuid.UUID
) -> RemittanceStatement:
    """What the agency remits to a client for the month: its approved collections (by
    date, case number), the commission, the net, and the day to pay by (the month's
    last day plus the client's remittance days)."""
    first, last = month_bounds(month)
    client = session.get(AgencyClient, client_id)
    if client is None or client.deleted_at is not None:
        raise ReportError(_("This client no longer exists; choose another."))
    lines = sorted(
        commission_lines(session, first, client_id=client_id),
        key=lambda line: (line.collected_on, line.case_number, line.collection_id),
    )
    other = sorted({line.currency for line in lines} - {client.currency})
    if other:
        raise ReportError(
            _(
                "Some of the client's case files are in {currencies}, not in the client's "
                "currency {currency}; a remittance statement is made in one currency."
            ).format(currencies=", ".join(other), currency=client.currency)
        )
    collected = sum((line.amount for line in lines), ZERO)
    earned = sum((line.commission for line in lines), ZERO)
    return RemittanceStatement(
        month=first,
        client_id=client_id,
        client_code=client.code,
        client_name=client.name,
        client_language=client.language,
        currency=client.currency,
        lines=tuple(lines),
        collected=collected,
        commission=earned,
        net=collected - earned,
        remit_by=last + dt.timedelta(days=client.remittance_days),
    )
