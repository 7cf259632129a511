"""Entry point of ``collections-desktop``: with no command it opens the app, else runs the CLI."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line or the GUI and return the process exit code."""
    from collections_desktop.cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    # The demo writer may start a helper process; a frozen build must let it boot.
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
