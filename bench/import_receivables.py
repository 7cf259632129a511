"""Benchmark: import the shared sample ledgers into fresh databases and print the figures.

    python bench/import_receivables.py
    python bench/import_receivables.py --database postgresql://postgres@127.0.0.1/postgres

Each file is imported twice into a new company (the second run finds everything already
imported) with the example mappings of docs/import-mappings. With ``--database`` a new
PostgreSQL database is created beside the one named, and dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import create_company
from collections_desktop.models.importers.receivables.fields import load_receivables_mapping
from collections_desktop.models.importers.receivables.write import import_receivables

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "ar"
MAPPINGS = ROOT / "docs" / "import-mappings"
FILES = (
    ("ibm/WA_Fn-UseC_-Accounts-Receivable.csv", "ibm-accounts-receivable.toml"),
    (
        "ibm/variants/pbifinanceml__WA_Fn-UseC_-Accounts-Receivable.csv",
        "ibm-accounts-receivable.toml",
    ),
    ("cassandra_udyam2022/trainData.csv", "cassandra-udyam2022.toml"),
    ("cassandra_udyam2022/testData.csv", "cassandra-udyam2022.toml"),
)
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def main(argv: list[str] | None = None) -> int:
    """Import each sample file twice and print rows, seconds and rows per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL server URL instead of SQLite files")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="collections-import-bench-"))
    print(f"{'file':<58} {'rows':>6} {'first s':>8} {'rows/s':>7} {'again s':>8}")
    for index, (name, mapping_name) in enumerate(FILES):
        target, drop = _new_database(args.database, folder / f"import-{index}.sqlite")
        database = open_company(target, clock=SystemClock())
        try:
            with database.sessions.begin() as session:
                create_company(session, "Bench", "USD", NOW)
            mapping = load_receivables_mapping(MAPPINGS / mapping_name)
            seconds = []
            for _run in range(2):
                started = time.perf_counter()
                with database.sessions.begin() as session:
                    result = import_receivables(session, DATA / name, mapping, NOW)
                seconds.append(time.perf_counter() - started)
            rate = result.rows / seconds[0]
            print(
                f"{name:<58} {result.rows:>6,} {seconds[0]:>8.2f} {rate:>7,.0f} {seconds[1]:>8.2f}"
            )
        finally:
            database.dispose()
            drop()
    return 0


def _new_database(server: str | None, path: Path):  # type: ignore[no-untyped-def]
    """A new SQLite file, or a new database on the PostgreSQL server; and how to drop it."""
    if server is None:
        return str(path), lambda: None
    name = f"bench_import_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


if __name__ == "__main__":
    raise SystemExit(main())
