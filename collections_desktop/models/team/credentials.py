"""Team database passwords in the OS keychain, and nowhere else.

A password is kept under the app's service name (``APP_ID``) and the key
``user@host/db`` (the host with its port when that is not 5432), so one login on one
team database is one entry, whatever driver or options its URL names. Where the computer
has no keychain (a server without a desktop session, a locked or broken one), every call
raises ``KeychainUnavailable``; logging in still works, the password is only asked for
each time.
"""

from __future__ import annotations

import getpass

import keyring
from keyring.backends import fail, null
from keyring.errors import KeyringError, PasswordDeleteError
from sqlalchemy.engine import URL, make_url

from collections_desktop import APP_ID
from collections_desktop.i18n import _

SERVICE = APP_ID
DEFAULT_PORT = 5432


class KeychainUnavailable(Exception):
    """No keychain can keep a password on this computer; the message says so and why."""


def credential_key(url: str | URL) -> str:
    """``user@host/db`` of a team database URL; ``user@host:port/db`` off port 5432.

    A URL without a user name logs in as this computer's user, as PostgreSQL does.
    """
    parsed = make_url(url) if isinstance(url, str) else url
    user = parsed.username or getpass.getuser()
    host = parsed.host or "localhost"
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    if parsed.port is not None and parsed.port != DEFAULT_PORT:
        host = f"{host}:{parsed.port}"
    return f"{user}@{host}/{parsed.database or ''}"


def load_password(url: str | URL) -> str | None:
    """The password remembered for ``url``'s login, else None."""
    backend = _keychain()
    try:
        return backend.get_password(SERVICE, credential_key(url))
    except KeyringError as error:
        raise _unavailable(error) from None


def save_password(url: str | URL, password: str) -> None:
    """Remember ``password`` for ``url``'s login (replacing an earlier one)."""
    backend = _keychain()
    try:
        backend.set_password(SERVICE, credential_key(url), password)
    except KeyringError as error:
        raise _unavailable(error) from None


def forget_password(url: str | URL) -> None:
    """Forget the password of ``url``'s login; nothing happens when none is remembered."""
    backend = _keychain()
    key = credential_key(url)
    try:
        if backend.get_password(SERVICE, key) is not None:
            backend.delete_password(SERVICE, key)
    except PasswordDeleteError:
        return  # gone meanwhile
    except KeyringError as error:
        raise _unavailable(error) from None


def keychain_message(reason: str | None = None) -> str:
    """What the user is told when no password can be remembered."""
    message = _(
        "Passwords cannot be remembered on this computer (it has no keychain that Collections "
        "Desktop can use); you will be asked for yours each time."
    )
    return f"{message} ({reason})" if reason else message


def _keychain() -> keyring.backend.KeyringBackend:
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        raise KeychainUnavailable(keychain_message())
    return backend


def _unavailable(error: KeyringError) -> KeychainUnavailable:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return KeychainUnavailable(keychain_message(reason))
