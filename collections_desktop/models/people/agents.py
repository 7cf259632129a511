"""Writing collections agents: which employee, which pools, the default pool, view all.

An employee is at most one agent. Saving an agent bumps the agent's version even when
only its pools change, so an edit over a stale copy of the pools is refused as well. A
pool taken from an agent is tombstoned (the membership syncs), never deleted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import AgentPool, CollectionsAgent, CustomerPool, Employee
from collections_desktop.models.setup.fields import SetupError, require_administrator


class AgentError(SetupError):
    """An agent change refused; the message says which field and why."""


@dataclass(frozen=True)
class AgentRow:
    """A collections agent as the Agents section lists them."""

    id: uuid.UUID
    employee_id: uuid.UUID
    employee_name: str
    employee_number: str
    pool_ids: tuple[uuid.UUID, ...]
    pool_names: tuple[str, ...]
    default_pool_id: uuid.UUID | None
    default_pool_name: str | None
    may_view_all_pools: bool
    version: int


@dataclass(frozen=True)
class AgentValues:
    """What the Agents form holds."""

    employee_id: uuid.UUID | None
    pool_ids: frozenset[uuid.UUID]
    default_pool_id: uuid.UUID | None
    may_view_all_pools: bool


@dataclass(frozen=True)
class Choice:
    """An employee or a pool offered in the Agents form."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class AgentChoices:
    """The live employees (number and name) and the live pools, by name."""

    employees: tuple[Choice, ...]
    pools: tuple[Choice, ...]


def agent_choices(session: Session) -> AgentChoices:
    """What the form offers: every live employee and every live pool."""
    employees = session.execute(
        select(Employee.id, Employee.number, Employee.name)
        .where(Employee.deleted_at.is_(None))
        .order_by(Employee.name, Employee.number)
    ).all()
    pools = session.execute(
        select(CustomerPool.id, CustomerPool.name)
        .where(CustomerPool.deleted_at.is_(None))
        .order_by(CustomerPool.name)
    ).all()
    return AgentChoices(
        employees=tuple(Choice(e.id, f"{e.name} ({e.number})") for e in employees),
        pools=tuple(Choice(p.id, p.name) for p in pools),
    )


def list_agents(session: Session) -> list[AgentRow]:
    """Every live agent, by employee name, with their live pools."""
    pool_names: dict[uuid.UUID, str] = {
        row.id: row.name
        for row in session.execute(
            select(CustomerPool.id, CustomerPool.name).where(CustomerPool.deleted_at.is_(None))
        )
    }
    memberships: dict[uuid.UUID, list[uuid.UUID]] = {}
    for agent_id, pool_id in session.execute(
        select(AgentPool.agent_id, AgentPool.pool_id).where(AgentPool.deleted_at.is_(None))
    ):
        if pool_id in pool_names:
            memberships.setdefault(agent_id, []).append(pool_id)
    rows = session.execute(
        select(CollectionsAgent, Employee.name, Employee.number)
        .join(Employee, Employee.id == CollectionsAgent.employee_id)
        .where(CollectionsAgent.deleted_at.is_(None), Employee.deleted_at.is_(None))
        .order_by(Employee.name, Employee.number)
    ).all()
    result = []
    for agent, name, number in rows:
        pools = sorted(memberships.get(agent.id, []), key=lambda p: pool_names[p])
        result.append(
            AgentRow(
                id=agent.id,
                employee_id=agent.employee_id,
                employee_name=name,
                employee_number=number,
                pool_ids=tuple(pools),
                pool_names=tuple(pool_names[p] for p in pools),
                default_pool_id=agent.default_pool_id,
                default_pool_name=pool_names.get(agent.default_pool_id)
                if agent.default_pool_id
                else None,
                may_view_all_pools=agent.may_view_all_pools,
                version=agent.version,
            )
        )
    return result


