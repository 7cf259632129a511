"""Load test: fifty collectors working one team database at once, on loopback.

    python bench/team_load.py --server postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        --template bench100k [--collectors 50] [--seconds 120] [--think 1.0] [--keep]
    python bench/team_load.py --customers 600 --collectors 8 --seconds 20   # a quick try

Works on a copy of the database ``--template`` (e.g. the 100,000-customer demo), else on a
``--customers``-customer demo written for the purpose, and drops it and its login roles at
the end (``--keep`` keeps both and prints how to reach them):

- **set-up**, as the owner: ``--collectors`` employees ``LOAD-01``…, each the responsible
  of every n-th customer and the agent of one pool of just those customers; ``team init``;
  a login per collector; the snapshot of each pool (what the Overview shows);
- **the day**: each collector in a process of its own logs in as their own role, as the
  app does (so row-level security applies), and until the deadline thinks (exponential,
  mean ``--think`` s) and then does one action of a day's mix: open the Overview, switch
  customers (the Workspace's read), dispute or undispute an invoice, record a promise,
  record and settle a payment, write an activity. Meanwhile the owner takes a company
  snapshot and runs interest, started a quarter of the way in;
- **the report**: p50/p95/p99 per action, errors, refusals (the rules said no) and waits
  given up (another run held the lock ``WAIT_SECONDS``); the targets p95 < 300 ms for
  reads and < 500 ms for writes, deadlocks; then every write is counted in the database by
  its tag and compared with what the collectors saw commit: lost and doubled writes.

Exit code 1 when a write was lost or doubled; a missed latency target is only reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import queue
import random
import re
import sys
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import CursorResult, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.common import as_user, database_on, drop_roles, machine, now
from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.actions.interest_notes import run_interest_notes
from collections_desktop.models.actions.status import CollectionStatusError, change_status
from collections_desktop.models.aging.snapshot import take_snapshot
from collections_desktop.models.casework.activities import ActivityError, create_activity
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    AgentPool,
    CollectionsAgent,
    CollectionStatusChange,
    CustomerPool,
    CustomerTransaction,
    Employee,
)
from collections_desktop.models.db.writing import (
    WAIT_SECONDS,
    RunInProgressError,
    write_transaction,
)
from collections_desktop.models.ledger.balances import open_items
from collections_desktop.models.ledger.books import LedgerError
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import (
    Viewer,
    company_scope,
    load_viewer,
    visible_customers,
)
from collections_desktop.models.receipts.record import (
    PaymentEntry,
    ReceiptError,
    paying_customer,
    record_payment,
)
from collections_desktop.models.screens.overview import overview_lists
from collections_desktop.models.screens.workspace import load_workspace
from collections_desktop.models.team.server import init_team
from collections_desktop.models.team.users import add_user

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MIX = {
    "overview": 8,
    "workspace": 42,
    "status": 12,
    "promise": 10,
    "settle": 10,
    "activity": 18,
}
"""A day's mix: mostly switching customers, one write in two actions."""
READS = ("overview", "workspace")
TARGETS = {"reads": 300.0, "writes": 500.0}
"""p95 targets in milliseconds."""
OVERVIEW_ACTIVITIES, OVERVIEW_TOP = 500, 100
"""What the Overview page asks for (``ACTIVITY_LIMIT``, ``TOP`` in overview_page.py)."""
GRACE = WAIT_SECONDS + 30
"""How long after the deadline a collector may take to finish its last action and report."""
TAG = re.compile(r"load c\d+ \w+ #\d+")


def check_loopback(server: str) -> None:
    """Refuse a server off this machine: the test's traffic stays on loopback."""
    host = make_url(server).host or "localhost"
    if host not in LOOPBACK:
        raise SystemExit(f"--server must be on loopback (127.0.0.1, localhost, ::1), not {host}")


# --- set-up -------------------------------------------------------------------------------


def number(index: int) -> str:
    return f"LOAD-{index:02d}"


def logins(collectors: int, tag: str) -> list[str]:
    """The collectors' login roles (names carry ``tag``: roles are cluster-wide)."""
    return [f"load{tag}-{index:02d}" for index in range(1, collectors + 1)]


