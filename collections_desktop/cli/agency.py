"""The agency desk's commands: ``agency import`` (a client's case files)."""

from __future__ import annotations

import argparse

from collections_desktop.cli.common import EXIT_OK, opened_database, refusing


def import_cases(args: argparse.Namespace) -> int:
    """Check the mapping, then every row, and open the case files in one transaction."""
    import getpass
    from pathlib import Path

    from sqlalchemy import select

    from collections_desktop.i18n import _
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
