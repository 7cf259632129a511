"""A printed letter is wholly in its customer's language, headed for the customer, and never
breaks a document number: checked on the PDF's own text (``pdftotext``) and on the layout
it is printed from, in English, Spanish, French and Portuguese."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QPdfWriter, QTextDocument

from collections_desktop.models.db.database import Database
from collections_desktop.models.letters.read import LetterDetail, letter_detail
from collections_desktop.models.letters.render import customer_formats
from collections_desktop.views.pdf import PDF_RESOLUTION, page_layout, paginate
from collections_desktop.views.printing import letter_document, letter_pdf
from tests.pdf_text import PDFTOTEXT, pdf_text
from tests.unit.test_letters import DAY, debtor, overdue, run
from tests.unit.test_snapshot import TODAY

LONG_NUMBER = "FAC-2026/000042-ES"
"""A document number with hyphens and a slash, where a line could otherwise break."""


@dataclass(frozen=True)
class Words:
    """What a letter in one language says, and how."""

    headings: tuple[str, str]  # levels 1 and 2
    greeting: str
    columns: tuple[str, ...]
    total: str
    fee: str
    closing: str
    dates: tuple[str, str]  # levels 1 and 2, in the long style
    reference: str
    country: str


WORDS = {
    "en": Words(
        ("Payment reminder", "Second reminder"),
        "Dear Ruiz Hermanos SL,",
        ("Document", "Document date", "Due date", "Days overdue", "Open amount"),
        "Total overdue",
        "Letter fee (CL-0000002)",
        "Kind regards,",
        ("November 23, 2026", "December 7, 2026"),
        "Collection letter CL-0000002 · Customer account",
        "Spain",
    ),
    "es": Words(
        ("Recordatorio de pago", "Segundo recordatorio"),
        "Estimado/a Ruiz Hermanos SL:",
        (
            "Documento",
            "Fecha del documento",
            "Fecha de vencimiento",
            "Días de retraso",
            "Importe pendiente",
        ),
        "Total vencido",
        "Gastos de la carta (CL-0000002)",
        "Atentamente,",
        ("23 de noviembre de 2026", "7 de diciembre de 2026"),
        "Carta de cobro CL-0000002 · Cuenta de cliente",
        "España",
    ),
    "fr": Words(
        ("Rappel de paiement", "Deuxième rappel"),
        "À l’attention de Ruiz Hermanos SL",
        ("Pièce", "Date de la pièce", "Date d’échéance", "Jours de retard", "Montant restant dû"),
        "Total échu",
        "Frais de relance (CL-0000002)",
        "Nous vous prions d’agréer, Madame, Monsieur, nos salutations distinguées.",
        ("23 novembre 2026", "7 décembre 2026"),
        "Lettre de relance CL-0000002 · Compte client",
        "Espagne",
    ),
    "pt": Words(
        ("Lembrete de pagamento", "Segundo lembrete"),
        "Caro(a) Ruiz Hermanos SL,",
        (
            "Documento",
            "Data do documento",
            "Data de vencimento",
            "Dias de atraso",
            "Montante em aberto",
        ),
        "Total vencido",
        "Encargos da carta (CL-0000002)",
        "Com os melhores cumprimentos,",
        ("23 de novembro de 2026", "7 de dezembro de 2026"),
        "Carta de cobrança CL-0000002 · Conta de cliente",
        "Espanha",
    ),
}

ENGLISH = (
    "Dear", "Document date", "Due date", "Days overdue", "Open amount", "Total overdue",
    "Letter fee", "Kind regards", "Collection letter", "Customer account", "items",
    "Payment reminder", "Second reminder", "overdue", "Spain", "December",
)  # fmt: skip
"""Words of the English letter that no letter in another language may keep."""

LEVEL_NAMES = (
    "Friendly reminder", "Recordatorio amistoso", "Relance amiable", "Lembrete amigável",
    "Deuxième relance", "Level 1", "Level 2",
)  # fmt: skip
"""The collectors' names of the levels: never printed (the customer reads the heading)."""


def posted(database: Database, language: str, invoices: int = 0) -> list[LetterDetail]:
    """Levels 1 and 2 (its fee charged) to a customer speaking ``language`` who owes
    1,000.00 (as ``LONG_NUMBER``) and 250.00, and ``invoices`` more."""
    with database.sessions() as session:
        customer = debtor(session, language=language)
        overdue(session, customer, "1000.00", 40, document_number=LONG_NUMBER)
        overdue(session, customer, "250.00", 20)
        for n in range(invoices):
            overdue(session, customer, f"{100 + n}.00", 16 + n % 20)
        [first] = run(session, TODAY).created
        [second] = run(session, TODAY + 14 * DAY).created
        session.commit()
        return [letter_detail(session, letter.letter_id) for letter in (first, second)]


def laid_out(detail: LetterDetail) -> QTextDocument:
    """The letter's document laid out in pages on a PDF writer, as ``letter_pdf`` does."""
    document = letter_document(detail, customer_formats(detail.language))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(page_layout())
    paginate(document, writer, PDF_RESOLUTION)
    document.setProperty("writer", writer)  # kept alive with the document
    return document


