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

from sqlalchemy import (
    ColumnElement,
    Date,
    Subquery,
    Text,
    and_,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from collections_desktop.models.db.functions import utc_date
from collections_desktop.models.db.schema import (
    Activity,
    ActivityType,
    CollectionLetter,
    Customer,
)
from collections_desktop.models.db.types import UtcDateTime

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


def last_contacts(
    as_of: dt.date, customer_condition: ColumnElement[bool] | None = None
) -> Subquery:
    """Each customer's newest contact by ``as_of``: one row per customer contacted.

    Columns: ``customer_id``, ``contact_id`` (the activity's or letter's id), ``kind``
    (``ContactKind``), ``contact_on`` (the day: the activity's end in UTC, the letter's
    date), ``contact_at`` (the activity's end; NULL for a letter), ``employee_id`` (the
    activity's responsible employee, the letter's creator; NULL when not stored) and
    ``number``. ``customer_condition`` (on ``Customer``) keeps a scope's customers; a
    customer without a row was never contacted. Join it to ``Customer`` on
    ``customer_id`` (an outer join keeps the customers never contacted).
    """
    activities = select(
        Activity.customer_id.label("customer_id"),
        Activity.id.label("contact_id"),
        literal(ContactKind.ACTIVITY, Text()).label("kind"),
        utc_date(Activity.end_at).label("contact_on"),
        Activity.end_at.label("contact_at"),
        Activity.responsible_employee_id.label("employee_id"),
        Activity.number.label("number"),
        literal(1).label("timed"),
    ).where(Activity.customer_id.is_not(None), activity_contact(as_of))
    letters = select(
        CollectionLetter.customer_id,
        CollectionLetter.id,
        literal(ContactKind.LETTER, Text()),
        CollectionLetter.letter_date,
        type_coerce(null(), UtcDateTime()),
        CollectionLetter.created_by_id,
        CollectionLetter.number,
        literal(0),
    ).where(letter_contact(as_of))
    if customer_condition is not None:
        chosen = select(Customer.id).where(Customer.deleted_at.is_(None), customer_condition)
        activities = activities.where(Activity.customer_id.in_(chosen))
        letters = letters.where(CollectionLetter.customer_id.in_(chosen))
    contacts = union_all(activities, letters).subquery("contacts")
    c = contacts.c
    rank = (
        func.row_number()
        .over(
            partition_by=c.customer_id,
            order_by=(c.contact_on.desc(), c.timed.desc(), c.contact_at.desc(), c.number.desc()),
        )
        .label("rank")
    )
    ranked = select(
        c.customer_id,
        c.contact_id,
        c.kind,
        type_coerce(c.contact_on, Date()).label("contact_on"),
        type_coerce(c.contact_at, UtcDateTime()).label("contact_at"),
        c.employee_id,
        c.number,
        rank,
    ).subquery("ranked")
    r = ranked.c
    return (
        select(
            r.customer_id, r.contact_id, r.kind, r.contact_on, r.contact_at, r.employee_id, r.number
        )
        .where(r.rank == 1)
        .subquery("last_contacts")
    )


def last_contact_rows(
    session: Session, as_of: dt.date, customer_condition: ColumnElement[bool] | None = None
) -> dict[uuid.UUID, LastContact]:
    """``last_contacts`` read into rows, by customer (for tests and small scopes)."""
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
    }
