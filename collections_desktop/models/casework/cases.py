"""Collections cases: create, edit, close, reopen, and add or remove transactions.

A case belongs to one customer, has a category (only categories of type "collections"
may be used), a description, a responsible collections agent and a status: open, or
closed with the moment it was closed. It groups the customer's transactions (a
transaction is in at most one *open* case). Every change checks the agent's scope and
that nobody changed the case meanwhile; reading cases is ``case_reading``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.casework.activities import ActivityError, check_responsible
from collections_desktop.models.casework.case_reading import COLLECTIONS, CaseError, case_members
from collections_desktop.models.db.schema import (
    Activity,
    CaseCategory,
    CaseStatus,
    CaseTransaction,
    CollectionsCase,
    Customer,
    CustomerTransaction,
)
from collections_desktop.models.ledger.numbering import next_number
from collections_desktop.models.people.scope import AgentScope

DESCRIPTION_LENGTH = 500


@dataclass(frozen=True)
class CaseClosed:
    """A case just closed, and how many of its activities are still open."""

    number: str
    open_activities: int

    def note(self) -> str:
        """What the status bar says after closing."""
        if not self.open_activities:
            return _("Case {number} closed").format(number=self.number)
        return ngettext(
            "Case {number} closed; {count} of its activities is still open",
            "Case {number} closed; {count} of its activities are still open",
            self.open_activities,
        ).format(number=self.number, count=self.open_activities)


def _description(description: str) -> str:
    description = description.strip()
    if not description:
        raise CaseError(_("Write a description of the case."))
    if len(description) > DESCRIPTION_LENGTH:
        raise CaseError(
            _("The description is too long: at most {count} characters.").format(
                count=DESCRIPTION_LENGTH
            )
        )
    return description


def _collections_category(session: Session, code: str) -> uuid.UUID:
    """The id of the collections category ``code``; ``CaseError`` for any other."""
    row = session.execute(
        select(CaseCategory.id, CaseCategory.name, CaseCategory.type).where(
            CaseCategory.code == code, CaseCategory.deleted_at.is_(None)
        )
    ).one_or_none()
    if row is None:
        raise CaseError(
            _("There is no case category {code}. Choose one from the list.").format(code=code)
        )
    category_id, name, kind = row
    if kind != COLLECTIONS:
        raise CaseError(
            _(
                "Category {code} ({name}) is for {type} cases, not collections cases. "
                "Choose a collections category."
            ).format(code=code, name=name, type=kind)
        )
    return category_id


def _responsible(session: Session, responsible_id: uuid.UUID | None) -> None:
    try:
        check_responsible(session, responsible_id)
    except ActivityError as error:
        raise CaseError(str(error)) from None


def _check_customer(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> None:
    found = session.scalar(
        select(Customer.id).where(
            Customer.id == customer_id,
            Customer.deleted_at.is_(None),
            scope.customer_condition(as_of),
        )
    )
    if found is None:
        raise CaseError(_("This customer is not in your pools."))


def _load_case(
    session: Session,
    scope: AgentScope,
    case_id: uuid.UUID,
    now: dt.datetime,
    expected_version: int | None,
) -> CollectionsCase:
    """The case, read afresh; refused when gone, out of scope or changed since it was read."""
    found = session.execute(
        select(CollectionsCase)
        .where(CollectionsCase.id == case_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if found is None or found.deleted_at is not None:
        raise CaseError(_("The case no longer exists. Refresh the list."))
    if expected_version is not None and found.version != expected_version:
        raise _changed_meanwhile(found.number)
    in_scope = session.scalar(
        select(Customer.id).where(
            Customer.id == found.customer_id,
            Customer.deleted_at.is_(None),
            scope.customer_condition(now.date()),
        )
    )
    if in_scope is None:
        raise CaseError(
            _("Case {number} is about a customer outside your pools.").format(number=found.number)
        )
    return found


def _changed_meanwhile(number: str) -> CaseError:
    return CaseError(
        _(
            "Someone else changed case {number} after you opened it. "
            "Nothing was saved; open it again to see their changes."
        ).format(number=number)
    )


def _require_open(found: CollectionsCase) -> None:
    if found.status != CaseStatus.OPEN:
        raise CaseError(
            _("Case {number} is closed; reopen it to change it.").format(number=found.number)
        )


def _check_transactions(
    session: Session,
    customer_id: uuid.UUID,
    transaction_ids: Sequence[uuid.UUID],
    case_id: uuid.UUID | None,
) -> None:
    """Refuse transactions that are unknown, another customer's, or in another open case.

    The transactions' rows are locked first (PostgreSQL), so two collectors adding the
    same transaction to two cases at once are serialised and the second one is refused.
    """
    if not transaction_ids:
        return
    rows = {
        row.id: row
        for row in session.execute(
            select(
                CustomerTransaction.id,
                CustomerTransaction.document_number,
                CustomerTransaction.customer_id,
            )
            .where(CustomerTransaction.id.in_(transaction_ids))
            .with_for_update()
        )
    }
    for transaction_id in transaction_ids:
        row = rows.get(transaction_id)
        if row is None:
            raise CaseError(_("A transaction no longer exists. Refresh the list."))
        if row.customer_id != customer_id:
            raise CaseError(
                _(
                    "{document} is another customer's transaction; "
                    "a case holds the transactions of its own customer only."
                ).format(document=row.document_number)
            )
    query = (
        select(CaseTransaction.transaction_id, CollectionsCase.number)
        .join(CollectionsCase, CollectionsCase.id == CaseTransaction.case_id)
        .where(
            CaseTransaction.transaction_id.in_(transaction_ids),
            CaseTransaction.deleted_at.is_(None),
            CollectionsCase.status == CaseStatus.OPEN,
            CollectionsCase.deleted_at.is_(None),
        )
        .order_by(CollectionsCase.number)
    )
    if case_id is not None:
        query = query.where(CaseTransaction.case_id != case_id)
    taken = session.execute(query).first()
    if taken is not None:
        raise CaseError(
            _(
                "{document} is already in open case {number}; "
                "a transaction can be in one open case only. Remove it there first."
            ).format(document=rows[taken.transaction_id].document_number, number=taken.number)
        )


def _add_members(
    session: Session, case_id: uuid.UUID, transaction_ids: Iterable[uuid.UUID], now: dt.datetime
) -> None:
    session.add_all(
        CaseTransaction(case_id=case_id, transaction_id=t, updated_at=now, version=1)
        for t in transaction_ids
    )


def _remove_members(
    session: Session, case_id: uuid.UUID, transaction_ids: Sequence[uuid.UUID], now: dt.datetime
) -> None:
    if not transaction_ids:
        return
    session.execute(
        update(CaseTransaction)
        .where(
            CaseTransaction.case_id == case_id,
            CaseTransaction.transaction_id.in_(transaction_ids),
            CaseTransaction.deleted_at.is_(None),
        )
        .values(deleted_at=now, updated_at=now, version=CaseTransaction.version + 1)
        .execution_options(synchronize_session="fetch")
    )


def _touch(
    session: Session, found: CollectionsCase, now: dt.datetime, **values: object
) -> CollectionsCase:
    """Write ``values`` on the case at the version it was read at, with version += 1."""
    result = cast(  # an UPDATE's result is a CursorResult
        CursorResult[Any],
        session.execute(
            update(CollectionsCase)
            .where(CollectionsCase.id == found.id, CollectionsCase.version == found.version)
            .values(updated_at=now, version=CollectionsCase.version + 1, **values)
            .execution_options(synchronize_session="fetch")
        ),
    )
    if result.rowcount != 1:  # changed between our read and our write
        raise _changed_meanwhile(found.number)
    return found


def create_case(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    category_code: str,
    description: str,
    now: dt.datetime,
    *,
    responsible_id: uuid.UUID | None,
    transaction_ids: Iterable[uuid.UUID] = (),
    created_by_id: uuid.UUID | None,
) -> CollectionsCase:
    """Open a case numbered from the ``case`` counter, holding ``transaction_ids``.

    The responsible is a collections agent (``created_by_id`` when None). Refused
    (``CaseError``, nothing written) for a customer outside the scope, a category that is
    unknown or not for collections, an empty description, a responsible who is no agent,
    or a transaction that is another customer's or already in an open case.
    """
    description = _description(description)
    category_id = _collections_category(session, category_code)
    responsible = responsible_id if responsible_id is not None else created_by_id
    _responsible(session, responsible)
    _check_customer(session, scope, customer_id, now.date())
    ids = list(dict.fromkeys(transaction_ids))
    _check_transactions(session, customer_id, ids, None)
    made = CollectionsCase(
        number=next_number(session, "case", now),
        customer_id=customer_id,
        category_id=category_id,
        description=description,
        status=CaseStatus.OPEN,
        responsible_employee_id=responsible,
        opened_at=now,
        updated_at=now,
        version=1,
    )
    session.add(made)
    session.flush()
    _add_members(session, made.id, ids, now)
    session.flush()
    return made


def edit_case(
    session: Session,
    scope: AgentScope,
    case_id: uuid.UUID,
    now: dt.datetime,
    *,
    expected_version: int,
    category_code: str,
    description: str,
    responsible_id: uuid.UUID | None,
    transaction_ids: Iterable[uuid.UUID] | None = None,
) -> CollectionsCase:
    """Write the category, description and responsible of an open case read at
    ``expected_version``; with ``transaction_ids``, make them its transactions exactly
    (adding the new ones, tombstoning the ones left out).

    Refused (``CaseError``, nothing written) when the case is gone, closed, outside the
    scope or changed by someone else since it was read, or for what ``create_case`` refuses.
    """
    found = _load_case(session, scope, case_id, now, expected_version)
    _require_open(found)
    description = _description(description)
    category_id = _collections_category(session, category_code)
    _responsible(session, responsible_id)
    added: list[uuid.UUID] = []
    removed: list[uuid.UUID] = []
    if transaction_ids is not None:
        wanted = list(dict.fromkeys(transaction_ids))
        current = case_members(session, case_id)
        in_case, asked = set(current), set(wanted)
        added = [t for t in wanted if t not in in_case]
        removed = [t for t in current if t not in asked]
        _check_transactions(session, found.customer_id, added, case_id)
    _touch(
        session,
        found,
        now,
        category_id=category_id,
        description=description,
        responsible_employee_id=responsible_id,
    )
    _remove_members(session, case_id, removed, now)
    _add_members(session, case_id, added, now)
    session.flush()
    return found


def close_case(
    session: Session,
    scope: AgentScope,
    case_id: uuid.UUID,
    now: dt.datetime,
    *,
    expected_version: int | None = None,
) -> CaseClosed:
    """Close an open case; its activities stay as they are (the result counts the open ones).

    Its transactions stay recorded in it, and may then go into another open case.
    """
    found = _load_case(session, scope, case_id, now, expected_version)
    if found.status != CaseStatus.OPEN:
        raise CaseError(
            _("Case {number} is already closed. Refresh the list.").format(number=found.number)
        )
    _touch(session, found, now, status=CaseStatus.CLOSED, closed_at=now)
    still_open = session.scalar(
        select(func.count())
        .select_from(Activity)
        .where(
            Activity.case_id == case_id,
            Activity.deleted_at.is_(None),
            Activity.closed.is_(False),
        )
    )
    return CaseClosed(found.number, int(still_open or 0))


def reopen_case(
    session: Session,
    scope: AgentScope,
    case_id: uuid.UUID,
    now: dt.datetime,
    *,
    expected_version: int | None = None,
) -> CollectionsCase:
    """Reopen a closed case. Refused when one of its transactions went into another open
    case meanwhile (a transaction is in one open case at most)."""
    found = _load_case(session, scope, case_id, now, expected_version)
    if found.status == CaseStatus.OPEN:
        raise CaseError(
            _("Case {number} is open already. Refresh the list.").format(number=found.number)
        )
    _check_transactions(session, found.customer_id, case_members(session, case_id), case_id)
    _touch(session, found, now, status=CaseStatus.OPEN, closed_at=None)
    session.flush()
    return found


def add_transactions(
    session: Session,
    scope: AgentScope,
    case_id: uuid.UUID,
    transaction_ids: Iterable[uuid.UUID],
    now: dt.datetime,
) -> int:
    """Add the customer's transactions to an open case, all or none; returns how many.

    Refused when the case is closed, a transaction is in it already, is another
    customer's or is in another open case.
    """
    ids = list(dict.fromkeys(transaction_ids))
    found = _load_case(session, scope, case_id, now, None)
    _require_open(found)
    if not ids:
        return 0
    current = set(case_members(session, case_id))
    already = [t for t in ids if t in current]
    if already:
        document = session.scalar(
            select(CustomerTransaction.document_number).where(CustomerTransaction.id == already[0])
        )
        raise CaseError(
            _("{document} is in case {number} already.").format(
                document=document, number=found.number
            )
        )
    _check_transactions(session, found.customer_id, ids, case_id)
    _touch(session, found, now)
    _add_members(session, case_id, ids, now)
    session.flush()
    return len(ids)


def remove_transactions(
    session: Session,
    scope: AgentScope,
    case_id: uuid.UUID,
    transaction_ids: Iterable[uuid.UUID],
    now: dt.datetime,
) -> int:
    """Take transactions out of an open case, all or none; returns how many.

    The membership gets a tombstone (``deleted_at``): the history keeps that the
    transaction was in the case, and it no longer counts in the case's figures.
    """
    ids = list(dict.fromkeys(transaction_ids))
    found = _load_case(session, scope, case_id, now, None)
    _require_open(found)
    if not ids:
        return 0
    current = set(case_members(session, case_id))
    if any(t not in current for t in ids):
        raise CaseError(
            _("A transaction is not in case {number}. Refresh the list.").format(
                number=found.number
            )
        )
    _touch(session, found, now)
    _remove_members(session, case_id, ids, now)
    session.flush()
    return len(ids)
