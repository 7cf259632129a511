"""The collector's day on the start page: pools' balance from snapshots, what is due today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.models.aging.snapshot import take_snapshot
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CollectionStatus,
    Customer,
    CustomerPool,
    CustomerTransaction,
)
from collections_desktop.models.ledger import balances, postings, settlements
from collections_desktop.models.people.scope import company_scope, load_scope
from collections_desktop.models.screens.my_day import (
    DayFigures,
    SnapshotSource,
    day_figures,
    local_day,
)
from tests.unit.test_list_pages import Books, at, books
from tests.unit.test_overview import add_activity, add_pool
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY

D = Decimal
DAY = (at(23, 0), at(24, 0))
"""Today, 23 November 2026, as UTC moments (the tests do not depend on the machine's zone)."""


def promise(txn: CustomerTransaction, day: dt.date) -> None:
    txn.collection_status = CollectionStatus.PROMISED
    txn.promise_date = day
    txn.promise_amount = txn.amount


@dataclass(frozen=True)
class Day:
    books: Books
    france: Customer


def the_day(session: Session) -> Day:
    """Ruiz and Lopes in the agent's Iberia pool, Garnier (FR) outside it; the agent's work."""
    o = books(session)
    me, colleague = o.me, o.colleague
    add_activity(session, me, at(22, 17), o.ruiz, purpose="Late: ended yesterday")
    add_activity(session, me, at(10, 17), o.lopes, purpose="Late: ended weeks ago")
    add_activity(session, me, at(23, 15), o.ruiz, purpose="Due today")
    add_activity(session, me, at(23, 8), None, purpose="Own task due today")
    add_activity(session, me, at(25, 15), o.lopes, purpose="Due later")
    add_activity(session, me, at(20, 15), o.ruiz, purpose="Done", closed=True, closed_at=NOW)
    add_activity(session, me, at(22, 15), o.garnier, purpose="Outside the pools")
    add_activity(session, colleague, at(23, 15), o.ruiz, purpose="A colleague's")
    deleted = add_activity(session, me, at(23, 15), o.ruiz, purpose="Deleted")
    deleted.deleted_at = NOW
    promise(o.a, TODAY)  # due today
    promise(o.b, TODAY + dt.timedelta(days=3))  # this week
    promise(o.c, TODAY + dt.timedelta(days=9))  # later
    promise(first_invoice(session, o.lopes), TODAY - dt.timedelta(days=1))  # to be judged
    promise(first_invoice(session, o.garnier), TODAY)  # another pool's
    session.flush()
    return Day(o, o.garnier)


def first_invoice(session: Session, customer: Customer) -> CustomerTransaction:
    return session.scalars(
        select(CustomerTransaction).where(
            CustomerTransaction.customer_id == customer.id,
            CustomerTransaction.type == "invoice",
        )
    ).one()


def test_the_day_of_an_agent_against_the_database(any_db: Database) -> None:
    with any_db.sessions() as session:
        day = the_day(session)
        o = day.books
        take_snapshot(session, TODAY, o.scope, at(23, 6), pool_id=o.iberia)
        session.commit()
        figures = day_figures(session, o.scope, o.me, TODAY, day=DAY)
        # What the ledger says the pool's customers owe today: the snapshot was taken today.
        owed = balances.balance(session, o.ruiz.id, TODAY) + balances.balance(
            session, o.lopes.id, TODAY
        )
    assert owed == D("1884.51")
    assert figures == DayFigures(
        as_of=TODAY,
        currency="EUR",
        customers=2,  # Ruiz and Lopes; Garnier is French
        balance=owed,
        # Ruiz: 1,034.56 (53 days) + 500.00 (22 days); Lopes: 300.00 since 15 Oct.
        past_due=D("1834.56"),
        snapshots=(SnapshotSource("Iberia", TODAY, at(23, 6)),),
        pools_without_snapshot=(),
        open_activities=5,  # the closed, deleted, out-of-pool and colleague's left out
        activities_due_today=2,  # Ruiz's and the own task
        activities_overdue=2,  # yesterday's and the one of weeks ago
        promises_due_today=1,  # invoice a; Garnier's is another pool's
        promises_due_soon=1,  # invoice b in three days; c in nine is later
    )


def test_without_a_snapshot_the_balance_is_unknown_not_zero(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = the_day(session).books
        figures = day_figures(session, o.scope, o.me, TODAY, day=DAY)
    assert (figures.balance, figures.past_due, figures.snapshots) == (None, None, ())
    assert figures.pools_without_snapshot == ("Iberia",)
    assert figures.customers == 2
    assert figures.activities_due_today == 2


def test_each_customer_counts_once_from_the_newest_snapshot_holding_them(
    any_db: Database,
) -> None:
    with any_db.sessions() as session:
        o = books(session)
        france = add_pool(session, "France", "FR")
        user = add_agent(session, [session.get(CustomerPool, o.iberia), france])
        scope = load_scope(session, user)
        take_snapshot(session, TODAY, scope, at(23, 6), pool_id=o.iberia)
        session.commit()
        only_iberia = day_figures(session, scope, None, TODAY, day=DAY)
        assert only_iberia.balance == D("1884.51")
        assert only_iberia.pools_without_snapshot == ("France",)
        assert (only_iberia.open_activities, only_iberia.activities_due_today) == (0, 0)

        # A snapshot of all the agent's pools, newer: it alone is read (Garnier's 700.00 in).
        take_snapshot(session, TODAY, scope, at(23, 7))
        session.commit()
        whole = day_figures(session, scope, None, TODAY, day=DAY)
        assert whole.balance == D("2584.51")
        assert whole.snapshots == (SnapshotSource(None, TODAY, at(23, 7)),)
        assert whole.pools_without_snapshot == ()
        assert whole.customers == 3

        # Ruiz pays 500.00 and Iberia is taken again: Ruiz and Lopes from it, Garnier
        # from the older all-pools snapshot, nobody twice.
        paid = postings.post_payment(
            session, customer_id=o.ruiz.id, amount=D("500.00"), posting_date=TODAY, now=NOW
        )
        settlements.settle(session, {o.b.id: D("500.00"), paid.id: D("500.00")}, TODAY, NOW)
        take_snapshot(session, TODAY, scope, at(23, 8), pool_id=o.iberia)
        session.commit()
        mixed = day_figures(session, scope, None, TODAY, day=DAY)
    assert mixed.balance == D("2084.51")
    assert mixed.past_due == D("1034.56") + D("300.00") + D("700.00")
    assert mixed.snapshots == (
        SnapshotSource(None, TODAY, at(23, 7)),
        SnapshotSource("Iberia", TODAY, at(23, 8)),
    )


def test_the_whole_company_for_one_who_is_not_an_agent(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = books(session)
        everyone = company_scope(session)
        take_snapshot(session, TODAY, everyone, at(23, 6))
        session.commit()
        figures = day_figures(session, everyone, None, TODAY, day=DAY)
    assert figures.customers == 3
    assert figures.balance == D("2584.51")
    assert o.scope.user_name  # the agent's scope is not the one read


def test_the_local_day_is_a_day_on_this_computers_clock() -> None:
    start, end = local_day(TODAY)
    assert start.tzinfo is dt.UTC
    assert end.tzinfo is dt.UTC
    assert start.astimezone().replace(tzinfo=None) == dt.datetime(2026, 11, 23)
    assert end.astimezone().replace(tzinfo=None) == dt.datetime(2026, 11, 24)
    assert dt.timedelta(hours=23) <= end - start <= dt.timedelta(hours=25)
