"""Benchmark: the agency desk as a supervisor meets it, from a cold start.

    QT_QPA_PLATFORM=offscreen python bench/agency_page.py agency.sqlite [--runs 3]

The file is an agency demo (made when it does not exist: ``write_demo_company`` with the
agency, the same as ``collections-desktop demo --agency --cases 50000 --seed 1``; about a
minute, so keep the file). Each run starts the real main window offscreen as the demo's
user, a supervisor on the agency's staff, so it opens on the desk, and times:

- show → the Case files tab filled (every open case file of every collector);
- the Unapproved collections tab chosen → filled;
- the Collections calendar tab chosen → this month's grid filled, then the next month
  (▶), then one day's list;
- the longest the GUI thread was busy at a stretch meanwhile (a 10 ms timer's lateness).

The first run is the cold one (the file's pages not yet in the cache).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import statistics
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from collections_desktop.app import build_main_window
from collections_desktop.demo.company import DEMO_USER
from collections_desktop.demo.load import write_demo_company
from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.schema import AgencyCase, AgencyCollection

print = functools.partial(print, flush=True)

CASES = 50_000


class GaveUp(Exception):
    """A signal did not come within the time allowed."""


def wait_for(signal, timeout_ms: int = 120_000) -> None:  # type: ignore[no-untyped-def]
    loop = QEventLoop()
    signal.connect(loop.quit)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(timeout_ms)
    loop.exec()
    signal.disconnect(loop.quit)
    if not timer.isActive():
        raise GaveUp(f"gave up waiting {timeout_ms / 1000:.0f} s for {signal}")


class PauseMeter:
    """The GUI thread's longest pause: how late a 10 ms repeating timer fired."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest, self._last = 0.0, time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        return self.longest

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last - 0.010)
        self._last = now


def one_start(app, database, clock: FixedClock) -> dict[str, float]:  # type: ignore[no-untyped-def]
    figures: dict[str, float] = {}
    meter = PauseMeter()
    window = build_main_window(database, clock, formats=Formats("en_US"), user_name=DEMO_USER)
    window.resize(1366, 768)
    if window.current_page != "agency":
        raise SystemExit(f"the window opened on {window.current_page}, not the agency desk")
    page = window.page_widgets["agency"]
    meter.start()
    started = time.perf_counter()
    window.show()
    wait_for(page.cases.loaded)
    app.processEvents()
    figures["case files"] = time.perf_counter() - started
    figures["rows"] = page.cases.grid.model.rowCount()
    for name, index, tab in (("unapproved", 1, page.unapproved), ("calendar", 2, page.calendar)):
        chosen = time.perf_counter()
        page.show_tab(index)
        wait_for(tab.loaded)
        app.processEvents()
        figures[name] = time.perf_counter() - chosen
    calendar = page.calendar
    chosen = time.perf_counter()
    calendar.step(1)
    wait_for(calendar.loaded)
    app.processEvents()
    figures["next month"] = time.perf_counter() - chosen
    chosen = time.perf_counter()
    day = calendar.month + dt.timedelta(days=9)
    calendar.grid.select(day)
    while day not in calendar.entries:  # the day's list read and shown
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)
    figures["day"] = time.perf_counter() - chosen
    figures["longest pause"] = meter.stop()
    window.close()
    window.deleteLater()
    app.processEvents()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 12, 3))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    clock = FixedClock.on(args.today)
    if not args.database.exists():
        started = time.perf_counter()
        write_demo_company(args.database, customers=200, seed=1, today=args.today, agency=CASES)
        print(f"agency demo made in {time.perf_counter() - started:.0f} s")
    database = open_company(args.database, wait_for_integrity_check=False, clock=clock)
    with database.sessions() as session:
        cases = session.scalar(select(func.count()).select_from(AgencyCase))
        collections = session.scalar(select(func.count()).select_from(AgencyCollection))
    print(f"{args.database.name}: {cases:,} case files, {collections:,} collections")
    runs = []
    for run in range(1, args.runs + 1):
        figures = one_start(app, database, clock)
        runs.append(figures)
        print(f"run {run}: " + "; ".join(
            f"{key} {value * 1000:,.0f} ms" if key != "rows" else f"{value:,.0f} rows"
            for key, value in figures.items()
        ))  # fmt: skip
    for key in runs[0]:
        if key != "rows":
            values = [r[key] for r in runs]
            print(f"{key}: median {statistics.median(values) * 1000:,.0f} ms, "
                  f"max {max(values) * 1000:,.0f} ms")  # fmt: skip
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
