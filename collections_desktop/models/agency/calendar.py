"""The collections calendar: what falls due on each day of a month.

A month holds the promises and the instalments due in it (with their outcome on the
as-of day, ``instalments.judge``) and the actions scheduled in it and not yet done; of
every collector, or of the case files of one. Three statements for the entries (the
instalments due, the actions scheduled) and two for judging the plans concerned, each
bounded by the month's days through the due-date and scheduled-date indexes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlalchemy.types import NullType

from collections_desktop.i18n import N_, _
from collections_desktop.models.agency.instalments import (
    InstalmentOutcome,
    grace_days,
    judge,
    raw_key,
)
from collections_desktop.models.agency.rows import CalendarEntry, CalendarMonth
from collections_desktop.models.db.schema import (
    AgencyAnnotation,
    AgencyCase,
    AgencyCollection,
    AgencyDebtor,
    AgencyInstalment,
    AgencyPlan,
    AnnotationKind,
    CollectionState,
    Employee,
    PlanKind,
)
from collections_desktop.models.db.types import Money

PROMISE = "promise"
INSTALMENT = "instalment"
ACTION = "action"
KIND_ORDER = (PROMISE, INSTALMENT, ACTION)
"""The order of a day's entries: promises, instalments, then actions."""

ANNOTATION_NAMES: dict[str, str] = {
    AnnotationKind.LOCATE: N_("Locate debtor"),
    AnnotationKind.REGISTRY: N_("Mercantile registry"),
    AnnotationKind.OBSERVATION: N_("Observation"),
    AnnotationKind.CALL: N_("Call"),
    AnnotationKind.VISIT: N_("Visit"),
    AnnotationKind.LETTER: N_("Letter"),
    AnnotationKind.BUROFAX: N_("Burofax"),
}
"""The name a collector reads for each kind of annotation (translate with ``_()``)."""


def annotation_name(kind: str) -> str:
    name = ANNOTATION_NAMES.get(kind)
    return _(name) if name else kind


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of ``month``'s month."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def calendar_month(
    session: Session,
    month: dt.date,
    *,
    collector_id: uuid.UUID | None = None,
    as_of: dt.date,
    day: dt.date | None = None,
) -> CalendarMonth:
    """The month's entries (``month`` may be any of its days); see the module. With
    ``day``, only that day's (a day opened from the month's grid: ``calendar_days``)."""
    first, last = month_bounds(month)
    month_first = first
    if day is not None:
        first = last = day
    k, d, p, i, a = AgencyCase, AgencyDebtor, AgencyPlan, AgencyInstalment, AgencyAnnotation
    collector = aliased(Employee)
    on_cases: list[ColumnElement[bool]] = [k.deleted_at.is_(None)]
    if collector_id is not None:
        on_cases.append(k.collector_id == collector_id)
    due = (
        select(p.id)
        .join(i, i.plan_id == p.id)
        .join(k, k.id == p.case_id)
        .where(
            i.due_on.between(first, last),
            i.deleted_at.is_(None),
            p.deleted_at.is_(None),
            *on_cases,
        )
    )
    others = aliased(AgencyInstalment)
    count = (
        select(func.count())
        .where(others.plan_id == i.plan_id, others.deleted_at.is_(None))
        .correlate(i)
        .scalar_subquery()
    )
    rows = (
        session.connection()
        .execute(
            select(
                raw_key(p.id, "plan_key"),
                p.cancelled_on,
                i.due_on,
                i.number,
                i.amount,
                p.kind,
                k.id,
                k.number,
                d.name,
                collector.name,
                k.currency,
                count,
            )
            .join(p, p.id == i.plan_id)
            .join(k, k.id == p.case_id)
            .join(d, d.id == k.debtor_id)
            .outerjoin(collector, collector.id == k.collector_id)
            .where(
                i.due_on.between(first, last),
                i.deleted_at.is_(None),
                p.deleted_at.is_(None),
                *on_cases,
            )
        )
        .all()
    )
    promise_text = _("Promise to pay")
    instalment_text = _("Instalment {number} of {count}")
    names = {kind: annotation_name(kind) for kind in ANNOTATION_NAMES}
    outcomes = _judge_month(session, due, rows, first=first, last=last, as_of=as_of)
    entries: list[CalendarEntry] = []
    for row, outcome in zip(rows, outcomes, strict=True):
        (_plan, _cancelled, due_on, number, amount, kind, case_id, case_number, debtor_name,
         collector_name, currency, of_count) = row  # fmt: skip
        if kind == PlanKind.PROMISE:
            entry_kind, text = PROMISE, promise_text
        else:
            entry_kind = INSTALMENT
            text = instalment_text.format(number=number, count=of_count)
        entries.append(
            CalendarEntry(
                day=due_on,
                kind=entry_kind,
                case_id=case_id,
                case_number=case_number,
                debtor_name=debtor_name,
                collector_name=collector_name,
                amount=amount,
                currency=currency,
                text=text,
                outcome=outcome.value,
            )
        )
    for (
        scheduled_on,
        kind,
        note,
        case_id,
        case_number,
        debtor_name,
        collector_name,
        currency,
    ) in session.connection().execute(
        select(a.scheduled_on, a.kind, a.text, k.id, k.number, d.name, collector.name, k.currency)
        .join(k, k.id == a.case_id)
        .join(d, d.id == k.debtor_id)
        .outerjoin(collector, collector.id == k.collector_id)
        .where(
            a.scheduled_on.between(first, last),
            a.done_on.is_(None),
            a.deleted_at.is_(None),
            *on_cases,
        )
    ):
        entries.append(
            CalendarEntry(
                day=scheduled_on or first,
                kind=ACTION,
                case_id=case_id,
                case_number=case_number,
                debtor_name=debtor_name,
                collector_name=collector_name,
                amount=None,
                currency=currency,
                text=f"{names.get(kind, kind)}: {note}" if note else names.get(kind, kind),
                outcome=None,
            )
        )
    entries.sort(key=_entry_key)
    return CalendarMonth(month=month_first, entries=tuple(entries))


