"""The Pools, Collections agents and Users sections of the Set-up page: a pool's live
count, an agent's pools, refusals, stale copies and the read-only form of a non-administrator."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer, CustomerPool, Employee
from collections_desktop.models.people.agents import AgentValues, list_agents, save_agent
from collections_desktop.models.people.pool_editing import PoolValues, save_pool
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.people.users import UserValues, add_first_user, save_user
from collections_desktop.views.pages.setup_page import SetupPage
from collections_desktop.views.setup.agents import AgentsSection
from collections_desktop.views.setup.pools import PoolsSection
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.setup.users import UsersSection
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context

COUNTRIES = ("ES", "PT", "FR", "GB", "ES")


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    made = TaskRunner()
    yield made
    made.shutdown()


@pytest.fixture
def people(sqlite_db: Database, clock: FixedClock) -> dict[str, uuid.UUID]:
    """An administrator (the first user), a clerk, two pools and ten customers."""
    now = clock.now()
    with sqlite_db.sessions.begin() as session:
        admin = add_first_user(session, "Marta Gil", "mgil", now)
        clerk = save_user(session, None, 0, UserValues("Pablo Ruiz", "pruiz"), by=admin, now=now)
        iberia = save_pool(
            session,
            None,
            0,
            PoolValues("Iberia", "", PoolCriteria(countries=("ES", "PT"))),
            by=admin,
            now=now,
        )
        france = save_pool(
            session,
            None,
            0,
            PoolValues("France", "", PoolCriteria(countries=("FR",))),
            by=admin,
            now=now,
        )
        session.add_all(
            Customer(
                account=f"C-{index:02d}",
                name=f"Customer {index}",
                country=country,
                currency="EUR",
                customer_group="Retail" if index % 3 else "Wholesale",
                updated_at=now,
            )
            for index, country in enumerate(COUNTRIES * 2)
        )
    return {"admin": admin, "clerk": clerk, "iberia": iberia, "france": france}


@pytest.fixture
def open_section(
    qtbot, sqlite_db: Database, runner: TaskRunner, clock: FixedClock, people
) -> Callable[..., SetupSection]:
    pages: list[SetupPage] = []  # held here: qtbot keeps only weak references

    def build(key: str, *, as_user: str = "admin") -> SetupSection:
        with sqlite_db.sessions() as session:
            scope = company_scope(session)
        context = page_context(
            sqlite_db,
            runner,
            scope,
            people[as_user],
            clock,
            may_change_setup=as_user == "admin",
        )
        page = SetupPage(context)
        pages.append(page)
        qtbot.addWidget(page)
        page.resize(1366, 700)
        page.show()
        section = page.show_section(key)
        qtbot.waitUntil(lambda: not section.reads.is_loading and bool(section.rows), timeout=10_000)
        return section

    yield build
    for page in pages:
        page.close()


def listed(section: SetupSection) -> list[tuple[str, ...]]:
    model = section.grid.model
    return [
        tuple(str(model.index(r, c).data() or "") for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def saved(qtbot, section: SetupSection) -> None:
    with qtbot.waitSignal(section.saved, timeout=10_000):
        section.save_button.click()
    qtbot.waitUntil(lambda: not section.reads.is_loading, timeout=10_000)


def refused(qtbot, section: SetupSection) -> str:
    """Press Save and wait for a refusal other than the one shown before."""
    before = section.message.text() if section.message.isVisible() else ""
    section.save_button.click()
    qtbot.waitUntil(
        lambda: section.message.isVisible() and section.message.text() != before,
        timeout=10_000,
    )
    return section.message.text()


def real_count(database: Database, *conditions) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(Customer).where(*conditions))


def test_a_new_pool_shows_its_live_count_and_is_saved(qtbot, open_section, sqlite_db) -> None:
    section = open_section("pools")
    assert isinstance(section, PoolsSection)
    assert listed(section) == [("France", "2", ""), ("Iberia", "6", "")]
    section.new_action.trigger()
    # An empty pool selects everyone.
    qtbot.waitUntil(lambda: section.live_count.text().startswith("Selects 10 "), timeout=10_000)
    section.name.setText("Spain retail")
    section.countries.edit.setText("es")
    section.customer_groups.edit.setText("Retail")
    expected = real_count(sqlite_db, Customer.country == "ES", Customer.customer_group == "Retail")
    assert expected == 2
    qtbot.waitUntil(
        lambda: section.live_count.text() == "Selects 2 customers today (Nov 23, 2026).",
        timeout=10_000,
    )
    section.min_past_due.setText("abc")
    qtbot.waitUntil(
        lambda: section.live_count.text() == "Minimum past due: “abc” is not an amount.",
        timeout=10_000,
    )
    section.min_past_due.setText("")
    saved(qtbot, section)
    assert ("Spain retail", "2", "") in listed(section)
    assert section.form_title.text() == "Spain retail"
    assert section.countries.edit.text() == "ES"
    with sqlite_db.sessions() as session:
        pool = session.scalars(
            select(CustomerPool).where(CustomerPool.name == "Spain retail")
        ).one()
    assert pool.criteria == '{"countries": ["ES"], "customer_groups": ["Retail"]}'


def test_the_choices_menu_ticks_values_into_the_field(qtbot, open_section) -> None:
    section = open_section("pools")
    assert isinstance(section, PoolsSection)
    section.select_id(section.rows[1].id)  # Iberia
    section.countries._tick()
    ticked = {a.data(): a.isChecked() for a in section.countries.menu.actions()}
    assert ticked == {"ES": True, "FR": False, "GB": False, "PT": True}
    (france,) = [a for a in section.countries.menu.actions() if a.data() == "FR"]
    france.setChecked(True)
    assert section.countries.edit.text() == "ES, PT, FR"
    assert section.dirty
    qtbot.waitUntil(lambda: section.live_count.text().startswith("Selects 8 "), timeout=10_000)


def test_pool_refusals_are_shown(qtbot, open_section, people, sqlite_db, clock) -> None:
    section = open_section("pools")
    assert isinstance(section, PoolsSection)
    section.select_id(section.rows[1].id)  # Iberia
    section.countries.edit.setText("Spain")
    assert refused(qtbot, section) == (
        "Countries: “SPAIN” is not a two-letter country code such as ES."
    )
    section.countries.edit.setText("ES")
    section.name.setText("France")
    assert refused(qtbot, section) == "There is already a pool called “France”."
    # A pool an agent works cannot be deleted; the refusal names the agent.
    with sqlite_db.sessions.begin() as session:
        save_agent(
            session,
            None,
            0,
            AgentValues(people["clerk"], frozenset({people["iberia"]}), people["iberia"], False),
            by=people["admin"],
            now=clock.now(),
        )
    section.revert_button.click()
    from PySide6.QtWidgets import QMessageBox

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            QMessageBox, "question", staticmethod(lambda *_a: QMessageBox.StandardButton.Yes)
        )
        section.delete_action.trigger()
        qtbot.waitUntil(lambda: section.message.isVisible(), timeout=10_000)
    assert section.message.text() == (
        "Pool “Iberia” is worked by Pablo Ruiz: take it from their pools (and their default "
        "pool) first."
    )


def test_a_stale_pool_edit_is_refused(qtbot, open_section, people, sqlite_db, clock) -> None:
    section = open_section("pools")
    france = section.rows[0]
    section.select_id(france.id)
    with sqlite_db.sessions.begin() as session:  # someone else saves first
        save_pool(
            session,
            france.id,
            france.version,
            PoolValues("France", "Paris too", PoolCriteria(countries=("FR",))),
            by=people["admin"],
            now=clock.now(),
        )
    section.pool_description.setText("Mine")
    assert refused(qtbot, section).startswith(
        "Pool France was changed by someone else since you opened it."
    )


def check(section: AgentsSection, *names: str) -> None:
    for position in range(section.pools.count()):
        item = section.pools.item(position)
        wanted = item.text() in names
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)


def test_an_agent_is_made_and_their_pools_edited(qtbot, open_section, people, sqlite_db) -> None:
    section = open_section("agents")
    assert isinstance(section, AgentsSection)
    assert listed(section) == [("Marta Gil", "", "", "Yes")]
    section.new_action.trigger()
    section.employee.setCurrentIndex(section.employee.findText("Pablo Ruiz (E-0002)"))
    check(section, "Iberia")
    section.default_pool.setCurrentIndex(section.default_pool.findText("Iberia"))
    saved(qtbot, section)
    assert ("Pablo Ruiz", "Iberia", "Iberia", "") in listed(section)
    assert section.form_title.text() == "Pablo Ruiz"
    check(section, "Iberia", "France")
    section.default_pool.setCurrentIndex(section.default_pool.findText("France"))
    assert section.dirty
    saved(qtbot, section)
    assert ("Pablo Ruiz", "France, Iberia", "France", "") in listed(section)
    with sqlite_db.sessions() as session:
        (pablo,) = [row for row in list_agents(session) if row.employee_name == "Pablo Ruiz"]
    assert set(pablo.pool_ids) == {people["iberia"], people["france"]}
    assert pablo.default_pool_id == people["france"]
    assert pablo.version == 2


def test_agent_refusals_are_shown(qtbot, open_section) -> None:
    section = open_section("agents")
    assert isinstance(section, AgentsSection)
    section.new_action.trigger()
    section.employee.setCurrentIndex(section.employee.findText("Pablo Ruiz (E-0002)"))
    check(section, "Iberia")
    section.default_pool.setCurrentIndex(section.default_pool.findText("France"))
    assert refused(qtbot, section) == (
        "The default pool must be one of the agent's pools: tick it among the pools."
    )
    section.employee.setCurrentIndex(section.employee.findText("Marta Gil (E-0001)"))
    section.default_pool.setCurrentIndex(section.default_pool.findText("Iberia"))
    assert refused(qtbot, section) == (
        "Marta Gil is already a collections agent: change that agent instead."
    )


def test_a_stale_agent_edit_is_refused(qtbot, open_section, people, sqlite_db, clock) -> None:
    section = open_section("agents")
    marta = section.rows[0]
    section.select_id(marta.id)
    with sqlite_db.sessions.begin() as session:
        save_agent(
            session,
            marta.id,
            marta.version,
            AgentValues(people["admin"], frozenset({people["france"]}), None, True),
            by=people["admin"],
            now=clock.now(),
        )
    check(section, "Iberia")
    assert refused(qtbot, section).startswith(
        "Agent Marta Gil was changed by someone else since you opened it."
    )


def test_users_are_listed_added_and_the_last_administrator_kept(
    qtbot, open_section, sqlite_db
) -> None:
    section = open_section("users")
    assert isinstance(section, UsersSection)
    assert listed(section) == [
        ("Marta Gil", "mgil", "Yes", "Yes", ""),
        ("Pablo Ruiz", "pruiz", "", "", ""),
    ]
    section.select_id(section.rows[0].id)
    section.administrator.setChecked(False)
    assert refused(qtbot, section) == (
        "Marta Gil is the last administrator: make someone else an administrator first, "
        "or nobody could change the set-up any more."
    )
    section.revert_button.click()
    section.new_action.trigger()
    section.name.setText("Inés Soto")
    section.login.setText("isoto")
    section.email.setText("ines@example.com")
    section.administrator.setChecked(True)
    saved(qtbot, section)
    assert ("Inés Soto", "isoto", "Yes", "", "ines@example.com") in listed(section)
    with sqlite_db.sessions() as session:
        ines = session.scalars(select(Employee).where(Employee.user_name == "isoto")).one()
    assert (ines.number, ines.is_administrator) == ("E-0003", True)


@pytest.mark.parametrize("key", ["pools", "agents", "users"])
def test_a_user_who_is_not_an_administrator_only_reads(qtbot, open_section, key) -> None:
    section = open_section(key, as_user="clerk")
    assert section.read_only_note.isVisible()
    assert not section.fields.isEnabled()
    assert not section.new_action.isEnabled()
    assert not section.save_button.isEnabled()
    assert section.rows


def test_an_employee_without_a_login_is_made_a_user(qtbot, open_section, sqlite_db, clock) -> None:
    with sqlite_db.sessions.begin() as session:
        session.add(
            Employee(
                number="S-7", name="Javier Morales", phone="+34 910 555 140", updated_at=clock.now()
            )
        )
    section = open_section("users")
    assert isinstance(section, UsersSection)
    assert not section.employee.isEnabled()  # a user's own row names its employee
    section.new_action.trigger()
    assert section.employee.isEnabled()
    assert [section.employee.itemText(i) for i in range(section.employee.count())] == [
        "(a new employee)",
        "Javier Morales (S-7)",
    ]
    section.employee.setCurrentIndex(1)
    assert section.name.text() == "Javier Morales"
    assert section.phone.text() == "+34 910 555 140"
    section.login.setText("jmorales")
    saved(qtbot, section)
    assert ("Javier Morales", "jmorales", "", "", "") in listed(section)
    with sqlite_db.sessions() as session:
        javier = session.scalars(select(Employee).where(Employee.number == "S-7")).one()
    assert (javier.user_name, javier.version) == ("jmorales", 2)
