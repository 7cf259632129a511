"""Activities: created numbered and validated, edited at the version read, closed and reopened
all or nothing, read in full."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from collections_desktop.models.casework.activities import (
    ActivityError,
    ResponsibleChoice,
    activity_details,
    close_activities,
    create_activity,
    edit_activity,
    reopen_activities,
    responsible_choices,
)
from collections_desktop.models.casework.cases import close_case, create_case
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity, Employee, NumberSequence
from collections_desktop.models.people.scope import company_scope, load_scope
from tests.unit.test_overview import add_activity, add_pool, employee_id
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer

LATER = NOW + dt.timedelta(hours=2)


def setting(session):
    """An agent of the Iberia pool; a Spanish and a French customer."""
    spain, france = add_customer(session, "ES"), add_customer(session, "FR")
    iberia = add_pool(session, "Iberia", "ES")
    user = add_agent(session, [iberia], default=iberia)
    return load_scope(session, user), employee_id(session, user), spain, france


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Activity))


def state(session) -> list[tuple]:
    return sorted(
        session.execute(
            select(Activity.number, Activity.closed, Activity.closed_at, Activity.version)
        ).all()
    )


def test_create_numbers_and_stores_the_activity(any_db: Database) -> None:
    with any_db.sessions() as session:
        scope, me, spain, _france = setting(session)
        session.commit()
        made = create_activity(
            session,
            scope,
            now=NOW,
            responsible_id=me,
            type="appointment",
            purpose="  Call about INV-0000001  ",
            category="CALL",
            memo="Ask for Ana",
            customer_account=spain.account,
            start_at=NOW,
            end_at=LATER,
        )
        second = create_activity(
            session,
            scope,
            now=NOW,
            responsible_id=me,
            type="task",
            purpose="Prepare the weekly report",
            start_at=NOW,
            end_at=NOW,
        )
        session.commit()
        assert (made.number, second.number) == ("ACT-0000001", "ACT-0000002")
        assert (
            session.scalar(
                select(NumberSequence.next_value).where(NumberSequence.name == "activity")
            )
            == 3
        )
        details = activity_details(session, scope, made.id, as_of=TODAY)
        assert details.purpose == "Call about INV-0000001"
        assert (details.type, details.category, details.category_name, details.memo) == (
            "appointment",
            "CALL",
            "Call",
            "Ask for Ana",
        )
        assert (details.customer_id, details.account, details.customer_name) == (
            spain.id,
            spain.account,
            "Snapshot SA",
        )
        assert (details.start_at, details.end_at, details.closed) == (NOW, LATER, False)
        assert details.responsible_id == me
        assert (details.responsible_name or "").startswith("Agent")
        own = activity_details(session, scope, second.id, as_of=TODAY)
        assert (own.customer_id, own.account, own.category, own.memo) == (None, None, None, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"purpose": "   "}, "Write the purpose"),
        ({"purpose": "x" * 501}, "too long"),
        ({"category": "c" * 51}, "too long"),
        ({"category": "LUNCH"}, "There is no activity category LUNCH. Choose one from the list."),
        ({"type": "lunch"}, "not a type of activity"),
        ({"end_at": NOW - dt.timedelta(minutes=1)}, "cannot end before it starts"),
        ({"customer_account": "NOPE-1"}, "no customer NOPE-1 in your pools"),
        ({"customer_account": "FRANCE"}, "in your pools"),
        ({"customer_id": "FRANCE"}, "not in your pools"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(sqlite_db: Database, fields, message) -> None:
    with sqlite_db.sessions() as session:
        scope, me, _spain, france = setting(session)
        session.commit()
        for key in ("customer_account", "customer_id"):
            if fields.get(key) == "FRANCE":
                fields[key] = france.account if key == "customer_account" else france.id
        values = {
            "now": NOW,
            "responsible_id": me,
            "type": "task",
            "purpose": "Call",
            "start_at": NOW,
            "end_at": LATER,
        } | fields
        with pytest.raises(ActivityError, match=message):
            create_activity(session, scope, **values)
        session.rollback()
        assert count(session) == 0
        assert session.scalar(select(func.count()).select_from(NumberSequence).where(
            NumberSequence.name == "activity", NumberSequence.next_value > 1
        )) == 0  # fmt: skip


def test_close_closes_all_in_one_go(any_db: Database) -> None:
    with any_db.sessions() as session:
        scope, me, spain, _france = setting(session)
        one = add_activity(session, me, NOW, spain)
        two = add_activity(session, me, NOW, None)
        three = add_activity(session, me, NOW, spain)
        session.commit()
        assert close_activities(session, scope, [one.id, two.id, one.id], LATER, me) == 2
        session.commit()
        session.expire_all()
        for activity, closed in ((one, True), (two, True), (three, False)):
            assert activity.closed is closed
            assert activity.closed_at == (LATER if closed else None)
            assert activity.version == (2 if closed else 1)
            assert activity.updated_at == (LATER if closed else NOW)
        assert close_activities(session, scope, [], LATER, me) == 0


def test_close_refuses_and_writes_nothing(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, france = setting(session)
        other = employee_id(session, add_agent(session, [], view_all=True))
        good = add_activity(session, me, NOW, spain)
        done = add_activity(session, me, NOW, spain, closed=True, closed_at=NOW)
        foreign = add_activity(session, me, NOW, france)
        theirs = add_activity(session, other, NOW, None)
        gone = add_activity(session, me, NOW, spain, deleted_at=NOW)
        session.commit()
        before = state(session)
        for bad, message in (
            (done, "already closed"),
            (foreign, "outside your pools"),
            (theirs, "another employee's own task"),
            (gone, "no longer exists"),
        ):
            with pytest.raises(ActivityError, match=message):
                close_activities(session, scope, [good.id, bad.id], LATER, me)
            session.rollback()
            assert state(session) == before
        with pytest.raises(ActivityError, match="another employee"):
            close_activities(session, scope, [theirs.id], LATER, None)


def test_details_refuse_what_the_agent_may_not_see(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        scope, me, _spain, france = setting(session)
        foreign = add_activity(session, me, NOW, france)
        gone = add_activity(session, me, NOW, None, deleted_at=NOW)
        session.commit()
        with pytest.raises(ActivityError, match="outside your pools"):
            activity_details(session, scope, foreign.id, as_of=TODAY)
        with pytest.raises(ActivityError, match="no longer exists"):
            activity_details(session, scope, gone.id, as_of=TODAY)


# --- responsible, cases, editing and reopening ------------------------------------------


def a_case(session, scope, me, customer, **fields):
    """An open collections case of ``customer``."""
    return create_case(
        session,
        scope,
        customer.id,
        fields.pop("category", "COLL"),
        fields.pop("description", "Overdue invoices"),
        NOW,
        responsible_id=me,
        created_by_id=me,
    )


def fields_of(session, activity_id) -> tuple:
    return session.execute(
        select(
            Activity.type,
            Activity.category,
            Activity.purpose,
            Activity.memo,
            Activity.responsible_employee_id,
            Activity.start_at,
            Activity.end_at,
            Activity.case_id,
            Activity.closed,
            Activity.closed_at,
            Activity.version,
            Activity.updated_at,
        ).where(Activity.id == activity_id)
    ).one()


def test_responsible_choices_are_the_current_agents_by_name(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        _scope, me, _spain, _france = setting(session)
        other = employee_id(session, add_agent(session, [], view_all=True))
        gone = employee_id(session, add_agent(session, []))
        session.get(Employee, gone).deleted_at = NOW
        session.add(Employee(number="E-CLERK", name="A clerk", user_name="clerk", updated_at=NOW))
        session.flush()
        choices = responsible_choices(session)
        assert [c.id for c in choices] == [me, other]
        assert [c.name for c in choices] == sorted(c.name for c in choices)
        assert all(isinstance(c, ResponsibleChoice) for c in choices)


def test_create_for_another_agent_inside_a_case(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, _france = setting(session)
        other = employee_id(session, add_agent(session, [], view_all=True))
        case = a_case(session, scope, me, spain)
        session.commit()
        # Only the case is given: the activity is about the case's customer.
        made = create_activity(
            session,
            scope,
            now=NOW,
            responsible_id=other,
            type="event",
            purpose="Visit the customer",
            start_at=NOW,
            end_at=LATER,
            case_id=case.id,
        )
        session.commit()
        details = activity_details(session, scope, made.id, as_of=TODAY)
        assert (details.responsible_id, details.customer_id) == (other, spain.id)
        assert (details.case_id, details.case_number, details.case_description) == (
            case.id,
            "CASE-000001",
            "Overdue invoices",
        )
        assert details.version == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"responsible_id": "clerk"}, "not a collections agent"),
        ({"responsible_id": None}, "Choose who is responsible"),
        ({"case_id": "closed"}, "CASE-000002 is closed"),
        ({"case_id": "french", "customer_account": "SPAIN"}, "CASE-000003 is about another"),
        ({"case_id": "french"}, "not in your pools"),
        ({"case_id": "own", "customer_account": ""}, "not in your pools"),
        ({"case_id": "gone"}, "case no longer exists"),
    ],
)
def test_create_refuses_a_bad_responsible_or_case(sqlite_db: Database, fields, message) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, france = setting(session)
        everyone = company_scope(session)
        a_case(session, scope, me, spain)
        closed = a_case(session, scope, me, spain)
        close_case(session, scope, closed.id, NOW)
        french = a_case(session, everyone, me, france)
        session.add(Employee(number="E-CLERK", name="Clerk", user_name="clerk", updated_at=NOW))
        session.commit()
        before = count(session)
        named = {
            "clerk": employee_id(session, "clerk"),
            "closed": closed.id,
            "french": french.id,
            "own": french.id,
            "gone": uuid.uuid4(),
            "SPAIN": spain.account,
        }
        values = {
            "now": NOW,
            "responsible_id": me,
            "type": "task",
            "purpose": "Call",
            "start_at": NOW,
            "end_at": LATER,
        } | {key: named.get(value, value) for key, value in fields.items()}
        with pytest.raises(ActivityError, match=message):
            create_activity(session, scope, **values)
        session.rollback()
        assert count(session) == before


def test_an_own_task_cannot_belong_to_a_case(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, _france = setting(session)
        case = a_case(session, scope, me, spain)
        own = add_activity(session, me, NOW, None)
        session.commit()
        with pytest.raises(ActivityError, match="without a customer cannot belong to a case"):
            edit_activity(
                session,
                scope,
                own.id,
                LATER,
                expected_version=1,
                type="task",
                category=None,
                purpose="Report",
                responsible_id=me,
                start_at=NOW,
                end_at=LATER,
                memo=None,
                case_id=case.id,
                employee_id=me,
            )


def edit(session, scope, activity, me, **changes):
    values = {
        "expected_version": 1,
        "type": "appointment",
        "category": " MEETING ",
        "purpose": " Meet the finance director ",
        "responsible_id": me,
        "start_at": NOW + dt.timedelta(days=1),
        "end_at": NOW + dt.timedelta(days=1, hours=2),
        "memo": " Bring the statement ",
        "case_id": None,
    } | changes
    return edit_activity(session, scope, activity.id, LATER, **values)


def test_edit_writes_every_field_and_bumps_the_version(any_db: Database) -> None:
    with any_db.sessions() as session:
        scope, me, spain, _france = setting(session)
        other = employee_id(session, add_agent(session, [], view_all=True))
        case = a_case(session, scope, me, spain)
        activity = add_activity(session, me, NOW, spain, category="Call", memo="old")
        session.commit()
        edit(session, scope, activity, me, responsible_id=other, case_id=case.id)
        session.commit()
        assert fields_of(session, activity.id) == (
            "appointment",
            "MEETING",
            "Meet the finance director",
            "Bring the statement",
            other,
            NOW + dt.timedelta(days=1),
            NOW + dt.timedelta(days=1, hours=2),
            case.id,
            False,
            None,
            2,
            LATER,
        )
        # Closing through the edit, then reopening: closed_at follows, version counts on.
        edit(session, scope, activity, me, expected_version=2, closed=True, memo="")
        session.commit()
        assert fields_of(session, activity.id)[3:] == (
            None,
            me,
            NOW + dt.timedelta(days=1),
            NOW + dt.timedelta(days=1, hours=2),
            None,
            True,
            LATER,
            3,
            LATER,
        )
        edit(session, scope, activity, me, expected_version=3, closed=False)
        session.commit()
        assert fields_of(session, activity.id)[8:11] == (False, None, 4)
        # closed=None leaves the state alone.
        edit(session, scope, activity, me, expected_version=4)
        assert fields_of(session, activity.id)[8:11] == (False, None, 5)


def test_an_edit_of_an_outdated_version_is_refused(any_db: Database) -> None:
    with any_db.sessions() as session:
        scope, me, spain, _france = setting(session)
        activity = add_activity(session, me, NOW, spain, purpose="Call Ruiz")
        session.commit()
        read = activity_details(session, scope, activity.id, as_of=TODAY)
        # Someone else closes it meanwhile: version 2.
        close_activities(session, scope, [activity.id], NOW, me)
        session.commit()
        before = fields_of(session, activity.id)
        with pytest.raises(ActivityError, match="Someone else changed activity ACT-"):
            edit(session, scope, activity, me, expected_version=read.version)
        session.rollback()
        assert fields_of(session, activity.id) == before


def test_an_activity_may_keep_a_case_closed_since(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, _france = setting(session)
        case = a_case(session, scope, me, spain)
        activity = add_activity(session, me, NOW, spain, case_id=case.id)
        close_case(session, scope, case.id, NOW)
        later = a_case(session, scope, me, spain)
        close_case(session, scope, later.id, NOW)
        session.commit()
        edit(session, scope, activity, me, case_id=case.id)
        with pytest.raises(ActivityError, match="CASE-000002 is closed; reopen it first"):
            edit(session, scope, activity, me, expected_version=2, case_id=later.id)


@pytest.mark.parametrize(
    ("target", "changes", "message"),
    [
        ("mine", {"end_at": NOW - dt.timedelta(minutes=5)}, "cannot end before it starts"),
        ("mine", {"purpose": " "}, "Write the purpose"),
        ("mine", {"type": "lunch"}, "not a type of activity"),
        ("mine", {"responsible_id": "clerk"}, "not a collections agent"),
        ("mine", {"case_id": "french"}, "CASE-000002 is about another customer"),
        ("mine", {"case_id": "gone"}, "case no longer exists"),
        ("foreign", {}, "outside your pools; you cannot change it"),
        ("theirs", {}, "another employee's own task; you cannot change it"),
        ("gone", {}, "no longer exists"),
    ],
)
def test_edit_refuses_and_writes_nothing(sqlite_db: Database, target, changes, message) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, france = setting(session)
        other = employee_id(session, add_agent(session, [], view_all=True))
        a_case(session, scope, me, spain)
        french = a_case(session, company_scope(session), me, france)
        session.add(Employee(number="E-CLERK", name="Clerk", user_name="clerk", updated_at=NOW))
        activities = {
            "mine": add_activity(session, me, NOW, spain),
            "foreign": add_activity(session, me, NOW, france),
            "theirs": add_activity(session, other, NOW, None),
            "gone": add_activity(session, me, NOW, spain, deleted_at=NOW),
        }
        session.commit()
        named = {"clerk": employee_id(session, "clerk"), "french": french.id, "gone": uuid.uuid4()}
        changes = {key: named.get(value, value) for key, value in changes.items()}
        before = state(session), fields_of(session, activities[target].id)
        with pytest.raises(ActivityError, match=message):
            edit(session, scope, activities[target], me, employee_id=me, **changes)
        session.rollback()
        assert (state(session), fields_of(session, activities[target].id)) == before


def test_reopen_reopens_all_in_one_go_and_refuses_like_close(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, france = setting(session)
        other = employee_id(session, add_agent(session, [], view_all=True))
        one = add_activity(session, me, NOW, spain, closed=True, closed_at=NOW)
        two = add_activity(session, me, NOW, None, closed=True, closed_at=NOW)
        still = add_activity(session, me, NOW, spain)
        foreign = add_activity(session, me, NOW, france, closed=True, closed_at=NOW)
        theirs = add_activity(session, other, NOW, None, closed=True, closed_at=NOW)
        session.commit()
        before = state(session)
        for bad, message in (
            (still, "ACT-\\d+ is open already"),
            (foreign, "outside your pools; you cannot reopen it"),
            (theirs, "another employee's own task; you cannot reopen it"),
        ):
            with pytest.raises(ActivityError, match=message):
                reopen_activities(session, scope, [one.id, bad.id], LATER, me)
            session.rollback()
            assert state(session) == before
        assert reopen_activities(session, scope, [one.id, two.id, one.id], LATER, me) == 2
        assert reopen_activities(session, scope, [], LATER, me) == 0
        session.commit()
        session.expire_all()
        for activity in (one, two):
            assert (activity.closed, activity.closed_at, activity.version) == (False, None, 2)
            assert activity.updated_at == LATER
