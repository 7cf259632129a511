"""Collections: money a collector says was received on a case, and its approval.

A collection waits, unapproved, until a supervisor who is not the collector approves it
(then it counts for the client's remittance and the collector's commission) or rejects
it with a reason (then the collector may correct it, which sends it back for approval).
An approved collection is never edited: a mistake is reversed, once, by a new approved
collection of the opposite amount. Every change is a line of the collection's history.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.agency._common import (
    amount_text,
    day_text,
    employee_name,
    load,
    money,
    required,
    text_or_none,
)
from collections_desktop.models.agency.cases import load_case, require_open, touch_last_action
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.agency.staff import is_supervisor, require_supervisor, staff_member
from collections_desktop.models.db.editing import StaleEditError, stale_message, update_versioned
from collections_desktop.models.db.schema import (
    AgencyCase,
    AgencyCollection,
    AgencyCollectionChange,
    CollectionState,
    PaymentMethod,
)

RECORDED = "recorded"
RECEIVED = "received"
NOT_RECEIVED = "not_received"
APPROVED = "approved"
REJECTED = "rejected"
REVERSED = "reversed"
EDITED = "edited"

REFERENCE_LENGTH = 80


def _history(
    session: Session,
    collection_id: uuid.UUID,
    change: str,
    by: uuid.UUID | None,
    now: dt.datetime,
    note: str | None = None,
) -> None:
    session.add(
        AgencyCollectionChange(
            collection_id=collection_id,
            changed_at=now,
            changed_by_id=by,
            change=change,
            note=note,
        )
    )


def _load(session: Session, collection_id: uuid.UUID) -> AgencyCollection:
    return load(
        session,
        AgencyCollection,
        collection_id,
        _("The collection no longer exists. Refresh the list."),
    )


def _label(session: Session, found: AgencyCollection) -> str:
    number = session.scalar(select(AgencyCase.number).where(AgencyCase.id == found.case_id))
    return _("The collection of {amount} on {date} in case file {number}").format(
        amount=amount_text(found.amount), date=day_text(found.collected_on), number=number
    )


def _method(method: str) -> str:
    if method not in set(PaymentMethod):
        raise AgencyError(_("Unknown payment method {method}.").format(method=method))
    return method


def _reference(reference: str | None) -> str | None:
    found = text_or_none(reference)
    if found is not None and len(found) > REFERENCE_LENGTH:
        raise AgencyError(
            _("The reference is too long: at most {count} characters.").format(
                count=REFERENCE_LENGTH
            )
        )
    return found


def _day(collected_on: dt.date, now: dt.datetime) -> dt.date:
    if collected_on > now.date():
        raise AgencyError(
            _("A collection cannot be dated in the future ({date}).").format(
                date=day_text(collected_on)
            )
        )
    return collected_on


def _not_approved(session: Session, found: AgencyCollection, *, toggle: bool) -> None:
    """Refuse to change an approved collection (``toggle``: its received mark)."""
    if found.state != CollectionState.APPROVED:
        return
    if found.reverses_id is not None:
        raise AgencyError(_("This is the reversal of another collection; it cannot be changed."))
    if toggle:
        message = _(
            "{what} was approved by {name}; whether it was collected can no longer change. "
            "Reverse it if the money did not arrive."
        )
    else:
        message = _(
            "{what} was approved by {name}; an approved collection cannot be edited, only reversed."
        )
    raise AgencyError(
        message.format(
            what=_label(session, found), name=employee_name(session, found.approved_by_id)
        )
    )


def _decided(session: Session, found: AgencyCollection) -> None:
    """Refuse a second decision, naming who took the first."""
    if found.state == CollectionState.UNAPPROVED:
        return
    name = employee_name(session, found.decided_by_id)
    if found.state == CollectionState.APPROVED:
        raise AgencyError(
            _("{what} was already approved by {name}.").format(
                what=_label(session, found), name=name
            )
        )
    raise AgencyError(
        _(
            "{what} was rejected by {name}; the collector must correct it before it is approved."
        ).format(what=_label(session, found), name=name)
    )


OWN_COLLECTION = N_("You recorded this collection; another supervisor must approve it.")


def approval_blocker(
    *, state: str, collected_by_id: uuid.UUID, approver_id: uuid.UUID, approver_is_supervisor: bool
) -> str | None:
    """Why ``approver_id`` may not approve a collection, in words (None: they may).

    For a screen that disables its Approve button and says why, from the row it shows
    (``CollectionRow``) without asking the database; ``approve`` checks the same afresh.
    """
    if state == CollectionState.APPROVED:
        return _("This collection is already approved.")
    if state == CollectionState.REJECTED:
        return _("This collection was rejected; the collector must correct it first.")
    if collected_by_id == approver_id:
        return _(OWN_COLLECTION)
    if not approver_is_supervisor:
        return _("Only a supervisor of the agency desk may approve or reject a collection.")
    return None


def _not_own(session: Session, found: AgencyCollection, supervisor_id: uuid.UUID) -> None:
    if found.collected_by_id == supervisor_id:
        raise AgencyError(_(OWN_COLLECTION))


def record_collection(
    session: Session,
    *,
    case_id: uuid.UUID,
    collected_on: dt.date,
    amount: Decimal,
    method: str,
    reference: str | None,
    collected_by_id: uuid.UUID,
    note: str | None = None,
    now: dt.datetime,
    by: uuid.UUID | None = None,
    received: bool = True,
) -> uuid.UUID:
    """A new unapproved collection on an open case (amount above zero, not dated in the
    future); the case's last action becomes its date. ``by`` records it for the
    collector (the collector when None)."""
    value = money(amount, _("The amount collected"))
    day = _day(collected_on, now)
    method = _method(method)
    if staff_member(session, collected_by_id) is None:
        raise AgencyError(_("The collector does not work at the agency desk."))
    case = load_case(session, case_id)
    require_open(case)
    if day < case.assigned_on:
        raise AgencyError(
            _("Case file {number} was assigned on {date}; a collection cannot be earlier.").format(
                number=case.number, date=day_text(case.assigned_on)
            )
        )
    made = AgencyCollection(
        case_id=case.id,
        collected_on=day,
        amount=value,
        method=method,
        reference=_reference(reference),
        collected_by_id=collected_by_id,
        received=received,
        state=CollectionState.UNAPPROVED,
        note=text_or_none(note),
        updated_at=now,
        version=1,
    )
    session.add(made)
    session.flush()
    _history(session, made.id, RECORDED, by or collected_by_id, now)
    touch_last_action(session, case, day, now)
    session.flush()
    return made.id


def edit_collection(
    session: Session,
    collection_id: uuid.UUID,
    version: int,
    *,
    collected_on: dt.date,
    amount: Decimal,
    method: str,
    reference: str | None,
    note: str | None,
    by: uuid.UUID,
    now: dt.datetime,
) -> None:
    """Correct an unapproved or rejected collection (its collector or a supervisor); a
    rejected one goes back to the supervisors for approval."""
    found = _load(session, collection_id)
    _not_approved(session, found, toggle=False)
    if by != found.collected_by_id and not is_supervisor(session, by):
        raise AgencyError(
            _("Only {name}, who recorded it, or a supervisor may correct this collection.").format(
                name=employee_name(session, found.collected_by_id)
            )
        )
    value = money(amount, _("The amount collected"))
    day = _day(collected_on, now)
    case = load_case(session, found.case_id)
    if day < case.assigned_on:
        raise AgencyError(
            _("Case file {number} was assigned on {date}; a collection cannot be earlier.").format(
                number=case.number, date=day_text(case.assigned_on)
            )
        )
    changes: dict[str, object] = {
        "collected_on": day,
        "amount": value,
        "method": _method(method),
        "reference": _reference(reference),
        "note": text_or_none(note),
    }
    said = []
    if day != found.collected_on:
        said.append(f"{found.collected_on.isoformat()} → {day.isoformat()}")
    if value != found.amount:
        said.append(f"{found.amount:,.2f} → {value:,.2f}")
    if changes["method"] != found.method:
        said.append(f"{found.method} → {changes['method']}")
    if changes["reference"] != found.reference:
        said.append(f"{found.reference or '—'} → {changes['reference'] or '—'}")
    if found.state == CollectionState.REJECTED:
        changes.update(
            state=CollectionState.UNAPPROVED,
            decided_by_id=None,
            decided_at=None,
            rejection_reason=None,
        )
    update_versioned(session, found, version, now=now, what=_label(session, found), **changes)
    _history(session, found.id, EDITED, by, now, "; ".join(said) or None)
    touch_last_action(session, case, day, now)
    session.flush()


def set_received(
    session: Session,
    collection_id: uuid.UUID,
    version: int,
    received: bool,
    *,
    by: uuid.UUID,
    now: dt.datetime,
) -> None:
    """The desk's one-click toggle: the money seen (collected) or not yet."""
    found = _load(session, collection_id)
    _not_approved(session, found, toggle=True)
    if found.received == received:
        return
    update_versioned(
        session, found, version, now=now, what=_label(session, found), received=received
    )
    _history(session, found.id, RECEIVED if received else NOT_RECEIVED, by, now)
    session.flush()


