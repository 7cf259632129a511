"""Damaged, mistyped, empty, read-only and full database files on the command line.

Each command runs as a real process on a real file: it must end with exit code 2 and a
message that names the file, never a traceback, and leave the file as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from collections_desktop.demo.load import write_demo_company
from tests.conftest import TODAY
from tests.damage import break_a_page, digest, flip_a_byte, settle

AS_OF = "2026-11-30"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-customer demo company, settled into its file (copied by each test)."""
    path = tmp_path_factory.mktemp("damaged") / "demo.sqlite"
    write_demo_company(path, customers=40, seed=3, today=TODAY)
    settle(path)
    return path


def refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    for word in words:
        assert word in result.stderr


def test_a_file_with_one_flipped_bit_is_not_written_to(run_cli, demo_file, tmp_path) -> None:
    damaged = flip_a_byte(demo_file, tmp_path / "damaged.sqlite")
    before = digest(damaged)
    # letters and promises: tests/unit/test_database_files.py, in one process
    for command in ("interest", "snapshot"):
        result = run_cli(command, "--as-of", AS_OF, "--database", str(damaged))
        refused(result, f"The database {damaged} is damaged", "missing from index")
        assert "nothing was written to it" in result.stderr
        assert digest(damaged) == before, command


def test_a_query_that_meets_a_damaged_page_gives_a_message(run_cli, demo_file, tmp_path) -> None:
    damaged = break_a_page(demo_file, tmp_path / "damaged.sqlite", "customers")
    before = digest(damaged)
    result = run_cli("aging", "--as-of", AS_OF, "--database", str(damaged))
    refused(result, f"The database {damaged} is damaged", "malformed")
    assert result.stdout == ""
    assert digest(damaged) == before


def test_a_mistyped_path_or_an_empty_file_is_not_made_a_database(run_cli, tmp_path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    missing = folder / "compnay.sqlite"
    # Every other command: tests/unit/test_database_files.py, in one process.
    result = run_cli("interest", "--as-of", AS_OF, "--database", str(missing))
    refused(result, f"There is no database at {missing}; nothing was created")
    assert not list(folder.iterdir())
    empty = folder / "empty.sqlite"
    empty.touch()
    result = run_cli("letters", "--as-of", AS_OF, "--database", str(empty))
    refused(result, f"{empty} is an empty file, not a Collections Desktop database")
    assert empty.stat().st_size == 0
    assert [path.name for path in folder.iterdir()] == ["empty.sqlite"]


def test_a_database_labelled_older_than_its_tables_is_refused_without_a_backup(
    run_cli, demo_file, tmp_path
) -> None:
    """What an upgrade killed half-way by an earlier version left: 0003's tables, label 0002."""
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / "company.sqlite"
    shutil.copy(demo_file, path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0002'")
    connection.close()
    before = digest(path)
    for _attempt in range(2):
        result = run_cli("aging", "--database", str(path))
        refused(
            result,
            f"The database {path} says it is at schema 0002 but already holds tables",
            "agency_cases",
            "no backup copy was made",
        )
    assert digest(path) == before
    assert [p.name for p in folder.iterdir()] == ["company.sqlite"]


def _namespace_tools() -> None:
    if sys.platform != "linux" or not shutil.which("unshare"):
        pytest.skip("needs Linux namespaces (unshare) to make a read-only or full disk")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not available: {probe.stderr!r}")


def _script(body: str, *, namespace: list[str], timeout: float = 120) -> str:
    """Run a shell script in new namespaces; ``$CLI`` runs the command line."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        LANGUAGE="en",
        CLI=f"{sys.executable} -m collections_desktop",
    )
    done = subprocess.run(
        ["unshare", *namespace, "sh", "-c", f"set -u\n{body}"],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done.stdout


def test_a_read_only_file_is_read_and_never_written(demo_file, tmp_path) -> None:
    """A file its user may not write (another user's, chmod 444): ``aging`` works and
    leaves nothing beside it; a command that writes is refused in words."""
    _namespace_tools()
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "company.sqlite"
    shutil.copy(demo_file, path)
    path.chmod(0o444)
    folder.chmod(0o777)  # the folder is writable: only the file is read-only
    tmp_path.chmod(0o755)
    before = digest(path)
    # In a new user namespace this process is "nobody", not the file's owner.
    out = _script(
        f"""
        $CLI aging --as-of {AS_OF} --format csv --database {path} > {tmp_path}/aging.csv
        echo "aging $?"
        ls -A {folder}
        $CLI snapshot --as-of {AS_OF} --database {path} 2> {tmp_path}/snapshot.err
        echo "snapshot $?"
        ls -A {folder}
        """,
        namespace=["-U"],
    )
    assert out.split() == ["aging", "0", "company.sqlite", "snapshot", "2", "company.sqlite"]
    assert (tmp_path / "aging.csv").read_text().splitlines()[-1].startswith("TOTAL,")
    assert (tmp_path / "snapshot.err").read_text() == (
        f"error: The database {path} is read-only: it can be read but nothing can be written "
        "to it, so nothing was changed. Copy it to a folder where you may write, or ask for "
        "write access.\n"
    )
    assert digest(path) == before


def test_a_file_on_a_read_only_disk_can_be_read(demo_file, tmp_path) -> None:
    _namespace_tools()
    folder = tmp_path / "disk"
    folder.mkdir()
    path = folder / "company.sqlite"
    shutil.copy(demo_file, path)
    out = _script(
        f"""
        mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} || exit 0
        $CLI interest --as-of {AS_OF} --database {path} 2>&1
        echo "interest $?"
        $CLI aging --as-of {AS_OF} --format csv --database {path} | tail -n 1 | cut -c1-6
        """,
        namespace=["-rm"],
    )
    if not out:
        pytest.skip("cannot remount a folder read-only here")
    assert out.splitlines() == [
        f"error: The database {path} is read-only: it can be read but nothing can be written "
        "to it, so nothing was changed. Copy it to a folder where you may write, or ask for "
        "write access.",
        "interest 2",
        "TOTAL,",
    ]


def test_a_full_disk_is_reported_in_words_and_nothing_is_saved(demo_file, tmp_path) -> None:
    """A real full disk: a small tmpfs that holds the file and little more."""
    _namespace_tools()
    disk = tmp_path / "disk"
    disk.mkdir()
    size_kib = demo_file.stat().st_size // 1024 + 40 + 64
    out = _script(
        f"""
        mount -t tmpfs -o size={size_kib}k none {disk} || exit 0
        cp {demo_file} {disk}/company.sqlite
        head -c 40k /dev/zero > {disk}/filler  # leave 64 KiB free
        sha256sum < {disk}/company.sqlite
        $CLI interest --as-of {AS_OF} --database {disk}/company.sqlite 2>&1 >/dev/null
        echo "interest $?"
        sha256sum < {disk}/company.sqlite
        """,
        namespace=["-rm"],
    )
    if not out:
        pytest.skip("cannot mount a tmpfs here")
    before, message, code, after = out.splitlines()
    assert message == (
        f"error: The disk holding the database {disk}/company.sqlite is full: nothing was "
        "saved (the whole transaction was undone). Free some space, then try again."
    )
    assert code == "interest 2"
    assert after == before
    assert before.split()[0] == digest(demo_file)
