"""Business texts in the set-up forms: a text per language beside the row's own text.

A form shows the row's own text (in the company language) and one field per other
language; the texts are checked like the own text (length) before anything is saved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.setup.fields import SetupError, optional_text
from collections_desktop.models.texts.business import LANGUAGES, company_language, save_texts

LANGUAGE_NAMES = {
    "en": N_("English"),
    "es": N_("Spanish"),
    "fr": N_("French"),
    "pt": N_("Portuguese"),
}
"""The business-text languages by code (names marked for translation)."""


def language_name(language: str) -> str:
    """The name of ``language`` in the user's language (the code when unknown)."""
    name = LANGUAGE_NAMES.get(language)
    return _(name) if name else language


def in_language(label: str, language: str) -> str:
    """How a message names a field's text in ``language`` ("The name of level 1 in French")."""
    return _("{field} in {language}").format(field=label, language=language_name(language))


def other_languages(session: Session) -> tuple[str, ...]:
    """The languages a form offers a text in besides the company's."""
    own = company_language(session)
    return tuple(language for language in LANGUAGES if language != own)


def checked_texts(
    texts: Mapping[str, str], label: str, *, languages: tuple[str, ...], max_length: int
) -> dict[str, str]:
    """``texts`` stripped, each within ``max_length``, for every one of ``languages``: a
    language not given, or given an empty text, has none (a form holds all of them).

    A text in the company language means the form was read before the company language
    changed (its column now holds that language); a language we keep no texts in is a
    programming error, not a user's.
    """
    checked = dict.fromkeys(languages, "")
    for language, text in texts.items():
        if language in LANGUAGES and language not in languages:
            raise SetupError(
                _(
                    "The company language changed since this form was read: reload it and "
                    "make your changes again."
                )
            )
        if language not in languages:
            raise ValueError(f"no business text is kept in {language!r}")
        named = in_language(label, language)
        checked[language] = optional_text(text, label=named, max_length=max_length) or ""
    return checked


def store_texts(
    session: Session,
    table: str,
    row_id: uuid.UUID,
    field: str,
    texts: Mapping[str, str],
    *,
    now: dt.datetime,
) -> None:
    """Save checked ``texts`` of one row's field (an empty text removes that language's)."""
    if texts:
        save_texts(session, table, row_id, field, dict(texts), now=now)
