"""Results of records: what came of a call or an action (reached, no answer, promised…).

A record keeps its result's code (``Activity.result``), so a result that records use
keeps its code and is not deleted: it is made inactive instead, and the record dialog
no longer offers it. The name is a business text: the row holds the company's language,
the other languages are kept beside it and shown to a user working in them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, current_language, ngettext
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import Activity, RecordResult
from collections_desktop.models.setup.fields import (
    SetupError,
    require_administrator,
    required_text,
)
from collections_desktop.models.setup.reference_fields import (
    checked_code,
    checked_translations,
    live_clash,
    tombstoned,
)
from collections_desktop.models.texts.business import (
    LANGUAGES,
    all_texts,
    company_language,
    save_texts,
    texts_in,
)

NAME_LENGTH = 100
TABLE, FIELD = "record_results", "name"


@dataclass(frozen=True)
class RecordResultRow:
    """A result as the set-up lists it, with how many records have it."""

    id: uuid.UUID
    code: str
    name: str
    """In the company's language."""
    shown: str
    """In the reader's language (the company's when none is kept)."""
    active: bool
    records: int
    translations: Mapping[str, str]
    """The other languages' names by language (empty: none kept)."""
    version: int


@dataclass(frozen=True)
class RecordResultValues:
    """What the form holds for one result."""

    code: str
    name: str
    active: bool = True
    translations: Mapping[str, str] = field(default_factory=dict)


def list_record_results(session: Session, language: str | None = None) -> list[RecordResultRow]:
    """The live results by code, each with its names and its number of records."""
    language = language or current_language()
    own = company_language(session)
    shown = texts_in(session, TABLE, FIELD, language) if language != own else {}
    used = dict(  # one pass over the activities (their result has no index)
        session.execute(
            select(Activity.result, func.count())
            .where(Activity.deleted_at.is_(None), Activity.result.isnot(None))
            .group_by(Activity.result)
        ).all()
    )
    rows = session.execute(
        select(
            RecordResult.id,
            RecordResult.code,
            RecordResult.name,
            RecordResult.active,
            RecordResult.version,
        )
        .where(RecordResult.deleted_at.is_(None))
        .order_by(RecordResult.code)
    ).all()
    translated = {
        other: texts_in(session, TABLE, FIELD, other) for other in LANGUAGES if other != own
    }
    return [
        RecordResultRow(
            id=row.id,
            code=row.code,
            name=row.name,
            shown=shown.get(row.id) or row.name,
            active=bool(row.active),
            records=used.get(row.code, 0),
            translations={other: texts.get(row.id, "") for other, texts in translated.items()},
            version=row.version,
        )
        for row in rows
    ]


def save_record_result(
    session: Session,
    result_id: uuid.UUID | None,
    version: int,
    values: RecordResultValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Add a result (``result_id`` None) or change one read at ``version``, with its
    names in the other languages."""
    require_administrator(session, by)
    code = checked_code(values.code)
    name = required_text(values.name, _("Name"), max_length=NAME_LENGTH)
    own = company_language(session)
    translations = checked_translations(values.translations, own, _("Name"), max_length=NAME_LENGTH)
    if live_clash(session, RecordResult.code, code, result_id):
        raise SetupError(_("There is already a result {code}.").format(code=code))
    if result_id is None:
        result = tombstoned(session, RecordResult, RecordResult.code, code)
        if result is None:
            result = RecordResult(code=code, name=name, active=values.active, updated_at=now)
            session.add(result)
            session.flush()
        else:  # the code of a deleted result: it comes back with the new values
            result.name, result.active, result.deleted_at = name, values.active, None
            result.updated_at, result.version = now, result.version + 1
            session.flush()
    else:
        result = _result(session, result_id)
        if code != result.code:
            _refuse_code_change(session, result)
        update_versioned(
            session,
            result,
            version,
            now=now,
            what=_("Result {code}").format(code=result.code),
            code=code,
            name=name,
            active=values.active,
        )
    save_texts(session, TABLE, result.id, FIELD, translations, now=now)
    return result.id


def delete_record_result(
    session: Session,
    result_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove a result no record has (a tombstone, its texts with it)."""
    require_administrator(session, by)
    result = _result(session, result_id)
    used = _record_count(session, result.code)
    if used:
        raise SetupError(
            ngettext(
                "{code} cannot be deleted: {count} record has it. Clear Active instead, "
                "so it is no longer offered.",
                "{code} cannot be deleted: {count} records have it. Clear Active instead, "
                "so it is no longer offered.",
                used,
            ).format(code=result.code, count=used)
        )
    update_versioned(
        session,
        result,
        version,
        now=now,
        what=_("Result {code}").format(code=result.code),
        deleted_at=now,
    )
    texts = all_texts(session, TABLE, result.id, FIELD)
    save_texts(session, TABLE, result.id, FIELD, dict.fromkeys(texts, ""), now=now)


def _refuse_code_change(session: Session, result: RecordResult) -> None:
    used = _record_count(session, result.code)
    if used:
        raise SetupError(
            ngettext(
                "The code of {code} cannot change: {count} record has it.",
                "The code of {code} cannot change: {count} records have it.",
                used,
            ).format(code=result.code, count=used)
        )


def _result(session: Session, result_id: uuid.UUID) -> RecordResult:
    result = session.get(RecordResult, result_id)
    if result is None or result.deleted_at is not None:
        raise SetupError(_("That result no longer exists: reload the list."))
    return result


def _record_count(session: Session, code: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(Activity.result == code, Activity.deleted_at.is_(None))
        )
        or 0
    )
