"""``collections-desktop demo --agency`` and ``agency import`` as a user runs them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "docs" / "import-mappings" / "agency-cases-sample.csv"
MAPPING = ROOT / "docs" / "import-mappings" / "agency-cases.toml"


def count(database: Path, sql: str) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute(sql).fetchone()[0])


def test_the_agency_demo_then_a_client_file_imported_once(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    database = tmp_path / "agency.sqlite"
    done = run_cli(
        "demo", "--agency", "--cases", "40", "--customers", "8", "--seed", "4",
        "--database", str(database),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    company, agency = done.stdout.strip().splitlines()
    assert "8 customers" in company
    collections = count(database, "SELECT count(*) FROM agency_collections")
    unapproved = count(
        database, "SELECT count(*) FROM agency_collections WHERE state = 'unapproved'"
    )
    assert agency.startswith("Agency: 7 staff, 8 clients, ")
    assert f", 40 case files, {collections} collections ({unapproved} unapproved, " in agency
    assert count(database, "SELECT count(*) FROM agency_cases") == 40

    imported = run_cli(
        "agency", "import", str(SAMPLE), "--client", "ELCANT", "--mapping", str(MAPPING),
        "--database", str(database),
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(
        "Imported agency-cases-sample.csv for client ELCANT: 7 rows, 4 case files "
        "(EXP-000041 to EXP-000044), 7 documents; "
    )
    assert count(database, "SELECT count(*) FROM agency_cases") == 44

    again = run_cli(
        "agency", "import", str(SAMPLE), "--client", "ELCANT", "--mapping", str(MAPPING),
        "--database", str(database),
    )  # fmt: skip
    assert again.returncode == 2
    assert again.stdout == ""
    lines = again.stderr.splitlines()
    assert lines[0] == f"error: {SAMPLE}: 4 rows cannot be imported; nothing was written."
    assert lines[1] == (
        "Row 2, Expediente cliente “ELC-2026-0457”: already imported for this client as "
        "case file EXP-000041."
    )
    assert "Traceback" not in again.stderr
    assert count(database, "SELECT count(*) FROM agency_cases") == 44
