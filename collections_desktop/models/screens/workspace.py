"""One customer as a collector works them: the Workspace's data in one read, and its timeline.

Every query takes the agent's ``AgentScope`` and first checks, in SQL, that the customer
is inside it (``customer_card.check_customer``). The timeline shows invoices, payments,
credit notes, interest notes (one entry per note, its invoices as the entry's lines),
fees, corrections, collection letters (with their level, amount and fee) and activities,
each activity under its own kind: calls, tasks, appointments, events, letters and other
actions, so the timeline can be filtered to any of them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats, text_formats
from collections_desktop.i18n import N_, _, current_language, ngettext
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.actions.charge_rows import ChargeState
from collections_desktop.models.actions.interest_notes import InterestNoteRow, interest_notes
from collections_desktop.models.actions.nsf import UNDO_REASON
from collections_desktop.models.aging.definitions import load_definition
from collections_desktop.models.casework.categories import shown_category
from collections_desktop.models.casework.records import shown_result
from collections_desktop.models.db.schema import (
    Activity,
    ActivityType,
    Customer,
    CustomerTransaction,
    Employee,
    Journal,
    JournalLine,
    PaymentState,
    ReceivablesParameters,
    TransactionType,
)
from collections_desktop.models.ledger.balances import (
    open_counts,
    open_currencies,
    open_items,
)
from collections_desktop.models.letters.read import LetterRow, letter_rows
from collections_desktop.models.letters.render import letter_language
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.predict.reads import customer_expected_late, customer_predictions
from collections_desktop.models.receipts.methods import method_name, state_name
from collections_desktop.models.receipts.read import PaymentMethodInfo, StateMove, payment_methods
from collections_desktop.models.screens.customer_card import (
    CustomerCard,
    TransactionRow,
    check_customer,
    customer_card,
    day_after,
    transaction_rows,
    type_name,
)
from collections_desktop.models.screens.transaction_pages import (
    TAB_KINDS,
    PageWanted,
    Tab,
    transaction_page,
)
from collections_desktop.models.texts.business import company_language

TIMELINE_DAYS = 365
"""How far back the timeline reaches by default."""
FIRST_ROWS = 100
"""The open items each grid of a big customer reads first: a screen and more; the grid
reads on a page at a time as it is scrolled (``transaction_pages``)."""
TIMELINE_FIRST = 100
"""Timeline entries read with the customer; the rest are read when asked for."""


class TimelineKind:
    """The kinds of timeline entries (strings, so views and settings can store them)."""

    INVOICE = "invoice"
    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"
    LETTER = "letter"  # collection letters, and letters sent logged as actions
    CHARGE = "charge"  # interest notes and fees
    CORRECTION = "correction"  # write-offs and reversals (NSF returns, waivers)
    # Activities, by their type (ActivityType); an action is a call, a letter or another.
    CALL = "call"
    TASK = "task"
    APPOINTMENT = "appointment"
    EVENT = "event"
    ACTION = "action"  # an action that is neither a call nor a letter: an e-mail, a visit …
    ACTIVITIES = (CALL, TASK, APPOINTMENT, EVENT, ACTION)
    ALL = (INVOICE, PAYMENT, CREDIT_NOTE, CHARGE, CORRECTION, LETTER, *ACTIVITIES)


CALL_CATEGORY = "CALL"
"""The category code of a call (the reference categories, ``company/reference.py``)."""
LETTER_CATEGORY = "LETTER"
"""The category code of a letter sent."""

_ACTIVITY_KINDS: dict[str, str] = {
    ActivityType.TASK: TimelineKind.TASK,
    ActivityType.APPOINTMENT: TimelineKind.APPOINTMENT,
    ActivityType.EVENT: TimelineKind.EVENT,
    ActivityType.ACTION: TimelineKind.ACTION,
}


def activity_kind(type_: str, category: str | None) -> str:
    """The timeline kind of an activity of type ``type_`` and category code ``category``.

    Tasks, appointments and events are their type; an action is a call or a letter by its
    category, else an action. A type the app does not know reads as an action.
    """
    kind = _ACTIVITY_KINDS.get(type_, TimelineKind.ACTION)
    if kind == TimelineKind.ACTION and category == CALL_CATEGORY:
        return TimelineKind.CALL
    if kind == TimelineKind.ACTION and category == LETTER_CATEGORY:
        return TimelineKind.LETTER
    return kind


class Target:
    """What a timeline entry or grid row drills to."""

    TRANSACTION = "transaction"
    ACTIVITY = "activity"
    LETTER = "letter"
    INTEREST_NOTE = "interest_note"  # opens into its lines (``TimelineEntry.lines``)


ACTIVITY_TYPE_NAMES: dict[str, str] = {
    ActivityType.TASK: N_("Task"),
    ActivityType.APPOINTMENT: N_("Appointment"),
    ActivityType.EVENT: N_("Event"),
    ActivityType.ACTION: N_("Action"),
}


def activity_type_name(value: str) -> str:
    """The translated name of an activity type ("task" → "Task")."""
    name = ACTIVITY_TYPE_NAMES.get(value)
    return _(name) if name else value


@dataclass(frozen=True)
class TimelineLine:
    """A line of a timeline entry (an interest note's invoice, its fee): its details."""

    title: str
    tooltip: str
    target_kind: str  # a Target
    target_id: uuid.UUID


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing that happened to the customer, newest first in the timeline.

    An entry made of several documents (an interest note: one transaction per invoice,
    and its fee) is one entry with its total, and ``lines`` name the documents.
    """

    kind: str  # a TimelineKind
    date: dt.date
    at: dt.datetime | None
    title: str
    tooltip: str
    target_kind: str  # a Target
    target_id: uuid.UUID
    lines: tuple[TimelineLine, ...] = ()


@dataclass(frozen=True)
class WorkspaceData:
    """What the Workspace page loads in one go for a customer."""

    card: CustomerCard
    transactions: tuple[TransactionRow, ...]
    timeline: tuple[TimelineEntry, ...]
    aging_labels: tuple[str, ...]
    aging_columns: tuple[Decimal, ...]
    company_name: str
    customer_language: str
    """The language the customer is written to in (``letter_language``): the reminder's."""
    timeline_complete: bool = True
    """Whether ``timeline`` holds every entry of the period (else the newest
    ``TIMELINE_FIRST``; ``timeline`` with a greater limit reads older ones)."""
    complete: bool = True
    """Whether ``transactions`` holds every open item (else those of ``pages``;
    ``open_rows`` reads them all)."""
    counts: TabCounts | None = None
    """How many rows each tab has in all."""
    expected_late: Decimal | None = None
    """The open invoices' expected late amount (None: none is predicted)."""
    pages: Mapping[Tab, tuple[TransactionRow, ...]] | None = None
    """A big customer's first rows of each grid, in the grid's sort (None: every row is
    in ``transactions``)."""
    currency: str = ""
    """With ``pages``: the currency of every open item, else "" (two or more)."""


@dataclass(frozen=True)
class TabCounts:
    """How many open items the Workspace's tabs list."""

    open: int
    disputed: int
    promised: int
    unsettled: int


_TIMELINE_TYPES = {
    TransactionType.INVOICE: TimelineKind.INVOICE,
    TransactionType.PAYMENT: TimelineKind.PAYMENT,
    TransactionType.CREDIT_NOTE: TimelineKind.CREDIT_NOTE,
    TransactionType.INTEREST_NOTE: TimelineKind.CHARGE,
    TransactionType.FEE: TimelineKind.CHARGE,
    TransactionType.WRITE_OFF: TimelineKind.CORRECTION,
    TransactionType.REVERSAL: TimelineKind.CORRECTION,
    TransactionType.REFUND: TimelineKind.PAYMENT,
}


_TransactionColumns = Row[uuid.UUID, str, str, str, dt.date, dt.date, str, Decimal, str | None]
"""A transaction as ``timeline`` reads it: id, type, voucher, number, dates, currency, amount,
description."""
_ActivityColumns = Row[
    uuid.UUID, str, str, str | None, str | None, str, str | None, dt.datetime, bool, str, str | None
]
"""An activity as ``timeline`` reads it (its category code and shown name), with its
responsible employee's name and, for a record, its result's shown name."""


def timeline(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    *,
    days: int = TIMELINE_DAYS,
    kinds: Iterable[str] | None = None,
    formats: Formats | None = None,
    limit: int | None = None,
) -> tuple[TimelineEntry, ...]:
    """What happened to the customer in the ``days`` up to ``as_of``, newest first.

    Invoices, payments and credit notes by posting date; an interest note once, by its
    date, with its total and its invoices as lines; collection letters by letter date;
    activities by end date and time. ``kinds`` (``TimelineKind`` values) keeps only
    those kinds. ``limit``: only the newest that many (the transactions and activities,
    the many, are read newest first up to it, so the newest are exact).
    """
    check_customer(session, scope, customer_id, as_of)
    fmt = formats or text_formats()
    wanted = set(TimelineKind.ALL if kinds is None else kinds)
    since = as_of - dt.timedelta(days=days)
    entries: list[tuple[tuple[dt.date, dt.time, str], TimelineEntry]] = []
    # The transactions of an interest note (a line per invoice, and its fee) show as
    # the note: one entry, not one per transaction.
    in_notes: set[uuid.UUID] = set()
    if TimelineKind.CHARGE in wanted:
        for note in interest_notes(session, customer_id, as_of):
            in_notes.update(line.transaction_id for line in note.lines)
            if note.fee_transaction_id is not None:
                in_notes.add(note.fee_transaction_id)
            if since < note.note_date <= as_of:
                entries.append(((note.note_date, dt.time.min, note.number), _note_entry(note, fmt)))
    types = [t for t, kind in _TIMELINE_TYPES.items() if kind in wanted]
    returned: dict[uuid.UUID, dt.date] = {}
    taken_back: set[uuid.UUID | None] = set()
    methods: dict[uuid.UUID, PaymentMethodInfo] = {}
    if TimelineKind.PAYMENT in wanted:
        # How each payment was made, and the later moves of its money as entries of their own.
        methods = payment_methods(session, customer_id)
        # The payments returned unpaid (NSF) by ``as_of``: their reversal names them. A
        # payment taken back as posted in error (a bank line matched to the wrong customer)
        # is reversed the same way; its journal's reason tells it apart.
        r = CustomerTransaction
        returned = {
            row.reverses_transaction_id: row.posting_date
            for row in session.execute(
                select(r.reverses_transaction_id, r.posting_date).where(
                    r.customer_id == customer_id,
                    r.type == TransactionType.REVERSAL,
                    r.reverses_transaction_id.is_not(None),
                    r.posting_date <= as_of,
                )
            )
        }
        if returned:
            taken_back = set(
                session.scalars(
                    select(r.reverses_transaction_id)
                    .join(JournalLine, JournalLine.transaction_id == r.id)
                    .join(Journal, Journal.id == JournalLine.journal_id)
                    .where(
                        r.customer_id == customer_id,
                        r.type == TransactionType.REVERSAL,
                        Journal.reason_code == UNDO_REASON,
                    )
                )
            )
        for txn_id, info in methods.items():
            for position, move in enumerate(_moves(info, txn_id in taken_back)):
                if move.from_state is not None and since < move.state_date <= as_of:
                    # A later move of the same payment above an earlier one on one day.
                    key = (move.state_date, move.changed_at.time(), f"{txn_id}-{position:03d}")
                    entries.append((key, _move_entry(txn_id, info, move, fmt)))
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
            ).order_by(t.posting_date.desc(), t.voucher.desc()).limit(limit)
        ):  # fmt: skip
            if row.id in in_notes:
                continue
            entry = _transaction_entry(
                row, fmt, returned.get(row.id), methods.get(row.id), row.id in taken_back
            )
            entries.append(((row.posting_date, dt.time.min, row.voucher), entry))
    if TimelineKind.LETTER in wanted:
        for letter in letter_rows(session, customer_id, since=since, until=as_of):
            entries.append(
                ((letter.letter_date, dt.time.min, letter.number), _letter_entry(letter, fmt))
            )
    if wanted & {TimelineKind.LETTER, *TimelineKind.ACTIVITIES}:
        a = Activity
        for activity in session.execute(
            select(
                a.id, a.number, a.type, a.category.label("code"),
                shown_category(session).label("category"), a.purpose, a.memo, a.end_at,
                a.closed, Employee.name.label("responsible"),
                shown_result(session).label("result"),
            )
            .outerjoin(Employee, Employee.id == a.responsible_employee_id)
            .where(
                a.customer_id == customer_id,
                a.deleted_at.is_(None),
                a.end_at < day_after(as_of),
                a.end_at >= day_after(since),
            )
            .order_by(a.end_at.desc(), a.number.desc())
            .limit(limit)
        ):  # fmt: skip
            kind = activity_kind(activity.type, activity.code)
            if kind not in wanted:
                continue
            end = activity.end_at
            entries.append(
                ((end.date(), end.time(), activity.number), _activity_entry(activity, kind, fmt))
            )
    entries.sort(key=lambda pair: pair[0], reverse=True)
    return tuple(entry for _key, entry in entries[:limit])


