"""Opening a database: checks, backup, migrations, engine and session factory.

``open_database`` is the only way the app, the CLI and the tests reach a database.
It refuses a file that is not a SQLite database or that a newer version of the app
wrote (leaving it untouched), copies an older SQLite file aside before migrating it,
and brings a new one to the current schema through Alembic, never ``create_all``.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import glob
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from collections_desktop.i18n import _
from collections_desktop.models.db.writing import WAIT_SECONDS

if TYPE_CHECKING:
    from collections_desktop.models.db.integrity import IntegrityCheck

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseOpenError(Exception):
    """The database cannot be used; the message tells the user what is wrong and where."""


class NotADatabaseError(DatabaseOpenError):
    """The file exists but is not a SQLite database."""


class SchemaTooNewError(DatabaseOpenError):
    """The database was written by a newer version of the app."""


class UpgradeError(DatabaseOpenError):
    """Bringing an older database to the current schema failed; it was left as it was."""


@dataclass(frozen=True)
class Database:
    """An open database: its engine, a session factory and what opening it did."""

    url: URL
    engine: Engine
    sessions: sessionmaker[Session]
    created: bool
    backup: Path | None
    read_only: bool = False
    """The file was opened read-only (its permissions or its disk allow no writing)."""
    integrity: IntegrityCheck | None = None
    """The background integrity check of an existing SQLite file (``models.db.integrity``)."""

    def writes(self) -> Session:
        """A session whose transaction writes: on SQLite it begins with ``BEGIN IMMEDIATE``,
        so it holds the write lock before it reads what it decides on.

        Use it through ``models.db.writing.write_transaction``, which also takes the
        PostgreSQL locks and turns a long wait into a message.
        """
        return Session(self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False)

    @property
    def display_name(self) -> str:
        """The file path or server/database name, without any password."""
        if self.url.get_backend_name() == "sqlite":
            return self.url.database or ":memory:"
        return self.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        """Close every pooled connection (before deleting or copying the file)."""
        if self.integrity is not None:
            self.integrity.stop()
        self.engine.dispose()


def sqlite_url(path: Path | str) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path)}"


def normalise_url(url: str | Path) -> URL:
    """Accept a URL or a plain file path; PostgreSQL URLs use the psycopg 3 driver."""
    text = str(url)
    if "://" not in text:
        return make_url(sqlite_url(Path(text).expanduser().resolve()))
    parsed = make_url(text)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def head_revision() -> str:
    """The newest schema revision this version of the app knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


AfterUpgrade = Callable[[Session, dt.datetime], None]
"""Rows an existing database is given inside its upgrade's transaction (see ``_upgrade``)."""


