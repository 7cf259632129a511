"""``collections-desktop agency report``: a month's agency reports printed as text, and
written as PDF and XLSX; a remittance statement's PDF in the client's language; the
refusals in words with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from collections_desktop.models.db.database import Database
from tests.agency_report_books import write_books
from tests.pdf_text import pdf_text


@pytest.fixture
def database(sqlite_db: Database, tmp_path: Path) -> str:
    write_books(sqlite_db)
    sqlite_db.dispose()
    return str(tmp_path / "company.sqlite")


def test_the_collection_report_is_printed_and_written(run_cli, database, tmp_path) -> None:
    pdf, xlsx = tmp_path / "collections.pdf", tmp_path / "collections.xlsx"
    done = run_cli(
        "agency", "report", "collections", "--month", "2026-10", "--pdf", str(pdf),
        "--xlsx", str(xlsx), "--database", database,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Collections by collector · October 2026"
    assert any(line.startswith("Oct 3, 2026   EXP-000001") for line in lines)
    assert any(line.startswith("Total") and "1,640.49" in line for line in lines)
    assert "Collected          1,640.49\xa0EUR" in lines
    assert "Collectors' share  107.92\xa0EUR" in lines
    assert lines[-2:] == [f"Written to {pdf}", f"Written to {xlsx}"]
    assert "272.60" in pdf_text(pdf)
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert next(row for row in rows if row[0] == "Total")[5] == 1640.49


def test_a_statement_and_a_remittance(run_cli, database, tmp_path) -> None:
    done = run_cli(
        "agency", "report", "statement", "--month", "2026-10", "--collector", "ana",
        "--database", database,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Total to pay             145.24\xa0EUR" in done.stdout.splitlines()
    pdf = tmp_path / "remittance.pdf"
    done = run_cli(
        "agency", "report", "remittance", "--month", "2026-10", "--client", "bej",
        "--pdf", str(pdf), "--database", database,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Net to remit       1,087.49\xa0EUR" in done.stdout.splitlines()
    text = pdf_text(pdf)
    assert "octubre de 2026" in text
    assert "1.087,49" in text


def test_refusals_say_what_to_give(run_cli, database) -> None:
    done = run_cli("agency", "report", "statement", "--month", "2026-10", "--database", database)
    assert done.returncode == 2
    assert done.stderr == (
        "error: A collector's statement needs --collector LOGIN (the collector).\n"
    )
    done = run_cli(
        "agency", "report", "remittance", "--month", "2026-13", "--client", "X",
        "--database", database,
    )  # fmt: skip
    assert done.returncode == 2
    assert "2026-13 is no month" in done.stderr
    done = run_cli(
        "agency", "report", "remittance", "--month", "2026-10", "--client", "NOPE",
        "--database", database,
    )  # fmt: skip
    assert done.stderr == "error: There is no client with code “NOPE”.\n"
