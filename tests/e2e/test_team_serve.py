"""``team serve``: a PostgreSQL server for a small office, run as a real subprocess.

The first run sets the folder up with password logins and prints the address to give
colleagues; the password works, no password does not; Ctrl+C (SIGINT) stops it cleanly;
the second run reuses the folder. A busy port or an unusable folder is a message and
exit code 2; no password is ever printed or logged.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import text

from collections_desktop.cli import main as cli_main
from collections_desktop.cli import team_serve
from collections_desktop.cli.common import CommandError
from collections_desktop.models.db.connect import server_engine
from collections_desktop.models.team.embedded import free_port, port_is_free
from collections_desktop.models.team.login import LoginError, LoginFailure, check_login
from tests.conftest import MemoryKeyring

pytestmark = pytest.mark.postgres

ADMIN_PASSWORD = "Office-Admin-Pa55"
READY = "Press Ctrl+C to stop the server."


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Serving:
    """``collections-desktop team serve`` running in a subprocess; its output as it comes."""

    def __init__(
        self, folder: Path, port: int, stdin: str, *, interrupts_ignored: bool = False
    ) -> None:
        # No keychain in the subprocess: the chosen password must still work.
        env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "collections_desktop", "team", "serve"),
                *("--data", str(folder), "--port", str(port)),
            ],
            # As a background job of a shell without job control starts it: SIGINT ignored.
            preexec_fn=_ignore_interrupts if interrupts_ignored else None,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdin is not None
        self.process.stdin.write(stdin)
        self.process.stdin.close()
        self.out: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.out.append(line)

    @property
    def output(self) -> str:
        return "".join(self.out)

    def wait_ready(self, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while READY not in self.output:
            assert self.process.poll() is None, self.stop()
            assert time.monotonic() < deadline, f"not ready in {timeout} s: {self.output}"
            time.sleep(0.05)
        return self.output

    def stop(self) -> tuple[int, str, str]:
        """Ctrl+C, then the exit code, all its output and its errors."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=120)
        self.reader.join(timeout=10)
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        errors = self.process.stderr.read()
        self.process.stdout.close()
        self.process.stderr.close()
        return code, self.output, errors


@pytest.fixture
def office() -> Iterator[Path]:
    """A folder for the server beside pytest's, not in them: pytest makes its folders
    private again at each start, and a server started by root runs as a user of its own."""
    folder = Path(tempfile.mkdtemp(prefix="team-serve-test-"))
    yield folder / "office"
    shutil.rmtree(folder, ignore_errors=True)


def admin_url(port: int) -> str:
    return f"postgresql://postgres@127.0.0.1:{port}/collections"


