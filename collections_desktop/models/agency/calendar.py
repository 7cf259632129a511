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
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from collections_desktop.i18n import N_, _
from collections_desktop.models.agency.instalments import judged_instalments, raw_key
from collections_desktop.models.agency.rows import CalendarEntry, CalendarMonth
from collections_desktop.models.db.schema import (
    AgencyAnnotation,
    AgencyCase,
    AgencyDebtor,
    AgencyInstalment,
    AgencyPlan,
    AnnotationKind,
    Employee,
    PlanKind,
)

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
) -> CalendarMonth:
    """The month's entries (``month`` may be any of its days); see the module."""
    first, last = month_bounds(month)
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
    judged = judged_instalments(session, due, as_of=as_of, due_until=last)
    counts = (
        select(i.plan_id, func.count().label("n"))
        .where(i.deleted_at.is_(None), i.plan_id.in_(due))
        .group_by(i.plan_id)
        .subquery()
    )
    entries: list[CalendarEntry] = []
    for (
        inst_id,
        day,
        amount,
        number,
        kind,
        case_id,
        case_number,
        debtor_name,
        collector_name,
        currency,
        count,
    ) in session.connection().execute(
        select(
            raw_key(i.id, "instalment_key"),
            i.due_on,
            i.amount,
            i.number,
            p.kind,
            k.id,
            k.number,
            d.name,
            collector.name,
            k.currency,
            counts.c.n,
        )
        .join(p, p.id == i.plan_id)
        .join(k, k.id == p.case_id)
        .join(d, d.id == k.debtor_id)
        .join(counts, counts.c.plan_id == p.id)
        .outerjoin(collector, collector.id == k.collector_id)
        .where(
            i.due_on.between(first, last),
            i.deleted_at.is_(None),
            p.deleted_at.is_(None),
            *on_cases,
        )
    ):
        paid_outcome = judged.get(inst_id)
        if kind == PlanKind.PROMISE:
            entry_kind, text = PROMISE, _("Promise to pay")
        else:
            entry_kind = INSTALMENT
            text = _("Instalment {number} of {count}").format(number=number, count=count)
        entries.append(
            CalendarEntry(
                day=day,
                kind=entry_kind,
                case_id=case_id,
                case_number=case_number,
                debtor_name=debtor_name,
                collector_name=collector_name,
                amount=amount,
                currency=currency,
                text=text,
                outcome=None if paid_outcome is None else paid_outcome[1].value,
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
                text=f"{annotation_name(kind)}: {note}" if note else annotation_name(kind),
                outcome=None,
            )
        )
    entries.sort(key=_entry_key)
    return CalendarMonth(month=first, entries=tuple(entries))


def _entry_key(entry: CalendarEntry) -> tuple[Any, ...]:
    return (entry.day, KIND_ORDER.index(entry.kind), entry.case_number, entry.text)
