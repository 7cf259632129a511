"""Collection status: changed for one customer's items in one go, refused with reasons, history."""

from __future__ import annotations

import datetime as dt
import itertools
import textwrap
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from collections_desktop.models.actions.status import (
    COLLECTION_STATUS_NAMES,
    CollectionStatusError,
    apply_change,
    change_status,
    status_history,
    status_label,
    status_name,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CollectionStatus,
    CollectionStatusChange,
    Employee,
)
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.people.scope import company_scope, load_scope
from tests.racing import said_at_once
from tests.unit.test_overview import add_pool, employee_id
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer, invoice, pay

D = Decimal
LATER = NOW + dt.timedelta(hours=1)
_numbers = itertools.count(1)


def add_employee(session, name: str = "Marta Soto") -> Employee:
    employee = Employee(number=f"E-CS{next(_numbers)}", name=name, updated_at=NOW)
    session.add(employee)
    session.flush()
    return employee


def part_pay(session, customer, txn, amount: str, day: dt.date) -> None:
    payment = postings.post_payment(
        session, customer_id=customer.id, amount=D(amount), posting_date=day, now=NOW
    )
    settlements.settle(session, {txn.id: D(amount), payment.id: D(amount)}, day, NOW)


@pytest.fixture
def books(request: pytest.FixtureRequest):
    """A Spanish customer: INV a 500.00 due 1 Oct (200.00 paid), INV b 300.00 due 1 Nov, a payment.

    Open on 23 Nov: a 300.00, b 300.00 (600.00 together); the payment of 50.00 is a credit.
    Another Spanish customer has an invoice of 80.00; a paid invoice of 120.00 is closed.
    On SQLite, and on PostgreSQL too where a test says ``@ON_BOTH``.
    """
    database: Database = request.getfixturevalue(getattr(request, "param", "sqlite_db"))
    session = database.sessions()
    customer = add_customer(session)
    a = invoice(session, customer, "500.00", dt.date(2026, 10, 1))
    part_pay(session, customer, a, "200.00", dt.date(2026, 10, 20))
    b = invoice(session, customer, "300.00", dt.date(2026, 11, 1))
    paid = invoice(session, customer, "120.00", dt.date(2026, 9, 1))
    pay(session, customer, paid, dt.date(2026, 9, 1))
    payment = postings.post_payment(
        session, customer_id=customer.id, amount=D("50.00"), posting_date=TODAY, now=NOW
    )
    other = add_customer(session)
    foreign = invoice(session, other, "80.00", dt.date(2026, 11, 10))
    soto = add_employee(session)
    session.commit()
    yield session, customer, a, b, paid, payment, foreign, soto
    session.close()


ON_BOTH = pytest.mark.parametrize(
    "books", ["sqlite_db", pytest.param("pg_db", marks=pytest.mark.postgres)], indirect=True
)


def history_count(session) -> int:
    return session.scalar(select(func.count()).select_from(CollectionStatusChange))


def state(session, *txns) -> list[tuple]:
    session.expire_all()
    return [
        (t.collection_status, t.promise_date, t.promise_amount, t.version, t.updated_at)
        for t in txns
    ]


@ON_BOTH
def test_dispute_two_invoices_in_one_go(books) -> None:
    session, customer, a, b, _paid, _payment, _foreign, soto = books
    result = change_status(
        session,
        company_scope(session),
        [b.id, a.id],
        CollectionStatus.DISPUTED,
        LATER,
        changed_by_id=soto.id,
        note="  Goods arrived damaged  ",
        today=TODAY,
    )
    session.commit()
    assert result.customer_id == customer.id
    assert result.count == 2
    # Oldest due date first: a (1 Oct) before b (1 Nov).
    assert [(c.document_number, c.from_status, c.to_status) for c in result.changes] == [
        (a.document_number, "none", "disputed"),
        (b.document_number, "none", "disputed"),
    ]
    assert state(session, a, b) == [("disputed", None, None, 2, LATER)] * 2
    rows = status_history(session, customer_id=customer.id)
    assert [(r.document_number, r.from_status, r.to_status) for r in rows] == [
        (a.document_number, "none", "disputed"),
        (b.document_number, "none", "disputed"),
    ]
    assert {(r.changed_by, r.changed_at, r.note) for r in rows} == {
        ("Marta Soto", LATER, "Goods arrived damaged")
    }
    assert (rows[0].from_name, rows[0].to_name) == ("No status", "Disputed")
    assert {r.id for r in rows} == {c.change_id for c in result.changes}


