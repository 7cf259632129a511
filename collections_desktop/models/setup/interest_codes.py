"""Interest codes: how interest on overdue invoices is computed, and the note's fee.

A code's ranges are checked by ``models.actions.interest.validate_rate_lines`` and its
method by ``check_method``, the rules the calculation reads them by. The code's version
guards its ranges: every save bumps it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.kernel.money import MoneyError, to_money
from collections_desktop.models.actions.interest import (
    INTERVAL,
    RANGE,
    RateLine,
    check_method,
    validate_rate_lines,
)
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    Customer,
    InterestCode,
    InterestCodeLine,
    InterestNote,
    ReceivablesParameters,
)
from collections_desktop.models.ledger.books import currency_decimals
from collections_desktop.models.setup.fields import (
    SetupError,
    require_administrator,
    required_text,
    whole_number,
)

METHODS = (
    (RANGE, N_("By range: the rate per 30 days of each range")),
    (INTERVAL, N_("By interval: the rate once per started interval")),
)
"""The methods a code may have (value, label marked for translation)."""

MAX_DAYS = 99_999


@dataclass(frozen=True)
class InterestLineRow:
    """A range of a code: overdue days ``from_days`` … ``to_days`` (None: no end), rate %."""

    id: uuid.UUID
    from_days: int
    to_days: int | None
    rate: Decimal


@dataclass(frozen=True)
class InterestCodeRow:
    """An interest code with its ranges and how many customers use it."""

    id: uuid.UUID
    code: str
    name: str
    method: str
    interval_days: int
    grace_days: int
    fee: Decimal
    interest_account: str
    fee_account: str
    lines: tuple[InterestLineRow, ...]
    customers: int
    version: int


@dataclass(frozen=True)
class InterestLineValues:
    """One range of the form; ``id`` None for a range added."""

    from_days: int
    to_days: int | None
    rate: Decimal
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class InterestCodeValues:
    """What the form holds for one code, its ranges in order."""

    code: str
    name: str
    method: str
    interval_days: int
    grace_days: int
    fee: Decimal
    interest_account: str
    fee_account: str
    lines: tuple[InterestLineValues, ...]


def method_labels() -> Sequence[tuple[str, str]]:
    """The methods a code may have: (value, label in the user's language)."""
    return [(method, _(label)) for method, label in METHODS]


def list_interest_codes(session: Session) -> list[InterestCodeRow]:
    """The live codes by code, with their ranges in order."""
    lines: dict[uuid.UUID, list[InterestLineRow]] = defaultdict(list)
    for line in session.scalars(
        select(InterestCodeLine)
        .where(InterestCodeLine.deleted_at.is_(None))
        .order_by(InterestCodeLine.interest_code_id, InterestCodeLine.position)
    ):
        lines[line.interest_code_id].append(
            InterestLineRow(line.id, line.from_days, line.to_days, line.rate)
        )
    customers = {
        key: count
        for key, count in session.execute(
            select(Customer.interest_code, func.count())
            .where(Customer.deleted_at.is_(None), Customer.interest_code.is_not(None))
            .group_by(Customer.interest_code)
        )
    }
    return [
        InterestCodeRow(
            id=row.id,
            code=row.code,
            name=row.name,
            method=row.method,
            interval_days=row.interval_days,
            grace_days=row.grace_days,
            fee=row.fee,
            interest_account=row.interest_account,
            fee_account=row.fee_account,
            lines=tuple(lines[row.id]),
            customers=customers.get(row.code, 0),
            version=row.version,
        )
        for row in session.scalars(
            select(InterestCode)
            .where(InterestCode.deleted_at.is_(None))
            .order_by(InterestCode.code)
        )
    ]


def save_interest_code(
    session: Session,
    code_id: uuid.UUID | None,
    version: int,
    values: InterestCodeValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Add a code (``code_id`` None) or change one read at ``version``, with its ranges."""
    require_administrator(session, by)
    code = required_text(values.code, _("Code"), max_length=30).upper()
    name = required_text(values.name, _("Name"), max_length=100)
    interest_account = required_text(values.interest_account, _("Interest account"), max_length=30)
    fee_account = required_text(values.fee_account, _("Fee account"), max_length=30)
    whole_number(str(values.grace_days), _("Grace days"), minimum=0, maximum=MAX_DAYS)
    whole_number(str(values.interval_days), _("Interval days"), minimum=0, maximum=MAX_DAYS)
    check_method(code, values.method, values.interval_days)
    fee = _fee(session, values.fee)
    for number, line in enumerate(values.lines, start=1):
        try:
            to_money(line.rate)
        except MoneyError as error:
            raise SetupError(
                _("The rate of range {number}: {problem}").format(number=number, problem=error)
            ) from None
    validate_rate_lines(
        [RateLine(line.from_days, line.to_days, line.rate) for line in values.lines]
    )
    existing = _code(session, code_id) if code_id is not None else None
    live = _live_lines(session, existing.id) if existing is not None else {}
    if {line.id for line in values.lines if line.id is not None} - live.keys():
        raise SetupError(_("A range of this interest code no longer exists: reload it."))
    clash = session.execute(
        select(InterestCode.id, InterestCode.deleted_at).where(
            InterestCode.code == code, InterestCode.id != code_id
        )
    ).first()
    if clash is not None:
        message = (
            _("There is already an interest code {code}.")
            if clash.deleted_at is None
            else _("A deleted interest code was {code}; choose another code.")
        )
        raise SetupError(message.format(code=code))
    fields = {
        "code": code,
        "name": name,
        "method": values.method,
        "interval_days": values.interval_days,
        "grace_days": values.grace_days,
        "fee": fee,
        "interest_account": interest_account,
        "fee_account": fee_account,
    }
    if existing is None:
        row = InterestCode(updated_at=now, **fields)
        session.add(row)
        session.flush()
    else:
        row = existing
        if code != row.code:
            _refuse_if_used(session, row.code, _("The code of {code} cannot change: {uses}."))
        update_versioned(
            session,
            row,
            version,
            now=now,
            what=_("Interest code {code}").format(code=row.code),
            **fields,
        )
    _save_lines(session, row.id, values.lines, live, now)
    return row.id


def delete_interest_code(
    session: Session,
    code_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove a code no customer uses (its notes keep the code they were computed by)."""
    require_administrator(session, by)
    row = _code(session, code_id)
    customers = _customers(session, row.code)
    if customers:
        raise SetupError(
            ngettext(
                "{code} cannot be deleted: {count} customer uses it.",
                "{code} cannot be deleted: {count} customers use it.",
                customers,
            ).format(code=row.code, count=customers)
        )
    update_versioned(
        session,
        row,
        version,
        now=now,
        what=_("Interest code {code}").format(code=row.code),
        deleted_at=now,
    )
    for line in _live_lines(session, code_id).values():
        line.deleted_at, line.updated_at, line.version = now, now, line.version + 1
    session.flush()


def _fee(session: Session, fee: Decimal) -> Decimal:
    """The note fee: zero or more, with at most the accounting currency's decimals."""
    accounting = session.scalar(select(ReceivablesParameters.accounting_currency))
    places = currency_decimals(session, accounting) if accounting else 2
    try:
        amount = to_money(fee, places=places)
    except MoneyError as error:
        raise SetupError(_("Fee: {problem}").format(problem=error)) from None
    if amount < 0:
        raise SetupError(_("Fee may not be negative."))
    return amount


def _refuse_if_used(session: Session, code: str, message: str) -> None:
    customers = _customers(session, code)
    notes = session.scalar(select(func.count()).where(InterestNote.interest_code == code)) or 0
    uses = []
    if customers:
        uses.append(
            ngettext("{count} customer uses it", "{count} customers use it", customers).format(
                count=customers
            )
        )
    if notes:
        uses.append(
            ngettext(
                "{count} interest note was computed with it",
                "{count} interest notes were computed with it",
                notes,
            ).format(count=notes)
        )
    if uses:
        raise SetupError(message.format(code=code, uses="; ".join(uses)))


def _customers(session: Session, code: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Customer.interest_code == code, Customer.deleted_at.is_(None)
            )
        )
        or 0
    )


