"""The Settle, Reverse settlement and Write off dialogs driven like a collector drives them.

Each dialog writes through a ``WriteOp`` on a real SQLite company: the happy path is read
back from the database, and a refusal shows its message in the dialog with nothing written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from sqlalchemy import func, select, update

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.actions.writeoff import write_off_preview
from collections_desktop.models.actions.writeoff_plan import write_off_reasons
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Customer,
    Journal,
    ReceivablesParameters,
    Settlement,
    SettlementLine,
    TransactionTax,
    WriteOffReason,
)
from collections_desktop.models.ledger import balances, postings, settlements
from collections_desktop.models.ledger.journals import journal_rows
from collections_desktop.models.ledger.settling import reverse, settle_marked, settlements_of
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.screens.customer_card import open_transactions
from collections_desktop.views.actions.transactions import ActionContext, TransactionActions
from collections_desktop.views.dialogs.settle_dialog import (
    MarkModel,
    ReverseSettlementDialog,
    SettleDialog,
)
from collections_desktop.views.dialogs.writeoff_dialog import WriteOffDialog
from collections_desktop.views.operations import WriteOp
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
TODAY = NOW.date()
FORMATS = Formats("en_US")
WAIT = 10_000


@dataclass(frozen=True)
class Books:
    """Ruiz: INV-1 1,210.00 (210.00 VAT, SALES), INV-2 1,210.00 (VAT, SERVICE), PAY 2,000.00."""

    database: Database
    customer: uuid.UUID
    inv1: uuid.UUID
    inv2: uuid.UUID
    pay: uuid.UUID


@pytest.fixture
def books(sqlite_db: Database) -> Books:
    with sqlite_db.sessions.begin() as session:
        session.execute(update(ReceivablesParameters).values(separate_sales_tax=True))
        customer = Customer(
            account="C-000421", name="Ruiz Hermanos SL", currency="EUR", updated_at=NOW
        )
        session.add(customer)
        session.flush()
        ids = []
        for posted, dimension in (
            (dt.date(2026, 9, 1), "SALES"),
            (dt.date(2026, 9, 15), "SERVICE"),
        ):
            inv = postings.post_invoice(
                session,
                customer_id=customer.id,
                amount=D("1210.00"),
                posting_date=posted,
                due_date=posted + dt.timedelta(days=30),
                dimension=dimension,
                now=NOW,
            )
            session.add(
                TransactionTax(
                    transaction_id=inv.id,
                    tax_code="VAT-STD",
                    tax_account="445710",
                    amount=D("210.00"),
                    amount_accounting=D("210.00"),
                )
            )
            ids.append(inv.id)
        pay = postings.post_payment(
            session,
            customer_id=customer.id,
            amount=D("2000.00"),
            posting_date=dt.date(2026, 11, 2),
            now=NOW,
        )
        return Books(sqlite_db, customer.id, ids[0], ids[1], pay.id)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def rows_of(books: Books):
    with books.database.sessions() as session:
        return open_transactions(session, company_scope(session), books.customer, TODAY)


def count(books: Books, table) -> int:
    with books.database.sessions() as session:
        return session.scalar(select(func.count()).select_from(table))


def open_of(books: Books, txn_id: uuid.UUID, on: dt.date = TODAY) -> Decimal:
    with books.database.sessions() as session:
        return balances.open_amount(session, txn_id, on)


def row_of(model: MarkModel, document: str) -> int:
    return next(
        r for r in range(model.rowCount()) if model.transaction(r).document_number == document
    )


def check(model: MarkModel, document: str) -> int:
    row = row_of(model, document)
    model.setData(
        model.index(row, MarkModel.MARK), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    return row


def type_amount(qtbot, dialog: SettleDialog, row: int, text: str) -> None:
    """Type an amount into the grid's editor, as a collector does, and press Enter."""
    index = dialog.model.index(row, MarkModel.AMOUNT)
    dialog.view.setCurrentIndex(index)
    dialog.view.edit(index)
    editor = dialog.view.indexWidget(index)  # the open editor (closed ones linger a while)
    assert isinstance(editor, QLineEdit)
    assert editor.objectName() == "settle_amount_editor"
    assert editor.alignment() & Qt.AlignmentFlag.AlignRight
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    with qtbot.waitSignal(dialog.model.marks_changed, timeout=WAIT):  # committed when queued
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def submit_settle(books: Books, runner: TaskRunner, dialog: SettleDialog, results: list) -> None:
    """Wire the dialog as the Workspace does: OK → settle_marked in one transaction."""

    def submitted(value) -> None:
        WriteOp(
            lambda session: settle_marked(
                session,
                company_scope(session),
                value.marks,
                value.settlement_date,
                NOW,
                created_by_id=None,
                note=value.note,
            ),
            results.append,
            "settle",
            feedback=dialog,
        ).run(runner, books.database)

    dialog.submitted.connect(submitted)


