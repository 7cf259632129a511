"""Aging definitions from the set-up: saved with their periods and labels per language,
refused with the aging's own messages, versioned and kept by tombstones."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import uuid

import pytest
from sqlalchemy import select

from collections_desktop.models.aging.definitions import load_definition
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import (
    AgingBasis,
    AgingDefinition,
    AgingPeriod,
    CustomerPool,
    Employee,
    ReceivablesParameters,
)
from collections_desktop.models.setup.aging_definitions import (
    AgingDefinitionValues,
    PeriodValues,
    delete_aging_definition,
    list_aging_definitions,
    save_aging_definition,
)
from collections_desktop.models.setup.fields import SetupError
from collections_desktop.models.texts.business import all_texts

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)
_numbers = itertools.count(1)


def add_employee(session, *, administrator: bool = True) -> uuid.UUID:
    """An employee (an administrator unless told) and its id."""
    n = next(_numbers)
    employee = Employee(
        number=f"ADM-{n}",
        name=f"Admin {n}",
        user_name=f"admin{n}",
        is_administrator=administrator,
        updated_at=NOW,
    )
    session.add(employee)
    session.flush()
    return employee.id


QUARTERS = AgingDefinitionValues(
    name="Quarters",
    basis=AgingBasis.DOCUMENT_DATE,
    periods=(
        PeriodValues("1-90", 1, 90, {"es": "1-90 días", "fr": "1-90 jours"}),
        PeriodValues("91-180", 91, 180),
        PeriodValues("Over 180", 181, None, {"es": "Más de 180"}),
    ),
)


def saved(session, values=QUARTERS, by=None, definition_id=None, version=1):
    by = by or add_employee(session)
    return save_aging_definition(session, definition_id, version, values, by=by, now=NOW)


def test_a_new_definition_is_saved_with_its_periods_and_texts(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        definition_id = saved(session)
    with sqlite_db.sessions() as session:
        definition = load_definition(session, definition_id)
        assert definition.basis is AgingBasis.DOCUMENT_DATE
        assert [(p.label, p.from_days, p.to_days) for p in definition.periods] == [
            ("1-90", 1, 90),
            ("91-180", 91, 180),
            ("Over 180", 181, None),
        ]
        rows = {row.name: row for row in list_aging_definitions(session)}
        assert set(rows) == {"Quarters", "Standard"}
        assert rows["Standard"].is_default
        assert not rows["Quarters"].is_default
        first = rows["Quarters"].periods[0]
        assert first.texts == {"es": "1-90 días", "fr": "1-90 jours"}
        assert all_texts(session, "aging_periods", rows["Quarters"].periods[2].id, "label") == {
            "es": "Más de 180"
        }


def test_edit_moves_removes_and_adds_periods_keeping_ids(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        definition_id = saved(session, by=by)
        row = next(r for r in list_aging_definitions(session) if r.id == definition_id)
        first, second, last = row.periods
        values = AgingDefinitionValues(
            name="Quarters (due)",
            basis=AgingBasis.DUE_DATE,
            periods=(
                PeriodValues("1-180", 1, 180, {"es": "1-180 días", "fr": ""}, id=second.id),
                PeriodValues("181-365", 181, 365),
                PeriodValues("Over a year", 366, None, {"es": "Más de un año"}, id=last.id),
            ),
        )
        save_aging_definition(session, definition_id, row.version, values, by=by, now=LATER)
    with sqlite_db.sessions() as session:
        row = next(r for r in list_aging_definitions(session) if r.id == definition_id)
        assert (row.name, row.basis, row.version) == ("Quarters (due)", AgingBasis.DUE_DATE, 2)
        assert [(p.label, p.from_days, p.to_days, dict(p.texts)) for p in row.periods] == [
            ("1-180", 1, 180, {"es": "1-180 días"}),
            ("181-365", 181, 365, {}),
            ("Over a year", 366, None, {"es": "Más de un año"}),
        ]
        assert row.periods[0].id == second.id
        assert row.periods[2].id == last.id
        removed = session.get(AgingPeriod, first.id)
        assert removed.deleted_at == LATER
        assert removed.version == 2


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        ((), "An aging definition needs at least one period."),
        (
            ((("A", 1, 30)), ("B", 30, None)),
            "Period “B” starts at day 30; it must start at day 31 so that no day is left "
            "out or counted twice.",
        ),
        (
            (("A", 1, 30), ("B", 35, None)),
            "Period “B” starts at day 35; it must start at day 31 so that no day is left "
            "out or counted twice.",
        ),
        ((("A", 1, 30), ("B", 31, 60))[:2], "The last period must be open-ended, so that "
         "every older amount has a column."),
        ((("A", 1, None), ("B", 31, None)),
         "Only the last period may be open-ended; “A” is not last."),
        ((("A", 1, 30), ("", 31, None)), "The label of period 2 is required."),
        ((("A" * 51, 1, None),), "The label of period 1 is too long: at most 50 characters."),
    ],
)  # fmt: skip
def test_periods_are_refused_with_the_agings_messages(sqlite_db, periods, message) -> None:
    values = dataclasses.replace(
        QUARTERS, periods=tuple(PeriodValues(*period) for period in periods)
    )
    with (
        sqlite_db.sessions.begin() as session,
        pytest.raises(ValueError, match=re.escape(message)) as refused,
    ):
        saved(session, values)
    assert str(refused.value) == message


def test_other_refusals(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        clerk = add_employee(session, administrator=False)
        for values, who, message in (
            (QUARTERS, clerk, "Only an administrator may change the company's set-up."),
            (QUARTERS, None, "Only an administrator may change the company's set-up."),
            (dataclasses.replace(QUARTERS, name=" "), by, "Name is required."),
            (dataclasses.replace(QUARTERS, name="Standard"), by,
             "There is already an aging definition called “Standard”."),
            (dataclasses.replace(QUARTERS, basis="posting"), by,
             "Basis must be one of the listed dates."),
            (dataclasses.replace(QUARTERS, periods=(PeriodValues("A", 1, None, {"es": "x" * 51}),)),
             by, "The label of period 1 in Spanish is too long: at most 50 characters."),
        ):  # fmt: skip
            with pytest.raises(SetupError) as refused:
                save_aging_definition(session, None, 1, values, by=who, now=NOW)
            assert str(refused.value) == message


def test_a_stale_copy_is_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        definition_id = saved(session, by=by)
    with sqlite_db.sessions.begin() as session:
        save_aging_definition(session, definition_id, 1, QUARTERS, by=by, now=LATER)
    with sqlite_db.sessions.begin() as session, pytest.raises(StaleEditError) as refused:
        save_aging_definition(session, definition_id, 1, QUARTERS, by=by, now=LATER)
    assert str(refused.value) == (
        "Aging definition “Quarters” was changed by someone else since you opened it. Your "
        "changes were not saved: reload it and make them again."
    )


def test_delete_leaves_a_tombstone_and_refuses_what_is_in_use(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        definition_id = saved(session, by=by)
        standard = session.scalar(
            select(AgingDefinition.id).where(AgingDefinition.name == "Standard")
        )
        pool = CustomerPool(name="Spain", aging_definition_id=definition_id, updated_at=NOW)
        session.add(pool)
        session.flush()
        with pytest.raises(SetupError) as refused:
            delete_aging_definition(session, definition_id, 1, by=by, now=LATER)
        assert str(refused.value) == "“Quarters” cannot be deleted: 1 pool uses it."
        with pytest.raises(SetupError) as refused:
            delete_aging_definition(session, standard, 1, by=by, now=LATER)
        assert str(refused.value) == (
            "“Standard” is the company's default aging definition; choose another default in "
            "the receivables parameters first."
        )
        pool.deleted_at = NOW
        session.flush()
        delete_aging_definition(session, definition_id, 1, by=by, now=LATER)
        session.get(ReceivablesParameters, session.scalar(select(ReceivablesParameters.id))
                    ).default_aging_definition_id = None  # fmt: skip
        session.flush()
        with pytest.raises(SetupError) as refused:
            delete_aging_definition(session, standard, 1, by=by, now=LATER)
        assert str(refused.value) == "“Standard” is the only aging definition; the aging needs one."
    with sqlite_db.sessions() as session:
        row = session.get(AgingDefinition, definition_id)
        assert (row.deleted_at, row.version) == (LATER, 2)
        periods = session.scalars(
            select(AgingPeriod).where(AgingPeriod.definition_id == definition_id)
        ).all()
        assert len(periods) == 3
        assert all(p.deleted_at == LATER for p in periods)
        assert [r.name for r in list_aging_definitions(session)] == ["Standard"]
        with pytest.raises(SetupError) as refused:
            save_aging_definition(session, None, 1, QUARTERS, by=by, now=LATER)
        assert str(refused.value) == (
            "A deleted aging definition was called “Quarters”; choose another name."
        )


@pytest.mark.postgres
def test_saved_on_postgresql(pg_db: Database) -> None:
    with pg_db.sessions.begin() as session:
        definition_id = saved(session)
    with pg_db.sessions.begin() as session:
        row = next(r for r in list_aging_definitions(session) if r.id == definition_id)
        assert [p.label for p in row.periods] == ["1-90", "91-180", "Over 180"]
        assert row.periods[0].texts == {"es": "1-90 días", "fr": "1-90 jours"}
        with pytest.raises(StaleEditError):
            save_aging_definition(session, definition_id, 7, QUARTERS, by=add_employee(session),
                                  now=LATER)  # fmt: skip


def test_rows_gone_since_the_form_was_read_are_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        definition_id = saved(session, by=by)
        gone = dataclasses.replace(
            QUARTERS, periods=(PeriodValues("All", 1, None, id=uuid.uuid4()),)
        )
        with pytest.raises(SetupError) as refused:
            save_aging_definition(session, definition_id, 1, gone, by=by, now=LATER)
        assert str(refused.value) == "A period of this definition no longer exists: reload it."
        with pytest.raises(SetupError) as refused:
            save_aging_definition(session, uuid.uuid4(), 1, QUARTERS, by=by, now=LATER)
        assert str(refused.value) == "That aging definition no longer exists: reload the list."
