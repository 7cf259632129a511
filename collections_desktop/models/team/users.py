"""The team database's users: a login role per employee who works as a collections agent.

A login role holds no privilege of its own; it joins ``collections_agent`` (and
``collections_supervisor``), and row-level security finds its customers through
``employees.user_name`` = the login. Adding a user again updates it: the same role, the
same agent, the groups and "may view all pools" as asked now.

A password is never sent as written: the client computes the server's verifier
(SCRAM-SHA-256 by the server's ``password_encryption``) and only that enters the
statement, so not even a statement log holds the password.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, cast

import psycopg
from psycopg import sql
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.schema import (
    AgentPool,
    CollectionsAgent,
    CustomerPool,
    Employee,
)
from collections_desktop.models.team.security import (
    AGENT_ROLE,
    GROUP_ROLES,
    SUPERVISOR_ROLE,
    quoted,
)

_NAME = re.compile(r"[a-z][a-z0-9_.-]{0,62}")
_RESERVED = frozenset({"public", "postgres", "none", *GROUP_ROLES})


class UserError(ValueError):
    """The user cannot be added as asked; the message says why."""


@dataclass(frozen=True)
class UserReport:
    """What adding (or updating) a user did."""

    name: str
    employee_number: str
    employee_name: str
    role_created: bool
    agent_created: bool
    supervisor: bool
    view_all: bool
    password_set: bool
    pools: tuple[str, ...]  # the pools the agent works (all of them with view_all)

    @property
    def roles(self) -> tuple[str, ...]:
        """The group roles the login is a member of."""
        return (AGENT_ROLE, SUPERVISOR_ROLE) if self.supervisor else (AGENT_ROLE,)


def check_user_name(name: str) -> None:
    """Refuse a login name PostgreSQL or people would trip over, saying what is allowed."""
    if not _NAME.fullmatch(name):
        raise UserError(
            _(
                "“{name}” cannot be a user name: use lower-case letters, digits, “.”, “_” or "
                "“-”, starting with a letter, at most 63 characters."
            ).format(name=name)
        )
    if name in _RESERVED or name.startswith("pg_"):
        raise UserError(
            _("“{name}” is a name the server or the app keeps for itself; choose another.").format(
                name=name
            )
        )


def add_user(
    session: Session,
    name: str,
    employee_number: str,
    *,
    supervisor: bool,
    view_all: bool,
    password: str | None,
    now: dt.datetime,
) -> UserReport:
    """Let employee ``employee_number`` log in as ``name`` and work as a collections agent.

    Runs in the caller's transaction (as the database's owner, after ``team init``).
    Raises ``UserError`` for a bad name, an unknown employee, a name another employee
    holds, or a server role that is not an ordinary login.
    """
    check_user_name(name)
    if password is not None and not password:
        raise UserError(_("The password is empty; give one, or none at all."))
    connection = session.connection()
    missing = [role for role in GROUP_ROLES if not _role(connection, role)]
    if missing:
        raise UserError(
            _("The database has no role {role} yet; run team init first.").format(role=missing[0])
        )
    employee = session.scalars(
        select(Employee).where(Employee.number == employee_number, Employee.deleted_at.is_(None))
    ).one_or_none()
    if employee is None:
        raise UserError(
            _("There is no employee with number {number}.").format(number=employee_number)
        )
    holder = session.scalars(
        select(Employee).where(Employee.user_name == name, Employee.id != employee.id)
    ).one_or_none()
    if holder is not None:
        raise UserError(
            _(
                "The user name {name} belongs to employee {number} ({holder}); choose another."
            ).format(name=name, number=holder.number, holder=holder.name)
        )
    role_created = _ensure_login(connection, name)
    if password is not None:
        _set_password(connection, name, password)
    _membership(connection, name, AGENT_ROLE, member=True)
    _membership(connection, name, SUPERVISOR_ROLE, member=supervisor)
    if employee.user_name != name:
        employee.user_name = name
        employee.updated_at = now
        employee.version += 1
    agent = session.scalars(
        select(CollectionsAgent).where(CollectionsAgent.employee_id == employee.id)
    ).one_or_none()
    agent_created = agent is None
    if agent is None:
        agent = CollectionsAgent(
            employee_id=employee.id, may_view_all_pools=view_all, updated_at=now
        )
        session.add(agent)
    elif agent.may_view_all_pools != view_all or agent.deleted_at is not None:
        agent.may_view_all_pools = view_all
        agent.deleted_at = None
        agent.updated_at = now
        agent.version += 1
    session.flush()
    return UserReport(
        name=name,
        employee_number=employee.number,
        employee_name=employee.name,
        role_created=role_created,
        agent_created=agent_created,
        supervisor=supervisor,
        view_all=view_all,
        password_set=password is not None,
        pools=_pools(session, agent.id, view_all),
    )


def _role(connection: Connection, name: str) -> Any:
    return connection.execute(
        text("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = :n"),
        {"n": name},
    ).first()


def _ensure_login(connection: Connection, name: str) -> bool:
    """Create the login role, or check an existing one is an ordinary login; True if made."""
    found = _role(connection, name)
    if found is None:
        connection.execute(text(f"CREATE ROLE {quoted(name)} LOGIN"))
        return True
    if found.rolsuper or found.rolcreaterole or found.rolcreatedb:
        raise UserError(
            _(
                "The server already has a role {name} that may administer it; an agent's login "
                "must be an ordinary one. Choose another name."
            ).format(name=name)
        )
    connection.execute(text(f"ALTER ROLE {quoted(name)} LOGIN"))
    return False


def _set_password(connection: Connection, name: str, password: str) -> None:
    """Set the password as the verifier computed here (libpq's ``PQencryptPasswordConn``)."""
    driver = cast(psycopg.Connection[Any], connection.connection.driver_connection)
    verifier = driver.pgconn.encrypt_password(password.encode(), name.encode())
    statement = sql.SQL("ALTER ROLE {} PASSWORD {}").format(
        sql.Identifier(name), sql.Literal(verifier.decode())
    )
    driver.execute(statement)


def _membership(connection: Connection, name: str, group: str, *, member: bool) -> None:
    """Make ``name`` a member of ``group`` or not, touching nothing that already holds."""
    found = connection.execute(
        text(
            "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = :g AND u.rolname = :u"
        ),
        {"g": group, "u": name},
    ).first()
    if member and found is None:
        connection.execute(text(f"GRANT {quoted(group)} TO {quoted(name)}"))
    elif not member and found is not None:
        connection.execute(text(f"REVOKE {quoted(group)} FROM {quoted(name)}"))


def _pools(session: Session, agent_id: Any, view_all: bool) -> tuple[str, ...]:
    query = select(CustomerPool.name).where(CustomerPool.deleted_at.is_(None))
    if not view_all:
        query = query.join(AgentPool, AgentPool.pool_id == CustomerPool.id).where(
            AgentPool.agent_id == agent_id, AgentPool.deleted_at.is_(None)
        )
    return tuple(session.scalars(query.order_by(CustomerPool.name)))
