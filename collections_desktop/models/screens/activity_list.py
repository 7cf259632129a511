"""The Activities list: the activities an agent may see, filtered by status, words and
dates, read in one statement (at most ``ACTIVITY_LIMIT`` rows).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from collections_desktop.models.casework.categories import shown_category
from collections_desktop.models.db.schema import (
    Activity,
    CollectionsCase,
    Customer,
    Employee,
)
from collections_desktop.models.people.scope import AgentScope

ACTIVITY_LIMIT = 20_000
"""The most activities the Activities page lists at once; it says when there are more."""


class ActivityStatus(enum.StrEnum):
    """Which activities a list shows."""

    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class ActivityListRow:
    """One activity of the Activities page; customer fields are None for an own task."""

    id: uuid.UUID
    number: str
    start_at: dt.datetime
    end_at: dt.datetime
    type: str
    category: str | None
    purpose: str
    has_memo: bool
    closed: bool
    closed_at: dt.datetime | None
    customer_id: uuid.UUID | None
    account: str | None
    name: str | None
    responsible_id: uuid.UUID | None
    responsible_name: str | None
    case_id: uuid.UUID | None
    case_number: str | None


@dataclass(frozen=True)
class ActivityList:
    """The activities listed and whether the limit left some out."""

    rows: tuple[ActivityListRow, ...]
    truncated: bool


def _words(text: str | None) -> list[str]:
    return (text or "").lower().split()


def _matches_words(words: Sequence[str], *columns: Any) -> list[ColumnElement[bool]]:
    """Each word in at least one of ``columns`` (case-insensitive; ASCII only on SQLite)."""
    return [
        or_(*(func.lower(func.coalesce(c, "")).contains(w, autoescape=True) for c in columns))
        for w in words
    ]


def _activity_scope(
    scope: AgentScope,
    employee_id: uuid.UUID | None,
    pool_id: uuid.UUID | None,
    as_of: dt.date,
) -> ColumnElement[bool]:
    """Activities about customers the scope sees, plus the viewer's own tasks (no pool)."""
    in_scope = and_(Customer.deleted_at.is_(None), scope.customer_condition(as_of, pool_id))
    if pool_id is not None:
        return in_scope
    own = (
        and_(Activity.customer_id.is_(None), Activity.responsible_employee_id == employee_id)
        if employee_id is not None
        else false()
    )
    return or_(in_scope, own)


def list_activities(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    *,
    employee_id: uuid.UUID | None,
    status: ActivityStatus = ActivityStatus.OPEN,
    type: str | None = None,
    responsible_id: uuid.UUID | None = None,
    pool_id: uuid.UUID | None = None,
    text: str | None = None,
    limit: int | None = ACTIVITY_LIMIT,
) -> ActivityList:
    """The activities the viewer may see, filtered; open ones oldest end first, else newest.

    In scope: every activity about a customer of the scope (of ``pool_id`` when given),
    whoever is responsible, and the viewer's (``employee_id``) own tasks about no
    customer. ``text`` keeps the activities whose number, purpose, category, customer
    account or name hold every word. At most ``limit`` rows; ``truncated`` says when
    there were more.
    """
    if pool_id is not None:
        scope.pool(pool_id)  # ScopeError for a pool outside the scope
    memo = func.length(func.trim(func.coalesce(Activity.memo, "")))
    category = shown_category(session)
    conditions: list[ColumnElement[bool]] = [
        Activity.deleted_at.is_(None),
        _activity_scope(scope, employee_id, pool_id, as_of),
    ]
    if status is ActivityStatus.OPEN:
        conditions.append(Activity.closed.is_(False))
    elif status is ActivityStatus.CLOSED:
        conditions.append(Activity.closed.is_(True))
    if type:
        conditions.append(Activity.type == type)
    if responsible_id is not None:
        conditions.append(Activity.responsible_employee_id == responsible_id)
    conditions += _matches_words(
        _words(text),
        Activity.number,
        Activity.purpose,
        category,
        Customer.account,
        Customer.name,
    )
    order = (
        (Activity.end_at, Activity.number)
        if status is ActivityStatus.OPEN
        else (Activity.end_at.desc(), Activity.number.desc())
    )
    query = (
        select(
            Activity.id,
            Activity.number,
            Activity.start_at,
            Activity.end_at,
            Activity.type,
            category.label("category"),
            Activity.purpose,
            (memo > 0).label("has_memo"),
            Activity.closed,
            Activity.closed_at,
            Activity.customer_id,
            Customer.account,
            Customer.name,
            Activity.responsible_employee_id,
            Employee.name.label("responsible_name"),
            Activity.case_id,
            CollectionsCase.number.label("case_number"),
        )
        .outerjoin(Customer, Customer.id == Activity.customer_id)
        .outerjoin(Employee, Employee.id == Activity.responsible_employee_id)
        .outerjoin(CollectionsCase, CollectionsCase.id == Activity.case_id)
        .where(*conditions)
        .order_by(*order)
        .limit(None if limit is None else limit + 1)
    )
    rows = [_activity_row(row) for row in session.execute(query)]
    truncated = limit is not None and len(rows) > limit
    return ActivityList(tuple(rows[:limit] if truncated else rows), truncated)


def _activity_row(row: Any) -> ActivityListRow:
    return ActivityListRow(
        id=row.id,
        number=row.number,
        start_at=row.start_at,
        end_at=row.end_at,
        type=row.type,
        category=row.category,
        purpose=row.purpose,
        has_memo=bool(row.has_memo),
        closed=bool(row.closed),
        closed_at=row.closed_at,
        customer_id=row.customer_id,
        account=row.account,
        name=row.name,
        responsible_id=row.responsible_employee_id,
        responsible_name=row.responsible_name,
        case_id=row.case_id,
        case_number=row.case_number,
    )
