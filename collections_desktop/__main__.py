"""Entry point of ``collections-desktop``: with no command it opens the app, else runs the CLI."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line or the GUI and return the process exit code."""
    from collections_desktop.cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
