"""How the company sends e-mail: its SMTP server (the password in this user's keychain),
or each user's own e-mail program."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.mail import credentials
from collections_desktop.models.mail.settings import (
    METHODS,
    SECURITY_LABELS,
    MailServerRow,
    MailServerValues,
    read_mail_server,
    save_mail_server,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.style import muted_palette


class MailServerSection(SetupSection[MailServerRow, MailServerValues]):
    """The company's one mail server row; the password goes to the keychain only."""

    key = "mail_server"
    title = N_("Mail server")
    description = N_(
        "How template e-mails are sent: through the company's SMTP server, or opened in each "
        "user's own e-mail program (Outlook) to be sent from there. The password is kept in "
        "this computer's keychain, never in the database."
    )
    what = N_("mail server")
    stretch = 0

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        new_button = self.grid.findChild(QWidget, f"setup_{self.key}_new")
        if new_button is not None:
            new_button.hide()  # one row: it is edited, never added

    def columns(self) -> Sequence[Column[MailServerRow]]:
        methods = dict(METHODS)
        return (
            Column(_("Sent by"), lambda row: _(methods.get(row.method, row.method))),
            Column(_("Server"), lambda row: f"{row.host}:{row.port}" if row.host else "—"),
            Column(_("From"), lambda row: row.from_address or "—"),
        )

    def read(self, session: Session) -> Sequence[MailServerRow]:
        return [read_mail_server(session)]

    def row_name(self, row: MailServerRow) -> str:
        return _("Mail server")

    def build_form(self, form: QFormLayout) -> None:
        self.method = QComboBox()
        self.method.setObjectName("mail_server_method")
        for value, label in METHODS:
            self.method.addItem(_(label), value)
        self.host = QLineEdit()
        self.host.setObjectName("mail_server_host")
        self.host.setPlaceholderText("smtp.example.com")
        self.port = QLineEdit()
        self.port.setObjectName("mail_server_port")
        self.port.setMaxLength(5)
        self.security = QComboBox()
        self.security.setObjectName("mail_server_security")
        for value, label in SECURITY_LABELS.items():
            self.security.addItem(_(label), value)
        self.user = QLineEdit()
        self.user.setObjectName("mail_server_user")
        self.password = QLineEdit()
        self.password.setObjectName("mail_server_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("unchanged"))
        self.from_address = QLineEdit()
        self.from_address.setObjectName("mail_server_from")
        self.from_name = QLineEdit()
        self.from_name.setObjectName("mail_server_from_name")
        note = QLabel(
            _(
                "The password is saved in this computer's keychain for your login only; "
                "leave it empty to keep the one saved."
            )
        )
        note.setWordWrap(True)
        note.setPalette(muted_palette(note.palette()))
        form.addRow(_("Send &by"), self.method)
        form.addRow(_("&Server"), self.host)
        form.addRow(_("&Port"), self.port)
        form.addRow(_("S&ecurity"), self.security)
        form.addRow(_("&User name"), self.user)
        form.addRow(_("Pass&word"), self.password)
        form.addRow("", note)
        form.addRow(_("&From address"), self.from_address)
        form.addRow(_("From &name"), self.from_name)
        for widget in (
            self.method,
            self.host,
            self.port,
            self.security,
            self.user,
            self.password,
            self.from_address,
            self.from_name,
        ):
            self.watch(widget)

    def show_row(self, row: MailServerRow | None) -> None:
        self.method.setCurrentIndex(max(0, self.method.findData(row.method if row else "smtp")))
        self.host.setText(row.host if row else "")
        self.port.setText(str(row.port) if row else "587")
        self.security.setCurrentIndex(
            max(0, self.security.findData(row.security if row else "starttls"))
        )
        self.user.setText(row.user_name if row else "")
        self.password.clear()
        self.from_address.setText(row.from_address if row else "")
        self.from_name.setText(row.from_name if row else "")

    def values(self) -> MailServerValues:
        self._typed_password = self.password.text()  # read here, on the GUI thread
        return MailServerValues(
            self.method.currentData(),
            self.host.text(),
            self.port.text(),
            self.security.currentData(),
            self.user.text(),
            self.from_address.text(),
            self.from_name.text(),
        )

    def save(
        self, session: Session, row: MailServerRow | None, values: MailServerValues
    ) -> uuid.UUID:
        saved = save_mail_server(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )
        password = getattr(self, "_typed_password", "")
        if password:  # checked and written above; the keychain is the last step
            try:
                credentials.save_password(read_mail_server(session).smtp, password)
            except credentials.KeychainUnavailable as error:
                raise ValueError(str(error)) from None
        return saved
