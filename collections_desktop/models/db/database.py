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
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from collections_desktop.i18n import _
from collections_desktop.models.db.writing import WAIT_SECONDS

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


def open_database(url: str | Path, *, now: dt.datetime | None = None) -> Database:
    """Open (creating or migrating as needed) the database at ``url``.

    Raises ``DatabaseOpenError`` with a message for the user when the target is not
    a database, is newer than this app, or cannot be reached.
    """
    parsed = normalise_url(url)
    path = _sqlite_path(parsed)
    if path is not None:
        _check_sqlite_file(path)
    engine = _make_engine(parsed)
    try:
        current = _current_revision(engine)
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
    backup = None
    head = head_revision()
    if current != head:
        now = now or dt.datetime.now(dt.UTC)
        if current is not None and path is not None:
            engine.dispose()
            backup = _backup(path, current, now)
        _upgrade(engine, current, now=now, where=_where(parsed), backup=backup)
    if path is not None:
        # WAL lets the GUI read while a worker writes; it is stored in the file, so it is
        # only switched on once the file is known to be ours (a refused file stays as it was).
        # It cannot change inside a transaction: run it on the driver's connection directly.
        with engine.connect() as connection:
            connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA journal_mode = WAL"
            )
    return Database(
        url=parsed,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        created=current is None,
        backup=backup,
    )


def _sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _where(url: URL) -> str:
    path = _sqlite_path(url)
    return str(path) if path else url.render_as_string(hide_password=True)


def _check_sqlite_file(path: Path) -> None:
    if path.is_dir():
        raise NotADatabaseError(_("{path} is a folder, not a database file.").format(path=path))
    if not path.exists():
        if not path.parent.is_dir():
            raise DatabaseOpenError(
                _("The folder {folder} does not exist.").format(folder=path.parent)
            )
        return
    with path.open("rb") as handle:
        header = handle.read(len(_SQLITE_HEADER))
    if header and header != _SQLITE_HEADER:
        raise NotADatabaseError(
            _(
                "{path} is not a Collections Desktop database (not a SQLite file); "
                "it was not changed."
            ).format(path=path)
        )


def _make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": WAIT_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
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


def _complete_reference_data(connection: Connection, now: dt.datetime) -> None:
    """Give a company made by an earlier version the set-up rows later versions start with."""
    from collections_desktop.models.company import has_company
    from collections_desktop.models.reference import seed_reference_data

    session = Session(bind=connection)
    try:
        if has_company(session):
            seed_reference_data(session, now)
            session.flush()
    finally:
        session.close()


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(
    engine: Engine, current: str | None, *, now: dt.datetime, where: str, backup: Path | None
) -> None:
    """Bring the database to the head revision in ONE transaction, or leave it as it was.

    Every migration, Alembic's batch table copies, the ``alembic_version`` row and the
    set-up rows an older company is given run in the transaction ``_sqlite_begin`` opens
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
                    if current is not None:
                        _complete_reference_data(connection, now)
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
