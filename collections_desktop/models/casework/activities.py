"""Collections activities: create one, edit one, close or reopen several, read one in full.

An activity is a task, appointment, event or action a collections agent is responsible
for, usually about a customer and then possibly part of one of the customer's open cases.
Every function takes an ``AgentScope``: an activity about a customer outside the scope
can be neither created, changed nor read. An activity without a customer is its
responsible employee's own task: only that employee may close, reopen or edit it.

Activities are mutable rows: every change sets ``updated_at`` and adds one to
``version``. An edit names the version it was read at and is refused when someone else
changed the activity since (optimistic locking), so nobody overwrites a change unseen.

Each user action is one transaction: the functions refuse (``ActivityError``, a message
a collector can act on) before writing anything, and the caller commits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, aliased

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.casework.categories import category_names
from collections_desktop.models.db.schema import (
    Activity,
    ActivityCategory,
    ActivityType,
    CaseStatus,
    CollectionsAgent,
    CollectionsCase,
    Customer,
    Employee,
)
from collections_desktop.models.ledger.numbering import next_number
from collections_desktop.models.people.scope import AgentScope

PURPOSE_LENGTH = 500
CATEGORY_LENGTH = 50


class ActivityError(ValueError):
    """An activity cannot be created, changed, closed or read; the message says why."""


@dataclass(frozen=True)
class ResponsibleChoice:
    """A collections agent who may be made responsible for an activity or a case."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ActivityDetails:
    """Everything about one activity, for a read-only details view."""

    id: uuid.UUID
    number: str
    type: str
    category: str | None
    purpose: str
    memo: str | None
    start_at: dt.datetime
    end_at: dt.datetime
    closed: bool
    closed_at: dt.datetime | None
    responsible_id: uuid.UUID | None
    responsible_name: str | None
    customer_id: uuid.UUID | None
    account: str | None
    customer_name: str | None
    version: int = 1
    case_id: uuid.UUID | None = None
    case_number: str | None = None
    case_description: str | None = None
    category_name: str | None = None
    """The category's name in the reader's language (the stored text when unknown)."""


