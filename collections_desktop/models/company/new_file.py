"""A new company, written whole or not at all, and its first user.

A new SQLite file is written as ``NAME.partial`` beside its name and moved into place
(``os.replace``) once its one transaction is committed, so a killed or refused creation
never leaves an empty database under the name that every later start would open. The
demo writes its files the same way (``write_new_file``). An existing file without a
company (an earlier version's leftover) and a PostgreSQL database are filled in place,
in one transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import LANGUAGES, _
from collections_desktop.kernel.clock import Clock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import CURRENCIES, CompanyError, create_company
from collections_desktop.models.db.database import Database, normalise_url
from collections_desktop.models.db.schema import ReceivablesParameters
from collections_desktop.models.db.writing import LEDGER, write_transaction
from collections_desktop.models.people.users import add_first_user
from collections_desktop.models.texts.business import switch_company_language

T = TypeVar("T")

PARTIAL_SUFFIX = ".partial"


class NewFileError(ValueError):
    """Another process is writing the same new file, or made the file meanwhile."""


@dataclass(frozen=True)
class NewCompany:
    """What the first start (or File ▸ New company…) asks for a new company."""

    name: str
    currency: str
    country: str | None
    language: str
    user_name: str
    """The first user's name as people read it (e.g. "Ana Ruiz")."""
    login: str
    """The login the app works as (the user-name setting)."""


def check_new_company(details: NewCompany) -> None:
    """Refuse what cannot make a company, naming the field (nothing is opened yet)."""
    if not details.name.strip():
        raise CompanyError(_("Type the company's name."))
    if len(details.name.strip()) > 200:
        raise CompanyError(_("The company's name is longer than 200 characters."))
    if details.currency not in {code for code, _name, _decimals in CURRENCIES}:
        raise CompanyError(_("Unknown currency {code}.").format(code=details.currency))
    if details.country is not None and (len(details.country) != 2 or not details.country.isalpha()):
        raise CompanyError(
            _("The country is a two-letter code such as ES or US, not “{value}”.").format(
                value=details.country
            )
        )
    if details.language not in LANGUAGES:
        raise CompanyError(
            _("The language must be one of {languages}.").format(languages=", ".join(LANGUAGES))
        )
    if not details.user_name.strip():
        raise CompanyError(_("Type your name: you are the company's first user."))
    login = details.login.strip()
    if not login or len(login) > 100 or any(c.isspace() for c in login):
        raise CompanyError(_("Type your login: one word, as you log in to this computer."))


def set_up_company(session: Session, details: NewCompany, now: dt.datetime) -> uuid.UUID:
    """Make the empty database a company of ``details`` with its first user (an
    administrator); returns the user's employee id."""
    check_new_company(details)
    create_company(session, details.name.strip(), details.currency, now)
    parameters = session.scalars(select(ReceivablesParameters)).one()
    # The seeded rows' own texts are English until the company's language takes their place.
    switch_company_language(session, parameters.language, details.language, now=now)
    parameters.language = details.language
    parameters.country = details.country.upper() if details.country else None
    return add_first_user(session, details.user_name.strip(), details.login.strip(), now)


def create_company_database(url: str | Path, details: NewCompany, *, clock: Clock) -> str:
    """Create the company of ``details`` at ``url``; returns where it is (shown to the user).

    A new SQLite file appears only once complete (``write_new_file``); anything refused
    leaves nothing behind. A database that already holds a company is refused unchanged.
    """
    check_new_company(details)

    def write(database: Database) -> None:
        write_company(database, details, clock.now())

    path = sqlite_file(url)
    if path is not None and not path.exists():
        write_new_file(path, write, clock=clock)
        return str(path)
    database = open_company(url, clock=clock, create=True)
    try:
        write(database)
        return database.display_name
    finally:
        database.dispose()


def write_company(database: Database, details: NewCompany, now: dt.datetime) -> None:
    """Set up the open, empty ``database`` as the company of ``details`` (one transaction)."""
    with write_transaction(database, run=LEDGER, what=_("new company")) as session:
        set_up_company(session, details, now)


def sqlite_file(url: str | Path) -> Path | None:
    """The file of a SQLite ``url`` (a plain path is one), else None (a server)."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def partial_path(path: Path, suffix: str = PARTIAL_SUFFIX) -> Path:
    """Where the new file ``path`` is written until it is complete."""
    return path.with_name(f"{path.name}{suffix}")


def write_new_file(
    path: Path,
    write: Callable[[Database], T],
    *,
    clock: Clock,
    suffix: str = PARTIAL_SUFFIX,
    error: Callable[[str], Exception] = NewFileError,
) -> T:
    """Create ``path`` through ``write`` (given the new database), all or nothing.

    ``write`` fills ``partial_path(path, suffix)``; the finished file is flushed and moved
    to ``path``. A partial file a killed process left is started over; one another
    process is writing now is left alone and refused (``error`` makes the exception).
    Whatever fails removes the partial file.
    """
    partial = partial_path(path, suffix)
    _remove_stale_partial(partial, path, error)
    try:
        database = open_company(partial, clock=clock)
        try:
            result = write(database)
        finally:
            database.dispose()
        if path.exists():
            raise error(
                _(
                    "The database {where} was created by another program meanwhile; "
                    "it was not changed."
                ).format(where=path)
            )
        _sync(partial)
        os.replace(partial, path)
        _sync(path.parent)
    except BaseException:
        remove_sqlite_files(partial)
        raise
    return result


def remove_sqlite_files(path: Path) -> None:
    """Delete a SQLite file with its journal, WAL and shared-memory files."""
    for ending in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{ending}").unlink(missing_ok=True)


def _remove_stale_partial(partial: Path, path: Path, error: Callable[[str], Exception]) -> None:
    """Delete the partial file of a killed process; refuse one being written now."""
    if not partial.exists():
        return
    try:
        # The writer of a live file holds its write lock until it is complete.
        connection = sqlite3.connect(partial, timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        finally:
            connection.close()
    except sqlite3.OperationalError as failure:
        if "locked" in str(failure):
            raise error(
                _(
                    "A company is being written into {where} by another process right now "
                    "({partial}); nothing was changed."
                ).format(where=path, partial=partial.name)
            ) from failure
    except sqlite3.DatabaseError:
        pass  # not even a database: a file killed as it was created
    remove_sqlite_files(partial)


def _sync(path: Path) -> None:
    """Flush a file or a folder entry to disk (a folder only where the OS allows it)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; its renames are durable enough
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
