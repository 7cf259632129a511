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
from collections_desktop.i18n import _, set_language

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

    shot = commands.add_parser("screenshot", help=_("render a view to a PNG file, offscreen"))
    shot.add_argument("view", help=_("the view to render (see --list)"), nargs="?")
    shot.add_argument("output", help=_("the PNG file to write"), nargs="?")
    shot.add_argument("--customer", metavar="ACCOUNT", help=_("the customer to show"))
    shot.add_argument("--size", metavar="WxH", default="1400x900", help=_("window size"))
    shot.add_argument("--list", action="store_true", help=_("list the views and exit"))
    shot.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str]) -> int:
    """Run one command and return its exit code."""
    set_language(_environment_language())
    args = build_parser().parse_args(list(argv))
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from collections_desktop.models.db.database import DatabaseOpenError

    try:
        if args.smoke_test and args.command is None:
            from collections_desktop.views.smoke import run_smoke_test

            return run_smoke_test(args.database)
        if args.command is None:
            from collections_desktop.app import run_gui

            return run_gui(args.database)
        if args.command == "demo":
            return _demo(args)
        if args.command == "screenshot":
            return _screenshot(args)
    except DatabaseOpenError as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
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


def _screenshot(args: argparse.Namespace) -> int:
    from collections_desktop.views.screenshot import VIEWS, ScreenshotError, render_screenshot

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
        )
    except ScreenshotError as error:
        print(_("error: {message}").format(message=error), file=sys.stderr)
        return EXIT_BAD_INPUT
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
