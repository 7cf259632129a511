"""The agency desk's rules: who may approve a collection, what an approved one allows,
the history of every change, annotations, attachments, plans and expenses; on real
SQLite files."""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collections_desktop.models.agency import (
    annotations,
    attachments,
    cases,
    clients,
    collections,
    expenses,
    plans,
    staff,
)
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import (
    AgencyCase,
    AgencyCollection,
    AgencyCollectionChange,
    AgencyDebtor,
    AgencyDebtorContact,
    AgencyExpense,
    Employee,
)
from collections_desktop.models.db.writing import write_transaction

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def later(minutes: int) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)


@dataclass(frozen=True)
class Desk:
    database: Database
    ana: uuid.UUID  # collector
    bruno: uuid.UUID  # collector
    sara: uuid.UUID  # supervisor
    tomas: uuid.UUID  # supervisor
    client_id: uuid.UUID
    case_id: uuid.UUID
    case_number: str

    def write(self) -> AbstractContextManager[Session]:
        return write_transaction(self.database)


def add_employee(session: Session, number: str, name: str) -> uuid.UUID:
    employee = Employee(number=number, name=name, updated_at=NOW, version=1)
    session.add(employee)
    session.flush()
    return employee.id


def debtor(
    name: str = "Lopes & Filhos Lda", tax_id: str | None = "PT-501 234 567"
) -> cases.DebtorValues:
    return cases.DebtorValues(
        kind="company",
        name=name,
        tax_id=tax_id,
        language="pt",
        addresses=("Rua Augusta 10, Lisboa",),
        phones=("+351 21 000 0000",),
        emails=(),
    )


def case_values(
    client_id: uuid.UUID, collector: uuid.UUID | None, **changes: object
) -> cases.CaseValues:
    values = {
        "client_id": client_id,
        "client_reference": "R-77",
        "debtor": debtor(),
        "currency": "EUR",
        "principal": D("1200.00"),
        "interest": D("45.50"),
        "fees": D("30.00"),
        "debt_date": dt.date(2026, 3, 31),
        "collector_id": collector,
        "assigned_on": dt.date(2026, 10, 1),
        "documents": (("F-2026-0101", dt.date(2026, 3, 1), dt.date(2026, 3, 31), D("1200.00")),),
    }
    values.update(changes)
    return cases.CaseValues(**values)  # type: ignore[arg-type]


@pytest.fixture
def desk(sqlite_db: Database) -> Desk:
    with write_transaction(sqlite_db) as session:
        ana = add_employee(session, "E-0101", "Ana Ruiz")
        bruno = add_employee(session, "E-0102", "Bruno Costa")
        sara = add_employee(session, "E-0103", "Sara Vidal")
        tomas = add_employee(session, "E-0104", "Tomás Gil")
        staff.set_staff(session, ana, is_supervisor=False, share_percent=D("10"), now=NOW)
        staff.set_staff(session, bruno, is_supervisor=False, share_percent=D("12.5"), now=NOW)
        staff.set_staff(session, sara, is_supervisor=True, share_percent=D("5"), now=NOW)
        staff.set_staff(session, tomas, is_supervisor=True, share_percent=D("5"), now=NOW)
        client_id = clients.create_client(
            session,
            clients.ClientValues(
                code="acme",
                name="Acme Energía SA",
                tax_id="A12345678",
                contact_name="Laura Pérez",
                email="cobros@acme.example",
                phone="+34 910 000 000",
                address="Calle Mayor 1, Madrid",
                language="es",
                currency="EUR",
                commission_percent=D("15"),
                remittance_days=10,
                remittance_terms="Transfer to ES00 0000",
                bands=((180, D("20")), (365, D("25"))),
            ),
            now=NOW,
        )
        number = cases.open_case(session, case_values(client_id, ana), now=NOW, by=sara)
        case_id = session.scalar(select(AgencyCase.id).where(AgencyCase.number == number))
    assert case_id is not None
    return Desk(sqlite_db, ana, bruno, sara, tomas, client_id, case_id, number)


