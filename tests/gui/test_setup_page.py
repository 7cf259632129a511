"""The Set-up page and its frame, through the case categories section: list, form, save,
refusals, stale copies, deletion and the read-only form of a user who is not an administrator."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QMessageBox

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import CaseCategory
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.setup.case_categories import (
    CaseCategoryValues,
    save_case_category,
)
from collections_desktop.views.pages.setup_page import SetupPage
from collections_desktop.views.setup.case_categories import CaseCategoriesSection
from collections_desktop.views.setup.sections import SETUP_SECTIONS
from collections_desktop.views.tasks import TaskRunner
from tests.gui import setup_sections as shared
from tests.gui.conftest import page_context

admin, runner = shared.admin, shared.runner


@pytest.fixture
def open_page(
    qtbot, sqlite_db: Database, runner: TaskRunner, clock: FixedClock, admin: uuid.UUID
) -> Callable[..., SetupPage]:
    def build(*, administrator: bool = True) -> SetupPage:
        with sqlite_db.sessions() as session:
            scope = company_scope(session)
        context = page_context(
            sqlite_db,
            runner,
            scope,
            admin if administrator else None,
            clock,
            may_change_setup=administrator,
        )
        page = SetupPage(context)
        qtbot.addWidget(page)
        page.resize(1300, 700)
        page.show()
        return page

    return build


def categories(qtbot, page: SetupPage) -> CaseCategoriesSection:
    section = page.show_section("case_categories")
    assert isinstance(section, CaseCategoriesSection)
    qtbot.waitUntil(lambda: not section.reads.is_loading and bool(section.rows), timeout=10_000)
    return section


def listed(section: CaseCategoriesSection) -> list[tuple[str, str, str, str]]:
    model = section.grid.model
    return [
        tuple(str(model.index(r, c).data()) for c in range(4))  # type: ignore[misc]
        for r in range(model.rowCount())
    ]


def saved(qtbot, section: CaseCategoriesSection) -> None:
    with qtbot.waitSignal(section.saved, timeout=10_000):
        section.save_button.click()
    qtbot.waitUntil(lambda: not section.reads.is_loading, timeout=10_000)


def test_the_page_lists_its_sections_and_shows_the_first_when_opened(qtbot, open_page) -> None:
    page = open_page()
    page.activate()
    titles = [page.section_list.item(row).text() for row in range(page.section_list.count())]
    assert titles[0] == "Receivables parameters"
    assert "Case categories" in titles
    assert page.current_section is not None
    assert page.current_section.key == SETUP_SECTIONS[0].key
    section = categories(qtbot, page)
    assert listed(section) == [
        ("COLL", "Collections", "Collections", "0"),
        ("DISPUTE", "Disputed invoices", "Collections", "0"),
        ("LEGAL", "Legal action", "Collections", "0"),
        ("SERVICE", "Customer service", "Customer service", "0"),
    ]
    assert section.grid.title.text() == "4 rows"
    assert section.form_title.text() == "COLL"  # the first row is in the form
    assert section.code.text() == "COLL"
    assert not section.save_button.isEnabled()


def test_a_new_category_is_saved_listed_and_selected(qtbot, open_page, sqlite_db: Database) -> None:
    page = open_page()
    section = categories(qtbot, page)
    section.new_action.trigger()
    assert section.form_title.text() == "New case category"
    assert section.code.text() == ""
    assert section.fields.isEnabled()
    section.code.setText("insolv")
    section.name.setText("Insolvency")
    assert section.save_button.isEnabled()
    saved(qtbot, section)
    assert ("INSOLV", "Insolvency", "Collections", "0") in listed(section)
    assert section.form_title.text() == "INSOLV"
    assert section.code.text() == "INSOLV"
    assert section.message.isHidden()
    with sqlite_db.sessions() as session:
        assert session.query(CaseCategory).filter_by(code="INSOLV").one().name == "Insolvency"


def test_a_refusal_is_shown_under_the_form_and_the_typing_stays(qtbot, open_page) -> None:
    page = open_page()
    section = categories(qtbot, page)
    statuses: list[str] = []
    section.status_changed.connect(statuses.append)
    section.select_id(section.rows[2].id)  # LEGAL
    section.code.setText("coll")
    section.save_button.click()
    qtbot.waitUntil(lambda: section.message.isVisible(), timeout=10_000)
    assert section.message.text() == "There is already a case category COLL."
    assert statuses[-1] == "There is already a case category COLL."
    assert section.code.text() == "coll"
    assert section.dirty
    section.revert_button.click()
    assert section.code.text() == "LEGAL"
    assert not section.dirty


def test_an_edit_over_a_copy_someone_changed_is_refused(
    qtbot, open_page, sqlite_db: Database, clock: FixedClock, admin: uuid.UUID
) -> None:
    page = open_page()
    section = categories(qtbot, page)
    legal = section.rows[2]
    section.select_id(legal.id)
    with sqlite_db.sessions.begin() as session:  # another user saves first
        save_case_category(
            session,
            legal.id,
            legal.version,
            CaseCategoryValues("LEGAL", "Lawyers", "collections"),
            by=admin,
            now=clock.now(),
        )
    section.name.setText("Court")
    section.save_button.click()
    qtbot.waitUntil(lambda: section.message.isVisible(), timeout=10_000)
    assert section.message.text().startswith(
        "Case category LEGAL was changed by someone else since you opened it."
    )
    with sqlite_db.sessions() as session:
        assert session.get(CaseCategory, legal.id).name == "Lawyers"  # type: ignore[union-attr]


def test_a_category_is_deleted_after_asking(
    qtbot, open_page, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page()
    section = categories(qtbot, page)
    asked: list[str] = []

    def answer(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    section.select_id(section.rows[3].id)  # SERVICE
    with qtbot.waitSignal(section.saved, timeout=10_000):
        section.delete_action.trigger()
    qtbot.waitUntil(lambda: len(section.rows) == 3, timeout=10_000)
    assert asked == ["Delete the case category SERVICE?"]
    assert [row[0] for row in listed(section)] == ["COLL", "DISPUTE", "LEGAL"]


def test_changing_rows_with_unsaved_changes_asks_first(
    qtbot, open_page, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page()
    section = categories(qtbot, page)
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *_a: QMessageBox.StandardButton.No)
    )
    section.name.setText("Collections (all)")
    section.grid.view.selectRow(1)
    assert section.current is section.rows[0]
    assert section.name.text() == "Collections (all)"
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *_a: QMessageBox.StandardButton.Yes)
    )
    section.grid.view.selectRow(1)
    assert section.code.text() == "DISPUTE"
    assert not section.dirty


def test_a_user_who_is_not_an_administrator_reads_the_set_up_only(qtbot, open_page) -> None:
    page = open_page(administrator=False)
    section = categories(qtbot, page)
    assert section.read_only_note.isVisible()
    assert section.read_only_note.text() == (
        "Only an administrator may change the set-up: you can read it here."
    )
    assert section.code.text() == "COLL"
    assert not section.fields.isEnabled()
    assert not section.new_action.isEnabled()
    assert not section.save_button.isEnabled()
    assert not section.delete_action.isEnabled()


def test_the_section_last_shown_comes_back(qtbot, open_page) -> None:
    page = open_page()
    page.show_section("case_categories")
    state = page.save_state()
    assert state == {"section": b"case_categories"}
    again = open_page()
    qtbot.waitUntil(lambda: not page.current_section.reads.is_loading, timeout=10_000)
    again.restore_state(state)
    again.activate()
    assert again.current_section is not None
    assert again.current_section.key == "case_categories"
    qtbot.waitUntil(lambda: not again.is_loading, timeout=10_000)