def test_settle_dialog_writes_a_partial_settlement(qtbot, books: Books, runner) -> None:
    dialog = SettleDialog(rows_of(books), TODAY, FORMATS, customer="C-000421 Ruiz Hermanos SL")
    qtbot.addWidget(dialog)
    dialog.show()
    results: list = []
    submit_settle(books, runner, dialog, results)
    model = dialog.model
    assert [model.transaction(r).document_number for r in range(model.rowCount())] == [
        "INV-0000001",
        "INV-0000002",
        "PAY-0000001",
    ]
    inv1 = check(model, "INV-0000001")
    assert model.amount_text(inv1) == "1,210.00"  # prefilled with what is open
    type_amount(qtbot, dialog, inv1, "700.00")
    # the payment is marked by a click on its check box
    pay = row_of(model, "PAY-0000001")
    box = dialog.view.visualRect(model.index(pay, MarkModel.MARK)).center()
    qtbot.mouseClick(dialog.view.viewport(), Qt.MouseButton.LeftButton, pos=box)
    assert model.is_checked(pay)
    assert model.amount_text(pay) == "2,000.00"
    assert dialog.difference.text() == "-1,300.00 EUR"  # 700.00 against 2,000.00
    type_amount(qtbot, dialog, pay, "700")
    assert (dialog.debits.text(), dialog.credits.text(), dialog.difference.text()) == (
        "700.00 EUR",
        "700.00 EUR",
        "0.00 EUR",
    )
    assert model.data(model.index(inv1, MarkModel.AMOUNT)) == "700.00"
    assert model.data(model.index(inv1, MarkModel.OPEN), Qt.ItemDataRole.TextAlignmentRole) == (
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    dialog.date.setDate(QDate(2026, 11, 20))
    dialog.note.setText("Remittance 4471")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(results) == 1, timeout=WAIT)
    assert not dialog.isVisible()
    (summary,) = results
    assert (summary.number, summary.total, summary.settlement_date) == (
        "ST-00000001",
        D("700.00"),
        dt.date(2026, 11, 20),
    )
    assert open_of(books, books.inv1) == D("510.00")
    assert open_of(books, books.pay) == D("-1300.00")
    assert open_of(books, books.inv1, dt.date(2026, 11, 19)) == D("1210.00")
    with books.database.sessions() as session:
        (row,) = settlements_of(session, books.customer)
    assert (row.documents, row.note, row.total) == (
        ("INV-0000001", "PAY-0000001"),
        "Remittance 4471",
        D("700.00"),
    )


def test_settle_dialog_refuses_inline_and_writes_nothing(qtbot, books: Books, runner) -> None:
    dialog = SettleDialog(rows_of(books), TODAY, FORMATS)
    qtbot.addWidget(dialog)
    dialog.show()
    results: list = []
    submit_settle(books, runner, dialog, results)
    model = dialog.model
    # nothing marked
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith("Nothing is marked")
    # one side only
    type_amount(qtbot, dialog, row_of(model, "INV-0000001"), "700")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == (
        "Only debits are marked. Mark at least one debit and one credit to settle."
    )
    # totals that differ: 700.00 against 1,000.00
    type_amount(qtbot, dialog, row_of(model, "PAY-0000001"), "1000")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == (
        "The marked debits total 700.00 EUR and the credits 1,000.00 EUR: they differ by "
        "300.00. Settle equal amounts."
    )
    # more than is open
    type_amount(qtbot, dialog, row_of(model, "INV-0000001"), "1300")
    type_amount(qtbot, dialog, row_of(model, "PAY-0000001"), "1300")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "INV-0000001 has only 1,210.00 open; 1,300.00 was asked."
    # something that is not an amount
    type_amount(qtbot, dialog, row_of(model, "INV-0000001"), "12x")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "“12x”, is not an amount" in dialog.error.text()
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    assert results == []
    assert count(books, Settlement) == 0

    # Stale rows: someone settled 1,000.00 of INV-0000001 meanwhile. The dialog cannot
    # know; the domain refuses inside the write, the message shows inline, nothing is kept.
    with books.database.sessions.begin() as session:
        settlements.settle(session, {books.inv1: D("1000"), books.pay: D("1000")}, TODAY, NOW)
    type_amount(qtbot, dialog, row_of(model, "INV-0000001"), "1210")
    type_amount(qtbot, dialog, row_of(model, "PAY-0000001"), "1210")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=WAIT)
    assert dialog.error.text() == (
        "INV-0000001 has only 210.00 open on Nov 23, 2026; 1,210.00 was asked."
    )
    assert results == []
    assert (count(books, Settlement), count(books, SettlementLine)) == (1, 2)
    assert open_of(books, books.inv1) == D("210.00")


