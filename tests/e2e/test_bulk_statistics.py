"""Bulk writes leave the planner's statistics behind: the demo and the import analyse.

A table filled in one transaction has no statistics until something analyses it, and
PostgreSQL then plans for a table of a few pages (the aging aggregate took 167 s instead
of 2 s on a 20,000-customer demo). These run the commands as a user does and read the
statistics the planners use: ``pg_class.reltuples`` and ``pg_stat_user_tables`` on
PostgreSQL, ``sqlite_stat1`` on SQLite.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from collections_desktop.demo.writer import COLUMNS
from collections_desktop.kernel.clock import FixedClock, SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import create_company
from collections_desktop.models.importers.receivables.write import FILLED_TABLES
from tests.shared_data import shared_file

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "docs" / "import-mappings" / "ibm-accounts-receivable.toml"


def sqlite_statistics(path: Path) -> dict[str, int]:
    """Rows per table as ``sqlite_stat1`` records them (the first figure of each index)."""
    with sqlite3.connect(path) as connection:
        if not connection.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).fetchall():
            return {}
        rows = connection.execute("SELECT tbl, stat FROM sqlite_stat1").fetchall()
    return {table: int(stat.split()[0]) for table, stat in rows}


def sqlite_counts(path: Path, tables: tuple[str, ...]) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_demo_on_postgresql_leaves_statistics(run_cli, pg_url: str) -> None:
    url = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    done = run_cli("demo", "--customers", "30", "--seed", "2", "--database", url)
    assert done.returncode == 0, done.stderr

    engine = create_engine(pg_url)
    try:
        with engine.connect() as connection:
            counts = {
                table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                for table in COLUMNS
            }
            stats = {
                row.relname: (row.reltuples, row.last_analyze, row.n_live_tup)
                for row in connection.execute(
                    text(
                        "SELECT s.relname, c.reltuples, s.last_analyze, s.n_live_tup "
                        "FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"
                    )
                )
            }
    finally:
        engine.dispose()
    assert counts["customers"] == 30
    assert counts["customer_transactions"] > 30 * 20
    for table, rows in counts.items():
        reltuples, last_analyze, live = stats[table]
        assert last_analyze is not None, table
        # A table this small is read whole: the planner's row count is the exact count.
        assert reltuples == rows, table
        assert live == rows, table


def test_demo_on_sqlite_leaves_statistics(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    done = run_cli("demo", "--customers", "30", "--seed", "2", "--database", str(path))
    assert done.returncode == 0, done.stderr

    counts = sqlite_counts(path, tuple(COLUMNS))
    statistics = sqlite_statistics(path)
    assert counts["customer_transactions"] > 30 * 20
    assert {table: statistics[table] for table in COLUMNS} == counts


def test_import_on_sqlite_leaves_statistics(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "company.sqlite"
    database = open_company(path, clock=SystemClock())
    with database.sessions.begin() as session:
        create_company(session, "Import SA", "USD", FixedClock.on(dt.date(2026, 11, 23)).now())
    database.dispose()
    assert sqlite_statistics(path) == {}

    ibm = shared_file("ar/ibm/WA_Fn-UseC_-Accounts-Receivable.csv")
    done = run_cli(
        "import", "receivables", str(ibm), "--mapping", str(MAPPING), "--database", str(path)
    )
    assert done.returncode == 0, done.stderr

    statistics = sqlite_statistics(path)
    assert {table: statistics.get(table) for table in FILLED_TABLES} == {
        "customers": 100,
        "customer_transactions": 4932,
        "settlements": 2466,
        "settlement_lines": 4932,
        "collection_status_history": 561,
    }
