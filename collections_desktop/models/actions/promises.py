"""Promises to pay: judged once their date plus the tolerance has passed, and followed up.

A promise is the latest history row that set a transaction to "promised" (see
``models/actions/status.py``): a date and an amount. ``evaluate_promises`` judges
every promise whose ``promise_date + receivables_parameters.promise_tolerance_days``
lies before the as-of date (on that very day it is not judged yet: a payment may still
be in the post). What was paid is the sum of the transaction's settlement lines dated
from the day the promise was made through the promise date plus the tolerance
(settlement lines carry their own date, and a reversed settlement counts against it):

- paid >= promised: **kept**, the status goes back to none ("Promise kept");
- 0 < paid < promised: **partial**, and nothing paid: **broken**; both set the status
  to broken (the promise stays on the transaction for the risk score) and give the
  customer's responsible employee a follow-up task due on the as-of date.

Each judgement is one ``promise_results`` row, unique per promise (history row), so a
second run writes nothing new. The due promises are found by one query on the
transactions' status and promise date, never by reading every transaction; the
evaluation runs at start-up. The caller commits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Select,
    Table,
    bindparam,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import N_, _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.casework.activities import PURPOSE_LENGTH
from collections_desktop.models.casework.categories import FOLLOW_UP
from collections_desktop.models.db.changes import note_customers
from collections_desktop.models.db.schema import (
    Activity,
    ActivityType,
    CollectionStatus,
    CollectionStatusChange,
    Customer,
    CustomerTransaction,
    Employee,
    PromiseOutcome,
    PromiseResult,
    ReceivablesParameters,
    SettlementLine,
)
from collections_desktop.models.db.types import new_id
from collections_desktop.models.ledger.numbering import reserve_numbers

DEFAULT_TOLERANCE_DAYS = 3
"""The tolerance when the company has no receivables parameters yet."""

FOLLOW_UP_CATEGORY = FOLLOW_UP
"""The category (its code) of the task a broken or partly kept promise gives its
responsible employee."""

FOLLOW_UP_HOUR = dt.time(17, 0, tzinfo=dt.UTC)
"""A follow-up task ends at this time of the as-of day (UTC)."""

OUTCOME_NAMES: dict[str, str] = {
    PromiseOutcome.KEPT: N_("Kept"),
    PromiseOutcome.PARTIAL: N_("Partly kept"),
    PromiseOutcome.BROKEN: N_("Broken"),
}
"""The name a collector reads for each outcome (translate with ``_()``)."""

_CHUNK = 500


class PromiseError(ValueError):
    """The promises could not be judged now; the message says why."""


def outcome_name(value: str) -> str:
    """The translated name of a promise outcome (the value when unknown)."""
    name = OUTCOME_NAMES.get(value)
    return _(name) if name else value


@dataclass(frozen=True)
class PromiseEvaluation:
    """What one run of ``evaluate_promises`` judged and wrote."""

    as_of: dt.date
    kept: int
    partial: int
    broken: int
    result_ids: tuple[uuid.UUID, ...]
    activity_ids: tuple[uuid.UUID, ...]
    unrecorded: int = 0  # promised transactions without a promise in their history: left alone

    @property
    def evaluated(self) -> int:
        """How many promises were judged."""
        return self.kept + self.partial + self.broken

    def describe(self) -> str:
        """One sentence for the status bar or the command line."""
        return _(
            "Promises to pay judged on {date}: {kept} kept, {partial} partly kept, "
            "{broken} broken; {tasks} follow-up tasks created."
        ).format(
            date=text_formats().date(self.as_of),
            kept=self.kept,
            partial=self.partial,
            broken=self.broken,
            tasks=len(self.activity_ids),
        )


@dataclass(frozen=True)
class PromiseResultRow:
    """One judged promise, ready to show."""

    id: uuid.UUID
    transaction_id: uuid.UUID
    document_number: str
    currency: str
    promise_date: dt.date
    promise_amount: Decimal
    paid_amount: Decimal
    outcome: str
    evaluated_on: dt.date
    follow_up_number: str | None

    @property
    def outcome_name(self) -> str:
        """The translated name of the outcome."""
        return outcome_name(self.outcome)


@dataclass(frozen=True)
class _Due:
    """A transaction promised to pay whose promise is due for judgement."""

    id: uuid.UUID
    document_number: str
    customer_id: uuid.UUID
    version: int
    responsible_id: uuid.UUID | None


@dataclass(frozen=True)
class _Promise:
    """The history row that made a promise."""

    id: uuid.UUID
    made_on: dt.date
    promise_date: dt.date
    promise_amount: Decimal


def tolerance_days(session: Session) -> int:
    """Days after a promise's date that a payment still counts (receivables parameters)."""
    days = session.scalar(select(ReceivablesParameters.promise_tolerance_days).limit(1))
    return DEFAULT_TOLERANCE_DAYS if days is None else days


