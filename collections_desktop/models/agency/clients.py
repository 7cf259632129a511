"""The creditors the agency collects for: their details, commission and remittance terms.

A client's commission is a percentage of what is collected; age bands may raise or lower
it for older debts (``commission.rate`` picks the band). Saving a client replaces its
bands with the ones given.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.agency._common import load, required, text_or_none
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    AgencyClient,
    AgencyCommissionBand,
    Currency,
)


@dataclass(frozen=True)
class ClientValues:
    code: str
    name: str
    tax_id: str | None
    contact_name: str | None
    email: str | None
    phone: str | None
    address: str | None
    language: str
    currency: str
    commission_percent: Decimal
    remittance_days: int
    remittance_terms: str | None
    bands: tuple[tuple[int, Decimal], ...] = ()


@dataclass(frozen=True)
class ClientRow:
    id: uuid.UUID
    code: str
    name: str
    tax_id: str | None
    contact_name: str | None
    email: str | None
    phone: str | None
    address: str | None
    language: str
    currency: str
    commission_percent: Decimal
    remittance_days: int
    remittance_terms: str | None
    bands: tuple[tuple[int, Decimal], ...]  # (from_days, percent), by from_days
    version: int


def list_clients(session: Session) -> tuple[ClientRow, ...]:
    """Every client, by code, with its bands."""
    bands: dict[uuid.UUID, list[tuple[int, Decimal]]] = defaultdict(list)
    for client_id, from_days, percent in session.execute(
        select(
            AgencyCommissionBand.client_id,
            AgencyCommissionBand.from_days,
            AgencyCommissionBand.percent,
        )
        .where(AgencyCommissionBand.deleted_at.is_(None))
        .order_by(AgencyCommissionBand.client_id, AgencyCommissionBand.from_days)
    ):
        bands[client_id].append((from_days, percent))
    clients = session.scalars(
        select(AgencyClient).where(AgencyClient.deleted_at.is_(None)).order_by(AgencyClient.code)
    )
    return tuple(
        ClientRow(
            id=c.id,
            code=c.code,
            name=c.name,
            tax_id=c.tax_id,
            contact_name=c.contact_name,
            email=c.email,
            phone=c.phone,
            address=c.address,
            language=c.language,
            currency=c.currency,
            commission_percent=c.commission_percent,
            remittance_days=c.remittance_days,
            remittance_terms=c.remittance_terms,
            bands=tuple(bands.get(c.id, ())),
            version=c.version,
        )
        for c in clients
    )


def _percent(value: Decimal, what: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 100:
        raise AgencyError(_("{what} is a percentage from 0 to 100.").format(what=what))
    if value != value.quantize(Decimal("0.01")):
        raise AgencyError(_("{what} has more than two decimals.").format(what=what))
    return value


def _checked(session: Session, values: ClientValues, client_id: uuid.UUID | None) -> dict[str, Any]:
    code = required(values.code, _("Give the client a code.")).upper()
    if len(code) > 30:
        raise AgencyError(_("The client's code is too long: at most 30 characters."))
    name = required(values.name, _("Give the client's name."))
    same_code = select(AgencyClient.name).where(AgencyClient.code == code)
    if client_id is not None:
        same_code = same_code.where(AgencyClient.id != client_id)
    taken = session.scalar(same_code)
    if taken is not None:
        raise AgencyError(
            _("Code {code} is already client {name}'s. Choose another code.").format(
                code=code, name=taken
            )
        )
    currency = (values.currency or "").strip().upper()
    if session.scalar(select(Currency.id).where(Currency.code == currency)) is None:
        raise AgencyError(_("There is no currency {code}.").format(code=currency or "—"))
    if values.remittance_days < 0 or values.remittance_days > 365:
        raise AgencyError(_("The remittance days go from 0 to 365."))
    seen: set[int] = set()
    for from_days, percent in values.bands:
        if from_days < 0:
            raise AgencyError(_("An age band starts at 0 days or more."))
        if from_days in seen:
            raise AgencyError(
                _("Two age bands start at {days} days; keep one.").format(days=from_days)
            )
        seen.add(from_days)
        _percent(percent, _("The commission of the band from {days} days").format(days=from_days))
    return {
        "code": code,
        "name": name,
        "tax_id": text_or_none(values.tax_id),
        "contact_name": text_or_none(values.contact_name),
        "email": text_or_none(values.email),
        "phone": text_or_none(values.phone),
        "address": text_or_none(values.address),
        "language": (values.language or "en").strip() or "en",
        "currency": currency,
        "commission_percent": _percent(values.commission_percent, _("The commission")),
        "remittance_days": values.remittance_days,
        "remittance_terms": text_or_none(values.remittance_terms),
    }


def _write_bands(
    session: Session,
    client_id: uuid.UUID,
    bands: tuple[tuple[int, Decimal], ...],
    now: dt.datetime,
) -> None:
    session.execute(
        update(AgencyCommissionBand)
        .where(
            AgencyCommissionBand.client_id == client_id,
            AgencyCommissionBand.deleted_at.is_(None),
        )
        .values(deleted_at=now, updated_at=now, version=AgencyCommissionBand.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.add_all(
        AgencyCommissionBand(
            client_id=client_id, from_days=days, percent=percent, updated_at=now, version=1
        )
        for days, percent in sorted(bands)
    )


def create_client(session: Session, values: ClientValues, *, now: dt.datetime) -> uuid.UUID:
    """A new client with its bands; refused for a taken code, an unknown currency or a
    percentage outside 0–100."""
    fields = _checked(session, values, None)
    client = AgencyClient(**fields, updated_at=now, version=1)
    session.add(client)
    session.flush()
    _write_bands(session, client.id, values.bands, now)
    session.flush()
    return client.id


def update_client(
    session: Session,
    client_id: uuid.UUID,
    version: int,
    values: ClientValues,
    *,
    now: dt.datetime,
) -> None:
    """Save the client as edited from ``version``; its bands become ``values.bands``."""
    client = load(session, AgencyClient, client_id, _("The client no longer exists."))
    fields = _checked(session, values, client_id)
    update_versioned(
        session,
        client,
        version,
        now=now,
        what=_("Client {code}").format(code=client.code),
        **fields,
    )
    _write_bands(session, client_id, values.bands, now)
    session.flush()
