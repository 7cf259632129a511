"""Opening a company's database: the one way the entry points open one.

``models.db`` opens, creates and upgrades the database but imports nothing of the rules;
here the upgrade of a company made by an earlier version also gives it the set-up rows
later versions start with (``reference.seed_reference_data``), inside the upgrade's
transaction, so a database is never at the new schema without them. The caller's clock
dates those rows and the copy kept from before the upgrade.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from collections_desktop.kernel.clock import Clock
from collections_desktop.models.company.reference import seed_reference_data
from collections_desktop.models.company.setup import has_company
from collections_desktop.models.db.database import Database, open_database
from collections_desktop.models.sync.capture import is_replica, prepare_replica


def complete_reference_data(session: Session, now: dt.datetime) -> None:
    """Give a company made by an earlier version the set-up rows later versions start with.

    Not an offline replica: its set-up rows are the team database's, and come with a sync.
    """
    if has_company(session) and not is_replica(session):
        seed_reference_data(session, now)


def open_company(
    url: str | Path,
    *,
    clock: Clock,
    create: bool = True,
    wait_for_integrity_check: bool = True,
    password: str | None = None,
) -> Database:
    """Open (creating or upgrading as needed) the database at ``url``; see ``open_database``.

    An offline replica gets its capture triggers again (an upgrade may have dropped some)
    and the stamping of its commits (``models.sync.capture.prepare_replica``).
    """
    database = open_database(
        url,
        now=clock.now(),
        after_upgrade=complete_reference_data,
        create=create,
        wait_for_integrity_check=wait_for_integrity_check,
        password=password,
    )
    try:
        prepare_replica(database)
    except BaseException:
        database.dispose()
        raise
    return database
