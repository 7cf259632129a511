"""Collection letter sequences and their levels, with the levels' texts per language.

A level is known by its number in its sequence (letters record the sequence code and the
level number, and ``letters.read`` finds the level's name by them), so the form's k-th
level is saved into the row numbered k, live or tombstoned (the database keeps one row
per number); levels past the last are tombstoned. Its name, heading and template are
business texts. The name is the collectors' word for the level; the heading is the title
the customer reads (empty: the usual one for the level's place, ``letters.render``).
The sequence's version guards its levels: every save bumps it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.kernel.money import MoneyError, to_money
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    BusinessText,
    CollectionLetter,
    Customer,
    LetterLevel,
    LetterScope,
    LetterSequence,
    ReceivablesParameters,
)
from collections_desktop.models.ledger.books import currency_decimals
from collections_desktop.models.letters.render import PLACEHOLDERS, unknown_placeholders
from collections_desktop.models.setup.fields import (
    SetupError,
    optional_text,
    require_administrator,
    required_text,
    whole_number,
)
from collections_desktop.models.setup.translations import (
    checked_texts,
    in_language,
    other_languages,
    store_texts,
)

SCOPES = (
    (LetterScope.CUSTOMER, N_("One letter per customer")),
    (LetterScope.TRANSACTION, N_("One letter per transaction")),
)
"""The scopes a sequence may have (value, label marked for translation)."""

TABLE = "letter_levels"
NAME_LENGTH = 100
HEADING_LENGTH = 100
TEMPLATE_LENGTH = 20_000
MAX_DAYS = 9_999


@dataclass(frozen=True)
class LevelRow:
    """A level as the form shows it; ``names``, ``headings`` and ``templates`` in the other
    languages."""

    id: uuid.UUID
    level: int
    name: str
    days_after_due: int
    days_after_previous: int
    fee: Decimal
    template: str
    names: Mapping[str, str] = field(default_factory=dict)
    templates: Mapping[str, str] = field(default_factory=dict)
    heading: str = ""
    headings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LetterSequenceRow:
    """A sequence with its levels in order and how many customers follow it."""

    id: uuid.UUID
    code: str
    name: str
    scope: LetterScope
    fee_account: str
    levels: tuple[LevelRow, ...]
    customers: int
    version: int


@dataclass(frozen=True)
class LevelValues:
    """One level of the form (its number is its place in the list)."""

    name: str
    days_after_due: int
    days_after_previous: int
    fee: Decimal
    template: str
    names: Mapping[str, str] = field(default_factory=dict)
    templates: Mapping[str, str] = field(default_factory=dict)
    heading: str = ""  # empty: the usual heading for the level's place
    headings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LetterSequenceValues:
    """What the form holds for one sequence, its levels in order."""

    code: str
    name: str
    scope: str
    fee_account: str
    levels: tuple[LevelValues, ...]


def scope_labels() -> Sequence[tuple[LetterScope, str]]:
    """The scopes a sequence may have: (value, label in the user's language)."""
    return [(scope, _(label)) for scope, label in SCOPES]


def list_letter_sequences(session: Session) -> list[LetterSequenceRow]:
    """The live sequences by code, with their live levels and the levels' texts."""
    texts: dict[tuple[uuid.UUID, str], dict[str, str]] = defaultdict(dict)
    for row_id, name, language, text in session.execute(
        select(
            BusinessText.row_id, BusinessText.field, BusinessText.language, BusinessText.text
        ).where(BusinessText.table_name == TABLE, BusinessText.deleted_at.is_(None))
    ):
        texts[row_id, name][language] = text
    levels: dict[uuid.UUID, list[LevelRow]] = defaultdict(list)
    for level in session.scalars(
        select(LetterLevel)
        .where(LetterLevel.deleted_at.is_(None))
        .order_by(LetterLevel.sequence_id, LetterLevel.level)
    ):
        levels[level.sequence_id].append(
            LevelRow(
                id=level.id,
                level=level.level,
                name=level.name,
                days_after_due=level.days_after_due,
                days_after_previous=level.days_after_previous,
                fee=level.fee,
                template=level.template,
                names=texts.get((level.id, "name"), {}),
                templates=texts.get((level.id, "template"), {}),
                heading=level.heading,
                headings=texts.get((level.id, "heading"), {}),
            )
        )
    customers = {
        key: count
        for key, count in session.execute(
            select(Customer.letter_sequence, func.count())
            .where(Customer.deleted_at.is_(None), Customer.letter_sequence.is_not(None))
            .group_by(Customer.letter_sequence)
        )
    }
    return [
        LetterSequenceRow(
            id=row.id,
            code=row.code,
            name=row.name,
            scope=LetterScope(row.scope),
            fee_account=row.fee_account,
            levels=tuple(levels[row.id]),
            customers=customers.get(row.code, 0),
            version=row.version,
        )
        for row in session.scalars(
            select(LetterSequence)
            .where(LetterSequence.deleted_at.is_(None))
            .order_by(LetterSequence.code)
        )
    ]


@dataclass(frozen=True)
class _Level:
    name: str
    days_after_due: int
    days_after_previous: int
    fee: Decimal
    template: str
    names: dict[str, str]
    templates: dict[str, str]
    heading: str
    headings: dict[str, str]


def save_letter_sequence(
    session: Session,
    sequence_id: uuid.UUID | None,
    version: int,
    values: LetterSequenceValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Add a sequence (``sequence_id`` None) or change one read at ``version``, with its
    levels numbered 1… in the order given."""
    require_administrator(session, by)
    code = required_text(values.code, _("Code"), max_length=30).upper()
    name = required_text(values.name, _("Name"), max_length=100)
    fee_account = required_text(values.fee_account, _("Fee account"), max_length=30)
    if values.scope not in set(LetterScope):
        raise SetupError(_("Scope must be one of the listed scopes."))
    levels = _checked_levels(session, values.levels)
    existing = _sequence(session, sequence_id) if sequence_id is not None else None
    clash = session.execute(
        select(LetterSequence.id, LetterSequence.deleted_at).where(
            LetterSequence.code == code, LetterSequence.id != sequence_id
        )
    ).first()
    if clash is not None:
        message = (
            _("There is already a letter sequence {code}.")
            if clash.deleted_at is None
            else _("A deleted letter sequence was {code}; choose another code.")
        )
        raise SetupError(message.format(code=code))
    fields = {"code": code, "name": name, "scope": values.scope, "fee_account": fee_account}
    if existing is None:
        sequence = LetterSequence(updated_at=now, **fields)
        session.add(sequence)
        session.flush()
    else:
        sequence = existing
        if code != sequence.code:
            _refuse_if_used(session, sequence.code)
        update_versioned(
            session,
            sequence,
            version,
            now=now,
            what=_("Letter sequence {code}").format(code=sequence.code),
            **fields,
        )
    _save_levels(session, sequence.id, levels, now)
    return sequence.id


def delete_letter_sequence(
    session: Session,
    sequence_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove a sequence no customer follows (its letters keep their code and level)."""
    require_administrator(session, by)
    sequence = _sequence(session, sequence_id)
    customers = _customers(session, sequence.code)
    if customers:
        raise SetupError(
            ngettext(
                "{code} cannot be deleted: {count} customer follows it.",
                "{code} cannot be deleted: {count} customers follow it.",
                customers,
            ).format(code=sequence.code, count=customers)
        )
    update_versioned(
        session,
        sequence,
        version,
        now=now,
        what=_("Letter sequence {code}").format(code=sequence.code),
        deleted_at=now,
    )
    for level in _levels(session, sequence_id).values():
        if level.deleted_at is None:
            level.deleted_at, level.updated_at, level.version = now, now, level.version + 1
    session.flush()


def _checked_levels(session: Session, levels: Sequence[LevelValues]) -> list[_Level]:
    """Every level's fields, or the first refusal naming the level and the field."""
    if not levels:
        raise SetupError(_("A letter sequence needs at least one level."))
    languages = other_languages(session)
    accounting = session.scalar(select(ReceivablesParameters.accounting_currency))
    places = currency_decimals(session, accounting) if accounting else 2
    checked: list[_Level] = []
    for number, level in enumerate(levels, start=1):
        name_label = _("The name of level {number}").format(number=number)
        heading_label = _("The heading of level {number}").format(number=number)
        template_label = _("The text of level {number}").format(number=number)
        name = required_text(level.name, name_label, max_length=NAME_LENGTH)
        template = required_text(level.template, template_label, max_length=TEMPLATE_LENGTH)
        for days, label in (
            (level.days_after_due, _("Days after due of level {number}")),
            (level.days_after_previous, _("Days after the previous letter of level {number}")),
        ):
            whole_number(str(days), label.format(number=number), minimum=0, maximum=MAX_DAYS)
        if checked and level.days_after_due < checked[-1].days_after_due:
            raise SetupError(
                _(
                    "Level {number} is due {days} days after the due date, before level "
                    "{previous} ({previous_days} days); each level comes after the one before."
                ).format(
                    number=number,
                    days=level.days_after_due,
                    previous=number - 1,
                    previous_days=checked[-1].days_after_due,
                )
            )
        try:
            fee = to_money(level.fee, places=places)
        except MoneyError as error:
            raise SetupError(
                _("The fee of level {number}: {problem}").format(number=number, problem=error)
            ) from None
        if fee < 0:
            raise SetupError(
                _("The fee of level {number} may not be negative.").format(number=number)
            )
        names = checked_texts(level.names, name_label, languages=languages, max_length=NAME_LENGTH)
        heading = optional_text(level.heading, label=heading_label, max_length=HEADING_LENGTH)
        headings = checked_texts(
            level.headings, heading_label, languages=languages, max_length=HEADING_LENGTH
        )
        templates = checked_texts(
            level.templates, template_label, languages=languages, max_length=TEMPLATE_LENGTH
        )
        for text, label in (
            (template, template_label),
            *(
                (text, in_language(template_label, language))
                for language, text in templates.items()
            ),
        ):
            unknown = unknown_placeholders(text)
            if unknown:
                raise SetupError(
                    _(
                        "{field} names {unknown}, which is not a placeholder; the placeholders "
                        "are {known}."
                    ).format(field=label, unknown=", ".join(unknown), known=", ".join(PLACEHOLDERS))
                )
        checked.append(
            _Level(
                name,
                level.days_after_due,
                level.days_after_previous,
                fee,
                template,
                names,
                templates,
                heading or "",
                headings,
            )
        )
    return checked


def _save_levels(
    session: Session, sequence_id: uuid.UUID, levels: Sequence[_Level], now: dt.datetime
) -> None:
    rows = _levels(session, sequence_id)
    for number, level in enumerate(levels, start=1):
        fields = {
            "name": level.name,
            "days_after_due": level.days_after_due,
            "days_after_previous": level.days_after_previous,
            "fee": level.fee,
            "template": level.template,
            "heading": level.heading,
        }
        row = rows.get(number)
        if row is None:
            row = LetterLevel(sequence_id=sequence_id, level=number, updated_at=now, **fields)
            session.add(row)
            session.flush()
        elif row.deleted_at is not None or any(
            getattr(row, key) != value for key, value in fields.items()
        ):
            for key, value in fields.items():
                setattr(row, key, value)
            row.deleted_at, row.updated_at, row.version = None, now, row.version + 1
        store_texts(session, TABLE, row.id, "name", level.names, now=now)
        store_texts(session, TABLE, row.id, "template", level.templates, now=now)
        store_texts(session, TABLE, row.id, "heading", level.headings, now=now)
    for number, row in rows.items():
        if number > len(levels) and row.deleted_at is None:
            row.deleted_at, row.updated_at, row.version = now, now, row.version + 1
    session.flush()


def _levels(session: Session, sequence_id: uuid.UUID) -> dict[int, LetterLevel]:
    """Every level row of the sequence by number, tombstoned ones too."""
    return {
        row.level: row
        for row in session.scalars(
            select(LetterLevel).where(LetterLevel.sequence_id == sequence_id)
        )
    }


def _refuse_if_used(session: Session, code: str) -> None:
    customers = _customers(session, code)
    letters = (
        session.scalar(select(func.count()).where(CollectionLetter.sequence_code == code)) or 0
    )
    uses = []
    if customers:
        uses.append(
            ngettext(
                "{count} customer follows it", "{count} customers follow it", customers
            ).format(count=customers)
        )
    if letters:
        uses.append(
            ngettext(
                "{count} letter was sent with it", "{count} letters were sent with it", letters
            ).format(count=letters)
        )
    if uses:
        raise SetupError(
            _("The code of {code} cannot change: {uses}.").format(code=code, uses="; ".join(uses))
        )


def _customers(session: Session, code: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Customer.letter_sequence == code, Customer.deleted_at.is_(None)
            )
        )
        or 0
    )


def _sequence(session: Session, sequence_id: uuid.UUID) -> LetterSequence:
    sequence = session.get(LetterSequence, sequence_id)
    if sequence is None or sequence.deleted_at is not None:
        raise SetupError(_("That letter sequence no longer exists: reload the list."))
    return sequence
