"""``collections-desktop sync`` killed with SIGKILL at random moments, and cut off mid-push.

An agent's replica of a small team server (``tests/sync/team.py``) gets a few local
operations before every run; the sync is then run as the command line runs it, in a
process forked from one that imported the app once (``tests/killing.py``), and killed
after a random delay. Some runs instead have their server connection terminated by
``pg_terminate_backend`` from another connection a few statements into the push. After
every run the replica passes ``PRAGMA integrity_check``; at the end one more sync
finishes, and every operation the replica ever wrote is on the server exactly once, none
is left to push, the replica equals the server as its agent sees it and the ledger's
invariants hold on both. The figures are printed (``pytest -s``).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from collections_desktop.models.actions.status import change_status
from collections_desktop.models.casework.activities import edit_activity
from collections_desktop.models.db.connect import server_engine
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity, Customer, Employee
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.ledger import postings
from collections_desktop.models.ledger.settlements import settle_oldest_first
from collections_desktop.models.people.scope import load_scope
from collections_desktop.models.sync.replica import create_replica
from tests.hypothesis_profiles import examples
from tests.killing import Forker
from tests.sync.team import (
    START,
    build_team,
    drop_team_roles,
    ledger_problems,
    open_replica,
    outbox_ids,
    scope_differences,
    server_operations,
)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")

KILLS = examples(60)
TERMINATIONS = 12
AGENT = "iberia"


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
    connection.close()
    return str(verdict)


def local_work(replica: Database, user: str, step: int, rng: random.Random) -> None:
    """One or two of a collector's actions offline: invoices, payments, statuses, activities."""
    now = dt.datetime.combine(START, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(seconds=step)
    with write_transaction(replica) as session:
        scope = load_scope(session, user)
        employee = session.scalar(select(Employee.id).where(Employee.user_name == user))
        customers = list(
            session.scalars(
                select(Customer.id)
                .where(scope.customer_condition(START))
                .order_by(Customer.account)
            )
        )
        customer = rng.choice(customers)
        invoice = postings.post_invoice(
            session,
            customer_id=customer,
            amount=Decimal(rng.randint(100, 50_000)) / 100,
            posting_date=START,
            due_date=START + dt.timedelta(days=30),
            now=now,
            created_by_id=employee,
        )
        if step % 3 == 0:
            payment = postings.post_payment(
                session,
                customer_id=customer,
                amount=Decimal(rng.randint(100, 20_000)) / 100,
                posting_date=START,
                now=now,
                created_by_id=employee,
            )
            settle_oldest_first(session, payment.id, START, now, created_by_id=employee)
        elif step % 3 == 1:
            change_status(
                session, scope, [invoice.id], "disputed", now, changed_by_id=employee, today=START
            )
        activity = session.scalars(
            select(Activity).where(Activity.customer_id.in_(customers)).order_by(Activity.id)
        ).first()
        if activity is not None and step % 4 == 0:
            edit_activity(
                session,
                scope,
                activity.id,
                now,
                expected_version=activity.version,
                type=activity.type,
                category=activity.category,
                purpose=f"Call back ({step})",
                responsible_id=activity.responsible_employee_id,
                start_at=activity.start_at,
                end_at=activity.end_at,
                memo=activity.memo,
                case_id=activity.case_id,
                employee_id=employee,
            )


def test_a_sync_killed_anywhere_loses_nothing_and_converges(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    team = build_team(pg_url, uuid.uuid4().hex[:8])
    admin = create_engine(pg_url)
    viewer = server_engine(team.url_of(AGENT))
    path = tmp_path / "replica.sqlite"
    replica: Database | None = None
    try:
        create_replica(team.url_of(AGENT), None, path, now=dt.datetime.now(dt.UTC))
        replica = open_replica(path)
        user = team.roles[AGENT]
        rng = random.Random(17)
        made: set[uuid.UUID] = set()
        outcomes: Counter[str] = Counter()
        step = 0

        def work() -> None:
            nonlocal step
            for _ in range(rng.randint(1, 2)):
                step += 1
                local_work(replica, user, step, rng)
            made.update(outbox_ids(replica))

        with Forker(
            "collections_desktop.cli",
            "collections_desktop.models.sync.run",
            "tests.sync.team",
        ) as forker:
            work()
            clean = forker.run("tests.sync.team:cli_sync", str(path))
            assert clean.code == 0
            lasts = clean.seconds
            kills = runs = 0
            while kills < KILLS and runs < 3 * KILLS:
                runs += 1
                work()
                run = forker.run(
                    "tests.sync.team:cli_sync", str(path), kill_after=rng.uniform(0, 1.2 * lasts)
                )
                assert run.killed or run.code == 0, run
                kills += run.killed
                outcomes["killed" if run.killed else "finished"] += 1
                if not run.killed:
                    lasts = run.seconds
                assert integrity(path) == "ok"
            for _ in range(TERMINATIONS):
                work()
                run = forker.run(
                    "tests.sync.team:cli_sync_terminated", str(path), pg_url, str(rng.randint(0, 6))
                )
                assert not run.killed
                assert run.code in (0, 2), run  # done before the cut, or a clear message
                outcomes[f"terminated mid-push (exit {run.code})"] += 1
                assert integrity(path) == "ok"
            last = forker.run("tests.sync.team:cli_sync", str(path))
            assert last.code == 0
        assert integrity(path) == "ok"
        on_server = server_operations(admin)
        assert len(on_server) == len(set(on_server))
        assert set(on_server) == made, (len(made - set(on_server)), len(set(on_server) - made))
        assert outbox_ids(replica) == set()
        with replica.engine.connect() as mine, viewer.connect() as theirs:
            assert scope_differences(mine, theirs) == []
        with replica.sessions() as session:
            assert ledger_problems(session, START) == []
        with Session(admin) as session:
            assert ledger_problems(session, START) == []
        print(
            f"\nsync of a replica with 1-2 local actions pending ({clean.seconds:.2f} s "
            f"uninterrupted): {runs} runs, {kills} killed; "
            + ", ".join(f"{what}: {count}" for what, count in sorted(outcomes.items()))
            + f"; {len(made)} operations, each on the server once"
        )
        assert kills == KILLS
        assert outcomes["terminated mid-push (exit 2)"] > 0  # "cannot be reached", nothing lost
    finally:
        if replica is not None:
            replica.dispose()
        viewer.dispose()
        admin.dispose()
        drop_team_roles(team)
