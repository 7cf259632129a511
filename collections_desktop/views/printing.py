"""Printed collection letters: an A4 PDF made with Qt's own text layout, no extra library.

A letter is laid out as HTML (company name, date, the customer's address block, the
letter's stored text, the table of its items) and printed by ``views/pdf.py``.
Everything comes from ``models.letters.read.letter_detail``: the text is the one stored
when the letter was posted, so a reprint says exactly what was sent; it is only marked
"Copy". The plain item list inside the stored text is shown as a table where it is
found, and the table follows the text otherwise.

A PDF is printed into memory and written whole or not at all
(``models.letters.documents.write_atomically``): a final name never holds a partial
file, and a file that cannot be written raises ``LetterFileError`` naming it.
``print_missing_letters`` prints the letters whose PDF was never written and records
each one, so a run that died or failed half-way is completed by the next.
``print_letters`` can run on a worker through ``views/tasks.py`` for a whole run.
"""

from __future__ import annotations

import html
import logging
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtGui import QImage, QTextDocument

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, translations_for
from collections_desktop.models.bank.references import format_reference, payment_reference
from collections_desktop.models.db.database import Database
from collections_desktop.models.letters.documents import (
    DocumentRecorder,
    LetterFileError,
    check_folder,
    remove_stale_parts,
    write_atomically,
)
from collections_desktop.models.letters.read import LetterDetail, letter_detail
from collections_desktop.models.letters.render import customer_formats, items_text
from collections_desktop.views.pdf import (
    BODY_POINTS,
    PdfError,
    pdf_bytes,
    render_page,
    text_document,
)
from collections_desktop.views.tasks import TaskState

log = logging.getLogger(__name__)

COPY_COLOUR = "#c62828"
PARAGRAPH = "margin-top: 0px; margin-bottom: 10px;"


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs: blank lines split paragraphs, single breaks stay."""
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    return "".join(
        f'<p style="{PARAGRAPH}">{"<br/>".join(_escape(line) for line in block.split(chr(10)))}</p>'
        for block in blocks
    )


def _unbroken(text: str) -> str:
    """``text`` (a document number) escaped so a line never breaks inside it: a word
    joiner after each hyphen or slash, no-break spaces for spaces."""
    escaped = _escape(text).replace(" ", "\xa0")
    return escaped.replace("-", "-\u2060").replace("/", "/\u2060")


def _numbers_unbroken(html_text: str, numbers: Sequence[str]) -> str:
    """``html_text`` with every document number in ``numbers`` kept on one line."""
    for number in sorted(set(filter(None, numbers)), key=len, reverse=True):
        html_text = html_text.replace(_escape(number), _unbroken(number))
    return html_text


def _items_table(detail: LetterDetail, formats: Formats) -> str:
    """The letter's items with their open amounts, the total and the fee, as an HTML table,
    its headings in the letter's language."""
    words = translations_for(detail.language)
    # Shares of the width: the dates get room to stay on one line in every language;
    # a column whose figures need more widens (they never wrap).
    head = "".join(
        f'<th align="{align}" width="{width}%">{_escape(title)}</th>'
        for title, align, width in (
            (words.gettext("Document"), "left", 17),
            (words.gettext("Document date"), "left", 26),
            (words.gettext("Due date"), "left", 26),
            (words.gettext("Days overdue"), "right", 11),
            (words.gettext("Open amount"), "right", 20),
        )
    )
    rows = []
    # Cells take their look from the style sheet (``letter_html``): a cell's own style
    # attribute would replace it, borders and all. Numbers and amounts never wrap; a long
    # date ("16 de out. de 2026") may, between its words, to keep the table on the page.
    for line in detail.lines:
        rows.append(
            '<tr class="item">'
            f'<td class="figure">{_unbroken(line.document_number)}</td>'
            f"<td>{_escape(formats.date(line.document_date))}</td>"
            f"<td>{_escape(formats.date(line.due_date))}</td>"
            f'<td align="right" class="figure">{_escape(formats.count(line.days_overdue))}</td>'
            f'<td align="right" class="figure">'
            f"{_escape(formats.money(line.open_amount, line.currency))}</td>"
            "</tr>"
        )
    totals = [(words.gettext("Total overdue"), formats.money(detail.amount, detail.currency))]
    if detail.fee:
        totals.append(
            (
                words.gettext("Letter fee ({document})").format(
                    document=detail.fee_document or detail.number
                ),
                formats.money(detail.fee, detail.currency),
            )
        )
    for caption, value in totals:
        rows.append(
            '<tr class="total">'
            f'<td colspan="4" align="right"><b>{_escape(caption)}</b></td>'
            f'<td align="right" class="figure"><b>{_escape(value)}</b></td>'
            "</tr>"
        )
    table = (
        '<table class="items" width="100%" cellspacing="0" cellpadding="4"'
        ' style="margin-top: 4px; margin-bottom: 14px;">'
        f"<thead><tr>{head}</tr></thead>{''.join(rows)}</table>"
    )
    # The creditor reference (ISO 11649) of the customer's account: quoted with the
    # payment, it tells the bank statement whose payment it is (models/bank/matching.py).
    reference = format_reference(payment_reference(detail.account))
    quote = words.gettext("Payment reference: {reference}").format(reference=reference)
    table += (
        f'<p style="margin-bottom: 14px;">'
        f"{_escape(quote).replace(_escape(reference), _unbroken(reference))}</p>"
    )
    return _numbers_unbroken(table, [detail.fee_document or "", detail.number])


