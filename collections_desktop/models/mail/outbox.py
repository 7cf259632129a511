"""The persistent outbox: mailings queued in one transaction, sent in the background,
retried with back-off, and never sent twice.

**Queuing.** ``queue_mailing`` writes a mailing and one message per customer (the text
as it will be sent, its attachments, and a Message-ID chosen now) in the caller's one
transaction. The mailing's ``key`` ("statements:2026-11") makes it idempotent: queuing
it again adds only the customers it did not hold yet. A customer without an address is
recorded as ``skipped``, so the mailing says whom it did not reach.

**Sending.** ``send_pending`` sends what is queued and due, one message at a time:

1. *claim*: one transaction moves the message from ``queued`` to ``sending`` with
   ``UPDATE … WHERE state = 'queued'`` (the one writer that changes the row wins; a
   second sender, in this process or another, finds nothing to claim) and commits;
2. the SMTP call;
3. *record*: one transaction marks it ``sent`` (with the server's reply and the
   activity on the customer's timeline), ``queued`` again after a temporary failure
   (next attempt after a back-off doubling from one minute to an hour; ``failed``
   after ``MAX_ATTEMPTS``), ``failed`` after a permanent one, or ``unconfirmed`` when
   the connection dropped after the content was handed over (see ``smtp.py``).

**The crash window.** A sender killed between 2 and 3 leaves the message ``sending``:
the server may or may not have taken it, and nothing on this side can know. Only
``queued`` messages are ever sent, so it is not sent again by the next run; once the
claim is older than ``CLAIM_TIMEOUT`` (longer than any SMTP call may take) a run marks
it ``unconfirmed`` and the Outbox shows it with that explanation. The user decides:
*Send again* (after checking the Sent folder, or asking the customer) or *Mark as
sent*. So a mail is sent at most once unless a person chooses otherwise; its unique
Message-ID (the same on every try) lets the receiving side recognise a copy even then.
A connection lost *before* the content went over is a plain temporary failure.

``send_pending`` takes plain callables for progress and cancel (``SendState``), so the
app's background lane and ``collections-desktop mail send`` run the same code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Activity,
    ActivityType,
    Customer,
    Mailing,
    OutboxAttachment,
    OutboxMessage,
)
from collections_desktop.models.db.types import new_ids
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.ledger.numbering import next_number
from collections_desktop.models.letters.documents import write_atomically
from collections_desktop.models.mail.settings import read_mail_server
from collections_desktop.models.mail.smtp import (
    Attachment,
    MailConnection,
    SendFailure,
    SmtpSettings,
    build_message,
)
from collections_desktop.models.people.scope import AgentScope, customers_seen

QUEUED, SENDING, SENT, FAILED, SKIPPED, UNCONFIRMED = (
    "queued",
    "sending",
    "sent",
    "failed",
    "skipped",
    "unconfirmed",
)
STATES = (QUEUED, SENDING, SENT, FAILED, SKIPPED, UNCONFIRMED)

MAX_ATTEMPTS = 8
"""Tries of a message before a temporary failure counts as final."""
FIRST_BACKOFF = dt.timedelta(minutes=1)
LAST_BACKOFF = dt.timedelta(hours=1)
CLAIM_TIMEOUT = dt.timedelta(minutes=5)
"""A claim this old belongs to a sender that died (an SMTP call times out in a minute)."""
EMAIL_CATEGORY = "EMAIL"
"""The activity category of a mail sent (``company/reference.ACTIVITY_CATEGORIES``)."""


class OutboxError(ValueError):
    """A mailing that cannot be queued, or an outbox change refused; the message says why."""


@dataclass(frozen=True)
class OutgoingMessage:
    """One mail to queue: to whom, its text as sent, its language and attachments."""

    customer_id: uuid.UUID
    to: str
    subject: str
    body: str
    language: str
    attachments: tuple[Attachment, ...] = ()


class SendState(Protocol):
    """What a running send shares with its caller (``views.tasks.TaskState`` fits)."""

    @property
    def cancelled(self) -> bool: ...

    def progress(self, done: int, total: int, what: str = "") -> None: ...


@dataclass
class SendReport:
    """What one ``send_pending`` run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unconfirmed: int = 0
    left: int = 0
    """Due messages not tried (the run stopped, or was cancelled)."""
    stopped: str | None = None
    """Why the run stopped before the end (the server refused the login, cannot be
    reached), in words; None when it went through."""
    cancelled: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.stopped is None and not self.failed and not self.unconfirmed


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def queue_mailing(
    session: Session,
    scope: AgentScope,
    *,
    key: str,
    name: str,
    messages: Sequence[OutgoingMessage],
    now: dt.datetime,
    created_by: uuid.UUID | None = None,
) -> uuid.UUID:
    """Queue ``messages`` as the mailing ``key`` in the caller's transaction; its id.

    Customers the mailing already holds are left as they are (whatever their state), so
    the same key queued twice sends nobody twice. Every customer must be in ``scope``.
    A message without an address is recorded as skipped.
    """
    key = key.strip()
    if not key:
        raise OutboxError(_("A mailing needs a key."))
    if len(key) > 200:
        raise OutboxError(_("A mailing's key may have at most 200 characters."))
    wanted = {message.customer_id for message in messages}
    if len(wanted) != len(messages):
        raise OutboxError(_("A mailing holds one message per customer."))
    seen: set[uuid.UUID] = set()
    ids = list(wanted)
    for start in range(0, len(ids), 500):
        seen |= customers_seen(session, scope, ids[start : start + 500], now.date())
    if wanted - seen:
        raise OutboxError(
            _("{count} of the customers are not in your pools; nothing was queued.").format(
                count=len(wanted - seen)
            )
        )
    mailing = session.scalars(select(Mailing).where(Mailing.key == key)).one_or_none()
    if mailing is None:
        mailing = Mailing(
            key=key, name=name.strip()[:200] or key, created_at=now, created_by_id=created_by
        )
        session.add(mailing)
        session.flush()
    already = set(
        session.scalars(
            select(OutboxMessage.customer_id).where(OutboxMessage.mailing_id == mailing.id)
        )
    )
    domain = read_mail_server(session).smtp.domain
    rows: list[OutboxMessage] = []
    attachments: list[OutboxAttachment] = []
    fresh = [message for message in messages if message.customer_id not in already]
    # Keys of one call are in order, so the messages go out in the order given.
    for message, row_id in zip(fresh, new_ids(len(fresh)), strict=True):
        address = message.to.strip()
        rows.append(
            OutboxMessage(
                id=row_id,
                mailing_id=mailing.id,
                customer_id=message.customer_id,
                to_address=address,
                subject=message.subject[:500],
                body=message.body,
                language=message.language,
                message_id=f"<{row_id}@{domain}>",
                state=QUEUED if address else SKIPPED,
                attempts=0,
                last_error=None if address else _("The customer has no e-mail address."),
                created_at=now,
            )
        )
        attachments.extend(
            OutboxAttachment(
                message_id=row_id,
                position=position,
                filename=attachment.filename,
                mime_type=attachment.mime_type,
                content=attachment.content,
            )
            for position, attachment in enumerate(message.attachments, 1)
        )
    session.add_all(rows)
    session.flush()
    session.add_all(attachments)
    session.flush()
    return mailing.id


