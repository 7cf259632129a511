"""Team database passwords: in the OS keychain under user@host/db, and nowhere else."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from collections_desktop import APP_ID
from collections_desktop.models.team.credentials import (
    KeychainUnavailable,
    credential_key,
    forget_password,
    load_password,
    save_password,
)
from tests.conftest import MemoryKeyring

URL = "postgresql+psycopg://anna@team.example.org/collections"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("postgresql://anna@team.example.org/collections", "anna@team.example.org/collections"),
        ("postgresql+psycopg://anna@team.example.org:5432/collections",
         "anna@team.example.org/collections"),
        ("postgresql://anna@10.0.0.5:5433/collections", "anna@10.0.0.5:5433/collections"),
        ("postgresql://anna:typed@server/db?sslmode=require", "anna@server/db"),
        ("postgresql://anna@[::1]:6000/db", "anna@[::1]:6000/db"),
    ],
)  # fmt: skip
def test_the_key_is_user_at_host_slash_database(url: str, key: str) -> None:
    assert credential_key(url) == key


def test_a_url_without_a_user_is_this_computers_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGNAME", "kim")
    monkeypatch.setenv("USER", "kim")
    assert credential_key("postgresql://server/db") == "kim@server/db"


def test_a_password_is_kept_under_the_apps_service_and_forgotten(
    memory_keyring: MemoryKeyring,
) -> None:
    assert load_password(URL) is None
    save_password(URL, "s3cret")
    assert memory_keyring.passwords == {(APP_ID, "anna@team.example.org/collections"): "s3cret"}
    # The same login through another spelling of the URL finds it.
    assert load_password("postgresql://anna@team.example.org:5432/collections") == "s3cret"
    assert load_password("postgresql://bob@team.example.org/collections") is None
    save_password(URL, "changed")
    assert load_password(URL) == "changed"
    forget_password(URL)
    assert memory_keyring.passwords == {}
    forget_password(URL)  # nothing remembered: nothing happens


def test_without_a_keychain_every_call_says_so_clearly() -> None:
    keyring.set_keyring(fail.Keyring())  # the autouse fixture restores the previous one
    for call in (
        lambda: load_password(URL),
        lambda: save_password(URL, "s3cret"),
        lambda: forget_password(URL),
    ):
        with pytest.raises(KeychainUnavailable) as raised:
            call()
        assert "Passwords cannot be remembered on this computer" in str(raised.value)
        assert "you will be asked for yours each time" in str(raised.value)


def test_a_broken_keychain_is_unavailable_with_its_reason() -> None:
    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise keyring.errors.KeyringLocked("the keychain is locked")

    keyring.set_keyring(Locked())
    with pytest.raises(KeychainUnavailable, match=r"\(the keychain is locked\)"):
        load_password(URL)
