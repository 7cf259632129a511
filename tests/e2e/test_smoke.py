"""``collections-desktop --smoke-test`` on the source install; CI also runs it frozen."""

from __future__ import annotations

import json
from pathlib import Path

from collections_desktop import __version__


def test_the_smoke_test_passes_and_says_what_it_did(run_cli, profile: Path) -> None:
    result = run_cli("--smoke-test")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Collections Desktop {__version__} (Python install)")
    assert "smoke test passed" in lines[0]
    assert "20 customers" in result.stdout
    assert "1400×900 pixels" in result.stdout
    moments = json.loads(lines[-1].removeprefix("moments "))
    assert moments["start"] <= moments["first paint"] <= moments["end"]
    # The temporary profile is gone and the user's profile untouched.
    assert "collections-smoke-" in result.stdout
    assert not any((profile / "data").iterdir())


def test_a_failed_step_exits_1_with_the_reason_on_stderr(run_cli, tmp_path: Path) -> None:
    result = run_cli("--smoke-test", "--database", str(tmp_path / "no-such-folder" / "x.sqlite"))
    assert result.returncode == 1
    assert result.stderr.startswith("Smoke test FAILED:")
    assert "passed" not in result.stdout
