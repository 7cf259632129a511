"""The agency desk's demo: every tab has data, approvals are possible, same seed same rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from collections_desktop.demo.agency import (
    AGENCY_SEQUENCE,
    UNAPPROVED_DAYS,
    tiny_pdf,
    tiny_png,
    write_demo_agency,
)
from collections_desktop.demo.company import DEMO_USER
from collections_desktop.demo.load import write_demo_company
from collections_desktop.models.db.database import Database
from tests.conftest import TODAY

CASES = 120
AGENCY_TABLES = (
    "agency_staff",
    "agency_clients",
    "agency_commission_bands",
    "agency_debtors",
    "agency_debtor_contacts",
    "agency_cases",
    "agency_case_documents",
    "agency_collections",
    "agency_collection_history",
    "agency_annotations",
    "agency_plans",
    "agency_instalments",
    "agency_expenses",
    "agency_attachments",
)
THIS_MONTH = TODAY.replace(day=1)  # 2026-11-01
NEXT_MONTH = dt.date(2026, 12, 1)
LAST_MONTH = dt.date(2026, 10, 1)
SCRIPTED = (
    "JOIN agency_clients s_client ON s_client.id = c.client_id JOIN employees s_collector "
    "ON s_collector.id = c.collector_id WHERE s_client.code = 'ELCANT' "
    "AND s_collector.number = 'E-0102'"
)
"""The demo's scripted stories are ELCANT's case files worked by E-0102."""


def write(path: Path, seed: int = 5, cases: int = CASES) -> str:
    stats = write_demo_company(path, customers=6, seed=seed, today=TODAY, agency=cases)
    return stats.describe()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("agency") / "demo.sqlite"
    return path, write(path)


def rows(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, args).fetchall()


def one(path: Path, sql: str, *args: object) -> object:
    return rows(path, sql, *args)[0][0]


def money(units: object) -> Decimal:
    assert isinstance(units, int)
    return Decimal(units) / 10_000


def test_the_summary_counts_what_was_written(demo: tuple[Path, str]) -> None:
    path, summary = demo
    line = summary.splitlines()[1]
    assert line.startswith("Agency: 7 staff, 8 clients, ")
    assert f", {CASES} case files, " in line
    collections = one(path, "SELECT count(*) FROM agency_collections")
    unapproved = one(path, "SELECT count(*) FROM agency_collections WHERE state = 'unapproved'")
    rejected = one(path, "SELECT count(*) FROM agency_collections WHERE state = 'rejected'")
    assert f"{collections} collections ({unapproved} unapproved, {rejected} rejected)" in line
    assert 3 * CASES <= collections <= 6 * CASES  # about four a case
    assert one(path, "SELECT count(*) FROM agency_cases") == CASES
    numbers = [r[0] for r in rows(path, "SELECT number FROM agency_cases ORDER BY number")]
    assert numbers[0] == "EXP-000001"
    assert numbers[-1] == f"EXP-{CASES:06d}"
    # The agency's counter continues after the demo's numbers.
    assert rows(
        path,
        "SELECT prefix, width, next_value FROM number_sequences WHERE name = ?",
        AGENCY_SEQUENCE,
    ) == [("EXP-", 6, CASES + 1)]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_login_user_is_a_supervisor_among_collectors(demo: tuple[Path, str]) -> None:
    path, _summary = demo
    staff = rows(
        path,
        "SELECT e.number, e.user_name, s.is_supervisor, s.commission_share_percent "
        "FROM agency_staff s JOIN employees e ON e.id = s.employee_id ORDER BY e.number",
    )
    assert staff[0][:3] == ("E-0001", DEMO_USER, 1)
    assert sum(1 for s in staff if s[2]) == 2
    assert [s[0] for s in staff if not s[2]] == ["E-0102", "E-0103", "E-0104", "E-0105", "E-0106"]
    # A collector never approved their own collection; every approver is a supervisor.
    assert (
        one(path, "SELECT count(*) FROM agency_collections WHERE approved_by_id = collected_by_id")
        == 0
    )
    approvers = {
        r[0]
        for r in rows(
            path,
            "SELECT e.number FROM agency_collections c JOIN employees e ON e.id = c.approved_by_id",
        )
    }
    assert approvers == {"E-0001", "E-0101"}


def test_cases_in_every_status_with_clients_bands_and_documents(demo: tuple[Path, str]) -> None:
    path, _summary = demo
    statuses = dict(rows(path, "SELECT status, count(*) FROM agency_cases GROUP BY status"))
    assert set(statuses) == {
        "new",
        "in_progress",
        "payment_plan",
        "legal",
        "closed_paid",
        "closed_unrecoverable",
        "returned",
    }
    assert one(path, "SELECT count(*) FROM agency_cases WHERE closed_on IS NOT NULL") == sum(
        statuses[s] for s in ("closed_paid", "closed_unrecoverable", "returned")
    )
    bands = rows(
        path,
        "SELECT c.code, b.from_days, b.percent FROM agency_commission_bands b "
        "JOIN agency_clients c ON c.id = b.client_id WHERE c.code = 'ELCANT' ORDER BY b.from_days",
    )
    assert [(code, days, money(p)) for code, days, p in bands] == [
        ("ELCANT", 0, Decimal(15)),
        ("ELCANT", 180, Decimal(20)),
        ("ELCANT", 365, Decimal(25)),
    ]
    assert one(path, "SELECT count(DISTINCT client_id) FROM agency_commission_bands") == 3
    # Each case's documents add up to its principal.
    wrong = rows(
        path,
        "SELECT c.number FROM agency_cases c JOIN agency_case_documents d ON d.case_id = c.id "
        "GROUP BY c.id HAVING sum(d.amount) <> c.principal",
    )
    assert wrong == []
    # A closed-paid case collected its whole debt.
    unpaid = rows(
        path,
        "SELECT c.number FROM agency_cases c JOIN agency_collections k ON k.case_id = c.id "
        "WHERE c.status = 'closed_paid' AND k.state = 'approved' GROUP BY c.id "
        "HAVING sum(k.amount) <> c.principal + c.interest + c.fees",
    )
    assert unpaid == []
    # Some debtors have several case files.
    assert (
        one(
            path,
            "SELECT count(*) FROM (SELECT debtor_id FROM agency_cases GROUP BY debtor_id "
            "HAVING count(*) > 1)",
        )
        > 0
    )


def test_collections_to_approve_rejected_and_a_reversal(demo: tuple[Path, str]) -> None:
    path, _summary = demo
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    assert one(path, "SELECT max(collected_on) FROM agency_collections") <= yesterday
    first = one(path, "SELECT min(collected_on) FROM agency_collections WHERE state = 'approved'")
    assert first < (TODAY - dt.timedelta(days=365)).isoformat()
    unapproved = rows(
        path,
        "SELECT e.user_name, c.collected_on, c.received FROM agency_collections c "
        "JOIN employees e ON e.id = c.collected_by_id WHERE c.state = 'unapproved'",
    )
    since = (TODAY - dt.timedelta(days=UNAPPROVED_DAYS)).isoformat()
    assert all(day >= since for _u, day, _r in unapproved)
    by = Counter(user for user, _d, _r in unapproved)
    assert by[DEMO_USER] >= 2  # the login user's own: another supervisor approves them
    assert sum(n for user, n in by.items() if user != DEMO_USER) >= 2
    assert {received for _u, _d, received in unapproved} == {0, 1}
    rejected = rows(
        path,
        "SELECT rejection_reason, decided_by_id IS NOT NULL, approved_by_id FROM "
        "agency_collections WHERE state = 'rejected'",
    )
    assert rejected
    assert all(reason and decided and approved is None for reason, decided, approved in rejected)
    reversal = rows(
        path,
        "SELECT r.amount, o.amount, r.state, o.state, r.collected_on >= o.collected_on, r.note "
        "FROM agency_collections r JOIN agency_collections o ON o.id = r.reverses_id",
    )
    assert len(reversal) == 1
    amount, original, state, original_state, later, note = reversal[0]
    assert money(amount) == -money(original) < 0
    assert (state, original_state, later) == ("approved", "approved", 1)
    assert note == "Cheque returned unpaid by the debtor's bank."
    # Each collection's history starts with "recorded"; decisions are kept.
    changes = dict(rows(path, "SELECT change, count(*) FROM agency_collection_history GROUP BY 1"))
    assert changes["recorded"] == one(
        path, "SELECT count(*) FROM agency_collections WHERE reverses_id IS NULL"
    )
    assert changes["approved"] > 0
    assert changes["rejected"] == len(rejected)
    assert changes["reversed"] == 1
    assert changes["not_received"] > 0


def test_annotations_of_every_kind_and_actions_scheduled_ahead(demo: tuple[Path, str]) -> None:
    path, _summary = demo
    kinds = dict(rows(path, "SELECT kind, count(*) FROM agency_annotations GROUP BY kind"))
    assert set(kinds) == {"locate", "registry", "observation", "call", "visit", "letter", "burofax"}
    assert (
        one(
            path,
            "SELECT count(*) FROM agency_annotations WHERE kind = 'locate' AND "
            "(source IS NULL OR found_value IS NULL)",
        )
        == 0
    )
    located = rows(
        path,
        "SELECT count(*) FROM agency_annotations a JOIN agency_cases c ON c.id = a.case_id "
        "JOIN agency_debtor_contacts k ON k.debtor_id = c.debtor_id AND k.value = a.found_value "
        "AND k.source = a.source WHERE a.kind = 'locate'",
    )
    assert located[0][0] == kinds["locate"]  # the located contact joined the debtor's
    registry = rows(
        path,
        "SELECT a.new_name, a.new_tax_id, d.successor_name, d.successor_tax_id, d.kind "
        "FROM agency_annotations a JOIN agency_cases c ON c.id = a.case_id "
        "JOIN agency_debtors d ON d.id = c.debtor_id WHERE a.kind = 'registry'",
    )
    assert registry
    assert all(r[0] == r[2] and r[1] == r[3] and r[4] == "company" for r in registry)
    scheduled = dict(
        rows(
            path,
            "SELECT substr(scheduled_on, 1, 7), count(*) FROM agency_annotations "
            "WHERE scheduled_on >= ? AND done_on IS NULL GROUP BY 1",
            TODAY.isoformat(),
        )
    )
    assert set(scheduled) == {"2026-11", "2026-12"}
    done = one(
        path,
        "SELECT count(*) FROM agency_annotations WHERE done_on IS NOT NULL AND "
        "kind IN ('call', 'visit', 'letter', 'burofax')",
    )
    assert done > CASES // 2
    # The case's last action is its latest collection or action done.
    assert (
        rows(
            path,
            "SELECT number FROM agency_cases WHERE last_action_on IS NULL AND status <> 'new'",
        )
        == []
    )


def test_promises_and_plans_kept_broken_and_due_soon(demo: tuple[Path, str]) -> None:
    path, _summary = demo
    kinds = dict(rows(path, "SELECT kind, count(*) FROM agency_plans GROUP BY kind"))
    assert kinds["promise"] >= 4
    assert kinds["plan"] >= 1
    months = {
        r[0] for r in rows(path, "SELECT DISTINCT substr(due_on, 1, 7) FROM agency_instalments")
    }
    assert {"2026-11", "2026-12"} <= months
    # Nothing is agreed after the demo's last day, nor after its first instalment is due.
    latest = rows(path, "SELECT max(agreed_on) FROM agency_plans")[0][0]
    assert latest <= (TODAY - dt.timedelta(days=1)).isoformat()
    # The scripted plan (ELCANT's, worked by E-0102, agreed 95 days ago): its first
    # instalment paid on time, its second not, one due this month.
    plan = rows(
        path,
        "SELECT i.number, i.due_on, i.amount, (SELECT count(*) FROM agency_collections k "
        "WHERE k.case_id = c.id AND k.amount = i.amount AND k.collected_on <= i.due_on "
        "AND k.collected_on > date(i.due_on, '-5 days')) FROM agency_instalments i "
        "JOIN agency_plans p ON p.id = i.plan_id JOIN agency_cases c ON c.id = p.case_id "
        f"{SCRIPTED} AND p.kind = 'plan' AND p.agreed_on = ? ORDER BY i.number",
        (TODAY - dt.timedelta(days=95)).isoformat(),
    )
    assert plan[0][3] == 1
    assert plan[1][3] == 0
    assert plan[1][1] < TODAY.isoformat()
    assert any(THIS_MONTH.isoformat() <= due < NEXT_MONTH.isoformat() for _n, due, _a, _k in plan)
    # The scripted promise due 40 days ago was kept, the one due 30 days ago broken.
    kept = rows(
        path,
        "SELECT i.due_on, (SELECT count(*) FROM agency_collections k WHERE k.case_id = c.id "
        "AND k.amount = i.amount AND k.state = 'approved' AND k.collected_on <= i.due_on "
        "AND k.collected_on >= p.agreed_on) FROM agency_cases c "
        "JOIN agency_plans p ON p.case_id = c.id JOIN agency_instalments i ON i.plan_id = p.id "
        f"{SCRIPTED} AND p.kind = 'promise' AND i.due_on IN (?, ?) ORDER BY i.due_on",
        (TODAY - dt.timedelta(days=40)).isoformat(),
        (TODAY - dt.timedelta(days=30)).isoformat(),
    )
    assert kept == [
        ((TODAY - dt.timedelta(days=40)).isoformat(), 1),
        ((TODAY - dt.timedelta(days=30)).isoformat(), 0),
    ]
    # Case numbers follow the days the cases were assigned.
    assigned = [r[0] for r in rows(path, "SELECT assigned_on FROM agency_cases ORDER BY number")]
    assert assigned == sorted(assigned)


def test_expenses_of_two_months_in_every_state_with_receipts(demo: tuple[Path, str]) -> None:
    path, _summary = demo
    states = rows(
        path, "SELECT month, state, count(*) FROM agency_expenses GROUP BY 1, 2 ORDER BY 1, 2"
    )
    by_month: dict[str, set[str]] = {}
    for month, state, _count in states:
        by_month.setdefault(str(month), set()).add(str(state))
    assert by_month == {
        LAST_MONTH.isoformat(): {"approved", "rejected", "submitted"},
        THIS_MONTH.isoformat(): {"approved", "draft", "submitted"},
    }
    assert {r[0] for r in rows(path, "SELECT DISTINCT kind FROM agency_expenses")} == {
        "fuel",
        "calls",
        "burofax",
        "travel",
        "other",
    }
    assert (
        one(
            path,
            "SELECT count(*) FROM agency_expenses WHERE state = 'rejected' AND "
            "rejection_reason IS NULL",
        )
        == 0
    )
    assert (
        one(
            path,
            "SELECT count(*) FROM agency_expenses WHERE spent_on > ? OR "
            "substr(spent_on, 1, 7) <> substr(month, 1, 7)",
            TODAY.isoformat(),
        )
        == 0
    )
    attachments = rows(
        path,
        "SELECT media_type, size, sha256, content, expense_id IS NOT NULL FROM agency_attachments",
    )
    assert {a[0] for a in attachments} == {"image/png", "application/pdf"}
    for media, size, digest, content, _of_expense in attachments:
        assert isinstance(content, bytes)
        assert len(content) == size
        assert hashlib.sha256(content).hexdigest() == digest
        assert content.startswith(b"\x89PNG\r\n\x1a\n" if media == "image/png" else b"%PDF-")
    assert sum(1 for a in attachments if not a[4]) >= 1  # a registry extract on an annotation


def test_the_receipts_are_valid_files() -> None:
    png = tiny_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png.endswith(b"IEND\xaeB`\x82")
    pdf = tiny_pdf("Fuel: 45.10 EUR (receipt)")
    assert pdf.startswith(b"%PDF-1.4")
    assert pdf.rstrip().endswith(b"%%EOF")
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[start:].startswith(b"xref")


def test_same_seed_same_agency_another_seed_another(tmp_path: Path) -> None:
    def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
        return {t: rows(path, f"SELECT * FROM {t} ORDER BY id") for t in AGENCY_TABLES}

    write(tmp_path / "a.sqlite", seed=9, cases=40)
    write(tmp_path / "b.sqlite", seed=9, cases=40)
    write(tmp_path / "c.sqlite", seed=10, cases=40)
    first = dump(tmp_path / "a.sqlite")
    assert first == dump(tmp_path / "b.sqlite")
    other = dump(tmp_path / "c.sqlite")
    assert first["agency_clients"] != other["agency_clients"]  # ids and contacts differ
    assert first["agency_collections"] != other["agency_collections"]


def test_written_into_a_company_without_the_demo(any_db: Database) -> None:
    """A company with no employees gets the login user made for it (SQLite and PostgreSQL)."""
    with any_db.sessions.begin() as session:
        counts = write_demo_agency(session, cases=15, seed=2, today=TODAY)
    assert (counts.cases, counts.staff, counts.clients) == (15, 7, 8)
    assert counts.collections > 15
    with any_db.sessions() as session:
        from sqlalchemy import text

        users = session.execute(
            text(
                "SELECT e.user_name, s.is_supervisor FROM agency_staff s JOIN employees e "
                "ON e.id = s.employee_id WHERE e.number = 'E-0001'"
            )
        ).all()
    assert [tuple(u) for u in users] == [(DEMO_USER, True)]
