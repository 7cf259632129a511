"""Checks the reference-data forms share: codes, ledger accounts, amounts, currencies and
the texts kept per language.

Codes are what other rows hold to refer to a reference row (a customer's posting
profile, a journal's write-off reason), so they are upper-case words without blanks,
and a code once used does not change.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from collections_desktop.i18n import N_, _
from collections_desktop.kernel.money import MoneyError, to_money
from collections_desktop.models.db.schema import Base, Currency
from collections_desktop.models.setup.fields import SetupError, optional_text, required_text
from collections_desktop.models.texts.business import LANGUAGES

CODE_LENGTH = 30
ACCOUNT_LENGTH = 30

LANGUAGE_NAMES: dict[str, str] = {
    "en": N_("English"),
    "es": N_("Spanish"),
    "fr": N_("French"),
    "pt": N_("Portuguese"),
}
"""The business-text languages by code (translate with ``_()``)."""

RowType = TypeVar("RowType", bound=Base)


def checked_code(value: str, label: str | None = None) -> str:
    """A code as stored: upper case, required, at most 30 characters, no blanks inside."""
    label = label or _("Code")
    code = required_text(value, label, max_length=CODE_LENGTH).upper()
    if any(character.isspace() for character in code):
        raise SetupError(_("{field} cannot contain blanks.").format(field=label))
    return code


def checked_account(value: str, label: str, *, required: bool) -> str | None:
    """A ledger account number as stored (no blanks inside); None when optional and empty."""
    account = (
        required_text(value, label, max_length=ACCOUNT_LENGTH)
        if required
        else optional_text(value, label=label, max_length=ACCOUNT_LENGTH)
    )
    if account is not None and any(character.isspace() for character in account):
        raise SetupError(_("{field} cannot contain blanks.").format(field=label))
    return account


def known_currency(session: Session, code: str, label: str | None = None) -> tuple[str, int]:
    """The currency ``code`` (upper case) and its decimals; refused when not set up."""
    label = label or _("Currency")
    wanted = code.strip().upper()
    if not wanted:
        raise SetupError(_("{field} is required.").format(field=label))
    decimals = session.scalar(select(Currency.decimals).where(Currency.code == wanted))
    if decimals is None:
        raise SetupError(
            _("{field}: there is no currency {code}. Choose one from the list.").format(
                field=label, code=wanted
            )
        )
    return wanted, decimals


def checked_amount(value: Decimal | str, label: str, *, places: int) -> Decimal:
    """An amount of zero or more with at most ``places`` decimals (typed text or Decimal)."""
    text = value if isinstance(value, Decimal) else value.strip()
    if text == "":
        raise SetupError(_("{field} is required.").format(field=label))
    try:
        amount = to_money(text, places=places)
    except MoneyError as error:
        raise SetupError(_("{field}: {reason}").format(field=label, reason=error)) from None
    if amount < 0:
        raise SetupError(_("{field} cannot be negative.").format(field=label))
    return amount


def checked_translations(
    texts: Mapping[str, str], own: str, label: str, *, max_length: int
) -> dict[str, str]:
    """The given texts of the languages other than the company's (``own``), checked; an
    empty text removes that language's (the row's own text is shown), a language not given
    keeps what it has."""
    checked: dict[str, str] = {}
    for language in LANGUAGES:
        if language == own or language not in texts:
            continue
        field = _("{field} ({language})").format(field=label, language=_(LANGUAGE_NAMES[language]))
        text = optional_text(texts[language], label=field, max_length=max_length)
        checked[language] = text or ""
    return checked


def tombstoned(
    session: Session, model: type[RowType], column: InstrumentedAttribute[str], code: str
) -> RowType | None:
    """The deleted row holding ``code``: codes are unique even among tombstones, so a
    new row with that code brings the old one back instead."""
    return session.scalars(
        select(model).where(column == code, model.deleted_at.isnot(None))  # type: ignore[attr-defined]
    ).one_or_none()


def live_clash(
    session: Session,
    column: InstrumentedAttribute[str],
    code: str,
    row_id: uuid.UUID | None,
) -> bool:
    """Whether another live row already has ``code``."""
    model = column.class_
    query = select(model.id).where(column == code, model.deleted_at.is_(None))
    if row_id is not None:
        query = query.where(model.id != row_id)
    return session.scalar(query) is not None


def currency_codes(session: Session) -> list[str]:
    """The currencies set up, by code (what a currency field offers)."""
    return list(session.scalars(select(Currency.code).order_by(Currency.code)))