@ON_BOTH
def test_a_promise_is_spread_oldest_due_first(books) -> None:
    session, _customer, a, b, _paid, _payment, _foreign, soto = books
    promised_by = dt.date(2026, 11, 30)
    result = change_status(
        session,
        company_scope(session),
        [a.id, b.id],
        CollectionStatus.PROMISED,
        LATER,
        changed_by_id=soto.id,
        promise_date=promised_by,
        promise_amount="450.00",
        today=TODAY,
    )
    session.commit()
    # 450.00 over a (300.00 open) and b (300.00 open): a takes 300.00, b the other 150.00.
    assert [(c.document_number, c.promise_amount) for c in result.changes] == [
        (a.document_number, D("300.00")),
        (b.document_number, D("150.00")),
    ]
    assert state(session, a, b) == [
        ("promised", promised_by, D("300.00"), 2, LATER),
        ("promised", promised_by, D("150.00"), 2, LATER),
    ]
    rows = status_history(session, transaction_id=b.id)
    assert [(r.to_status, r.promise_date, r.promise_amount, r.currency) for r in rows] == [
        ("promised", promised_by, D("150.00"), "EUR")
    ]


def test_a_promise_of_all_that_is_open_due_today_is_accepted(books) -> None:
    session, _customer, a, b, _paid, _payment, _foreign, _soto = books
    change_status(
        session,
        company_scope(session),
        [a.id, b.id],
        "promised",
        LATER,
        changed_by_id=None,
        promise_date=TODAY,
        promise_amount=D("600.00"),
        today=TODAY,
    )
    session.commit()
    assert state(session, a, b) == [
        ("promised", TODAY, D("300.00"), 2, LATER),
        ("promised", TODAY, D("300.00"), 2, LATER),
    ]
    [row] = status_history(session, transaction_id=a.id)
    assert row.changed_by is None  # no employee given


def test_a_promise_may_be_replaced_by_another_but_not_repeated(books) -> None:
    session, _customer, a, _b, _paid, _payment, _foreign, soto = books
    scope = company_scope(session)
    values = {"changed_by_id": soto.id, "today": TODAY}
    change_status(
        session, scope, [a.id], "promised", NOW, promise_date=TODAY,
        promise_amount="100.00", **values,
    )  # fmt: skip
    change_status(
        session, scope, [a.id], "promised", LATER,
        promise_date=dt.date(2026, 12, 4), promise_amount="100.00", note="Needs a week", **values,
    )  # fmt: skip
    session.commit()
    with pytest.raises(CollectionStatusError, match="already “Promised to pay”"):
        change_status(
            session, scope, [a.id], "promised", LATER + dt.timedelta(hours=1),
            promise_date=dt.date(2026, 12, 4), promise_amount="100", **values,
        )  # fmt: skip
    session.rollback()
    assert state(session, a) == [("promised", dt.date(2026, 12, 4), D("100.00"), 3, LATER)]
    rows = status_history(session, transaction_id=a.id)
    assert [(r.from_status, r.to_status, r.promise_date, r.note) for r in rows] == [
        ("promised", "promised", dt.date(2026, 12, 4), "Needs a week"),
        ("none", "promised", TODAY, None),
    ]


