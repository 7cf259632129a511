"""The receipt a customer gets for a payment: an A4 PDF in the customer's language.

Laid out as HTML from ``models.receipts.read.receipt_detail`` and printed through
``views/pdf.py``: the company, the customer's address, the receipt's number and date,
how it was paid (method, reference, the cheque's bank and due date) and the documents
it paid, with what stays unsettled. Every word comes from the catalogue of the
customer's language (``translations_for``) and every date and amount from its formats
(``customer_formats``), never the collector's. A print after the first is marked COPY.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage, QTextDocument

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, translations_for
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.letters.documents import LetterFileError, write_atomically
from collections_desktop.models.letters.render import customer_formats
from collections_desktop.models.receipts.methods import METHOD_NAMES
from collections_desktop.models.receipts.read import ReceiptDetail
from collections_desktop.views.pdf import (
    BODY_POINTS,
    PdfError,
    escape,
    pdf_bytes,
    render_page,
    text_document,
    unbroken,
)
from collections_desktop.views.printing import COPY_COLOUR


def receipt_html(detail: ReceiptDetail, formats: Formats, *, copy: bool = False) -> str:
    """The receipt as the HTML its PDF is printed from, in the customer's language."""
    words = translations_for(detail.language)
    method = words.gettext(METHOD_NAMES.get(detail.method, detail.method))
    copy_mark = ""
    if copy:
        copy_mark = (
            '<td valign="top" align="right" width="30%">'
            f'<p align="right" style="color:{COPY_COLOUR}; font-size:14pt;"><b>'
            f"{escape(words.gettext('COPY'))}</b></p></td>"
        )
    address = "<br/>".join(
        escape(line)
        for line in (
            detail.customer_name,
            detail.street,
            " ".join(part for part in (detail.postal_code, detail.city) if part),
            detail.country,
        )
        if line
    )
    money = formats.money
    facts = [
        (words.gettext("Receipt number"), unbroken(detail.document_number)),
        (words.gettext("Customer account"), unbroken(detail.account)),
        (words.gettext("Date received"), escape(formats.date(detail.payment_date, "long"))),
        (
            words.gettext("Amount received"),
            f"<b>{escape(money(detail.amount, detail.currency))}</b>",
        ),
        (words.gettext("Paid by"), escape(method)),
    ]
    if detail.reference:
        facts.append((words.gettext("Reference"), unbroken(detail.reference)))
    if detail.bank_name:
        facts.append((words.gettext("Bank"), escape(detail.bank_name)))
    if detail.instrument_due_date:
        facts.append(
            (words.gettext("Due date"), escape(formats.date(detail.instrument_due_date, "long")))
        )
    fact_rows = "".join(
        f'<tr><td width="35%" style="color:#555555;">{escape(caption)}</td><td>{value}</td></tr>'
        for caption, value in facts
    )
    lines = "".join(
        '<tr class="item">'
        f'<td class="figure">{unbroken(line.document_number)}</td>'
        f"<td>{escape(formats.date(line.document_date))}</td>"
        f'<td align="right" class="figure">{escape(money(line.amount, detail.currency))}</td>'
        "</tr>"
        for line in detail.lines
    )
    if detail.lines:
        head = "".join(
            f'<th align="{align}">{escape(title)}</th>'
            for title, align in (
                (words.gettext("Document"), "left"),
                (words.gettext("Document date"), "left"),
                (words.gettext("Amount paid"), "right"),
            )
        )
        table = (
            f"<p>{escape(words.gettext('This payment settles:'))}</p>"
            '<table class="items" width="100%" cellspacing="0" cellpadding="4">'
            f"<thead><tr>{head}</tr></thead>{lines}</table>"
        )
    else:
        table = f"<p>{escape(words.gettext('This payment is held on your account.'))}</p>"
    for refund in detail.refunded:
        table += (
            '<p style="margin-top: 10px;">'
            + escape(
                words.gettext("{amount} of it was paid back to you ({document}, {date}).").format(
                    amount=money(refund.amount, detail.currency),
                    document=refund.document_number,
                    date=formats.date(refund.document_date),
                )
            )
            + "</p>"
        )
    if detail.unsettled > ZERO and (detail.lines or detail.refunded):
        table += (
            '<p style="margin-top: 10px;">'
            + escape(
                words.gettext("{amount} is held on your account as a credit.").format(
                    amount=money(detail.unsettled, detail.currency)
                )
            )
            + "</p>"
        )
    style = (
        f"body {{ font-size: {BODY_POINTS}pt; }}"
        "h1 { font-size: 16pt; margin: 0; }"
        "p.heading { font-size: 14pt; font-weight: bold; margin-bottom: 12px; }"
        "table.items { font-size: 9pt; }"
        "table.items th { border-bottom: 1px solid #444444; background: #eeeeee; }"
        "tr.item td { border-bottom: 1px solid #dddddd; }"
        "td.figure { white-space: nowrap; }"
    )
    return (
        f"<html><head><style>{style}</style></head><body>"
        '<table width="100%" cellspacing="0" cellpadding="0" style="margin-bottom: 24px;"><tr>'
        f'<td valign="top"><h1>{escape(detail.company_name)}</h1></td>'
        f"{copy_mark}</tr></table>"
        f'<p style="margin-bottom: 28px;">{address}</p>'
        f'<p class="heading">{escape(words.gettext("Payment receipt"))}</p>'
        '<table width="100%" cellspacing="0" cellpadding="3" style="margin-bottom: 16px;">'
        f"{fact_rows}</table>"
        f"{table}"
        f'<p style="margin-top: 24px;">{escape(words.gettext("Thank you for your payment."))}</p>'
        "</body></html>"
    )


def receipt_document(detail: ReceiptDetail, *, copy: bool = False) -> QTextDocument:
    """The receipt laid out (not yet paginated), in the customer's formats."""
    formats = customer_formats(detail.language)
    return text_document(receipt_html(detail, formats, copy=copy), detail.document_number)


def receipt_pdf(detail: ReceiptDetail, path: Path | str, *, copy: bool = False) -> Path:
    """Write the receipt at ``path``, whole or not at all; ``copy`` marks a reprint."""
    try:
        data = pdf_bytes(
            receipt_document(detail, copy=copy),
            f"{detail.document_number} {detail.customer_name}",
            detail.document_number,
        )
    except PdfError:
        raise LetterFileError(
            _("The receipt {number} could not be made.").format(number=detail.document_number)
        ) from None
    return write_atomically(path, data)


def receipt_image(detail: ReceiptDetail, *, copy: bool = False) -> QImage:
    """The receipt's first page as an image (a preview)."""
    return render_page(receipt_document(detail, copy=copy))
