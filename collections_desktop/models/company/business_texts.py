"""The built-in business texts in every language: aging period labels, letter level names
and templates, write-off reasons, as ``seed_reference_data`` and ``create_company`` write them.

A built-in row is recognised by its own text: while it is still one of the texts the app
wrote (in any language), it is the app's, and gets its texts in the other languages from
the message catalogues; its own column is put into the company's language if it was
written in another one (a company seeded under another interface language). A row whose
text a supervisor changed is theirs and left alone, and so is any text already stored for
a language (edited or removed on purpose): running this again adds only what is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import translate_into
from collections_desktop.models.company.reference import LETTER_TEMPLATES, WRITE_OFF_REASONS
from collections_desktop.models.company.setup import DEFAULT_AGING_PERIODS
from collections_desktop.models.db.schema import (
    AgingPeriod,
    BusinessText,
    LetterLevel,
    WriteOffReason,
)
from collections_desktop.models.texts.business import LANGUAGES, company_language, save_texts

BUILT_IN: tuple[tuple[Any, str, str, tuple[str, ...]], ...] = (
    (
        AgingPeriod,
        "aging_periods",
        "label",
        tuple(label for label, _low, _high in DEFAULT_AGING_PERIODS),
    ),
    (LetterLevel, "letter_levels", "name", tuple(level[1] for level in LETTER_TEMPLATES)),
    (LetterLevel, "letter_levels", "template", tuple(level[5] for level in LETTER_TEMPLATES)),
    (
        WriteOffReason,
        "write_off_reasons",
        "description",
        tuple(description for _code, description in WRITE_OFF_REASONS),
    ),
)
"""(mapped class, table, field, the English source texts) of each built-in business text."""


def built_in_source(text: str, sources: Iterable[str]) -> str | None:
    """The English source of ``text`` when it is one of ``sources`` in any language."""
    for source in sources:
        if any(text == translate_into(language, source) for language in LANGUAGES):
            return source
    return None


def complete_business_texts(session: Session, now: dt.datetime) -> int:
    """Give every built-in row its texts in the four languages; how many texts were added.

    The company's language is the row's own column; the others are ``business_texts``.
    """
    company = company_language(session)
    added = 0
    for mapped, table, field, sources in BUILT_IN:
        rows: Sequence[Any] = session.scalars(
            select(mapped).where(mapped.deleted_at.is_(None)).order_by(mapped.id)
        ).all()
        for row in rows:
            source = built_in_source(getattr(row, field), sources)
            if source is None:
                continue
            own = translate_into(company, source)
            if getattr(row, field) != own:
                setattr(row, field, own)
                row.updated_at, row.version = now, row.version + 1
            stored = set(
                session.scalars(
                    select(BusinessText.language).where(
                        BusinessText.table_name == table,
                        BusinessText.row_id == row.id,
                        BusinessText.field == field,
                    )
                )
            )
            missing = {
                language: translate_into(language, source)
                for language in LANGUAGES
                if language != company and language not in stored
            }
            if missing:
                save_texts(session, table, row.id, field, missing, now=now)
                added += len(missing)
    session.flush()
    return added
