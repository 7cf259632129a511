"""``agency``: the agency desk from the command line.

``agency report KIND --month YYYY-MM`` prints one of the desk's monthly reports as text,
the same sheet the Reports tab shows (``views.agency_sheets``): ``collections`` (approved
collections by collector, with the commission and each collector's share), ``expenses``
(by type), ``statement`` (a collector's minuta: ``--collector LOGIN``) or ``remittance``
(what is remitted to a client: ``--client CODE``). ``--collector`` narrows the
collections and expenses to one collector. ``--pdf FILE`` and ``--xlsx FILE`` also write
the report, each file whole or not at all; a remittance statement's files are in the
client's language, as they go to the client.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from collections_desktop.cli.common import EXIT_OK, CommandError, error_line, opened_database
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _

REPORT_KINDS = ("collections", "expenses", "statement", "remittance")
"""The reports ``agency report`` prints (``views.agency_sheets`` keys)."""


def report(args: argparse.Namespace) -> int:
    """Print (and write) one monthly report of the agency desk."""
    import uuid

    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.agency.clients import list_clients
    from collections_desktop.models.agency.errors import AgencyError
    from collections_desktop.models.letters.documents import LetterFileError, write_atomically
    from collections_desktop.models.people.scope import load_viewer
    from collections_desktop.models.statements.period import StatementError, parse_month
    from collections_desktop.views.agency_sheets import (
        REMITTANCE,
        STATEMENT,
        printed_sheet,
        read_report,
        screen_sheet,
        sheet_text,
        sheet_xlsx_bytes,
    )

    try:
        month = parse_month(args.month).start
    except StatementError as error:
        raise CommandError(error_line(error)) from error
    if args.kind == STATEMENT and not args.collector:
        raise CommandError(
            error_line(_("A collector's statement needs --collector LOGIN (the collector)."))
        )
    if args.kind == REMITTANCE and not args.client:
        raise CommandError(
            error_line(_("A remittance statement needs --client CODE (the client)."))
        )
    formats = text_formats()
    clock = SystemClock()
    with opened_database(args, refused=(AgencyError,)) as database, database.sessions() as session:
        collector_id: uuid.UUID | None = None
        if args.collector:
            collector_id = load_viewer(session, args.collector).employee_id
            if collector_id is None:
                raise CommandError(
                    error_line(
                        _("Nobody logs in as “{login}”: give a collector's login.").format(
                            login=args.collector
                        )
                    )
                )
        client_id: uuid.UUID | None = None
        if args.client:
            clients = {client.code.casefold(): client for client in list_clients(session)}
            client = clients.get(args.client.strip().casefold())
            if client is None:
                raise CommandError(
                    error_line(_("There is no client with code “{code}”.").format(code=args.client))
                )
            client_id = client.id
        source = read_report(
            session,
            args.kind,
            month,
            collector_id=collector_id,
            client_id=client_id if args.kind == REMITTANCE else None,
        )
    print(sheet_text(screen_sheet(source, formats), formats), end="")
    files = [
        (suffix, Path(path)) for suffix, path in (("pdf", args.pdf), ("xlsx", args.xlsx)) if path
    ]
    if not files:
        return EXIT_OK
    sheet, sheet_formats = printed_sheet(source, formats, issued_on=clock.today())
    for suffix, path in files:
        if suffix == "pdf":
            from collections_desktop.app import ensure_application
            from collections_desktop.views.agency_report_pdf import ADDRESSED, sheet_pdf_bytes

            ensure_application()
            byline = (
                ""
                if sheet.kind in ADDRESSED
                else _("Made on {moment}").format(moment=formats.moment(clock.now()))
            )
            data = sheet_pdf_bytes(
                sheet, sheet_formats, byline=byline, company_name=source.company_name
            )
        else:
            data = sheet_xlsx_bytes(sheet)
        try:
            write_atomically(path, data)
        except LetterFileError as error:
            raise CommandError(error_line(error)) from error
        print(_("Written to {path}").format(path=path))
    return EXIT_OK


def add_report_command(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``agency report`` under the ``agency`` command's actions."""
    command = actions.add_parser(
        "report",
        help=_(
            "print a month's collection report, expense report, collector's statement or "
            "client remittance statement (and write it as PDF or XLSX)"
        ),
    )
    command.add_argument("kind", choices=REPORT_KINDS, metavar="KIND", help=_(
        "collections, expenses, statement (a collector's) or remittance (a client's)"
    ))  # fmt: skip
    command.add_argument(
        "--month", metavar="YYYY-MM", required=True, help=_("the month the report covers")
    )
    command.add_argument(
        "--collector",
        metavar="LOGIN",
        help=_("the collector (a statement's; narrows the collections and expenses)"),
    )
    command.add_argument("--client", metavar="CODE", help=_("the client of a remittance statement"))
    command.add_argument("--pdf", metavar="FILE", help=_("also write the report as a PDF file"))
    command.add_argument(
        "--xlsx", metavar="FILE", help=_("also write the report as an Excel workbook")
    )
    command.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    command.set_defaults(handler=report)
