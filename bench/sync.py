"""Benchmark: the sync of an offline replica with the team database on loopback.

    python bench/sync.py                                # the local PostgreSQL as postgres
    python bench/sync.py --server postgresql://postgres@127.0.0.1/postgres \\
        --big bench100k --operations 10000

Makes its own databases on the server (dropped at the end) and its own login roles:
- a team of ``--customers`` (default 300) demo customers, ``team init``, and two agents:
  the Iberia pool's and one who may view all pools, each with a replica;
- **push and pull**: ``--operations`` local operations written on the Iberia replica
  (invoices, payments settled oldest first, status changes, activity edits), then one
  sync of that replica (the push; target with the pull below < 3 s) and one sync of the
  other agent's replica (the pull of those changes);
- **nothing to do**: a sync of the Iberia replica when neither side changed (median of
  ``--repeat``; target < 100 ms);
- **initial replica**: a replica of the Iberia agent's pool from a big demo: a copy of the
  database ``--big`` (e.g. the 100,000-customer demo) when it exists and holds customers,
  else a ``--fallback``-customer demo written for the purpose; time and file size.

With ``--profile`` the push and the pull run under cProfile and print their top entries.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.common import as_user, database_on, drop_roles, machine, now
from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.actions.status import change_status
from collections_desktop.models.casework.activities import edit_activity
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    Customer,
    CustomerTransaction,
    Employee,
    SyncOutbox,
)
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.ledger import postings
from collections_desktop.models.ledger.settlements import settle_oldest_first
from collections_desktop.models.people.scope import load_scope
from collections_desktop.models.sync.replica import create_replica
from collections_desktop.models.sync.run import sync_replica
from collections_desktop.models.team.server import init_team
from collections_desktop.models.team.users import add_user

TODAY = dt.date(2026, 11, 23)
AGENTS = (("iberia", "E-0001", False), ("all", "E-0003", True))
"""The demo's Iberia agent and the one who reviews all pools."""


def add_agents(url: str, tag: str) -> dict[str, str]:
    """Login roles for the demo's agents (names carry ``tag``: roles are cluster-wide)."""
    roles = {label: f"bench{tag}-{label}" for label, _number, _all in AGENTS}
    engine = create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            for label, number, view_all in AGENTS:
                add_user(
                    session,
                    roles[label],
                    number,
                    supervisor=False,
                    view_all=view_all,
                    password=None,
                    now=now(),
                )
    finally:
        engine.dispose()
    return roles


def pending(replica: Database) -> int:
    with replica.sessions() as session:
        return session.scalar(select(func.count()).select_from(SyncOutbox)) or 0


def local_operations(replica: Database, user: str, wanted: int) -> tuple[int, int, float]:
    """Write at least ``wanted`` outbox operations as a collector would; (operations,
    actions, seconds)."""
    started = time.perf_counter()
    actions = 0
    stamp = now()
    with replica.sessions() as session:
        scope = load_scope(session, user)
        customers = list(
            session.scalars(
                select(Customer.id)
                .where(scope.customer_condition(TODAY))
                .order_by(Customer.account)
            )
        )
        activities = list(
            session.scalars(
                select(Activity.id)
                .where(Activity.customer_id.in_(customers), Activity.closed.is_(False))
                .order_by(Activity.number)
            )
        )
        employee = session.scalar(select(Employee.id).where(Employee.user_name == user))
    done = pending(replica)
    while done < wanted:
        with write_transaction(replica) as session:
            for _ in range(25):  # a busy afternoon: 25 actions per transaction
                actions += 1
                customer = customers[actions % len(customers)]
                when = stamp + dt.timedelta(milliseconds=actions)
                kind = actions % 4
                if kind == 0:
                    postings.post_invoice(
                        session,
                        customer_id=customer,
                        amount=Decimal(100 + actions % 900),
                        posting_date=TODAY,
                        due_date=TODAY + dt.timedelta(days=30),
                        now=when,
                        created_by_id=employee,
                    )
                elif kind == 1:
                    payment = postings.post_payment(
                        session,
                        customer_id=customer,
                        amount=Decimal(50 + actions % 300),
                        posting_date=TODAY,
                        now=when,
                        created_by_id=employee,
                    )
                    settle_oldest_first(session, payment.id, TODAY, when, created_by_id=employee)
                elif kind == 2:
                    open_debit = session.scalar(
                        select(CustomerTransaction.id)
                        .where(
                            CustomerTransaction.customer_id == customer,
                            CustomerTransaction.amount > 0,
                            CustomerTransaction.closed_on.is_(None),
                            CustomerTransaction.collection_status == "none",
                        )
                        .limit(1)
                    )
                    if open_debit is not None:
                        change_status(
                            session,
                            scope,
                            [open_debit],
                            "disputed",
                            when,
                            changed_by_id=employee,
                            today=TODAY,
                        )
                elif activities:
                    chosen = session.get(Activity, activities[actions % len(activities)])
                    assert chosen is not None
                    edit_activity(
                        session,
                        scope,
                        chosen.id,
                        when,
                        expected_version=chosen.version,
                        type=chosen.type,
                        category=chosen.category,
                        purpose=f"Call back ({actions})",
                        responsible_id=chosen.responsible_employee_id,
                        start_at=chosen.start_at,
                        end_at=chosen.end_at,
                        memo=chosen.memo,
                        case_id=chosen.case_id,
                        employee_id=employee,
                    )
        done = pending(replica)
    return done, actions, time.perf_counter() - started


def timed(function: Callable[[], Any], profile: bool, label: str) -> tuple[Any, float]:
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result = function()
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    if profiler is not None:
        print(f"\n--- {label}: where the time goes (cumulative) ---")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return result, seconds


