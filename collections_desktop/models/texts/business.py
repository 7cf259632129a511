"""Business texts per language: the texts a company shows or prints (aging period labels,
letter level names, headings and templates, write-off reasons, activity categories).

A row's own column holds the text in the company's language
(``ReceivablesParameters.language``); ``business_texts`` holds the other languages, one
row per (table, row, field, language). A reader asks for a language and falls back to the
row's own text when that language has none.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.schema import (
    ActivityCategory,
    AgingPeriod,
    BusinessText,
    LetterLevel,
    ReceivablesParameters,
    RecordResult,
    WriteOffReason,
)

LANGUAGES = ("en", "es", "fr", "pt")
"""The languages business texts are kept in (the app's interface languages)."""

TRANSLATED = frozenset(
    {
        ("aging_periods", "label"),
        ("letter_levels", "name"),
        ("letter_levels", "heading"),
        ("letter_levels", "template"),
        ("write_off_reasons", "description"),
        ("activity_categories", "name"),
        ("record_results", "name"),
    }
)
"""The (table, field) pairs kept per language."""


OwnRow = AgingPeriod | LetterLevel | WriteOffReason | ActivityCategory | RecordResult

OWN_ROWS: dict[str, type[OwnRow]] = {
    "aging_periods": AgingPeriod,
    "letter_levels": LetterLevel,
    "write_off_reasons": WriteOffReason,
    "activity_categories": ActivityCategory,
    "record_results": RecordResult,
}
"""The mapped class of each table with texts kept per language."""


def company_language(session: Session) -> str:
    """The language the rows' own columns are written in."""
    language = session.scalar(
        select(ReceivablesParameters.language).where(ReceivablesParameters.deleted_at.is_(None))
    )
    return language or "en"


def texts_in(session: Session, table: str, field: str, language: str) -> dict[uuid.UUID, str]:
    """Every stored ``language`` text of ``table.field``, by row (rows without one absent)."""
    _check(table, field)
    rows = session.execute(
        select(BusinessText.row_id, BusinessText.text).where(
            BusinessText.table_name == table,
            BusinessText.field == field,
            BusinessText.language == language,
            BusinessText.deleted_at.is_(None),
        )
    )
    return {row_id: text for row_id, text in rows}


def text_in(
    session: Session, table: str, row_id: uuid.UUID, field: str, language: str, default: str
) -> str:
    """The ``language`` text of one row's field, else ``default`` (the row's own text)."""
    _check(table, field)
    found = session.scalar(
        select(BusinessText.text).where(
            BusinessText.table_name == table,
            BusinessText.row_id == row_id,
            BusinessText.field == field,
            BusinessText.language == language,
            BusinessText.deleted_at.is_(None),
        )
    )
    return found if found else default


def all_texts(session: Session, table: str, row_id: uuid.UUID, field: str) -> dict[str, str]:
    """The stored texts of one row's field by language (the company language not among them)."""
    _check(table, field)
    rows = session.execute(
        select(BusinessText.language, BusinessText.text).where(
            BusinessText.table_name == table,
            BusinessText.row_id == row_id,
            BusinessText.field == field,
            BusinessText.deleted_at.is_(None),
        )
    )
    return {language: text for language, text in rows}


def save_texts(
    session: Session,
    table: str,
    row_id: uuid.UUID,
    field: str,
    texts: dict[str, str],
    *,
    now: dt.datetime,
) -> None:
    """Store ``texts`` (language -> text) for one row's field; an empty text removes one."""
    _check(table, field)
    stored = {
        text.language: text
        for text in session.scalars(
            select(BusinessText).where(
                BusinessText.table_name == table,
                BusinessText.row_id == row_id,
                BusinessText.field == field,
            )
        )
    }
    for language, value in texts.items():
        value = value.strip()
        row = stored.get(language)
        if row is None:
            if value:
                session.add(
                    BusinessText(
                        table_name=table,
                        row_id=row_id,
                        field=field,
                        language=language,
                        text=value,
                        updated_at=now,
                    )
                )
            continue
        live = row.deleted_at is None
        if value and (not live or row.text != value):
            row.text, row.deleted_at = value, None
        elif not value and live:
            row.deleted_at = now
        else:
            continue
        row.updated_at, row.version = now, row.version + 1


def _check(table: str, field: str) -> None:
    if (table, field) not in TRANSLATED:
        raise ValueError(f"{table}.{field} is not a business text kept per language")


class TextLanguageError(ValueError):
    """A text that cannot become a row's own text (it is longer than the column allows)."""


def switch_company_language(session: Session, old: str, new: str, *, now: dt.datetime) -> None:
    """Make ``new`` the language of the rows' own columns, in the caller's transaction.

    Each live row's own text (written in ``old``) is kept as its ``old`` business text;
    its ``new`` text, when there is one, becomes the own text and leaves
    ``business_texts`` (which holds only the other languages). A row without a ``new``
    text keeps its own text, the one every language falls back to. The caller records
    ``new`` as the company language.
    """
    if old == new:
        return
    for table, field in sorted(TRANSLATED):
        mapped = OWN_ROWS[table]
        limit = getattr(mapped.__table__.c[field].type, "length", None)
        replacements = texts_in(session, table, field, new)
        rows = cast(
            "Sequence[OwnRow]",
            session.scalars(select(mapped).where(mapped.deleted_at.is_(None))).all(),
        )
        for row in rows:
            own: str = getattr(row, field)
            save_texts(session, table, row.id, field, {old: own, new: ""}, now=now)
            replacement = replacements.get(row.id)
            if not replacement or replacement == own:
                continue
            if limit is not None and len(replacement) > limit:
                raise TextLanguageError(
                    _(
                        "The {language} text “{text}” is longer than {count} characters and "
                        "cannot become the company's own text; shorten it first."
                    ).format(language=new, text=replacement, count=limit)
                )
            setattr(row, field, replacement)
            row.version, row.updated_at = row.version + 1, now
    session.flush()
