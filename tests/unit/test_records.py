"""Records of calls and actions: stored closed with their result, a follow-up on the next
action date, several customers in one transaction, a refusal writes nothing; the results'
set-up list and the timeline entry of a record."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from collections_desktop.formatting import Formats
from collections_desktop.models.casework.activities import ActivityError
from collections_desktop.models.casework.records import (
    RecordError,
    enter_records,
    record_customers,
    result_choices,
    result_names,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity, ActivityType, Employee, RecordResult
from collections_desktop.models.people.scope import company_scope, load_scope
from collections_desktop.models.screens.workspace import TimelineKind, timeline
from collections_desktop.models.setup.fields import SetupError
from collections_desktop.models.setup.record_results import (
    RecordResultValues,
    delete_record_result,
    list_record_results,
    save_record_result,
)
from tests.unit.test_overview import add_pool, employee_id
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer

CALLED = NOW - dt.timedelta(hours=2)


def setting(session):
    """An agent of the Iberia pool; two Spanish customers and a French one."""
    spain, spain2, france = (
        add_customer(session, "ES"),
        add_customer(session, "ES"),
        add_customer(session, "FR"),
    )
    iberia = add_pool(session, "Iberia", "ES")
    user = add_agent(session, [iberia], default=iberia)
    return load_scope(session, user), employee_id(session, user), spain, spain2, france


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Activity)) or 0


def record(session, scope, me, accounts, **changes):
    values = {
        "now": NOW,
        "event_type": "CALL",
        "responsible_id": me,
        "at": CALLED,
        "observations": "Spoke to Ana: pays INV-10233 on Friday",
        "result": "PROMISED",
        "next_action_on": None,
    } | changes
    return enter_records(session, scope, accounts, **values)


def test_a_record_is_a_closed_action_with_its_result(any_db: Database) -> None:
    with any_db.sessions() as session:
        scope, me, spain, _spain2, _france = setting(session)
        entered = record(session, scope, me, [spain.account])
        session.commit()
        assert len(entered.records) == 1
        assert entered.follow_ups == ()
        stored = session.execute(select(Activity)).scalar_one()
        assert stored.number == entered.records[0]
        assert (stored.type, stored.category, stored.result) == ("action", "CALL", "PROMISED")
        assert stored.closed
        assert stored.closed_at == NOW
        assert stored.start_at == stored.end_at == CALLED
        assert stored.purpose == "Spoke to Ana: pays INV-10233 on Friday"
        assert stored.memo is None
        assert (stored.customer_id, stored.responsible_employee_id) == (spain.id, me)


def test_long_observations_keep_their_first_line_as_purpose_and_the_whole_as_memo(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, _spain2, _france = setting(session)
        text = "No answer at the office\nTried the mobile too; left a message with reception"
        record(session, scope, me, [spain.account], observations=text, result="MESSAGE")
        empty = record(session, scope, me, [spain.account], observations="  ", result="NO_ANSWER")
        session.commit()
        first, second = session.execute(select(Activity).order_by(Activity.number)).scalars()
        assert (first.purpose, first.memo) == ("No answer at the office", text)
        assert second.number == empty.records[0]
        assert (second.purpose, second.memo) == ("Call · No answer", None)


def test_the_next_action_date_gives_the_responsible_an_open_follow_up(any_db: Database) -> None:
    with any_db.sessions() as session:
        scope, me, spain, _spain2, _france = setting(session)
        day = TODAY + dt.timedelta(days=3)
        entered = record(session, scope, me, [spain.account], next_action_on=day)
        session.commit()
        assert len(entered.follow_ups) == 1
        task = session.execute(
            select(Activity).where(Activity.number == entered.follow_ups[0])
        ).scalar_one()
        assert task.type == ActivityType.TASK
        assert not task.closed
        assert task.category == "FOLLOWUP"
        assert task.customer_id == spain.id
        assert task.responsible_employee_id == me
        assert task.end_at.astimezone().date() == day
        assert task.end_at.astimezone().time() == dt.time(9, 0)
        assert entered.records[0] in task.purpose
        assert entered.records[0] in task.memo
        assert "Promised to pay" in task.purpose


def test_several_customers_get_one_record_each_in_one_transaction(any_db: Database) -> None:
    with any_db.sessions() as session:
        scope, me, spain, spain2, _france = setting(session)
        entered = record(
            session,
            scope,
            me,
            [spain.account, spain2.account, spain.account],  # a repeat counts once
            next_action_on=TODAY + dt.timedelta(days=1),
        )
        session.commit()
        assert len(entered.records) == 2
        assert len(entered.follow_ups) == 2
        rows = session.execute(
            select(Activity.customer_id, Activity.closed, Activity.result).where(
                Activity.number.in_(entered.records)
            )
        ).all()
        assert sorted(rows) == sorted([(spain.id, True, "PROMISED"), (spain2.id, True, "PROMISED")])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"result": ""}, "Choose the result"),
        ({"result": "NOPE"}, "There is no result NOPE"),
        ({"event_type": "NOPE"}, "There is no activity category NOPE"),
        ({"event_type": ""}, "Choose the type of event"),
        ({"responsible_id": None}, "Choose who is responsible"),
        ({"at": NOW + dt.timedelta(hours=1)}, "cannot be later than now"),
        ({"next_action_on": CALLED.astimezone().date() - dt.timedelta(days=1)}, "next action"),
    ],
)
def test_a_refusal_writes_nothing(sqlite_db: Database, changes, message) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, spain2, _france = setting(session)
        session.commit()
        with pytest.raises(ActivityError, match=message):  # RecordError is one
            record(session, scope, me, [spain.account, spain2.account], **changes)
        session.rollback()
        assert count(session) == 0


def test_a_customer_outside_the_scope_refuses_the_whole_entry(any_db: Database) -> None:
    with any_db.sessions() as session:
        scope, me, spain, _spain2, france = setting(session)
        session.commit()
        with pytest.raises(RecordError, match=france.account):
            record(session, scope, me, [spain.account, france.account])
        session.rollback()
        assert count(session) == 0
        with pytest.raises(RecordError, match="at least one customer"):
            record(session, scope, me, [])
        assert [
            c.account
            for c in record_customers(session, scope, [france.account, spain.account], TODAY)
        ] == [spain.account]


def test_an_inactive_result_is_refused_and_no_longer_offered(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, _spain2, _france = setting(session)
        session.execute(
            RecordResult.__table__.update()
            .where(RecordResult.code == "REFUSED")
            .values(active=False)
        )
        session.commit()
        assert "REFUSED" not in [c.code for c in result_choices(session, "en")]
        with pytest.raises(RecordError, match="no longer in use"):
            record(session, scope, me, [spain.account], result="REFUSED")


def test_the_results_start_in_four_languages_and_are_edited_in_set_up(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, _spain2, _france = setting(session)
        session.commit()
        assert [c.code for c in result_choices(session, "en")] == [
            "REACHED", "NO_ANSWER", "MESSAGE", "PROMISED", "REFUSED", "WRONG_NUMBER",
        ]  # fmt: skip
        assert result_names(session, "es")["NO_ANSWER"] == "No contesta"
        assert result_names(session, "fr")["WRONG_NUMBER"] == "Mauvais numéro"
        session.execute(update(Employee).where(Employee.id == me).values(is_administrator=True))
        boss = me
        made = save_record_result(
            session,
            None,
            0,
            RecordResultValues("BUSY", "Line busy", True, {"es": "Comunica"}),
            by=boss,
            now=NOW,
        )
        session.commit()
        assert result_names(session, "es")["BUSY"] == "Comunica"
        record(session, scope, me, [spain.account], result="BUSY")
        session.commit()
        row = next(r for r in list_record_results(session, "en") if r.code == "BUSY")
        assert (row.id, row.records) == (made, 1)
        with pytest.raises(SetupError, match="1 record has it"):
            delete_record_result(session, row.id, row.version, by=boss, now=NOW)


def test_the_timeline_shows_a_record_with_its_result(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        scope, me, spain, _spain2, _france = setting(session)
        record(session, scope, me, [spain.account], result="NO_ANSWER", observations="Tried twice")
        session.commit()
        entries = timeline(session, company_scope(session), spain.id, TODAY, formats=Formats("en"))
        (entry,) = entries
        assert entry.kind == TimelineKind.CALL
        assert entry.title.startswith("Call · No answer · ")
        assert entry.title.endswith("Tried twice")
        assert "Result: No answer" in entry.tooltip
