"""The last contact of every customer in one statement equals the Workspace's newest contact."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal

from collections_desktop.models.casework.last_contacts import (
    ContactKind,
    last_contact_rows,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity, CollectionLetter, Customer, Employee
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.screens.customer_card import recent_contacts
from collections_desktop.models.screens.customer_list import list_customers
from tests.unit.test_snapshot import NOW, TODAY, add_customer

TYPES = ("action", "appointment", "task", "event")
_letters = itertools.count(1)


def add_letter(session, customer, day: dt.date, created_by=None, number=None) -> CollectionLetter:
    letter = CollectionLetter(
        number=number or f"CL-LC{next(_letters):07d}",
        customer_id=customer.id,
        sequence_code="STD",
        level=1,
        letter_date=day,
        currency="EUR",
        amount=Decimal("100.00"),
        fee=Decimal("0.00"),
        text="Dear customer",
        created_at=NOW,
        created_by_id=created_by,
    )
    session.add(letter)
    session.flush()
    return letter


def add_employee(session, name: str) -> Employee:
    employee = Employee(number=f"E-{name[:8]}", name=name, updated_at=NOW)
    session.add(employee)
    session.flush()
    return employee


def activity(session, customer, number, kind, end, *, closed, by=None, deleted=False) -> Activity:
    made = Activity(
        number=number,
        type=kind,
        purpose="About the open invoices",
        customer_id=customer.id,
        responsible_employee_id=by,
        start_at=end - dt.timedelta(minutes=30),
        end_at=end,
        closed=closed,
        closed_at=end if closed else None,
        deleted_at=NOW if deleted else None,
        updated_at=NOW,
    )
    session.add(made)
    session.flush()
    return made


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def test_the_last_contact_is_the_newest_that_happened(any_db: Database) -> None:
    with any_db.sessions() as session:
        marta, luis = add_employee(session, "Marta Soto"), add_employee(session, "Luis Gil")
        called, lettered, planned, _never = (add_customer(session) for _ in range(4))
        # Called: a call closed on 20 Nov by Marta; a meeting closed ahead of time on
        # 25 Nov (has not happened), an open task today and a closed event: no contacts.
        activity(session, called, "A-0001", "action", at(TODAY - dt.timedelta(3), 16),
                 closed=True, by=marta.id)  # fmt: skip
        activity(session, called, "A-0002", "appointment", at(dt.date(2026, 11, 25), 10),
                 closed=True, by=luis.id)  # fmt: skip
        activity(session, called, "A-0003", "task", at(TODAY, 8), closed=False, by=luis.id)
        activity(session, called, "A-0004", "event", at(TODAY, 7), closed=True, by=luis.id)
        # A letter of the same day as a call comes before it: the call is the newer.
        add_letter(session, called, TODAY - dt.timedelta(3), created_by=luis.id)
        # Lettered: a letter dated today by Luis; a call two days before by Marta.
        activity(session, lettered, "A-0005", "action", at(TODAY - dt.timedelta(2), 9),
                 closed=True, by=marta.id)  # fmt: skip
        add_letter(session, lettered, TODAY, created_by=luis.id, number="CL-TODAY")
        # Planned: an open call and a deleted one; never: nothing at all.
        activity(session, planned, "A-0006", "action", at(TODAY, 6), closed=False)
        activity(session, planned, "A-0007", "action", at(TODAY, 6), closed=True, deleted=True)

        found = last_contact_rows(session, TODAY)
        assert set(found) == {called.id, lettered.id}
        first = found[called.id]
        assert (first.kind, first.number, first.on, first.at, first.employee_id) == (
            ContactKind.ACTIVITY,
            "A-0001",
            dt.date(2026, 11, 20),
            at(dt.date(2026, 11, 20), 16),
            marta.id,
        )
        second = found[lettered.id]
        assert (second.kind, second.number, second.on, second.at, second.employee_id) == (
            ContactKind.LETTER,
            "CL-TODAY",
            TODAY,
            None,
            luis.id,
        )
        # On 25 November the meeting has happened.
        later = last_contact_rows(session, dt.date(2026, 11, 25))
        assert later[called.id].number == "A-0002"
        assert later[called.id].employee_id == luis.id
        # A scope's customers only.
        assert set(last_contact_rows(session, TODAY, Customer.id == lettered.id)) == {lettered.id}
        session.rollback()


def test_one_statement_and_the_workspace_agree_on_random_activities(any_db: Database) -> None:
    """Random activities and letters around the day (same days, same minutes, midnight,
    future, open, deleted): for several days, every customer's row of ``last_contacts``
    is ``recent_contacts``' first, and a customer without one has none; the Customers
    page's last action is the same."""
    rng = random.Random(20261123)
    numbers = itertools.count(1)
    with any_db.sessions() as session:
        people = [add_employee(session, f"Agent {n}").id for n in range(3)] + [None]
        customers = [add_customer(session) for _ in range(30)]
        everyone = company_scope(session)
        start = TODAY - dt.timedelta(days=6)
        for customer in customers:
            days = set()
            for _ in range(rng.randrange(0, 8)):
                day = start + dt.timedelta(days=rng.randrange(0, 10))
                hour, minute = rng.choice([(0, 0), (9, 30), (9, 30), (16, 5), (23, 59)])
                activity(session, customer, f"A-{next(numbers):05d}", rng.choice(TYPES),
                         at(day, hour, minute), closed=rng.random() < 0.7,
                         by=rng.choice(people), deleted=rng.random() < 0.1)  # fmt: skip
            for _ in range(rng.randrange(0, 3)):
                day = start + dt.timedelta(days=rng.randrange(0, 10))
                if day not in days:
                    days.add(day)
                    add_letter(session, customer, day, created_by=rng.choice(people))
        compared = 0
        for offset in range(0, 10, 2):
            day = start + dt.timedelta(days=offset)
            found = last_contact_rows(session, day)
            listed = {r.customer_id: r for r in list_customers(session, everyone, day)}
            for customer in customers:
                newest = recent_contacts(session, customer.id, day, limit=1)
                row = found.get(customer.id)
                shown = listed[customer.id]  # the Customers page says the same
                if not newest:
                    assert row is None, (customer.account, day)
                    assert shown.last_action_on is None
                    continue
                compared += 1
                contact = newest[0]
                assert row is not None, (customer.account, day)
                assert (row.contact_id, row.kind, row.on, row.at) == (
                    contact.id,
                    contact.kind,
                    contact.date,
                    contact.at,
                ), (customer.account, day)
                assert (shown.last_action_on, shown.last_action_at, shown.last_action_number) == (
                    contact.date,
                    contact.at,
                    contact.number,
                )
        assert compared > 60  # the draw gives most customers a contact
        session.rollback()
