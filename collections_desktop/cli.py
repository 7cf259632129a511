"""The command line: ``collections-desktop [COMMAND] ...``.

With no command the desktop app opens. Commands are thin: they parse arguments,
open the database through ``models.db.database`` and call one function of ``models/``
(or of ``views.screenshot``), so the CLI, the GUI and the tests share every rule.
Exit codes: 0 done, 1 unexpected failure, 2 bad input (the message is on stderr).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from collections_desktop import APP_ID, __version__
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, ngettext, set_language

EXIT_OK = 0
EXIT_BAD_INPUT = 2


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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help=_("write a demo company into a new database"))
    demo.add_argument("--customers", type=int, default=2000, help=_("number of customers"))
    demo.add_argument(
        "--seed", type=int, default=1, help=_("random seed (same seed, same company)")
    )
    demo.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)

    company = commands.add_parser(
        "new-company", help=_("set up an empty company in a database (to import into)")
    )
    company.add_argument("name", help=_("the company's name"))
    company.add_argument(
        "--currency", default="EUR", metavar="CODE", help=_("the accounting currency")
    )
    company.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)

    aging = commands.add_parser(
        "aging", help=_("print the aged balance of every customer as of a date")
    )
    _add_scope_arguments(aging)
    aging.add_argument("--definition", metavar="NAME", help=_("the aging definition to use"))
    aging.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help=_("output format")
    )

    snapshot = commands.add_parser(
        "snapshot", help=_("store an aging snapshot and print its summary")
    )
    _add_scope_arguments(snapshot)

    promises = commands.add_parser(
        "promises",
        help=_("judge the promises to pay whose date and tolerance have passed (a daily job)"),
    )
    promises.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help=_("the day to judge on (default: today)")
    )
    promises.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)

    interest = commands.add_parser(
        "interest", help=_("create the interest notes due on overdue invoices")
    )
    _add_scope_arguments(interest)
    interest.add_argument(
        "--dry-run", action="store_true", help=_("print what would be charged; write nothing")
    )

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

    shot = commands.add_parser("screenshot", help=_("render a view to a PNG file, offscreen"))
    shot.add_argument("view", help=_("the view to render (see --list)"), nargs="?")
    shot.add_argument("output", help=_("the PNG file to write"), nargs="?")
    shot.add_argument("--customer", metavar="ACCOUNT", help=_("the customer to show"))
    shot.add_argument(
        "--user", metavar="NAME", help=_("work as this collections agent (default: the demo's)")
    )
    shot.add_argument("--size", metavar="WxH", default="1400x900", help=_("window size"))
    shot.add_argument("--list", action="store_true", help=_("list the views and exit"))
    shot.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    return parser


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


def main(argv: Sequence[str]) -> int:
    """Run one command and return its exit code."""
    set_language(_environment_language())
    args = build_parser().parse_args(list(argv))
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from collections_desktop.models.db.database import DatabaseOpenError
    from collections_desktop.models.db.failures import describe
    from collections_desktop.models.db.writing import DuplicatePostingError, RunInProgressError

    try:
        if args.smoke_test and args.command is None:
            from collections_desktop.smoke import run_smoke_test

            return run_smoke_test(args.database)
        if args.command is None:
            from collections_desktop.app import run_gui

            return run_gui(args.database)
        if args.command == "demo":
            return _demo(args)
        if args.command == "new-company":
            return _new_company(args)
        if args.command in ("aging", "snapshot"):
            return _aging(args)
        if args.command == "promises":
            return _promises(args)
        if args.command in ("interest", "letters"):
            return _charges_and_letters(args)
        if args.command == "screenshot":
            return _screenshot(args)
        if args.command == "import":
            return _import_receivables(args)
    except (DatabaseOpenError, RunInProgressError, DuplicatePostingError) as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (DBAPIError, sqlite3.Error) as error:
        # Whatever else the database said (a damaged page met by a query, a full disk…):
        # in words, never a traceback; every command writes in one transaction, so
        # nothing was saved.
        where = getattr(args, "database", None) or _default_database()
        print(_("error: {message}").format(message=describe(error, where)), file=sys.stderr)
        return EXIT_BAD_INPUT
    raise AssertionError(args.command)  # pragma: no cover - argparse rejects unknown commands


def _demo(args: argparse.Namespace) -> int:
    from collections_desktop.models.demo import DemoError, write_demo_company

    if args.customers < 1:
        print(_("error: --customers must be at least 1"), file=sys.stderr)
        return EXIT_BAD_INPUT
    url = args.database or _default_database()
    try:
        stats = write_demo_company(
            url, customers=args.customers, seed=args.seed, progress=_progress
        )
    except DemoError as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(stats.describe())
    return EXIT_OK


def _new_company(args: argparse.Namespace) -> int:
    from collections_desktop.models.clock import SystemClock
    from collections_desktop.models.company import CompanyError, create_company
    from collections_desktop.models.db.database import open_database
    from collections_desktop.models.db.writing import LEDGER, write_transaction

    url = args.database or _default_database()
    database = open_database(url)
    try:
        with write_transaction(database, run=LEDGER, what=_("new company")) as session:
            create_company(session, args.name, args.currency.upper(), SystemClock().now())
    except CompanyError as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        database.dispose()
    print(
        _("Company “{name}” ({currency}) set up in {database}.").format(
            name=args.name, currency=args.currency.upper(), database=url
        )
    )
    return EXIT_OK


def _aging(args: argparse.Namespace) -> int:
    """``aging`` prints the aging; ``snapshot`` stores it and prints the summary."""
    import datetime as dt

    from collections_desktop.models.aging import AgingDefinitionError, definition_id_by_name
    from collections_desktop.models.aging_report import to_csv, to_json, to_table
    from collections_desktop.models.clock import SystemClock
    from collections_desktop.models.db.database import open_database
    from collections_desktop.models.db.writing import write_transaction
    from collections_desktop.models.pools import PoolError, pool_id_by_name
    from collections_desktop.models.scope import ScopeError, company_scope, load_scope
    from collections_desktop.models.snapshot import age_customers, take_snapshot

    clock = SystemClock()
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else clock.today()
    except ValueError:
        print(_("error: --as-of must be a date like 2026-11-23"), file=sys.stderr)
        return EXIT_BAD_INPUT
    database = open_database(args.database or _default_database(), create=False)
    try:
        if args.command == "snapshot":
            with write_transaction(database, run="snapshot", what=_("snapshot")) as session:
                scope = load_scope(session, args.user) if args.user else company_scope(session)
                pool_id = pool_id_by_name(session, args.pool) if args.pool else None
                summary = take_snapshot(session, as_of, scope, clock.now(), pool_id=pool_id)
            print(_describe_snapshot(summary))
            return EXIT_OK
        with database.sessions() as session:
            scope = load_scope(session, args.user) if args.user else company_scope(session)
            pool_id = pool_id_by_name(session, args.pool) if args.pool else None
            definition = args.definition and definition_id_by_name(session, args.definition)
            result = age_customers(
                session, as_of, scope, pool_id=pool_id, definition_id=definition or None
            )
    except (AgingDefinitionError, PoolError, ScopeError) as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        database.dispose()
    if args.format == "csv":
        sys.stdout.write(to_csv(result))
    elif args.format == "json":
        sys.stdout.write(to_json(result, args.pool))
    else:
        sys.stdout.write(to_table(result, text_formats()))
    return EXIT_OK


def _as_of(args: argparse.Namespace, today: object) -> object:
    """The --as-of date, or ``today``; None (with a message) when it is not a date."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(args.as_of) if args.as_of else today
    except ValueError:
        print(_("error: --as-of must be a date like 2026-11-23"), file=sys.stderr)
        return None


