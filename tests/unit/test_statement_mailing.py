"""The month's statements mailing in the models: once per customer and month, the PDFs
printed only for those not queued yet, a run that meets another's queueing, a cancel."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from collections_desktop.demo.company import DEMO_USER
from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Customer,
    Employee,
    Mailing,
    OutboxAttachment,
    OutboxMessage,
)
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.people.scope import company_scope, load_viewer
from collections_desktop.models.statements.mailing import (
    mailing_key,
    month_mailing_status,
    queue_month_statements,
)
from collections_desktop.models.statements.period import last_month, month_period
from collections_desktop.models.statements.statement import Statement
from tests.unit.test_mail import NOW, add_customers

OCTOBER = month_period(2026, 10)
PDF = b"%PDF-1.4 statement\n%%EOF\n"


class Printer:
    """A stand-in for the views' printer: which statements it printed."""

    def __init__(self, then=None) -> None:  # type: ignore[no-untyped-def]
        self.printed: list[str] = []
        self.then = then

    def __call__(self, statement: Statement) -> bytes:
        self.printed.append(statement.account)
        if self.then is not None:
            self.then(statement)
        return PDF + statement.account.encode()


class Cancelled:
    """A state whose user pressed Cancel once ``after`` statements were reported."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.seen = 0

    @property
    def cancelled(self) -> bool:
        return self.seen > self.after

    def progress(self, done: int, total: int, what: str = "") -> None:
        self.seen += 1


def company(database: Database):  # type: ignore[no-untyped-def]
    with write_transaction(database) as session:
        add_customers(session)  # M-001 es, M-002 en, M-003 fr without an address
        agent = session.scalars(select(Employee.id).where(Employee.number == "E-MAIL")).one()
    with database.sessions() as session:
        scope = company_scope(session)
    return scope, agent


def rows(database: Database) -> dict[str, tuple[str, int]]:
    with database.sessions() as session:
        files = (
            select(func.count())
            .where(OutboxAttachment.message_id == OutboxMessage.id)
            .scalar_subquery()
        )
        found = session.execute(
            select(Customer.account, OutboxMessage.state, files).join(
                Customer, Customer.id == OutboxMessage.customer_id
            )
        ).all()
    return {account: (state, count) for account, state, count in found}


def test_queued_once_and_printed_once(sqlite_db: Database) -> None:
    scope, agent = company(sqlite_db)
    with sqlite_db.sessions() as session:
        before = month_mailing_status(session, scope, OCTOBER, NOW.date())
    assert (before.owing, before.in_mailing, before.to_queue, before.to_send) == (3, 0, 3, True)
    assert before.mailing_id is None

    printer = Printer()
    first = queue_month_statements(sqlite_db, scope, OCTOBER, pdf=printer, now=NOW, agent_id=agent)
    assert printer.printed == ["M-001", "M-002", "M-003"]
    assert (first.queued, first.already) == (2, 0)
    assert [(c.account, c.name) for c in first.skipped] == [("M-003", "Cliente 3")]
    assert rows(sqlite_db) == {
        "M-001": ("queued", 1),
        "M-002": ("queued", 1),
        "M-003": ("skipped", 0),
    }
    with sqlite_db.sessions() as session:
        attached = session.scalars(
            select(OutboxAttachment.filename).order_by(OutboxAttachment.filename)
        ).all()
        status = month_mailing_status(session, scope, OCTOBER, NOW.date())
    assert attached == ["M-001-2026-10.pdf", "M-002-2026-10.pdf"]
    assert (status.in_mailing, status.waiting, status.skipped, status.to_queue) == (3, 2, 1, 0)
    assert status.to_send  # queued, not sent yet: a crashed run's are sent by the next
    assert status.key == mailing_key(OCTOBER) == "statements:2026-10"

    again = Printer()
    second = queue_month_statements(sqlite_db, scope, OCTOBER, pdf=again, now=NOW, agent_id=agent)
    assert again.printed == []
    assert (second.mailing_id, second.queued, second.already, second.skipped) == (
        first.mailing_id,
        0,
        3,
        (),
    )
    assert len(rows(sqlite_db)) == 3


def test_a_run_that_meets_another_runs_queueing_adds_nobody_twice(sqlite_db: Database) -> None:
    """While this run prints, another run queues M-002: the write finds it under the lock."""
    scope, agent = company(sqlite_db)
    other: list[object] = []

    def meanwhile(statement: Statement) -> None:
        if statement.account == "M-003" and not other:
            other.append(
                queue_month_statements(
                    sqlite_db, scope, OCTOBER, pdf=Printer(), now=NOW, agent_id=agent,
                    account="M-002",
                )
            )  # fmt: skip

    result = queue_month_statements(
        sqlite_db, scope, OCTOBER, pdf=Printer(meanwhile), now=NOW, agent_id=agent
    )
    assert (result.queued, result.already, len(result.skipped)) == (1, 1, 1)
    with sqlite_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 3
    assert set(rows(sqlite_db)) == {"M-001", "M-002", "M-003"}


def test_cancelled_while_printing_queues_nothing(sqlite_db: Database) -> None:
    scope, agent = company(sqlite_db)
    result = queue_month_statements(
        sqlite_db, scope, OCTOBER, pdf=Printer(), now=NOW, agent_id=agent, state=Cancelled(1)
    )
    assert result.cancelled
    assert result.mailing_id is None
    assert rows(sqlite_db) == {}


def test_a_month_nobody_owes_has_nothing_to_send(sqlite_db: Database) -> None:
    scope, agent = company(sqlite_db)
    august = month_period(2026, 8)  # the invoices were posted in September
    with sqlite_db.sessions() as session:
        status = month_mailing_status(session, scope, august, NOW.date())
    assert (status.owing, status.to_send) == (0, False)
    result = queue_month_statements(
        sqlite_db, scope, august, pdf=Printer(), now=NOW, agent_id=agent
    )
    assert (result.mailing_id, result.queued) == (None, 0)
    assert rows(sqlite_db) == {}


def test_the_demo_has_last_months_statements_to_send(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A first start on the demo shows the offer: its demo agent's customers owed at the end
    of last month, and no statements mailing exists yet (whatever day it is made on)."""
    for today in (dt.date(2026, 12, 3), dt.date(2027, 3, 1)):
        path = tmp_path / f"demo-{today}.sqlite"
        write_demo_company(path, customers=60, seed=7, today=today)
        database = open_company(path, create=False, clock=FixedClock.on(today))
        try:
            with database.sessions() as session:
                viewer = load_viewer(session, DEMO_USER)
                status = month_mailing_status(session, viewer.scope, last_month(today), today)
                mailings = session.scalar(select(func.count()).select_from(Mailing))
        finally:
            database.dispose()
        assert viewer.employee_id is not None
        assert status.owing > 10
        assert (status.in_mailing, mailings, status.to_send) == (0, 0, True)
