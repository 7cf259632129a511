"""The aging periods section: periods added, moved and removed in the grid, labels per
language, the aging's refusals on screen, a stale copy refused, a clerk's read-only form."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QMessageBox
from sqlalchemy import select

from collections_desktop.models.aging.definitions import load_definition
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import AgingDefinition
from collections_desktop.models.texts.business import all_texts
from collections_desktop.views.setup.aging_definitions import AgingDefinitionsSection
from tests.gui import setup_sections as shared
from tests.gui.setup_sections import cells, refused, saved, set_cell

admin, runner, open_section = shared.admin, shared.runner, shared.open_section

KEY = "aging_definitions"


def test_the_standard_definition_is_listed_with_its_periods(qtbot, open_section) -> None:
    section: AgingDefinitionsSection = open_section(KEY)
    model = section.grid.model
    assert [model.index(0, c).data() for c in range(5)] == ["Standard", "Due date", "5", "Yes", "0"]
    assert section.name.text() == "Standard"
    assert section.basis.currentText() == "Due date"
    headers = [section.periods.table.horizontalHeaderItem(c).text() for c in range(6)]
    assert headers == ["Label (English)", "From day", "To day", "Spanish", "French", "Portuguese"]
    # The built-in labels come with their texts in the other languages.
    assert cells(section.periods.table)[-1] == [
        "Over 120 days",
        "121",
        "",
        "Más de 120 días",
        "Plus de 120 jours",
        "Mais de 120 dias",
    ]


def test_a_new_definition_with_periods_added_moved_and_removed(
    qtbot, open_section, sqlite_db: Database
) -> None:
    section: AgingDefinitionsSection = open_section(KEY)
    section.new_action.trigger()
    assert section.form_title.text() == "New aging definition"
    table = section.periods.table
    assert cells(table) == [["", "1", "30", "", "", ""], ["", "31", "60", "", "", ""],
                            ["", "61", "", "", "", ""]]  # fmt: skip
    section.name.setText("Quarters")
    section.basis.setCurrentIndex(section.basis.findData("document_date"))
    section.periods.add_line()  # closes the open period at 90 days, the new one is open
    assert cells(table)[2:] == [["", "61", "90", "", "", ""], ["", "91", "", "", "", ""]]
    section.periods.table.setCurrentCell(1, 0)
    section.periods.remove_line()
    for row, (label, start, end, spanish) in enumerate(
        [("1-30", "1", "30", "1-30 días"), ("31-90", "31", "90", ""), ("Older", "91", "", "Más")]
    ):
        set_cell(table, row, 0, label)
        set_cell(table, row, 1, start)
        set_cell(table, row, 2, end)
        set_cell(table, row, 3, spanish)
    assert section.save_button.isEnabled()
    saved(qtbot, section)
    assert section.form_title.text() == "Quarters"
    assert cells(table) == [
        ["1-30", "1", "30", "1-30 días", "", ""],
        ["31-90", "31", "90", "", "", ""],
        ["Older", "91", "", "Más", "", ""],
    ]
    with sqlite_db.sessions() as session:
        definition_id = session.scalar(
            select(AgingDefinition.id).where(AgingDefinition.name == "Quarters")
        )
        definition = load_definition(session, definition_id)
        assert str(definition.basis) == "document_date"
        assert [(p.label, p.from_days, p.to_days) for p in definition.periods] == [
            ("1-30", 1, 30), ("31-90", 31, 90), ("Older", 91, None)
        ]  # fmt: skip
    # Move the last period up: the aging refuses the order, with its message.
    table.setCurrentCell(2, 0)
    section.periods.move_line(-1)
    assert [row[0] for row in cells(table)] == ["1-30", "Older", "31-90"]
    assert refused(qtbot, section) == (
        "Period “Older” starts at day 91; it must start at day 31 so that no day is left out "
        "or counted twice."
    )
    section.periods.move_line(1)
    assert [row[0] for row in cells(table)] == ["1-30", "31-90", "Older"]
    saved(qtbot, section)
    with sqlite_db.sessions() as session:
        last = load_definition(session, definition_id).periods[-1]
        assert last.label == "Older"


def test_a_field_that_is_no_number_is_refused_before_saving(qtbot, open_section) -> None:
    section: AgingDefinitionsSection = open_section(KEY)
    set_cell(section.periods.table, 1, 2, "sixty")
    assert refused(qtbot, section) == "To day of period 2 must be a whole number, not “sixty”."


def test_an_edit_over_a_copy_saved_elsewhere_is_refused(
    qtbot, open_section, sqlite_db: Database
) -> None:
    mine = open_section(KEY)
    theirs = open_section(KEY)
    set_cell(theirs.periods.table, 0, 3, "1 a 30 días")
    saved(qtbot, theirs)
    mine.name.setText("Standard (due)")
    assert refused(qtbot, mine) == (
        "Aging definition “Standard” was changed by someone else since you opened it. Your "
        "changes were not saved: reload it and make them again."
    )
    with sqlite_db.sessions() as session:
        row = session.scalars(select(AgingDefinition)).one()
        assert row.name == "Standard"
        first = theirs.rows[0].periods[0]
        assert all_texts(session, "aging_periods", first.id, "label") == {
            "es": "1 a 30 días",
            "fr": "1-30 jours",
            "pt": "1-30 dias",
        }


def test_a_clerk_reads_the_periods_only(qtbot, open_section) -> None:
    section: AgingDefinitionsSection = open_section(KEY, administrator=False)
    assert section.read_only_note.isVisible()
    assert not section.fields.isEnabled()
    assert section.periods.add_button.isHidden()
    table = section.periods.table
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    table.setCurrentCell(4, 3)  # the lines can still be browsed
    assert table.currentRow() == 4
    assert not section.new_action.isEnabled()
    assert cells(section.periods.table)[0][:3] == ["1-30 days", "1", "30"]


def test_the_default_definition_is_not_deleted(qtbot, open_section, monkeypatch) -> None:
    section: AgingDefinitionsSection = open_section(KEY)
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *_a: QMessageBox.StandardButton.Yes)
    )
    section.delete_action.trigger()
    qtbot.waitUntil(lambda: section.message.isVisible(), timeout=10_000)
    assert section.message.text() == (
        "“Standard” is the company's default aging definition; choose another default in "
        "the receivables parameters first."
    )
    assert [row.name for row in section.rows] == ["Standard"]


def test_a_cell_still_being_typed_in_is_saved(qtbot, open_section, sqlite_db: Database) -> None:
    section: AgingDefinitionsSection = open_section(KEY)
    table = section.periods.table
    table.setFocus()
    table.setCurrentCell(0, 3)
    table.editItem(table.item(0, 3))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.setText("De 1 a 30 días")  # Ctrl+S while the editor is open
    section.mark_changed()
    saved(qtbot, section)
    with sqlite_db.sessions() as session:
        first = section.rows[0].periods[0]
        assert all_texts(session, "aging_periods", first.id, "label")["es"] == "De 1 a 30 días"
