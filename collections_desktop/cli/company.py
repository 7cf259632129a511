"""Filling a database: ``demo`` (a demo company), ``new-company`` and ``import receivables``."""

from __future__ import annotations

import argparse
import sys

from collections_desktop.cli.common import (
    EXIT_OK,
    CommandError,
    database_url,
    opened_database,
    refusing,
)
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _

DEMO_CUSTOMERS = 2000
"""The demo company's customers unless ``--customers`` says otherwise."""
AGENCY_DEMO_CUSTOMERS = 200
"""With ``--agency`` the company is only the background: fewer customers."""


def demo(args: argparse.Namespace) -> int:
    """Write a demo company into a new database and say what it holds."""
    from collections_desktop.demo.load import DemoError, write_demo_company

    agency = getattr(args, "agency", False)
    customers = args.customers
    if customers is None:
        customers = AGENCY_DEMO_CUSTOMERS if agency else DEMO_CUSTOMERS
    if customers < 1:
        raise CommandError(_("error: --customers must be at least 1"))
    if agency and args.cases < 1:
        raise CommandError(_("error: --cases must be at least 1"))
    with refusing(DemoError):
        stats = write_demo_company(
            database_url(args),
            customers=customers,
            seed=args.seed,
            progress=_progress,
            payments=True,
            agency=args.cases if agency else None,
        )
    print(stats.describe())
    return EXIT_OK


def new_company(args: argparse.Namespace) -> int:
    """Set up an empty company (reference data, its first user, no customers) to import into.

    A new file appears only once the company is complete (``models.company.new_file``).
    """
    import getpass

    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.company.new_file import (
        NewCompany,
        NewFileError,
        create_company_database,
        write_company,
    )
    from collections_desktop.models.company.setup import CompanyError
    from collections_desktop.models.team.login import is_postgresql

    login = args.login or getpass.getuser()
    details = NewCompany(
        name=args.name,
        currency=args.currency.upper(),
        country=args.country.upper() if args.country else None,
        language=args.language,
        user_name=args.user_name or login,
        login=login,
    )
    url = database_url(args)
    if is_postgresql(url):
        with (
            opened_database(args, create=True, refused=(CompanyError,)) as database,
            refusing(CompanyError),
        ):
            write_company(database, details, SystemClock().now())
    else:
        with refusing(CompanyError, NewFileError):
            create_company_database(url, details, clock=SystemClock())
    print(
        _("Company “{name}” ({currency}) set up in {database}; its first user is {login}.").format(
            name=details.name, currency=details.currency, database=url, login=login
        )
    )
    return EXIT_OK


def import_receivables(args: argparse.Namespace) -> int:
    """Check the mapping, then the whole file, and write it in one transaction (or nothing)."""
    from pathlib import Path

    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.db.writing import LEDGER, write_transaction
    from collections_desktop.models.importers import ImportInputError
    from collections_desktop.models.importers.receivables.fields import load_receivables_mapping
    from collections_desktop.models.importers.receivables.write import import_receivables

    with refusing(ImportInputError):
        mapping = load_receivables_mapping(args.mapping)
    # Importing into a new, empty file would only leave a database without a company.
    with (
        opened_database(args, refused=(ImportInputError,)) as database,
        write_transaction(database, run=LEDGER, what=_("import")) as session,
    ):
        result = import_receivables(session, Path(args.file), mapping, SystemClock().now())
    print(result.describe())
    return EXIT_OK


def _progress(done: int, total: int, what: str) -> None:
    """The demo writer's progress on a terminal's stderr (nothing when it is redirected)."""
    if sys.stderr.isatty():
        count = text_formats().count
        end = "" if done < total else "\n"
        print(f"\r{what}: {count(done)}/{count(total)}", end=end, file=sys.stderr)