def send_pending(
    database: Database,
    smtp_settings: SmtpSettings,
    password: str | None,
    *,
    state: SendState | None = None,
    now: Callable[[], dt.datetime] = _utc_now,
    mailing_id: uuid.UUID | None = None,
    due_only: bool = True,
    connection: MailConnection | None = None,
) -> SendReport:
    """Send the queued messages that are due (of ``mailing_id``, else all); a report.

    Each message is claimed, sent and recorded as the module's docstring says. The
    connection is opened before the first claim: a server that refuses the login or
    cannot be reached stops the run with nothing changed (``report.stopped``). A
    connection lost midway is opened again once; if that fails the run stops and the
    rest stay queued for the next one. ``due_only=False`` also sends what waits for a
    later attempt (the Outbox's Retry).
    """
    report = SendReport()
    recover_stale_claims(database, now())
    ids = _due_ids(database, now(), mailing_id, due_only)
    total = len(ids)
    if not ids:
        return report
    link = connection or MailConnection(smtp_settings, password)
    lost = 0  # connections lost in a row: two, and the server is taken to be down
    try:
        for done, message_id in enumerate(ids):
            if state is not None:
                state.progress(done, total, _("Sending e-mails"))
                if state.cancelled:
                    report.cancelled = True
                    report.left = total - done
                    break
            if not link.is_open:
                try:
                    link.open()
                except SendFailure as failure:
                    report.stopped = str(failure)
                    report.left = total - done
                    break
            claimed = _claim(database, message_id, now())
            if claimed is None:
                continue  # another sender took it, or the user changed it meanwhile
            try:
                reply = link.send(
                    build_message(
                        smtp_settings,
                        to=claimed.to,
                        subject=claimed.subject,
                        body=claimed.body,
                        message_id=claimed.message_id,
                        attachments=claimed.attachments,
                        date=now(),
                    ),
                    claimed.to,
                )
            except SendFailure as failure:
                outcome = _record_failure(database, message_id, failure, now())
                lost = lost + 1 if not link.is_open else 0
                if outcome == QUEUED:
                    report.retrying += 1
                elif outcome == UNCONFIRMED:
                    report.unconfirmed += 1
                else:
                    report.failed += 1
                report.errors.append(f"{claimed.to}: {failure}")
                if lost >= 2:
                    report.stopped = str(failure)
                    report.left = total - done - 1
                    break
                continue
            _record_sent(database, message_id, reply, now())
            report.sent += 1
            lost = 0
        else:
            if state is not None:
                state.progress(total, total, _("Sending e-mails"))
    finally:
        if connection is None:
            link.close()
    return report


