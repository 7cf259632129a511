"""A hypothesis state machine over a team server and three agents' offline replicas.

The server is a small company on the real PostgreSQL, set up by ``team init``, with an
agent for each of two pools and one who may view all pools (``tests/sync/team.py``);
each agent has a replica made by ``create_replica``. Every example starts from the same
server and the same replica files. Rules act on a replica or on the server directly,
with the functions the app uses: post an invoice, a payment settled oldest first, settle
a debit against a credit, change a collection status, add or edit an activity, write
off; they sync one replica (sometimes broken half-way: the server connection terminated
from another connection, or the replica's disk failing, at a random statement of the
sync), move a customer between pools on the server (and refresh the pools' members),
resolve a conflict (re-apply it or discard it), and let days pass. After every full sync
round (each replica synced twice, unbroken) and at the end of each example:
- every replica equals the server as its agent sees it (row-level security), row for
  row in every shared table, compared as Python values;
- every operation any replica ever wrote to its outbox is on the server exactly once
  (``sync_operations``), and none other is; no replica has one left to push;
- on every replica and on the server, each journal sums to zero, every transaction's
  open amount lies between zero and its amount (and it is closed exactly when nothing is
  open), and each customer's aging columns sum to its balance.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule
from sqlalchemy import Engine, create_engine, func, select, type_coerce

from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.actions.status import CollectionStatusError, change_status
from collections_desktop.models.actions.writeoff import write_off
from collections_desktop.models.actions.writeoff_plan import WriteOffError
from collections_desktop.models.casework.activities import (
    ActivityError,
    create_activity,
    edit_activity,
)
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.connect import server_engine
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    Customer,
    CustomerTransaction,
    Employee,
    SettlementLine,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.ledger import postings
from collections_desktop.models.ledger.books import LedgerError
from collections_desktop.models.ledger.settlements import settle_oldest_first
from collections_desktop.models.ledger.settling import SettleError, settle_marked
from collections_desktop.models.people.scope import AgentScope, company_scope, load_scope
from collections_desktop.models.sync.conflicts import (
    ConflictError,
    discard,
    list_conflicts,
    reapply,
)
from collections_desktop.models.sync.replica import create_replica
from collections_desktop.models.sync.run import sync_replica
from tests.hypothesis_profiles import examples, steps
from tests.sync.team import (
    AGENTS,
    CUSTOMERS,
    START,
    ServerSnapshot,
    StatementFault,
    Team,
    build_team,
    copy_sqlite,
    drop_team_roles,
    ledger_problems,
    move_customer,
    open_replica,
    outbox_ids,
    restore_sqlite,
    scope_differences,
    server_operations,
)

EXAMPLES = 24
"""Examples in CI (about 2 s each); the nightly profile runs 25 times as many."""
ROUND_EVERY = 8
"""Calls of the clock (actions, syncs) before a full round may be chosen again."""
LABELS = tuple(label for label, _number, _pool in AGENTS)
WHERE = ("server", *LABELS)
ZERO = Decimal(0)
REFUSED = (
    ActivityError,
    ConflictError,
    CollectionStatusError,
    LedgerError,
    SettleError,
    WriteOffError,
)
"""What an action may answer with when the state it was drawn for does not allow it."""

amounts = st.integers(min_value=100, max_value=40_000).map(lambda cents: Decimal(cents) / 100)


@dataclass
class World:
    """What every example starts from: the server's snapshot and the replicas' files."""

    team: Team
    admin: Engine
    server: Database
    snapshot: ServerSnapshot
    saved: dict[str, Path]
    files: dict[str, Path]
    viewers: dict[str, Engine]
    replicas: dict[str, Database]
    fault: StatementFault
    figures: Counter[str] = field(default_factory=Counter)


WORLD: World | None = None


class TeamSync(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        assert WORLD is not None
        self.world = WORLD
        started = time.perf_counter()
        self.world.server.engine.dispose()
        for viewer in self.world.viewers.values():
            viewer.dispose()
        self.world.snapshot.restore()
        self.replicas = self.world.replicas
        for label in LABELS:
            restore_sqlite(self.world.saved[label], self.replicas[label])
        self.world.figures["reset seconds"] += time.perf_counter() - started
        self.world.figures["examples"] += 1
        self.day = START
        self.tick = 0
        self.made: set[uuid.UUID] = set()
        self.statements: dict[str, dict[str, int]] = {}
        self.since_round = 0

    # --- helpers ------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        self.tick += 1
        self.since_round += 1
        return dt.datetime.combine(self.day, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(
            seconds=self.tick
        )

    def database(self, where: str) -> Database:
        return self.world.server if where == "server" else self.replicas[where]

    def scope(self, session, where: str) -> AgentScope:
        if where == "server":
            return company_scope(session)
        return load_scope(session, self.world.team.roles[where])

    def employee(self, session, where: str) -> uuid.UUID | None:
        if where == "server":
            return None
        return session.scalar(
            select(Employee.id).where(Employee.user_name == self.world.team.roles[where])
        )

    def customers(self, session, where: str) -> list[uuid.UUID]:
        """The customers this side works, by account (what a collector picks from)."""
        scope = self.scope(session, where)
        return list(
            session.scalars(
                select(Customer.id)
                .where(Customer.deleted_at.is_(None), scope.customer_condition(self.day))
                .order_by(Customer.account)
            )
        )

    def open_items(self, session, customer_id: uuid.UUID, debits: bool) -> list[tuple]:
        """(id, open amount) of the customer's open debits or credits, by voucher."""
        settled = (
            select(func.coalesce(func.sum(SettlementLine.amount), 0))
            .where(SettlementLine.transaction_id == CustomerTransaction.id)
            .scalar_subquery()
        )
        rows = session.execute(
            select(
                CustomerTransaction.id, type_coerce(CustomerTransaction.amount - settled, Money())
            )
            .where(
                CustomerTransaction.customer_id == customer_id,
                CustomerTransaction.closed_on.is_(None),
                CustomerTransaction.posting_date <= self.day,
                CustomerTransaction.amount > 0 if debits else CustomerTransaction.amount < 0,
            )
            .order_by(CustomerTransaction.voucher)
        ).all()
        return [(txn_id, abs(left)) for txn_id, left in rows if left]

    def act(self, where: str, what: str, work) -> None:
        """Run one action in a write transaction on ``where``; note its outbox operations."""
        try:
            with write_transaction(self.database(where)) as session:
                done = work(session)
        except REFUSED as error:
            event(f"{what} refused: {type(error).__name__}")
            return
        event(
            f"{what} on {'the server' if where == 'server' else 'a replica'}"
            + ("" if done is not False else " (nothing to do)")
        )
        if where != "server":
            self.made |= outbox_ids(self.replicas[where])

    def pick_customer(self, data, session, where: str) -> uuid.UUID | None:
        found = self.customers(session, where)
        return data.draw(st.sampled_from(found), label="customer") if found else None

    # --- actions (on a replica or on the server) ------------------------------------------

    @rule(data=st.data(), where=st.sampled_from(WHERE), amount=amounts)
    def post_invoice(self, data, where: str, amount: Decimal) -> None:
        def work(session):
            customer = self.pick_customer(data, session, where)
            if customer is None:
                return False
            postings.post_invoice(
                session,
                customer_id=customer,
                amount=amount,
                posting_date=self.day,
                due_date=self.day + dt.timedelta(days=30),
                now=self.now(),
                created_by_id=self.employee(session, where),
            )
            return True

        self.act(where, "invoice", work)

    @rule(data=st.data(), where=st.sampled_from(WHERE), amount=amounts)
    def post_payment(self, data, where: str, amount: Decimal) -> None:
        """A payment, applied to the oldest open debits in the same transaction."""

        def work(session):
            customer = self.pick_customer(data, session, where)
            if customer is None:
                return False
            now = self.now()
            payment = postings.post_payment(
                session,
                customer_id=customer,
                amount=amount,
                posting_date=self.day,
                now=now,
                created_by_id=self.employee(session, where),
            )
            settle_oldest_first(
                session, payment.id, self.day, now, created_by_id=self.employee(session, where)
            )
            return True

        self.act(where, "payment", work)

    @rule(data=st.data(), where=st.sampled_from(WHERE), share=st.sampled_from([1, 2, 3]))
    def settle(self, data, where: str, share: int) -> None:
        """Settle one open debit against one open credit (all of it, or part)."""

        def work(session):
            customer = self.pick_customer(data, session, where)
            if customer is None:
                return False
            debits = self.open_items(session, customer, debits=True)
            credits = self.open_items(session, customer, debits=False)
            if not debits or not credits:
                return False
            debit, debit_open = data.draw(st.sampled_from(debits), label="debit")
            credit, credit_open = data.draw(st.sampled_from(credits), label="credit")
            value = (min(debit_open, credit_open) / share).quantize(Decimal("0.01"))
            if value <= ZERO:
                return False
            settle_marked(
                session,
                self.scope(session, where),
                {debit: value, credit: value},
                self.day,
                self.now(),
                created_by_id=self.employee(session, where),
            )
            return True

        self.act(where, "settle", work)

    @rule(
        data=st.data(),
        where=st.sampled_from(WHERE),
        status=st.sampled_from(["disputed", "resolved", "legal", "none"]),
    )
    def change_status(self, data, where: str, status: str) -> None:
        def work(session):
            customer = self.pick_customer(data, session, where)
            if customer is None:
                return False
            debits = self.open_items(session, customer, debits=True)
            if not debits:
                return False
            chosen, _open = data.draw(st.sampled_from(debits), label="debit")
            current = session.get(CustomerTransaction, chosen).collection_status
            if current == status:
                return False
            change_status(
                session,
                self.scope(session, where),
                [chosen],
                status,
                self.now(),
                changed_by_id=self.employee(session, where),
                today=self.day,
            )
            return True

        self.act(where, "status", work)

    @rule(data=st.data(), where=st.sampled_from(WHERE))
    def write_off(self, data, where: str) -> None:
        def work(session):
            customer = self.pick_customer(data, session, where)
            if customer is None:
                return False
            debits = self.open_items(session, customer, debits=True)
            if not debits:
                return False
            chosen, _open = data.draw(st.sampled_from(debits), label="debit")
            write_off(
                session,
                self.scope(session, where),
                [chosen],
                reason_code="SMALL",
                write_off_date=self.day,
                now=self.now(),
                created_by_id=self.employee(session, where),
            )
            return True

        self.act(where, "write-off", work)

    @rule(data=st.data(), where=st.sampled_from(WHERE), memo=st.sampled_from(["", "call", "mail"]))
    def add_activity(self, data, where: str, memo: str) -> None:
        def work(session):
            customer = self.pick_customer(data, session, where)
            if customer is None:
                return False
            responsible = self.employee(session, where) or session.scalar(
                select(Employee.id).where(Employee.number == "E-0903")
            )
            now = self.now()
            create_activity(
                session,
                self.scope(session, where),
                now=now,
                responsible_id=responsible,
                type="task",
                purpose=f"Follow up {self.tick}",
                memo=memo or None,
                customer_id=customer,
                start_at=now,
                end_at=now + dt.timedelta(hours=1),
            )
            return True

        self.act(where, "add activity", work)

    @rule(
        data=st.data(),
        where=st.sampled_from(WHERE),
        purpose=st.sampled_from(["Call back", "Send statement", "Visit"]),
        closed=st.sampled_from([None, True, False]),
    )
    def edit_activity(self, data, where: str, purpose: str, closed: bool | None) -> None:
        def work(session):
            customers = self.customers(session, where)
            found = session.scalars(
                select(Activity)
                .where(Activity.customer_id.in_(customers), Activity.deleted_at.is_(None))
                .order_by(Activity.number)
            ).all()
            if not found:
                return False
            chosen = data.draw(st.sampled_from(found), label="activity")
            edit_activity(
                session,
                self.scope(session, where),
                chosen.id,
                self.now(),
                expected_version=chosen.version,
                type=chosen.type,
                category=chosen.category,
                purpose=purpose,
                responsible_id=chosen.responsible_employee_id,
                start_at=chosen.start_at,
                end_at=chosen.end_at,
                memo=f"{chosen.memo or ''} {purpose[:4]}".strip(),
                case_id=chosen.case_id,
                closed=closed,
                employee_id=self.employee(session, where),
            )
            return True

        self.act(where, "edit activity", work)

    # --- the server's own changes, time --------------------------------------------------

    @rule(
        account=st.sampled_from([account for account, _country in CUSTOMERS]),
        country=st.sampled_from(["ES", "FR", "GB"]),
    )
    def move_customer(self, account: str, country: str) -> None:
        """A supervisor moves a customer to another pool (or out of every pool)."""
        move_customer(
            self.world.server.engine, self.world.team.customers[account], country, self.now()
        )
        event("customer moved")

    @rule(days=st.integers(min_value=1, max_value=20))
    def days_pass(self, days: int) -> None:
        self.day += dt.timedelta(days=days)

    # --- syncing ----------------------------------------------------------------------------

    def sync(self, label: str, fault: tuple[str, float] | None = None):
        replica = self.replicas[label]
        self.made |= outbox_ids(replica)
        side, fraction = fault or (None, 0.0)
        counts = self.statements.get(label, {"server": 40, "replica": 40})
        at = 1 + int(fraction * counts.get(side or "server", 40))
        with self.world.fault.armed(side, at) as armed:
            try:
                report = sync_replica(replica, None, now=self.now())
            except Exception:
                if not armed.fired:
                    raise
                event(f"sync broken on the {side}")
                self.world.figures[f"syncs broken on the {side}"] += 1
                return None
        if armed.fired:  # the failure hit only the sync's own record of its end
            assert armed.statement.startswith(("BEGIN", "UPDATE sync_state")), armed
            assert armed.seen["replica"] - armed.at < 2, armed
            event("sync finished, its end not recorded")
        self.statements[label] = dict(armed.seen)
        self.world.figures["syncs"] += 1
        self.world.figures["conflicts"] += report.conflicts
        if report.conflicts:
            event("conflicts")
        return report

    @rule(label=st.sampled_from(LABELS))
    def sync_one(self, label: str) -> None:
        self.sync(label)

    @rule(
        label=st.sampled_from(LABELS),
        side=st.sampled_from(["server", "replica"]),
        fraction=st.floats(min_value=0, max_value=1),
    )
    def sync_broken(self, label: str, side: str, fraction: float) -> None:
        """A sync that fails at a random statement, on the server or on the replica."""
        self.sync(label, (side, fraction))

    @rule(data=st.data(), label=st.sampled_from(LABELS), again=st.booleans())
    def resolve_conflict(self, data, label: str, again: bool) -> None:
        """Re-apply a conflict (as new operations) or discard it, as the Conflicts page does."""
        replica = self.replicas[label]
        with replica.sessions() as session:
            open_ones = [c for c in list_conflicts(session) if c.resolved_at is None]
        if not open_ones:
            return
        chosen = data.draw(st.sampled_from(open_ones), label="conflict")
        try:
            with write_transaction(replica) as session:
                (reapply if again else discard)(session, chosen.id, self.now())
        except REFUSED as error:
            event(f"conflict resolution refused: {type(error).__name__}")
            return
        event("conflict re-applied" if again else "conflict discarded")
        self.made |= outbox_ids(replica)

    @precondition(lambda self: self.since_round >= ROUND_EVERY)
    @rule()
    def full_round(self) -> None:
        self.round()

    def round(self) -> None:
        """Sync every replica twice, unbroken, then check everything."""
        self.since_round = 0
        for _ in range(2):
            for label in LABELS:
                report = self.sync(label)
                assert report is not None
        self.world.figures["rounds"] += 1
        problems: list[str] = []
        on_server = server_operations(self.world.admin)
        assert len(on_server) == len(set(on_server))
        missing = self.made - set(on_server)
        extra = set(on_server) - self.made
        assert not missing, f"{len(missing)} operations never reached the server"
        assert not extra, f"{len(extra)} operations on the server that no replica made"
        for label, replica in self.replicas.items():
            assert not outbox_ids(replica), f"{label} still has operations to push"
            with replica.engine.connect() as mine, self.world.viewers[label].connect() as theirs:
                problems += [f"{label}: {p}" for p in scope_differences(mine, theirs)]
            with replica.sessions() as session:
                problems += [f"{label}: {p}" for p in ledger_problems(session, self.day)]
        with self.world.server.sessions() as session:
            problems += [f"server: {p}" for p in ledger_problems(session, self.day)]
        assert not problems, "\n".join(problems)

    def teardown(self) -> None:
        self.round()


