"""Write-off reasons: why a debt is written off, and the ledger account it goes to.

A write-off journal keeps its reason's code, so a reason that write-offs used keeps its
code and is not deleted (the journals would name a reason nobody can look up). The
description is a business text: the row holds the company's language (it is what the
journal says), the other languages are shown to a user working in them. A reason without
its own account posts to the posting profile's write-off account, else the receivables
parameters' one.
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
from collections_desktop.models.db.schema import Journal, JournalType, WriteOffReason
from collections_desktop.models.setup.fields import SetupError, require_administrator, required_text
from collections_desktop.models.setup.reference_fields import (
    checked_account,
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

DESCRIPTION_LENGTH = 200
TABLE, FIELD = "write_off_reasons", "description"


@dataclass(frozen=True)
class WriteOffReasonRow:
    """A write-off reason as the set-up lists it, with how many write-offs used it."""

    id: uuid.UUID
    code: str
    description: str
    """In the company's language."""
    shown: str
    """In the reader's language (the company's when none is kept)."""
    ledger_account: str | None
    write_offs: int
    translations: Mapping[str, str]
    """The other languages' descriptions by language (empty: none kept)."""
    version: int


@dataclass(frozen=True)
class WriteOffReasonValues:
    """What the form holds for one reason."""

    code: str
    description: str
    ledger_account: str = ""
    translations: Mapping[str, str] = field(default_factory=dict)


def list_write_off_reasons(
    session: Session, language: str | None = None
) -> list[WriteOffReasonRow]:
    """The live reasons by code, with their descriptions and their number of write-offs."""
    language = language or current_language()
    own = company_language(session)
    shown = texts_in(session, TABLE, FIELD, language) if language != own else {}
    translated = {
        other: texts_in(session, TABLE, FIELD, other) for other in LANGUAGES if other != own
    }
    used = dict(  # one pass over the write-off journals
        session.execute(
            select(Journal.reason_code, func.count())
            .where(Journal.type == JournalType.WRITE_OFF, Journal.reason_code.isnot(None))
            .group_by(Journal.reason_code)
        ).all()
    )
    rows = session.execute(
        select(
            WriteOffReason.id,
            WriteOffReason.code,
            WriteOffReason.description,
            WriteOffReason.ledger_account,
            WriteOffReason.version,
        )
        .where(WriteOffReason.deleted_at.is_(None))
        .order_by(WriteOffReason.code)
    )
    return [
        WriteOffReasonRow(
            id=row.id,
            code=row.code,
            description=row.description,
            shown=shown.get(row.id) or row.description,
            ledger_account=row.ledger_account,
            write_offs=used.get(row.code, 0),
            translations={other: texts.get(row.id, "") for other, texts in translated.items()},
            version=row.version,
        )
        for row in rows
    ]


def save_write_off_reason(
    session: Session,
    reason_id: uuid.UUID | None,
    version: int,
    values: WriteOffReasonValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Add a reason (``reason_id`` None) or change one read at ``version``, with its
    descriptions in the other languages."""
    require_administrator(session, by)
    code = checked_code(values.code)
    description = required_text(values.description, _("Description"), max_length=DESCRIPTION_LENGTH)
    account = checked_account(values.ledger_account, _("Ledger account"), required=False)
    translations = checked_translations(
        values.translations,
        company_language(session),
        _("Description"),
        max_length=DESCRIPTION_LENGTH,
    )
    if live_clash(session, WriteOffReason.code, code, reason_id):
        raise SetupError(_("There is already a write-off reason {code}.").format(code=code))
    if reason_id is None:
        reason = tombstoned(session, WriteOffReason, WriteOffReason.code, code)
        if reason is None:
            reason = WriteOffReason(
                code=code, description=description, ledger_account=account, updated_at=now
            )
            session.add(reason)
        else:  # the code of a deleted reason: it comes back with the new values
            reason.description, reason.ledger_account = description, account
            reason.deleted_at, reason.updated_at = None, now
            reason.version += 1
        session.flush()
    else:
        reason = _reason(session, reason_id)
        if code != reason.code:
            used = _write_off_count(session, reason.code)
            if used:
                raise SetupError(
                    ngettext(
                        "The code of {code} cannot change: {count} write-off used it.",
                        "The code of {code} cannot change: {count} write-offs used it.",
                        used,
                    ).format(code=reason.code, count=used)
                )
        update_versioned(
            session,
            reason,
            version,
            now=now,
            what=_("Write-off reason {code}").format(code=reason.code),
            code=code,
            description=description,
            ledger_account=account,
        )
    save_texts(session, TABLE, reason.id, FIELD, translations, now=now)
    return reason.id


def delete_write_off_reason(
    session: Session,
    reason_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove a reason no write-off used (a tombstone, its texts with it)."""
    require_administrator(session, by)
    reason = _reason(session, reason_id)
    used = _write_off_count(session, reason.code)
    if used:
        raise SetupError(
            ngettext(
                "{code} cannot be deleted: {count} write-off used it.",
                "{code} cannot be deleted: {count} write-offs used it.",
                used,
            ).format(code=reason.code, count=used)
        )
    update_versioned(
        session,
        reason,
        version,
        now=now,
        what=_("Write-off reason {code}").format(code=reason.code),
        deleted_at=now,
    )
    texts = all_texts(session, TABLE, reason.id, FIELD)
    save_texts(session, TABLE, reason.id, FIELD, dict.fromkeys(texts, ""), now=now)


def _reason(session: Session, reason_id: uuid.UUID) -> WriteOffReason:
    reason = session.get(WriteOffReason, reason_id)
    if reason is None or reason.deleted_at is not None:
        raise SetupError(_("That write-off reason no longer exists: reload the list."))
    return reason


def _write_off_count(session: Session, code: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Journal.reason_code == code, Journal.type == JournalType.WRITE_OFF
            )
        )
        or 0
    )
