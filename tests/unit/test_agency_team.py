"""The agency desk's approvals on the team database (PostgreSQL), seen from the users'
own logins with raw SQL as any client could send it: only a member of the supervisors'
role who is one of the desk's supervisors sets who approved a collection or an expense,
and only to themselves. The models, run as the same logins, still work."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.agency import cases, clients, collections, expenses, staff
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.schema import AgencyCase, AgencyCollection, Employee
from collections_desktop.models.db.writing import write_transaction
from tests.conftest import TODAY
from tests.team import NOW, Logins, team_database, team_logins

D = Decimal
REFUSED = "new row violates row-level security policy"


@pytest.fixture(scope="module")
def team_db() -> Iterator[str]:
    yield from team_database()


@pytest.fixture
def logins(team_db: str) -> Iterator[Logins]:
    yield from team_logins(team_db)


@dataclass(frozen=True)
class Agency:
    url: str
    lucia: uuid.UUID  # E-0001, a collector (an agent login)
    camille: uuid.UUID  # E-0002, a desk supervisor (a supervisor login)
    oliver: uuid.UUID  # E-0003, a desk supervisor (a supervisor login)
    case_id: uuid.UUID


@pytest.fixture(scope="module")
def agency(team_db: str) -> Agency:
    """The desk's staff, a client and a case file, written as the database's owner."""
    database = open_company(team_db, clock=FixedClock.on(TODAY), create=False)
    try:
        with write_transaction(database) as session:
            ids = {n: i for n, i in session.execute(select(Employee.number, Employee.id))}
            lucia, camille, oliver = ids["E-0001"], ids["E-0002"], ids["E-0003"]
            staff.set_staff(session, lucia, is_supervisor=False, share_percent=D("10"), now=NOW)
            staff.set_staff(session, camille, is_supervisor=True, share_percent=D("5"), now=NOW)
            staff.set_staff(session, oliver, is_supervisor=True, share_percent=D("5"), now=NOW)
            client = clients.create_client(
                session,
                clients.ClientValues(
                    "ACME", "Acme SA", None, None, None, None, None, "es", "EUR", D("15"), 10, None
                ),
                now=NOW,
            )
            number = cases.open_case(
                session,
                cases.CaseValues(
                    client_id=client,
                    client_reference=None,
                    debtor=cases.DebtorValues("person", "Rui Lopes", "123456789"),
                    currency="EUR",
                    principal=D("900.00"),
                    interest=D("0"),
                    fees=D("0"),
                    debt_date=dt.date(2026, 1, 31),
                    collector_id=lucia,
                    assigned_on=dt.date(2026, 10, 1),
                ),
                now=NOW,
                by=camille,
            )
            case_id = session.scalars(
                select(AgencyCase.id).where(AgencyCase.number == number)
            ).one()
    finally:
        database.dispose()
    return Agency(team_db, lucia, camille, oliver, case_id)


def as_owner(agency: Agency, collected_by: uuid.UUID, amount: str = "100.00") -> uuid.UUID:
    database = open_company(agency.url, clock=FixedClock.on(TODAY), create=False)
    try:
        with write_transaction(database) as session:
            return collections.record_collection(
                session,
                case_id=agency.case_id,
                collected_on=TODAY,
                amount=D(amount),
                method="cash",
                reference=None,
                collected_by_id=collected_by,
                now=NOW,
            )
    finally:
        database.dispose()


def login_database(agency: Agency, name: str) -> Any:
    url = make_url(agency.url).set(username=name, password=None)
    return open_company(
        url.render_as_string(hide_password=False), clock=FixedClock.on(TODAY), create=False
    )


def update(connection: psycopg.Connection[Any], sql: str, **params: Any) -> int:
    with connection.transaction():
        return connection.execute(sql, params).rowcount


def state_of(agency: Agency, collection_id: uuid.UUID) -> tuple[str, uuid.UUID | None]:
    engine = create_engine(agency.url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT state, approved_by_id FROM agency_collections WHERE id = :id"),
                {"id": collection_id},
            ).one()
    finally:
        engine.dispose()
    return row[0], row[1]


APPROVE = (
    "UPDATE agency_collections SET state = 'approved', approved_by_id = %(by)s, "
    "decided_by_id = %(by)s, decided_at = now(), version = version + 1 WHERE id = %(id)s"
)


def test_an_agent_who_is_no_supervisor_cannot_approve_even_with_raw_sql(
    agency: Agency, logins: Logins
) -> None:
    camilles = as_owner(agency, agency.camille)  # not Lucía's own: only the policy stands
    agent = logins.add("E-0001")
    with logins.connect(agent.name) as connection:
        for by in (agency.lucia, agency.oliver):  # as herself, or in a supervisor's name
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
                update(connection, APPROVE, by=by, id=camilles)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
            update(
                connection,
                "UPDATE agency_collections SET decided_by_id = %(by)s, state = 'rejected', "
                "rejection_reason = 'x' WHERE id = %(id)s",
                by=agency.oliver,
                id=camilles,
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
            update(
                connection,
                "INSERT INTO agency_collections (id, case_id, collected_on, amount, method, "
                "collected_by_id, received, state, approved_by_id, decided_by_id, updated_at, "
                "version) VALUES (%(new)s, %(case)s, %(day)s, 1000000, 'cash', %(by)s, true, "
                "'approved', %(sup)s, %(sup)s, now(), 1)",
                new=uuid.uuid4(),
                case=agency.case_id,
                day=TODAY,
                by=agency.lucia,
                sup=agency.oliver,
            )
        # what an agent does on every collection still works: the one-click toggle
        assert (
            update(
                connection,
                "UPDATE agency_collections SET received = false WHERE id = %(id)s",
                id=camilles,
            )
            == 1
        )
    assert state_of(agency, camilles) == ("unapproved", None)


def test_a_supervisor_approves_only_as_themselves(agency: Agency, logins: Logins) -> None:
    lucias = as_owner(agency, agency.lucia)
    supervisor = logins.add("E-0002", supervisor=True)
    with logins.connect(supervisor.name) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
            update(connection, APPROVE, by=agency.oliver, id=lucias)
        assert state_of(agency, lucias) == ("unapproved", None)
        assert update(connection, APPROVE, by=agency.camille, id=lucias) == 1
        # once approved by Camille, nobody rewrites who approved it
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
            update(
                connection,
                "UPDATE agency_collections SET approved_by_id = %(by)s WHERE id = %(id)s",
                by=agency.oliver,
                id=lucias,
            )
    assert state_of(agency, lucias) == ("approved", agency.camille)


def test_a_supervisor_login_who_is_not_a_desk_supervisor_cannot_approve(
    agency: Agency, logins: Logins
) -> None:
    camilles = as_owner(agency, agency.camille)
    lucia = logins.add("E-0001", supervisor=True)  # a team supervisor, a desk collector
    with (
        logins.connect(lucia.name) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED),
    ):
        update(connection, APPROVE, by=agency.lucia, id=camilles)
    assert state_of(agency, camilles) == ("unapproved", None)


def test_the_models_work_from_the_logins(agency: Agency, logins: Logins) -> None:
    agent = logins.add("E-0001")
    supervisor = logins.add("E-0003", supervisor=True)
    collector_db = login_database(agency, agent.name)
    supervisor_db = login_database(agency, supervisor.name)
    try:
        with write_transaction(collector_db) as session:
            first = collections.record_collection(
                session,
                case_id=agency.case_id,
                collected_on=TODAY,
                amount=D("120.00"),
                method="bank_transfer",
                reference="TR-9",
                collected_by_id=agency.lucia,
                now=NOW,
            )
            second = collections.record_collection(
                session,
                case_id=agency.case_id,
                collected_on=TODAY,
                amount=D("80.00"),
                method="cash",
                reference=None,
                collected_by_id=agency.lucia,
                now=NOW,
            )
            spent = expenses.add_expense(
                session,
                agency.lucia,
                expenses.ExpenseValues(TODAY, "fuel", D("30.00"), "EUR"),
                now=NOW,
            )
            assert expenses.submit_month(session, agency.lucia, TODAY, now=NOW) == 1
        with (
            pytest.raises(AgencyError, match="another supervisor must approve it"),
            write_transaction(collector_db) as session,
        ):
            collections.approve(session, second, 1, supervisor_id=agency.lucia, now=NOW)
        with write_transaction(supervisor_db) as session:
            collections.approve(session, first, 1, supervisor_id=agency.oliver, now=NOW)
            collections.reject(
                session, second, 1, supervisor_id=agency.oliver, reason="No cash seen", now=NOW
            )
            expenses.approve_expense(session, spent, 2, supervisor_id=agency.oliver, now=NOW)
        with write_transaction(collector_db) as session:  # the collector corrects a rejected one
            collections.set_received(session, second, 2, False, by=agency.lucia, now=NOW)
            collections.edit_collection(
                session,
                second,
                3,
                collected_on=TODAY,
                amount=D("75.00"),
                method="cash",
                reference=None,
                note=None,
                by=agency.lucia,
                now=NOW,
            )
        with write_transaction(supervisor_db) as session:
            reversal = collections.reverse(
                session, first, 2, supervisor_id=agency.oliver, reason="Bounced", on=TODAY, now=NOW
            )
            found = session.get(AgencyCollection, reversal)
            assert found is not None
            assert (found.amount, found.approved_by_id) == (D("-120.00"), agency.oliver)
    finally:
        collector_db.dispose()
        supervisor_db.dispose()
    assert state_of(agency, first) == ("approved", agency.oliver)
    assert state_of(agency, second) == ("unapproved", None)


def test_an_expense_is_approved_only_by_a_desk_supervisor_as_themselves(
    agency: Agency, logins: Logins
) -> None:
    database = open_company(agency.url, clock=FixedClock.on(TODAY), create=False)
    try:
        with write_transaction(database) as session:
            spent = expenses.add_expense(
                session,
                agency.camille,  # a supervisor's own expense: another one approves it
                expenses.ExpenseValues(TODAY, "travel", D("61.20"), "EUR"),
                now=NOW,
            )
            expenses.submit_month(session, agency.camille, TODAY, now=NOW)
    finally:
        database.dispose()
    approve = (
        "UPDATE agency_expenses SET state = 'approved', approved_by_id = %(by)s, "
        "decided_by_id = %(by)s WHERE id = %(id)s"
    )
    agent = logins.add("E-0001")
    supervisor = logins.add("E-0003", supervisor=True)
    camille = logins.add("E-0002", supervisor=True)
    with logins.connect(agent.name) as connection:
        for by in (agency.lucia, agency.oliver):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
                update(connection, approve, by=by, id=spent)
    with (
        logins.connect(camille.name) as connection,
        pytest.raises(psycopg.errors.CheckViolation),  # her own: the check constraint
    ):
        update(connection, approve, by=agency.camille, id=spent)
    with logins.connect(supervisor.name) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
            update(connection, approve, by=agency.camille, id=spent)  # in another's name
        assert update(connection, approve, by=agency.oliver, id=spent) == 1
    engine = create_engine(agency.url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT state, approved_by_id FROM agency_expenses WHERE id = :id"),
                {"id": spent},
            ).one()
    finally:
        engine.dispose()
    assert tuple(row) == ("approved", agency.oliver)
