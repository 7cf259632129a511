"""What a database error means for the user: damaged, full, read-only, missing, in words.

The engine (``database._make_engine``) passes every driver error through
``database_failure``, so a damaged page, a full disk or a read-only file reaches the CLI,
the GUI's open path and its page loads as one of the errors below, whose message names
the database and says that nothing was saved; "database is locked" and constraint
violations are left alone for ``writing.write_transaction``. ``describe`` is the last
resort for any other error that reaches the CLI or the app's open path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from collections_desktop.i18n import _
from collections_desktop.models.db.database import DatabaseOpenError

# SQLite's primary result codes (https://sqlite.org/rescode.html)
_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT = 3, 8, 10, 11
_SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 13, 14, 26
# PostgreSQL's SQLSTATEs
_PG_DISK_FULL, _PG_READ_ONLY = "53100", "25006"
_PG_CORRUPTED = ("XX001", "XX002")

NEARLY_FULL = 1024 * 1024
"""Free bytes under which an I/O error is taken for a full disk: SQLite reports a disk
that cannot even grow the ``-shm`` file as a plain I/O error (SQLITE_IOERR_SHMSIZE)."""


class MissingDatabaseError(DatabaseOpenError):
    """There is no database (no file, an empty file, no company) and the caller creates none."""


class ReadOnlyDatabaseError(DatabaseOpenError):
    """The database can be read but not written (file permissions, a read-only disk)."""


class DamagedDatabaseError(DatabaseOpenError):
    """The file is damaged: SQLite's integrity check or a query found a malformed page."""


class DiskFullError(DatabaseOpenError):
    """The disk (or the database's size limit) is full; the transaction was rolled back."""


def read_only_message(where: str) -> str:
    """The message of a write refused because the database is read-only."""
    return _(
        "The database {where} is read-only: it can be read but nothing can be written to it, "
        "so nothing was changed. Copy it to a folder where you may write, or ask for write "
        "access."
    ).format(where=where)


def damaged_message(where: str, detail: str) -> str:
    """The message of a damaged database; ``detail`` is SQLite's own first finding."""
    return _(
        "The database {where} is damaged ({detail}); nothing was written to it. "
        "Restore it from a backup copy."
    ).format(where=where, detail=detail)


def database_failure(error: BaseException, where: str) -> DatabaseOpenError | None:
    """The user's error for a driver error of the database ``where``, or None to leave it."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        primary = code & 0xFF
        if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return DamagedDatabaseError(damaged_message(where, str(error)))
        if primary == _SQLITE_FULL or (primary == _SQLITE_IOERR and _nearly_full(where)):
            return DiskFullError(_full_message(where))
        if primary == _SQLITE_READONLY:
            return ReadOnlyDatabaseError(read_only_message(where))
        if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN, _SQLITE_PERM):
            return DatabaseOpenError(
                _(
                    "The database {where} could not be read or written ({detail}); "
                    "nothing was saved. Check the disk or the network drive, then try again."
                ).format(where=where, detail=str(error))
            )
        return None
    state = getattr(error, "sqlstate", None)
    if state == _PG_DISK_FULL:
        return DiskFullError(_full_message(where))
    if state == _PG_READ_ONLY:
        return ReadOnlyDatabaseError(read_only_message(where))
    if state in _PG_CORRUPTED:
        return DamagedDatabaseError(damaged_message(where, str(error).strip()))
    return None


def describe(error: BaseException, where: str) -> str:
    """A message for any database error that reached the user (CLI or open path)."""
    if isinstance(error, DatabaseOpenError):
        return str(error)
    original = getattr(error, "orig", None) or error
    failure = database_failure(original, where)
    if failure is not None:
        return str(failure)
    reason = str(original).strip() or type(original).__name__
    return _("The database {where} reported an error: {reason}. Nothing was saved.").format(
        where=where, reason=reason
    )


def _nearly_full(where: str) -> bool:
    folder = Path(where).parent
    try:
        return folder.is_dir() and shutil.disk_usage(folder).free < NEARLY_FULL
    except OSError:
        return False


def _full_message(where: str) -> str:
    return _(
        "The disk holding the database {where} is full: nothing was saved (the whole "
        "transaction was undone). Free some space, then try again."
    ).format(where=where)
