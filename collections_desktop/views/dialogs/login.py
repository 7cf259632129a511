"""The login dialog of a team database: the server, the user name, the password.

It only shows and checks: OK emits ``submitted`` with a ``LoginInput``; the caller
(``views/team_login.py``) tries the login and either closes the dialog or shows the
server's refusal inline (``show_error``) so the user can try again. When an offline
replica of this server exists and the refusal is one it helps with, the caller offers it
(``offer_offline``): "Work offline" emits ``offline_requested``.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from collections_desktop.i18n import _
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.style import muted_palette


@dataclass(frozen=True)
class LoginInput:
    """What was typed: the login, its password, and whether to remember the password."""

    user: str
    password: str
    remember: bool


class LoginDialog(ActionDialog):
    """Asks for the user name and password of a team database; ``value()``: LoginInput."""

    offline_requested = Signal()

    def __init__(
        self,
        server: str,
        database: str,
        user: str,
        *,
        remember: bool = False,
        keychain_note: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Log in to the team database"), _("Log in"), parent)
        self.setObjectName("login_dialog")
        where = QLabel(
            _("{database} on the server {server}").format(database=database, server=server)
        )
        where.setObjectName("login_server")
        where.setWordWrap(True)
        self.user = QLineEdit(user)
        self.user.setObjectName("login_user")
        self.password = QLineEdit()
        self.password.setObjectName("login_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(_("Remember me on this computer"))
        self.remember.setObjectName("login_remember")
        self.remember.setChecked(remember)
        self.remember.setToolTip(
            _("Keeps the password in this computer's keychain, and nowhere else.")
        )
        self.form.addRow(_("Database:"), where)
        self.form.addRow(_("User name:"), self.user)
        self.form.addRow(_("Password:"), self.password)
        self.form.addRow("", self.remember)
        self.note = QLabel(keychain_note or "")
        self.note.setObjectName("login_keychain_note")
        self.note.setWordWrap(True)
        self.note.setPalette(muted_palette(self.note.palette()))
        self.note.setVisible(bool(keychain_note))
        if keychain_note:
            self.remember.setChecked(False)
            self.remember.setEnabled(False)
        self.body.addWidget(self.note)
        self.offline_button = QPushButton(_("Work offline"))
        self.offline_button.setObjectName("login_offline")
        self.offline_button.setToolTip(_("Open this computer's offline copy of the team database"))
        self.buttons.addButton(self.offline_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.offline_button.hide()  # after adding it: the button box shows what it gets
        self.offline_button.clicked.connect(self.offline_requested)
        (self.password if user else self.user).setFocus()

    def value(self) -> LoginInput:
        return LoginInput(
            user=self.user.text().strip(),
            password=self.password.text(),
            remember=self.remember.isChecked(),
        )

    def check(self) -> str | None:
        if not self.user.text().strip():
            return _("Enter your user name.")
        return None

    def show_error(self, message: str) -> None:
        """Show the refusal, clear the password and put the cursor back into it."""
        super().show_error(message)
        self.password.clear()
        self.password.setFocus()

    def offer_offline(self, offered: bool) -> None:
        """Show (or hide) "Work offline": an offline replica of this server exists."""
        self.offline_button.setVisible(offered)