@ON_BOTH
def test_broken_keeps_the_promise_and_none_clears_it(books) -> None:
    session, _customer, a, _b, _paid, _payment, _foreign, soto = books
    scope = company_scope(session)
    change_status(
        session, scope, [a.id], "promised", NOW, changed_by_id=soto.id,
        promise_date=dt.date(2026, 11, 25), promise_amount="120.50", today=TODAY,
    )  # fmt: skip
    change_status(session, scope, [a.id], "broken", LATER, changed_by_id=soto.id, today=TODAY)
    assert state(session, a) == [("broken", dt.date(2026, 11, 25), D("120.50"), 3, LATER)]
    later = LATER + dt.timedelta(days=1)
    change_status(session, scope, [a.id], "legal", later, changed_by_id=soto.id, today=TODAY)
    session.commit()
    assert state(session, a) == [("legal", None, None, 4, later)]
    rows = status_history(session, transaction_id=a.id)
    assert [(r.to_status, r.promise_date, r.promise_amount) for r in rows] == [
        ("legal", None, None),
        ("broken", dt.date(2026, 11, 25), D("120.50")),
        ("promised", dt.date(2026, 11, 25), D("120.50")),
    ]


def test_a_credit_may_take_other_statuses(books) -> None:
    session, _customer, _a, _b, _paid, payment, _foreign, _soto = books
    change_status(
        session, company_scope(session), [payment.id], "legal", LATER,
        changed_by_id=None, today=TODAY,
    )  # fmt: skip
    session.commit()
    assert state(session, payment)[0][:2] == ("legal", None)


def test_an_agent_changes_the_status_inside_the_pools(books) -> None:
    session, _customer, a, _b, _paid, _payment, _foreign, _soto = books
    user = add_agent(session, [add_pool(session, "Spain", "ES")])
    me = employee_id(session, user)
    change_status(
        session, load_scope(session, user), [a.id], "disputed", LATER,
        changed_by_id=me, today=TODAY,
    )  # fmt: skip
    session.commit()
    [row] = status_history(session, transaction_id=a.id)
    assert row.changed_by == f"Agent {user.removeprefix('agent')}"


REFUSALS = [
    ({"ids": []}, "Mark at least one transaction"),
    ({"to": "lost"}, "lost is not a collection status"),
    ({"ids": ["a", "foreign"]}, "belong to several customers"),
    ({"scope": "france"}, "not in your pools"),
    ({"ids": ["paid"]}, "fully settled; nothing is open to be disputed"),
    ({"ids": ["payment"]}, "is a payment or credit; only invoices"),
    ({"ids": ["payment"], "to": "promised", "date": TODAY, "amount": "10"}, "payment or credit"),
    ({"to": "promised", "amount": "100"}, "needs a date and an amount"),
    ({"to": "promised", "date": TODAY}, "needs a date and an amount"),
    ({"to": "promised", "date": TODAY, "amount": " "}, "needs a date and an amount"),
    (
        {"to": "promised", "date": dt.date(2026, 11, 22), "amount": "100"},
        "The promise date Nov 22, 2026 is in the past; choose today \\(Nov 23, 2026\\)",
    ),
    ({"to": "promised", "date": TODAY, "amount": "0"}, "must be greater than zero"),
    ({"to": "promised", "date": TODAY, "amount": "-5"}, "must be greater than zero"),
    ({"to": "promised", "date": TODAY, "amount": "12.345"}, "more than 2 decimal places"),
    ({"to": "promised", "date": TODAY, "amount": "lots"}, "is not an amount"),
    ({"to": "promised", "date": TODAY, "amount": "600.01"}, "have only 600.00 open together"),
    (
        {"ids": ["b"], "to": "promised", "date": TODAY, "amount": "300.01"},
        "INV-\\d+ has only 300.00 open; 300.01 was promised",
    ),
    (
        {"to": "promised", "date": TODAY, "amount": "300.00"},
        "used up by the invoices due earlier and does not reach INV-",
    ),
    ({"to": "disputed", "date": TODAY}, "Only a promise to pay has a promise date"),
    ({"to": "none"}, "is already “No status”; there is nothing to change"),
    ({"note": "x" * 2001}, "The note is too long"),
]


