"""The Bank reconciliation page driven as a collector drives it: a camt.053 imported through
the window, Enter confirms the suggestion and the invoice is settled, Space skips, Confirm
all counts what it confirmed and refused, Assign to customer, Set aside and Put back, Undo
opens the invoice again, a statement that does not add up asks first, a refused file is
named, and a CSV export asks for its profile with a preview."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from collections_desktop.models.bank.profiles import profile_named
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    BankLineState,
    BankStatement,
    BankStatementLine,
    CustomerTransaction,
    ReceivablesParameters,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.ledger.balances import open_amount
from collections_desktop.views.dialogs.bank_assign import AssignLineDialog
from collections_desktop.views.dialogs.bank_profile import CsvProfileDialog
from collections_desktop.views.main_window import MainWindow
from collections_desktop.views.pages.bank_page import OPEN, OpenLine
from tests.bank_files import Entry, camt053
from tests.unit.test_nsf import NOW, add_customer, post

D = Decimal
WAIT = 15_000
TODAY = NOW.date()


@pytest.fixture
def books(sqlite_db: Database) -> dict[str, uuid.UUID | str]:
    """Ruiz owes INV 1,210.00 and 500.00; Garnier owes 300.00."""
    with sqlite_db.sessions.begin() as session:
        ruiz = add_customer(session)
        garnier = add_customer(session, country="FR")
        garnier.name = "Garnier SA"
        first = post(session, ruiz, TransactionType.INVOICE, "1210.00", dt.date(2026, 10, 1),
                     due_date=dt.date(2026, 10, 31))  # fmt: skip
        second = post(session, ruiz, TransactionType.INVOICE, "500.00", dt.date(2026, 10, 5),
                      due_date=dt.date(2026, 11, 4))  # fmt: skip
        third = post(session, garnier, TransactionType.INVOICE, "300.00", dt.date(2026, 10, 9),
                     due_date=dt.date(2026, 11, 8))  # fmt: skip
        return {
            "database": sqlite_db,
            "ruiz": ruiz.id,
            "garnier": garnier.id,
            "first": first.id,
            "second": second.id,
            "third": third.id,
            "first_number": first.document_number,
            "second_number": second.document_number,
        }  # type: ignore[return-value]


def week(books, *extra: Entry) -> list[Entry]:
    """Two credits naming Ruiz's invoices, one nobody knows, one debit."""
    return [
        Entry(D("500.00"), dt.date(2026, 11, 18), "RUIZ HERMANOS",
              text=f"Pago factura {books['second_number']}"),
        Entry(D("1210.00"), dt.date(2026, 11, 16), "RUIZ HERMANOS",
              text=f"INV {books['first_number']} thank you"),
        Entry(D("-35.40"), dt.date(2026, 11, 17), text="Bank charges"),
        Entry(D("77.00"), dt.date(2026, 11, 20), "J. GARCIA", text="Donation?"),
        *extra,
    ]  # fmt: skip


@pytest.fixture
def window(qtbot, books, make_window, monkeypatch) -> MainWindow:
    # The summary is shown window-modal; the tests read it from the controller.
    built = make_window(books["database"])
    built.show()
    return built


def import_files(qtbot, window: MainWindow, *paths: Path) -> list:
    with qtbot.waitSignal(window.bank_import.imported, timeout=WAIT) as signal:
        window.import_bank_files(list(paths))
    qtbot.waitUntil(lambda: window.bank_page.data is not None and not window.bank_page.is_loading,
                    timeout=WAIT)  # fmt: skip
    return signal.args[0]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def shown(window: MainWindow) -> list[tuple[str, ...]]:
    model = window.bank_page.grid.model
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def reload(qtbot, window: MainWindow) -> None:
    page = window.bank_page
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.refresh()


def line_state(database: Database, amount: str) -> tuple[str, str | None]:
    with database.sessions() as session:
        row = session.execute(
            select(BankStatementLine.state, CustomerTransaction.document_number)
            .outerjoin(CustomerTransaction, CustomerTransaction.id == BankStatementLine.payment_id)
            .where(BankStatementLine.amount == D(amount))
        ).one()
        return row.state, row.document_number


def open_of(database: Database, transaction_id) -> Decimal:
    with database.sessions() as session:
        return open_amount(session, transaction_id, TODAY)


