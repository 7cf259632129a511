"""``collections-desktop import receivables`` as a user runs it: output, exit codes, no damage."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from collections_desktop.kernel.clock import FixedClock, SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import create_company
from tests.shared_data import shared_file

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "docs" / "import-mappings" / "ibm-accounts-receivable.toml"
TABLES = ("customers", "customer_transactions", "settlements", "settlement_lines")


def data(name: str) -> Path:
    """A file of the shared sample ledgers (``ar/``)."""
    return shared_file(f"ar/{name}")


def counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture
def company(tmp_path: Path) -> Path:
    """A company keeping its books in US dollars (the IBM sample's amounts)."""
    path = tmp_path / "company.sqlite"
    database = open_company(path, clock=SystemClock())
    with database.sessions.begin() as session:
        create_company(session, "Import SA", "USD", FixedClock.on(dt.date(2026, 11, 23)).now())
    database.dispose()
    return path


def test_import_then_import_again(run_cli, company: Path) -> None:
    ibm = data("ibm/WA_Fn-UseC_-Accounts-Receivable.csv")
    done = run_cli(
        "import", "receivables", str(ibm), "--mapping", str(MAPPING), "--database", str(company)
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "2,466 rows; 100 customers created, 2,466 invoices, 0 credit notes" in done.stdout
    assert "2,466 payments, 2,466 settlements, 561 disputed; 0 rows were already imported" in (
        done.stdout
    )
    after = counts(company)
    assert after == {
        "customers": 100,
        "customer_transactions": 4932,
        "settlements": 2466,
        "settlement_lines": 4932,
    }
    excel = data("ibm/variants/pbifinanceml__WA_Fn-UseC_-Accounts-Receivable.csv")
    again = run_cli(
        "import", "receivables", str(excel), "--mapping", str(MAPPING), "--database", str(company)
    )
    assert again.returncode == 0, again.stderr
    assert "0 customers created, 0 invoices" in again.stdout
    assert "2,466 rows were already imported" in again.stdout
    assert counts(company) == after


def test_bad_rows_exit_2_with_a_row_numbered_report(run_cli, company: Path) -> None:
    dirty = data("ibm/variants/WA_Fn-UseC_-Accounts-Receivable_with_missing.csv")
    before = counts(company)
    done = run_cli(
        "import", "receivables", str(dirty), "--mapping", str(MAPPING), "--database", str(company)
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0].startswith("error: ")
    assert lines[0].endswith("101 rows cannot be imported; nothing was written.")
    assert lines[1].startswith("Row 3, countryCode “897”: contradicts row 58")
    assert lines[-1] == "… and 51 more problems."
    assert "Traceback" not in done.stderr
    assert counts(company) == before


def test_bad_mapping_unknown_header_and_missing_database(
    run_cli, company: Path, tmp_path: Path
) -> None:
    ibm = data("ibm/WA_Fn-UseC_-Accounts-Receivable.csv")
    broken = tmp_path / "broken.toml"
    broken.write_text("[columns]\ncustomer_account = customerID\n", encoding="utf-8")
    done = run_cli(
        "import", "receivables", str(ibm), "--mapping", str(broken), "--database", str(company)
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"error: {broken} is not valid TOML")

    wrong = tmp_path / "wrong.toml"
    wrong.write_text(
        MAPPING.read_text(encoding="utf-8").replace("DueDate", "Due"), encoding="utf-8"
    )
    done = run_cli(
        "import", "receivables", str(ibm), "--mapping", str(wrong), "--database", str(company)
    )
    assert done.returncode == 2
    assert "has no column “Due”" in done.stderr

    nowhere = tmp_path / "nowhere.sqlite"
    done = run_cli(
        "import", "receivables", str(ibm), "--mapping", str(MAPPING), "--database", str(nowhere)
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: There is no database at {nowhere}; nothing was created")
    assert not nowhere.exists()
    assert "Traceback" not in done.stderr
    assert counts(company)["customers"] == 0


def test_a_header_without_rows_exits_2(run_cli, company: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text(
        "customerID,countryCode,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,"
        "SettledDate\n",
        encoding="utf-8",
    )
    before = counts(company)
    done = run_cli(
        "import", "receivables", str(empty), "--mapping", str(MAPPING), "--database", str(company)
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"error: {empty} has a header but no rows; nothing was imported.\n"
    assert counts(company) == before


def test_names_that_are_formulas_are_exported_as_text(
    run_cli, company: Path, tmp_path: Path
) -> None:
    import csv
    import io

    mapping = tmp_path / "named.toml"
    mapping.write_text(
        MAPPING.read_text(encoding="utf-8")
        .replace("[columns]\n", '[columns]\ncustomer_name = "Name"\n')
        .replace('document_type = "invoice"\n', ""),  # a negative amount is a credit note
        encoding="utf-8",
    )
    source = tmp_path / "formulas.csv"
    source.write_text(
        "customerID,Name,countryCode,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,"
        "SettledDate\n"
        'F-1,"=HYPERLINK(""http://evil.example"",""Pay here"")",391,1,1/2/2013,2/1/2013,'
        "100.00,No,\n"
        "F-2,+cmd|' /C calc'!A0,391,2,1/2/2013,2/1/2013,50.00,No,\n"
        "F-2,+cmd|' /C calc'!A0,391,3,1/2/2013,2/1/2013,-80.00,No,\n",
        encoding="utf-8",
    )
    done = run_cli(
        "import", "receivables", str(source), "--mapping", str(mapping), "--database", str(company)
    )
    assert done.returncode == 0, done.stderr
    aged = run_cli("aging", "--as-of", "2013-03-01", "--format", "csv", "--database", str(company))
    assert aged.returncode == 0, aged.stderr
    rows = {row[0]: row for row in csv.reader(io.StringIO(aged.stdout))}
    assert rows["F-1"][1] == '\'=HYPERLINK("http://evil.example","Pay here")'
    assert rows["F-2"][1] == "'+cmd|' /C calc'!A0"
    assert rows["F-2"][-1] == "-30.00"  # a negative balance stays a number
    assert rows["TOTAL"][-1] == "70.00"
