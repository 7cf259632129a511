"""``agency import FILE --client CODE --mapping MAP.toml``: a client's case files."""

from __future__ import annotations

import argparse

from collections_desktop.cli.common import EXIT_OK, opened_database, refusing
from collections_desktop.i18n import _


def add_import_command(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``agency import`` among the ``agency`` actions."""
    importing = actions.add_parser(
        "import",
        help=_("open the case files a client assigned, from a CSV or XLSX file (all or nothing)"),
    )
    importing.add_argument("file", help=_("the CSV or XLSX file to import"))
    importing.add_argument(
        "--client", metavar="CODE", required=True, help=_("the client who assigned the cases")
    )
    importing.add_argument(
        "--mapping",
        metavar="MAP.toml",
        required=True,
        help=_("which column feeds which field (see docs/import-mappings/agency-cases.md)"),
    )
    importing.add_argument(
        "--user", metavar="NAME", help=_("the login of the employee who imports")
    )
    importing.add_argument("--database", metavar="URL", default=argparse.SUPPRESS)
    importing.set_defaults(handler=import_cases)


def import_cases(args: argparse.Namespace) -> int:
    """Check the mapping, then every row, and open the case files in one transaction."""
    import getpass
    from pathlib import Path

    from sqlalchemy import select

    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.db.schema import Employee
    from collections_desktop.models.db.writing import write_transaction
    from collections_desktop.models.importers import ImportInputError
    from collections_desktop.models.importers.agency.cases import import_case_files
    from collections_desktop.models.importers.agency.fields import load_case_mapping

    with refusing(ImportInputError):
        mapping = load_case_mapping(args.mapping)
    user = args.user or getpass.getuser()
    with (
        opened_database(args, refused=(ImportInputError,)) as database,
        write_transaction(database, what=_("import")) as session,
    ):
        by = session.scalar(
            select(Employee.id).where(Employee.user_name == user, Employee.deleted_at.is_(None))
        )
        result = import_case_files(
            session, Path(args.file), mapping, client_code=args.client, now=SystemClock().now(),
            by=by,
        )  # fmt: skip
    print(result.describe())
    return EXIT_OK
