"""The list pages' queries: aged balances, activities, one customer's Collections page."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest

from collections_desktop.models.aging.snapshot import age_customers, take_snapshot
from collections_desktop.models.casework.activities import close_activities, create_activity
from collections_desktop.models.casework.cases import close_case, create_case
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer, CustomerTransaction, Employee
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.people.scope import (
    AgentScope,
    ScopeError,
    company_scope,
    load_scope,
)
from collections_desktop.models.screens.activity_list import ActivityStatus, list_activities
from collections_desktop.models.screens.aged_balances import (
    AgedBalanceRow,
    aged_balances,
    aged_balances_csv,
    newest_aged_balances,
    snapshot_header,
)
from collections_desktop.models.screens.customer_collections import (
    customer_collections,
    live_facts,
    snapshot_facts,
)
from collections_desktop.models.screens.customer_list import CustomerFilters, list_customers
from collections_desktop.models.screens.overview import latest_snapshot
from tests.statements import statements as count_statements
from tests.unit.test_last_contacts import add_letter
from tests.unit.test_overview import add_activity, add_pool, employee_id
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer, invoice

D = Decimal
LABELS = (
    "Current",
    "1-30 days",
    "31-60 days",
    "61-90 days",
    "91-120 days",
    "Over 120 days",
    "Unapplied",
)


def at(day: int, hour: int = 9, month: int = 11, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


@dataclass
class Books:
    """Ruiz and Lopes in Spain (pool Iberia), Garnier in France; an agent of Iberia.

    Ruiz: INV a 1,234.56 due 1 Oct, 200.00 of it paid on 2 Nov (1,034.56 open, 53 days);
    INV b 500.00 due 1 Nov (22 days); INV c 99.95 due 10 Dec (current); credit limit 2,000.
    Lopes: 300.00 due 15 Oct (39 days), a payment of 50.00 not applied.
    Garnier: 700.00 due 15 Sep (69 days).
    """

    scope: AgentScope
    me: uuid.UUID
    colleague: uuid.UUID
    ruiz: Customer
    lopes: Customer
    garnier: Customer
    a: CustomerTransaction
    b: CustomerTransaction
    c: CustomerTransaction
    iberia: uuid.UUID
    user: str


def books(session) -> Books:
    ruiz = add_customer(session, "ES", credit_limit=D("2000.00"))
    lopes = add_customer(session, "ES")
    garnier = add_customer(session, "FR")
    ruiz.name, lopes.name, garnier.name = "Ruiz Hermanos SL", "Lopes & Filhos Lda", "Garnier SA"
    a = invoice(session, ruiz, "1234.56", dt.date(2026, 10, 1))
    b = invoice(session, ruiz, "500.00", dt.date(2026, 11, 1))
    c = invoice(session, ruiz, "99.95", dt.date(2026, 12, 10))
    payment = postings.post_payment(
        session, customer_id=ruiz.id, amount=D("200.00"), posting_date=dt.date(2026, 11, 2), now=NOW
    )
    settlements.settle(
        session, {a.id: D("200.00"), payment.id: D("200.00")}, dt.date(2026, 11, 2), NOW
    )
    invoice(session, lopes, "300.00", dt.date(2026, 10, 15))
    postings.post_payment(
        session,
        customer_id=lopes.id,
        amount=D("50.00"),
        posting_date=dt.date(2026, 11, 20),
        now=NOW,
    )
    invoice(session, garnier, "700.00", dt.date(2026, 9, 15))
    iberia = add_pool(session, "Iberia", "ES")
    user = add_agent(session, [iberia], default=iberia)
    colleague = employee_id(session, add_agent(session, [], view_all=True))
    return Books(
        load_scope(session, user),
        employee_id(session, user),
        colleague,
        ruiz,
        lopes,
        garnier,
        a,
        b,
        c,
        iberia.id,
        user,
    )


def statements(database: Database):
    """Count the statements a block of code runs."""
    return count_statements(database.engine)


# --- aged balances ----------------------------------------------------------------------


def test_aged_balances_read_the_snapshot_by_account_with_every_column(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = books(session)
        snapshot = take_snapshot(session, TODAY, o.scope, at(23, 6), pool_id=o.iberia)
        session.commit()
        info = latest_snapshot(session, o.scope, o.iberia)
        assert info is not None
        assert info.id == snapshot.id

        seen, stop = statements(any_db)
        result = aged_balances(session, o.scope, snapshot.id, as_of=TODAY, pool_id=o.iberia)
        stop()
        assert len(seen) <= 5  # header, labels and their texts, rows: never one per customer
        assert result is not None
        header = result.snapshot
        assert (header.as_of, header.created_at, header.user_name) == (TODAY, at(23, 6), o.user)
        assert (header.pool_id, header.pool_name, header.customer_count) == (o.iberia, "Iberia", 2)
        assert header.labels == LABELS
        assert header.balance == D("1884.51")
        # Ruiz owes 1,034.56 (53 days) + 500.00 (22 days) + 99.95 (not due): Garnier is
        # in another pool and not listed; Lopes' payment is Unapplied.
        assert result.rows == (
            AgedBalanceRow(
                customer_id=o.ruiz.id,
                account=o.ruiz.account,
                name="Ruiz Hermanos SL",
                columns=(D("99.95"), D("500.00"), D("1034.56"), D(0), D(0), D(0), D(0)),
                balance=D("1634.51"),
                past_due=D("1534.56"),
                credit_limit=D("2000.00"),
                available_credit=D("365.49"),
                risk_score=result.rows[0].risk_score,
                oldest_past_due_days=53,
                account_status="active",
            ),
            AgedBalanceRow(
                customer_id=o.lopes.id,
                account=o.lopes.account,
                name="Lopes & Filhos Lda",
                columns=(D(0), D(0), D("300.00"), D(0), D(0), D(0), D("-50.00")),
                balance=D("250.00"),
                past_due=D("300.00"),
                credit_limit=None,
                available_credit=None,
                risk_score=result.rows[1].risk_score,
                oldest_past_due_days=39,
                account_status="active",
            ),
        )
        # The same figures as aging the pool now, risk score included.
        aged = age_customers(session, TODAY, o.scope, pool_id=o.iberia).rows
        assert [(r.columns, r.risk_score) for r in aged] == [
            (r.columns, r.risk_score) for r in result.rows
        ]
        assert result.totals == (
            D("99.95"),
            D("500.00"),
            D("1334.56"),
            D(0),
            D(0),
            D(0),
            D("-50.00"),
        )


def test_aged_balances_keep_to_the_scope_whoever_took_the_snapshot(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = books(session)
        everyone = company_scope(session)
        snapshot = take_snapshot(session, TODAY, everyone, NOW)
        assert snapshot.customer_count == 3
        mine = aged_balances(session, o.scope, snapshot.id, as_of=TODAY)
        assert [r.name for r in mine.rows] == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
        theirs = aged_balances(session, everyone, snapshot.id, as_of=TODAY)
        assert [r.name for r in theirs.rows] == [
            "Ruiz Hermanos SL",
            "Lopes & Filhos Lda",
            "Garnier SA",
        ]
        assert theirs.rows[2].columns[3] == D("700.00")  # 61-90 days
        assert snapshot_header(session, snapshot.id).user_name is None  # the whole company
        assert aged_balances(session, o.scope, uuid.uuid4(), as_of=TODAY) is None


def test_the_newest_snapshot_of_a_pool_with_the_accounting_currency(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = books(session)
        assert newest_aged_balances(session, o.scope, TODAY, o.iberia).balances is None
        take_snapshot(session, TODAY - dt.timedelta(days=3), o.scope, at(20, 6), pool_id=o.iberia)
        newest = take_snapshot(session, TODAY, o.scope, at(23, 6), pool_id=o.iberia)
        listed = newest_aged_balances(session, o.scope, TODAY, o.iberia)
        assert listed.currency == "EUR"
        assert listed.balances is not None
        assert listed.balances.snapshot.id == newest.id
        assert [r.name for r in listed.balances.rows] == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
        assert newest_aged_balances(session, o.scope, TODAY).balances is None  # no pool's own


def test_a_snapshot_of_nobody_owing_has_the_definitions_columns(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        add_customer(session)
        snapshot = take_snapshot(session, TODAY, company_scope(session), NOW)
        header = snapshot_header(session, snapshot.id)
        assert header.customer_count == 0
        assert header.labels == LABELS
        assert aged_balances(session, company_scope(session), snapshot.id, as_of=TODAY).rows == ()


def test_the_csv_has_plain_amounts_and_a_total(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = books(session)
        snapshot = take_snapshot(session, TODAY, o.scope, NOW, pool_id=o.iberia)
        rows = aged_balances(session, o.scope, snapshot.id, as_of=TODAY, pool_id=o.iberia).rows
    text = aged_balances_csv(LABELS, rows)
    lines = text.splitlines()
    assert lines[0] == (
        "customer_account,customer_name,balance,Current,1-30 days,31-60 days,61-90 days,"
        "91-120 days,Over 120 days,Unapplied,past_due,credit_limit,available_credit,risk_score"
    )
    assert lines[1].startswith(
        f"{o.ruiz.account},Ruiz Hermanos SL,1634.51,99.95,500.00,1034.56,0.00,0.00,0.00,0.00,"
        "1534.56,2000.00,365.49,"
    )
    assert lines[2].startswith(
        f"{o.lopes.account},Lopes & Filhos Lda,250.00,0.00,0.00,300.00,0.00,0.00,0.00,-50.00,"
        "300.00,,,"
    )
    assert lines[3] == "TOTAL,,1884.51,99.95,500.00,1334.56,0.00,0.00,0.00,-50.00,1834.56,,,"


# --- activities -------------------------------------------------------------------------


def test_activities_of_the_scope_with_filters_and_order(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = books(session)
        clerk = Employee(number="E-CLERK", name="Clerk", user_name="clerk", updated_at=NOW)
        session.add(clerk)
        session.flush()
        made = {
            "ruiz call": add_activity(session, o.me, at(20), o.ruiz, purpose="Call Ruiz about a"),
            "lopes": add_activity(
                session, o.colleague, at(25), o.lopes, purpose="Visit Lopes", type="appointment"
            ),
            "own": add_activity(session, o.me, at(22), None, purpose="Weekly report"),
            "theirs": add_activity(session, o.colleague, at(21), None, purpose="Their own task"),
            "garnier": add_activity(session, o.me, at(19), o.garnier, purpose="Garnier dispute"),
            "done": add_activity(
                session,
                o.me,
                at(10),
                o.ruiz,
                purpose="Sent the statement",
                closed=True,
                closed_at=at(10, 12),
                category="Letter",
            ),
            "done later": add_activity(
                session,
                clerk.id,
                at(15),
                o.lopes,
                purpose="Called Lopes",
                closed=True,
                closed_at=at(15, 12),
                memo="Ana, ext. 12",
            ),
        }
        case = create_case(
            session,
            o.scope,
            o.ruiz.id,
            "COLL",
            "Autumn invoices",
            NOW,
            responsible_id=o.me,
            transaction_ids=[o.a.id],
            created_by_id=o.me,
        )
        made["ruiz call"].case_id = case.id
        session.flush()

        def purposes(**filters) -> list[str]:
            listed = list_activities(session, o.scope, TODAY, employee_id=o.me, **filters)
            return [row.purpose for row in listed.rows]

        # Open: every open activity about the pool's customers (whoever is responsible)
        # and my own tasks, oldest end first; not Garnier (France), not a colleague's task.
        assert purposes() == ["Call Ruiz about a", "Weekly report", "Visit Lopes"]
        assert purposes(status=ActivityStatus.CLOSED) == ["Called Lopes", "Sent the statement"]
        assert purposes(status=ActivityStatus.ALL) == [
            "Visit Lopes",
            "Weekly report",
            "Call Ruiz about a",
            "Called Lopes",
            "Sent the statement",
        ]
        assert purposes(type="appointment") == ["Visit Lopes"]
        assert purposes(responsible_id=o.colleague) == ["Visit Lopes"]
        assert purposes(status=ActivityStatus.ALL, responsible_id=clerk.id) == ["Called Lopes"]
        assert purposes(status=ActivityStatus.ALL, text="LOPES") == ["Visit Lopes", "Called Lopes"]
        assert purposes(status=ActivityStatus.ALL, text="ruiz call") == ["Call Ruiz about a"]
        assert purposes(status=ActivityStatus.ALL, text=o.lopes.account) == [
            "Visit Lopes",
            "Called Lopes",
        ]
        assert purposes(pool_id=o.iberia) == ["Call Ruiz about a", "Visit Lopes"]

        listed = list_activities(session, o.scope, TODAY, employee_id=o.me)
        first = listed.rows[0]
        assert (first.number, first.end_at, first.type) == (
            made["ruiz call"].number,
            at(20),
            "task",
        )
        assert (first.account, first.name, first.responsible_name) == (
            o.ruiz.account,
            "Ruiz Hermanos SL",
            "Agent " + o.user.removeprefix("agent"),
        )
        assert (first.case_id, first.case_number) == (case.id, case.number)
        assert listed.rows[1].customer_id is None
        assert listed.rows[1].case_number is None
        called = list_activities(
            session, o.scope, TODAY, employee_id=o.me, status=ActivityStatus.CLOSED
        ).rows[0]
        assert (called.closed, called.closed_at, called.has_memo) == (True, at(15, 12), True)
        assert called.responsible_name == "Clerk"

        # The limit keeps the first ones and says there were more.
        cut = list_activities(session, o.scope, TODAY, employee_id=o.me, limit=2)
        assert [r.purpose for r in cut.rows] == ["Call Ruiz about a", "Weekly report"]
        assert cut.truncated
        assert not list_activities(session, o.scope, TODAY, employee_id=o.me, limit=3).truncated
        # Somebody who is no employee sees no own tasks; the whole company sees Garnier's.
        assert [
            r.purpose for r in list_activities(session, o.scope, TODAY, employee_id=None).rows
        ] == ["Call Ruiz about a", "Visit Lopes"]
        everyone = list_activities(session, company_scope(session), TODAY, employee_id=None)
        assert "Garnier dispute" in [r.purpose for r in everyone.rows]
        with pytest.raises(ScopeError):
            list_activities(session, o.scope, TODAY, employee_id=o.me, pool_id=uuid.uuid4())


# --- the Collections page -----------------------------------------------------------------


def test_one_customers_cases_transactions_activities_and_facts(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = books(session)
        # An invoice paid in full and closed, kept in the case; another outside any case.
        d = invoice(session, o.ruiz, "80.00", dt.date(2026, 9, 1))
        e = invoice(session, o.ruiz, "40.00", dt.date(2026, 9, 5))
        for txn in (d, e):
            paid = postings.post_payment(
                session,
                customer_id=o.ruiz.id,
                amount=txn.amount,
                posting_date=dt.date(2026, 9, 30),
                now=NOW,
            )
            settlements.settle(
                session, {txn.id: txn.amount, paid.id: txn.amount}, dt.date(2026, 9, 30), NOW
            )
        older = take_snapshot(session, dt.date(2026, 11, 1), o.scope, at(1, 6), pool_id=o.iberia)
        autumn = create_case(
            session,
            o.scope,
            o.ruiz.id,
            "COLL",
            "Autumn invoices",
            at(20),
            responsible_id=o.me,
            transaction_ids=[o.a.id, d.id],
            created_by_id=o.me,
        )
        dispute = create_case(
            session,
            o.scope,
            o.ruiz.id,
            "DISPUTE",
            "Invoice b is disputed",
            at(21),
            responsible_id=o.colleague,
            transaction_ids=[o.b.id],
            created_by_id=o.me,
        )
        close_case(session, o.scope, dispute.id, at(22))
        call = add_activity(session, o.me, at(24), o.ruiz, purpose="Call about a")
        call.case_id = autumn.id
        add_activity(session, o.me, at(18), o.ruiz, purpose="Visit", closed=True)
        add_activity(session, o.me, at(19), o.ruiz, purpose="Letter sent", closed=True)
        add_activity(session, o.me, at(21), o.ruiz, purpose="Ask for the PO")
        add_activity(session, o.me, at(21), o.lopes, purpose="Not Ruiz")
        session.flush()
        newer = take_snapshot(session, TODAY, o.scope, at(23, 6), pool_id=o.iberia)
        session.commit()

        seen, stop = statements(any_db)
        data = customer_collections(session, o.scope, o.ruiz.id, TODAY)
        stop()
        # A fixed number of statements, none per row (one reads the activity categories'
        # names in the user's language, one the aging labels').
        assert len(seen) <= 11

        assert (data.customer.account, data.customer.name) == (o.ruiz.account, "Ruiz Hermanos SL")
        assert data.customer.accounting_currency == "EUR"
        # Newest first.
        assert [(c.number, c.status, c.transaction_count) for c in data.cases] == [
            (dispute.number, "closed", 1),
            (autumn.number, "open", 2),
        ]
        assert data.cases[1].open_amount == D("1034.56")
        # Open transactions and the case's settled one, oldest due first.
        shown = [
            (t.document_number, t.open_amount, t.days_overdue, t.case_numbers)
            for t in data.transactions
        ]
        assert shown == [
            (d.document_number, D(0), 0, (autumn.number,)),
            (o.a.document_number, D("1034.56"), 53, (autumn.number,)),
            (o.b.document_number, D("500.00"), 22, (dispute.number,)),
            (o.c.document_number, D("99.95"), 0, ()),
        ]
        assert e.document_number not in [t.document_number for t in data.transactions]
        # Open activities by end date, then closed ones newest first.
        assert [(a.purpose, a.case_number) for a in data.activities] == [
            ("Ask for the PO", None),
            ("Call about a", autumn.number),
            ("Letter sent", None),
            ("Visit", None),
        ]
        # The fact boxes come from the newest snapshot holding Ruiz.
        facts = data.facts
        assert facts is not None
        assert not facts.live
        assert (facts.as_of, facts.taken_at) == (TODAY, at(23, 6))
        assert facts.labels == LABELS
        assert facts.columns == (D("99.95"), D("500.00"), D("1034.56"), D(0), D(0), D(0), D(0))
        assert (facts.balance, facts.past_due) == (D("1634.51"), D("1534.56"))
        assert (facts.credit_limit, facts.available_credit) == (D("2000.00"), D("365.49"))
        assert (facts.disputed_count, facts.disputed_amount) == (0, D(0))
        assert facts.definition_id == snapshot_header(session, newer.id).definition_id
        # As of a day before the newer snapshot, only the older one counts.
        before = snapshot_facts(session, o.scope, o.ruiz.id, dt.date(2026, 11, 22))
        assert before is not None
        assert (before.as_of, before.taken_at) == (older.as_of, at(1, 6))
        assert before.columns[2] == D("1234.56")  # a: 31 days late on 1 Nov, paid from 2 Nov


def test_refresh_ages_the_one_customer_live(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = books(session)
        o.b.collection_status = "disputed"
        take_snapshot(session, TODAY, o.scope, NOW, pool_id=o.iberia)
        stored = snapshot_facts(session, o.scope, o.ruiz.id, TODAY)
        # Ruiz pays invoice a in full after the snapshot.
        paid = postings.post_payment(
            session, customer_id=o.ruiz.id, amount=D("1034.56"), posting_date=TODAY, now=NOW
        )
        settlements.settle(session, {o.a.id: D("1034.56"), paid.id: D("1034.56")}, TODAY, NOW)
        session.commit()

        facts = live_facts(session, o.scope, o.ruiz.id, TODAY, definition_id=stored.definition_id)
        assert facts.live
        assert facts.taken_at is None
        assert facts.as_of == TODAY
        assert facts.labels == stored.labels
        assert facts.columns == (D("99.95"), D("500.00"), D(0), D(0), D(0), D(0), D(0))
        assert (facts.balance, facts.past_due) == (D("599.95"), D("500.00"))
        assert facts.available_credit == D("1400.05")
        assert (facts.disputed_count, facts.disputed_amount) == (1, D("500.00"))
        assert facts.oldest_past_due_days == 22
        [aged] = age_customers(session, TODAY, o.scope, pool_id=o.iberia).rows[:1]
        assert facts.risk_score == aged.risk_score
        # The newest snapshot was kept fresh by the payment's commit: it says the same.
        kept = snapshot_facts(session, o.scope, o.ruiz.id, TODAY)
        assert kept.columns == facts.columns
        assert (kept.balance, kept.risk_score) == (facts.balance, facts.risk_score)

        # A customer who owes nothing: zeros, the whole limit available.
        quiet = add_customer(session, "ES", credit_limit=D("900.00"))
        none = live_facts(session, o.scope, quiet.id, TODAY)
        assert none.columns == (D(0),) * 7
        assert (none.balance, none.available_credit, none.risk_score) == (D(0), D("900.00"), 0)
        assert snapshot_facts(session, o.scope, quiet.id, TODAY) is None


def test_a_customer_outside_the_scope_is_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = books(session)
        for read in (
            lambda: customer_collections(session, o.scope, o.garnier.id, TODAY),
            lambda: snapshot_facts(session, o.scope, o.garnier.id, TODAY),
            lambda: live_facts(session, o.scope, o.garnier.id, TODAY),
        ):
            with pytest.raises(ScopeError, match="outside their pools"):
                read()


# --- the customer explorer (the Customers page) -----------------------------------------


def explorer_books(session) -> tuple[Books, str]:
    """``books`` with actions: Ruiz called on 20 Nov by the agent (a meeting closed ahead
    of time on 25 Nov and an open task today do not count); Lopes sent a collection letter
    on 10 Nov (no creator stored); Garnier never contacted."""
    o = books(session)
    call = add_activity(session, o.me, at(20, 16), o.ruiz, type="action", closed=True)
    add_activity(session, o.colleague, at(25, 10), o.ruiz, type="appointment", closed=True)
    add_activity(session, o.colleague, at(23, 8), o.ruiz, type="task")
    add_letter(session, o.lopes, dt.date(2026, 11, 10), number="CL-EXPL-1")
    return o, call.number


def explore(session, scope, **filters) -> list[tuple]:
    rows = list_customers(session, scope, TODAY, filters=CustomerFilters(**filters))
    return [row.name for row in rows]


def test_the_explorer_lists_figures_and_the_last_action_by_account(any_db: Database) -> None:
    with any_db.sessions() as session:
        o, call = explorer_books(session)
        everyone = company_scope(session)
        seen, stop = statements(any_db)
        rows = list_customers(session, everyone, TODAY)
        stop()
        assert len(seen) == 1  # one statement, whatever the number of customers
        agent = session.get(Employee, o.me).name
        assert [
            (r.name, r.balance, r.past_due, r.oldest_past_due_days, r.last_action_on,
             r.last_action_at, r.last_action_by, r.last_action_kind, r.last_action_number)
            for r in rows
        ] == [
            ("Ruiz Hermanos SL", D("1634.51"), D("1534.56"), 53, dt.date(2026, 11, 20),
             at(20, 16), agent, "activity", call),
            ("Lopes & Filhos Lda", D("250.00"), D("300.00"), 39, dt.date(2026, 11, 10), None,
             None, "letter", "CL-EXPL-1"),
            ("Garnier SA", D("700.00"), D("700.00"), 69, None, None, None, None, None),
        ]  # fmt: skip
        # On 26 November the meeting of the 25th has happened (by the colleague).
        later = list_customers(session, everyone, dt.date(2026, 11, 26))
        assert (later[0].last_action_on, later[0].last_action_by) == (
            dt.date(2026, 11, 25),
            session.get(Employee, o.colleague).name,
        )
        session.rollback()


def test_each_explorer_filter_alone_and_combined(any_db: Database) -> None:
    with any_db.sessions() as session:
        o, _call = explorer_books(session)
        everyone = company_scope(session)
        ruiz, lopes, garnier = "Ruiz Hermanos SL", "Lopes & Filhos Lda", "Garnier SA"
        assert explore(session, everyone) == [ruiz, lopes, garnier]
        # Debt older than N days: a past-due item at least N days late (53, 39, 69).
        assert explore(session, everyone, older_than_days=30) == [ruiz, lopes, garnier]
        assert explore(session, everyone, older_than_days=39) == [ruiz, lopes, garnier]
        assert explore(session, everyone, older_than_days=40) == [ruiz, garnier]
        assert explore(session, everyone, older_than_days=60) == [garnier]
        assert explore(session, everyone, older_than_days=70) == []
        # Without action since a day (the last contact before it, or none), never contacted.
        assert explore(session, everyone, without_action_since=dt.date(2026, 11, 21)) == [
            ruiz,
            lopes,
            garnier,
        ]
        assert explore(session, everyone, without_action_since=dt.date(2026, 11, 20)) == [
            lopes,
            garnier,
        ]
        assert explore(session, everyone, without_action_since=dt.date(2026, 11, 10)) == [garnier]
        assert explore(session, everyone, never_contacted=True) == [garnier]
        # Pool, group, status, country, a minimum balance, a text.
        assert explore(session, everyone, pool_id=o.iberia) == [ruiz, lopes]
        o.ruiz.customer_group, o.lopes.customer_group = "Wholesale", "Retail"
        o.lopes.account_status = "on_hold"
        session.flush()
        assert explore(session, everyone, customer_group="Retail") == [lopes]
        assert explore(session, everyone, account_status="on_hold") == [lopes]
        assert explore(session, everyone, country="FR") == [garnier]
        assert explore(session, everyone, min_balance=D("700.00")) == [ruiz, garnier]
        assert explore(session, everyone, min_balance=D("700.01")) == [ruiz]
        assert explore(session, everyone, min_balance=D("0")) == [ruiz, lopes, garnier]
        assert explore(session, everyone, text="HERMANOS") == [ruiz]
        assert explore(session, everyone, text=o.garnier.account.lower()) == [garnier]
        assert explore(session, everyone, text="100%") == []  # the % is a letter, not a wildcard
        # Combined.
        since = dt.date(2026, 11, 15)
        assert explore(session, everyone, older_than_days=30, without_action_since=since) == [
            lopes,
            garnier,
        ]
        assert explore(
            session, everyone, older_than_days=30, without_action_since=since, min_balance=D(500)
        ) == [garnier]
        assert explore(
            session, everyone, older_than_days=30, without_action_since=since, pool_id=o.iberia
        ) == [lopes]
        assert explore(session, everyone, older_than_days=60, never_contacted=True, text="sa") == [
            garnier
        ]
        # The agent of Iberia never sees Garnier, whatever the filters.
        assert explore(session, o.scope, older_than_days=60) == []
        assert explore(session, o.scope, never_contacted=True) == []
        assert explore(session, o.scope, without_action_since=since) == [lopes]
        session.rollback()


def test_a_record_entered_takes_the_customer_off_the_not_called_list(any_db: Database) -> None:
    with any_db.sessions() as session:
        o, _call = explorer_books(session)
        everyone = company_scope(session)
        since = dt.date(2026, 11, 15)
        assert explore(session, everyone, without_action_since=since) == [
            "Lopes & Filhos Lda",
            "Garnier SA",
        ]
        call = create_activity(session, everyone, now=NOW, responsible_id=o.colleague,
                               type="action", purpose="Called about the September invoice",
                               customer_id=o.garnier.id, start_at=at(23, 8),
                               end_at=at(23, 8, minute=15))  # fmt: skip
        assert explore(session, everyone, never_contacted=True) == ["Garnier SA"]  # still open
        close_activities(session, everyone, [call.id], NOW, o.colleague)
        assert explore(session, everyone, without_action_since=since) == ["Lopes & Filhos Lda"]
        assert explore(session, everyone, never_contacted=True) == []
        [garnier] = list_customers(session, everyone, TODAY, filters=CustomerFilters(country="FR"))
        assert (garnier.last_action_on, garnier.last_action_by) == (
            TODAY,
            session.get(Employee, o.colleague).name,
        )
        session.rollback()
