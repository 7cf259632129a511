"""Logging in to a team database: is the login good, and if not, what to tell the user.

``check_login`` connects once with the password (outside the URL, ``connect.py``) and
looks at the database; a refusal becomes a ``LoginError`` whose message names the user,
the server and the database, and whose ``failure`` tells the caller what it can do about
it (ask for the password again, offer the offline replica). PostgreSQL answers a wrong
password and an unknown user alike when it asks for passwords, so the message says both.
No message, log record or chained exception holds the password.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from collections_desktop.i18n import _
from collections_desktop.models.db.connect import scrub, server_engine, server_url

DEFAULT_PORT = 5432


class LoginFailure(StrEnum):
    """Why a login was refused."""

    WRONG_PASSWORD = "wrong-password"  # or no such user: the server does not say which
    NO_PASSWORD = "no-password"  # the server asks for one and none was given
    UNKNOWN_USER = "unknown-user"
    UNREACHABLE = "unreachable"
    NO_DATABASE = "no-database"
    NOT_TEAM_DATABASE = "not-team-database"
    NOT_ALLOWED = "not-allowed"
    OTHER = "other"


ASKS_PASSWORD = frozenset({LoginFailure.WRONG_PASSWORD, LoginFailure.NO_PASSWORD})
"""Failures that another password can mend."""

OFFLINE_HELPS = frozenset(
    {
        LoginFailure.WRONG_PASSWORD,
        LoginFailure.NO_PASSWORD,
        LoginFailure.UNKNOWN_USER,
        LoginFailure.UNREACHABLE,
    }
)
"""Failures after which the offline replica of the server is worth offering."""


class LoginError(Exception):
    """The team database refused the login or cannot be used; the message says why."""

    def __init__(self, message: str, failure: LoginFailure) -> None:
        super().__init__(message)
        self.failure = failure


def server_name(url: str | URL) -> str:
    """``host:port`` of the server (the port only when it is not 5432), for messages."""
    parsed = make_url(url) if isinstance(url, str) else url
    host = parsed.host or "localhost"
    return host if parsed.port in (None, DEFAULT_PORT) else f"{host}:{parsed.port}"


def with_user(url: str | URL, user: str) -> URL:
    """``url`` logging in as ``user``, without any password."""
    return server_url(url).set(username=user)


def is_postgresql(url: str | Path) -> bool:
    """``url`` names a PostgreSQL server (else a SQLite file)."""
    value = str(url)
    return "://" in value and make_url(value).get_backend_name() == "postgresql"


def check_login(url: str | URL, password: str | None, *, expect_company: bool = True) -> None:
    """Log in to the team database at ``url`` with ``password`` and look at it once.

    Raises ``LoginError`` when the server cannot be reached, refuses the login, has no
    such database, or the database holds no Collections Desktop company (unless not
    ``expect_company``: the commands that create one, ``team init`` on an empty database).
    """
    engine = server_engine(url, password, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            if not expect_company:
                return
            if connection.scalar(text("SELECT to_regclass('alembic_version')")) is None:
                raise LoginError(_not_team_message(url), LoginFailure.NOT_TEAM_DATABASE)
            connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError as error:
        raise login_error(error, url, password) from None
    finally:
        engine.dispose()


def login_error(error: BaseException, url: str | URL, password: str | None) -> LoginError:
    """The ``LoginError`` for a driver's refusal to connect to ``url`` (or to read it)."""
    parsed = server_url(url)
    original = getattr(error, "orig", None) or error
    reason = scrub(str(original).strip(), password)
    said = reason.lower()
    user = parsed.username or _("(this computer's user)")
    database = parsed.database or ""
    server = server_name(parsed)
    where = f"{server}/{database}"
    if "password authentication failed" in said:
        return LoginError(
            _(
                "The server {server} refused the login of {user} to {database}: the password "
                "is wrong, or there is no such user."
            ).format(server=server, user=user, database=database),
            LoginFailure.WRONG_PASSWORD,
        )
    if "no password supplied" in said:
        return LoginError(
            _("The server {server} asks for the password of {user}.").format(
                server=server, user=user
            ),
            LoginFailure.NO_PASSWORD,
        )
    if re.search(r'role ".*" does not exist', said):
        return LoginError(
            _("There is no user {user} on the server {server}.").format(user=user, server=server),
            LoginFailure.UNKNOWN_USER,
        )
    if re.search(r'database ".*" does not exist', said):
        return LoginError(
            _("There is no database {database} on the server {server}; check the address.").format(
                database=database, server=server
            ),
            LoginFailure.NO_DATABASE,
        )
    if any(sign in said for sign in _UNREACHABLE):
        return LoginError(
            _(
                "The server {host}, port {port} cannot be reached ({reason}). Check that it "
                "is running and that this computer is on its network."
            ).format(
                host=parsed.host or "localhost",
                port=parsed.port or DEFAULT_PORT,
                reason=_first_line(reason),
            ),
            LoginFailure.UNREACHABLE,
        )
    if "pg_hba.conf" in said or "not permitted to log in" in said:
        return LoginError(
            _(
                "The server {server} does not let {user} log in from this computer ({reason}); "
                "ask its administrator."
            ).format(server=server, user=user, reason=_first_line(reason)),
            LoginFailure.NOT_ALLOWED,
        )
    if "permission denied" in said:
        return LoginError(
            _(
                "{user} may log in to {server} but may not use {database}: ask the "
                "administrator to add them with team add-user."
            ).format(user=user, server=server, database=database),
            LoginFailure.NOT_ALLOWED,
        )
    return LoginError(
        _("The team database {where} cannot be opened: {reason}").format(
            where=where, reason=_first_line(reason)
        ),
        LoginFailure.OTHER,
    )


def is_team_database(session: Session) -> bool:
    """The database was set up by ``team init``: row-level security guards its customers,
    so the server, not the app, decides what the login sees."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return bool(
        session.scalar(
            text("SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass('customers')")
        )
    )


def find_replica(url: str | URL, candidates: Iterable[Path]) -> Path | None:
    """The first of ``candidates`` that is an offline replica of ``url``'s team database
    (same server and database; any user), else None. Read-only: nothing is changed."""
    wanted = _server_and_database(url)
    for path in candidates:
        if not path.is_file():
            continue
        try:
            connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
            try:
                row = connection.execute("SELECT server FROM sync_state WHERE id = 1").fetchone()
            finally:
                connection.close()
        except sqlite3.Error:
            continue  # not a replica, or not readable: not one to offer
        if row is not None and _server_and_database(str(row[0])) == wanted:
            return path
    return None


_UNREACHABLE = (
    "connection refused",
    "failed to resolve host",
    "could not translate host name",
    "timeout expired",
    "timed out",
    "network is unreachable",
    "no route to host",
    "server closed the connection unexpectedly",
    "could not connect",
)


def _server_and_database(url: str | URL) -> tuple[str, int, str]:
    parsed = make_url(url) if isinstance(url, str) else url
    host = (parsed.host or "localhost").lower()
    return host, parsed.port or DEFAULT_PORT, parsed.database or ""


def _not_team_message(url: str | URL) -> str:
    parsed = server_url(url)
    return _(
        "{database} on the server {server} is not a Collections Desktop team database (it "
        "holds no company); check the address, or set it up with team init."
    ).format(database=parsed.database or "", server=server_name(parsed))


def _first_line(reason: str) -> str:
    line = reason.splitlines()[0] if reason else ""
    return line.removeprefix("connection failed: ").strip()