@pytest.mark.parametrize(("case", "message"), REFUSALS)
def test_refusals_write_nothing(sqlite_db: Database, case, message) -> None:
    session = sqlite_db.sessions()
    customer = add_customer(session)
    a = invoice(session, customer, "500.00", dt.date(2026, 10, 1))
    part_pay(session, customer, a, "200.00", dt.date(2026, 10, 20))
    b = invoice(session, customer, "300.00", dt.date(2026, 11, 1))
    paid = invoice(session, customer, "120.00", dt.date(2026, 9, 1))
    pay(session, customer, paid, dt.date(2026, 9, 1))
    payment = postings.post_payment(
        session, customer_id=customer.id, amount=D("50.00"), posting_date=TODAY, now=NOW
    )
    foreign = invoice(session, add_customer(session), "80.00", dt.date(2026, 11, 10))
    france_user = add_agent(session, [add_pool(session, "France", "FR")])
    session.commit()
    txns = {"a": a, "b": b, "paid": paid, "payment": payment, "foreign": foreign}
    scope = load_scope(session, france_user) if case.get("scope") else company_scope(session)
    before = state(session, *txns.values())
    with pytest.raises(CollectionStatusError, match=message):
        change_status(
            session,
            scope,
            [txns[name].id for name in case.get("ids", ["a", "b"])],
            case.get("to", "disputed"),
            LATER,
            changed_by_id=None,
            note=case.get("note"),
            promise_date=case.get("date"),
            promise_amount=case.get("amount"),
            today=TODAY,
        )
    session.rollback()
    assert state(session, *txns.values()) == before
    assert history_count(session) == 0
    session.close()


def test_an_unknown_transaction_is_refused(books) -> None:
    session, _customer, a, _b, _paid, _payment, _foreign, _soto = books
    with pytest.raises(CollectionStatusError, match="no longer exists"):
        change_status(
            session, company_scope(session), [a.id, _customer.id], "disputed", LATER,
            changed_by_id=None, today=TODAY,
        )  # fmt: skip


def test_history_needs_one_transaction_or_one_customer(books) -> None:
    session, customer, a, *_rest = books
    with pytest.raises(CollectionStatusError):
        status_history(session)
    with pytest.raises(CollectionStatusError):
        status_history(session, transaction_id=a.id, customer_id=customer.id)
    assert status_history(session, customer_id=customer.id) == []


def test_every_status_has_a_name() -> None:
    assert set(COLLECTION_STATUS_NAMES) == set(CollectionStatus)
    assert [status_name(s) for s in CollectionStatus] == [
        "", "Disputed", "Promised to pay", "Promise broken", "Resolved", "Legal action",
    ]  # fmt: skip
    assert status_label("none") == "No status"
    assert status_label("odd") == status_name("odd") == "odd"


# --- property: the history is a chain ending in the current status -------------------------

steps = st.lists(
    st.tuples(
        st.sampled_from(list(CollectionStatus)),
        st.integers(min_value=0, max_value=6),  # promise date: days after today
        st.integers(min_value=1, max_value=30_000),  # promise amount in cents (open: 250.00)
    ),
    max_size=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=steps)
