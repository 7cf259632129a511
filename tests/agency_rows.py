"""Rows of the agency desk inserted straight through the mapped classes, for tests of
the reads (no rule is checked here: the writes' own tests do that).

Every function adds to the session and flushes, and returns the new row's id.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from collections_desktop.models.db.schema import (
    AgencyAnnotation,
    AgencyAttachment,
    AgencyCase,
    AgencyCaseDocument,
    AgencyClient,
    AgencyCollection,
    AgencyCollectionChange,
    AgencyCommissionBand,
    AgencyDebtor,
    AgencyDebtorContact,
    AgencyExpense,
    AgencyInstalment,
    AgencyPlan,
    AgencyStaff,
    Employee,
)

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
_numbers = itertools.count(1)


def _add(session: Session, row: object) -> uuid.UUID:
    session.add(row)
    session.flush()
    return row.id  # type: ignore[attr-defined, no-any-return]


def employee(session: Session, name: str, *, user_name: str | None = None) -> uuid.UUID:
    """An employee (not yet agency staff)."""
    return _add(
        session,
        Employee(
            number=f"AG-E{next(_numbers):05d}", name=name, user_name=user_name, updated_at=NOW
        ),
    )


def staff(
    session: Session,
    name: str,
    *,
    supervisor: bool = False,
    share: Decimal | str = "0",
    user_name: str | None = None,
) -> uuid.UUID:
    """An employee who works at the desk, with their share of the commission; returns
    the employee's id."""
    employee_id = employee(session, name, user_name=user_name)
    _add(
        session,
        AgencyStaff(
            employee_id=employee_id,
            is_supervisor=supervisor,
            commission_share_percent=Decimal(share),
            updated_at=NOW,
        ),
    )
    return employee_id


def client(
    session: Session,
    code: str,
    name: str | None = None,
    *,
    percent: Decimal | str = "20",
    bands: Sequence[tuple[int, Decimal | str]] = (),
    currency: str = "EUR",
    remittance_days: int = 15,
    language: str = "en",
) -> uuid.UUID:
    """A creditor client with its commission rate and age bands."""
    client_id = _add(
        session,
        AgencyClient(
            code=code,
            name=name or f"Client {code}",
            currency=currency,
            commission_percent=Decimal(percent),
            remittance_days=remittance_days,
            language=language,
            updated_at=NOW,
        ),
    )
    for from_days, band_percent in bands:
        _add(
            session,
            AgencyCommissionBand(
                client_id=client_id,
                from_days=from_days,
                percent=Decimal(band_percent),
                updated_at=NOW,
            ),
        )
    return client_id


def debtor(
    session: Session, name: str, *, tax_id: str | None = None, kind: str = "person"
) -> uuid.UUID:
    return _add(session, AgencyDebtor(kind=kind, name=name, tax_id=tax_id, updated_at=NOW))


def contact(
    session: Session,
    debtor_id: uuid.UUID,
    kind: str,
    value: str,
    *,
    found_on: dt.date,
    source: str | None = None,
    deleted: bool = False,
) -> uuid.UUID:
    return _add(
        session,
        AgencyDebtorContact(
            debtor_id=debtor_id,
            kind=kind,
            value=value,
            source=source,
            found_on=found_on,
            updated_at=NOW,
            deleted_at=NOW if deleted else None,
        ),
    )


def case(
    session: Session,
    number: str,
    *,
    client_id: uuid.UUID,
    debtor_id: uuid.UUID,
    principal: Decimal | str,
    interest: Decimal | str = "0",
    fees: Decimal | str = "0",
    debt_date: dt.date = dt.date(2026, 1, 1),
    collector_id: uuid.UUID | None = None,
    status: str = "in_progress",
    assigned_on: dt.date = dt.date(2026, 2, 1),
    last_action_on: dt.date | None = None,
    currency: str = "EUR",
    client_reference: str | None = None,
    deleted: bool = False,
) -> uuid.UUID:
    return _add(
        session,
        AgencyCase(
            number=number,
            client_id=client_id,
            client_reference=client_reference,
            debtor_id=debtor_id,
            currency=currency,
            principal=Decimal(principal),
            interest=Decimal(interest),
            fees=Decimal(fees),
            debt_date=debt_date,
            collector_id=collector_id,
            status=status,
            assigned_on=assigned_on,
            last_action_on=last_action_on,
            updated_at=NOW,
            deleted_at=NOW if deleted else None,
        ),
    )


def document(
    session: Session,
    case_id: uuid.UUID,
    number: str,
    amount: Decimal | str,
    *,
    document_date: dt.date | None = None,
    due_date: dt.date | None = None,
) -> uuid.UUID:
    return _add(
        session,
        AgencyCaseDocument(
            case_id=case_id,
            document_number=number,
            document_date=document_date,
            due_date=due_date,
            amount=Decimal(amount),
            updated_at=NOW,
        ),
    )


