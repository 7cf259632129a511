"""Customer pools: saved criteria that select customers, evaluated in SQL.

A pool's ``criteria`` column holds JSON such as ``{"countries": ["ES", "PT"],
"min_past_due": "1000.00", "min_days_past_due": 30}``. ``PoolCriteria.from_json``
reads and checks it; ``customer_condition`` turns it into one SQL condition on
``customers`` for a given as-of date, so a pool filters any list query or snapshot in
the database, never in Python. Every key is optional; all given keys must hold (AND),
and the values inside one list are alternatives (OR).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, true, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.kernel.money import MoneyError, to_money
from collections_desktop.models.db.schema import (
    Customer,
    CustomerPool,
    CustomerTransaction,
    Employee,
    SettlementLine,
)
from collections_desktop.models.db.types import Money

_LISTS = (
    "customer_groups",
    "credit_groups",
    "countries",
    "currencies",
    "account_statuses",
    "responsible_employees",
)


class PoolError(ValueError):
    """Pool criteria that cannot be read; the message names the key and the value."""


@dataclass(frozen=True)
class PoolCriteria:
    """What a customer must match to belong to a pool (empty lists and None match all)."""

    customer_groups: tuple[str, ...] = ()
    credit_groups: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    currencies: tuple[str, ...] = ()
    account_statuses: tuple[str, ...] = ()
    responsible_employees: tuple[str, ...] = ()  # employee numbers
    min_balance: Decimal | None = None
    min_past_due: Decimal | None = None
    min_days_past_due: int | None = None

    @classmethod
    def from_json(cls, text: str) -> PoolCriteria:
        """Read criteria saved as JSON; unknown keys and wrong values raise ``PoolError``."""
        try:
            data = json.loads(text or "{}")
        except json.JSONDecodeError as error:
            raise PoolError(
                _("The pool criteria are not valid JSON: {error}").format(error=error)
            ) from None
        if not isinstance(data, dict):
            raise PoolError(_("The pool criteria must be a JSON object."))
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise PoolError(
                _("Unknown pool criterion “{key}”; known ones: {known}.").format(
                    key=unknown[0], known=", ".join(sorted(known))
                )
            )
        values: dict[str, Any] = {}
        for key in _LISTS:
            if key in data:
                items = data[key]
                if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                    raise PoolError(
                        _("Pool criterion “{key}” must be a list of texts.").format(key=key)
                    )
                values[key] = tuple(items)
        for key in ("min_balance", "min_past_due"):
            if data.get(key) is not None:
                try:
                    values[key] = to_money(data[key])
                except MoneyError as error:
                    raise PoolError(
                        _("Pool criterion “{key}”: {error}").format(key=key, error=error)
                    ) from None
        days = data.get("min_days_past_due")
        if days is not None:
            if not isinstance(days, int) or isinstance(days, bool) or days < 1:
                raise PoolError(
                    _("Pool criterion “min_days_past_due” must be a whole number of days ≥ 1.")
                )
            values["min_days_past_due"] = days
        return cls(**values)

    def to_json(self) -> str:
        """The criteria as saved in ``customer_pools.criteria`` (only the keys that are set)."""
        data: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value in ((), None):
                continue
            data[key] = list(value) if isinstance(value, tuple) else value
            if isinstance(value, Decimal):
                data[key] = str(value)
        return json.dumps(data, sort_keys=True)


def _open_accounting(as_of: dt.date) -> ColumnElement[Any]:
    """Per transaction: accounting amount minus its settlement lines dated ≤ ``as_of``."""
    settled = (
        select(func.coalesce(func.sum(SettlementLine.amount_accounting), 0))
        .where(
            SettlementLine.transaction_id == CustomerTransaction.id,
            SettlementLine.settlement_date <= as_of,
        )
        .correlate(CustomerTransaction)
        .scalar_subquery()
    )
    return CustomerTransaction.amount_accounting - settled


def _past_due_debits(as_of: dt.date) -> list[ColumnElement[bool]]:
    return [
        CustomerTransaction.customer_id == Customer.id,
        CustomerTransaction.posting_date <= as_of,
        CustomerTransaction.amount > 0,
        CustomerTransaction.due_date < as_of,
    ]


def customer_condition(criteria: PoolCriteria, as_of: dt.date) -> ColumnElement[bool]:
    """One SQL condition on ``Customer`` that is true for the pool's customers on ``as_of``."""
    conditions: list[ColumnElement[bool]] = [Customer.deleted_at.is_(None)]
    for key, column in (
        ("customer_groups", Customer.customer_group),
        ("credit_groups", Customer.credit_group),
        ("countries", Customer.country),
        ("currencies", Customer.currency),
        ("account_statuses", Customer.account_status),
    ):
        wanted = getattr(criteria, key)
        if wanted:
            conditions.append(column.in_(wanted))
    if criteria.responsible_employees:
        conditions.append(
            Customer.responsible_employee_id.in_(
                select(Employee.id).where(Employee.number.in_(criteria.responsible_employees))
            )
        )
    if criteria.min_balance is not None:
        balance = (
            select(func.coalesce(func.sum(_open_accounting(as_of)), 0))
            .where(
                CustomerTransaction.customer_id == Customer.id,
                CustomerTransaction.posting_date <= as_of,
            )
            .correlate(Customer)
            .scalar_subquery()
        )
        conditions.append(type_coerce(balance, Money()) >= criteria.min_balance)
    if criteria.min_past_due is not None:
        past_due = (
            select(func.coalesce(func.sum(_open_accounting(as_of)), 0))
            .where(*_past_due_debits(as_of))
            .correlate(Customer)
            .scalar_subquery()
        )
        conditions.append(type_coerce(past_due, Money()) >= criteria.min_past_due)
    if criteria.min_days_past_due is not None:
        oldest_due = (
            select(func.min(CustomerTransaction.due_date))
            .where(*_past_due_debits(as_of), _open_accounting(as_of) != 0)
            .correlate(Customer)
            .scalar_subquery()
        )
        latest = as_of - dt.timedelta(days=criteria.min_days_past_due)
        conditions.append(oldest_due <= latest)
    return and_(true(), *conditions)


def pool_criteria(session: Session, pool_id: uuid.UUID) -> PoolCriteria:
    """The saved criteria of a pool."""
    text = session.scalar(select(CustomerPool.criteria).where(CustomerPool.id == pool_id))
    if text is None:
        raise PoolError(_("There is no pool with id {id}.").format(id=pool_id))
    return PoolCriteria.from_json(text)


def pool_id_by_name(session: Session, name: str) -> uuid.UUID:
    """The id of the pool called ``name``; a ``PoolError`` lists the pools there are."""
    found = session.scalar(
        select(CustomerPool.id).where(CustomerPool.name == name, CustomerPool.deleted_at.is_(None))
    )
    if found is None:
        names = session.scalars(
            select(CustomerPool.name)
            .where(CustomerPool.deleted_at.is_(None))
            .order_by(CustomerPool.name)
        ).all()
        raise PoolError(
            _("There is no pool called “{name}”; the pools are: {names}.").format(
                name=name, names=", ".join(names) or _("none")
            )
        )
    return found


def pool_customers(session: Session, pool_id: uuid.UUID, as_of: dt.date) -> Select[uuid.UUID]:
    """A query of the ids of the pool's customers on ``as_of`` (to use as a subquery)."""
    return select(Customer.id).where(customer_condition(pool_criteria(session, pool_id), as_of))
