"""A small team on the real PostgreSQL, its agents' replicas, and what a sync must keep true.

``build_team`` writes a company of three customers in two pools (Iberia: ES and PT;
France: FR; one GB customer in no pool), runs ``team init``, and adds three agents: one
per pool and one who may view all pools. Their login roles are cluster-wide, so their
names carry the test's own tag; ``drop_team_roles`` removes them.

``ServerSnapshot`` saves every table of the server in a schema of its own and puts them
back in a few milliseconds (triggers and foreign keys stand aside while it does), so a
state machine starts each example from the same server and the same replica files without
making new ones. ``StatementFault`` breaks a sync at its n-th statement: on the server by
terminating the sync's backend from another connection (the realistic dropped
connection), on the replica by a disk I/O error. The checks (``scope_differences``,
``ledger_problems``) compare rows as Python values through the schema's own types.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.aging.snapshot import age_customers
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import create_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    AgentPool,
    CollectionsAgent,
    Customer,
    CustomerPool,
    CustomerTransaction,
    Employee,
    JournalLine,
    SettlementLine,
    SyncOperation,
    SyncOutbox,
)
from collections_desktop.models.ledger import balances, postings
from collections_desktop.models.ledger.settlements import settle_oldest_first
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.sync.catalogue import shared_tables
from collections_desktop.models.team.members import refresh_pool_members
from collections_desktop.models.team.server import init_team
from collections_desktop.models.team.users import add_user

START = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
ZERO = Decimal(0)
SNAPSHOT_SCHEMA = "sync_proof_snapshot"
IGNORED_COLUMNS = frozenset({"version"})
"""Columns each side counts for itself (``catalogue.UNMERGED_COLUMNS`` but the key)."""

POOLS = (("Iberia", ("ES", "PT")), ("France", ("FR",)))
CUSTOMERS = (("C-001", "ES"), ("C-002", "FR"), ("C-003", "GB"))
"""Few customers, so that agents often act on the same ones (and conflict)."""
AGENTS = (  # label, employee number, pool (None: may view all pools)
    ("iberia", "E-0901", "Iberia"),
    ("france", "E-0902", "France"),
    ("all", "E-0903", None),
)


@dataclass(frozen=True)
class Team:
    """The server and who works on it."""

    admin_url: str
    roles: dict[str, str]  # agent label -> login role
    customers: dict[str, uuid.UUID]  # account -> id

    def url_of(self, label: str) -> str:
        """The URL an agent syncs with (no password: the test server trusts loopback)."""
        url = make_url(self.admin_url).set(username=self.roles[label])
        return url.render_as_string(hide_password=False)


def build_team(admin_url: str, tag: str) -> Team:
    """A company of three customers with a little history, set up for the team."""
    database = open_company(admin_url, clock=SystemClock())
    customers: dict[str, uuid.UUID] = {}
    try:
        with database.sessions.begin() as session:
            create_company(session, "Sync Proof SA", "EUR", NOW)
            for label, number, _pool in AGENTS:
                session.add(Employee(number=number, name=f"Agent {label}", updated_at=NOW))
            for name, countries in POOLS:
                criteria = json.dumps({"countries": list(countries)})
                session.add(CustomerPool(name=name, criteria=criteria, updated_at=NOW))
            for index, (account, country) in enumerate(CUSTOMERS):
                customer = Customer(
                    account=account,
                    name=f"Customer {account}",
                    country=country,
                    currency="EUR",
                    interest_code="STD",
                    updated_at=NOW,
                )
                session.add(customer)
                session.flush()
                customers[account] = customer.id
                day = START - dt.timedelta(days=60 - index)
                for offset, amount in ((0, "120.00"), (20, "75.50")):
                    postings.post_invoice(
                        session,
                        customer_id=customer.id,
                        amount=Decimal(amount),
                        posting_date=day + dt.timedelta(days=offset),
                        due_date=day + dt.timedelta(days=offset + 30),
                        now=NOW,
                    )
                payment = postings.post_payment(
                    session,
                    customer_id=customer.id,
                    amount=Decimal("50.00"),
                    posting_date=day + dt.timedelta(days=35),
                    now=NOW,
                )
                settle_oldest_first(session, payment.id, day + dt.timedelta(days=35), NOW)
    finally:
        database.dispose()
    init_team(admin_url, now=NOW)
    roles = {label: f"sp{tag}-{label}" for label, _number, _pool in AGENTS}
    engine = create_engine(admin_url)
    try:
        with Session(engine) as session, session.begin():
            pools = dict(session.execute(select(CustomerPool.name, CustomerPool.id)).all())
            for label, number, pool in AGENTS:
                add_user(
                    session,
                    roles[label],
                    number,
                    supervisor=False,
                    view_all=pool is None,
                    password=None,
                    now=NOW,
                )
                if pool is not None:
                    agent_id = session.scalar(
                        select(CollectionsAgent.id)
                        .join(Employee, Employee.id == CollectionsAgent.employee_id)
                        .where(Employee.number == number)
                    )
                    session.add(AgentPool(agent_id=agent_id, pool_id=pools[pool], updated_at=NOW))
                    session.flush()
                    session.execute(
                        text("UPDATE collections_agents SET default_pool_id = :p WHERE id = :a"),
                        {"p": pools[pool], "a": agent_id},
                    )
            refresh_pool_members(session, START)
    finally:
        engine.dispose()
    return Team(admin_url, roles, customers)


def drop_team_roles(team: Team) -> None:
    """Remove the agents' login roles (cluster-wide) and what they were granted."""
    engine = create_engine(team.admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for role in team.roles.values():
                connection.execute(text(f'DROP OWNED BY "{role}"'))
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    finally:
        engine.dispose()


def move_customer(admin: Engine, customer_id: uuid.UUID, country: str, now: dt.datetime) -> None:
    """A supervisor moves a customer to the pool of ``country``; the members follow."""
    with Session(admin) as session, session.begin():
        customer = session.get(Customer, customer_id)
        assert customer is not None
        customer.country = country
        customer.updated_at = now
        customer.version += 1
        session.flush()
        refresh_pool_members(session, now.date())


# --- the server's snapshot -----------------------------------------------------------------


class ServerSnapshot:
    """Every table of the server's schema, saved aside and put back as it was."""

    def __init__(self, admin: Engine) -> None:
        self.admin = admin
        with admin.begin() as connection:
            self.tables = list(
                connection.scalars(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version' ORDER BY tablename"
                    )
                )
            )
            self.sequences = {
                name: connection.scalar(text(f'SELECT last_value FROM "{name}"'))
                for name in connection.scalars(
                    text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
                )
            }
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}"))
            for table in self.tables:
                connection.execute(
                    text(f'CREATE TABLE {SNAPSHOT_SCHEMA}."{table}" AS TABLE public."{table}"')
                )

    def restore(self) -> None:
        """The server as it was saved (every connection but the admin's is ended first)."""
        with self.admin.begin() as connection:
            terminate_others(connection)
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(
                text("; ".join(f'DELETE FROM public."{table}"' for table in self.tables))
            )
            connection.execute(
                text(
                    "; ".join(
                        f'INSERT INTO public."{table}" OVERRIDING SYSTEM VALUE '
                        f'SELECT * FROM {SNAPSHOT_SCHEMA}."{table}"'
                        for table in self.tables
                    )
                )
            )
            for name, value in self.sequences.items():
                if value is not None:
                    connection.execute(text(f"SELECT setval('\"{name}\"', {int(value)})"))


