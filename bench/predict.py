"""Time the pay-date predictions on a company file: reading the invoices, learning, scoring
every open invoice and storing the predictions, then the back-test.

    collections-desktop demo --customers 100000 --seed 1 --database demo.sqlite
    PYTHONPATH=$PWD python bench/predict.py demo.sqlite
    PYTHONPATH=$PWD python bench/predict.py demo.sqlite --cutoff 2026-06-01

Each step is timed once, from a cold start of this process (the file may be in the OS's
cache from an earlier run; the figures say which). The stored predictions are rolled back.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from collections_desktop.models.db.database import open_database
from collections_desktop.models.predict import store
from collections_desktop.models.predict.backtest import backtest
from collections_desktop.models.predict.history import OPEN, day_number, read_invoices
from collections_desktop.models.predict.model import fit, predict, settled_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--as-of", default=dt.date.today().isoformat())
    parser.add_argument("--cutoff", help="also run the back-test at this cut-off")
    args = parser.parse_args()
    now = dt.datetime.now(dt.UTC)
    as_of = dt.date.fromisoformat(args.as_of)
    database = open_database(args.database, now=now, create=False)
    day = day_number(as_of)
    with database.sessions() as session:
        started = time.perf_counter()
        since = as_of.replace(year=as_of.year - store.HISTORY_YEARS, day=min(as_of.day, 28))
        invoices = read_invoices(session, settled_after=since)
        read = time.perf_counter()
        history = settled_before(invoices, day)
        model = fit(history, day)
        learned = time.perf_counter()
        scored = invoices.take(invoices.settled == OPEN)
        predict(model, history, scored, day)
        scoring = time.perf_counter()
    print(f"{len(invoices):,} invoices read in {read - started:.2f} s")
    print(f"learned from {len(history):,} settled invoices in {learned - read:.2f} s")
    print(f"scored {len(scored):,} open invoices in {scoring - learned:.2f} s")
    with database.sessions() as session:
        started = time.perf_counter()
        run = store.predict_open_invoices(session, as_of, now)
        whole = time.perf_counter() - started
        session.rollback()
    print(
        f"predict_open_invoices (read, learn, score, store {run.predicted:,} rows): {whole:.2f} s"
    )
    if args.cutoff:
        with database.sessions() as session:
            started = time.perf_counter()
            scores = backtest(session, dt.date.fromisoformat(args.cutoff))
            took = time.perf_counter() - started
        for score in scores:
            print(
                f"  {score.method:26} {score.count:>9,} invoices  "
                f"MAE {score.mean_absolute_error:.2f} days"
            )
        print(f"back-test: {took:.2f} s")
    database.dispose()


if __name__ == "__main__":
    main()
