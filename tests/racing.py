"""Two processes doing the same thing at the same moment: the race the tests of "posted
once" need (threads share one interpreter and would not race the same way)."""

from __future__ import annotations

import subprocess
import sys
import time

START_DELAY = 4.0
"""Seconds for both processes to start and import before the moment they act at."""


def said_at_once(script: str, *args: str) -> list[str]:
    """What each of two runs of ``script`` printed (stripped, sorted), both started with
    ``args`` and the moment to act at (a time.time() value) as their last argument;
    each must end with exit code 0."""
    start = time.time() + START_DELAY
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, *args, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    return sorted(out.strip() for out, _err in outputs)