@dataclass(frozen=True)
class _Claimed:
    to: str
    subject: str
    body: str
    message_id: str
    attachments: tuple[Attachment, ...]


def recover_stale_claims(database: Database, now: dt.datetime) -> int:
    """Mark ``unconfirmed`` the messages a dead sender left ``sending``; how many."""
    limit = now - CLAIM_TIMEOUT
    with write_transaction(database, what=_("the outbox")) as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.state == SENDING, OutboxMessage.claimed_at < limit)
            .values(
                state=UNCONFIRMED,
                last_error=_(
                    "The sending was interrupted after the message was handed to the "
                    "server: it may have been delivered. Check your Sent folder, then "
                    "send it again or mark it as sent."
                ),
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _due_ids(
    database: Database, now: dt.datetime, mailing_id: uuid.UUID | None, due_only: bool
) -> list[uuid.UUID]:
    query = select(OutboxMessage.id).where(OutboxMessage.state == QUEUED)
    if due_only:
        query = query.where(
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)
        )
    if mailing_id is not None:
        query = query.where(OutboxMessage.mailing_id == mailing_id)
    with database.sessions() as session:
        return list(session.scalars(query.order_by(OutboxMessage.created_at, OutboxMessage.id)))


def _claim(database: Database, message_id: uuid.UUID, now: dt.datetime) -> _Claimed | None:
    """Move the message from queued to sending and commit; None when it is not queued."""
    with write_transaction(database, what=_("the outbox")) as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.state == QUEUED)
            .values(state=SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.execute(
            select(
                OutboxMessage.to_address,
                OutboxMessage.subject,
                OutboxMessage.body,
                OutboxMessage.message_id,
            ).where(OutboxMessage.id == message_id)
        ).one()
        files = session.execute(
            select(OutboxAttachment.filename, OutboxAttachment.content, OutboxAttachment.mime_type)
            .where(OutboxAttachment.message_id == message_id)
            .order_by(OutboxAttachment.position)
        ).all()
        return _Claimed(
            row.to_address,
            row.subject,
            row.body,
            row.message_id,
            tuple(Attachment(f.filename, f.content, f.mime_type) for f in files),
        )


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after ``attempts`` tries: 1, 2, 4 … 60 minutes."""
    wait: dt.timedelta = FIRST_BACKOFF * (2 ** max(attempts - 1, 0))
    return min(wait, LAST_BACKOFF)


def _record_failure(
    database: Database, message_id: uuid.UUID, failure: SendFailure, now: dt.datetime
) -> str:
    with write_transaction(database, what=_("the outbox")) as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        if failure.kind == "uncertain":
            row.state = UNCONFIRMED
        elif failure.kind == "temporary" and row.attempts < MAX_ATTEMPTS:
            row.state = QUEUED
            row.next_attempt_at = now + backoff(row.attempts)
        else:
            row.state = FAILED
        row.last_error = str(failure)
        row.claimed_at = None
        return row.state


def _record_sent(database: Database, message_id: uuid.UUID, reply: str, now: dt.datetime) -> None:
    with write_transaction(database, what=_("the outbox")) as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        _mark_sent(session, row, reply, now)


def _mark_sent(session: Session, row: OutboxMessage, reply: str, now: dt.datetime) -> None:
    """The message is sent: its state, and a closed e-mail action on the customer's
    timeline holding its text."""
    responsible = session.scalar(select(Mailing.created_by_id).where(Mailing.id == row.mailing_id))
    activity = Activity(
        number=next_number(session, "activity", now),
        type=ActivityType.ACTION.value,
        category=EMAIL_CATEGORY,
        purpose=row.subject[:500],
        memo=_("To: {to}\n\n{body}").format(to=row.to_address, body=row.body),
        responsible_employee_id=responsible,
        customer_id=row.customer_id,
        start_at=now,
        end_at=now,
        closed=True,
        closed_at=now,
        updated_at=now,
        version=1,
    )
    session.add(activity)
    session.flush()
    row.state, row.sent_at, row.server_reply = SENT, now, reply
    row.last_error, row.claimed_at, row.activity_id = None, None, activity.id
    session.flush()


# --- the Outbox's reading and the user's decisions ---------------------------------------


@dataclass(frozen=True)
class MailingRow:
    """A mailing with how many of its messages are in each state."""

    id: uuid.UUID
    key: str
    name: str
    created_at: dt.datetime
    counts: dict[str, int]

    def count(self, state: str) -> int:
        return self.counts.get(state, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class MessageRow:
    """One message of a mailing, as the Outbox lists it."""

    id: uuid.UUID
    account: str
    customer: str
    to: str
    subject: str
    state: str
    attempts: int
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    last_error: str | None
    attachments: int


def list_mailings(session: Session, *, limit: int = 500) -> list[MailingRow]:
    """The newest mailings first, each with its counts per state."""
    mailings = session.execute(
        select(Mailing.id, Mailing.key, Mailing.name, Mailing.created_at)
        .order_by(Mailing.created_at.desc(), Mailing.id.desc())
        .limit(limit)
    ).all()
    counts: dict[uuid.UUID, dict[str, int]] = {row.id: {} for row in mailings}
    if mailings:
        for mailing_id, state, number in session.execute(
            select(OutboxMessage.mailing_id, OutboxMessage.state, func.count())
            .where(OutboxMessage.mailing_id.in_(list(counts)))
            .group_by(OutboxMessage.mailing_id, OutboxMessage.state)
        ):
            counts[mailing_id][state] = number
    return [MailingRow(r.id, r.key, r.name, r.created_at, counts[r.id]) for r in mailings]


def list_messages(session: Session, mailing_id: uuid.UUID) -> list[MessageRow]:
    """A mailing's messages, the ones needing attention first, then by account."""
    files = (
        select(func.count())
        .where(OutboxAttachment.message_id == OutboxMessage.id)
        .scalar_subquery()
    )
    order = {FAILED: 0, UNCONFIRMED: 1, SKIPPED: 2, QUEUED: 3, SENDING: 4, SENT: 5}
    rows = session.execute(
        select(
            OutboxMessage.id,
            Customer.account,
            Customer.name,
            OutboxMessage.to_address,
            OutboxMessage.subject,
            OutboxMessage.state,
            OutboxMessage.attempts,
            OutboxMessage.next_attempt_at,
            OutboxMessage.sent_at,
            OutboxMessage.last_error,
            files,
        )
        .join(Customer, Customer.id == OutboxMessage.customer_id)
        .where(OutboxMessage.mailing_id == mailing_id)
    ).all()
    found = [MessageRow(*row) for row in rows]
    return sorted(found, key=lambda m: (order.get(m.state, 9), m.account))


def pending_count(session: Session) -> int:
    """Messages queued (due now or later)."""
    return session.scalar(select(func.count()).where(OutboxMessage.state == QUEUED)) or 0


def retry(session: Session, message_ids: Iterable[uuid.UUID], now: dt.datetime) -> int:
    """Queue again, due now, the failed, unconfirmed or waiting messages among
    ``message_ids``; how many. A sent, skipped or sending one is left alone (an
    unconfirmed one is sent again only because the user asked)."""
    ids = list(message_ids)
    if not ids:
        return 0
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.state.in_((FAILED, UNCONFIRMED, QUEUED)),
        )
        .values(state=QUEUED, next_attempt_at=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def retry_mailing(session: Session, mailing_id: uuid.UUID, now: dt.datetime) -> int:
    """Queue again, due now, the failed and waiting messages of a mailing (not the
    unconfirmed ones: those need a decision each)."""
    ids = session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.mailing_id == mailing_id,
            OutboxMessage.state.in_((FAILED, QUEUED)),
        )
    )
    return retry(session, list(ids), now)


