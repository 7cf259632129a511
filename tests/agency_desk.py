"""An agency desk on a real SQLite file for the agency tests: four staff (two collectors,
two supervisors), a client with age bands and one case file, and helpers to record and
read collections."""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.models.agency import cases, clients, collections, staff
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    AgencyCase,
    AgencyCollection,
    AgencyCollectionChange,
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


def make_desk(sqlite_db: Database) -> Desk:
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