def _customer_in_scope(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> bool:
    found = session.scalar(
        select(Customer.id).where(
            Customer.id == customer_id,
            Customer.deleted_at.is_(None),
            scope.customer_condition(as_of),
        )
    )
    return found is not None


def find_customer(session: Session, scope: AgentScope, account: str, as_of: dt.date) -> uuid.UUID:
    """The id of the customer with ``account`` inside the scope; ``ActivityError`` otherwise."""
    account = account.strip()
    found = session.scalar(
        select(Customer.id).where(
            Customer.account == account,
            Customer.deleted_at.is_(None),
            scope.customer_condition(as_of),
        )
    )
    if found is None:
        raise ActivityError(
            _("There is no customer {account} in your pools. Check the account number.").format(
                account=account
            )
        )
    return found


def responsible_choices(session: Session) -> list[ResponsibleChoice]:
    """The collections agents (current employees), by name: who may be made responsible."""
    rows = session.execute(
        select(Employee.id, Employee.name)
        .join(CollectionsAgent, CollectionsAgent.employee_id == Employee.id)
        .where(Employee.deleted_at.is_(None), CollectionsAgent.deleted_at.is_(None))
        .order_by(Employee.name, Employee.number)
    )
    return [ResponsibleChoice(row.id, row.name) for row in rows]


def check_responsible(session: Session, responsible_id: uuid.UUID | None) -> None:
    """Refuse (``ActivityError``) a responsible who is not a current collections agent."""
    if responsible_id is None:
        raise ActivityError(_("Choose who is responsible."))
    found = session.scalar(
        select(Employee.id)
        .join(CollectionsAgent, CollectionsAgent.employee_id == Employee.id)
        .where(
            Employee.id == responsible_id,
            Employee.deleted_at.is_(None),
            CollectionsAgent.deleted_at.is_(None),
        )
    )
    if found is None:
        raise ActivityError(
            _("The responsible employee is not a collections agent. Choose one from the list.")
        )


def _checked_fields(
    type: str,
    purpose: str,
    category: str | None,
    memo: str | None,
    start_at: dt.datetime,
    end_at: dt.datetime,
) -> tuple[ActivityType, str, str | None, str | None]:
    """The type, purpose, category and memo as stored, or the ``ActivityError`` saying why not."""
    purpose = purpose.strip()
    category = (category or "").strip() or None
    memo = (memo or "").strip() or None
    if not purpose:
        raise ActivityError(_("Write the purpose of the activity."))
    if len(purpose) > PURPOSE_LENGTH:
        raise ActivityError(
            _("The purpose is too long: at most {count} characters.").format(count=PURPOSE_LENGTH)
        )
    if category is not None and len(category) > CATEGORY_LENGTH:
        raise ActivityError(
            _("The category is too long: at most {count} characters.").format(count=CATEGORY_LENGTH)
        )
    try:
        kind = ActivityType(type)
    except ValueError:
        raise ActivityError(_("{type} is not a type of activity.").format(type=type)) from None
    if end_at < start_at:
        raise ActivityError(_("The activity cannot end before it starts."))
    return kind, purpose, category, memo


def _check_category(session: Session, category: str | None, *, current: str | None) -> None:
    """Refuse a category that is not a live, active category's code; an edit may keep the
    activity's own (an inactive category, or a free text written before categories)."""
    if category is None or category == current:
        return
    row = session.execute(
        select(ActivityCategory.active).where(
            ActivityCategory.code == category, ActivityCategory.deleted_at.is_(None)
        )
    ).one_or_none()
    if row is None:
        raise ActivityError(
            _("There is no activity category {code}. Choose one from the list.").format(
                code=category
            )
        )
    if not row.active:
        raise ActivityError(
            _("The activity category {code} is no longer in use. Choose another.").format(
                code=category
            )
        )


def _check_case(
    session: Session,
    case_id: uuid.UUID | None,
    customer_id: uuid.UUID | None,
    *,
    current: uuid.UUID | None = None,
) -> None:
    """Refuse a case that is gone, another customer's, or closed (unless it is ``current``)."""
    if case_id is None:
        return
    if customer_id is None:
        raise ActivityError(
            _("An activity without a customer cannot belong to a case; a case is about a customer.")
        )
    row = session.execute(
        select(
            CollectionsCase.number,
            CollectionsCase.customer_id,
            CollectionsCase.status,
            CollectionsCase.deleted_at,
        ).where(CollectionsCase.id == case_id)
    ).one_or_none()
    if row is None or row.deleted_at is not None:
        raise ActivityError(_("The case no longer exists. Choose another case."))
    if row.customer_id != customer_id:
        raise ActivityError(
            _(
                "Case {number} is about another customer; choose one of this customer's cases."
            ).format(number=row.number)
        )
    if row.status != CaseStatus.OPEN and case_id != current:
        raise ActivityError(
            _("Case {number} is closed; reopen it first or choose an open case.").format(
                number=row.number
            )
        )


def _case_customer(session: Session, case_id: uuid.UUID) -> uuid.UUID:
    found = session.scalar(
        select(CollectionsCase.customer_id).where(
            CollectionsCase.id == case_id, CollectionsCase.deleted_at.is_(None)
        )
    )
    if found is None:
        raise ActivityError(_("The case no longer exists. Choose another case."))
    return found


def create_activity(
    session: Session,
    scope: AgentScope,
    *,
    now: dt.datetime,
    responsible_id: uuid.UUID,
    type: str,
    purpose: str,
    category: str | None = None,
    memo: str | None = None,
    customer_id: uuid.UUID | None = None,
    customer_account: str | None = None,
    start_at: dt.datetime,
    end_at: dt.datetime,
    case_id: uuid.UUID | None = None,
) -> Activity:
    """Add an open activity numbered from the ``activity`` counter; the caller commits.

    The customer is given by id or by account number (what a collector types); either
    must be inside the scope; the category, if any, is an active category's code
    (``categories.category_choices``). With a case and no customer, the activity is about the
    case's customer; the case must be that customer's and open. The responsible may be
    any collections agent. Nothing is written when the input is refused.
    """
    kind, purpose, category, memo = _checked_fields(type, purpose, category, memo, start_at, end_at)
    _check_category(session, category, current=None)
    check_responsible(session, responsible_id)
    as_of = now.date()
    if customer_account is not None and customer_account.strip():
        found = find_customer(session, scope, customer_account, as_of)
        if customer_id is not None and customer_id != found:
            raise ActivityError(
                _("The customer id and the account number name different customers.")
            )
        customer_id = found
    else:
        if customer_id is None and case_id is not None:
            customer_id = _case_customer(session, case_id)
        if customer_id is not None and not _customer_in_scope(session, scope, customer_id, as_of):
            raise ActivityError(_("This customer is not in your pools."))
    _check_case(session, case_id, customer_id)
    activity = Activity(
        number=next_number(session, "activity", now),
        type=kind.value,
        category=category,
        purpose=purpose,
        memo=memo,
        responsible_employee_id=responsible_id,
        customer_id=customer_id,
        start_at=start_at,
        end_at=end_at,
        closed=False,
        case_id=case_id,
        updated_at=now,
        version=1,
    )
    session.add(activity)
    session.flush()
    return activity


def edit_activity(
    session: Session,
    scope: AgentScope,
    activity_id: uuid.UUID,
    now: dt.datetime,
    *,
    expected_version: int,
    type: str,
    category: str | None,
    purpose: str,
    responsible_id: uuid.UUID | None,
    start_at: dt.datetime,
    end_at: dt.datetime,
    memo: str | None,
    case_id: uuid.UUID | None,
    closed: bool | None = None,
    employee_id: uuid.UUID | None = None,
) -> Activity:
    """Write every field of an activity read at ``expected_version``; the caller commits.

    ``closed`` True closes it, False reopens it, None leaves it as it is. Refused
    (``ActivityError``, nothing written) when the activity is gone, was changed by
    someone else since it was read, is about a customer outside the scope or is another
    employee's own task (``employee_id`` is who edits), or a field is refused as in
    ``create_activity``. A case it already belongs to may stay even when closed since.
    """
    kind, purpose, category, memo = _checked_fields(type, purpose, category, memo, start_at, end_at)
    activity = session.execute(
        select(Activity).where(Activity.id == activity_id).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if activity is None or activity.deleted_at is not None:
        raise ActivityError(_("The activity no longer exists. Refresh the list."))
    if activity.version != expected_version:
        raise _changed_meanwhile(activity.number)
    if activity.customer_id is not None:
        if not _customer_in_scope(session, scope, activity.customer_id, now.date()):
            raise ActivityError(
                _(
                    "Activity {number} is about a customer outside your pools; "
                    "you cannot change it."
                ).format(number=activity.number)
            )
    elif employee_id is None or activity.responsible_employee_id != employee_id:
        raise ActivityError(
            _("Activity {number} is another employee's own task; you cannot change it.").format(
                number=activity.number
            )
        )
    _check_category(session, category, current=activity.category)
    check_responsible(session, responsible_id)
    _check_case(session, case_id, activity.customer_id, current=activity.case_id)
    values: dict[str, object] = {
        "type": kind.value,
        "category": category,
        "purpose": purpose,
        "memo": memo,
        "responsible_employee_id": responsible_id,
        "start_at": start_at,
        "end_at": end_at,
        "case_id": case_id,
        "updated_at": now,
        "version": Activity.version + 1,
    }
    if closed is not None and closed != activity.closed:
        values |= {"closed": closed, "closed_at": now if closed else None}
    result = cast(  # an UPDATE's result is a CursorResult
        CursorResult[Any],
        session.execute(
            update(Activity)
            .where(Activity.id == activity_id, Activity.version == expected_version)
            .values(values)
            .execution_options(synchronize_session="fetch")
        ),
    )
    if result.rowcount != 1:  # changed between our read and our write
        raise _changed_meanwhile(activity.number)
    return activity


def _changed_meanwhile(number: str) -> ActivityError:
    return ActivityError(
        _(
            "Someone else changed activity {number} after you opened it. "
            "Nothing was saved; open it again to see their changes."
        ).format(number=number)
    )


def _check_changeable(
    session: Session,
    scope: AgentScope,
    ids: list[uuid.UUID],
    now: dt.datetime,
    employee_id: uuid.UUID | None,
    *,
    closing: bool,
) -> None:
    """Refuse closing (or reopening) any of ``ids`` that may not be, before anything is written."""
    rows = {
        row.id: row
        for row in session.execute(
            select(
                Activity.id,
                Activity.number,
                Activity.closed,
                Activity.deleted_at,
                Activity.customer_id,
                Activity.responsible_employee_id,
            ).where(Activity.id.in_(ids))
        )
    }
    as_of = now.date()
    in_scope: set[uuid.UUID] = set()
    customers = {row.customer_id for row in rows.values() if row.customer_id is not None}
    if customers:
        in_scope = set(
            session.scalars(
                select(Customer.id).where(
                    Customer.id.in_(customers),
                    Customer.deleted_at.is_(None),
                    scope.customer_condition(as_of),
                )
            )
        )
    for activity_id in ids:
        row = rows.get(activity_id)
        if row is None or row.deleted_at is not None:
            raise ActivityError(_("The activity no longer exists. Refresh the list."))
        if row.closed and closing:
            raise ActivityError(
                _("Activity {number} is already closed. Refresh the list.").format(
                    number=row.number
                )
            )
        if not row.closed and not closing:
            raise ActivityError(
                _("Activity {number} is open already. Refresh the list.").format(number=row.number)
            )
        if row.customer_id is not None:
            if row.customer_id not in in_scope:
                raise ActivityError(
                    (
                        _(
                            "Activity {number} is about a customer outside your pools; "
                            "you cannot close it."
                        )
                        if closing
                        else _(
                            "Activity {number} is about a customer outside your pools; "
                            "you cannot reopen it."
                        )
                    ).format(number=row.number)
                )
        elif employee_id is None or row.responsible_employee_id != employee_id:
            raise ActivityError(
                (
                    _("Activity {number} is another employee's own task; you cannot close it.")
                    if closing
                    else _(
                        "Activity {number} is another employee's own task; you cannot reopen it."
                    )
                ).format(number=row.number)
            )


def _set_closed(session: Session, ids: list[uuid.UUID], now: dt.datetime, *, closed: bool) -> None:
    result = cast(  # an UPDATE's result is a CursorResult
        CursorResult[Any],
        session.execute(
            update(Activity)
            .where(Activity.id.in_(ids), Activity.closed.is_(not closed))
            .values(
                closed=closed,
                closed_at=now if closed else None,
                updated_at=now,
                version=Activity.version + 1,
            )
            .execution_options(synchronize_session="fetch")
        ),
    )
    if result.rowcount != len(ids):  # closed or reopened meanwhile by someone else
        raise ActivityError(
            ngettext(
                "The activity was changed meanwhile. Refresh the list.",
                "The activities were changed meanwhile. Refresh the list.",
                len(ids),
            )
        )


def close_activities(
    session: Session,
    scope: AgentScope,
    activity_ids: Iterable[uuid.UUID],
    now: dt.datetime,
    employee_id: uuid.UUID | None,
) -> int:
    """Close the open activities ``activity_ids``, all or none; returns how many closed.

    Refused (``ActivityError``, nothing written) when one is unknown, deleted or already
    closed, is about a customer outside the scope, or is another employee's own task.
    """
    ids = list(dict.fromkeys(activity_ids))
    if not ids:
        return 0
    _check_changeable(session, scope, ids, now, employee_id, closing=True)
    _set_closed(session, ids, now, closed=True)
    return len(ids)


def reopen_activities(
    session: Session,
    scope: AgentScope,
    activity_ids: Iterable[uuid.UUID],
    now: dt.datetime,
    employee_id: uuid.UUID | None,
) -> int:
    """Reopen the closed activities ``activity_ids``, all or none; returns how many reopened.

    The mirror of ``close_activities``: refused when one is unknown, deleted or open, is
    about a customer outside the scope, or is another employee's own task.
    """
    ids = list(dict.fromkeys(activity_ids))
    if not ids:
        return 0
    _check_changeable(session, scope, ids, now, employee_id, closing=False)
    _set_closed(session, ids, now, closed=False)
    return len(ids)


def activity_details(
    session: Session, scope: AgentScope, activity_id: uuid.UUID, *, as_of: dt.date
) -> ActivityDetails:
    """One activity in full, with its version and case (for editing).

    ``ActivityError`` if it is gone or its customer is outside the scope.
    """
    responsible = aliased(Employee)
    row = session.execute(
        select(
            Activity,
            responsible.name.label("responsible_name"),
            Customer.account,
            Customer.name.label("customer_name"),
            CollectionsCase.number.label("case_number"),
            CollectionsCase.description.label("case_description"),
        )
        .outerjoin(responsible, responsible.id == Activity.responsible_employee_id)
        .outerjoin(Customer, Customer.id == Activity.customer_id)
        .outerjoin(CollectionsCase, CollectionsCase.id == Activity.case_id)
        .where(Activity.id == activity_id, Activity.deleted_at.is_(None))
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise ActivityError(_("The activity no longer exists. Refresh the list."))
    activity: Activity = row[0]
    if activity.customer_id is not None and not _customer_in_scope(
        session, scope, activity.customer_id, as_of
    ):
        raise ActivityError(_("This activity is about a customer outside your pools."))
    return ActivityDetails(
        id=activity.id,
        number=activity.number,
        type=activity.type,
        category=activity.category,
        purpose=activity.purpose,
        memo=activity.memo,
        start_at=activity.start_at,
        end_at=activity.end_at,
        closed=activity.closed,
        closed_at=activity.closed_at,
        responsible_id=activity.responsible_employee_id,
        responsible_name=row.responsible_name,
        customer_id=activity.customer_id,
        account=row.account,
        customer_name=row.customer_name,
        version=activity.version,
        case_id=activity.case_id,
        case_number=row.case_number,
        case_description=row.case_description,
        category_name=(
            category_names(session).get(activity.category, activity.category)
            if activity.category
            else None
        ),
    )
