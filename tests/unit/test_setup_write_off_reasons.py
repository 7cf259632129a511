"""Write-off reasons saved from the set-up: descriptions per language, validated,
versioned, kept while write-offs name them; the write-off dialog's list in the reader's
language."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.actions.writeoff_plan import write_off_reasons
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import (
    BusinessText,
    Employee,
    Journal,
    JournalType,
    WriteOffReason,
)
from collections_desktop.models.setup.fields import SetupError
from collections_desktop.models.setup.write_off_reasons import (
    WriteOffReasonValues,
    delete_write_off_reason,
    list_write_off_reasons,
    save_write_off_reason,
)

SEEDED = ["DISPUTE", "GOODWILL", "SMALL", "UNCOLLECT"]


def employee(database: Database, now: dt.datetime, *, administrator: bool) -> uuid.UUID:
    with database.sessions.begin() as session:
        person = Employee(
            number=f"E-{uuid.uuid4().hex[:6]}",
            name="Ana Ruiz",
            is_administrator=administrator,
            updated_at=now,
        )
        session.add(person)
        session.flush()
        return person.id


def by_code(session, code: str, language: str = "en"):
    return next(row for row in list_write_off_reasons(session, language) if row.code == code)


def test_the_seeded_reasons_are_listed_by_code(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        rows = list_write_off_reasons(session, "en")
    assert [(row.code, row.ledger_account, row.write_offs) for row in rows] == [
        (code, None, 0) for code in SEEDED
    ]
    assert rows[2].description == "Small balance not worth collecting"
    # the built-in reasons come with their descriptions in the other languages
    assert rows[2].translations["es"] == "Saldo pequeño que no compensa reclamar"
    assert all(row.translations[language] for row in rows for language in ("es", "fr", "pt"))


def test_an_administrator_adds_a_reason_with_its_descriptions_in_other_languages(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions.begin() as session:
        added = save_write_off_reason(
            session,
            None,
            0,
            WriteOffReasonValues(
                " bankrupt ",
                " Customer declared bankrupt ",
                " 654000 ",
                {"es": "Cliente en quiebra", "fr": "Client en faillite", "pt": " "},
            ),
            by=admin,
            now=now,
        )
    with sqlite_db.sessions() as session:
        row = by_code(session, "BANKRUPT", "es")
        assert (row.id, row.description, row.shown, row.ledger_account, row.version) == (
            added,
            "Customer declared bankrupt",
            "Cliente en quiebra",
            "654000",
            1,
        )
        assert row.translations == {
            "es": "Cliente en quiebra",
            "fr": "Client en faillite",
            "pt": "",
        }
        # the write-off dialog's list: the reader's language, else the company's
        dialog = {r.code: r.description for r in write_off_reasons(session, "fr")}
        assert dialog["BANKRUPT"] == "Client en faillite"
        assert dialog["SMALL"] == "Petit solde dont le recouvrement n’est pas rentable"
        posted = {r.code: r.description for r in write_off_reasons(session)}
        assert posted["BANKRUPT"] == "Customer declared bankrupt"
    with sqlite_db.sessions.begin() as session:
        save_write_off_reason(
            session,
            added,
            1,
            # French emptied (removed), Portuguese not given (kept as it is: none)
            WriteOffReasonValues("BANKRUPT", "Insolvency", "", {"es": "Insolvencia", "fr": ""}),
            by=admin,
            now=now,
        )
    with sqlite_db.sessions() as session:
        row = by_code(session, "BANKRUPT")
        assert (row.description, row.ledger_account, row.version) == ("Insolvency", None, 2)
        assert row.translations == {"es": "Insolvencia", "fr": "", "pt": ""}
        texts = session.execute(
            select(BusinessText.language, BusinessText.deleted_at).where(
                BusinessText.row_id == added
            )
        ).all()
        assert sorted(texts) == [("es", None), ("fr", now)]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (WriteOffReasonValues("", "Text"), "Code is required."),
        (WriteOffReasonValues("BAD DEBT", "Text"), "Code cannot contain blanks."),
        (WriteOffReasonValues("X", ""), "Description is required."),
        (
            WriteOffReasonValues("X", "D" * 201),
            "Description is too long: at most 200 characters.",
        ),
        (WriteOffReasonValues("X", "Text", "68 1000"), "Ledger account cannot contain blanks."),
        (
            WriteOffReasonValues("X", "Text", "1" * 31),
            "Ledger account is too long: at most 30 characters.",
        ),
        (
            WriteOffReasonValues("X", "Text", "", {"pt": "P" * 201}),
            "Description (Portuguese) is too long: at most 200 characters.",
        ),
        (WriteOffReasonValues("small", "Again"), "There is already a write-off reason SMALL."),
    ],
)
def test_a_reason_that_does_not_hold_is_refused_with_the_field_named(
    sqlite_db: Database, clock: FixedClock, values: WriteOffReasonValues, message: str
) -> None:
    admin = employee(sqlite_db, clock.now(), administrator=True)
    with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
        save_write_off_reason(session, None, 0, values, by=admin, now=clock.now())
    assert str(refused.value) == message
    with sqlite_db.sessions() as session:
        assert [row.code for row in list_write_off_reasons(session, "en")] == SEEDED


def test_a_user_who_is_not_an_administrator_changes_nothing(
    sqlite_db: Database, clock: FixedClock
) -> None:
    clerk = employee(sqlite_db, clock.now(), administrator=False)
    with sqlite_db.sessions() as session:
        small = by_code(session, "SMALL")
    for by in (clerk, None):
        with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
            save_write_off_reason(
                session, None, 0, WriteOffReasonValues("NEW", "New"), by=by, now=clock.now()
            )
        assert str(refused.value) == "Only an administrator may change the company's set-up."
        with pytest.raises(SetupError), sqlite_db.sessions.begin() as session:
            delete_write_off_reason(session, small.id, small.version, by=by, now=clock.now())


def test_an_edit_over_a_stale_copy_is_refused(sqlite_db: Database, clock: FixedClock) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions() as session:
        small = by_code(session, "SMALL")
    with sqlite_db.sessions.begin() as session:
        save_write_off_reason(
            session, small.id, small.version, WriteOffReasonValues("SMALL", "Tiny balance"),
            by=admin, now=now,
        )  # fmt: skip
    with pytest.raises(StaleEditError) as refused, sqlite_db.sessions.begin() as session:
        save_write_off_reason(
            session, small.id, small.version, WriteOffReasonValues("SMALL", "Small"),
            by=admin, now=now,
        )  # fmt: skip
    assert str(refused.value) == (
        "Write-off reason SMALL was changed by someone else since you opened it. Your "
        "changes were not saved: reload it and make them again."
    )
    with sqlite_db.sessions() as session:
        assert by_code(session, "SMALL").description == "Tiny balance"


def test_a_reason_write_offs_used_keeps_its_code_and_is_not_deleted(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions.begin() as session:
        for number in ("GJ-1", "GJ-2"):
            session.add(
                Journal(
                    number=number,
                    type=JournalType.WRITE_OFF,
                    journal_date=now.date(),
                    reason_code="SMALL",
                    created_at=now,
                )
            )
        session.add(  # another kind of journal naming the same code is no write-off
            Journal(
                number="GJ-3",
                type=JournalType.PAYMENT,
                journal_date=now.date(),
                reason_code="GOODWILL",
                created_at=now,
            )
        )
    with sqlite_db.sessions() as session:
        small, goodwill = by_code(session, "SMALL"), by_code(session, "GOODWILL")
    assert (small.write_offs, goodwill.write_offs) == (2, 0)
    with pytest.raises(SetupError) as renamed, sqlite_db.sessions.begin() as session:
        save_write_off_reason(
            session, small.id, small.version, WriteOffReasonValues("TINY", "Tiny"),
            by=admin, now=now,
        )  # fmt: skip
    assert str(renamed.value) == "The code of SMALL cannot change: 2 write-offs used it."
    with pytest.raises(SetupError) as deleted, sqlite_db.sessions.begin() as session:
        delete_write_off_reason(session, small.id, small.version, by=admin, now=now)
    assert str(deleted.value) == "SMALL cannot be deleted: 2 write-offs used it."
    with sqlite_db.sessions.begin() as session:
        save_write_off_reason(
            session, goodwill.id, goodwill.version,
            WriteOffReasonValues("GOODWILL", "Goodwill", "", {"es": "Buena voluntad"}),
            by=admin, now=now,
        )  # fmt: skip
    with sqlite_db.sessions.begin() as session:
        delete_write_off_reason(session, goodwill.id, goodwill.version + 1, by=admin, now=now)
    with sqlite_db.sessions() as session:
        assert [r.code for r in list_write_off_reasons(session, "en")] == [
            "DISPUTE",
            "SMALL",
            "UNCOLLECT",
        ]
        assert "GOODWILL" not in {r.code for r in write_off_reasons(session)}
        assert session.get(WriteOffReason, goodwill.id).deleted_at == now  # type: ignore[union-attr]
        assert session.scalars(
            select(BusinessText.deleted_at).where(BusinessText.row_id == goodwill.id)
        ).all() == [now, now, now]
    with sqlite_db.sessions.begin() as session:  # the code comes back on the same row
        again = save_write_off_reason(
            session, None, 0, WriteOffReasonValues("goodwill", "Commercial gesture"),
            by=admin, now=now,
        )  # fmt: skip
    assert again == goodwill.id
    with sqlite_db.sessions() as session:
        assert by_code(session, "GOODWILL").description == "Commercial gesture"