def _transaction_entry(
    row: _TransactionColumns,
    fmt: Formats,
    returned: dt.date | None = None,
    method: PaymentMethodInfo | None = None,
    taken_back: bool = False,
) -> TimelineEntry:
    """A transaction's entry; ``returned``: the date a payment came back unpaid (or, with
    ``taken_back``, was taken back as posted in error); ``method``: how a payment was made
    and the moves of its money (a cheque's life)."""
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
    if method is not None:
        paid_by = _instrument(method)
        if returned is not None:  # "returned unpaid on …" follows
            title = _("{title} · {method}").format(title=title, method=paid_by)
        else:
            title = _("{title} · {method} · {state}").format(
                title=title, method=paid_by, state=state_name(method.state).lower()
            )
        lines.append(_("Paid by: {method}").format(method=paid_by))
        if method.bank_name:
            lines.append(_("Bank: {bank}").format(bank=method.bank_name))
        if method.instrument_due_date:
            lines.append(_("Due: {date}").format(date=fmt.date(method.instrument_due_date, "long")))
        for move in _moves(method, taken_back):
            lines.append(
                _("{state} on {date}").format(
                    state=state_name(move.to_state), date=fmt.date(move.state_date)
                )
            )
    if returned is not None and row.type == TransactionType.PAYMENT and taken_back:
        title = _("{title} · taken back on {date}, matched in error").format(
            title=title, date=fmt.date(returned)
        )
        lines.append(
            _("Taken back on {date}: a bank line was matched to this customer in error").format(
                date=fmt.date(returned, "long")
            )
        )
    elif returned is not None and row.type == TransactionType.PAYMENT:
        title = _("{title} · returned unpaid on {date}").format(
            title=title, date=fmt.date(returned)
        )
        lines.append(_("Returned unpaid on {date}").format(date=fmt.date(returned, "long")))
    return TimelineEntry(
        kind=kind,
        date=row.posting_date,
        at=None,
        title=title,
        tooltip="\n".join(lines),
        target_kind=Target.TRANSACTION,
        target_id=row.id,
    )


