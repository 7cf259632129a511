"""Users: employees with a login name; the first one an administrator; the last one stays."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import CollectionsAgent, Employee
from collections_desktop.models.people.scope import load_viewer
from collections_desktop.models.people.users import (
    UserError,
    UserValues,
    add_first_user,
    employees_without_login,
    hand_over_login,
    list_users,
    login_name,
    remove_user,
    save_user,
)
from collections_desktop.models.setup.fields import SetupError

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


@pytest.fixture
def company(sqlite_db):
    with sqlite_db.sessions.begin() as session:
        admin = add_first_user(session, "Marta Gil", "mgil", NOW)
    return sqlite_db, admin


def test_the_first_user_is_an_administrator_agent_who_sees_every_pool(company) -> None:
    database, admin = company
    with database.sessions() as session:
        employee = session.get(Employee, admin)
        assert (employee.number, employee.name, employee.user_name) == (
            "E-0001",
            "Marta Gil",
            "mgil",
        )
        assert employee.is_administrator
        agent = session.scalars(select(CollectionsAgent)).one()
        assert agent.employee_id == admin
        assert agent.may_view_all_pools
        viewer = load_viewer(session, "mgil")
        assert viewer.is_agent
        assert viewer.may_change_setup
        assert viewer.employee_id == admin
        assert viewer.display_name == "Marta Gil"


def test_a_second_first_user_is_refused(company) -> None:
    database, _admin = company
    with database.sessions.begin() as session, pytest.raises(UserError) as refused:
        add_first_user(session, "Other", "other", NOW)
    assert str(refused.value) == (
        "This company already has an administrator; ask them to add you as a user."
    )


def test_an_administrator_adds_a_user_and_the_list_shows_them(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        added = save_user(
            session,
            None,
            0,
            UserValues("Pablo Ruiz", "pruiz", "pablo@example.com", "+34 600 000 000"),
            by=admin,
            now=NOW,
        )
    with database.sessions() as session:
        users = list_users(session)
    assert [(u.name, u.login, u.number, u.is_administrator, u.is_agent) for u in users] == [
        ("Marta Gil", "mgil", "E-0001", True, True),
        ("Pablo Ruiz", "pruiz", "E-0002", False, False),
    ]
    assert users[1].id == added
    assert (users[1].email, users[1].phone) == ("pablo@example.com", "+34 600 000 000")
    with database.sessions() as session:
        viewer = load_viewer(session, "pruiz")
    assert not viewer.may_change_setup
    assert not viewer.is_agent


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (UserValues("", "x"), "Name is required."),
        (UserValues("X", " "), "Login name is required."),
        (
            UserValues("X", "two words"),
            "The login name “two words” has a space in it; type it as the computer shows it.",
        ),
        (
            UserValues("X", "x", email="not-mail"),
            "“not-mail” is not an e-mail address (name@example.com).",
        ),
        (
            UserValues("X", "MGIL"),
            "The login name MGIL belongs to Marta Gil (E-0001); choose another.",
        ),
    ],
)
def test_refusals_say_what_is_wrong(company, values, message) -> None:
    database, admin = company
    with database.sessions.begin() as session, pytest.raises(SetupError) as refused:
        save_user(session, None, 0, values, by=admin, now=NOW)
    assert str(refused.value) == message


def test_only_an_administrator_changes_users(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        clerk = save_user(session, None, 0, UserValues("Clerk", "clerk"), by=admin, now=NOW)
    with database.sessions.begin() as session, pytest.raises(SetupError) as refused:
        save_user(session, None, 0, UserValues("Another", "another"), by=clerk, now=NOW)
    assert str(refused.value) == "Only an administrator may change the company's set-up."


def test_the_last_administrator_keeps_the_role(company) -> None:
    database, admin = company
    with database.sessions.begin() as session, pytest.raises(UserError) as refused:
        save_user(session, admin, 1, UserValues("Marta Gil", "mgil"), by=admin, now=NOW)
    assert str(refused.value) == (
        "Marta Gil is the last administrator: make someone else an administrator first, "
        "or nobody could change the set-up any more."
    )
    with database.sessions.begin() as session, pytest.raises(UserError):
        remove_user(session, admin, 1, by=admin, now=NOW)
    # With a second administrator the first may step down.
    with database.sessions.begin() as session:
        other = save_user(
            session, None, 0, UserValues("Boss", "boss", is_administrator=True), by=admin, now=NOW
        )
        save_user(session, admin, 1, UserValues("Marta Gil", "mgil"), by=admin, now=NOW)
    with database.sessions() as session:
        assert not session.get(Employee, admin).is_administrator
        assert session.get(Employee, other).is_administrator


def test_an_edit_over_a_stale_copy_is_refused(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        clerk = save_user(session, None, 0, UserValues("Clerk", "clerk"), by=admin, now=NOW)
        save_user(session, clerk, 1, UserValues("Clerk Two", "clerk"), by=admin, now=NOW)
    with database.sessions.begin() as session, pytest.raises(StaleEditError) as refused:
        save_user(session, clerk, 1, UserValues("Clerk Three", "clerk"), by=admin, now=NOW)
    assert "User Clerk Two was changed by someone else since you opened it" in str(refused.value)


def test_removing_a_user_keeps_the_employee_without_a_login(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        clerk = save_user(session, None, 0, UserValues("Clerk", "clerk"), by=admin, now=NOW)
        remove_user(session, clerk, 1, by=admin, now=NOW)
    with database.sessions() as session:
        employee = session.get(Employee, clerk)
        assert employee.user_name is None
        assert employee.deleted_at is None
        assert [u.login for u in list_users(session)] == ["mgil"]


def test_a_login_is_handed_over_to_the_computer_user_once(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        save_user(session, None, 0, UserValues("Clerk", "clerk"), by=admin, now=NOW)
        assert not hand_over_login(session, "nobody", "someone", NOW)
        assert not hand_over_login(session, "mgil", "clerk", NOW)  # the clerk's own login
        assert hand_over_login(session, "mgil", "someone", NOW)
        assert not hand_over_login(session, "mgil", "someone", NOW)
    with database.sessions() as session:
        viewer = load_viewer(session, "someone")
    assert viewer.may_change_setup
    assert viewer.display_name == "Marta Gil"


def test_login_name_is_the_computer_user(monkeypatch) -> None:
    monkeypatch.setenv("LOGNAME", "pat")
    monkeypatch.setenv("USER", "pat")
    assert login_name() == "pat"


def test_an_employee_without_a_login_becomes_a_user_keeping_their_number(company) -> None:
    database, admin = company
    with database.sessions.begin() as session:
        session.add(Employee(number="S-7", name="Javier Morales", updated_at=NOW))
    with database.sessions() as session:
        (javier,) = employees_without_login(session)
    assert (javier.number, javier.login, javier.version) == ("S-7", "", 1)
    with database.sessions.begin() as session:
        saved = save_user(
            session,
            javier.id,
            javier.version,
            UserValues("Javier Morales", "jmorales"),
            by=admin,
            now=NOW,
        )
    assert saved == javier.id
    with database.sessions() as session:
        assert employees_without_login(session) == []
        assert [(u.number, u.login) for u in list_users(session)] == [
            ("S-7", "jmorales"),
            ("E-0001", "mgil"),
        ]
