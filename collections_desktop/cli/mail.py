"""``mail send``: send the template e-mails queued in the outbox (a scheduler's job).

Exit codes: 0 every mail that was due went out (or none was due); 1 some did not (the
server refused them, or they wait for a later try: see the lines printed); 2 nothing
could be sent (no server set up, no password, the server refused the login or cannot be
reached) or the database failed.

``smtp_login`` and ``print_report`` are shared with ``statements --send``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from collections_desktop.cli.common import EXIT_OK, CommandError, error_line, opened_database
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _

if TYPE_CHECKING:
    from collections_desktop.models.db.database import Database
    from collections_desktop.models.mail.outbox import SendReport
    from collections_desktop.models.mail.smtp import SmtpSettings

EXIT_NOT_ALL_SENT = 1


def send(args: argparse.Namespace) -> int:
    """Send what is queued and due; print what was done."""
    from sqlalchemy import select

    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.db.schema import Mailing
    from collections_desktop.models.mail.outbox import send_pending

    clock = SystemClock()
    with opened_database(args) as database:
        mailing_id = None
        if args.mailing:
            with database.sessions() as session:
                mailing_id = session.scalar(select(Mailing.id).where(Mailing.key == args.mailing))
            if mailing_id is None:
                raise CommandError(
                    error_line(_("There is no mailing {key}.").format(key=args.mailing))
                )
        settings, password = smtp_login(
            database,
            _("No SMTP server is set up (Set-up ▸ Mail server in the app); the mails stay queued."),
        )
        report = send_pending(
            database,
            settings,
            password,
            now=clock.now,
            mailing_id=mailing_id,
            due_only=not args.all,
        )
    return print_report(report)


def smtp_login(database: Database, no_server: str) -> tuple[SmtpSettings, str | None]:
    """The company's SMTP server and this user's password for it (from the keychain, else
    asked in a terminal); ``CommandError`` when there is no password, or no server (then
    saying ``no_server``)."""
    from collections_desktop.models.mail import credentials
    from collections_desktop.models.mail.settings import read_mail_server

    with database.sessions() as session:
        server = read_mail_server(session)
    if server.method != "smtp" or not server.host:
        raise CommandError(error_line(no_server))
    password = None
    if server.user_name:
        try:
            password = credentials.load_password(server.smtp)
        except credentials.KeychainUnavailable as error:
            print(error, file=sys.stderr)
        if password is None and sys.stdin.isatty():
            password = getpass.getpass(
                _("Password of {user} on {host}: ").format(user=server.user_name, host=server.host)
            )
        if password is None:
            raise CommandError(
                error_line(
                    _(
                        "No password for {user} on {host} in the keychain: save it in "
                        "the app (Set-up ▸ Mail server) or run this in a terminal."
                    ).format(user=server.user_name, host=server.host)
                )
            )
    return server.smtp, password


def print_report(report: SendReport) -> int:
    """Print what a run of sending did (errors on stderr); its exit code."""
    count = text_formats().count
    print(
        _(
            "{sent} sent, {retrying} to try again later, {failed} failed, {unconfirmed} "
            "unconfirmed, {left} still queued."
        ).format(
            sent=count(report.sent),
            retrying=count(report.retrying),
            failed=count(report.failed),
            unconfirmed=count(report.unconfirmed),
            left=count(report.left),
        )
    )
    for line in report.errors:
        print(line, file=sys.stderr)
    if report.stopped:
        raise CommandError(error_line(report.stopped))
    if report.failed or report.unconfirmed or report.retrying:
        return EXIT_NOT_ALL_SENT
    return EXIT_OK
