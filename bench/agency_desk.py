"""Time the agency desk's reads on a large agency.

    PYTHONPATH=$PWD python bench/agency_desk.py         # 50,000 cases, 200,000 collections
    PYTHONPATH=$PWD python bench/agency_desk.py --cases 5000 --collections 20000
    PYTHONPATH=$PWD python bench/agency_desk.py --keep /tmp/agency.sqlite

Builds a company file in a temporary folder (or at ``--keep``) and fills the agency's
tables with bulk inserts: clients (some with age bands), debtors, case files in every
status, collections (mostly approved, some waiting, a few rejected), promises and plans
with their instalments, annotations (some scheduled this month and next) and expenses.
Then prints the data size and, for each read, the best of ``--repeat`` runs: the case
files (open ones, and all), the unapproved collections, the desk's counts, one case file,
the collections calendar of this month (all its entries; its grid of per-day counts;
one day's entries), the month's collection report and a client's remittance statement.

The demo's agency can be read too: ``--keep`` a file that ``collections-desktop demo
--agency`` wrote.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from collections_desktop.kernel.clock import FixedClock, SystemClock
from collections_desktop.models.agency.calendar import calendar_days, calendar_month
from collections_desktop.models.agency.case_file import read_case_file
from collections_desktop.models.agency.desk import (
    OPEN_STATUSES,
    case_files,
    desk_counts,
    unapproved_collections,
)
from collections_desktop.models.agency.reports import collection_report, remittance_statement
from collections_desktop.models.agency.rows import CaseFilter
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import create_company
from collections_desktop.models.db.bulk import analyse, insert_rows
from collections_desktop.models.db.schema import (
    AgencyAnnotation,
    AgencyCase,
    AgencyClient,
    AgencyCollection,
    AgencyCommissionBand,
    AgencyDebtor,
    AgencyExpense,
    AgencyInstalment,
    AgencyPlan,
    AgencyStaff,
    CaseFileStatus,
    Employee,
)
from collections_desktop.models.db.types import new_id

TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
CENT = Decimal("0.01")


def _table(mapped: Any) -> Table:
    return mapped.__table__  # type: ignore[no-any-return]


def _insert(session: Session, mapped: Any, rows: Iterable[dict[str, Any]]) -> int:
    table = _table(mapped)
    names = [column.name for column in table.columns]
    defaults: dict[str, Any] = {"version": 1, "updated_at": NOW}
    for column in table.columns:
        if column.default is not None and getattr(column.default, "is_scalar", False):
            defaults[column.name] = column.default.arg  # type: ignore[attr-defined]
    values = [tuple(row.get(name, defaults.get(name)) for name in names) for row in rows]
    insert_rows(session, table, values)
    return len(values)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) / 100).quantize(CENT)


def fill(session: Session, *, cases: int, collections: int, seed: int) -> dict[str, int]:
    """The agency's rows, inserted in bulk; returns how many of each."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    employees = [
        {"id": new_id(), "number": f"AGB-{n:04d}", "name": f"Collector {n:02d}"} for n in range(22)
    ]
    counts["employees"] = _insert(session, Employee, employees)
    collectors = [e["id"] for e in employees[2:]]
    supervisors = [e["id"] for e in employees[:2]]
    counts["staff"] = _insert(
        session,
        AgencyStaff,
        (
            {
                "id": new_id(),
                "employee_id": e["id"],
                "is_supervisor": n < 2,
                "commission_share_percent": Decimal(rng.choice(["10", "12.5", "15"])),
            }
            for n, e in enumerate(employees)
        ),
    )
    clients = [
        {
            "id": new_id(),
            "code": f"CL{n:02d}",
            "name": f"Creditor {n:02d}",
            "currency": "EUR",
            "commission_percent": Decimal(rng.choice(["12", "15", "20", "25"])),
            "remittance_days": 15,
            "language": "en",
        }
        for n in range(10)
    ]
    counts["clients"] = _insert(session, AgencyClient, clients)
    counts["bands"] = _insert(
        session,
        AgencyCommissionBand,
        (
            {"id": new_id(), "client_id": c["id"], "from_days": days, "percent": Decimal(p)}
            for c in clients[:4]
            for days, p in ((180, "25"), (365, "30"))
        ),
    )
    debtors = [
        {
            "id": new_id(),
            "kind": "company" if n % 3 == 0 else "person",
            "name": f"Debtor {n:06d}",
            "tax_id": f"T{n:08d}",
            "language": "en",
        }
        for n in range(cases * 4 // 5)
    ]
    counts["debtors"] = _insert(session, AgencyDebtor, debtors)
    statuses = [s.value for s in CaseFileStatus]
    weights = [10, 45, 15, 5, 12, 8, 5]
    case_rows: list[dict[str, Any]] = []
    for n in range(cases):
        debt_date = TODAY - dt.timedelta(days=rng.randint(30, 900))
        assigned = debt_date + dt.timedelta(days=rng.randint(1, 25))
        case_rows.append(
            {
                "id": new_id(),
                "number": f"EXP-{n + 1:06d}",
                "client_id": rng.choice(clients)["id"],
                "debtor_id": rng.choice(debtors)["id"],
                "currency": "EUR",
                "principal": _money(rng, 100, 20000),
                "interest": _money(rng, 0, 500),
                "fees": _money(rng, 0, 100),
                "debt_date": debt_date,
                "collector_id": rng.choice(collectors),
                "status": rng.choices(statuses, weights)[0],
                "assigned_on": assigned,
                "last_action_on": None
                if n % 7 == 0
                else min(TODAY, assigned + dt.timedelta(days=rng.randint(0, 400))),
            }
        )
    counts["cases"] = _insert(session, AgencyCase, case_rows)
    collection_rows = []
    for _n in range(collections):
        case = rng.choice(case_rows)
        on = case["assigned_on"] + dt.timedelta(
            days=rng.randint(0, max(0, (TODAY - case["assigned_on"]).days))
        )
        state = rng.choices(["approved", "unapproved", "rejected"], [90, 8, 2])[0]
        by = case["collector_id"]
        approver = rng.choice(supervisors)
        collection_rows.append(
            {
                "id": new_id(),
                "case_id": case["id"],
                "collected_on": on,
                "amount": _money(rng, 10, 800),
                "method": "bank_transfer",
                "collected_by_id": by,
                "received": True,
                "state": state,
                "decided_by_id": None if state == "unapproved" else approver,
                "decided_at": None if state == "unapproved" else NOW,
                "approved_by_id": approver if state == "approved" else None,
                "rejection_reason": "Not received" if state == "rejected" else None,
            }
        )
    counts["collections"] = _insert(session, AgencyCollection, collection_rows)
    plans, instalments = [], []
    for case in rng.sample(case_rows, cases // 5):
        agreed = TODAY - dt.timedelta(days=rng.randint(0, 200))
        plan_id = new_id()
        n = rng.choice([1, 1, 3, 6, 12])
        plans.append(
            {
                "id": plan_id,
                "case_id": case["id"],
                "kind": "promise" if n == 1 else "plan",
                "agreed_on": agreed,
            }
        )
        for number in range(1, n + 1):
            instalments.append(
                {
                    "id": new_id(),
                    "plan_id": plan_id,
                    "number": number,
                    "due_on": agreed + dt.timedelta(days=30 * number - rng.randint(0, 20)),
                    "amount": _money(rng, 50, 500),
                }
            )
    counts["plans"] = _insert(session, AgencyPlan, plans)
    counts["instalments"] = _insert(session, AgencyInstalment, instalments)
    kinds = ["call", "visit", "letter", "burofax", "observation", "locate"]
    annotations = []
    for case in rng.sample(case_rows, cases):
        scheduled = TODAY + dt.timedelta(days=rng.randint(-60, 60)) if rng.random() < 0.3 else None
        annotations.append(
            {
                "id": new_id(),
                "case_id": case["id"],
                "kind": rng.choice(kinds),
                "text": "Followed up",
                "scheduled_on": scheduled,
                "done_on": scheduled
                if scheduled and scheduled < TODAY and rng.random() < 0.7
                else None,
                "created_at": NOW,
            }
        )
    counts["annotations"] = _insert(session, AgencyAnnotation, annotations)
    expenses = []
    for employee in collectors:
        for _n in range(30):
            spent = TODAY - dt.timedelta(days=rng.randint(0, 60))
            expenses.append(
                {
                    "id": new_id(),
                    "employee_id": employee,
                    "month": spent.replace(day=1),
                    "spent_on": spent,
                    "kind": rng.choice(["fuel", "calls", "burofax", "travel", "other"]),
                    "amount": _money(rng, 5, 120),
                    "currency": "EUR",
                    "state": rng.choice(["draft", "submitted", "approved", "rejected"]),
                }
            )
    counts["expenses"] = _insert(session, AgencyExpense, expenses)
    filled = (AgencyCase, AgencyCollection, AgencyDebtor, AgencyPlan, AgencyInstalment)
    analyse(session, [_table(m) for m in (*filled, AgencyAnnotation, AgencyExpense)])
    return counts


def best(run: Callable[[], Any], times: int) -> tuple[float, float, Any]:
    """The best wall-clock time, the best processor time (this process: on a busy machine
    it says what the read costs without waiting for a core) and the result."""
    result, wall, cpu = None, [], []
    for _time in range(times):
        started, used = time.perf_counter(), time.process_time()
        result = run()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return min(wall), min(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--collections", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--keep", type=Path, help="build the file here and keep it (read it again when there)"
    )
    arguments = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    path = arguments.keep or Path(folder.name) / "agency.sqlite"
    clock = FixedClock.on(TODAY)
    database = open_company(path, clock=SystemClock())
    started = time.perf_counter()
    with database.sessions.begin() as session:
        built = session.scalar(select(func.count()).select_from(AgencyCase))
        if built:  # a kept file: read again
            tables = {
                "cases": AgencyCase,
                "collections": AgencyCollection,
                "instalments": AgencyInstalment,
                "annotations": AgencyAnnotation,
            }
            counts = {
                name: session.scalar(select(func.count()).select_from(m)) or 0
                for name, m in tables.items()
            }
        else:
            create_company(session, "Bench Agency", "EUR", clock.now())
            counts = fill(
                session,
                cases=arguments.cases,
                collections=arguments.collections,
                seed=arguments.seed,
            )
    print(f"load average {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    print(f"built in {time.perf_counter() - started:.1f} s: " + ", ".join(
        f"{n:,} {name}" for name, n in counts.items()))  # fmt: skip
    with database.sessions() as session:
        some_case = session.scalar(
            select(AgencyCollection.case_id)
            .group_by(AgencyCollection.case_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        client_id = session.scalar(select(AgencyClient.id).order_by(AgencyClient.code).limit(1))
        assert some_case is not None
        assert client_id is not None
        everything, open_ones = CaseFilter(), CaseFilter(statuses=OPEN_STATUSES)
        found = CaseFilter(text="debtor 0012")
        december = dt.date(2026, 12, 1)

        def rows(result: Any) -> str:
            return f"{len(result):,} rows"

        reads: list[tuple[str, Callable[[], Any], Callable[[Any], str]]] = [
            ("case_files (open)", lambda: case_files(session, open_ones, as_of=TODAY), rows),
            ("case_files (all)", lambda: case_files(session, everything, as_of=TODAY), rows),
            (
                "case_files (text 'debtor 0012')",
                lambda: case_files(session, found, as_of=TODAY),
                rows,
            ),
            ("unapproved_collections", lambda: unapproved_collections(session), rows),
            (
                "desk_counts",
                lambda: desk_counts(session),
                lambda r: f"{r.open_cases:,} open, {r.unapproved:,} waiting",
            ),
            (
                "read_case_file (busiest)",
                lambda: read_case_file(session, some_case, as_of=TODAY),
                lambda r: f"{len(r.collections)} collections, {len(r.plans)} plans",
            ),
            (
                "calendar_month (this month)",
                lambda: calendar_month(session, TODAY, as_of=TODAY),
                lambda r: f"{len(r.entries):,} entries",
            ),
            (
                "calendar_days (this month's grid)",
                lambda: calendar_days(session, TODAY),
                lambda r: f"{len(r)} days",
            ),
            (
                "calendar_month (one day: today)",
                lambda: calendar_month(session, TODAY, as_of=TODAY, day=TODAY),
                lambda r: f"{len(r.entries):,} entries",
            ),
            (
                "calendar_month (next month)",
                lambda: calendar_month(session, december, as_of=TODAY),
                lambda r: f"{len(r.entries):,} entries",
            ),
            (
                "collection_report (this month)",
                lambda: collection_report(session, TODAY),
                lambda r: f"{len(r.lines):,} lines, {len(r.totals)} collectors",
            ),
            (
                "remittance_statement (one client)",
                lambda: remittance_statement(session, TODAY, client_id),
                lambda r: f"{len(r.lines):,} lines",
            ),
        ]
        for name, run, describe in reads:
            seconds, cpu, result = best(run, arguments.repeat)
            print(
                f"{name:35} {seconds * 1000:8.1f} ms (cpu {cpu * 1000:7.1f} ms)  {describe(result)}"
            )
    database.dispose()
    folder.cleanup()


if __name__ == "__main__":
    main()