def _moves(method: PaymentMethodInfo, taken_back: bool) -> tuple[StateMove, ...]:
    """The moves of a payment's money; a payment taken back as posted in error was not
    returned unpaid, whatever its state says."""
    if not taken_back:
        return method.moves
    return tuple(m for m in method.moves if m.to_state != PaymentState.RETURNED)


def _instrument(method: PaymentMethodInfo) -> str:
    """ "Cheque 0004417", "Bank transfer TRF 88121", "Cash"."""
    name = method_name(method.method)
    return f"{name} {method.reference}" if method.reference else name


def _move_entry(
    transaction_id: uuid.UUID, method: PaymentMethodInfo, move: StateMove, fmt: Formats
) -> TimelineEntry:
    """A later move of a payment's money (a cheque deposited, cleared, returned)."""
    title = _("{instrument} {state}").format(
        instrument=_instrument(method), state=state_name(move.to_state).lower()
    )
    lines = [
        title,
        _("From {old} to {new} on {date}").format(
            old=state_name(move.from_state or "").lower(),
            new=state_name(move.to_state).lower(),
            date=fmt.date(move.state_date, "long"),
        ),
        _("Recorded by {name} on {moment}").format(
            name=move.changed_by or "—", moment=fmt.date(move.changed_at.astimezone().date())
        ),
    ]
    if move.note:
        lines.append(move.note)
    return TimelineEntry(
        kind=TimelineKind.PAYMENT,
        date=move.state_date,
        at=None,
        title=title,
        tooltip="\n".join(lines),
        target_kind=Target.TRANSACTION,
        target_id=transaction_id,
    )