def mark_sent(session: Session, message_ids: Iterable[uuid.UUID], now: dt.datetime) -> int:
    """The user found these unconfirmed messages delivered: record them as sent."""
    count = 0
    for row in session.scalars(
        select(OutboxMessage).where(
            and_(OutboxMessage.id.in_(list(message_ids)), OutboxMessage.state == UNCONFIRMED)
        )
    ):
        _mark_sent(session, row, _("marked as sent by the user"), now)
        count += 1
    return count


def export_drafts(
    database: Database,
    smtp_settings: SmtpSettings,
    mailing_id: uuid.UUID,
    folder: Path,
    now: dt.datetime,
) -> list[Path]:
    """For users who send from their own e-mail program (Outlook): each queued message of
    the mailing written whole as an unsent draft (``.eml`` with ``X-Unsent: 1``, which
    Outlook opens ready to send, attachments and all), then recorded as handed over, with
    its activity. The files' paths, in the mailing's order."""
    written: list[Path] = []
    folder.mkdir(parents=True, exist_ok=True)
    for message_id in _due_ids(database, now, mailing_id, due_only=False):
        claimed = _claim(database, message_id, now)
        if claimed is None:
            continue
        message = build_message(
            smtp_settings,
            to=claimed.to,
            subject=claimed.subject,
            body=claimed.body,
            message_id=claimed.message_id,
            attachments=claimed.attachments,
            date=now,
        )
        message["X-Unsent"] = "1"
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in claimed.to)[:80]
        path = write_atomically(folder / f"{len(written) + 1:04d}-{name}.eml", bytes(message))
        _record_sent(database, message_id, _("opened in the e-mail program"), now)
        written.append(path)
    return written
