"""Cells of every CSV (and XLSX) export: plain amounts, and text a spreadsheet cannot run.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after a tab
or carriage return, may still do so) as a formula: a customer named
``=HYPERLINK(...)`` would become a live link in the collector's Excel. Following the
OWASP rule, such text gets a leading single quote, which Excel shows as text. Only text
is neutralised: amounts are written as plain numbers (``-1234.50``), so a real negative
amount stays a number the spreadsheet can add up.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

ExportCell = str | Decimal | int | None
"""A cell as an export gives it: text, an amount, a whole number, or nothing."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a cell of text must not start with (OWASP CSV injection)."""


def neutralise(text: str) -> str:
    """Text that a spreadsheet shows as text: ``=1+2`` → ``'=1+2``."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def plain_amount(amount: Decimal | None) -> str:
    """At least two decimals, more only when the amount has them: never rounded; a point,
    no grouping, so spreadsheets and scripts read it in any locale."""
    if amount is None:
        return ""
    exponent = amount.normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 0)
    return f"{amount:.{places}f}"


def export_cell(cell: ExportCell) -> str:
    """One cell as written: amounts and whole numbers plain, text neutralised."""
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return plain_amount(cell)
    if isinstance(cell, int):
        return str(cell)
    return neutralise(cell)


def export_value(value: object) -> ExportCell:
    """A grid's value as an export cell: dates in ISO form, other values as they are
    (an amount stays a number), anything else as its text."""
    if value is None or isinstance(value, str | Decimal | int):
        return value
    if isinstance(value, dt.date):  # a datetime too
        return value.isoformat()
    return str(value)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[ExportCell]]) -> str:
    """A CSV document: the header, then the rows, every cell through ``export_cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(label) for label in header])
    for row in rows:
        writer.writerow([export_cell(cell) for cell in row])
    return out.getvalue()


XlsxCell = str | Decimal | int | dt.date | None
"""A cell of an XLSX export: text, an amount, a whole number, a date, or nothing."""

AMOUNT_FORMAT = "#,##0.00;-#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


def xlsx_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[XlsxCell]],
    *,
    title: str = "",
    filters: Sequence[tuple[str, str]] = (),
    sheet: str = "",
    widths: Sequence[float] = (),
) -> bytes:
    """An XLSX workbook of one sheet: the title and the filters it was made with (one
    "label: value" line each) above the header, then the rows. Amounts and whole numbers
    stay numbers, dates are dates, text is neutralised as in a CSV. ``widths`` are the
    first columns' widths in characters (the others keep the spreadsheet's default)."""
    from openpyxl import Workbook  # imported when a workbook is made: ~0.1 s
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    page = book.create_sheet(_sheet_name(sheet or title or "Export"))
    for index, width in enumerate(widths, start=1):
        page.column_dimensions[get_column_letter(index)].width = width
    if title:
        page.append([_bold_cell(page, neutralise(title), size=13)])
    for label, value in filters:
        page.append([f"{neutralise(label)}: {value}"])
    if title or filters:
        page.append([])
    page.append([_bold_cell(page, neutralise(label)) for label in header])
    for row in rows:
        page.append([_xlsx_cell(page, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_value(value: object) -> XlsxCell:
    """A grid's value as an XLSX cell: text, amounts, whole numbers and dates as they
    are (a moment in the computer's local time: Excel has no time zones), anything else
    as its text."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)
    if value is None or isinstance(value, str | Decimal | int | dt.date):
        return value
    return str(value)


def _sheet_name(name: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    return name[:31] or "Export"


def _bold_cell(page: object, text: str, size: int | None = None) -> object:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(page, value=text)
    cell.font = Font(bold=True, size=size)
    return cell


def _xlsx_cell(page: object, value: XlsxCell) -> object:
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, str):
        return neutralise(value)
    cell = WriteOnlyCell(page, value=value)
    if isinstance(value, Decimal):
        cell.number_format = AMOUNT_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell
