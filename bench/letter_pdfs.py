"""Kill loop: ``letters --pdf`` killed (SIGKILL) again and again while it writes PDFs.

    python bench/letter_pdfs.py [--customers 2000] [--as-of 2026-11-23] [--kills 20]

Writes a demo company, then starts ``collections-desktop letters --pdf FOLDER`` as a
real process and kills it at a random moment once it has begun writing PDFs, then
starts the same command again, ``--kills`` times, and finally lets one run finish.
After each kill it counts the letters posted, the PDFs under a final name, how many of
them are incomplete (no ``%PDF`` header or ``%%EOF`` trailer), the recorded PDFs and
the temporary files left. At the end every letter must have exactly one complete PDF
and one record. With a private tmpfs available (``unshare -m``, Linux as root) it also
fills a small disk and reports the exit code and the message.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "collections_desktop", *args]


ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANGUAGE="en")


def count(database: Path, query: str) -> int:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(query).fetchone()[0]
    finally:
        connection.close()


def complete(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-32:]


def written_since(folder: Path, moment: float) -> bool:
    for path in folder.iterdir() if folder.is_dir() else ():
        try:
            if path.stat().st_mtime >= moment:
                return True
        except FileNotFoundError:  # a temporary file moved into place meanwhile
            continue
    return False


def state(database: Path, folder: Path) -> tuple[int, int, int, int, int]:
    """(letters, PDFs under a final name, incomplete ones, records, temporary files)."""
    finals = list(folder.glob("CL-*.pdf")) if folder.is_dir() else []
    parts = list(folder.glob(".*.part")) if folder.is_dir() else []
    return (
        count(database, "SELECT count(*) FROM collection_letters"),
        len(finals),
        sum(not complete(path) for path in finals),
        count(database, "SELECT count(*) FROM letter_documents WHERE path IS NOT NULL"),
        len(parts),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    chance = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="letter-pdfs-"))
    database, folder = work / "demo.sqlite", work / "letters"
    started = time.perf_counter()
    subprocess.run(
        command("demo", "--customers", str(args.customers), "--database", str(database)),
        check=True,
        env=ENV,
        capture_output=True,
    )
    print(f"demo of {args.customers:,} customers in {time.perf_counter() - started:.1f} s")
    shutil.copy(database, work / "pristine.sqlite")  # for the full disk, without letters
    letters = command(
        "letters", "--as-of", args.as_of, "--pdf", str(folder), "--database", str(database)
    )
    print("kill  after(s)  letters  PDFs  incomplete  recorded  temporary")
    kills = 0
    while kills < args.kills:
        begun = time.time()
        run = subprocess.Popen(letters, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Wait until this run has begun writing (a file newer than its start), then a bit.
        while run.poll() is None and not written_since(folder, begun):
            time.sleep(0.01)
        delay = chance.uniform(0, 1.5)
        time.sleep(delay)
        if run.poll() is not None:
            run.communicate()
            print(f"      run finished before the kill (exit {run.returncode})")
            break
        run.send_signal(signal.SIGKILL)
        run.communicate()
        kills += 1
        print(
            f"{kills:>4}  {delay:8.2f}  "
            + "  ".join(
                f"{v:>{w}}" for v, w in zip(state(database, folder), (7, 4, 10, 8, 9), strict=True)
            )
        )
    started = time.perf_counter()
    final = subprocess.run(letters, env=ENV, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    print(f"final run: exit {final.returncode} in {seconds:.1f} s: {final.stdout.strip()!r}")
    letters_count, pdfs, incomplete, records, parts = state(database, folder)
    numbers = {
        row[0] for row in sqlite3.connect(database).execute("SELECT number FROM collection_letters")
    }
    names = {path.stem for path in folder.glob("CL-*.pdf")}
    print(
        f"after {kills} kills: {letters_count:,} letters, {pdfs:,} PDFs ({incomplete} "
        f"incomplete), {records:,} recorded, {parts} temporary files left; "
        f"every letter has its PDF: {names == numbers}"
    )
    ok = names == numbers and incomplete == 0 and records == letters_count
    if sys.platform == "linux" and shutil.which("unshare"):
        ok = disk_full(args, work) and ok
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


def disk_full(args: argparse.Namespace, work: Path) -> bool:
    """The same run on a fresh copy of the demo, its folder a 1 MB tmpfs."""
    database = work / "full.sqlite"
    shutil.copy(work / "pristine.sqlite", database)
    point, copy = work / "disk", work / "copy"
    point.mkdir()
    copy.mkdir()
    script = (
        f'mount -t tmpfs -o size=1m tmpfs "{point}" || exit 97; "$@"; status=$?; '
        f'cp -a "{point}/." "{copy}/"; exit $status'
    )
    letters = command(
        "letters", "--as-of", args.as_of, "--pdf", str(point), "--database", str(database)
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", *letters],
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 97:
        print("disk full: no private tmpfs here (needs root)")
        return True
    letters_posted, pdfs, incomplete, records, parts = state(database, copy)
    print(
        f"disk full (1 MB): exit {done.returncode}, {letters_posted:,} letters, {pdfs} PDFs "
        f"({incomplete} incomplete), {records} recorded, {parts} temporary files left; stderr:"
    )
    print("  " + done.stderr.strip().replace("\n", "\n  "))
    return done.returncode == 2 and incomplete == 0 and records == pdfs and parts == 0


if __name__ == "__main__":
    sys.exit(main())
