"""The last contact with each customer: what happened, when and by whom, for a whole scope.

A **contact** is something that happened with the customer by the as-of date:

- a closed action (how calls, visits, e-mails and letters are logged) or a closed
  appointment (a meeting held) whose end is on or before the as-of date (an activity
  ending later, even closed ahead of time, has not happened yet);
- a collection letter dated on or before the as-of date.

Open tasks, future appointments and events are plans or notices, not contacts. The rule
lives here once: ``customer_card.recent_contacts`` (the Workspace's newest contacts of
one customer) takes its conditions from ``activity_contact`` and ``letter_contact``, and
``last_contacts`` (the Customers page, the reports) gives the newest of each customer in
one statement; a test holds the two equal.

Of two contacts the newer is the later day; on one day an activity (it has a time)
comes after a letter (dated only), activities by their end, letters by their number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    Date,
    Select,
    Subquery,
    Text,
    and_,
    case,
    literal,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from collections_desktop.models.db.functions import utc_date
from collections_desktop.models.db.schema import (
    Activity,
    ActivityType,
    CollectionLetter,
    Customer,
)
from collections_desktop.models.db.types import UtcDateTime, UuidKey

Ts = TypeVarTuple("Ts")

CONTACT_TYPES = (ActivityType.ACTION, ActivityType.APPOINTMENT)
"""The activity types that are contacts once closed: an action (a call, visit, e-mail or
letter done) and an appointment (a meeting held). A task is work to do and an event a
notice, closed or not."""


class ContactKind:
    """What a contact was (strings, like the other kinds of the screens)."""

    ACTIVITY = "activity"
    LETTER = "letter"  # a collection letter


@dataclass(frozen=True)
class LastContact:
    """A customer's newest contact on the as-of date (a row of ``last_contacts``).

    ``at`` is when the activity ended (None for a letter); ``employee_id`` the activity's
    responsible employee or the letter's creator (None when not stored).
    """

    customer_id: uuid.UUID
    contact_id: uuid.UUID
    kind: str  # a ContactKind
    on: dt.date
    at: dt.datetime | None
    employee_id: uuid.UUID | None
    number: str


def day_after(day: dt.date) -> dt.datetime:
    """Midnight UTC at the start of the day after ``day``: "ended by ``day``" is ``< this``."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def activity_contact(as_of: dt.date) -> ColumnElement[bool]:
    """The condition on ``Activity``: a contact that happened by ``as_of``."""
    return and_(
        Activity.deleted_at.is_(None),
        Activity.closed.is_(True),
        Activity.type.in_(CONTACT_TYPES),
        Activity.end_at < day_after(as_of),
    )


def letter_contact(as_of: dt.date) -> ColumnElement[bool]:
    """The condition on ``CollectionLetter``: a letter sent by ``as_of``."""
    return CollectionLetter.letter_date <= as_of


