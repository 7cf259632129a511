"""An agency's October 2026, written through the agency rules, for the Reports and
Expenses tabs' tests.

Staff: Ana Ruiz and Luis Soto collect (40 % and 35 % of the commission), Marta Vidal
supervises. Clients: BEJ (Banco Ejemplo SA, Spanish, 15 %, 25 % for debts of a year or
more, remitted 15 days after the month's end) and TEL (Telefónica Cobros SL, English,
20 %). Approved in October:

    Oct  3  EXP-000001  BEJ  Ana   1,200.00 at 15 % = 180.00, share 40 % = 72.00
    Oct  9  EXP-000002  TEL  Ana     350.50 at 20 % =  70.10, share 40 % = 28.04
    Oct 17  EXP-000003  BEJ  Luis     89.99 at 25 % =  22.50, share 35 % =  7.88

(EXP-000003's debt is of 2025-01-10: 645 days old on Oct 17, so the 25 % band.) Also an
approved collection of September and an unapproved one of October, which count for
nothing in October. Totals: collected 1,640.49, commission 272.60, shares 107.92.
BEJ's remittance: 1,289.99 collected, 202.50 commission, 1,087.49 to remit by Nov 15.

Expenses of October: Ana's fuel 45.20 (approved) and burofax 28.95 on EXP-000002
(rejected: "No receipt"), Luis's travel 112.40 (submitted) and calls 12.00 (draft).
Ana's statement: share 100.04 + approved expenses 45.20 = 145.24.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Employee
from collections_desktop.models.db.schema.agency import AgencyCase, AgencyCollection, AgencyExpense

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
OCTOBER = dt.date(2026, 10, 1)


@dataclass(frozen=True)
class AgencyBooks:
    database: Database
    ana: uuid.UUID
    luis: uuid.UUID
    marta: uuid.UUID
    bej: uuid.UUID
    tel: uuid.UUID
    cases: dict[str, uuid.UUID]


def employee(session: Session, number: int, name: str, login: str) -> uuid.UUID:
    person = Employee(number=f"E-{number}", name=name, user_name=login, updated_at=NOW)
    session.add(person)
    session.flush()
    return person.id


def client_values(code: str, name: str, language: str, percent: str, bands=()):  # type: ignore[no-untyped-def]
    from collections_desktop.models.agency.clients import ClientValues

    return ClientValues(
        code=code,
        name=name,
        tax_id=f"{code}-TAX",
        contact_name=None,
        email=None,
        phone=None,
        address="Calle Mayor 4\n28013 Madrid" if language == "es" else "1 High Street\nLondon",
        language=language,
        currency="EUR",
        commission_percent=Decimal(percent),
        remittance_days=15,
        remittance_terms=(
            "Transferencia a ES12 3456 7890 1234 5678 9012" if language == "es" else None
        ),
        bands=tuple(bands),
    )


def case(session: Session, client: uuid.UUID, debtor: str, tax_id: str, debt_date: dt.date,
         collector: uuid.UUID, by: uuid.UUID) -> tuple[str, uuid.UUID]:  # fmt: skip
    from collections_desktop.models.agency.cases import CaseValues, DebtorValues, open_case

    number = open_case(
        session,
        CaseValues(
            client_id=client,
            client_reference=None,
            debtor=DebtorValues(
                kind="person",
                name=debtor,
                tax_id=tax_id,
                language="es",
                addresses=(),
                phones=(),
                emails=(),
            ),
            currency="EUR",
            principal=Decimal("5000.00"),
            interest=Decimal("0.00"),
            fees=Decimal("0.00"),
            debt_date=debt_date,
            collector_id=collector,
            assigned_on=dt.date(2026, 7, 1),
            documents=(),
        ),
        now=NOW,
        by=by,
    )
    found = session.scalar(select(AgencyCase.id).where(AgencyCase.number == number))
    assert found is not None
    return number, found


def collect(session: Session, case_id: uuid.UUID, day: dt.date, amount: str, by: uuid.UUID,
            approver: uuid.UUID | None) -> uuid.UUID:  # fmt: skip
    from collections_desktop.models.agency.collections import approve, record_collection

    collection = record_collection(
        session,
        case_id=case_id,
        collected_on=day,
        amount=Decimal(amount),
        method="bank_transfer",
        reference=None,
        collected_by_id=by,
        now=NOW,
    )
    if approver is not None:
        version = session.scalar(
            select(AgencyCollection.version).where(AgencyCollection.id == collection)
        )
        approve(session, collection, version, supervisor_id=approver, now=NOW)
    return collection


def expense(session: Session, who: uuid.UUID, day: dt.date, kind: str, amount: str,
            description: str, case_id: uuid.UUID | None = None) -> uuid.UUID:  # fmt: skip
    from collections_desktop.models.agency.expenses import ExpenseValues, add_expense

    return add_expense(
        session,
        who,
        ExpenseValues(
            spent_on=day,
            kind=kind,
            amount=Decimal(amount),
            currency="EUR",
            case_id=case_id,
            description=description,
        ),
        now=NOW,
    )


def version_of(session: Session, expense_id: uuid.UUID) -> int:
    found = session.scalar(select(AgencyExpense.version).where(AgencyExpense.id == expense_id))
    assert found is not None
    return found


def write_books(database: Database) -> AgencyBooks:
    """The October described in the module's docstring."""
    from collections_desktop.models.agency.clients import create_client
    from collections_desktop.models.agency.expenses import (
        approve_expense,
        reject_expense,
        submit_month,
    )
    from collections_desktop.models.agency.staff import set_staff

    with database.sessions.begin() as session:
        ana = employee(session, 1, "Ana Ruiz", "ana")
        luis = employee(session, 2, "Luis Soto", "luis")
        marta = employee(session, 3, "Marta Vidal", "marta")
        set_staff(session, ana, is_supervisor=False, share_percent=Decimal("40.00"), now=NOW)
        set_staff(session, luis, is_supervisor=False, share_percent=Decimal("35.00"), now=NOW)
        set_staff(session, marta, is_supervisor=True, share_percent=Decimal("0.00"), now=NOW)
        bej = create_client(
            session,
            client_values("BEJ", "Banco Ejemplo SA", "es", "15.00", ((365, Decimal("25.00")),)),
            now=NOW,
        )
        tel = create_client(
            session, client_values("TEL", "Telefónica Cobros SL", "en", "20.00"), now=NOW
        )
        one, one_id = case(session, bej, "Martínez López, Carmen", "11111111A",
                           dt.date(2026, 6, 1), ana, marta)  # fmt: skip
        two, two_id = case(session, tel, "Construcciones Pérez e Hijos SL", "B22222222",
                           dt.date(2026, 5, 15), ana, marta)  # fmt: skip
        three, three_id = case(session, bej, "García Fernández, José Antonio", "33333333C",
                               dt.date(2025, 1, 10), luis, marta)  # fmt: skip
        collect(session, one_id, dt.date(2026, 10, 3), "1200.00", ana, marta)
        collect(session, two_id, dt.date(2026, 10, 9), "350.50", ana, marta)
        collect(session, three_id, dt.date(2026, 10, 17), "89.99", luis, marta)
        collect(session, one_id, dt.date(2026, 9, 28), "500.00", ana, marta)  # September
        collect(session, three_id, dt.date(2026, 10, 30), "70.00", luis, None)  # unapproved

        fuel = expense(session, ana, dt.date(2026, 10, 2), "fuel", "45.20", "Visits in Getafe")
        burofax = expense(session, ana, dt.date(2026, 10, 9), "burofax", "28.95",
                          "Burofax to Construcciones Pérez", two_id)  # fmt: skip
        expense(session, luis, dt.date(2026, 10, 14), "travel", "112.40", "Train Madrid–Toledo")
        submit_month(session, ana, OCTOBER, now=NOW)
        submit_month(session, luis, OCTOBER, now=NOW)
        expense(session, luis, dt.date(2026, 10, 21), "calls", "12.00", "Mobile calls")
        approve_expense(session, fuel, version_of(session, fuel), supervisor_id=marta, now=NOW)
        reject_expense(
            session,
            burofax,
            version_of(session, burofax),
            supervisor_id=marta,
            reason="No receipt",
            now=NOW,
        )
    return AgencyBooks(
        database, ana, luis, marta, bej, tel, {one: one_id, two: two_id, three: three_id}
    )
