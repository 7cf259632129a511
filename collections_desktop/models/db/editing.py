"""Edits of mutable rows over a copy the user read: refused when someone changed the row since.

A form shows a row at some ``version``; saving it updates the row only if it is still at
that version (one conditional UPDATE, so two processes saving at once cannot both win),
and bumps the version. The loser gets ``StaleEditError`` and a message to reload, never a
silent overwrite of the other person's change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.schema import Base


class StaleEditError(ValueError):
    """The row changed (or was deleted) since the copy being saved was read."""


def stale_message(what: str) -> str:
    return _(
        "{what} was changed by someone else since you opened it. Your changes were not "
        "saved: reload it and make them again."
    ).format(what=what)


def update_versioned(
    session: Session,
    row: Base,
    version: int,
    *,
    now: dt.datetime,
    what: str,
    **changes: Any,
) -> None:
    """Write ``changes`` to ``row`` if it is still at ``version``; bump version, updated_at.

    ``what`` names the row for the message ("Customer C-000001").
    """
    table = type(row)
    result = session.execute(
        update(table)
        .where(table.id == row.id, table.version == version, table.deleted_at.is_(None))  # type: ignore[attr-defined]
        .values(**changes, version=version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleEditError(stale_message(what))
    session.refresh(row)