def approve(
    session: Session,
    collection_id: uuid.UUID,
    version: int,
    *,
    supervisor_id: uuid.UUID,
    now: dt.datetime,
) -> None:
    """A supervisor other than the collector approves the collection: it now counts."""
    found = _load(session, collection_id)
    _decided(session, found)
    _not_own(session, found, supervisor_id)
    require_supervisor(session, supervisor_id)
    update_versioned(
        session,
        found,
        version,
        now=now,
        what=_label(session, found),
        state=CollectionState.APPROVED,
        approved_by_id=supervisor_id,
        decided_by_id=supervisor_id,
        decided_at=now,
        rejection_reason=None,
    )
    _history(session, found.id, APPROVED, supervisor_id, now)
    session.flush()


def reject(
    session: Session,
    collection_id: uuid.UUID,
    version: int,
    *,
    supervisor_id: uuid.UUID,
    reason: str,
    now: dt.datetime,
) -> None:
    """A supervisor rejects the collection, saying why; it counts for nothing."""
    why = required(reason, _("Say why the collection is rejected; the collector will read it."))
    found = _load(session, collection_id)
    _decided(session, found)
    if found.collected_by_id == supervisor_id:
        raise AgencyError(_("You recorded this collection; another supervisor must decide on it."))
    require_supervisor(session, supervisor_id)
    update_versioned(
        session,
        found,
        version,
        now=now,
        what=_label(session, found),
        state=CollectionState.REJECTED,
        decided_by_id=supervisor_id,
        decided_at=now,
        rejection_reason=why,
    )
    _history(session, found.id, REJECTED, supervisor_id, now, why)
    session.flush()


