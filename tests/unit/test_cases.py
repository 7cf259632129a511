"""Collections cases: made, changed, closed and reopened by the rules, and their figures."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from collections_desktop.models.casework.case_reading import (
    CaseError,
    case_activity_ids,
    case_categories,
    case_row,
    case_transaction_choices,
    case_transaction_ids,
    cases_of,
    list_cases,
)
from collections_desktop.models.casework.cases import (
    add_transactions,
    close_case,
    create_case,
    edit_case,
    remove_transactions,
    reopen_case,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CaseCategory,
    CaseTransaction,
    CollectionsAgent,
    CollectionsCase,
    Customer,
    CustomerTransaction,
    Employee,
    NumberSequence,
)
from collections_desktop.models.ledger import balances, postings, settlements
from collections_desktop.models.people.scope import (
    AgentScope,
    ScopeError,
    company_scope,
    load_scope,
)
from tests.statements import statements as count_statements
from tests.unit.test_overview import add_activity, add_pool, employee_id
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer, invoice

D = Decimal
LATER = NOW + dt.timedelta(hours=3)


@dataclass
class Office:
    """Ruiz and Lopes (Spain, the Iberia pool), Garnier (France); two agents and a clerk.

    Ruiz: INV a 1,234.56 due 1 Oct (posted 1 Sep), 200.00 of it paid on 2 Nov;
    INV b 500.00 due 1 Nov (posted 2 Oct); INV c 99.95 due 10 Dec (posted 10 Nov).
    Lopes: 300.00 due 15 Oct. Garnier: 700.00 due 15 Sep.
    """

    scope: AgentScope
    me: uuid.UUID
    colleague: uuid.UUID
    clerk: uuid.UUID
    ruiz: Customer
    lopes: Customer
    garnier: Customer
    a: CustomerTransaction
    b: CustomerTransaction
    c: CustomerTransaction
    lopes_invoice: CustomerTransaction
    garnier_invoice: CustomerTransaction
    iberia: uuid.UUID


def office(session) -> Office:
    ruiz, lopes, garnier = (add_customer(session, c) for c in ("ES", "ES", "FR"))
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
    lopes_invoice = invoice(session, lopes, "300.00", dt.date(2026, 10, 15))
    garnier_invoice = invoice(session, garnier, "700.00", dt.date(2026, 9, 15))
    iberia = add_pool(session, "Iberia", "ES")
    user = add_agent(session, [iberia], default=iberia)
    colleague = employee_id(session, add_agent(session, [], view_all=True))
    clerk = Employee(number="E-CLERK", name="Clerk", user_name="clerk", updated_at=NOW)
    session.add(clerk)
    session.flush()
    return Office(
        load_scope(session, user),
        employee_id(session, user),
        colleague,
        clerk.id,
        ruiz,
        lopes,
        garnier,
        a,
        b,
        c,
        lopes_invoice,
        garnier_invoice,
        iberia.id,
    )


def new_case(session, o: Office, ids=(), customer=None, category="COLL", **fields):
    values = {
        "responsible_id": o.me,
        "created_by_id": o.me,
        "transaction_ids": ids,
    } | fields
    customer = customer or o.ruiz
    description = values.pop("description", "Overdue invoices of the autumn")
    return create_case(session, o.scope, customer.id, category, description, NOW, **values)


def counts(session) -> tuple[int, int, int]:
    """Cases, live memberships, and the next case number."""
    return (
        session.scalar(select(func.count()).select_from(CollectionsCase)),
        session.scalar(
            select(func.count())
            .select_from(CaseTransaction)
            .where(CaseTransaction.deleted_at.is_(None))
        ),
        session.scalar(select(NumberSequence.next_value).where(NumberSequence.name == "case")) or 1,
    )


def open_sum(session, ids, as_of: dt.date) -> Decimal:
    return sum((balances.open_amount(session, t, as_of) for t in ids), D(0))


def test_categories_offer_only_collections_ones_by_default(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        assert [c.code for c in case_categories(session)] == ["COLL", "DISPUTE", "LEGAL"]
        assert {c.type for c in case_categories(session)} == {"collections"}
        assert [c.code for c in case_categories(session, type=None)] == [
            "COLL",
            "SERVICE",
            "DISPUTE",
            "LEGAL",
        ]
        assert [c.code for c in case_categories(session, type="service")] == ["SERVICE"]


def test_a_case_groups_transactions_and_its_open_amount_is_theirs(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = office(session)
        made = new_case(session, o, [o.a.id, o.b.id, o.a.id], description="  Autumn invoices  ")
        session.commit()
        assert made.number == "CASE-000001"
        assert (made.status, made.opened_at, made.closed_at, made.version) == ("open", NOW, None, 1)
        add_activity(session, o.me, NOW, o.ruiz, case_id=made.id)
        add_activity(session, o.me, NOW, o.ruiz, case_id=made.id, closed=True, closed_at=NOW)
        add_activity(session, o.me, NOW, o.ruiz, case_id=made.id, deleted_at=NOW)
        session.commit()
        assert sorted(case_transaction_ids(session, made.id)) == sorted([o.a.id, o.b.id])
        assert len(case_activity_ids(session, made.id)) == 2
        assert len(case_activity_ids(session, made.id, open_only=True)) == 1
        (row,) = cases_of(session, o.ruiz.id, as_of=TODAY)
        assert (row.number, row.description, row.status) == (
            "CASE-000001",
            "Autumn invoices",
            "open",
        )
        assert (row.account, row.customer_name) == (o.ruiz.account, "Ruiz Hermanos SL")
        assert (row.category_code, row.category_name, row.category_type) == (
            "COLL",
            "Collections",
            "collections",
        )
        assert row.responsible_id == o.me
        assert (row.responsible_name or "").startswith("Agent ")
        assert (row.transaction_count, row.activity_count, row.open_activity_count) == (2, 2, 1)
        # 1,034.56 open of a (200.00 paid on 2 Nov) + 500.00 of b.
        assert row.open_amount == D("1534.56") == open_sum(session, [o.a.id, o.b.id], TODAY)
        # Before the payment: all of a and b.
        (before,) = cases_of(session, o.ruiz.id, as_of=dt.date(2026, 11, 1))
        assert before.open_amount == D("1734.56")
        # Before b was posted (2 Oct): only a.
        (early,) = cases_of(session, o.ruiz.id, as_of=dt.date(2026, 9, 30))
        assert early.open_amount == D("1234.56")
        assert cases_of(session, o.ruiz.id, "closed", as_of=TODAY) == []
        assert cases_of(session, o.lopes.id, as_of=TODAY) == []
        assert case_row(session, o.scope, made.id, as_of=TODAY) == row


def test_the_responsible_defaults_to_the_creator(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        made = new_case(session, o, responsible_id=None, created_by_id=o.colleague)
        assert made.responsible_employee_id == o.colleague


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"category": "SERVICE"}, r"SERVICE \(Customer service\) is for service cases"),
        ({"category": "NOPE"}, "no case category NOPE"),
        ({"description": "   "}, "Write a description"),
        ({"description": "x" * 501}, "too long: at most 500"),
        ({"responsible_id": "clerk"}, "not a collections agent"),
        ({"responsible_id": None, "created_by_id": None}, "Choose who is responsible"),
        ({"customer": "garnier"}, "not in your pools"),
        ({"ids": "lopes"}, "another customer's transaction"),
        ({"ids": "taken"}, "INV-0000001 is already in open case CASE-000001"),
    ],
)
def test_create_refuses_and_writes_nothing(sqlite_db: Database, change, message) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        new_case(session, o, [o.a.id])
        session.commit()
        before = counts(session)
        fields = dict(change)
        ids = {"lopes": [o.b.id, o.lopes_invoice.id], "taken": [o.b.id, o.a.id]}.get(
            fields.pop("ids", None), [o.b.id]
        )
        if fields.get("responsible_id") == "clerk":
            fields["responsible_id"] = o.clerk
        if fields.get("customer") == "garnier":
            fields["customer"] = o.garnier
            ids = [o.garnier_invoice.id]
        with pytest.raises(CaseError, match=message):
            new_case(session, o, ids, **fields)
        session.rollback()
        assert counts(session) == before


def test_a_transaction_is_in_one_open_case_at_most(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = office(session)
        first = new_case(session, o, [o.a.id])
        second = new_case(session, o, [o.b.id], category="DISPUTE")
        session.commit()
        with pytest.raises(CaseError, match="already in open case CASE-000001"):
            add_transactions(session, o.scope, second.id, [o.a.id], LATER)
        session.rollback()
        with pytest.raises(CaseError, match="in case CASE-000002 already"):
            add_transactions(session, o.scope, second.id, [o.b.id], LATER)
        session.rollback()
        # Once the first case is closed, its transaction may go into another open case …
        assert close_case(session, o.scope, first.id, LATER).open_activities == 0
        assert add_transactions(session, o.scope, second.id, [o.a.id, o.c.id], LATER) == 2
        session.commit()
        assert sorted(case_transaction_ids(session, second.id)) == sorted([o.a.id, o.b.id, o.c.id])
        # … and the first case cannot be reopened while that one holds it.
        with pytest.raises(CaseError, match="INV-0000001 is already in open case CASE-000002"):
            reopen_case(session, o.scope, first.id, LATER)
        session.rollback()
        assert case_row(session, o.scope, first.id, as_of=TODAY).status == "closed"
        remove_transactions(session, o.scope, second.id, [o.a.id], LATER)
        reopened = reopen_case(session, o.scope, first.id, LATER)
        session.commit()
        assert (reopened.status, reopened.closed_at, reopened.version) == ("open", None, 3)


def test_removing_leaves_a_tombstone_and_no_longer_counts(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = office(session)
        made = new_case(session, o, [o.a.id, o.b.id])
        session.commit()
        assert remove_transactions(session, o.scope, made.id, [o.b.id, o.b.id], LATER) == 1
        session.commit()
        membership = session.scalars(
            select(CaseTransaction).where(CaseTransaction.transaction_id == o.b.id)
        ).one()
        assert (membership.deleted_at, membership.updated_at, membership.version) == (
            LATER,
            LATER,
            2,
        )
        (row,) = cases_of(session, o.ruiz.id, as_of=TODAY)
        assert (row.transaction_count, row.open_amount, row.version) == (1, D("1034.56"), 2)
        assert case_transaction_ids(session, made.id) == [o.a.id]
        with pytest.raises(CaseError, match="not in case CASE-000001"):
            remove_transactions(session, o.scope, made.id, [o.b.id], LATER)
        session.rollback()
        # Added again: a new membership; the tombstone stays as history.
        add_transactions(session, o.scope, made.id, [o.b.id], LATER)
        session.commit()
        assert (
            session.scalar(
                select(func.count())
                .select_from(CaseTransaction)
                .where(CaseTransaction.transaction_id == o.b.id)
            )
            == 2
        )
        (row,) = cases_of(session, o.ruiz.id, as_of=TODAY)
        assert (row.transaction_count, row.open_amount) == (2, D("1534.56"))
        # The freed transaction can go into another open case.
        remove_transactions(session, o.scope, made.id, [o.b.id], LATER)
        other = new_case(session, o, [o.b.id], category="LEGAL")
        assert other.number == "CASE-000002"


def test_edit_writes_the_fields_and_the_transactions_exactly(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        made = new_case(session, o, [o.a.id, o.b.id])
        session.commit()
        edit_case(
            session,
            o.scope,
            made.id,
            LATER,
            expected_version=1,
            category_code="DISPUTE",
            description="Disputed delivery of September",
            responsible_id=o.colleague,
            transaction_ids=[o.b.id, o.c.id],
        )
        session.commit()
        row = case_row(session, o.scope, made.id, as_of=TODAY)
        assert (row.category_code, row.description, row.responsible_id, row.version) == (
            "DISPUTE",
            "Disputed delivery of September",
            o.colleague,
            2,
        )
        assert sorted(case_transaction_ids(session, made.id)) == sorted([o.b.id, o.c.id])
        assert row.open_amount == D("599.95") == open_sum(session, [o.b.id, o.c.id], TODAY)
        assert session.get(CollectionsCase, made.id).updated_at == LATER
        # Without transaction_ids the transactions stay as they are.
        edit_case(
            session,
            o.scope,
            made.id,
            LATER,
            expected_version=2,
            category_code="DISPUTE",
            description="Disputed delivery",
            responsible_id=o.me,
        )
        assert sorted(case_transaction_ids(session, made.id)) == sorted([o.b.id, o.c.id])


def test_an_edit_of_an_outdated_version_is_refused(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = office(session)
        made = new_case(session, o, [o.a.id])
        session.commit()
        mine = case_row(session, o.scope, made.id, as_of=TODAY)
        # A colleague adds a transaction meanwhile: the case is at version 2.
        add_transactions(session, o.scope, made.id, [o.b.id], LATER)
        session.commit()
        with pytest.raises(CaseError, match="Someone else changed case CASE-000001"):
            edit_case(
                session,
                o.scope,
                made.id,
                LATER,
                expected_version=mine.version,
                category_code="LEGAL",
                description="Hand to the lawyer",
                responsible_id=o.me,
                transaction_ids=[o.a.id],
            )
        session.rollback()
        row = case_row(session, o.scope, made.id, as_of=TODAY)
        assert (row.category_code, row.version, row.transaction_count) == ("COLL", 2, 2)
        with pytest.raises(CaseError, match="Someone else changed"):
            close_case(session, o.scope, made.id, LATER, expected_version=1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"category_code": "SERVICE"}, "not collections cases"),
        ({"description": ""}, "Write a description"),
        ({"responsible_id": "clerk"}, "not a collections agent"),
        ({"transaction_ids": "lopes"}, "another customer's transaction"),
        ({"transaction_ids": "taken"}, "INV-0000003 is already in open case CASE-000002"),
    ],
)
def test_edit_refuses_and_writes_nothing(sqlite_db: Database, change, message) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        made = new_case(session, o, [o.a.id])
        new_case(session, o, [o.c.id])
        session.commit()
        values = {
            "expected_version": 1,
            "category_code": "COLL",
            "description": "Autumn",
            "responsible_id": o.me,
            "transaction_ids": [o.a.id, o.b.id],
        } | change
        if values["responsible_id"] == "clerk":
            values["responsible_id"] = o.clerk
        named = {"lopes": [o.a.id, o.lopes_invoice.id], "taken": [o.a.id, o.c.id]}
        if isinstance(values["transaction_ids"], str):
            values["transaction_ids"] = named[values["transaction_ids"]]
        before = counts(session), case_row(session, o.scope, made.id, as_of=TODAY)
        with pytest.raises(CaseError, match=message):
            edit_case(session, o.scope, made.id, LATER, **values)
        session.rollback()
        assert (counts(session), case_row(session, o.scope, made.id, as_of=TODAY)) == before


def test_a_retyped_category_is_refused_on_the_next_edit(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        made = new_case(session, o, [o.a.id], category="LEGAL")
        session.commit()
        legal = session.scalars(select(CaseCategory).where(CaseCategory.code == "LEGAL")).one()
        legal.type = "legal"
        session.commit()
        with pytest.raises(CaseError, match=r"LEGAL \(Legal action\) is for legal cases"):
            edit_case(
                session,
                o.scope,
                made.id,
                LATER,
                expected_version=1,
                category_code="LEGAL",
                description="Lawyer",
                responsible_id=o.me,
            )


def test_closing_keeps_activities_and_says_how_many_are_open(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        made = new_case(session, o, [o.a.id])
        one = add_activity(session, o.me, NOW, o.ruiz, case_id=made.id)
        add_activity(session, o.me, NOW, o.ruiz, case_id=made.id)
        add_activity(session, o.me, NOW, o.ruiz, case_id=made.id, closed=True, closed_at=NOW)
        session.commit()
        closed = close_case(session, o.scope, made.id, LATER, expected_version=1)
        session.commit()
        assert (closed.number, closed.open_activities) == ("CASE-000001", 2)
        assert closed.note() == "Case CASE-000001 closed; 2 of its activities are still open"
        session.expire_all()
        assert one.closed is False
        row = case_row(session, o.scope, made.id, as_of=TODAY)
        assert (row.status, row.closed_at, row.version, row.open_activity_count) == (
            "closed",
            LATER,
            2,
            2,
        )
        # The figures of a closed case are still read from its transactions.
        assert (row.transaction_count, row.open_amount) == (1, D("1034.56"))
        for refused, match in (
            (lambda: close_case(session, o.scope, made.id, LATER), "already closed"),
            (
                lambda: add_transactions(session, o.scope, made.id, [o.b.id], LATER),
                "closed; reopen it to change it",
            ),
            (
                lambda: remove_transactions(session, o.scope, made.id, [o.a.id], LATER),
                "closed; reopen it",
            ),
            (
                lambda: edit_case(
                    session,
                    o.scope,
                    made.id,
                    LATER,
                    expected_version=2,
                    category_code="COLL",
                    description="x",
                    responsible_id=o.me,
                ),
                "closed; reopen it",
            ),
        ):
            with pytest.raises(CaseError, match=match):
                refused()
            session.rollback()
        assert reopen_case(session, o.scope, made.id, LATER).version == 3
        session.commit()
        with pytest.raises(CaseError, match="open already"):
            reopen_case(session, o.scope, made.id, LATER)
        assert closed.__class__(number="CASE-9", open_activities=0).note() == "Case CASE-9 closed"


def test_cases_outside_the_scope_cannot_be_touched(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        everyone = company_scope(session)
        theirs = create_case(
            session,
            everyone,
            o.garnier.id,
            "COLL",
            "Garnier",
            NOW,
            responsible_id=o.colleague,
            transaction_ids=[o.garnier_invoice.id],
            created_by_id=o.colleague,
        )
        session.commit()
        for action in (
            lambda: close_case(session, o.scope, theirs.id, LATER),
            lambda: add_transactions(session, o.scope, theirs.id, [], LATER),
            lambda: case_row(session, o.scope, theirs.id, as_of=TODAY),
        ):
            with pytest.raises(CaseError, match="outside your pools"):
                action()
        with pytest.raises(CaseError, match="no longer exists"):
            close_case(session, o.scope, uuid.uuid4(), LATER)


def statements(database: Database):
    """Count the statements a block of code runs."""
    return count_statements(database.engine)


def test_list_cases_filters_the_scope_in_one_statement(any_db: Database) -> None:
    with any_db.sessions() as session:
        o = office(session)
        everyone = company_scope(session)
        autumn = new_case(session, o, [o.a.id, o.b.id])
        lopes = new_case(
            session,
            o,
            [o.lopes_invoice.id],
            customer=o.lopes,
            category="DISPUTE",
            description="Damaged 50% of the goods",
            responsible_id=o.colleague,
        )
        closed = new_case(session, o, [o.c.id], category="LEGAL", description="Old dispute")
        close_case(session, o.scope, closed.id, NOW)
        create_case(
            session,
            everyone,
            o.garnier.id,
            "COLL",
            "Garnier SA: September",
            NOW,
            responsible_id=o.colleague,
            transaction_ids=[o.garnier_invoice.id],
            created_by_id=o.colleague,
        )
        add_activity(session, o.me, NOW, o.lopes, case_id=lopes.id)
        session.commit()
        session.expire_all()

        seen, stop = statements(any_db)
        try:
            rows = list_cases(session, o.scope, TODAY)
        finally:
            stop()
        assert len(seen) == 1
        assert [r.number for r in rows] == ["CASE-000003", "CASE-000002", "CASE-000001"]
        by_number = {r.number: r for r in rows}
        assert by_number["CASE-000001"].open_amount == D("1534.56")
        assert by_number["CASE-000002"].open_amount == D("300.00")
        assert by_number["CASE-000002"].activity_count == 1
        assert by_number["CASE-000002"].responsible_id == o.colleague
        assert (by_number["CASE-000003"].status, by_number["CASE-000003"].open_amount) == (
            "closed",
            D("99.95"),
        )
        assert {r.number for r in list_cases(session, everyone, TODAY)} == {
            "CASE-000001",
            "CASE-000002",
            "CASE-000003",
            "CASE-000004",
        }

        def numbers(**filters) -> list[str]:
            return [r.number for r in list_cases(session, o.scope, TODAY, **filters)]

        assert numbers(status="open") == ["CASE-000002", "CASE-000001"]
        assert numbers(status="closed") == ["CASE-000003"]
        assert numbers(category_code="DISPUTE") == ["CASE-000002"]
        assert numbers(responsible_id=o.colleague) == ["CASE-000002"]
        assert numbers(pool_id=o.iberia, status="open") == ["CASE-000002", "CASE-000001"]
        assert numbers(text="lopes") == ["CASE-000002"]  # the customer's name, any case
        assert numbers(text=o.ruiz.account) == ["CASE-000003", "CASE-000001"]
        assert numbers(text="50%") == ["CASE-000002"]  # % is a character, not a wildcard
        assert numbers(text="%") == ["CASE-000002"]
        assert numbers(text="case-000001") == ["CASE-000001"]
        assert numbers(text="nobody") == []
        assert numbers(limit=1) == ["CASE-000003"]
        assert list_cases(session, o.scope, TODAY, limit=2) == rows[:2]  # same figures
        assert autumn.id in {r.id for r in rows}
        with pytest.raises(CaseError, match="pending is not a status"):
            numbers(status="pending")
        everyone_pool = add_pool(session, "Gaul", "FR")
        with pytest.raises(ScopeError):
            numbers(pool_id=everyone_pool.id)


def test_the_dialog_choices_mark_what_is_in_this_and_other_cases(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        made = new_case(session, o, [o.a.id])
        other = new_case(session, o, [o.c.id], category="DISPUTE")
        # b is paid in full after the case took it: it stays listed, with nothing open.
        session.commit()
        add_transactions(session, o.scope, made.id, [o.b.id], NOW)
        payment = postings.post_payment(
            session, customer_id=o.ruiz.id, amount=D("500.00"), posting_date=TODAY, now=NOW
        )
        settlements.settle(session, {o.b.id: D("500.00"), payment.id: D("500.00")}, TODAY, NOW)
        session.commit()
        choices = case_transaction_choices(session, o.ruiz.id, TODAY, case_id=made.id)
        assert [(c.document_number, c.open_amount, c.included, c.other_case) for c in choices] == [
            ("INV-0000001", D("1034.56"), True, None),
            ("INV-0000002", D("0.00"), True, None),
            ("INV-0000003", D("99.95"), False, other.number),
        ]
        fresh = case_transaction_choices(session, o.ruiz.id, TODAY)
        assert [(c.document_number, c.included, c.other_case) for c in fresh] == [
            ("INV-0000001", False, "CASE-000001"),
            ("INV-0000003", False, "CASE-000002"),
        ]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amounts=st.lists(
        st.decimals(min_value=D("0.01"), max_value=D("900"), places=2), min_size=1, max_size=5
    ),
    paid=st.lists(st.integers(0, 100), min_size=5, max_size=5),
    pay_day=st.integers(0, 60),
    member=st.lists(st.booleans(), min_size=5, max_size=5),
    as_of=st.integers(-10, 70),
)
def test_a_cases_open_amount_is_the_sum_of_its_transactions(
    sqlite_db: Database, amounts, paid, pay_day, member, as_of
) -> None:
    """On any date, whatever was paid of which transaction and which ones the case holds."""
    start = dt.date(2026, 9, 1)
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        txns = [
            postings.post_invoice(
                session,
                customer_id=customer.id,
                amount=amount,
                posting_date=start + dt.timedelta(days=i * 7),
                now=NOW,
            )
            for i, amount in enumerate(amounts)
        ]
        for txn, percent in zip(txns, paid, strict=False):
            part = (txn.amount * percent / 100).quantize(D("0.01"))
            if part:
                day = txn.posting_date + dt.timedelta(days=pay_day)
                payment = postings.post_payment(
                    session, customer_id=customer.id, amount=part, posting_date=day, now=NOW
                )
                settlements.settle(session, {txn.id: part, payment.id: part}, day, NOW)
        chosen = [t.id for t, m in zip(txns, member, strict=False) if m]
        scope = company_scope(session)
        employee = Employee(number=f"E-{uuid.uuid4().hex[:8]}", name="P", updated_at=NOW)
        session.add(employee)
        session.flush()
        add_agent_for(session, employee)
        made = create_case(
            session,
            scope,
            customer.id,
            "COLL",
            "Property",
            NOW,
            responsible_id=employee.id,
            transaction_ids=chosen,
            created_by_id=employee.id,
        )
        day = start + dt.timedelta(days=as_of)
        (row,) = cases_of(session, customer.id, as_of=day)
        assert row.id == made.id
        assert row.transaction_count == len(chosen)
        assert row.open_amount == open_sum(session, chosen, day)
        session.rollback()


def add_agent_for(session, employee: Employee) -> None:
    session.add(CollectionsAgent(employee_id=employee.id, updated_at=NOW))
    session.flush()