def evaluate_promises(session: Session, as_of: dt.date, now: dt.datetime) -> PromiseEvaluation:
    """Judge every promise whose date plus the tolerance lies before ``as_of``; see the module.

    Writes one ``PromiseResult`` per promise, the new status and its history row, and a
    follow-up task for each partly kept or broken promise whose customer has a
    responsible employee. Safe to run again: a judged promise is never judged twice.
    """
    tolerance = tolerance_days(session)
    due = _due_promises(session, as_of - dt.timedelta(days=tolerance))
    if not due:
        return PromiseEvaluation(as_of, 0, 0, 0, (), ())
    promises = _promises(session, [d.id for d in due])
    judged = _already_judged(session, [p.id for p in promises.values()])
    paid = _settled_lines(session, [d.id for d in due])
    formats = text_formats()
    counts = dict.fromkeys(PromiseOutcome, 0)
    results: list[dict[str, object]] = []
    result_ids: list[uuid.UUID] = []
    changes: list[dict[str, object]] = []
    updates: list[dict[str, object]] = []
    follow_ups: list[tuple[int, dict[str, object]]] = []  # (index in results, activity)
    unrecorded = 0
    for item in due:
        promise = promises.get(item.id)
        if promise is None:
            unrecorded += 1
            continue
        if promise.id in judged:
            continue
        window_end = promise.promise_date + dt.timedelta(days=tolerance)
        total = sum(
            (amount for day, amount in paid[item.id] if promise.made_on <= day <= window_end),
            ZERO,
        )
        total = max(total, ZERO)  # a reversed earlier payment is no negative payment
        if total >= promise.promise_amount:
            outcome = PromiseOutcome.KEPT
        elif total > ZERO:
            outcome = PromiseOutcome.PARTIAL
        else:
            outcome = PromiseOutcome.BROKEN
        counts[outcome] += 1
        figures = {
            "document": item.document_number,
            "promised": formats.amount(promise.promise_amount),
            "date": formats.date(promise.promise_date),
            "paid": formats.amount(total),
        }
        if outcome == PromiseOutcome.KEPT:
            new_status = CollectionStatus.NONE
            note = _("Promise kept: {paid} of {promised} paid by {date}.").format(**figures)
            new_date, new_amount = None, None
        else:
            new_status = CollectionStatus.BROKEN
            if outcome == PromiseOutcome.PARTIAL:
                note = _("Promise partly kept: {paid} of {promised} paid by {date}.")
            else:
                note = _("Promise broken: nothing of {promised} paid by {date}.")
            note = note.format(**figures)
            new_date, new_amount = promise.promise_date, promise.promise_amount
        result_ids.append(new_id())
        results.append(
            {
                "id": result_ids[-1],
                "transaction_id": item.id,
                "promise_change_id": promise.id,
                "promise_date": promise.promise_date,
                "promise_amount": promise.promise_amount,
                "paid_amount": total,
                "outcome": outcome.value,
                "evaluated_on": as_of,
                "follow_up_activity_id": None,
                "created_at": now,
            }
        )
        changes.append(
            {
                "id": new_id(),
                "transaction_id": item.id,
                "changed_at": now,
                "changed_by_id": None,
                "from_status": CollectionStatus.PROMISED.value,
                "to_status": new_status.value,
                "promise_date": new_date,
                "promise_amount": new_amount,
                "note": note,
            }
        )
        updates.append(
            {
                "b_id": item.id,
                "b_version": item.version,
                "b_status": new_status.value,
                "b_date": new_date,
                "b_amount": new_amount,
            }
        )
        if outcome != PromiseOutcome.KEPT and item.responsible_id is not None:
            task = _follow_up(item, promise, outcome, figures, window_end, as_of, now)
            follow_ups.append((len(results) - 1, task))
    activity_ids = _write(session, results, changes, updates, follow_ups, now)
    return PromiseEvaluation(
        as_of,
        kept=counts[PromiseOutcome.KEPT],
        partial=counts[PromiseOutcome.PARTIAL],
        broken=counts[PromiseOutcome.BROKEN],
        result_ids=tuple(result_ids),
        activity_ids=activity_ids,
        unrecorded=unrecorded,
    )


