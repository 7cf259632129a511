"""Benchmark: aging snapshot of a whole company next to hand-written SQL, and one live aging.

    python bench/aging.py DATABASE                # e.g. a 100,000-customer demo file
    python bench/aging.py --customers 2000        # builds a demo in a temporary file first
    python bench/aging.py DATABASE --as-of 2026-06-30 --repeat 5

Prints, each the best of ``--repeat`` runs in this process:
- baseline: one hand-written SQL statement giving each customer's open amount per aging
  column, over the same tables and indexes (``closed_on`` included), fetched and nothing
  more — the floor for any aging of the company;
- textbook: the same columns written the usual way, joining every transaction to the sum
  of its settlement lines (no ``closed_on``), for comparison;
- age_customers: the app's aggregate with the header facts and risk inputs, made into rows;
- snapshot: ``take_snapshot`` (aggregate + storing every header and line), rolled back;
- the ratio snapshot / baseline and transactions per second;
- live aging of the customer with the most transactions (median of 50 runs);
- the query plans of the app's two aggregates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select, text

from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.aging.definitions import age_customer, load_definition
from collections_desktop.models.aging.snapshot import (
    age_customers,
    closed_invoices_query,
    open_query,
    take_snapshot,
)
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.schema import CustomerTransaction
from collections_desktop.models.people.scope import company_scope

_BOUNDS = (
    "t.due_date >= :d",
    "t.due_date < :d AND t.due_date >= :d30",
    "t.due_date < :d30 AND t.due_date >= :d60",
    "t.due_date < :d60 AND t.due_date >= :d90",
    "t.due_date < :d90 AND t.due_date >= :d120",
    "t.due_date < :d120",
)


def _columns(open_amount: str) -> str:
    """Current, the four periods and over 120 days (debits), then Unapplied (credits)."""
    debits = [
        f"SUM(CASE WHEN t.amount >= 0 AND {b} THEN {open_amount} ELSE 0 END)" for b in _BOUNDS
    ]
    return ",\n  ".join([*debits, f"SUM(CASE WHEN t.amount < 0 THEN {open_amount} ELSE 0 END)"])


BASELINE = """
SELECT t.customer_id,
  {columns}
FROM customer_transactions t {hint}
WHERE t.posting_date <= :d AND (t.closed_on IS NULL OR t.closed_on > :d)
GROUP BY t.customer_id
""".replace(
    "{columns}",
    _columns(
        "(t.amount_accounting - COALESCE((SELECT SUM(l.amount_accounting) "
        "FROM settlement_lines l WHERE l.transaction_id = t.id AND l.settlement_date <= :d), 0))"
    ),
)

TEXTBOOK = f"""
SELECT t.customer_id,
  {_columns("(t.amount_accounting - COALESCE(s.settled, 0))")}
FROM customer_transactions t
LEFT JOIN (SELECT transaction_id, SUM(amount_accounting) AS settled FROM settlement_lines
           WHERE settlement_date <= :d GROUP BY transaction_id) s ON s.transaction_id = t.id
WHERE t.posting_date <= :d
GROUP BY t.customer_id
"""


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    """The fastest of ``repeat`` runs, in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?", help="a SQLite file or a PostgreSQL URL")
    parser.add_argument("--customers", type=int, default=2000, help="demo size when building")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 23))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--textbook", action="store_true", help="also time the textbook query")
    args = parser.parse_args(argv)

    target = args.database
    if target is None:
        target = str(Path(tempfile.mkdtemp(prefix="collections-aging-bench-")) / "demo.sqlite")
        print(f"building a demo of {args.customers:,} customers ...", file=sys.stderr)
        write_demo_company(target, customers=args.customers, seed=1, today=args.as_of)
    database = open_company(target, clock=SystemClock())
    as_of = args.as_of
    bounds = {"d": as_of, **{f"d{n}": as_of - dt.timedelta(days=n) for n in (30, 60, 90, 120)}}
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}; "
          f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
          f"{database.engine.dialect.name}")  # fmt: skip

    sqlite = database.engine.dialect.name == "sqlite"
    with database.sessions() as session:
        scope = company_scope(session)
        definition = load_definition(session)
        posted = session.scalar(
            select(func.count()).where(CustomerTransaction.posting_date <= as_of)
        )
        customers = session.scalar(
            select(func.count(func.distinct(CustomerTransaction.customer_id)))
        )
        print(f"data: {customers:,} customers with transactions, {posted:,} transactions "
              f"posted by {as_of}")  # fmt: skip

        def sql(statement: str) -> Callable[[], object]:
            return lambda: session.execute(text(statement), bounds).all()

        hint = "INDEXED BY ix_customer_transactions_closed_on" if sqlite else ""
        baseline, rows = best_of(args.repeat, sql(BASELINE.replace("{hint}", hint)))
        print(f"baseline (hand-written SQL):  {baseline:7.3f} s  ({len(rows):,} customers)")
        if args.textbook:
            textbook, _rows = best_of(1, sql(TEXTBOOK))
            print(f"textbook SQL (no closed_on):  {textbook:7.3f} s")
        aged, result = best_of(args.repeat, lambda: age_customers(session, as_of, scope))
        print(f"age_customers:                {aged:7.3f} s  ({len(result.rows):,} customers)")

        def snapshot() -> object:
            summary = take_snapshot(session, as_of, scope, dt.datetime.now(dt.UTC))
            session.rollback()
            return summary

        snap, summary = best_of(args.repeat, snapshot)
        print(f"snapshot (aggregate + store): {snap:7.3f} s  "
              f"({summary.customer_count:,} customers, "
              f"{summary.customer_count * len(summary.labels):,} lines)")  # fmt: skip
        print(f"ratio snapshot / baseline:    {snap / baseline:7.2f}")
        print(f"ratio aggregate / baseline:   {aged / baseline:7.2f}")
        print(f"snapshot throughput:          {posted / snap:,.0f} transactions/s")

        biggest = session.execute(
            select(CustomerTransaction.customer_id, func.count().label("n"))
            .group_by(CustomerTransaction.customer_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        times = []
        for _ in range(50):
            started = time.perf_counter()
            age_customer(session, biggest.customer_id, as_of, definition)
            times.append(time.perf_counter() - started)
        print(f"live aging, one customer ({biggest.n:,} transactions): "
              f"median {statistics.median(times) * 1000:.1f} ms, "
              f"max {max(times) * 1000:.1f} ms")  # fmt: skip

        if sqlite:
            condition = scope.customer_condition(as_of)
            for title, query in (
                (
                    "open amounts per column",
                    open_query(as_of, definition, condition, by_closed_on=True),
                ),
                ("recent invoices closed", closed_invoices_query(as_of, condition)),
            ):
                compiled = query.compile(database.engine, compile_kwargs={"literal_binds": True})
                print(f"\nEXPLAIN QUERY PLAN ({title}):")
                for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")):
                    print(f"  {row[0]:>3} {row[1]:>3}  {row[3]}")
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
