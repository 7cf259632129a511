"""Kill runs mid-write: an interest run and an import, each killed at a random moment.

    python bench/kill_runs.py [--kills 20] [--customers 500]

For each kind, on a fresh copy of the same database every time, it starts the command as
a real process, sends SIGKILL after a random delay (40 % to 110 % of one whole run's time,
the start-up being the first part), then counts the rows of the posted tables and runs
``PRAGMA integrity_check``. Every outcome must be the rows before the run or the rows
after a whole run, never in between; it prints how many kills left each, and how many
runs finished before the kill.
- ``interest --as-of 2026-11-30`` on a demo company (books to 2026-11-22);
- ``import receivables`` of the IBM sample ledger (2,466 rows) into an empty company.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import FixedClock, SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import create_company

ROOT = Path(__file__).resolve().parents[1]
IBM = ROOT.parent / "shared/data/ar/ibm/WA_Fn-UseC_-Accounts-Receivable.csv"
MAPPING = ROOT / "docs/import-mappings/ibm-accounts-receivable.toml"
TABLES = (
    "customers",
    "customer_transactions",
    "settlements",
    "settlement_lines",
    "journals",
    "interest_notes",
    "interest_note_lines",
)


def rows(path: Path) -> tuple[tuple[int, ...], str]:
    """The row counts of the posted tables and the integrity check's verdict."""
    with sqlite3.connect(path) as connection:
        counts = tuple(
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES
        )
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
    connection.close()
    return counts, verdict


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "collections_desktop", *args]


def kill_loop(label: str, source: Path, args: list[str], kills: int, folder: Path) -> None:
    """Run ``args`` (with ``--database`` appended) on copies of ``source``, killing each."""
    before = rows(source)
    whole = folder / "whole.sqlite"
    shutil.copy(source, whole)
    started = time.perf_counter()
    subprocess.run(command(*args, "--database", str(whole)), check=True, capture_output=True)
    seconds = time.perf_counter() - started
    after = rows(whole)
    outcomes: Counter[str] = Counter()
    chance = random.Random(7)
    for attempt in range(kills):
        target = folder / f"kill{attempt}.sqlite"
        shutil.copy(source, target)
        process = subprocess.Popen(
            command(*args, "--database", str(target)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(chance.uniform(0.4 * seconds, 1.1 * seconds))
        finished = process.poll() is not None
        if not finished:
            process.send_signal(signal.SIGKILL)
        process.wait()
        found = rows(target)
        if found == before:
            outcomes["rows before (nothing written)" + (", run ended" if finished else "")] += 1
        elif found == after:
            outcomes["rows of a whole run" + ("" if finished else ", killed at the commit")] += 1
        else:
            outcomes[f"IN BETWEEN: {found}"] += 1
        for path in target.parent.glob(f"{target.name}*"):
            path.unlink()
    print(f"\n{label}: one whole run {seconds:.1f} s; rows before {before[0]}, after {after[0]}")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {count:3d}  {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--customers", type=int, default=500)
    args = parser.parse_args()
    today = dt.date(2026, 11, 23)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        demo = folder / "demo.sqlite"
        write_demo_company(demo, customers=args.customers, seed=1, today=today)
        kill_loop(
            f"interest, {args.customers:,}-customer demo",
            demo,
            ["interest", "--as-of", "2026-11-30"],
            args.kills,
            folder,
        )
        company = folder / "company.sqlite"
        database = open_company(company, clock=SystemClock())
        with database.sessions.begin() as session:
            create_company(session, "Import SA", "USD", FixedClock.on(today).now())
        database.dispose()
        kill_loop(
            "import of the IBM sample (2,466 rows)",
            company,
            ["import", "receivables", str(IBM), "--mapping", str(MAPPING)],
            args.kills,
            folder,
        )


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