def open_database(
    url: str | Path,
    *,
    now: dt.datetime,
    after_upgrade: AfterUpgrade | None = None,
    create: bool = True,
    wait_for_integrity_check: bool = True,
    password: str | None = None,
) -> Database:
    """Open (creating or migrating as needed) the database at ``url``.

    Raises ``DatabaseOpenError`` with a message for the user when the target is not
    a database, is newer than this app, or cannot be reached. With ``create=False``
    (every caller but ``new-company``, ``demo`` and the first start) a missing or empty
    file, or a database without a company, is refused (``MissingDatabaseError``) instead
    of becoming a new empty database. A SQLite file that this user may not write is
    opened read-only (``Database.read_only``; writes are refused with a message). An
    existing SQLite file gets a background integrity check that stops writes when it
    finds damage; ``wait_for_integrity_check`` makes each commit wait for its verdict
    (see ``models.db.integrity``).

    ``now`` (the caller's clock) names the copy made before an upgrade; ``after_upgrade``
    runs in the upgrade's transaction when an existing database was upgraded, so what it
    writes is there exactly when the new schema is (``models.company.opening`` gives an
    older company its reference data so); this layer imports nothing of the rules.
    A server's ``password`` goes to the driver beside the URL, never into it.
    """
    parsed = normalise_url(url)
    path = _sqlite_path(parsed)
    mode = _check_sqlite_file(path, create=create) if path is not None else None
    engine = _make_engine(parsed, mode, password)
    try:
        current = _current_revision(engine)
    except DatabaseOpenError:
        engine.dispose()
        raise
    except (DatabaseError, OperationalError) as error:
        engine.dispose()
        raise DatabaseOpenError(
            _("Cannot open the database {where}: {reason}").format(
                where=_where(parsed), reason=getattr(error, "orig", error)
            )
        ) from error
    known = {
        rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()
    }
    if current is not None and current not in known:
        engine.dispose()
        raise SchemaTooNewError(
            _(
                "The database {where} was written by a newer version of Collections Desktop "
                "(schema {revision}). Install the newer version to open it; "
                "the file was not changed."
            ).format(where=_where(parsed), revision=current)
        )
    if current is None and _has_tables(engine):
        engine.dispose()
        raise DatabaseOpenError(
            _(
                "The database {where} holds tables that are not a Collections Desktop company; "
                "it was not changed."
            ).format(where=_where(parsed))
        )
    try:
        if not create:
            _refuse_without_company(engine, parsed, current)
        _refuse_unwritable_upgrade(parsed, current, read_only=mode in _READ_ONLY_MODES)
        _refuse_mislabelled(engine, parsed, current)
    except DatabaseOpenError:
        engine.dispose()
        raise
    backup = None
    head = head_revision()
    if current != head:
        if current is not None and path is not None:
            engine.dispose()
            backup = _backup(path, current, now)
        _upgrade(
            engine,
            current,
            now=now,
            where=_where(parsed),
            backup=backup,
            after_upgrade=after_upgrade,
        )
    if path is not None and mode not in _READ_ONLY_MODES:
        # WAL lets the GUI read while a worker writes; it is stored in the file, so it is
        # only switched on once the file is known to be ours (a refused file stays as it was).
        # It cannot change inside a transaction: run it on the driver's connection directly.
        with engine.connect() as connection:
            driver = cast(sqlite3.Connection, connection.connection.driver_connection)  # a file
            driver.execute("PRAGMA journal_mode = WAL")
    integrity = None
    if path is not None and current is not None and mode not in _READ_ONLY_MODES:
        integrity = _watch_integrity(engine, path, wait=wait_for_integrity_check)
    return Database(
        url=parsed,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        created=current is None,
        backup=backup,
        read_only=mode in _READ_ONLY_MODES,
        integrity=integrity,
    )


def _sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _where(url: URL) -> str:
    path = _sqlite_path(url)
    return str(path) if path else url.render_as_string(hide_password=True)


_READ_ONLY_MODES = ("ro", "immutable")


def _check_sqlite_file(path: Path, *, create: bool = True) -> str:
    """Refuse what is not a database file; return how to open it (SQLite's URI mode).

    ``rwc`` may create the file, ``rw`` may not (a file deleted while the app runs is not
    silently made again), ``ro`` reads a file this user may not write, and ``immutable``
    reads one without touching anything beside it when no write-ahead log exists: a
    read-only connection to a WAL file would otherwise leave ``-wal``/``-shm`` files
    behind, or, on a read-only disk, not open at all.
    """
    from collections_desktop.models.db.failures import MissingDatabaseError

    if path.is_dir():
        raise NotADatabaseError(_("{path} is a folder, not a database file.").format(path=path))
    if not path.exists():
        if not path.parent.is_dir():
            raise DatabaseOpenError(
                _("The folder {folder} does not exist.").format(folder=path.parent)
            )
        if not create:
            raise MissingDatabaseError(
                _(
                    "There is no database at {path}; nothing was created. Check the path, or "
                    "create a company there with new-company or demo."
                ).format(path=path)
            )
        return "rwc"
    with path.open("rb") as handle:
        header = handle.read(len(_SQLITE_HEADER))
    if not header and not create:
        raise MissingDatabaseError(
            _(
                "{path} is an empty file, not a Collections Desktop database; it was not changed."
            ).format(path=path)
        )
    if header and header != _SQLITE_HEADER:
        raise NotADatabaseError(
            _(
                "{path} is not a Collections Desktop database (not a SQLite file); "
                "it was not changed."
            ).format(path=path)
        )
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return "ro" if Path(f"{path}-wal").exists() else "immutable"
    return "rwc" if create else "rw"