def collection(
    session: Session,
    case_id: uuid.UUID,
    *,
    on: dt.date,
    amount: Decimal | str,
    by: uuid.UUID,
    state: str = "unapproved",
    approved_by: uuid.UUID | None = None,
    received: bool = True,
    reverses: uuid.UUID | None = None,
    method: str = "bank_transfer",
    reference: str | None = None,
    rejection_reason: str | None = None,
    deleted: bool = False,
) -> uuid.UUID:
    """A collection; an approved or rejected one is decided by ``approved_by`` at NOW."""
    decided = state != "unapproved"
    return _add(
        session,
        AgencyCollection(
            case_id=case_id,
            collected_on=on,
            amount=Decimal(amount),
            method=method,
            reference=reference,
            collected_by_id=by,
            received=received,
            state=state,
            decided_by_id=approved_by if decided else None,
            decided_at=NOW if decided else None,
            approved_by_id=approved_by if state == "approved" else None,
            rejection_reason=rejection_reason,
            reverses_id=reverses,
            updated_at=NOW,
            deleted_at=NOW if deleted else None,
        ),
    )


def change(
    session: Session,
    collection_id: uuid.UUID,
    what: str,
    *,
    at: dt.datetime = NOW,
    by: uuid.UUID | None = None,
    note: str | None = None,
) -> uuid.UUID:
    return _add(
        session,
        AgencyCollectionChange(
            collection_id=collection_id, changed_at=at, changed_by_id=by, change=what, note=note
        ),
    )


def plan(
    session: Session,
    case_id: uuid.UUID,
    *,
    agreed_on: dt.date,
    instalments: Sequence[tuple[dt.date, Decimal | str]],
    kind: str | None = None,
    cancelled_on: dt.date | None = None,
    by: uuid.UUID | None = None,
    note: str | None = None,
) -> uuid.UUID:
    """A promise (one instalment) or a plan (several); ``kind`` follows from the count."""
    plan_id = _add(
        session,
        AgencyPlan(
            case_id=case_id,
            kind=kind or ("promise" if len(instalments) == 1 else "plan"),
            agreed_on=agreed_on,
            created_by_id=by,
            note=note,
            cancelled_on=cancelled_on,
            updated_at=NOW,
        ),
    )
    for number, (due_on, amount) in enumerate(instalments, start=1):
        _add(
            session,
            AgencyInstalment(
                plan_id=plan_id,
                number=number,
                due_on=due_on,
                amount=Decimal(amount),
                updated_at=NOW,
            ),
        )
    return plan_id


def annotation(
    session: Session,
    case_id: uuid.UUID,
    kind: str,
    text: str,
    *,
    by: uuid.UUID | None = None,
    created_at: dt.datetime = NOW,
    scheduled_on: dt.date | None = None,
    done_on: dt.date | None = None,
    source: str | None = None,
    found_value: str | None = None,
    new_name: str | None = None,
    new_tax_id: str | None = None,
    deleted: bool = False,
) -> uuid.UUID:
    return _add(
        session,
        AgencyAnnotation(
            case_id=case_id,
            kind=kind,
            text=text,
            source=source,
            found_value=found_value,
            new_name=new_name,
            new_tax_id=new_tax_id,
            scheduled_on=scheduled_on,
            done_on=done_on,
            created_by_id=by,
            created_at=created_at,
            updated_at=NOW,
            deleted_at=NOW if deleted else None,
        ),
    )


def expense(
    session: Session,
    employee_id: uuid.UUID,
    *,
    spent_on: dt.date,
    kind: str,
    amount: Decimal | str,
    state: str = "draft",
    approved_by: uuid.UUID | None = None,
    currency: str = "EUR",
    case_id: uuid.UUID | None = None,
    description: str | None = None,
    rejection_reason: str | None = None,
) -> uuid.UUID:
    decided = state in ("approved", "rejected")
    return _add(
        session,
        AgencyExpense(
            employee_id=employee_id,
            month=spent_on.replace(day=1),
            spent_on=spent_on,
            kind=kind,
            amount=Decimal(amount),
            currency=currency,
            case_id=case_id,
            description=description,
            state=state,
            submitted_at=NOW if state != "draft" else None,
            decided_by_id=approved_by if decided else None,
            decided_at=NOW if decided else None,
            approved_by_id=approved_by if state == "approved" else None,
            rejection_reason=rejection_reason,
            updated_at=NOW,
        ),
    )


def attachment(
    session: Session,
    *,
    annotation_id: uuid.UUID | None = None,
    expense_id: uuid.UUID | None = None,
    file_name: str = "receipt.pdf",
    content: bytes = b"%PDF-1.4\n%%EOF\n",
    media_type: str = "application/pdf",
    added_at: dt.datetime = NOW,
) -> uuid.UUID:
    import hashlib

    return _add(
        session,
        AgencyAttachment(
            annotation_id=annotation_id,
            expense_id=expense_id,
            file_name=file_name,
            media_type=media_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            added_at=added_at,
            updated_at=NOW,
        ),
    )
