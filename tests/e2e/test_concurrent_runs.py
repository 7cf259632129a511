"""Two runs at once post once: the daily jobs and imports, as two real processes.

Each test starts the same command twice at the same moment on one database (a SQLite
file, and a PostgreSQL database), and compares the rows with those of ONE run of the
command on a fresh copy of the same data. Either process may find the other's work done
(and report nothing to do) or wait and then report another run (exit 2); neither may
post a second copy or die with a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from collections_desktop.cli import main as cli_main
from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import FixedClock, SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.setup import create_company
from tests.shared_data import shared_file

DEMO_TODAY = dt.date(2026, 11, 23)
AS_OF = "2026-11-30"
IBM = "ar/ibm/WA_Fn-UseC_-Accounts-Receivable.csv"
MAPPING = Path(__file__).resolve().parents[2] / "docs/import-mappings/ibm-accounts-receivable.toml"
COUNTED = (
    "customers",
    "customer_transactions",
    "settlements",
    "settlement_lines",
    "journals",
    "interest_notes",
    "interest_note_lines",
    "collection_letters",
    "collection_letter_lines",
    "promise_results",
    "activities",
)

Copies = Callable[[], str]


def _admin(server: str):  # type: ignore[no-untyped-def]
    return create_engine(server, isolation_level="AUTOCOMMIT")


def _pg_url(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 200-customer demo company whose books run to 2026-11-22."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    write_demo_company(path, customers=200, seed=3, today=DEMO_TODAY)
    with create_engine(f"sqlite:///{path}").connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="module")
def demo_pg(pg_admin_url: str) -> Iterator[str]:
    """The same demo company in a PostgreSQL database used as a template."""
    name = f"cd_demo_{uuid.uuid4().hex[:10]}"
    admin = _admin(pg_admin_url)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        write_demo_company(_pg_url(pg_admin_url, name), customers=200, seed=3, today=DEMO_TODAY)
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _sqlite_copies(source: Path, folder: Path) -> Copies:
    made = iter(range(1000))

    def copy() -> str:
        target = folder / f"copy{next(made)}.sqlite"
        shutil.copy(source, target)
        return str(target)

    return copy


@pytest.fixture
def pg_copies(pg_admin_url: str) -> Iterator[Callable[[str | None], str]]:
    """Fresh PostgreSQL databases: copies of a template, or empty; dropped afterwards."""
    admin, names = _admin(pg_admin_url), []

    def make(template: str | None) -> str:
        name = f"cd_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            clause = f' TEMPLATE "{template}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        names.append(name)
        return _pg_url(pg_admin_url, name)

    yield make
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_copies(request: pytest.FixtureRequest, tmp_path: Path) -> Copies:
    """Fresh copies of the demo company, on SQLite or on PostgreSQL."""
    if request.param == "sqlite":
        return _sqlite_copies(request.getfixturevalue("demo_sqlite"), tmp_path)
    template = request.getfixturevalue("demo_pg")
    make = request.getfixturevalue("pg_copies")
    return lambda: make(template)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def company_copies(request: pytest.FixtureRequest, tmp_path: Path) -> Copies:
    """Fresh empty companies keeping their books in US dollars (the IBM sample's)."""

    def create(url: str) -> str:
        database = open_company(url, clock=SystemClock())
        with database.sessions.begin() as session:
            create_company(session, "Import SA", "USD", FixedClock.on(DEMO_TODAY).now())
        database.dispose()
        return url

    if request.param == "sqlite":
        made = iter(range(1000))
        return lambda: create(str(tmp_path / f"company{next(made)}.sqlite"))
    make = request.getfixturevalue("pg_copies")
    return lambda: create(make(None))


def counts(url: str) -> dict[str, int]:
    """The rows of every posted table (and activities) in the database at ``url``."""
    database = open_company(url, clock=SystemClock())
    try:
        with database.engine.connect() as connection:
            return {
                table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in COUNTED
            }
    finally:
        database.dispose()


def run(*args: str) -> None:
    """The command once, to the end, in this process (the reference to compare with)."""
    assert cli_main(list(args)) == 0


def run_twice_at_once(*args: str) -> list[tuple[int, str, str]]:
    """The command started twice at the same moment: (exit code, stdout, stderr) of each."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANGUAGE="en")
    command = [sys.executable, "-m", "collections_desktop", *args]
    processes = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for _ in range(2)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out, err))
    return results


def assert_clean(results: list[tuple[int, str, str]]) -> None:
    """Both ended with success or 'another run' (exit 2), never a traceback."""
    for code, _out, err in results:
        assert "Traceback" not in err, err
        assert code == 0 or (code == 2 and "Another run" in err), (code, err)
    assert any(code == 0 for code, _out, _err in results)


def test_two_interest_runs_post_each_note_once(demo_copies: Copies) -> None:
    once, twice = demo_copies(), demo_copies()
    run("interest", "--as-of", AS_OF, "--database", once)
    expected = counts(once)
    assert expected["interest_notes"] > 20  # the race has something to double

    results = run_twice_at_once("interest", "--as-of", AS_OF, "--database", twice)
    assert_clean(results)
    assert counts(twice) == expected
    # Each run posts a few hundred customers per transaction; whichever comes second to a
    # customer finds its notes posted: between them, every note once.
    created = [out.strip().splitlines()[-1] for code, out, _err in results if code == 0]
    made = sum(int(line.split()[0].replace(",", "")) for line in created)
    assert made == expected["interest_notes"]


def test_two_letter_runs_post_each_letter_once(demo_copies: Copies) -> None:
    once, twice = demo_copies(), demo_copies()
    run("letters", "--as-of", AS_OF, "--database", once)
    expected = counts(once)
    assert expected["collection_letters"] > counts(twice)["collection_letters"] + 20

    results = run_twice_at_once("letters", "--as-of", AS_OF, "--database", twice)
    assert_clean(results)
    assert counts(twice) == expected


def test_two_promise_runs_judge_each_promise_once(demo_copies: Copies) -> None:
    once, twice = demo_copies(), demo_copies()
    run("promises", "--as-of", AS_OF, "--database", once)
    expected = counts(once)
    assert expected["promise_results"] > counts(twice)["promise_results"]

    results = run_twice_at_once("promises", "--as-of", AS_OF, "--database", twice)
    assert_clean(results)
    assert counts(twice) == expected


def test_two_imports_at_once_post_each_document_once(
    company_copies: Copies, tmp_path: Path
) -> None:
    """The first import creates customers; the next two add documents to existing ones."""
    ibm = shared_file(IBM)
    lines = ibm.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    first_half = tmp_path / "first-half.csv"
    first_half.write_text("".join(lines[:1201]), encoding="utf-8")
    import_ = ("import", "receivables")

    once, twice = company_copies(), company_copies()
    for url in (once, twice):
        run(*import_, str(first_half), "--mapping", str(MAPPING), "--database", url)
    run(*import_, str(ibm), "--mapping", str(MAPPING), "--database", once)
    expected = counts(once)
    assert expected["customer_transactions"] == 4932

    results = run_twice_at_once(*import_, str(ibm), "--mapping", str(MAPPING), "--database", twice)
    assert_clean(results)
    assert counts(twice) == expected


def test_two_first_imports_at_once_create_each_customer_once(company_copies: Copies) -> None:
    """Both imports create the same customers: one does, the other finds them there."""
    url = company_copies()
    results = run_twice_at_once(
        "import",
        "receivables",
        str(shared_file(IBM)),
        "--mapping",
        str(MAPPING),
        "--database",
        url,
    )
    assert_clean(results)
    assert counts(url)["customers"] == 100
    assert counts(url)["customer_transactions"] == 4932
