"""The letter sequences section: levels edited in the grid, their names and texts per
language in the tabs, refusals naming the level, a stale copy refused, a clerk's
read-only form."""

from __future__ import annotations

from decimal import Decimal

from collections_desktop.models.db.database import Database
from collections_desktop.models.letters.propose import level_sequences
from collections_desktop.models.setup.letter_sequences import list_letter_sequences
from collections_desktop.views.setup.letter_sequences import LetterSequencesSection
from tests.gui import setup_sections as shared
from tests.gui.setup_sections import cells, refused, saved, set_cell

admin, runner, open_section = shared.admin, shared.runner, shared.open_section
KEY = "letter_sequences"


def test_the_standard_sequence_and_the_texts_of_the_chosen_level(qtbot, open_section) -> None:
    section: LetterSequencesSection = open_section(KEY)
    assert (section.code.text(), section.scope.currentData()) == ("STD", "customer")
    assert cells(section.levels.table) == [
        ["Friendly reminder", "15", "0", "0.00"],
        ["Second reminder", "30", "14", "10.00"],
        ["Final notice", "60", "21", "25.00"],
    ]
    assert [section.texts.tabText(i) for i in range(4)] == [
        "English", "Spanish", "French", "Portuguese"
    ]  # fmt: skip
    assert section.texts_title.text() == "Texts of level 1"
    assert section.template_edits["en"].toPlainText().startswith("Dear {customer},")
    section.levels.table.setCurrentCell(2, 0)
    assert section.texts_title.text() == "Texts of level 3"
    assert "final notice" in section.template_edits["en"].toPlainText()
    assert not section.dirty


def test_texts_per_language_and_a_moved_level_are_saved(
    qtbot, open_section, sqlite_db: Database
) -> None:
    section: LetterSequencesSection = open_section(KEY)
    table = section.levels.table
    table.setCurrentCell(0, 0)
    section.name_edits["es"].setText("Recordatorio amable")
    section.template_edits["es"].setPlainText("Estimado {customer}: {total}.\n\n{items}")
    table.setCurrentCell(2, 0)
    section.template_edits["en"].setPlainText("Last notice, {customer}: pay {total} and {fee}.")
    set_cell(table, 2, 3, "30")
    section.levels.add_line()
    assert cells(table)[3] == ["", "75", "15", "30"]
    set_cell(table, 3, 0, "Agency")
    assert section.texts_title.text() == "Texts of level 4"
    section.template_edits["en"].setPlainText("Your account goes to our agency, {customer}.")
    saved(qtbot, section)
    with sqlite_db.sessions() as session:
        levels = level_sequences(session)["STD"].levels
        assert [(x.level, x.name, x.days_after_due, x.fee) for x in levels] == [
            (1, "Friendly reminder", 15, Decimal("0")),
            (2, "Second reminder", 30, Decimal("10")),
            (3, "Final notice", 60, Decimal("30")),
            (4, "Agency", 75, Decimal("30")),
        ]
        assert levels[2].template == "Last notice, {customer}: pay {total} and {fee}."
        first = list_letter_sequences(session)[0].levels[0]
        assert first.names["es"] == "Recordatorio amable"
        assert first.templates["es"] == "Estimado {customer}: {total}.\n\n{items}"
    # The texts move with their level.
    table.setCurrentCell(0, 0)
    section.levels.move_line(1)
    assert section.texts_title.text() == "Texts of level 2"
    assert section.name_edits["es"].text() == "Recordatorio amable"
    assert refused(qtbot, section) == (
        "Level 2 is due 15 days after the due date, before level 1 (30 days); each level "
        "comes after the one before."
    )


def test_a_wrong_placeholder_is_refused_with_the_known_ones(qtbot, open_section) -> None:
    section: LetterSequencesSection = open_section(KEY)
    section.levels.table.setCurrentCell(1, 0)
    section.texts.setCurrentIndex(1)
    section.template_edits["es"].setPlainText("Estimado {cliente}")
    assert refused(qtbot, section) == (
        "The text of level 2 in Spanish names {cliente}, which is not a placeholder; the "
        "placeholders "
        "are {customer}, {total}, {fee}, {items}, {company}."
    )
    set_cell(section.levels.table, 1, 3, "-5")
    assert refused(qtbot, section) == "The fee of level 2 may not be negative."


def test_an_edit_over_a_copy_saved_elsewhere_is_refused(
    qtbot, open_section, sqlite_db: Database
) -> None:
    mine = open_section(KEY)
    theirs = open_section(KEY)
    set_cell(theirs.levels.table, 0, 0, "Reminder")
    saved(qtbot, theirs)
    mine.name.setText("Reminders")
    assert refused(qtbot, mine).startswith(
        "Letter sequence STD was changed by someone else since you opened it."
    )
    with sqlite_db.sessions() as session:
        assert level_sequences(session)["STD"].levels[0].name == "Reminder"


def test_a_clerk_reads_every_level_but_changes_none(qtbot, open_section) -> None:
    section: LetterSequencesSection = open_section(KEY, administrator=False)
    assert section.read_only_note.isVisible()
    assert not section.fields.isEnabled()
    assert not section.save_button.isEnabled()
    # The levels and their texts stay browsable: another level, another language.
    assert section.levels.isEnabled()
    assert section.levels.add_button.isHidden()
    section.levels.table.setCurrentCell(2, 0)
    assert section.texts_title.text() == "Texts of level 3"
    section.texts.setCurrentIndex(1)
    spanish = section.template_edits["es"]
    assert spanish.isEnabled()
    assert spanish.isReadOnly()
    assert spanish.toPlainText()  # the seeded Spanish text of the final notice
    assert not section.dirty


def test_each_level_has_a_heading_for_the_customer_per_language(
    qtbot, open_section, sqlite_db: Database
) -> None:
    section: LetterSequencesSection = open_section(KEY)
    table = section.levels.table
    # Empty: what the customer reads instead is shown in each language.
    assert {lang: edit.text() for lang, edit in section.heading_edits.items()} == {
        "en": "", "es": "", "fr": "", "pt": ""
    }  # fmt: skip
    assert {lang: edit.placeholderText() for lang, edit in section.heading_edits.items()} == {
        "en": "Payment reminder",
        "es": "Recordatorio de pago",
        "fr": "Rappel de paiement",
        "pt": "Lembrete de pagamento",
    }
    table.setCurrentCell(2, 0)
    assert section.heading_edits["pt"].placeholderText() == "Último aviso"
    section.heading_edits["en"].setText("Final demand before legal action")
    section.heading_edits["fr"].setText("Mise en demeure")
    assert section.dirty
    saved(qtbot, section)
    with sqlite_db.sessions() as session:
        last = list_letter_sequences(session)[0].levels[2]
        assert (last.heading, dict(last.headings)) == (
            "Final demand before legal action",
            {"fr": "Mise en demeure"},
        )
        assert level_sequences(session)["STD"].levels[0].heading == ""
    # The headings stay with their level when another is chosen and back.
    table.setCurrentCell(0, 0)
    assert section.heading_edits["fr"].text() == ""
    table.setCurrentCell(2, 0)
    assert section.heading_edits["fr"].text() == "Mise en demeure"