def _body(detail: LetterDetail, formats: Formats) -> str:
    """The stored text with its item list replaced by the table (or the table after it)."""
    table = _items_table(detail, formats)
    listed = items_text(detail.lines, customer_formats(detail.language), detail.language)
    numbers = [line.document_number for line in detail.lines] + [detail.number]
    if listed and listed in detail.text:
        before, after = detail.text.split(listed, 1)
        return (
            _numbers_unbroken(_paragraphs(before), numbers)
            + table
            + _numbers_unbroken(_paragraphs(after), numbers)
        )
    return _numbers_unbroken(_paragraphs(detail.text), numbers) + table


def letter_html(detail: LetterDetail, formats: Formats, *, copy: bool = False) -> str:
    """The letter as the HTML its PDF is printed from (tests read it), in the letter's
    language (the customer's): its heading is the level's name in that language, never
    an internal code."""
    words = translations_for(detail.language)
    copy_mark = ""
    if copy:
        reprint = words.gettext("Reprint of the letter of {date}").format(
            date=formats.date(detail.letter_date).replace(" ", "\xa0")  # a date on one line
        )
        mark = words.gettext("COPY")
        copy_mark = (  # a cell of its own beside the company name
            '<td valign="top" align="right" width="30%">'
            f'<p align="right" style="color:{COPY_COLOUR}; font-size:14pt;"><b>'
            f"{_escape(mark)}</b><br/>"
            f'<span style="font-size:8pt;">'
            f"{_escape(reprint)}"
            "</span></p></td>"
        )
    address = "<br/>".join(
        _escape(line) for line in (detail.customer_name, *detail.address_lines) if line
    )
    heading = detail.heading
    reference = words.gettext("Collection letter {number} · Customer account {account}").format(
        number=detail.number, account=detail.account
    )
    items = words.ngettext("{count} item", "{count} items", len(detail.lines)).format(
        count=formats.count(len(detail.lines))
    )
    style = (
        f"body {{ font-size: {BODY_POINTS}pt; }}"
        "h1 { font-size: 16pt; margin: 0; }"
        "p.heading { font-size: 12pt; font-weight: bold; margin-bottom: 10px; }"
        "table.items { font-size: 9pt; }"
        "table.items th { border-bottom: 1px solid #444444; background: #eeeeee; }"
        "tr.item td { border-bottom: 1px solid #dddddd; }"
        "td.figure { white-space: nowrap; }"
    )
    reference_line = _numbers_unbroken(
        f"{_escape(reference)} · {_escape(items)}", [detail.number, detail.account]
    )
    return (
        f"<html><head><style>{style}</style></head><body>"
        '<table width="100%" cellspacing="0" cellpadding="0" style="margin-bottom: 24px;"><tr>'
        f'<td valign="top"><h1>{_escape(detail.company_name)}</h1></td>'
        f"{copy_mark}"
        "</tr></table>"
        f'<p style="margin-bottom: 28px;">{address}</p>'
        f'<p align="right" style="margin-bottom: 6px;">'
        f"{_escape(formats.date(detail.letter_date, 'long'))}</p>"
        f'<p style="font-size: 8pt; color: #555555; margin-bottom: 16px;">'
        f"{reference_line}</p>"
        f'<p class="heading">{_escape(heading)}</p>'
        f"{_body(detail, formats)}"
        "</body></html>"
    )


