"""A month's expenses of the collectors, with their receipts (two statements: the
expenses, then the receipts' names and sizes, never their content)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session, aliased

from collections_desktop.models.agency.rows import AttachmentRow, ExpenseRow
from collections_desktop.models.db.schema import (
    AgencyAttachment,
    AgencyCase,
    AgencyExpense,
    Employee,
    ExpenseKind,
)

KIND_ORDER = tuple(kind.value for kind in ExpenseKind)
"""The expense types in the order reports list them."""


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def expense_conditions(
    month: dt.date, employee_id: uuid.UUID | None, states: Iterable[str] | None
) -> list[ColumnElement[bool]]:
    e = AgencyExpense
    conditions: list[ColumnElement[bool]] = [
        e.deleted_at.is_(None),
        e.month == first_of_month(month),
    ]
    if employee_id is not None:
        conditions.append(e.employee_id == employee_id)
    if states is not None:
        conditions.append(e.state.in_(sorted(set(states))))
    return conditions


def kind_rank() -> Any:
    """The expense type's place in ``KIND_ORDER`` (unknown types last)."""
    e = AgencyExpense
    return case({kind: rank for rank, kind in enumerate(KIND_ORDER)}, value=e.kind, else_=99)


def read_expenses(
    session: Session, conditions: list[ColumnElement[bool]], *, by_kind: bool = False
) -> tuple[ExpenseRow, ...]:
    """The expenses under ``conditions``, each with its receipts: by collector name, day
    spent and type, or ``by_kind`` by type, day spent and collector name."""
    e, k = AgencyExpense, AgencyCase
    owner = aliased(Employee)
    approver = aliased(Employee)
    if by_kind:
        order = [kind_rank(), e.spent_on, owner.name]
    else:
        order = [owner.name, e.spent_on, kind_rank()]
    rows = (
        session.connection()
        .execute(
            select(
                e.id,
                e.employee_id,
                owner.name,
                e.month,
                e.spent_on,
                e.kind,
                e.amount,
                e.currency,
                k.number,
                e.description,
                e.state,
                approver.name,
                e.rejection_reason,
                e.version,
            )
            .join(owner, owner.id == e.employee_id)
            .outerjoin(approver, approver.id == e.approved_by_id)
            .outerjoin(k, k.id == e.case_id)
            .where(*conditions)
            .order_by(*order, e.id)
        )
        .all()
    )
    if not rows:
        return ()
    a = AgencyAttachment
    receipts: dict[uuid.UUID, list[AttachmentRow]] = defaultdict(list)
    for expense_id, id_, name, media, size, added in session.connection().execute(
        select(a.expense_id, a.id, a.file_name, a.media_type, a.size, a.added_at)
        .where(
            a.deleted_at.is_(None),
            a.expense_id.in_(select(e.id).where(*conditions)),
        )
        .order_by(a.added_at, a.id)
    ):
        if expense_id is not None:
            receipts[expense_id].append(AttachmentRow(id_, name, media, size, added))
    return tuple(
        ExpenseRow(
            id=row[0],
            employee_id=row[1],
            employee_name=row[2],
            month=row[3],
            spent_on=row[4],
            kind=row[5],
            amount=row[6],
            currency=row[7],
            case_number=row[8],
            description=row[9],
            state=row[10],
            approved_by_name=row[11],
            rejection_reason=row[12],
            receipts=tuple(receipts.get(row[0], ())),
            version=row[13],
        )
        for row in rows
    )


def month_expenses(
    session: Session,
    month: dt.date,
    *,
    employee_id: uuid.UUID | None = None,
    states: Iterable[str] | None = None,
) -> tuple[ExpenseRow, ...]:
    """The expenses reported in ``month`` (any day of it), of one collector or all, in
    the given states or any; by collector name, day spent, type."""
    return read_expenses(session, expense_conditions(month, employee_id, states))
