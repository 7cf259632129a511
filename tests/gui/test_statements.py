"""Account statements on paper and on screen: the PDF read back by ``pdftotext`` in English
and Spanish (amounts, numbers, names, in the customer's language), headings repeated on
every page, and the Workspace's dialog: presets, a refused period, saving PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QWidget

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer, TransactionType
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.statements.statement import statement
from collections_desktop.views.dialogs.fields import qdate
from collections_desktop.views.dialogs.statement_dialog import CUSTOM, XLSX, StatementDialog
from collections_desktop.views.pages.workspace_page import WorkspacePage
from collections_desktop.views.statement_pdf import statement_html, statement_pdf
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context
from tests.unit.test_statements import NOVEMBER, add_customer, euro_books, post

PDFTOTEXT = shutil.which("pdftotext")
LOAD = 10_000
TODAY = dt.date(2026, 12, 3)


def pdf_text(path: Path, page: int | None = None) -> str:
    assert PDFTOTEXT is not None
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        [PDFTOTEXT, "-layout", *pages, "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.replace("\u2060", "")  # the word joiners that keep a number on one line


def lines_with(text: str, needle: str) -> list[str]:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if needle in line]


@pytest.mark.skipif(PDFTOTEXT is None, reason="needs poppler's pdftotext")
def test_the_pdf_speaks_the_customers_language(qapp, sqlite_db: Database, tmp_path) -> None:
    with sqlite_db.sessions() as session:
        spanish, docs = euro_books(session)
        english = add_customer(session, country="GB", language="en", name="Lawrence & Smith Ltd")
        invoice = post(session, english, TransactionType.INVOICE, "1234.56", dt.date(2026, 11, 3))
        session.commit()
        scope = company_scope(session)
        in_spanish = statement(session, scope, spanish.id, NOVEMBER)
        in_english = statement(session, scope, english.id, NOVEMBER)

    text = pdf_text(statement_pdf(in_spanish, tmp_path / "es.pdf"))
    assert in_spanish.company_name in " ".join(text.split())
    assert "Ruiz Hermanos SL" in text
    assert "28013 Madrid" in text
    assert "España" in text
    assert in_spanish.account in text
    assert lines_with(text, docs["C"].document_number) == [
        f"10 nov 2026 {docs['C'].document_number} Factura 10 dic 2026 250,00 1.050,00"
    ]
    assert lines_with(text, docs["P2"].document_number) == [
        f"15 nov 2026 {docs['P2'].document_number} Pago 200,00 850,00"
    ]
    assert lines_with(text, docs["CN"].document_number) == [
        f"20 nov 2026 {docs['CN'].document_number} Abono 50,00 800,00"
    ]
    assert lines_with(text, docs["FEE"].document_number) == [
        f"25 nov 2026 {docs['FEE'].document_number} Gastos 25 nov 2026 10,00 810,00"
    ]
    assert lines_with(text, "31 oct 2026")[0].endswith("800,00")  # the opening balance
    assert lines_with(text, "No vencido")[0].split()[:2] == ["No", "vencido"]
    assert "250,00 310,00 300,00 0,00 0,00 0,00 -50,00 810,00" in " ".join(text.split())
    assert "Saldo" in text
    assert "Descripción" in text
    assert "Fecha de" in text  # "Fecha de vencimiento" on two lines

    text = pdf_text(statement_pdf(in_english, tmp_path / "en.pdf"))
    assert "Lawrence & Smith Ltd" in text
    assert "United Kingdom" in text
    assert lines_with(text, invoice.document_number) == [
        f"Nov 3, 2026 {invoice.document_number} Invoice Nov 3, 2026 1,234.56 1,234.56"
    ]
    assert "Opening balance 0.00" in " ".join(text.split())
    assert "Closing balance 1,234.56" in " ".join(text.split())
    assert "Account statement" in text
    assert "All amounts in EUR." in text


@pytest.mark.skipif(PDFTOTEXT is None, reason="needs poppler's pdftotext")
def test_a_long_statement_repeats_its_headings_and_numbers_its_pages(
    qapp, sqlite_db: Database, tmp_path
) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session, country="GB", language="en")
        for day in range(1, 31):
            for amount in ("100.00", "20.50", "3.25"):
                post(session, customer, TransactionType.INVOICE, amount, dt.date(2026, 11, day))
        session.commit()
        found = statement(session, company_scope(session), customer.id, NOVEMBER)
    path = statement_pdf(found, tmp_path / "long.pdf")
    whole = pdf_text(path)
    pages = whole.count("\f")
    assert pages >= 2
    for page in range(1, pages + 1):
        text = pdf_text(path, page)
        if "INV-" in text:  # a page of movements starts with their headings
            assert lines_with(text, "Date Document")[0].startswith("Date Document Description")
        assert f"{found.account} · 2026-11 · {page} / {pages}" in text
    assert "Closing balance 3,712.50" in " ".join(whole.split())
    assert len(found.movements) == 90


def test_document_numbers_and_amounts_never_break(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer, docs = euro_books(session)
        session.commit()
        found = statement(session, company_scope(session), customer.id, NOVEMBER)
    html = statement_html(found)
    assert docs["C"].document_number.replace("-", "-\u2060") in html
    assert 'class="figure">1.050,00' in html
    assert 'class="figure">10\xa0dic\xa02026' in html


# --- the dialog -------------------------------------------------------------------------------


@pytest.fixture
def workspace(qtbot, sqlite_db: Database) -> Iterator[tuple[WorkspacePage, list, object]]:
    with sqlite_db.sessions() as session:
        customer, _docs = euro_books(session)
        session.commit()
        scope = company_scope(session)
        customer_id = customer.id
    runner = TaskRunner()
    opened: list[QUrl] = []
    page = WorkspacePage(
        page_context(sqlite_db, runner, scope, None, FixedClock.on(TODAY)),
        open_url=lambda url: opened.append(url) or True,
    )
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    page.activate()
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.show_customer(customer_id)
    yield page, opened, customer_id
    runner.shutdown()


def open_dialog(qtbot, page: WorkspacePage) -> StatementDialog:
    assert page.statement_action.isEnabled()
    page.statement_action.trigger()
    dialog = page.statement_actions.dialog
    assert isinstance(dialog, StatementDialog)
    qtbot.waitUntil(lambda: dialog.previewed and dialog.statement is not None, timeout=LOAD)
    return dialog


def test_the_dialog_previews_last_month_then_this_year(qtbot, workspace) -> None:
    page, _opened, _customer = workspace
    dialog = open_dialog(qtbot, page)
    assert dialog.statement.period == NOVEMBER
    assert not dialog.start.isEnabled()
    assert dialog.summary.text() == (
        "Opening balance 800.00 · 4 movements · closing balance 810.00 EUR"
    )
    assert dialog.page.pixmap() is not None
    assert not dialog.page.pixmap().isNull()
    assert dialog.ok_button.isEnabled()

    dialog.preset.setCurrentIndex(1)  # this year
    qtbot.waitUntil(
        lambda: dialog.statement is not None and dialog.statement.period.start.month == 1,
        timeout=LOAD,
    )
    assert dialog.statement.period.end == TODAY
    assert dialog.summary.text().startswith("Opening balance 0.00 · 9 movements ·")
    assert dialog.summary.text().endswith("closing balance 909.00 EUR")  # with December's 99


def test_a_period_that_ends_before_it_starts_is_refused(qtbot, workspace) -> None:
    page, _opened, _customer = workspace
    dialog = open_dialog(qtbot, page)
    dialog.preset.setCurrentIndex(dialog.preset.findData(CUSTOM))
    assert dialog.start.isEnabled()
    dialog.end.setDate(qdate(dt.date(2026, 10, 1)))
    dialog.request_preview()
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip() == (
        "The period ends before it starts: choose an end on or after Nov 1, 2026."
    )


def test_saving_writes_the_pdf_and_the_xlsx_and_opens_them(qtbot, workspace, tmp_path) -> None:
    page, opened, customer_id = workspace
    asked: list[tuple[str, Path]] = []

    def choose(_parent: QWidget, title: str, suggested: Path, _filters: str) -> Path:
        asked.append((title, suggested))
        return tmp_path / ("statement" if len(asked) == 1 else "sheet.xlsx")

    page.statement_actions.choose_path = choose
    dialog = open_dialog(qtbot, page)
    account = dialog.statement.account
    with qtbot.waitSignal(page.statement_actions.changed, timeout=LOAD) as saved:
        dialog.ok_button.click()
    pdf = tmp_path / "statement.pdf"
    assert saved.args == [f"Statement of {account} saved as {pdf}"]
    assert asked[0][0] == f"Save the statement of {account}"
    assert asked[0][1].name == f"{account}-2026-11.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.read_bytes().rstrip().endswith(b"%%EOF")
    assert opened == [QUrl.fromLocalFile(str(pdf))]
    assert not dialog.isVisible()

    dialog = open_dialog(qtbot, page)
    dialog.file_format.setCurrentIndex(dialog.file_format.findData(XLSX))
    with qtbot.waitSignal(page.statement_actions.changed, timeout=LOAD):
        dialog.ok_button.click()
    sheet = load_workbook(io.BytesIO((tmp_path / "sheet.xlsx").read_bytes())).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    closing = next(row for row in values if row[2] == "Saldo final")  # a Spanish customer
    assert closing[6] == 810
    assert asked[1][1].name == f"{account}-2026-11.xlsx"
    with page.context.database.sessions() as session:
        assert session.get(Customer, customer_id).account == account
    assert Decimal(str(values[-1][7])) == Decimal("810")


def test_a_file_that_cannot_be_written_is_refused_in_the_dialog(qtbot, workspace, tmp_path) -> None:
    page, opened, _customer = workspace
    target = tmp_path / "no such folder" / "statement.pdf"
    page.statement_actions.choose_path = lambda *_args: target
    dialog = open_dialog(qtbot, page)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=LOAD)
    assert dialog.error.text().startswith(f"The PDF {target} could not be written: ")
    assert dialog.error.text().endswith("Choose another folder.")
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    assert not target.parent.exists()
    assert opened == []
