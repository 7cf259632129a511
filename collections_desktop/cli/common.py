"""What every command shares: the exit codes, the one way a command fails, its database.

A handler returns ``EXIT_OK`` or raises ``CommandError`` with the lines for stderr;
``run_command`` turns that, and every database failure, into those lines and exit code 2,
never a traceback. ``opened_database`` is the one way a command opens its database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from collections_desktop.i18n import _

if TYPE_CHECKING:
    import uuid

    from sqlalchemy.orm import Session

    from collections_desktop.models.db.database import Database
    from collections_desktop.models.people.scope import AgentScope

EXIT_OK = 0
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]
"""A command: its parsed arguments in, its exit code out (``set_defaults(handler=...)``)."""


class CommandError(Exception):
    """Ends a command with exit code 2 and these lines, already in the user's words, on stderr."""

    def __init__(self, *lines: str) -> None:
        super().__init__(*lines)
        self.lines = lines


def error_line(message: object) -> str:
    """``error: MESSAGE`` in the user's language."""
    return _("error: {message}").format(message=message)


@contextmanager
def refusing(*errors: type[Exception]) -> Iterator[None]:
    """Turn ``errors`` (the rules' words for input the user must change) into a
    ``CommandError``."""
    try:
        yield
    except errors as error:
        raise CommandError(error_line(error)) from error


@contextmanager
def opened_database(
    args: argparse.Namespace, *, create: bool = False, refused: tuple[type[Exception], ...] = ()
) -> Iterator[Database]:
    """The command's database (``--database``, else the embedded one), disposed of at the end.

    Without ``create`` a missing or empty file, or one without a company, is refused. The
    ``refused`` errors raised inside end the command with their message (``refusing``);
    a database that cannot be opened, or fails, is reported by ``run_command``. A team
    database is logged in to first (``cli.login``: ``--user``, the keychain, the terminal).
    """
    from collections_desktop.cli.login import login_user, server_login
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.models.db.failures import MissingDatabaseError
    from collections_desktop.models.team.login import is_postgresql

    url, password = database_url(args), None
    if is_postgresql(url):
        url, password = server_login(url, user=login_user(args), expect_company=not create)
    try:
        database = open_company(url, create=create, clock=SystemClock(), password=password)
    except MissingDatabaseError as error:
        if getattr(args, "database", None):
            raise
        raise CommandError(*no_company_yet(url)) from error
    try:
        with refusing(*refused):
            yield database
    finally:
        database.dispose()


def no_company_yet(where: str) -> tuple[str, ...]:
    """What a command says when the embedded database has no company yet: how to make one."""
    return (
        error_line(
            _("There is no company yet ({where}); nothing was created.").format(where=where)
        ),
        _(
            "Start the app (collections-desktop) to open the demo company or create yours, "
            "or run “collections-desktop demo” or “collections-desktop new-company NAME”."
        ),
    )


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command's handler; its failure is a message on stderr and exit 2."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from collections_desktop.models.db.connect import shown_url
    from collections_desktop.models.db.database import DatabaseOpenError
    from collections_desktop.models.db.failures import describe
    from collections_desktop.models.db.writing import DuplicatePostingError, RunInProgressError
    from collections_desktop.models.team.login import LoginError

    handler: Handler = args.handler
    try:
        return handler(args)
    except CommandError as error:
        lines = error.lines
    except (DatabaseOpenError, RunInProgressError, DuplicatePostingError, LoginError) as error:
        lines = (error_line(error),)
    except (DBAPIError, sqlite3.Error) as error:
        # Whatever else the database said (a damaged page met by a query, a full disk…):
        # in words, never a traceback; every command writes in one transaction, so
        # nothing was saved.
        lines = (error_line(describe(error, shown_url(database_url(args)))),)
    for line in lines:
        print(line, file=sys.stderr)
    return EXIT_BAD_INPUT


def database_url(args: argparse.Namespace) -> str:
    """``--database``, else the embedded database's file."""
    url: str | None = getattr(args, "database", None)
    if url:
        return url
    from collections_desktop.paths import default_database_path

    return str(default_database_path())


def as_of(args: argparse.Namespace, today: dt.date) -> dt.date:
    """The ``--as-of`` date, else ``today``."""
    try:
        return dt.date.fromisoformat(args.as_of) if args.as_of else today
    except ValueError as error:
        raise CommandError(_("error: --as-of must be a date like 2026-11-23")) from error


def scope_and_pool(
    session: Session, args: argparse.Namespace
) -> tuple[AgentScope, uuid.UUID | None]:
    """The ``--user``'s scope (else the whole company) and the ``--pool``'s id (else None).

    On a team database that ``--user`` logged in to, the server's row-level security is
    the scope: the command sees what the login may see.
    """
    from collections_desktop.cli.login import login_user
    from collections_desktop.models.people.pools import pool_id_by_name
    from collections_desktop.models.people.scope import company_scope, load_scope
    from collections_desktop.models.team.login import is_team_database

    if args.user and not (login_user(args) and is_team_database(session)):
        scope = load_scope(session, args.user)
    else:
        scope = company_scope(session)
    pool_id = pool_id_by_name(session, args.pool) if args.pool else None
    return scope, pool_id