def _make_engine(url: URL, mode: str | None = None, password: str | None = None) -> Engine:
    if url.get_backend_name() == "sqlite":
        target = url
        path = _sqlite_path(url)
        if path is not None and mode is not None:
            query = {"uri": "true", "mode": "ro" if mode == "immutable" else mode}
            if mode == "immutable":
                query["immutable"] = "1"
            target = url.set(database=path.absolute().as_uri(), query=query)
        # A file gets SQLAlchemy's QueuePool without check_same_thread: each thread's
        # session reads on a connection of its own, and in WAL mode beside a writer
        # (tests/unit/test_concurrent_reads.py). Each connection gets the PRAGMAs and
        # the explicit BEGIN below; a long statement can be stopped (``db.interrupt``).
        engine = create_engine(target, connect_args={"timeout": WAIT_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        if mode in _READ_ONLY_MODES:
            event.listen(engine, "begin", _refuse_writes(_where(url)), insert=True)
    else:
        connect_args = {} if password is None else {"password": password}
        # a connection per session, pooled
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    event.listen(engine, "handle_error", _explain_errors(_where(url)))
    return engine


def _explain_errors(where: str) -> Callable[[ExceptionContext], DatabaseOpenError | None]:
    """Turn a damaged page, a full disk or a read-only file into the user's error."""

    def handle_error(context: ExceptionContext) -> DatabaseOpenError | None:
        from collections_desktop.models.db.failures import database_failure

        return database_failure(context.original_exception, where)

    return handle_error


def _refuse_writes(where: str) -> Callable[[Connection], None]:
    """Refuse a write transaction on a read-only file before any work is done."""

    def refuse(connection: Connection) -> None:
        if connection.get_execution_options().get("sqlite_immediate", False):
            from collections_desktop.models.db.failures import (
                ReadOnlyDatabaseError,
                read_only_message,
            )

            raise ReadOnlyDatabaseError(read_only_message(where))

    return refuse


def _watch_integrity(engine: Engine, path: Path, *, wait: bool) -> IntegrityCheck:
    """The file's integrity check, started by the first write transaction and consulted
    when each one begins and commits (``Database.writes``, the way every writer writes)."""
    from collections_desktop.models.db.integrity import IntegrityCheck

    check = IntegrityCheck(path, str(path), wait=wait)

    def writer(connection: Connection) -> bool:
        return bool(connection.get_execution_options().get("sqlite_immediate", False))

    def before_write(connection: Connection) -> None:
        if writer(connection):
            check.before_write()

    def before_commit(connection: Connection) -> None:
        if writer(connection):
            check.before_commit()

    event.listen(engine, "begin", before_write, insert=True)
    event.listen(engine, "commit", before_commit)
    return check


def _refuse_without_company(engine: Engine, url: URL, current: str | None) -> None:
    """Without ``create``, a database that holds no company is refused, not filled."""
    from collections_desktop.models.db.failures import MissingDatabaseError

    if current is None or not _holds_company(engine):
        raise MissingDatabaseError(
            _(
                "The database {where} holds no company; nothing was changed. Create one "
                "with new-company or demo, or open another database."
            ).format(where=_where(url))
        )


def _holds_company(engine: Engine) -> bool:
    with engine.connect() as connection:
        if not inspect(connection).has_table("receivables_parameters"):
            return False
        return bool(
            connection.exec_driver_sql("SELECT count(*) FROM receivables_parameters").scalar()
        )


def _refuse_unwritable_upgrade(url: URL, current: str | None, *, read_only: bool) -> None:
    """A read-only file cannot be upgraded (nor created): say so rather than fail midway."""
    from collections_desktop.models.db.failures import ReadOnlyDatabaseError, read_only_message

    if not read_only or current == head_revision():
        return
    if current is None:
        raise ReadOnlyDatabaseError(read_only_message(_where(url)))
    raise ReadOnlyDatabaseError(
        _(
            "The database {where} is read-only and was written by an earlier version "
            "(schema {revision}); it must be upgraded before this version can open it, "
            "which needs write access. It was not changed."
        ).format(where=_where(url), revision=current or "—")
    )


def _refuse_mislabelled(engine: Engine, url: URL, current: str | None) -> None:
    """Refuse a database whose tables are newer than its revision says (an upgrade that
    was interrupted half-way by an earlier version): upgrading it fails on the tables and
    columns that exist, and each attempt would make another backup copy. Refused before
    any backup."""
    if current is None or current == head_revision():
        return
    with engine.connect() as connection:
        present = _tables_and_columns(connection)
    extra = sorted(present - _tables_at(current) - {"alembic_version"})
    if not extra:
        return
    path = _sqlite_path(url)
    backups = (
        sorted(path.parent.glob(f"{path.stem}.schema-{current}.*.backup{path.suffix}"))
        if path is not None
        else []
    )
    # A new table's columns go with it; tables first, then columns.
    extra = sorted(
        (name for name in extra if "." not in name or name.split(".")[0] not in extra),
        key=lambda name: ("." in name, name),
    )
    shown = ", ".join(extra[:5]) + (", …" if len(extra) > 5 else "")
    message = _(
        "The database {where} says it is at schema {revision} but already holds tables or "
        "columns of a later schema ({tables}): an upgrade was interrupted. It was not "
        "changed and no backup copy was made."
    ).format(where=_where(url), revision=current, tables=shown)
    if backups:
        message += " " + _("Restore the copy made before that upgrade: {backup}").format(
            backup=backups[-1]
        )
    raise DatabaseOpenError(message)


def _tables_at(revision: str) -> set[str]:
    """The tables (``name``) and columns (``table.column``) a database has at ``revision``,
    from migrating an empty database in memory, once per revision."""
    if revision not in _TABLES_AT:
        engine = _make_engine(make_url("sqlite://"))
        try:
            config = _alembic_config()
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                _TABLES_AT[revision] = _tables_and_columns(connection)
        finally:
            engine.dispose()
    return _TABLES_AT[revision]


def _tables_and_columns(connection: Connection) -> set[str]:
    inspector = inspect(connection)
    found = set()
    for table in inspector.get_table_names():
        found.add(table)
        found.update(f"{table}.{column['name']}" for column in inspector.get_columns(table))
    return found


_TABLES_AT: dict[str, set[str]] = {}


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    """Foreign keys on and NORMAL sync (safe with WAL); both last one connection only.

    The driver's own transaction handling is switched off (``isolation_level = None``):
    it would begin a transaction only at the first write, after the reads a batch decides
    on, and commit before DDL. ``_sqlite_begin`` emits the BEGIN instead.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Begin every transaction explicitly: a writer's IMMEDIATE (it takes the write lock
    at once), a reader's deferred (a consistent view of the file beside a writer), and a
    migration's too, so an upgrade is one transaction, DDL included."""
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def _backup(path: Path, revision: str, now: dt.datetime) -> Path:
    """Copy the file aside before a migration touches it, once per upgrade.

    A failed or killed upgrade leaves the file as it was (the upgrade is one transaction),
    so the next attempt finds the copy it made and keeps it rather than making another.
    The copy is written under a temporary name and renamed when complete: a copy under
    the backup's name is always whole.
    """
    partial = path.with_name(f"{path.stem}.schema-{revision}.backup-partial{path.suffix}")
    for suffix in ("", "-wal"):  # left by a process killed while it copied
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    earlier = _same_backup(path, revision)
    if earlier is not None:
        return earlier
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.schema-{revision}.{stamp}.backup{path.suffix}")
    # The log first, the file last: the file's name says the copy is complete.
    for suffix in ("-wal", ""):
        source = Path(f"{path}{suffix}")
        Path(f"{target}{suffix}").unlink(missing_ok=True)
        if source.exists():
            shutil.copy2(source, Path(f"{partial}{suffix}"))
            os.replace(Path(f"{partial}{suffix}"), Path(f"{target}{suffix}"))
    return target


def _same_backup(path: Path, revision: str) -> Path | None:
    """An earlier copy of this revision holding exactly what the file holds now, if any."""
    pattern = f"{glob.escape(path.stem)}.schema-{glob.escape(revision)}.*.backup{path.suffix}"
    for candidate in sorted(path.parent.glob(pattern), reverse=True):
        if all(
            _same_bytes(Path(f"{path}{suffix}"), Path(f"{candidate}{suffix}"))
            for suffix in ("", "-wal")
        ):
            return candidate
    return None


def _same_bytes(first: Path, second: Path) -> bool:
    """Both missing, or both there with the same contents (compared, not judged by date)."""
    if not first.exists() or not second.exists():
        return not first.exists() and not second.exists()
    return filecmp.cmp(first, second, shallow=False)


def _run_after_upgrade(connection: Connection, now: dt.datetime, step: AfterUpgrade) -> None:
    """Run ``step`` on a session bound to the upgrade's connection (its transaction)."""
    session = Session(bind=connection)
    try:
        step(session, now)
        session.flush()
    finally:
        session.close()


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(
    engine: Engine,
    current: str | None,
    *,
    now: dt.datetime,
    where: str,
    backup: Path | None,
    after_upgrade: AfterUpgrade | None,
) -> None:
    """Bring the database to the head revision in ONE transaction, or leave it as it was.

    Every migration, Alembic's batch table copies, the ``alembic_version`` row and the
    rows ``after_upgrade`` gives an existing database run in the transaction ``_sqlite_begin`` opens
    (SQLite's DDL is transactional once the BEGIN is explicit); a failure or a killed
    process leaves the previous revision, with no table of the new one and no
    ``_alembic_tmp_*`` copy. On SQLite the foreign keys are off while the tables change,
    as SQLite's own procedure for changing a table asks (a batch operation drops and
    re-creates a table other tables refer to), and checked before the commit instead; the
    connection is then closed, not pooled.
    """
    config = _alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    try:
        # IMMEDIATE: a second process opening the same older file waits, then finds it
        # upgraded, instead of failing on a stale read of the schema.
        with engine.connect().execution_options(sqlite_immediate=True) as connection:
            if sqlite:
                _sqlite_foreign_keys_off(connection)
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    if sqlite:
                        _refuse_broken_references(connection)
                    if current is not None and after_upgrade is not None:
                        _run_after_upgrade(connection, now, after_upgrade)
            finally:
                if sqlite:  # never back in the pool with its foreign keys off
                    connection.invalidate()
    except Exception as error:
        engine.dispose()
        reason = getattr(error, "orig", None) or error
        if backup is not None:
            message = _(
                "The database {where} could not be upgraded from schema {revision} to "
                "{head}: {reason}. The upgrade was undone and the file was not changed; "
                "the copy made before the upgrade is {backup}."
            )
        else:
            message = _(
                "The database {where} could not be upgraded from schema {revision} to "
                "{head}: {reason}. The upgrade was undone and the database was not changed."
            )
        raise UpgradeError(
            message.format(
                where=where,
                revision=current or "-",
                head=head_revision(),
                reason=reason,
                backup=backup,
            )
        ) from error


def _sqlite_foreign_keys_off(connection: Connection) -> None:
    """SQLite ignores this inside a transaction: it runs on the driver's connection, before
    the BEGIN that SQLAlchemy's next statement emits."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys = OFF")


def _refuse_broken_references(connection: Connection) -> None:
    """Stop the upgrade (rolling it back) if a migration left a row referring to nothing."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, rowid, parent, _key = broken[0]
        raise RuntimeError(
            f"{len(broken)} rows refer to rows that do not exist "
            f"(first: {table} row {rowid} -> {parent})"
        )
