"""The agency reports as sheets (no Qt): the figures of each table and its total, amounts
in several currencies without a false total, the remittance in the client's language,
and the XLSX cells and the text the command prints."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal

from openpyxl import load_workbook

from collections_desktop.formatting import Formats
from collections_desktop.i18n import translations_for
from collections_desktop.models.agency.rows import (
    CollectionReport,
    CollectorTotal,
    CommissionLine,
    RemittanceStatement,
)
from collections_desktop.views.agency_sheets import (
    ClientAddress,
    ReportSource,
    collections_sheet,
    printed_sheet,
    remittance_sheet,
    sheet_text,
    sheet_xlsx_bytes,
)

ANA, LUIS, CLIENT = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
OCTOBER = dt.date(2026, 10, 1)
EN = Formats("en_US")


def line(
    day: int, case: str, who: str, amount: str, commission: str, share: str, currency: str = "EUR"
) -> CommissionLine:
    return CommissionLine(
        uuid.uuid4(),
        dt.date(2026, 10, day),
        case,
        "BEJ",
        "Banco Ejemplo SA",
        "Martínez, Carmen",
        ANA if who == "Ana Ruiz" else LUIS,
        who,
        Decimal(amount),
        currency,
        Decimal("15.00"),
        Decimal(commission),
        Decimal("40.00"),
        Decimal(share),
    )


LINES = (
    line(3, "EXP-000001", "Ana Ruiz", "1200.00", "180.00", "72.00"),
    line(28, "EXP-000004", "Luis Soto", "-120.00", "-18.00", "-7.20"),
)
REPORT = CollectionReport(
    OCTOBER,
    LINES,
    (
        CollectorTotal(
            ANA, "Ana Ruiz", "EUR", 1, Decimal("1200.00"), Decimal("180.00"), Decimal("72.00")
        ),
        CollectorTotal(
            LUIS, "Luis Soto", "EUR", 1, Decimal("-120.00"), Decimal("-18.00"), Decimal("-7.20")
        ),
    ),
)
REMITTANCE = RemittanceStatement(
    OCTOBER,
    CLIENT,
    "BEJ",
    "Banco Ejemplo SA",
    "es",
    "EUR",
    LINES,
    Decimal("1080.00"),
    Decimal("162.00"),
    Decimal("918.00"),
    dt.date(2026, 11, 15),
)


def test_the_collection_report_has_its_lines_a_total_and_a_line_per_collector() -> None:
    sheet = collections_sheet(REPORT, EN)
    assert sheet.title == "Collections by collector · October 2026"
    lines, collectors = sheet.tables
    assert lines.header[5] == "Collected (EUR)"  # one currency: named once, in the header
    assert [row[5] for row in lines.rows] == [Decimal("1200.00"), Decimal("-120.00")]
    assert lines.total is not None
    assert (lines.total[5], lines.total[7], lines.total[9]) == (
        Decimal("1080.00"),
        Decimal("162.00"),
        Decimal("64.80"),
    )
    assert collectors.total == ("Total", 2, Decimal("1080.00"), Decimal("162.00"), Decimal("64.80"))
    assert [(f.label, f.value, f.currency) for f in sheet.figures] == [
        ("Collected", Decimal("1080.00"), "EUR"),
        ("Commission", Decimal("162.00"), "EUR"),
        ("Collectors' share", Decimal("64.80"), "EUR"),
    ]
    text = sheet_text(sheet, EN)
    assert "Oct 28, 2026  EXP-000004" in text
    assert text.splitlines()[-1] == "Collectors' share  64.80\xa0EUR"


def test_amounts_in_several_currencies_have_a_currency_column_and_no_sum() -> None:
    dollars = line(9, "EXP-000002", "Ana Ruiz", "50.00", "7.50", "3.00", currency="USD")
    report = CollectionReport(OCTOBER, (*LINES, dollars), REPORT.totals)
    lines = collections_sheet(report, EN).tables[0]
    assert lines.header[5:7] == ("Collected", "Currency")
    assert lines.total is None


def test_the_remittance_is_written_in_the_clients_language_for_the_client() -> None:
    source = ReportSource(
        "remittance",
        OCTOBER,
        REMITTANCE,
        None,
        ClientAddress("Banco Ejemplo SA", "Calle Mayor 4\n28013 Madrid", None, "Transferencia"),
        "Agencia Centro SL",
    )
    sheet, formats = printed_sheet(source, EN, issued_on=dt.date(2026, 11, 23))
    assert formats.locale == "es"
    assert sheet.month_text == "octubre de 2026"
    assert sheet.recipient == ("Banco Ejemplo SA", "Calle Mayor 4", "28013 Madrid")
    assert sheet.notes == ("Transferencia",)
    spanish = translations_for("es").gettext
    assert (
        sheet.tables[0].header[:2] == (spanish("Date"), spanish("Case")) == ("Fecha", "Expediente")
    )
    assert [row[6] for row in sheet.tables[0].rows] == [Decimal("1020.00"), Decimal("-102.00")]
    text = sheet_text(sheet, formats)
    assert "1.080,00\xa0EUR" in text
    assert "15 nov 2026" in text
    assert "Fecha: 23 nov 2026" in text
    # On screen the same statement is in the user's language.
    assert remittance_sheet(REMITTANCE, lambda t: t, EN).tables[0].header[0] == "Date"


def test_the_workbook_keeps_numbers_and_dates() -> None:
    book = load_workbook(io.BytesIO(sheet_xlsx_bytes(collections_sheet(REPORT, EN))))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Collections by collector · October 2026"
    first = next(row for row in rows if row[1] == "EXP-000001")
    assert first[0] == dt.datetime(2026, 10, 3)
    assert first[5] == 1200
    assert next(row for row in rows if row[0] == "Total")[5] == 1080
    assert ("Collectors' share", 64.8, "EUR") in [row[:3] for row in rows]
    assert ("Ana Ruiz", 1, 1200, 180, 72) in [row[:5] for row in rows]
