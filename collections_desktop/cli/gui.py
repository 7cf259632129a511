"""The commands that show the window: none (the app or ``--smoke-test``) and ``screenshot``."""

from __future__ import annotations

import argparse

from collections_desktop.cli.common import EXIT_OK, CommandError, database_url, refusing
from collections_desktop.i18n import _


def start(args: argparse.Namespace) -> int:
    """No command: the desktop app, or with ``--smoke-test`` the check of this installation."""
    if args.smoke_test:
        from collections_desktop.smoke import run_smoke_test

        return run_smoke_test(args.database)
    from collections_desktop.app import run_gui

    return run_gui(args.database)


def screenshot(args: argparse.Namespace) -> int:
    """Render a view to a PNG file offscreen, or with ``--list`` name the views."""
    from collections_desktop.screenshot import VIEWS, ScreenshotError, render_screenshot

    if args.list:
        for name, description in VIEWS.items():
            print(f"{name:16} {_(description)}")
        return EXIT_OK
    if not args.view or not args.output:
        raise CommandError(_("error: name a view and an output file (see --list)"))
    try:
        width, height = (int(part) for part in args.size.lower().split("x"))
    except ValueError as error:
        raise CommandError(_("error: --size must look like 1400x900")) from error
    with refusing(ScreenshotError):
        render_screenshot(
            args.view,
            args.output,
            database=database_url(args),
            customer=args.customer,
            size=(width, height),
            user=args.user,
            tab=args.tab,
        )
    return EXIT_OK
