"""The app's users: employees with a login name, some of them administrators.

Whom the app works as is the employee whose ``user_name`` is the computer's login (or,
on a team database, the server's login); nothing in the settings file says it. The
first user of a new company is made an administrator and a collections agent who sees
every pool, so the set-up and New activity work from the first start; afterwards only
an administrator changes users, and the last administrator cannot lose the role.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import CollectionsAgent, Employee
from collections_desktop.models.setup.fields import (
    SetupError,
    optional_text,
    require_administrator,
    required_text,
)

_LOGIN = re.compile(r"\S{1,100}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NUMBER = re.compile(r"E-(\d+)")


class UserError(SetupError):
    """A user change refused; the message says which field and why."""


@dataclass(frozen=True)
class UserRow:
    """An employee who uses the app, as the Users section lists them."""

    id: uuid.UUID
    number: str
    name: str
    login: str
    email: str | None
    phone: str | None
    is_administrator: bool
    is_agent: bool
    version: int


@dataclass(frozen=True)
class UserValues:
    """What the Users form holds."""

    name: str
    login: str
    email: str = ""
    phone: str = ""
    is_administrator: bool = False


def login_name() -> str:
    """The computer's login name of whoever runs the app (empty when it cannot be told)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER variable and no passwd entry (a bare container)
        return os.environ.get("USERNAME", "")


def list_users(session: Session) -> list[UserRow]:
    """Every live employee with a login name, by name."""
    agent = (
        select(CollectionsAgent.id)
        .where(
            CollectionsAgent.employee_id == Employee.id,
            CollectionsAgent.deleted_at.is_(None),
        )
        .exists()
    )
    rows = session.execute(
        select(Employee, agent.label("is_agent"))
        .where(Employee.user_name.is_not(None), Employee.deleted_at.is_(None))
        .order_by(Employee.name, Employee.number)
    ).all()
    return [
        UserRow(
            id=employee.id,
            number=employee.number,
            name=employee.name,
            login=employee.user_name or "",
            email=employee.email,
            phone=employee.phone,
            is_administrator=employee.is_administrator,
            is_agent=bool(is_agent),
            version=employee.version,
        )
        for employee, is_agent in rows
    ]


def employees_without_login(session: Session) -> list[UserRow]:
    """Live employees who do not use the app yet (any of them may be made a user)."""
    rows = session.scalars(
        select(Employee)
        .where(Employee.user_name.is_(None), Employee.deleted_at.is_(None))
        .order_by(Employee.name, Employee.number)
    )
    return [
        UserRow(
            id=employee.id,
            number=employee.number,
            name=employee.name,
            login="",
            email=employee.email,
            phone=employee.phone,
            is_administrator=employee.is_administrator,
            is_agent=False,
            version=employee.version,
        )
        for employee in rows
    ]


def _checked(values: UserValues) -> tuple[str, str, str | None, str | None]:
    name = required_text(values.name, _("Name"), max_length=200)
    login = required_text(values.login, _("Login name"), max_length=100)
    if not _LOGIN.fullmatch(login):
        raise UserError(
            _(
                "The login name “{login}” has a space in it; type it as the computer shows it."
            ).format(login=login)
        )
    email = optional_text(values.email, label=_("E-mail"), max_length=200)
    if email is not None and not _EMAIL.fullmatch(email):
        raise UserError(
            _("“{email}” is not an e-mail address (name@example.com).").format(email=email)
        )
    phone = optional_text(values.phone, label=_("Phone"), max_length=50)
    return name, login, email, phone


def _check_login_free(session: Session, login: str, employee_id: uuid.UUID | None) -> None:
    holder = session.execute(
        select(Employee.id, Employee.number, Employee.name).where(
            func.lower(Employee.user_name) == login.lower()
        )
    ).first()
    if holder is not None and holder.id != employee_id:
        raise UserError(
            _("The login name {login} belongs to {name} ({number}); choose another.").format(
                login=login, name=holder.name, number=holder.number
            )
        )


def _other_administrators(session: Session, employee_id: uuid.UUID | None) -> int:
    query = select(func.count()).where(
        Employee.is_administrator.is_(True),
        Employee.user_name.is_not(None),
        Employee.deleted_at.is_(None),
    )
    if employee_id is not None:
        query = query.where(Employee.id != employee_id)
    return session.scalar(query.select_from(Employee)) or 0


def _last_administrator(name: str) -> str:
    return _(
        "{name} is the last administrator: make someone else an administrator first, "
        "or nobody could change the set-up any more."
    ).format(name=name)