@dataclass(frozen=True)
class CalendarDay:
    """What falls due on one day of the month, for the month's grid: how many promises,
    instalments and actions, and the amounts promised and due per currency."""

    day: dt.date
    promises: int
    instalments: int
    actions: int
    amount_by_currency: Mapping[str, Decimal]


def calendar_days(
    session: Session, month: dt.date, *, collector_id: uuid.UUID | None = None
) -> tuple[CalendarDay, ...]:
    """The month's days that have something due (by day), counted and summed in SQL (two
    grouped statements, no judging: the outcomes come with a day's entries)."""
    first, last = month_bounds(month)
    k, p, i, a = AgencyCase, AgencyPlan, AgencyInstalment, AgencyAnnotation
    on_cases: list[ColumnElement[bool]] = [k.deleted_at.is_(None)]
    if collector_id is not None:
        on_cases.append(k.collector_id == collector_id)
    days: dict[dt.date, dict[str, Any]] = defaultdict(
        lambda: {"promises": 0, "instalments": 0, "actions": 0, "amounts": {}}
    )
    for due_on, kind, currency, count, amount in session.connection().execute(
        select(i.due_on, p.kind, k.currency, func.count(), type_coerce(func.sum(i.amount), Money()))
        .join(p, p.id == i.plan_id)
        .join(k, k.id == p.case_id)
        .where(
            i.due_on.between(first, last),
            i.deleted_at.is_(None),
            p.deleted_at.is_(None),
            *on_cases,
        )
        .group_by(i.due_on, p.kind, k.currency)
    ):
        figures = days[due_on]
        figures["promises" if kind == PlanKind.PROMISE else "instalments"] += count
        figures["amounts"][currency] = figures["amounts"].get(currency, Decimal(0)) + amount
    for scheduled_on, count in session.connection().execute(
        select(a.scheduled_on, func.count())
        .join(k, k.id == a.case_id)
        .where(
            a.scheduled_on.between(first, last),
            a.done_on.is_(None),
            a.deleted_at.is_(None),
            *on_cases,
        )
        .group_by(a.scheduled_on)
    ):
        if scheduled_on is not None:
            days[scheduled_on]["actions"] += count
    return tuple(
        CalendarDay(
            day=day,
            promises=figures["promises"],
            instalments=figures["instalments"],
            actions=figures["actions"],
            amount_by_currency=dict(sorted(figures["amounts"].items())),
        )
        for day, figures in sorted(days.items())
    )


