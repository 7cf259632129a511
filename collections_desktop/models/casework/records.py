"""Records of calls and actions: what a collector did about a customer and what came of it.

A record is a CLOSED activity of type *action* (so the timeline, the customer card's
"last contact" and the reports count it as a contact that happened), with its event
type as the activity's category (call, e-mail, visit, letter, note: the activity
categories, editable in Set-up), its moment as start and end, the observations as its
purpose (and memo when longer), and its result (``Activity.result``, the code of a
``RecordResult``: reached, no answer, promised…, a set-up list). A next action date
gives the responsible an open follow-up task on that date, whose memo names the record.

Several customers at once (the explorer's multi-select) get one record each, in one
transaction: everything is checked first, and a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, and_, case, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from collections_desktop.i18n import _, current_language, ngettext
from collections_desktop.models.casework.activities import (
    PURPOSE_LENGTH,
    ActivityError,
    check_responsible,
    create_activity,
)
from collections_desktop.models.casework.categories import FOLLOW_UP, category_names
from collections_desktop.models.db.schema import (
    Activity,
    ActivityCategory,
    ActivityType,
    BusinessText,
    Customer,
    RecordResult,
)
from collections_desktop.models.people.scope import AgentScope, customers_seen
from collections_desktop.models.screens.customer_card import CustomerOption

MOST_CUSTOMERS = 1000
"""The most customers one entry may record at once (one transaction)."""
FOLLOW_UP_TIME = dt.time(9, 0)
"""The local time of the follow-up task on the next action date."""
EVENT_TYPES = ("CALL", "EMAIL", "VISIT", "LETTER", "NOTE")
"""The activity categories offered first as a record's event type (any active category
may be chosen; these are the reference ones, in this order)."""


class RecordError(ActivityError):
    """A record cannot be entered; the message says why and nothing was written."""


@dataclass(frozen=True)
class ResultChoice:
    """A result a record may have, as the dialog offers it."""

    code: str
    name: str


@dataclass(frozen=True)
class RecordsEntered:
    """What one entry wrote: the records' numbers and the follow-up tasks' numbers."""

    records: tuple[str, ...]
    follow_ups: tuple[str, ...]


def result_names(session: Session, language: str | None = None) -> dict[str, str]:
    """Every result's name by code, in ``language`` (default: the interface's)."""
    return {row.code: row.name for row in _named(session, language)}


def result_choices(
    session: Session, language: str | None = None, *, keep: str | None = None
) -> list[ResultChoice]:
    """The active results in set-up order (by code as the company wrote them), for a new
    record; ``keep`` (a record's own result) is offered too when it is inactive."""
    rows = _named(session, language)
    order = {code: index for index, code in enumerate(_REFERENCE_ORDER)}
    chosen = [row for row in rows if row.deleted_at is None and (row.active or row.code == keep)]
    chosen.sort(key=lambda row: (order.get(row.code, len(order)), row.name.casefold()))
    return [ResultChoice(row.code, row.name) for row in chosen]


def shown_result(session: Session, language: str | None = None) -> ColumnElement[str | None]:
    """``Activity.result`` as shown: the result's name, else the stored code (label it).

    A CASE over the few results (read once), so a report of thousands of records
    neither joins nor runs a subquery per row.
    """
    names = result_names(session, language)
    if not names:
        return Activity.result.expression
    return case(names, value=Activity.result, else_=Activity.result)


def record_customers(
    session: Session, scope: AgentScope, accounts: Sequence[str], as_of: dt.date
) -> list[CustomerOption]:
    """The customers of ``accounts`` the scope sees, in the order given (the others left
    out): whom the Enter record dialog names."""
    wanted = list(dict.fromkeys(a.strip() for a in accounts if a and a.strip()))
    found = {
        row.account: CustomerOption(row.id, row.account, row.name)
        for row in session.execute(
            select(Customer.id, Customer.account, Customer.name).where(
                Customer.account.in_(wanted),
                Customer.deleted_at.is_(None),
                scope.customer_condition(as_of),
            )
        )
    }
    return [found[account] for account in wanted if account in found]


def enter_records(
    session: Session,
    scope: AgentScope,
    accounts: Sequence[str],
    *,
    now: dt.datetime,
    event_type: str,
    responsible_id: uuid.UUID | None,
    at: dt.datetime,
    observations: str,
    result: str,
    next_action_on: dt.date | None = None,
) -> RecordsEntered:
    """One closed record per customer of ``accounts`` (and its follow-up task when
    ``next_action_on`` is given), all in the caller's transaction.

    Refused (``RecordError``, nothing written) when no customer is given or one is not
    in the scope, the event type is not an active activity category, the result is not
    an active result, the responsible is no collections agent, the moment is after
    ``now``, or the next action date is before the record's day.
    """
    wanted = list(dict.fromkeys(account.strip() for account in accounts if account.strip()))
    if not wanted:
        raise RecordError(_("Choose at least one customer to record for."))
    if len(wanted) > MOST_CUSTOMERS:
        raise RecordError(
            _("At most {count} customers can be recorded for at once.").format(count=MOST_CUSTOMERS)
        )
    if at > now + dt.timedelta(minutes=1):
        raise RecordError(
            _("A record is of something that happened: its date and time cannot be later than now.")
        )
    local_day = at.astimezone().date()
    if next_action_on is not None and next_action_on < local_day:
        raise RecordError(_("The next action date cannot be before the date of the record."))
    if not (event_type or "").strip():
        raise RecordError(_("Choose the type of event: a call, an e-mail, a visit…"))
    result_name = _check_result(session, result)
    check_responsible(session, responsible_id)
    assert responsible_id is not None  # check_responsible refuses None
    customers = _customers(session, scope, wanted, now.date())
    observations = (observations or "").strip()
    purpose, memo = _purpose_and_memo(observations, event_type, result_name, session)
    records: list[str] = []
    follow_ups: list[str] = []
    for account in wanted:
        customer_id = customers[account]
        record = create_activity(
            session,
            scope,
            now=now,
            responsible_id=responsible_id,
            type=ActivityType.ACTION,
            purpose=purpose,
            category=event_type,
            memo=memo,
            customer_id=customer_id,
            start_at=at,
            end_at=at,
        )
        record.closed, record.closed_at, record.result = True, now, result
        session.flush()
        records.append(record.number)
        if next_action_on is not None:
            follow_ups.append(
                _follow_up(
                    session,
                    scope,
                    now=now,
                    responsible_id=responsible_id,
                    customer_id=customer_id,
                    record=record,
                    result_name=result_name,
                    day=next_action_on,
                )
            )
    return RecordsEntered(tuple(records), tuple(follow_ups))


def _customers(
    session: Session, scope: AgentScope, accounts: list[str], as_of: dt.date
) -> dict[str, uuid.UUID]:
    """The customers of ``accounts`` inside the scope (locked on PostgreSQL), by account."""
    found = {
        row.account: row.id
        for row in session.execute(
            select(Customer.id, Customer.account).where(
                Customer.account.in_(accounts), Customer.deleted_at.is_(None)
            )
        )
    }
    seen = customers_seen(session, scope, found.values(), as_of)
    missing = [account for account in accounts if found.get(account) not in seen]
    if missing:
        raise RecordError(
            ngettext(
                "There is no customer {accounts} in your pools; nothing was recorded.",
                "There are no customers {accounts} in your pools; nothing was recorded.",
                len(missing),
            ).format(accounts=", ".join(missing[:5]) + ("…" if len(missing) > 5 else ""))
        )
    return found


def _check_result(session: Session, code: str) -> str:
    """The name (company language) of the active result ``code``; ``RecordError`` else."""
    if not code or not code.strip():
        raise RecordError(_("Choose the result of the record."))
    row = session.execute(
        select(RecordResult.name, RecordResult.active).where(
            RecordResult.code == code.strip(), RecordResult.deleted_at.is_(None)
        )
    ).one_or_none()
    if row is None:
        raise RecordError(
            _("There is no result {code}. Choose one from the list.").format(code=code)
        )
    if not row.active:
        raise RecordError(
            _("The result {code} is no longer in use. Choose another.").format(code=code)
        )
    return str(row.name)


def _purpose_and_memo(
    observations: str, event_type: str, result_name: str, session: Session
) -> tuple[str, str | None]:
    """The purpose (the observations' first line, else "Call · No answer") and the memo
    (the whole observations when the purpose cannot hold them)."""
    if not observations:
        event = category_names(session).get(event_type, event_type)
        return f"{event} · {result_name}"[:PURPOSE_LENGTH], None
    first = observations.splitlines()[0].strip()
    if first == observations and len(first) <= PURPOSE_LENGTH:
        return first, None
    if len(first) > PURPOSE_LENGTH:
        first = first[: PURPOSE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return first, observations


def _follow_up(
    session: Session,
    scope: AgentScope,
    *,
    now: dt.datetime,
    responsible_id: uuid.UUID,
    customer_id: uuid.UUID,
    record: Activity,
    result_name: str,
    day: dt.date,
) -> str:
    """The open follow-up task on ``day`` at 9:00 local time; its memo names the record."""
    end_at = dt.datetime.combine(day, FOLLOW_UP_TIME).astimezone().astimezone(dt.UTC)
    purpose = _("Follow up on record {number}: {result}").format(
        number=record.number, result=result_name
    )
    memo = _("Next action of record {number} ({result}): {purpose}").format(
        number=record.number, result=result_name, purpose=record.purpose
    )
    task = create_activity(
        session,
        scope,
        now=now,
        responsible_id=responsible_id,
        type=ActivityType.TASK,
        purpose=purpose[:PURPOSE_LENGTH],
        category=_follow_up_category(session),
        memo=memo,
        customer_id=customer_id,
        start_at=min(now, end_at),
        end_at=end_at,
    )
    return task.number


def _follow_up_category(session: Session) -> str | None:
    """FOLLOWUP when it is an active category (a company may have turned it off)."""
    active = session.scalar(
        select(ActivityCategory.id).where(
            ActivityCategory.code == FOLLOW_UP,
            ActivityCategory.active.is_(True),
            ActivityCategory.deleted_at.is_(None),
        )
    )
    return FOLLOW_UP if active is not None else None


_REFERENCE_ORDER = ("REACHED", "NO_ANSWER", "MESSAGE", "PROMISED", "REFUSED", "WRONG_NUMBER")
"""The order the reference results are offered in; others follow by name."""


def _named(session: Session, language: str | None) -> list[Row[Any]]:
    """Every result (deleted ones too: records keep them) with its name in ``language``."""
    text = aliased(BusinessText)
    return list(
        session.execute(
            select(
                RecordResult.code,
                func.coalesce(text.text, RecordResult.name).label("name"),
                RecordResult.active,
                RecordResult.deleted_at,
            ).outerjoin(
                text,
                and_(
                    text.table_name == "record_results",
                    text.row_id == RecordResult.id,
                    text.field == "name",
                    text.language == (language or current_language()),
                    text.deleted_at.is_(None),
                ),
            )
        )
    )
