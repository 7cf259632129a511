"""Two runs at once: the rows each daily job posts when started twice at the same moment.

    python bench/concurrent_runs.py [--customers 2000] [--postgres URL]

Writes a demo company (books to 2026-11-22) into a SQLite file and, with ``--postgres``
(a server URL whose user may create databases), into a PostgreSQL database. For each of
``interest``, ``letters`` and ``promises`` as of 2026-11-30 it makes two fresh copies,
runs the command once on the first and twice at the same moment (two processes) on the
second, and prints the rows before, after one run and after the two runs, with each
process's exit code and last line. The two columns must be equal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from collections_desktop.demo.load import write_demo_company

TABLES = {
    "interest": "interest_notes",
    "letters": "collection_letters",
    "promises": "promise_results",
}


def count(url: str, table: str) -> int:
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "collections_desktop", *args]


def compare(label: str, copy: Callable[[], str]) -> None:
    print(f"\n{label}")
    print(f"  {'run':<10}{'before':>8}{'one run':>9}{'two at once':>13}  exits, last lines")
    for command, table in TABLES.items():
        once, twice = copy(), copy()
        before = count(twice, table)
        args = (command, "--as-of", "2026-11-30", "--database")
        subprocess.run(cli(*args, once), check=True, capture_output=True)
        started = time.perf_counter()
        processes = [
            subprocess.Popen(cli(*args, twice), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        outcomes = []
        for process in processes:
            out, err = process.communicate()
            last = (err or out).decode().strip().splitlines()[-1:] or [""]
            outcomes.append(f"{process.returncode}: {last[0][:60]}")
        seconds = time.perf_counter() - started
        print(
            f"  {command:<10}{before:>8}{count(once, table):>9}{count(twice, table):>13}  "
            f"{' | '.join(outcomes)} ({seconds:.1f} s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--postgres", metavar="URL")
    args = parser.parse_args()
    today = dt.date(2026, 11, 23)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "demo.sqlite"
        write_demo_company(source, customers=args.customers, seed=1, today=today)
        made = iter(range(100))

        def sqlite_copy() -> str:
            target = Path(folder) / f"copy{next(made)}.sqlite"
            shutil.copy(source, target)
            return str(target)

        compare(f"SQLite, {args.customers:,} customers", sqlite_copy)
        if args.postgres:
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            template = f"cd_bench_{uuid.uuid4().hex[:8]}"
            names = [template]
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{template}"'))
            server = make_url(args.postgres)

            def url(name: str) -> str:
                return server.set(database=name).render_as_string(hide_password=False)

            def pg_copy() -> str:
                name = f"cd_bench_{uuid.uuid4().hex[:8]}"
                names.append(name)
                with admin.connect() as connection:
                    connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
                return url(name)

            try:
                write_demo_company(url(template), customers=args.customers, seed=1, today=today)
                compare(f"PostgreSQL, {args.customers:,} customers", pg_copy)
            finally:
                with admin.connect() as connection:
                    for name in names:
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