def test_reverse_settlement_dialog_reopens_the_documents(qtbot, books: Books, runner) -> None:
    with books.database.sessions.begin() as session:
        scope = company_scope(session)
        first = settle_marked(
            session,
            scope,
            {books.inv1: D("1210"), books.pay: D("1210")},
            dt.date(2026, 11, 5),
            NOW,
            created_by_id=None,
        )
        second = settle_marked(
            session,
            scope,
            {books.inv2: D("790"), books.pay: D("790")},
            dt.date(2026, 11, 6),
            NOW,
            created_by_id=None,
        )
        rows = settlements_of(session, books.customer)
    dialog = ReverseSettlementDialog(rows, TODAY, FORMATS)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.selected().id == second.settlement_id  # the newest is chosen first
    assert dialog.select(first.settlement_id)
    results: list = []

    def submitted(value) -> None:
        WriteOp(
            lambda session: reverse(
                session,
                company_scope(session),
                value.settlement_id,
                value.reversal_date,
                NOW,
                created_by_id=None,
                note=value.note,
            ),
            results.append,
            "reverse",
            feedback=dialog,
        ).run(runner, books.database)

    dialog.submitted.connect(submitted)
    # a date before the settlement's: refused inline, nothing written
    dialog.date.setDate(QDate(2026, 11, 4))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == (
        "ST-00000001 is dated Nov 5, 2026; it cannot be reversed on Nov 4, 2026, an earlier date."
    )
    assert count(books, Settlement) == 2

    dialog.date.setDate(QDate(2026, 11, 10))
    dialog.note.setText("Payment was for another account")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(results) == 1, timeout=WAIT)
    (made,) = results
    assert (made.number, made.reverses, made.note) == (
        "ST-00000003",
        "ST-00000001",
        "Payment was for another account",
    )
    assert open_of(books, books.inv1, dt.date(2026, 11, 9)) == D("0.00")
    assert open_of(books, books.inv1) == D("1210.00")
    assert open_of(books, books.pay) == D("-1210.00")
    with books.database.sessions() as session:
        listed = settlements_of(session, books.customer)
    again = ReverseSettlementDialog(listed, TODAY, FORMATS)
    qtbot.addWidget(again)
    statuses = [again.model.data(again.model.index(r, 5)) for r in range(again.model.rowCount())]
    assert statuses == [
        "Reversal of ST-00000001",
        "Settled",
        "Reversed by ST-00000003 on Nov 10, 2026",
    ]
    # only the settlement still standing can be chosen
    assert [bool(again.model.flags(again.model.index(r, 0)) & Qt.ItemFlag.ItemIsSelectable)
            for r in range(3)] == [False, True, False]  # fmt: skip
    assert again.selected().number == "ST-00000002"


def write_off_dialog(
    qtbot, books: Books, runner, marked, label: str = ""
) -> tuple[WriteOffDialog, TransactionActions]:
    """The Write off dialog as the Workspace opens it on ``marked`` (it reads its journal),
    and the actions that write it."""
    host = QWidget()
    qtbot.addWidget(host)
    with books.database.sessions() as session:
        scope = company_scope(session)
    context = page_context(books.database, runner, scope, None, FixedClock(NOW), formats=FORMATS)
    target = ActionContext(books.customer, label, "EUR", tuple(rows_of(books)), tuple(marked))
    actions = TransactionActions(context, host, target=lambda: target)
    actions.write_off()
    qtbot.waitUntil(lambda: isinstance(actions.dialog, WriteOffDialog), timeout=WAIT)
    dialog = actions.dialog
    assert isinstance(dialog, WriteOffDialog)
    return dialog, actions


