"""Waive, reinstate and reverse interest and fees: exact to the cent, refusals write nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from collections_desktop.models.actions.charge_rows import (
    ChargeError,
    ChargeRowKind,
    charge_rows,
    charge_state,
    note_charges,
)
from collections_desktop.models.actions.charges import reinstate, reverse, waive
from collections_desktop.models.actions.interest_notes import create_interest_notes, interest_notes
from collections_desktop.models.actions.nsf import process_nsf
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    ChargeAdjustment,
    CustomerTransaction,
    InterestNote,
    Journal,
    JournalLine,
    NumberSequence,
    Settlement,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.ledger import balances, settlements
from collections_desktop.models.ledger.journals import journal_rows
from collections_desktop.models.people.scope import company_scope, load_scope
from tests.unit.test_interest import DAY_60, invoice
from tests.unit.test_nsf import NOW, add_customer, post
from tests.unit.test_scope import add_agent, add_pool

D = Decimal
LATER = DAY_60 + dt.timedelta(days=90)


@dataclass
class Charges:
    """A customer with interest note INT-0000001 (20.00 + 10.00, fee 5.00) and an NSF fee 25.00."""

    customer_id: object
    account: str
    invoices: dict = field(default_factory=dict)
    note_id: object = None
    lines: tuple = ()
    note_fee: object = None
    nsf_fee: object = None

    @property
    def all(self) -> tuple:
        return (*self.lines, self.note_fee, self.nsf_fee)


def charged(session) -> Charges:
    customer = add_customer(session, interest_code="STD")
    big = invoice(session, customer, "1000.00")
    small = invoice(session, customer, "500.00")
    payment = post(session, customer, TransactionType.PAYMENT, "300.00", dt.date(2026, 11, 2))
    scope = company_scope(session)
    nsf = process_nsf(session, scope, payment.id, dt.date(2026, 11, 20), NOW, created_by_id=None)
    create_interest_notes(session, scope, DAY_60, NOW, created_by_id=None)
    note = session.scalars(select(InterestNote)).one()
    *lines, fee = note_charges(session, note.id)
    return Charges(
        customer_id=customer.id,
        account=customer.account,
        invoices={big.id: D("1000.00"), small.id: D("500.00")},
        note_id=note.id,
        lines=tuple(lines),
        note_fee=fee,
        nsf_fee=nsf.fees[0].transaction_id,
    )


def opens(session, customer_id, on: dt.date = LATER) -> dict:
    return {i.transaction_id: i.open_amount for i in balances.open_items(session, customer_id, on)}


def counts(session) -> dict[str, int]:
    tables = (CustomerTransaction, Settlement, SettlementLine, Journal, JournalLine,
              ChargeAdjustment)  # fmt: skip
    result = {t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in tables}
    result["counters"] = session.scalar(select(func.sum(NumberSequence.next_value)))
    return result


def unbalanced_journals(session) -> list:
    return session.execute(
        select(JournalLine.journal_id)
        .group_by(JournalLine.journal_id)
        .having(
            (func.sum(JournalLine.amount) != 0) | (func.sum(JournalLine.amount_accounting) != 0)
        )
    ).all()


def test_waive_then_reinstate_a_whole_note_returns_every_amount(any_db: Database) -> None:
    with any_db.sessions() as session:
        books = charged(session)
        session.commit()
        scope = company_scope(session)
        before = opens(session, books.customer_id)
        assert [before[i] for i in books.all] == [D("20.00"), D("10.00"), D("5.00"), D("25.00")]
        balance = balances.balance(session, books.customer_id, LATER)
        assert balance == D("1560.00")  # 1500 + 20 + 10 + 5 + 25

        done = waive(session, scope, note_charges(session, books.note_id), DAY_60, NOW,
                     created_by_id=None, note="Goodwill: first late payment")  # fmt: skip
        session.commit()
        assert [(r.kind, r.amount) for r in done] == [
            ("waive", D("20.00")),
            ("waive", D("10.00")),
            ("waive", D("5.00")),
        ]
        assert len({r.journal_number for r in done}) == 1
        after = opens(session, books.customer_id)
        assert after == {k: v for k, v in before.items() if k not in set(books.all[:3])}
        assert balances.balance(session, books.customer_id, LATER) == balance - D("35.00")
        assert [charge_state(session, i) for i in books.all] == ["waived"] * 3 + ["active"]
        journal = session.scalars(select(Journal).where(Journal.type == "adjustment")).one()
        rows = journal_rows(session, journal.id)
        assert [(r.account_type, r.account, r.amount) for r in rows] == [
            ("customer", books.account, D("-20.00")),
            ("ledger", "763000", D("20.00")),
            ("customer", books.account, D("-10.00")),
            ("ledger", "763000", D("10.00")),
            ("customer", books.account, D("-5.00")),
            ("ledger", "758100", D("5.00")),
        ]
        assert "Goodwill" in journal.description
        adjustments = session.scalars(select(ChargeAdjustment)).all()
        assert all(a.adjusting_transaction_id and a.settlement_id for a in adjustments)
        assert all(a.journal_id == journal.id for a in adjustments)
        (listed,) = interest_notes(session, books.customer_id)
        assert {line.state for line in listed.lines} == {"waived"}
        assert (listed.fee_state, listed.fee_open) == ("waived", 0)

        back = reinstate(
            session,
            scope,
            note_charges(session, books.note_id),
            DAY_60 + dt.timedelta(days=3),
            NOW,
            created_by_id=None,
            note=None,
        )
        session.commit()
        assert [(r.kind, r.amount) for r in back] == [
            ("reinstate", D("20.00")),
            ("reinstate", D("10.00")),
            ("reinstate", D("5.00")),
        ]
        assert opens(session, books.customer_id) == before  # to the cent, nothing else open
        assert balances.balance(session, books.customer_id, LATER) == balance
        assert [charge_state(session, i) for i in books.all] == ["active"] * 4
        # Between the two dates the waiver held; before it, nothing had changed.
        assert balances.balance(session, books.customer_id, DAY_60 + dt.timedelta(days=2)) == (
            balance - D("35.00")
        )
        assert balances.balance(session, books.customer_id, DAY_60 - dt.timedelta(days=1)) == (
            balance - D("35.00")  # the note itself is dated DAY_60
        )
        assert unbalanced_journals(session) == []
        assert session.scalar(select(func.sum(JournalLine.amount)).where(
            JournalLine.journal_id.in_(select(Journal.id).where(Journal.type == "adjustment"))
        )) == 0  # fmt: skip


def test_a_partly_paid_charge_waives_and_reinstates_only_what_is_open(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        books = charged(session)
        line = books.lines[0]
        payment = post(session, add_customer_of(session, books), TransactionType.PAYMENT, "8.00",
                       DAY_60)  # fmt: skip
        settlements.settle(session, {line: D("8"), payment.id: D("8")}, DAY_60, NOW)
        scope = company_scope(session)
        before = opens(session, books.customer_id)
        (done,) = waive(session, scope, [line], DAY_60, NOW, created_by_id=None, note=None)
        assert done.amount == D("12.00")
        assert line not in opens(session, books.customer_id)
        reinstate(session, scope, [line], DAY_60, NOW, created_by_id=None, note=None)
        assert opens(session, books.customer_id)[line] == D("12.00")
        assert opens(session, books.customer_id) == before
        # Waived again and reinstated again: the second waiver is the one undone.
        waive(session, scope, [line], DAY_60, NOW, created_by_id=None, note=None)
        reinstate(session, scope, [line], DAY_60, NOW, created_by_id=None, note=None)
        assert opens(session, books.customer_id) == before
        assert charge_state(session, line) == "active"
        assert unbalanced_journals(session) == []


def add_customer_of(session, books):
    """The customer of ``books`` (the payment must be theirs)."""
    from collections_desktop.models.db.schema import Customer

    return session.get(Customer, books.customer_id)


def test_reverse_is_final_and_uses_the_fee_account(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        books = charged(session)
        scope = company_scope(session)
        (done,) = reverse(session, scope, [books.nsf_fee], DAY_60, NOW, created_by_id=None,
                          note="Bank error, not the customer's")  # fmt: skip
        assert (done.kind, done.amount) == ("reverse", D("25.00"))
        assert charge_state(session, books.nsf_fee) == "reversed"
        journal = session.scalars(select(Journal).where(Journal.type == "adjustment")).one()
        assert [(r.account, r.amount) for r in journal_rows(session, journal.id)] == [
            (books.account, D("-25.00")),
            ("758000", D("25.00")),  # the NSF charge's own income account
        ]
        for action, message in (
            (reinstate, "reversed for good"),
            (waive, "reversed for good"),
            (reverse, "reversed for good"),
        ):
            with pytest.raises(ChargeError, match=message):
                action(session, scope, [books.nsf_fee], LATER, NOW, created_by_id=None, note=None)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("reinstate_active", "is not waived; only a waived charge can be reinstated"),
        ("waive_waived", "already waived"),
        ("reverse_waived", "reinstate it before reversing it"),
        ("reinstate_before_waiver", "waived on Nov 25, 2026"),
        ("before_posting", "posted on Nov 23, 2026"),
        ("paid", "The fee INT-0000001 has nothing open on Nov 23, 2026"),
        ("nothing", "Select an interest note"),
        ("invoice", "not an interest or fee charge"),
        ("outside_scope", "outside your pools"),
    ],
)
def test_refusals_write_nothing(sqlite_db: Database, case: str, message: str) -> None:
    with sqlite_db.sessions() as session:
        books = charged(session)
        scope = company_scope(session)
        action, targets, day = waive, [books.lines[0]], DAY_60
        if case == "reinstate_active":
            action = reinstate
        elif case in ("waive_waived", "reverse_waived", "reinstate_before_waiver"):
            waive(session, scope, books.lines, DAY_60 + dt.timedelta(days=2), NOW,
                  created_by_id=None, note=None)  # fmt: skip
            action = {"waive_waived": waive, "reverse_waived": reverse}.get(case, reinstate)
            targets = list(books.lines)
        elif case == "before_posting":
            day = DAY_60 - dt.timedelta(days=1)
        elif case == "paid":
            payment = post(session, add_customer_of(session, books), TransactionType.PAYMENT,
                           "5.00", DAY_60)  # fmt: skip
            settlements.settle(session, {books.note_fee: D(5), payment.id: D(5)}, DAY_60, NOW)
            targets = [books.lines[0], books.note_fee]
        elif case == "nothing":
            targets = []
        elif case == "invoice":
            targets = [books.lines[0], next(iter(books.invoices))]
        elif case == "outside_scope":
            scope = load_scope(session, add_agent(session, [add_pool(session, ["FR"])]))
        session.commit()
        before = counts(session)
        with pytest.raises(ChargeError, match=message):
            action(session, scope, targets, day, NOW, created_by_id=None, note=None)
        assert counts(session) == before, "checked before anything was written"


def test_charge_rows_list_notes_with_their_lines_and_other_fees(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        books = charged(session)
        scope = company_scope(session)
        waive(session, scope, [books.lines[1]], DAY_60, NOW, created_by_id=None, note=None)
        rows = charge_rows(session, scope, books.customer_id, DAY_60)
        assert [
            (r.kind, r.document_number, r.invoice_document is not None, r.amount, r.open_amount,
             r.state)
            for r in rows
        ] == [
            (ChargeRowKind.NOTE, "INT-0000001", False, D("35.00"), D("25.00"), "mixed"),
            (ChargeRowKind.LINE, "INT-0000001", True, D("20.00"), D("20.00"), "active"),
            (ChargeRowKind.LINE, "INT-0000001", True, D("10.00"), D("0.00"), "waived"),
            (ChargeRowKind.FEE, "INT-0000001", False, D("5.00"), D("5.00"), "active"),
            (ChargeRowKind.FEE, "FEE-0000001", False, D("25.00"), D("25.00"), "active"),
        ]  # fmt: skip
        assert rows[0].transaction_ids == (*books.lines, books.note_fee)
        assert rows[4].note_id is None
        outsider = load_scope(session, add_agent(session, [add_pool(session, ["FR"])]))
        with pytest.raises(ChargeError, match="not in your pools"):
            charge_rows(session, outsider, books.customer_id, DAY_60)


# --- property: random waivers, reinstatements, reversals and payments --------------------

operations = st.lists(
    st.tuples(
        st.sampled_from(["waive", "waive", "reinstate", "reinstate", "pay", "reverse"]),
        st.integers(0, 3),  # which charge
        st.integers(1, 100),  # pay: the percentage of what is open
        st.integers(0, 3),  # days after the previous operation
    ),
    max_size=14,
)


@pytest.fixture
def prepared(sqlite_db: Database):
    with sqlite_db.sessions() as session:
        books = charged(session)
        session.commit()
        amounts = [opens(session, books.customer_id)[i] for i in books.all]
    return sqlite_db, books, amounts


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_random_corrections_keep_every_amount_exact(prepared, ops) -> None:
    database, books, amounts = prepared
    charges = list(books.all)
    open_now = dict(zip(charges, amounts, strict=True))
    state = dict.fromkeys(charges, "active")
    cancelled = dict.fromkeys(charges, D(0))  # what the waiver or reversal in force took
    session = database.sessions()
    scope = company_scope(session)
    day = DAY_60
    try:
        for action, index, percent, step in ops:
            day += dt.timedelta(days=step)
            charge = charges[index]
            possible = {
                "waive": state[charge] == "active" and open_now[charge] > 0,
                "reverse": state[charge] == "active" and open_now[charge] > 0,
                "reinstate": state[charge] == "waived",
                "pay": state[charge] == "active" and open_now[charge] > 0,
            }[action]
            if action == "pay":
                if not possible:
                    continue
                amount = max(
                    D("0.01"),
                    (open_now[charge] * percent / 100).quantize(D("0.01"), rounding=ROUND_DOWN),
                )
                payment = post(session, add_customer_of(session, books), TransactionType.PAYMENT,
                               str(amount), day)  # fmt: skip
                settlements.settle(session, {charge: amount, payment.id: amount}, day, NOW)
                open_now[charge] -= amount
            else:
                function = {"waive": waive, "reinstate": reinstate, "reverse": reverse}[action]
                if not possible:
                    before = counts(session)
                    with pytest.raises(ChargeError):
                        function(session, scope, [charge], day, NOW, created_by_id=None, note=None)
                    assert counts(session) == before
                    continue
                function(session, scope, [charge], day, NOW, created_by_id=None, note=None)
                if action == "reinstate":
                    open_now[charge], cancelled[charge] = cancelled[charge], D(0)
                    state[charge] = "active"
                else:
                    cancelled[charge], open_now[charge] = open_now[charge], D(0)
                    state[charge] = "waived" if action == "waive" else "reversed"
            # Every open amount, and nothing else open (no reversal is ever left open).
            expected = dict(books.invoices)
            expected.update({c: v for c, v in open_now.items() if v})
            assert opens(session, books.customer_id) == expected
            assert balances.balance(session, books.customer_id, LATER) == sum(expected.values())
            assert {c: charge_state(session, c) for c in charges} == state
            assert unbalanced_journals(session) == []
            adjusted = session.scalar(
                select(func.coalesce(func.sum(JournalLine.amount), 0))
                .join(Journal, Journal.id == JournalLine.journal_id)
                .where(Journal.type == "adjustment", JournalLine.account_type == "customer")
            )
            assert adjusted == -sum(cancelled.values())
    finally:
        session.rollback()
        session.close()