def record(
    desk: Desk,
    amount: str = "250.00",
    day: dt.date = dt.date(2026, 11, 20),
    by: uuid.UUID | None = None,
) -> uuid.UUID:
    with desk.write() as session:
        return collections.record_collection(
            session,
            case_id=desk.case_id,
            collected_on=day,
            amount=D(amount),
            method="bank_transfer",
            reference="TR-1",
            collected_by_id=by or desk.ana,
            now=NOW,
        )


def collection(desk: Desk, collection_id: uuid.UUID) -> AgencyCollection:
    with desk.database.sessions() as session:
        found = session.get(AgencyCollection, collection_id)
        assert found is not None
        session.expunge(found)
        return found


def history(desk: Desk, collection_id: uuid.UUID) -> list[tuple[str, str | None]]:
    with desk.database.sessions() as session:
        rows = session.execute(
            select(AgencyCollectionChange.change, AgencyCollectionChange.note)
            .where(AgencyCollectionChange.collection_id == collection_id)
            .order_by(AgencyCollectionChange.changed_at)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_case_is_numbered_and_its_debtor_joined_by_tax_id(desk: Desk) -> None:
    with desk.write() as session:
        second = cases.open_case(
            session,
            case_values(
                desk.client_id,
                desk.bruno,
                debtor=debtor(tax_id="pt501234567"),
                client_reference="R-78",
            ),
            now=NOW,
            by=desk.sara,
        )
    assert (desk.case_number, second) == ("EXP-000001", "EXP-000002")
    with desk.database.sessions() as session:
        assert session.scalar(select(text("count(*)")).select_from(AgencyDebtor)) == 1
        contacts = session.execute(
            select(
                AgencyDebtorContact.kind, AgencyDebtorContact.value, AgencyDebtorContact.source
            ).order_by(AgencyDebtorContact.kind)
        ).all()
    assert [tuple(c) for c in contacts] == [
        ("address", "Rua Augusta 10, Lisboa", "client file (Acme Energía SA)"),
        ("phone", "+351 21 000 0000", "client file (Acme Energía SA)"),
    ]


# --- collections --------------------------------------------------------------------------


def test_a_collection_is_recorded_unapproved_and_sets_the_last_action(desk: Desk) -> None:
    made = record(desk)
    found = collection(desk, made)
    assert (found.state, found.amount, found.received, found.version) == (
        "unapproved",
        D("250.00"),
        True,
        1,
    )
    with desk.database.sessions() as session:
        case = session.get(AgencyCase, desk.case_id)
        assert case is not None and case.last_action_on == dt.date(2026, 11, 20)
    assert history(desk, made) == [("recorded", None)]


@pytest.mark.parametrize(
    ("amount", "day", "message"),
    [
        ("0", dt.date(2026, 11, 20), "The amount collected must be above zero."),
        ("-5", dt.date(2026, 11, 20), "The amount collected must be above zero."),
        ("1.005", dt.date(2026, 11, 20), "The amount collected has more than two decimals: 1.005."),
        ("10", dt.date(2026, 11, 24), "A collection cannot be dated in the future (2026-11-24)."),
        (
            "10",
            dt.date(2026, 9, 30),
            "Case file EXP-000001 was assigned on 2026-10-01; a collection cannot be earlier.",
        ),
    ],
)
def test_a_collection_that_cannot_be_is_refused(
    desk: Desk, amount: str, day: dt.date, message: str
) -> None:
    with pytest.raises(AgencyError) as refused:
        record(desk, amount, day)
    assert str(refused.value) == message


def test_a_closed_case_takes_no_collection(desk: Desk) -> None:
    with desk.write() as session:
        cases.set_status(session, desk.case_id, 1, "closed_unrecoverable", now=NOW, by=desk.sara)
    with pytest.raises(AgencyError, match="Case file EXP-000001 is closed; reopen it first."):
        record(desk)


def test_a_collector_cannot_approve_their_own_collection(desk: Desk) -> None:
    mine = record(desk, by=desk.sara)  # a supervisor who collected
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.approve(session, mine, 1, supervisor_id=desk.sara, now=later(1))
    assert str(refused.value) == (
        "You recorded this collection; another supervisor must approve it."
    )
    assert collection(desk, mine).state == "unapproved"


def test_the_database_refuses_a_raw_own_approval(desk: Desk) -> None:
    mine = record(desk)
    with pytest.raises(IntegrityError, match="not_own_approval|CHECK"):
        with desk.database.engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE agency_collections SET state = 'approved', approved_by_id = "
                    "collected_by_id WHERE id = :id"
                ),
                {"id": mine.bytes},
            )
    assert collection(desk, mine).approved_by_id is None


