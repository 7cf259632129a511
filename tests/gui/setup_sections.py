"""Fixtures and steps the set-up section tests share: a Set-up page for an administrator
or a clerk, a section read and shown, a save waited for, a refusal waited for."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Employee
from collections_desktop.models.people.scope import company_scope
from collections_desktop.views.pages.setup_page import SetupPage
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    made = TaskRunner()
    yield made
    made.shutdown()


@pytest.fixture
def admin(sqlite_db: Database, clock: FixedClock) -> uuid.UUID:
    with sqlite_db.sessions.begin() as session:
        person = Employee(
            number="E-1", name="Ana Ruiz", is_administrator=True, updated_at=clock.now()
        )
        session.add(person)
        session.flush()
        return person.id


@pytest.fixture
def open_section(
    qtbot, sqlite_db: Database, runner: TaskRunner, clock: FixedClock, admin: uuid.UUID
) -> Callable[..., Any]:
    """A Set-up page showing the section ``key``, read; a clerk's unless ``administrator``."""

    pages: list[SetupPage] = []  # kept alive while the test runs

    def build(key: str, *, administrator: bool = True) -> Any:
        with sqlite_db.sessions() as session:
            scope = company_scope(session)
        context = page_context(
            sqlite_db, runner, scope, admin if administrator else None, clock,
            may_change_setup=administrator,
        )  # fmt: skip
        page = SetupPage(context)
        pages.append(page)
        qtbot.addWidget(page)
        page.resize(1366, 768)
        page.show()
        section = page.show_section(key)
        qtbot.waitUntil(lambda: not section.reads.is_loading and bool(section.rows), timeout=10_000)
        return section

    return build


def saved(qtbot, section: SetupSection[Any, Any]) -> None:
    """Press Save and wait for the saved row to be read again."""
    with qtbot.waitSignal(section.saved, timeout=10_000):
        section.save_button.click()
    qtbot.waitUntil(lambda: not section.reads.is_loading, timeout=10_000)
    assert section.message.isHidden(), section.message.text()


def refused(qtbot, section: SetupSection[Any, Any]) -> str:
    """Press Save and return the refusal shown under the form."""
    section.show_error("")  # a refusal shown before is not this one
    section.save_button.click()
    qtbot.waitUntil(lambda: section.message.isVisible(), timeout=10_000)
    return section.message.text()


def cells(table) -> list[list[str]]:
    """The texts of a ``QTableWidget``."""
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def set_cell(table, row: int, column: int, text: str) -> None:
    """Type ``text`` into a cell (as the in-place editor does when it closes)."""
    table.item(row, column).setText(text)