@pytest.fixture
def world(pg_url: str, tmp_path: Path) -> Iterator[World]:
    global WORLD
    team = build_team(pg_url, uuid.uuid4().hex[:8])
    admin = create_engine(pg_url)
    server = open_company(pg_url, clock=SystemClock(), create=False)
    viewers: dict[str, Engine] = {}
    replicas: dict[str, Database] = {}
    try:
        saved, files = {}, {}
        started = time.perf_counter()
        for label in LABELS:
            saved[label] = tmp_path / f"{label}.saved.sqlite"
            create_replica(team.url_of(label), None, saved[label], now=dt.datetime.now(dt.UTC))
            files[label] = tmp_path / f"{label}.sqlite"
        made = time.perf_counter() - started
        for label in LABELS:
            viewers[label] = server_engine(team.url_of(label))
            copy_sqlite(saved[label], files[label])
            replicas[label] = open_replica(files[label])
        snapshot = ServerSnapshot(admin)
        WORLD = World(
            team=team,
            admin=admin,
            server=server,
            snapshot=snapshot,
            saved=saved,
            files=files,
            viewers=viewers,
            replicas=replicas,
            fault=StatementFault(admin, spared=[admin, server.engine, *viewers.values()]),
        )
        WORLD.figures["replicas made, seconds"] = made
        yield WORLD
    finally:
        WORLD = None
        for replica in replicas.values():
            replica.dispose()
        for viewer in viewers.values():
            viewer.dispose()
        server.dispose()
        admin.dispose()
        drop_team_roles(team)


# A server cursor whose connection the test terminated cannot be closed any more; psycopg
# warns when it is collected.
@pytest.mark.filterwarnings("ignore:.*ServerCursor.*deleted while still open:ResourceWarning")
def test_replicas_and_server_converge(world: World) -> None:
    started = time.perf_counter()
    TeamSync.TestCase.settings = settings(
        max_examples=examples(EXAMPLES),
        stateful_step_count=steps(8),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    TeamSync.TestCase().runTest()
    figures = world.figures
    print(
        f"\n{figures['examples']} examples in {time.perf_counter() - started:.1f} s "
        f"(resets {figures['reset seconds']:.1f} s; three replicas made in "
        f"{figures['replicas made, seconds']:.2f} s): {figures['syncs']} syncs, "
        f"{figures['syncs broken on the server']} broken on the server, "
        f"{figures['syncs broken on the replica']} on the replica, "
        f"{figures['rounds']} full rounds, {figures['conflicts']} conflicts"
    )
    assert figures["examples"] >= examples(EXAMPLES)
    assert figures["syncs broken on the server"] > 0
    assert figures["syncs broken on the replica"] > 0
