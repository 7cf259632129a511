"""A collector's expenses (fuel, calls, burofax, travel, other): written as drafts,
submitted with the rest of the month, and approved or rejected (with a reason) by a
supervisor who is not the collector. A submitted or approved expense is not edited; a
rejected one is corrected and submitted again."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.agency._common import (
    amount_text,
    day_text,
    employee_name,
    load,
    money,
    required,
    text_or_none,
)
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.agency.staff import require_supervisor, staff_member
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    AgencyCase,
    AgencyExpense,
    Currency,
    ExpenseKind,
    ExpenseState,
)


@dataclass(frozen=True)
class ExpenseValues:
    spent_on: dt.date
    kind: str  # ExpenseKind
    amount: Decimal
    currency: str
    case_id: uuid.UUID | None = None
    description: str | None = None


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _checked(session: Session, values: ExpenseValues, now: dt.datetime) -> dict[str, Any]:
    if values.kind not in set(ExpenseKind):
        raise AgencyError(_("Unknown kind of expense {kind}.").format(kind=values.kind))
    if values.spent_on > now.date():
        raise AgencyError(_("An expense cannot be dated in the future."))
    currency = (values.currency or "").strip().upper()
    if session.scalar(select(Currency.id).where(Currency.code == currency)) is None:
        raise AgencyError(_("There is no currency {code}.").format(code=currency or "—"))
    if values.case_id is not None:
        found = session.scalar(
            select(AgencyCase.id).where(
                AgencyCase.id == values.case_id, AgencyCase.deleted_at.is_(None)
            )
        )
        if found is None:
            raise AgencyError(_("The case file no longer exists. Choose another one."))
    return {
        "spent_on": values.spent_on,
        "month": month_of(values.spent_on),
        "kind": values.kind,
        "amount": money(values.amount, _("The expense")),
        "currency": currency,
        "case_id": values.case_id,
        "description": text_or_none(values.description),
    }


def _label(found: AgencyExpense) -> str:
    return _("The expense of {amount} {currency} on {date}").format(
        amount=amount_text(found.amount), currency=found.currency, date=day_text(found.spent_on)
    )


def _load(session: Session, expense_id: uuid.UUID) -> AgencyExpense:
    return load(session, AgencyExpense, expense_id, _("The expense no longer exists. Refresh."))


def add_expense(
    session: Session, employee_id: uuid.UUID, values: ExpenseValues, *, now: dt.datetime
) -> uuid.UUID:
    """A draft expense of the employee, reported in the month it was spent."""
    if staff_member(session, employee_id) is None:
        raise AgencyError(_("Only the agency desk's staff report expenses here."))
    made = AgencyExpense(
        employee_id=employee_id,
        state=ExpenseState.DRAFT,
        updated_at=now,
        version=1,
        **_checked(session, values, now),
    )
    session.add(made)
    session.flush()
    return made.id


def edit_expense(
    session: Session,
    expense_id: uuid.UUID,
    version: int,
    values: ExpenseValues,
    *,
    by: uuid.UUID,
    now: dt.datetime,
) -> None:
    """Correct one's own draft or rejected expense."""
    found = _load(session, expense_id)
    if found.employee_id != by:
        raise AgencyError(
            _("This is {name}'s expense; only they may correct it.").format(
                name=employee_name(session, found.employee_id)
            )
        )
    if found.state == ExpenseState.SUBMITTED:
        raise AgencyError(
            _("{what} was submitted; it waits for a supervisor and cannot be edited.").format(
                what=_label(found)
            )
        )
    if found.state == ExpenseState.APPROVED:
        raise AgencyError(
            _("{what} was approved by {name}; it cannot be edited.").format(
                what=_label(found), name=employee_name(session, found.approved_by_id)
            )
        )
    update_versioned(
        session, found, version, now=now, what=_label(found), **_checked(session, values, now)
    )


def submit_month(
    session: Session, employee_id: uuid.UUID, month: dt.date, *, now: dt.datetime
) -> int:
    """Send the employee's draft and rejected expenses of ``month`` for approval; how many."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(AgencyExpense)
            .where(
                AgencyExpense.employee_id == employee_id,
                AgencyExpense.month == month_of(month),
                AgencyExpense.state.in_((ExpenseState.DRAFT, ExpenseState.REJECTED)),
                AgencyExpense.deleted_at.is_(None),
            )
            .values(
                state=ExpenseState.SUBMITTED,
                submitted_at=now,
                decided_by_id=None,
                decided_at=None,
                rejection_reason=None,
                updated_at=now,
                version=AgencyExpense.version + 1,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    return int(result.rowcount)


def _deciding(session: Session, found: AgencyExpense, supervisor_id: uuid.UUID) -> None:
    if found.state != ExpenseState.SUBMITTED:
        if found.state == ExpenseState.APPROVED:
            raise AgencyError(
                _("{what} was already approved by {name}.").format(
                    what=_label(found), name=employee_name(session, found.decided_by_id)
                )
            )
        if found.state == ExpenseState.REJECTED:
            raise AgencyError(
                _("{what} was already rejected by {name}.").format(
                    what=_label(found), name=employee_name(session, found.decided_by_id)
                )
            )
        raise AgencyError(
            _("{what} is not submitted yet; its month is approved once submitted.").format(
                what=_label(found)
            )
        )
    if found.employee_id == supervisor_id:
        raise AgencyError(_("This is your own expense; another supervisor must decide on it."))
    require_supervisor(session, supervisor_id)


def approve_expense(
    session: Session,
    expense_id: uuid.UUID,
    version: int,
    *,
    supervisor_id: uuid.UUID,
    now: dt.datetime,
) -> None:
    """A supervisor other than the employee approves a submitted expense."""
    found = _load(session, expense_id)
    _deciding(session, found, supervisor_id)
    update_versioned(
        session,
        found,
        version,
        now=now,
        what=_label(found),
        state=ExpenseState.APPROVED,
        approved_by_id=supervisor_id,
        decided_by_id=supervisor_id,
        decided_at=now,
        rejection_reason=None,
    )


def reject_expense(
    session: Session,
    expense_id: uuid.UUID,
    version: int,
    *,
    supervisor_id: uuid.UUID,
    reason: str,
    now: dt.datetime,
) -> None:
    """A supervisor rejects a submitted expense, saying why; the employee may correct it."""
    why = required(reason, _("Say why the expense is rejected; the collector will read it."))
    found = _load(session, expense_id)
    _deciding(session, found, supervisor_id)
    update_versioned(
        session,
        found,
        version,
        now=now,
        what=_label(found),
        state=ExpenseState.REJECTED,
        decided_by_id=supervisor_id,
        decided_at=now,
        rejection_reason=why,
    )
