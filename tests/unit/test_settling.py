"""Settling marked transactions, listing settlements and reversing them, with figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Customer,
    NumberSequence,
    Settlement,
    SettlementLine,
)
from collections_desktop.models.ledger import balances as ledger_balances
from collections_desktop.models.ledger import postings
from collections_desktop.models.ledger.settling import (
    SettleError,
    reverse,
    settle_marked,
    settlements_of,
)
from collections_desktop.models.people.scope import company_scope, load_scope
from tests.unit.test_scope import add_agent, add_pool

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def day(month: int, d: int) -> dt.date:
    return dt.date(2026, month, d)


def add_customer(session, account="C-000001", country="ES", currency="EUR") -> Customer:
    customer = Customer(
        account=account, name="Ruiz Hermanos SL", currency=currency, country=country, updated_at=NOW
    )
    session.add(customer)
    session.flush()
    return customer


def ledger_of(session):
    """Ruiz: INV 1,210.00 (1 Sep), INV 500.00 (5 Sep), PAY 1,000.00 (1 Oct), CN 300.00 (2 Oct)."""
    customer = add_customer(session)
    inv1 = postings.post_invoice(
        session, customer_id=customer.id, amount=D("1210.00"), posting_date=day(9, 1), now=NOW
    )
    inv2 = postings.post_invoice(
        session, customer_id=customer.id, amount=D("500.00"), posting_date=day(9, 5), now=NOW
    )
    pay = postings.post_payment(
        session, customer_id=customer.id, amount=D("1000.00"), posting_date=day(10, 1), now=NOW
    )
    cn = postings.post_credit_note(
        session, customer_id=customer.id, amount=D("300.00"), posting_date=day(10, 2), now=NOW
    )
    return customer, inv1, inv2, pay, cn


def counts(session) -> tuple:
    return (
        session.scalar(select(func.count()).select_from(Settlement)),
        session.scalar(select(func.count()).select_from(SettlementLine)),
        sorted(session.execute(select(NumberSequence.name, NumberSequence.next_value)).all()),
    )


def test_settle_marked_partial_amounts_and_list_them(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer, inv1, inv2, pay, cn = ledger_of(session)
        scope = company_scope(session)
        summary = settle_marked(
            session,
            scope,
            {inv1.id: D("700.00"), inv2.id: D("300.00"), pay.id: D("1000.00")},
            day(10, 5),
            NOW,
            created_by_id=None,
            note="  Remittance 4471  ",
        )
        session.commit()
        assert (summary.number, summary.total, summary.currency) == (
            "ST-00000001",
            D("1000.00"),
            "EUR",
        )
        assert [(d.document_number, d.amount, d.open_after) for d in summary.documents] == [
            ("INV-0000001", D("700.00"), D("510.00")),
            ("INV-0000002", D("300.00"), D("200.00")),
            ("PAY-0000001", D("-1000.00"), D("0.00")),
        ]
        assert ledger_balances.balance(session, customer.id, day(10, 5)) == D("410.00")
        assert pay.closed_on == day(10, 5)
        # a second settlement with the credit note, on a later date
        settle_marked(
            session,
            scope,
            {inv2.id: D("200.00"), cn.id: D("200.00")},
            day(10, 9),
            NOW,
            created_by_id=None,
        )
        session.commit()
        rows = settlements_of(session, customer.id)
        assert [(r.number, r.settlement_date, r.total, r.documents, r.note) for r in rows] == [
            ("ST-00000002", day(10, 9), D("200.00"), ("INV-0000002", "CN-0000001"), None),
            (
                "ST-00000001",
                day(10, 5),
                D("1000.00"),
                ("INV-0000001", "INV-0000002", "PAY-0000001"),
                "Remittance 4471",
            ),
        ]
        assert all(r.reversible and not r.is_reversal and r.currency == "EUR" for r in rows)
        assert inv2.closed_on == day(10, 9)


@pytest.mark.parametrize(
    ("marks", "on", "message"),
    [
        ({}, day(10, 5), "Nothing is marked"),
        (
            {"inv1": "100", "inv2": "100"},
            day(10, 5),
            "Only debits are marked. Mark at least one debit and one credit",
        ),
        ({"pay": "100", "cn": "100"}, day(10, 5), "Only credits are marked"),
        (
            {"inv1": "1210", "pay": "1000"},
            day(10, 5),
            r"debits total 1,210.00 EUR and the credits 1,000.00 EUR: they differ by 210.00",
        ),
        (
            {"inv2": "600", "pay": "600"},
            day(10, 5),
            "INV-0000002 has only 500.00 open on Oct 5, 2026; 600.00 was asked",
        ),
        (
            {"inv1": "100", "pay": "100"},
            day(9, 30),
            "PAY-0000001 was posted on Oct 1, 2026; the settlement date Sep 30, 2026 is before",
        ),
        ({"inv1": "0", "pay": "0"}, day(10, 5), "must be greater than zero"),
        ({"inv1": "0.001", "pay": "0.001"}, day(10, 5), "more than 2 decimal places"),
        (
            {"inv1": "100", "other": "100"},
            day(10, 5),
            r"different customers \(C-000001, C-000002\)",
        ),
        ({"inv1": "100", "usd": "100"}, day(10, 5), r"different currencies \(EUR, USD\)"),
        ({"inv1": "100", "pay": "100", "outside": True}, day(10, 5), "not in your pools"),
    ],
)
def test_settle_marked_refuses_with_clear_messages_and_writes_nothing(
    sqlite_db: Database, marks, on, message
) -> None:
    with sqlite_db.sessions() as session:
        customer, inv1, inv2, pay, cn = ledger_of(session)
        other = add_customer(session, "C-000002", "FR")
        other_pay = postings.post_payment(
            session, customer_id=other.id, amount=D("100"), posting_date=day(9, 1), now=NOW
        )
        usd_pay = postings.post_payment(
            session,
            customer_id=customer.id,
            amount=D("100"),
            posting_date=day(9, 1),
            currency="USD",
            exchange_rate=D("0.92"),
            now=NOW,
        )
        ids = {
            "inv1": inv1.id,
            "inv2": inv2.id,
            "pay": pay.id,
            "cn": cn.id,
            "other": other_pay.id,
            "usd": usd_pay.id,
        }
        scope = company_scope(session)
        if marks.pop("outside", False):
            scope = load_scope(session, add_agent(session, [add_pool(session, ["FR"])]))
        session.commit()
        before = counts(session)
        with pytest.raises(SettleError, match=message):
            settle_marked(
                session,
                scope,
                {ids[k]: D(v) for k, v in marks.items()},
                on,
                NOW,
                created_by_id=None,
            )
        assert counts(session) == before
        session.rollback()
        assert counts(session) == before
        assert ledger_balances.balance(session, customer.id, day(12, 31)) == D("410.00") + D(
            "-92.00"
        )


def test_reverse_reopens_what_was_settled_and_is_listed(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer, inv1, inv2, pay, _cn = ledger_of(session)
        scope = company_scope(session)
        first = settle_marked(
            session,
            scope,
            {inv1.id: D("1000.00"), pay.id: D("1000.00")},
            day(10, 5),
            NOW,
            created_by_id=None,
        )
        session.commit()
        made = reverse(
            session,
            scope,
            first.settlement_id,
            day(10, 20),
            NOW,
            created_by_id=None,
            note="Payment returned unpaid",
        )
        session.commit()
        assert (made.number, made.reverses, made.is_reversal, made.total) == (
            "ST-00000002",
            "ST-00000001",
            True,
            D("1000.00"),
        )
        assert ledger_balances.open_amount(session, inv1.id, day(10, 19)) == D("210.00")
        assert ledger_balances.open_amount(session, inv1.id, day(10, 20)) == D("1210.00")
        assert ledger_balances.open_amount(session, pay.id, day(10, 20)) == D("-1000.00")
        assert pay.closed_on is None
        rows = settlements_of(session, customer.id)
        assert [(r.number, r.reversed_by, r.reversed_on, r.reverses, r.note) for r in rows] == [
            ("ST-00000002", None, None, "ST-00000001", "Payment returned unpaid"),
            ("ST-00000001", "ST-00000002", day(10, 20), None, None),
        ]
        assert [r.reversible for r in rows] == [False, False]
        assert inv2.closed_on is None


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("early", "ST-00000001 is dated Oct 5, 2026; it cannot be reversed on Oct 4, 2026"),
        ("twice", "ST-00000001 was already reversed by ST-00000002 on Oct 6, 2026"),
        ("reversal", "ST-00000002 is itself a reversal"),
        ("outside", "not in your pools"),
    ],
)
def test_reverse_refuses_and_writes_nothing(sqlite_db: Database, case, message) -> None:
    with sqlite_db.sessions() as session:
        _customer, inv1, _inv2, pay, _cn = ledger_of(session)
        scope = company_scope(session)
        first = settle_marked(
            session, scope, {inv1.id: D("10"), pay.id: D("10")}, day(10, 5), NOW, created_by_id=None
        )
        target, on = first.settlement_id, day(10, 4)
        if case in ("twice", "reversal"):
            second = reverse(
                session, scope, first.settlement_id, day(10, 6), NOW, created_by_id=None, note=None
            )
            target = first.settlement_id if case == "twice" else second.id
            on = day(10, 7)
        if case == "outside":
            scope = load_scope(session, add_agent(session, [add_pool(session, ["FR"])]))
            on = day(10, 7)
        session.commit()
        before = counts(session)
        with pytest.raises(SettleError, match=message):
            reverse(session, scope, target, on, NOW, created_by_id=None, note=None)
        assert counts(session) == before


# --- property: reversing a settlement restores every open amount ----------------------------


@pytest.fixture(scope="module")
def property_db(tmp_path_factory):
    """A company with two invoices, a payment and a credit note, rolled back per example."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.models.company.setup import create_company

    database = open_company(
        tmp_path_factory.mktemp("settling") / "company.sqlite", clock=SystemClock()
    )
    with database.sessions.begin() as session:
        create_company(session, "Property SA", "EUR", NOW)
        ledger_of(session)
    yield database
    database.dispose()


