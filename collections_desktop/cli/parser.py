"""The argument parser: every command, its options, and the handler it runs.

Each command names its handler with ``set_defaults(handler=...)``; no command runs the app
(``cli.gui.start``). The handlers import ``models/`` when they run, so ``--help`` and
``--version`` stay quick.
"""

from __future__ import annotations

import argparse

from collections_desktop import APP_ID, __version__
from collections_desktop.cli import (
    agency,
    agency_import,
    agency_setup,
    aging,
    bank,
    billing,
    company,
    gui,
    mail,
    predict,
    runs,
    statements,
    sync,
    team,
    team_serve,
)
from collections_desktop.i18n import LANGUAGES, _


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog=APP_ID,
        description=_("Collections management for accounts-receivable teams."),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help=_("a SQLite file or a PostgreSQL URL (default: the embedded database)"),
    )
    parser.add_argument("--verbose", action="store_true", help=_("log what happens"))
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help=_("check that this installation works (offscreen, in a temporary profile) and exit"),
    )
    parser.set_defaults(handler=gui.start)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help=_("write a demo company into a new database"))
    demo.add_argument(
        "--customers",
        type=int,
        default=None,
        help=_("number of customers (default: 2000; 200 with --agency)"),
    )
    demo.add_argument(
        "--seed", type=int, default=1, help=_("random seed (same seed, same company)")
    )
    demo.add_argument(
        "--agency",
        action="store_true",
        help=_("also fill the agency desk: clients, debtors, case files, collections, expenses"),
    )
    demo.add_argument(
        "--cases",
        type=int,
        default=2000,
        metavar="N",
        help=_("number of the agency's case files (with --agency; default: 2000)"),
    )
    demo.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    demo.set_defaults(handler=company.demo)

    new_company = commands.add_parser(
        "new-company", help=_("set up an empty company in a database (to import into)")
    )
    new_company.add_argument("name", help=_("the company's name"))
    new_company.add_argument(
        "--currency", default="EUR", metavar="CODE", help=_("the accounting currency")
    )
    new_company.add_argument(
        "--country", metavar="CC", help=_("the company's country (two letters, e.g. ES)")
    )
    new_company.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help=_("the language of the texts the company prints"),
    )
    new_company.add_argument(
        "--login", metavar="NAME", help=_("the first user's login (default: yours)")
    )
    new_company.add_argument(
        "--user-name", metavar="TEXT", help=_("the first user's full name (default: the login)")
    )
    new_company.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    new_company.set_defaults(handler=company.new_company)

    aged = commands.add_parser(
        "aging", help=_("print the aged balance of every customer as of a date")
    )
    _add_scope_arguments(aged)
    aged.add_argument("--definition", metavar="NAME", help=_("the aging definition to use"))
    aged.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help=_("output format")
    )
    aged.set_defaults(handler=aging.aging)

    snapshot = commands.add_parser(
        "snapshot", help=_("store an aging snapshot and print its summary")
    )
    _add_scope_arguments(snapshot)
    snapshot.set_defaults(handler=aging.snapshot)

    predicting = commands.add_parser(
        "predict", help=_("predict when open invoices will be paid, or test the predictions")
    )
    predict_commands = predicting.add_subparsers(dest="predict_command", required=True)
    backtest = predict_commands.add_parser(
        "backtest",
        help=_(
            "learn from what was settled before a date, predict the invoices issued from it, "
            "and print the error of each method"
        ),
    )
    backtest.add_argument("--cutoff", metavar="YYYY-MM-DD", required=True)
    backtest.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    backtest.set_defaults(handler=predict.backtest)
    predict_run = predict_commands.add_parser(
        "run", help=_("predict the open invoices' pay dates now and store them")
    )
    predict_run.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help=_("the day to predict on (default: today)")
    )
    predict_run.add_argument(
        "--customer", metavar="ACCOUNT", help=_("only this customer's open invoices")
    )
    predict_run.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    predict_run.set_defaults(handler=predict.run)

    promises = commands.add_parser(
        "promises",
        help=_("judge the promises to pay whose date and tolerance have passed (a daily job)"),
    )
    promises.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help=_("the day to judge on (default: today)")
    )
    promises.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    promises.set_defaults(handler=runs.promises)

    interest = commands.add_parser(
        "interest", help=_("create the interest notes due on overdue invoices")
    )
    _add_scope_arguments(interest)
    interest.add_argument(
        "--dry-run", action="store_true", help=_("print what would be charged; write nothing")
    )
    interest.set_defaults(handler=runs.interest)

    letters = commands.add_parser("letters", help=_("create the collection letters that are due"))
    _add_scope_arguments(letters)
    letters.add_argument(
        "--dry-run", action="store_true", help=_("print the letters that are due; write nothing")
    )
    letters.add_argument(
        "--pdf",
        metavar="FOLDER",
        help=_(
            "also write the PDF of every letter that has none yet into this folder "
            "(checked before anything is posted)"
        ),
    )
    letters.set_defaults(handler=runs.letters)

    _add_statements_command(commands)

    importing = commands.add_parser("import", help=_("import data from another system"))
    kinds = importing.add_subparsers(dest="kind", metavar="KIND", required=True)
    receivables = kinds.add_parser(
        "receivables", help=_("customers, invoices and credit notes with their settlement")
    )
    receivables.add_argument("file", help=_("the CSV or XLSX file to import"))
    receivables.add_argument(
        "--mapping",
        metavar="MAP.toml",
        required=True,
        help=_("which column feeds which field (see docs/IMPORT.md)"),
    )
    receivables.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    receivables.set_defaults(handler=company.import_receivables)

    _add_team_commands(commands)
    _add_sync_commands(commands)
    _add_billing_commands(commands)
    _add_mail_commands(commands)
    _add_bank_commands(commands)
    _add_agency_commands(commands)

    shot = commands.add_parser("screenshot", help=_("render a view to a PNG file, offscreen"))
    shot.add_argument("view", help=_("the view to render (see --list)"), nargs="?")
    shot.add_argument("output", help=_("the PNG file to write"), nargs="?")
    shot.add_argument("--customer", metavar="ACCOUNT", help=_("the customer to show"))
    shot.add_argument(
        "--user", metavar="NAME", help=_("work as this collections agent (default: the demo's)")
    )
    shot.add_argument("--size", metavar="WxH", default="1400x900", help=_("window size"))
    shot.add_argument(
        "--tab", type=int, default=0, metavar="N", help=_("the customer record's tab (from 0)")
    )
    shot.add_argument("--list", action="store_true", help=_("list the views and exit"))
    shot.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    shot.set_defaults(handler=gui.screenshot)
    return parser


