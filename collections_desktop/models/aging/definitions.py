"""Aging: period definitions and the aged balance of one customer as of any date.

A definition has a basis (the due date by default, else the transaction or document date)
and periods with inclusive day bounds, the last one open-ended. An open debit falls in
**Current** while its basis date is on or after the as-of date, else in the period that
holds its days past that date; whatever is open of a payment or credit note is
**Unapplied**. Every open amount lands in exactly one column, so the columns always sum
to the balance (in the accounting currency).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.db.schema import (
    AgingBasis,
    AgingDefinition,
    AgingPeriod,
    CustomerPool,
    ReceivablesParameters,
)
from collections_desktop.models.ledger.balances import OpenItem, open_items
from collections_desktop.models.texts.business import texts_in

CURRENT = N_("Current")
UNAPPLIED = N_("Unapplied")


class AgingDefinitionError(ValueError):
    """A definition whose periods leave gaps, overlap, are unordered or unknown."""


@dataclass(frozen=True)
class Period:
    """One aging column: inclusive day bounds; ``to_days`` None means "and over"."""

    label: str
    from_days: int
    to_days: int | None

    def holds(self, days: int) -> bool:
        """Whether an item ``days`` past its basis date belongs here."""
        return self.from_days <= days and (self.to_days is None or days <= self.to_days)


@dataclass(frozen=True)
class Definition:
    """A validated aging definition."""

    name: str
    basis: AgingBasis
    periods: tuple[Period, ...]

    def __post_init__(self) -> None:
        validate_periods(self.periods)

    @property
    def labels(self) -> tuple[str, ...]:
        """The column labels in order: Current, the periods, Unapplied."""
        return (_(CURRENT), *(p.label for p in self.periods), _(UNAPPLIED))


@dataclass(frozen=True)
class CustomerAging:
    """A customer's balance on ``as_of`` spread over the columns of a definition."""

    as_of: dt.date
    definition: Definition
    current: Decimal
    periods: tuple[Decimal, ...]
    unapplied: Decimal

    @property
    def columns(self) -> tuple[Decimal, ...]:
        """Amounts in the order of ``definition.labels``."""
        return (self.current, *self.periods, self.unapplied)

    @property
    def balance(self) -> Decimal:
        """The sum of the columns: the customer's balance on ``as_of``."""
        return sum(self.columns, ZERO)

    @property
    def past_due(self) -> Decimal:
        """What is open past its basis date (the periods, not Current or Unapplied)."""
        return sum(self.periods, ZERO)


def validate_periods(periods: Sequence[Period]) -> None:
    """Refuse periods with gaps, overlaps, wrong order or an open end before the last.

    The first period starts at day 1 (day 0 and earlier is Current); each next one starts
    the day after the previous one ends; only the last may be open-ended.
    """
    if not periods:
        raise AgingDefinitionError(_("An aging definition needs at least one period."))
    expected = 1
    for index, period in enumerate(periods):
        if period.from_days != expected:
            raise AgingDefinitionError(
                _(
                    "Period “{label}” starts at day {start}; it must start at day {expected} "
                    "so that no day is left out or counted twice."
                ).format(label=period.label, start=period.from_days, expected=expected)
            )
        if period.to_days is None:
            if index != len(periods) - 1:
                raise AgingDefinitionError(
                    _("Only the last period may be open-ended; “{label}” is not last.").format(
                        label=period.label
                    )
                )
            return
        if period.to_days < period.from_days:
            raise AgingDefinitionError(
                _("Period “{label}” ends (day {end}) before it starts (day {start}).").format(
                    label=period.label, end=period.to_days, start=period.from_days
                )
            )
        expected = period.to_days + 1
    raise AgingDefinitionError(
        _("The last period must be open-ended, so that every older amount has a column.")
    )


def load_definition(
    session: Session,
    definition_id: uuid.UUID | None = None,
    *,
    pool_id: uuid.UUID | None = None,
    language: str | None = None,
) -> Definition:
    """The definition asked for, else the pool's, else the company default, else the first;
    its period labels in ``language`` (a screen's: the user's) or, without one, the rows' own."""
    return load_definition_row(session, definition_id, pool_id=pool_id, language=language)[1]


