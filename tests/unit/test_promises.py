"""Promises to pay: judged after their date plus the tolerance, once, with a follow-up task."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from collections_desktop.models.actions import promises
from collections_desktop.models.actions.promises import (
    PromiseError,
    PromiseEvaluation,
    evaluate_promises,
    promise_results,
    tolerance_days,
)
from collections_desktop.models.actions.status import change_status, status_history
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    CollectionStatusChange,
    CustomerTransaction,
    PromiseResult,
    ReceivablesParameters,
)
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.people.scope import company_scope
from tests.statements import statements as record_statements
from tests.unit.test_collection_status import add_employee
from tests.unit.test_snapshot import NOW, TODAY, add_customer, invoice

D = Decimal
MADE = dt.datetime(2026, 11, 10, 15, 30, tzinfo=dt.UTC)  # the call in which the promises were made


def nov(day: int) -> dt.date:
    return dt.date(2026, 11, day)


def promise(session, txn, amount: str, by: dt.date, made: dt.datetime = MADE) -> None:
    change_status(
        session, company_scope(session), [txn.id], "promised", made, changed_by_id=None,
        promise_date=by, promise_amount=amount, today=made.date(),
    )  # fmt: skip


def receive(session, customer, txn, amount: str, day: dt.date):
    """A payment of ``amount`` on ``day`` settled against ``txn`` the same day."""
    payment = postings.post_payment(
        session, customer_id=customer.id, amount=D(amount), posting_date=day, now=NOW
    )
    return settlements.settle(session, {txn.id: D(amount), payment.id: D(amount)}, day, NOW)


def counts(session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(table))
        for table in (PromiseResult, CollectionStatusChange, Activity)
    )


@pytest.fixture
def promised(any_db: Database):
    """Four invoices of Ruiz (responsible: Marta Soto) promised on 10 Nov; tolerance 3 days.

    kept:    500.00 by 17 Nov; 500.00 paid 19 Nov (inside 10..20 Nov).
    partial: 400.00 by 17 Nov; 50.00 paid 9 Nov (before the promise), 150.00 on 12 Nov,
             100.00 on 21 Nov (after 20 Nov): 150.00 counts.
    broken:  200.00 by 18 Nov (of 300.00); 200.00 paid on 12 Nov and reversed on 14 Nov.
    later:   250.00 by 20 Nov: judged only after 23 Nov.
    """
    session = any_db.sessions()
    ruiz = add_customer(session)
    soto = add_employee(session, "Marta Soto")
    ruiz.responsible_employee_id = soto.id
    kept = invoice(session, ruiz, "500.00", nov(1))
    partial = invoice(session, ruiz, "450.00", nov(2))
    broken = invoice(session, ruiz, "300.00", nov(3))
    later = invoice(session, ruiz, "250.00", nov(4))
    receive(session, ruiz, partial, "50.00", nov(9))
    promise(session, kept, "500.00", nov(17))
    promise(session, partial, "400.00", nov(17))
    promise(session, broken, "200.00", nov(18))
    promise(session, later, "250.00", nov(20))
    receive(session, ruiz, kept, "500.00", nov(19))
    receive(session, ruiz, partial, "150.00", nov(12))
    receive(session, ruiz, partial, "100.00", nov(21))
    taken = receive(session, ruiz, broken, "200.00", nov(12))
    settlements.reverse_settlement(session, taken.id, nov(14), NOW)
    session.commit()
    yield session, ruiz, soto, {"kept": kept, "partial": partial, "broken": broken, "later": later}
    session.close()


def test_promises_are_judged_kept_partial_and_broken(promised) -> None:
    session, ruiz, soto, txns = promised
    assert tolerance_days(session) == 3
    before = counts(session)
    result = evaluate_promises(session, TODAY, NOW)
    session.commit()
    assert (result.kept, result.partial, result.broken, result.evaluated) == (1, 1, 1, 3)
    assert len(result.result_ids) == 3
    assert len(result.activity_ids) == 2
    assert counts(session) == (before[0] + 3, before[1] + 3, before[2] + 2)

    session.expire_all()
    states = {
        name: (t.collection_status, t.promise_date, t.promise_amount, t.version, t.updated_at)
        for name, t in txns.items()
    }
    assert states == {
        "kept": ("none", None, None, 3, NOW),
        "partial": ("broken", nov(17), D("400.00"), 3, NOW),
        "broken": ("broken", nov(18), D("200.00"), 3, NOW),
        "later": ("promised", nov(20), D("250.00"), 2, MADE),  # 20 + 3 = 23 Nov: not yet
    }

    rows = {r.document_number: r for r in promise_results(session, ruiz.id)}
    doc = {name: t.document_number for name, t in txns.items()}
    assert {
        name: (r.outcome, r.outcome_name, r.promise_amount, r.paid_amount, r.promise_date)
        for name in ("kept", "partial", "broken")
        for r in [rows[doc[name]]]
    } == {
        "kept": ("kept", "Kept", D("500.00"), D("500.00"), nov(17)),
        "partial": ("partial", "Partly kept", D("400.00"), D("150.00"), nov(17)),
        "broken": ("broken", "Broken", D("200.00"), D("0.00"), nov(18)),
    }
    assert {r.evaluated_on for r in rows.values()} == {TODAY}
    assert rows[doc["kept"]].follow_up_number is None
    assert doc["later"] not in rows

    [kept_change, _made] = status_history(session, transaction_id=txns["kept"].id)
    assert (kept_change.from_status, kept_change.to_status, kept_change.changed_by) == (
        "promised",
        "none",
        None,
    )
    assert kept_change.note == "Promise kept: 500.00 of 500.00 paid by Nov 17, 2026."
    [partial_change, _made] = status_history(session, transaction_id=txns["partial"].id)
    assert (partial_change.to_status, partial_change.promise_amount) == ("broken", D("400.00"))
    assert partial_change.note == "Promise partly kept: 150.00 of 400.00 paid by Nov 17, 2026."
    [broken_change, _made] = status_history(session, transaction_id=txns["broken"].id)
    assert broken_change.note == "Promise broken: nothing of 200.00 paid by Nov 18, 2026."

    tasks = session.scalars(
        select(Activity).where(Activity.id.in_(result.activity_ids)).order_by(Activity.number)
    ).all()
    assert [(a.purpose, a.category, a.type, a.closed) for a in tasks] == [
        (
            f"Promise partly kept: {doc['partial']} 400.00 promised by Nov 17, 2026, 150.00 paid",
            "FOLLOWUP",
            "task",
            False,
        ),
        (
            f"Promise broken: {doc['broken']} 200.00 promised by Nov 18, 2026, 0.00 paid",
            "FOLLOWUP",
            "task",
            False,
        ),
    ]
    assert {(a.responsible_employee_id, a.customer_id) for a in tasks} == {(soto.id, ruiz.id)}
    assert {(a.start_at, a.end_at) for a in tasks} == {
        (NOW, dt.datetime(2026, 11, 23, 17, tzinfo=dt.UTC))
    }
    assert tasks[1].memo.startswith("Promised on Nov 10, 2026; payments from then to Nov 21, 2026")
    linked = {r.follow_up_activity_id for r in session.scalars(select(PromiseResult))}
    assert linked == {None, *result.activity_ids}
    assert {rows[doc[n]].follow_up_number for n in ("partial", "broken")} == {
        a.number for a in tasks
    }


def test_a_second_run_writes_nothing_new(promised) -> None:
    session, *_rest = promised
    evaluate_promises(session, TODAY, NOW)
    session.commit()
    before = counts(session)
    again = evaluate_promises(session, TODAY, NOW + dt.timedelta(hours=1))
    session.commit()
    assert again == PromiseEvaluation(TODAY, 0, 0, 0, (), ())
    assert counts(session) == before


def test_the_tolerance_boundary(promised) -> None:
    session, ruiz, _soto, txns = promised
    later = txns["later"]
    # 20 Nov + 3 days = 23 Nov: on that day a payment may still arrive; judged from the 24th.
    evaluate_promises(session, nov(23), NOW)
    session.commit()
    session.expire_all()
    assert later.collection_status == "promised"
    receive(session, ruiz, later, "250.00", nov(23))  # on the last day of the tolerance
    session.commit()
    result = evaluate_promises(session, nov(24), NOW + dt.timedelta(days=1))
    session.commit()
    assert (result.kept, result.partial, result.broken) == (1, 0, 0)
    session.expire_all()
    assert later.collection_status == "none"
    [row] = [r for r in promise_results(session, ruiz.id) if r.transaction_id == later.id]
    assert (row.paid_amount, row.evaluated_on) == (D("250.00"), nov(24))


def test_the_tolerance_comes_from_the_receivables_parameters(promised) -> None:
    session, _ruiz, _soto, txns = promised
    session.execute(ReceivablesParameters.__table__.update().values(promise_tolerance_days=0))
    session.commit()
    assert tolerance_days(session) == 0
    # No tolerance: the 20 Nov promise is due on the 21st, and the payment of the kept
    # promise on 19 Nov (after 17 Nov) no longer counts.
    result = evaluate_promises(session, nov(21), NOW)
    session.commit()
    assert (result.kept, result.partial, result.broken) == (0, 1, 3)
    session.expire_all()
    assert {t.collection_status for t in txns.values()} == {"broken"}


def test_no_responsible_employee_no_task_but_a_result(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = add_customer(session)
        txn = invoice(session, customer, "90.00", nov(1))
        promise(session, txn, "90.00", nov(15))
        session.commit()
        result = evaluate_promises(session, TODAY, NOW)
        session.commit()
        assert (result.broken, result.activity_ids) == (1, ())
        [row] = promise_results(session, customer.id)
        assert (row.outcome, row.paid_amount, row.follow_up_number) == ("broken", D("0"), None)
        assert session.scalar(select(func.count()).select_from(Activity)) == 0


def test_only_the_latest_promise_is_judged(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        txn = invoice(session, customer, "300.00", nov(1))
        promise(session, txn, "300.00", nov(12), made=dt.datetime(2026, 11, 5, 9, tzinfo=dt.UTC))
        # Renewed on 12 Nov: 100.00 by 16 Nov. The 100.00 paid on 11 Nov was before it.
        receive(session, customer, txn, "100.00", nov(11))
        promise(session, txn, "100.00", nov(16), made=dt.datetime(2026, 11, 12, 9, tzinfo=dt.UTC))
        receive(session, customer, txn, "60.00", nov(18))
        session.commit()
        result = evaluate_promises(session, TODAY, NOW)
        session.commit()
        assert (result.kept, result.partial, result.broken) == (0, 1, 0)
        [row] = promise_results(session, customer.id)
        assert (row.promise_amount, row.paid_amount, row.promise_date) == (
            D("100.00"),
            D("60.00"),
            nov(16),
        )
        latest = session.scalar(
            select(CollectionStatusChange.id)
            .where(CollectionStatusChange.to_status == "promised")
            .order_by(CollectionStatusChange.changed_at.desc())
            .limit(1)
        )
        assert session.scalar(select(PromiseResult.promise_change_id)) == latest


def test_a_promised_item_without_a_recorded_promise_is_left_alone(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        txn = invoice(session, customer, "90.00", nov(1))
        txn.collection_status, txn.promise_date, txn.promise_amount = "promised", nov(2), D(90)
        session.commit()
        result = evaluate_promises(session, TODAY, NOW)
        assert (result.evaluated, result.unrecorded) == (0, 1)
        assert counts(session) == (0, 0, 0)


def test_the_statements_do_not_grow_with_the_promises(sqlite_db: Database) -> None:
    """Nothing due: two statements (tolerance, due promises); many due: the same as few."""
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        customer.responsible_employee_id = add_employee(session).id
        for _ in range(50):  # not promised: never read
            invoice(session, customer, "10.00", nov(1))
        session.commit()

        def statements(as_of: dt.date) -> int:
            seen, stop = record_statements(session.get_bind())
            try:
                evaluate_promises(session, as_of, NOW)
            finally:
                stop()
            session.rollback()
            return len(seen)

        assert statements(TODAY) == 2
        few = [invoice(session, customer, "20.00", nov(1)) for _ in range(3)]
        for txn in few:
            promise(session, txn, "20.00", nov(12))
        session.commit()
        with_few = statements(TODAY)
        for _ in range(30):
            promise(session, invoice(session, customer, "20.00", nov(1)), "20.00", nov(12))
        session.commit()
        assert statements(TODAY) == with_few
        result = evaluate_promises(session, TODAY, NOW)
        assert (result.broken, len(result.activity_ids)) == (33, 33)


def test_due_promises_are_found_through_status_and_date(sqlite_db: Database) -> None:
    """The statement that finds due promises filters on status and date only (an index fits)."""
    with sqlite_db.sessions() as session:
        seen, stop = record_statements(session.get_bind())
        try:
            evaluate_promises(session, TODAY, NOW)
        finally:
            stop()
        due = seen[-1]
        where = due.split("WHERE", 1)[1]
        assert "customer_transactions.collection_status = " in where
        assert "customer_transactions.promise_date < " in where
        assert "settlement_lines" not in due
        assert CustomerTransaction.__tablename__ in due


@pytest.mark.postgres
def test_a_status_changed_while_judging_is_not_overwritten(pg_db: Database, monkeypatch) -> None:
    with pg_db.sessions() as session, pg_db.sessions() as collector:
        customer = add_customer(session)
        txn = invoice(session, customer, "90.00", nov(1))
        promise(session, txn, "90.00", nov(15))
        session.commit()
        found = promises._due_promises

        def due_then_changed(*args):
            rows = found(*args)
            change_status(
                collector, company_scope(collector), [txn.id], "legal", NOW,
                changed_by_id=None, today=TODAY,
            )  # fmt: skip
            collector.commit()
            return rows

        monkeypatch.setattr(promises, "_due_promises", due_then_changed)
        with pytest.raises(PromiseError, match="changed while they were being judged"):
            evaluate_promises(session, TODAY, NOW)
        session.rollback()
        assert counts(session) == (0, 2, 0)  # the promise and the collector's change
        session.expire_all()
        assert (txn.collection_status, txn.version) == ("legal", 3)
