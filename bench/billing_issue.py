"""Benchmark: a month's billing run, then 2,000 pending invoices issued in one step.

    python bench/billing_issue.py DATABASE            # a demo file; worked on a copy
    python bench/billing_issue.py --customers 2000    # builds a demo in a temporary file

The demo gives about a tenth of its customers recurring lines (``demo/billing.py``); the
months from December 2026 on are run until there are ``--drafts`` pending invoices
(each run timed), then exactly that many are issued in ONE write transaction, as the
Pending documents page's Issue does: checks, invoices posted with their numbers, their
lines and taxes, the drafts marked. Prints the seconds of each step; the target for
2,000 invoices is under 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.billing.issue import issue_drafts, pending_ids
from collections_desktop.models.billing.months import next_month
from collections_desktop.models.billing.run import create_month_drafts
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.schema import InvoiceLine, TransactionTax
from collections_desktop.models.db.writing import LEDGER, write_transaction
from collections_desktop.models.people.scope import company_scope

FIRST_MONTH = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?", help="a demo SQLite file (copied first)")
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--drafts", type=int, default=2000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-billing-"))
    try:
        path = folder / "demo.sqlite"
        if args.database:
            shutil.copy(args.database, path)
        else:
            started = time.perf_counter()
            write_demo_company(path, customers=args.customers, seed=7, today=dt.date(2026, 12, 3))
            print(f"demo of {args.customers} customers: {time.perf_counter() - started:.1f} s")
        database = open_company(path, clock=SystemClock())
        try:
            month, made = FIRST_MONTH, 0
            while made < args.drafts:
                started = time.perf_counter()
                with write_transaction(database, run="billing") as session:
                    result = create_month_drafts(session, company_scope(session), month, NOW)
                seconds = time.perf_counter() - started
                print(f"run {month:%Y-%m}: {result.drafts} drafts, {result.lines} lines "
                      f"in {seconds:.2f} s")  # fmt: skip
                if not result.drafts:
                    print("the demo has no recurring lines to bill", file=sys.stderr)
                    return 1
                made += result.drafts
                month = next_month(month)
            with database.sessions() as session:
                wanted = pending_ids(session, company_scope(session), as_of=NOW.date())
            wanted = wanted[: args.drafts]
            started = time.perf_counter()
            with write_transaction(database, run=LEDGER) as session:
                issued = issue_drafts(session, company_scope(session), wanted, now=NOW)
            seconds = time.perf_counter() - started
            with database.sessions() as session:
                lines = session.scalar(select(func.count()).select_from(InvoiceLine))
                taxes = session.scalar(select(func.count()).select_from(TransactionTax))
            print(
                f"issue: {len(issued.invoices)} invoices, {lines} lines, {taxes} tax rows "
                f"({issued.invoices[0].number} to "
                f"{issued.invoices[-1].number}) in {seconds:.2f} s "
                f"({len(issued.invoices) / seconds:,.0f} a second)"
            )
        finally:
            database.dispose()
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
              f"{platform.python_version()}, SQLite file")  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
