"""Interest codes from the set-up: saved with their ranges, refused with the rules the
calculation reads them by, versioned and kept by tombstones."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import select

from collections_desktop.models.actions.interest import load_rules
from collections_desktop.models.actions.interest_notes import create_interest_notes
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import InterestCode, InterestCodeLine
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.setup.fields import SetupError
from collections_desktop.models.setup.interest_codes import (
    InterestCodeValues,
    InterestLineValues,
    delete_interest_code,
    list_interest_codes,
    save_interest_code,
)
from tests.unit.test_interest import DAY_60, invoice
from tests.unit.test_nsf import add_customer
from tests.unit.test_setup_aging_definitions import LATER, NOW, add_employee

D = Decimal
MONTHLY = InterestCodeValues(
    code="mon",
    name="Monthly",
    method="interval",
    interval_days=30,
    grace_days=3,
    fee=D("2.50"),
    interest_account="763200",
    fee_account="758300",
    lines=(InterestLineValues(1, 30, D("0.5")), InterestLineValues(31, None, D("1.25"))),
)


def test_a_new_code_is_saved_and_read_by_the_calculation(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        save_interest_code(session, None, 1, MONTHLY, by=add_employee(session), now=NOW)
    with sqlite_db.sessions() as session:
        rule = load_rules(session)["MON"]
        assert (rule.method, rule.interval_days, rule.grace_days, rule.fee) == (
            "interval", 30, 3, D("2.50")
        )  # fmt: skip
        assert [(line.from_days, line.to_days, line.rate) for line in rule.lines] == [
            (1, 30, D("0.5")),
            (31, None, D("1.25")),
        ]
        assert [row.code for row in list_interest_codes(session)] == ["MON", "STD"]


def test_edit_changes_the_ranges_keeping_ids(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        code_id = save_interest_code(session, None, 1, MONTHLY, by=by, now=NOW)
        first, second = next(r for r in list_interest_codes(session) if r.id == code_id).lines
        values = dataclasses.replace(
            MONTHLY,
            method="range",
            lines=(
                InterestLineValues(1, 60, D("0.75"), id=first.id),
                InterestLineValues(91, None, D("2")),
            ),
        )
        save_interest_code(session, code_id, 1, values, by=by, now=LATER)
    with sqlite_db.sessions() as session:
        row = next(r for r in list_interest_codes(session) if r.id == code_id)
        assert (row.method, row.version) == ("range", 2)
        assert [(x.from_days, x.to_days, x.rate) for x in row.lines] == [
            (1, 60, D("0.75")),
            (91, None, D("2")),
        ]
        assert row.lines[0].id == first.id
        assert session.get(InterestCodeLine, second.id).deleted_at == LATER


RATE = "The rate of range 1 must be above 0 and at most 100 %."


def lines(*ranges):
    return tuple(InterestLineValues(low, high, D(rate)) for low, high, rate in ranges)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lines": ()}, "An interest code needs at least one range."),
        ({"lines": lines((0, None, "1"))},
         "Range 1 starts at day 0; the first overdue day is day 1."),
        ({"lines": lines((1, 30, "1"), (30, None, "1"))},
         "Range 2 starts at day 30, inside the range before it (up to day 30); ranges may "
         "not overlap."),
        ({"lines": lines((1, None, "1"), (31, None, "1"))},
         "Only the last range may be open-ended; range 1 is not last."),
        ({"lines": lines((10, 5, "1"))}, "Range 1 ends (day 5) before it starts (day 10)."),
        ({"lines": lines((1, None, "0"))}, RATE),
        ({"lines": lines((1, None, "-1"))}, RATE),
        ({"lines": lines((1, None, "100.5"))}, RATE),
        ({"lines": lines((1, None, "0.123456"))},
         "The rate of range 1: 0.123456 has more than 4 decimal places."),
        ({"method": "daily"}, "Interest code MON has an unknown method “daily”."),
        ({"interval_days": 0}, "Interest code MON needs an interval of at least one day."),
        ({"fee": D("-1")}, "Fee may not be negative."),
        ({"fee": D("1.001")}, "Fee: 1.001 has more than 2 decimal places."),
        ({"grace_days": -1}, "Grace days must be between 0 and 99999."),
        ({"code": ""}, "Code is required."),
        ({"fee_account": " "}, "Fee account is required."),
        ({"code": "std"}, "There is already an interest code STD."),
    ],
)  # fmt: skip
def test_refusals(sqlite_db: Database, changes, message) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        with pytest.raises(ValueError, match=re.escape(message)) as refused:
            save_interest_code(
                session, None, 1, dataclasses.replace(MONTHLY, **changes), by=by, now=NOW
            )
    assert str(refused.value) == message


def test_a_clerk_a_stale_copy_and_a_code_in_use_are_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        clerk = add_employee(session, administrator=False)
        with pytest.raises(SetupError) as refused:
            save_interest_code(session, None, 1, MONTHLY, by=clerk, now=NOW)
        assert str(refused.value) == "Only an administrator may change the company's set-up."
        code_id = save_interest_code(session, None, 1, MONTHLY, by=by, now=NOW)
        save_interest_code(session, code_id, 1, MONTHLY, by=by, now=LATER)
        with pytest.raises(StaleEditError) as refused:
            save_interest_code(session, code_id, 1, MONTHLY, by=by, now=LATER)
        assert str(refused.value).startswith("Interest code MON was changed by someone else")
        add_customer(session, interest_code="MON")
        with pytest.raises(SetupError) as refused:
            save_interest_code(
                session, code_id, 2, dataclasses.replace(MONTHLY, code="M2"), by=by, now=LATER
            )
        assert str(refused.value) == "The code of MON cannot change: 1 customer uses it."
        with pytest.raises(SetupError) as refused:
            delete_interest_code(session, code_id, 2, by=by, now=LATER)
        assert str(refused.value) == "MON cannot be deleted: 1 customer uses it."


def test_delete_leaves_tombstones(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        code_id = save_interest_code(session, None, 1, MONTHLY, by=by, now=NOW)
        delete_interest_code(session, code_id, 1, by=by, now=LATER)
    with sqlite_db.sessions() as session:
        row = session.get(InterestCode, code_id)
        assert (row.deleted_at, row.version) == (LATER, 2)
        kept = session.scalars(
            select(InterestCodeLine.deleted_at).where(InterestCodeLine.interest_code_id == code_id)
        ).all()
        assert kept == [LATER, LATER]
        assert "MON" not in load_rules(session)
        assert [r.code for r in list_interest_codes(session)] == ["STD"]


@pytest.mark.postgres
def test_saved_on_postgresql(pg_db: Database) -> None:
    with pg_db.sessions.begin() as session:
        save_interest_code(session, None, 1, MONTHLY, by=add_employee(session), now=NOW)
    with pg_db.sessions() as session:
        assert [line.rate for line in load_rules(session)["MON"].lines] == [D("0.5"), D("1.25")]


def test_a_code_that_notes_were_computed_with_keeps_it(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        customer = add_customer(session, interest_code="STD")
        invoice(session, customer, "1000.00")
        assert create_interest_notes(session, company_scope(session), DAY_60, NOW,
                                     created_by_id=None)  # fmt: skip
        customer.interest_code = None
        session.flush()
        (std,) = list_interest_codes(session)
        values = InterestCodeValues(
            "STD2", std.name, std.method, std.interval_days, std.grace_days, std.fee,
            std.interest_account, std.fee_account,
            tuple(InterestLineValues(x.from_days, x.to_days, x.rate, x.id) for x in std.lines),
        )  # fmt: skip
        with pytest.raises(SetupError) as refused:
            save_interest_code(session, std.id, std.version, values, by=by, now=LATER)
        assert str(refused.value) == (
            "The code of STD cannot change: 1 interest note was computed with it."
        )
        # No customer uses it any more: it may go (the note keeps its code).
        delete_interest_code(session, std.id, std.version, by=by, now=LATER)


def test_rows_gone_or_deleted_are_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        code_id = save_interest_code(session, None, 1, MONTHLY, by=by, now=NOW)
        gone = dataclasses.replace(MONTHLY, lines=(InterestLineValues(1, None, D(1), uuid4()),))
        with pytest.raises(SetupError) as refused:
            save_interest_code(session, code_id, 1, gone, by=by, now=NOW)
        assert str(refused.value) == "A range of this interest code no longer exists: reload it."
        with pytest.raises(SetupError) as refused:
            save_interest_code(session, uuid4(), 1, MONTHLY, by=by, now=NOW)
        assert str(refused.value) == "That interest code no longer exists: reload the list."
        delete_interest_code(session, code_id, 1, by=by, now=NOW)
        with pytest.raises(SetupError) as refused:
            save_interest_code(session, None, 1, MONTHLY, by=by, now=NOW)
        assert str(refused.value) == "A deleted interest code was MON; choose another code."
