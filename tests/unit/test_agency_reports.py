"""The agency's monthly reports on the small agency of tests/unit/agency_scenario.py.

November 2026, approved collections:
- 3 Nov EXP-000003 (BETA, debt of 15 Apr) -400.10 by Ana: the reversal of 400.10
  collected on 20 Oct, rated at that day's age (188 days: 15 %): -60.015 -> -60.02,
  Ana's 10 % -6.002 -> -6.00;
- 5 Nov EXP-000001 (ACME, debt of 10 Jan, 299 days: 25 %) 200.00 by Ana: 50.00, 5.00;
- 7 Nov EXP-000002 (ACME, debt of 1 Sep, 67 days: 20 %) 33.33 by Bruno: 6.666 -> 6.67,
  Bruno's 12.5 % 0.83375 -> 0.83;
- 12 Nov EXP-000003 (211 days: BETA's 18 % band) 150.10 by Ana: 27.018 -> 27.02, 2.70.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from collections_desktop.models.agency.exports import report_xlsx
from collections_desktop.models.agency.reports import (
    ReportError,
    collection_report,
    collector_statement,
    expense_report,
    remittance_statement,
)
from collections_desktop.models.db.database import Database
from tests import agency_rows as add
from tests.unit.agency_scenario import Agency, build

D = dt.date
M = Decimal
NOVEMBER = D(2026, 11, 1)


@pytest.fixture
def agency(sqlite_db: Database) -> Iterator[tuple[Session, Agency]]:
    with sqlite_db.sessions.begin() as session:
        built = build(session)
    with sqlite_db.sessions() as session:
        yield session, built


def test_collection_report_lines_and_totals(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    report = collection_report(session, D(2026, 11, 17))
    assert report.month == NOVEMBER
    assert [
        (
            line.collector_name,
            line.collected_on,
            line.case_number,
            line.client_code,
            line.amount,
            line.commission_percent,
            line.commission,
            line.share_percent,
            line.share,
        )
        for line in report.lines
    ] == [
        (
            "Ana Costa",
            D(2026, 11, 3),
            "EXP-000003",
            "BETA",
            M("-400.10"),
            M("15"),
            M("-60.02"),
            M("10"),
            M("-6.00"),
        ),
        (
            "Ana Costa",
            D(2026, 11, 5),
            "EXP-000001",
            "ACME",
            M("200.00"),
            M("25"),
            M("50.00"),
            M("10"),
            M("5.00"),
        ),
        (
            "Ana Costa",
            D(2026, 11, 12),
            "EXP-000003",
            "BETA",
            M("150.10"),
            M("18"),
            M("27.02"),
            M("10"),
            M("2.70"),
        ),
        (
            "Bruno Lima",
            D(2026, 11, 7),
            "EXP-000002",
            "ACME",
            M("33.33"),
            M("20"),
            M("6.67"),
            M("12.5"),
            M("0.83"),
        ),
    ]
    assert report.lines[0].collection_id == a.c3_reversal
    assert [
        (t.collector_name, t.currency, t.collections, t.collected, t.commission, t.share)
        for t in report.totals
    ] == [
        ("Ana Costa", "EUR", 3, M("-50.00"), M("17.00"), M("1.70")),
        ("Bruno Lima", "EUR", 1, M("33.33"), M("6.67"), M("0.83")),
    ]
    bruno = collection_report(session, NOVEMBER, collector_id=a.bruno)
    assert [line.case_number for line in bruno.lines] == ["EXP-000002"]
    assert [t.collector_name for t in bruno.totals] == ["Bruno Lima"]
    october = collection_report(session, D(2026, 10, 1))
    assert [(line.amount, line.commission, line.share) for line in october.lines] == [
        (M("400.10"), M("60.02"), M("6.00"))
    ]
    assert collection_report(session, D(2026, 12, 1)).lines == ()


def test_collection_report_sums_rounded_lines(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    with session.begin():
        tiny = add.client(session, "TINY", percent="10")
        debtor = add.debtor(session, "Small Debts Ltd")
        case_id = add.case(
            session,
            "EXP-000009",
            client_id=tiny,
            debtor_id=debtor,
            principal="1",
            collector_id=a.bruno,
        )
        for day in (1, 2, 3):
            add.collection(
                session, case_id, on=D(2026, 12, day), amount="0.05", by=a.bruno,
                state="approved", approved_by=a.sofia,
            )  # fmt: skip
    report = collection_report(session, D(2026, 12, 1), collector_id=a.bruno)
    assert [line.commission for line in report.lines] == [M("0.01")] * 3
    (total,) = report.totals
    assert (total.collected, total.commission) == (M("0.15"), M("0.03"))  # not round(0.015)


def test_expense_report_by_type(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    report = expense_report(session, NOVEMBER)
    # Submitted and approved ones: not Ana's draft travel, not Bruno's rejected burofax.
    assert [(e.kind, e.spent_on, e.employee_name, e.amount, e.state) for e in report.lines] == [
        ("fuel", D(2026, 11, 4), "Ana Costa", M("45.50"), "approved"),
        ("fuel", D(2026, 11, 6), "Bruno Lima", M("20.00"), "approved"),
        ("calls", D(2026, 11, 10), "Ana Costa", M("12.30"), "submitted"),
    ]
    assert [r.file_name for r in report.lines[0].receipts] == ["fuel.pdf"]
    assert [(t.kind, t.currency, t.count, t.amount) for t in report.totals] == [
        ("fuel", "EUR", 2, M("65.50")),
        ("calls", "EUR", 1, M("12.30")),
    ]
    bruno = expense_report(session, NOVEMBER, employee_id=a.bruno)
    assert [(t.kind, t.amount) for t in bruno.totals] == [("fuel", M("20.00"))]
    assert bruno.employee_id == a.bruno


def test_collector_statement(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    statement = collector_statement(session, D(2026, 11, 30), a.ana)
    assert (statement.month, statement.collector_name, statement.currency) == (
        NOVEMBER, "Ana Costa", "EUR",
    )  # fmt: skip
    assert [line.case_number for line in statement.collections] == [
        "EXP-000003", "EXP-000001", "EXP-000003",
    ]  # fmt: skip
    assert [(e.kind, e.amount) for e in statement.expenses] == [
        ("fuel", M("45.50"))
    ]  # approved only
    assert (statement.collected, statement.share, statement.expenses_total, statement.total) == (
        M("-50.00"), M("1.70"), M("45.50"), M("47.20"),
    )  # fmt: skip
    empty = collector_statement(session, D(2027, 1, 1), a.sofia)
    assert (empty.collections, empty.expenses, empty.total, empty.currency) == (
        (),
        (),
        M("0.00"),
        "EUR",
    )


def test_collector_statement_in_one_currency(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    with session.begin():
        add.expense(
            session, a.ana, spent_on=D(2026, 11, 20), kind="travel", amount="30", currency="USD",
            state="approved", approved_by=a.sofia,
        )  # fmt: skip
    with pytest.raises(ReportError, match=r"EUR, USD"):
        collector_statement(session, NOVEMBER, a.ana)


def test_remittance_statements(agency: tuple[Session, Agency]) -> None:
    session, a = agency
    acme = remittance_statement(session, NOVEMBER, a.acme)
    assert (acme.client_code, acme.client_name, acme.currency, acme.client_language) == (
        "ACME", "Acme Supplies", "EUR", "en",
    )  # fmt: skip
    lines = [
        (line.collected_on, line.case_number, line.amount, line.commission) for line in acme.lines
    ]
    assert lines == [
        (D(2026, 11, 5), "EXP-000001", M("200.00"), M("50.00")),
        (D(2026, 11, 7), "EXP-000002", M("33.33"), M("6.67")),
    ]  # fmt: skip
    assert (acme.collected, acme.commission, acme.net, acme.remit_by) == (
        M("233.33"), M("56.67"), M("176.66"), D(2026, 12, 15),
    )  # fmt: skip
    beta = remittance_statement(session, NOVEMBER, a.beta)
    assert (beta.collected, beta.commission, beta.net, beta.remit_by) == (
        M("-250.00"), M("-33.00"), M("-217.00"), D(2026, 12, 10),
    )  # fmt: skip
    october = remittance_statement(session, D(2026, 10, 5), a.beta)
    assert (october.collected, october.commission, october.net, october.remit_by) == (
        M("400.10"), M("60.02"), M("340.08"), D(2026, 11, 10),
    )  # fmt: skip
    february = remittance_statement(session, D(2027, 2, 1), a.acme)
    assert (february.lines, february.net, february.remit_by) == ((), M("0.00"), D(2027, 3, 15))


def test_report_xlsx(tmp_path: Path, agency: tuple[Session, Agency]) -> None:
    session, _a = agency
    report = collection_report(session, NOVEMBER)
    path = report_xlsx(
        "Collections November 2026",
        ["Date", "Case file", "Collector", "Amount", "Commission"],
        [(line.collected_on, line.case_number, line.collector_name, line.amount, line.commission)
         for line in report.lines],
        tmp_path / "collections.xlsx",
    )  # fmt: skip
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Collections November 2026"
    assert rows[2] == ("Date", "Case file", "Collector", "Amount", "Commission")
    assert sheet.cell(row=3, column=1).font.bold
    first = rows[3]
    assert first[0] == dt.datetime(2026, 11, 3)  # a date, not text
    assert first[3] == pytest.approx(-400.10)  # a number
    assert first[4] == pytest.approx(-60.02)
    assert sheet.column_dimensions["C"].width == 12  # "Bruno Lima" + 2
    assert sheet.column_dimensions["A"].width == 12  # a date


def test_reports_follow_the_rules_writes(agency: tuple[Session, Agency]) -> None:
    """A collection recorded, approved and reversed through the desk's rules: it counts
    in November, its reversal in December at the same rate, and the desk and the case
    file show both."""
    from collections_desktop.models.agency.case_file import read_case_file
    from collections_desktop.models.agency.collections import approve, record_collection, reverse
    from collections_desktop.models.agency.desk import collection_history

    session, a = agency
    now = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
    with session.begin():
        new = record_collection(
            session, case_id=a.case1, collected_on=D(2026, 11, 20), amount=M("100.00"),
            method="cash", reference="R-1", collected_by_id=a.ana, now=now,
        )  # fmt: skip
        approve(session, new, 1, supervisor_id=a.sofia, now=now)
    with session.begin():
        version = read_case_file(session, a.case1, as_of=D(2026, 11, 23)).collections[0].version
        reversal = reverse(
            session, new, version, supervisor_id=a.sofia, reason="Counterfeit notes",
            on=D(2026, 12, 2), now=now + dt.timedelta(days=12),
        )  # fmt: skip
    november = collection_report(session, NOVEMBER, collector_id=a.ana)
    assert [(line.collected_on, line.amount, line.commission) for line in november.lines][-1] == (
        D(2026, 11, 20), M("100.00"), M("25.00"),
    )  # fmt: skip
    december = collection_report(session, D(2026, 12, 1), collector_id=a.ana)
    lines = [(x.collection_id, x.amount, x.commission, x.share) for x in december.lines]
    assert lines == [(reversal, M("-100.00"), M("-25.00"), M("-2.50"))]
    case_file = read_case_file(session, a.case1, as_of=D(2026, 12, 3))
    assert case_file.row.collected == M("200.00")  # 200 + 100 - 100
    by_id = {c.id: c for c in case_file.collections}
    assert by_id[new].reversed_by_id == reversal
    assert [(h.change, h.changed_by_name) for h in collection_history(session, new)] == [
        ("recorded", "Ana Costa"),
        ("approved", "Sofia Marin"),
        ("reversed", "Sofia Marin"),
    ]
