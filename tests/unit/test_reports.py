"""The reports on hand-made data: Action control's rows, order and figures; Collections by
agent's records, promises and amounts; the period and the scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from collections_desktop.models.casework.records import enter_records
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    ActivityType,
    CollectionStatusChange,
    PromiseResult,
)
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.people.scope import company_scope, load_scope
from collections_desktop.models.reports.action_control import action_control
from collections_desktop.models.reports.collections_by_agent import collections_by_agent
from collections_desktop.models.reports.period import Period, PeriodError
from tests.unit.test_overview import add_activity, add_pool, employee_id
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer

D = Decimal
NOVEMBER = Period(dt.date(2026, 11, 1), TODAY)


def at(day: int, hour: int = 11, month: int = 11) -> dt.datetime:
    """A moment in the middle of a local day of 2026 (safe whatever the machine's zone)."""
    return dt.datetime(2026, month, day, hour).astimezone().astimezone(dt.UTC)


def invoice(session, customer, amount: str, due: dt.date, **more):
    return postings.post_invoice(
        session,
        customer_id=customer.id,
        amount=D(amount),
        posting_date=due - dt.timedelta(days=30),
        due_date=due,
        now=NOW,
        **more,
    )


def world(session):
    """Two agents (Iberia, France), customers with open items, records and other actions."""
    iberia, france = add_pool(session, "Iberia", "ES"), add_pool(session, "France", "FR")
    ana_user = add_agent(session, [iberia], default=iberia)
    bea_user = add_agent(session, [france], default=france)
    ana, bea = employee_id(session, ana_user), employee_id(session, bea_user)
    es1, es2, es3, fr1 = (add_customer(session, c) for c in ("ES", "ES", "ES", "FR"))
    invoice(session, es1, "500.00", dt.date(2026, 9, 1))
    invoice(session, es1, "300.00", dt.date(2026, 10, 15))
    invoice(session, es2, "200.00", dt.date(2026, 8, 1))
    invoice(session, fr1, "400.00", dt.date(2026, 10, 1))
    paid = invoice(session, es3, "1000.00", dt.date(2026, 11, 1))
    payment = postings.post_payment(
        session, customer_id=es3.id, amount=D("1000.00"), posting_date=dt.date(2026, 11, 5), now=NOW
    )
    settlements.settle(
        session, {paid.id: D("1000.00"), payment.id: D("1000.00")}, dt.date(2026, 11, 5), NOW
    )
    session.flush()
    scope = company_scope(session)

    def record(customer, who, moment, result, event="CALL"):
        return enter_records(
            session,
            scope,
            [customer.account],
            now=NOW,
            event_type=event,
            responsible_id=who,
            at=moment,
            observations=f"{result} on {moment.date()}",
            result=result,
        ).records[0]

    numbers = {
        "es1 reached": record(es1, ana, at(20), "REACHED"),
        "es2 no answer": record(es2, ana, at(21), "NO_ANSWER"),
        "es2 promised": record(es2, ana, at(22, 9), "PROMISED", "VISIT"),
        "es1 october": record(es1, ana, at(1, month=10), "REACHED"),
        "fr1 message": record(fr1, bea, at(20), "MESSAGE"),
        "es3 reached": record(es3, ana, at(6), "REACHED"),
    }
    meeting = add_activity(
        session, ana, at(15), es1, type=ActivityType.APPOINTMENT, closed=True, category="MEETING"
    )
    add_activity(session, ana, at(16), es1, type=ActivityType.TASK, closed=True)  # a task: no
    add_activity(session, ana, at(17), es1, type=ActivityType.ACTION, closed=False)  # open: no
    numbers["es1 meeting"] = meeting.number
    return {
        "ana_user": ana_user,
        "ana": ana,
        "bea": bea,
        "customers": (es1, es2, es3, fr1),
        "numbers": numbers,
    }


def test_action_control_lists_actions_by_the_customers_oldest_open_item(
    any_db: Database,
) -> None:
    with any_db.sessions() as session:
        made = world(session)
        session.commit()
        es1, es2, es3, fr1 = made["customers"]
        n = made["numbers"]
        rows = action_control(session, company_scope(session), NOVEMBER, as_of=TODAY)
        assert [(r.account, r.number) for r in rows] == [
            (es2.account, n["es2 no answer"]),  # oldest open item: 1 August
            (es2.account, n["es2 promised"]),
            (es1.account, n["es1 meeting"]),  # 1 September; in the order they happened
            (es1.account, n["es1 reached"]),
            (fr1.account, n["fr1 message"]),  # 1 October
            (es3.account, n["es3 reached"]),  # nothing open: last
        ]
        first = rows[0]
        assert first.oldest_due == dt.date(2026, 8, 1)
        assert first.days_overdue == 114
        assert first.balance == D("200.00")
        assert (first.category, first.result, first.result_code) == (
            "Call",
            "No answer",
            "NO_ANSWER",
        )
        assert rows[1].category == "Visit"
        assert rows[2].balance == rows[3].balance == D("800.00")
        assert rows[2].oldest_due == dt.date(2026, 9, 1)
        assert rows[2].result is None  # a meeting held: an action without a result
        assert (rows[5].oldest_due, rows[5].balance) == (None, D("0.00"))
        assert {r.responsible for r in rows[:4]} == {"Agent " + made["ana_user"][5:]}


def test_action_control_keeps_to_the_period_the_scope_and_the_responsible(
    any_db: Database,
) -> None:
    with any_db.sessions() as session:
        made = world(session)
        session.commit()
        n = made["numbers"]
        everyone = company_scope(session)
        october = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
        assert [r.number for r in action_control(session, everyone, october, as_of=TODAY)] == [
            n["es1 october"]
        ]
        one_day = Period(dt.date(2026, 11, 20), dt.date(2026, 11, 20))
        assert {r.number for r in action_control(session, everyone, one_day, as_of=TODAY)} == {
            n["es1 reached"],
            n["fr1 message"],
        }
        iberia = load_scope(session, made["ana_user"])
        shown = {r.number for r in action_control(session, iberia, NOVEMBER, as_of=TODAY)}
        assert n["fr1 message"] not in shown
        assert len(shown) == 5
        by_bea = action_control(
            session, everyone, NOVEMBER, as_of=TODAY, responsible_id=made["bea"]
        )
        assert [r.number for r in by_bea] == [n["fr1 message"]]


def add_promise(session, txn, who, day: int, amount: str, outcome: str | None, judged: int):
    change = CollectionStatusChange(
        transaction_id=txn.id,
        changed_at=at(day),
        changed_by_id=who,
        from_status="none",
        to_status="promised",
        promise_date=dt.date(2026, 11, day) + dt.timedelta(days=3),
        promise_amount=D(amount),
    )
    session.add(change)
    session.flush()
    if outcome:
        session.add(
            PromiseResult(
                transaction_id=txn.id,
                promise_change_id=change.id,
                promise_date=change.promise_date,
                promise_amount=D(amount),
                paid_amount=D("0"),
                outcome=outcome,
                evaluated_on=dt.date(2026, 11, judged),
                created_at=NOW,
            )
        )
        session.flush()


def test_collections_by_agent_counts_records_promises_and_money(any_db: Database) -> None:
    with any_db.sessions() as session:
        made = world(session)
        es1, es2, _es3, fr1 = made["customers"]
        ana, bea = made["ana"], made["bea"]
        gbp = invoice(
            session, es2, "100.00", dt.date(2026, 11, 30), currency="GBP", exchange_rate=D("1.15")
        )
        add_promise(session, gbp, ana, 10, "40.00", "kept", 14)  # 40 GBP = 46.00 EUR
        old = invoice(session, es1, "50.00", dt.date(2026, 10, 20))
        add_promise(session, old, ana, 12, "50.00", "broken", 18)
        add_promise(session, old, bea, 2, "10.00", None, 0)  # not Bea's customer: still hers
        # A payment of October settled in November counts as settled, not as received.
        late = postings.post_payment(
            session,
            customer_id=fr1.id,
            amount=D("150.00"),
            posting_date=dt.date(2026, 10, 28),
            now=NOW,
        )
        fr_invoice = invoice(session, fr1, "150.00", dt.date(2026, 10, 10))
        settlements.settle(
            session,
            {fr_invoice.id: D("150.00"), late.id: D("150.00")},
            dt.date(2026, 11, 3),
            NOW,
        )
        # A November payment returned unpaid is not received.
        bounced = postings.post_payment(
            session,
            customer_id=fr1.id,
            amount=D("70.00"),
            posting_date=dt.date(2026, 11, 8),
            now=NOW,
        )
        postings.post_reversal(session, bounced.id, posting_date=dt.date(2026, 11, 9), now=NOW)
        session.commit()
        rows = collections_by_agent(session, company_scope(session), NOVEMBER, as_of=TODAY)
        figures = {row.employee_id: row for row in rows}
        a, b = figures[ana], figures[bea]
        assert (a.records, dict(a.by_result)) == (4, {"REACHED": 2, "NO_ANSWER": 1, "PROMISED": 1})
        assert (a.promises, a.promised) == (2, D("96.00"))
        assert (a.kept, a.partly_kept, a.broken) == (1, 0, 1)
        assert a.kept_share == D("0.5")
        assert (a.received, a.settled) == (D("1000.00"), D("1000.00"))
        assert (b.records, dict(b.by_result)) == (1, {"MESSAGE": 1})
        assert (b.promises, b.promised, b.kept + b.broken) == (1, D("10.00"), 0)
        assert (b.received, b.settled) == (D("0.00"), D("150.00"))
        iberia = load_scope(session, made["ana_user"])
        seen = {
            r.employee_id: r for r in collections_by_agent(session, iberia, NOVEMBER, as_of=TODAY)
        }
        assert seen[bea].records == 0  # her French customer is outside Ana's scope
        assert seen[bea].settled == D("0.00")
        assert seen[ana].records == 4


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(PeriodError, match="cannot end"):
        Period(dt.date(2026, 11, 2), dt.date(2026, 11, 1))
    assert Period.month_of(dt.date(2026, 2, 14)) == Period(
        dt.date(2026, 2, 1), dt.date(2026, 2, 28)
    )
    assert Period.last_days(TODAY, 30).start == dt.date(2026, 10, 25)