def _add_team_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    team_command = commands.add_parser(
        "team", help=_("set up and serve the team database (PostgreSQL) that laptops sync with")
    )
    actions = team_command.add_subparsers(dest="action", metavar="ACTION", required=True)

    init = actions.add_parser(
        "init",
        help=_("prepare a PostgreSQL database for the team: schema, roles, row-level security"),
    )
    init.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    init.set_defaults(handler=team.init)

    add_user = actions.add_parser(
        "add-user", help=_("let an employee log in to the team database as a collections agent")
    )
    add_user.add_argument("name", help=_("the login name"))
    add_user.add_argument(
        "--employee", metavar="NUMBER", required=True, help=_("the employee's number")
    )
    add_user.add_argument(
        "--supervisor", action="store_true", help=_("may change the team's set-up")
    )
    add_user.add_argument(
        "--view-all", action="store_true", help=_("may view the customers of every pool")
    )
    add_user.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    add_user.set_defaults(handler=team.add_user)

    refresh = actions.add_parser(
        "refresh", help=_("work out again which customers each pool holds (a daily job)")
    )
    refresh.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    refresh.set_defaults(handler=team.refresh)

    serve = actions.add_parser(
        "serve", help=_("run a PostgreSQL server for a small office from a folder")
    )
    serve.add_argument("--data", metavar="FOLDER", required=True, help=_("the server's folder"))
    serve.add_argument("--port", type=int, default=5432, help=_("the port to listen on"))
    serve.set_defaults(handler=team_serve.serve)


def _add_sync_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sync_command = commands.add_parser(
        "sync", help=_("sync the offline replica with the team database")
    )
    sync_command.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    sync_command.set_defaults(handler=sync.run)
    actions = sync_command.add_subparsers(dest="action", metavar="ACTION")
    setup = actions.add_parser(
        "setup", help=_("make an offline replica of your customers from the team database")
    )
    setup.add_argument(
        "--server", metavar="URL", required=True, help=_("the team database (no password)")
    )
    setup.add_argument("--file", metavar="PATH", help=_("where to keep the replica"))
    setup.set_defaults(handler=sync.setup)