def test_write_off_dialog_shows_the_journal_and_posts_it(qtbot, books: Books, runner) -> None:
    with books.database.sessions.begin() as session:
        session.add(
            WriteOffReason(
                code="BANKRUPT",
                description="Customer went bankrupt",
                ledger_account="654000",
                updated_at=NOW,
            )
        )
    with books.database.sessions() as session:
        reasons = write_off_reasons(session)
    marked = [r for r in rows_of(books) if r.id in (books.inv1, books.inv2)]
    dialog, actions = write_off_dialog(qtbot, books, runner, marked, "C-000421")
    assert reasons
    assert dialog.total.text() == "2 transactions marked, 2,420.00\xa0EUR open"

    def shown() -> list[tuple]:
        model = dialog.lines
        return [
            tuple(model.data(model.index(r, c)) for c in range(6)) for r in range(model.rowCount())
        ]

    assert dialog.reason.currentData() == "BANKRUPT"  # the first by code
    qtbot.waitUntil(lambda: dialog.lines.rowCount() == 5, timeout=WAIT)
    assert shown() == [
        ("Customer", "C-000421", "", "", "EUR", "-2,420.00"),
        ("Ledger", "654000", "SALES", "", "EUR", "1,000.00"),
        ("Ledger", "654000", "SERVICE", "", "EUR", "1,000.00"),
        ("Sales tax", "445710", "SALES", "VAT-STD", "EUR", "210.00"),
        ("Sales tax", "445710", "SERVICE", "VAT-STD", "EUR", "210.00"),
    ]
    assert dialog.preview_view.isColumnHidden(6)  # all in the accounting currency
    # another reason: the preview follows it to the default account
    dialog.reason.setCurrentIndex(dialog.reason.findData("UNCOLLECT"))
    qtbot.waitUntil(lambda: shown()[1][1] == "681000", timeout=WAIT)
    assert [row[1] for row in shown()] == ["C-000421", "681000", "681000", "445710", "445710"]
    results: list = []
    actions.written.connect(results.append)
    lines = dialog.preview_lines()

    dialog.note.setText("Insolvency case 2026/118")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(results) == 1, timeout=WAIT)
    (result,) = results
    with books.database.sessions() as session:
        posted = journal_rows(session, result.journal_id)
        journal = session.get(Journal, result.journal_id)
        assert (journal.reason_code, journal.description) == (
            "UNCOLLECT",
            "Insolvency case 2026/118",
        )
        assert balances.balance(session, books.customer, TODAY) == D("-2000.00")
    assert [(r.account, r.dimension, r.amount) for r in posted] == [
        (line.account, line.dimension, line.amount) for line in lines
    ]
    assert sum(r.amount for r in posted) == 0
    assert (open_of(books, books.inv1), open_of(books, books.inv2)) == (0, 0)


def test_write_off_dialog_refuses_a_date_before_posting(qtbot, books: Books, runner) -> None:
    with books.database.sessions() as session:
        reasons = write_off_reasons(session)
    marked = [r for r in rows_of(books) if r.id in (books.inv1, books.inv2)]
    dialog, _actions = write_off_dialog(qtbot, books, runner, marked)
    assert reasons
    submitted: list = []
    dialog.submitted.connect(submitted.append)
    dialog.date.setDate(QDate(2026, 9, 10))  # INV-0000002 was posted on 15 Sep
    message = (
        "INV-0000002 was posted on Sep 15, 2026; it cannot be written off on Sep 10, 2026, "
        "an earlier date."
    )
    qtbot.waitUntil(dialog.preview_message.isVisible, timeout=WAIT)
    assert dialog.preview_message.isVisible()
    assert dialog.preview_message.text() == message
    assert dialog.lines.rowCount() == 0
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    assert dialog.error.text() == message
    assert submitted == []
    assert count(books, Journal) == 0
    assert open_of(books, books.inv2) == D("1210.00")
    # a date that works brings the journal back and clears the refusal
    dialog.date.setDate(QDate(2026, 9, 15))
    qtbot.waitUntil(lambda: not dialog.preview_message.isVisible(), timeout=WAIT)
    assert not dialog.preview_message.isVisible()
    assert dialog.lines.rowCount() == 5


def test_write_off_dialog_with_precomputed_lines_and_nothing_to_choose(qtbot, books) -> None:
    with books.database.sessions() as session:
        lines = write_off_preview(session, [books.inv1], TODAY, "SMALL")
    marked = [r for r in rows_of(books) if r.id == books.inv1]
    dialog = WriteOffDialog(marked, [], TODAY, FORMATS, lines=lines)
    qtbot.addWidget(dialog)
    assert dialog.lines.rowCount() == 3
    assert not dialog.ok_button.isEnabled()  # no reason is set up
    assert dialog.check() == "Choose a write-off reason."
