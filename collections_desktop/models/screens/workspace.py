"""One customer as a collector works them: the Workspace's data in one read, and its timeline.

Every query takes the agent's ``AgentScope`` and first checks, in SQL, that the customer
is inside it (``customer_card.check_customer``). The timeline shows invoices, payments,
credit notes, collection letters (with their level, amount and fee) and activities.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats, text_formats
from collections_desktop.i18n import N_, _, current_language, ngettext
from collections_desktop.models.aging.definitions import age_items, load_definition
from collections_desktop.models.casework.categories import shown_category
from collections_desktop.models.db.schema import (
    Activity,
    ActivityType,
    CustomerTransaction,
    Employee,
    ReceivablesParameters,
    TransactionType,
)
from collections_desktop.models.ledger.balances import open_items
from collections_desktop.models.letters.read import LetterRow, letter_rows
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.customer_card import (
    CustomerCard,
    TransactionRow,
    check_customer,
    customer_card,
    day_after,
    transaction_rows,
)

TIMELINE_DAYS = 365
"""How far back the timeline reaches by default."""


class TimelineKind:
    """The kinds of timeline entries (strings, so views and settings can store them)."""

    INVOICE = "invoice"
    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"
    ACTIVITY = "activity"
    LETTER = "letter"
    CHARGE = "charge"  # interest notes and fees
    CORRECTION = "correction"  # write-offs and reversals (NSF returns, waivers)
    ALL = (INVOICE, PAYMENT, CREDIT_NOTE, CHARGE, CORRECTION, LETTER, ACTIVITY)


class Target:
    """What a timeline entry or grid row drills to."""

    TRANSACTION = "transaction"
    ACTIVITY = "activity"
    LETTER = "letter"


TRANSACTION_TYPE_NAMES: dict[str, str] = {
    TransactionType.INVOICE: N_("Invoice"),
    TransactionType.PAYMENT: N_("Payment"),
    TransactionType.CREDIT_NOTE: N_("Credit note"),
    TransactionType.INTEREST_NOTE: N_("Interest note"),
    TransactionType.FEE: N_("Fee"),
    TransactionType.WRITE_OFF: N_("Write-off"),
    TransactionType.REVERSAL: N_("Reversal"),
}


ACTIVITY_TYPE_NAMES: dict[str, str] = {
    ActivityType.TASK: N_("Task"),
    ActivityType.APPOINTMENT: N_("Appointment"),
    ActivityType.EVENT: N_("Event"),
    ActivityType.ACTION: N_("Action"),
}


def type_name(value: str) -> str:
    """The translated name of a transaction type ("invoice" → "Invoice")."""
    name = TRANSACTION_TYPE_NAMES.get(value)
    return _(name) if name else value


def activity_type_name(value: str) -> str:
    """The translated name of an activity type ("task" → "Task")."""
    name = ACTIVITY_TYPE_NAMES.get(value)
    return _(name) if name else value


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing that happened to the customer, newest first in the timeline."""

    kind: str  # a TimelineKind
    date: dt.date
    at: dt.datetime | None
    title: str
    tooltip: str
    target_kind: str  # a Target
    target_id: uuid.UUID


@dataclass(frozen=True)
class WorkspaceData:
    """What the Workspace page loads in one go for a customer."""

    card: CustomerCard
    transactions: tuple[TransactionRow, ...]
    timeline: tuple[TimelineEntry, ...]
    aging_labels: tuple[str, ...]
    aging_columns: tuple[Decimal, ...]
    company_name: str


_TIMELINE_TYPES = {
    TransactionType.INVOICE: TimelineKind.INVOICE,
    TransactionType.PAYMENT: TimelineKind.PAYMENT,
    TransactionType.CREDIT_NOTE: TimelineKind.CREDIT_NOTE,
    TransactionType.INTEREST_NOTE: TimelineKind.CHARGE,
    TransactionType.FEE: TimelineKind.CHARGE,
    TransactionType.WRITE_OFF: TimelineKind.CORRECTION,
    TransactionType.REVERSAL: TimelineKind.CORRECTION,
}


