"""``sync setup`` and ``sync``: the offline replica and its sync with the team database.

The password comes from the OS keychain when it holds one for the server, else it is
asked on the terminal; with no terminal, none is sent (the server's own authentication
rules apply). It is never read from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import sys
from pathlib import Path

from collections_desktop.cli.common import EXIT_OK, CommandError, database_url, error_line
from collections_desktop.i18n import _


def setup(args: argparse.Namespace) -> int:
    """Make the replica of the user's customers (``--file``, else the default place)."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.sync.apply import SyncError
    from collections_desktop.models.sync.link import shown
    from collections_desktop.models.sync.replica import create_replica
    from collections_desktop.models.team.connect import server_url
    from collections_desktop.paths import default_replica_path

    file = Path(args.file).expanduser() if args.file else default_replica_path()
    password = _password(args.server)
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
    from collections_desktop.models.sync.apply import SyncError
    from collections_desktop.models.sync.replica import server_of
    from collections_desktop.models.sync.run import sync_replica

    clock = SystemClock()
    database = open_company(database_url(args), create=False, clock=clock)
    try:
        with database.sessions() as session:
            try:
                server = server_of(session)
            except SyncError as error:
                raise CommandError(error_line(error)) from error
        password = _password(server)
        try:
            report = sync_replica(database, password, now=clock.now())
        except SyncError as error:
            raise CommandError(error_line(error)) from error
    finally:
        database.dispose()
    print(
        _(
            "Synced with {server} in {seconds:.2f} s: changes sent: {pushed}, conflicts: "
            "{conflicts}, rows received: {pulled}, customers removed: {purged}, customers "
            "added: {fetched}."
        ).format(
            server=server,
            seconds=report.seconds,
            pushed=report.pushed,
            conflicts=report.conflicts,
            pulled=report.pulled,
            purged=report.purged,
            fetched=report.fetched,
        )
    )
    if report.mismatches:
        print(
            _("{count} customers differed from the team database and were fetched again.").format(
                count=report.mismatches
            )
        )
    if report.conflicts:
        print(_("See the conflicts in the app: Conflicts page."))
    return EXIT_OK


def _password(server: str) -> str | None:
    """The keychain's password for ``server``, else one asked on the terminal, else none."""
    try:
        credentials = importlib.import_module("collections_desktop.models.team.credentials")
    except ModuleNotFoundError:
        credentials = None
    if credentials is not None:
        saved: str | None = credentials.load_password(server)
        if saved is not None:
            return saved
    if sys.stdin.isatty():
        return getpass.getpass(_("Password for {server}: ").format(server=server)) or None
    return None


_shown: list[str] = []


def _progress(done: int, total: int, what: str) -> None:
    """Each step's name once, on a terminal."""
    if sys.stderr.isatty() and (not _shown or _shown[-1] != what):
        _shown.append(what)
        print(what, file=sys.stderr, flush=True)
