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