def test_the_page_says_what_to_do_when_no_line_waits(qtbot, window: MainWindow) -> None:
    page = window.bank_page
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        window.show_page("bank")
    assert page.grid.empty.text().startswith("No statement lines waiting — ")
    assert "File ▸ Import bank statement…" in page.grid.empty.text()
    assert window.bank_import_action.text() == "Import &bank statement…"


def test_an_imported_file_lists_its_credits_oldest_first_with_the_reason(
    qtbot, window: MainWindow, books, tmp_path: Path
) -> None:
    path = write(tmp_path, "week.xml", camt053(week(books)))
    outcomes = import_files(qtbot, window, path)
    assert [(o.name, o.stored.new_lines, o.refused) for o in outcomes] == [("week.xml", 4, None)]
    summary = window.bank_import.summary
    assert summary is not None
    assert summary.row_texts(0)[:5] == ["week.xml", "1", "4", "0", "3"]
    assert window.current_page == "bank"
    rows = shown(window)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("Nov 16, 2026", "1,210.00", "RUIZ HERMANOS"),
        ("Nov 18, 2026", "500.00", "RUIZ HERMANOS"),
        ("Nov 20, 2026", "77.00", "J. GARCIA"),
    ]
    assert rows[0][4] == "98 %"
    assert rows[0][5] == "Ruiz Hermanos SL"
    assert rows[0][6] == books["first_number"]
    assert books["first_number"] in rows[0][7]  # the reason names the invoice
    assert rows[2][4:7] == ("", "", "")  # nobody's rule placed the donation
    assert window.bank_page.status.startswith("3 lines waiting · 0 set aside · 0 confirmed")


def test_enter_confirms_the_line_settles_the_invoice_and_moves_on_space_skips(
    qtbot, window: MainWindow, books, tmp_path: Path
) -> None:
    database = books["database"]
    import_files(qtbot, window, write(tmp_path, "week.xml", camt053(week(books))))
    page = window.bank_page
    view = page.grid.view
    view.setFocus()
    assert page.current_line().amount == D("1210.00")
    qtbot.keyClick(view, Qt.Key.Key_Space)  # skip: nothing written
    assert page.current_line().amount == D("500.00")
    assert line_state(database, "500.00") == ("open", None)
    page.select_line(
        next(r.line.id for r in page.grid.model.rows() if r.line.amount == D("1210.00"))
    )
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.grid.model.rowCount() == 2, timeout=WAIT)
    assert [r[1] for r in shown(window)] == ["500.00", "77.00"]
    assert page.current_line().amount == D("500.00")  # the next line
    state, payment = line_state(database, "1210.00")
    assert state == "confirmed"
    assert payment is not None
    assert payment.startswith("PAY-")
    assert open_of(database, books["first"]) == D("0.00")
    assert payment in page.status


def test_confirm_all_counts_what_it_confirmed_and_what_the_receipt_refused(
    qtbot, window: MainWindow, books, tmp_path: Path, monkeypatch, dialogs
) -> None:
    database = books["database"]
    twice = Entry(D("1210.00"), dt.date(2026, 11, 19), "RUIZ HERMANOS",
                  text=f"INV {books['first_number']} again")  # fmt: skip
    import_files(qtbot, window, write(tmp_path, "week.xml", camt053(week(books, twice))))
    page = window.bank_page
    asked: list[str] = []

    def question(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    page.confidence.setValue(1)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.confirm_all()
    result = page.last_batch
    assert result is not None
    assert len(result.confirmed) + len(result.refused) == 3
    assert asked[0].startswith("Confirm 3 lines whose best suggestion reaches 1 %?")
    assert page.status.startswith(
        f"{len(result.confirmed)} confirmed, {len(result.refused)} refused"
    )
    with database.sessions() as session:  # the invoice named twice is paid once
        paid = session.scalar(
            select(func.sum(SettlementLine.amount)).where(
                SettlementLine.transaction_id == books["first"]
            )
        )
        assert paid == D("1210.00")
    assert open_of(database, books["second"]) == D("0.00")
    if result.refused:
        assert dialogs["information"][0][1] == page.status.split(" · ")[0]
    assert [r[1] for r in shown(window)][-1] == "77.00"  # no suggestion: still waiting


def test_assign_to_customer_without_ticks_leaves_the_payment_unsettled(
    qtbot, window: MainWindow, books, tmp_path: Path
) -> None:
    database = books["database"]
    import_files(qtbot, window, write(tmp_path, "week.xml", camt053(week(books))))
    page = window.bank_page
    page.select_line(next(r.line.id for r in page.grid.model.rows() if r.line.amount == D("77.00")))
    dialog = page.assign_current()
    assert isinstance(dialog, AssignLineDialog)
    dialog.customer_requested.emit(books["garnier"])
    qtbot.waitUntil(lambda: dialog.customer is not None, timeout=WAIT)
    assert dialog.model.rowCount() == 1  # Garnier's 300.00, not ticked
    assert dialog.remainder.text().replace("\xa0", " ") == "0 ticked · left unsettled: 77.00 EUR"
    with qtbot.waitSignal(dialog.finished, timeout=WAIT):
        dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.grid.model.rowCount() == 2, timeout=WAIT)
    assert line_state(database, "77.00")[0] == "confirmed"
    assert open_of(database, books["third"]) == D("300.00")
    with database.sessions() as session:
        payment = session.scalars(
            select(CustomerTransaction).where(
                CustomerTransaction.customer_id == books["garnier"],
                CustomerTransaction.type == TransactionType.PAYMENT,
            )
        ).one()
        assert payment.amount == D("-77.00")


def test_set_aside_then_put_back(qtbot, window: MainWindow, books, tmp_path: Path) -> None:
    database = books["database"]
    import_files(qtbot, window, write(tmp_path, "week.xml", camt053(week(books))))
    page = window.bank_page
    page.select_line(next(r.line.id for r in page.grid.model.rows() if r.line.amount == D("77.00")))
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.set_aside_current(note="Ask sales who J. Garcia is")
    assert [r[1] for r in shown(window)] == ["1,210.00", "500.00"]
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.show_view("suspense")
    rows = shown(window)
    assert [(r[1], r[2], r[4]) for r in rows] == [
        ("77.00", "J. GARCIA", "Ask sales who J. Garcia is")
    ]
    assert page.view_combo.currentText() == "Set aside (1)"
    page.select_line(page.grid.model.rows()[0].id)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.put_back_current()
    assert page.grid.model.rowCount() == 0
    assert line_state(database, "77.00") == ("open", None)


def test_undo_names_the_payment_and_opens_the_invoice_again(
    qtbot, window: MainWindow, books, tmp_path: Path, monkeypatch
) -> None:
    database = books["database"]
    import_files(qtbot, window, write(tmp_path, "week.xml", camt053(week(books))))
    page = window.bank_page
    page.grid.view.setFocus()
    qtbot.keyClick(page.grid.view, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: line_state(database, "1210.00")[0] == "confirmed", timeout=WAIT)
    payment = line_state(database, "1210.00")[1]
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.show_view("confirmed")
    assert [(r[2], r[4], r[5]) for r in shown(window)] == [
        ("1,210.00", "Ruiz Hermanos SL", payment)
    ]
    asked: list[str] = []

    def question(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    page.select_line(page.grid.model.rows()[0].id)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.undo_current()
    assert (
        asked[0]
        .replace("\xa0", " ")
        .startswith(f"Take back payment {payment} of 1,210.00 EUR from ")
    )
    assert page.grid.model.rowCount() == 0
    assert open_of(database, books["first"]) == D("1210.00")
    assert line_state(database, "1210.00") == ("open", None)


def test_a_statement_that_does_not_add_up_asks_first_and_a_broken_file_is_named(
    qtbot, window: MainWindow, books, tmp_path: Path, monkeypatch
) -> None:
    database = books["database"]
    short = write(tmp_path, "short.xml", camt053(week(books), closing_gap=D("-10.00")))
    broken = write(tmp_path, "broken.xml", b"<Document><BkToCstmrStmt>")
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[tuple[str, str]] = []

    def question(_parent, title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append((title, text))
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    outcomes = import_files(qtbot, window, short, broken)
    assert asked[0][0] == "Import anyway?"
    assert asked[0][1].startswith("short.xml: statement 2026-47 of ")
    assert [o.stored for o in outcomes] == [None, None]
    assert outcomes[1].refused.startswith("broken.xml")
    assert window.statusBar().currentMessage() == (
        "0 files imported: 0 new lines, 0 credits waiting · 2 refused: short.xml, broken.xml"
    )
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(BankStatement)) == 0
    outcomes = import_files(qtbot, window, short)  # Yes this time: the difference is kept
    assert outcomes[0].stored.new_lines == 4
    assert window.bank_import.summary.row_texts(0)[5].replace("\xa0", " ") == (
        "statement 2026-47 of ES9121000418450200051332: 10.00 EUR"
    )
    with qtbot.waitSignal(window.bank_page.loaded, timeout=WAIT):
        window.bank_page.show_view("statements")
    row = shown(window)[0]
    assert (row[2], row[7], row[9]) == ("2026-47", "10.00", "3")


def test_a_dropped_csv_export_asks_for_its_profile_with_a_preview(
    qtbot, window: MainWindow, books, tmp_path: Path
) -> None:
    database = books["database"]
    csv = write(
        tmp_path,
        "export",  # no extension, as some banks send them
        (
            "Fecha;Importe;Ordenante;Concepto\n"
            f"16/11/2026;1.210,00;RUIZ HERMANOS;Factura {books['first_number']}\n"
            "17/11/2026;-35,40;;Comision\n"
        ).encode(),
    )
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(csv))])
    drop = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    with qtbot.waitSignal(window.bank_import.imported, timeout=WAIT):
        window.dropEvent(drop)
        qtbot.waitUntil(lambda: window.bank_import.profile_dialog is not None, timeout=WAIT)
        dialog = window.bank_import.profile_dialog
        assert isinstance(dialog, CsvProfileDialog)
        assert dialog.decimal_comma.isChecked()  # guessed from the semicolons
        dialog.date_format.setEditText("%d/%m/%Y")
        dialog.set_column("booking_date", "Fecha")
        dialog.set_column("amount", "Importe")
        dialog.set_column("counterparty_name", "Ordenante")
        dialog.set_column("remittance", "Concepto")
        dialog.name.setText("Banco Ejemplo")
        dialog.account.setText("ES7921000813610123456789")
        dialog.currency.setText("EUR")
        assert dialog.last_problem is None
        preview = dialog.preview
        amounts = [preview.item(r, 1).text() for r in range(preview.rowCount())]
        assert [a.replace("\xa0", " ") for a in amounts] == ["1,210.00 EUR", "-35.40 EUR"]
        dialog.ok_button.click()
    with database.sessions() as session:
        assert profile_named(session, "Banco Ejemplo") is not None
        states = session.execute(
            select(BankStatementLine.amount, BankStatementLine.state).order_by(
                BankStatementLine.booking_date
            )
        ).all()
    assert [tuple(r) for r in states] == [
        (D("1210.00"), BankLineState.OPEN),
        (D("-35.40"), BankLineState.OUTGOING),
    ]
    page = window.bank_page
    qtbot.waitUntil(lambda: page.data is not None and not page.is_loading, timeout=WAIT)
    assert page.view == OPEN
    assert [(type(r), r.line.amount) for r in page.grid.model.rows()] == [(OpenLine, D("1210.00"))]


def test_a_short_payment_within_the_tolerance_offers_to_write_off_the_difference(
    qtbot, window: MainWindow, books, tmp_path: Path
) -> None:
    database = books["database"]
    with write_transaction(database) as session:
        parameters = session.scalars(select(ReceivablesParameters)).one()
        parameters.bank_tolerance_amount = D("5.00")
    short = Entry(D("1207.50"), dt.date(2026, 11, 16), "RUIZ HERMANOS",
                  text=f"INV {books['first_number']}")  # fmt: skip
    import_files(qtbot, window, write(tmp_path, "short.xml", camt053([short])))
    page = window.bank_page
    assert page.current_line().amount == D("1207.50")
    assert page.write_off.isVisibleTo(page)
    assert page.write_off.text().replace("\xa0", " ") == (
        "&Write off the small difference of 2.50 EUR"
    )
    page.write_off.setChecked(True)
    page.grid.view.setFocus()
    qtbot.keyClick(page.grid.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.grid.model.rowCount() == 0, timeout=WAIT)
    assert open_of(database, books["first"]) == D("0.00")
    assert page.status.replace("\xa0", " ").endswith("2.50 EUR written off")
