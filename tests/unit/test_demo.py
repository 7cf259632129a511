"""The demo company: deterministic, consistent with the ledger, realistic, one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import sqlite3
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from collections_desktop.demo import arithmetic, company, load
from collections_desktop.demo.load import DemoError, DemoStats, write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import company_summary
from collections_desktop.models.db.database import Database, DatabaseOpenError, NotADatabaseError
from collections_desktop.models.db.schema import (
    Activity,
    ActivityCategory,
    AgentPool,
    CollectionsAgent,
    CollectionStatusChange,
    Contact,
    Customer,
    CustomerPool,
    CustomerTransaction,
    Employee,
    Settlement,
    SettlementLine,
)
from collections_desktop.models.ledger import balances, postings
from collections_desktop.models.ledger import settlements as ledger_settlements
from collections_desktop.models.ledger.numbering import SEQUENCES, next_number
from tests.conftest import TODAY

D = Decimal
NOW = dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC)
CUSTOMERS = 60


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, as stored, in storage order."""
    with sqlite3.connect(path) as connection:
        tables = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        return {
            # WITHOUT ROWID tables are stored in key order
            name: connection.execute(
                f'SELECT * FROM "{name}"' + ("" if "WITHOUT ROWID" in sql else " ORDER BY rowid")
            ).fetchall()
            for name, sql in tables
        }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoStats]:
    """One demo company of 60 customers, shared by the read-only tests of this module."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    stats = write_demo_company(path, customers=CUSTOMERS, seed=7, today=TODAY)
    return path, stats


@pytest.fixture
def session(built: tuple[Path, DemoStats]) -> Iterator[Session]:
    database = open_company(built[0], clock=SystemClock())
    with database.sessions() as session:
        yield session
    database.dispose()


def settled_by(session: Session, as_of: dt.date) -> dict[uuid.UUID, tuple[Decimal, Decimal]]:
    """Σ line amount and Σ line accounting amount per transaction, lines dated ≤ ``as_of``."""
    rows = session.execute(
        select(
            SettlementLine.transaction_id,
            func.sum(SettlementLine.amount),
            func.sum(SettlementLine.amount_accounting),
        )
        .where(SettlementLine.settlement_date <= as_of)
        .group_by(SettlementLine.transaction_id)
    )
    return {txn_id: (amount, acc) for txn_id, amount, acc in rows}


# --- determinism ------------------------------------------------------------------------------


def test_the_same_seed_and_day_give_identical_rows_in_every_table(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "c.sqlite"
    write_demo_company(first, customers=30, seed=11, today=TODAY)
    write_demo_company(second, customers=30, seed=11, today=TODAY)
    write_demo_company(other, customers=30, seed=12, today=TODAY)
    rows_a, rows_b, rows_c = table_rows(first), table_rows(second), table_rows(other)
    assert rows_a.keys() == rows_b.keys()
    for name in rows_a:
        assert rows_a[name] == rows_b[name], name
    assert len(rows_a["customer_transactions"]) > 0
    # Another seed is another company (the reference data of create_company aside).
    for name in ("customers", "contacts", "customer_transactions", "settlements", "activities"):
        assert rows_a[name] != rows_c[name], name


def test_ids_are_uuid7_stamped_with_the_time_of_the_fact(session: Session) -> None:
    for txn in session.scalars(select(CustomerTransaction).limit(200)):
        assert txn.id.version == 7
        stamped = dt.datetime.fromtimestamp((txn.id.int >> 80) / 1000, dt.UTC)
        assert stamped.date() == txn.posting_date
        assert txn.created_at.date() == txn.posting_date
        assert abs(stamped - txn.created_at) < dt.timedelta(minutes=1)


# --- counts -------------------------------------------------------------------------------------


def test_stats_count_the_rows_and_the_summary_says_so(
    built: tuple[Path, DemoStats], session: Session
) -> None:
    _path, stats = built
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert stats.customers == count(Customer) == CUSTOMERS
    assert stats.contacts == count(Contact)
    assert stats.transactions == count(CustomerTransaction)
    assert stats.settlements == count(Settlement)
    assert stats.settlement_lines == count(SettlementLine)
    assert stats.status_changes == count(CollectionStatusChange)
    assert stats.activities == count(Activity)
    assert CUSTOMERS <= stats.contacts <= 3 * CUSTOMERS
    # About 50 transactions a customer over two years (invoices, payments, credit notes).
    assert 25 * CUSTOMERS <= stats.transactions <= 80 * CUSTOMERS
    assert stats.transactions / 3 < stats.settlements < stats.transactions
    assert stats.activities > CUSTOMERS
    line = stats.describe()
    assert "\n" not in line
    assert f"{CUSTOMERS} customers" in line
    assert f"{stats.transactions:,} transactions" in line
    assert company.COMPANY_NAME in line


def test_a_few_customers_are_on_hold(tmp_path: Path) -> None:
    write_demo_company(tmp_path / "d.sqlite", customers=400, seed=3, today=TODAY)
    database = open_company(tmp_path / "d.sqlite", clock=SystemClock())
    with database.sessions() as session:
        statuses = Counter(session.scalars(select(Customer.account_status)))
        summary = company_summary(session, TODAY)
    database.dispose()
    assert set(statuses) == {"active", "on_hold"}
    assert 0 < statuses["on_hold"] < 0.08 * 400
    assert summary.on_hold == statuses["on_hold"]
    assert summary.customers == 400
    assert summary.balance > 0


# --- the ledger's rules -----------------------------------------------------------------------


def test_every_settlement_balances_and_is_dated_within_its_transactions(session: Session) -> None:
    lines = session.execute(
        select(
            Settlement.id,
            Settlement.settlement_date,
            Settlement.customer_id,
            SettlementLine.settlement_date,
            SettlementLine.amount,
            CustomerTransaction.posting_date,
            CustomerTransaction.customer_id,
            CustomerTransaction.amount,
        )
        .join(SettlementLine, SettlementLine.settlement_id == Settlement.id)
        .join(CustomerTransaction, CustomerTransaction.id == SettlementLine.transaction_id)
    ).all()
    assert lines
    sums: defaultdict[uuid.UUID, Decimal] = defaultdict(Decimal)
    for stl_id, stl_date, stl_customer, line_date, amount, posted, customer, txn_amount in lines:
        sums[stl_id] += amount
        assert line_date == stl_date
        assert posted <= stl_date < TODAY
        assert customer == stl_customer
        assert amount != 0
        assert (amount > 0) == (txn_amount > 0)  # in the transaction's own sign
    assert all(total == 0 for total in sums.values())
    assert all(
        count >= 2
        for count in Counter(row[0] for row in lines).values()  # at least a debit and a credit
    )


def test_no_transaction_is_ever_over_settled(session: Session) -> None:
    txns = session.execute(
        select(
            CustomerTransaction.id,
            CustomerTransaction.amount,
            CustomerTransaction.amount_accounting,
            CustomerTransaction.posting_date,
        )
    ).all()
    for as_of in (TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=100), TODAY):
        settled = settled_by(session, as_of)
        for txn_id, amount, accounting, posted in txns:
            done, done_acc = settled.get(txn_id, (D(0), D(0)))
            open_amount = amount - done
            if amount > 0:
                assert 0 <= open_amount <= amount
            else:
                assert amount <= open_amount <= 0
            if done:
                assert posted <= as_of
            if open_amount == 0:  # fully settled: nothing left in the accounting currency
                assert accounting - done_acc == 0


def test_balance_equals_the_open_items_for_every_customer(session: Session) -> None:
    customers = session.execute(select(Customer.id, Customer.currency)).all()
    assert {currency for _id, currency in customers} == {"EUR", "GBP"}
    for as_of in (TODAY - dt.timedelta(days=200), TODAY):
        for customer_id, _currency in customers:
            items = balances.open_items(session, customer_id, as_of)
            balance = balances.balance(session, customer_id, as_of)
            assert balance == sum((item.open_amount_accounting for item in items), D(0))


def test_gbp_customers_carry_accounting_amounts_at_a_rate(session: Session) -> None:
    rows = session.execute(
        select(
            Customer.currency,
            CustomerTransaction.currency,
            CustomerTransaction.amount,
            CustomerTransaction.amount_accounting,
        ).join(Customer, Customer.id == CustomerTransaction.customer_id)
    ).all()
    gbp = 0
    for customer_currency, currency, amount, accounting in rows:
        assert currency == customer_currency
        assert amount == amount.quantize(D("0.01"))
        assert accounting == accounting.quantize(D("0.01"))
        if currency == "EUR":
            assert accounting == amount
        else:
            gbp += 1
            assert D("1.05") < accounting / amount < D("1.25")
    assert gbp > 0


# --- what a collector sees --------------------------------------------------------------------


def test_the_collections_situations_are_all_there(session: Session) -> None:
    settled = settled_by(session, TODAY)
    invoices = session.scalars(
        select(CustomerTransaction).where(CustomerTransaction.type == "invoice")
    ).all()
    opened = {t.id: t.amount - settled.get(t.id, (D(0), D(0)))[0] for t in invoices}
    overdue = [t for t in invoices if opened[t.id] > 0 and t.due_date < TODAY]
    not_due = [t for t in invoices if opened[t.id] > 0 and t.due_date >= TODAY]
    partly = [t for t in invoices if 0 < opened[t.id] < t.amount]
    paid_late = session.scalar(
        select(func.count())
        .select_from(SettlementLine)
        .join(CustomerTransaction, CustomerTransaction.id == SettlementLine.transaction_id)
        .where(
            CustomerTransaction.type == "invoice",
            SettlementLine.settlement_date > CustomerTransaction.due_date,
        )
    )
    assert overdue
    assert not_due
    assert partly
    assert paid_late
    # Most invoices are paid.
    assert sum(1 for t in invoices if opened[t.id] == 0) > 0.75 * len(invoices)
    credit_notes = session.scalars(
        select(CustomerTransaction.id).where(CustomerTransaction.type == "credit_note")
    ).all()
    assert credit_notes
    assert all(settled.get(c) for c in credit_notes)
    payments = session.scalars(
        select(CustomerTransaction.id).where(CustomerTransaction.type == "payment")
    ).all()
    unsettled = [p for p in payments if p not in settled]
    assert unsettled
    assert len(unsettled) < 0.05 * len(payments)


def test_disputes_and_promises_have_their_history(session: Session) -> None:
    marked = session.scalars(
        select(CustomerTransaction).where(CustomerTransaction.collection_status != "none")
    ).all()
    statuses = Counter(t.collection_status for t in marked)
    assert statuses["disputed"] > 0
    assert statuses["promised"] > 0
    assert set(statuses) == {"disputed", "promised"}
    settled = settled_by(session, TODAY)
    agents = set(session.scalars(select(CollectionsAgent.employee_id)))
    for txn in marked:
        history = session.scalars(
            select(CollectionStatusChange)
            .where(CollectionStatusChange.transaction_id == txn.id)
            .order_by(CollectionStatusChange.changed_at)
        ).all()
        assert history, txn.document_number
        last = history[-1]
        assert last.to_status == txn.collection_status
        assert last.changed_at == txn.updated_at
        assert txn.version == 1 + len(history)
        assert last.changed_by_id in agents
        assert txn.type == "invoice"
        assert txn.amount - settled.get(txn.id, (D(0), D(0)))[0] > 0  # still open
        if txn.collection_status == "promised":
            assert txn.promise_date == last.promise_date
            assert txn.promise_amount == last.promise_amount
            assert 0 < txn.promise_amount <= txn.amount
            assert txn.promise_date > TODAY - dt.timedelta(days=30)
        else:
            assert txn.promise_date is None
            assert txn.promise_amount is None
    # Every change starts from where the previous one ended.
    changes = session.execute(
        select(
            CollectionStatusChange.transaction_id,
            CollectionStatusChange.from_status,
            CollectionStatusChange.to_status,
        ).order_by(CollectionStatusChange.transaction_id, CollectionStatusChange.changed_at)
    ).all()
    previous: dict[uuid.UUID, str] = {}
    for txn_id, before, after in changes:
        assert before == previous.get(txn_id, "none")
        assert before != after
        previous[txn_id] = after


def test_pools_agents_and_their_activities(session: Session) -> None:
    pools = {p.name: p for p in session.scalars(select(CustomerPool))}
    assert json.loads(pools["Iberia"].criteria) == {"countries": ["ES", "PT"]}
    assert json.loads(pools["France & UK"].criteria) == {"countries": ["FR", "GB"]}
    agents = session.execute(
        select(CollectionsAgent, Employee).join(
            Employee, Employee.id == CollectionsAgent.employee_id
        )
    ).all()
    assert len(agents) == 3
    memberships = defaultdict(set)
    for agent_id, pool_id in session.execute(select(AgentPool.agent_id, AgentPool.pool_id)):
        memberships[agent_id].add(pool_id)
    assert sorted(len(m) for m in memberships.values()) == [1, 1, 2]
    assert sum(agent.may_view_all_pools for agent, _employee in agents) == 1
    for agent, employee in agents:
        assert employee.user_name
        assert agent.default_pool_id in memberships[agent.id]
        open_work = session.scalars(
            select(Activity).where(
                Activity.responsible_employee_id == employee.id, Activity.closed.is_(False)
            )
        ).all()
        assert open_work, employee.name
        assert any(a.end_at.date() >= TODAY for a in open_work)
    # Other employees look after customers (sales), and are not agents.
    responsible = set(session.scalars(select(Customer.responsible_employee_id)))
    assert responsible
    assert not responsible & {employee.id for _agent, employee in agents}
    activities = session.scalars(select(Activity)).all()
    assert {a.type for a in activities} == {"task", "appointment", "event", "action"}
    assert {"FOLLOWUP", "CALL", "DISPUTE", "PROMISE"} <= {a.category for a in activities}
    categories = set(session.scalars(select(ActivityCategory.code)))
    assert {a.category for a in activities} <= categories  # every one a category's code
    assert any(a.memo for a in activities)
    past_due = [a for a in activities if not a.closed and a.end_at.date() < TODAY]
    assert past_due
    for activity in activities:
        assert activity.start_at <= activity.end_at
        assert activity.start_at.date() <= TODAY
        assert (activity.closed_at is not None) == activity.closed
        if activity.closed:
            assert activity.closed_at.date() < TODAY
        if "INV-" in activity.purpose:
            number = "INV-" + activity.purpose.split("INV-")[1][:7]
            owner = session.scalar(
                select(CustomerTransaction.customer_id).where(
                    CustomerTransaction.document_number == number
                )
            )
            assert owner == activity.customer_id


@pytest.mark.parametrize(
    "today",
    [TODAY, dt.date(2027, 3, 6)],  # a Monday, and a Saturday months later
    ids=["monday", "saturday"],
)
def test_the_demo_is_dated_from_the_day_it_is_made(tmp_path: Path, today: dt.date) -> None:
    """A first look is a realistic day: some work is late, most is due in the coming weeks."""
    path = tmp_path / "d.sqlite"
    write_demo_company(path, customers=250, seed=7, today=today)
    database = open_company(path, clock=SystemClock())
    try:
        with database.sessions() as session:
            ends = [
                (end.date() - today).days
                for end in session.scalars(
                    select(Activity.end_at).where(Activity.closed.is_(False))
                )
            ]
            promised = [
                (day - today).days
                for day in session.scalars(
                    select(CustomerTransaction.promise_date).where(
                        CustomerTransaction.collection_status == "promised"
                    )
                )
            ]
            latest = session.scalar(select(func.max(CustomerTransaction.posting_date)))
    finally:
        database.dispose()
    assert len(ends) > 80
    overdue = sum(days < 0 for days in ends) / len(ends)
    coming = sum(0 <= days <= 28 for days in ends) / len(ends)
    assert 0.05 <= overdue <= 0.3  # some, not most
    assert coming >= 0.65  # most due today or in the next four weeks
    assert all(days >= -30 for days in ends)  # nothing forgotten for months
    # Promises to pay: due soon, a few just past and waiting to be judged.
    assert promised
    assert sum(0 <= days <= 21 for days in promised) / len(promised) >= 0.6
    assert all(-14 <= days <= 60 for days in promised)
    assert latest is not None
    assert today - dt.timedelta(days=7) <= latest < today


def test_customers_look_like_real_customers(session: Session) -> None:
    customers = session.scalars(select(Customer)).all()
    language = {"ES": "es", "FR": "fr", "PT": "pt", "GB": "en"}
    assert {c.country for c in customers} == set(language)
    assert {c.customer_group for c in customers} <= {"Retail", "Wholesale", "Public sector"}
    assert {c.credit_group for c in customers} <= {"A", "B", "C"}
    assert len({c.name for c in customers}) > 0.9 * len(customers)
    contacts = defaultdict(list)
    for contact in session.scalars(select(Contact)):
        contacts[contact.customer_id].append(contact)
    for customer in customers:
        assert customer.language == language[customer.country]
        assert customer.currency == ("GBP" if customer.country == "GB" else "EUR")
        assert customer.street
        assert customer.city
        assert customer.postal_code
        assert customer.phone
        assert customer.email.endswith(".example")
        assert customer.credit_limit is None or customer.credit_limit >= 1000
        mine = {c.id for c in contacts[customer.id]}
        assert 1 <= len(mine) <= 3
        assert customer.collections_contact_id in mine
        assert customer.primary_contact_id in mine
        for contact in contacts[customer.id]:
            assert contact.email.endswith(".example")
            assert "@" in contact.email
            assert contact.phone
            assert contact.job_title
            assert contact.language == customer.language
    accounts = [c.account for c in customers]
    assert sorted(accounts) == [f"C-{n:06d}" for n in range(1, len(customers) + 1)]


def test_human_numbers_are_unique_and_shaped_like_the_counters(session: Session) -> None:
    def check(values: list[str], sequence: str) -> None:
        prefix, width = SEQUENCES[sequence]
        assert len(set(values)) == len(values)
        assert sorted(values) == [f"{prefix}{n:0{width}d}" for n in range(1, len(values) + 1)]

    txns = session.execute(
        select(
            CustomerTransaction.voucher,
            CustomerTransaction.type,
            CustomerTransaction.document_number,
        )
    ).all()
    check([t.voucher for t in txns], "voucher")
    for kind in ("invoice", "payment", "credit_note"):
        check([t.document_number for t in txns if t.type == kind], kind)
    check(list(session.scalars(select(Settlement.number))), "settlement")
    check(list(session.scalars(select(Activity.number))), "activity")
    # Within a customer, vouchers follow the posting dates.
    rows = session.execute(
        select(
            CustomerTransaction.customer_id,
            CustomerTransaction.posting_date,
            CustomerTransaction.voucher,
        ).order_by(CustomerTransaction.voucher)
    ).all()
    last: dict[uuid.UUID, dt.date] = {}
    for customer_id, posted, _voucher in rows:
        assert posted >= last.get(customer_id, dt.date.min)
        last[customer_id] = posted


# --- after the demo ---------------------------------------------------------------------------


def test_posting_after_the_demo_continues_the_numbers(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    stats = write_demo_company(path, customers=20, seed=2, today=TODAY)
    database = open_company(path, clock=SystemClock())
    with database.sessions.begin() as session:
        customer = session.scalars(select(Customer).where(Customer.currency == "EUR")).first()
        assert customer is not None
        invoice = postings.post_invoice(
            session,
            customer_id=customer.id,
            amount=D("120.50"),
            posting_date=TODAY,
            now=NOW,
            due_date=TODAY + dt.timedelta(days=30),
        )
        payment = postings.post_payment(
            session, customer_id=customer.id, amount=D("120.50"), posting_date=TODAY, now=NOW
        )
        settlement = ledger_settlements.settle(
            session, {invoice.id: D("120.50"), payment.id: D("120.50")}, TODAY, NOW
        )
        count = lambda kind: session.scalar(  # noqa: E731
            select(func.count()).where(CustomerTransaction.type == kind)
        )
        assert invoice.voucher == f"V-{stats.transactions + 1:08d}"
        assert invoice.document_number == f"INV-{count('invoice'):07d}"
        assert payment.document_number == f"PAY-{count('payment'):07d}"
        assert settlement.number == f"ST-{stats.settlements + 1:08d}"
        assert next_number(session, "customer", NOW) == f"C-{21:06d}"
        assert next_number(session, "activity", NOW) == f"ACT-{stats.activities + 1:07d}"
        assert next_number(session, "credit_note", NOW).startswith("CN-")
        assert balances.open_amount(session, invoice.id, TODAY) == 0
    database.dispose()


def test_a_second_demo_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    write_demo_company(path, customers=10, seed=1, today=TODAY)
    before_rows, before_bytes = table_rows(path), digest(path)
    with pytest.raises(DemoError, match="already holds a company"):
        write_demo_company(path, customers=10, seed=2, today=TODAY)
    assert table_rows(path) == before_rows
    assert digest(path) == before_bytes


def test_a_failure_midway_writes_nothing(tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, what: str) -> None:
        calls.append((done, total, what))
        if done > 0:
            raise KeyboardInterrupt  # the user pressed Ctrl+C

    # A new file made for the demo is removed again.
    path = tmp_path / "new.sqlite"
    with pytest.raises(KeyboardInterrupt):
        write_demo_company(path, customers=1200, seed=1, today=TODAY, progress=progress)
    assert calls[0][:2] == (0, 1200)
    assert calls[-1][0] == load.CHUNK_CUSTOMERS
    assert not path.exists()
    assert not list(tmp_path.glob("new.sqlite*"))
    # An existing empty database stays empty.
    path = tmp_path / "empty.sqlite"
    open_company(path, clock=SystemClock()).dispose()
    with pytest.raises(KeyboardInterrupt):
        write_demo_company(path, customers=1200, seed=1, today=TODAY, progress=progress)
    database = open_company(path, clock=SystemClock())
    with database.engine.connect() as connection:
        for table in (
            "receivables_parameters",
            "currencies",
            "customers",
            "employees",
            "customer_transactions",
            "number_sequences",
            "activities",
        ):
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        indexes = connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'ix_settlement_lines_transaction_date'"
        ).scalar()
        assert indexes == 1
    database.dispose()


def test_a_second_process_generates_big_demos_with_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, there = tmp_path / "here.sqlite", tmp_path / "there.sqlite"
    write_demo_company(here, customers=40, seed=9, today=TODAY)
    monkeypatch.setattr(load, "PARALLEL_FROM", 1)
    stats = write_demo_company(there, customers=40, seed=9, today=TODAY)
    assert table_rows(there) == table_rows(here)
    assert stats.transactions == len(table_rows(there)["customer_transactions"])
    assert multiprocessing.active_children() == []


def test_a_failure_while_a_second_process_generates_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "PARALLEL_FROM", 1)

    def progress(done: int, total: int, what: str) -> None:
        if done:
            raise RuntimeError("stop")

    path = tmp_path / "d.sqlite"
    with pytest.raises(RuntimeError, match="stop"):
        write_demo_company(path, customers=1200, seed=1, today=TODAY, progress=progress)
    assert not path.exists()
    assert multiprocessing.active_children() == []


def test_without_a_second_process_the_demo_is_made_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_process(builder: object) -> Iterator[object]:
        raise load._NoGenerator
        yield  # a generator, like the real one

    monkeypatch.setattr(load, "PARALLEL_FROM", 1)
    monkeypatch.setattr(load, "_chunks_from_a_process", no_process)
    stats = write_demo_company(tmp_path / "d.sqlite", customers=20, seed=9, today=TODAY)
    assert stats.customers == 20


def test_progress_is_reported_per_chunk_not_per_row(tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    write_demo_company(
        tmp_path / "d.sqlite",
        customers=30,
        seed=1,
        today=TODAY,
        progress=lambda done, total, what: calls.append((done, total, what)),
    )
    assert [(done, total) for done, total, _what in calls] == [(0, 30), (30, 30)]
    assert all(what for _done, _total, what in calls)


def test_the_file_keeps_its_usual_settings_and_indexes(built: tuple[Path, DemoStats]) -> None:
    with sqlite3.connect(built[0]) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        names = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
    assert {
        "ix_customer_transactions_customer_due",
        "ix_customer_transactions_customer_posting",
        "ix_customer_transactions_document_number",
        "ix_settlement_lines_transaction_date",
        "ix_activities_responsible_open",
    } <= names


def test_bad_requests_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DemoError, match="at least one customer"):
        write_demo_company(tmp_path / "d.sqlite", customers=0)
    assert not (tmp_path / "d.sqlite").exists()
    text_file = tmp_path / "notes.sqlite"
    text_file.write_text("not a database\n")
    with pytest.raises(NotADatabaseError):
        write_demo_company(text_file, customers=5)
    assert text_file.read_text() == "not a database\n"


def test_today_defaults_to_the_real_date(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    write_demo_company(path, customers=3, seed=1)
    database = open_company(path, clock=SystemClock())
    with database.sessions() as session:
        latest = session.scalar(select(func.max(CustomerTransaction.posting_date)))
    database.dispose()
    assert latest is not None
    assert latest < dt.date.today()
    assert latest > dt.date.today() - dt.timedelta(days=60)


@given(st.integers(-(10**9), 10**9), st.integers(9_000, 13_000))
def test_accounting_conversion_rounds_like_the_ledger(cents: int, rate: int) -> None:
    exact = D(cents) * D(rate) / 10_000
    assert arithmetic.to_accounting(cents, rate) == exact.quantize(D(1), rounding=ROUND_HALF_EVEN)


@given(
    st.integers(-(10**7), 10**7).filter(bool),
    st.integers(1, 10**8),
    st.integers(1, 10**8),
    st.booleans(),
)
def test_line_shares_round_like_the_ledger(
    cents: int, accounting: int, amount: int, credit: bool
) -> None:
    if credit:
        accounting, amount = -accounting, -amount
    exact = D(cents) * D(accounting) / D(amount)
    assert arithmetic.share(cents, accounting, amount) == exact.quantize(D(1), ROUND_HALF_EVEN)


# --- PostgreSQL ---------------------------------------------------------------------------------


def model_rows(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """Rows of the demo's own tables through the mapped classes, so both databases compare."""
    models = (
        Customer,
        Contact,
        CustomerTransaction,
        Settlement,
        SettlementLine,
        CollectionStatusChange,
        Activity,
        Employee,
        CustomerPool,
        CollectionsAgent,
        AgentPool,
    )
    with database.sessions() as session:
        return {
            model.__tablename__: sorted(
                tuple(getattr(row, column.key) for column in model.__table__.columns)
                for row in session.scalars(select(model))
            )
            for model in models
        }


