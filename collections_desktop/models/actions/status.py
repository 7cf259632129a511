"""Collection status of transactions: change it for one customer's items, read its history.

A transaction's collection status (``schema.CollectionStatus``) says where it stands in
collections: disputed, promised to pay (with a date and an amount), a broken promise,
resolved, with a lawyer, or nothing. The status lives on the transaction as mutable
state (``updated_at``, ``version``); every change is also an immutable row of
``collection_status_history`` saying who changed it, when, from what, to what, the
promise and a note. So the current status always equals the ``to`` of the latest
history row, and the rows of one transaction form an unbroken chain from "none".

``change_status`` changes several transactions of ONE customer in one go, checking
everything before writing anything (``CollectionStatusError``, a message a collector
can act on). A promise made on several invoices is spread over them oldest due date
first, each taking at most what is open of it, so that each invoice's promise can be
judged on its own (``models/actions/promises.py``); an invoice the promise does not reach is
refused rather than promised nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, type_coerce, update
from sqlalchemy.orm import Session, aliased

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import N_, _
from collections_desktop.kernel.money import ZERO, MoneyError, to_money
from collections_desktop.models.db.changes import note_customers
from collections_desktop.models.db.schema import (
    CollectionStatus,
    CollectionStatusChange,
    Currency,
    CustomerTransaction,
    Employee,
    SettlementLine,
)
from collections_desktop.models.db.types import Money, new_id
from collections_desktop.models.people.scope import AgentScope, customers_seen

COLLECTION_STATUS_NAMES: dict[str, str] = {
    CollectionStatus.NONE: "",
    CollectionStatus.DISPUTED: N_("Disputed"),
    CollectionStatus.PROMISED: N_("Promised to pay"),
    CollectionStatus.BROKEN: N_("Promise broken"),
    CollectionStatus.RESOLVED: N_("Resolved"),
    CollectionStatus.LEGAL: N_("Legal action"),
}
"""The name a collector reads for each status (translate with ``_()``); none is blank in grids."""

NO_STATUS = N_("No status")
"""How "none" reads where a blank would say nothing (the status list, the history)."""

NEEDS_OPEN_DEBIT = frozenset({CollectionStatus.DISPUTED, CollectionStatus.PROMISED})
"""Statuses only a debit with something open can take."""

NOTE_LENGTH = 2000
"""The longest note a status change keeps."""


class CollectionStatusError(ValueError):
    """A status change the rules refuse; the message says what is wrong and where."""


def status_name(value: str) -> str:
    """The translated name of a status for a grid (blank for none; the value when unknown)."""
    name = COLLECTION_STATUS_NAMES.get(value)
    if name is None:
        return value
    return _(name) if name else ""


def status_label(value: str) -> str:
    """The translated name of a status, "No status" for none (lists, history)."""
    return _(NO_STATUS) if value == CollectionStatus.NONE else status_name(value)


# --- rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppliedChange:
    """One transaction whose status was changed, and the history row that records it."""

    transaction_id: uuid.UUID
    change_id: uuid.UUID
    document_number: str
    from_status: str
    to_status: str
    promise_date: dt.date | None
    promise_amount: Decimal | None


@dataclass(frozen=True)
class StatusChangeResult:
    """What ``change_status`` did: the customer and one entry per changed transaction."""

    customer_id: uuid.UUID
    to_status: str
    changes: tuple[AppliedChange, ...]

    @property
    def count(self) -> int:
        """How many transactions changed."""
        return len(self.changes)


@dataclass(frozen=True)
class StatusChangeRow:
    """One row of the collections history, ready to show."""

    id: uuid.UUID
    transaction_id: uuid.UUID
    document_number: str
    currency: str
    changed_at: dt.datetime
    changed_by: str | None  # the employee's name; None for a change made by the system
    from_status: str
    to_status: str
    promise_date: dt.date | None
    promise_amount: Decimal | None
    note: str | None

    @property
    def from_name(self) -> str:
        """The translated name of the status before the change."""
        return status_label(self.from_status)

    @property
    def to_name(self) -> str:
        """The translated name of the status after the change."""
        return status_label(self.to_status)


@dataclass(frozen=True)
class _Item:
    """What the rules read of one marked transaction."""

    txn: CustomerTransaction
    open: Decimal

    @property
    def document(self) -> str:
        return self.txn.document_number


# --- changing the status -----------------------------------------------------------------


def change_status(
    session: Session,
    scope: AgentScope,
    transaction_ids: Iterable[uuid.UUID],
    to_status: str,
    now: dt.datetime,
    *,
    changed_by_id: uuid.UUID | None,
    note: str | None = None,
    promise_date: dt.date | None = None,
    promise_amount: Decimal | str | None = None,
    today: dt.date,
) -> StatusChangeResult:
    """Set the collection status of one customer's transactions, all or none.

    Each transaction gets the new status (and, for a promise, its share of the promise),
    ``updated_at = now`` and ``version + 1``, and a history row. Refused, with nothing
    written, when: nothing is marked; a transaction is unknown, belongs to another
    customer than the rest or to a customer outside ``scope``; a credit is to be
    disputed or promised, or a debit with nothing open on ``today``; a transaction
    already has the status (a promise may be replaced by one with another date or
    amount); a promise lacks its date or amount, is dated before ``today``, is not more
    than zero, exceeds what is open of the marked debits together, or does not reach
    every marked debit. The caller commits.
    """
    ids = list(dict.fromkeys(transaction_ids))
    if not ids:
        raise CollectionStatusError(_("Mark at least one transaction to change its status."))
    try:
        target = CollectionStatus(to_status)
    except ValueError:
        raise CollectionStatusError(
            _("{status} is not a collection status.").format(status=to_status)
        ) from None
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_LENGTH:
        raise CollectionStatusError(
            _("The note is too long: at most {count} characters.").format(count=NOTE_LENGTH)
        )
    customer_id = _one_customer(session, scope, ids, today)
    items = _load(session, ids, today)  # read under the customer's lock: the state now
    for item in items:
        _check_item(item, target, promise_date, promise_amount)
    if target == CollectionStatus.PROMISED:
        shares = _promise_shares(session, items, promise_date, promise_amount, today)
    else:
        if promise_date is not None or promise_amount is not None:
            raise CollectionStatusError(_("Only a promise to pay has a promise date and amount."))
        shares = {}
    applied = []
    for item in items:
        new_date: dt.date | None = None
        new_amount: Decimal | None = None
        if target == CollectionStatus.PROMISED:
            new_date, new_amount = promise_date, shares[item.txn.id]
        elif target == CollectionStatus.BROKEN:  # the broken promise stays on the item
            new_date, new_amount = item.txn.promise_date, item.txn.promise_amount
        change = apply_change(
            session,
            item.txn,
            target,
            now,
            changed_by_id=changed_by_id,
            note=note,
            promise_date=new_date,
            promise_amount=new_amount,
        )
        applied.append(
            AppliedChange(
                transaction_id=item.txn.id,
                change_id=change.id,
                document_number=item.document,
                from_status=change.from_status,
                to_status=target.value,
                promise_date=new_date,
                promise_amount=new_amount,
            )
        )
    session.flush()
    return StatusChangeResult(customer_id, target.value, tuple(applied))


def apply_change(
    session: Session,
    txn: CustomerTransaction,
    to_status: CollectionStatus,
    now: dt.datetime,
    *,
    changed_by_id: uuid.UUID | None,
    note: str | None,
    promise_date: dt.date | None,
    promise_amount: Decimal | None,
) -> CollectionStatusChange:
    """Write one checked change: the transaction's state and its history row (no rules here).

    ``promise_date`` and ``promise_amount`` are what the transaction carries afterwards
    (a promise's figures; a broken promise keeps them); the history row records them.
    The update names the version that was read: when someone else changed the status
    meanwhile it is refused, so the history stays one unbroken chain.
    """
    t = CustomerTransaction
    written = cast(  # an UPDATE's result is a CursorResult
        CursorResult[Any],
        session.execute(
            update(t)
            .where(t.id == txn.id, t.version == txn.version)
            .values(
                collection_status=to_status.value,
                promise_date=promise_date,
                promise_amount=promise_amount,
                updated_at=now,
                version=txn.version + 1,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if written.rowcount != 1:
        raise CollectionStatusError(
            _("{document} was changed meanwhile by someone else. Refresh and try again.").format(
                document=txn.document_number
            )
        )
    change = CollectionStatusChange(
        id=new_id(),
        transaction_id=txn.id,
        changed_at=now,
        changed_by_id=changed_by_id,
        from_status=txn.collection_status,
        to_status=to_status.value,
        promise_date=promise_date,
        promise_amount=promise_amount,
        note=note,
    )
    session.add(change)
    note_customers(session, [txn.customer_id])
    session.expire(
        txn, ["collection_status", "promise_date", "promise_amount", "updated_at", "version"]
    )
    return change


def _load(session: Session, ids: Sequence[uuid.UUID], today: dt.date) -> list[_Item]:
    """The marked transactions, oldest due date first, each with what is open of it on ``today``.

    A transaction posted after ``today`` counts as wholly open (nothing can settle it yet).
    """
    settled = (
        select(func.coalesce(func.sum(SettlementLine.amount), 0))
        .where(
            SettlementLine.transaction_id == CustomerTransaction.id,
            SettlementLine.settlement_date <= today,
        )
        .correlate(CustomerTransaction)
        .scalar_subquery()
    )
    open_amount = type_coerce(CustomerTransaction.amount - settled, Money())
    found: dict[uuid.UUID, _Item] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for txn, open_now in session.execute(
            select(CustomerTransaction, open_amount)
            .where(CustomerTransaction.id.in_(chunk))
            .execution_options(populate_existing=True)  # the state now, not a stale copy
        ):
            found[txn.id] = _Item(txn, open_now)
    missing = [txn_id for txn_id in ids if txn_id not in found]
    if missing:
        raise CollectionStatusError(
            _("A marked transaction no longer exists. Refresh the list and try again.")
        )
    return sorted(found.values(), key=lambda i: (i.txn.due_date, i.txn.document_number))


def _one_customer(
    session: Session, scope: AgentScope, ids: Sequence[uuid.UUID], today: dt.date
) -> uuid.UUID:
    """The one customer of the marked transactions, checked to be inside ``scope`` and
    locked (``customers_seen``) before anything is read to decide on: a second collector
    changing the same items waits, then sees the first one's change."""
    customers = set(
        session.scalars(
            select(CustomerTransaction.customer_id)
            .where(CustomerTransaction.id.in_(ids))
            .distinct()
            .limit(2)
        )
    )
    if len(customers) > 1:
        raise CollectionStatusError(
            _(
                "The marked transactions belong to several customers; change the status of "
                "one customer's transactions at a time."
            )
        )
    if not customers:
        raise CollectionStatusError(
            _("A marked transaction no longer exists. Refresh the list and try again.")
        )
    customer_id = customers.pop()
    if not customers_seen(session, scope, [customer_id], today):
        raise CollectionStatusError(
            _("This customer is not in your pools; you cannot change the status of its items.")
        )
    return customer_id


def _check_item(
    item: _Item,
    target: CollectionStatus,
    promise_date: dt.date | None,
    promise_amount: Decimal | str | None,
) -> None:
    """The rules about one transaction: debit, open, not already in the status."""
    txn = item.txn
    if target in NEEDS_OPEN_DEBIT:
        if txn.amount <= ZERO:
            raise CollectionStatusError(
                _(
                    "{document} is a payment or credit; only invoices, fees and interest "
                    "notes can be disputed or promised."
                ).format(document=item.document)
            )
        if item.open <= ZERO:
            raise CollectionStatusError(
                _("{document} is fully settled; nothing is open to be {status}.").format(
                    document=item.document, status=status_name(target).lower()
                )
            )
    if txn.collection_status != target:
        return
    if target == CollectionStatus.PROMISED and (
        promise_date != txn.promise_date or _differs(promise_amount, txn.promise_amount)
    ):
        return  # a new promise replaces the old one
    raise CollectionStatusError(
        _("{document} is already “{status}”; there is nothing to change.").format(
            document=item.document, status=status_label(target)
        )
    )


def _differs(asked: Decimal | str | None, current: Decimal | None) -> bool:
    """Whether ``asked`` is another amount than ``current`` (text that is no amount differs)."""
    try:
        return current is None or asked is None or to_money(asked) != current
    except MoneyError:
        return True


def _promise_shares(
    session: Session,
    items: Sequence[_Item],
    promise_date: dt.date | None,
    promise_amount: Decimal | str | None,
    today: dt.date,
) -> dict[uuid.UUID, Decimal]:
    """The checked promise spread over the marked debits, oldest due date first."""
    if promise_date is None or promise_amount is None or str(promise_amount).strip() == "":
        raise CollectionStatusError(_("A promise to pay needs a date and an amount."))
    formats = text_formats()
    if promise_date < today:
        raise CollectionStatusError(
            _("The promise date {date} is in the past; choose today ({today}) or later.").format(
                date=formats.date(promise_date), today=formats.date(today)
            )
        )
    currencies = {item.txn.currency for item in items}
    if len(currencies) != 1:
        raise CollectionStatusError(
            _("Transactions in different currencies cannot share one promise.")
        )
    currency = currencies.pop()
    places = session.scalar(select(Currency.decimals).where(Currency.code == currency))
    try:
        amount = to_money(promise_amount, places=2 if places is None else places)
    except MoneyError as error:
        raise CollectionStatusError(str(error)) from None
    if amount <= ZERO:
        raise CollectionStatusError(_("The promised amount must be greater than zero."))
    total_open = sum((item.open for item in items), ZERO)
    if amount > total_open:
        documents = ", ".join(item.document for item in items)
        if len(items) == 1:
            message = _("{documents} has only {open} open; {asked} was promised.")
        else:
            message = _("{documents} have only {open} open together; {asked} was promised.")
        raise CollectionStatusError(
            message.format(
                documents=documents,
                open=formats.amount(total_open),
                asked=formats.amount(amount),
            )
        )
    shares: dict[uuid.UUID, Decimal] = {}
    left = amount
    for item in items:
        share = min(item.open, left)
        if share <= ZERO:
            raise CollectionStatusError(
                _(
                    "The promise of {asked} is used up by the invoices due earlier and does "
                    "not reach {document}; unmark it or raise the amount."
                ).format(asked=formats.amount(amount), document=item.document)
            )
        shares[item.txn.id] = share
        left -= share
    return shares


# --- history -----------------------------------------------------------------------------


def status_history(
    session: Session,
    *,
    transaction_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
) -> list[StatusChangeRow]:
    """The status changes of one transaction, or of all of a customer's, newest first.

    Give exactly one of ``transaction_id`` and ``customer_id``; the caller has already
    checked that the customer is in the agent's scope (the Workspace loaded it).
    """
    if (transaction_id is None) == (customer_id is None):
        raise CollectionStatusError(_("Ask for the history of one transaction or one customer."))
    h = CollectionStatusChange
    t = CustomerTransaction
    who = aliased(Employee)
    query = (
        select(
            h.id,
            h.transaction_id,
            t.document_number,
            t.currency,
            h.changed_at,
            who.name,
            h.from_status,
            h.to_status,
            h.promise_date,
            h.promise_amount,
            h.note,
        )
        .join(t, t.id == h.transaction_id)
        .outerjoin(who, who.id == h.changed_by_id)
        .order_by(h.changed_at.desc(), t.document_number, h.id.desc())
    )
    if transaction_id is not None:
        query = query.where(h.transaction_id == transaction_id)
    else:
        query = query.where(t.customer_id == customer_id)
    return [StatusChangeRow(*row) for row in session.execute(query)]