def _judge_month(
    session: Session,
    due: Any,
    rows: Sequence[Any],
    *,
    first: dt.date,
    last: dt.date,
    as_of: dt.date,
) -> list[InstalmentOutcome]:
    """The outcome of each instalment of ``rows`` (due in the month, in due order), by
    ``instalments.judge``, without reading each plan's whole past: what matters of it is
    summed in SQL per plan (the amounts due before the month; what was paid from the
    agreement before the month, up to the cancellation), and only the payments of the
    month (and its grace days) are read one by one."""
    p, i, c = AgencyPlan, AgencyInstalment, AgencyCollection
    grace = grace_days(session)
    if len({row[0] for row in rows}) <= MAX_LISTED_PLANS:
        # The plans are known already: listed, they are not looked for again three times.
        due = list({row[0] for row in rows})
    until_cancelled = or_(p.cancelled_on.is_(None), c.collected_on <= p.cancelled_on)
    earlier: dict[Any, Decimal] = dict(
        session.connection()
        .execute(
            select(raw_key(i.plan_id, "plan_key"), type_coerce(func.sum(i.amount), Money()))
            .where(_raw(i.plan_id).in_(due), i.deleted_at.is_(None), i.due_on < first)
            .group_by(i.plan_id)
        )
        .all()
    )
    paid_before: dict[Any, Decimal] = dict(
        session.connection()
        .execute(
            select(raw_key(p.id, "plan_key"), type_coerce(func.sum(c.amount), Money()))
            .join(c, c.case_id == p.case_id)
            .where(
                _raw(p.id).in_(due),
                c.deleted_at.is_(None),
                c.state == CollectionState.APPROVED.value,
                c.collected_on >= p.agreed_on,
                c.collected_on < first,
                c.collected_on <= as_of,
                until_cancelled,
            )
            .group_by(p.id)
        )
        .all()
    )
    paid_in_month: dict[Any, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for plan_key, day, amount in session.connection().execute(
        select(raw_key(p.id, "plan_key"), c.collected_on, c.amount)
        .join(c, c.case_id == p.case_id)
        .where(
            _raw(p.id).in_(due),
            c.deleted_at.is_(None),
            c.state == CollectionState.APPROVED.value,
            c.collected_on >= p.agreed_on,
            c.collected_on >= first,
            c.collected_on <= min(as_of, last + dt.timedelta(days=grace)),
            until_cancelled,
        )
    ):
        paid_in_month[plan_key].append((day, amount))
    plans: dict[Any, list[int]] = defaultdict(list)
    for index in sorted(range(len(rows)), key=lambda n: (rows[n][2], rows[n][3])):
        plans[rows[index][0]].append(index)  # each plan's in due order
    outcomes: list[InstalmentOutcome] = [InstalmentOutcome.OPEN] * len(rows)
    for plan_key, indexes in plans.items():
        # Everything before the month counts as of the first day there is.
        before = [(dt.date.min, earlier[plan_key])] if plan_key in earlier else []
        payments = [(dt.date.min, paid_before[plan_key])] if plan_key in paid_before else []
        judged = judge(
            [*before, *((rows[n][2], rows[n][4]) for n in indexes)],
            [*payments, *paid_in_month.get(plan_key, ())],
            as_of=as_of,
            grace_days=grace,
            cancelled_on=rows[indexes[0]][1],
        )
        for n, (_paid, outcome) in zip(indexes, judged[len(before) :], strict=True):
            outcomes[n] = outcome
    return outcomes


MAX_LISTED_PLANS = 20_000
"""At most this many plans are named in a statement (SQLite takes 32,766 values)."""


def _raw(column: Any) -> Any:
    """A key column compared with keys as the driver gives them (``raw_key``)."""
    return type_coerce(column, NullType())


def _entry_key(entry: CalendarEntry) -> tuple[Any, ...]:
    return (entry.day, KIND_ORDER.index(entry.kind), entry.case_number, entry.text)
