"""Posting profiles saved from the set-up: accounts validated, versioned, kept while
customers or postings name them, the default one never deleted."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import Customer, Employee, PostingProfile
from collections_desktop.models.setup.fields import SetupError
from collections_desktop.models.setup.posting_profiles import (
    PostingProfileValues,
    delete_posting_profile,
    list_posting_profiles,
    save_posting_profile,
)


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


def by_code(session, code: str):
    return next(row for row in list_posting_profiles(session) if row.code == code)


def add(database: Database, admin: uuid.UUID, now: dt.datetime, code: str = "EXPORT"):
    with database.sessions.begin() as session:
        return save_posting_profile(
            session,
            None,
            0,
            PostingProfileValues(code, "Export customers", "130100", "681100"),
            by=admin,
            now=now,
        )


def test_the_default_profile_is_listed(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        rows = list_posting_profiles(session)
    assert [
        (r.code, r.name, r.receivables_account, r.write_off_account, r.customers, r.default)
        for r in rows
    ] == [("GEN", "General", "130000", None, 0, True)]


def test_an_administrator_adds_and_changes_a_profile(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions.begin() as session:
        added = save_posting_profile(
            session,
            None,
            0,
            PostingProfileValues(" export ", " Export customers ", " 130100 ", " "),
            by=admin,
            now=now,
        )
    with sqlite_db.sessions.begin() as session:
        save_posting_profile(
            session,
            added,
            1,
            PostingProfileValues("EXP", "Export", "130200", "681200"),
            by=admin,
            now=now,
        )
    with sqlite_db.sessions() as session:
        row = by_code(session, "EXP")
    assert (row.id, row.name, row.receivables_account, row.write_off_account) == (
        added,
        "Export",
        "130200",
        "681200",
    )
    assert (row.customers, row.default, row.version) == (0, False, 2)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (PostingProfileValues("", "Name", "130000"), "Code is required."),
        (PostingProfileValues("X", "", "130000"), "Name is required."),
        (PostingProfileValues("X", "Name", "  "), "Receivables account is required."),
        (
            PostingProfileValues("X", "Name", "130 000"),
            "Receivables account cannot contain blanks.",
        ),
        (
            PostingProfileValues("X", "Name", "130000", "6" * 31),
            "Write-off account is too long: at most 30 characters.",
        ),
        (PostingProfileValues("gen", "Again", "130000"), "There is already a posting profile GEN."),
    ],
)
def test_a_profile_that_does_not_hold_is_refused_with_the_field_named(
    sqlite_db: Database, clock: FixedClock, values: PostingProfileValues, message: str
) -> None:
    admin = employee(sqlite_db, clock.now(), administrator=True)
    with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
        save_posting_profile(session, None, 0, values, by=admin, now=clock.now())
    assert str(refused.value) == message
    with sqlite_db.sessions() as session:
        assert [row.code for row in list_posting_profiles(session)] == ["GEN"]


def test_a_user_who_is_not_an_administrator_changes_nothing(
    sqlite_db: Database, clock: FixedClock
) -> None:
    clerk = employee(sqlite_db, clock.now(), administrator=False)
    for by in (clerk, None):
        with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
            save_posting_profile(
                session,
                None,
                0,
                PostingProfileValues("NEW", "New", "130000"),
                by=by,
                now=clock.now(),
            )
        assert str(refused.value) == "Only an administrator may change the company's set-up."


def test_an_edit_over_a_stale_copy_is_refused(sqlite_db: Database, clock: FixedClock) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions() as session:
        general = by_code(session, "GEN")
    with sqlite_db.sessions.begin() as session:
        save_posting_profile(
            session, general.id, general.version, PostingProfileValues("GEN", "Main", "130000"),
            by=admin, now=now,
        )  # fmt: skip
    with pytest.raises(StaleEditError) as refused, sqlite_db.sessions.begin() as session:
        save_posting_profile(
            session, general.id, general.version, PostingProfileValues("GEN", "Old", "139000"),
            by=admin, now=now,
        )  # fmt: skip
    assert str(refused.value) == (
        "Posting profile GEN was changed by someone else since you opened it. Your changes "
        "were not saved: reload it and make them again."
    )
    with sqlite_db.sessions() as session:
        assert by_code(session, "GEN").name == "Main"


def test_a_profile_in_use_and_the_default_one_keep_their_code_and_stay(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    export = add(sqlite_db, admin, now)
    spare = add(sqlite_db, admin, now, "SPARE")
    with sqlite_db.sessions.begin() as session:
        for account in ("C-1", "C-2"):
            session.add(
                Customer(
                    account=account,
                    name="Ruiz SL",
                    currency="EUR",
                    posting_profile="EXPORT",
                    updated_at=now,
                )
            )
    with sqlite_db.sessions() as session:
        general = by_code(session, "GEN")
        assert by_code(session, "EXPORT").customers == 2
    with pytest.raises(SetupError) as renamed, sqlite_db.sessions.begin() as session:
        save_posting_profile(
            session, export, 1, PostingProfileValues("EXP", "Export", "130100"),
            by=admin, now=now,
        )  # fmt: skip
    assert str(renamed.value) == "The code of EXPORT cannot change: 2 customers have it."
    with pytest.raises(SetupError) as deleted, sqlite_db.sessions.begin() as session:
        delete_posting_profile(session, export, 1, by=admin, now=now)
    assert str(deleted.value) == "EXPORT cannot be deleted: 2 customers have it."
    with pytest.raises(SetupError) as default, sqlite_db.sessions.begin() as session:
        delete_posting_profile(session, general.id, general.version, by=admin, now=now)
    assert str(default.value) == (
        "GEN cannot be deleted: it is the default profile, which new and imported customers get."
    )
    with pytest.raises(SetupError) as recoded, sqlite_db.sessions.begin() as session:
        save_posting_profile(
            session, general.id, general.version, PostingProfileValues("MAIN", "Main", "130000"),
            by=admin, now=now,
        )  # fmt: skip
    assert str(recoded.value) == (
        "The code of GEN cannot change: it is the default profile, which new and imported "
        "customers get."
    )
    with sqlite_db.sessions.begin() as session:
        delete_posting_profile(session, spare, 1, by=admin, now=now)
    with sqlite_db.sessions() as session:
        assert [row.code for row in list_posting_profiles(session)] == ["EXPORT", "GEN"]
        assert session.get(PostingProfile, spare).deleted_at == now  # type: ignore[union-attr]
