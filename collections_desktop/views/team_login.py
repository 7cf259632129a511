"""Logging in when the app opens a team database (a PostgreSQL URL).

The password the keychain remembers for this login is tried first, silently (or none, for
a server that asks for none); only when the server refuses does the login dialog appear,
showing why. Each attempt is checked on the server (``models.team.login.check_login``);
a refusal is shown in the dialog, which stays open for another try. With "Remember me"
the accepted password goes to the keychain (and only there); without it a remembered
one is forgotten. When the login fails or the server cannot be reached and this computer
holds an offline replica of that server, the dialog offers to work offline on it.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy.engine import make_url

from collections_desktop import paths
from collections_desktop.i18n import _
from collections_desktop.models.db.connect import server_url
from collections_desktop.models.team.credentials import (
    KeychainUnavailable,
    forget_password,
    load_password,
    save_password,
)
from collections_desktop.models.team.login import (
    OFFLINE_HELPS,
    LoginError,
    LoginFailure,
    check_login,
    find_replica,
    server_name,
)
from collections_desktop.views.dialogs.login import LoginDialog, LoginInput

Check = Callable[[str, str | None], None]
"""Tries a login (URL without password, password); raises ``LoginError`` when refused."""


@dataclass(frozen=True)
class LoginOutcome:
    """What to open: the team database with the accepted password, or the offline replica."""

    url: str | Path
    password: str | None
    offline: bool = False


def replica_candidates() -> list[Path]:
    """Where this computer keeps its offline replica (``sync setup``'s default file)."""
    return [paths.default_replica_path()]


class LoginFlow(QObject):
    """One login to the team database at ``url``: the silent try, then the dialog."""

    def __init__(
        self,
        url: str,
        parent: QWidget | None = None,
        *,
        replicas: Sequence[Path] | None = None,
        check: Check = check_login,
    ) -> None:
        super().__init__(parent)
        parsed = make_url(url)
        self.written = parsed.password  # typed into the URL: tried, never kept
        self.url = server_url(parsed)
        self.parent_widget = parent
        self.check = check
        candidates = replica_candidates() if replicas is None else replicas
        self.replica = find_replica(self.url, candidates)
        self.outcome: LoginOutcome | None = None
        self.first_error: LoginError | None = None
        self.remembered: str | None = None
        self.keychain_note: str | None = None

    def try_silently(self) -> LoginOutcome | None:
        """The login with the remembered password (else the URL's, else none) if the server
        takes it; otherwise None, and ``first_error`` says why."""
        try:
            self.remembered = load_password(self.url)
        except KeychainUnavailable as error:
            self.keychain_note = str(error)
        password = self.written if self.written is not None else self.remembered
        try:
            self._check(self.url.render_as_string(hide_password=False), password)
        except LoginError as error:
            self.first_error = error
            return None
        self.outcome = LoginOutcome(self.url.render_as_string(hide_password=False), password)
        return self.outcome

    def dialog(self) -> LoginDialog:
        """The login dialog, showing why the silent try failed."""
        dialog = LoginDialog(
            server_name(self.url),
            self.url.database or "",
            self.url.username or getpass.getuser(),
            remember=self.remembered is not None,
            keychain_note=self.keychain_note,
            parent=self.parent_widget,
        )
        error = self.first_error
        if error is not None and error.failure is not LoginFailure.NO_PASSWORD:
            if self.remembered is not None and error.failure is LoginFailure.WRONG_PASSWORD:
                dialog.show_error(
                    _("The password remembered on this computer was refused: {reason}").format(
                        reason=error
                    )
                )
            else:
                dialog.show_error(str(error))
            dialog.offer_offline(self._offline_helps(error))
        dialog.submitted.connect(lambda entered: self._submitted(dialog, entered))
        dialog.offline_requested.connect(lambda: self._work_offline(dialog))
        return dialog

    def _submitted(self, dialog: LoginDialog, entered: LoginInput) -> None:
        target = self.url.set(username=entered.user)
        password = entered.password or None
        try:
            self._check(target.render_as_string(hide_password=False), password)
        except LoginError as error:
            dialog.show_error(str(error))
            dialog.offer_offline(self._offline_helps(error))
            return
        try:
            if entered.remember and password is not None:
                save_password(target, password)
            else:
                forget_password(target)
        except KeychainUnavailable:
            pass  # the dialog said so; the login itself works
        self.outcome = LoginOutcome(target.render_as_string(hide_password=False), password)
        dialog.accept()

    def _work_offline(self, dialog: LoginDialog) -> None:
        if self.replica is not None:
            self.outcome = LoginOutcome(self.replica, None, offline=True)
            dialog.accept()

    def _offline_helps(self, error: LoginError) -> bool:
        return self.replica is not None and error.failure in OFFLINE_HELPS

    def _check(self, url: str, password: str | None) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.check(url, password)
        finally:
            QApplication.restoreOverrideCursor()


def log_in(url: str, parent: QWidget | None = None) -> LoginOutcome | None:
    """Log in to the team database at ``url``: silently when the keychain's password (or
    none) is taken, else through the dialog. None: the user cancelled."""
    flow = LoginFlow(url, parent)
    try:
        outcome = flow.try_silently()
        if outcome is not None:
            return outcome
        dialog = flow.dialog()
        dialog.exec()
        dialog.deleteLater()
        return flow.outcome
    finally:
        flow.deleteLater()