def size(path: Path) -> str:
    return f"{path.stat().st_size / 2**20:,.1f} MiB"


def team_ready(server: str, name: str) -> tuple[int, str | None]:
    """(customers, login of the Iberia agent) of database ``name`` when ``team init`` has
    run on it and that agent's login role exists; (0, None) otherwise."""
    engine = create_engine(make_url(server).set(database=name))
    try:
        with engine.connect() as connection:
            customers = int(connection.scalar(text("SELECT count(*) FROM customers")) or 0)
            members = connection.scalar(text("SELECT count(*) FROM pool_customers")) or 0
            login = connection.scalar(
                text(
                    "SELECT e.user_name FROM employees e JOIN pg_roles r "
                    "ON r.rolname = e.user_name AND r.rolcanlogin WHERE e.number = 'E-0001'"
                )
            )
        return (customers, login) if members and login else (0, None)
    except Exception:  # no such database, or not the app's
        return 0, None
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1/postgres")
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--operations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--big", default="bench100k", help="database of a big demo to copy")
    parser.add_argument("--fallback", type=int, default=20_000)
    parser.add_argument("--no-big", action="store_true", help="skip the initial big replica")
    parser.add_argument("--only-big", action="store_true", help="only the initial big replica")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    tag = uuid.uuid4().hex[:8]
    print(f"machine: {machine()}")
    roles: dict[str, str] = {}
    names = [f"bench_sync_{tag}", f"bench_sync_big_{tag}"]
    try:
        if args.only_big:
            big(args, tag, roles, names[1])
            return 0
        with database_on(args.server, names[0]) as url, tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            write_demo_company(url, customers=args.customers, seed=7, today=TODAY)
            init_team(url, now=now())
            roles = add_agents(url, tag)
            print(
                f"team: {args.customers}-customer demo, team init, two agents "
                f"({time.perf_counter() - started:.1f} s)"
            )
            files = {label: Path(folder) / f"{label}.sqlite" for label in roles}
            for label, role in roles.items():
                _, seconds = timed(
                    lambda r=role, f=files[label]: create_replica(as_user(url, r), None, f,
                                                                  now=now()),
                    False, "",
                )  # fmt: skip
                print(f"replica of {label}: {seconds:.2f} s, {size(files[label])}")
            iberia = open_company(files["iberia"], clock=SystemClock(), create=False)
            viewer = open_company(files["all"], clock=SystemClock(), create=False)
            try:
                made, actions, seconds = local_operations(iberia, roles["iberia"], args.operations)
                print(f"local: {made:,} operations from {actions:,} actions in {seconds:.1f} s")
                push, push_s = timed(
                    lambda: sync_replica(iberia, None, now=now()), args.profile, "push"
                )
                pull, pull_s = timed(
                    lambda: sync_replica(viewer, None, now=now()), args.profile, "pull"
                )
                print(
                    f"push of {made:,} operations: {push_s:.2f} s ({push}); pull of them on "
                    f"another replica: {pull_s:.2f} s ({pull}); together {push_s + pull_s:.2f} s "
                    "(target < 3 s)"
                )
                sync_replica(iberia, None, now=now())
                idle = []
                for _ in range(args.repeat):
                    _, seconds = timed(lambda: sync_replica(iberia, None, now=now()), False, "")
                    idle.append(seconds)
                print(
                    f"sync with nothing to do: median {statistics.median(idle) * 1000:.0f} ms, "
                    f"best {min(idle) * 1000:.0f} ms of {args.repeat} (target < 100 ms)"
                )
            finally:
                iberia.dispose()
                viewer.dispose()
        if not args.no_big:
            big(args, tag, roles, names[1])
    finally:
        if roles:
            drop_roles(args.server, roles.values(), names)
    return 0


def big(args: argparse.Namespace, tag: str, roles: dict[str, str], name: str) -> None:
    """The initial replica of the Iberia agent from a big demo on the server: the team
    database ``--big`` as it is when it is set up for the team (the replica only reads it,
    but for the number blocks it is lent), else a demo written for the purpose."""
    customers, login = team_ready(args.server, args.big)
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        if login is not None:
            url = make_url(args.server).set(database=args.big).render_as_string(False)
            user = login
            source = f"{args.big}, set up for the team ({customers:,} customers)"
        else:
            started = time.perf_counter()
            url = stack.enter_context(database_on(args.server, name))
            customers = args.fallback
            write_demo_company(url, customers=customers, seed=7, today=TODAY)
            init_team(url, now=now())
            roles.update(add_agents(url, tag))
            user = roles["iberia"]
            source = (
                f"a {customers:,}-customer demo written for this run ({args.big} is not set "
                f"up for the team), team init ({time.perf_counter() - started:.0f} s)"
            )
        print(f"big server: {source}")
        engine = create_engine(url)
        with engine.connect() as connection:
            pool = connection.scalar(
                text(
                    "SELECT count(*) FROM pool_customers pc JOIN customer_pools p "
                    "ON p.id = pc.pool_id WHERE p.name = 'Iberia'"
                )
            )
            transactions = connection.scalar(text("SELECT count(*) FROM customer_transactions"))
        engine.dispose()
        file = Path(folder) / "iberia.sqlite"
        _, seconds = timed(
            lambda: create_replica(as_user(url, user), None, file, now=now()),
            args.profile,
            "initial replica",
        )
        print(
            f"initial replica of the Iberia pool ({pool:,} customers of {customers:,}; "
            f"{transactions:,} transactions on the server): {seconds:.1f} s, {size(file)}"
        )


if __name__ == "__main__":
    sys.exit(main())
