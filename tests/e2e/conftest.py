"""Helpers to run ``collections-desktop`` as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def run_cli(profile: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m collections_desktop ARGS`` with the test's profile folders."""

    def run(
        *args: str, timeout: float = 300, language: str = "en"
    ) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANGUAGE=language)
        return subprocess.run(
            [sys.executable, "-m", "collections_desktop", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )

    return run
