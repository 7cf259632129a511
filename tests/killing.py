"""Kill real processes at random points, many times, in a few seconds.

Starting Python and importing the app takes seconds on a loaded machine, more than the
work a kill test interrupts. So ``Forker`` starts one server process that imports the app
once, and for each run forks a worker that calls a function of the app and exits. The
test gets the worker's pid, sleeps a random delay, sends it SIGKILL, and learns from the
server whether it died from the signal or had already finished. POSIX only (``os.fork``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

SERVER = r"""
import importlib, json, os, sys, time, traceback
for name in sys.argv[1:]:
    importlib.import_module(name)
protocol = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)  # what the app prints goes to stderr, not into the protocol
protocol.write(json.dumps({"ready": True}) + "\n")
while line := sys.stdin.readline():
    request = json.loads(line)
    module, name = request["call"].split(":")
    function = getattr(importlib.import_module(module), name)
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            function(*request["args"])
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)
    protocol.write(json.dumps({"pid": pid}) + "\n")
    sys.stdin.readline()  # not reaped before the test has killed it: the pid stays its own
    _, status = os.waitpid(pid, 0)
    protocol.write(json.dumps({
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "seconds": time.monotonic() - started,
    }) + "\n")
"""


@dataclass(frozen=True)
class Outcome:
    """How one run ended: killed by our signal, or exited with ``code``."""

    killed: bool
    code: int | None
    seconds: float


class Forker:
    """A server process that forks a worker per ``run``; use it as a context manager."""

    def __init__(self, *preload: str, cwd: Path | None = None) -> None:
        root = Path(__file__).resolve().parent.parent
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, *preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=cwd or root,
            env=dict(os.environ, PYTHONPATH=str(root)),
        )
        assert json.loads(self._read()) == {"ready": True}

    def run(self, call: str, *args: str, kill_after: float | None = None) -> Outcome:
        """Call ``module:function(*args)`` in a new worker; SIGKILL it after ``kill_after`` s."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"call": call, "args": list(args)}) + "\n")
        self.process.stdin.flush()
        pid = json.loads(self._read())["pid"]
        if kill_after is not None:
            time.sleep(kill_after)
            # Until the server reaps it (below), the pid is the worker's, finished or not.
            os.kill(pid, signal.SIGKILL)
        self.process.stdin.write("reap\n")
        self.process.stdin.flush()
        ended = json.loads(self._read())
        return Outcome(
            killed=ended["signal"] == signal.SIGKILL, code=ended["code"], seconds=ended["seconds"]
        )

    def _read(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the fork server stopped (exit {self.process.wait()})")
        return line

    def close(self) -> None:
        """Stop the server (it ends when its input does)."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        finally:
            if self.process.stdout is not None:
                self.process.stdout.close()

    def __enter__(self) -> Forker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None and self.process.poll() is None:
            self.process.kill()
        self.close()


# --- what the workers run (by name: "tests.killing:open_and_close") ---------------------------


def open_and_close(url: str, trace: str = "") -> None:
    """Open a database as the app does (creating, backing up, upgrading) and close it.

    With ``trace``, the start of every SQL statement and each commit are appended to that
    file as they happen, so a test can tell where a kill landed.
    """
    from sqlalchemy import Engine, event

    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.models.db import database

    if trace:
        descriptor = os.open(trace, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND)

        def note(text: str) -> None:
            os.write(descriptor, (" ".join(text.split())[:80] + "\n").encode())

        def noted(step: str, function: Any) -> Any:
            def call(*args: Any, **kwargs: Any) -> Any:
                note(step)
                return function(*args, **kwargs)

            return call

        event.listen(Engine, "before_cursor_execute", lambda *args: note(args[2]))
        event.listen(Engine, "commit", lambda _connection: note("COMMIT"))
        database._backup = noted("BACKUP", database._backup)  # type: ignore[assignment]
        database._upgrade = noted("UPGRADE", database._upgrade)  # type: ignore[assignment]
    open_company(url, clock=SystemClock()).dispose()


def write_demo(path: str, customers: str) -> None:
    """Write the demo company as ``collections-desktop demo`` does."""
    import datetime as dt

    from collections_desktop.demo.load import write_demo_company

    write_demo_company(path, customers=int(customers), seed=7, today=dt.date(2026, 11, 23))


def import_bank_file(url: str, path: str) -> None:
    """Import one bank statement file as ``collections-desktop bank import`` does."""
    from pathlib import Path

    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.bank.importing import import_file
    from collections_desktop.models.bank.store import BANK_IMPORT
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.models.db.writing import write_transaction

    database = open_company(url, clock=SystemClock(), create=False)
    try:
        with write_transaction(database, run=BANK_IMPORT) as session:
            import_file(session, Path(path), SystemClock().now(), imported_by_id=None)
    finally:
        database.dispose()