def add_collectors(url: str, collectors: int, stamp: dt.datetime) -> int:
    """The collectors, their pools and the customers they answer for, in one transaction
    (before ``team init``, which works out the pools' members); returns the customers."""
    engine = create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            for index in range(1, collectors + 1):
                employee = Employee(
                    number=number(index), name=f"Load collector {index:02d}", updated_at=stamp
                )
                pool = CustomerPool(
                    name=f"Load {index:02d}",
                    criteria=PoolCriteria(responsible_employees=(number(index),)).to_json(),
                    updated_at=stamp,
                )
                session.add_all([employee, pool])
                session.flush()
                agent = CollectionsAgent(
                    employee_id=employee.id, default_pool_id=pool.id, updated_at=stamp
                )
                session.add(agent)
                session.flush()
                session.add(AgentPool(agent_id=agent.id, pool_id=pool.id, updated_at=stamp))
            assigned = cast(  # an UPDATE's result is a CursorResult
                CursorResult[Any],
                session.execute(
                    text(
                        "UPDATE customers AS c SET responsible_employee_id = e.id, "
                        "updated_at = :now, version = c.version + 1 "
                        "FROM (SELECT id, (row_number() OVER (ORDER BY account) - 1) % :n AS k "
                        "      FROM customers WHERE deleted_at IS NULL) AS r "
                        "JOIN (SELECT id, row_number() OVER (ORDER BY number) - 1 AS k "
                        "      FROM employees WHERE number LIKE 'LOAD-%') AS e ON e.k = r.k "
                        "WHERE c.id = r.id"
                    ),
                    {"now": stamp, "n": collectors},
                ),
            )
            return int(assigned.rowcount)
    finally:
        engine.dispose()


def add_logins(url: str, roles: list[str], stamp: dt.datetime) -> None:
    """A login role per collector (no password: the server trusts loopback)."""
    engine = create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            for index, role in enumerate(roles, start=1):
                add_user(
                    session,
                    role,
                    number(index),
                    supervisor=False,
                    view_all=False,
                    password=None,
                    now=stamp,
                )
    finally:
        engine.dispose()


def pool_snapshots(url: str) -> int:
    """Today's snapshot of each collector's pool, as the first Overview of the day takes it."""
    clock = SystemClock()
    database = open_company(url, clock=clock, create=False)
    try:
        with database.sessions() as session:
            pools = list(
                session.scalars(select(CustomerPool.id).where(CustomerPool.name.like("Load %")))
            )
        for pool_id in pools:
            with write_transaction(database, run="snapshot", what="snapshot") as session:
                take_snapshot(
                    session, clock.today(), company_scope(session), clock.now(), pool_id=pool_id
                )
        return len(pools)
    finally:
        database.dispose()