_STATE_NOTES: dict[str, str] = {
    ChargeState.WAIVED: N_("waived"),
    ChargeState.REVERSED: N_("reversed"),
}
"""What a line of an interest note says when it was corrected (translated when shown)."""


def _note_entry(note: InterestNoteRow, fmt: Formats) -> TimelineEntry:
    """An interest note as one entry: its total (interest and fee), its invoices as lines."""
    name = type_name(TransactionType.INTEREST_NOTE)
    total = fmt.money(note.interest + note.fee, note.currency)
    invoices = ngettext("{count} invoice", "{count} invoices", len(note.lines)).format(
        count=fmt.count(len(note.lines))
    )
    title = _("{type} {number} · {amount} · {invoices} · due {due}").format(
        type=name, number=note.number, amount=total, invoices=invoices, due=fmt.date(note.note_date)
    )
    lines: list[TimelineLine] = []
    for line in note.lines:
        text = ngettext(
            "Interest on {invoice} · {amount} · {days} day ({start} to {end}) on {base}",
            "Interest on {invoice} · {amount} · {days} days ({start} to {end}) on {base}",
            line.days,
        ).format(
            invoice=line.invoice_document,
            amount=fmt.money(line.interest, note.currency),
            days=fmt.count(line.days),
            start=fmt.date(line.from_date),
            end=fmt.date(line.to_date),
            base=fmt.money(line.base_amount, note.currency),
        )
        lines.append(_note_line(text, line.state, line.transaction_id))
    if note.fee_transaction_id is not None:
        text = _("Fee · {amount}").format(amount=fmt.money(note.fee, note.currency))
        lines.append(_note_line(text, note.fee_state, note.fee_transaction_id))
    tooltip = [
        f"{name} {note.number}",
        _("Posted: {date}").format(date=fmt.date(note.note_date, "long")),
        _("Due: {date}").format(date=fmt.date(note.note_date, "long")),
        _("Total: {amount}").format(amount=total),
        _("Interest: {amount}").format(amount=fmt.money(note.interest, note.currency)),
    ]
    if note.fee:
        tooltip.append(_("Fee: {amount}").format(amount=fmt.money(note.fee, note.currency)))
    tooltip += [f"• {line.title}" for line in lines]
    return TimelineEntry(
        kind=TimelineKind.CHARGE,
        date=note.note_date,
        at=None,
        title=title,
        tooltip="\n".join(tooltip),
        target_kind=Target.INTEREST_NOTE,
        target_id=note.id,
        lines=tuple(lines),
    )


