"""``collections-desktop statements``: the month's statements of the customers with an open
balance, as PDF and XLSX files named by account and month, a count at the end, progress
on stderr; a second run replaces each file in one step; refusals are exit 2 in words."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import TransactionType
from collections_desktop.models.ledger import settlements
from tests.unit.test_scope import add_agent, add_pool
from tests.unit.test_statements import NOW, add_customer, euro_books, post

PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture
def books(sqlite_db: Database, tmp_path: Path) -> dict[str, str]:
    """Two customers owing at the end of November (one in Spain, one in the UK), one who
    paid everything, and an agent of the Portuguese customers only."""
    with sqlite_db.sessions() as session:
        spanish, _docs = euro_books(session)
        english = add_customer(session, country="GB", language="en", name="Lawrence & Smith Ltd")
        post(session, english, TransactionType.INVOICE, "1234.56", dt.date(2026, 11, 3))
        paid = add_customer(session, name="Paid Up SA")
        invoice = post(session, paid, TransactionType.INVOICE, "80.00", dt.date(2026, 11, 1))
        payment = post(session, paid, TransactionType.PAYMENT, "80.00", dt.date(2026, 11, 9))
        settlements.settle(
            session, {invoice.id: Decimal(80), payment.id: Decimal(80)}, dt.date(2026, 11, 9), NOW
        )
        agent = add_agent(session, [add_pool(session, ["PT"])])
        session.commit()
        found = {"es": spanish.account, "en": english.account, "paid": paid.account}
    sqlite_db.dispose()
    return {**found, "agent": agent, "database": str(tmp_path / "company.sqlite")}


def test_statements_are_written_counted_and_replaced_whole(run_cli, books, tmp_path) -> None:
    pdf, xlsx = tmp_path / "out" / "pdf", tmp_path / "out" / "xlsx"
    args = ("statements", "--month", "2026-11", "--pdf", str(pdf), "--xlsx", str(xlsx))
    done = run_cli(*args, "--database", books["database"])
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"2 statements for 2026-11 written to {pdf}, {xlsx}\n"
    assert done.stderr.splitlines()[-1] == "Statement 2 of 2: " + max(books["es"], books["en"])
    names = sorted(f"{books[who]}-2026-11" for who in ("es", "en"))
    assert sorted(p.name for p in pdf.iterdir()) == [f"{n}.pdf" for n in names]
    assert sorted(p.name for p in xlsx.iterdir()) == [f"{n}.xlsx" for n in names]
    sheet = load_workbook(io.BytesIO((xlsx / f"{books['es']}-2026-11.xlsx").read_bytes())).active
    closing = next(r for r in sheet.iter_rows(values_only=True) if r[2] == "Saldo final")
    assert closing[6] == 810
    if PDFTOTEXT is not None:
        text = subprocess.run(
            [PDFTOTEXT, str(pdf / f"{books['en']}-2026-11.pdf"), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert "Lawrence & Smith Ltd" in text
        assert "1,234.56" in text

    # A second run writes every file again under the same name: a new file moved into
    # place (a new inode), never the old one rewritten, and no temporary file left.
    before = {p.name: os.stat(p).st_ino for p in (*pdf.iterdir(), *xlsx.iterdir())}
    again = run_cli(*args, "--database", books["database"])
    assert again.returncode == 0, again.stderr
    after = {p.name: os.stat(p).st_ino for p in (*pdf.iterdir(), *xlsx.iterdir())}
    assert sorted(after) == sorted(before)
    assert all(after[name] != before[name] for name in after)
    for path in pdf.iterdir():
        data = path.read_bytes()
        assert data.startswith(b"%PDF")
        assert data.rstrip().endswith(b"%%EOF")


def test_one_customer_and_the_listing(run_cli, books, tmp_path) -> None:
    done = run_cli(
        "statements", "--month", "2026-11", "--customer", books["en"], "--pdf",
        str(tmp_path), "--database", books["database"],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"1 statement for 2026-11 written to {tmp_path}\n"
    listed = run_cli("statements", "--month", "2026-11", "--database", books["database"])
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == sorted(
        [
            f"{books['es']}  Ruiz Hermanos SL: 800.00 to 810.00 EUR, 4 movements",
            f"{books['en']}  Lawrence & Smith Ltd: 0.00 to 1,234.56 EUR, 1 movement",
        ]
    )
    paid = run_cli(
        "statements", "--month", "2026-11", "--customer", books["paid"],
        "--database", books["database"],
    )  # fmt: skip
    assert paid.stdout == "No customer has an open balance on Nov 30, 2026.\n"


def test_refusals_write_nothing(run_cli, books, tmp_path) -> None:
    folder = tmp_path / "pdf"
    outside = run_cli(
        "statements", "--month", "2026-11", "--user", books["agent"], "--customer",
        books["es"], "--pdf", str(folder), "--database", books["database"],
    )  # fmt: skip
    assert outside.returncode == 2
    assert "cannot see this customer: it is outside their pools" in outside.stderr
    assert list(folder.iterdir()) == []  # checked (made) before anything is read, left empty
    for month in ("2026-13", "November"):
        bad = run_cli("statements", "--month", month, "--database", books["database"])
        assert bad.returncode == 2
        assert bad.stderr == (
            f"error: {month} is no month: write the year and the month, like 2026-11.\n"
        )
    nobody = run_cli(
        "statements", "--month", "2026-11", "--user", books["agent"], "--pdf", str(folder),
        "--database", books["database"],
    )  # fmt: skip
    assert nobody.returncode == 0
    assert nobody.stdout == "No customer has an open balance on Nov 30, 2026.\n"
    assert list(folder.iterdir()) == []
