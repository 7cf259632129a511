"""``team serve``: a PostgreSQL server for a small office, from a folder.

The first run sets the folder up (``models.team.embedded``) with the administrator's
password: asked on the terminal (twice), or read from standard input when that is no
terminal, or generated when none is given. It is kept in the OS keychain, never printed
or logged. Each run prints the address colleagues use and the next steps, then serves
until Ctrl+C (or a termination signal) stops the server cleanly.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import signal
import socket
import sys
import time
from types import FrameType
from typing import TYPE_CHECKING

from collections_desktop import APP_ID
from collections_desktop.cli.common import EXIT_OK, CommandError, error_line
from collections_desktop.i18n import _

if TYPE_CHECKING:
    from collections_desktop.models.team.embedded import RunningServer

CHECK_SECONDS = 5.0
"""How often the command looks whether the server still runs (Ctrl+C acts at once)."""


def serve(args: argparse.Namespace) -> int:
    """Serve the folder's team database until stopped."""
    from pathlib import Path

    from collections_desktop.models.team.embedded import ServerError, running_port, serving

    if not 0 < args.port < 65536:
        raise CommandError(_("error: --port must be a number from 1 to 65535"))
    signal.signal(signal.SIGTERM, _stop_on_signal)
    # Started from a script that ignores interrupts (a background job of a shell without
    # job control), it would inherit that and Ctrl+C would never stop it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with serving(
            Path(args.data), args.port, admin_password=lambda: _admin_password(args.port)
        ) as server:
            _announce(server)
            try:
                while running_port(server.folder) is not None:
                    time.sleep(CHECK_SECONDS)
            except KeyboardInterrupt:
                # A second Ctrl+C must not cut the stop short and leave the server running.
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                print(_("Stopping the server…"), flush=True)
            else:
                raise CommandError(
                    error_line(
                        _("The server stopped by itself; see {log}.").format(log=server.folder.log)
                    )
                )
    except ServerError as error:
        raise CommandError(error_line(error)) from None
    except KeyboardInterrupt:  # while starting: whatever had started is stopped
        raise CommandError(_("Stopped before the server was ready.")) from None
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    print(_("The server is stopped."), flush=True)
    return EXIT_OK


def _stop_on_signal(_number: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _admin_password(port: int) -> str:
    """The new server's administrator password: chosen, else generated; kept in the
    keychain. A generated one that no keychain can keep is refused before anything is
    made (nobody could ever log in as the administrator)."""
    from collections_desktop.models.team.credentials import KeychainUnavailable, save_password
    from collections_desktop.models.team.embedded import ADMIN_USER

    chosen = _ask_password()
    password = chosen or secrets.token_urlsafe(18)
    url = _admin_url(port)
    try:
        save_password(url, password)
    except KeychainUnavailable as error:
        if not chosen:
            raise CommandError(
                error_line(
                    _(
                        "A password for the administrator ({user}) was to be generated and "
                        "kept in the keychain, but there is none here: {reason} Run team serve "
                        "again on a terminal and choose the password. Nothing was set up."
                    ).format(user=ADMIN_USER, reason=error)
                )
            ) from None
        print(
            _("Note: the administrator's password is not kept on this computer: {reason}").format(
                reason=error
            ),
            flush=True,
        )
        return password
    how = _("the password you chose") if chosen else _("a generated password")
    print(
        _(
            "The administrator ({user}) logs in with {how}, kept in this computer's keychain "
            "(service {service}, {key})."
        ).format(user=ADMIN_USER, how=how, service=APP_ID, key=_key(url)),
        flush=True,
    )
    return password


def _ask_password() -> str:
    """The password typed on the terminal (twice), or the first line of standard input;
    empty for none."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    first = getpass.getpass(
        _("Choose the administrator's password (press Enter to have one generated): ")
    )
    if first and getpass.getpass(_("Type it again: ")) != first:
        raise CommandError(
            error_line(_("The two passwords differ; nothing was set up. Run team serve again."))
        )
    return first


def _announce(server: RunningServer) -> None:
    from collections_desktop.models.team.embedded import TEAM_DATABASE

    host = socket.gethostname()
    address = _network_address()
    first = (
        _("Set up a new team server in {folder}.")
        if server.created
        else _("Serving the team server in {folder}.")
    )
    lines = [
        first.format(folder=server.folder.root),
        _("Listening on port {port}. Give your colleagues this address:").format(port=server.port),
        f"    {server.team_url(host)}",
    ]
    if address is not None:
        lines.append(_("    or {url}").format(url=server.team_url(address)))
    admin = server.admin_url()
    lines += [
        "",
        _("Next steps, in another window on this computer:"),
        f"    {APP_ID} team init --database {admin}",
        f"    {APP_ID} team add-user NAME --employee E-0001 --database {admin}",
        _("Then each colleague opens postgresql://NAME@{host}:{port}/{database}.").format(
            host=host, port=server.port, database=TEAM_DATABASE
        ),
        _("The server's log: {log}").format(log=server.folder.log),
        _("Press Ctrl+C to stop the server."),
    ]
    print("\n".join(lines), flush=True)


def _admin_url(port: int) -> str:
    from collections_desktop.models.team.embedded import ADMIN_USER, TEAM_DATABASE

    return f"postgresql://{ADMIN_USER}@localhost:{port}/{TEAM_DATABASE}"


def _key(url: str) -> str:
    from collections_desktop.models.team.credentials import credential_key

    return credential_key(url)


def _network_address() -> str | None:
    """This computer's address on its network (the one it would reach others from);
    nothing is sent."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: no packet leaves
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address
