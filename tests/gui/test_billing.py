"""Recurring billing on screen: the record's Recurring billing tab, the Pending documents
page (dates, a draft adjusted, Issue with its progress, a refusal, Cancel) and the
invoice PDF read back by ``pdftotext`` in Spanish and English."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QSpinBox
from sqlalchemy import func, select

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.billing.invoices import invoice_details
from collections_desktop.models.billing.run import create_month_drafts
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CustomerTransaction,
    PendingDocument,
    PendingDocumentLine,
    RecurringBillingLine,
)
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.people.scope import company_scope
from collections_desktop.views.invoice_pdf import invoice_html, print_invoices
from collections_desktop.views.pages.pending_documents_page import PendingDocumentsPage
from collections_desktop.views.tasks import Lane, TaskRunner
from tests.gui.conftest import page_context
from tests.gui.test_customers_page import (  # noqa: F401 - fixtures
    Screen,
    open_record,
    runner,
    save,
    screen,
    setting,
)
from tests.unit.test_billing import add_customer, give_lines, hosting

LOAD = 10_000
D = Decimal
NOVEMBER, OCTOBER = dt.date(2026, 11, 1), dt.date(2026, 10, 1)
NOW = dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)
PDFTOTEXT = shutil.which("pdftotext")


# --- the record's tab ---------------------------------------------------------------------


def test_the_recurring_tab_adds_a_line_and_saves_it_with_the_record(
    qtbot,
    screen: Screen,  # noqa: F811
    setting,  # noqa: F811
) -> None:
    dialog = open_record(qtbot, screen)
    tab = dialog.recurring_tab
    assert tab is not None
    dialog.tabs.setCurrentWidget(tab)
    assert tab.table.rowCount() == 0
    tab.add_line(None)
    table = tab.table
    table.item(0, 0).setText("Web hosting")
    table.item(0, 1).setText("2")
    table.item(0, 2).setText("49.90")
    day = tab.table.cellWidget(0, 4)
    assert isinstance(day, QSpinBox)
    day.setValue(15)
    save(qtbot, screen, dialog)
    assert screen.notes[-1] == f"Customer {setting.books.ruiz.account} saved"
    with setting.database.sessions() as session:
        row = session.scalar(select(RecurringBillingLine))
        assert (row.description, row.quantity, row.unit_price, row.tax_code) == (
            "Web hosting",
            D("2"),
            D("49.90"),
            "VAT-STD",
        )
        assert (row.day_of_month, row.start_month, row.end_month) == (15, NOVEMBER, None)
    qtbot.waitUntil(lambda: screen.records.dialog is None, timeout=LOAD)

    again = open_record(qtbot, screen)
    assert again.recurring_tab is not None
    shown = again.recurring_tab.table
    assert [shown.item(0, c).text() for c in (0, 1, 2)] == ["Web hosting", "2", "49.90"]
    again.reject()


def test_a_refused_recurring_line_is_named_on_its_tab_and_nothing_is_saved(
    qtbot,
    screen: Screen,  # noqa: F811
    setting,  # noqa: F811
) -> None:
    dialog = open_record(qtbot, screen)
    tab = dialog.recurring_tab
    assert tab is not None
    tab.add_line(None)
    tab.table.item(0, 2).setText("12.50")  # no description
    dialog.tabs.setCurrentIndex(0)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=LOAD)
    assert dialog.error.text() == "Recurring billing line 1, description: say what is billed."
    assert dialog.tabs.currentWidget() is tab
    tab.table.item(0, 1).setText("two")
    dialog.ok_button.click()
    assert dialog.error.text() == "Recurring billing line 1, quantity: “two” is not an amount."
    with setting.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(RecurringBillingLine)) == 0
    dialog.reject()


# --- the Pending documents page -----------------------------------------------------------


@pytest.fixture
def drafts(sqlite_db: Database) -> Database:
    """Ruiz (Spanish, hosting and support, due the 5th) and Lopes (English, maintenance due
    the 20th): drafts for October and November."""
    with sqlite_db.sessions() as session:
        ruiz = add_customer(session, "C-000001", language="es")
        lopes = add_customer(session, "C-000002")
        ruiz.name, lopes.name = "Ruiz Hermanos SL", "Lopes Trading Ltd"
        give_lines(
            session,
            ruiz,
            hosting(),
            hosting(description="Horas de soporte", quantity=D("2"), unit_price=D("65.00")),
        )
        give_lines(
            session,
            lopes,
            hosting(description="Maintenance", unit_price=D("120.00"), day_of_month=20),
        )
        session.commit()
    for month in (OCTOBER, NOVEMBER):
        with write_transaction(sqlite_db, run="billing") as session:
            create_month_drafts(session, company_scope(session), month, NOW)
    return sqlite_db


@pytest.fixture
def page_runner() -> Iterator[TaskRunner]:
    made = TaskRunner()
    yield made
    made.shutdown()


@pytest.fixture
def page(
    qtbot, drafts: Database, page_runner: TaskRunner, clock: FixedClock
) -> PendingDocumentsPage:
    with drafts.sessions() as session:
        scope = company_scope(session)
    context = page_context(drafts, page_runner, scope, None, clock)
    shown = PendingDocumentsPage(context)
    qtbot.addWidget(shown)
    shown.resize(1366, 700)
    shown.show()
    with qtbot.waitSignal(shown.loaded, timeout=LOAD):
        shown.activate()
    return shown


@pytest.fixture
def say_yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def question(_parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def texts(page: PendingDocumentsPage, column: int) -> list[str]:
    model = page.grid.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_the_page_lists_the_months_drafts_and_filters_by_date(
    qtbot, page: PendingDocumentsPage
) -> None:
    # The clock says 23 November: this month's drafts.
    assert texts(page, 0) == ["Nov 1, 2026", "Nov 1, 2026"]
    assert texts(page, 2) == ["Ruiz Hermanos SL", "Lopes Trading Ltd"]
    assert texts(page, 3) == ["Nov 5, 2026", "Nov 20, 2026"]
    assert texts(page, 4) == ["Web hosting and 1 more", "Maintenance"]
    assert texts(page, 8) == ["215.88", "144.00"]
    assert page.grid.title.text() == "2 documents"
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.set_dates(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    qtbot.waitUntil(lambda: not page.is_loading, timeout=LOAD)
    assert texts(page, 0) == ["Oct 1, 2026", "Oct 1, 2026"]
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.set_dates(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    qtbot.waitUntil(lambda: not page.is_loading, timeout=LOAD)
    assert page.grid.model.rowCount() == 0


def test_a_draft_is_adjusted_in_its_dialog(qtbot, page: PendingDocumentsPage, drafts) -> None:
    page.grid.view.selectRow(0)
    page.open_current()
    qtbot.waitUntil(lambda: page.actions_.dialog is not None, timeout=LOAD)
    dialog = page.actions_.dialog
    assert (
        dialog.totals.text().replace("\xa0", " ") == "Net 179.90 · VAT-STD 35.98 · Total 215.88 EUR"
    )
    dialog.table.item(1, 1).setText("3")  # three support hours: the amount follows
    assert dialog.table.item(1, 4).text() == "195.00"
    assert (
        dialog.totals.text().replace("\xa0", " ") == "Net 244.90 · VAT-STD 48.98 · Total 293.88 EUR"
    )
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        dialog.ok_button.click()
    assert texts(page, 8) == ["293.88", "144.00"]
    with drafts.sessions() as session:
        amounts = session.scalars(
            select(PendingDocumentLine.amount)
            .join(PendingDocument, PendingDocument.id == PendingDocumentLine.document_id)
            .where(PendingDocument.document_date == NOVEMBER)
            .order_by(PendingDocumentLine.amount)
        ).all()
    assert amounts == [D("49.90"), D("120.00"), D("195.00")]


def test_issue_all_shown_posts_with_progress_then_lists_the_invoices(
    qtbot, page: PendingDocumentsPage, drafts, say_yes: list[str]
) -> None:
    steps: list[tuple[int, int, str]] = []
    page.actions_.issue_progressed.connect(lambda *step: steps.append(step))
    with qtbot.waitSignal(page.actions_.issued, timeout=LOAD) as issued:
        page.issue_all()
        assert page.progress_row.isVisible()
        assert not page.issue_all_action.isEnabled()
    assert say_yes == [
        "Issue 2 invoices? They are posted to the customers' accounts with their numbers "
        "and cannot be changed afterwards."
    ]
    assert [invoice.number for invoice in issued.args[0].invoices] == [
        "INV-0000001",
        "INV-0000002",
    ]
    assert steps[-1] == (3, 3, "Invoices issued.")
    qtbot.waitUntil(lambda: not page.is_loading and page.grid.model.rowCount() == 0, timeout=LOAD)
    assert not page.progress_row.isVisible()
    assert page.status.startswith("2 invoices issued: INV-0000001 to INV-0000002.")
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.status_filter.setCurrentIndex(1)  # issued
    assert texts(page, 10) == ["Issued as INV-0000001", "Issued as INV-0000002"]
    with drafts.sessions() as session:
        # October's drafts were not shown, so they were not issued.
        assert session.scalar(select(func.count()).select_from(CustomerTransaction)) == 2


def test_a_refused_issue_is_said_and_issues_nothing(
    qtbot, page: PendingDocumentsPage, drafts, say_yes: list[str]
) -> None:
    with drafts.sessions() as session:
        london = add_customer(session, "C-000003", currency="GBP")
        give_lines(session, london, hosting(tax_code=None))
        session.commit()
    with write_transaction(drafts, run="billing") as session:
        create_month_drafts(session, company_scope(session), NOVEMBER, NOW)
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.refresh()
    assert page.grid.model.rowCount() == 3
    with qtbot.waitSignal(page.actions_.issue_ended, timeout=LOAD) as ended:
        page.issue_all()
    assert ended.args == [False]
    assert page.status == (
        "The pending invoice of C-000003 dated Nov 1, 2026 is in GBP: type its exchange "
        "rate to EUR in the draft first; nothing was issued."
    )
    assert not page.progress_row.isVisible()
    with drafts.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CustomerTransaction)) == 0


def test_a_cancelled_issue_issues_nothing(
    qtbot, page: PendingDocumentsPage, drafts, say_yes: list[str], page_runner: TaskRunner
) -> None:
    # Hold the background lane so the issue is still waiting when Cancel is pressed.
    release = threading.Event()
    page_runner.run(lambda _state: release.wait(10), lane=Lane.BACKGROUND, name="hold")
    with qtbot.waitSignal(page.actions_.issue_ended, timeout=LOAD) as ended:
        page.issue_all()
        page.cancel_issue()
        release.set()
    assert ended.args == [False]
    assert page.status == "The issue was cancelled; no invoice was issued."
    with drafts.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CustomerTransaction)) == 0
        assert (
            session.scalar(
                select(func.count()).where(PendingDocument.issued_transaction_id.is_not(None))
            )
            == 0
        )


# --- the invoice PDF ----------------------------------------------------------------------


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler) is not installed")
def test_the_invoice_pdf_is_in_the_customers_language(
    qtbot, drafts: Database, tmp_path: Path
) -> None:
    from collections_desktop.models.billing.issue import issue_drafts

    with write_transaction(drafts) as session:
        result = issue_drafts(session, company_scope(session), None, now=NOW, month=NOVEMBER)
    spanish, english = result.invoices
    paths = print_invoices(drafts, [spanish.transaction_id, english.transaction_id], tmp_path)
    assert [p.name for p in paths] == ["INV-0000001.pdf", "INV-0000002.pdf"]

    def read(path: Path) -> str:
        return subprocess.run(
            [PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout

    es = read(paths[0])
    for words in (
        "Factura",
        "Ruiz Hermanos SL",
        "Calle Mayor 4",
        "28013 Madrid",
        "España",
        "1 de noviembre de 2026",  # the invoice's date, the Spanish way
        "Fecha de vencimiento",
        "5 de noviembre de 2026",
        "Cuenta del cliente",
        "Descripción",
        "Importe",
        "Web hosting",
        "Horas de soporte",
        "179,90 EUR",  # the net
        "35,98 EUR",  # VAT-STD 20 % on 179,90
        "215,88 EUR",  # the total
        "INV-\u20600000001",
    ):
        assert words.replace("\u2060", "") in es.replace("\u2060", ""), words
    assert "INV-0000001" in es.replace("\u2060", "")
    en = read(paths[1])
    for words in (
        "Invoice",
        "Lopes Trading Ltd",
        "November 1, 2026",
        "Due date",
        "November 20, 2026",
        "Maintenance",
        "Net amount",
        "120.00 EUR",
        "VAT-STD 20 % on 120.00",
        "24.00 EUR",
        "Total due",
        "144.00 EUR",
        "Please pay 144.00 EUR by November 20, 2026, quoting invoice INV-0000002.",
    ):
        assert words in en.replace("\u2060", ""), words
    # The layout the PDF is printed from keeps the numbers whole.
    with drafts.sessions() as session:
        (detail,) = invoice_details(session, [english.transaction_id])
    assert "INV-\u20600000002" in invoice_html(detail)


def test_the_workspace_reprint_saves_an_issued_invoice(
    qtbot,
    drafts: Database,
    page_runner: TaskRunner,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QFileDialog, QWidget

    from collections_desktop.models.billing.invoices import has_lines
    from collections_desktop.models.billing.issue import issue_drafts
    from collections_desktop.views.actions.billing import save_invoice

    with write_transaction(drafts) as session:
        result = issue_drafts(session, company_scope(session), None, now=NOW, month=NOVEMBER)
    with drafts.sessions() as session:
        assert has_lines(session, result.invoices[1].transaction_id)
        (detail,) = invoice_details(session, [result.invoices[1].transaction_id])
        context = page_context(drafts, page_runner, company_scope(session), None, clock)
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args: (str(tmp_path / "lopes"), "PDF (*.pdf)")
    )
    parent = QWidget()
    qtbot.addWidget(parent)
    opened: list[QUrl] = []
    said: list[str] = []
    save_invoice(context, parent, detail, open_url=opened.append, announce=said.append)
    qtbot.waitUntil(lambda: bool(said), timeout=LOAD)
    path = tmp_path / "lopes.pdf"
    assert said == [f"Invoice INV-0000002 saved as {path}"]
    assert opened == [QUrl.fromLocalFile(str(path))]
    assert path.read_bytes().startswith(b"%PDF-")