def set_up(url: str, roles: list[str]) -> None:
    started = time.perf_counter()
    customers = add_collectors(url, len(roles), now())
    init_team(url, now=now())
    add_logins(url, roles, now())
    print(
        f"set-up: {len(roles)} collectors, pools of {customers:,} customers round-robin, "
        f"team init, logins ({time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    started = time.perf_counter()
    pools = pool_snapshots(url)
    print(
        f"set-up: snapshots of the {pools} pools ({time.perf_counter() - started:.1f} s)",
        flush=True,
    )


# --- a collector ------------------------------------------------------------------------


class NothingToDo(Exception):
    """The customers looked at had nothing the action could be done on (a refusal)."""


REFUSALS = (
    NothingToDo,
    CollectionStatusError,
    ReceiptError,
    ActivityError,
    LedgerError,
)
"""The rules saying no: normal business outcomes, not errors."""


@dataclass(frozen=True)
class Job:
    index: int
    url: str  # as the collector's own login role
    user: str
    think: float


@dataclass
class Desk:
    """What one collector has at hand: the open database, who they are, their customers."""

    index: int
    database: Database
    viewer: Viewer
    employee_id: uuid.UUID
    pool_id: uuid.UUID
    customers: list[uuid.UUID]
    rng: random.Random
    clock: SystemClock = field(default_factory=SystemClock)
    committed: list[str] = field(default_factory=list)
    writes: int = 0

    def tag(self, kind: str) -> str:
        """The mark a write leaves in the database, to count it afterwards."""
        self.writes += 1
        return f"load c{self.index:02d} {kind} #{self.writes}"

    def customer(self) -> uuid.UUID:
        return self.rng.choice(self.customers)


@dataclass(frozen=True)
class Result:
    action: str
    ms: float
    outcome: str  # ok, refused, busy, deadlock, error
    error: str | None = None


@dataclass
class Report:
    index: int
    results: list[Result]
    committed: list[str]
    failure: str | None = None
    cpu: float = 0.0  # the collector's CPU seconds at work: on a small machine it
    # competes with the server


def overview(desk: Desk) -> None:
    with desk.database.sessions() as session:
        overview_lists(
            session,
            desk.viewer.scope,
            desk.employee_id,
            pool_id=desk.pool_id,
            as_of=desk.clock.today(),
            activity_limit=OVERVIEW_ACTIVITIES,
            top=OVERVIEW_TOP,
        )


def workspace(desk: Desk) -> None:
    with desk.database.sessions() as session:
        load_workspace(
            session, desk.viewer.scope, desk.customer(), desk.clock.today(), pool_id=desk.pool_id
        )


def open_debit(desk: Desk, statuses: tuple[str, ...]) -> tuple[uuid.UUID, str, Decimal]:
    """(id, status, open amount) of an open invoice in one of ``statuses`` of one of the
    first few customers tried: what the collector sees on the Workspace before acting."""
    with desk.database.sessions() as session:
        for _attempt in range(5):
            items = [
                item
                for item in open_items(session, desk.customer(), desk.clock.today())
                if item.amount > ZERO and item.open_amount > ZERO
                and item.collection_status in statuses
            ]  # fmt: skip
            if items:
                item = desk.rng.choice(items)
                return item.transaction_id, item.collection_status, item.open_amount
    raise NothingToDo("no open invoice to act on")


def written(desk: Desk, kind: str, work: Callable[[Session, str], Any]) -> float:
    """Run ``work`` in one write transaction as an action does; its milliseconds. The tag is
    kept as committed only once the commit returned."""
    tag = desk.tag(kind)
    started = time.perf_counter()
    with write_transaction(desk.database, what=kind) as session:
        work(session, tag)
    ms = (time.perf_counter() - started) * 1000
    desk.committed.append(tag)
    return ms


def status(desk: Desk) -> float:
    """Dispute an invoice, or take a dispute back."""
    txn, current, _open = open_debit(desk, ("none", "disputed"))
    target = "none" if current == "disputed" else "disputed"
    return written(
        desk,
        "status",
        lambda session, tag: change_status(
            session,
            desk.viewer.scope,
            [txn],
            target,
            desk.clock.now(),
            changed_by_id=desk.employee_id,
            note=tag,
            today=desk.clock.today(),
        ),
    )


def promise(desk: Desk) -> float:
    """A promise to pay all or part of an invoice in one to four weeks."""
    txn, _current, open_amount = open_debit(desk, ("none", "disputed", "broken", "promised"))
    share = Decimal(desk.rng.choice((25, 50, 100))) / 100
    amount = max((open_amount * share).quantize(Decimal("0.01")), Decimal("0.01"))
    when = desk.clock.today() + dt.timedelta(days=desk.rng.randint(7, 28))
    return written(
        desk,
        "promise",
        lambda session, tag: change_status(
            session,
            desk.viewer.scope,
            [txn],
            "promised",
            desk.clock.now(),
            changed_by_id=desk.employee_id,
            note=tag,
            promise_date=when,
            promise_amount=amount,
            today=desk.clock.today(),
        ),
    )


def settle(desk: Desk) -> float:
    """Record a bank transfer paying one open invoice in full, settled against it."""
    today = desk.clock.today()
    with desk.database.sessions() as session:  # the Record payment dialog's read
        paying = paying_customer(session, desk.viewer.scope, today, customer_id=desk.customer())
    rows = [row for row in paying.open_debits if row.open_amount > ZERO]
    if not rows:
        raise NothingToDo("nothing open to pay")
    row = desk.rng.choice(rows)

    def work(session: Session, tag: str) -> None:
        entry = PaymentEntry(
            customer_id=paying.id,
            payment_date=today,
            amount=row.open_amount,
            currency=row.currency,
            method="bank_transfer",
            allocations={row.id: row.open_amount},
            exchange_rate=paying.rates.get(row.currency),
            note=tag,
            submission_id=uuid.uuid4(),
        )
        record_payment(
            session,
            desk.viewer.scope,
            entry,
            desk.clock.now(),
            created_by_id=desk.employee_id,
        )

    return written(desk, "settle", work)


def activity(desk: Desk) -> float:
    """A call to make about a customer in the next half hour."""
    customer = desk.customer()
    start = desk.clock.now()
    return written(
        desk,
        "activity",
        lambda session, tag: create_activity(
            session,
            desk.viewer.scope,
            now=start,
            responsible_id=desk.employee_id,
            type="task",
            purpose=tag,
            customer_id=customer,
            start_at=start,
            end_at=start + dt.timedelta(minutes=30),
        ),
    )


ACTIONS: dict[str, Callable[[Desk], float | None]] = {
    "overview": overview,
    "workspace": workspace,
    "status": status,
    "promise": promise,
    "settle": settle,
    "activity": activity,
}


def outcome(error: BaseException) -> str:
    """How an action that raised ``error`` counts: a refusal, a wait given up, or an error."""
    if "deadlock detected" in str(error):
        return "deadlock"
    if isinstance(error, REFUSALS):
        return "refused"
    if isinstance(error, RunInProgressError):
        return "busy"
    return "error"


def act(desk: Desk, name: str) -> Result:
    """Do one action; a read is timed whole, a write from its transaction's start (what
    it reads first is on the collector's screen already)."""
    started = time.perf_counter()
    try:
        ms = ACTIONS[name](desk)
    except Exception as error:
        kind = outcome(error)
        message = f"{type(error).__name__}: {error}"[:300]
        return Result(name, (time.perf_counter() - started) * 1000, kind, message)
    return Result(name, ms if ms is not None else (time.perf_counter() - started) * 1000, "ok")


def collector(job: Job, start: Any, deadline: Any, ready: Any, reports: Any) -> None:
    """One collector's day in its own process: log in, wait for the start, work until the
    deadline, send back what was done and which writes committed."""
    results: list[Result] = []
    try:
        desk = open_desk(job)
        ready.put((job.index, None))
    except Exception:
        ready.put((job.index, traceback.format_exc(limit=3)))
        reports.put(Report(job.index, [], [], traceback.format_exc(limit=3)))
        return
    try:
        start.wait()
        cpu = time.process_time()
        names, weights = list(MIX), list(MIX.values())
        while True:
            pause = desk.rng.expovariate(1 / job.think) if job.think > 0 else 0.0
            if time.time() + pause >= deadline.value:
                break
            time.sleep(pause)
            results.append(act(desk, desk.rng.choices(names, weights)[0]))
        reports.put(Report(job.index, results, desk.committed, cpu=time.process_time() - cpu))
    except Exception:
        reports.put(Report(job.index, results, desk.committed, traceback.format_exc(limit=3)))
    finally:
        desk.database.dispose()


def open_desk(job: Job) -> Desk:
    """Log in as the app does and read who the collector is and which customers they work."""
    clock = SystemClock()
    database = open_company(job.url, clock=clock, create=False)
    with database.sessions() as session:
        viewer = load_viewer(session, job.user)
        pool_id, employee_id = viewer.scope.default_pool_id, viewer.employee_id
        assert pool_id is not None, f"{job.user} has no default pool"
        assert employee_id is not None, f"{job.user} is not an employee"
        customers = [row[0] for row in visible_customers(session, viewer.scope, clock.today())]
    if not customers:
        raise RuntimeError(f"{job.user} sees no customer")
    rng = random.Random(job.index)
    return Desk(job.index, database, viewer, employee_id, pool_id, customers, rng)


# --- the owner's runs meanwhile -----------------------------------------------------------


def owner_run(kind: str, url: str, start: Any, delay: float, runs: Any) -> None:
    """The company snapshot or the interest run, as the command line does them, ``delay``
    seconds after the start; sends back (kind, seconds, what came of it)."""
    clock = SystemClock()
    try:
        database = open_company(url, clock=clock, create=False)
    except Exception as error:
        runs.put((kind, 0.0, f"could not log in: {type(error).__name__}: {error}"[:300]))
        return
    try:
        start.wait()
        time.sleep(delay)
        started = time.perf_counter()
        try:
            if kind == "snapshot":
                with write_transaction(database, run="snapshot", what="snapshot") as session:
                    summary = take_snapshot(
                        session, clock.today(), company_scope(session), clock.now()
                    )
                done = f"{summary.customer_count:,} customers"
            else:
                with database.sessions() as session:
                    scope = company_scope(session)
                notes = run_interest_notes(  # as the command line posts them
                    database, scope, clock.today(), clock.now(), created_by_id=None
                )
                done = f"{len(notes):,} interest notes"
        except Exception as error:
            done = f"failed: {type(error).__name__}: {error}"[:300]
        runs.put((kind, time.perf_counter() - started, done))
    finally:
        database.dispose()


# --- the day, and the report --------------------------------------------------------------


def run_day(
    url: str, roles: list[str], args: argparse.Namespace
) -> tuple[list[Report], list[tuple[str, float, str]], list[int]]:
    """Start the collectors, wait until all are logged in, let them work ``--seconds``
    while the owner's runs go on; (reports, runs, collectors that never reported)."""
    context = multiprocessing.get_context("spawn")
    start, deadline = context.Event(), context.Value("d", 0.0)
    ready, reports, runs = context.Queue(), context.Queue(), context.Queue()
    workers = [
        context.Process(
            target=collector,
            args=(
                Job(index, as_user(url, role), role, args.think),
                start,
                deadline,
                ready,
                reports,
            ),
        )
        for index, role in enumerate(roles, start=1)
    ]
    owners = [
        context.Process(target=owner_run, args=(kind, url, start, args.seconds / 4, runs))
        for kind in ("snapshot", "interest")
    ]
    for process in workers + owners:
        process.daemon = True  # none outlives this process, whatever happens to it
    started = time.perf_counter()
    for process in workers + owners:
        process.start()
    logged_in = collect(ready, len(workers), time.time() + 120 + 5 * len(workers))
    failed = len(workers) - len(logged_in)
    for index, failure in logged_in:
        failed += failure is not None
        if failure:
            print(f"collector {index:02d} could not start:\n{failure}", flush=True)
    print(
        f"{len(workers) - failed} collectors logged in ({time.perf_counter() - started:.1f} s); "
        f"working {args.seconds:.0f} s",
        flush=True,
    )
    deadline.value = time.time() + args.seconds
    start.set()
    received = collect(reports, len(workers), deadline.value + GRACE)
    finished = collect(runs, len(owners), deadline.value + args.grace)
    for process in workers + owners:
        process.join(timeout=5)
        if process.is_alive():  # stops by itself: whatever still runs is ended
            process.terminate()
            process.join(timeout=5)
    missing = sorted(set(range(1, len(workers) + 1)) - {report.index for report in received})
    return received, finished, missing


def collect(source: Any, count: int, until: float) -> list[Any]:
    """Up to ``count`` messages from ``source``, waiting no later than ``until``."""
    found: list[Any] = []
    while len(found) < count:
        left = until - time.time()
        if left <= 0:
            break
        try:
            found.append(source.get(timeout=left))
        except queue.Empty:
            break
    return found


def percentile(sorted_ms: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted milliseconds (0 for none)."""
    if not sorted_ms:
        return 0.0
    return sorted_ms[min(len(sorted_ms) - 1, max(0, round(share * len(sorted_ms) + 0.5) - 1))]


def print_table(results: list[Result]) -> dict[str, float]:
    """The figures per action, and the pooled p95 of the reads and of the writes."""
    print(
        f"{'action':<10} {'count':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}"
        f" {'errors':>6} {'refused':>7} {'busy':>5}   (ms, every attempt)"
    )
    for name in MIX:
        mine = [r for r in results if r.action == name]
        ms = sorted(r.ms for r in mine)
        kinds = Counter(r.outcome for r in mine)
        print(
            f"{name:<10} {len(mine):>6} {percentile(ms, 0.5):>7.0f} {percentile(ms, 0.95):>7.0f}"
            f" {percentile(ms, 0.99):>7.0f} {max(ms, default=0):>7.0f}"
            f" {kinds['error'] + kinds['deadlock']:>6} {kinds['refused']:>7} {kinds['busy']:>5}"
        )
    pooled = {
        "reads": sorted(r.ms for r in results if r.action in READS),
        "writes": sorted(r.ms for r in results if r.action not in READS),
    }
    return {group: percentile(ms, 0.95) for group, ms in pooled.items()}


def print_reasons(results: list[Result]) -> None:
    """Why actions failed or were refused: each reason once (numbers left out, so one rule's
    refusals of different documents read as one), with how often."""
    for title, kinds in (("errors", {"error", "deadlock", "busy"}), ("refusals", {"refused"})):
        reasons = Counter(
            f"{r.action}: {re.sub(r'[0-9]+', '#', r.error or '')}"
            for r in results
            if r.outcome in kinds
        )
        if reasons:
            print(f"{title}:")
        for reason, count in reasons.most_common(8):
            print(f"  {count:>5} × {reason}")


def counted(url: str) -> dict[str, Counter[str]]:
    """The tagged writes found in the database, per kind, as the owner sees them."""
    engine = create_engine(url)
    found: dict[str, Counter[str]] = {kind: Counter() for kind in MIX if kind not in READS}
    try:
        with Session(engine) as session:
            tags = [
                *session.scalars(
                    select(CollectionStatusChange.note).where(
                        CollectionStatusChange.note.like("load c%")
                    )
                ),
                *session.scalars(
                    select(CustomerTransaction.description).where(
                        CustomerTransaction.type == "payment",
                        CustomerTransaction.description.like("%load c%"),
                    )
                ),
                *session.scalars(select(Activity.purpose).where(Activity.purpose.like("load c%"))),
            ]
    finally:
        engine.dispose()
    for value in tags:
        match = TAG.search(value or "")
        if match:
            tag = match.group()
            found[tag.split()[2]][tag] += 1
    return found


def check_writes(url: str, reports: list[Report], missing: list[int]) -> tuple[int, int]:
    """Lost (committed, not found) and doubled (found twice, or found but never reported
    committed) writes per kind; the writes of collectors that never reported are left out."""
    committed = {tag for report in reports for tag in report.committed}
    silent = {f"c{index:02d}" for index in missing}
    lost_all = doubled_all = 0
    for kind, found in counted(url).items():
        mine = {tag for tag in committed if tag.split()[2] == kind}
        lost = len(mine - set(found))
        doubled = sum(
            count - 1 if tag in mine else count
            for tag, count in found.items()
            if (count > 1 or tag not in mine) and tag.split()[1] not in silent
        )
        print(
            f"{kind:<10} committed {len(mine):>6}, found {sum(found.values()):>6}: "
            f"lost {lost}, doubled {doubled}"
        )
        lost_all += lost
        doubled_all += doubled
    return lost_all, doubled_all


def report(
    url: str,
    reports: list[Report],
    runs: list[tuple[str, float, str]],
    missing: list[int],
    seconds: float,
) -> int:
    """Print what the day came to; 1 when a write was lost or doubled."""
    results = [result for report in reports for result in report.results]
    print(
        f"\n{len(results):,} actions by {len(reports)} collectors in {seconds:.0f} s "
        f"({len(results) / seconds:.1f} a second); the collectors' own CPU "
        f"{sum(r.cpu for r in reports):.0f} s of the {(os.cpu_count() or 1) * seconds:.0f} "
        "CPU seconds of the machine"
    )
    for kind, took, done in runs:
        print(f"owner's {kind}: {took:.1f} s ({done})")
    for kind in {"snapshot", "interest"} - {run[0] for run in runs}:
        print(f"owner's {kind}: did not finish in time")
    for failed in (r for r in reports if r.failure):
        print(f"collector {failed.index:02d} failed:\n{failed.failure}")
    if missing:
        print(f"collectors that never reported: {', '.join(f'{i:02d}' for i in missing)}")
    print()
    p95 = print_table(results)
    print_reasons(results)
    deadlocks = sum(r.outcome == "deadlock" for r in results)
    print()
    lost, doubled = check_writes(url, reports, missing)
    targets = "; ".join(
        f"{group} p95 {p95[group]:.0f} ms < {limit:.0f} ms "
        + ("met" if p95[group] < limit else "NOT met")
        for group, limit in TARGETS.items()
    )
    print(
        f"\ntargets: {targets}; deadlocks {deadlocks}; lost {lost}; doubled {doubled}", flush=True
    )
    return 1 if lost or doubled else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--template", help="database to copy (e.g. bench100k); else a demo")
    parser.add_argument(
        "--customers", type=int, default=2000, help="of the demo without --template"
    )
    parser.add_argument("--collectors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument(
        "--grace", type=float, default=600.0, help="the owner's runs' limit after the deadline"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the roles")
    args = parser.parse_args(argv)
    check_loopback(args.server)
    tag = uuid.uuid4().hex[:8]
    name = f"team_load_{tag}"
    roles = logins(args.collectors, tag)
    print(f"machine: {machine()}", flush=True)
    made_roles = False
    try:
        with database_on(args.server, name, args.template, args.keep) as url:
            if args.template is None:
                started = time.perf_counter()
                write_demo_company(url, customers=args.customers, seed=1)
                print(
                    f"demo: {args.customers:,} customers written "
                    f"({time.perf_counter() - started:.1f} s)",
                    flush=True,
                )
            else:
                print(f"database: a copy of {args.template}", flush=True)
            made_roles = True
            set_up(url, roles)
            reports, runs, missing = run_day(url, roles, args)
            code = report(url, reports, runs, missing, args.seconds)
            if args.keep:
                print(f"kept: database {name}, login roles {roles[0]} … {roles[-1]}")
            return code
    finally:
        if made_roles and not args.keep:
            drop_roles(args.server, roles, [name])


if __name__ == "__main__":
    sys.exit(main())