def broken_numbers(document: QTextDocument, numbers: list[str]) -> dict[str, int]:
    """How often each number occurs in the laid-out document, and (key ``!number``) how
    often one starts on one line and ends on another."""
    found: dict[str, int] = {}
    document.documentLayout().documentSize()  # lay it out: blocks have lines from now on
    block = document.firstBlock()
    while block.isValid():
        layout = block.layout()
        for number in numbers:
            # The printed text may carry invisible word joiners inside a number.
            pattern = "\u2060?".join(re.escape(char) for char in number)
            for match in re.finditer(pattern, block.text()):
                found[number] = found.get(number, 0) + 1
                first = layout.lineForTextPosition(match.start())
                last = layout.lineForTextPosition(match.end() - 1)
                assert first.isValid()
                assert last.isValid()
                if first.lineNumber() != last.lineNumber():
                    found["!" + number] = found.get("!" + number, 0) + 1
        block = block.next()
    return found


def block_texts(document: QTextDocument) -> list[str]:
    """The text of each block (a table cell is one, however many lines it takes)."""
    texts = []
    block = document.firstBlock()
    while block.isValid():
        texts.append(block.text())
        block = block.next()
    return texts


def printed_texts(detail: LetterDetail, path: Path) -> list[str]:
    """The letter's text as laid out for the PDF, and as read back from the PDF, with its
    blanks as one space (a column heading may take two lines)."""
    document = laid_out(detail)
    columns = [cell.replace("\u2060", "") for cell in block_texts(document)]
    assert [column for column in WORDS[detail.language].columns if column not in columns] == []
    texts = [document.toPlainText().replace("\u2060", "")]
    if PDFTOTEXT:
        texts.append(pdf_text(path))
    return [" ".join(text.split()) for text in texts]


def words_in(text: str, words: tuple[str, ...]) -> list[str]:
    return [word for word in words if re.search(rf"\b{re.escape(word)}\b", text)]


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt"])
def test_a_letter_is_written_wholly_in_the_customers_language(
    qtbot, sqlite_db: Database, language: str, tmp_path: Path
) -> None:
    words = WORDS[language]
    for detail, heading in zip(posted(sqlite_db, language), words.headings, strict=True):
        assert detail.language == language
        path = letter_pdf(detail, tmp_path / f"{detail.number}.pdf")
        for text in printed_texts(detail, path):
            # The heading first, then the greeting.
            assert f"{heading} {words.greeting}" in text
            for column in words.columns:
                # A heading of two lines is read back from the PDF beside its neighbours'.
                assert all(word in text.split() for word in column.split())
            for phrase in (words.total, words.closing, words.country):
                assert phrase in text
            assert words.dates[detail.level - 1] in text
            assert words.reference.replace("CL-0000002", detail.number) in text
            if detail.level == 2:
                assert words.fee in text
            assert words_in(text, LEVEL_NAMES) == []
            if language != "en":
                assert words_in(text, ENGLISH) == []


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt"])
def test_no_document_number_is_broken_across_lines(
    qtbot, sqlite_db: Database, language: str, tmp_path: Path
) -> None:
    for detail in posted(sqlite_db, language):
        numbers = [line.document_number for line in detail.lines] + [
            detail.number,
            detail.account,
        ]
        assert LONG_NUMBER in numbers
        found = broken_numbers(laid_out(detail), numbers)
        assert {number: found.get(number, 0) > 0 for number in numbers} == dict.fromkeys(
            numbers, True
        )
        assert [key for key in found if key.startswith("!")] == []
        if PDFTOTEXT:
            text = pdf_text(letter_pdf(detail, tmp_path / f"{detail.number}.pdf"))
            for number in numbers:
                assert number in text


def test_the_number_check_sees_a_number_broken_at_its_hyphen(qtbot) -> None:
    """The check above is not blind: a number in a narrow column without our care breaks."""
    document = QTextDocument()
    document.setHtml(f"<p>See {LONG_NUMBER} {LONG_NUMBER} {LONG_NUMBER}</p>")
    document.setTextWidth(120)
    assert broken_numbers(document, [LONG_NUMBER]).get("!" + LONG_NUMBER, 0) > 0


def test_a_long_letter_repeats_its_table_heading_and_numbers_its_pages(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    _first, second = posted(sqlite_db, "es", invoices=70)
    path = letter_pdf(second, tmp_path / "long.pdf")
    assert laid_out(second).pageCount() == 3
    last = pdf_text(path, 3)
    assert re.search(r"CL-0000002 · 3 ?/ ?3\b", last)  # a loose page names its letter
    assert "Fecha de vencimiento" in last  # the columns' heading again on every page
    assert "Atentamente," in last
    assert re.search(r"CL-0000002 · 1 ?/ ?3\b", pdf_text(path, 1))
    text = pdf_text(path)
    for line in second.lines:
        assert line.document_number in text