def terminate_others(connection: Connection) -> None:
    """End every other session on this database (a sync left half-way holds none)."""
    connection.execute(
        text(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )


# --- replicas --------------------------------------------------------------------------------


def open_replica(path: Path) -> Database:
    return open_company(path, clock=SystemClock(), create=False)


def copy_sqlite(source: Path, target: Path) -> None:
    """A whole copy of a closed SQLite file (its WAL folded in first)."""
    with sqlite3.connect(source) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


def restore_sqlite(saved: Path, replica: Database) -> None:
    """Put a saved copy back into an open replica (SQLite's backup, page by page): far
    quicker than opening the file again, which loads the migrations to check its schema."""
    replica.engine.dispose()
    with sqlite3.connect(saved) as source, sqlite3.connect(replica.url.database or "") as target:
        source.backup(target)
    source.close()
    target.close()


def outbox_ids(database: Database) -> set[uuid.UUID]:
    """The operations a replica has not pushed yet."""
    with database.sessions() as session:
        return set(session.scalars(select(SyncOutbox.op_id)))


def server_operations(admin: Engine) -> list[uuid.UUID]:
    """Every operation the server holds (applied or recorded as a conflict)."""
    with Session(admin) as session:
        return list(session.scalars(select(SyncOperation.op_id)))


# --- comparing ------------------------------------------------------------------------------


def table_rows(connection: Connection, name: str) -> dict[Any, tuple[Any, ...]]:
    """The rows of a shared table as Python values, by key, without the ignored columns."""
    table = next(t for t in shared_tables() if t.name == name)
    columns = [c for c in table.columns if c.name not in IGNORED_COLUMNS]
    keys = [c for c in table.primary_key.columns]
    found: dict[Any, tuple[Any, ...]] = {}
    for row in connection.execute(select(*columns)):
        mapping = row._mapping
        key = tuple(mapping[c.name] for c in keys)
        found[key[0] if len(key) == 1 else key] = tuple(mapping[c.name] for c in columns)
    return found


def scope_differences(replica: Connection, server: Connection, limit: int = 8) -> list[str]:
    """What differs between a replica and the server as its agent sees it, table by table."""
    problems: list[str] = []
    for table in shared_tables():
        mine = table_rows(replica, table.name)
        theirs = table_rows(server, table.name)
        if mine == theirs:
            continue
        only_mine = sorted(str(k) for k in mine.keys() - theirs.keys())
        only_theirs = sorted(str(k) for k in theirs.keys() - mine.keys())
        names = [c.name for c in table.columns if c.name not in IGNORED_COLUMNS]
        changed = [
            f"{key}: "
            + ", ".join(
                f"{n} {a!r} != {b!r}"
                for n, a, b in zip(names, mine[key], theirs[key], strict=True)
                if a != b
            )
            for key in sorted(mine.keys() & theirs.keys(), key=str)
            if mine[key] != theirs[key]
        ]
        problems.append(
            f"{table.name}: only in the replica {only_mine[:limit]}, only on the server "
            f"{only_theirs[:limit]}, different {changed[:limit]}"
        )
    return problems


def ledger_problems(session: Session, as_of: dt.date) -> list[str]:
    """The ledger's invariants: journals balance, open amounts within bounds, aging sums."""
    problems: list[str] = []
    off = session.execute(
        select(JournalLine.journal_id, JournalLine.currency, func.sum(JournalLine.amount))
        .group_by(JournalLine.journal_id, JournalLine.currency)
        .having(func.sum(JournalLine.amount) != 0)
    ).all()
    off += session.execute(
        select(JournalLine.journal_id, func.sum(JournalLine.amount_accounting))
        .group_by(JournalLine.journal_id)
        .having(func.sum(JournalLine.amount_accounting) != 0)
    ).all()
    problems += [f"journal {row[0]} does not sum to zero: {tuple(row)}" for row in off]
    settled = dict(
        session.execute(
            select(SettlementLine.transaction_id, func.sum(SettlementLine.amount)).group_by(
                SettlementLine.transaction_id
            )
        ).all()
    )
    for txn_id, voucher, amount, closed_on in session.execute(
        select(
            CustomerTransaction.id,
            CustomerTransaction.voucher,
            CustomerTransaction.amount,
            CustomerTransaction.closed_on,
        )
    ):
        left = amount - (settled.get(txn_id) or ZERO)
        if not min(amount, ZERO) <= left <= max(amount, ZERO):
            problems.append(f"{voucher}: {left} open of {amount}")
        if (left == ZERO) != (closed_on is not None):
            problems.append(f"{voucher}: {left} open but closed on {closed_on}")
    scope = company_scope(session)
    aged = {row.customer_id: row for row in age_customers(session, as_of, scope).rows}
    for customer_id in session.scalars(select(Customer.id)):
        balance = balances.balance(session, customer_id, as_of)
        row = aged.get(customer_id)
        columns = sum(row.columns, ZERO) if row is not None else ZERO
        if columns != balance:
            problems.append(f"customer {customer_id}: aging {columns} != balance {balance}")
    return problems


# --- breaking a sync -----------------------------------------------------------------------


@dataclass
class StatementFault:
    """Break the n-th statement a sync runs on one side ("server" or "replica").

    Listens to every engine while armed; statements on ``spared`` engines (the test's own)
    do not count, nor do the ones before the first that holds ``marker`` (when given).
    ``fired`` tells whether the sync got that far.
    """

    admin: Engine
    spared: Sequence[Engine] = ()
    marker: str = ""
    side: str = ""
    at: int = 0
    seen: dict[str, int] = field(default_factory=dict)
    fired: bool = False
    statement: str = ""

    @contextmanager
    def armed(self, side: str | None, at: int) -> Iterator[StatementFault]:
        self.side, self.at, self.fired = side or "", at, False
        self.seen = {"server": 0, "replica": 0}
        event.listen(Engine, "before_cursor_execute", self._before)
        try:
            yield self
        finally:
            event.remove(Engine, "before_cursor_execute", self._before)

    def _before(self, connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if connection.engine in self.spared:
            return
        side = "server" if connection.dialect.name == "postgresql" else "replica"
        if self.marker and not self.seen[side] and self.marker not in statement:
            return
        self.seen[side] += 1
        if self.fired or side != self.side or self.seen[side] != self.at:
            return
        self.fired = True
        self.statement = statement
        if side == "replica":
            raise sqlite3.OperationalError("disk I/O error (injected by the test)")
        pid = connection.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
        with self.admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
            other.commit()


# --- what a forked worker runs (``tests/killing.py``: "tests.sync.team:cli_sync") ------------


def cli_sync(path: str) -> None:
    """``collections-desktop sync --database PATH``, as the command line runs it; the
    worker exits with the command's code."""
    from collections_desktop.cli import main

    code = main(["sync", "--database", path])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def cli_sync_terminated(path: str, admin_url: str, after: str) -> None:
    """The same sync, its server connection terminated from another connection ``after``
    statements into its push (counted from its first statement on ``sync_operations``)."""
    admin = create_engine(admin_url)
    fault = StatementFault(admin, spared=[admin], marker="sync_operations")
    with fault.armed("server", int(after) + 1):
        cli_sync(path)
