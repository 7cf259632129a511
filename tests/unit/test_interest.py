"""Interest on overdue invoices: the figures of both methods, the notes posted, and their rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from collections_desktop.models.actions.interest import (
    InterestError,
    InterestRule,
    RateLine,
    calculate_interest,
)
from collections_desktop.models.actions.interest_notes import (
    create_interest_notes,
    interest_notes,
    run_interest_notes,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CustomerTransaction,
    InterestCode,
    InterestCodeLine,
    InterestNote,
    InterestNoteLine,
    Journal,
    JournalLine,
    TransactionType,
)
from collections_desktop.models.ledger import balances, settlements
from collections_desktop.models.ledger.journals import journal_rows
from collections_desktop.models.people.scope import company_scope, load_scope
from tests.unit.test_nsf import NOW, add_customer, post
from tests.unit.test_scope import add_agent, add_pool

D = Decimal
DUE = dt.date(2026, 9, 24)
DAY_60 = dt.date(2026, 11, 23)
DAY_90 = dt.date(2026, 12, 23)


def invoice(session, customer, amount: str, due: dt.date = DUE, **fields):
    return post(session, customer, TransactionType.INVOICE, amount, due - dt.timedelta(days=30),
                due_date=due, **fields)  # fmt: skip


def add_interval_code(session, code: str = "INT30", grace: int = 0, fee: str = "0") -> None:
    """Interval method, 30-day intervals: 1% per started interval up to day 60, 1.5% after."""
    row = InterestCode(
        code=code, name="Per started month", method="interval", interval_days=30,
        grace_days=grace, fee=D(fee), interest_account="763100", fee_account="758100",
        updated_at=NOW,
    )  # fmt: skip
    session.add(row)
    session.flush()
    session.add_all(
        InterestCodeLine(interest_code_id=row.id, position=n, from_days=low, to_days=high,
                         rate=D(rate), updated_at=NOW)
        for n, (low, high, rate) in enumerate(((1, 60, "1"), (61, None, "1.5")), 1)
    )  # fmt: skip
    session.flush()


def proposed(session, as_of: dt.date, customer) -> list[tuple]:
    notes = calculate_interest(session, company_scope(session), as_of, customer_ids=[customer.id])
    return [
        (line.invoice_document, line.from_date, line.to_date, line.days, line.interest)
        for note in notes
        for line in note.lines
    ]


STD = InterestRule("STD", "range", 30, 5, D(5), "763000", "758100",
                   (RateLine(1, 60, D(1)), RateLine(61, None, D("1.5"))))  # fmt: skip
INT30 = InterestRule("INT30", "interval", 30, 0, D(0), "763100", "758100",
                     (RateLine(1, 60, D(1)), RateLine(61, None, D("1.5"))))  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "first", "last", "interest", "rates"),
    [
        (STD, 1, 60, "20", ("1",)),  # 1000 × 1% × 60/30
        (STD, 1, 90, "35", ("1", "1.5")),  # 20 + 1000 × 1.5% × 30/30
        (STD, 61, 90, "15", ("1.5",)),  # a later note: only the second range
        (STD, 1, 6, "2", ("1",)),
        (INT30, 1, 10, "10", ("1",)),  # one started interval
        (INT30, 1, 60, "20", ("1",)),  # intervals starting on days 1 and 31
        (INT30, 1, 61, "35", ("1", "1.5")),  # and the one starting on day 61
        (INT30, 11, 45, "10", ("1",)),  # only the interval starting on day 31
        (INT30, 46, 61, "15", ("1.5",)),  # only the interval starting on day 61
        (INT30, 32, 60, "0", ()),  # no interval starts in the period
    ],
)
def test_the_rule_for_both_methods(rule, first, last, interest, rates) -> None:
    exact, applied = rule.interest(D("1000.00"), first, last)
    assert exact == D(interest)
    assert applied == tuple(D(r) for r in rates)


def test_a_note_at_60_days_then_one_at_90(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = add_customer(session, interest_code="STD")
        inv = invoice(session, customer, "1000.00")
        session.commit()
        scope = company_scope(session)
        assert proposed(session, DAY_60, customer) == [
            (inv.document_number, DUE, DAY_60, 60, D("20.00"))
        ]
        (note,) = calculate_interest(session, scope, DAY_60, customer_ids=[customer.id])
        assert (note.interest, note.fee, note.total) == (D("20.00"), D("5.00"), D("25.00"))
        assert calculate_interest(session, scope, DAY_90, customer_ids=[customer.id])[
            0
        ].interest == D("35.00")

        numbers = create_interest_notes(session, scope, DAY_60, NOW, created_by_id=None)
        session.commit()
        assert numbers == ["INT-0000001"]
        stored = session.scalars(select(InterestNote)).one()
        assert (stored.note_date, stored.interest, stored.fee, stored.currency) == (
            DAY_60,
            D("20.00"),
            D("5.00"),
            "EUR",
        )
        charges = session.scalars(
            select(CustomerTransaction)
            .where(CustomerTransaction.document_number == "INT-0000001")
            .order_by(CustomerTransaction.voucher)
        ).all()
        assert [(c.type, c.amount, c.due_date) for c in charges] == [
            ("interest_note", D("20.00"), DAY_60),
            ("fee", D("5.00"), DAY_60),
        ]
        assert inv.document_number in charges[0].description
        assert stored.fee_transaction_id == charges[1].id
        line = session.scalars(select(InterestNoteLine)).one()
        assert (line.from_date, line.to_date, line.days, line.base_amount, line.interest) == (
            DUE,
            DAY_60,
            60,
            D("1000.00"),
            D("20.00"),
        )
        rows = journal_rows(session, stored.journal_id)
        assert [(r.type, r.account_type, r.account, r.amount) for r in rows] == [
            ("interest", "customer", customer.account, D("20.00")),
            ("interest", "ledger", "763000", D("-20.00")),
            ("interest", "customer", customer.account, D("5.00")),
            ("interest", "ledger", "758100", D("-5.00")),
        ]
        assert session.scalar(select(func.sum(JournalLine.amount))) == 0
        assert session.scalar(select(func.sum(JournalLine.amount_accounting))) == 0
        assert balances.balance(session, customer.id, DAY_60) == D("1025.00")

        # The same day again: the period is covered, nothing new.
        assert create_interest_notes(session, scope, DAY_60, NOW, created_by_id=None) == []
        assert session.scalar(select(func.count()).select_from(InterestNote)) == 1

        # 30 days later: only the new period, at the second range's rate.
        assert proposed(session, DAY_90, customer) == [
            (inv.document_number, DAY_60, DAY_90, 30, D("15.00"))
        ]
        assert create_interest_notes(session, scope, DAY_90, NOW, created_by_id=None) == [
            "INT-0000002"
        ]
        session.commit()
        total_interest = session.scalar(
            select(func.sum(CustomerTransaction.amount)).where(
                CustomerTransaction.type == TransactionType.INTEREST_NOTE
            )
        )
        assert total_interest == D("35.00")  # the same as one note at 90 days
        assert balances.balance(session, customer.id, DAY_90) == D(
            "1045.00"
        )  # 1000 + 20 + 5 + 15 + 5
        assert session.scalar(select(func.count()).select_from(Journal)) == 2

        listed = interest_notes(session, customer.id)
        assert [(n.number, n.interest, n.fee, n.fee_open) for n in listed] == [
            ("INT-0000002", D("15.00"), D("5.00"), D("5.00")),
            ("INT-0000001", D("20.00"), D("5.00"), D("5.00")),
        ]
        first_line = listed[1].lines[0]
        assert (first_line.invoice_document, first_line.days, first_line.open_amount) == (
            inv.document_number,
            60,
            D("20.00"),
        )
        assert (first_line.state, listed[1].fee_state) == ("active", "active")


def test_grace_base_rounding_and_invoices_that_bear_no_interest(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session, interest_code="STD")
        five = invoice(session, customer, "1000.00", DAY_60 - dt.timedelta(days=5))
        six = invoice(session, customer, "1000.00", DAY_60 - dt.timedelta(days=6))
        odd = invoice(session, customer, "333.33", DAY_60 - dt.timedelta(days=7))
        paid = invoice(session, customer, "1000.00")
        part = post(session, customer, TransactionType.PAYMENT, "400.00", dt.date(2026, 10, 1))
        settlements.settle(
            session, {paid.id: D("400"), part.id: D("400")}, dt.date(2026, 10, 1), NOW
        )
        invoice(session, customer, "500.00", DAY_60)  # due today: not overdue
        post(session, customer, TransactionType.FEE, "25.00", dt.date(2026, 9, 1))  # no interest
        plain = add_customer(session)  # no interest code: skipped
        invoice(session, plain, "1000.00")
        session.commit()
        got = {doc: amount for doc, _f, _t, _d, amount in proposed(session, DAY_60, customer)}
        assert five.document_number not in got  # 5 days: within the grace days
        assert got == {
            six.document_number: D("2.00"),  # 1000 × 1% × 6/30
            odd.document_number: D("0.78"),  # 333.33 × 1% × 7/30 = 0.77777 → 0.78
            paid.document_number: D("12.00"),  # on the 600.00 still open
        }
        assert proposed(session, DAY_60, plain) == []
        scope = company_scope(session)
        assert [n.account for n in calculate_interest(session, scope, DAY_60)] == [customer.account]


def test_interval_method_in_three_notes(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        add_interval_code(session)
        customer = add_customer(session, interest_code="INT30")
        inv = invoice(session, customer, "1000.00")
        session.commit()
        scope = company_scope(session)
        got = []
        for day in (10, 45, 61):
            as_of = DUE + dt.timedelta(days=day)
            got += proposed(session, as_of, customer)
            create_interest_notes(session, scope, as_of, NOW, created_by_id=None)
        assert [(start, end, days, amount) for _doc, start, end, days, amount in got] == [
            (DUE, DUE + dt.timedelta(days=10), 10, D("10.00")),
            (DUE + dt.timedelta(days=10), DUE + dt.timedelta(days=45), 35, D("10.00")),
            (DUE + dt.timedelta(days=45), DUE + dt.timedelta(days=61), 16, D("15.00")),
        ]
        assert session.scalar(select(func.sum(InterestNote.interest))) == D("35.00")
        assert session.scalar(select(func.sum(InterestNote.fee))) == 0
        assert session.scalar(select(func.count()).select_from(CustomerTransaction).where(
            CustomerTransaction.type == TransactionType.FEE)) == 0  # fmt: skip
        assert balances.open_amount(session, inv.id, DAY_90) == D("1000.00")


def test_foreign_currency_interest_has_no_fee_and_keeps_the_invoice_rate(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session, currency="USD", interest_code="STD")
        invoice(session, customer, "1000.00", exchange_rate=D("0.9"))
        session.commit()
        scope = company_scope(session)
        (note,) = calculate_interest(session, scope, DAY_60)
        assert (note.currency, note.interest, note.fee) == ("USD", D("20.00"), 0)
        create_interest_notes(session, scope, DAY_60, NOW, created_by_id=None)
        charge = session.scalars(
            select(CustomerTransaction).where(
                CustomerTransaction.type == TransactionType.INTEREST_NOTE
            )
        ).one()
        assert (charge.currency, charge.amount, charge.amount_accounting) == (
            "USD",
            D("20.00"),
            D("18.00"),
        )
        note_row = session.scalars(select(InterestNote)).one()
        rows = journal_rows(session, note_row.journal_id)
        assert [(r.account, r.currency, r.amount, r.amount_accounting) for r in rows] == [
            (customer.account, "USD", D("20.00"), D("18.00")),
            ("763000", "USD", D("-20.00"), D("-18.00")),
        ]


def test_pools_and_scope(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        spain = add_customer(session, country="ES", interest_code="STD")
        france = add_customer(session, country="FR", interest_code="STD")
        invoice(session, spain, "1000.00")
        invoice(session, france, "500.00")
        iberia = add_pool(session, ["ES"])
        scope = load_scope(session, add_agent(session, [iberia]))
        session.commit()
        assert [n.account for n in calculate_interest(session, scope, DAY_60)] == [spain.account]
        assert [
            n.account for n in calculate_interest(session, scope, DAY_60, pool_id=iberia.id)
        ] == [spain.account]
        with pytest.raises(InterestError, match="not in your pools"):
            create_interest_notes(
                session, scope, DAY_60, NOW, customer_ids=[france.id], created_by_id=None
            )
        assert session.scalar(select(func.count()).select_from(InterestNote)) == 0
        assert create_interest_notes(
            session, scope, DAY_60, NOW, pool_id=iberia.id, created_by_id=None
        ) == ["INT-0000001"]


def test_a_run_posts_a_few_customers_per_transaction_and_once(any_db: Database) -> None:
    """Five customers two per transaction: three commits, each note once, numbered in
    order; run again, nothing more."""
    with any_db.sessions() as session:
        customers = [add_customer(session, interest_code="STD") for _n in range(5)]
        for customer in customers:
            invoice(session, customer, "1000.00")
        session.commit()
        scope = company_scope(session)
    commits: list[int] = []

    def counted(_session: Session) -> None:
        commits.append(1)

    event.listen(Session, "after_commit", counted)
    try:
        numbers = run_interest_notes(
            any_db, scope, DAY_60, NOW, created_by_id=None, customers_per_transaction=2
        )
    finally:
        event.remove(Session, "after_commit", counted)
    assert numbers == [f"INT-000000{n}" for n in range(1, 6)]
    assert len(commits) == 3
    with any_db.sessions() as session:
        notes = session.scalars(select(InterestNote.customer_id)).all()
        assert sorted(notes) == sorted(c.id for c in customers)
        assert session.scalar(select(func.sum(InterestNote.interest))) == D("100.00")
    assert run_interest_notes(any_db, scope, DAY_60, NOW, created_by_id=None) == []


def test_a_run_that_fails_midway_leaves_whole_customers_posted(
    sqlite_db: Database, monkeypatch
) -> None:
    """The second transaction fails: the first one's notes stay, and were told to the
    caller; run again, the rest are posted and nothing twice."""
    from collections_desktop.models.actions import interest_notes as module

    with sqlite_db.sessions() as session:
        customers = [add_customer(session, interest_code="STD") for _n in range(4)]
        for customer in customers:
            invoice(session, customer, "1000.00")
        session.commit()
        scope = company_scope(session)
    real = module.create_interest_notes
    calls: list[int] = []

    def failing_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "create_interest_notes", failing_second)
    told: list[str] = []
    with pytest.raises(OSError, match="disk full"):
        run_interest_notes(
            sqlite_db, scope, DAY_60, NOW, created_by_id=None,
            customers_per_transaction=2, committed=told.extend,
        )  # fmt: skip
    assert told == ["INT-0000001", "INT-0000002"]
    with sqlite_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InterestNote)) == 2
    monkeypatch.setattr(module, "create_interest_notes", real)
    assert len(run_interest_notes(sqlite_db, scope, DAY_60, NOW, created_by_id=None)) == 2
    with sqlite_db.sessions() as session:
        notes = session.scalars(select(InterestNote.customer_id)).all()
        assert sorted(notes) == sorted(c.id for c in customers)
