"""``bank import`` and ``bank match`` as a subprocess: per file what was stored, exit 2 when
a file was refused (the others stored), a statement that does not add up stored only with
--accept-differences, and the matching printed, then confirmed above a confidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import BankLineState, BankStatementLine, TransactionType
from collections_desktop.models.ledger.balances import open_amount
from tests.bank_files import ACCOUNT, Entry, camt053
from tests.unit.test_nsf import NOW, add_customer, post

D = Decimal
TODAY = NOW.date()


@pytest.fixture
def books(sqlite_db: Database, tmp_path: Path) -> dict:
    with sqlite_db.sessions.begin() as session:
        ruiz = add_customer(session)
        first = post(session, ruiz, TransactionType.INVOICE, "1210.00", dt.date(2026, 10, 1),
                     due_date=dt.date(2026, 10, 31))  # fmt: skip
        second = post(session, ruiz, TransactionType.INVOICE, "500.00", dt.date(2026, 10, 5),
                      due_date=dt.date(2026, 11, 4))  # fmt: skip
        numbers = (first.document_number, second.document_number)
        ids = (first.id, second.id)
    entries = [
        Entry(D("1210.00"), dt.date(2026, 11, 16), "RUIZ HERMANOS", text=f"INV {numbers[0]}"),
        Entry(D("-35.40"), dt.date(2026, 11, 17), text="Bank charges"),
        Entry(D("500.00"), dt.date(2026, 11, 18), "RUIZ HERMANOS", text=f"Factura {numbers[1]}"),
        Entry(D("77.00"), dt.date(2026, 11, 20), "J. GARCIA", text="Donation?"),
    ]
    good = tmp_path / "week.xml"
    good.write_bytes(camt053(entries))
    short = tmp_path / "short.xml"
    short.write_bytes(camt053(entries[:1], number="2026-48", closing_gap=D("-10.00")))
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<Document><BkToCstmrStmt>")
    return {
        "database": sqlite_db,
        "url": str(tmp_path / "company.sqlite"),
        "good": good,
        "short": short,
        "broken": broken,
        "numbers": numbers,
        "ids": ids,
    }


def lines_by_state(database: Database) -> dict[str, int]:
    with database.sessions() as session:
        return dict(
            session.execute(
                select(BankStatementLine.state, func.count()).group_by(BankStatementLine.state)
            ).all()
        )


def test_import_stores_each_file_whole_and_names_a_refused_one(run_cli, books) -> None:
    result = run_cli("--database", books["url"], "bank", "import",
                     str(books["good"]), str(books["broken"]))  # fmt: skip
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "week.xml (camt.053.001.02): 1 statement, 4 new lines, 0 already known, "
        "3 new credits waiting"
    ]
    assert result.stderr.startswith("error: broken.xml")
    assert lines_by_state(books["database"]) == {"open": 3, "outgoing": 1}
    again = run_cli("--database", books["url"], "bank", "import", str(books["good"]))
    assert again.returncode == 0
    assert again.stdout.strip() == (
        "week.xml (camt.053.001.02): 1 statement, 0 new lines, 4 already known, "
        "0 new credits waiting"
    )


def test_a_statement_that_does_not_add_up_is_stored_only_when_accepted(run_cli, books) -> None:
    refused = run_cli("--database", books["url"], "bank", "import", str(books["short"]))
    assert refused.returncode == 2
    assert refused.stderr.startswith(
        f"error: short.xml: statement 2026-48 of {ACCOUNT} does not add up."
    )
    assert lines_by_state(books["database"]) == {}
    kept = run_cli("--database", books["url"], "bank", "import", str(books["short"]),
                   "--accept-differences")  # fmt: skip
    assert kept.returncode == 0
    assert kept.stdout.strip() == (
        "short.xml (camt.053.001.02): 1 statement, 1 new line, 0 already known, "
        f"1 new credit waiting; statement 2026-48 of {ACCOUNT}: a difference of 10.00 EUR kept"
    )


def test_match_prints_the_suggestions_and_confirms_those_above_the_bar(run_cli, books) -> None:
    assert run_cli("--database", books["url"], "bank", "import", str(books["good"])).returncode == 0
    listed = run_cli("--database", books["url"], "bank", "match")
    assert listed.returncode == 0
    out = listed.stdout.replace("\xa0", " ").splitlines()
    assert out[0].startswith("1,210.00 EUR of Nov 16, 2026 from RUIZ HERMANOS: ")
    assert books["numbers"][0] in out[0]
    assert " % (" in out[0]
    assert out[2] == "77.00 EUR of Nov 20, 2026 from J. GARCIA: no suggestion"
    assert out[-1] == "3 lines waiting, 2 with a suggestion."
    assert lines_by_state(books["database"])["open"] == 3  # printing writes nothing
    confirmed = run_cli("--database", books["url"], "bank", "match", "--confirm-above", "1")
    assert confirmed.returncode == 0
    assert confirmed.stdout.splitlines()[-1] == "2 confirmed, 0 refused, 1 left waiting."
    assert lines_by_state(books["database"]) == {"open": 1, "confirmed": 2, "outgoing": 1}
    with books["database"].sessions() as session:
        assert [open_amount(session, i, TODAY) for i in books["ids"]] == [D("0.00"), D("0.00")]
    bad = run_cli("--database", books["url"], "bank", "match", "--confirm-above", "0")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: --confirm-above is a percentage from 1 to 100."
    assert BankLineState.CONFIRMED == "confirmed"
