"""``sync setup`` and ``sync``: the offline replica and its sync with the team database.

The login is the other commands' (``cli/login.py``): the keychain's password for the
server, else none, and when the server wants one, a password asked on the terminal. It is
never read from the command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from collections_desktop.cli.common import (
    EXIT_OK,
    CommandError,
    database_url,
    error_line,
    no_company_yet,
)
from collections_desktop.cli.login import server_login
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, ngettext


def setup(args: argparse.Namespace) -> int:
    """Make the replica of the user's customers (``--file``, else the default place)."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.db.connect import server_url
    from collections_desktop.models.sync.apply import SyncError
    from collections_desktop.models.sync.link import shown
    from collections_desktop.models.sync.replica import check_replica_target, create_replica
    from collections_desktop.paths import default_replica_path

    try:
        file = check_replica_target(
            args.server, Path(args.file) if args.file else default_replica_path()
        )
    except SyncError as error:
        raise CommandError(error_line(error)) from error
    _url, password = server_login(args.server)
    try:
        made = create_replica(
            args.server, password, file, now=SystemClock().now(), progress=_progress
        )
    except SyncError as error:
        raise CommandError(error_line(error)) from error
    print(
        _("Offline replica of {server} for {user}: {file}").format(
            server=shown(server_url(args.server)),
            user=server_url(args.server).username,
            file=made,
        )
    )
    if not args.file:
        print(_("The app opens it from now on; sync it with: collections-desktop sync"))
    else:
        print(_("Open it with --database {file}").format(file=made))
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Sync the replica (``--database``, else the default one) with its team database."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.models.db.failures import MissingDatabaseError
    from collections_desktop.models.sync.apply import SyncError
    from collections_desktop.models.sync.replica import server_of
    from collections_desktop.models.sync.run import sync_replica

    clock = SystemClock()
    try:
        database = open_company(database_url(args), create=False, clock=clock)
    except MissingDatabaseError as error:
        if getattr(args, "database", None):
            raise
        raise CommandError(*no_company_yet(database_url(args))) from error
    try:
        with database.sessions() as session:
            try:
                server = server_of(session)
            except SyncError as error:
                raise CommandError(error_line(error)) from error
        _url, password = server_login(server)
        try:
            report = sync_replica(database, password, now=clock.now())
        except SyncError as error:
            raise CommandError(error_line(error)) from error
    finally:
        database.dispose()
    print(
        _(
            "Synced with {server} in {seconds} s: changes sent: {pushed}, conflicts: "
            "{conflicts}, rows received: {pulled}, customers removed: {purged}, customers "
            "added: {fetched}."
        ).format(
            server=server,
            seconds=text_formats().number(report.seconds, 2),
            pushed=report.pushed,
            conflicts=report.conflicts,
            pulled=report.pulled,
            purged=report.purged,
            fetched=report.fetched,
        )
    )
    if report.mismatches:
        print(
            ngettext(
                "{count} customer differed from the team database and was fetched again.",
                "{count} customers differed from the team database and were fetched again.",
                report.mismatches,
            ).format(count=text_formats().count(report.mismatches))
        )
    if report.conflicts:
        print(_("See the conflicts in the app: Conflicts page."))
    return EXIT_OK


_shown: list[str] = []


def _progress(done: int, total: int, what: str) -> None:
    """Each step's name once, on a terminal."""
    if sys.stderr.isatty() and (not _shown or _shown[-1] != what):
        _shown.append(what)
        print(what, file=sys.stderr, flush=True)
