"""The agency desk's monthly reports as A4 PDFs, from the same sheet the screen shows.

The collection and expense reports are internal lists, printed landscape as the other
reports (``report_pdf.py``): title, filters, who made it, then each table with its header
repeated on every page (``<thead>``) and its total line. A collector's statement and a
client's remittance statement are addressed to someone (the remittance statement on a
portrait page, a letter to the client): the agency's name at the top, the addressee
where a window envelope shows it, then the tables, the figures and, for a client, the
remittance terms. A remittance statement is written in the
client's language (its sheet is, see ``agency_sheets.remittance_sheet``), dates and
amounts in that language's style. Case numbers, dates and figures never break across
lines. Pages are numbered after the report and its month.
"""

from __future__ import annotations

from collections_desktop.formatting import Formats
from collections_desktop.views.agency_sheets import (
    REMITTANCE,
    STATEMENT,
    ReportSheet,
    SheetTable,
    cell_text,
    figure_labels,
    figure_text,
)
from collections_desktop.views.pdf import BODY_POINTS, escape, pdf_bytes, text_document
from collections_desktop.views.report_pdf import REPORT_POINTS
from collections_desktop.views.statement_pdf import unbroken

ADDRESSED = frozenset({STATEMENT, REMITTANCE})
"""The sheets printed as a statement to someone (portrait, with the addressee)."""

STYLE = (
    "h1 { font-size: 14pt; margin: 0 0 4px 0; }"
    "p.heading { font-size: 11pt; font-weight: bold; margin: 12px 0 4px 0; }"
    "p.filter { margin: 0; }"
    "p.byline { color: #555555; margin: 4px 0 6px 0; }"
    "p.empty { color: #555555; margin: 2px 0 6px 0; }"
    "th { border-bottom: 1px solid #444444; background: #eeeeee; }"
    "tr.row td { border-bottom: 1px solid #dddddd; }"
    "tr.total td { border-top: 1px solid #444444; font-weight: bold; }"
    "td.figure { white-space: nowrap; }"
)


WIDTHS = {"date": 8, "key": 9, "percent": 7, "amount": 9, "count": 7, "label": 10, "text": 6}
"""A column's share of the table's width, in per cent, by what it holds; free text (the
debtor, a description) takes what is left, at least ``FREE_SHARE`` of it."""

FREE_SHARE = 20


def _widths(table: SheetTable) -> list[int]:
    """Each column's width in per cent of the table's."""
    fixed = [WIDTHS.get(kind, 0) for kind in table.kinds]
    free = [i for i, kind in enumerate(table.kinds) if kind == "free"]
    total = sum(fixed)
    room = max(100 - total, FREE_SHARE * len(free)) if free else 0
    if total + room > 100:  # the other columns narrow in proportion
        fixed = [width * (100 - room) // total for width in fixed]
    for index in free:
        fixed[index] = room // len(free)
    return fixed


def _table(table: SheetTable, formats: Formats) -> str:
    figures = table.figures
    heading = f"<p class='heading'>{escape(table.title)}</p>"
    if not table.rows:
        return heading + f"<p class='empty'>{escape(table.empty)}</p>"

    def cell(tag: str, index: int, text: str, *, keep: bool) -> str:
        figure = index in figures
        align = ' align="right"' if figure else ' align="left"'
        css = ' class="figure"' if keep and tag == "td" else ""
        shown = unbroken(text) if keep and tag == "td" else escape(text)
        return f"<{tag}{align}{css}>{shown}</{tag}>"

    def keep(index: int) -> bool:  # a date or a case number: on one line
        return table.kinds[index] in ("date", "key") or index in figures

    head = "".join(
        cell("th", i, text, keep=False).replace("<th", f'<th width="{width}%"', 1)
        for i, (text, width) in enumerate(zip(table.header, _widths(table), strict=True))
    )
    lines = [
        '<tr class="row">'
        + "".join(
            cell("td", i, cell_text(value, table.kinds[i], formats), keep=keep(i))
            for i, value in enumerate(row)
        )
        + "</tr>"
        for row in table.rows
    ]
    if table.total is not None:
        lines.append(
            '<tr class="total">'
            + "".join(
                cell("td", i, cell_text(value, table.kinds[i], formats), keep=keep(i))
                for i, value in enumerate(table.total)
            )
            + "</tr>"
        )
    return (
        heading + '<table width="100%" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"
    )


def _figures(sheet: ReportSheet, formats: Formats) -> str:
    if not sheet.figures:
        return ""
    rows = "".join(
        "<tr>"
        f"<td>{'<b>' if f.strong else ''}{escape(label)}{'</b>' if f.strong else ''}</td>"
        f'<td align="right" class="figure">{"<b>" if f.strong else ""}'
        f"{unbroken(figure_text(f, formats))}{'</b>' if f.strong else ''}</td></tr>"
        for f, label in zip(sheet.figures, figure_labels(sheet), strict=True)
    )
    return (
        '<table cellspacing="0" cellpadding="3" style="margin-top: 14px;">'
        f"<tbody>{rows}</tbody></table>"
    )


def sheet_html(
    sheet: ReportSheet, formats: Formats, *, byline: str = "", company_name: str = ""
) -> str:
    """The sheet as the HTML its PDF is printed from (the tests read it too)."""
    points = BODY_POINTS - 1 if sheet.kind in ADDRESSED else REPORT_POINTS
    style = f"body {{ font-size: {points}pt; }}" + STYLE
    parts = [f"<html><head><style>{style}</style></head><body>"]
    if sheet.kind in ADDRESSED:
        parts.append(
            '<table width="100%" cellspacing="0" cellpadding="0" style="margin-bottom: 18px;">'
            f'<tr><td valign="top"><h1>{escape(company_name)}</h1></td>'
            f'<td valign="top" align="right"><p align="right" style="font-size: 13pt;">'
            f"<b>{escape(sheet.name)}</b></p></td></tr></table>"
        )
        if sheet.recipient:
            address = "<br/>".join(escape(line) for line in sheet.recipient)
            parts.append(f'<p style="margin-bottom: 22px;">{address}</p>')
    else:
        parts.append(f"<h1>{escape(sheet.title)}</h1>")
    parts += [
        f"<p class='filter'><b>{escape(label)}:</b> {escape(value)}</p>"
        for label, value in sheet.filters
    ]
    if byline:
        parts.append(f"<p class='byline'>{escape(byline)}</p>")
    parts += [_table(table, formats) for table in sheet.tables]
    parts.append(_figures(sheet, formats))
    parts += [f"<p style='margin-top: 12px;'>{escape(note)}</p>" for note in sheet.notes]
    parts.append("</body></html>")
    return "".join(parts)


def sheet_pdf_bytes(
    sheet: ReportSheet, formats: Formats, *, byline: str = "", company_name: str = ""
) -> bytes:
    """The sheet as an A4 PDF in memory (``is_landscape``); every page numbered after the
    report's name and month when there are several."""
    html_text = sheet_html(sheet, formats, byline=byline, company_name=company_name)
    document = text_document(html_text, sheet.title)
    return pdf_bytes(document, sheet.title, sheet.title, landscape=is_landscape(sheet))


def is_landscape(sheet: ReportSheet) -> bool:
    """Whether ``sheet`` is printed landscape: all but the remittance statement, whose
    few columns fit a portrait page (a letter to the client)."""
    return sheet.kind != REMITTANCE
