"""The Activity categories section: names per language saved through the form, a refusal
shown, a stale copy refused, read-only for a clerk; the activity dialog offers the active
categories in the user's language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.casework.categories import category_choices
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import ActivityCategory, BusinessText
from collections_desktop.models.setup.activity_categories import (
    ActivityCategoryValues,
    save_activity_category,
)
from collections_desktop.views.dialogs.activity_dialog import NewActivityDialog
from collections_desktop.views.setup.activity_categories import ActivityCategoriesSection
from tests.gui import setup_sections as shared
from tests.gui.reference_sections import choose, listed, read_only
from tests.gui.setup_sections import refused, saved

admin, runner, open_section = shared.admin, shared.runner, shared.open_section


@pytest.fixture
def section(open_section) -> ActivityCategoriesSection:
    shown = open_section("activity_categories")
    assert isinstance(shown, ActivityCategoriesSection)
    return shown


def test_the_categories_are_listed_with_their_names_and_use(section) -> None:
    assert listed(section)[:3] == [
        ("CALL", "Call", "Yes", "0"),
        ("CREDIT", "Credit review", "Yes", "0"),
        ("DISPUTE", "Dispute", "Yes", "0"),
    ]
    assert section.code.text() == "CALL"
    assert section.form.labelForField(section.name).text() == "&Name (English)"
    assert [section.texts.edits[lang].text() for lang in ("es", "fr", "pt")] == [
        "Llamada",
        "Appel",
        "Chamada",
    ]
    assert section.texts.edits["en"].isHidden()  # the company's language is the form's field


def test_a_new_category_is_saved_with_its_names_in_other_languages(
    qtbot, section, sqlite_db: Database
) -> None:
    section.new_action.trigger()
    assert section.active.isChecked()
    section.code.setText("legal")
    section.name.setText("Legal action")
    section.texts.edits["es"].setText("Acción judicial")
    section.texts.edits["fr"].setText("Action en justice")
    saved(qtbot, section)
    assert ("LEGAL", "Legal action", "Yes", "0") in listed(section)
    assert section.form_title.text() == "LEGAL"
    with sqlite_db.sessions() as session:
        legal = session.scalars(select(ActivityCategory).filter_by(code="LEGAL")).one()
        texts = dict(
            session.execute(
                select(BusinessText.language, BusinessText.text).where(
                    BusinessText.row_id == legal.id
                )
            ).all()
        )
    assert (legal.name, legal.active) == ("Legal action", True)
    assert texts == {"es": "Acción judicial", "fr": "Action en justice"}


def test_deactivating_is_saved_and_a_refusal_is_shown_under_the_form(
    qtbot, section, sqlite_db: Database
) -> None:
    choose(section, "VISIT")
    section.active.setChecked(False)
    saved(qtbot, section)
    assert ("VISIT", "Visit", "No", "0") in listed(section)
    choose(section, "EMAIL")
    section.code.setText("call")
    assert refused(qtbot, section) == "There is already an activity category CALL."
    assert section.dirty
    with sqlite_db.sessions() as session:
        assert "VISIT" not in {c.code for c in category_choices(session, "en")}


def test_an_edit_over_a_copy_someone_changed_is_refused(
    qtbot, section, sqlite_db: Database, clock: FixedClock, admin
) -> None:
    visit = choose(section, "VISIT")
    with sqlite_db.sessions.begin() as session:
        save_activity_category(
            session, visit.id, visit.version, ActivityCategoryValues("VISIT", "Site visit"),
            by=admin, now=clock.now(),
        )  # fmt: skip
    section.texts.edits["pt"].setText("Visita ao cliente")
    assert refused(qtbot, section).startswith(
        "Activity category VISIT was changed by someone else since you opened it."
    )
    with sqlite_db.sessions() as session:
        names = session.scalars(
            select(BusinessText.text).where(
                BusinessText.row_id == visit.id, BusinessText.language == "pt"
            )
        ).all()
    assert names == ["Visita"]


def test_a_clerk_reads_the_categories_only(open_section) -> None:
    section = open_section("activity_categories", administrator=False)
    assert read_only(section)
    assert section.name.text() == "Call"


def test_the_activity_dialog_offers_the_active_categories_in_the_users_language(
    qtbot, sqlite_db: Database, clock: FixedClock
) -> None:
    with sqlite_db.sessions.begin() as session:
        visit = session.scalars(select(ActivityCategory).filter_by(code="VISIT")).one()
        visit.active = False
    with sqlite_db.sessions() as session:
        choices = category_choices(session, "es")
    dialog = NewActivityDialog(clock.now(), categories=choices)
    qtbot.addWidget(dialog)
    offered = [dialog.category.itemText(i) for i in range(dialog.category.count())]
    assert offered == [
        "No category",
        "Carta",
        "Correo electrónico",
        "Disputa",
        "Llamada",
        "Nota",
        "Plan de pagos",
        "Promesa de pago",
        "Reunión",
        "Revisión de crédito",
        "Revisión de cuenta",
        "Seguimiento",
    ]  # by name, the inactive Visita left out
    dialog.category.setCurrentIndex(dialog.category.findText("Promesa de pago"))
    assert dialog.value().category == "PROMISE"