def test_history_is_a_continuous_chain_to_the_current_status(sqlite_db: Database, changes) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        txn = invoice(session, customer, "250.00", dt.date(2026, 11, 1))
        scope = company_scope(session)
        session.commit()
        status = "none"
        accepted = 0
        for step, (to, days, cents) in enumerate(changes):
            promise = (
                {"promise_date": TODAY + dt.timedelta(days), "promise_amount": D(cents) / 100}
                if to == CollectionStatus.PROMISED
                else {}
            )
            try:
                change_status(
                    session, scope, [txn.id], to, NOW + dt.timedelta(minutes=step),
                    changed_by_id=None, today=TODAY, **promise,
                )  # fmt: skip
            except CollectionStatusError:
                session.rollback()
                # Refused: the same status again, or more than is open promised.
                assert to == status or (to == "promised" and D(cents) / 100 > D("250.00"))
                continue
            session.commit()
            status = to
            accepted += 1
        session.expire_all()
        rows = status_history(session, transaction_id=txn.id)[::-1]  # oldest first
        assert len(rows) == accepted
        assert txn.version == 1 + accepted
        assert txn.collection_status == status
        if rows:
            assert rows[0].from_status == "none"
            assert rows[-1].to_status == status
            for before, after in itertools.pairwise(rows):
                assert before.to_status == after.from_status
            assert [r.changed_at for r in rows] == sorted(r.changed_at for r in rows)
        if status == "promised":
            assert (txn.promise_date, txn.promise_amount) == (
                rows[-1].promise_date,
                rows[-1].promise_amount,
            )
        elif status not in ("promised", "broken"):
            assert (txn.promise_date, txn.promise_amount) == (None, None)


def test_a_change_made_meanwhile_is_not_overwritten(any_db: Database) -> None:
    with any_db.sessions() as mine, any_db.sessions() as theirs:
        customer = add_customer(mine)
        txn = invoice(mine, customer, "90.00", dt.date(2026, 11, 1))
        mine.commit()
        change_status(
            theirs, company_scope(theirs), [txn.id], "disputed", NOW,
            changed_by_id=None, today=TODAY,
        )  # fmt: skip
        theirs.commit()
        assert txn.version == 1  # what this session read before the other change
        with pytest.raises(CollectionStatusError, match="changed meanwhile by someone else"):
            apply_change(
                mine, txn, CollectionStatus.LEGAL, LATER, changed_by_id=None, note=None,
                promise_date=None, promise_amount=None,
            )  # fmt: skip
        mine.rollback()
        assert [
            (r.from_status, r.to_status) for r in status_history(mine, transaction_id=txn.id)
        ] == [("none", "disputed")]
        # Read afresh, the change goes on from where the other one left it.
        change_status(
            mine, company_scope(mine), [txn.id], "legal", LATER, changed_by_id=None, today=TODAY
        )
        mine.commit()
        assert (txn.collection_status, txn.version) == ("legal", 3)


_DISPUTE = textwrap.dedent(
    """
    import sys, time, uuid
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.actions.status import CollectionStatusError, change_status
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.models.db.writing import write_transaction
    from collections_desktop.models.people.scope import company_scope

    url, txn, start = sys.argv[1:4]
    database = open_company(url, clock=SystemClock())
    clock = SystemClock()
    time.sleep(max(0.0, float(start) - time.time()))
    try:
        with write_transaction(database) as session:
            change_status(
                session, company_scope(session), [uuid.UUID(txn)], "disputed", clock.now(),
                changed_by_id=None, today=clock.today(),
            )
            time.sleep(0.5)  # still deciding when the other one reads
        print("disputed")
    except CollectionStatusError as error:
        print("refused:", error)
    database.dispose()
    """
)


@pytest.mark.postgres
def test_two_collectors_disputing_one_invoice_at_once_dispute_it_once(pg_db: Database) -> None:
    """Two processes dispute the same invoice at the same moment: the customer's lock
    makes the second wait and then read the first one's change, so it is refused as
    already disputed, and the history holds one change."""
    with pg_db.sessions.begin() as session:
        customer = add_customer(session)
        txn = invoice(session, customer, "90.00", dt.date(2026, 11, 1))
        txn_id = txn.id
    url = pg_db.engine.url.render_as_string(hide_password=False)
    said = said_at_once(_DISPUTE, url, str(txn_id))
    assert said[0] == "disputed"
    assert said[1].startswith("refused: "), said
    assert "is already “Disputed”" in said[1], said
    with pg_db.sessions() as session:
        history = status_history(session, transaction_id=txn_id)
        assert [(r.from_status, r.to_status) for r in history] == [("none", "disputed")]
