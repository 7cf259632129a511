"""The agency desk's Reports tab on a real company file: the month's collection report,
expense report, collector's statement and client remittance on screen with their
figures and totals, the same figures in the PDF and the XLSX, a remittance PDF in the
Spanish client's language, and a collector who sees only their own figures."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

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
        panel.grids[0].model.headerData(c, 1) for c in range(panel.grids[0].model.columnCount())
    ]
    assert header == [
        "Date", "Case", "Client", "Debtor", "Collector", "Collected (EUR)", "Rate",
        "Commission (EUR)", "Share rate", "Collector's share (EUR)",
    ]  # fmt: skip
    # Approved collections of October only (not September's, not the unapproved one).
    assert texts(panel, 0, 1) == ["EXP-000001", "EXP-000002", "EXP-000003"]
    assert texts(panel, 0, 5) == ["1,200.00", "350.50", "89.99"]
    assert texts(panel, 0, 6) == ["15.00 %", "20.00 %", "25.00 %"]  # the band for the old debt
    assert texts(panel, 0, 7) == ["180.00", "70.10", "22.50"]
    assert texts(panel, 0, 9) == ["72.00", "28.04", "7.88"]
    # A line per collector, and the totals under the grids.
    assert texts(panel, 1, 0) == ["Ana Ruiz", "Luis Soto"]
    assert texts(panel, 1, 1) == ["2", "1"]
    assert texts(panel, 1, 2) == ["1,550.50", "89.99"]
    assert texts(panel, 1, 4) == ["100.04", "7.88"]
    figures = panel.figures.text().replace("&nbsp;", " ")
    assert "Collected <b>1,640.49 EUR</b>" in figures
    assert "Commission <b>272.60 EUR</b>" in figures
    assert "Collectors' share <b>107.92 EUR</b>" in figures
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
    data = show(qtbot, panel, EXPENSES)
    assert data.sheet is not None
    expenses = data.sheet.tables[0]
    assert [(row[0], row[2], row[5]) for row in expenses.rows] == [
        *((kind, who, Decimal(amount)) for kind, who, amount in data_rows(expenses.rows)),
    ]
    assert sum(row[5] for row in expenses.rows) == sum(
        Decimal(t[-1]) for t in data.sheet.tables[1].rows
    )

    data = show(qtbot, panel, STATEMENT, collector_id=books.ana)
    assert panel.collector.currentText() == "Ana Ruiz"
    assert texts(panel, 0, 1) == ["EXP-000001", "EXP-000002"]
    assert texts(panel, 0, 8) == ["72.00", "28.04"]
    assert texts(panel, 1, 1) == ["Fuel"]  # approved expenses only
    figures = panel.figures.text().replace("&nbsp;", " ")
    assert "Share of the commission <b>100.04 EUR</b>" in figures
    assert "Approved expenses <b>45.20 EUR</b>" in figures
    assert "Total to pay <b>145.24 EUR</b>" in figures

    data = show(qtbot, panel, REMITTANCE, client_id=books.bej)
    assert panel.client.currentText() == "BEJ · Banco Ejemplo SA"
    assert texts(panel, 0, 1) == ["EXP-000001", "EXP-000003"]
    assert texts(panel, 0, 6) == ["1,020.00", "67.49"]  # net of each collection
    figures = panel.figures.text().replace("&nbsp;", " ")
    assert "Net to remit <b>1,087.49 EUR</b>" in figures
    assert "To be remitted by <b>Nov 15, 2026</b>" in figures

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


def data_rows(rows):  # type: ignore[no-untyped-def]
    """(type, collector, amount) of the expense report's rows, as listed."""
    return [(row[0], row[2], str(row[5])) for row in rows]


def test_a_collector_sees_only_their_own_figures(
    qtbot, books: AgencyBooks, runner: TaskRunner, clock: FixedClock
) -> None:
    panel = panel_for(qtbot, books, runner, clock, books.ana)
    assert [panel.collector.itemText(i) for i in range(panel.collector.count())] == ["Ana Ruiz"]
    assert not panel.collector.isEnabled()
    assert texts(panel, 0, 1) == ["EXP-000001", "EXP-000002"]
    figures = panel.figures.text().replace("&nbsp;", " ")
    assert "Collected <b>1,550.50 EUR</b>" in figures
