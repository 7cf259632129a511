"""The Change collection status and Collections history dialogs on a real company."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from collections_desktop.formatting import Formats
from collections_desktop.kernel.money import MoneyError
from collections_desktop.models.actions.promises import evaluate_promises, promise_results
from collections_desktop.models.actions.status import change_status, status_history
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import CollectionStatusChange, CustomerTransaction
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.people.scope import AgentScope, company_scope
from collections_desktop.models.screens.customer_card import TransactionRow, open_transactions
from collections_desktop.views.dialogs.history_dialog import HistoryDialog
from collections_desktop.views.dialogs.status_dialog import StatusDialog, StatusInput, parse_amount
from collections_desktop.views.operations import WriteOp
from collections_desktop.views.tasks import TaskRunner
from tests.unit.test_collection_status import add_employee
from tests.unit.test_snapshot import NOW, TODAY, add_customer, invoice

D = Decimal
EN = Formats("en_US")
LATER = NOW + dt.timedelta(hours=1)


@dataclass
class Desk:
    """A customer with open invoices, the rows the Workspace would mark, and a task runner."""

    database: Database
    scope: AgentScope
    customer_id: uuid.UUID
    employee_id: uuid.UUID
    rows: tuple[TransactionRow, ...]
    runner: TaskRunner


@pytest.fixture
def desk(sqlite_db: Database) -> Iterator[Desk]:
    """Ruiz owes 1,234.56 (due 14 Oct, 34.56 paid) and 980.00 (due 5 Nov): 2,180.00 open."""
    with sqlite_db.sessions.begin() as session:
        customer = add_customer(session)
        customer.name = "Ruiz Hermanos SL"
        soto = add_employee(session, "Marta Soto")
        customer.responsible_employee_id = soto.id
        first = invoice(session, customer, "1234.56", dt.date(2026, 10, 14))
        invoice(session, customer, "980.00", dt.date(2026, 11, 5))
        payment = postings.post_payment(
            session,
            customer_id=customer.id,
            amount=D("34.56"),
            posting_date=dt.date(2026, 11, 2),
            now=NOW,
        )
        settlements.settle(
            session, {first.id: D("34.56"), payment.id: D("34.56")}, dt.date(2026, 11, 2), NOW
        )
        scope = company_scope(session)
        ids = (customer.id, soto.id)
    with sqlite_db.sessions() as session:
        rows = open_transactions(session, scope, ids[0], TODAY)
    runner = TaskRunner()
    yield Desk(sqlite_db, scope, ids[0], ids[1], rows, runner)
    runner.shutdown()


def debits(desk: Desk) -> list[TransactionRow]:
    return [r for r in desk.rows if r.amount > 0]


def wire(desk: Desk, dialog: StatusDialog, results: list) -> None:
    """Connect the dialog as a page would: the change runs on the database lane."""

    def submitted(value: StatusInput) -> None:
        def work(session):
            return change_status(
                session,
                desk.scope,
                value.transaction_ids,
                value.to_status,
                LATER,
                changed_by_id=desk.employee_id,
                note=value.note,
                promise_date=value.promise_date,
                promise_amount=value.promise_amount,
                today=TODAY,
            )

        WriteOp(work, results.append, "status", feedback=dialog).run(desk.runner, desk.database)

    dialog.submitted.connect(submitted)


def stored(desk: Desk) -> tuple[list[tuple], int]:
    """(status, promise date, promise amount, version) of every transaction; history rows."""
    with desk.database.sessions() as session:
        states = session.execute(
            select(
                CustomerTransaction.document_number,
                CustomerTransaction.collection_status,
                CustomerTransaction.promise_date,
                CustomerTransaction.promise_amount,
                CustomerTransaction.version,
            ).order_by(CustomerTransaction.document_number)
        ).all()
        count = session.scalar(select(func.count()).select_from(CollectionStatusChange))
    return [tuple(s) for s in states], count


def make_dialog(qtbot, rows) -> StatusDialog:
    dialog = StatusDialog(rows, EN, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(dialog: StatusDialog, status: str) -> None:
    dialog.status.setCurrentIndex(dialog.status.findData(status))


def test_the_dialog_shows_the_marked_items_and_prefills_the_promise(qtbot, desk: Desk) -> None:
    dialog = make_dialog(qtbot, debits(desk))
    model = dialog.marked_model
    texts = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    docs = [r.document_number for r in debits(desk)]
    assert texts == [
        [docs[0], "Oct 14, 2026", "1,200.00", ""],
        [docs[1], "Nov 5, 2026", "980.00", ""],
    ]
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Open EUR"
    assert model.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert dialog.summary.text() == "2 transactions marked · 2,180.00\xa0EUR open on the invoices"
    assert dialog.to_status == "disputed"
    assert not dialog.promise_date.isEnabled()
    assert not dialog.promise_amount.isEnabled()
    choose(dialog, "promised")
    assert dialog.promise_date.isEnabled()
    assert dialog.promise_amount.isEnabled()
    assert dialog.promise_amount.text() == "2,180.00"
    assert dialog.promise_date.date() == QDate(2026, 11, 30)
    assert dialog.promise_date.minimumDate() == QDate(2026, 11, 23)
    choose(dialog, "legal")
    assert not dialog.promise_amount.isEnabled()
    assert dialog.value() == StatusInput(
        tuple(r.id for r in debits(desk)), "legal", None, None, None
    )


def test_a_promise_through_a_write_op_writes_status_and_history(qtbot, desk: Desk) -> None:
    results: list = []
    dialog = make_dialog(qtbot, debits(desk))
    wire(desk, dialog, results)
    choose(dialog, "promised")
    dialog.promise_date.setDate(QDate(2026, 11, 27))
    dialog.promise_amount.setText("1,500.50")
    dialog.note.setPlainText("  Ana Ruiz will pay by transfer on Friday.  ")
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    [result] = results
    assert result.count == 2
    docs = [r.document_number for r in debits(desk)]
    states, count = stored(desk)
    # 1,500.50 spread oldest due first: 1,200.00 on the first invoice, 300.50 on the second.
    assert states == [
        (docs[0], "promised", dt.date(2026, 11, 27), D("1200.00"), 2),
        (docs[1], "promised", dt.date(2026, 11, 27), D("300.50"), 2),
        *[s for s in states if s[0] not in docs],
    ]
    assert count == 2
    with desk.database.sessions() as session:
        rows = status_history(session, customer_id=desk.customer_id)
    assert [
        (r.document_number, r.from_status, r.to_status, r.changed_by, r.note, r.changed_at)
        for r in rows
    ] == [
        (doc, "none", "promised", "Marta Soto", "Ana Ruiz will pay by transfer on Friday.", LATER)
        for doc in docs
    ]


def test_a_promise_above_the_open_amount_is_refused_in_the_dialog(qtbot, desk: Desk) -> None:
    before = stored(desk)
    results: list = []
    dialog = make_dialog(qtbot, debits(desk))
    wire(desk, dialog, results)
    choose(dialog, "promised")
    dialog.promise_amount.setText("2,180.01")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    docs = ", ".join(r.document_number for r in debits(desk))
    assert dialog.error.text() == (
        f"{docs} have only 2,180.00 open together; 2,180.01 was promised."
    )
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()  # the collector may correct it and try again
    assert results == []
    assert stored(desk) == before  # status, versions and history unchanged


def test_nothing_marked_is_refused_before_anything_is_sent(qtbot, desk: Desk) -> None:
    before = stored(desk)
    sent: list = []
    dialog = make_dialog(qtbot, [])
    dialog.submitted.connect(sent.append)
    assert not dialog.marked.isVisible()
    assert dialog.summary.text() == (
        "No transaction is marked. Mark the transactions in the grid first."
    )
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Mark at least one transaction to change its status."
    assert sent == []
    assert dialog.isVisible()
    assert stored(desk) == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "A promise to pay needs a date and an amount."),
        ("12abc", "“12abc” is not an amount."),
    ],
)
def test_a_promise_without_a_usable_amount_is_refused_locally(
    qtbot, desk: Desk, amount: str, message: str
) -> None:
    sent: list = []
    dialog = make_dialog(qtbot, debits(desk))
    dialog.submitted.connect(sent.append)
    choose(dialog, "promised")
    dialog.promise_amount.setText(amount)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == message
    assert sent == []


def test_amounts_are_read_in_the_users_locale() -> None:
    assert parse_amount("1,234.50", EN) == D("1234.50")
    assert parse_amount(" 980 ", EN) == D("980")
    assert parse_amount("1.234,50", Formats("de_DE")) == D("1234.50")
    assert parse_amount("1\u202f234,5", Formats("fr_FR")) == D("1234.5")
    with pytest.raises(MoneyError):
        parse_amount("1,2,3.4.5", EN)


def test_the_history_dialog_shows_the_rows_newest_first(qtbot, desk: Desk) -> None:
    ids = [r.id for r in debits(desk)]
    with desk.database.sessions() as session:
        scope = desk.scope
        change_status(
            session, scope, [ids[1]], "disputed", NOW - dt.timedelta(days=10),
            changed_by_id=desk.employee_id, note="Damaged goods", today=dt.date(2026, 11, 13),
        )  # fmt: skip
        change_status(
            session, scope, [ids[0]], "promised", NOW - dt.timedelta(days=8),
            changed_by_id=desk.employee_id, promise_date=dt.date(2026, 11, 17),
            promise_amount="1200.00", today=dt.date(2026, 11, 15),
        )  # fmt: skip
        evaluate_promises(session, TODAY, NOW)
        change_status(
            session, scope, [ids[1]], "resolved", LATER,
            changed_by_id=desk.employee_id, today=TODAY,
        )  # fmt: skip
        session.commit()
        rows = status_history(session, customer_id=desk.customer_id)
        results = promise_results(session, desk.customer_id)
    dialog = HistoryDialog("Ruiz Hermanos SL", rows, results, EN)
    qtbot.addWidget(dialog)
    dialog.show()
    docs = [r.document_number for r in debits(desk)]
    model = dialog.history_model
    shown = [
        [model.index(r, c).data() for c in range(1, model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert shown == [
        ["Marta Soto", docs[1], "Disputed", "Resolved", "", "", ""],
        [
            "—",
            docs[0],
            "Promised to pay",
            "Promise broken",
            "Nov 17, 2026",
            "1,200.00",
            "Promise broken: nothing of 1,200.00 paid by Nov 17, 2026.",
        ],
        ["Marta Soto", docs[0], "No status", "Promised to pay", "Nov 17, 2026", "1,200.00", ""],
        ["Marta Soto", docs[1], "No status", "Disputed", "", "", "Damaged goods"],
    ]
    assert [model.row(model.index(r, 0)).changed_at for r in range(4)] == [
        LATER,
        NOW,
        NOW - dt.timedelta(days=8),
        NOW - dt.timedelta(days=10),
    ]
    assert model.headerData(6, Qt.Orientation.Horizontal) == "Promised EUR"
    assert dialog.results.isVisible()
    results_model = dialog.results_model
    assert [results_model.index(0, c).data() for c in range(results_model.columnCount())] == [
        "Nov 23, 2026",
        docs[0],
        "Nov 17, 2026",
        "1,200.00",
        "0.00",
        "Broken",
        "ACT-0000001",
    ]


def test_the_history_dialog_says_when_there_is_nothing(qtbot) -> None:
    dialog = HistoryDialog("Garnier SA", [], [], EN)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.history.isVisible()
    assert dialog.empty.isVisible()
    assert not dialog.results.isVisible()
    assert not dialog.results_title.isVisible()
