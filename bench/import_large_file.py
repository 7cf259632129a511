"""Benchmark: peak memory and time of importing a 200 MB CSV (2.3 million rows).

    python bench/import_large_file.py                 # the file with a bad last row
    python bench/import_large_file.py --write         # and a good one, written in full
    python bench/import_large_file.py --only-write    # only the good one
    python bench/import_large_file.py --rows 100000   # a smaller file

Generates the file in a temporary folder (it is never committed), sets up a new SQLite
company with ``collections-desktop new-company``, runs ``collections-desktop import
receivables`` under ``/usr/bin/time -v`` and prints its exit code, seconds and maximum
resident set size, and the rows in the database before and after (a bad last row must
leave it unchanged).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAPPING = """\
[source]
date_format = "%Y-%m-%d"
decimal_separator = "."

[columns]
customer_account = "Account"
customer_name = "Name"
document_number = "Invoice"
document_date = "Date"
due_date = "Due"
amount = "Amount"
settled_date = "Settled"
disputed = "Disputed"
"""
HEADER = "Account,Name,Invoice,Date,Due,Amount,Settled,Disputed\n"


def generate(path: Path, rows: int, customers: int, *, bad_last_row: bool) -> None:
    """Write ``rows`` invoices of ``customers`` customers; every third one settled."""
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(HEADER)
        for n in range(rows):
            customer = n % customers
            day = 1 + n % 28
            month = 1 + n // customers % 12
            settled = f"2024-{month:02d}-{day:02d}" if n % 3 == 0 else ""
            amount = f"{100 + n % 99_900}.{n % 100:02d}"
            if bad_last_row and n == rows - 1:
                amount = "1.23457E+11"
            file.write(
                f"C{customer:07d},Customer {customer:07d} Trading Ltd,INV-{n:010d},"
                f"2023-{month:02d}-{day:02d},2023-{month:02d}-{day:02d},{amount},{settled},"
                f"{'yes' if n % 50 == 0 else 'no'}\n"
            )


def run(database: Path, csv: Path, mapping: Path) -> tuple[int, float, int, str]:
    """Import under /usr/bin/time -v: exit code, seconds, peak RSS in KB, the last line."""
    command = [
        "/usr/bin/time",
        "-v",
        shutil.which("collections-desktop") or "collections-desktop",
        "import",
        "receivables",
        str(csv),
        "--mapping",
        str(mapping),
        "--database",
        str(database),
    ]
    print("$", " ".join(command[:2]), "collections-desktop", " ".join(command[3:]))
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1])  # type: ignore[index]
    said = done.stdout.strip() or done.stderr.strip().split("\n\tCommand being timed")[0]
    return done.returncode, seconds, peak, said.splitlines()[0][:200]


def count_rows(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("select count(*) from customer_transactions").fetchone()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_300_000)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--write", action="store_true", help="also import a good file in full")
    parser.add_argument("--only-write", action="store_true", help="only the good file")
    parser.add_argument("--folder", type=Path, help="where to put the files (default: a temp)")
    args = parser.parse_args(argv)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="collections-large-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    mapping = folder / "large.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    cases = [] if args.only_write else [("bad last row", True)]
    cases += [("good", False)] if args.write or args.only_write else []
    for label, bad in cases:
        csv = folder / f"large-{'bad' if bad else 'good'}.csv"
        generate(csv, args.rows, args.customers, bad_last_row=bad)
        database = folder / f"large-{'bad' if bad else 'good'}.sqlite"
        database.unlink(missing_ok=True)
        subprocess.run(
            ["collections-desktop", "new-company", "Bench", "--currency", "EUR",
             "--database", str(database)],
            check=True, capture_output=True,
        )  # fmt: skip
        before = count_rows(database)
        code, seconds, peak, said = run(database, csv, mapping)
        after = count_rows(database)
        print(
            f"{label}: {csv.stat().st_size / 1e6:,.0f} MB, {args.rows:,} rows; exit {code}, "
            f"{seconds:,.0f} s, peak RSS {peak / 1024:,.0f} MB; transactions {before:,} → "
            f"{after:,}\n  {said}",
            flush=True,
        )
    print(f"(files in {folder})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