_TransactionColumns = Row[uuid.UUID, str, str, str, dt.date, dt.date, str, Decimal, str | None]
"""A transaction as ``timeline`` reads it: id, type, voucher, number, dates, currency, amount,
description."""
_ActivityColumns = Row[uuid.UUID, str, str, str | None, str, str | None, dt.datetime, bool, str]
"""An activity as ``timeline`` reads it, with its responsible employee's name."""


def timeline(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    *,
    days: int = TIMELINE_DAYS,
    kinds: Iterable[str] | None = None,
    formats: Formats | None = None,
) -> tuple[TimelineEntry, ...]:
    """What happened to the customer in the ``days`` up to ``as_of``, newest first.

    Invoices, payments and credit notes by posting date; collection letters by letter
    date; activities by end date and time. ``kinds`` (``TimelineKind`` values) keeps only
    those kinds.
    """
    check_customer(session, scope, customer_id, as_of)
    fmt = formats or text_formats()
    wanted = set(TimelineKind.ALL if kinds is None else kinds)
    since = as_of - dt.timedelta(days=days)
    entries: list[tuple[tuple[dt.date, dt.time, str], TimelineEntry]] = []
    types = [t for t, kind in _TIMELINE_TYPES.items() if kind in wanted]
    if types:
        t = CustomerTransaction
        for row in session.execute(
            select(
                t.id, t.type, t.voucher, t.document_number, t.posting_date, t.due_date,
                t.currency, t.amount, t.description,
            ).where(
                t.customer_id == customer_id,
                t.type.in_(types),
                t.posting_date <= as_of,
                t.posting_date > since,
            )
        ):  # fmt: skip
            entry = _transaction_entry(row, fmt)
            entries.append(((row.posting_date, dt.time.min, row.voucher), entry))
    if TimelineKind.LETTER in wanted:
        for letter in letter_rows(session, customer_id, since=since, until=as_of):
            entries.append(
                ((letter.letter_date, dt.time.min, letter.number), _letter_entry(letter, fmt))
            )
    if TimelineKind.ACTIVITY in wanted:
        a = Activity
        for activity in session.execute(
            select(
                a.id, a.number, a.type, shown_category(session).label("category"), a.purpose,
                a.memo, a.end_at, a.closed,
                Employee.name.label("responsible"),
            )
            .outerjoin(Employee, Employee.id == a.responsible_employee_id)
            .where(
                a.customer_id == customer_id,
                a.deleted_at.is_(None),
                a.end_at < day_after(as_of),
                a.end_at >= day_after(since),
            )
        ):  # fmt: skip
            end = activity.end_at
            entries.append(
                ((end.date(), end.time(), activity.number), _activity_entry(activity, fmt))
            )
    entries.sort(key=lambda pair: pair[0], reverse=True)
    return tuple(entry for _key, entry in entries)


def _transaction_entry(row: _TransactionColumns, fmt: Formats) -> TimelineEntry:
    kind = _TIMELINE_TYPES[row.type]
    name = type_name(row.type)
    money = fmt.money(row.amount, row.currency)  # debits positive, credits negative
    if kind in (TimelineKind.INVOICE, TimelineKind.CHARGE):
        title = _("{type} {number} · {amount} · due {due}").format(
            type=name, number=row.document_number, amount=money, due=fmt.date(row.due_date)
        )
    elif kind == TimelineKind.CORRECTION and row.description:
        title = _("{type} {number} · {amount} · {description}").format(
            type=name, number=row.document_number, amount=money, description=row.description
        )
    else:
        title = _("{type} {number} · {amount}").format(
            type=name, number=row.document_number, amount=money
        )
    lines = [
        f"{name} {row.document_number}",
        _("Voucher: {voucher}").format(voucher=row.voucher),
        _("Posted: {date}").format(date=fmt.date(row.posting_date, "long")),
        _("Amount: {amount}").format(amount=fmt.money(row.amount, row.currency)),
    ]
    if kind in (TimelineKind.INVOICE, TimelineKind.CHARGE):
        lines.append(_("Due: {date}").format(date=fmt.date(row.due_date, "long")))
    if row.description:
        lines.append(row.description)
    return TimelineEntry(
        kind=kind,
        date=row.posting_date,
        at=None,
        title=title,
        tooltip="\n".join(lines),
        target_kind=Target.TRANSACTION,
        target_id=row.id,
    )


