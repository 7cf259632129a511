"""A4 PDF documents from HTML, with Qt's own text layout (no extra library).

Every printed document of the app (collection letters, receipts, invoices, statements,
reports) is HTML laid out in a ``QTextDocument`` and printed here, page by page, so all
of them share one page size, one set of margins and one page numbering. A document is
printed into memory (``pdf_bytes``) and its caller writes it whole or not at all
(``models.letters.documents.write_atomically``): ``QPdfWriter`` says nothing when a file
cannot be written, Python's file writes do.

``QTextDocument`` and ``QPdfWriter`` may be used on a worker thread (one document per
thread), so a batch of PDFs can be printed through ``views/tasks.py``.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QTextDocument,
    QTextOption,
)

from collections_desktop import APP_NAME
from collections_desktop.models.letters.documents import is_complete_pdf

PAGE_MARGINS_MM = QMarginsF(22, 18, 20, 18)
"""Left, top, right, bottom margins of a printed page (room for a window envelope)."""

PDF_RESOLUTION = 300
"""Dots per inch of the PDF's layout (text stays vector; this sets the layout grid)."""

BODY_POINTS = 10.0
PAGE_NUMBER_POINTS = 8.0


class PdfError(ValueError):
    """A PDF could not be made; the message names the document."""


def escape(text: str) -> str:
    """``text`` safe inside HTML."""
    return html.escape(text, quote=True)


def unbroken(text: str) -> str:
    """``text`` that never breaks across lines (a document number, a date, an amount)."""
    return escape(text).replace(" ", "&nbsp;").replace("-", "\u2011")


def text_document(html_text: str, title: str = "") -> QTextDocument:
    """``html_text`` laid out in a ``QTextDocument`` (not yet paginated).

    Lines break between words only: a word or a figure too long for its cell widens the
    cell instead of being cut.
    """
    document = QTextDocument()
    font = QFont(document.defaultFont())
    font.setPointSizeF(BODY_POINTS)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    option = QTextOption(document.defaultTextOption())
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    document.setDefaultTextOption(option)
    document.setHtml(html_text)
    if title:
        document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    return document


def page_layout(*, landscape: bool = False) -> QPageLayout:
    """A4 with the documents' margins: portrait, or landscape for a wide report."""
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait,
        PAGE_MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )


def paginate(
    document: QTextDocument, device: QPaintDevice, dpi: int, *, landscape: bool = False
) -> QSizeF:
    """Lay ``document`` out in pages of the text area on ``device``; that size.

    The document paginates itself: ``QTextDocument.print`` would add margins of its own
    (2 cm) inside the page's, and the PDF would not look like its preview.
    """
    body = page_layout(landscape=landscape).paintRectPixels(dpi)
    size = QSizeF(body.width(), body.height())
    document.documentLayout().setPaintDevice(device)
    document.setPageSize(size)
    return size


def draw_page(
    document: QTextDocument, painter: QPainter, page: int, body: QSizeF, reference: str = ""
) -> None:
    """Paint ``page`` (from 0) of a paginated document at the painter's origin, and, when
    the document has more than one page, its number under the text after ``reference``
    ("CL-0000012 · 2 / 3"): a loose page still says which document it belongs to."""
    painter.save()
    painter.translate(0, -page * body.height())
    document.drawContents(painter, QRectF(0, page * body.height(), body.width(), body.height()))
    painter.restore()
    count = document.pageCount()
    if count > 1:
        painter.save()
        font = QFont(document.defaultFont())
        font.setPointSizeF(PAGE_NUMBER_POINTS)
        painter.setFont(font)
        metrics = QFontMetricsF(font, painter.device())
        below = QRectF(0, body.height(), body.width(), metrics.height() * 2)
        painter.drawText(
            below,
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            " · ".join(part for part in (reference, f"{page + 1} / {count}") if part),
        )
        painter.restore()


def pdf_bytes(
    document: QTextDocument, title: str, reference: str = "", *, landscape: bool = False
) -> bytes:
    """``document`` as an A4 PDF in memory, every page numbered after ``reference`` when
    there is more than one; ``PdfError`` names ``title`` when no PDF came out."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(page_layout(landscape=landscape))
    writer.setTitle(title)
    writer.setCreator(APP_NAME)
    body = paginate(document, writer, PDF_RESOLUTION, landscape=landscape)
    painter = QPainter(writer)  # its origin is the top left corner inside the margins
    for page in range(document.pageCount()):
        if page:
            writer.newPage()
        draw_page(document, painter, page, body, reference)
    painter.end()
    del writer  # the PDF is complete once the writer is gone
    data = bytes(buffer.data().data())
    buffer.close()
    if not is_complete_pdf(data):
        raise PdfError(f"The PDF of {title} could not be made.")
    return data


def render_page(
    document: QTextDocument,
    page: int = 0,
    *,
    reference: str = "",
    dpi: int = 96,
    landscape: bool = False,
) -> QImage:
    """One A4 page of ``document`` as an image, laid out as the PDF is, for a preview."""
    layout = page_layout(landscape=landscape)
    full = layout.fullRectPixels(dpi)
    margins = layout.paintRectPixels(dpi)
    image = QImage(full.width(), full.height(), QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor(Qt.GlobalColor.white))
    body = paginate(document, image, dpi, landscape=landscape)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.translate(margins.left(), margins.top())
    draw_page(document, painter, page, body, reference)
    painter.end()
    return image
