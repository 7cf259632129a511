"""``billing run --month YYYY-MM`` and ``billing issue [--month YYYY-MM]``: a month's
pending invoices from the recurring lines, and issuing them as invoices.

Each decides and writes in one write transaction, so two runs at once make one set of
drafts and two issues at once post each draft once (the second finds nothing to do).
"""

from __future__ import annotations

import argparse

from collections_desktop.cli.common import EXIT_OK, opened_database
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _


def run(args: argparse.Namespace) -> int:
    """Make the month's pending invoices and say how many."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.billing.errors import BillingError
    from collections_desktop.models.billing.months import parse_month
    from collections_desktop.models.billing.run import create_month_drafts
    from collections_desktop.models.db.writing import write_transaction
    from collections_desktop.models.people.scope import company_scope

    clock = SystemClock()
    with opened_database(args, refused=(BillingError,)) as database:
        month = parse_month(args.month)
        with write_transaction(database, run="billing", what=_("billing run")) as session:
            result = create_month_drafts(session, company_scope(session), month, clock.now())
    print(result.describe(text_formats()))
    return EXIT_OK


def issue(args: argparse.Namespace) -> int:
    """Issue every pending invoice (of ``--month``) and print the numbers given."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.billing.errors import BillingError
    from collections_desktop.models.billing.issue import issue_drafts
    from collections_desktop.models.billing.months import parse_month
    from collections_desktop.models.db.writing import LEDGER, write_transaction
    from collections_desktop.models.people.scope import company_scope

    clock = SystemClock()
    with opened_database(args, refused=(BillingError,)) as database:
        month = parse_month(args.month) if args.month else None
        with write_transaction(database, run=LEDGER, what=_("billing issue")) as session:
            result = issue_drafts(
                session, company_scope(session), None, now=clock.now(), month=month
            )
    print(result.describe(text_formats()))
    return EXIT_OK
