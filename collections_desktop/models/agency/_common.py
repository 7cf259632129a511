"""What the agency writes share: loading a row afresh (locked on PostgreSQL), names of
employees for messages, and amounts and texts checked the same way everywhere."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.db.schema import Base, Employee

T = TypeVar("T", bound=Base)

AMOUNT_PLACES = 2


def load(session: Session, table: type[T], row_id: uuid.UUID, gone: str) -> T:
    """The row read afresh and locked until the transaction ends (PostgreSQL), so two
    users deciding on it at once are served one after the other; ``gone`` when missing."""
    found = session.execute(
        select(table)
        .where(table.id == row_id)  # type: ignore[attr-defined]
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if found is None or getattr(found, "deleted_at", None) is not None:
        raise AgencyError(gone)
    return found


def day_text(day: dt.date) -> str:
    """A date as a message shows it, in the language of the messages."""
    return text_formats().date(day)


def amount_text(value: Decimal) -> str:
    return text_formats().amount(value)


def employee_name(session: Session, employee_id: uuid.UUID | None) -> str:
    if employee_id is None:
        return _("someone")
    name = session.scalar(select(Employee.name).where(Employee.id == employee_id))
    return name or _("someone")


def check_employee(session: Session, employee_id: uuid.UUID) -> None:
    found = session.scalar(
        select(Employee.id).where(Employee.id == employee_id, Employee.deleted_at.is_(None))
    )
    if found is None:
        raise AgencyError(_("The employee no longer exists. Choose another one."))


def money(value: object, what: str, *, positive: bool = True) -> Decimal:
    """``value`` as a Decimal of at most two decimals, above zero when ``positive``."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise AgencyError(_("{what} is not an amount.").format(what=what)) from None
    if not amount.is_finite():
        raise AgencyError(_("{what} is not an amount.").format(what=what))
    if amount != amount.quantize(Decimal(1).scaleb(-AMOUNT_PLACES)):
        raise AgencyError(
            _("{what} has more than two decimals: {amount}.").format(what=what, amount=amount)
        )
    if positive and amount <= 0:
        raise AgencyError(_("{what} must be above zero.").format(what=what))
    return amount


def text_or_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def required(value: str | None, message: str) -> str:
    found = text_or_none(value)
    if found is None:
        raise AgencyError(message)
    return found
