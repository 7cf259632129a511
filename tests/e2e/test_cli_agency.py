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


def test_a_new_agency_sets_up_its_clients_and_staff(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A new company's first user (an administrator) adds a client with age bands, a
    supervisor and a collector; the client's file is then imported for that client."""
    import getpass

    database = str(tmp_path / "agency.sqlite")
    me = getpass.getuser()
    made = run_cli("new-company", "Cobros Norte", "--currency", "EUR", "--database", database)
    assert made.returncode == 0, made.stderr
    added = run_cli(
        "agency", "client", "elcant", "--name", "Eléctrica del Cantábrico", "--commission", "15",
        "--band", "365=25", "--band", "180=20", "--language", "es", "--database", database,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == (
        "Client ELCANT (Eléctrica del Cantábrico) added: commission 15 % · "
        "20 % from 180 days, 25 % from 365 days"
    )
    changed = run_cli("agency", "client", "ELCANT", "--commission", "16,5", "--database", database)
    assert changed.returncode == 0, changed.stderr
    assert "changed: commission 16.5 % · 20 % from 180 days" in changed.stdout
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT name, language, currency, commission_percent, remittance_days "
            "FROM agency_clients"
        ).fetchall()
        bands = connection.execute(
            "SELECT from_days, percent FROM agency_commission_bands "
            "WHERE deleted_at IS NULL ORDER BY from_days"
        ).fetchall()
    assert row == [("Eléctrica del Cantábrico", "es", "EUR", 165_000, 15)]  # 1/10,000 units
    assert bands == [(180, 200_000), (365, 250_000)]
    staff = run_cli("agency", "staff", me, "--supervisor", "--share", "5", "--database", database)
    assert staff.returncode == 0, staff.stderr
    assert staff.stdout.strip().endswith(
        "works at the agency desk as a supervisor, with 5 % of commission"
    )
    assert count(database, "SELECT count(*) FROM agency_staff WHERE is_supervisor") == 1
    # Refusals write nothing and say why.
    for args, message in (
        (("client", "NEW"), "error: a new client needs --name and --commission"),
        (("client", "X", "--name", "X", "--commission", "150"), "percentage from 0 to 100"),
        (("client", "Y", "--name", "Y", "--commission", "9", "--band", "90"), "DAYS=PERCENT"),
        (("staff", "nobody"), "no employee has the login nobody"),
        (("client", "Z", "--name", "Z", "--commission", "9", "--user", "nobody"), "is neither"),
    ):
        refused = run_cli("agency", *args, "--database", database)
        assert refused.returncode == 2, refused.stdout
        assert message in refused.stderr
    assert count(database, "SELECT count(*) FROM agency_clients") == 1
    # The sample file names the demo's collectors, who are not this agency's staff.
    imported = run_cli(
        "agency", "import", str(SAMPLE), "--client", "ELCANT", "--mapping", str(MAPPING),
        "--database", database,
    )  # fmt: skip
    assert imported.returncode == 2
    assert "Row 2, Gestor “E-0102”: no one of the agency's staff" in imported.stderr
    assert count(database, "SELECT count(*) FROM agency_cases") == 0
