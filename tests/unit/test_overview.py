"""The Overview's lists: own activities, highest and past-due balances from a snapshot."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from sqlalchemy import select

from collections_desktop.models.aging.snapshot import take_snapshot
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    AccountStatus,
    Activity,
    ActivityType,
    CustomerPool,
    Employee,
)
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import ScopeError, company_scope, load_scope
from collections_desktop.models.screens.overview import (
    BalanceRow,
    PastDueRow,
    accounting_currency,
    count_customers,
    count_my_activities,
    highest_balances,
    latest_snapshot,
    my_activities,
    overview_lists,
    past_due_balances,
    take_snapshot_of_day,
)
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer, history, invoice

D = Decimal
_numbers = itertools.count(1)


def employee_id(session, user_name: str):
    return session.scalar(select(Employee.id).where(Employee.user_name == user_name))


def add_activity(session, employee, end: dt.datetime, customer=None, **fields) -> Activity:
    activity = Activity(
        number=f"ACT-{next(_numbers):05d}",
        type=fields.pop("type", ActivityType.TASK),
        purpose=fields.pop("purpose", "Call about the open invoices"),
        responsible_employee_id=employee,
        customer_id=customer.id if customer is not None else None,
        start_at=end - dt.timedelta(hours=1),
        end_at=end,
        updated_at=NOW,
        **fields,
    )
    session.add(activity)
    session.flush()
    return activity


def add_pool(session, name: str, country: str) -> CustomerPool:
    pool = CustomerPool(
        name=name, criteria=PoolCriteria(countries=(country,)).to_json(), updated_at=NOW
    )
    session.add(pool)
    session.flush()
    return pool


def test_the_balance_lists_read_the_snapshot_in_order(any_db: Database) -> None:
    with any_db.sessions() as session:
        a = history(session)  # 1400.00, of which 700.00 past due since 20 Oct
        b = add_customer(session, credit_limit=D("3000.00"))
        invoice(session, b, "2000.00", dt.date(2026, 12, 10))  # not yet due
        c = add_customer(session)
        c.credit_group = "C"
        c.account_status = AccountStatus.ON_HOLD
        invoice(session, c, "50.00", dt.date(2026, 1, 31))  # 296 days past due
        d = add_customer(session)
        d.credit_group = "B"
        invoice(session, d, "1400.00", dt.date(2026, 10, 20))  # same balance and date as a
        add_customer(session)  # nothing posted: not in the snapshot
        scope = company_scope(session)
        snapshot = take_snapshot(session, TODAY, scope, NOW)
        session.commit()

        # Risk: b uses 2000/3000 of its limit, 15x(0.667-0.5)/0.5 = 5; d is 34 days late on
        # its one invoice, 35x34/60 + 25 = 45; c is over 60 days late, 35 + 25 = 60.
        top = highest_balances(session, scope, snapshot.id, as_of=TODAY)
        assert top == (
            BalanceRow(b.id, b.account, b.name, D("2000.00"), D("3000.00"), D("1000.00"), 5),
            # a and d tie on 1400.00: by account
            BalanceRow(a.id, a.account, a.name, D("1400.00"), D("1500.00"), D("100.00"), 54),
            BalanceRow(d.id, d.account, d.name, D("1400.00"), None, None, 45),
            BalanceRow(c.id, c.account, c.name, D("50.00"), None, None, 60),
        )
        assert [
            r.account for r in highest_balances(session, scope, snapshot.id, as_of=TODAY, limit=2)
        ] == [b.account, a.account]

        late = past_due_balances(session, scope, snapshot.id, as_of=TODAY)
        oct20 = dt.date(2026, 10, 20)
        assert late == (
            PastDueRow(
                c.id,
                c.account,
                c.name,
                dt.date(2026, 1, 31),
                296,
                D("50.00"),
                D("50.00"),
                "C",
                "on_hold",
            ),
            # d and a share the oldest date: the larger past due first; b is not past due
            PastDueRow(
                d.id, d.account, d.name, oct20, 34, D("1400.00"), D("1400.00"), "B", "active"
            ),
            PastDueRow(
                a.id, a.account, a.name, oct20, 34, D("700.00"), D("1400.00"), None, "active"
            ),
        )
        assert [
            r.account for r in past_due_balances(session, scope, snapshot.id, as_of=TODAY, limit=1)
        ] == [c.account]


def test_an_agent_of_one_pool_never_sees_the_other_pool(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        spain, france = add_customer(session, "ES"), add_customer(session, "FR")
        invoice(session, spain, "10.00", dt.date(2026, 11, 1))
        invoice(session, france, "20.00", dt.date(2026, 11, 1))
        iberia, gaul = add_pool(session, "Iberia", "ES"), add_pool(session, "Gaul", "FR")
        user = add_agent(session, [iberia], default=iberia)
        me = employee_id(session, user)
        end = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
        add_activity(session, me, end, spain)
        add_activity(session, me, end, france)  # assigned to me, but outside my scope
        own = add_activity(session, me, end, None, purpose="Prepare the weekly report")
        company = take_snapshot(session, TODAY, company_scope(session), NOW)
        session.commit()

        scope = load_scope(session, user)
        for pool in (None, iberia.id):
            for rows in (
                highest_balances(session, scope, company.id, pool_id=pool, as_of=TODAY),
                past_due_balances(session, scope, company.id, pool_id=pool, as_of=TODAY),
            ):
                assert [r.customer_id for r in rows] == [spain.id]
        activities = my_activities(session, scope, me, as_of=TODAY)
        assert {a.customer_id for a in activities} == {spain.id, None}
        assert [
            a.customer_id for a in my_activities(session, scope, me, pool_id=iberia.id, as_of=TODAY)
        ] == [spain.id]
        assert own.id in {a.id for a in activities}

        with pytest.raises(ScopeError):
            highest_balances(session, scope, company.id, pool_id=gaul.id, as_of=TODAY)
        with pytest.raises(ScopeError):
            past_due_balances(session, scope, company.id, pool_id=gaul.id, as_of=TODAY)
        with pytest.raises(ScopeError):
            my_activities(session, scope, me, pool_id=gaul.id, as_of=TODAY)
        with pytest.raises(ScopeError):
            latest_snapshot(session, scope, gaul.id)


def test_latest_snapshot_is_the_newest_of_the_right_pool(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        spain = add_customer(session, "ES")
        invoice(session, spain, "10.00", dt.date(2026, 11, 1))
        iberia, gaul = add_pool(session, "Iberia", "ES"), add_pool(session, "Gaul", "FR")
        company = company_scope(session)
        assert latest_snapshot(session, company) is None
        hour = dt.timedelta(hours=1)
        yesterday = dt.date(2026, 11, 22)
        take_snapshot(session, yesterday, company, NOW + hour)  # taken later, older date
        take_snapshot(session, TODAY, company, NOW - hour)
        newest = take_snapshot(session, TODAY, company, NOW)
        pool = take_snapshot(session, yesterday, company, NOW, pool_id=iberia.id)
        user = add_agent(session, [iberia, gaul])
        other = add_agent(session, [gaul])
        # another agent's snapshot without a pool may lack this agent's customers
        take_snapshot(session, TODAY, load_scope(session, other), NOW + hour)
        session.commit()

        info = latest_snapshot(session, company)
        assert info is not None
        assert (
            info.id,
            info.as_of,
            info.created_at,
            info.definition_name,
            info.customer_count,
        ) == (
            newest.id,
            TODAY,
            NOW,
            "Standard",
            1,
        )
        scope = load_scope(session, user)
        assert latest_snapshot(session, scope).id == newest.id
        mine = take_snapshot(session, TODAY, scope, NOW + hour)
        assert latest_snapshot(session, scope).id == mine.id
        assert latest_snapshot(session, company).id == newest.id
        assert latest_snapshot(session, scope, iberia.id).id == pool.id
        assert latest_snapshot(session, scope, gaul.id) is None


def test_my_activities_are_my_open_ones_by_oldest_end_date(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = add_customer(session, "ES")
        gone = add_customer(session, "ES")
        gone.deleted_at = NOW
        me = employee_id(session, add_agent(session, [], view_all=True))
        colleague = employee_id(session, add_agent(session, [], view_all=True))

        def at(day: int, hour: int = 9) -> dt.datetime:
            return dt.datetime(2026, 11, day, hour, tzinfo=dt.UTC)

        late = add_activity(session, me, at(25), customer, memo="Promised on the phone")
        first = add_activity(session, me, at(18, 8), customer, category="Follow-up")
        tie_a = add_activity(session, me, at(18, 9), customer, memo="   ")
        tie_b = add_activity(session, me, at(18, 9), None, type=ActivityType.ACTION)
        add_activity(session, me, at(1), customer, closed=True, closed_at=at(2))
        add_activity(session, me, at(1), customer, deleted_at=NOW)
        add_activity(session, me, at(1), gone)  # a deleted customer's activity
        add_activity(session, colleague, at(1), customer)
        session.commit()

        rows = my_activities(session, company_scope(session), me, as_of=TODAY)
        assert [r.id for r in rows] == [first.id, tie_a.id, tie_b.id, late.id]
        oldest = my_activities(session, company_scope(session), me, as_of=TODAY, limit=2)
        assert [r.id for r in oldest] == [first.id, tie_a.id]
        assert count_my_activities(session, company_scope(session), me, as_of=TODAY) == 4
        assert [r.end_at for r in rows] == [at(18, 8), at(18, 9), at(18, 9), at(25)]
        assert [r.has_memo for r in rows] == [False, False, False, True]
        one = rows[0]
        assert (one.number, one.type, one.category, one.purpose) == (
            first.number,
            "task",
            "Follow-up",
            "Call about the open invoices",
        )
        assert (one.customer_id, one.account, one.name) == (
            customer.id,
            customer.account,
            "Snapshot SA",
        )
        assert (rows[2].type, rows[2].customer_id, rows[2].account, rows[2].name) == (
            "action",
            None,
            None,
            None,
        )


def test_the_overview_lists_of_a_pool_come_from_its_newest_snapshot(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        spain, france = add_customer(session, "ES"), add_customer(session, "FR")
        invoice(session, spain, "10.00", dt.date(2026, 11, 1))
        invoice(session, france, "20.00", dt.date(2026, 11, 1))
        iberia = add_pool(session, "Iberia", "ES")
        user = add_agent(session, [iberia])
        me = employee_id(session, user)
        for end in (
            dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
        ):
            add_activity(session, me, end, spain)
        session.commit()
        scope = load_scope(session, user)

        before = overview_lists(
            session, scope, me, pool_id=iberia.id, as_of=TODAY, activity_limit=1, top=10
        )
        assert before.snapshot is None
        assert (before.highest, before.past_due) == ((), ())
        assert len(before.activities) == 1
        assert before.open_activities == 2  # counted past the limit
        assert (before.customers, before.currency) == (1, "EUR")
        assert count_customers(session, scope, TODAY) == 1  # the agent's pools
        assert count_customers(session, company_scope(session), TODAY) == 2
        assert accounting_currency(session) == "EUR"

        # Taken once for the day: a second call finds it and takes none.
        assert take_snapshot_of_day(session, scope, TODAY, NOW, pool_id=iberia.id)
        assert not take_snapshot_of_day(session, scope, TODAY, NOW, pool_id=iberia.id)
        session.commit()
        after = overview_lists(
            session, scope, None, pool_id=iberia.id, as_of=TODAY, activity_limit=1, top=10
        )
        assert after.snapshot is not None
        assert after.snapshot.as_of == TODAY
        assert [row.customer_id for row in after.highest] == [spain.id]
        assert (after.activities, after.open_activities) == ((), 0)  # no employee
        # A newer day needs a new one.
        assert take_snapshot_of_day(
            session, scope, TODAY + dt.timedelta(days=1), NOW, pool_id=iberia.id
        )