def _note_line(text: str, state: str | None, transaction_id: uuid.UUID) -> TimelineLine:
    corrected = _STATE_NOTES.get(state or "")
    if corrected:
        text = _("{line} · {state}").format(line=text, state=_(corrected))
    return TimelineLine(
        title=text, tooltip=text, target_kind=Target.TRANSACTION, target_id=transaction_id
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


def _activity_entry(row: _ActivityColumns, kind: str, fmt: Formats) -> TimelineEntry:
    kind_name = activity_type_name(row.type)
    # An action logged is named by its category alone ("Call", not "Action · Call"); a
    # task, appointment or event keeps its type, which says whether it is still to come.
    parts = [] if row.type == ActivityType.ACTION and row.category else [kind_name]
    if row.category:
        parts.append(row.category)
    if row.result:  # a record: what came of it, beside what it was
        parts.append(row.result)
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
        *([_("Result: {result}").format(result=row.result)] if row.result else []),
        _("Ends: {date} {time}").format(date=fmt.date(end.date(), "long"), time=fmt.time(end)),
        _("Responsible: {name}").format(name=row.responsible or "—"),
        _("Closed") if row.closed else _("Open"),
    ]
    if has_memo:
        lines.append(_("User memo included"))
    return TimelineEntry(
        kind=kind,
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
    pages: Mapping[Tab, PageWanted] | None = None,
) -> WorkspaceData:
    """Card, open transactions, timeline and aging of a customer, in one read.

    The aging uses the definition of ``pool_id`` (else the company default), as the
    snapshot of that pool does. Given ``pages`` (each grid's sort), a customer with more
    than ``FIRST_ROWS`` open items is read with the first ``FIRST_ROWS`` of each grid in
    its sort (``pages``; ``complete`` is False, and ``open_rows`` reads them all);
    without, every open item is read.
    """
    check_customer(session, scope, customer_id, as_of)
    if pool_id is not None:
        scope.pool(pool_id)  # ScopeError for a pool outside the scope
    definition = load_definition(session, pool_id=pool_id, language=current_language())
    card = customer_card(session, scope, customer_id, as_of, definition=definition)
    counts = open_counts(session, customer_id, as_of, TAB_KINDS)
    complete = pages is None or counts["all"] <= FIRST_ROWS
    first: dict[Tab, tuple[TransactionRow, ...]] | None = None
    if complete:
        items = open_items(session, customer_id, as_of)
        rows = transaction_rows(session, items, as_of, customer_predictions(session, customer_id))
    else:
        assert pages is not None  # not complete: pages were asked for
        first = {
            tab: transaction_page(session, scope, customer_id, as_of, wanted, limit=FIRST_ROWS)
            for tab, wanted in pages.items()
        }
        listed = {row.id: row for page in first.values() for row in page}
        rows = tuple(sorted(listed.values(), key=lambda r: (r.due_date, r.voucher)))
    entries = timeline(session, scope, customer_id, as_of, formats=formats, limit=TIMELINE_FIRST)
    return WorkspaceData(
        card=card,
        transactions=rows,
        timeline=entries,
        timeline_complete=len(entries) < TIMELINE_FIRST,
        aging_labels=definition.labels,
        # The chart from the customer's aggregate (what a snapshot stores), not its rows.
        aging_columns=card.aging_columns or tuple(ZERO for _label in definition.labels),
        company_name=session.scalar(select(ReceivablesParameters.company_name)) or "",
        customer_language=letter_language(
            session.scalar(select(Customer.language).where(Customer.id == customer_id)),
            company_language(session),
        ),
        complete=complete,
        counts=TabCounts(
            open=counts["all"],
            disputed=counts[Tab.DISPUTED],
            promised=counts[Tab.PROMISED],
            unsettled=counts[Tab.UNSETTLED],
        ),
        expected_late=customer_expected_late(session, customer_id),
        pages=first,
        currency="" if first is None else _open_currency(session, customer_id, as_of),
    )


def _open_currency(session: Session, customer_id: uuid.UUID, as_of: dt.date) -> str:
    """The currency every open item of the customer is in, else "" (two or more)."""
    currencies = open_currencies(session, customer_id, as_of)
    return currencies[0] if len(currencies) == 1 else ""


def open_rows(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> tuple[TransactionRow, ...]:
    """Every open transaction of the customer with its prediction: the rest of a
    Workspace read with ``first_rows``."""
    check_customer(session, scope, customer_id, as_of)
    items = open_items(session, customer_id, as_of)
    return transaction_rows(session, items, as_of, customer_predictions(session, customer_id))
