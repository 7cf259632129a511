"""What an agent may see: the one layer every customer list and snapshot goes through.

A collections agent works the customers of their pools; an agent who "may view all
pools" sees every customer. ``AgentScope.customer_condition`` is the single SQL
condition that encodes this; list queries and snapshots take a scope (never a bare
pool), so no screen or command can show a customer outside it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.schema import (
    AgentPool,
    CollectionsAgent,
    Customer,
    CustomerPool,
    Employee,
)
from collections_desktop.models.db.writing import is_writing, lock_customers
from collections_desktop.models.people.pools import PoolCriteria, customer_condition


class ScopeError(PermissionError):
    """The user is not an agent, or asked for a pool outside their scope."""


@dataclass(frozen=True)
class AgentScope:
    """An agent's pools (id → criteria), default pool and whether they may see everything."""

    user_name: str
    pools: dict[uuid.UUID, PoolCriteria]
    pool_names: dict[uuid.UUID, str]
    default_pool_id: uuid.UUID | None
    may_view_all_pools: bool

    def customer_condition(
        self, as_of: dt.date, pool_id: uuid.UUID | None = None
    ) -> ColumnElement[bool]:
        """SQL condition on ``Customer``: inside this scope, and inside ``pool_id`` if given."""
        if pool_id is not None:
            return customer_condition(self.pool(pool_id), as_of)
        if self.may_view_all_pools:
            return true()
        if not self.pools:
            return false()
        return or_(*(customer_condition(c, as_of) for c in self.pools.values()))

    def pool(self, pool_id: uuid.UUID) -> PoolCriteria:
        """The criteria of a pool this agent works; ``ScopeError`` for any other pool."""
        criteria = self.pools.get(pool_id)
        if criteria is None:
            raise ScopeError(
                _("{user} does not work this pool and cannot see its customers.").format(
                    user=self.user_name
                )
            )
        return criteria


def load_scope(session: Session, user_name: str) -> AgentScope:
    """The scope of the agent whose employee has ``user_name``."""
    agent = session.execute(
        select(CollectionsAgent)
        .join(Employee, Employee.id == CollectionsAgent.employee_id)
        .where(
            Employee.user_name == user_name,
            Employee.deleted_at.is_(None),
            CollectionsAgent.deleted_at.is_(None),
        )
    ).scalar_one_or_none()
    if agent is None:
        raise ScopeError(_("{user} is not a collections agent.").format(user=user_name))
    query = select(CustomerPool.id, CustomerPool.name, CustomerPool.criteria).where(
        CustomerPool.deleted_at.is_(None)
    )
    if not agent.may_view_all_pools:
        query = query.join(AgentPool, AgentPool.pool_id == CustomerPool.id).where(
            AgentPool.agent_id == agent.id, AgentPool.deleted_at.is_(None)
        )
    rows = session.execute(query).all()
    return AgentScope(
        user_name=user_name,
        pools={row.id: PoolCriteria.from_json(row.criteria) for row in rows},
        pool_names={row.id: row.name for row in rows},
        default_pool_id=agent.default_pool_id,
        may_view_all_pools=agent.may_view_all_pools,
    )


@dataclass(frozen=True)
class Viewer:
    """Who uses the app: their scope, and their employee record when they are an agent."""

    user_name: str
    scope: AgentScope
    employee_id: uuid.UUID | None
    display_name: str
    is_agent: bool
    may_change_setup: bool = False


def load_viewer(session: Session, user_name: str) -> Viewer:
    """The viewer for ``user_name``: an agent's scope, else the whole company.

    A user who is not a collections agent (an administrator, a first run on a new
    company) sees every customer and has no activities of their own; the window says so.
    """
    employee = session.execute(
        select(Employee.id, Employee.name, Employee.is_administrator).where(
            Employee.user_name == user_name, Employee.deleted_at.is_(None)
        )
    ).one_or_none()
    try:
        scope = load_scope(session, user_name)
    except ScopeError:
        return Viewer(
            user_name=user_name,
            scope=company_scope(session),
            employee_id=employee.id if employee else None,
            display_name=employee.name if employee else user_name,
            is_agent=False,
            may_change_setup=bool(employee and employee.is_administrator),
        )
    assert employee is not None  # load_scope found the agent through this employee
    return Viewer(
        user_name,
        scope,
        employee.id,
        employee.name,
        is_agent=True,
        may_change_setup=employee.is_administrator,
    )


def company_scope(session: Session) -> AgentScope:
    """The whole company: every pool, every customer (the CLI and administrators)."""
    rows = session.execute(
        select(CustomerPool.id, CustomerPool.name, CustomerPool.criteria).where(
            CustomerPool.deleted_at.is_(None)
        )
    ).all()
    return AgentScope(
        user_name="",
        pools={row.id: PoolCriteria.from_json(row.criteria) for row in rows},
        pool_names={row.id: row.name for row in rows},
        default_pool_id=None,
        may_view_all_pools=True,
    )


def visible_customers(
    session: Session, scope: AgentScope, as_of: dt.date, pool_id: uuid.UUID | None = None
) -> list[tuple[uuid.UUID, str, str]]:
    """(id, account, name) of the customers the agent sees, by account."""
    query = (
        select(Customer.id, Customer.account, Customer.name)
        .where(Customer.deleted_at.is_(None), scope.customer_condition(as_of, pool_id))
        .order_by(Customer.account)
    )
    return [(customer_id, account, name) for customer_id, account, name in session.execute(query)]


def customers_seen(
    session: Session, scope: AgentScope, customer_ids: Iterable[uuid.UUID], as_of: dt.date
) -> set[uuid.UUID]:
    """The customers among ``customer_ids`` that ``scope`` sees on ``as_of`` (not deleted).

    The one check every action makes before it writes for a customer; in a write
    transaction on PostgreSQL it also takes their locks, so two collectors never act on
    one customer at once. A read (a dialog's) takes none: a lock held by a read kept the
    customer's writers waiting (Record payment's dialog, found by bench/team_load.py).
    """
    wanted = list(customer_ids)
    if not wanted:
        return set()
    if is_writing(session):
        lock_customers(session, wanted)
    return set(
        session.scalars(
            select(Customer.id).where(
                Customer.id.in_(wanted),
                Customer.deleted_at.is_(None),
                scope.customer_condition(as_of),
            )
        )
    )
