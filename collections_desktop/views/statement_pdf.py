"""A printed account statement: an A4 PDF laid out as HTML and printed by ``views/pdf.py``.

Everything the customer reads is in the statement's language (the customer's): the
headings, the dates and amounts in that language's style, the country in the address.
The company's name heads the page, the customer's address sits where a window envelope
shows it, then the account, the period and the currency. The movements table starts
with the opening balance and ends with the totals and the closing balance; it repeats
its column headings on every page (``<thead>``). The aging of what is open at the end
follows. Pages are numbered under the account and the period, so a loose page still
says whose statement it is. Document numbers and figures never break across lines.

``statement_pdf_bytes`` prints into memory (the mail engineer attaches it as it is);
``statement_pdf`` writes the file whole or not at all.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtGui import QImage, QTextDocument

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, translations_for
from collections_desktop.models.letters.documents import LetterFileError, write_atomically
from collections_desktop.models.letters.render import customer_formats
from collections_desktop.models.statements.statement import Movement, Statement
from collections_desktop.models.statements.xlsx import foreign_documents
from collections_desktop.views.pdf import (
    BODY_POINTS,
    PdfError,
    escape,
    pdf_bytes,
    render_page,
    text_document,
)

STYLE = (
    f"body {{ font-size: {BODY_POINTS}pt; }}"
    "h1 { font-size: 16pt; margin: 0; }"
    "p.heading { font-size: 13pt; font-weight: bold; margin-bottom: 6px; }"
    "p.small { font-size: 8pt; color: #555555; }"
    "table.lines { font-size: 8.5pt; }"
    "table.lines th { border-bottom: 1px solid #444444; background: #eeeeee; }"
    "tr.line td { border-bottom: 1px solid #dddddd; }"
    "tr.total td { border-top: 1px solid #444444; }"
    "td.figure { white-space: nowrap; }"
)


def unbroken(text: str) -> str:
    """``text`` (a document number, a date, an amount) kept on one line: no-break spaces,
    and a word joiner after each hyphen or slash, so the text copied from the PDF is
    still the number (a minus sign stays a minus sign)."""
    escaped = escape(text).replace(" ", "\xa0")
    return escaped.replace("-", "-\u2060").replace("/", "/\u2060")


def _cell(text: str, *, right: bool = False, figure: bool = False, bold: bool = False) -> str:
    shown = unbroken(text) if figure else escape(text)
    if bold:
        shown = f"<b>{shown}</b>"
    attributes = (' align="right"' if right else "") + (' class="figure"' if figure else "")
    return f"<td{attributes}>{shown}</td>"


def _amount(formats: Formats, value: Decimal) -> str:
    """An amount, or nothing for zero (a debit's empty credit cell)."""
    return formats.amount(value) if value else ""


def _description(movement: Movement, statement: Statement, formats: Formats) -> str:
    """The movement's description, with the document's own amount when it is in another
    currency than the statement's."""
    if movement.currency and movement.currency != statement.currency:
        return f"{movement.description} ({formats.money(abs(movement.amount), movement.currency)})"
    return movement.description


def _movements_table(statement: Statement, formats: Formats) -> str:
    words = translations_for(statement.language)
    gettext = words.gettext
    head = "".join(
        f'<th align="{align}" width="{width}%">{escape(title)}</th>'
        for title, align, width in (
            (gettext("Date"), "left", 12),
            (gettext("Document"), "left", 14),
            (gettext("Description"), "left", 26),
            (gettext("Due date"), "left", 12),
            (gettext("Debit"), "right", 12),
            (gettext("Credit"), "right", 12),
            (gettext("Balance"), "right", 12),
        )
    )
    period = statement.period
    rows = [
        '<tr class="line">'
        + _cell(formats.date(period.opening_date), figure=True)
        + _cell("")
        + _cell(gettext("Opening balance"), bold=True)
        + _cell("")
        + _cell("")
        + _cell("")
        + _cell(formats.amount(statement.opening_balance), right=True, figure=True, bold=True)
        + "</tr>"
    ]
    for movement in statement.movements:
        rows.append(
            '<tr class="line">'
            + _cell(formats.date(movement.date), figure=True)
            + _cell(movement.document_number, figure=True)
            + _cell(_description(movement, statement, formats))
            + _cell(formats.date(movement.due_date) if movement.due_date else "", figure=True)
            + _cell(_amount(formats, movement.debit), right=True, figure=True)
            + _cell(_amount(formats, movement.credit), right=True, figure=True)
            + _cell(formats.amount(movement.balance), right=True, figure=True)
            + "</tr>"
        )
    if not statement.movements:
        rows.append(
            '<tr class="line"><td></td><td></td>'
            f'<td colspan="5">{escape(gettext("No movements in this period."))}</td></tr>'
        )
    rows.append(
        '<tr class="total">'
        + _cell("")
        + _cell("")
        + _cell(gettext("Total"), bold=True)
        + _cell("")
        + _cell(formats.amount(statement.total_debit), right=True, figure=True, bold=True)
        + _cell(formats.amount(statement.total_credit), right=True, figure=True, bold=True)
        + _cell("")
        + "</tr>"
    )
    rows.append(
        "<tr>"
        + _cell(formats.date(period.end), figure=True)
        + _cell("")
        + _cell(gettext("Closing balance"), bold=True)
        + _cell("")
        + _cell("")
        + _cell("")
        + _cell(formats.amount(statement.closing_balance), right=True, figure=True, bold=True)
        + "</tr>"
    )
    return (
        '<table class="lines" width="100%" cellspacing="0" cellpadding="3"'
        ' style="margin-top: 4px; margin-bottom: 16px;">'
        f"<thead><tr>{head}</tr></thead>{''.join(rows)}</table>"
    )


def _aging_table(statement: Statement, formats: Formats) -> str:
    words = translations_for(statement.language)
    aging = statement.aging
    labels = (*aging.labels, words.gettext("Total"))
    amounts = (*aging.columns, aging.total)
    width = 100 // len(labels)
    head = "".join(f'<th align="right" width="{width}%">{escape(label)}</th>' for label in labels)
    cells = "".join(
        _cell(formats.amount(amount), right=True, figure=True, bold=index == len(amounts) - 1)
        for index, amount in enumerate(amounts)
    )
    return (
        '<table class="lines" width="100%" cellspacing="0" cellpadding="3">'
        f'<thead><tr>{head}</tr></thead><tr class="line">{cells}</tr></table>'
    )


def statement_html(statement: Statement, formats: Formats | None = None) -> str:
    """The statement as the HTML its PDF is printed from, in the statement's language
    (``formats`` default to that language's; the tests read the HTML too)."""
    fmt = formats or customer_formats(statement.language)
    words = translations_for(statement.language)
    gettext = words.gettext
    period = statement.period
    address = "<br/>".join(
        escape(line) for line in (statement.customer_name, *statement.address_lines) if line
    )
    reference = gettext("Customer account {account} · {start} to {end}").format(
        account=statement.account,
        start=fmt.date(period.start),
        end=fmt.date(period.end),
    )
    # The account never breaks across lines.
    reference_html = unbroken(statement.account).join(
        escape(part) for part in reference.split(statement.account, 1)
    )
    currency = gettext("All amounts in {currency}.").format(currency=statement.currency)
    if foreign_documents(statement):
        currency += " " + gettext(
            "A document in another currency shows its own amount beside its description."
        )
    aging_title = gettext("What is open on {date}, by age").format(date=fmt.date(period.end))
    return (
        f"<html><head><style>{STYLE}</style></head><body>"
        '<table width="100%" cellspacing="0" cellpadding="0" style="margin-bottom: 24px;"><tr>'
        f'<td valign="top"><h1>{escape(statement.company_name)}</h1></td>'
        '<td valign="top" align="right">'
        f'<p align="right" style="font-size: 14pt;"><b>{escape(gettext("Account statement"))}'
        "</b></p></td></tr></table>"
        f'<p style="margin-bottom: 28px;">{address}</p>'
        f'<p class="small" style="margin-bottom: 4px;">{reference_html}</p>'
        f'<p class="small" style="margin-bottom: 12px;">{escape(currency)}</p>'
        f"{_movements_table(statement, fmt)}"
        f'<p class="heading">{escape(aging_title)}</p>'
        f"{_aging_table(statement, fmt)}"
        "</body></html>"
    )


def statement_reference(statement: Statement) -> str:
    """What every page's number follows: the account and the period ("C-000003 · 2026-11")."""
    period = statement.period
    shown = (
        period.name if period.is_month else f"{period.start.isoformat()} – {period.end.isoformat()}"
    )
    return f"{statement.account} · {shown}"


def statement_title(statement: Statement) -> str:
    """The PDF's title: the words "Account statement", the account and the period."""
    words = translations_for(statement.language)
    return f"{words.gettext('Account statement')} {statement_reference(statement)}"


def statement_document(statement: Statement, formats: Formats | None = None) -> QTextDocument:
    """The statement laid out in a ``QTextDocument`` (not yet paginated)."""
    return text_document(statement_html(statement, formats), statement_title(statement))


def statement_pdf_bytes(statement: Statement) -> bytes:
    """The statement as an A4 PDF in memory, in the customer's language, every page
    numbered after the account and period when there are several; ``LetterFileError``
    when no PDF came out."""
    document = statement_document(statement)
    try:
        return pdf_bytes(document, statement_title(statement), statement_reference(statement))
    except PdfError:
        raise LetterFileError(
            _("The PDF of the statement of {account} could not be made.").format(
                account=statement.account
            )
        ) from None


def statement_pdf(statement: Statement, path: Path | str) -> Path:
    """Write the statement's PDF at ``path``, whole or not at all; returns the path."""
    return write_atomically(path, statement_pdf_bytes(statement))


def statement_preview(statement: Statement, page: int = 0, dpi: int = 96) -> QImage:
    """Page ``page`` of the statement's PDF as an image (the dialog's preview)."""
    return render_page(
        statement_document(statement), page, reference=statement_reference(statement), dpi=dpi
    )
