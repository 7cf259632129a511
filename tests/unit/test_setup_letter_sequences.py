"""Letter sequences from the set-up: levels numbered by their place, their names and
texts per language, refusals naming the level, versions and tombstones."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import LetterLevel, LetterScope, LetterSequence
from collections_desktop.models.letters.propose import level_sequences
from collections_desktop.models.setup.fields import SetupError
from collections_desktop.models.setup.letter_sequences import (
    LetterSequenceValues,
    LevelValues,
    delete_letter_sequence,
    list_letter_sequences,
    save_letter_sequence,
)
from collections_desktop.models.texts.business import all_texts
from tests.unit.test_letters import TODAY, debtor, overdue, run
from tests.unit.test_nsf import add_customer
from tests.unit.test_setup_aging_definitions import LATER, NOW, add_employee

D = Decimal
FRIENDLY = LevelValues(
    "Friendly reminder",
    10,
    0,
    D("0"),
    "Dear {customer}, please pay {total}.\n\n{items}",
    names={"es": "Recordatorio amable"},
    templates={"es": "Estimado {customer}, le rogamos pague {total}.\n\n{items}"},
    heading=" Payment due ",
    headings={"es": "Pago pendiente"},
)
FINAL = LevelValues("Final notice", 40, 15, D("12.50"), "{customer}: {total} plus {fee}.")
SHORT = LetterSequenceValues("short", "Short sequence", LetterScope.TRANSACTION, "758900",
                             (FRIENDLY, FINAL))  # fmt: skip


def levels_of(session, sequence_id):
    row = next(r for r in list_letter_sequences(session) if r.id == sequence_id)
    return row, [
        (x.level, x.name, x.days_after_due, x.days_after_previous, x.fee) for x in row.levels
    ]


def test_a_new_sequence_is_saved_and_read_by_the_letter_run(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        sequence_id = save_letter_sequence(
            session, None, 1, SHORT, by=add_employee(session), now=NOW
        )
    with sqlite_db.sessions() as session:
        sequence = level_sequences(session)["SHORT"]
        assert (sequence.scope, sequence.fee_account) == ("transaction", "758900")
        assert [(x.level, x.name, x.days_after_due, x.fee) for x in sequence.levels] == [
            (1, "Friendly reminder", 10, D("0")),
            (2, "Final notice", 40, D("12.50")),
        ]
        row, _levels = levels_of(session, sequence_id)
        first = row.levels[0]
        assert first.names == {"es": "Recordatorio amable"}
        assert all_texts(session, "letter_levels", first.id, "template") == {
            "es": "Estimado {customer}, le rogamos pague {total}.\n\n{items}"
        }
        # The heading the customer reads, apart from the collectors' name; the second
        # level has none (the usual one is printed).
        assert (first.heading, first.headings) == ("Payment due", {"es": "Pago pendiente"})
        assert [(x.heading, dict(x.headings)) for x in row.levels[1:]] == [("", {})]


def test_reordering_and_removing_levels_keeps_one_row_per_number(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        sequence_id = save_letter_sequence(session, None, 1, SHORT, by=by, now=NOW)
        first_row = levels_of(session, sequence_id)[0].levels[0].id
        # Level 2 removed, then a level 2 again, then the two swapped (days kept in order).
        one = dataclasses.replace(SHORT, levels=(FRIENDLY,))
        save_letter_sequence(session, sequence_id, 1, one, by=by, now=LATER)
        swapped = (dataclasses.replace(FINAL, days_after_due=5), FRIENDLY)
        save_letter_sequence(session, sequence_id, 2, dataclasses.replace(SHORT, levels=swapped),
                             by=by, now=LATER)  # fmt: skip
    with sqlite_db.sessions() as session:
        row, levels = levels_of(session, sequence_id)
        assert row.version == 3
        assert levels == [
            (1, "Final notice", 5, 15, D("12.50")),
            (2, "Friendly reminder", 10, 0, D("0")),
        ]
        assert row.levels[0].id == first_row
        # The texts went with their level: the first row has none in Spanish now.
        assert row.levels[0].names == {}
        assert row.levels[1].names == {"es": "Recordatorio amable"}
        assert (
            len(
                session.scalars(
                    select(LetterLevel).where(LetterLevel.sequence_id == sequence_id)
                ).all()
            )
            == 2
        )


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ((), "A letter sequence needs at least one level."),
        ((dataclasses.replace(FRIENDLY, name=""),), "The name of level 1 is required."),
        ((FRIENDLY, dataclasses.replace(FINAL, template=" ")), "The text of level 2 is required."),
        ((FRIENDLY, dataclasses.replace(FINAL, days_after_due=5)),
         "Level 2 is due 5 days after the due date, before level 1 (10 days); each level "
         "comes after the one before."),
        ((dataclasses.replace(FRIENDLY, days_after_previous=-1),),
         "Days after the previous letter of level 1 must be between 0 and 9999."),
        ((dataclasses.replace(FRIENDLY, fee=D("-1")),), "The fee of level 1 may not be negative."),
        ((dataclasses.replace(FRIENDLY, fee=D("0.005")),),
         "The fee of level 1: 0.005 has more than 2 decimal places."),
        ((dataclasses.replace(FRIENDLY, template="Dear {cutsomer}, pay {total} {amount}"),),
         "The text of level 1 names {cutsomer}, {amount}, which is not a placeholder; the "
         "placeholders are {customer}, {total}, {fee}, {items}, {company}."),
        ((dataclasses.replace(FRIENDLY, templates={"es": "Pague {totla}"}),),
         "The text of level 1 in Spanish names {totla}, which is not a placeholder; the "
         "placeholders are {customer}, {total}, {fee}, {items}, {company}."),
        ((dataclasses.replace(FRIENDLY, names={"fr": "x" * 101}),),
         "The name of level 1 in French is too long: at most 100 characters."),
        ((dataclasses.replace(FRIENDLY, heading="x" * 101),),
         "The heading of level 1 is too long: at most 100 characters."),
        ((dataclasses.replace(FRIENDLY, headings={"pt": "x" * 101}),),
         "The heading of level 1 in Portuguese is too long: at most 100 characters."),
    ],
)  # fmt: skip
def test_level_refusals(sqlite_db: Database, levels, message) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        with pytest.raises(SetupError, match=re.escape(message)) as refused:
            save_letter_sequence(session, None, 1, dataclasses.replace(SHORT, levels=levels),
                                 by=by, now=NOW)  # fmt: skip
    assert str(refused.value) == message


def test_sequence_refusals(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        clerk = add_employee(session, administrator=False)
        for values, who, message in (
            (SHORT, clerk, "Only an administrator may change the company's set-up."),
            (dataclasses.replace(SHORT, code="std"), by, "There is already a letter sequence STD."),
            (dataclasses.replace(SHORT, scope="pool"), by,
             "Scope must be one of the listed scopes."),
            (dataclasses.replace(SHORT, fee_account=""), by, "Fee account is required."),
        ):  # fmt: skip
            with pytest.raises(SetupError) as refused:
                save_letter_sequence(session, None, 1, values, by=who, now=NOW)
            assert str(refused.value) == message
        sequence_id = save_letter_sequence(session, None, 1, SHORT, by=by, now=NOW)
        save_letter_sequence(session, sequence_id, 1, SHORT, by=by, now=NOW)
        with pytest.raises(StaleEditError) as refused:
            save_letter_sequence(session, sequence_id, 1, SHORT, by=by, now=NOW)
        assert str(refused.value).startswith("Letter sequence SHORT was changed by someone else")
        add_customer(session, letter_sequence="SHORT")
        with pytest.raises(SetupError) as refused:
            save_letter_sequence(session, sequence_id, 2, dataclasses.replace(SHORT, code="S2"),
                                 by=by, now=NOW)  # fmt: skip
        assert str(refused.value) == "The code of SHORT cannot change: 1 customer follows it."
        with pytest.raises(SetupError) as refused:
            delete_letter_sequence(session, sequence_id, 2, by=by, now=NOW)
        assert str(refused.value) == "SHORT cannot be deleted: 1 customer follows it."


def test_delete_leaves_tombstones(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        sequence_id = save_letter_sequence(session, None, 1, SHORT, by=by, now=NOW)
        delete_letter_sequence(session, sequence_id, 1, by=by, now=LATER)
    with sqlite_db.sessions() as session:
        assert session.get(LetterSequence, sequence_id).deleted_at == LATER
        assert session.scalars(
            select(LetterLevel.deleted_at).where(LetterLevel.sequence_id == sequence_id)
        ).all() == [LATER, LATER]
        assert "SHORT" not in level_sequences(session)


@pytest.mark.postgres
def test_saved_on_postgresql(pg_db: Database) -> None:
    with pg_db.sessions.begin() as session:
        by = add_employee(session)
        sequence_id = save_letter_sequence(session, None, 1, SHORT, by=by, now=NOW)
        swapped = (dataclasses.replace(FINAL, days_after_due=5), FRIENDLY)
        save_letter_sequence(session, sequence_id, 1, dataclasses.replace(SHORT, levels=swapped),
                             by=by, now=LATER)  # fmt: skip
    with pg_db.sessions() as session:
        assert [x.name for x in level_sequences(session)["SHORT"].levels] == [
            "Final notice", "Friendly reminder"
        ]  # fmt: skip


def test_a_sequence_letters_were_sent_with_keeps_its_code(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        customer = debtor(session)
        overdue(session, customer, "500.00", 20)
        assert run(session, TODAY)
        customer.letter_sequence = None
        session.flush()
        row, _levels = levels_of(session, list_letter_sequences(session)[0].id)
        values = LetterSequenceValues(
            "STD2", row.name, row.scope, row.fee_account,
            tuple(LevelValues(x.name, x.days_after_due, x.days_after_previous, x.fee, x.template,
                              dict(x.names), dict(x.templates)) for x in row.levels),
        )  # fmt: skip
        with pytest.raises(SetupError) as refused:
            save_letter_sequence(session, row.id, row.version, values, by=by, now=LATER)
        assert str(refused.value) == "The code of STD cannot change: 1 letter was sent with it."


def test_a_sequence_gone_or_deleted_is_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        with pytest.raises(SetupError) as refused:
            save_letter_sequence(session, uuid4(), 1, SHORT, by=by, now=NOW)
        assert str(refused.value) == "That letter sequence no longer exists: reload the list."
        sequence_id = save_letter_sequence(session, None, 1, SHORT, by=by, now=NOW)
        delete_letter_sequence(session, sequence_id, 1, by=by, now=NOW)
        with pytest.raises(SetupError) as refused:
            save_letter_sequence(session, None, 1, SHORT, by=by, now=NOW)
        assert str(refused.value) == "A deleted letter sequence was SHORT; choose another code."
