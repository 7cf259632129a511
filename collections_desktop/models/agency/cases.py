"""Case files (expedientes): opening one for a client's debt against a debtor, its
status and its collector.

A debtor is matched by tax id, so a debtor's later cases join the same debtor and its
contacts grow rather than repeat. The case number comes from the ``agency_case``
counter (``EXP-000001``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.agency._common import load, money, required, text_or_none
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.agency.staff import staff_member
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    CLOSED_CASE_STATUSES,
    AgencyCase,
    AgencyCaseDocument,
    AgencyClient,
    AgencyDebtor,
    AgencyDebtorContact,
    CaseFileStatus,
    Currency,
    DebtorContactKind,
    DebtorKind,
)
from collections_desktop.models.ledger.numbering import next_number

CASE_SEQUENCE = "agency_case"


@dataclass(frozen=True)
class DebtorValues:
    kind: str  # DebtorKind
    name: str
    tax_id: str | None
    language: str = "en"
    addresses: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


Document = tuple[str, dt.date | None, dt.date | None, Decimal]
"""A creditor's document behind the debt: number, date, due date, amount."""


@dataclass(frozen=True)
class CaseValues:
    client_id: uuid.UUID
    client_reference: str | None
    debtor: DebtorValues | uuid.UUID  # new values, or an existing debtor
    currency: str
    principal: Decimal
    interest: Decimal
    fees: Decimal
    debt_date: dt.date
    collector_id: uuid.UUID | None
    assigned_on: dt.date
    documents: tuple[Document, ...] = ()


def normal_tax_id(tax_id: str | None) -> str | None:
    """A tax id as compared: upper case, without spaces, dots or dashes."""
    if tax_id is None:
        return None
    cleaned = "".join(ch for ch in tax_id.upper() if ch.isalnum())
    return cleaned or None


def find_debtor(session: Session, tax_id: str | None) -> uuid.UUID | None:
    """The debtor with this tax id (however it is written), if the agency has one."""
    wanted = normal_tax_id(tax_id)
    if wanted is None:
        return None
    return session.scalar(
        select(AgencyDebtor.id)
        .where(AgencyDebtor.tax_id == wanted, AgencyDebtor.deleted_at.is_(None))
        .order_by(AgencyDebtor.updated_at)
        .limit(1)
    )


def case_label(number: str) -> str:
    return _("Case file {number}").format(number=number)


def load_case(session: Session, case_id: uuid.UUID) -> AgencyCase:
    return load(
        session, AgencyCase, case_id, _("The case file no longer exists. Refresh the list.")
    )


def require_open(case: AgencyCase) -> None:
    if case.status in CLOSED_CASE_STATUSES:
        raise AgencyError(
            _("Case file {number} is closed; reopen it first.").format(number=case.number)
        )