class LastContactJoin:
    """The newest contact of the customer whose id is ``customer_id`` (a column of the
    query it joins), as two outer joins and the columns they give.

    The newest activity and the newest letter are each found by an index seek (a
    correlated ``ORDER BY … LIMIT 1`` in the join's condition), and the later of the two
    is kept: on one day the activity (it has a time). Joined straight to the customers
    of a list, the seeks run only for the rows its other conditions keep; a window over
    every contact would sort them all, and SQLite scans a windowed subquery once per
    customer it is joined to.
    """

    def __init__(self, as_of: dt.date, customer_id: ColumnExpressionArgument[uuid.UUID]) -> None:
        newest_activity = (
            select(Activity.id)
            .where(Activity.customer_id == customer_id, activity_contact(as_of))
            .order_by(Activity.end_at.desc(), Activity.number.desc())
            .limit(1)
            .correlate_except(Activity)
            .scalar_subquery()
        )
        newest_letter = (
            select(CollectionLetter.id)
            .where(CollectionLetter.customer_id == customer_id, letter_contact(as_of))
            .order_by(CollectionLetter.letter_date.desc(), CollectionLetter.number.desc())
            .limit(1)
            .correlate_except(CollectionLetter)
            .scalar_subquery()
        )
        self.activity = activity = aliased(Activity, name="last_activity")
        self.letter = letter = aliased(CollectionLetter, name="last_letter")
        self.activity_clause: ColumnElement[bool] = activity.id == newest_activity
        self.letter_clause: ColumnElement[bool] = letter.id == newest_letter
        activity_on = utc_date(activity.end_at)
        letter_newer = and_(
            letter.id.is_not(None), or_(activity.id.is_(None), letter.letter_date > activity_on)
        )

        def pick(of_letter: Any, of_activity: Any) -> Any:
            return case((letter_newer, of_letter), else_=of_activity)

        self.contact_id = type_coerce(pick(letter.id, activity.id), UuidKey()).label("contact_id")
        self.kind = case(
            (letter_newer, literal(ContactKind.LETTER, Text())),
            (activity.id.is_not(None), literal(ContactKind.ACTIVITY, Text())),
        ).label("kind")
        self.contact_on = type_coerce(pick(letter.letter_date, activity_on), Date()).label(
            "contact_on"
        )
        """The day of the newest contact; NULL when the customer was never contacted."""
        self.contact_at = type_coerce(pick(null(), activity.end_at), UtcDateTime()).label(
            "contact_at"
        )
        self.employee_id = type_coerce(
            pick(letter.created_by_id, activity.responsible_employee_id), UuidKey()
        ).label("employee_id")
        self.number = pick(letter.number, activity.number).label("number")

    @property
    def columns(self) -> tuple[Any, ...]:
        """contact_id, kind, contact_on, contact_at, employee_id, number."""
        return (
            self.contact_id,
            self.kind,
            self.contact_on,
            self.contact_at,
            self.employee_id,
            self.number,
        )

    def join(self, query: Select[*Ts]) -> Select[*Ts]:
        """``query`` with the two outer joins (its FROM must hold ``customer_id``)."""
        return query.outerjoin(self.activity, self.activity_clause).outerjoin(
            self.letter, self.letter_clause
        )


def last_contacts(
    as_of: dt.date, customer_condition: ColumnElement[bool] | None = None
) -> Subquery:
    """Each customer's newest contact by ``as_of``: one row per customer (of
    ``customer_condition``, on ``Customer``: a scope's customers; every customer without).

    Columns: ``customer_id``, ``contact_id`` (the activity's or letter's id; NULL when
    the customer was never contacted), ``kind`` (``ContactKind``), ``contact_on`` (the
    day: the activity's end in UTC, the letter's date), ``contact_at`` (the activity's
    end; NULL for a letter), ``employee_id`` (the activity's responsible employee, the
    letter's creator; NULL when not stored) and ``number``. Join it to ``Customer`` on
    ``customer_id``; ``contact_on IS NULL`` is "never contacted". A list of customers
    with filters of its own does better with ``LastContactJoin`` on its customers.
    """
    contact = LastContactJoin(as_of, Customer.id)
    conditions: list[ColumnElement[bool]] = [Customer.deleted_at.is_(None)]
    if customer_condition is not None:
        conditions.append(customer_condition)
    query = (
        select(Customer.id.label("customer_id"), *contact.columns)
        .select_from(Customer)
        .where(*conditions)
    )
    return contact.join(query).subquery("last_contacts")


def last_contact_rows(
    session: Session, as_of: dt.date, customer_condition: ColumnElement[bool] | None = None
) -> dict[uuid.UUID, LastContact]:
    """``last_contacts`` read into rows, by customer contacted (for tests and small
    scopes)."""
    query = select(last_contacts(as_of, customer_condition))
    return {
        row.customer_id: LastContact(
            customer_id=row.customer_id,
            contact_id=row.contact_id,
            kind=row.kind,
            on=row.contact_on,
            at=row.contact_at,
            employee_id=row.employee_id,
            number=row.number,
        )
        for row in session.execute(query)
        if row.contact_id is not None
    }
