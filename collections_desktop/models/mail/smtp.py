"""Talking to the company's SMTP server: the message as MIME, the connection, the verdict.

A failure is sorted into what the outbox does with it (``SendFailure.kind``):

- ``temporary``: a 4xx reply, a refused or dropped connection before the message's
  content was handed over: the message is tried again later, with back-off;
- ``permanent``: a 5xx reply (bad address, message refused), failed authentication, a
  server that cannot do the security asked for: the message (or the whole run, for
  authentication) stops and the user is told why;
- ``uncertain``: the connection dropped after the whole message was handed over and
  before the server said whether it took it. It may have been delivered, so it is never
  sent again without the user deciding (``outbox.py``).

``MailConnection.data`` is smtplib's own DATA step with one mark added: whether the
content had been sent when the connection was lost, which smtplib does not tell.
"""

from __future__ import annotations

import email.utils
import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from typing import Any

from collections_desktop.i18n import _

SECURITY = ("starttls", "ssl", "none")
"""How the connection is protected: STARTTLS (port 587), TLS from the start (465), or
nothing (only for a server on this computer, a relay on loopback)."""

TIMEOUT_SECONDS = 60
"""How long a connection waits for the server before it counts as dropped."""


@dataclass(frozen=True)
class SmtpSettings:
    """The company's SMTP server (the password is the keychain's, never here)."""

    host: str
    port: int
    security: str
    user_name: str
    from_address: str
    from_name: str = ""

    @property
    def sender(self) -> str:
        """The From header: the name and the address."""
        return email.utils.formataddr((self.from_name, self.from_address))

    @property
    def domain(self) -> str:
        """The right-hand side of the company's Message-IDs: the sender's domain."""
        return self.from_address.rpartition("@")[2] or "collections-desktop.invalid"


@dataclass(frozen=True)
class Attachment:
    """A file sent with a mail: a letter's PDF now, statements and invoices later."""

    filename: str
    content: bytes
    mime_type: str = "application/pdf"


