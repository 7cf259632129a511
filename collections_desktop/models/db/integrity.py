"""SQLite's integrity check of an open file, run in the background, that stops writes.

A damaged file (one flipped byte is enough) must not be written to: more writes spread
the damage and bury the last good state. ``PRAGMA integrity_check`` finds it, but reads
the whole file: about 0.4 s for the 2,000-customer demo, minutes for the 100,000-customer
one (docs/PERFORMANCE.md), far too long to hold up opening a file. ``PRAGMA quick_check``
is faster but skips the indexes, and on single flipped bits in the demo it caught only
one damaged file in six that the full check caught. So the full check runs once per open
database, on its own read-only connection in a background thread, starting with the
first write transaction (a command that only reads never pays for it); every later
commit consults its finding:

- ``wait=True`` (the command line): a commit waits for the check, so a batch never
  commits into a damaged file; its work and the check run side by side.
- ``wait=False`` (the app): writes go on while the check runs, and are refused from the
  moment it has found damage; ``notify`` tells the window at once.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from collections_desktop.models.db.failures import DamagedDatabaseError, damaged_message

log = logging.getLogger(__name__)

PROBLEMS_SHOWN = 3
"""How many of SQLite's findings the message quotes."""


class IntegrityCheck:
    """The integrity check of one SQLite file; thread-safe, started at most once."""

    def __init__(self, path: Path, where: str, *, wait: bool) -> None:
        self.path = path
        self.where = where
        self.wait = wait
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: sqlite3.Connection | None = None
        self._stopped = False
        self._problem: str | None = None
        self._listeners: list[Callable[[str], None]] = []

    @property
    def finished(self) -> bool:
        """Whether the check has ended (found the file sound, damaged, or could not run)."""
        return self._done.is_set()

    @property
    def problem(self) -> str | None:
        """The message about the damage found, or None (sound, or not known yet)."""
        return self._problem

    def start(self) -> None:
        """Start the check unless it has started already."""
        with self._lock:
            if self._thread is not None or self._stopped:
                return
            self._thread = threading.Thread(
                target=self._run, name="collections-integrity-check", daemon=True
            )
            self._thread.start()

    def notify(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(message)`` (on the check's thread) once damage is found."""
        with self._lock:
            problem = self._problem
            if problem is None:
                self._listeners.append(listener)
        if problem is not None:
            listener(problem)

    def before_write(self) -> None:
        """Start the check; refuse the write if the file is known to be damaged."""
        self.start()
        self._refuse_if_damaged()

    def before_commit(self) -> None:
        """Refuse to commit into a damaged file (waiting for the verdict when ``wait``)."""
        self.start()
        if self.wait:
            self._done.wait()
        self._refuse_if_damaged()

    def stop(self) -> None:
        """Interrupt a running check and wait for its thread (before the file is closed)."""
        with self._lock:
            self._stopped = True
            thread, connection = self._thread, self._connection
        if connection is not None:
            connection.interrupt()
        if thread is not None:
            thread.join()
        self._done.set()

    def _refuse_if_damaged(self) -> None:
        if self._problem is not None:
            raise DamagedDatabaseError(self._problem)

    def _run(self) -> None:
        try:
            problem = self._check()
        except Exception:  # never let the check itself stop the work
            log.exception("the integrity check of %s could not run", self.where)
            problem = None
        with self._lock:
            self._problem = problem
            listeners, self._listeners = self._listeners, []
        self._done.set()
        if problem is not None:
            log.info("%s", problem)
            for listener in listeners:
                listener(problem)

    def _check(self) -> str | None:
        uri = f"{self.path.absolute().as_uri()}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=30)
        with self._lock:
            if self._stopped:
                connection.close()
                return None
            self._connection = connection
        try:
            rows = connection.execute(f"PRAGMA integrity_check({PROBLEMS_SHOWN})").fetchall()
        except sqlite3.OperationalError as error:
            if "interrupt" in str(error).lower():
                return None
            raise
        except sqlite3.DatabaseError as error:  # a page so damaged the check cannot read it
            return damaged_message(self.where, str(error))
        finally:
            with self._lock:
                self._connection = None
            connection.close()
        findings = [
            str(row[0]).removeprefix("*** in database main ***").strip().replace("\n", " ")
            for row in rows
        ]
        if findings == ["ok"]:
            return None
        return damaged_message(self.where, "; ".join(findings))
