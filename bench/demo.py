"""Benchmark: build the demo company into a temporary SQLite file and print the figures.

    python bench/demo.py                 # 100,000 customers (about 5 million transactions)
    python bench/demo.py 2000 --seed 3   # the CLI's default size
    python bench/demo.py 20000 --database postgresql://postgres@127.0.0.1/bench_demo

The file is deleted afterwards unless ``--keep`` is given; a PostgreSQL database named
with ``--database`` must be new and is left in place.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from collections_desktop.demo.load import write_demo_company


def main(argv: list[str] | None = None) -> int:
    """Build the demo once and print customers, transactions, seconds, rate and size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("customers", type=int, nargs="?", default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 23))
    parser.add_argument("--database", help="a PostgreSQL URL instead of a temporary file")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="collections-demo-bench-"))
    target = args.database or str(folder / "demo.sqlite")
    started = time.perf_counter()

    def progress(done: int, total: int, what: str) -> None:
        elapsed = time.perf_counter() - started
        print(f"\r{what}: {done:,}/{total:,} customers, {elapsed:.0f} s", end="", file=sys.stderr)

    stats = write_demo_company(
        target, customers=args.customers, seed=args.seed, today=args.today, progress=progress
    )
    print(file=sys.stderr)
    files = list(folder.glob("demo.sqlite*"))
    size = sum(path.stat().st_size for path in files)
    print(f"database          {stats.database}")
    print(f"customers         {stats.customers:,}")
    print(f"contacts          {stats.contacts:,}")
    print(f"transactions      {stats.transactions:,}")
    print(f"settlements       {stats.settlements:,}")
    print(f"settlement lines  {stats.settlement_lines:,}")
    print(f"status changes    {stats.status_changes:,}")
    print(f"activities        {stats.activities:,}")
    print(f"seconds           {stats.seconds:,.1f}")
    print(f"transactions/s    {stats.transactions / stats.seconds:,.0f}")
    if files:
        print(f"file size         {size / 2**20:,.0f} MiB ({size:,} bytes)")
    if args.keep and files:
        print(f"kept              {folder}")
    else:
        for path in files:
            path.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