def _save_lines(
    session: Session,
    code_id: uuid.UUID,
    lines: Sequence[InterestLineValues],
    live: dict[uuid.UUID, InterestCodeLine],
    now: dt.datetime,
) -> None:
    """Write the ranges in order over ``live`` (the code's, checked to hold every range kept)."""
    kept = {line.id for line in lines if line.id is not None}
    for row in live.values():
        if row.id not in kept:
            row.deleted_at, row.updated_at, row.version = now, now, row.version + 1
    for position, line in enumerate(lines, start=1):
        fields = {
            "position": position,
            "from_days": line.from_days,
            "to_days": line.to_days,
            "rate": line.rate,
        }
        if line.id is None:
            session.add(InterestCodeLine(interest_code_id=code_id, updated_at=now, **fields))
            continue
        row = live[line.id]
        if any(getattr(row, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(row, key, value)
            row.updated_at, row.version = now, row.version + 1
    session.flush()


def _live_lines(session: Session, code_id: uuid.UUID) -> dict[uuid.UUID, InterestCodeLine]:
    return {
        row.id: row
        for row in session.scalars(
            select(InterestCodeLine).where(
                InterestCodeLine.interest_code_id == code_id,
                InterestCodeLine.deleted_at.is_(None),
            )
        )
    }


def _code(session: Session, code_id: uuid.UUID) -> InterestCode:
    row = session.get(InterestCode, code_id)
    if row is None or row.deleted_at is not None:
        raise SetupError(_("That interest code no longer exists: reload the list."))
    return row
