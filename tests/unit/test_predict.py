"""Predicted pay dates on a small ledger: a slow payer and a prompt one, an overdue invoice,
exact expected late amounts, one customer predicted again alone, and the snapshot's run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from collections_desktop.models.aging.snapshot import snapshot_customers
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer, InvoicePrediction
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.predict.store import predict_open_invoices

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
TODAY = NOW.date()


def customer(session, account: str) -> Customer:
    made = Customer(account=account, name=account, currency="EUR", updated_at=NOW)
    session.add(made)
    session.flush()
    return made


def invoice(session, who: Customer, issued: dt.date, amount: str = "100.00"):
    return postings.post_invoice(
        session,
        customer_id=who.id,
        amount=D(amount),
        posting_date=issued,
        due_date=issued + dt.timedelta(days=30),
        now=NOW,
    )


def pay(session, who: Customer, item, day: dt.date, amount: str | None = None) -> None:
    paid = D(amount) if amount else item.amount
    payment = postings.post_payment(
        session, customer_id=who.id, amount=paid, posting_date=day, now=NOW
    )
    settlements.settle(session, {item.id: paid, payment.id: paid}, day, NOW)


def history(session, who: Customer, days_late: int) -> None:
    """Twelve invoices of the last year, each paid ``days_late`` days after its due date."""
    for month in range(12):
        issued = dt.date(2025, 9, 1) + dt.timedelta(days=28 * month)
        item = invoice(session, who, issued)
        pay(session, who, item, item.due_date + dt.timedelta(days=days_late))


def stored(session) -> dict[str, InvoicePrediction]:
    rows = session.execute(
        select(Customer.account, InvoicePrediction).join(
            Customer, Customer.id == InvoicePrediction.customer_id
        )
    ).all()
    return {account: prediction for account, prediction in rows}


def test_a_slow_payer_is_predicted_late_and_a_prompt_one_on_time(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        slow, prompt = customer(session, "SLOW"), customer(session, "PROMPT")
        history(session, slow, 40)
        history(session, prompt, 0)
        slow_open = invoice(session, slow, dt.date(2026, 11, 10), "1234.56")
        pay(session, slow, slow_open, dt.date(2026, 11, 20), "234.56")  # 1,000.00 left
        invoice(session, prompt, dt.date(2026, 11, 10), "500.00")
        run = predict_open_invoices(session, TODAY, NOW)
    assert (run.predicted, run.customers, run.learned_from) == (2, 2, 24)
    with sqlite_db.sessions() as session:
        found = stored(session)
    due = dt.date(2026, 12, 10)
    late, on_time = found["SLOW"], found["PROMPT"]
    assert due + dt.timedelta(days=30) <= late.predicted_date <= due + dt.timedelta(days=45)
    assert due - dt.timedelta(days=3) <= on_time.predicted_date <= due + dt.timedelta(days=5)
    assert late.late_chance > 5_000 > 2_000 > on_time.late_chance
    assert 30 <= late.usual_delay_days <= 40
    assert on_time.usual_delay_days <= 10
    assert late.open_amount == D("1000.00")
    assert on_time.open_amount == D("500.00")
    assert late.expected_late == (D("1000.00") * late.late_chance / 10_000).quantize(D("0.01"))
    assert on_time.expected_late == (D("500.00") * on_time.late_chance / 10_000).quantize(D("0.01"))
    assert (late.as_of, late.disputed) == (TODAY, False)


def test_an_invoice_already_more_than_15_days_late_is_certain_to_be_paid_late(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions.begin() as session:
        prompt = customer(session, "PROMPT")
        history(session, prompt, 0)
        invoice(session, prompt, dt.date(2026, 9, 1))  # due 1 Oct: 53 days late today
        predict_open_invoices(session, TODAY, NOW)
    with sqlite_db.sessions() as session:
        overdue = stored(session)["PROMPT"]
    assert overdue.late_chance == 10_000
    assert overdue.expected_late == D("100.00")
    assert overdue.predicted_date >= TODAY  # still open: it cannot have been paid before


def test_one_customer_is_predicted_again_alone_and_a_snapshots_customers_all(
    sqlite_db: Database,
) -> None:
    later = NOW + dt.timedelta(hours=2)
    with sqlite_db.sessions.begin() as session:
        slow, prompt = customer(session, "SLOW"), customer(session, "PROMPT")
        history(session, slow, 40)
        history(session, prompt, 0)
        invoice(session, slow, dt.date(2026, 11, 10))
        invoice(session, prompt, dt.date(2026, 11, 10))
        predict_open_invoices(session, TODAY, NOW)
        predict_open_invoices(session, TODAY, later, [slow.id])
        again = stored(session)
        assert (again["SLOW"].created_at, again["PROMPT"].created_at) == (later, NOW)
        session.execute(InvoicePrediction.__table__.delete())
        # After a snapshot, its customers are predicted: here the whole company's.
        where = snapshot_customers(company_scope(session), TODAY)
        run = predict_open_invoices(session, TODAY, later, where=where)
        assert (run.predicted, run.customers) == (2, 2)
        assert set(stored(session)) == {"SLOW", "PROMPT"}


def test_no_history_leaves_no_prediction(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        invoice(session, customer(session, "NEW"), dt.date(2026, 11, 10))
        run = predict_open_invoices(session, TODAY, NOW)
        assert (run.predicted, run.learned_from) == (0, 0)
        assert stored(session) == {}


def test_the_worklist_orders_customers_by_expected_late_amount_summed_exactly(
    sqlite_db: Database,
) -> None:
    from collections_desktop.models.screens.overview import expected_late_customers

    with sqlite_db.sessions.begin() as session:
        slow, prompt, middle = (customer(session, a) for a in ("SLOW", "PROMPT", "MIDDLE"))
        history(session, slow, 40)
        history(session, prompt, 0)
        history(session, middle, 20)
        for who, amount in ((slow, "100.00"), (prompt, "5000.00"), (middle, "333.33")):
            invoice(session, who, dt.date(2026, 11, 10), amount)
            invoice(session, who, dt.date(2026, 11, 12), amount)
        predict_open_invoices(session, TODAY, NOW)
    with sqlite_db.sessions() as session:
        rows, total = expected_late_customers(session, company_scope(session), as_of=TODAY)
        stored = session.execute(
            select(InvoicePrediction.customer_id, InvoicePrediction.expected_late)
        ).all()
    by_customer: dict = {}
    for customer_id, amount in stored:
        by_customer[customer_id] = by_customer.get(customer_id, D(0)) + amount
    listed = {c: amount for c, amount in by_customer.items() if amount > 0}
    assert [r.expected_late for r in rows] == sorted(listed.values(), reverse=True)
    assert {r.customer_id: r.expected_late for r in rows} == listed
    assert total == sum(by_customer.values())
    assert [r.open_amount for r in rows if r.account == "MIDDLE"] == [D("666.66")]
    assert next(r for r in rows if r.account == "SLOW").likely_late == 2
    assert "PROMPT" not in {r.account for r in rows}  # nothing expected late: not listed


def test_settling_an_invoice_takes_its_prediction_away(sqlite_db: Database) -> None:
    """The worklist sums the predictions as they stand: an invoice paid in full leaves it;
    one paid in part keeps its prediction until the next run."""
    with sqlite_db.sessions.begin() as session:
        slow = customer(session, "SLOW")
        history(session, slow, 40)
        whole = invoice(session, slow, dt.date(2026, 11, 10), "100.00")
        part = invoice(session, slow, dt.date(2026, 11, 12), "300.00")
        predict_open_invoices(session, TODAY, NOW)
        assert len(stored_rows(session)) == 2
        pay(session, slow, whole, TODAY)
        pay(session, slow, part, TODAY, "100.00")
        assert [row.transaction_id for row in stored_rows(session)] == [part.id]


def stored_rows(session) -> list[InvoicePrediction]:
    return list(session.scalars(select(InvoicePrediction)))