def reverse(
    session: Session,
    collection_id: uuid.UUID,
    version: int,
    *,
    supervisor_id: uuid.UUID,
    reason: str,
    on: dt.date,
    now: dt.datetime,
) -> uuid.UUID:
    """Take back an approved collection: a new approved collection of the opposite
    amount on ``on``, naming the original; once only, by a supervisor who is not its
    collector."""
    why = required(reason, _("Say why the collection is reversed."))
    found = _load(session, collection_id)
    if found.version != version:
        raise StaleEditError(stale_message(_label(session, found)))
    if found.reverses_id is not None:
        raise AgencyError(_("This is already a reversal; it cannot be reversed again."))
    if found.state != CollectionState.APPROVED:
        raise AgencyError(
            _("{what} is not approved; correct or reject it instead of reversing it.").format(
                what=_label(session, found)
            )
        )
    done = session.scalar(
        select(AgencyCollection.collected_on).where(AgencyCollection.reverses_id == found.id)
    )
    if done is not None:
        raise AgencyError(
            _("{what} was already reversed on {date}.").format(
                what=_label(session, found), date=day_text(done)
            )
        )
    if found.collected_by_id == supervisor_id:
        raise AgencyError(_("You recorded this collection; another supervisor must reverse it."))
    require_supervisor(session, supervisor_id)
    day = _day(on, now)
    if day < found.collected_on:
        raise AgencyError(
            _("The reversal cannot be dated before the collection ({date}).").format(
                date=day_text(found.collected_on)
            )
        )
    reversal = AgencyCollection(
        case_id=found.case_id,
        collected_on=day,
        amount=-found.amount,
        method=found.method,
        reference=found.reference,
        collected_by_id=found.collected_by_id,
        received=True,
        state=CollectionState.APPROVED,
        decided_by_id=supervisor_id,
        decided_at=now,
        approved_by_id=supervisor_id,
        reverses_id=found.id,
        note=why,
        updated_at=now,
        version=1,
    )
    session.add(reversal)
    session.flush()
    _history(session, found.id, REVERSED, supervisor_id, now, why)
    _history(session, reversal.id, REVERSED, supervisor_id, now, why)
    session.flush()
    return reversal.id