def test_a_collector_who_is_no_supervisor_cannot_approve(desk: Desk) -> None:
    made = record(desk)
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.approve(session, made, 1, supervisor_id=desk.bruno, now=later(1))
    assert str(refused.value) == (
        "Bruno Costa is not a supervisor of the agency desk; only a supervisor may approve "
        "or reject."
    )


def test_a_supervisor_approves_and_the_collection_counts(desk: Desk) -> None:
    made = record(desk)
    with desk.write() as session:
        collections.approve(session, made, 1, supervisor_id=desk.sara, now=later(5))
    found = collection(desk, made)
    assert (found.state, found.approved_by_id, found.decided_by_id, found.version) == (
        "approved",
        desk.sara,
        desk.sara,
        2,
    )
    assert found.decided_at == later(5)
    assert history(desk, made) == [("recorded", None), ("approved", None)]


def test_reject_needs_a_reason_and_the_collector_corrects_it_for_approval(desk: Desk) -> None:
    made = record(desk)
    for reason in ("", "   "):
        with pytest.raises(AgencyError) as refused, desk.write() as session:
            collections.reject(
                session, made, 1, supervisor_id=desk.sara, reason=reason, now=later(1)
            )
        assert str(refused.value) == (
            "Say why the collection is rejected; the collector will read it."
        )
    with desk.write() as session:
        collections.reject(
            session, made, 1, supervisor_id=desk.sara, reason="No transfer seen", now=later(2)
        )
    found = collection(desk, made)
    assert (found.state, found.rejection_reason, found.approved_by_id) == (
        "rejected",
        "No transfer seen",
        None,
    )
    with pytest.raises(AgencyError, match="was rejected by Sara Vidal"), desk.write() as session:
        collections.approve(session, made, 2, supervisor_id=desk.tomas, now=later(3))
    with desk.write() as session:
        collections.edit_collection(
            session,
            made,
            2,
            collected_on=dt.date(2026, 11, 21),
            amount=D("240.00"),
            method="bank_transfer",
            reference="TR-2",
            note="The bank's figure",
            by=desk.ana,
            now=later(4),
        )
    found = collection(desk, made)
    assert (found.state, found.amount, found.collected_on, found.rejection_reason) == (
        "unapproved",
        D("240.00"),
        dt.date(2026, 11, 21),
        None,
    )
    with desk.write() as session:
        collections.approve(session, made, 3, supervisor_id=desk.tomas, now=later(5))
    assert history(desk, made) == [
        ("recorded", None),
        ("rejected", "No transfer seen"),
        ("edited", "2026-11-20 → 2026-11-21; 250.00 → 240.00; TR-1 → TR-2"),
        ("approved", None),
    ]


def test_another_collector_cannot_correct_a_collection(desk: Desk) -> None:
    made = record(desk)
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.edit_collection(
            session,
            made,
            1,
            collected_on=dt.date(2026, 11, 20),
            amount=D("1"),
            method="cash",
            reference=None,
            note=None,
            by=desk.bruno,
            now=later(1),
        )
    assert str(refused.value) == (
        "Only Ana Ruiz, who recorded it, or a supervisor may correct this collection."
    )


def approved(desk: Desk) -> uuid.UUID:
    made = record(desk)
    with desk.write() as session:
        collections.approve(session, made, 1, supervisor_id=desk.sara, now=later(1))
    return made


def test_an_approved_collection_cannot_be_edited_nor_toggled(desk: Desk) -> None:
    made = approved(desk)
    message = (
        "The collection of 250.00 on 2026-11-20 in case file EXP-000001 was approved by Sara "
        "Vidal; an approved collection cannot be {doing}, only reversed."
    )
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.edit_collection(
            session,
            made,
            2,
            collected_on=dt.date(2026, 11, 20),
            amount=D("1"),
            method="cash",
            reference=None,
            note=None,
            by=desk.sara,
            now=later(2),
        )
    assert str(refused.value) == message.format(doing="edited")
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.set_received(session, made, 2, False, by=desk.ana, now=later(2))
    assert str(refused.value) == message.format(doing="changed")
    with pytest.raises(AgencyError, match="was already approved by Sara Vidal"):
        with desk.write() as session:
            collections.approve(session, made, 2, supervisor_id=desk.tomas, now=later(2))
    assert collection(desk, made).version == 2