def _letter_entry(letter: LetterRow, fmt: Formats) -> TimelineEntry:
    level = _("level {level}").format(level=letter.level)
    if letter.level_name:
        level = f"{level} {letter.level_name}"
    amount = fmt.money(letter.amount, letter.currency)
    if letter.fee:
        fee = fmt.money(letter.fee, letter.currency)
        title = _("Letter {number} {level} · {amount} · fee {fee}").format(
            number=letter.number, level=level, amount=amount, fee=fee
        )
    else:
        fee = _("none")
        title = _("Letter {number} {level} · {amount}").format(
            number=letter.number, level=level, amount=amount
        )
    lines = [
        _("Collection letter {number}").format(number=letter.number),
        _("Sequence {code}, {level}").format(code=letter.sequence_code, level=level),
        _("Dated: {date}").format(date=fmt.date(letter.letter_date, "long")),
        _("Overdue amount named: {amount}").format(amount=amount),
        _("Fee: {fee}").format(fee=fee),
        ngettext("{count} item", "{count} items", letter.item_count).format(
            count=letter.item_count
        ),
    ]
    return TimelineEntry(
        kind=TimelineKind.LETTER,
        date=letter.letter_date,
        at=None,
        title=title,
        tooltip="\n".join(lines),
        target_kind=Target.LETTER,
        target_id=letter.id,
    )


def _activity_entry(row: _ActivityColumns, fmt: Formats) -> TimelineEntry:
    kind_name = activity_type_name(row.type)
    parts = [kind_name]
    if row.category:
        parts.append(row.category)
    if row.responsible:
        parts.append(row.responsible)
    parts.append(row.purpose)
    has_memo = bool(row.memo and row.memo.strip())
    if has_memo:
        parts.append(_("User memo included"))
    end = row.end_at.astimezone()  # stored in UTC; the collector's day and time
    lines = [
        _("{type} {number}").format(type=kind_name, number=row.number),
        _("Purpose: {purpose}").format(purpose=row.purpose),
        _("Category: {category}").format(category=row.category or "—"),
        _("Ends: {date} {time}").format(date=fmt.date(end.date(), "long"), time=fmt.time(end)),
        _("Responsible: {name}").format(name=row.responsible or "—"),
        _("Closed") if row.closed else _("Open"),
    ]
    if has_memo:
        lines.append(_("User memo included"))
    return TimelineEntry(
        kind=TimelineKind.ACTIVITY,
        date=end.date(),
        at=end,
        title=" · ".join(parts),
        tooltip="\n".join(lines),
        target_kind=Target.ACTIVITY,
        target_id=row.id,
    )


def load_workspace(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    *,
    pool_id: uuid.UUID | None = None,
    formats: Formats | None = None,
) -> WorkspaceData:
    """Card, open transactions, timeline and aging of a customer, in one read.

    The aging uses the definition of ``pool_id`` (else the company default), as the
    snapshot of that pool does.
    """
    check_customer(session, scope, customer_id, as_of)
    if pool_id is not None:
        scope.pool(pool_id)  # ScopeError for a pool outside the scope
    definition = load_definition(session, pool_id=pool_id, language=current_language())
    items = open_items(session, customer_id, as_of)
    aging = age_items(items, as_of, definition)
    card = customer_card(session, scope, customer_id, as_of, definition=definition, items=items)
    return WorkspaceData(
        card=card,
        transactions=transaction_rows(session, items, as_of),
        timeline=timeline(session, scope, customer_id, as_of, formats=formats),
        aging_labels=definition.labels,
        aging_columns=aging.columns,
        company_name=session.scalar(select(ReceivablesParameters.company_name)) or "",
    )
