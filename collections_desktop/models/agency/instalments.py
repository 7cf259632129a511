"""Promises and payment plans: each instalment judged kept, partly kept, broken or open.

The rule is that of the receivables' promises to pay (``models/actions/promises.py``):
a payment counts for an instalment through its due date plus the grace days (the
receivables parameters' promise tolerance, ``grace_days``), and an instalment is judged
only once that day lies before the as-of date (on that very day a payment may still be
in the post). The approved collections of the case from the day the plan was agreed
(reversals included, negative) fill the instalments in due order:

- paid in full by its due date + grace: **kept** (as soon as it is paid in full);
- past its due date + grace, paid in part: **partly kept**; nothing paid: **broken**;
- otherwise **open**; and when the plan was cancelled before the instalment was judged,
  **cancelled** (what was judged before the cancellation stays as judged).

``paid`` is what of the instalment was paid by the earlier of the as-of date and its
due date + grace (what the judgement looked at): money paid late does not turn a broken
instalment into a kept one, as with a promise to pay. Money pays the oldest instalment
first, as receipts settle the oldest items first: a debtor who missed an instalment and
pays it late has paid that one, and the next counts as paid only once the arrears are
made up (the case file says what came in since the plan was agreed).
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from collections_desktop.i18n import N_, _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.actions.promises import tolerance_days
from collections_desktop.models.db.schema import (
    AgencyCollection,
    AgencyInstalment,
    AgencyPlan,
    CollectionState,
)


class InstalmentOutcome(enum.StrEnum):
    OPEN = "open"
    KEPT = "kept"
    PARTLY_KEPT = "partly_kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


OUTCOME_NAMES: dict[str, str] = {
    InstalmentOutcome.OPEN: N_("Open"),
    InstalmentOutcome.KEPT: N_("Kept"),
    InstalmentOutcome.PARTLY_KEPT: N_("Partly kept"),
    InstalmentOutcome.BROKEN: N_("Broken"),
    InstalmentOutcome.CANCELLED: N_("Cancelled"),
}
"""The name a collector reads for each outcome (translate with ``_()``)."""


def outcome_name(value: str) -> str:
    """The translated name of an instalment's outcome (the value when unknown)."""
    name = OUTCOME_NAMES.get(value)
    return _(name) if name else value


def grace_days(session: Session) -> int:
    """The days after a due date that a payment still counts: the promises' tolerance."""
    return tolerance_days(session)


def judge(
    instalments: Sequence[tuple[dt.date, Decimal]],
    payments: Sequence[tuple[dt.date, Decimal]],
    *,
    as_of: dt.date,
    grace_days: int,
    cancelled_on: dt.date | None = None,
) -> list[tuple[Decimal, InstalmentOutcome]]:
    """Each instalment's ``(paid, outcome)``, in the order given; see the module.

    ``instalments`` are ``(due_on, amount)``; ``payments`` the case's approved
    collections ``(collected_on, amount)`` from the day the plan was agreed (the caller
    leaves earlier ones out).
    """
    cancelled = cancelled_on is not None and cancelled_on <= as_of
    until = cancelled_on if cancelled and cancelled_on is not None else as_of
    grace = dt.timedelta(days=grace_days)
    ordered = sorted(range(len(instalments)), key=lambda i: (instalments[i][0], i))
    days = sorted(payments)  # received by a day: a running sum up to it (bisect)
    running = list(itertools.accumulate((amount for _day, amount in days), initial=ZERO))
    dates = [day for day, _amount in days]
    results: dict[int, tuple[Decimal, InstalmentOutcome]] = {}
    before = ZERO  # the amounts of the instalments due earlier
    for index in ordered:
        due_on, amount = instalments[index]
        deadline = due_on + grace
        cutoff = min(until, deadline)
        received = running[bisect.bisect_right(dates, cutoff)]
        paid = min(max(received - before, ZERO), amount)
        if paid >= amount:
            outcome = InstalmentOutcome.KEPT
        elif until > deadline:
            outcome = InstalmentOutcome.PARTLY_KEPT if paid > ZERO else InstalmentOutcome.BROKEN
        elif cancelled:
            outcome = InstalmentOutcome.CANCELLED
        else:
            outcome = InstalmentOutcome.OPEN
        results[index] = (paid, outcome)
        before += amount
    return [results[i] for i in range(len(instalments))]


def raw_key(column: Any, name: str) -> Any:
    """A key column as the driver gives it (bytes on SQLite, a UUID on PostgreSQL): a dict
    key without the cost of making a ``uuid.UUID`` of every row."""
    return type_coerce(column, NullType()).label(name)


def as_uuid(value: Any) -> uuid.UUID:
    """A key read by ``raw_key`` as a UUID."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=bytes(value))


def judged_instalments(
    session: Session,
    plan_ids: Any,
    *,
    as_of: dt.date,
    due_until: dt.date | None = None,
) -> dict[Any, tuple[Decimal, InstalmentOutcome]]:
    """The instalments of the plans ``plan_ids`` (a select of plan ids) judged on
    ``as_of``, by their ``raw_key``; only those due by ``due_until`` when given (the
    later ones change nothing for them). Two statements (the plans' instalments, their
    cases' approved collections up to the last day that can count), then ``judge`` per
    plan."""
    p, i, c = AgencyPlan, AgencyInstalment, AgencyCollection
    conditions: list[ColumnElement[bool]] = [
        p.id.in_(plan_ids),
        p.deleted_at.is_(None),
        i.deleted_at.is_(None),
    ]
    if due_until is not None:
        conditions.append(i.due_on <= due_until)
    rows = (
        session.connection()
        .execute(
            select(
                raw_key(p.id, "plan_key"),
                raw_key(p.case_id, "case_key"),
                p.agreed_on,
                p.cancelled_on,
                raw_key(i.id, "instalment_key"),
                i.due_on,
                i.amount,
            )
            .join(i, i.plan_id == p.id)
            .where(*conditions)
            .order_by(p.id, i.due_on, i.number)
        )
        .all()
    )
    if not rows:
        return {}
    grace = grace_days(session)
    last_counted = as_of
    if due_until is not None:
        last_counted = min(as_of, due_until + dt.timedelta(days=grace))
    payments: dict[Any, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for case_key, day, amount in session.connection().execute(
        select(raw_key(c.case_id, "case_key"), c.collected_on, c.amount).where(
            c.case_id.in_(select(p.case_id).where(p.id.in_(plan_ids))),
            c.deleted_at.is_(None),
            c.state == CollectionState.APPROVED.value,
            c.collected_on <= last_counted,
        )
    ):
        payments[case_key].append((day, amount))
    judged: dict[Any, tuple[Decimal, InstalmentOutcome]] = {}
    plans: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        plans[row[0]].append(row)
    for lines in plans.values():
        _plan_key, case_key, agreed_on, cancelled_on = lines[0][:4]
        counted = [(day, a) for day, a in payments.get(case_key, ()) if day >= agreed_on]
        outcomes = judge(
            [(line[5], line[6]) for line in lines],
            counted,
            as_of=as_of,
            grace_days=grace,
            cancelled_on=cancelled_on,
        )
        for line, outcome in zip(lines, outcomes, strict=True):
            judged[line[4]] = outcome
    return judged
