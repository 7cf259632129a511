"""Activities: created numbered and validated, closed all or nothing, read in full."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from collections_desktop.models.activities import (
    ActivityError,
    activity_details,
    close_activities,
    create_activity,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity, NumberSequence
from collections_desktop.models.scope import load_scope
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
            category="Call",
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
        assert (details.type, details.category, details.memo) == (
            "appointment",
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
