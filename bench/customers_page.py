"""Benchmark: the Customers page's read on a large demo company.

    QT_QPA_PLATFORM=offscreen python bench/customers_page.py demo.sqlite [--user lfernandez]

On a demo database (e.g. the 100,000-customer one from ``bench/demo.py --keep``; made
into the path first when no file is there, which takes many minutes), as of the demo's
day (``--today``, default 2026-11-23):
- times ``list_customers``, the page's one statement (the customers of the scope with
  their exact balances), for the agent's pools and for the whole company (an
  administrator's view), and then the same with a filter (on hold);
- times the page's whole read as it runs on the worker (``load_customers``: the
  statement, the filter choices and the texts and sort keys of every cell);
- times the real page offscreen: refresh → the grid filled (the GUI thread's share is
  swapping the prepared rows in).
Each figure is the median of ``--runs`` runs (default 3) after one warm-up run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import statistics
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from collections_desktop.demo.load import write_demo_company
from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.people.scope import AgentScope, company_scope, load_viewer
from collections_desktop.models.screens.customer_list import CustomerFilters, list_customers
from collections_desktop.views.context import PageContext
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.pages.customers_page import (
    CustomersPage,
    CustomersQuery,
    customer_columns,
    load_customers,
)
from collections_desktop.views.tasks import TaskRunner, TaskState

print = functools.partial(print, flush=True)  # progress as it comes, even into a file


CPU = {"seconds": 0.0}
"""The median CPU time of the last ``median_seconds`` (this process: SQLite runs in it)."""


def median_seconds(work, runs: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """One warm-up run, then the median of ``runs`` timed runs (and the last result);
    the median CPU time of the process goes to ``CPU``: on a shared machine the wall
    time also holds the waits for the disk and for a core."""
    result = work()
    times, cpu = [], []
    for _run in range(runs):
        started, used = time.perf_counter(), time.process_time()
        result = work()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    CPU["seconds"] = statistics.median(cpu)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--user", default="lfernandez")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 23))
    parser.add_argument("--customers", type=int, default=100_000, help="when making the demo")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    clock = FixedClock.on(args.today)
    if not args.database.exists():
        print(f"making the demo ({args.customers:,} customers) into {args.database}…")
        write_demo_company(args.database, customers=args.customers, seed=1, today=args.today)
    database = open_company(args.database, clock=clock, create=False)
    with database.sessions() as session:
        viewer = load_viewer(session, args.user)
        everyone = company_scope(session)
    formats = Formats("en_US")
    columns = customer_columns(formats)

    def statement(scope: AgentScope, **filters: object):  # type: ignore[no-untyped-def]
        def run():  # type: ignore[no-untyped-def]
            with database.sessions() as session:
                return list_customers(session, scope, args.today, **filters)  # type: ignore[arg-type]

        return run

    for label, scope in ((f"{args.user}'s pools", viewer.scope), ("the whole company", everyone)):
        seconds, rows = median_seconds(statement(scope), args.runs)
        print(
            f"list_customers, {label}: {len(rows):,} customers in {seconds:.2f} s"  # type: ignore[arg-type]
            f" (CPU {CPU['seconds']:.2f} s)"
        )
        seconds, rows = median_seconds(statement(scope, account_status="on_hold"), args.runs)
        print(
            f"  on hold only: {len(rows):,} customers in {seconds:.2f} s"  # type: ignore[arg-type]
            f" (CPU {CPU['seconds']:.2f} s)"
        )
        query = CustomersQuery(scope, args.today, CustomerFilters())
        seconds, _data = median_seconds(
            lambda query=query: load_customers(database, TaskState(), page=query, columns=columns),
            args.runs,
        )
        print(
            f"  the page's read with its texts (worker): {seconds:.2f} s"
            f" (CPU {CPU['seconds']:.2f} s)"
        )

    app = QApplication.instance() or QApplication(sys.argv)
    runner = TaskRunner()
    context = PageContext(
        database=database,
        runner=runner,
        viewer=viewer,
        clock=clock,
        formats=formats,
        icons=IconRegistry(),
    )
    page = CustomersPage(context)
    page.resize(1400, 900)
    page.show()
    times = []
    for run in range(args.runs + 1):
        loop = QEventLoop()
        page.loaded.connect(loop.quit)
        started = time.perf_counter()
        page.refresh()
        QTimer.singleShot(600_000, loop.quit)
        loop.exec()
        page.loaded.disconnect(loop.quit)
        if run:
            times.append(time.perf_counter() - started)
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"the page, {args.user}: refresh → {page.grid.model.rowCount():,} rows shown in "
        f"{statistics.median(times):.2f} s"
    )
    page.close()
    runner.shutdown()
    database.dispose()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
