"""A list or report as an A4 landscape PDF: its title, the filters it was made with, and
its table, whose header row repeats on every page (``<thead>``).

The cells are the texts the user sees on screen (in the user's language and formats), so
the PDF says what the grid says; ``figures`` names the columns set to the right.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from collections_desktop.views.pdf import escape, pdf_bytes, text_document

REPORT_POINTS = 8.0


def table_html(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    figures: frozenset[int] = frozenset(),
    filters: Sequence[tuple[str, str]] = (),
    byline: str = "",
) -> str:
    """The report as HTML: title, filter lines and byline, then the table."""

    def cell(tag: str, index: int, text: str) -> str:
        figure = index in figures
        align = ' align="right"' if figure else ' align="left"'
        css = ' class="figure"' if figure else ""
        return f"<{tag}{align}{css}>{escape(text)}</{tag}>"

    head = "".join(cell("th", index, text) for index, text in enumerate(header))
    body = "".join(
        '<tr class="row">' + "".join(cell("td", i, text) for i, text in enumerate(row)) + "</tr>"
        for row in rows
    )
    lines = "".join(
        f"<p class='filter'><b>{escape(label)}:</b> {escape(value)}</p>" for label, value in filters
    )
    style = (
        f"body {{ font-size: {REPORT_POINTS}pt; }}"
        "h1 { font-size: 14pt; margin: 0 0 4px 0; }"
        "p.filter { margin: 0; }"
        "p.byline { color: #555555; margin: 4px 0 10px 0; }"
        "th { border-bottom: 1px solid #444444; background: #eeeeee; }"
        "tr.row td { border-bottom: 1px solid #dddddd; }"
        "td.figure { white-space: nowrap; }"  # a figure never breaks; its heading may
    )
    return (
        f"<html><head><style>{style}</style></head><body>"
        f"<h1>{escape(title)}</h1>{lines}"
        f"<p class='byline'>{escape(byline)}</p>"
        '<table width="100%" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</body></html>"
    )


def table_pdf_bytes(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    figures: frozenset[int] = frozenset(),
    filters: Sequence[tuple[str, str]] = (),
    byline: str = "",
) -> bytes:
    """The report as an A4 landscape PDF in memory, its pages numbered after the title."""
    html_text = table_html(title, header, rows, figures=figures, filters=filters, byline=byline)
    document = text_document(html_text, title)
    return pdf_bytes(document, title, title, landscape=True)
