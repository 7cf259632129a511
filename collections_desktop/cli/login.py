"""Logging a command in to a team database (PostgreSQL): the user and the password.

As ``psql`` does, a command asks for the password only when the server wants one: it
tries the password the keychain remembers for this login (none if there is no keychain),
and when the server refuses that and standard input is a terminal, it asks with
``getpass`` (nothing echoed, nothing in the shell's history). The password is never read
from the command line; a password written into ``--database`` is taken out of the URL.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from collections_desktop.cli.common import CommandError, error_line
from collections_desktop.i18n import _


def server_login(
    url: str, *, user: str | None = None, expect_company: bool = True
) -> tuple[str, str | None]:
    """The URL to open (logging in as ``user`` when given, no password in it) and the
    password that the server accepted (None: it asked for none).

    A refusal ends the command with its message (``CommandError``).
    """
    from sqlalchemy.engine import make_url

    from collections_desktop.models.db.connect import server_url
    from collections_desktop.models.team.credentials import KeychainUnavailable, load_password
    from collections_desktop.models.team.login import (
        ASKS_PASSWORD,
        LoginError,
        check_login,
        server_name,
    )

    parsed = make_url(url)
    written = parsed.password  # typed into --database: used, never kept
    target = server_url(parsed.set(username=user) if user else parsed)
    opened = target.render_as_string(hide_password=False)  # holds no password
    password = written
    if password is None:
        try:
            password = load_password(target)
        except KeychainUnavailable:
            password = None
    try:
        check_login(target, password, expect_company=expect_company)
        return opened, password
    except LoginError as error:
        if error.failure not in ASKS_PASSWORD or not sys.stdin.isatty():
            raise CommandError(error_line(error)) from None
    password = getpass.getpass(
        _("Password of {user} on {server}: ").format(
            user=target.username or getpass.getuser(), server=server_name(target)
        )
    )
    try:
        check_login(target, password, expect_company=expect_company)
    except LoginError as error:
        raise CommandError(error_line(error)) from None
    return opened, password


def login_user(args: argparse.Namespace) -> str | None:
    """The login the command's ``--user`` names: on a server whose URL names no user,
    ``--user`` is the login (the server then decides the scope); otherwise None."""
    from sqlalchemy.engine import make_url

    from collections_desktop.cli.common import database_url
    from collections_desktop.models.team.login import is_postgresql

    user: str | None = getattr(args, "user", None)
    url = database_url(args)
    if not user or not is_postgresql(url) or make_url(url).username:
        return None
    return user
