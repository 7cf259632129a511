"""The text of a letter: its template filled in the customer's language, kept for reprints.

The text is rendered once, when the letter is posted, and stored with it; a reprint and
the PDF show the stored text (``models.letters.read.letter_detail``), so a template
changed later never changes a letter already sent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from typing import Protocol

from collections_desktop.formatting import Formats
from collections_desktop.i18n import LANGUAGES, base_language, translations_for
from collections_desktop.models.company.reference import LETTER_HEADINGS


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
    fee_charged: bool = True,
) -> str:
    """The letter text: the template with its placeholders filled.

    Placeholders are replaced literally, so a brace a supervisor typed elsewhere in a
    template stays as typed instead of breaking the run. A letter that charges no fee
    (none at its level, or a customer outside the accounting currency) leaves out the
    sentences that name ``{fee}``: "a fee of 0.00 has been added" would not be true.
    """
    text = template if fee_charged else without_fee_sentences(template)
    for key, value in (
        ("{customer}", customer),
        ("{total}", total_due),
        ("{fee}", fee),
        ("{company}", company),
        ("{items}", items),  # last: item texts are never read as placeholders
    ):
        text = text.replace(key, value)
    return text


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def without_fee_sentences(template: str) -> str:
    """``template`` without the sentences that name ``{fee}`` (a line left empty goes too)."""
    lines = []
    for line in template.split("\n"):
        if "{fee}" not in line:
            lines.append(line)
            continue
        kept = [part for part in _SENTENCE_END.split(line) if "{fee}" not in part]
        if kept:
            lines.append(" ".join(kept))
        elif lines and lines[-1] == "":
            lines.pop()  # the paragraph is gone: so is the blank line before it
    return "\n".join(lines)


def customer_formats(language: str) -> Formats:
    """The formats a letter to a customer speaking ``language`` is written in."""
    return Formats.for_locale(language or "en")


def letter_language(
    customer_language: str | None,
    company_language: str,
    written: Collection[str] | None = None,
) -> str:
    """The language a letter is written in, wholly: the customer's when we write in it and
    the level's text exists in it (``written``: the languages of its template besides
    the company's; None: every language), else the company's."""
    base = (customer_language or "").split("_")[0].split("-")[0].lower()
    if base not in LANGUAGES or base == company_language:
        return company_language
    if written is not None and base not in written:
        return company_language
    return base


def stored_language(text: str, lines: Sequence[ItemLine], candidates: Iterable[str]) -> str | None:
    """The language of a stored letter text, found by its item list (written in the
    letter's language); None when the text names no item list."""
    if not lines:
        return None
    for language in dict.fromkeys(candidates):
        if items_text(lines, customer_formats(language), language) in text:
            return language
    return None


def usual_heading(level: int, levels: Collection[int], language: str) -> str:
    """The heading of a level that has none of its own, in ``language``, by the level's
    place among the sequence's ``levels``: the first is a payment reminder, the second a
    second reminder, the last (of several) the final notice, any other a further one."""
    ordered = sorted(set(levels) | {level})
    place = ordered.index(level) + 1
    if len(ordered) > 1 and level == ordered[-1]:
        key = "final"
    else:
        key = {1: "first", 2: "second"}.get(place, "further")
    texts = LETTER_HEADINGS[key]
    return texts.get(base_language(language), texts["en"])
