"""A customer's recurring billing lines: read with the customer record, checked and saved
with it (over the record's version, so a stale copy is refused with the rest of it).

A line bills ``quantity`` × ``unit_price`` (before tax, in the customer's currency) with
the company's sales-tax code ``tax_code`` (None: no tax) every month from ``start_month``
to ``end_month`` (None: until further notice); the month's invoice is due on
``day_of_month`` (the month's last day when it is shorter). Every refusal names the line
(its number in the tab) and the field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.kernel.money import MoneyError, to_money
from collections_desktop.models.billing.errors import BillingError
from collections_desktop.models.billing.months import first_of, month_text
from collections_desktop.models.db.schema import (
    Currency,
    Customer,
    RecurringBillingLine,
    SalesTaxCode,
)
from collections_desktop.models.db.types import new_id

DESCRIPTION_LENGTH = 200
LAST_DAY = 31
HISTORY_FIELD = "recurring_billing"
"""The field name of a recurring line's change in the record's history."""


@dataclass(frozen=True)
class RecurringLine:
    """One recurring line as the tab shows and leaves it; ``id`` None for a new one."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None
    day_of_month: int
    start_month: dt.date
    end_month: dt.date | None = None
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class TaxCodeChoice:
    """A sales-tax code a line may carry."""

    code: str
    name: str
    rate: Decimal


@dataclass(frozen=True)
class RecurringBilling:
    """A customer's recurring lines (in order) and what the tab offers."""

    lines: tuple[RecurringLine, ...]
    tax_codes: tuple[TaxCodeChoice, ...]
    currency: str
    places: int


def tax_code_choices(session: Session) -> tuple[TaxCodeChoice, ...]:
    """The company's sales-tax codes in use, by code."""
    return tuple(
        TaxCodeChoice(row.code, row.name, row.rate)
        for row in session.execute(
            select(SalesTaxCode.code, SalesTaxCode.name, SalesTaxCode.rate)
            .where(SalesTaxCode.deleted_at.is_(None))
            .order_by(SalesTaxCode.code)
        )
    )


def read_recurring(session: Session, customer_id: uuid.UUID) -> RecurringBilling:
    """The customer's recurring lines now, with the tax codes and the currency's decimals."""
    currency = session.scalar(select(Customer.currency).where(Customer.id == customer_id)) or ""
    places = session.scalar(select(Currency.decimals).where(Currency.code == currency))
    rows = session.scalars(
        select(RecurringBillingLine)
        .where(
            RecurringBillingLine.customer_id == customer_id,
            RecurringBillingLine.deleted_at.is_(None),
        )
        .order_by(RecurringBillingLine.position, RecurringBillingLine.id)
    ).all()
    return RecurringBilling(
        lines=tuple(_line(row) for row in rows),
        tax_codes=tax_code_choices(session),
        currency=currency,
        places=2 if places is None else places,
    )


def _line(row: RecurringBillingLine) -> RecurringLine:
    return RecurringLine(
        description=row.description,
        quantity=row.quantity,
        unit_price=row.unit_price,
        tax_code=row.tax_code,
        day_of_month=row.day_of_month,
        start_month=row.start_month,
        end_month=row.end_month,
        id=row.id,
    )


