"""Commands on a team database: ``--user`` is the login, the password comes from the
keychain or the terminal, and the server's row-level security is the scope."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from collections_desktop import APP_ID
from collections_desktop.cli import login as cli_login
from collections_desktop.cli import main as cli_main
from collections_desktop.models.team.credentials import credential_key
from collections_desktop.models.team.embedded import free_port
from tests import pg_server
from tests.conftest import MemoryKeyring
from tests.logins import Admin, company_database, login_role

pytestmark = pytest.mark.postgres

PASSWORD = "Cli-Pa55word"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def scram(scram_server: int) -> Admin:
    return Admin(pg_server.admin_url(scram_server), pg_server.SCRAM_ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def team(scram: Admin) -> Iterator[tuple[str, str]]:
    """A team database (its customers guarded by row-level security) on the password
    server, and a login that may read it: (database name, login)."""
    with company_database(scram) as name, login_role(scram, PASSWORD) as anna:
        engine = scram.engine(name)
        with engine.connect() as connection:
            connection.execute(text("ALTER TABLE customers ENABLE ROW LEVEL SECURITY"))
        engine.dispose()
        yield name, anna


def aging(url: str, *options: str) -> int:
    return cli_main(["aging", "--database", url, "--format", "csv", *options])


def test_user_is_the_login_and_the_keychain_gives_the_password(
    team: tuple[str, str],
    scram: Admin,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, anna = team
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    url = scram.database_url(name).replace("postgres@", "")  # the URL names no user
    assert aging(url, "--user", anna) == 2
    port = make_url(scram.url).port
    assert capsys.readouterr().err == (
        f"error: The server 127.0.0.1:{port} asks for the password of {anna}.\n"
    )
    memory_keyring.passwords[(APP_ID, credential_key(scram.database_url(name, anna)))] = PASSWORD
    assert aging(url, "--user", anna) == 0
    captured = capsys.readouterr()
    # The server shows anna no customer (no policy lets her see one): the scope is the
    # server's, not an agent's the app would look up (anna is no agent of this company).
    assert captured.out.splitlines()[-1].startswith("TOTAL")
    assert len(captured.out.splitlines()) == 2
    assert PASSWORD not in captured.out + captured.err


def test_on_a_terminal_a_refused_password_is_asked_for(
    team: tuple[str, str],
    scram: Admin,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, anna = team
    memory_keyring.passwords[(APP_ID, credential_key(scram.database_url(name, anna)))] = "old"
    monkeypatch.setattr(sys, "stdin", Terminal())
    prompts: list[str] = []

    def typed(prompt: str) -> str:
        prompts.append(prompt)
        return PASSWORD

    monkeypatch.setattr(cli_login.getpass, "getpass", typed)
    assert aging(scram.database_url(name, anna)) == 0
    port = make_url(scram.url).port
    assert prompts == [f"Password of {anna} on 127.0.0.1:{port}: "]
    capsys.readouterr()
    monkeypatch.setattr(cli_login.getpass, "getpass", lambda prompt: "still wrong")
    assert aging(scram.database_url(name, anna)) == 2
    assert "the password is wrong, or there is no such user" in capsys.readouterr().err


def test_an_unreachable_server_or_a_named_user_keeps_the_old_meaning(
    pg_admin_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    assert aging(f"postgresql://anna@127.0.0.1:{port}/collections") == 2
    assert capsys.readouterr().err.startswith(
        f"error: The server 127.0.0.1, port {port} cannot be reached"
    )
    trusting = Admin(pg_admin_url)
    with company_database(trusting) as name:
        # The URL names its user: --user is the collections agent whose scope to apply.
        assert aging(trusting.database_url(name), "--user", "nobody") == 2
    assert "nobody is not a collections agent" in capsys.readouterr().err