def _due_promises(session: Session, before: dt.date) -> list[_Due]:
    """The promised transactions whose promise date lies before ``before`` (as-of - tolerance).

    One statement on ``(collection_status, promise_date)``; the responsible employee
    comes along (a deleted employee gets no task).
    """
    t = CustomerTransaction
    responsible = aliased(Employee)
    rows = session.execute(
        select(
            t.id,
            t.document_number,
            t.customer_id,
            t.version,
            responsible.id,
        )
        .join(Customer, Customer.id == t.customer_id)
        .outerjoin(
            responsible,
            (responsible.id == Customer.responsible_employee_id) & responsible.deleted_at.is_(None),
        )
        .where(
            # A literal, not a parameter: a partial index "WHERE collection_status =
            # 'promised'" applies only when the query says so in its text.
            t.collection_status == literal_column(f"'{CollectionStatus.PROMISED.value}'"),
            t.promise_date < before,
        )
        .order_by(t.promise_date, t.document_number)
    )
    return [_Due(*row) for row in rows]


def _promises(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, _Promise]:
    """The latest history row that set each transaction to "promised"."""
    h = CollectionStatusChange
    latest: dict[uuid.UUID, tuple[dt.datetime, _Promise]] = {}
    for start in range(0, len(ids), _CHUNK):
        for row in session.execute(
            select(h.id, h.transaction_id, h.changed_at, h.promise_date, h.promise_amount).where(
                h.transaction_id.in_(ids[start : start + _CHUNK]),
                h.to_status == CollectionStatus.PROMISED,
            )
        ):
            if row.promise_date is None or row.promise_amount is None:
                continue  # not a usable promise
            seen = latest.get(row.transaction_id)
            if seen is None or row.changed_at > seen[0]:
                promise = _Promise(
                    row.id, row.changed_at.date(), row.promise_date, row.promise_amount
                )
                latest[row.transaction_id] = (row.changed_at, promise)
    return {txn_id: promise for txn_id, (_at, promise) in latest.items()}


