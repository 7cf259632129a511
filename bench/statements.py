"""Benchmark: the account statements of every customer of a company, as PDF.

    python bench/statements.py DATABASE [--month 2026-11]   # e.g. the 2,000-customer demo
    python bench/statements.py --customers 2000             # builds a demo in a temporary file

Prints, for every customer of the company (open balance or not), the month's statements:
- read: ``read_statements`` for all of them (in batches of 200, as the command does);
- PDF: ``statement_pdf_bytes`` of each, in memory: time, per statement, total size;
- written: the same PDFs written whole (``write_atomically``: a temporary name, fsync,
  rename) into a temporary folder, as ``collections-desktop statements --pdf`` does;
- the statements with an open balance at the month's end (what the command writes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from collections_desktop.app import ensure_application
from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.schema import Customer
from collections_desktop.models.letters.documents import write_atomically
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.statements.period import last_month, parse_month
from collections_desktop.models.statements.statement import (
    file_name,
    read_statements,
    statement_customers,
)
from collections_desktop.views.statement_pdf import statement_pdf_bytes

BATCH = 200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?", help="a company file (default: a new demo)")
    parser.add_argument("--customers", type=int, default=2000, help="the demo's size")
    parser.add_argument("--month", help="YYYY-MM (default: the month before today)")
    args = parser.parse_args()
    period = parse_month(args.month) if args.month else last_month(dt.date.today())
    with tempfile.TemporaryDirectory() as scratch:
        path = args.database
        if path is None:
            path = str(Path(scratch) / "demo.sqlite")
            started = time.perf_counter()
            write_demo_company(path, customers=args.customers, seed=7)
            print(f"demo of {args.customers} customers in {time.perf_counter() - started:.1f} s")
        ensure_application()
        database = open_company(path, create=False, clock=SystemClock())
        try:
            with database.sessions() as session:
                ids = list(
                    session.scalars(
                        select(Customer.id)
                        .where(Customer.deleted_at.is_(None))
                        .order_by(Customer.account)
                    )
                )
                owing = statement_customers(session, company_scope(session), period.end)
                started = time.perf_counter()
                statements = []
                for start in range(0, len(ids), BATCH):
                    statements += read_statements(session, ids[start : start + BATCH], period)
                read = time.perf_counter() - started
        finally:
            database.dispose()
        movements = sum(len(s.movements) for s in statements)
        started = time.perf_counter()
        sizes, pages = [], []
        for found in statements:
            data = statement_pdf_bytes(found)
            sizes.append(len(data))
            pages.append(data.count(b"/Type /Page\n") or data.count(b"/Type/Page"))
        printed = time.perf_counter() - started
        folder = Path(scratch) / "pdf"
        folder.mkdir()
        started = time.perf_counter()
        for found in statements:
            write_atomically(folder / file_name(found, "pdf"), statement_pdf_bytes(found))
        written = time.perf_counter() - started
    count = len(statements)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"company: {path}; month {period.name}: {count} customers, {movements} movements")
    print(f"  with an open balance at the month's end: {len(owing)}")
    print(f"read:    {read:6.2f} s for {count} statements ({read / count * 1000:.2f} ms each)")
    print(
        f"PDF:     {printed:6.2f} s in memory ({printed / count * 1000:.1f} ms each), "
        f"{sum(sizes) / 1e6:.1f} MB in all, median {statistics.median(sizes) / 1e3:.1f} kB, "
        f"largest {max(sizes) / 1e3:.1f} kB"
    )
    print(
        f"written: {written:6.2f} s printed and written whole "
        f"({written / count * 1000:.1f} ms each)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
