"""The activity (edit) dialog and the case dialog, driven like a collector drives them.

Each dialog writes through a ``WriteOp`` on a real SQLite company: the happy path is
read back from the database, a refusal shows inline and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import func, select

from collections_desktop.formatting import Formats
from collections_desktop.models.casework.activities import (
    activity_details,
    close_activities,
    edit_activity,
    responsible_choices,
)
from collections_desktop.models.casework.case_reading import (
    case_categories,
    case_row,
    case_transaction_choices,
    case_transaction_ids,
    cases_of,
)
from collections_desktop.models.casework.cases import create_case, edit_case
from collections_desktop.models.casework.categories import category_choices
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    CaseCategory,
    CaseTransaction,
    CollectionsCase,
)
from collections_desktop.models.screens.customer_card import CustomerOption
from collections_desktop.views.dialogs.activity_dialog import (
    ActivityDialog,
    ActivityEdit,
    NewActivityDialog,
    from_utc,
)
from collections_desktop.views.dialogs.case_dialog import CaseDialog, CaseInput
from collections_desktop.views.operations import WriteOp
from collections_desktop.views.tasks import TaskRunner
from tests.unit.test_cases import LATER, Office, new_case, office
from tests.unit.test_overview import add_activity
from tests.unit.test_snapshot import NOW, TODAY

WAIT = 10_000
FORMATS = Formats("en_US")


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def books(sqlite_db: Database) -> Office:
    with sqlite_db.sessions.begin() as session:
        return office(session)


def activity_fields(database: Database, activity_id) -> tuple:
    with database.sessions() as session:
        return session.execute(
            select(
                Activity.type,
                Activity.category,
                Activity.purpose,
                Activity.memo,
                Activity.responsible_employee_id,
                Activity.start_at,
                Activity.end_at,
                Activity.case_id,
                Activity.closed,
                Activity.closed_at,
                Activity.version,
            ).where(Activity.id == activity_id)
        ).one()


def case_counts(database: Database) -> tuple[int, int]:
    with database.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(CollectionsCase)),
            session.scalar(select(func.count()).select_from(CaseTransaction)),
        )


# --- the activity dialog ------------------------------------------------------------------


def open_activity_dialog(qtbot, database: Database, o: Office, activity_id) -> ActivityDialog:
    """The dialog as a page opens it: the activity, the agents, the customer's open cases."""
    with database.sessions() as session:
        details = activity_details(session, o.scope, activity_id, as_of=TODAY)
        agents = responsible_choices(session)
        cases = (
            cases_of(session, details.customer_id, "open", as_of=TODAY)
            if details.customer_id
            else []
        )
        categories = category_choices(session, "en", keep=details.category)
    dialog = ActivityDialog(details, agents, cases, FORMATS, categories=categories)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def save_activity(runner, database: Database, o: Office, dialog: ActivityDialog) -> None:
    """What the page does with ``submitted``: edit the activity in one transaction."""

    def submitted(value: ActivityEdit) -> None:
        WriteOp(
            lambda session: (
                edit_activity(
                    session,
                    o.scope,
                    value.activity_id,
                    LATER,
                    **value.arguments(),
                    employee_id=o.me,
                ).number
            ),
            lambda _number: None,
            "edit activity",
            feedback=dialog,
        ).run(runner, database)

    dialog.submitted.connect(submitted)


@pytest.fixture
def activity(books: Office, sqlite_db: Database):
    with sqlite_db.sessions.begin() as session:
        case = new_case(session, books, [books.a.id, books.b.id])
        made = add_activity(
            session,
            books.me,
            NOW,
            books.ruiz,
            purpose="Call Ruiz about INV-0000001",
            category="Call",
            memo="Ask for Ana",
        )
    return made.id, case.id


