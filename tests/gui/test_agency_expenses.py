"""The agency desk's Expenses tab on a real company file: a collector adds an expense,
attaches its receipt and submits the month; a supervisor approves one and rejects
another with its reason; nobody decides on their own expenses."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema.agency import AgencyAttachment, AgencyExpense
from collections_desktop.models.people.scope import company_scope
from collections_desktop.views.dialogs.agency_expense import ExpenseDialog, ReasonDialog
from collections_desktop.views.tasks import TaskRunner
from collections_desktop.views.widgets.agency_expenses import (
    EVERYONE,
    MINE,
    TO_APPROVE,
    ExpensesData,
    ExpensesPanel,
)
from tests.agency_report_books import OCTOBER, AgencyBooks, write_books
from tests.gui.conftest import page_context

LOAD = 15_000
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    made = TaskRunner()
    yield made
    made.shutdown()


@pytest.fixture
def books(sqlite_db: Database) -> AgencyBooks:
    return write_books(sqlite_db)


def panel_for(qtbot, books: AgencyBooks, runner: TaskRunner, clock: FixedClock,
              viewer: uuid.UUID) -> ExpensesPanel:  # fmt: skip
    with books.database.sessions() as session:
        scope = company_scope(session)
    panel = ExpensesPanel(page_context(books.database, runner, scope, viewer, clock))
    qtbot.addWidget(panel)
    panel.resize(1366, 700)
    with qtbot.waitSignal(panel.loaded, timeout=LOAD):
        panel.show()
    return panel


def reload(qtbot, panel: ExpensesPanel, action) -> ExpensesData:  # type: ignore[no-untyped-def]
    """Run ``action``; the data read after the write it starts."""
    with qtbot.waitSignal(panel.loaded, timeout=LOAD) as signal:
        action()
    data: ExpensesData = signal.args[0]
    return data


def column(panel: ExpensesPanel, header: str) -> list[str]:
    model = panel.grid.model
    index = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == header
    )
    return [str(model.index(row, index).data() or "") for row in range(model.rowCount())]


def stored(database: Database) -> dict[str, tuple[str, Decimal, str | None]]:
    with database.sessions() as session:
        rows = session.execute(
            select(
                AgencyExpense.description,
                AgencyExpense.state,
                AgencyExpense.amount,
                AgencyExpense.rejection_reason,
            )
        )
        return {r.description: (r.state, r.amount, r.rejection_reason) for r in rows}


def test_a_collector_adds_an_expense_attaches_its_receipt_and_submits_the_month(
    qtbot, books: AgencyBooks, runner: TaskRunner, clock: FixedClock, tmp_path: Path
) -> None:
    panel = panel_for(qtbot, books, runner, clock, books.ana)
    # A collector lists their own expenses of this month; no approvals for them.
    assert panel.data is not None
    assert panel.data.view == MINE
    assert panel.view.isHidden()
    assert panel.buttons["expense_approve_button"].isHidden()
    assert panel.grid.empty.text().startswith("No expense of yours in November 2026.")
    assert not panel.submit_action.isEnabled()

    panel.add()
    qtbot.waitUntil(lambda: isinstance(panel.dialog, ExpenseDialog), timeout=LOAD)
    dialog = panel.dialog
    assert isinstance(dialog, ExpenseDialog)
    dialog.spent_on.setDate(QDate(2026, 11, 20))
    dialog.kind.setCurrentIndex(dialog.kind.findData("burofax"))
    dialog.amount.setText("0")
    dialog.ok_button.click()  # refused in the dialog
    assert dialog.error.text() == "An expense's amount must be above zero."
    dialog.amount.setText("31.50")
    dialog.case.setText("EXP-999999")
    dialog.ok_button.click()
    assert "none of your case files" in dialog.error.text()
    dialog.case.setText("EXP-000002")
    dialog.description.setText("Burofax to Pérez")
    data = reload(qtbot, panel, dialog.ok_button.click)
    assert [(r.description, r.amount, r.state, r.case_number) for r in data.rows] == [
        ("Burofax to Pérez", Decimal("31.50"), "draft", "EXP-000002")
    ]
    assert column(panel, "Type") == ["Burofax"]
    assert column(panel, "Amount") == ["31.50"]
    figures = html.unescape(re.sub(r"<[^>]+>", "", panel.figures.text())).replace("\xa0", " ")
    assert figures == "Draft 31.50 EUR"
    assert panel.status.startswith("Expense of Nov 20, 2026 added")

    receipt = tmp_path / "burofax-receipt.pdf"
    receipt.write_bytes(PDF)
    panel.choose_file = lambda: str(receipt)
    panel.grid.view.selectRow(0)
    assert panel.attach_action.isEnabled()
    data = reload(qtbot, panel, panel.attach)
    assert [r.file_name for r in data.rows[0].receipts] == ["burofax-receipt.pdf"]
    assert column(panel, "Receipts") == ["burofax-receipt.pdf"]
    with books.database.sessions() as session:
        assert session.scalars(select(AgencyAttachment.content)).all() == [PDF]

    # The receipt opens with the computer's viewer, as stored.
    opened: list[Path] = []
    panel.open_url = lambda url: opened.append(Path(url.toLocalFile())) or True
    panel.grid.view.selectRow(0)
    assert panel.open_receipt_action.isEnabled()
    panel.open_receipt()
    qtbot.waitUntil(lambda: bool(opened), timeout=LOAD)
    assert opened[0].name.endswith("-burofax-receipt.pdf")
    assert opened[0].read_bytes() == PDF

    # A file that is no receipt is refused, naming it.
    other = tmp_path / "notes.txt"
    other.write_text("not a receipt")
    panel.choose_file = lambda: str(other)
    panel.grid.view.selectRow(0)
    panel.attach()
    qtbot.waitUntil(lambda: "notes.txt" in panel.status, timeout=LOAD)

    panel.grid.view.selectRow(0)
    assert panel.submit_action.isEnabled()
    asked: list[str] = []
    panel.confirm = lambda question: asked.append(question) is None
    data = reload(qtbot, panel, panel.submit)
    assert asked == [
        "Submit 1 expense of November 2026 for approval? It can no longer be changed unless "
        "it is rejected."
    ]
    assert [r.state for r in data.rows] == ["submitted"]
    assert panel.status.startswith("1 expense of November 2026 submitted for approval")
    assert stored(books.database)["Burofax to Pérez"][0] == "submitted"
    panel.grid.view.selectRow(0)
    assert not panel.edit_action.isEnabled()
    assert "this one is “Submitted”" in panel.edit_action.toolTip()


def test_a_supervisor_approves_and_rejects_submitted_expenses_with_a_reason(
    qtbot, books: AgencyBooks, runner: TaskRunner, clock: FixedClock
) -> None:
    panel = panel_for(qtbot, books, runner, clock, books.marta)
    # A supervisor starts on the expenses waiting for approval.
    assert panel.data is not None
    assert panel.data.view == TO_APPROVE
    assert not panel.view.isHidden()
    assert panel.grid.empty.text() == "No expense of November 2026 waits for approval."
    data = reload(qtbot, panel, lambda: panel.show_view(TO_APPROVE, OCTOBER))
    assert [(r.employee_name, r.description) for r in data.rows] == [
        ("Luis Soto", "Train Madrid–Toledo")
    ]
    assert column(panel, "Collector") == ["Luis Soto"]
    panel.grid.view.selectRow(0)
    assert panel.approve_action.isEnabled()
    assert panel.reject_action.isEnabled()

    panel.reject()
    dialog = panel.dialog
    assert isinstance(dialog, ReasonDialog)
    dialog.ok_button.click()
    assert dialog.error.text() == "Say why it is rejected."
    dialog.reason.setPlainText("The ticket is missing")
    data = reload(qtbot, panel, dialog.ok_button.click)
    assert data.rows == ()
    assert stored(books.database)["Train Madrid–Toledo"] == (
        "rejected", Decimal("112.40"), "The ticket is missing"
    )  # fmt: skip
    assert panel.status.startswith("Expense of Luis Soto rejected")

    # Everyone's: the rejected one with its reason; Ana's draft cannot be approved.
    data = reload(qtbot, panel, lambda: panel.show_view(EVERYONE, OCTOBER))
    states = {r.description: r.state for r in data.rows}
    assert states == {
        "Visits in Getafe": "approved",
        "Burofax to Construcciones Pérez": "rejected",
        "Train Madrid–Toledo": "rejected",
        "Mobile calls": "draft",
    }
    calls = next(
        i for i, r in enumerate(panel.grid.model.rows()) if r.description == "Mobile calls"
    )
    panel.grid.view.selectRow(calls)
    assert not panel.approve_action.isEnabled()
    assert "this one is “Draft”" in panel.approve_action.toolTip()

    # Luis corrects nothing here; his draft goes in and Marta approves it.
    from collections_desktop.models.agency.expenses import submit_month

    with books.database.sessions.begin() as session:
        submit_month(session, books.luis, OCTOBER, now=clock.now())
    data = reload(qtbot, panel, lambda: panel.show_view(TO_APPROVE, OCTOBER))
    assert sorted(r.description for r in data.rows) == ["Mobile calls", "Train Madrid–Toledo"]
    calls = next(
        i for i, r in enumerate(panel.grid.model.rows()) if r.description == "Mobile calls"
    )
    panel.grid.view.selectRow(calls)
    data = reload(qtbot, panel, panel.approve)
    assert [r.description for r in data.rows] == ["Train Madrid–Toledo"]
    with books.database.sessions() as session:
        approved_by = session.scalar(
            select(AgencyExpense.approved_by_id).where(AgencyExpense.description == "Mobile calls")
        )
    assert approved_by == books.marta


def test_nobody_decides_on_their_own_expenses(
    qtbot, books: AgencyBooks, runner: TaskRunner, clock: FixedClock
) -> None:
    from collections_desktop.models.agency.staff import set_staff
    from tests.agency_report_books import NOW, expense

    with books.database.sessions.begin() as session:
        set_staff(session, books.ana, is_supervisor=True, share_percent=Decimal("40.00"), now=NOW)
        expense(session, books.ana, dt.date(2026, 10, 30), "calls", "9.00", "Own calls")
        from collections_desktop.models.agency.expenses import submit_month

        submit_month(session, books.ana, OCTOBER, now=NOW)
    panel = panel_for(qtbot, books, runner, clock, books.ana)
    reload(qtbot, panel, lambda: panel.show_view(TO_APPROVE, OCTOBER))
    own = next(i for i, r in enumerate(panel.grid.model.rows()) if r.description == "Own calls")
    panel.grid.view.selectRow(own)
    assert not panel.approve_action.isEnabled()
    assert panel.approve_action.toolTip() == (
        "You reported this expense; another supervisor must decide on it."
    )
