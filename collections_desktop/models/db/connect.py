"""Connections to a server database with a password that never enters a URL.

The password goes to the driver as a connection argument, so it is in no URL that a log,
a traceback, the settings or a replica's state could show.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError


def server_url(url: str | URL) -> URL:
    """The URL with the psycopg driver and without any password."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return without_password(parsed)


def without_password(url: URL) -> URL:
    """``url`` without its password (``URL.set(password=None)`` would keep it)."""
    return url._replace(password=None)


def server_engine(url: str | URL, password: str | None = None, **options: Any) -> Engine:
    """An engine on the team database, logging in with ``password`` when given."""
    connect_args: dict[str, Any] = dict(options.pop("connect_args", {}))
    if password is not None:
        connect_args["password"] = password
    target = server_url(url)
    if "connect_timeout" not in target.query:  # the URL's own wins
        connect_args.setdefault("connect_timeout", 10)
    if "options" not in target.query:
        # Just-in-time compilation took 2.2 s of a 2.6 s aging query and gains nothing on
        # these short queries (docs/PERFORMANCE.md, the team server).
        connect_args.setdefault("options", "-c jit=off")
    return create_engine(target, connect_args=connect_args, **options)


def shown_url(url: str | Path) -> str:
    """``url`` as messages and logs may show it: a server's without its password."""
    value = str(url)
    if "://" not in value:
        return value
    try:
        return make_url(value).render_as_string(hide_password=True)
    except ArgumentError:
        return value.split("://", 1)[0] + "://…"


def scrub(text: str, password: str | None) -> str:
    """``text`` with every copy of ``password`` masked: a driver's error can quote the
    connection string it was given."""
    if not password:
        return text
    return text.replace(password, "********")
