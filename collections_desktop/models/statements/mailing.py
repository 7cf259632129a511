"""Month-end statements by e-mail: one statement per customer and month, whatever happens.

Every customer of the scope with an open balance at the month's end gets the STATEMENT
template in their language with their statement attached as a PDF, through the outbox.
The mailing's key is the month (``statements:2026-11``), so a customer is queued at most
once per month: a second run finds everyone in the mailing and queues nothing, and a run
that died after queueing is completed by the next one, which sends what is still queued
without printing those PDFs again.

The work comes in three steps, so the database's write lock is held only for the short
middle one (printing 2,000 PDFs takes a minute or two):

1. *read and print*, in batches of ``BATCH`` customers, each batch in its own read: the
   customers not in the mailing yet, their mails (``mail.mailing.prepare_mails``) and
   statements, then each statement printed by the caller's ``pdf`` (the views' printer;
   models stay Qt-free) into a temporary spool file, so memory does not grow with the
   number of customers;
2. *queue* the whole mailing in ONE write transaction (``outbox.queue_mailing``, which
   leaves alone the customers the mailing already holds, so two runs at once still queue
   each customer once); a customer without an e-mail address is recorded as skipped;
3. *send* through ``outbox.send_pending`` for this mailing only.

``mail_month_statements`` is all three, for the command line and the app alike.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

from babel.dates import format_date, format_skeleton
from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer, Mailing, OutboxMessage
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.mail.mailing import outgoing, prepare_mails
from collections_desktop.models.mail.outbox import (
    QUEUED,
    SENT,
    SKIPPED,
    OutgoingMessage,
    SendReport,
    SendState,
    queue_mailing,
    send_pending,
)
from collections_desktop.models.mail.smtp import Attachment, SmtpSettings
from collections_desktop.models.mail.templates import TemplateRow, list_templates
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.statements.period import StatementError, StatementPeriod
from collections_desktop.models.statements.statement import (
    Statement,
    file_name,
    read_statements,
    statement_customers,
)

STATEMENT_TEMPLATE = "STATEMENT"
"""The template the statements are sent with (one of ``mail/standard.py``'s)."""

BATCH = 200
"""Customers read and printed per batch."""


class StatementMailingError(StatementError):
    """The month's statements cannot be sent as asked; the message says why."""


def mailing_key(period: StatementPeriod) -> str:
    """The key of a month's statements mailing: ``statements:2026-11``."""
    return f"statements:{period.name}"


def month_name(period: StatementPeriod, locale: str) -> str:
    """The period's month by itself, in ``locale`` ("November", "noviembre")."""
    return format_date(period.start, "LLLL", locale=locale)


def month_and_year(period: StatementPeriod, locale: str) -> str:
    """The period's month and year, in ``locale`` ("November 2026", "noviembre de 2026")."""
    return format_skeleton("yMMMM", period.start, locale=locale)


def day_and_month(day: dt.date, locale: str) -> str:
    """A day of the month without the year ("November 30", "30 de noviembre")."""
    return format_skeleton("MMMMd", day, locale=locale)


@dataclass(frozen=True)
class MonthMailingStatus:
    """Where a month's statements mailing stands for a scope."""

    period: StatementPeriod
    key: str
    mailing_id: uuid.UUID | None
    owing: int
    """Customers of the scope with an open balance at the month's end."""
    in_mailing: int
    """Of those, the ones the mailing already holds (sent, queued, skipped…)."""
    waiting: int
    """Of those, the ones whose statement is queued and not sent yet."""
    sent: int = 0
    """Of those, the ones whose statement was sent."""
    skipped: int = 0
    """Of those, the ones recorded without an e-mail address."""

    @property
    def to_queue(self) -> int:
        """Customers whose statement has not been queued yet."""
        return self.owing - self.in_mailing

    @property
    def to_send(self) -> bool:
        """Whether anything of the month is left to queue or to send."""
        return self.to_queue > 0 or self.waiting > 0


@dataclass(frozen=True)
class SkippedCustomer:
    """A customer whose statement could not be mailed: no e-mail address."""

    account: str
    name: str


@dataclass(frozen=True)
class QueuedStatements:
    """What one run queued."""

    mailing_id: uuid.UUID | None
    """The month's mailing (None: nobody owes anything, so there is none)."""
    queued: int = 0
    """Statements queued by this run, to be sent."""
    already: int = 0
    """Customers the mailing held before this run (queued earlier, whatever their state)."""
    skipped: tuple[SkippedCustomer, ...] = ()
    """Customers recorded by this run without an e-mail address, by account."""
    cancelled: bool = False
    """The run was cancelled while printing; nothing was queued."""


def month_mailing_status(
    session: Session, scope: AgentScope, period: StatementPeriod, today: dt.date
) -> MonthMailingStatus:
    """How many of the scope's customers owe at the month's end, and how many of them the
    month's mailing holds or still has to send."""
    key = mailing_key(period)
    owing = _candidates(session, scope, period, today)
    mailing_id = session.scalar(select(Mailing.id).where(Mailing.key == key))
    held: dict[uuid.UUID, str] = {}
    if mailing_id is not None:
        held = dict(
            session.execute(
                select(OutboxMessage.customer_id, OutboxMessage.state).where(
                    OutboxMessage.mailing_id == mailing_id
                )
            ).all()
        )
    mine = [held[c] for c in owing if c in held]
    return MonthMailingStatus(
        period,
        key,
        mailing_id,
        owing=len(owing),
        in_mailing=len(mine),
        waiting=sum(1 for state in mine if state == QUEUED),
        sent=sum(1 for state in mine if state == SENT),
        skipped=sum(1 for state in mine if state == SKIPPED),
    )


def statement_template(session: Session) -> TemplateRow:
    """The STATEMENT template; refused, saying how to get it back, when there is none."""
    for template in list_templates(session):
        if template.code == STATEMENT_TEMPLATE and template.texts:
            return template
    raise StatementMailingError(
        _(
            "There is no e-mail template {code}: the month's statements are sent with it. "
            "Add it in Set-up ▸ E-mail templates."
        ).format(code=STATEMENT_TEMPLATE)
    )


def queue_month_statements(
    database: Database,
    scope: AgentScope,
    period: StatementPeriod,
    *,
    pdf: Callable[[Statement], bytes],
    now: dt.datetime,
    agent_id: uuid.UUID | None,
    pool_id: uuid.UUID | None = None,
    account: str | None = None,
    name: str | None = None,
    state: SendState | None = None,
) -> QueuedStatements:
    """Print and queue the statements of the month that the mailing does not hold yet.

    ``pdf`` prints a statement (called outside any transaction); ``agent_id`` signs the
    mails. ``pool_id`` and ``account`` narrow the customers as ``statement_customers``
    does. Cancelled (``state``) while printing, nothing is queued.
    """
    key = mailing_key(period)
    today = now.date()
    with database.sessions() as session:
        template = statement_template(session)
        candidates = _candidates(session, scope, period, today, pool_id=pool_id, account=account)
        held = _held(session, key)
    todo = [customer_id for customer_id in candidates if customer_id not in held]
    spool = _Spool()
    try:
        pending: list[_Pending] = []
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            with database.sessions() as session:
                mails = prepare_mails(
                    session, scope, template, batch, period.end, agent_id=agent_id
                )
                statements = {s.customer_id: s for s in read_statements(session, batch, period)}
            for offset, (mail, message) in enumerate(zip(mails, outgoing(mails), strict=True)):
                if state is not None:
                    state.progress(start + offset, len(todo), _("Printing statements"))
                    if state.cancelled:
                        return QueuedStatements(None, cancelled=True)
                found = statements[mail.customer_id]
                # Printed for everyone queued now (the command keeps a copy), attached
                # only where there is an address.
                offset_length = spool.put(pdf(found))
                pending.append(
                    _Pending(
                        message, file_name(found, "pdf"), *offset_length, mail.account, mail.name
                    )
                )
        if state is not None:
            state.progress(len(todo), len(todo), _("Printing statements"))
        return _queue(database, scope, period, key, candidates, pending, spool, now, agent_id, name)
    finally:
        spool.close()


def mail_month_statements(
    database: Database,
    scope: AgentScope,
    period: StatementPeriod,
    *,
    pdf: Callable[[Statement], bytes],
    now: Callable[[], dt.datetime],
    agent_id: uuid.UUID | None,
    smtp_settings: SmtpSettings,
    password: str | None,
    pool_id: uuid.UUID | None = None,
    account: str | None = None,
    name: str | None = None,
    state: SendState | None = None,
) -> tuple[QueuedStatements, SendReport]:
    """Queue what the month's mailing lacks (``queue_month_statements``), then send what
    it holds queued for sending (this run's statements and a crashed run's)."""
    queued = queue_month_statements(
        database,
        scope,
        period,
        pdf=pdf,
        now=now(),
        agent_id=agent_id,
        pool_id=pool_id,
        account=account,
        name=name,
        state=state,
    )
    if queued.cancelled:
        return queued, SendReport(cancelled=True)
    if queued.mailing_id is None:
        return queued, SendReport()
    report = send_pending(
        database, smtp_settings, password, state=state, now=now, mailing_id=queued.mailing_id
    )
    return queued, report


# --- the steps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pending:
    """A message printed and waiting to be queued; its PDF in the spool."""

    message: OutgoingMessage
    filename: str
    offset: int
    length: int
    account: str
    name: str


class _Spool:
    """The PDFs printed so far, in one temporary file (deleted when closed)."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="statements-")  # noqa: SIM115

    def put(self, content: bytes) -> tuple[int, int]:
        offset = self._file.seek(0, 2)
        self._file.write(content)
        return offset, len(content)

    def get(self, offset: int, length: int) -> bytes:
        self._file.seek(offset)
        return self._file.read(length)

    def close(self) -> None:
        self._file.close()


def _candidates(
    session: Session,
    scope: AgentScope,
    period: StatementPeriod,
    today: dt.date,
    *,
    pool_id: uuid.UUID | None = None,
    account: str | None = None,
) -> list[uuid.UUID]:
    """The customers with an open balance at the month's end whom the scope saw then and
    sees today (the outbox queues only for customers of the scope today), by account."""
    owing = statement_customers(session, scope, period.end, pool_id=pool_id, account=account)
    if today == period.end or not owing:
        return owing
    seen: set[uuid.UUID] = set()
    for start in range(0, len(owing), 500):
        seen.update(
            session.scalars(
                select(Customer.id).where(
                    Customer.id.in_(owing[start : start + 500]),
                    scope.customer_condition(today),
                )
            )
        )
    return [customer_id for customer_id in owing if customer_id in seen]


def _held(session: Session, key: str) -> set[uuid.UUID]:
    """The customers the mailing ``key`` holds (none when there is no such mailing)."""
    return set(
        session.scalars(
            select(OutboxMessage.customer_id)
            .join(Mailing, Mailing.id == OutboxMessage.mailing_id)
            .where(Mailing.key == key)
        )
    )


def _queue(
    database: Database,
    scope: AgentScope,
    period: StatementPeriod,
    key: str,
    candidates: Sequence[uuid.UUID],
    pending: Sequence[_Pending],
    spool: _Spool,
    now: dt.datetime,
    agent_id: uuid.UUID | None,
    name: str | None,
) -> QueuedStatements:
    """Queue the printed messages in one write transaction; what it did."""
    title = name or _("Account statements {month}").format(month=period.name)
    with write_transaction(database, what=_("the month's statements")) as session:
        # Read again under the write lock: another run may have queued some meanwhile.
        held = _held(session, key)
        fresh = [p for p in pending if p.message.customer_id not in held]
        mailing_id = None
        for start in range(0, len(fresh), BATCH):
            chunk = fresh[start : start + BATCH]
            mailing_id = queue_mailing(
                session,
                scope,
                key=key,
                name=title,
                messages=[_with_pdf(p, spool) for p in chunk],
                now=now,
                created_by=agent_id,
            )
        if mailing_id is None:
            mailing_id = session.scalar(select(Mailing.id).where(Mailing.key == key))
        already = sum(1 for customer_id in candidates if customer_id in held)
    skipped = tuple(SkippedCustomer(p.account, p.name) for p in fresh if not p.message.to.strip())
    return QueuedStatements(
        mailing_id,
        queued=len(fresh) - len(skipped),
        already=already,
        skipped=skipped,
    )


def _with_pdf(pending: _Pending, spool: _Spool) -> OutgoingMessage:
    message = pending.message
    if not message.to.strip():
        return message  # skipped: the outbox keeps no attachment it will not send
    content = spool.get(pending.offset, pending.length)
    return OutgoingMessage(
        customer_id=message.customer_id,
        to=message.to,
        subject=message.subject,
        body=message.body,
        language=message.language,
        attachments=(Attachment(pending.filename, content),),
    )