def definition_id_by_name(session: Session, name: str) -> uuid.UUID:
    """The id of the definition called ``name``; the error lists the definitions there are."""
    found = session.scalar(
        select(AgingDefinition.id).where(
            AgingDefinition.name == name, AgingDefinition.deleted_at.is_(None)
        )
    )
    if found is None:
        names = session.scalars(
            select(AgingDefinition.name)
            .where(AgingDefinition.deleted_at.is_(None))
            .order_by(AgingDefinition.name)
        ).all()
        raise AgingDefinitionError(
            _("There is no aging definition called “{name}”; the definitions are: {names}.").format(
                name=name, names=", ".join(names) or _("none")
            )
        )
    return found


def load_definition_row(
    session: Session,
    definition_id: uuid.UUID | None = None,
    *,
    pool_id: uuid.UUID | None = None,
    language: str | None = None,
) -> tuple[uuid.UUID, Definition]:
    """``load_definition`` with the chosen definition's id (a snapshot records it)."""
    chosen = definition_id
    if chosen is None and pool_id is not None:
        chosen = session.scalar(
            select(CustomerPool.aging_definition_id).where(CustomerPool.id == pool_id)
        )
    if chosen is None:
        chosen = session.scalar(select(ReceivablesParameters.default_aging_definition_id))
    if chosen is None:
        chosen = session.scalar(
            select(AgingDefinition.id)
            .where(AgingDefinition.deleted_at.is_(None))
            .order_by(AgingDefinition.name)
            .limit(1)
        )
    row = session.get(AgingDefinition, chosen) if chosen is not None else None
    if row is None:
        raise AgingDefinitionError(_("No aging definition is set up."))
    periods = session.execute(
        select(AgingPeriod.id, AgingPeriod.label, AgingPeriod.from_days, AgingPeriod.to_days)
        .where(AgingPeriod.definition_id == row.id, AgingPeriod.deleted_at.is_(None))
        .order_by(AgingPeriod.position)
    ).all()
    labels = texts_in(session, "aging_periods", "label", language) if language else {}
    return row.id, Definition(
        row.name,
        AgingBasis(row.basis),
        tuple(Period(labels.get(key, label), low, high) for key, label, low, high in periods),
    )


def period_labels_in(session: Session, language: str) -> dict[str, str]:
    """Each period's own label -> its label in ``language`` (for labels a snapshot stored)."""
    labels = texts_in(session, "aging_periods", "label", language)
    if not labels:
        return {}
    rows = session.execute(
        select(AgingPeriod.id, AgingPeriod.label).where(AgingPeriod.id.in_(list(labels)))
    )
    return {own: labels[key] for key, own in rows}


def basis_date(item: OpenItem, basis: AgingBasis) -> dt.date:
    """The date an item's age is counted from."""
    if basis is AgingBasis.TRANSACTION_DATE:
        return item.posting_date
    if basis is AgingBasis.DOCUMENT_DATE:
        return item.document_date
    return item.due_date


def age_items(items: Sequence[OpenItem], as_of: dt.date, definition: Definition) -> CustomerAging:
    """Spread open items over the columns (accounting-currency amounts)."""
    current = unapplied = ZERO
    periods = [ZERO] * len(definition.periods)
    for item in items:
        amount = item.open_amount_accounting
        if item.amount < ZERO:
            unapplied += amount
            continue
        days = (as_of - basis_date(item, definition.basis)).days
        if days <= 0:
            current += amount
            continue
        index = next(i for i, p in enumerate(definition.periods) if p.holds(days))
        periods[index] += amount
    return CustomerAging(as_of, definition, current, tuple(periods), unapplied)


def age_customer(
    session: Session, customer_id: uuid.UUID, as_of: dt.date, definition: Definition
) -> CustomerAging:
    """The live aging of one customer on ``as_of`` (the Workspace's chart and fact box)."""
    return age_items(open_items(session, customer_id, as_of), as_of, definition)
