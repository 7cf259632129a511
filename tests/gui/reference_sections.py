"""Steps the GUI tests of the reference-data sections share (activity categories, write-off
reasons, posting profiles, bank charges): a section opened for an employee, read, saved."""

from __future__ import annotations

import uuid
from typing import Any

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Employee
from collections_desktop.models.people.scope import company_scope
from collections_desktop.views.pages.setup_page import SetupPage
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context

WAIT = 10_000


def add_employee(database: Database, clock: FixedClock, *, administrator: bool) -> uuid.UUID:
    """An employee (an administrator or not) who saves set-up rows."""
    with database.sessions.begin() as session:
        person = Employee(
            number=f"E-{uuid.uuid4().hex[:6]}",
            name="Ana Ruiz",
            is_administrator=administrator,
            updated_at=clock.now(),
        )
        session.add(person)
        session.flush()
        return person.id


def open_section(
    qtbot: Any,
    database: Database,
    runner: TaskRunner,
    clock: FixedClock,
    key: str,
    *,
    employee: uuid.UUID | None,
    administrator: bool,
) -> SetupSection[Any, Any]:
    """The Set-up page on show with the section ``key`` read."""
    with database.sessions() as session:
        scope = company_scope(session)
    context = page_context(database, runner, scope, employee, clock, may_change_setup=administrator)
    page = SetupPage(context)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    section = page.show_section(key)
    section.shown_on = page  # type: ignore[attr-defined]  # keeps the page alive
    qtbot.waitUntil(lambda: not section.reads.is_loading and bool(section.rows), timeout=WAIT)
    return section


def listed(section: SetupSection[Any, Any]) -> list[tuple[str, ...]]:
    """The list as shown, every column's text."""
    model = section.grid.model
    return [
        tuple(str(model.index(r, c).data()) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def select(section: SetupSection[Any, Any], code: str) -> Any:
    """Select the row whose first column reads ``code``; returns the row."""
    row = next(r for r in section.rows if getattr(r, "code", None) == code)
    assert section.select_id(row.id)
    return row


def save(qtbot: Any, section: SetupSection[Any, Any]) -> None:
    """Press Save and wait for the write and the reading after it."""
    with qtbot.waitSignal(section.saved, timeout=WAIT):
        section.save_button.click()
    qtbot.waitUntil(lambda: not section.reads.is_loading, timeout=WAIT)


def refused(qtbot: Any, section: SetupSection[Any, Any]) -> str:
    """Press Save and wait for the refusal under the form; its text."""
    section.message.hide()  # an earlier refusal is not this one
    section.save_button.click()
    qtbot.waitUntil(lambda: section.message.isVisible(), timeout=WAIT)
    return section.message.text()


def read_only(section: SetupSection[Any, Any]) -> bool:
    """Whether the section is shown read-only, as to a user who is no administrator."""
    return (
        section.read_only_note.isVisible()
        and not section.fields.isEnabled()
        and not section.new_action.isEnabled()
        and not section.save_button.isEnabled()
        and not section.delete_action.isEnabled()
    )