def test_editing_an_activity_writes_every_field(
    qtbot, runner, sqlite_db: Database, books: Office, activity
) -> None:
    activity_id, case_id = activity
    dialog = open_activity_dialog(qtbot, sqlite_db, books, activity_id)
    assert dialog.purpose.text() == "Call Ruiz about INV-0000001"
    assert dialog.status.text() == "Open"
    assert dialog.toggle.text() == "C&lose activity"
    assert dialog.case.currentText() == "No case"
    assert [dialog.case.itemText(i) for i in range(dialog.case.count())] == [
        "No case",
        "CASE-000001 · Overdue invoices of the autumn",
    ]
    assert dialog.category.currentText() == "Call"  # a free text from before categories stays
    dialog.type.setCurrentIndex(dialog.type.findText("Appointment"))
    dialog.category.setCurrentIndex(dialog.category.findText("Meeting"))
    dialog.purpose.clear()
    qtbot.keyClicks(dialog.purpose, "Meet the finance director")
    dialog.responsible.setCurrentIndex(dialog.responsible.findData(books.colleague.hex))
    dialog.case.setCurrentIndex(1)
    start = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)
    dialog.start.setDateTime(from_utc(start))
    dialog.end.setDateTime(from_utc(start + dt.timedelta(hours=1, minutes=30)))
    dialog.memo.setPlainText("Bring the statement of October")
    qtbot.mouseClick(dialog.toggle, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Open; closed when you save"
    assert dialog.toggle.text() == "Re&open"
    save_activity(runner, sqlite_db, books, dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
        dialog.ok_button.click()
    assert activity_fields(sqlite_db, activity_id) == (
        "appointment",
        "MEETING",
        "Meet the finance director",
        "Bring the statement of October",
        books.colleague,
        start,
        start + dt.timedelta(hours=1, minutes=30),
        case_id,
        True,
        LATER,
        2,
    )


def test_a_closed_activity_is_shown_closed_and_can_be_reopened(
    qtbot, runner, sqlite_db: Database, books: Office, activity
) -> None:
    activity_id, _case_id = activity
    with sqlite_db.sessions.begin() as session:
        close_activities(session, books.scope, [activity_id], NOW, books.me)
    dialog = open_activity_dialog(qtbot, sqlite_db, books, activity_id)
    assert dialog.status.text().startswith("Closed Nov 23, 2026, ")
    assert dialog.toggle.text() == "Re&open"
    dialog.toggle.click()
    assert dialog.status.text() == "Closed; reopened when you save"
    save_activity(runner, sqlite_db, books, dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
        dialog.ok_button.click()
    assert activity_fields(sqlite_db, activity_id)[8:] == (False, None, 3)


def test_an_activity_ending_before_it_starts_is_refused_inline(
    qtbot, runner, sqlite_db: Database, books: Office, activity
) -> None:
    activity_id, _case_id = activity
    before = activity_fields(sqlite_db, activity_id)
    dialog = open_activity_dialog(qtbot, sqlite_db, books, activity_id)
    sent: list[object] = []
    dialog.submitted.connect(sent.append)
    save_activity(runner, sqlite_db, books, dialog)
    dialog.purpose.setText("Call back")
    dialog.end.setDateTime(from_utc(NOW - dt.timedelta(hours=3)))
    dialog.ok_button.click()
    assert dialog.error.isVisible()
    assert dialog.error.text() == "The activity cannot end before it starts."
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    assert sent == []
    assert activity_fields(sqlite_db, activity_id) == before
    # No purpose: refused the same way.
    dialog.end.setDateTime(from_utc(NOW + dt.timedelta(hours=1)))
    dialog.purpose.clear()
    dialog.ok_button.click()
    assert dialog.error.text() == "Write the purpose of the activity."
    assert sent == []
    assert activity_fields(sqlite_db, activity_id) == before


def test_a_change_made_meanwhile_is_refused_inline(
    qtbot, runner, sqlite_db: Database, books: Office, activity
) -> None:
    activity_id, _case_id = activity
    dialog = open_activity_dialog(qtbot, sqlite_db, books, activity_id)
    save_activity(runner, sqlite_db, books, dialog)
    with sqlite_db.sessions.begin() as session:  # a colleague closes it meanwhile
        close_activities(session, books.scope, [activity_id], NOW, books.colleague)
    before = activity_fields(sqlite_db, activity_id)
    dialog.purpose.setText("My version")
    dialog.ok_button.click()
    qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT)
    assert dialog.error.text().startswith("Someone else changed activity ACT-")
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    assert activity_fields(sqlite_db, activity_id) == before


def test_an_own_task_offers_no_case(qtbot, sqlite_db: Database, books: Office) -> None:
    with sqlite_db.sessions.begin() as session:
        own = add_activity(session, books.me, NOW, None, purpose="Weekly report")
    dialog = open_activity_dialog(qtbot, sqlite_db, books, own.id)
    assert not dialog.case.isEnabled()
    assert dialog.value().case_id is None
    assert dialog.value().responsible_id == books.me


def test_the_new_activity_dialog_may_offer_responsible_and_case(
    qtbot, sqlite_db: Database, books: Office, activity
) -> None:
    _activity_id, case_id = activity
    with sqlite_db.sessions() as session:
        agents = responsible_choices(session)
        cases = cases_of(session, books.ruiz.id, "open", as_of=TODAY)
    plain = NewActivityDialog(NOW)
    qtbot.addWidget(plain)
    assert (plain.responsible, plain.case) == (None, None)
    assert (plain.value().responsible_id, plain.value().case_id) == (None, None)
    ruiz = CustomerOption(books.ruiz.id, books.ruiz.account, books.ruiz.name)
    dialog = NewActivityDialog(
        NOW,
        ruiz,
        responsibles=agents,
        responsible_id=books.me,
        cases=cases,
        case_id=case_id,
    )
    qtbot.addWidget(dialog)
    # The customer given is shown, not offered for change.
    assert isinstance(dialog.customer, QLabel)
    assert dialog.customer.text() == f"{books.ruiz.account} · {books.ruiz.name}"
    assert dialog.responsible.currentData() == books.me.hex
    dialog.responsible.setCurrentIndex(dialog.responsible.findData(books.colleague.hex))
    value = dialog.value()
    assert (value.responsible_id, value.case_id, value.customer_account) == (
        books.colleague,
        case_id,
        books.ruiz.account,
    )


# --- the case dialog ----------------------------------------------------------------------


def open_case_dialog(qtbot, database: Database, o: Office, case_id=None) -> CaseDialog:
    with database.sessions() as session:
        row = case_row(session, o.scope, case_id, as_of=TODAY) if case_id else None
        dialog = CaseDialog(
            o.ruiz.id,
            f"{o.ruiz.account} · {o.ruiz.name}",
            case_categories(session, type=None),  # the dialog keeps the collections ones
            responsible_choices(session),
            case_transaction_choices(session, o.ruiz.id, TODAY, case_id=case_id),
            FORMATS,
            case=row,
            responsible_id=o.me,
        )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def save_case(runner, database: Database, o: Office, dialog: CaseDialog) -> None:
    """What the page does with ``submitted``: create or edit the case in one transaction."""

    def work(value: CaseInput, session) -> str:
        if value.case_id is None:
            return create_case(
                session,
                o.scope,
                value.customer_id,
                value.category_code,
                value.description,
                LATER,
                responsible_id=value.responsible_id,
                transaction_ids=value.transaction_ids,
                created_by_id=o.me,
            ).number
        return edit_case(
            session,
            o.scope,
            value.case_id,
            LATER,
            expected_version=value.expected_version,
            category_code=value.category_code,
            description=value.description,
            responsible_id=value.responsible_id,
            transaction_ids=value.transaction_ids,
        ).number

    dialog.submitted.connect(
        lambda value: WriteOp(
            lambda session: work(value, session), lambda _number: None, "save case", feedback=dialog
        ).run(runner, database)
    )


def texts(dialog: CaseDialog, column: int) -> list[str]:
    tree = dialog.transactions
    return [tree.topLevelItem(i).text(column) for i in range(tree.topLevelItemCount())]


def test_a_new_case_is_written_with_its_transactions(
    qtbot, runner, sqlite_db: Database, books: Office
) -> None:
    dialog = open_case_dialog(qtbot, sqlite_db, books)
    assert dialog.windowTitle() == "New case"
    # Only collections categories are offered.
    assert [dialog.category.itemText(i) for i in range(dialog.category.count())] == [
        "Collections",
        "Disputed invoices",
        "Legal action",
    ]
    assert dialog.responsible.currentData() == books.me.hex
    assert texts(dialog, 0) == ["INV-0000001", "INV-0000002", "INV-0000003"]
    assert texts(dialog, 3) == ["1,034.56\xa0EUR", "500.00\xa0EUR", "99.95\xa0EUR"]
    assert dialog.total.text() == "0 of 3 transactions marked"
    dialog.category.setCurrentIndex(dialog.category.findData("DISPUTE"))
    qtbot.keyClicks(dialog.description, "Disputed deliveries of September")
    dialog.set_marked([books.a.id, books.b.id])
    assert dialog.total.text() == "2 of 3 transactions marked · 1,534.56\xa0EUR open"
    save_case(runner, sqlite_db, books, dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
        dialog.ok_button.click()
    with sqlite_db.sessions() as session:
        (row,) = cases_of(session, books.ruiz.id, as_of=TODAY)
        assert (row.number, row.category_code, row.description, row.responsible_id) == (
            "CASE-000001",
            "DISPUTE",
            "Disputed deliveries of September",
            books.me,
        )
        assert (row.transaction_count, row.open_amount, row.opened_at) == (
            2,
            Decimal("1534.56"),
            LATER,
        )
        assert sorted(case_transaction_ids(session, row.id)) == sorted([books.a.id, books.b.id])


def test_editing_a_case_changes_its_fields_and_transactions(
    qtbot, runner, sqlite_db: Database, books: Office
) -> None:
    with sqlite_db.sessions.begin() as session:
        case = new_case(session, books, [books.a.id, books.b.id])
        new_case(session, books, [books.c.id], category="LEGAL", description="Lawyer")
    dialog = open_case_dialog(qtbot, sqlite_db, books, case.id)
    assert dialog.windowTitle() == "Case CASE-000001"
    assert dialog.description.text() == "Overdue invoices of the autumn"
    assert dialog.category.currentData() == "COLL"
    # c is in the other open case: listed, but it cannot be marked.
    assert texts(dialog, 4) == ["", "", "In open case CASE-000002"]
    last = dialog.transactions.topLevelItem(2)
    assert not last.flags() & Qt.ItemFlag.ItemIsEnabled
    dialog.set_marked([books.c.id])
    dialog.set_marked([books.b.id], marked=False)
    assert [r.transaction_id for r in dialog.marked()] == [books.a.id]
    dialog.description.setText("Autumn invoice of October")
    dialog.responsible.setCurrentIndex(dialog.responsible.findData(books.colleague.hex))
    save_case(runner, sqlite_db, books, dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
        dialog.ok_button.click()
    with sqlite_db.sessions() as session:
        row = case_row(session, books.scope, case.id, as_of=TODAY)
        assert (row.description, row.responsible_id, row.version) == (
            "Autumn invoice of October",
            books.colleague,
            2,
        )
        assert (row.transaction_count, row.open_amount) == (1, Decimal("1034.56"))


def test_a_case_without_description_is_refused_inline(
    qtbot, runner, sqlite_db: Database, books: Office
) -> None:
    before = case_counts(sqlite_db)
    dialog = open_case_dialog(qtbot, sqlite_db, books)
    sent: list[object] = []
    dialog.submitted.connect(sent.append)
    save_case(runner, sqlite_db, books, dialog)
    dialog.set_marked([books.a.id])
    qtbot.keyClicks(dialog.description, "   ")
    dialog.ok_button.click()
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Write a description of the case."
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    assert sent == []
    assert case_counts(sqlite_db) == before


def test_a_category_no_longer_for_collections_is_refused_inline(
    qtbot, runner, sqlite_db: Database, books: Office
) -> None:
    with sqlite_db.sessions.begin() as session:
        case = new_case(session, books, [books.a.id], category="LEGAL")
    dialog = open_case_dialog(qtbot, sqlite_db, books, case.id)
    assert dialog.category.currentText() == "Legal action"
    # A supervisor makes "Legal action" a category of another type meanwhile.
    with sqlite_db.sessions.begin() as session:
        legal = session.scalars(select(CaseCategory).where(CaseCategory.code == "LEGAL")).one()
        legal.type = "legal"
    before = case_counts(sqlite_db)
    save_case(runner, sqlite_db, books, dialog)
    dialog.set_marked([books.b.id])
    dialog.ok_button.click()
    qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT)
    assert dialog.error.text() == (
        "Category LEGAL (Legal action) is for legal cases, not collections cases. "
        "Choose a collections category."
    )
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    assert case_counts(sqlite_db) == before
    with sqlite_db.sessions() as session:
        assert case_row(session, books.scope, case.id, as_of=TODAY).version == 1
    # A new case dialog does not offer the category at all any more.
    fresh = open_case_dialog(qtbot, sqlite_db, books)
    assert fresh.category.findData("LEGAL") < 0
    assert fresh.category.findData("SERVICE") < 0
