"""The Posting profiles section: a profile saved through the form, refusals shown (the
default profile stays), a stale copy refused, read-only for a clerk."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import PostingProfile
from collections_desktop.models.setup.posting_profiles import (
    PostingProfileValues,
    save_posting_profile,
)
from collections_desktop.views.setup.posting_profiles import PostingProfilesSection
from tests.gui import setup_sections as shared
from tests.gui.reference_sections import choose, listed, read_only
from tests.gui.setup_sections import refused, saved

admin, runner, open_section = shared.admin, shared.runner, shared.open_section


@pytest.fixture
def section(open_section) -> PostingProfilesSection:
    shown = open_section("posting_profiles")
    assert isinstance(shown, PostingProfilesSection)
    return shown


def test_a_new_profile_is_saved_and_listed(qtbot, section, sqlite_db: Database) -> None:
    assert listed(section) == [("GEN", "General (default)", "130000", "—", "0")]
    assert section.code.isReadOnly()  # the default profile keeps its code
    section.new_action.trigger()
    assert not section.code.isReadOnly()
    section.code.setText("export")
    section.name.setText("Export customers")
    section.receivables.setText("130100")
    section.write_off.setText("681100")
    saved(qtbot, section)
    assert listed(section) == [
        ("EXPORT", "Export customers", "130100", "681100", "0"),
        ("GEN", "General (default)", "130000", "—", "0"),
    ]
    with sqlite_db.sessions() as session:
        profile = session.query(PostingProfile).filter_by(code="EXPORT").one()
        assert (profile.receivables_account, profile.write_off_account) == ("130100", "681100")


def test_refusals_are_shown_and_the_default_profile_is_not_deleted(
    qtbot, section, monkeypatch: pytest.MonkeyPatch
) -> None:
    section.receivables.setText("")
    assert refused(qtbot, section) == "Receivables account is required."
    section.revert_button.click()
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *_a: QMessageBox.StandardButton.Yes)
    )
    section.delete_action.trigger()
    qtbot.waitUntil(lambda: section.message.isVisible(), timeout=10_000)
    assert section.message.text() == (
        "GEN cannot be deleted: it is the default profile, which new and imported customers get."
    )
    assert [row[0] for row in listed(section)] == ["GEN"]


def test_an_edit_over_a_copy_someone_changed_is_refused(
    qtbot, section, sqlite_db: Database, clock: FixedClock, admin
) -> None:
    general = choose(section, "GEN")
    with sqlite_db.sessions.begin() as session:
        save_posting_profile(
            session, general.id, general.version, PostingProfileValues("GEN", "Main", "130000"),
            by=admin, now=clock.now(),
        )  # fmt: skip
    section.receivables.setText("139000")
    assert refused(qtbot, section).startswith(
        "Posting profile GEN was changed by someone else since you opened it."
    )
    with sqlite_db.sessions() as session:
        assert session.get(PostingProfile, general.id).receivables_account == "130000"  # type: ignore[union-attr]


def test_a_clerk_reads_the_profiles_only(open_section) -> None:
    section = open_section("posting_profiles", administrator=False)
    assert read_only(section)
    assert section.receivables.text() == "130000"