def check_recurring_lines(
    lines: Sequence[RecurringLine], tax_codes: Sequence[str]
) -> tuple[RecurringLine, ...]:
    """The lines normalised (texts trimmed, months as their first day), or ``BillingError``
    naming the first line and field that cannot be saved. Quantities and unit prices
    may carry four decimals (a price per unit); a month's amount is rounded to the
    currency's decimals when the draft is made."""
    known = set(tax_codes)
    checked = []
    for number, line in enumerate(lines, start=1):

        def refuse(field: str, reason: str, number: int = number) -> BillingError:
            return BillingError(
                _("Recurring billing line {number}, {field}: {reason}").format(
                    number=number, field=field, reason=reason
                )
            )

        description = " ".join(line.description.split())
        if not description:
            raise refuse(_("description"), _("say what is billed."))
        if len(description) > DESCRIPTION_LENGTH:
            raise refuse(
                _("description"),
                _("at most {count} characters.").format(count=DESCRIPTION_LENGTH),
            )
        try:
            quantity = to_money(line.quantity)
        except MoneyError as error:
            raise refuse(_("quantity"), str(error)) from error
        if quantity <= 0:
            raise refuse(_("quantity"), _("it must be greater than zero."))
        try:
            price = to_money(line.unit_price)
        except MoneyError as error:
            raise refuse(_("unit price"), str(error)) from error
        if price <= 0:
            raise refuse(_("unit price"), _("it must be greater than zero."))
        tax_code = (line.tax_code or "").strip() or None
        if tax_code is not None and tax_code not in known:
            raise refuse(
                _("tax code"),
                _("{code} is not one of the company's sales-tax codes.").format(code=tax_code),
            )
        if not 1 <= line.day_of_month <= LAST_DAY:
            raise refuse(_("day of the month"), _("a day from 1 to 31."))
        start = first_of(line.start_month)
        end = first_of(line.end_month) if line.end_month is not None else None
        if end is not None and end < start:
            raise refuse(
                _("end month"),
                _("{end} is before the start month {start}.").format(
                    end=month_text(end), start=month_text(start)
                ),
            )
        checked.append(
            replace(
                line,
                description=description,
                quantity=quantity,
                unit_price=price,
                tax_code=tax_code,
                start_month=start,
                end_month=end,
            )
        )
    return tuple(checked)


def line_text(line: RecurringLine | RecurringBillingLine) -> str:
    """A line in one text for the record's history: what, how much, when."""
    until = month_text(line.end_month) if line.end_month is not None else "…"
    tax = f" {line.tax_code}" if line.tax_code else ""
    return (
        f"{line.description}: {_plain(line.quantity)} × {_plain(line.unit_price)}{tax}, "
        f"day {line.day_of_month}, {month_text(line.start_month)}–{until}"
    )


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def save_recurring_lines(
    session: Session,
    customer_id: uuid.UUID,
    lines: Sequence[RecurringLine],
    now: dt.datetime,
) -> list[tuple[str, str | None, str | None]]:
    """Write the checked ``lines`` as the customer's recurring lines: new ones added,
    changed ones updated (version bumped), missing ones tombstoned. Returns the record's
    history entries (field, old text, new text), one per line added, changed or removed.

    The caller (``customers.record.save_record``) checked the lines and guards the whole
    save with the customer's version.
    """
    saved = {
        row.id: row
        for row in session.scalars(
            select(RecurringBillingLine).where(
                RecurringBillingLine.customer_id == customer_id,
                RecurringBillingLine.deleted_at.is_(None),
            )
        )
    }
    history: list[tuple[str, str | None, str | None]] = []
    kept: set[uuid.UUID] = set()
    for position, line in enumerate(lines, start=1):
        values = {
            "position": position,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "tax_code": line.tax_code,
            "day_of_month": line.day_of_month,
            "start_month": line.start_month,
            "end_month": line.end_month,
        }
        if line.id is None:
            session.add(
                RecurringBillingLine(
                    id=new_id(), customer_id=customer_id, updated_at=now, version=1, **values
                )
            )
            history.append((HISTORY_FIELD, None, line_text(line)))
            continue
        row = saved.get(line.id)
        if row is None:
            raise BillingError(
                _(
                    "Recurring billing line {number} was removed by someone else since you "
                    "opened the record; reload it."
                ).format(number=position)
            )
        kept.add(row.id)
        if any(getattr(row, key) != value for key, value in values.items() if key != "position"):
            old = line_text(row)
            for key, value in values.items():
                setattr(row, key, value)
            row.version += 1
            row.updated_at = now
            history.append((HISTORY_FIELD, old, line_text(line)))
        elif row.position != position:
            row.position = position
            row.version += 1
            row.updated_at = now
    for row_id, row in saved.items():
        if row_id not in kept:
            row.deleted_at = now
            row.updated_at = now
            row.version += 1
            history.append((HISTORY_FIELD, line_text(row), None))
    session.flush()
    return history