def next_employee_number(session: Session) -> str:
    """The next free number of the form E-0001 (after the highest such number in use)."""
    numbers = session.scalars(select(Employee.number).where(Employee.number.like("E-%")))
    highest = max((int(m.group(1)) for n in numbers if (m := _NUMBER.fullmatch(n))), default=0)
    return f"E-{highest + 1:04d}"


def save_user(
    session: Session,
    user_id: uuid.UUID | None,
    version: int,
    values: UserValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Create a user (a new employee, ``user_id`` None) or change an employee read at
    ``version`` (one who uses the app, or one who is given a login now); its id.

    Refused for an editor who is not an administrator, a blank name or login, a login
    another employee holds, an edit over a stale copy, and taking the role from the
    last administrator.
    """
    require_administrator(session, by)
    name, login, email, phone = _checked(values)
    _check_login_free(session, login, user_id)
    if user_id is None:
        employee = Employee(
            number=next_employee_number(session),
            name=name,
            email=email,
            phone=phone,
            user_name=login,
            is_administrator=values.is_administrator,
            updated_at=now,
        )
        session.add(employee)
        session.flush()
        return employee.id
    found = session.get(Employee, user_id)
    if found is None:
        raise UserError(_("There is no such user any more; reload the list."))
    employee = found
    if (
        employee.is_administrator
        and not values.is_administrator
        and not _other_administrators(session, employee.id)
    ):
        raise UserError(_last_administrator(employee.name))
    update_versioned(
        session,
        employee,
        version,
        now=now,
        what=_("User {name}").format(name=employee.name),
        name=name,
        email=email,
        phone=phone,
        user_name=login,
        is_administrator=values.is_administrator,
    )
    return employee.id


def remove_user(
    session: Session,
    user_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Stop an employee using the app: their login name and role go, the employee stays
    (their activities, customers and history keep naming them)."""
    require_administrator(session, by)
    employee = session.get(Employee, user_id)
    if employee is None:
        raise UserError(_("There is no such user any more; reload the list."))
    if employee.is_administrator and not _other_administrators(session, employee.id):
        raise UserError(_last_administrator(employee.name))
    update_versioned(
        session,
        employee,
        version,
        now=now,
        what=_("User {name}").format(name=employee.name),
        user_name=None,
        is_administrator=False,
    )


def add_first_user(session: Session, name: str, login: str, now: dt.datetime) -> uuid.UUID:
    """Make ``login`` the first user of a new company: an administrator employee and a
    collections agent who sees every pool; the employee's id.

    No administrator is asked for (there is none yet); a company that already has one is
    refused. An employee who already has ``login`` is given the roles rather than doubled.
    """
    if _other_administrators(session, None):
        raise UserError(
            _("This company already has an administrator; ask them to add you as a user.")
        )
    name, login, _email, _phone = _checked(UserValues(name=name, login=login))
    employee = session.scalars(select(Employee).where(Employee.user_name == login)).one_or_none()
    if employee is None:
        employee = Employee(
            number=next_employee_number(session),
            name=name,
            user_name=login,
            is_administrator=True,
            updated_at=now,
        )
        session.add(employee)
        session.flush()
    else:
        employee.is_administrator = True
        employee.deleted_at = None
        employee.version += 1
        employee.updated_at = now
    agent = session.scalars(
        select(CollectionsAgent).where(CollectionsAgent.employee_id == employee.id)
    ).one_or_none()
    if agent is None:
        session.add(
            CollectionsAgent(employee_id=employee.id, may_view_all_pools=True, updated_at=now)
        )
    elif agent.deleted_at is not None or not agent.may_view_all_pools:
        agent.deleted_at = None
        agent.may_view_all_pools = True
        agent.version += 1
        agent.updated_at = now
    session.flush()
    return employee.id


def hand_over_login(session: Session, former: str, login: str, now: dt.datetime) -> bool:
    """Let ``login`` work as the employee whose login name is ``former`` (the demo's first
    user on a first start, or the user an older settings file chose); True when done.

    Changes nothing (False) when no employee has ``former``, or one already has ``login``.
    """
    if not login or not former or login == former:
        return False
    if session.scalar(select(Employee.id).where(Employee.user_name == login)) is not None:
        return False
    employee = session.scalars(
        select(Employee).where(Employee.user_name == former, Employee.deleted_at.is_(None))
    ).one_or_none()
    if employee is None:
        return False
    employee.user_name = login
    employee.version += 1
    employee.updated_at = now
    session.flush()
    return True
