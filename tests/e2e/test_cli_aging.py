"""``collections-desktop aging`` and ``snapshot`` on a company with known figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from sqlalchemy import func, select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import AgingSnapshot, AgingSnapshotCustomer
from tests.unit.test_snapshot import add_customer, history, invoice


def company(sqlite_db: Database) -> tuple[str, str, str]:
    """The history customer (balance 1,400.00) and one with 50.00 over 120 days."""
    with sqlite_db.sessions() as session:
        first = history(session)
        second = add_customer(session)
        invoice(session, second, "50.00", dt.date(2026, 1, 31))
        session.commit()
        accounts = first.account, second.account
    sqlite_db.dispose()
    return str(sqlite_db.url.database), *accounts


def test_aging_as_csv_has_a_header_a_row_per_customer_and_a_total(run_cli, sqlite_db) -> None:
    path, first, second = company(sqlite_db)
    result = run_cli("aging", "--as-of", "2026-11-23", "--format", "csv", "--database", path)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [
        "customer_account",
        "customer_name",
        "Current",
        "1-30 days",
        "31-60 days",
        "61-90 days",
        "91-120 days",
        "Over 120 days",
        "Unapplied",
        "balance",
    ]
    assert rows[1] == [first, "Snapshot SA", "700.00", "300.00", "400.00", "0.00", "0.00",
                       "0.00", "0.00", "1400.00"]  # fmt: skip
    assert rows[2] == [second, "Snapshot SA", "0.00", "0.00", "0.00", "0.00", "0.00",
                       "50.00", "0.00", "50.00"]  # fmt: skip
    assert rows[3] == ["TOTAL", "", "700.00", "300.00", "400.00", "0.00", "0.00", "50.00",
                       "0.00", "1450.00"]  # fmt: skip
    assert len(rows) == 4


def test_aging_of_a_past_date_as_json_and_as_a_table(run_cli, sqlite_db) -> None:
    path, first, _second = company(sqlite_db)
    result = run_cli("aging", "--as-of", "2026-10-15", "--format", "json", "--database", path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["as_of"] == "2026-10-15"
    assert document["definition"] == "Standard"
    customer, other = document["customers"]
    assert customer["customer_account"] == first
    assert customer["columns"]["Current"] == "700.00"
    assert customer["columns"]["1-30 days"] == "1000.00"  # paid on 31 Oct, open on 15 Oct
    assert other["columns"]["Over 120 days"] == "50.00"
    assert document["totals"]["balance"] == "1750.00"

    table = run_cli("aging", "--as-of", "2026-11-23", "--database", path)
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["Account", "Name", "Current"]
    assert lines[-1].split() == ["Total", "700.00", "300.00", "400.00", "0.00", "0.00",
                                 "50.00", "0.00", "1,450.00"]  # fmt: skip


def test_snapshot_stores_and_summarises(run_cli, sqlite_db) -> None:
    path, _first, _second = company(sqlite_db)
    result = run_cli("snapshot", "--as-of", "2026-11-23", "--database", path)
    assert result.returncode == 0, result.stderr
    assert "stored: 2 customers as of Nov 23, 2026, definition “Standard”, all pools" in (
        result.stdout
    )
    lines = result.stdout.splitlines()
    assert lines[-2].split() == ["Balance", "1,450.00"]
    # Then the snapshot's customers' open invoices are predicted from the settled ones.
    assert lines[-1] == (
        "Open invoices predicted: 4; customers: 2; settled invoices learned from: 3."
    )
    with sqlite_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AgingSnapshot)) == 1
        assert session.scalar(select(func.count()).select_from(AgingSnapshotCustomer)) == 2
    sqlite_db.dispose()


def test_bad_arguments_exit_2_with_a_message(run_cli, sqlite_db) -> None:
    path, _first, _second = company(sqlite_db)
    cases = [
        (("aging", "--as-of", "23/11/2026"), "--as-of must be a date like 2026-11-23"),
        (("aging", "--pool", "Nowhere"), "There is no pool called “Nowhere”; the pools are: "),
        (("aging", "--definition", "Weekly"), "the definitions are: Standard"),
        (("snapshot", "--user", "nobody"), "nobody is not a collections agent"),
    ]
    for args, message in cases:
        result = run_cli(*args, "--database", path)
        assert result.returncode == 2, args
        assert message in result.stderr, result.stderr


def test_a_new_company_imports_the_ibm_sample_and_ages_it(run_cli, tmp_path) -> None:
    """new-company, import receivables, then aging as CSV: totals equal the CSV's own sums."""
    from tests.unit.test_receivables_import import IBM, MAPPINGS, data, expected_ibm, read_csv

    path = str(tmp_path / "company.sqlite")
    created = run_cli("new-company", "IBM sample", "--currency", "USD", "--database", path)
    assert created.returncode == 0, created.stderr
    assert run_cli("new-company", "Twice", "--database", path).returncode == 2
    source = data(IBM)
    mapping = str(MAPPINGS / "ibm-accounts-receivable.toml")
    imported = run_cli(
        "import", "receivables", str(source), "--mapping", mapping, "--database", path
    )
    assert imported.returncode == 0, imported.stderr
    as_of = dt.date(2013, 6, 30)
    result = run_cli("aging", "--as-of", as_of.isoformat(), "--format", "csv", "--database", path)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = expected_ibm(read_csv(source), as_of)
    *customers, total = rows
    assert [r["customer_account"] for r in customers] == sorted(expected)
    for row in customers:
        balance, current, *periods = expected[row["customer_account"]]
        assert row["balance"] == f"{balance:.2f}"
        assert row["Current"] == f"{current:.2f}"
        assert row["1-30 days"] == f"{periods[0]:.2f}"
    assert total["customer_account"] == "TOTAL"
    assert total["balance"] == f"{sum(f[0] for f in expected.values()):.2f}" == "5119.85"
    # Whoever ran new-company works as an administrator agent: New activity is theirs.
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.models.people.scope import load_viewer
    from collections_desktop.models.people.users import login_name

    assert f"its first user is {login_name()}." in created.stdout
    database = open_company(path, clock=SystemClock(), create=False)
    try:
        with database.sessions() as session:
            viewer = load_viewer(session, login_name())
    finally:
        database.dispose()
    assert viewer.is_agent
    assert viewer.may_change_setup
    assert viewer.display_name == login_name()
