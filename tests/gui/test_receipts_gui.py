"""Record payment, the Payments page and the receipt PDF, driven like a collector drives them.

The dialog's remainder follows the amount and the ticks live; OK posts and closes; a
refusal of the rules shows inline with nothing written. Ctrl+R opens the dialog on the
Workspace. The Payments page lists newest first and filters by method and state, and
moves the selected cheques. The receipt is printed in the customer's language (read back
with ``pdftotext``), a reprint marked COPY.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    PaymentDetails,
    PaymentStateChange,
    TransactionType,
)
from collections_desktop.models.ledger import balances
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.receipts.read import receipt_detail
from collections_desktop.models.receipts.record import PaymentEntry, record_payment
from collections_desktop.views.actions.receipts import ReceiptActions
from collections_desktop.views.dialogs.receipt_dialog import PaymentStateDialog, RecordPaymentDialog
from collections_desktop.views.pages.payments_page import PaymentsPage
from collections_desktop.views.receipt_pdf import receipt_html, receipt_pdf
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context
from tests.gui.test_letter_languages import PDFTOTEXT, pdf_text
from tests.unit.test_nsf import NOW, add_customer, post

D = Decimal
WAIT = 10_000
FORMATS = Formats("en_US")
TODAY = NOW.date()
CLOCK = FixedClock.on(TODAY)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def books(sqlite_db: Database) -> tuple[Database, uuid.UUID, list[uuid.UUID]]:
    """A Spanish customer with invoices of 100.00 (due 1 Oct), 250.00 (15 Oct), 400.00 (1 Nov)."""
    with sqlite_db.sessions.begin() as session:
        customer = add_customer(session, language="es", street="Calle Mayor 4", city="Madrid")
        ids = [
            post(session, customer, TransactionType.INVOICE, amount, dt.date(2026, 9, day),
                 due_date=due).id
            for amount, day, due in (
                ("100.00", 1, dt.date(2026, 10, 1)),
                ("250.00", 10, dt.date(2026, 10, 15)),
                ("400.00", 20, dt.date(2026, 11, 1)),
            )
        ]  # fmt: skip
        return sqlite_db, customer.id, ids


def plain(text: str) -> str:
    """``text`` with the no-break spaces of money formats as plain spaces."""
    return text.replace("\xa0", " ")


def counts(database: Database) -> tuple[int, int, int]:
    with database.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(CustomerTransaction)),
            session.scalar(select(func.count()).select_from(PaymentDetails)),
            session.scalar(select(func.count()).select_from(PaymentStateChange)),
        )


def receipt_actions(qtbot, database: Database, runner: TaskRunner) -> ReceiptActions:
    host = QWidget()
    qtbot.addWidget(host)
    with database.sessions() as session:
        scope = company_scope(session)
    context = page_context(database, runner, scope, None, CLOCK, formats=FORMATS)
    return ReceiptActions(context, host, open_url=lambda _url: True)


def open_dialog(qtbot, actions: ReceiptActions, customer_id: uuid.UUID) -> RecordPaymentDialog:
    actions.record(customer_id)
    qtbot.waitUntil(lambda: isinstance(actions.dialog, RecordPaymentDialog), timeout=WAIT)
    dialog = actions.dialog
    assert isinstance(dialog, RecordPaymentDialog)
    return dialog


def test_the_remainder_follows_the_amount_and_the_ticks_and_ok_posts(
    qtbot, books, runner: TaskRunner
) -> None:
    database, customer_id, (first, second, third) = books
    actions = receipt_actions(qtbot, database, runner)
    done: list = []
    actions.written.connect(done.append)
    dialog = open_dialog(qtbot, actions, customer_id)
    model = dialog.model
    assert [model.transaction(r).document_number for r in range(model.rowCount())] == [
        "INV-0000001", "INV-0000002", "INV-0000003",
    ]  # fmt: skip
    assert plain(dialog.remainder.text()) == "Type the amount received."
    dialog.amount.setText("300.00")
    assert plain(dialog.remainder.text()) == "0 ticked · left unsettled: 300.00 EUR"
    model.set_checked(1, True)  # 250.00 prefilled
    assert plain(dialog.remainder.text()) == "1 ticked · left unsettled: 50.00 EUR"
    model.setData(model.index(2, model.AMOUNT), "30")
    assert plain(dialog.remainder.text()) == "2 ticked · left unsettled: 20.00 EUR"
    dialog.oldest_mode.setChecked(True)
    assert (
        plain(dialog.remainder.text()) == "Pays 2 invoices oldest first · left unsettled: 0.00 EUR"
    )
    dialog.tick_mode.setChecked(True)
    dialog.method.setCurrentIndex(dialog.method.findData("cheque"))
    assert dialog.reference_label.text() == "Cheque &number"
    dialog.reference.setText("0004417")
    dialog.bank.setText("Banco Sabadell")
    with qtbot.waitSignal(dialog.finished, timeout=WAIT):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(done) == 1, timeout=WAIT)
    (result,) = done
    assert (result.unsettled, result.state) == (D("20.00"), "received")
    with database.sessions() as session:
        assert balances.open_amount(session, second, TODAY) == D("0")
        assert balances.open_amount(session, third, TODAY) == D("370.00")
        assert balances.open_amount(session, first, TODAY) == D("100.00")
        details = session.scalars(select(PaymentDetails)).one()
        assert (details.reference, details.bank_name, details.submission_id) == (
            "0004417", "Banco Sabadell", dialog.submission_id,
        )  # fmt: skip


def test_a_refusal_shows_inline_and_writes_nothing(qtbot, books, runner: TaskRunner) -> None:
    database, customer_id, _ids = books
    actions = receipt_actions(qtbot, database, runner)
    dialog = open_dialog(qtbot, actions, customer_id)
    before = counts(database)
    dialog.amount.setText("50.00")
    dialog.model.set_checked(2, True)  # 400.00 ticked for a payment of 50.00
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    assert "more than the payment's 50.00" in dialog.error.text()
    dialog.model.set_checked(2, False)
    dialog.method.setCurrentIndex(dialog.method.findData("cheque"))  # no cheque number
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "number of the cheque" in dialog.error.text(), timeout=WAIT)
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    assert counts(database) == before


def test_ctrl_r_on_the_workspace_opens_record_payment_on_its_customer(qtbot, loaded_window) -> None:
    window = loaded_window
    with window.context.database.sessions() as session:
        ruiz = session.scalar(select(Customer.id).where(Customer.account == "C-000001"))
    page = window.workspace_page
    window.show_page("workspace")
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        window.show_customer(ruiz)
    actions = page.transaction_actions
    assert actions.actions["record_payment"].shortcut().toString() == "Ctrl+R"
    window.activateWindow()
    qtbot.waitActive(window)
    page.open_grid.view.setFocus()
    qtbot.keyClick(page.open_grid.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(actions.receipts.dialog, RecordPaymentDialog), timeout=WAIT)
    dialog = actions.receipts.dialog
    assert isinstance(dialog, RecordPaymentDialog)
    assert dialog.customer is not None
    assert dialog.customer.label == "C-000001 Ruiz Hermanos SL"
    assert [
        dialog.model.transaction(r).document_number for r in range(dialog.model.rowCount())
    ] == ["INV-0000001"]
    dialog.reject()


def test_the_payments_page_filters_orders_and_deposits(qtbot, books, runner: TaskRunner) -> None:
    database, customer_id, _ids = books
    with database.sessions.begin() as session:
        scope = company_scope(session)
        for day, method, reference in (
            (dt.date(2026, 11, 2), "cheque", "11"),
            (dt.date(2026, 11, 9), "cash", None),
            (dt.date(2026, 11, 16), "cheque", "12"),
        ):
            record_payment(
                session, scope,
                PaymentEntry(customer_id, day, D("10.00"), "EUR", method, reference=reference),
                NOW, created_by_id=None,
            )  # fmt: skip
    context = page_context(database, runner, scope, None, CLOCK, formats=FORMATS)
    page = PaymentsPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.activate()
    grid = page.grid.model
    shown = [grid.row(grid.index(r, 0)) for r in range(grid.rowCount())]
    assert [(r.payment_date.day, r.method) for r in shown] == [
        (16, "cheque"), (9, "cash"), (2, "cheque"),
    ]  # fmt: skip
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.method_filter.setCurrentIndex(page.method_filter.findData("cheque"))
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.state_filter.setCurrentIndex(page.state_filter.findData("received"))
    assert [grid.row(grid.index(r, 0)).reference for r in range(grid.rowCount())] == ["12", "11"]
    page.grid.view.selectAll()
    assert page.move_actions["deposited"].isEnabled()
    assert not page.move_actions["cleared"].isEnabled()
    page.move_selected("deposited")
    dialog = page.receipts.dialog
    assert isinstance(dialog, PaymentStateDialog)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert grid.rowCount() == 0  # none is "received" any more
    with database.sessions() as session:
        states = session.execute(select(PaymentDetails.reference, PaymentDetails.state))
        assert sorted(states, key=str) == [
            ("11", "deposited"),
            ("12", "deposited"),
            (None, "cleared"),
        ]


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext is not installed")
def test_the_receipt_is_in_the_customers_language_and_a_reprint_says_copy(
    qtbot, books, runner: TaskRunner, tmp_path: Path
) -> None:
    database, customer_id, _ids = books
    with database.sessions.begin() as session:
        scope = company_scope(session)
        paid = record_payment(
            session, scope,
            PaymentEntry(customer_id, dt.date(2026, 11, 20), D("1300.00"), "EUR", "cheque",
                         reference="0004417", bank_name="Banco Sabadell", oldest_first=True),
            NOW, created_by_id=None,
        )  # fmt: skip
    actions = receipt_actions(qtbot, database, runner)
    paths = iter([tmp_path / "first.pdf", tmp_path / "again.pdf"])
    actions.save_path = lambda _title, _suggested: str(next(paths))
    said: list[str] = []
    actions.changed.connect(said.append)
    actions.print_receipt(paid.transaction_id)
    qtbot.waitUntil(lambda: len(said) == 1, timeout=WAIT)
    first = pdf_text(tmp_path / "first.pdf").replace("\u2011", "-")
    assert "PAY-0000001" in first
    assert "20 de noviembre de 2026" in first  # the customer's formats, not the user's
    assert "1300,00" in first.replace(".", "").replace("\xa0", " ") or "1.300,00" in first
    assert "Documento" in first
    assert "INV-0000003" in first
    assert "COPIA" not in first
    actions.print_receipt(paid.transaction_id)
    qtbot.waitUntil(lambda: len(said) == 2, timeout=WAIT)
    again = pdf_text(tmp_path / "again.pdf")
    assert "COPIA" in again
    with database.sessions() as session:
        detail = receipt_detail(session, scope, paid.transaction_id, TODAY)
    assert detail.printed_before
    assert [(line.document_number, line.amount) for line in detail.lines] == [
        ("INV-0000001", D("100.00")), ("INV-0000002", D("250.00")), ("INV-0000003", D("400.00")),
    ]  # fmt: skip
    html = receipt_html(detail, Formats.for_locale("es"), copy=True)
    assert "550,00" in html  # what stays held on the account


def test_receipt_pdf_writes_a_png_preview(books, tmp_path: Path) -> None:
    """The receipt as an image, for the reviewers (``pdftoppm`` is used by hand)."""
    database, customer_id, _ids = books
    with database.sessions.begin() as session:
        scope = company_scope(session)
        paid = record_payment(
            session, scope, PaymentEntry(customer_id, TODAY, D("80.00"), "EUR", "cash"), NOW,
            created_by_id=None,
        )  # fmt: skip
        detail = receipt_detail(session, scope, paid.transaction_id, TODAY)
    path = receipt_pdf(detail, tmp_path / "r.pdf")
    assert path.read_bytes().startswith(b"%PDF")
