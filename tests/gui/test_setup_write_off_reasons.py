"""The Write-off reasons section: a reason saved through the form with its descriptions
in other languages, refusals shown, a stale copy refused, read-only for a clerk."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.actions.writeoff_plan import write_off_reasons
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Journal, JournalType, WriteOffReason
from collections_desktop.models.setup.write_off_reasons import (
    WriteOffReasonValues,
    save_write_off_reason,
)
from collections_desktop.views.setup.write_off_reasons import WriteOffReasonsSection
from tests.gui import setup_sections as shared
from tests.gui.reference_sections import choose, listed, read_only
from tests.gui.setup_sections import refused, saved

admin, runner, open_section = shared.admin, shared.runner, shared.open_section


@pytest.fixture
def section(open_section) -> WriteOffReasonsSection:
    shown = open_section("write_off_reasons")
    assert isinstance(shown, WriteOffReasonsSection)
    return shown


def test_a_new_reason_is_saved_with_its_account_and_translations(
    qtbot, section, sqlite_db: Database
) -> None:
    assert [row[0] for row in listed(section)] == ["DISPUTE", "GOODWILL", "SMALL", "UNCOLLECT"]
    section.new_action.trigger()
    section.code.setText("bankrupt")
    section.description_edit.setText("Customer declared bankrupt")
    section.account.setText("654000")
    section.texts.edits["es"].setText("Cliente en quiebra")
    saved(qtbot, section)
    assert ("BANKRUPT", "Customer declared bankrupt", "654000", "0") in listed(section)
    assert section.texts.edits["es"].text() == "Cliente en quiebra"
    with sqlite_db.sessions() as session:
        dialog = {r.code: r.description for r in write_off_reasons(session, "es")}
        assert dialog["BANKRUPT"] == "Cliente en quiebra"
        assert (
            session.scalars(select(WriteOffReason.ledger_account).filter_by(code="BANKRUPT")).one()
            == "654000"
        )


def test_refusals_are_shown_under_the_form(
    qtbot, section, sqlite_db: Database, clock: FixedClock
) -> None:
    with sqlite_db.sessions.begin() as session:
        session.add(
            Journal(
                number="GJ-1",
                type=JournalType.WRITE_OFF,
                journal_date=clock.today(),
                reason_code="SMALL",
                created_at=clock.now(),
            )
        )
    section.load()
    qtbot.waitUntil(lambda: not section.reads.is_loading, timeout=10_000)
    choose(section, "SMALL")
    section.account.setText("68 10")
    assert refused(qtbot, section) == "Ledger account cannot contain blanks."
    section.account.setText("")
    section.code.setText("TINY")
    assert refused(qtbot, section) == "The code of SMALL cannot change: 1 write-off used it."
    assert section.code.text() == "TINY"  # the typing stays


def test_an_edit_over_a_copy_someone_changed_is_refused(
    qtbot, section, sqlite_db: Database, clock: FixedClock, admin
) -> None:
    goodwill = choose(section, "GOODWILL")
    with sqlite_db.sessions.begin() as session:
        save_write_off_reason(
            session, goodwill.id, goodwill.version,
            WriteOffReasonValues("GOODWILL", "Commercial gesture"), by=admin, now=clock.now(),
        )  # fmt: skip
    section.description_edit.setText("Goodwill")
    assert refused(qtbot, section).startswith(
        "Write-off reason GOODWILL was changed by someone else since you opened it."
    )
    with sqlite_db.sessions() as session:
        assert session.get(WriteOffReason, goodwill.id).description == "Commercial gesture"  # type: ignore[union-attr]


def test_a_clerk_reads_the_reasons_only(open_section) -> None:
    section = open_section("write_off_reasons", administrator=False)
    assert read_only(section)
    assert section.code.text() == "DISPUTE"
