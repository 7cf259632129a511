"""The mail server's password in the OS keychain, and nowhere else.

Kept under the app's service name and the key ``smtp:user@host:port``, so one login on
one server is one entry. Never in the settings, the database or a log. Where the
computer has no keychain every call raises ``KeychainUnavailable`` (from the team's
credentials, with the same words): the password is then asked for each time.
"""

from __future__ import annotations

from keyring.errors import KeyringError, PasswordDeleteError

from collections_desktop.models.mail.smtp import SmtpSettings
from collections_desktop.models.team.credentials import (
    SERVICE,
    KeychainUnavailable,
    _keychain,
    _unavailable,
)

__all__ = [
    "KeychainUnavailable",
    "forget_password",
    "load_password",
    "password_key",
    "save_password",
]


def password_key(settings: SmtpSettings) -> str:
    """``smtp:user@host:port`` of a server's login."""
    return f"smtp:{settings.user_name}@{settings.host}:{settings.port}"


def load_password(settings: SmtpSettings) -> str | None:
    """The password remembered for the server's login, else None."""
    backend = _keychain()
    try:
        return backend.get_password(SERVICE, password_key(settings))
    except KeyringError as error:
        raise _unavailable(error) from None


def save_password(settings: SmtpSettings, password: str) -> None:
    """Remember ``password`` for the server's login (replacing an earlier one)."""
    backend = _keychain()
    try:
        backend.set_password(SERVICE, password_key(settings), password)
    except KeyringError as error:
        raise _unavailable(error) from None


def forget_password(settings: SmtpSettings) -> None:
    """Forget the server's password; nothing happens when none is remembered."""
    backend = _keychain()
    key = password_key(settings)
    try:
        if backend.get_password(SERVICE, key) is not None:
            backend.delete_password(SERVICE, key)
    except PasswordDeleteError:
        return
    except KeyringError as error:
        raise _unavailable(error) from None
