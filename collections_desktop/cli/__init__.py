"""The command line: ``collections-desktop [COMMAND] ...``.

With no command the desktop app opens. Commands are thin: ``parser`` names one handler per
command (``company``, ``aging``, ``runs``, ``gui``); a handler opens the database through
``common.opened_database`` and calls one function of ``models/`` (or the ``screenshot``
entry point), so the CLI, the GUI and the tests share every rule.
Exit codes: 0 done, 1 unexpected failure, 2 bad input (the message is on stderr).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from collections_desktop.cli.common import run_command
from collections_desktop.cli.parser import build_parser
from collections_desktop.i18n import set_language

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str]) -> int:
    """Run one command and return its exit code."""
    set_language(_environment_language())
    args = build_parser().parse_args(list(argv))
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return run_command(args)


def _environment_language() -> str:
    """The language of the environment (LC_ALL, LC_MESSAGES, LANG), as gettext reads it."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "").split(":")[0].split(".")[0]
        if value:
            return value
    return "en"
