"""``letters --pdf`` never loses a PDF: killed, out of disk space or given a folder it
cannot use, real processes on a 200-customer demo. Every letter ends with exactly one
complete PDF, a final name never holds a partial file, and failures are exit 2 in words."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from collections_desktop.demo.load import write_demo_company

AS_OF = "2026-11-23"
DEMO_TODAY = dt.date(2026, 11, 24)
"""The demo is dated from the day it is made: pinned, so its letters are the same any day."""
KILL_AFTER = 5
"""PDFs in place when the run is killed."""
LETTERS = 45
"""The letters the run makes on the demo of this seed and size."""
PDF_TIMEOUT = 120
"""Seconds a run may take on a loaded machine before the test gives up (a bound, not a check)."""


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "collections_desktop", *args]


def environment() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", LANGUAGE="en")


@pytest.fixture(scope="module")
def _demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One 200-customer demo company, copied for each test."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    write_demo_company(path, customers=200, seed=1, today=DEMO_TODAY)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo(_demo: Path, tmp_path: Path) -> Path:
    path = tmp_path / "company.sqlite"
    shutil.copy(_demo, path)
    return path


def letters(database: Path, folder: Path | str, *prefix: str) -> subprocess.CompletedProcess[str]:
    command = [*prefix, *cli("letters", "--as-of", AS_OF, "--pdf", str(folder))]
    return subprocess.run(
        [*command, "--database", str(database)],
        capture_output=True,
        text=True,
        timeout=PDF_TIMEOUT,
        env=environment(),
        check=False,
    )


def rows(database: Path, query: str) -> list[tuple]:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def letter_numbers(database: Path) -> list[str]:
    return [n for (n,) in rows(database, "SELECT number FROM collection_letters ORDER BY number")]


def recorded(database: Path) -> dict[str, str]:
    """Letter number → the path its PDF was recorded at."""
    return dict(
        rows(
            database,
            "SELECT l.number, d.path FROM letter_documents d "
            "JOIN collection_letters l ON l.id = d.letter_id",
        )
    )


def complete(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-32:]


def finals(folder: Path) -> list[Path]:
    return sorted(folder.glob("CL-*.pdf"))


def test_killed_while_writing_pdfs_the_next_run_writes_the_rest(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    run = subprocess.Popen(
        [*cli("letters", "--as-of", AS_OF, "--pdf", str(folder), "--database", str(demo))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    try:
        deadline = time.monotonic() + PDF_TIMEOUT
        while len(finals(folder) if folder.is_dir() else []) < KILL_AFTER:
            assert run.poll() is None, run.communicate()
            assert time.monotonic() < deadline, "no PDF was written"
            time.sleep(0.02)
        run.send_signal(signal.SIGKILL)
    finally:
        run.communicate()
    assert run.returncode == -signal.SIGKILL

    numbers = letter_numbers(demo)
    assert len(numbers) == LETTERS  # the letters were committed before their PDFs
    killed_at = finals(folder)
    assert KILL_AFTER <= len(killed_at) < len(numbers)
    assert all(complete(path) for path in killed_at)  # no partial file under a final name
    before = recorded(demo)
    assert set(before) <= {path.stem for path in killed_at}

    again = letters(demo, folder)
    assert again.returncode == 0, again.stderr
    missing = len(numbers) - len(before)
    assert again.stdout.splitlines() == [
        "0 collection letters created; 64 customers or items without one.",
        f"{missing} PDFs written to {folder}",
        f"{missing} of them were missing after earlier runs.",
    ]
    assert letter_numbers(demo) == numbers  # nothing posted twice
    assert [path.name for path in finals(folder)] == [f"{n}.pdf" for n in numbers]
    assert all(complete(path) for path in finals(folder))
    assert recorded(demo) == {n: str(folder / f"{n}.pdf") for n in numbers}


def test_a_folder_that_cannot_be_made_is_refused_before_posting(demo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    folder = blocker / "letters"
    result = letters(demo, folder)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: The PDF folder {folder} cannot be used: ")
    assert "No letter was posted." in result.stderr
    assert "Traceback" not in result.stderr
    assert letter_numbers(demo) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_folder_without_permission_is_refused_before_posting(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = letters(demo, folder)
    finally:
        folder.chmod(0o700)
    assert result.returncode == 2
    assert f"The PDF folder {folder} cannot be used: Permission denied." in result.stderr
    assert "No letter was posted." in result.stderr
    assert letter_numbers(demo) == []


def _can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(
    sys.platform != "linux" or not _can_mount(), reason="needs a private tmpfs (unshare -m)"
)


@pytest.fixture
def small_disk(tmp_path: Path) -> tuple[Path, Path]:
    """(mount point, copy): where a private tmpfs is mounted, and where its files are
    copied before the mount goes away with its process."""
    point, copy = tmp_path / "disk", tmp_path / "copy"
    point.mkdir()
    copy.mkdir()
    return point, copy


def in_tmpfs(point: Path, copy: Path, options: str) -> tuple[str, ...]:
    """A command prefix: run in a private mount namespace with a tmpfs on ``point``,
    and copy what it holds to ``copy`` when the command has finished."""
    script = (
        f'mount -t tmpfs -o {options} tmpfs "{point}" || exit 97; '
        '"$@"; status=$?; '
        f'cp -a "{point}/." "{copy}/"; exit $status'
    )
    return ("unshare", "-m", "sh", "-c", script, "sh")


@needs_mount
def test_a_full_disk_is_exit_2_naming_the_file(demo: Path, small_disk: tuple[Path, Path]) -> None:
    point, copy = small_disk
    # Room for about eight 24 KB letters of the 45.
    result = letters(demo, point, *in_tmpfs(point, copy, "size=200k"))
    assert result.returncode == 2, result.stderr
    assert result.stdout.splitlines() == [
        "45 collection letters created; 19 customers or items without one."
    ]
    first, second = result.stderr.splitlines()
    assert first.startswith(f"error: The PDF {point}/CL-")
    assert first.endswith(".pdf could not be written: No space left on device.")
    written = finals(copy)
    assert 0 < len(written) < LETTERS
    assert second == (
        f"{len(written)} of {LETTERS} PDFs were written to {point}; the letters are posted, "
        "and the next letters --pdf run writes the missing ones."
    )
    assert "Traceback" not in result.stderr
    assert all(complete(path) for path in written)
    assert list(copy.glob(".*")) == []  # the temporary file of the failed one is gone
    assert sorted(recorded(demo)) == [path.stem for path in written]

    # What the next run writes (as the kill test shows): exactly the letters not recorded.
    assert rows(
        demo,
        "SELECT count(*) FROM collection_letters "
        "WHERE id NOT IN (SELECT letter_id FROM letter_documents)",
    ) == [(LETTERS - len(written),)]


@needs_mount
def test_a_read_only_folder_is_refused_before_posting(
    demo: Path, small_disk: tuple[Path, Path]
) -> None:
    point, copy = small_disk
    result = letters(demo, point, *in_tmpfs(point, copy, "ro,size=64k"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: The PDF folder {point} cannot be used: Read-only file system. "
        "No letter was posted."
    ]
    assert letter_numbers(demo) == []