def touch_last_action(session: Session, case: AgencyCase, day: dt.date, now: dt.datetime) -> None:
    """The case's last action becomes ``day`` unless a later one is known (no version
    bump: it is a consequence, not an edit someone could lose)."""
    if case.last_action_on is not None and case.last_action_on >= day:
        return
    session.execute(
        update(AgencyCase)
        .where(AgencyCase.id == case.id)
        .values(last_action_on=day, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    case.last_action_on = day


def _check_collector(session: Session, collector_id: uuid.UUID | None) -> None:
    if collector_id is None:
        return
    if staff_member(session, collector_id) is None:
        raise AgencyError(_("The collector does not work at the agency desk. Choose one who does."))


def _contacts(
    session: Session,
    debtor_id: uuid.UUID,
    values: DebtorValues,
    source: str,
    found_on: dt.date,
    now: dt.datetime,
) -> None:
    known = {
        (kind, value.casefold())
        for kind, value in session.execute(
            select(AgencyDebtorContact.kind, AgencyDebtorContact.value).where(
                AgencyDebtorContact.debtor_id == debtor_id,
                AgencyDebtorContact.deleted_at.is_(None),
            )
        )
    }
    for kind, items in (
        (DebtorContactKind.ADDRESS, values.addresses),
        (DebtorContactKind.PHONE, values.phones),
        (DebtorContactKind.EMAIL, values.emails),
    ):
        for item in items:
            value = item.strip()
            if not value or (kind.value, value.casefold()) in known:
                continue
            known.add((kind.value, value.casefold()))
            session.add(
                AgencyDebtorContact(
                    debtor_id=debtor_id,
                    kind=kind,
                    value=value,
                    source=source,
                    found_on=found_on,
                    updated_at=now,
                    version=1,
                )
            )


def _debtor(
    session: Session,
    debtor: DebtorValues | uuid.UUID,
    client_name: str,
    found_on: dt.date,
    now: dt.datetime,
) -> uuid.UUID:
    if isinstance(debtor, uuid.UUID):
        found = session.scalar(
            select(AgencyDebtor.id).where(
                AgencyDebtor.id == debtor, AgencyDebtor.deleted_at.is_(None)
            )
        )
        if found is None:
            raise AgencyError(_("The debtor no longer exists. Choose another one."))
        return found
    if debtor.kind not in set(DebtorKind):
        raise AgencyError(_("A debtor is a person or a company."))
    name = required(debtor.name, _("Give the debtor's name."))
    tax_id = normal_tax_id(debtor.tax_id)
    if debtor.kind == DebtorKind.COMPANY and tax_id is None:
        raise AgencyError(_("Give the tax id of company {name}.").format(name=name))
    source = _("client file ({client})").format(client=client_name)
    existing = find_debtor(session, tax_id)
    if existing is not None:
        _contacts(session, existing, debtor, source, found_on, now)
        return existing
    made = AgencyDebtor(
        kind=debtor.kind,
        name=name,
        tax_id=tax_id,
        language=(debtor.language or "en").strip() or "en",
        updated_at=now,
        version=1,
    )
    session.add(made)
    session.flush()
    _contacts(session, made.id, debtor, source, found_on, now)
    return made.id


def _documents(documents: Sequence[Document]) -> list[Document]:
    checked = []
    for number, date, due, amount in documents:
        label = required(number, _("Give each document's number."))
        checked.append(
            (
                label,
                date,
                due,
                money(amount, _("The amount of document {number}").format(number=label)),
            )
        )
    return checked


def open_case(
    session: Session, values: CaseValues, *, now: dt.datetime, by: uuid.UUID | None
) -> str:
    """Open a case file and return its number; refused (nothing written) for an unknown
    client or currency, a debt that is not above zero, a debt date after the assignment,
    or a collector who does not work at the desk."""
    client = session.execute(
        select(AgencyClient.id, AgencyClient.name).where(
            AgencyClient.id == values.client_id, AgencyClient.deleted_at.is_(None)
        )
    ).first()
    if client is None:
        raise AgencyError(_("The client no longer exists. Choose another one."))
    currency = (values.currency or "").strip().upper()
    if session.scalar(select(Currency.id).where(Currency.code == currency)) is None:
        raise AgencyError(_("There is no currency {code}.").format(code=currency or "—"))
    principal = money(values.principal, _("The principal"))
    interest = money(values.interest, _("The interest"), positive=False)
    fees = money(values.fees, _("The fees"), positive=False)
    if interest < 0 or fees < 0:
        raise AgencyError(_("The interest and the fees cannot be below zero."))
    if values.debt_date > values.assigned_on:
        raise AgencyError(_("The debt fell due after the case was assigned: check both dates."))
    if values.assigned_on > now.date():
        raise AgencyError(_("A case file cannot be assigned on a future date."))
    documents = _documents(values.documents)
    _check_collector(session, values.collector_id)
    debtor_id = _debtor(session, values.debtor, client.name, values.assigned_on, now)
    number = next_number(session, CASE_SEQUENCE, now)
    case = AgencyCase(
        number=number,
        client_id=client.id,
        client_reference=text_or_none(values.client_reference),
        debtor_id=debtor_id,
        currency=currency,
        principal=principal,
        interest=interest,
        fees=fees,
        debt_date=values.debt_date,
        collector_id=values.collector_id,
        status=CaseFileStatus.NEW,
        assigned_on=values.assigned_on,
        updated_at=now,
        version=1,
    )
    session.add(case)
    session.flush()
    session.add_all(
        AgencyCaseDocument(
            case_id=case.id,
            document_number=label,
            document_date=date,
            due_date=due,
            amount=amount,
            updated_at=now,
            version=1,
        )
        for label, date, due, amount in documents
    )
    session.flush()
    return number


def set_status(
    session: Session,
    case_id: uuid.UUID,
    version: int,
    status: str,
    *,
    now: dt.datetime,
    by: uuid.UUID | None,
    on: dt.date | None = None,
) -> None:
    """Change the case's status as seen at ``version``; a closing status sets the day it
    closed (``on``, else today), reopening clears it."""
    if status not in set(CaseFileStatus):
        raise AgencyError(_("Unknown case file status {status}.").format(status=status))
    case = load_case(session, case_id)
    if case.status == status:
        return
    closed_on = None
    if status in CLOSED_CASE_STATUSES:  # closed already (paid → returned): the first day stays
        closed_on = case.closed_on if case.status in CLOSED_CASE_STATUSES else None
        closed_on = closed_on or on or now.date()
    update_versioned(
        session,
        case,
        version,
        now=now,
        what=case_label(case.number),
        status=status,
        closed_on=closed_on,
    )


def assign_collector(
    session: Session,
    case_id: uuid.UUID,
    version: int,
    collector_id: uuid.UUID | None,
    *,
    now: dt.datetime,
) -> None:
    """Give the case to another collector (None: to nobody)."""
    case = load_case(session, case_id)
    require_open(case)
    _check_collector(session, collector_id)
    update_versioned(
        session, case, version, now=now, what=case_label(case.number), collector_id=collector_id
    )
