"""Promises to pay and payment plans agreed with a debtor.

A promise is one payment by a date; a plan two or more instalments with rising due
dates. Whether each was kept is worked out from the approved collections
(``instalments.judge``), never stored. A plan puts the case in "payment plan"; cancelling
the last live plan puts it back in progress.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.agency._common import (
    day_text,
    load,
    money,
    text_or_none,
)
from collections_desktop.models.agency.cases import load_case, require_open, touch_last_action
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    AgencyCase,
    AgencyInstalment,
    AgencyPlan,
    CaseFileStatus,
    PlanKind,
)

MAX_INSTALMENTS = 120


def _set_case_status(session: Session, case: AgencyCase, status: str, now: dt.datetime) -> None:
    session.execute(
        update(AgencyCase)
        .where(AgencyCase.id == case.id)
        .values(status=status, updated_at=now, version=AgencyCase.version + 1)
        .execution_options(synchronize_session=False)
    )


def _checked(
    kind: str, agreed_on: dt.date, instalments: Sequence[tuple[dt.date, Decimal]]
) -> list[tuple[dt.date, Decimal]]:
    if kind == PlanKind.PROMISE and len(instalments) != 1:
        raise AgencyError(_("A promise to pay is one payment by one date."))
    if kind == PlanKind.PLAN and len(instalments) < 2:
        raise AgencyError(
            _("A payment plan has two instalments or more; for one payment, record a promise.")
        )
    if len(instalments) > MAX_INSTALMENTS:
        raise AgencyError(
            ngettext(
                "A plan has at most {count} instalment.",
                "A plan has at most {count} instalments.",
                MAX_INSTALMENTS,
            ).format(count=MAX_INSTALMENTS)
        )
    checked = []
    previous: dt.date | None = None
    for number, (due, amount) in enumerate(instalments, start=1):
        value = money(amount, _("The amount of instalment {number}").format(number=number))
        if due < agreed_on:
            raise AgencyError(
                _("Instalment {number} falls due on {date}, before the day it was agreed.").format(
                    number=number, date=day_text(due)
                )
            )
        if previous is not None and due <= previous:
            raise AgencyError(
                _(
                    "Instalment {number} falls due on {date}, not after instalment {before}; "
                    "the due dates must rise."
                ).format(number=number, date=day_text(due), before=number - 1)
            )
        previous = due
        checked.append((due, value))
    return checked


def add_plan(
    session: Session,
    *,
    case_id: uuid.UUID,
    kind: str,
    agreed_on: dt.date,
    instalments: Sequence[tuple[dt.date, Decimal]],
    note: str | None = None,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Record a promise (one instalment) or a plan (two or more, due dates rising,
    amounts above zero) agreed on ``agreed_on`` on an open case."""
    if kind not in set(PlanKind):
        raise AgencyError(_("Unknown kind of plan {kind}.").format(kind=kind))
    if agreed_on > now.date():
        raise AgencyError(_("A promise or plan cannot be agreed on a future date."))
    checked = _checked(kind, agreed_on, instalments)
    case = load_case(session, case_id)
    require_open(case)
    plan = AgencyPlan(
        case_id=case.id,
        kind=kind,
        agreed_on=agreed_on,
        created_by_id=by,
        note=text_or_none(note),
        updated_at=now,
        version=1,
    )
    session.add(plan)
    session.flush()
    session.add_all(
        AgencyInstalment(
            plan_id=plan.id, number=number, due_on=due, amount=amount, updated_at=now, version=1
        )
        for number, (due, amount) in enumerate(checked, start=1)
    )
    if kind == PlanKind.PLAN and case.status != CaseFileStatus.PAYMENT_PLAN:
        _set_case_status(session, case, CaseFileStatus.PAYMENT_PLAN, now)
    touch_last_action(session, case, agreed_on, now)
    session.flush()
    return plan.id


def cancel_plan(
    session: Session,
    plan_id: uuid.UUID,
    version: int,
    *,
    on: dt.date,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Cancel the promise or plan from ``on``: its open instalments are no longer
    expected. A case left with no live plan goes back in progress."""
    plan = load(session, AgencyPlan, plan_id, _("The plan no longer exists. Refresh."))
    if plan.cancelled_on is not None:
        raise AgencyError(
            _("This plan was already cancelled on {date}.").format(date=day_text(plan.cancelled_on))
        )
    if on < plan.agreed_on:
        raise AgencyError(_("A plan cannot be cancelled before the day it was agreed."))
    if on > now.date():
        raise AgencyError(_("A plan cannot be cancelled on a future date."))
    update_versioned(session, plan, version, now=now, what=_("The plan"), cancelled_on=on)
    if plan.kind != PlanKind.PLAN:
        return
    case = load_case(session, plan.case_id)
    live = session.scalar(
        select(AgencyPlan.id).where(
            AgencyPlan.case_id == case.id,
            AgencyPlan.kind == PlanKind.PLAN,
            AgencyPlan.cancelled_on.is_(None),
            AgencyPlan.deleted_at.is_(None),
        )
    )
    if live is None and case.status == CaseFileStatus.PAYMENT_PLAN:
        _set_case_status(session, case, CaseFileStatus.IN_PROGRESS, now)
