"""Mail: the company's e-mail templates and mail server, and the persistent outbox.

Templates and the server are set-up (shared with the team like the letter sequences).
The outbox is the sending computer's own: a mailing (one key, so queuing it again adds
nothing), its messages (one per customer, with the text as it will be sent and the
Message-ID it will carry) and their attachments. A message's ``state`` is the one truth
about whether it went out (``models/mail/outbox.py``); the password of the server is
never in the database (``models/mail/credentials.py``).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, Mutable, primary_id


class MailTemplate(Mutable, Base):
    """An e-mail template: a code and a name; its subject and body per language."""

    __tablename__ = "mail_templates"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MailTemplateText(Mutable, Base):
    """A template's subject and body in one language (Jinja2, sandboxed)."""

    __tablename__ = "mail_template_texts"
    __table_args__ = (UniqueConstraint("template_id", "language"),)
    id: Mapped[uuid.UUID] = primary_id()
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mail_templates.id"), index=True)
    language: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)


class MailServer(Mutable, Base):
    """How the company sends e-mail: its SMTP server, or the user's own mail program.

    One row. The password is in the OS keychain, keyed by user name, host and port.
    """

    __tablename__ = "mail_servers"
    id: Mapped[uuid.UUID] = primary_id()
    method: Mapped[str] = mapped_column(String(20), default="smtp")  # smtp | program
    host: Mapped[str] = mapped_column(String(200), default="")
    port: Mapped[int] = mapped_column(Integer, default=587)
    security: Mapped[str] = mapped_column(String(20), default="starttls")  # starttls|ssl|none
    user_name: Mapped[str] = mapped_column(String(200), default="")
    from_address: Mapped[str] = mapped_column(String(320), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")


class Mailing(Base):
    """A batch of e-mails queued at once; ``key`` makes queuing it again idempotent."""

    __tablename__ = "mailings"
    id: Mapped[uuid.UUID] = primary_id()
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))


class OutboxMessage(Base):
    """One e-mail to one customer of a mailing, and where it stands.

    ``state``: queued, sending (claimed by a sender: the SMTP call is under way),
    sent, failed (permanently: the server refused it, or too many attempts),
    skipped (no address) or unconfirmed (a sender died between handing it to the
    server and hearing the answer: it may have gone out, so it is never sent again
    without the user saying so).
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("mailing_id", "customer_id"),
        Index("ix_outbox_messages_state", "state", "next_attempt_at"),
    )
    id: Mapped[uuid.UUID] = primary_id()
    mailing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mailings.id"), index=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10))
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    server_reply: Mapped[str | None] = mapped_column(Text)
    activity_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("activities.id"))
    created_at: Mapped[dt.datetime]


class OutboxAttachment(Base):
    """A file sent with an outbox message (a letter's PDF, a statement, an invoice)."""

    __tablename__ = "outbox_attachments"
    id: Mapped[uuid.UUID] = primary_id()
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