def _check(session: Session, values: AgentValues) -> tuple[Employee, set[uuid.UUID]]:
    if values.employee_id is None:
        raise AgentError(_("Choose the employee who is the agent."))
    employee = session.get(Employee, values.employee_id)
    if employee is None or employee.deleted_at is not None:
        raise AgentError(_("That employee no longer exists; reload the list."))
    live = set(
        session.scalars(
            select(CustomerPool.id).where(
                CustomerPool.id.in_(values.pool_ids), CustomerPool.deleted_at.is_(None)
            )
        )
    )
    if live != set(values.pool_ids):
        raise AgentError(_("One of the chosen pools was deleted; reload the list."))
    default = values.default_pool_id
    if default is not None and default not in live:
        if not values.may_view_all_pools:
            raise AgentError(
                _("The default pool must be one of the agent's pools: tick it among the pools.")
            )
        found = session.scalar(
            select(CustomerPool.id).where(
                CustomerPool.id == default, CustomerPool.deleted_at.is_(None)
            )
        )
        if found is None:
            raise AgentError(_("The default pool was deleted; reload the list."))
    return employee, live


def save_agent(
    session: Session,
    agent_id: uuid.UUID | None,
    version: int,
    values: AgentValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Create an agent or change one read at ``version`` (0 for a new one); its id.

    Refused for an editor who is not an administrator, no employee, an employee who is
    already an agent, a default pool outside the agent's pools (unless the agent may view
    all pools), a deleted pool, and an edit over a stale copy.
    """
    require_administrator(session, by)
    employee, pools = _check(session, values)
    existing = session.scalars(
        select(CollectionsAgent).where(CollectionsAgent.employee_id == employee.id)
    ).one_or_none()
    if existing is not None and existing.id != agent_id and existing.deleted_at is None:
        raise AgentError(
            _("{name} is already a collections agent: change that agent instead.").format(
                name=employee.name
            )
        )
    if agent_id is None:
        if existing is not None:  # a removed agent of this employee comes back
            agent = existing
            agent.deleted_at = None
            agent.default_pool_id = values.default_pool_id
            agent.may_view_all_pools = values.may_view_all_pools
            agent.version += 1
            agent.updated_at = now
        else:
            agent = CollectionsAgent(
                employee_id=employee.id,
                default_pool_id=values.default_pool_id,
                may_view_all_pools=values.may_view_all_pools,
                updated_at=now,
            )
            session.add(agent)
        session.flush()
    else:
        found = session.get(CollectionsAgent, agent_id)
        if found is None:
            raise AgentError(_("There is no such agent any more; reload the list."))
        agent = found
        if existing is not None and existing.id != agent.id:
            raise AgentError(
                _("{name} was an agent before: add them as a new agent instead.").format(
                    name=employee.name
                )
            )
        update_versioned(
            session,
            agent,
            version,
            now=now,
            what=_("Agent {name}").format(name=employee.name),
            employee_id=employee.id,
            default_pool_id=values.default_pool_id,
            may_view_all_pools=values.may_view_all_pools,
        )
    _set_pools(session, agent.id, pools, now)
    return agent.id


def _set_pools(
    session: Session, agent_id: uuid.UUID, wanted: set[uuid.UUID], now: dt.datetime
) -> None:
    """Tombstone the memberships not wanted, bring back or add the wanted ones."""
    rows = session.scalars(select(AgentPool).where(AgentPool.agent_id == agent_id)).all()
    seen: set[uuid.UUID] = set()
    for row in rows:
        keep = row.pool_id in wanted and row.pool_id not in seen
        if keep:
            seen.add(row.pool_id)
        if keep and row.deleted_at is not None:
            row.deleted_at = None
        elif not keep and row.deleted_at is None:
            row.deleted_at = now
        else:
            continue
        row.version += 1
        row.updated_at = now
    session.add_all(
        AgentPool(agent_id=agent_id, pool_id=pool_id, updated_at=now)
        for pool_id in sorted(wanted - seen)
    )
    session.flush()


def delete_agent(
    session: Session,
    agent_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove an agent (a tombstone, with their memberships); the employee stays."""
    require_administrator(session, by)
    agent = session.get(CollectionsAgent, agent_id)
    if agent is None:
        raise AgentError(_("There is no such agent any more; reload the list."))
    name = session.scalar(select(Employee.name).where(Employee.id == agent.employee_id)) or ""
    update_versioned(
        session,
        agent,
        version,
        now=now,
        what=_("Agent {name}").format(name=name),
        deleted_at=now,
    )
    _set_pools(session, agent_id, set(), now)
