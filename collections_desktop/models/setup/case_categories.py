"""Case categories: the kinds of case a collector opens (collections, dispute, legal…).

Only categories of type "collections" are offered for collections cases; a category
that cases use keeps its code and cannot be deleted (the cases would lose their kind).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import CaseCategory, CollectionsCase
from collections_desktop.models.setup.fields import (
    SetupError,
    require_administrator,
    required_text,
)

CATEGORY_TYPES = (("collections", N_("Collections")), ("service", N_("Customer service")))
"""The types of case category (value, label marked for translation)."""


@dataclass(frozen=True)
class CaseCategoryRow:
    """A case category as the set-up shows it, with how many cases use it."""

    id: uuid.UUID
    code: str
    name: str
    type: str
    cases: int
    version: int


@dataclass(frozen=True)
class CaseCategoryValues:
    """What the form holds for one category."""

    code: str
    name: str
    type: str


def list_case_categories(session: Session) -> list[CaseCategoryRow]:
    """The live categories by code, each with the number of its cases."""
    cases = (
        select(func.count()).where(CollectionsCase.category_id == CaseCategory.id).scalar_subquery()
    )
    rows = session.execute(
        select(
            CaseCategory.id,
            CaseCategory.code,
            CaseCategory.name,
            CaseCategory.type,
            cases,
            CaseCategory.version,
        )
        .where(CaseCategory.deleted_at.is_(None))
        .order_by(CaseCategory.code)
    )
    return [CaseCategoryRow(*row) for row in rows]


def save_case_category(
    session: Session,
    category_id: uuid.UUID | None,
    version: int,
    values: CaseCategoryValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Add a category (``category_id`` None) or change one read at ``version``."""
    require_administrator(session, by)
    code = required_text(values.code, _("Code"), max_length=30).upper()
    name = required_text(values.name, _("Name"), max_length=100)
    if values.type not in {kind for kind, _label in CATEGORY_TYPES}:
        raise SetupError(_("Type must be one of the listed types."))
    clash = session.execute(
        select(CaseCategory.deleted_at).where(
            CaseCategory.code == code, CaseCategory.id != category_id
        )
    ).one_or_none()
    if clash is not None:
        raise SetupError(
            _("There is already a case category {code}.").format(code=code)
            if clash.deleted_at is None
            else _("{code} was the code of a deleted case category: choose another.").format(
                code=code
            )
        )
    if category_id is None:
        category = CaseCategory(code=code, name=name, type=values.type, updated_at=now)
        session.add(category)
        session.flush()
        return category.id
    category = _category(session, category_id)
    in_use = _case_count(session, category_id)
    if in_use and code != category.code:
        raise SetupError(
            ngettext(
                "The code of {code} cannot change: a case uses it.",
                "The code of {code} cannot change: {count} cases use it.",
                in_use,
            ).format(code=category.code, count=in_use)
        )
    update_versioned(
        session,
        category,
        version,
        now=now,
        what=_("Case category {code}").format(code=category.code),
        code=code,
        name=name,
        type=values.type,
    )
    return category_id


def delete_case_category(
    session: Session,
    category_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove a category no case uses (a tombstone, so a replica learns of it)."""
    require_administrator(session, by)
    category = _category(session, category_id)
    in_use = _case_count(session, category_id)
    if in_use:
        raise SetupError(
            ngettext(
                "{code} cannot be deleted: a case uses it.",
                "{code} cannot be deleted: {count} cases use it.",
                in_use,
            ).format(code=category.code, count=in_use)
        )
    update_versioned(
        session,
        category,
        version,
        now=now,
        what=_("Case category {code}").format(code=category.code),
        deleted_at=now,
    )


def category_types() -> Sequence[tuple[str, str]]:
    """The types a category may have: (value, label in the user's language)."""
    return [(kind, _(label)) for kind, label in CATEGORY_TYPES]


def _category(session: Session, category_id: uuid.UUID) -> CaseCategory:
    category = session.get(CaseCategory, category_id)
    if category is None or category.deleted_at is not None:
        raise SetupError(_("That case category no longer exists: reload the list."))
    return category


def _case_count(session: Session, category_id: uuid.UUID) -> int:
    return (
        session.scalar(select(func.count()).where(CollectionsCase.category_id == category_id)) or 0
    )
