"""The test suite's own PostgreSQL: used when no server answers, once per run under xdist.

A small run of the suite's fixtures (``tests/conftest.py`` as a plugin) is started with
``COLLECTIONS_TEST_PG_URL`` on a closed port and ``COLLECTIONS_TEST_PG=embedded``, on two
xdist workers: every PostgreSQL test passes on one server (PostgreSQL 18, the same port
and start time for both workers), and when the run ends the server is gone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from collections_desktop.models.team.embedded import free_port, port_is_free
from tests import pg_server

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]

INNER_TEST = """
import json
import os
from pathlib import Path

from sqlalchemy import create_engine, text


def test_on_the_suite_server(pg_url):
    engine = create_engine(pg_url)
    with engine.connect() as connection:
        found = {
            "version": int(connection.scalar(text("SHOW server_version_num"))),
            "port": connection.scalar(text("SELECT inet_server_port()")),
            "started": connection.scalar(text("SELECT pg_postmaster_start_time()::text")),
            "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
        }
    engine.dispose()
    out = Path(os.environ["INNER_OUT"]) / (Path(__file__).stem + ".json")
    out.write_text(json.dumps(found))
"""


def test_without_a_server_the_suite_runs_its_own_once_and_stops_it(tmp_path: Path) -> None:
    inner, out, basetemp = tmp_path / "inner", tmp_path / "out", tmp_path / "basetemp"
    inner.mkdir()
    out.mkdir()
    (inner / "pytest.ini").write_text("[pytest]\n")
    for name in ("one", "two", "three", "four"):
        (inner / f"test_{name}.py").write_text(INNER_TEST)
    env = dict(
        os.environ,
        COLLECTIONS_TEST_PG_URL=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres",
        COLLECTIONS_TEST_PG="embedded",
        INNER_OUT=str(out),
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider"),
            *("-n", "2", "--dist", "loadfile", "-q", f"--basetemp={basetemp}", str(inner)),
        ],
        cwd=inner,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
    found = [json.loads(path.read_text()) for path in sorted(out.glob("*.json"))]
    assert len(found) == 4
    assert {f["worker"] for f in found} == {"gw0", "gw1"}
    assert len({(f["port"], f["started"]) for f in found}) == 1  # one server for the run
    assert all(f["version"] >= 180000 for f in found)
    port = found[0]["port"]
    assert port_is_free(port, "127.0.0.1")  # stopped when the run ended
    assert not pg_server.answers(f"postgresql://postgres@127.0.0.1:{port}/postgres")
    home = pg_server._data_home(basetemp)
    assert not home.exists()  # and its data deleted
