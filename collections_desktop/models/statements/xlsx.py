"""An account statement as an XLSX workbook, in the customer's language.

One sheet: the company, the customer and the period on top, then the movements table
(the opening balance first, the totals and the closing balance last) and the aging of
what is open at the end. Amounts are numbers the spreadsheet can add up, dates are
dates; text goes through ``screens.exports.neutralise``, so a name that starts with
``=`` is shown, never run.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from collections_desktop.i18n import translations_for
from collections_desktop.models.screens.exports import ExportCell, neutralise
from collections_desktop.models.statements.statement import Statement

AMOUNT_FORMAT = "#,##0.00;-#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"

XlsxCell = ExportCell | dt.date


def foreign_documents(statement: Statement) -> bool:
    """Whether a movement is a document in another currency than the statement's (its
    own amount is then shown beside it)."""
    return any(m.currency and m.currency != statement.currency for m in statement.movements)


def statement_rows(statement: Statement) -> list[tuple[str, list[XlsxCell]]]:
    """The sheet's rows in order, each with its style (``title``, ``heading``, ``total``
    or ``""``); text is not yet neutralised. The tests read the layout from here too."""
    words = translations_for(statement.language)
    gettext = words.gettext
    foreign = foreign_documents(statement)
    period = statement.period
    rows: list[tuple[str, list[XlsxCell]]] = [
        ("title", [statement.company_name]),
        ("title", [gettext("Account statement")]),
        ("", []),
        ("", [gettext("Customer"), statement.customer_name]),
        ("", [gettext("Customer account"), statement.account]),
        *(("", list[XlsxCell](["", line])) for line in statement.address_lines),
        ("", [gettext("From"), period.start]),
        ("", [gettext("To"), period.end]),
        ("", [gettext("Currency"), statement.currency]),
        ("", []),
    ]
    head: list[XlsxCell] = [
        gettext("Date"),
        gettext("Document"),
        gettext("Description"),
        gettext("Due date"),
        gettext("Debit"),
        gettext("Credit"),
        gettext("Balance"),
    ]
    if foreign:
        head += [gettext("Document currency"), gettext("Document amount")]
    rows.append(("heading", head))
    rows.append(
        (
            "",
            [
                period.opening_date,
                "",
                gettext("Opening balance"),
                None,
                None,
                None,
                statement.opening_balance,
            ],
        )
    )
    for movement in statement.movements:
        cells: list[XlsxCell] = [
            movement.date,
            movement.document_number,
            movement.description,
            movement.due_date,
            movement.debit or None,
            movement.credit or None,
            movement.balance,
        ]
        if foreign:
            cells += [movement.currency, movement.amount] if movement.currency else [None, None]
        rows.append(("", cells))
    rows.append(
        (
            "total",
            [
                None,
                "",
                gettext("Total"),
                None,
                statement.total_debit,
                statement.total_credit,
                None,
            ],
        )
    )
    rows.append(
        (
            "total",
            [
                period.end,
                "",
                gettext("Closing balance"),
                None,
                None,
                None,
                statement.closing_balance,
            ],
        )
    )
    rows.append(("", []))
    aging = statement.aging
    rows.append(("title", [gettext("Aged balances")]))
    rows.append(("heading", [*aging.labels, gettext("Total")]))
    rows.append(("total", [*aging.columns, aging.total]))
    return rows


def statement_xlsx_bytes(statement: Statement) -> bytes:
    """The statement as an XLSX file, in memory (written whole by the caller)."""
    from openpyxl import Workbook  # only the XLSX export pays for importing openpyxl
    from openpyxl.styles import Border, Font, PatternFill, Side

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = neutralise(statement.account)[:31]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEEEEE")
    line = Border(bottom=Side(style="thin", color="444444"))
    for number, (style, cells) in enumerate(statement_rows(statement), start=1):
        for column, value in enumerate(cells, start=1):
            cell = sheet.cell(row=number, column=column, value=_value(value))
            if isinstance(value, Decimal):
                cell.number_format = AMOUNT_FORMAT
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            if style == "title":
                cell.font = Font(bold=True, size=13)
            elif style == "heading":
                cell.font, cell.fill, cell.border = bold, fill, line
            elif style == "total":
                cell.font = bold
    for letter, width in zip("ABCDEFGHI", _WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_WIDTHS: Sequence[int] = (13, 16, 36, 13, 14, 14, 15, 12, 15)


def _value(value: XlsxCell) -> object:
    """A cell's value: text neutralised, amounts and dates as they are."""
    if isinstance(value, str):
        return neutralise(value)
    return value
