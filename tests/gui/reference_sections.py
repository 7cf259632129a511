"""Steps the GUI tests of the reference-data sections share (activity categories, write-off
reasons, posting profiles, bank charges), beside ``setup_sections``: the list as shown, a
row chosen, the read-only form."""

from __future__ import annotations

from typing import Any

from collections_desktop.views.setup.section import SetupSection


def listed(section: SetupSection[Any, Any]) -> list[tuple[str, ...]]:
    """The list as shown, every column's text."""
    model = section.grid.model
    return [
        tuple(str(model.index(r, c).data()) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def choose(section: SetupSection[Any, Any], code: str) -> Any:
    """Select the row with ``code``; returns the row."""
    row = next(r for r in section.rows if getattr(r, "code", None) == code)
    assert section.select_id(row.id)
    return row


def read_only(section: SetupSection[Any, Any]) -> bool:
    """Whether the section is shown read-only, as to a user who is no administrator."""
    return (
        section.read_only_note.isVisible()
        and not section.fields.isEnabled()
        and not section.new_action.isEnabled()
        and not section.save_button.isEnabled()
        and not section.delete_action.isEnabled()
    )
