"""Where the shared sample data (real public ledgers, never copied into the project) is.

It sits in a ``shared/data`` folder beside the checkout. A clean clone elsewhere (as CI
makes) finds it beside the repository it was cloned from; ``COLLECTIONS_SHARED_DATA``
names it directly. When it cannot be found the tests that read it are skipped, and the
reason, with every place looked at, is in the test summary.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def candidates() -> tuple[Path, ...]:
    """The folders that may hold the data, in the order they are tried."""
    places = []
    if os.environ.get("COLLECTIONS_SHARED_DATA"):
        places.append(Path(os.environ["COLLECTIONS_SHARED_DATA"]))
    places.append(ROOT.parent / "shared" / "data")
    origin = subprocess.run(
        ["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if origin and "://" not in origin and Path(origin).is_dir():
        places.append(Path(origin).resolve().parent / "shared" / "data")
    return tuple(places)


def shared_file(name: str) -> Path:
    """The file ``name`` (e.g. ``ar/ibm/….csv``) of the shared data, or skip the test."""
    for folder in candidates():
        if (folder / name).is_file():
            return folder / name
    looked = ", ".join(str(folder) for folder in candidates())
    pytest.skip(f"the shared sample data {name} is not in {looked}; set COLLECTIONS_SHARED_DATA")
