"""Processes killed with SIGKILL at random points: an upgrade, a first-run demo.

Each test runs the real code in real processes (``tests/killing.py`` forks them from a
server that imported the app once) and opens the file after every kill, as the next start
of the app would. The figures are printed (``pytest -s``) for the record.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from collections_desktop.demo.load import partial_path
from collections_desktop.models.db.database import head_revision
from tests.killing import Forker
from tests.old_schema import company_at_revision, schema_of

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")

UPGRADE_KILLS = 30
DEMO_KILLS = 6


@pytest.fixture(scope="module")
def forker() -> Iterator[Forker]:
    with Forker(
        "collections_desktop.models.db.database",
        "collections_desktop.models.db.schema",
        "collections_desktop.models.company.setup",
        "collections_desktop.models.company.reference",
        "collections_desktop.demo.load",
        "tests.killing",
    ) as server:
        yield server


def differences(found: dict[str, object], expected: dict[str, object]) -> str:
    """What a file holds that it should not, and lacks, for the assertion's message."""
    extra = set(found["schema"]) - set(expected["schema"])  # type: ignore[arg-type]
    missing = set(expected["schema"]) - set(found["schema"])  # type: ignore[arg-type]
    rows = {
        table: (count, expected["rows"].get(table))  # type: ignore[attr-defined]
        for table, count in found["rows"].items()  # type: ignore[attr-defined]
        if count != expected["rows"].get(table)  # type: ignore[attr-defined]
    }
    return f"at {found['revision']}: extra {extra}, missing {missing}, rows {rows}"


def where_it_stopped(trace: Path) -> str:
    """The step of the upgrade a worker had reached, from its statements (``open_and_close``)."""
    lines = trace.read_text().splitlines() if trace.exists() else []
    if "UPGRADE" in lines:
        lines = lines[lines.index("UPGRADE") :]
        for step, sign in (
            ("upgrade: committing", "COMMIT"),
            ("upgrade: set-up rows and checks", "PRAGMA foreign_key_check"),
            ("upgrade: migration 0004", "version_num='0003'"),
            ("upgrade: 0003's batch copy of activities", "_alembic_tmp_activities"),
            ("upgrade: migration 0003", "CREATE TABLE case_categories"),
            ("upgrade: loading the migrations", ""),
        ):
            if any(sign in line for line in lines):
                return step
    if "BACKUP" in lines:
        return "the backup copy"
    return "opening (start, reading the revision)"


def test_an_upgrade_killed_anywhere_leaves_the_old_schema_or_the_new(
    forker: Forker, tmp_path: Path
) -> None:
    old = company_at_revision(tmp_path / "template.sqlite", "0002", customers=40)
    path = tmp_path / "company.sqlite"
    # One upgrade left to finish: how long it takes, and what it makes.
    shutil.copyfile(old, path)
    clean = forker.run("tests.killing:open_and_close", str(path))
    assert clean.code == 0
    before, after = schema_of(old), schema_of(path)
    assert (before["revision"], after["revision"]) == ("0002", head_revision())
    for backup in path.parent.glob("company.schema-*"):
        backup.unlink()

    rng = random.Random(11)
    outcomes: Counter[str] = Counter()
    stops: Counter[str] = Counter()
    kills = runs = 0
    lasts = clean.seconds
    trace = tmp_path / "statements.txt"
    shutil.copyfile(old, path)
    while kills < UPGRADE_KILLS and runs < 2 * UPGRADE_KILLS:
        runs += 1
        was_old = schema_of(path)["revision"] == "0002"
        trace.unlink(missing_ok=True)
        run = forker.run(
            "tests.killing:open_and_close",
            str(path),
            str(trace),
            kill_after=rng.uniform(0, 1.1 * lasts),
        )
        if run.killed:
            stops[where_it_stopped(trace)] += 1
        assert run.killed or run.code == 0
        kills += run.killed
        if not run.killed:
            lasts = run.seconds  # how long the work takes now (the machine's load varies)
        found = schema_of(path)
        assert found["integrity"] == [("ok",)]
        if found["revision"] == "0002":
            assert found == before, differences(found, before)
            outcomes["killed, old schema"] += 1
        else:
            assert found == after, differences(found, after)
            outcomes[f"{'killed' if run.killed else 'finished'}, new schema"] += 1
            if was_old and runs > 1:
                outcomes["old schema upgraded by the next open"] += 1
            shutil.copyfile(old, path)  # start over from the old schema
    last = forker.run("tests.killing:open_and_close", str(path))
    assert last.code == 0
    assert schema_of(path) == after

    # One copy of the file as it was before its upgrade, however often it was tried.
    copies = sorted(path.parent.glob("company.schema-*"))
    assert len(copies) == 1
    assert copies[0].read_bytes() == old.read_bytes()
    print(
        f"\nupgrade 0002 -> {head_revision()} of a {old.stat().st_size:,}-byte file "
        f"({clean.seconds:.2f} s uninterrupted): {runs} runs, {kills} killed; "
        + ", ".join(f"{what}: {count}" for what, count in sorted(outcomes.items()))
        + f"; backups: {len(copies)}; killed in: "
        + ", ".join(f"{step}: {count}" for step, count in stops.most_common())
    )
    assert outcomes["killed, old schema"] > 0


def test_a_demo_killed_anywhere_is_written_whole_by_the_next_start(
    forker: Forker, tmp_path: Path
) -> None:
    reference = tmp_path / "reference.sqlite"
    clean = forker.run("tests.killing:write_demo", str(reference), "10")
    assert clean.code == 0
    whole = schema_of(reference)
    assert whole["rows"]["customers"] == 10

    rng = random.Random(5)
    path = tmp_path / "collections.sqlite"
    outcomes: Counter[str] = Counter()
    kills = runs = 0
    while kills < DEMO_KILLS and runs < 4 * DEMO_KILLS:
        runs += 1
        run = forker.run(
            "tests.killing:write_demo", str(path), "10", kill_after=rng.uniform(0, clean.seconds)
        )
        assert run.killed or run.code == 0
        kills += run.killed
        if path.exists():
            # Under its name, only ever the whole demo company.
            assert schema_of(path) == whole
            outcomes[f"{'killed' if run.killed else 'finished'}, whole demo"] += 1
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            outcomes[
                f"killed, no file{' (partial left)' if partial_path(path).exists() else ''}"
            ] += 1
    # The next start after the last kill writes the whole demo.
    if not path.exists():
        assert forker.run("tests.killing:write_demo", str(path), "10").code == 0
    assert schema_of(path) == whole
    assert not partial_path(path).exists()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()
    print(
        f"\ndemo of 10 customers ({clean.seconds:.2f} s uninterrupted): {runs} runs, "
        f"{kills} killed; "
        + ", ".join(f"{what}: {count}" for what, count in sorted(outcomes.items()))
    )