def _add_statements_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    statement = commands.add_parser(
        "statements",
        help=_("write the month's account statement of every customer with an open balance"),
    )
    statement.add_argument(
        "--month", metavar="YYYY-MM", required=True, help=_("the month the statements cover")
    )
    statement.add_argument(
        "--pdf", metavar="FOLDER", help=_("write each statement as a PDF into this folder")
    )
    statement.add_argument(
        "--xlsx", metavar="FOLDER", help=_("write each statement as an XLSX file into this folder")
    )
    statement.add_argument(
        "--customer", metavar="ACCOUNT", help=_("only the statement of this customer")
    )
    statement.add_argument("--pool", metavar="NAME", help=_("only the customers of this pool"))
    statement.add_argument(
        "--send",
        action="store_true",
        help=_(
            "e-mail each statement to its customer (once per customer and month; exit codes "
            "as mail send)"
        ),
    )
    statement.add_argument(
        "--user",
        metavar="NAME",
        help=_("apply this collections agent's scope (default: every customer)"),
    )
    statement.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    statement.set_defaults(handler=statements.statements)


def _add_billing_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    billing_command = commands.add_parser(
        "billing", help=_("recurring monthly invoicing: pending invoices, then invoices")
    )
    actions = billing_command.add_subparsers(dest="action", metavar="ACTION", required=True)
    month_run = actions.add_parser(
        "run", help=_("create the month's pending invoices from the recurring billing lines")
    )
    month_run.add_argument("--month", metavar="YYYY-MM", required=True, help=_("the month"))
    month_run.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    month_run.set_defaults(handler=billing.run)
    issue = actions.add_parser(
        "issue", help=_("issue the pending invoices as invoices, with their numbers")
    )
    issue.add_argument(
        "--month", metavar="YYYY-MM", help=_("only those dated in this month (default: all)")
    )
    issue.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    issue.set_defaults(handler=billing.issue)


def _add_mail_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mail_command = commands.add_parser("mail", help=_("the template e-mails of the outbox"))
    actions = mail_command.add_subparsers(dest="action", metavar="ACTION", required=True)
    send = actions.add_parser(
        "send",
        help=_(
            "send the queued e-mails that are due (exit 0: all sent; 1: some were not; "
            "2: none could be)"
        ),
    )
    send.add_argument(
        "--all", action="store_true", help=_("also send those waiting for a later try")
    )
    send.add_argument("--mailing", metavar="KEY", help=_("only this mailing"))
    send.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    send.set_defaults(handler=mail.send)


def _add_bank_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bank_command = commands.add_parser(
        "bank", help=_("bank statements: import them, match their credits to customers")
    )
    actions = bank_command.add_subparsers(dest="action", metavar="ACTION", required=True)
    importing = actions.add_parser(
        "import",
        help=_(
            "store bank statement files (camt, MT940, OFX, CSV), each whole or not at all "
            "(exit 2 when one was refused)"
        ),
    )
    importing.add_argument("files", nargs="+", metavar="FILE", help=_("the files to import"))
    importing.add_argument(
        "--profile", metavar="NAME", help=_("the saved CSV profile to read CSV exports with")
    )
    importing.add_argument(
        "--accept-differences",
        action="store_true",
        help=_("store statements that do not add up, keeping the difference on them"),
    )
    importing.add_argument(
        "--user", metavar="NAME", help=_("the login of the employee who imports")
    )
    importing.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    importing.set_defaults(handler=bank.import_files)
    matching = actions.add_parser(
        "match", help=_("print each line waiting with its best suggestion and the reason")
    )
    matching.add_argument(
        "--confirm-above",
        type=int,
        metavar="N",
        help=_("confirm the lines whose best suggestion reaches N %%, each on its own"),
    )
    matching.add_argument("--pool", metavar="NAME", help=argparse.SUPPRESS)
    matching.add_argument(
        "--user",
        metavar="NAME",
        help=_("apply this collections agent's scope (default: every customer)"),
    )
    matching.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    matching.set_defaults(handler=bank.match)


def _add_agency_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    agency_command = commands.add_parser(
        "agency", help=_("the agency desk: case files of creditor clients, their reports")
    )
    actions = agency_command.add_subparsers(dest="action", metavar="ACTION", required=True)
    agency_import.add_import_command(actions)
    agency.add_report_command(actions)
    agency_setup.add_setup_commands(actions)


def _add_scope_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help=_("the date to age on (default: today)")
    )
    command.add_argument("--pool", metavar="NAME", help=_("only the customers of this pool"))
    command.add_argument(
        "--user",
        metavar="NAME",
        help=_("apply this collections agent's scope (default: every customer)"),
    )
    command.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