def letter_document(detail: LetterDetail, formats: Formats, *, copy: bool = False) -> QTextDocument:
    """The letter laid out in a ``QTextDocument`` (not yet paginated)."""
    return text_document(letter_html(detail, formats, copy=copy), detail.number)


def letter_pdf_bytes(
    detail: LetterDetail, formats: Formats | None = None, *, copy: bool = False
) -> bytes:
    """The letter as an A4 PDF, in memory; ``copy`` marks a reprint.

    Printed into a buffer rather than straight to a file: ``QPdfWriter`` says nothing
    when a file cannot be written (a full disk left empty files), Python's file writes do.
    ``formats`` default to the customer's language, as the stored text was written.
    """
    fmt = formats or customer_formats(detail.language)
    document = letter_document(detail, fmt, copy=copy)
    try:
        return pdf_bytes(document, f"{detail.number} {detail.customer_name}", detail.number)
    except PdfError:
        raise LetterFileError(
            _("The PDF of letter {number} could not be made.").format(number=detail.number)
        ) from None


def letter_pdf(
    detail: LetterDetail,
    path: Path | str,
    formats: Formats | None = None,
    *,
    copy: bool = False,
) -> Path:
    """Write the letter as an A4 PDF at ``path``, whole or not at all; returns the path.

    ``copy`` marks a reprint. ``LetterFileError`` names the file when it cannot be
    written; an earlier file of that name is then left as it was.
    """
    return write_atomically(path, letter_pdf_bytes(detail, formats, copy=copy))


def print_letters(
    details: Sequence[LetterDetail],
    folder: Path | str,
    *,
    copy: bool = False,
    state: TaskState | None = None,
    written: Callable[[uuid.UUID, Path], None] | None = None,
) -> list[Path]:
    """Write one PDF per letter into ``folder`` ("CL-0000012.pdf"); their paths.

    Each letter is printed in its customer's language and moved into place only when
    complete; ``written(letter_id, path)`` hears of each file then (to record it). The
    folder is checked first; ``LetterFileError`` names the folder or the file that
    failed, after the files before it were written and reported. With ``state`` (a
    task's), it reports progress and stops between letters when cancelled.
    """
    target = check_folder(folder)
    remove_stale_parts(target)
    paths = []
    for done, detail in enumerate(details):
        if state is not None:
            state.raise_if_cancelled()
            state.progress(done, len(details), detail.number)
        path = letter_pdf(detail, target / f"{detail.number}.pdf", copy=copy)
        paths.append(path)
        if written is not None:
            written(detail.id, path)
    if state is not None:
        state.progress(len(details), len(details))
    return paths


DETAILS_PER_READ = 200
"""Letters read per session while printing a long run (their details stay few in memory)."""


def print_missing_letters(
    database: Database,
    letter_ids: Sequence[uuid.UUID],
    folder: Path | str,
    recorder: DocumentRecorder,
    *,
    state: TaskState | None = None,
) -> list[Path]:
    """Print these letters into ``folder`` and record each PDF with ``recorder``; the paths.

    What was written before a failure is recorded all the same (``recorder.recorded``
    counts it), then the ``LetterFileError`` goes on to the caller.
    """
    paths: list[Path] = []
    try:
        for start in range(0, len(letter_ids), DETAILS_PER_READ):
            with database.sessions() as session:
                details = [
                    letter_detail(session, letter_id)
                    for letter_id in letter_ids[start : start + DETAILS_PER_READ]
                ]
            paths += print_letters(details, folder, state=state, written=recorder)
    except BaseException:
        try:  # what is not recorded is printed again by the next run: the failure comes first
            recorder.flush()
        except Exception:
            log.warning("the PDFs written before the failure could not be recorded", exc_info=True)
        raise
    recorder.flush()
    return paths


def render_first_page(
    detail: LetterDetail, formats: Formats, *, copy: bool = False, dpi: int = 96
) -> QImage:
    """The first A4 page of the letter as an image, laid out as the PDF is, for a preview."""
    return render_page(
        letter_document(detail, formats, copy=copy), 0, reference=detail.number, dpi=dpi
    )