shares = st.lists(
    st.integers(min_value=0, max_value=100), min_size=4, max_size=4
)  # percent of what is open, per transaction (0: not marked)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shares,
    st.integers(min_value=0, max_value=40),  # settlement date: days after 2 Oct
    st.integers(min_value=0, max_value=20),  # reversal: days after the settlement
)
def test_settle_then_reverse_restores_every_open_amount(
    property_db: Database, percents, settle_after, reverse_after
) -> None:
    session = property_db.sessions()
    try:
        customer = session.scalar(select(Customer))
        items = ledger_balances.open_items(session, customer.id, day(12, 31))
        items.sort(key=lambda i: i.document_number)  # CN, INV-1, INV-2, PAY
        on = day(10, 2) + dt.timedelta(days=settle_after)
        back = on + dt.timedelta(days=reverse_after)
        # partial debits, then the credits settle the same total as far as they can
        debits = {
            i.transaction_id: (i.open_amount * p / 100).quantize(D("0.01"))
            for i, p in zip(items, percents, strict=True)
            if i.amount > 0 and p
        }
        want = sum(debits.values(), D(0))
        marks = {k: v for k, v in debits.items() if v > 0}
        for item in (i for i in items if i.amount < 0):
            take = min(want, -item.open_amount)
            if take > 0:
                marks[item.transaction_id] = take
                want -= take
        # only balanced requests: the refusals are tested above
        assume(want == 0 and any(k not in debits for k in marks) and debits)
        dates = [on - dt.timedelta(days=1), on, back, back + dt.timedelta(days=30)]
        before = {(i.transaction_id, d): ledger_balances.open_amount(session, i.transaction_id, d)
                  for i in items for d in dates}  # fmt: skip
        balances = [ledger_balances.balance(session, customer.id, d) for d in dates]
        scope = company_scope(session)
        summary = settle_marked(session, scope, marks, on, NOW, created_by_id=None)
        assert sum(d.amount for d in summary.documents) == 0
        reverse(session, scope, summary.settlement_id, back, NOW, created_by_id=None, note=None)
        for (txn_id, d), expected in before.items():
            value = ledger_balances.open_amount(session, txn_id, d)
            if on <= d < back:
                assert value == expected - (
                    marks.get(txn_id, 0) if expected > 0 else -marks.get(txn_id, 0)
                )
            else:
                assert value == expected
        # a settlement moves no money: the balance of every date is what it was
        assert [ledger_balances.balance(session, customer.id, d) for d in dates] == balances
    finally:
        session.rollback()
        session.close()
