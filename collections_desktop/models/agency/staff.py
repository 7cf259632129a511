"""Who works at the agency desk: collectors and the supervisors who approve their
collections and expenses, each with their share of the agency's commission."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.agency._common import check_employee, employee_name
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.db.schema import AgencyStaff, Employee


@dataclass(frozen=True)
class StaffRow:
    employee_id: uuid.UUID
    name: str
    is_supervisor: bool
    share_percent: Decimal
    version: int


def _row(row: Any) -> StaffRow:
    return StaffRow(row[0], row[1], bool(row[2]), row[3], row[4])


def _query() -> Select[uuid.UUID, str, bool, Decimal, int]:
    return (
        select(
            AgencyStaff.employee_id,
            Employee.name,
            AgencyStaff.is_supervisor,
            AgencyStaff.commission_share_percent,
            AgencyStaff.version,
        )
        .join(Employee, Employee.id == AgencyStaff.employee_id)
        .where(AgencyStaff.deleted_at.is_(None), Employee.deleted_at.is_(None))
    )


def staff_member(session: Session, employee_id: uuid.UUID) -> StaffRow | None:
    """The employee's place at the desk; None when they do not work there."""
    row = session.execute(_query().where(AgencyStaff.employee_id == employee_id)).first()
    return None if row is None else _row(row)


def list_staff(session: Session) -> tuple[StaffRow, ...]:
    """Everyone at the desk, by name."""
    rows = session.execute(_query().order_by(Employee.name, Employee.number))
    return tuple(_row(row) for row in rows)


def _share(value: Decimal) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 100:
        raise AgencyError(_("The commission share is a percentage from 0 to 100."))
    if value != value.quantize(Decimal("0.01")):
        raise AgencyError(_("The commission share has more than two decimals."))
    return value


def set_staff(
    session: Session,
    employee_id: uuid.UUID,
    *,
    is_supervisor: bool,
    share_percent: Decimal,
    now: dt.datetime,
) -> None:
    """Put the employee at the desk, or change their role and share."""
    share = _share(share_percent)
    check_employee(session, employee_id)
    found = session.execute(
        select(AgencyStaff.id, AgencyStaff.deleted_at).where(AgencyStaff.employee_id == employee_id)
    ).first()
    if found is None:
        session.add(
            AgencyStaff(
                employee_id=employee_id,
                is_supervisor=is_supervisor,
                commission_share_percent=share,
                updated_at=now,
                version=1,
            )
        )
        session.flush()
        return
    session.execute(
        update(AgencyStaff)
        .where(AgencyStaff.id == found.id)
        .values(
            is_supervisor=is_supervisor,
            commission_share_percent=share,
            deleted_at=None,
            updated_at=now,
            version=AgencyStaff.version + 1,
        )
        .execution_options(synchronize_session=False)
    )


def is_supervisor(session: Session, employee_id: uuid.UUID) -> bool:
    member = staff_member(session, employee_id)
    return member is not None and member.is_supervisor


def require_supervisor(session: Session, employee_id: uuid.UUID) -> None:
    """``AgencyError`` unless the employee is one of the desk's supervisors."""
    if not is_supervisor(session, employee_id):
        raise AgencyError(
            _(
                "{name} is not a supervisor of the agency desk; "
                "only a supervisor may approve or reject."
            ).format(name=employee_name(session, employee_id))
        )
