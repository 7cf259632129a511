"""The text of a letter: its template filled in the customer's language, kept for reprints.

The text is rendered once, when the letter is posted, and stored with it; a reprint and
the PDF show the stored text (``models.letters.read.letter_detail``), so a template
changed later never changes a letter already sent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from collections_desktop.formatting import Formats
from collections_desktop.i18n import LANGUAGES, translations_for


class ItemLine(Protocol):
    """An item a letter names (``LetterItem`` when posting, ``LetterLineDetail`` on reprint)."""

    @property
    def document_number(self) -> str: ...
    @property
    def due_date(self) -> dt.date: ...
    @property
    def currency(self) -> str: ...
    @property
    def open_amount(self) -> Decimal: ...
    @property
    def days_overdue(self) -> int: ...


def items_text(lines: Iterable[ItemLine], formats: Formats, language: str) -> str:
    """The ``{items}`` of a template: one line per item (document, due date, days, amount),
    in ``language``, the customer's.

    The printed letter finds this block in the stored text to show it as a table.
    """
    words = translations_for(language)
    return "\n".join(
        words.gettext("{document}, due {due}: {amount} ({overdue})").format(
            document=line.document_number,
            due=formats.date(line.due_date),
            amount=formats.money(line.open_amount, line.currency),
            overdue=words.ngettext(
                "{count} day overdue", "{count} days overdue", line.days_overdue
            ).format(count=line.days_overdue),
        )
        for line in lines
    )


PLACEHOLDERS = ("{customer}", "{total}", "{fee}", "{items}", "{company}")
"""What a template may name; ``render_text`` fills exactly these."""

_NAMED = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def unknown_placeholders(template: str) -> list[str]:
    """The ``{words}`` of a template that are no placeholder (a typing error would be
    printed as typed), in order of appearance."""
    found = (match.group(0) for match in _NAMED.finditer(template))
    return list(dict.fromkeys(name for name in found if name not in PLACEHOLDERS))


def render_text(
    template: str,
    *,
    customer: str,
    total_due: str,
    fee: str,
    items: str,
    company: str,
) -> str:
    """The letter text: the template with its placeholders filled.

    Placeholders are replaced literally, so a brace a supervisor typed elsewhere in a
    template stays as typed instead of breaking the run.
    """
    text = template
    for key, value in (
        ("{customer}", customer),
        ("{total}", total_due),
        ("{fee}", fee),
        ("{company}", company),
        ("{items}", items),  # last: item texts are never read as placeholders
    ):
        text = text.replace(key, value)
    return text


def customer_formats(language: str) -> Formats:
    """The formats a letter to a customer speaking ``language`` is written in."""
    return Formats.for_locale(language or "en")


def letter_language(customer_language: str | None, company_language: str) -> str:
    """The language a letter is written in: the customer's when we write it, else the
    company's."""
    base = (customer_language or "").split("_")[0].split("-")[0].lower()
    return base if base in LANGUAGES else company_language
