"""Reaching the team database for a sync, and its failures in the user's words."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.sync.apply import SyncError
from collections_desktop.models.team.connect import server_engine, server_url


def shown(url: URL) -> str:
    """The server as the user knows it: user@host:port/database, never a password."""
    return url.set(drivername="postgresql").render_as_string(hide_password=True)


def connect(server: str | URL, password: str | None) -> Engine:
    """An engine on the team database (nothing connects before the first session)."""
    return server_engine(server, password)


def explain(error: BaseException, url: URL) -> SyncError:
    """A driver error of the team database as a ``SyncError`` saying what and where."""
    original = getattr(error, "orig", None) or error
    detail = str(original).strip().splitlines()[0] if str(original).strip() else ""
    lowered = str(original).lower()
    where = shown(server_url(url))
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        message = _(
            "The team database {where} refused the login of {user}: wrong user name or "
            "password. Nothing was changed; sync again with the right password."
        ).format(where=where, user=url.username or "")
    elif "does not exist" in lowered and "role" in lowered:
        message = _(
            "The team database {where} has no user {user}; ask your administrator to add "
            "you (team add-user). Nothing was changed."
        ).format(where=where, user=url.username or "")
    elif isinstance(
        original, psycopg.OperationalError | psycopg.InterfaceError | OSError
    ) or isinstance(error, OperationalError | InterfaceError):
        message = _(
            "The team database {where} cannot be reached ({detail}). Nothing was lost: "
            "your changes wait on this laptop; sync again when the server answers."
        ).format(where=where, detail=detail)
    else:
        message = _(
            "The team database {where} reported an error ({detail}). Nothing was lost: "
            "your changes wait on this laptop; sync again later."
        ).format(where=where, detail=detail)
    return SyncError(message)


@contextmanager
def server_session(engine: Engine) -> Iterator[Session]:
    """A session on the team database whose driver errors become ``SyncError``."""
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    except (DBAPIError, psycopg.Error, OSError) as error:
        if not _from_server(error):
            raise
        raise explain(error, engine.url) from error


def _from_server(error: BaseException) -> bool:
    """Whether the team database's driver raised it (not the replica's SQLite)."""
    original = getattr(error, "orig", None) or error
    return type(original).__module__.startswith("psycopg") or (
        isinstance(original, OSError) and not type(original).__module__.startswith("sqlite3")
    )
