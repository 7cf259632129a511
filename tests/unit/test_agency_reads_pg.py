"""The agency desk's reads on PostgreSQL: the same figures as on SQLite (the totals are
grouped differently there, keys come back as UUIDs, sums as numeric)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from collections_desktop.models.agency.calendar import calendar_month
from collections_desktop.models.agency.case_file import read_case_file
from collections_desktop.models.agency.desk import (
    OPEN_STATUSES,
    case_files,
    desk_counts,
    unapproved_collections,
)
from collections_desktop.models.agency.reports import collection_report, remittance_statement
from collections_desktop.models.agency.rows import CaseFilter
from collections_desktop.models.db.database import Database
from tests.unit.agency_scenario import build

D = dt.date
M = Decimal
AS_OF = D(2026, 11, 23)


def test_reads_on_postgresql(pg_db: Database) -> None:
    with pg_db.sessions.begin() as session:
        a = build(session)
    with pg_db.sessions() as session:
        rows = case_files(session, CaseFilter(statuses=OPEN_STATUSES), as_of=AS_OF)
        assert [(r.number, r.collected, r.pending, r.outstanding) for r in rows] == [
            ("EXP-000002", M("33.33"), M("60.00"), M("466.67")),
            ("EXP-000003", M("150.10"), M("75.00"), M("1849.90")),
            ("EXP-000001", M("200.00"), M("100.25"), M("870.50")),
        ]
        assert [r.number for r in case_files(session, CaseFilter(text="RUIZ"), as_of=AS_OF)] == [
            "EXP-000004",
            "EXP-000001",
        ]
        assert [r.case_number for r in unapproved_collections(session)] == [
            "EXP-000001",
            "EXP-000002",
            "EXP-000003",
        ]
        counts = desk_counts(session)
        assert (counts.open_cases, counts.unapproved_amount_by_currency) == (
            3,
            {"EUR": M("235.25")},
        )
        month = calendar_month(session, D(2026, 11, 1), as_of=AS_OF)
        assert [(e.day, e.kind, e.outcome) for e in month.entries] == [
            (D(2026, 11, 10), "instalment", "broken"),
            (D(2026, 11, 15), "instalment", "partly_kept"),
            (D(2026, 11, 19), "promise", "partly_kept"),
            (D(2026, 11, 19), "action", None),
            (D(2026, 11, 24), "action", None),
            (D(2026, 11, 25), "instalment", "open"),
            (D(2026, 11, 29), "instalment", "cancelled"),
            (D(2026, 11, 30), "promise", "kept"),
        ]
        case_file = read_case_file(session, a.case3, as_of=AS_OF)
        assert [i.outcome for i in case_file.plans[0].instalments] == [
            "kept",
            "broken",
            "open",
            "open",
        ]
        report = collection_report(session, D(2026, 11, 1))
        assert [(t.collector_name, t.collected, t.commission, t.share) for t in report.totals] == [
            ("Ana Costa", M("-50.00"), M("17.00"), M("1.70")),
            ("Bruno Lima", M("33.33"), M("6.67"), M("0.83")),
        ]
        beta = remittance_statement(session, D(2026, 11, 1), a.beta)
        assert (beta.collected, beta.commission, beta.net) == (
            M("-250.00"),
            M("-33.00"),
            M("-217.00"),
        )