def _already_judged(session: Session, change_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """The promises (history row ids) that already have a result."""
    judged: set[uuid.UUID] = set()
    for start in range(0, len(change_ids), _CHUNK):
        judged.update(
            session.scalars(
                select(PromiseResult.promise_change_id).where(
                    PromiseResult.promise_change_id.in_(change_ids[start : start + _CHUNK])
                )
            )
        )
    return judged


def _settled_lines(
    session: Session, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[dt.date, Decimal]]]:
    """(date, amount) of the settlement lines of each transaction (index on transaction, date)."""
    lines: dict[uuid.UUID, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        for txn_id, day, amount in session.execute(
            select(
                SettlementLine.transaction_id,
                SettlementLine.settlement_date,
                SettlementLine.amount,
            ).where(SettlementLine.transaction_id.in_(ids[start : start + _CHUNK]))
        ):
            lines[txn_id].append((day, amount))
    return lines


def _follow_up(
    item: _Due,
    promise: _Promise,
    outcome: PromiseOutcome,
    figures: dict[str, str],
    window_end: dt.date,
    as_of: dt.date,
    now: dt.datetime,
) -> dict[str, object]:
    """The values of the follow-up task for a partly kept or broken promise (numbered later)."""
    if outcome == PromiseOutcome.PARTIAL:
        purpose = _("Promise partly kept: {document} {promised} promised by {date}, {paid} paid")
    else:
        purpose = _("Promise broken: {document} {promised} promised by {date}, {paid} paid")
    end_at = dt.datetime.combine(as_of, FOLLOW_UP_HOUR)
    formats = text_formats()
    memo = _(
        "Promised on {made}; payments from then to {end} (the promise date plus the "
        "tolerance) count. Call the customer about the rest."
    ).format(
        made=formats.date(promise.made_on),
        end=formats.date(window_end),
    )
    return {
        "type": ActivityType.TASK.value,
        "category": FOLLOW_UP_CATEGORY,
        "purpose": purpose.format(**figures)[:PURPOSE_LENGTH],
        "memo": memo,
        "responsible_employee_id": item.responsible_id,
        "customer_id": item.customer_id,
        "start_at": min(now, end_at),
        "end_at": end_at,
        "closed": False,
        "updated_at": now,
        "version": 1,
    }


def _write(
    session: Session,
    results: list[dict[str, object]],
    changes: list[dict[str, object]],
    updates: list[dict[str, object]],
    follow_ups: list[tuple[int, dict[str, object]]],
    now: dt.datetime,
) -> tuple[uuid.UUID, ...]:
    """Insert the tasks, results and history rows and update the transactions, in bulk."""
    activity_ids: list[uuid.UUID] = []
    if follow_ups:
        numbers = reserve_numbers(session, "activity", len(follow_ups), now)
        rows = []
        for (index, values), number in zip(follow_ups, numbers, strict=True):
            activity_id = new_id()
            activity_ids.append(activity_id)
            results[index]["follow_up_activity_id"] = activity_id
            rows.append({"id": activity_id, "number": number, **values})
        session.execute(insert(Activity), rows)
    if changes:
        session.execute(insert(CollectionStatusChange), changes)
        session.execute(insert(PromiseResult), results)
        # One executemany; each row names the version read, so a status changed meanwhile
        # by a collector is not overwritten (the whole run is refused and can run again).
        t = cast(Table, CustomerTransaction.__table__)  # every model of the schema maps one table
        written = cast(  # an UPDATE's result is a CursorResult
            CursorResult[Any],
            session.execute(
                update(t)
                .where(
                    t.c.id == bindparam("b_id"),
                    t.c.version == bindparam("b_version"),
                    t.c.collection_status == CollectionStatus.PROMISED.value,
                )
                .values(
                    collection_status=bindparam("b_status"),
                    promise_date=bindparam("b_date"),
                    promise_amount=bindparam("b_amount"),
                    updated_at=now,
                    version=bindparam("b_version") + 1,
                ),
                updates,
            ),
        )
        dialect = session.get_bind().dialect
        if dialect.supports_sane_multi_rowcount and written.rowcount != len(updates):
            raise PromiseError(
                _("Some promises were changed while they were being judged; run it again.")
            )
        judged_ids = [cast(uuid.UUID, values["b_id"]) for values in updates]
        for start in range(0, len(judged_ids), _CHUNK):
            note_customers(
                session,
                session.scalars(
                    select(CustomerTransaction.customer_id)
                    .where(CustomerTransaction.id.in_(judged_ids[start : start + _CHUNK]))
                    .distinct()
                ),
            )
        for values in updates:
            loaded = session.identity_map.get(
                Session.identity_key(CustomerTransaction, values["b_id"])
            )
            if loaded is not None:
                session.expire(loaded)
    session.flush()
    return tuple(activity_ids)


# --- reading ------------------------------------------------------------------------------


def promise_results(session: Session, customer_id: uuid.UUID) -> list[PromiseResultRow]:
    """The judged promises of a customer's transactions, newest judgement first."""
    r = PromiseResult
    t = CustomerTransaction
    query: Select[
        uuid.UUID, uuid.UUID, str, str, dt.date, Decimal, Decimal, str, dt.date, str | None
    ] = (
        select(
            r.id,
            r.transaction_id,
            t.document_number,
            t.currency,
            r.promise_date,
            r.promise_amount,
            r.paid_amount,
            r.outcome,
            r.evaluated_on,
            Activity.number,
        )
        .join(t, t.id == r.transaction_id)
        .outerjoin(Activity, Activity.id == r.follow_up_activity_id)
        .where(t.customer_id == customer_id)
        .order_by(r.evaluated_on.desc(), r.promise_date.desc(), t.document_number)
    )
    return [PromiseResultRow(*row) for row in session.execute(query)]
