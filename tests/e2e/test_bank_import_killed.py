"""A bank statement import killed with SIGKILL at random points stores the whole file or
nothing of it; the next import stores what is missing, each line once."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from collections_desktop.demo.bank_statement import test_bank, write_camt053
from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from tests.killing import Forker

KILLS = 6
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def forker() -> Iterator[Forker]:
    with Forker(
        "collections_desktop.models.bank.importing",
        "collections_desktop.models.company.opening",
        "tests.killing",
    ) as server:
        yield server


def stored(path: Path) -> tuple[int, int, int]:
    """(statements, lines, distinct import ids) in the file."""
    with sqlite3.connect(path) as connection:
        row = connection.execute(
            "SELECT (SELECT count(*) FROM bank_statements), count(*), count(DISTINCT import_id)"
            " FROM bank_statement_lines"
        ).fetchone()
    connection.close()
    return row


def test_an_import_killed_anywhere_stores_the_file_whole_or_not_at_all(
    forker: Forker, tmp_path: Path
) -> None:
    company = tmp_path / "company.sqlite"
    write_demo_company(company, customers=300, seed=7, today=TODAY)
    database = open_company(company, clock=SystemClock(), create=False)
    with database.sessions() as session:
        statement, _truth = test_bank(session, TODAY, lines=2000, seed=3)
    database.dispose()
    camt = tmp_path / "statement.xml"
    write_camt053(statement, camt)
    lines = len(statement.lines)
    original = company.read_bytes()
    clean_copy = tmp_path / "clean.sqlite"
    clean_copy.write_bytes(original)
    clean = forker.run("tests.killing:import_bank_file", str(clean_copy), str(camt))
    assert clean.code == 0
    assert stored(clean_copy) == (1, lines, lines)

    rng = random.Random(11)
    outcomes: Counter[str] = Counter()
    kills = runs = 0
    while kills < KILLS and runs < 3 * KILLS:
        runs += 1
        run = forker.run(
            "tests.killing:import_bank_file",
            str(company),
            str(camt),
            kill_after=rng.uniform(0, clean.seconds),
        )
        assert run.killed or run.code == 0
        kills += run.killed
        found = stored(company)
        # Nothing of the file, or all of it: never a statement without its lines.
        assert found in ((0, 0, 0), (1, lines, lines)), found
        outcomes[f"{'killed' if run.killed else 'finished'}, {found[1]} lines"] += 1
        if found[1] and kills < KILLS:  # stored whole: start again from the file without it
            for suffix in ("-wal", "-shm"):
                Path(f"{company}{suffix}").unlink(missing_ok=True)
            company.write_bytes(original)
    # The next import completes it; another adds nothing.
    for _again in range(2):
        assert forker.run("tests.killing:import_bank_file", str(company), str(camt)).code == 0
        assert stored(company) == (1, lines, lines)
    assert kills == KILLS
    print(
        f"\nimport of {lines} lines ({clean.seconds:.2f} s uninterrupted): {runs} runs, "
        f"{kills} killed; " + ", ".join(f"{k}: {n}" for k, n in sorted(outcomes.items()))
    )
