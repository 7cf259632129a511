"""The agency desk's Reports tab on a real company file: the month's collection report,
expense report, collector's statement and client remittance on screen with their
figures and totals, the same figures in the PDF and the XLSX, a remittance PDF in the
Spanish client's language, and a collector who sees only their own figures."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import company_scope
from collections_desktop.views.agency_sheets import COLLECTIONS, EXPENSES, REMITTANCE, STATEMENT
from collections_desktop.views.tasks import TaskRunner
from collections_desktop.views.widgets.agency_reports import AgencyReportsPanel, ReportData
from tests.agency_report_books import OCTOBER, AgencyBooks, write_books
from tests.gui.conftest import page_context
from tests.pdf_text import pdf_text

LOAD = 15_000


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    made = TaskRunner()
    yield made
    made.shutdown()


@pytest.fixture
def books(sqlite_db: Database) -> AgencyBooks:
    return write_books(sqlite_db)


def panel_for(qtbot, books: AgencyBooks, runner: TaskRunner, clock: FixedClock,
              viewer: uuid.UUID) -> AgencyReportsPanel:  # fmt: skip
    with books.database.sessions() as session:
        scope = company_scope(session)
    context = page_context(books.database, runner, scope, viewer, clock)
    panel = AgencyReportsPanel(context)
    qtbot.addWidget(panel)
    panel.resize(1366, 700)
    with qtbot.waitSignal(panel.loaded, timeout=LOAD):
        panel.show()
    return panel


def show(qtbot, panel: AgencyReportsPanel, kind: str, **chosen: uuid.UUID) -> ReportData:
    with qtbot.waitSignal(panel.loaded, timeout=LOAD) as signal:
        panel.choose(kind, OCTOBER, **chosen)
    data: ReportData = signal.args[0]
    assert data.kind == kind
    return data


def texts(panel: AgencyReportsPanel, grid: int, column: int) -> list[str]:
    model = panel.grids[grid].model
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]


def figures_of(panel: AgencyReportsPanel) -> str:
    """The figures under the grids as they read."""
    text = re.sub(r"<[^>]+>", "", panel.figures.text())
    return html.unescape(text).replace("\xa0", " ")


def saved(qtbot, panel: AgencyReportsPanel, path: Path, kind: str) -> Path:
    with qtbot.waitSignal(panel.saved, timeout=LOAD):
        panel.save_pdf(path) if kind == "pdf" else panel.save_xlsx(path)
    return path


def test_the_collection_report_of_the_previous_month_shows_each_collection_and_the_totals(
    qtbot, books: AgencyBooks, runner: TaskRunner, clock: FixedClock, tmp_path: Path
) -> None:
    panel = panel_for(qtbot, books, runner, clock, books.marta)
    # The previous month to start with, every collector.
    assert panel.chosen_month == OCTOBER
    assert panel.report_kind == COLLECTIONS
    assert panel.collector.currentText() == "Everyone"
    qtbot.waitUntil(lambda: panel.data is not None and panel.data.sheet is not None, timeout=LOAD)
    header = [
        panel.grids[0].model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(panel.grids[0].model.columnCount())
    ]
    assert header == [
        "Date", "Case", "Client", "Debtor", "Collector", "Collected (EUR)", "Rate",
        "Commission (EUR)", "Share rate", "Collector's share (EUR)",
    ]  # fmt: skip
    # Approved collections of October only (not September's, not the unapproved one).
    assert texts(panel, 0, 1) == ["EXP-000001", "EXP-000002", "EXP-000003"]
    assert texts(panel, 0, 5) == ["1,200.00", "350.50", "89.99"]
    assert texts(panel, 0, 6) == [
        "15.00\xa0%",
        "20.00\xa0%",
        "25.00\xa0%",
    ]  # the band for the old debt
    assert texts(panel, 0, 7) == ["180.00", "70.10", "22.50"]
    assert texts(panel, 0, 9) == ["72.00", "28.04", "7.88"]
    # A line per collector, and the totals under the grids.
    assert texts(panel, 1, 0) == ["Ana Ruiz", "Luis Soto"]
    assert texts(panel, 1, 1) == ["2", "1"]
    assert texts(panel, 1, 2) == ["1,550.50", "89.99"]
    assert texts(panel, 1, 4) == ["100.04", "7.88"]
    figures = figures_of(panel)
    assert "Collected 1,640.49 EUR" in figures
    assert "Commission 272.60 EUR" in figures
    assert "Collectors' share 107.92 EUR" in figures
    assert panel.status == "Collections by collector · October 2026 · 3 lines"

    text = pdf_text(saved(qtbot, panel, tmp_path / "collections.pdf", "pdf"), layout=True)
    assert "Collections by collector · October 2026" in text
    assert "Made on" in text
    assert "by Tester" in text
    for figure in ("1,200.00", "180.00", "72.00", "1,640.49", "272.60", "107.92", "EXP-000003"):
        assert figure in text
    assert "García Fernández, José" in text

    book = load_workbook(saved(qtbot, panel, tmp_path / "collections.xlsx", "xlsx"))
    rows = [row for row in book.active.iter_rows(values_only=True)]
    assert rows[0][0] == "Collections by collector · October 2026"
    lines = [row for row in rows if row[1] in ("EXP-000001", "EXP-000002", "EXP-000003")]
    assert [row[0] for row in lines] == [
        dt.datetime(2026, 10, 3), dt.datetime(2026, 10, 9), dt.datetime(2026, 10, 17)
    ]  # fmt: skip
    assert [Decimal(str(row[5])) for row in lines] == [
        Decimal("1200"), Decimal("350.5"), Decimal("89.99")
    ]  # fmt: skip
    total = next(row for row in rows if row[0] == "Total")
    assert (total[5], total[7], total[9]) == (1640.49, 272.6, 107.92)


def test_the_expense_report_the_statement_and_the_remittance(
    qtbot, books: AgencyBooks, runner: TaskRunner, clock: FixedClock, tmp_path: Path
) -> None:
    panel = panel_for(qtbot, books, runner, clock, books.marta)
    show(qtbot, panel, EXPENSES)
    # Submitted and approved expenses (not drafts, not rejected ones), by type.
    assert texts(panel, 0, 0) == ["Fuel", "Travel"]
    assert texts(panel, 0, 2) == ["Ana Ruiz", "Luis Soto"]
    assert texts(panel, 0, 5) == ["45.20", "112.40"]
    assert texts(panel, 0, 6) == ["Approved", "Submitted"]
    assert texts(panel, 1, 0) == ["Fuel", "Travel"]
    assert "Total expenses 157.60 EUR" in figures_of(panel)

    show(qtbot, panel, STATEMENT, collector_id=books.ana)
    assert panel.collector.currentText() == "Ana Ruiz"
    assert texts(panel, 0, 1) == ["EXP-000001", "EXP-000002"]
    assert texts(panel, 0, 8) == ["72.00", "28.04"]
    assert texts(panel, 1, 1) == ["Fuel"]  # approved expenses only
    figures = figures_of(panel)
    assert "Share of the commission 100.04 EUR" in figures
    assert "Approved expenses 45.20 EUR" in figures
    assert "Total to pay 145.24 EUR" in figures

    show(qtbot, panel, REMITTANCE, client_id=books.bej)
    assert panel.client.currentText() == "BEJ · Banco Ejemplo SA"
    assert texts(panel, 0, 1) == ["EXP-000001", "EXP-000003"]
    assert texts(panel, 0, 6) == ["1,020.00", "67.49"]  # net of each collection
    figures = figures_of(panel)
    assert "Net to remit 1,087.49 EUR" in figures
    assert "To be remitted by Nov 15, 2026" in figures

    # The PDF goes to the client: in Spanish, with Spanish dates and amounts.
    text = pdf_text(saved(qtbot, panel, tmp_path / "remittance.pdf", "pdf"), layout=True)
    assert "octubre de 2026" in text
    assert "Banco Ejemplo SA" in text
    assert "28013 Madrid" in text
    for word in ("Fecha", "Expediente", "Total"):
        assert word in text
    for figure in ("1.200,00", "1.289,99", "202,50", "1.087,49", "15 nov 2026", "3 oct 2026"):
        assert figure in text
    assert "1,087.49" not in text
    assert "Made on" not in text
    assert "Transferencia a ES12 3456 7890 1234 5678 9012" in text
    book = load_workbook(saved(qtbot, panel, tmp_path / "remittance.xlsx", "xlsx"))
    rows = list(book.active.iter_rows(values_only=True))
    net = next(row for row in rows if row[0] == "Total")
    assert (net[3], net[5], net[6]) == (1289.99, 202.5, 1087.49)


def test_a_collector_sees_only_their_own_figures(
    qtbot, books: AgencyBooks, runner: TaskRunner, clock: FixedClock
) -> None:
    panel = panel_for(qtbot, books, runner, clock, books.ana)
    assert [panel.collector.itemText(i) for i in range(panel.collector.count())] == ["Ana Ruiz"]
    assert not panel.collector.isEnabled()
    assert texts(panel, 0, 1) == ["EXP-000001", "EXP-000002"]
    figures = figures_of(panel)
    assert "Collected 1,550.50 EUR" in figures


def test_a_collection_approved_elsewhere_shows_in_the_report(
    qtbot, books: AgencyBooks, runner: TaskRunner, clock: FixedClock
) -> None:
    from collections_desktop.views.operations import WriteOp, ignore
    from tests.agency_report_books import collect

    panel = panel_for(qtbot, books, runner, clock, books.marta)
    assert "Collected 1,640.49 EUR" in figures_of(panel)
    case_id = books.cases["EXP-000002"]

    def write(session):  # type: ignore[no-untyped-def]
        collect(session, case_id, dt.date(2026, 10, 20), "100.00", books.ana, books.marta)

    with qtbot.waitSignal(panel.loaded, timeout=LOAD):
        WriteOp(write, ignore, "approve").run(runner, books.database)
    assert texts(panel, 0, 1) == ["EXP-000001", "EXP-000002", "EXP-000002", "EXP-000003"]
    assert "Collected 1,740.49 EUR" in figures_of(panel)
