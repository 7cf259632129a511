"""The checks every set-up form shares: who may change the set-up, and field values.

A refusal is a ``SetupError`` whose message names the field, so the form can show it
as it is.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.schema import Employee


class SetupError(ValueError):
    """A set-up change refused; the message says which field and why."""


def require_administrator(session: Session, employee_id: uuid.UUID | None) -> None:
    """Refuse the change unless ``employee_id`` is a live administrator."""
    allowed = employee_id is not None and session.scalar(
        select(Employee.is_administrator).where(
            Employee.id == employee_id, Employee.deleted_at.is_(None)
        )
    )
    if not allowed:
        raise SetupError(_("Only an administrator may change the company's set-up."))


def required_text(value: str, label: str, *, max_length: int) -> str:
    """``value`` without surrounding blanks; refused when empty or too long."""
    text = value.strip()
    if not text:
        raise SetupError(_("{field} is required.").format(field=label))
    return _checked_length(text, label, max_length)


def optional_text(value: str, *, label: str, max_length: int) -> str | None:
    """``value`` without surrounding blanks, or None when empty; refused when too long."""
    text = value.strip()
    return _checked_length(text, label, max_length) if text else None


def whole_number(text: str, label: str, *, minimum: int, maximum: int) -> int:
    """A whole number typed in a field, within ``minimum``…``maximum``."""
    try:
        number = int(text.strip())
    except ValueError:
        raise SetupError(
            _("{field} must be a whole number, not “{value}”.").format(field=label, value=text)
        ) from None
    if not minimum <= number <= maximum:
        raise SetupError(
            _("{field} must be between {minimum} and {maximum}.").format(
                field=label, minimum=minimum, maximum=maximum
            )
        )
    return number


def _checked_length(text: str, label: str, max_length: int) -> str:
    if len(text) > max_length:
        raise SetupError(
            _("{field} is too long: at most {count} characters.").format(
                field=label, count=max_length
            )
        )
    return text
