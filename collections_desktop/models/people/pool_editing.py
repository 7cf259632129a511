"""Writing customer pools: save (versioned), delete (a tombstone), and the live count.

A pool in use by an agent (a member of it, or their default pool) cannot be deleted: the
refusal names the agents, so the administrator knows whom to change first. A new pool
with the name of a deleted one brings that row back, since a pool's name is unique.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from collections_desktop.i18n import _
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    AgentPool,
    CollectionsAgent,
    Customer,
    CustomerPool,
    Employee,
)
from collections_desktop.models.db.schema.enums import AccountStatus
from collections_desktop.models.people.pools import PoolCriteria, customer_condition
from collections_desktop.models.setup.fields import (
    SetupError,
    optional_text,
    require_administrator,
    required_text,
)

_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")


class PoolEditError(SetupError):
    """A pool change refused; the message says which field and why."""


@dataclass(frozen=True)
class PoolRow:
    """A pool as the Pools section lists it: its criteria, customers today and agents."""

    id: uuid.UUID
    name: str
    description: str | None
    criteria: PoolCriteria
    customers: int
    agents: tuple[str, ...]
    version: int


@dataclass(frozen=True)
class PoolValues:
    """What the Pools form holds."""

    name: str
    description: str
    criteria: PoolCriteria


@dataclass(frozen=True)
class CriteriaChoices:
    """The values the company's customers hold, offered as each criterion's choices."""

    customer_groups: tuple[str, ...]
    credit_groups: tuple[str, ...]
    countries: tuple[str, ...]
    currencies: tuple[str, ...]
    account_statuses: tuple[str, ...]
    responsible_employees: tuple[tuple[str, str], ...]  # (number, name)


def count_customers(session: Session, criteria: PoolCriteria, as_of: dt.date) -> int:
    """How many live customers ``criteria`` selects on ``as_of``."""
    return (
        session.scalar(
            select(func.count()).select_from(Customer).where(customer_condition(criteria, as_of))
        )
        or 0
    )


def _agents_using(session: Session, pool_id: uuid.UUID) -> list[str]:
    member = (
        select(AgentPool.id)
        .where(
            AgentPool.agent_id == CollectionsAgent.id,
            AgentPool.pool_id == pool_id,
            AgentPool.deleted_at.is_(None),
        )
        .exists()
    )
    return list(
        session.scalars(
            select(Employee.name)
            .join(CollectionsAgent, CollectionsAgent.employee_id == Employee.id)
            .where(
                CollectionsAgent.deleted_at.is_(None),
                or_(member, CollectionsAgent.default_pool_id == pool_id),
            )
            .order_by(Employee.name)
        )
    )


def list_pools(session: Session, as_of: dt.date) -> list[PoolRow]:
    """Every live pool by name, with the customers it selects on ``as_of`` and its agents."""
    pools = session.scalars(
        select(CustomerPool).where(CustomerPool.deleted_at.is_(None)).order_by(CustomerPool.name)
    ).all()
    rows = []
    for pool in pools:
        criteria = PoolCriteria.from_json(pool.criteria)
        rows.append(
            PoolRow(
                id=pool.id,
                name=pool.name,
                description=pool.description,
                criteria=criteria,
                customers=count_customers(session, criteria, as_of),
                agents=tuple(_agents_using(session, pool.id)),
                version=pool.version,
            )
        )
    return rows


def criteria_choices(session: Session) -> CriteriaChoices:
    """The distinct values among live customers (and the live employees) for each list."""

    def distinct(
        column: InstrumentedAttribute[str | None] | InstrumentedAttribute[str],
    ) -> tuple[str, ...]:
        query = select(column).where(Customer.deleted_at.is_(None), column.is_not(None))
        return tuple(sorted({str(v) for v in session.scalars(query.distinct())}))

    employees = session.execute(
        select(Employee.number, Employee.name)
        .where(Employee.deleted_at.is_(None))
        .order_by(Employee.number)
    ).all()
    return CriteriaChoices(
        customer_groups=distinct(Customer.customer_group),
        credit_groups=distinct(Customer.credit_group),
        countries=distinct(Customer.country),
        currencies=distinct(Customer.currency),
        account_statuses=tuple(status.value for status in AccountStatus),
        responsible_employees=tuple((row.number, row.name) for row in employees),
    )


def check_criteria(session: Session, criteria: PoolCriteria) -> PoolCriteria:
    """Refuse criteria no customer could ever match by mistake (a mistyped code)."""
    for country in criteria.countries:
        if not _COUNTRY.fullmatch(country):
            raise PoolEditError(
                _("Countries: “{code}” is not a two-letter country code such as ES.").format(
                    code=country
                )
            )
    for currency in criteria.currencies:
        if not _CURRENCY.fullmatch(currency):
            raise PoolEditError(
                _("Currencies: “{code}” is not a three-letter currency code such as EUR.").format(
                    code=currency
                )
            )
    statuses = {status.value for status in AccountStatus}
    for status in criteria.account_statuses:
        if status not in statuses:
            raise PoolEditError(
                _("Account statuses: “{status}” is none of {known}.").format(
                    status=status, known=", ".join(sorted(statuses))
                )
            )
    if criteria.responsible_employees:
        known = set(
            session.scalars(
                select(Employee.number).where(
                    Employee.number.in_(criteria.responsible_employees),
                    Employee.deleted_at.is_(None),
                )
            )
        )
        missing = [n for n in criteria.responsible_employees if n not in known]
        if missing:
            raise PoolEditError(
                _("Responsible employees: there is no employee {number}.").format(number=missing[0])
            )
    for label, amount in ((_("Minimum balance"), criteria.min_balance),
                          (_("Minimum past due"), criteria.min_past_due)):  # fmt: skip
        if amount is not None and amount < 0:
            raise PoolEditError(_("{field} cannot be negative.").format(field=label))
    if criteria.min_days_past_due is not None and criteria.min_days_past_due < 1:
        raise PoolEditError(_("Minimum days past due must be at least 1."))
    # What is saved must read back as it is (the JSON round trip checks the rest).
    return PoolCriteria.from_json(criteria.to_json())


def save_pool(
    session: Session,
    pool_id: uuid.UUID | None,
    version: int,
    values: PoolValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Create a pool or change one read at ``version`` (0 for a new one); its id.

    Refused for an editor who is not an administrator, a blank or taken name, criteria
    with a mistyped code, and an edit over a stale copy.
    """
    require_administrator(session, by)
    name = required_text(values.name, _("Name"), max_length=100)
    description = optional_text(values.description, label=_("Description"), max_length=2000)
    criteria = check_criteria(session, values.criteria)
    holder = session.scalars(select(CustomerPool).where(CustomerPool.name == name)).one_or_none()
    if holder is not None and holder.id != pool_id and holder.deleted_at is None:
        raise PoolEditError(_("There is already a pool called “{name}”.").format(name=name))
    if pool_id is None:
        if holder is not None:  # a deleted pool of that name: it comes back
            holder.description = description
            holder.criteria = criteria.to_json()
            holder.deleted_at = None
            holder.version += 1
            holder.updated_at = now
            session.flush()
            return holder.id
        pool = CustomerPool(
            name=name, description=description, criteria=criteria.to_json(), updated_at=now
        )
        session.add(pool)
        session.flush()
        return pool.id
    if holder is not None and holder.id != pool_id:
        raise PoolEditError(
            _("A deleted pool was called “{name}”; choose another name.").format(name=name)
        )
    found = session.get(CustomerPool, pool_id)
    if found is None:
        raise PoolEditError(_("There is no such pool any more; reload the list."))
    pool = found
    update_versioned(
        session,
        pool,
        version,
        now=now,
        what=_("Pool {name}").format(name=pool.name),
        name=name,
        description=description,
        criteria=criteria.to_json(),
    )
    return pool.id


def delete_pool(
    session: Session,
    pool_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Delete a pool (a tombstone); refused while an agent works it, naming the agents."""
    require_administrator(session, by)
    pool = session.get(CustomerPool, pool_id)
    if pool is None:
        raise PoolEditError(_("There is no such pool any more; reload the list."))
    agents = _agents_using(session, pool_id)
    if agents:
        raise PoolEditError(
            _(
                "Pool “{name}” is worked by {agents}: take it from their pools (and their "
                "default pool) first."
            ).format(name=pool.name, agents=", ".join(agents))
        )
    update_versioned(
        session,
        pool,
        version,
        now=now,
        what=_("Pool {name}").format(name=pool.name),
        deleted_at=now,
    )
