"""How the company sends e-mail: one set-up row (``mail_servers``), read and saved.

The method is ``smtp`` (the company's server, from the outbox) or ``program`` (the
user's own mail program opens each mail, for Outlook users whose server takes no SMTP).
The SMTP host, port, security, user name and From address are the company's set-up,
shared by the team; the password is each user's, in their keychain
(``credentials.py``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import MailServer
from collections_desktop.models.mail.smtp import SECURITY, SmtpSettings
from collections_desktop.models.setup.fields import (
    SetupError,
    require_administrator,
    whole_number,
)

METHODS = (("smtp", N_("The company's SMTP server")), ("program", N_("My own e-mail program")))
SECURITY_LABELS = {
    "starttls": N_("STARTTLS (usually port 587)"),
    "ssl": N_("SSL/TLS (usually port 465)"),
    "none": N_("None (only a server on this computer)"),
}
LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class MailServerRow:
    """The set-up row (``id`` None: none saved yet, the defaults)."""

    id: uuid.UUID | None
    version: int
    method: str
    host: str
    port: int
    security: str
    user_name: str
    from_address: str
    from_name: str

    @property
    def smtp(self) -> SmtpSettings:
        return SmtpSettings(
            self.host, self.port, self.security, self.user_name, self.from_address, self.from_name
        )


@dataclass(frozen=True)
class MailServerValues:
    method: str
    host: str
    port: str
    security: str
    user_name: str
    from_address: str
    from_name: str


DEFAULT = MailServerRow(None, 0, "smtp", "", 587, "starttls", "", "", "")


def read_mail_server(session: Session) -> MailServerRow:
    """The company's mail server row, or the defaults when none is saved."""
    row = session.scalars(
        select(MailServer).where(MailServer.deleted_at.is_(None)).order_by(MailServer.id)
    ).first()
    if row is None:
        return DEFAULT
    return MailServerRow(
        row.id,
        row.version,
        row.method,
        row.host,
        row.port,
        row.security,
        row.user_name,
        row.from_address,
        row.from_name,
    )


def save_mail_server(
    session: Session,
    server_id: uuid.UUID | None,
    version: int,
    values: MailServerValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Save the mail server row (the first save adds it)."""
    require_administrator(session, by)
    method = values.method if values.method in dict(METHODS) else "smtp"
    host = values.host.strip()
    security = values.security if values.security in SECURITY else "starttls"
    port = whole_number(values.port or "0", _("Port"), minimum=1, maximum=65535)
    sender = values.from_address.strip()
    if method == "smtp":
        if not host:
            raise SetupError(_("Server is required."))
        if security == "none" and host.lower() not in LOOPBACK:
            raise SetupError(
                _(
                    "Without security the password and the mails would cross the network "
                    "readable: choose STARTTLS or SSL/TLS, or a server on this computer."
                )
            )
    if sender and ("@" not in sender or " " in sender):
        raise SetupError(_("“{address}” is no e-mail address.").format(address=sender))
    if method == "smtp" and not sender:
        raise SetupError(_("From address is required."))
    fields = {
        "method": method,
        "host": host,
        "port": port,
        "security": security,
        "user_name": values.user_name.strip(),
        "from_address": sender,
        "from_name": values.from_name.strip(),
    }
    if server_id is None:
        if session.scalar(select(MailServer.id).where(MailServer.deleted_at.is_(None))):
            raise SetupError(_("The mail server was saved meanwhile: reload it."))
        row = MailServer(updated_at=now, **fields)
        session.add(row)
        session.flush()
        return row.id
    found = session.get(MailServer, server_id)
    if found is None:
        raise SetupError(_("The mail server was removed meanwhile: reload it."))
    update_versioned(session, found, version, now=now, what=_("The mail server"), **fields)
    return server_id
