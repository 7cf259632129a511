"""The agency desk's reads on a small agency (tests/unit/agency_scenario.py): the case
files with collected, pending and outstanding, their order and filters; the unapproved
collections; a collection's history; the counts; a case file; a month of the calendar;
the month's expenses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from collections_desktop.models.agency.calendar import calendar_days, calendar_month
from collections_desktop.models.agency.case_file import CaseFileNotFound, read_case_file
from collections_desktop.models.agency.desk import (
    OPEN_STATUSES,
    case_files,
    collection_history,
    desk_counts,
    unapproved_collections,
)
from collections_desktop.models.agency.expenses_read import month_expenses
from collections_desktop.models.agency.rows import CaseFileRow, CaseFilter
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import AgencyCase  # noqa: F401 - read below
from collections_desktop.models.db.types import new_id
from tests import agency_rows as add
from tests.unit.agency_scenario import Agency, build

D = dt.date
AS_OF = D(2026, 11, 23)


@pytest.fixture
def agency(sqlite_db: Database) -> Iterator[tuple[Session, Agency]]:
    with sqlite_db.sessions.begin() as session:
        built = build(session)
    with sqlite_db.sessions() as session:
        yield session, built


def figures(rows: Sequence[CaseFileRow]) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    return [(r.number, r.debt, r.collected, r.pending, r.outstanding) for r in rows]


def test_case_files_totals_and_order(agency: tuple[Session, Agency]) -> None:
    session, _a = agency
    rows = case_files(session, CaseFilter(), as_of=AS_OF)
    # Never worked first, then the least recently worked; the deleted case is left out.
    assert figures(rows) == [
        ("EXP-000002", Decimal("500.00"), Decimal("33.33"), Decimal("60.00"), Decimal("466.67")),
        ("EXP-000004", Decimal("300.00"), Decimal("300.00"), Decimal("0.00"), Decimal("0.00")),
        # 400.10 - 400.10 (reversed) + 150.10; Bruno's 75 waits for approval
        ("EXP-000003", Decimal("2000.00"), Decimal("150.10"), Decimal("75.00"), Decimal("1849.90")),
        # approved 200 (the rejected 50 and the deleted 999 count for nothing)
        ("EXP-000001", Decimal("1070.50"), Decimal("200.00"), Decimal("100.25"), Decimal("870.50")),
    ]
    first = rows[3]
    assert (first.client_code, first.client_name, first.debtor_name, first.debtor_tax_id) == (
        "ACME", "Acme Supplies", "Ruiz Hermanos SL", "B12345678",
    )  # fmt: skip
    assert (first.collector_name, first.status, first.last_action_on, first.currency) == (
        "Ana Costa", "in_progress", D(2026, 11, 1), "EUR",
    )  # fmt: skip


def test_case_files_filters(agency: tuple[Session, Agency]) -> None:
    session, a = agency

    def numbers(**values: object) -> list[str]:
        return [r.number for r in case_files(session, CaseFilter(**values), as_of=AS_OF)]  # type: ignore[arg-type]

    assert numbers(statuses=OPEN_STATUSES) == ["EXP-000002", "EXP-000003", "EXP-000001"]
    assert numbers(statuses=frozenset({"closed_paid"})) == ["EXP-000004"]
    assert numbers(client_id=a.beta) == ["EXP-000004", "EXP-000003"]
    assert numbers(collector_id=a.bruno, statuses=OPEN_STATUSES) == ["EXP-000002"]
    assert numbers(text="ruiz") == ["EXP-000004", "EXP-000001"]  # the debtor's name
    assert numbers(text=" b1234 ") == ["EXP-000004", "EXP-000001"]  # its tax id
    assert numbers(text="ac-77") == ["EXP-000001"]  # the client's reference
    assert numbers(text="000003") == ["EXP-000003"]  # the number
    assert numbers(text="50%") == []  # a wildcard is a plain character
    assert numbers(limit=2) == ["EXP-000002", "EXP-000004"]


def test_unapproved_collections_by_date_then_case(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    rows = unapproved_collections(session)
    assert [(r.collected_on, r.case_number, r.amount, r.collected_by_name) for r in rows] == [
        (D(2026, 11, 16), "EXP-000001", Decimal("100.25"), "Ana Costa"),
        (D(2026, 11, 18), "EXP-000002", Decimal("60.00"), "Bruno Lima"),
        (D(2026, 11, 18), "EXP-000003", Decimal("75.00"), "Bruno Lima"),
    ]  # the deleted case's collection is left out
    first = rows[0]
    assert (first.id, first.client_name, first.debtor_name, first.state, first.received) == (
        a.c1_unapproved, "Acme Supplies", "Ruiz Hermanos SL", "unapproved", True,
    )  # fmt: skip
    assert first.approved_by_name is None
    assert first.reversed_by_id is None


def test_collection_history_oldest_first(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    at = dt.datetime(2026, 11, 16, 10, tzinfo=dt.UTC)
    with session.begin():
        add.change(
            session, a.c1_unapproved, "not_received", at=at + dt.timedelta(hours=1), by=a.sofia
        )
        add.change(session, a.c1_unapproved, "recorded", at=at, by=a.ana, note="At the door")
        add.change(session, a.c1_unapproved, "received", at=at + dt.timedelta(hours=2))
        add.change(session, a.c2_unapproved, "recorded", at=at, by=a.bruno)
    rows = collection_history(session, a.c1_unapproved)
    assert [(r.change, r.changed_by_name, r.note) for r in rows] == [
        ("recorded", "Ana Costa", "At the door"),
        ("not_received", "Sofia Marin", None),
        ("received", None, None),
    ]
    assert collection_history(session, new_id()) == ()


def test_desk_counts(agency: tuple[Session, Agency]) -> None:
    session, _a = agency
    counts = desk_counts(session)
    assert counts.open_cases == 3
    assert counts.unapproved == 3
    assert counts.unapproved_amount_by_currency == {"EUR": Decimal("235.25")}


def test_read_case_file(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    with session.begin():
        ruiz = session.get_one(
            __import__("collections_desktop.models.db.schema", fromlist=["AgencyCase"]).AgencyCase,
            a.case1,
        ).debtor_id
        add.contact(
            session, ruiz, "phone", "+34 91 555 0101", found_on=D(2026, 3, 1), source="client file"
        )
        add.contact(
            session, ruiz, "phone", "+34 600 000 000", found_on=D(2026, 10, 2), source="neighbour"
        )
        add.contact(session, ruiz, "phone", "+34 91 000 0000", found_on=D(2026, 5, 1), deleted=True)
        add.document(session, a.case1, "INV-2", "70.50", due_date=D(2026, 1, 10))
        add.document(session, a.case1, "INV-1", "1000", due_date=D(2025, 12, 10))
        add.change(
            session,
            a.c1_approved,
            "approved",
            at=dt.datetime(2026, 11, 6, tzinfo=dt.UTC),
            by=a.sofia,
        )
        add.change(
            session,
            a.c1_unapproved,
            "recorded",
            at=dt.datetime(2026, 11, 16, tzinfo=dt.UTC),
            by=a.ana,
        )
        note = add.annotation(
            session,
            a.case1,
            "registry",
            "Re-registered",
            created_at=dt.datetime(2026, 11, 22, tzinfo=dt.UTC),
            new_name="Ruiz Nuevo SL",
            new_tax_id="B87654321",
        )
        add.attachment(session, annotation_id=note, file_name="extract.pdf")
    case_file = read_case_file(session, a.case1, as_of=AS_OF)
    assert case_file.row.number == "EXP-000001"
    assert case_file.row.outstanding == Decimal("870.50")
    assert (case_file.principal, case_file.interest, case_file.fees) == (
        Decimal("1000.00"), Decimal("50.50"), Decimal("20.00"),
    )  # fmt: skip
    assert [(c.value, c.current) for c in case_file.contacts] == [
        ("+34 600 000 000", True), ("+34 91 555 0101", True), ("+34 91 000 0000", False),
    ]  # fmt: skip
    assert [d.document_number for d in case_file.documents] == ["INV-1", "INV-2"]
    assert [(c.collected_on, c.amount, c.state) for c in case_file.collections] == [
        (D(2026, 11, 16), Decimal("100.25"), "unapproved"),
        (D(2026, 11, 10), Decimal("50.00"), "rejected"),
        (D(2026, 11, 5), Decimal("200.00"), "approved"),
    ]  # newest first, the deleted one left out
    assert case_file.collections[1].rejection_reason == "No bank line"
    assert case_file.collections[2].approved_by_name == "Sofia Marin"
    assert [h.change for h in case_file.history] == ["recorded", "approved"]
    # Newest first (the same moment: the later written first); the deleted call left out.
    assert [(n.kind, n.text) for n in case_file.annotations] == [
        ("observation", "The debtor moved"),
        ("burofax", "Burofax sent"),
        ("call", "Call back about the plan"),
        ("registry", "Re-registered"),
    ]
    registry = case_file.annotations[3]
    assert (registry.new_name, registry.new_tax_id) == ("Ruiz Nuevo SL", "B87654321")
    assert [f.file_name for f in registry.attachments] == ["extract.pdf"]
    # Newest plan first: the promise of 70 by 1 Dec is open; the promise of 300 by 19 Nov
    # got 200 (the 16 Nov collection is not approved) and is judged after 22 Nov.
    assert [
        [(i.due_on, i.amount, i.paid, i.outcome) for i in plan.instalments]
        for plan in case_file.plans
    ] == [
        [(D(2026, 12, 1), Decimal("70.00"), Decimal("0"), "open")],
        [(D(2026, 11, 19), Decimal("300.00"), Decimal("200.00"), "partly_kept")],
    ]
    with pytest.raises(CaseFileNotFound):
        read_case_file(session, new_id(), as_of=AS_OF)


def test_case_file_reversal_links(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    case_file = read_case_file(session, a.case3, as_of=AS_OF)
    by_id = {c.id: c for c in case_file.collections}
    assert by_id[a.c3_original].reversed_by_id == a.c3_reversal
    assert by_id[a.c3_reversal].reverses_id == a.c3_original
    (plan,) = case_file.plans
    assert [(i.number, i.paid, i.outcome) for i in plan.instalments] == [
        (1, Decimal("200.00"), "kept"),  # 400.10 on 20 Oct
        (2, Decimal("0"), "broken"),  # the 400.10 was reversed on 3 Nov; 150.10 fills no. 1
        (3, Decimal("0"), "open"),
        (4, Decimal("0"), "open"),
    ]


def test_calendar_month(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    month = calendar_month(session, D(2026, 11, 14), as_of=AS_OF)
    assert month.month == D(2026, 11, 1)
    assert [(e.day, e.kind, e.case_number, e.amount, e.text, e.outcome) for e in month.entries] == [
        (
            D(2026, 11, 10),
            "instalment",
            "EXP-000003",
            Decimal("200.00"),
            "Instalment 2 of 4",
            "broken",
        ),
        (
            D(2026, 11, 15),
            "instalment",
            "EXP-000002",
            Decimal("100.00"),
            "Instalment 1 of 2",
            "partly_kept",
        ),
        (
            D(2026, 11, 19),
            "promise",
            "EXP-000001",
            Decimal("300.00"),
            "Promise to pay",
            "partly_kept",
        ),
        (D(2026, 11, 19), "action", "EXP-000002", None, "Visit: Visit the shop", None),
        (D(2026, 11, 24), "action", "EXP-000001", None, "Call: Call back about the plan", None),
        (
            D(2026, 11, 25),
            "instalment",
            "EXP-000003",
            Decimal("200.00"),
            "Instalment 3 of 4",
            "open",
        ),
        (
            D(2026, 11, 29),
            "instalment",
            "EXP-000002",
            Decimal("100.00"),
            "Instalment 2 of 2",
            "cancelled",
        ),
        (D(2026, 11, 30), "promise", "EXP-000002", Decimal("30.00"), "Promise to pay", "kept"),
    ]
    assert [e.debtor_name for e in month.on(D(2026, 11, 19))] == ["Ruiz Hermanos SL", "Marta Soto"]
    assert month.on(D(2026, 11, 24))[0].collector_name == "Ana Costa"
    mine = calendar_month(session, D(2026, 11, 1), collector_id=a.ana, as_of=AS_OF)
    assert [(e.day, e.case_number) for e in mine.entries] == [
        (D(2026, 11, 10), "EXP-000003"),
        (D(2026, 11, 19), "EXP-000001"),
        (D(2026, 11, 24), "EXP-000001"),
        (D(2026, 11, 25), "EXP-000003"),
    ]
    october = calendar_month(session, D(2026, 10, 31), as_of=AS_OF)
    assert [(e.day, e.kind, e.case_number, e.outcome) for e in october.entries] == [
        (D(2026, 10, 25), "instalment", "EXP-000003", "kept"),
        (D(2026, 10, 31), "promise", "EXP-000002", "broken"),
        (D(2026, 10, 31), "action", "EXP-000001", None),
    ]
    december = calendar_month(session, D(2026, 12, 1), as_of=AS_OF)
    assert [(e.day, e.kind, e.case_number, e.outcome) for e in december.entries] == [
        (D(2026, 12, 1), "promise", "EXP-000001", "open"),
        (D(2026, 12, 2), "action", "EXP-000002", None),
        (D(2026, 12, 10), "instalment", "EXP-000003", "open"),
    ]
    assert calendar_month(session, D(2027, 1, 1), as_of=AS_OF).entries == ()


def test_month_expenses(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    rows = month_expenses(session, D(2026, 11, 30))
    assert [(r.employee_name, r.spent_on, r.kind, r.amount, r.state) for r in rows] == [
        ("Ana Costa", D(2026, 11, 4), "fuel", Decimal("45.50"), "approved"),
        ("Ana Costa", D(2026, 11, 10), "calls", Decimal("12.30"), "submitted"),
        ("Ana Costa", D(2026, 11, 11), "travel", Decimal("100.00"), "draft"),
        ("Bruno Lima", D(2026, 11, 2), "burofax", Decimal("25.75"), "rejected"),
        ("Bruno Lima", D(2026, 11, 6), "fuel", Decimal("20.00"), "approved"),
    ]
    assert rows[0].approved_by_name == "Sofia Marin"
    assert [(f.id, f.file_name, f.media_type) for f in rows[0].receipts] == [
        (a.receipt, "fuel.pdf", "application/pdf")
    ]
    assert rows[3].rejection_reason == "No receipt"
    submitted = month_expenses(
        session, D(2026, 11, 1), employee_id=a.ana, states={"submitted", "approved"}
    )
    assert [r.kind for r in submitted] == ["fuel", "calls"]
    assert month_expenses(session, D(2026, 9, 1)) == ()


def test_calendar_days_and_one_day(agency: tuple[Session, Agency]) -> None:
    """The month's grid: each day's counts and amounts in SQL; a day opened: its entries
    judged as in the whole month."""
    session, a = agency
    days = calendar_days(session, D(2026, 11, 5))
    assert [(d.day, d.promises, d.instalments, d.actions, d.amount_by_currency) for d in days] == [
        (D(2026, 11, 10), 0, 1, 0, {"EUR": Decimal("200.00")}),
        (D(2026, 11, 15), 0, 1, 0, {"EUR": Decimal("100.00")}),
        (D(2026, 11, 19), 1, 0, 1, {"EUR": Decimal("300.00")}),
        (D(2026, 11, 24), 0, 0, 1, {}),
        (D(2026, 11, 25), 0, 1, 0, {"EUR": Decimal("200.00")}),
        (D(2026, 11, 29), 0, 1, 0, {"EUR": Decimal("100.00")}),
        (D(2026, 11, 30), 1, 0, 0, {"EUR": Decimal("30.00")}),
    ]
    mine = calendar_days(session, D(2026, 11, 5), collector_id=a.bruno)
    assert [d.day for d in mine] == [
        D(2026, 11, 15), D(2026, 11, 19), D(2026, 11, 29), D(2026, 11, 30),
    ]  # fmt: skip
    whole = calendar_month(session, D(2026, 11, 1), as_of=AS_OF)
    for day in (D(2026, 11, 10), D(2026, 11, 19), D(2026, 11, 29), D(2026, 11, 30)):
        one = calendar_month(session, D(2026, 11, 1), as_of=AS_OF, day=day)
        assert one.month == D(2026, 11, 1)
        assert one.entries == whole.on(day)
    assert calendar_month(session, D(2026, 11, 1), as_of=AS_OF, day=D(2026, 11, 2)).entries == ()
