"""Activity categories as the screens show them: names in the reader's language.

An activity keeps its category's code (``Activity.category``); the screens show the
category's name in the user's interface language (a business text), else in the
company's. An activity written before categories were set up keeps the free text it was
given, and that text is shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, and_, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from collections_desktop.i18n import current_language
from collections_desktop.models.db.schema import Activity, ActivityCategory, BusinessText

FOLLOW_UP = "FOLLOWUP"
"""The category of the tasks the app itself gives (a broken promise's follow-up)."""


@dataclass(frozen=True)
class CategoryChoice:
    """An activity category as the activity dialog offers it."""

    code: str
    name: str


def category_names(session: Session, language: str | None = None) -> dict[str, str]:
    """Every category's name by code, in ``language`` (default: the interface's)."""
    return {row.code: row.name for row in _named(session, language)}


def category_choices(
    session: Session, language: str | None = None, *, keep: str | None = None
) -> list[CategoryChoice]:
    """The active categories by name, for a new choice; ``keep`` (an activity's own
    category) is offered too when it is inactive or a free text from before."""
    rows = _named(session, language)
    choices = [
        CategoryChoice(row.code, row.name)
        for row in rows
        if row.deleted_at is None and (row.active or row.code == keep)
    ]
    if keep and all(choice.code != keep for choice in choices):
        names = {row.code: row.name for row in rows}
        choices.append(CategoryChoice(keep, names.get(keep, keep)))
    return sorted(choices, key=lambda choice: (choice.name.casefold(), choice.code))


def shown_category(
    session: Session, language: str | None = None
) -> ColumnElement[str | None] | InstrumentedAttribute[str | None]:
    """``Activity.category`` as shown: the category's name, else the stored text (label it).

    A CASE over the few categories (read once), so a list of thousands of activities
    neither joins nor runs a subquery per row, and its text filter matches the names.
    """
    names = category_names(session, language)
    if not names:
        return Activity.category
    return case(names, value=Activity.category, else_=Activity.category)


def _named(session: Session, language: str | None) -> list[Row[Any]]:
    """Every category (deleted ones too: activities may keep them) with its name in
    ``language``, in one statement."""
    text = aliased(BusinessText)
    return list(
        session.execute(
            select(
                ActivityCategory.code,
                func.coalesce(text.text, ActivityCategory.name).label("name"),
                ActivityCategory.active,
                ActivityCategory.deleted_at,
            ).outerjoin(
                text,
                and_(
                    text.table_name == "activity_categories",
                    text.row_id == ActivityCategory.id,
                    text.field == "name",
                    text.language == (language or current_language()),
                    text.deleted_at.is_(None),
                ),
            )
        )
    )
