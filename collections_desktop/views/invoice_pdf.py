"""Printed invoices: an A4 PDF of an issued invoice, in the customer's language.

Laid out as HTML (the company, the customer's address, the invoice's number, date and
due date, its lines, the tax by code, the totals) from ``models.billing.invoices`` and
printed by ``views/pdf.py``. Every word a customer reads comes from the catalogue of
the invoice's language (``translations_for``), every date and amount from that
language's formats (``customer_formats``), never the user's; document numbers, dates
and amounts never break across lines. A PDF is printed into memory and written whole
or not at all (``write_atomically``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from PySide6.QtGui import QImage, QTextDocument

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, translations_for
from collections_desktop.models.bank.references import format_reference, payment_reference
from collections_desktop.models.billing.invoices import InvoiceDetail, invoice_details
from collections_desktop.models.db.database import Database
from collections_desktop.models.letters.documents import (
    LetterFileError,
    check_folder,
    remove_stale_parts,
    write_atomically,
)
from collections_desktop.models.letters.render import customer_formats
from collections_desktop.views.pdf import (
    BODY_POINTS,
    PdfError,
    escape,
    pdf_bytes,
    render_page,
    text_document,
)
from collections_desktop.views.tasks import TaskState

STYLE = (
    f"body {{ font-size: {BODY_POINTS}pt; }}"
    "h1 { font-size: 16pt; margin: 0; }"
    "p.title { font-size: 14pt; font-weight: bold; margin-bottom: 4px; }"
    "table.lines { font-size: 9pt; }"
    "table.lines th { border-bottom: 1px solid #444444; background: #eeeeee; }"
    "tr.line td { border-bottom: 1px solid #dddddd; }"
    "td.figure { white-space: nowrap; }"
    "table.facts td { padding-right: 18px; }"
)


def unbroken(text: str) -> str:
    """``text`` (a number, a date, an amount) that never breaks across lines, and still
    reads as typed when copied out of the PDF: no-break spaces, a word joiner after each
    hyphen (``views.pdf.unbroken``'s non-breaking hyphen would be copied as another
    character, and a customer searching for the invoice number would not find it)."""
    return escape(text).replace(" ", "\xa0").replace("-", "-\u2060")


def _figure(value: Decimal, formats: Formats) -> str:
    """A quantity or unit price with the decimals it has (at least none)."""
    exponent = value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return formats.number(value, places)


def invoice_html(detail: InvoiceDetail, formats: Formats | None = None) -> str:
    """The invoice as the HTML its PDF is printed from, in its language (tests read it)."""
    fmt = formats or customer_formats(detail.language)
    words = translations_for(detail.language)
    address = "<br/>".join(
        escape(line) for line in (detail.customer_name, *detail.address_lines) if line
    )
    facts = "".join(
        f"<tr><td>{escape(label)}</td><td><b>{unbroken(value)}</b></td></tr>"
        for label, value in (
            (words.gettext("Invoice number"), detail.number),
            (words.gettext("Invoice date"), fmt.date(detail.document_date, "long")),
            (words.gettext("Due date"), fmt.date(detail.due_date, "long")),
            (words.gettext("Customer account"), detail.account),
        )
    )
    head = "".join(
        f'<th align="{align}" width="{width}%">{escape(title)}</th>'
        for title, align, width in (
            (words.gettext("Description"), "left", 44),
            (words.gettext("Quantity"), "right", 10),
            (words.gettext("Unit price"), "right", 15),
            (words.gettext("Tax"), "left", 13),
            (words.gettext("Amount"), "right", 18),
        )
    )
    rows = []
    for line in detail.lines:
        tax = (
            f"{line.tax_code} {fmt.number(line.tax_rate or Decimal(0), 0)} %"
            if line.tax_code
            else "—"
        )
        rows.append(
            '<tr class="line">'
            f"<td>{escape(line.description)}</td>"
            f'<td align="right" class="figure">{unbroken(_figure(line.quantity, fmt))}</td>'
            f'<td align="right" class="figure">{unbroken(fmt.amount(line.unit_price))}</td>'
            f'<td class="figure">{unbroken(tax)}</td>'
            f'<td align="right" class="figure">{unbroken(fmt.amount(line.amount))}</td>'
            "</tr>"
        )
    totals = [(words.gettext("Net amount"), fmt.money(detail.net, detail.currency), False)]
    for tax_total in detail.taxes:
        totals.append(
            (
                words.gettext("{code} {rate} % on {base}").format(
                    code=tax_total.code,
                    rate=fmt.number(tax_total.rate, 0),
                    base=fmt.amount(tax_total.base),
                ),
                fmt.money(tax_total.amount, detail.currency),
                False,
            )
        )
    totals.append((words.gettext("Total due"), fmt.money(detail.total, detail.currency), True))
    for caption, value, bold in totals:
        open_b, close_b = ("<b>", "</b>") if bold else ("", "")
        rows.append(
            "<tr>"
            f'<td colspan="4" align="right">{open_b}{escape(caption)}{close_b}</td>'
            f'<td align="right" class="figure">{open_b}{unbroken(value)}{close_b}</td>'
            "</tr>"
        )
    table = (
        '<table class="lines" width="100%" cellspacing="0" cellpadding="4"'
        ' style="margin-top: 8px; margin-bottom: 14px;">'
        f"<thead><tr>{head}</tr></thead>{''.join(rows)}</table>"
    )
    payable = words.gettext("Please pay {total} by {date}, quoting invoice {number}.").format(
        total=fmt.money(detail.total, detail.currency),
        date=fmt.date(detail.due_date, "long"),
        number=detail.number,
    )
    # The creditor reference (ISO 11649) of this invoice: a bank that copies it into the
    # payment lets the bank statement say which invoice was paid (models/bank/matching.py).
    reference = format_reference(payment_reference(detail.number))
    quote = words.gettext("Payment reference: {reference}").format(reference=reference)
    return (
        f"<html><head><style>{STYLE}</style></head><body>"
        f'<h1 style="margin-bottom: 24px;">{escape(detail.company_name)}</h1>'
        f'<p style="margin-bottom: 28px;">{address}</p>'
        f'<p class="title">{escape(words.gettext("Invoice"))}</p>'
        f'<table class="facts" cellspacing="0" cellpadding="1" style="margin-bottom: 12px;">'
        f"{facts}</table>"
        f"{table}"
        f"<p>{escape(payable).replace(escape(detail.number), unbroken(detail.number))}</p>"
        f"<p>{escape(quote).replace(escape(reference), unbroken(reference))}</p>"
        "</body></html>"
    )


def invoice_document(detail: InvoiceDetail) -> QTextDocument:
    """The invoice laid out in a ``QTextDocument`` (not yet paginated)."""
    return text_document(invoice_html(detail), detail.number)


def invoice_pdf_bytes(detail: InvoiceDetail) -> bytes:
    """The invoice as an A4 PDF in memory."""
    try:
        return pdf_bytes(
            invoice_document(detail), f"{detail.number} {detail.customer_name}", detail.number
        )
    except PdfError:
        raise LetterFileError(
            _("The PDF of invoice {number} could not be made.").format(number=detail.number)
        ) from None


def print_invoices(
    database: Database,
    transaction_ids: Sequence[uuid.UUID],
    folder: Path | str,
    *,
    state: TaskState | None = None,
) -> list[Path]:
    """Write one PDF per invoice into ``folder`` ("INV-0000012.pdf"); their paths.

    The folder is checked first; each file is moved into place only when complete, and
    ``LetterFileError`` names the one that could not be written. With ``state``, progress
    is reported and Cancel heard between invoices.
    """
    target = check_folder(folder)
    remove_stale_parts(target)
    with database.sessions() as session:
        details = invoice_details(session, transaction_ids)
    paths = []
    for done, detail in enumerate(details):
        if state is not None:
            state.raise_if_cancelled()
            state.progress(done, len(details), detail.number)
        paths.append(write_atomically(target / f"{detail.number}.pdf", invoice_pdf_bytes(detail)))
    return paths


def render_invoice(detail: InvoiceDetail, *, dpi: int = 96) -> QImage:
    """The invoice's first page as an image, laid out as the PDF is."""
    return render_page(invoice_document(detail), 0, reference=detail.number, dpi=dpi)
