"""Activity categories: what kind of work an activity is (a call, a promise, a dispute…).

An activity keeps its category's code, so a category that activities use keeps its
code and is not deleted: it is made inactive instead, and the activity dialog no longer
offers it. The name is a business text: the row holds the company's language, the
other languages are kept beside it and shown to a user working in them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, current_language, ngettext
from collections_desktop.models.casework.categories import FOLLOW_UP
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import Activity, ActivityCategory
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
TABLE, FIELD = "activity_categories", "name"


@dataclass(frozen=True)
class ActivityCategoryRow:
    """An activity category as the set-up lists it, with how many activities use it."""

    id: uuid.UUID
    code: str
    name: str
    """In the company's language."""
    shown: str
    """In the reader's language (the company's when none is kept)."""
    active: bool
    activities: int
    translations: Mapping[str, str]
    """The other languages' names by language (empty: none kept)."""
    version: int


@dataclass(frozen=True)
class ActivityCategoryValues:
    """What the form holds for one category."""

    code: str
    name: str
    active: bool = True
    translations: Mapping[str, str] = field(default_factory=dict)


def list_activity_categories(
    session: Session, language: str | None = None
) -> list[ActivityCategoryRow]:
    """The live categories by code, each with its names and its number of activities."""
    language = language or current_language()
    own = company_language(session)
    shown = texts_in(session, TABLE, FIELD, language) if language != own else {}
    used = dict(  # one pass over the activities (their category has no index)
        session.execute(
            select(Activity.category, func.count())
            .where(Activity.deleted_at.is_(None), Activity.category.isnot(None))
            .group_by(Activity.category)
        ).all()
    )
    rows = session.execute(
        select(
            ActivityCategory.id,
            ActivityCategory.code,
            ActivityCategory.name,
            ActivityCategory.active,
            ActivityCategory.version,
        )
        .where(ActivityCategory.deleted_at.is_(None))
        .order_by(ActivityCategory.code)
    ).all()
    translated = {
        other: texts_in(session, TABLE, FIELD, other) for other in LANGUAGES if other != own
    }
    return [
        ActivityCategoryRow(
            id=row.id,
            code=row.code,
            name=row.name,
            shown=shown.get(row.id) or row.name,
            active=bool(row.active),
            activities=used.get(row.code, 0),
            translations={other: texts.get(row.id, "") for other, texts in translated.items()},
            version=row.version,
        )
        for row in rows
    ]


def save_activity_category(
    session: Session,
    category_id: uuid.UUID | None,
    version: int,
    values: ActivityCategoryValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Add a category (``category_id`` None) or change one read at ``version``, with its
    names in the other languages."""
    require_administrator(session, by)
    code = checked_code(values.code)
    name = required_text(values.name, _("Name"), max_length=NAME_LENGTH)
    own = company_language(session)
    translations = checked_translations(values.translations, own, _("Name"), max_length=NAME_LENGTH)
    if live_clash(session, ActivityCategory.code, code, category_id):
        raise SetupError(_("There is already an activity category {code}.").format(code=code))
    if category_id is None:
        category = tombstoned(session, ActivityCategory, ActivityCategory.code, code)
        if category is None:
            category = ActivityCategory(code=code, name=name, active=values.active, updated_at=now)
            session.add(category)
            session.flush()
        else:  # the code of a deleted category: it comes back with the new values
            category.name, category.active, category.deleted_at = name, values.active, None
            category.updated_at, category.version = now, category.version + 1
            session.flush()
    else:
        category = _category(session, category_id)
        if code != category.code:
            _refuse_code_change(session, category)
        update_versioned(
            session,
            category,
            version,
            now=now,
            what=_("Activity category {code}").format(code=category.code),
            code=code,
            name=name,
            active=values.active,
        )
    save_texts(session, TABLE, category.id, FIELD, translations, now=now)
    return category.id


def delete_activity_category(
    session: Session,
    category_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove a category no activity uses (a tombstone, its texts with it)."""
    require_administrator(session, by)
    category = _category(session, category_id)
    if category.code == FOLLOW_UP:
        raise SetupError(
            _(
                "{code} cannot be deleted: the app gives it to the follow-up tasks of broken "
                "promises. Clear Active instead."
            ).format(code=category.code)
        )
    used = _activity_count(session, category.code)
    if used:
        raise SetupError(
            ngettext(
                "{code} cannot be deleted: {count} activity uses it. Clear Active instead, "
                "so it is no longer offered.",
                "{code} cannot be deleted: {count} activities use it. Clear Active instead, "
                "so it is no longer offered.",
                used,
            ).format(code=category.code, count=used)
        )
    update_versioned(
        session,
        category,
        version,
        now=now,
        what=_("Activity category {code}").format(code=category.code),
        deleted_at=now,
    )
    texts = all_texts(session, TABLE, category.id, FIELD)
    save_texts(session, TABLE, category.id, FIELD, dict.fromkeys(texts, ""), now=now)


def _refuse_code_change(session: Session, category: ActivityCategory) -> None:
    if category.code == FOLLOW_UP:
        raise SetupError(
            _(
                "The code of {code} cannot change: the app gives it to the follow-up tasks "
                "of broken promises."
            ).format(code=category.code)
        )
    used = _activity_count(session, category.code)
    if used:
        raise SetupError(
            ngettext(
                "The code of {code} cannot change: {count} activity uses it.",
                "The code of {code} cannot change: {count} activities use it.",
                used,
            ).format(code=category.code, count=used)
        )


def _category(session: Session, category_id: uuid.UUID) -> ActivityCategory:
    category = session.get(ActivityCategory, category_id)
    if category is None or category.deleted_at is not None:
        raise SetupError(_("That activity category no longer exists: reload the list."))
    return category


def _activity_count(session: Session, code: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(Activity.category == code, Activity.deleted_at.is_(None))
        )
        or 0
    )