def test_team_serve_sets_up_serves_stops_and_serves_again(office: Path) -> None:
    folder, port = office, free_port()
    serving = Serving(folder, port, ADMIN_PASSWORD + "\n")
    try:
        started = time.monotonic()
        output = serving.wait_ready()
        first_start = time.monotonic() - started
        assert f"Set up a new team server in {folder}." in output
        assert f"    postgresql://{socket.gethostname()}:{port}/collections\n" in output
        assert f"team init --database postgresql://postgres@localhost:{port}/collections" in output
        assert "Note: the administrator's password is not kept on this computer" in output
        # The password logs in, no password does not: every login needs its password.
        check_login(admin_url(port), ADMIN_PASSWORD, expect_company=False)
        with pytest.raises(LoginError) as refused:
            check_login(admin_url(port), None, expect_company=False)
        assert refused.value.failure is LoginFailure.NO_PASSWORD
        engine = server_engine(admin_url(port), ADMIN_PASSWORD, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            assert connection.scalar(text("SHOW listen_addresses")) == "*"
            assert connection.scalar(text("SHOW server_version_num")) >= "180000"
            with pytest.raises(Exception, match="does not exist"):
                connection.execute(text("ALTER ROLE nobody_here PASSWORD 'Leaked-Pa55'"))
        engine.dispose()
        # A second team serve on the same folder is refused while this one serves it.
        assert cli_main(["team", "serve", "--data", str(folder), "--port", str(port)]) == 2
    finally:
        code, output, errors = serving.stop()
    assert code == 0, errors
    assert output.endswith("Stopping the server…\nThe server is stopped.\n")
    assert port_is_free(port)
    assert not (folder / "postgresql" / "postmaster.pid").exists()
    log = (folder / "server.log").read_text()
    for secret in (ADMIN_PASSWORD, "Leaked-Pa55"):
        assert secret not in output + errors + log

    again = Serving(folder, port, "")  # nothing asked: the folder is set up
    try:
        started = time.monotonic()
        output = again.wait_ready()
        second_start = time.monotonic() - started
        assert f"Serving the team server in {folder}." in output
        assert "password" not in output.lower()
        check_login(admin_url(port), ADMIN_PASSWORD, expect_company=False)
    finally:
        code, output, errors = again.stop()
    assert code == 0, errors
    assert port_is_free(port)
    print(f"first start {first_start:.1f} s, second start {second_start:.1f} s")


def test_a_busy_port_or_an_unusable_folder_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("", 0))
        taken.listen()
        port = taken.getsockname()[1]
        new = str(tmp_path / "new")
        assert cli_main(["team", "serve", "--data", new, "--port", str(port)]) == 2
    assert capsys.readouterr().err == (
        f"error: Port {port} is in use by another program on this computer (perhaps another "
        "PostgreSQL server); choose another one with --port.\n"
    )
    assert not (tmp_path / "new" / "postgresql").exists()  # nothing was set up

    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert cli_main(["team", "serve", "--data", str(a_file), "--port", str(free_port())]) == 2
    assert capsys.readouterr().err == f"error: {a_file} is a file, not a folder.\n"

    busy = tmp_path / "documents"
    busy.mkdir()
    (busy / "letter.odt").write_text("x")
    assert cli_main(["team", "serve", "--data", str(busy), "--port", str(free_port())]) == 2
    assert capsys.readouterr().err == (
        f"error: The folder {busy} is not empty and holds no team server (letter.odt); "
        "choose an empty or a new folder.\n"
    )
    assert cli_main(["team", "serve", "--data", str(busy), "--port", "70000"]) == 2
    assert "--port must be a number from 1 to 65535" in capsys.readouterr().err


def test_a_generated_admin_password_goes_to_the_keychain(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring, capsys
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal, nothing typed
    password = team_serve._admin_password(5433)
    assert len(password) >= 24
    assert memory_keyring.passwords == {
        ("collections-desktop", "postgres@localhost:5433/collections"): password
    }
    said = capsys.readouterr().out
    assert "logs in with a generated password, kept in this computer's keychain" in said
    assert password not in said

    keyring.set_keyring(fail.Keyring())
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError) as refused:
        team_serve._admin_password(5433)
    assert "there is none here" in refused.value.lines[0]
    assert refused.value.lines[0].endswith("Nothing was set up.")


def test_on_a_terminal_the_password_is_typed_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    typed = iter(["Chosen-Pa55", "Chosen-Pa55", "one", "another"])
    monkeypatch.setattr(team_serve.getpass, "getpass", lambda prompt: next(typed))
    assert team_serve._admin_password(5433) == "Chosen-Pa55"
    with pytest.raises(CommandError, match="The two passwords differ; nothing was set up"):
        team_serve._admin_password(5433)


def test_ctrl_c_stops_a_server_started_with_interrupts_ignored(office: Path) -> None:
    """Started from a script that ignores interrupts (a shell's background job), the
    server still stops on Ctrl+C instead of serving on."""
    serving = Serving(office, free_port(), ADMIN_PASSWORD + "\n", interrupts_ignored=True)
    try:
        serving.wait_ready()
    finally:
        code, output, errors = serving.stop()
    assert code == 0, errors
    assert output.endswith("Stopping the server…\nThe server is stopped.\n")
