"""Annotations of a case file: a debtor located (a new address, phone or e-mail, and
where it was found), a mercantile registry entry (the debtor re-registered as another
company), a free observation, and the actions (call, visit, letter, burofax), done now
or scheduled for a day of the collections calendar."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.agency._common import (
    day_text,
    load,
    required,
    text_or_none,
)
from collections_desktop.models.agency.cases import (
    load_case,
    normal_tax_id,
    require_open,
    touch_last_action,
)
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    ACTION_KINDS,
    AgencyAnnotation,
    AgencyDebtor,
    AgencyDebtorContact,
    AnnotationKind,
    DebtorContactKind,
)

_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,}$")


def contact_kind(value: str) -> str:
    """What a located value is: an e-mail (has @), a phone (digits and separators) or
    an address (anything else)."""
    if "@" in value and " " not in value.strip():
        return DebtorContactKind.EMAIL
    if _PHONE.match(value.strip()):
        return DebtorContactKind.PHONE
    return DebtorContactKind.ADDRESS


def _future(day: dt.date, now: dt.datetime, what: str) -> None:
    if day > now.date():
        raise AgencyError(
            _("{what} cannot be in the future ({date}).").format(what=what, date=day_text(day))
        )


def add_annotation(
    session: Session,
    *,
    case_id: uuid.UUID,
    kind: str,
    text: str,
    by: uuid.UUID | None,
    now: dt.datetime,
    source: str | None = None,
    found_value: str | None = None,
    new_name: str | None = None,
    new_tax_id: str | None = None,
    scheduled_on: dt.date | None = None,
    done_on: dt.date | None = None,
    found_kind: str | None = None,
) -> uuid.UUID:
    """Add an annotation to the case file.

    LOCATE adds ``found_value`` to the debtor's contacts with its ``source`` (as an
    address, phone or e-mail: ``found_kind``, else guessed from the value); REGISTRY
    sets the debtor's successor (``new_name``, ``new_tax_id``); an action is done on
    ``done_on`` (which becomes the case's last action) or scheduled for ``scheduled_on``
    (today's date when neither is given).
    """
    if kind not in set(AnnotationKind):
        raise AgencyError(_("Unknown kind of annotation {kind}.").format(kind=kind))
    case = load_case(session, case_id)
    note = (text or "").strip()
    values: dict[str, object] = {}
    today = now.date()
    if kind in ACTION_KINDS:
        require_open(case)
        if done_on is None and scheduled_on is None:
            done_on = today
        if done_on is not None:
            _future(done_on, now, _("The day the action was done"))
        if scheduled_on is not None and done_on is None and scheduled_on < case.assigned_on:
            raise AgencyError(_("An action cannot be scheduled before the case was assigned."))
        values.update(scheduled_on=scheduled_on, done_on=done_on)
    elif scheduled_on is not None or done_on is not None:
        raise AgencyError(_("Only calls, visits, letters and burofaxes are scheduled or done."))
    if kind == AnnotationKind.OBSERVATION:
        note = required(note, _("Write the observation."))
    elif kind == AnnotationKind.LOCATE:
        value = required(found_value, _("Give the address, phone or e-mail found."))
        where = required(source, _("Say where the address, phone or e-mail was found."))
        found_as = found_kind or contact_kind(value)
        if found_as not in set(DebtorContactKind):
            raise AgencyError(_("A located contact is an address, a phone or an e-mail."))
        session.add(
            AgencyDebtorContact(
                debtor_id=case.debtor_id,
                kind=found_as,
                value=value,
                source=where,
                found_on=today,
                updated_at=now,
                version=1,
            )
        )
        values.update(found_value=value, source=where)
        note = note or value
    elif kind == AnnotationKind.REGISTRY:
        name = required(new_name, _("Give the name the debtor is now registered under."))
        tax_id = normal_tax_id(new_tax_id)
        if tax_id is None:
            raise AgencyError(_("Give the tax id of {name}.").format(name=name))
        debtor = load(session, AgencyDebtor, case.debtor_id, _("The debtor no longer exists."))
        update_versioned(
            session,
            debtor,
            debtor.version,
            now=now,
            what=debtor.name,
            successor_name=name,
            successor_tax_id=tax_id,
        )
        values.update(new_name=name, new_tax_id=tax_id, source=text_or_none(source))
        note = note or name
    made = AgencyAnnotation(
        case_id=case.id,
        kind=kind,
        text=note,
        created_by_id=by,
        created_at=now,
        updated_at=now,
        version=1,
        **values,
    )
    session.add(made)
    session.flush()
    if kind in ACTION_KINDS and done_on is not None:
        touch_last_action(session, case, done_on, now)
    return made.id


def mark_done(
    session: Session,
    annotation_id: uuid.UUID,
    version: int,
    *,
    on: dt.date,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """A scheduled action done on ``on``: it leaves the calendar and becomes the case's
    last action."""
    found = load(
        session, AgencyAnnotation, annotation_id, _("The action no longer exists. Refresh.")
    )
    if found.kind not in ACTION_KINDS:
        raise AgencyError(_("Only calls, visits, letters and burofaxes are done."))
    if found.done_on is not None:
        raise AgencyError(
            _("This action was already done on {date}.").format(date=day_text(found.done_on))
        )
    _future(on, now, _("The day the action was done"))
    case = load_case(session, found.case_id)
    update_versioned(session, found, version, now=now, what=_("The action"), done_on=on)
    touch_last_action(session, case, on, now)
