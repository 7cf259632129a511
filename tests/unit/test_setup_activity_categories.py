"""Activity categories: seeded in four languages, edited from the set-up, offered to
activities while active, kept while activities use them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from collections_desktop.i18n import set_language
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.casework.activities import (
    ActivityError,
    activity_details,
    create_activity,
    edit_activity,
)
from collections_desktop.models.casework.categories import category_choices, category_names
from collections_desktop.models.company.reference import seed_reference_data
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import (
    Activity,
    ActivityCategory,
    BusinessText,
    CollectionsAgent,
    Employee,
    ReceivablesParameters,
)
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.activity_list import list_activities
from collections_desktop.models.setup.activity_categories import (
    ActivityCategoryValues,
    delete_activity_category,
    list_activity_categories,
    save_activity_category,
)
from collections_desktop.models.setup.fields import SetupError

EVERYTHING = AgentScope("admin", {}, {}, None, True)

SEEDED = [
    "CALL",
    "CREDIT",
    "DISPUTE",
    "EMAIL",
    "FOLLOWUP",
    "LETTER",
    "MEETING",
    "NOTE",
    "PAYPLAN",
    "PROMISE",
    "REVIEW",
    "VISIT",
]


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


def agent(database: Database, now: dt.datetime) -> uuid.UUID:
    person = employee(database, now, administrator=False)
    with database.sessions.begin() as session:
        session.add(CollectionsAgent(employee_id=person, may_view_all_pools=True, updated_at=now))
    return person


def add_activity(session, me: uuid.UUID, now: dt.datetime, category: str | None) -> Activity:
    return create_activity(
        session,
        EVERYTHING,
        now=now,
        responsible_id=me,
        type="task",
        purpose="Call the customer",
        category=category,
        start_at=now,
        end_at=now,
    )


def by_code(session, code: str):
    return next(row for row in list_activity_categories(session, "en") if row.code == code)


def test_a_new_company_has_the_common_categories_in_four_languages(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        rows = list_activity_categories(session, "es")
        assert [row.code for row in rows] == SEEDED
        promise = next(row for row in rows if row.code == "PROMISE")
        assert (promise.name, promise.shown, promise.active, promise.activities) == (
            "Promise to pay",
            "Promesa de pago",
            True,
            0,
        )
        assert promise.translations == {
            "es": "Promesa de pago",
            "fr": "Promesse de paiement",
            "pt": "Promessa de pagamento",
        }
        assert category_names(session, "fr")["FOLLOWUP"] == "Relance"
        assert category_names(session, "pt")["DISPUTE"] == "Contestação"
        assert category_names(session, "en")["EMAIL"] == "E-mail"
        texts = session.scalars(
            select(BusinessText.language).where(BusinessText.table_name == "activity_categories")
        ).all()
        assert sorted(set(texts)) == ["es", "fr", "pt"]
        assert len(texts) == 3 * len(SEEDED)


def test_a_spanish_company_names_its_categories_in_spanish_and_keeps_english_beside(
    sqlite_db: Database, clock: FixedClock
) -> None:
    with sqlite_db.sessions.begin() as session:
        for category in session.scalars(select(ActivityCategory)):
            session.delete(category)
        session.execute(BusinessText.__table__.delete())
        session.scalars(select(ReceivablesParameters)).one().language = "es"
        seed_reference_data(session, clock.now())
    with sqlite_db.sessions() as session:
        call = next(r for r in list_activity_categories(session, "en") if r.code == "CALL")
        assert (call.name, call.shown) == ("Llamada", "Call")
        assert call.translations == {"en": "Call", "fr": "Appel", "pt": "Chamada"}


def test_seeding_again_adds_only_what_is_missing(sqlite_db: Database, clock: FixedClock) -> None:
    with sqlite_db.sessions.begin() as session:
        visit = session.scalars(select(ActivityCategory).filter_by(code="VISIT")).one()
        visit.name = "Site visit"
        session.delete(session.scalars(select(ActivityCategory).filter_by(code="REVIEW")).one())
        seed_reference_data(session, clock.now())
    with sqlite_db.sessions() as session:
        assert [row.code for row in list_activity_categories(session, "en")] == SEEDED
        assert by_code(session, "VISIT").name == "Site visit"
        assert by_code(session, "REVIEW").translations["es"] == "Revisión de cuenta"


def test_an_administrator_adds_a_category_with_its_translations(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions.begin() as session:
        added = save_activity_category(
            session,
            None,
            0,
            ActivityCategoryValues(
                " legal ",
                " Legal action ",
                True,
                {"es": " Acción judicial ", "fr": "Action en justice", "pt": ""},
            ),
            by=admin,
            now=now,
        )
    with sqlite_db.sessions() as session:
        row = by_code(session, "LEGAL")
        assert (row.id, row.name, row.active, row.version) == (added, "Legal action", True, 1)
        assert row.translations == {"es": "Acción judicial", "fr": "Action en justice", "pt": ""}
        assert category_names(session, "pt")["LEGAL"] == "Legal action"  # none kept: own text
    with sqlite_db.sessions.begin() as session:
        save_activity_category(
            session,
            added,
            1,
            ActivityCategoryValues(
                "LEGAL", "Court", False, {"es": "", "fr": "Tribunal", "pt": "Tribunal"}
            ),
            by=admin,
            now=now,
        )
    with sqlite_db.sessions() as session:
        row = by_code(session, "LEGAL")
        assert (row.name, row.active, row.version) == ("Court", False, 2)
        assert row.translations == {"es": "", "fr": "Tribunal", "pt": "Tribunal"}
        assert "LEGAL" not in {choice.code for choice in category_choices(session, "en")}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (ActivityCategoryValues("", "Name"), "Code is required."),
        (ActivityCategoryValues("A B", "Name"), "Code cannot contain blanks."),
        (ActivityCategoryValues("X" * 31, "Name"), "Code is too long: at most 30 characters."),
        (ActivityCategoryValues("X", " "), "Name is required."),
        (ActivityCategoryValues("X", "N" * 101), "Name is too long: at most 100 characters."),
        (
            ActivityCategoryValues("X", "Name", True, {"fr": "N" * 101}),
            "Name (French) is too long: at most 100 characters.",
        ),
        (ActivityCategoryValues("call", "Again"), "There is already an activity category CALL."),
    ],
)
def test_a_category_that_does_not_hold_is_refused_with_the_field_named(
    sqlite_db: Database, clock: FixedClock, values: ActivityCategoryValues, message: str
) -> None:
    admin = employee(sqlite_db, clock.now(), administrator=True)
    with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
        save_activity_category(session, None, 0, values, by=admin, now=clock.now())
    assert str(refused.value) == message
    with sqlite_db.sessions() as session:
        assert len(list_activity_categories(session, "en")) == len(SEEDED)


def test_a_user_who_is_not_an_administrator_changes_nothing(
    sqlite_db: Database, clock: FixedClock
) -> None:
    clerk = employee(sqlite_db, clock.now(), administrator=False)
    with sqlite_db.sessions() as session:
        call = by_code(session, "CALL")
    for by in (clerk, None):
        with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
            save_activity_category(
                session, None, 0, ActivityCategoryValues("NEW", "New"), by=by, now=clock.now()
            )
        assert str(refused.value) == "Only an administrator may change the company's set-up."
        with pytest.raises(SetupError), sqlite_db.sessions.begin() as session:
            delete_activity_category(session, call.id, call.version, by=by, now=clock.now())


def test_an_edit_over_a_stale_copy_is_refused(sqlite_db: Database, clock: FixedClock) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions() as session:
        visit = by_code(session, "VISIT")
    with sqlite_db.sessions.begin() as session:
        save_activity_category(
            session, visit.id, visit.version, ActivityCategoryValues("VISIT", "Site visit"),
            by=admin, now=now,
        )  # fmt: skip
    with pytest.raises(StaleEditError) as refused, sqlite_db.sessions.begin() as session:
        save_activity_category(
            session, visit.id, visit.version, ActivityCategoryValues("VISIT", "Call round"),
            by=admin, now=now,
        )  # fmt: skip
    assert str(refused.value) == (
        "Activity category VISIT was changed by someone else since you opened it. Your "
        "changes were not saved: reload it and make them again."
    )
    with sqlite_db.sessions() as session:
        assert by_code(session, "VISIT").name == "Site visit"
        assert by_code(session, "REVIEW").translations["es"] == "Revisión de cuenta"


def test_a_category_in_use_keeps_its_code_and_is_deactivated_not_deleted(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    me = agent(sqlite_db, now)
    with sqlite_db.sessions.begin() as session:
        add_activity(session, me, now, "VISIT")
        add_activity(session, me, now, "VISIT")
    with sqlite_db.sessions() as session:
        visit = by_code(session, "VISIT")
        follow_up = by_code(session, "FOLLOWUP")
        email = by_code(session, "EMAIL")
    assert visit.activities == 2
    with pytest.raises(SetupError) as renamed, sqlite_db.sessions.begin() as session:
        save_activity_category(
            session, visit.id, visit.version, ActivityCategoryValues("TRIP", "Trip"),
            by=admin, now=now,
        )  # fmt: skip
    assert str(renamed.value) == "The code of VISIT cannot change: 2 activities use it."
    with pytest.raises(SetupError) as deleted, sqlite_db.sessions.begin() as session:
        delete_activity_category(session, visit.id, visit.version, by=admin, now=now)
    assert str(deleted.value) == (
        "VISIT cannot be deleted: 2 activities use it. Clear Active instead, so it is no "
        "longer offered."
    )
    with pytest.raises(SetupError) as app_own, sqlite_db.sessions.begin() as session:
        delete_activity_category(session, follow_up.id, follow_up.version, by=admin, now=now)
    assert str(app_own.value) == (
        "FOLLOWUP cannot be deleted: the app gives it to the follow-up tasks of broken "
        "promises. Clear Active instead."
    )
    with sqlite_db.sessions.begin() as session:
        save_activity_category(
            session, visit.id, visit.version, ActivityCategoryValues("VISIT", "Visit", False),
            by=admin, now=now,
        )  # fmt: skip
        delete_activity_category(session, email.id, email.version, by=admin, now=now)
    with sqlite_db.sessions() as session:
        codes = [row.code for row in list_activity_categories(session, "en")]
        assert "EMAIL" not in codes
        assert "VISIT" in codes
        assert session.scalars(
            select(BusinessText.deleted_at).where(BusinessText.row_id == email.id)
        ).all() == [now, now, now]
        choices = [choice.code for choice in category_choices(session, "en")]
        assert "VISIT" not in choices
        assert "EMAIL" not in choices
        assert [c.code for c in category_choices(session, "en", keep="VISIT")].count("VISIT") == 1
    with sqlite_db.sessions.begin() as session:  # a deleted code comes back when added again
        again = save_activity_category(
            session, None, 0, ActivityCategoryValues("email", "Mail"), by=admin, now=now
        )
    assert again == email.id
    with sqlite_db.sessions() as session:
        row = by_code(session, "EMAIL")
        assert (row.name, row.active, row.translations["es"]) == ("Mail", True, "")


def test_activities_take_active_categories_and_show_their_names(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    me = agent(sqlite_db, now)
    scope = EVERYTHING
    with sqlite_db.sessions.begin() as session:
        made = add_activity(session, me, now, "PROMISE")
        old = add_activity(session, me, now, None)
        old.category = "Callback"  # free text written before categories
    with sqlite_db.sessions() as session:
        details = activity_details(session, scope, made.id, as_of=now.date())
        assert (details.category, details.category_name) == ("PROMISE", "Promise to pay")
        visit = by_code(session, "VISIT")
    with sqlite_db.sessions.begin() as session:
        save_activity_category(
            session, visit.id, visit.version, ActivityCategoryValues("VISIT", "Visit", False),
            by=admin, now=now,
        )  # fmt: skip
    with pytest.raises(ActivityError) as inactive, sqlite_db.sessions.begin() as session:
        add_activity(session, me, now, "VISIT")
    assert str(inactive.value) == "The activity category VISIT is no longer in use. Choose another."
    with sqlite_db.sessions.begin() as session:  # an edit keeps the old free text
        edit_activity(
            session, scope, old.id, now, expected_version=1, type="task", category="Callback",
            purpose="Call back", responsible_id=me, start_at=now, end_at=now, memo=None,
            case_id=None, employee_id=me,
        )  # fmt: skip
        assert session.get(Activity, old.id).category == "Callback"  # type: ignore[union-attr]


def test_the_activity_list_shows_and_filters_by_the_name_in_the_users_language(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    me = agent(sqlite_db, now)
    with sqlite_db.sessions.begin() as session:
        promise = add_activity(session, me, now, "PROMISE")
        add_activity(session, me, now, "CALL")
        legacy = add_activity(session, me, now, None)
        legacy.category = "Callback"
    set_language("es")
    try:
        with sqlite_db.sessions() as session:
            shown = list_activities(session, EVERYTHING, now.date(), employee_id=me).rows
            found = list_activities(
                session, EVERYTHING, now.date(), employee_id=me, text="promesa"
            ).rows
    finally:
        set_language("en")
    assert sorted(row.category or "" for row in shown) == ["Callback", "Llamada", "Promesa de pago"]
    assert [row.id for row in found] == [promise.id]
