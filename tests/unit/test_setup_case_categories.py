"""Case categories saved from the set-up: validated, versioned, kept while cases use them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import (
    CaseCategory,
    CollectionsCase,
    Customer,
    Employee,
)
from collections_desktop.models.setup.case_categories import (
    CaseCategoryValues,
    delete_case_category,
    list_case_categories,
    save_case_category,
)
from collections_desktop.models.setup.fields import SetupError


def employee(database: Database, now: dt.datetime, *, administrator: bool) -> uuid.UUID:
    with database.sessions.begin() as session:
        person = Employee(
            number=f"E-{uuid.uuid4().hex[:6]}",
            name="Ana Ruiz",
            is_administrator=administrator,
            updated_at=now,
        )
        session.add(person)
        session.flush()
        return person.id


def test_the_seeded_categories_are_listed_by_code_with_their_case_counts(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        rows = list_case_categories(session)
    assert [(row.code, row.type, row.cases) for row in rows] == [
        ("COLL", "collections", 0),
        ("DISPUTE", "collections", 0),
        ("LEGAL", "collections", 0),
        ("SERVICE", "service", 0),
    ]


def test_an_administrator_adds_and_renames_a_category(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions.begin() as session:
        added = save_case_category(
            session,
            None,
            0,
            CaseCategoryValues(" insolv ", "Insolvency", "collections"),
            by=admin,
            now=now,
        )
    with sqlite_db.sessions.begin() as session:
        save_case_category(
            session,
            added,
            1,
            CaseCategoryValues("INSOLV", "Insolvency proceedings", "collections"),
            by=admin,
            now=now,
        )
    with sqlite_db.sessions() as session:
        row = next(r for r in list_case_categories(session) if r.id == added)
    assert (row.code, row.name, row.version) == ("INSOLV", "Insolvency proceedings", 2)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (CaseCategoryValues("", "Name", "collections"), "Code is required."),
        (CaseCategoryValues("X", "  ", "collections"), "Name is required."),
        (
            CaseCategoryValues("X" * 31, "Name", "collections"),
            "Code is too long: at most 30 characters.",
        ),
        (CaseCategoryValues("X", "Name", "legal"), "Type must be one of the listed types."),
        (
            CaseCategoryValues("coll", "Again", "collections"),
            "There is already a case category COLL.",
        ),
    ],
)
def test_a_category_that_does_not_hold_is_refused_with_the_field_named(
    sqlite_db: Database, clock: FixedClock, values: CaseCategoryValues, message: str
) -> None:
    admin = employee(sqlite_db, clock.now(), administrator=True)
    with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
        save_case_category(session, None, 0, values, by=admin, now=clock.now())
    assert str(refused.value) == message
    with sqlite_db.sessions() as session:
        assert len(list_case_categories(session)) == 4


def test_a_user_who_is_not_an_administrator_changes_nothing(
    sqlite_db: Database, clock: FixedClock
) -> None:
    clerk = employee(sqlite_db, clock.now(), administrator=False)
    for by in (clerk, None):
        with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
            save_case_category(
                session,
                None,
                0,
                CaseCategoryValues("NEW", "New", "collections"),
                by=by,
                now=clock.now(),
            )
        assert str(refused.value) == "Only an administrator may change the company's set-up."


def test_an_edit_over_a_stale_copy_is_refused(sqlite_db: Database, clock: FixedClock) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions() as session:
        legal = next(r for r in list_case_categories(session) if r.code == "LEGAL")
    with sqlite_db.sessions.begin() as session:
        save_case_category(
            session,
            legal.id,
            legal.version,
            CaseCategoryValues("LEGAL", "Lawyers", "collections"),
            by=admin,
            now=now,
        )
    with pytest.raises(StaleEditError) as refused, sqlite_db.sessions.begin() as session:
        save_case_category(
            session,
            legal.id,
            legal.version,
            CaseCategoryValues("LEGAL", "Court", "collections"),
            by=admin,
            now=now,
        )
    assert str(refused.value) == (
        "Case category LEGAL was changed by someone else since you opened it. Your changes "
        "were not saved: reload it and make them again."
    )
    with sqlite_db.sessions() as session:
        assert session.get(CaseCategory, legal.id).name == "Lawyers"  # type: ignore[union-attr]


def test_a_category_cases_use_keeps_its_code_and_is_not_deleted(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions.begin() as session:
        legal = session.query(CaseCategory).filter_by(code="LEGAL").one()
        customer = Customer(account="C-1", name="Ruiz SL", currency="EUR", updated_at=now)
        session.add(customer)
        session.flush()
        session.add(
            CollectionsCase(
                number="CASE-1",
                customer_id=customer.id,
                category_id=legal.id,
                description="Court claim",
                opened_at=now,
                updated_at=now,
            )
        )
        legal_id, version = legal.id, legal.version
    with pytest.raises(SetupError) as renamed, sqlite_db.sessions.begin() as session:
        save_case_category(
            session,
            legal_id,
            version,
            CaseCategoryValues("COURT", "Court", "collections"),
            by=admin,
            now=now,
        )
    assert str(renamed.value) == "The code of LEGAL cannot change: a case uses it."
    with pytest.raises(SetupError) as deleted, sqlite_db.sessions.begin() as session:
        delete_case_category(session, legal_id, version, by=admin, now=now)
    assert str(deleted.value) == "LEGAL cannot be deleted: a case uses it."
    with sqlite_db.sessions.begin() as session:
        service = session.query(CaseCategory).filter_by(code="SERVICE").one()
        delete_case_category(session, service.id, service.version, by=admin, now=now)
    with pytest.raises(SetupError) as again, sqlite_db.sessions.begin() as session:
        save_case_category(
            session, None, 0, CaseCategoryValues("service", "Service", "service"), by=admin, now=now
        )
    assert str(again.value) == ("SERVICE was the code of a deleted case category: choose another.")
    with sqlite_db.sessions() as session:
        assert [r.code for r in list_case_categories(session)] == ["COLL", "DISPUTE", "LEGAL"]
        assert session.get(CaseCategory, service.id).deleted_at is not None  # type: ignore[union-attr]