class SendFailure(Exception):
    """A message was not (or maybe not) accepted; ``kind`` says what to do about it."""

    def __init__(self, kind: str, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code


def build_message(
    settings: SmtpSettings,
    *,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    attachments: Sequence[Attachment] = (),
    date: Any = None,
) -> EmailMessage:
    """The MIME message: plain text in UTF-8, the attachments after it, the Message-ID
    the outbox chose when the mail was queued (so every try of it carries the same one)."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = email.utils.format_datetime(date) if date else email.utils.formatdate()
    message.set_content(body)
    for attachment in attachments:
        main, _slash, sub = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=main or "application",
            subtype=sub or "octet-stream",
            filename=attachment.filename,
        )
    return message


class _Tracked(smtplib.SMTP):
    """smtplib's client, marking when a message's content has gone to the server."""

    content_sent = False
    last_reply = ""

    def data(self, msg: Any) -> tuple[int, bytes]:  # smtplib's own, with the mark added
        self.content_sent = False
        self.putcmd("data")
        (code, repl) = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, repl)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")  # type: ignore[attr-defined]
        q = smtplib._quote_periods(msg)  # type: ignore[attr-defined]
        if q[-2:] != smtplib.bCRLF:
            q = q + smtplib.bCRLF
        q = q + b"." + smtplib.bCRLF
        self.send(q)
        self.content_sent = True
        (code, msg) = self.getreply()
        self.last_reply = _reply(code, msg)
        return code, msg


class _TrackedSSL(smtplib.SMTP_SSL, _Tracked):
    pass


class MailConnection:
    """One session with the server: opened, logged in, used for many messages, closed."""

    def __init__(self, settings: SmtpSettings, password: str | None) -> None:
        self.settings = settings
        self._password = password
        self._client: _Tracked | None = None

    def open(self) -> None:
        """Connect, secure and log in; ``SendFailure`` says why not."""
        settings = self.settings
        context = ssl.create_default_context()
        client: _Tracked | None = None
        try:
            if settings.security == "ssl":
                client = _TrackedSSL(
                    settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
                )
            else:
                client = _Tracked(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
            client.ehlo_or_helo_if_needed()
            if settings.security == "starttls":
                client.starttls(context=context)
            if settings.user_name:
                client.login(settings.user_name, self._password or "")
        except BaseException as error:
            if client is not None:
                client.close()
            raise self._failure(error) from None
        self._client = client

    def _failure(self, error: BaseException) -> BaseException:
        """What a failure to connect or log in means (``SendFailure``), or ``error``."""
        settings = self.settings
        try:
            raise error
        except smtplib.SMTPAuthenticationError as error:
            return SendFailure(
                "permanent",
                _(
                    "The mail server {host} refused the user name or password ({reply}). "
                    "Check them in Set-up ▸ Mail server; nothing was sent."
                ).format(host=settings.host, reply=_reply(error.smtp_code, error.smtp_error)),
                code=error.smtp_code,
            )
        except smtplib.SMTPNotSupportedError as error:
            return SendFailure(
                "permanent",
                _("The mail server {host} cannot do what was asked: {reason}").format(
                    host=settings.host, reason=error
                ),
            )
        except (ssl.SSLError, ssl.CertificateError) as error:
            return SendFailure(
                "permanent",
                _("The secure connection to {host} failed: {reason}").format(
                    host=settings.host, reason=error
                ),
            )
        except smtplib.SMTPResponseException as error:
            kind = "temporary" if 400 <= error.smtp_code < 500 else "permanent"
            return SendFailure(
                kind,
                _("The mail server {host} answered {reply}.").format(
                    host=settings.host, reply=_reply(error.smtp_code, error.smtp_error)
                ),
                code=error.smtp_code,
            )
        except (OSError, smtplib.SMTPException) as error:
            return SendFailure(
                "temporary",
                _("The mail server {host}:{port} cannot be reached: {reason}").format(
                    host=settings.host, port=settings.port, reason=_os_reason(error)
                ),
            )
        except BaseException as error:
            return error

    @property
    def is_open(self) -> bool:
        return self._client is not None

    def send(self, message: EmailMessage, to: str) -> str:
        """Hand ``message`` to the server; its reply. ``SendFailure`` otherwise."""
        if self._client is None:
            self.open()
        client = self._client
        assert client is not None
        client.content_sent = False
        try:
            refused = client.send_message(message, self.settings.from_address, [to])
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()), (550, b""))
            raise SendFailure(
                "temporary" if 400 <= code < 500 else "permanent",
                _("The server refused the address {to}: {reply}").format(
                    to=to, reply=_reply(code, reply)
                ),
                code=code,
            ) from None
        except smtplib.SMTPResponseException as error:
            code = error.smtp_code
            if code in (-1, 421):
                self.close()
            raise SendFailure(
                "temporary" if 400 <= code < 500 else "permanent",
                _("The server refused the message: {reply}").format(
                    reply=_reply(code, error.smtp_error)
                ),
                code=code,
            ) from None
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            uncertain = client.content_sent
            self._client = None
            if uncertain:
                raise SendFailure(
                    "uncertain",
                    _(
                        "The connection was lost after the message was handed over and "
                        "before the server confirmed it ({reason}): it may have been "
                        "delivered."
                    ).format(reason=_os_reason(error)),
                ) from None
            raise SendFailure(
                "temporary",
                _("The connection to the mail server was lost: {reason}").format(
                    reason=_os_reason(error)
                ),
            ) from None
        except smtplib.SMTPException as error:
            raise SendFailure("temporary", str(error)) from None
        if refused:
            raise SendFailure("permanent", _("The server refused the address {to}.").format(to=to))
        return client.last_reply or "250"

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {words}".strip()


def _os_reason(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return _("no answer in {seconds} seconds").format(seconds=TIMEOUT_SECONDS)
    if isinstance(error, ConnectionRefusedError):
        return _("the connection was refused")
    text = str(error).strip()
    return text or type(error).__name__