def _promises(args: argparse.Namespace) -> int:
    """Judge the promises due and print what was found (one transaction)."""
    from collections_desktop.models.clock import SystemClock
    from collections_desktop.models.db.database import open_database
    from collections_desktop.models.db.writing import LEDGER, write_transaction
    from collections_desktop.models.promises import PromiseError, evaluate_promises

    clock = SystemClock()
    as_of = _as_of(args, clock.today())
    if as_of is None:
        return EXIT_BAD_INPUT
    database = open_database(args.database or _default_database(), create=False)
    try:
        with write_transaction(database, run=LEDGER, what=_("promises")) as session:
            result = evaluate_promises(session, as_of, clock.now())  # type: ignore[arg-type]
    except PromiseError as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        database.dispose()
    print(result.describe())
    return EXIT_OK


def _charges_and_letters(args: argparse.Namespace) -> int:
    """``interest`` posts interest notes, ``letters`` collection letters, for a scope."""
    from functools import partial

    from collections_desktop.models.clock import SystemClock
    from collections_desktop.models.db.database import open_database
    from collections_desktop.models.db.writing import LEDGER, write_transaction
    from collections_desktop.models.interest import (
        InterestError,
        calculate_interest,
        create_interest_notes,
    )
    from collections_desktop.models.letters import (
        LetterError,
        create_letters,
        propose_letters,
    )
    from collections_desktop.models.pools import PoolError, pool_id_by_name
    from collections_desktop.models.scope import ScopeError, company_scope, load_scope

    clock = SystemClock()
    as_of = _as_of(args, clock.today())
    if as_of is None:
        return EXIT_BAD_INPUT
    if args.command == "letters" and args.pdf and not args.dry_run:
        from collections_desktop.models.letter_documents import LetterFileError, check_folder

        try:  # before anything is posted: letters without their PDFs help nobody
            check_folder(args.pdf)
        except LetterFileError as error:
            print(
                _("error: {message}").format(message=error),
                _("No letter was posted."),
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
    formats = text_formats()
    database = open_database(args.database or _default_database(), create=False)
    # A dry run only reads; a run decides and posts in one write transaction.
    session_for_run = (
        database.sessions
        if args.dry_run
        else partial(
            write_transaction,
            database,
            run=LEDGER,
            what=_("interest") if args.command == "interest" else _("letters"),
        )
    )
    try:
        with session_for_run() as session:
            scope = load_scope(session, args.user) if args.user else company_scope(session)
            pool_id = pool_id_by_name(session, args.pool) if args.pool else None
            if args.command == "interest":
                for note in calculate_interest(session, scope, as_of, pool_id=pool_id):
                    print(
                        f"{note.account}  {note.customer_name}: "
                        + _("{lines} invoices, interest {interest}, fee {fee}").format(
                            lines=len(note.lines),
                            interest=formats.money(note.interest, note.currency),
                            fee=formats.money(note.fee, note.currency),
                        )
                    )
                if args.dry_run:
                    return EXIT_OK
                numbers = create_interest_notes(
                    session, scope, as_of, clock.now(), pool_id=pool_id, created_by_id=None
                )
            elif args.dry_run:
                for proposal in propose_letters(session, scope, as_of, pool_id=pool_id):
                    what = (
                        _("level {level} {name}, {amount} overdue, fee {fee}").format(
                            level=proposal.level,
                            name=proposal.level_name or "",
                            amount=formats.money(proposal.amount, proposal.currency),
                            fee=formats.amount(proposal.fee),
                        )
                        if proposal.will_send
                        else proposal.reason
                    )
                    print(f"{proposal.account}  {proposal.name}: {what}")
                return EXIT_OK
            else:  # interest posts interest notes only; the letters due wait for `letters`
                run = create_letters(
                    session, scope, as_of, clock.now(), pool_id=pool_id, created_by_id=None
                )
        if args.command == "interest":
            print(
                ngettext(
                    "{count} interest note created.",
                    "{count} interest notes created.",
                    len(numbers),
                ).format(count=len(numbers))
            )
            return EXIT_OK
        print(
            ngettext(
                "{created} collection letter created; {skipped} customers or items without one.",
                "{created} collection letters created; {skipped} customers or items without one.",
                run.created_count,
            ).format(created=run.created_count, skipped=run.skipped_count)
        )
        if args.pdf:  # this run's letters, and any an earlier run left without a PDF
            from collections_desktop.models.letter_documents import letters_without_document

            with database.sessions() as session:
                missing = letters_without_document(session, scope, as_of, pool_id=pool_id)  # type: ignore[arg-type]
            earlier = len(set(missing) - set(run.letter_ids))
            return _letter_pdfs(database, missing, args.pdf, clock.now, earlier)
    except (InterestError, LetterError, PoolError, ScopeError) as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        database.dispose()
    return EXIT_OK


def _letter_pdfs(database: object, missing: list, folder: str, now: object, earlier: int) -> int:
    """Write and record the PDFs of the ``missing`` letters (``earlier`` of them from
    earlier runs) and say how many; a write that fails is exit 2, naming the file."""
    from collections_desktop.models.letter_documents import DocumentRecorder, LetterFileError
    from collections_desktop.views.printing import print_missing_letters
    from collections_desktop.app import ensure_application

    recorder = DocumentRecorder(database, now)  # type: ignore[arg-type]
    ensure_application()
    try:
        paths = print_missing_letters(database, missing, folder, recorder)  # type: ignore[arg-type]
    except LetterFileError as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
        print(
            ngettext(
                "{written} of {count} PDF was written to {folder}; the letters are posted, "
                "and the next letters --pdf run writes the missing ones.",
                "{written} of {count} PDFs were written to {folder}; the letters are posted, "
                "and the next letters --pdf run writes the missing ones.",
                len(missing),
            ).format(written=recorder.written, count=len(missing), folder=folder),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    print(
        ngettext(
            "{count} PDF written to {folder}", "{count} PDFs written to {folder}", len(paths)
        ).format(count=len(paths), folder=folder)
    )
    if earlier:
        print(
            ngettext(
                "{count} of them was missing after an earlier run.",
                "{count} of them were missing after earlier runs.",
                earlier,
            ).format(count=earlier)
        )
    return EXIT_OK


def _describe_snapshot(summary: object) -> str:
    from collections_desktop.models.snapshot import SnapshotSummary

    assert isinstance(summary, SnapshotSummary)
    formats = text_formats()
    lines = [
        ngettext(
            "Snapshot {id} stored: {count} customer as of {date}, definition “{definition}”, "
            "{pool}.",
            "Snapshot {id} stored: {count} customers as of {date}, definition “{definition}”, "
            "{pool}.",
            summary.customer_count,
        ).format(
            id=summary.id,
            count=formats.count(summary.customer_count),
            date=formats.date(summary.as_of),
            definition=summary.definition_name,
            pool=_("pool “{name}”").format(name=summary.pool_name)
            if summary.pool_name
            else _("all pools"),
        )
    ]
    width = max(map(len, summary.labels), default=0)
    for label, total in zip(summary.labels, summary.totals, strict=True):
        lines.append(f"  {label.ljust(width)}  {formats.amount(total):>18}")
    lines.append(f"  {_('Balance').ljust(width)}  {formats.amount(summary.balance):>18}")
    return "\n".join(lines)


def _screenshot(args: argparse.Namespace) -> int:
    from collections_desktop.screenshot import VIEWS, ScreenshotError, render_screenshot

    if args.list:
        for name, description in VIEWS.items():
            print(f"{name:16} {_(description)}")
        return EXIT_OK
    if not args.view or not args.output:
        print(_("error: name a view and an output file (see --list)"), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        width, height = (int(part) for part in args.size.lower().split("x"))
    except ValueError:
        print(_("error: --size must look like 1400x900"), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        render_screenshot(
            args.view,
            args.output,
            database=args.database or _default_database(),
            customer=args.customer,
            size=(width, height),
            user=args.user,
        )
    except ScreenshotError as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _import_receivables(args: argparse.Namespace) -> int:
    """Check the mapping, then the whole file, and write it in one transaction (or nothing)."""
    from pathlib import Path

    from collections_desktop.models.clock import SystemClock
    from collections_desktop.models.db.database import open_database
    from collections_desktop.models.db.writing import LEDGER, write_transaction
    from collections_desktop.models.importers import ImportInputError
    from collections_desktop.models.importers.receivables import (
        import_receivables,
        load_receivables_mapping,
    )

    try:
        mapping = load_receivables_mapping(args.mapping)
    except ImportInputError as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    # Importing into a new, empty file would only leave a database without a company.
    database = open_database(args.database or _default_database(), create=False)
    try:
        with write_transaction(database, run=LEDGER, what=_("import")) as session:
            result = import_receivables(session, Path(args.file), mapping, SystemClock().now())
    except ImportInputError as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        database.dispose()
    print(result.describe())
    return EXIT_OK


def _environment_language() -> str:
    """The language of the environment (LC_ALL, LC_MESSAGES, LANG), as gettext reads it."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "").split(":")[0].split(".")[0]
        if value:
            return value
    return "en"


def _default_database() -> str:
    from collections_desktop.paths import default_database_path

    return str(default_database_path())


def _progress(done: int, total: int, what: str) -> None:
    if sys.stderr.isatty():
        count = text_formats().count
        end = "" if done < total else "\n"
        print(f"\r{what}: {count(done)}/{count(total)}", end=end, file=sys.stderr)
