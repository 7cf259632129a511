"""Aging period definitions: a name, the date periods count from, and the periods.

The periods are checked by ``models.aging.definitions.validate_periods``, the rule the
aging itself relies on (no gap, no overlap, the last one open-ended). Each period's
label is a business text: the own column in the company language, the other languages
in ``business_texts``. The definition's version guards its periods too: every save of
the form bumps it, so an edit over a stale copy of any period is refused.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.aging.definitions import Period, validate_periods
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    AgingBasis,
    AgingDefinition,
    AgingPeriod,
    BusinessText,
    CustomerPool,
    ReceivablesParameters,
)
from collections_desktop.models.setup.fields import (
    SetupError,
    require_administrator,
    required_text,
    whole_number,
)
from collections_desktop.models.setup.translations import (
    checked_texts,
    other_languages,
    store_texts,
)

BASES = (
    (AgingBasis.DUE_DATE, N_("Due date")),
    (AgingBasis.TRANSACTION_DATE, N_("Transaction date")),
    (AgingBasis.DOCUMENT_DATE, N_("Document date")),
)
"""The dates a definition may count from (value, label marked for translation)."""

LABEL_LENGTH = 50
MAX_DAYS = 99_999
TABLE = "aging_periods"


@dataclass(frozen=True)
class PeriodRow:
    """A period as the form shows it; ``texts`` are the labels in the other languages."""

    id: uuid.UUID
    label: str
    from_days: int
    to_days: int | None
    texts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AgingDefinitionRow:
    """A definition with its periods, whether it is the company default, and its pools."""

    id: uuid.UUID
    name: str
    basis: AgingBasis
    periods: tuple[PeriodRow, ...]
    is_default: bool
    pools: int
    version: int


@dataclass(frozen=True)
class PeriodValues:
    """One period of the form: ``id`` None for a period added; ``texts`` by language."""

    label: str
    from_days: int
    to_days: int | None
    texts: Mapping[str, str] = field(default_factory=dict)
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class AgingDefinitionValues:
    """What the form holds for one definition, its periods in order."""

    name: str
    basis: str
    periods: tuple[PeriodValues, ...]


def basis_labels() -> Sequence[tuple[AgingBasis, str]]:
    """The bases a definition may have: (value, label in the user's language)."""
    return [(basis, _(label)) for basis, label in BASES]


def list_aging_definitions(session: Session) -> list[AgingDefinitionRow]:
    """The live definitions by name, with their periods in order and their labels' texts."""
    default = session.scalar(
        select(ReceivablesParameters.default_aging_definition_id).where(
            ReceivablesParameters.deleted_at.is_(None)
        )
    )
    pools = {
        key: count
        for key, count in session.execute(
            select(CustomerPool.aging_definition_id, func.count())
            .where(CustomerPool.deleted_at.is_(None))
            .group_by(CustomerPool.aging_definition_id)
        )
    }
    texts: dict[uuid.UUID, dict[str, str]] = defaultdict(dict)
    for row_id, language, text in session.execute(
        select(BusinessText.row_id, BusinessText.language, BusinessText.text).where(
            BusinessText.table_name == TABLE,
            BusinessText.field == "label",
            BusinessText.deleted_at.is_(None),
        )
    ):
        texts[row_id][language] = text
    periods: dict[uuid.UUID, list[PeriodRow]] = defaultdict(list)
    for period in session.scalars(
        select(AgingPeriod)
        .where(AgingPeriod.deleted_at.is_(None))
        .order_by(AgingPeriod.definition_id, AgingPeriod.position)
    ):
        periods[period.definition_id].append(
            PeriodRow(
                period.id, period.label, period.from_days, period.to_days, texts.get(period.id, {})
            )
        )
    return [
        AgingDefinitionRow(
            id=row.id,
            name=row.name,
            basis=AgingBasis(row.basis),
            periods=tuple(periods[row.id]),
            is_default=row.id == default,
            pools=pools.get(row.id, 0),
            version=row.version,
        )
        for row in session.scalars(
            select(AgingDefinition)
            .where(AgingDefinition.deleted_at.is_(None))
            .order_by(AgingDefinition.name)
        )
    ]


def save_aging_definition(
    session: Session,
    definition_id: uuid.UUID | None,
    version: int,
    values: AgingDefinitionValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Add a definition (``definition_id`` None) or change one read at ``version``.

    Periods keep their ids when edited or moved, new ones are added, the ones left out
    are tombstoned; the labels in other languages are saved with them.
    """
    require_administrator(session, by)
    name = required_text(values.name, _("Name"), max_length=100)
    if values.basis not in set(AgingBasis):
        raise SetupError(_("Basis must be one of the listed dates."))
    languages = other_languages(session)
    periods: list[tuple[PeriodValues, str, dict[str, str]]] = []
    for number, period in enumerate(values.periods, start=1):
        label_name = _("The label of period {number}").format(number=number)
        label = required_text(period.label, label_name, max_length=LABEL_LENGTH)
        for bound, bound_name in ((period.from_days, _("From day")), (period.to_days, _("To day"))):
            if bound is not None:
                whole_number(
                    str(bound),
                    _("{field} of period {number}").format(field=bound_name, number=number),
                    minimum=0,
                    maximum=MAX_DAYS,
                )
        texts = checked_texts(
            period.texts, label_name, languages=languages, max_length=LABEL_LENGTH
        )
        periods.append((period, label, texts))
    validate_periods([Period(label, p.from_days, p.to_days) for p, label, _texts in periods])
    existing = _definition(session, definition_id) if definition_id is not None else None
    live = _live_periods(session, existing.id) if existing is not None else {}
    kept = {period.id for period, _label, _texts in periods if period.id is not None}
    if kept - live.keys():
        raise SetupError(_("A period of this definition no longer exists: reload it."))
    clash = session.execute(
        select(AgingDefinition.id, AgingDefinition.deleted_at).where(
            AgingDefinition.name == name, AgingDefinition.id != definition_id
        )
    ).first()
    if clash is not None:
        message = (
            _("There is already an aging definition called “{name}”.")
            if clash.deleted_at is None
            else _("A deleted aging definition was called “{name}”; choose another name.")
        )
        raise SetupError(message.format(name=name))
    if existing is None:
        definition = AgingDefinition(name=name, basis=values.basis, updated_at=now)
        session.add(definition)
        session.flush()
    else:
        definition = existing
        update_versioned(
            session,
            definition,
            version,
            now=now,
            what=_("Aging definition “{name}”").format(name=definition.name),
            name=name,
            basis=values.basis,
        )
    _save_periods(session, definition.id, periods, live, now)
    return definition.id


def delete_aging_definition(
    session: Session,
    definition_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove a definition that no pool uses and that is not the company default."""
    require_administrator(session, by)
    definition = _definition(session, definition_id)
    default = session.scalar(select(ReceivablesParameters.default_aging_definition_id))
    if default == definition_id:
        raise SetupError(
            _(
                "“{name}” is the company's default aging definition; choose another default "
                "in the receivables parameters first."
            ).format(name=definition.name)
        )
    pools = session.scalar(
        select(func.count()).where(
            CustomerPool.aging_definition_id == definition_id, CustomerPool.deleted_at.is_(None)
        )
    )
    if pools:
        raise SetupError(
            ngettext(
                "“{name}” cannot be deleted: {count} pool uses it.",
                "“{name}” cannot be deleted: {count} pools use it.",
                pools,
            ).format(name=definition.name, count=pools)
        )
    others = session.scalar(
        select(func.count()).where(
            AgingDefinition.id != definition_id, AgingDefinition.deleted_at.is_(None)
        )
    )
    if not others:
        raise SetupError(
            _("“{name}” is the only aging definition; the aging needs one.").format(
                name=definition.name
            )
        )
    update_versioned(
        session,
        definition,
        version,
        now=now,
        what=_("Aging definition “{name}”").format(name=definition.name),
        deleted_at=now,
    )
    for period in _live_periods(session, definition_id).values():
        period.deleted_at, period.updated_at, period.version = now, now, period.version + 1
    session.flush()


def _save_periods(
    session: Session,
    definition_id: uuid.UUID,
    periods: Sequence[tuple[PeriodValues, str, dict[str, str]]],
    live: dict[uuid.UUID, AgingPeriod],
    now: dt.datetime,
) -> None:
    """Write the periods in order over ``live`` (the definition's, checked to hold every
    period kept)."""
    kept = {period.id for period, _label, _texts in periods if period.id is not None}
    for row in live.values():
        if row.id not in kept:
            row.deleted_at, row.updated_at, row.version = now, now, row.version + 1
    for position, (period, label, texts) in enumerate(periods, start=1):
        fields = {
            "position": position,
            "label": label,
            "from_days": period.from_days,
            "to_days": period.to_days,
        }
        if period.id is None:
            row = AgingPeriod(definition_id=definition_id, updated_at=now, **fields)
            session.add(row)
            session.flush()
        else:
            row = live[period.id]
            if any(getattr(row, key) != value for key, value in fields.items()):
                for key, value in fields.items():
                    setattr(row, key, value)
                row.updated_at, row.version = now, row.version + 1
        store_texts(session, TABLE, row.id, "label", texts, now=now)
    session.flush()


def _live_periods(session: Session, definition_id: uuid.UUID) -> dict[uuid.UUID, AgingPeriod]:
    return {
        row.id: row
        for row in session.scalars(
            select(AgingPeriod).where(
                AgingPeriod.definition_id == definition_id, AgingPeriod.deleted_at.is_(None)
            )
        )
    }


def _definition(session: Session, definition_id: uuid.UUID) -> AgingDefinition:
    definition = session.get(AgingDefinition, definition_id)
    if definition is None or definition.deleted_at is not None:
        raise SetupError(_("That aging definition no longer exists: reload the list."))
    return definition
