"""Collections activities: create one, close several, read one in full.

An activity is a task, appointment, event or action an employee is responsible for,
usually about a customer. Every function takes an ``AgentScope``: an activity about a
customer outside the scope can be neither created, closed nor read. An activity without
a customer is its responsible employee's own task: only that employee may close it.

Each user action is one transaction: the functions refuse (``ActivityError``, a message
a collector can act on) before writing anything, and the caller commits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.db.schema import Activity, ActivityType, Customer, Employee
from collections_desktop.models.numbering import next_number
from collections_desktop.models.scope import AgentScope

PURPOSE_LENGTH = 500
CATEGORY_LENGTH = 50


class ActivityError(ValueError):
    """An activity cannot be created, closed or read; the message says why."""


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
) -> Activity:
    """Add an open activity numbered from the ``activity`` counter; the caller commits.

    The customer is given by id or by account number (what a collector types); either
    must be inside the scope. Nothing is written when the input is refused.
    """
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
    as_of = now.date()
    if customer_account is not None and customer_account.strip():
        found = find_customer(session, scope, customer_account, as_of)
        if customer_id is not None and customer_id != found:
            raise ActivityError(
                _("The customer id and the account number name different customers.")
            )
        customer_id = found
    elif customer_id is not None and not _customer_in_scope(session, scope, customer_id, as_of):
        raise ActivityError(_("This customer is not in your pools."))
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
        updated_at=now,
        version=1,
    )
    session.add(activity)
    session.flush()
    return activity


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
        if row.closed:
            raise ActivityError(
                _("Activity {number} is already closed. Refresh the list.").format(
                    number=row.number
                )
            )
        if row.customer_id is not None:
            if row.customer_id not in in_scope:
                raise ActivityError(
                    _(
                        "Activity {number} is about a customer outside your pools; "
                        "you cannot close it."
                    ).format(number=row.number)
                )
        elif employee_id is None or row.responsible_employee_id != employee_id:
            raise ActivityError(
                _("Activity {number} is another employee's own task; you cannot close it.").format(
                    number=row.number
                )
            )
    result = session.execute(
        update(Activity)
        .where(Activity.id.in_(ids), Activity.closed.is_(False))
        .values(closed=True, closed_at=now, updated_at=now, version=Activity.version + 1)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != len(ids):  # closed meanwhile by someone else
        raise ActivityError(
            ngettext(
                "The activity was changed meanwhile. Refresh the list.",
                "The activities were changed meanwhile. Refresh the list.",
                len(ids),
            )
        )
    return len(ids)


def activity_details(
    session: Session, scope: AgentScope, activity_id: uuid.UUID, *, as_of: dt.date
) -> ActivityDetails:
    """One activity in full; ``ActivityError`` if it is gone or its customer is out of scope."""
    responsible = aliased(Employee)
    row = session.execute(
        select(
            Activity,
            responsible.name.label("responsible_name"),
            Customer.account,
            Customer.name.label("customer_name"),
        )
        .outerjoin(responsible, responsible.id == Activity.responsible_employee_id)
        .outerjoin(Customer, Customer.id == Activity.customer_id)
        .where(Activity.id == activity_id, Activity.deleted_at.is_(None))
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
    )
