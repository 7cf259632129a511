"""Action control: the actions taken on customers in a period, customers in the order of
their oldest open item.

One row per action: a closed action or appointment (a record of a call, visit, e-mail,
letter or note, or another action closed) of a customer of the scope that happened in
the period (its end moment on one of the period's local days), with its result when it
is a record. Each row carries its customer's balance today and the due date of the
customer's oldest open debit (invoice, interest note or fee), so the customers who owe
the longest come first; a customer with nothing open comes last. Within a customer, the
actions are in the order they happened.

One statement: the period's actions (through ``ix_activities_end_at``), the open items
of their customers only (through the ``closed_on`` index, each open amount computed
once in a materialised CTE) summed per customer, joined.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, func, select, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.models.casework.categories import shown_category
from collections_desktop.models.casework.records import shown_result
from collections_desktop.models.db.schema import (
    DEBIT_TYPES,
    Activity,
    ActivityType,
    Customer,
    CustomerTransaction,
    Employee,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.ledger.balances import _open_accounting, _open_on
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.reports.period import Period

CONTACT_TYPES = (ActivityType.ACTION, ActivityType.APPOINTMENT)
"""The activities that are actions taken once closed (as ``customer_card.CONTACT_TYPES``)."""
ROW_LIMIT = 20_000
"""The most rows read at once; the page says when there are more."""


@dataclass(frozen=True)
class ActionRow:
    """One action taken on a customer, with the customer's standing today."""

    customer_id: uuid.UUID
    account: str
    name: str
    oldest_due: dt.date | None
    """The due date of the customer's oldest open debit (None: nothing is open)."""
    days_overdue: int | None
    """Days from that due date to the report's date (negative: not yet due)."""
    balance: Decimal
    """The customer's balance today, in the accounting currency."""
    activity_id: uuid.UUID
    number: str
    at: dt.datetime
    type: str
    category: str | None
    """The event type as shown (the category's name in the reader's language)."""
    result: str | None
    """A record's result as shown; None for an action closed without one."""
    result_code: str | None
    responsible: str | None
    purpose: str
    memo: str | None


def action_control(
    session: Session,
    scope: AgentScope,
    period: Period,
    *,
    as_of: dt.date,
    pool_id: uuid.UUID | None = None,
    responsible_id: uuid.UUID | None = None,
    limit: int = ROW_LIMIT,
) -> list[ActionRow]:
    """The period's actions on the scope's customers (of ``pool_id``, by
    ``responsible_id`` when given), customers by their oldest open item; see the module."""
    start, end = period.moments
    a = Activity
    conditions = [
        a.deleted_at.is_(None),
        a.closed.is_(True),
        a.type.in_(CONTACT_TYPES),
        a.end_at >= start,
        a.end_at < end,
        a.customer_id.in_(
            select(Customer.id).where(
                Customer.deleted_at.is_(None), scope.customer_condition(as_of, pool_id)
            )
        ),
    ]
    if responsible_id is not None:
        conditions.append(a.responsible_employee_id == responsible_id)
    actions = (
        select(
            a.id, a.customer_id, a.number, a.end_at, a.type, a.purpose, a.memo,
            a.result.label("result_code"),
            shown_category(session).label("category"),
            shown_result(session).label("result"),
            a.responsible_employee_id,
        )
        .where(*conditions)
        .cte("actions")
    )  # fmt: skip
    t = CustomerTransaction
    items = (
        select(
            t.customer_id,
            t.type,
            t.due_date,
            type_coerce(_open_accounting(as_of), Money()).label("open"),
        )
        .where(*_open_on(as_of), t.customer_id.in_(select(actions.c.customer_id)))
        .cte("open_items")
        .prefix_with("MATERIALIZED")
    )
    debit_open = and_(items.c.type.in_(sorted(DEBIT_TYPES)), items.c.open > 0)
    standing = (
        select(
            items.c.customer_id,
            type_coerce(func.sum(items.c.open), Money()).label("balance"),
            func.min(case((debit_open, items.c.due_date))).label("oldest_due"),
        )
        .group_by(items.c.customer_id)
        .subquery("standing")
    )
    rows = session.execute(
        select(
            actions,
            Customer.account,
            Customer.name,
            standing.c.balance,
            standing.c.oldest_due,
            Employee.name.label("responsible"),
        )
        .join(Customer, Customer.id == actions.c.customer_id)
        .outerjoin(standing, standing.c.customer_id == actions.c.customer_id)
        .outerjoin(Employee, Employee.id == actions.c.responsible_employee_id)
        .order_by(
            standing.c.oldest_due.is_(None),
            standing.c.oldest_due,
            Customer.account,
            actions.c.end_at,
            actions.c.number,
        )
        .limit(limit)
    ).all()
    found = []
    for row in rows:
        oldest = _date(row.oldest_due)
        found.append(
            ActionRow(
                customer_id=row.customer_id,
                account=row.account,
                name=row.name,
                oldest_due=oldest,
                days_overdue=(as_of - oldest).days if oldest is not None else None,
                balance=row.balance if row.balance is not None else Decimal("0.00"),
                activity_id=row.id,
                number=row.number,
                at=row.end_at,
                type=row.type,
                category=row.category,
                result=row.result,
                result_code=row.result_code,
                responsible=row.responsible,
                purpose=row.purpose,
                memo=row.memo,
            )
        )
    return found


def _date(value: object) -> dt.date | None:
    """A date read through MIN() (SQLite gives it back as ISO text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
