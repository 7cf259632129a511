"""Benchmark: what checking a SQLite file for damage costs, to choose when the app does it.

    python bench/integrity_check.py DATABASE [DATABASE ...]   # e.g. the 100,000-customer demo
    python bench/integrity_check.py DATABASE --flips 300      # and how often each finds a flip

For each file prints its size, then the seconds of ``PRAGMA quick_check`` and of
``PRAGMA integrity_check`` (each run twice on one read-only connection: the first run
reads the file from wherever the operating system has it, the second from its page cache)
and the megabytes per second. ``--flips N`` also flips one random bit in N copies of the
file (seeded, pages 2 and up) and counts which of the two checks notice (``ok`` /
``bad`` / ``raise``: the check itself stopped on a malformed page). Nothing is written
to the file.
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

CHECKS = ("quick_check", "integrity_check")


def timed(path: Path, pragma: str) -> tuple[float, str]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        started = time.perf_counter()
        rows = connection.execute(f"PRAGMA {pragma}(3)").fetchall()
        return time.perf_counter() - started, "; ".join(str(row[0]) for row in rows)
    finally:
        connection.close()


def verdict(path: Path, pragma: str) -> str:
    connection = sqlite3.connect(path)
    try:
        return "ok" if connection.execute(f"PRAGMA {pragma}").fetchall() == [("ok",)] else "bad"
    except sqlite3.DatabaseError:
        return "raise"
    finally:
        connection.close()


def flips(path: Path, count: int) -> collections.Counter[tuple[str, str]]:
    data = path.read_bytes()
    page_size = int.from_bytes(data[16:18], "big") or 65536
    chance = random.Random(1)
    seen: collections.Counter[tuple[str, str]] = collections.Counter()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "flipped.sqlite"
        for _ in range(count):
            damaged = bytearray(data)
            damaged[chance.randrange(page_size, len(data))] ^= 1 << chance.randrange(8)
            copy.write_bytes(damaged)
            seen[(verdict(copy, "quick_check"), verdict(copy, "integrity_check"))] += 1
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+", type=Path)
    parser.add_argument("--flips", type=int, default=0, help="flip one bit in N copies")
    args = parser.parse_args()
    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )
    for path in args.databases:
        if Path(f"{path}-wal").exists() and Path(f"{path}-wal").stat().st_size:
            print(f"{path}: has a write-ahead log; checkpoint it first", file=sys.stderr)
            return 2
        mib = path.stat().st_size / 2**20
        print(f"{path}: {mib:,.0f} MiB")
        for pragma in CHECKS:
            for run in ("first", "again"):
                seconds, result = timed(path, pragma)
                print(
                    f"  {pragma:16} {run:5} {seconds:8.2f} s  {mib / seconds:8,.0f} MiB/s  "
                    f"{result[:60]}"
                )
        if args.flips:
            for (quick, full), count in sorted(flips(path, args.flips).items()):
                print(f"  one flipped bit: quick_check {quick:5} integrity_check {full:5} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
