"""Benchmark: the customer explorer's read (the Customers page) on a large demo company.

    python bench/explorer.py demo.sqlite [--user lfernandez] [--today 2026-12-03]

Make the demo first (about 5 minutes on 2 cores):

    python -m collections_desktop demo --customers 100000 --seed 7 --database demo.sqlite

Times ``list_customers`` (the page's one statement) for the agent's pools and for the
whole company, with no filter, "debt older than 60 days", "older than 60 days, not
contacted since 30 days" and a text filter; each read is timed cold (the first in this
process, after opening the file) and warm (the median of ``--runs`` more). The figures
are wall and CPU time of the process (SQLite runs in it): on a shared machine the wall
time also holds the waits for a core and for the disk. Finally the page's whole read on
the worker (the statement, the filter choices, the texts and sort keys of every cell)
for the slowest case.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import statistics
import sys
import time
from pathlib import Path

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.people.scope import company_scope, load_viewer
from collections_desktop.models.screens.customer_list import CustomerFilters, list_customers
from collections_desktop.views.pages.customers_page import (
    CustomersQuery,
    customer_columns,
    load_customers,
)
from collections_desktop.views.tasks import TaskState

print = functools.partial(print, flush=True)  # progress as it comes, even into a file


def timed(work):  # type: ignore[no-untyped-def]
    """(wall seconds, CPU seconds, result) of one run of ``work``."""
    started, used = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - started, time.process_time() - used, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--user", default="lfernandez")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 12, 3))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.database.exists():
        print(f"{args.database} does not exist: make the demo first (see the docstring).")
        return 2
    today = args.today
    database = open_company(args.database, clock=FixedClock.on(today), create=False)
    with database.sessions() as session:
        viewer = load_viewer(session, args.user)
        everyone = company_scope(session)
    cases = {
        "no filter": CustomerFilters(),
        "debt older than 60 days": CustomerFilters(older_than_days=60),
        "older than 60 days, not contacted since 30 days": CustomerFilters(
            older_than_days=60, without_action_since=today - dt.timedelta(days=30)
        ),
        'text "ferr"': CustomerFilters(text="ferr"),
    }
    print(f"{args.database} as of {today}; wall / CPU seconds; warm = median of {args.runs}")
    for label, scope in ((f"{args.user}'s pools", viewer.scope), ("the whole company", everyone)):
        print(f"\n{label}")
        for name, filters in cases.items():

            def read(filters: CustomerFilters = filters, scope=scope):  # type: ignore[no-untyped-def]
                with database.sessions() as session:
                    return list_customers(session, scope, today, filters=filters)

            cold_wall, cold_cpu, rows = timed(read)
            warm = [timed(read) for _run in range(args.runs)]
            wall = statistics.median(w for w, _c, _r in warm)
            cpu = statistics.median(c for _w, c, _r in warm)
            print(
                f"  {name}: {len(rows):,} customers; cold {cold_wall:.2f} / {cold_cpu:.2f} s,"
                f" warm {wall:.2f} / {cpu:.2f} s"
            )
    columns = customer_columns(Formats("en_US"))
    query = CustomersQuery(
        viewer.scope, today, cases["older than 60 days, not contacted since 30 days"]
    )
    runs = [
        timed(lambda: load_customers(database, TaskState(), page=query, columns=columns))
        for _run in range(args.runs)
    ]
    print(
        f"\nthe page's whole read on the worker, {args.user}, older than 60 days, not "
        f"contacted since 30 days: {statistics.median(w for w, _c, _r in runs):.2f} /"
        f" {statistics.median(c for _w, c, _r in runs):.2f} s"
    )
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