@pytest.mark.postgres
def test_postgresql_gets_the_same_company_as_sqlite(pg_url: str, tmp_path: Path) -> None:
    stats = write_demo_company(pg_url, customers=30, seed=4, today=TODAY)
    assert stats.customers == 30
    assert stats.transactions > 0
    with pytest.raises(DemoError):
        write_demo_company(pg_url, customers=30, seed=4, today=TODAY)
    write_demo_company(tmp_path / "same.sqlite", customers=30, seed=4, today=TODAY)
    postgres, sqlite = (
        open_company(pg_url, clock=SystemClock()),
        open_company(tmp_path / "same.sqlite", clock=SystemClock()),
    )
    try:
        assert model_rows(postgres) == model_rows(sqlite)
        with postgres.sessions.begin() as session:
            for customer_id in session.scalars(select(Customer.id).limit(10)):
                items = balances.open_items(session, customer_id, TODAY)
                assert balances.balance(session, customer_id, TODAY) == sum(
                    (item.open_amount_accounting for item in items), D(0)
                )
            customer_id = session.scalars(select(Customer.id)).first()
            invoice = postings.post_invoice(
                session,
                customer_id=customer_id,
                amount=D("10"),
                posting_date=TODAY,
                now=NOW,
                currency="EUR",
                exchange_rate=D(1),
            )
            assert invoice.voucher == f"V-{stats.transactions + 1:08d}"
    finally:
        postgres.dispose()
        sqlite.dispose()


def test_open_database_errors_are_not_hidden(tmp_path: Path) -> None:
    with pytest.raises(DatabaseOpenError):
        write_demo_company(tmp_path / "missing-folder" / "d.sqlite", customers=1)
