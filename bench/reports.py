"""Time the two reports (Action control, Collections by agent) on a demo database.

    PYTHONPATH=$PWD python bench/reports.py /tmp/demo.sqlite [DAYS]

Prints each report's rows and the best of three runs, for the whole company and for the
demo's first agent, over the last DAYS days (default 30) and the last 91.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.people.scope import company_scope, load_scope
from collections_desktop.models.reports.action_control import action_control
from collections_desktop.models.reports.collections_by_agent import collections_by_agent
from collections_desktop.models.reports.period import Period


def best(run, times: int = 3) -> tuple[float, int]:
    found, spent = 0, []
    for _time in range(times):
        started = time.perf_counter()
        found = len(run())
        spent.append(time.perf_counter() - started)
    return min(spent), found


def main() -> None:
    path = Path(sys.argv[1])
    database = open_company(path, clock=SystemClock(), create=False)
    today = SystemClock().today()
    with database.sessions() as session:
        scopes = {
            "company": company_scope(session),
            "lfernandez": load_scope(session, "lfernandez"),
        }
        for days in (30, 91):
            period = Period.last_days(today, days)
            for name, scope in scopes.items():
                for report, query in (
                    ("action control", action_control),
                    ("collections by agent", collections_by_agent),
                ):
                    seconds, rows = best(
                        lambda q=query, s=scope, p=period: q(session, s, p, as_of=today)
                    )
                    took = f"{seconds * 1000:8.1f} ms"
                    print(f"{report:22} {days:3} days {name:11} {rows:6} rows {took}")
    database.dispose()


if __name__ == "__main__":
    main()