def test_an_approved_collection_is_reversed_once(desk: Desk) -> None:
    made = approved(desk)
    with pytest.raises(AgencyError, match="Say why the collection is reversed."):
        with desk.write() as session:
            collections.reverse(
                session, made, 2, supervisor_id=desk.tomas, reason=" ", on=TODAY, now=later(2)
            )
    with desk.write() as session:
        reversal = collections.reverse(
            session,
            made,
            2,
            supervisor_id=desk.tomas,
            reason="Transfer returned by the bank",
            on=dt.date(2026, 11, 22),
            now=later(3),
        )
    found = collection(desk, reversal)
    assert (
        found.amount,
        found.state,
        found.reverses_id,
        found.collected_on,
        found.collected_by_id,
        found.approved_by_id,
    ) == (D("-250.00"), "approved", made, dt.date(2026, 11, 22), desk.ana, desk.tomas)
    assert history(desk, made)[-1] == ("reversed", "Transfer returned by the bank")
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.reverse(
            session, made, 2, supervisor_id=desk.sara, reason="again", on=TODAY, now=later(4)
        )
    assert str(refused.value) == (
        "The collection of 250.00 on 2026-11-20 in case file EXP-000001 was already "
        "reversed on 2026-11-22."
    )
    with pytest.raises(AgencyError, match="already a reversal"), desk.write() as session:
        collections.reverse(
            session, reversal, 1, supervisor_id=desk.sara, reason="x", on=TODAY, now=later(4)
        )


def test_only_an_approved_collection_is_reversed(desk: Desk) -> None:
    made = record(desk)
    with pytest.raises(AgencyError, match="is not approved; correct or reject it"):
        with desk.write() as session:
            collections.reverse(
                session, made, 1, supervisor_id=desk.sara, reason="x", on=TODAY, now=later(1)
            )


def test_the_received_toggle_keeps_every_change_in_order(desk: Desk) -> None:
    made = record(desk)
    with desk.write() as session:
        collections.set_received(session, made, 1, False, by=desk.ana, now=later(1))
    with desk.write() as session:
        collections.set_received(session, made, 2, True, by=desk.sara, now=later(2))
    with desk.write() as session:
        collections.set_received(session, made, 3, False, by=desk.ana, now=later(3))
    found = collection(desk, made)
    assert (found.received, found.version) == (False, 4)
    assert [change for change, _ in history(desk, made)] == [
        "recorded",
        "not_received",
        "received",
        "not_received",
    ]
    with desk.database.sessions() as session:
        who = session.execute(
            select(AgencyCollectionChange.changed_at, Employee.name)
            .join(Employee, Employee.id == AgencyCollectionChange.changed_by_id)
            .where(AgencyCollectionChange.collection_id == made)
            .order_by(AgencyCollectionChange.changed_at)
        ).all()
    assert [(at, name) for at, name in who] == [
        (NOW, "Ana Ruiz"),
        (later(1), "Ana Ruiz"),
        (later(2), "Sara Vidal"),
        (later(3), "Ana Ruiz"),
    ]


def test_a_stale_version_is_refused(desk: Desk) -> None:
    made = record(desk)
    with desk.write() as session:
        collections.set_received(session, made, 1, False, by=desk.ana, now=later(1))
    with pytest.raises(StaleEditError, match="changed by someone else"):
        with desk.write() as session:
            collections.approve(session, made, 1, supervisor_id=desk.sara, now=later(2))
    with pytest.raises(StaleEditError), desk.write() as session:
        collections.set_received(session, made, 1, True, by=desk.ana, now=later(2))
    found = collection(desk, made)
    assert (found.state, found.received, found.version) == ("unapproved", False, 2)
    assert len(history(desk, made)) == 2
