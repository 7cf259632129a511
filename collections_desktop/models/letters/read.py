"""Reading posted letters back: a customer's letters, and everything a reprint shows.

A reprint shows the text stored when the letter was posted and the items as they stood
on the letter date, never today's figures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session

from collections_desktop.i18n import LANGUAGES, _, current_language
from collections_desktop.models.db.schema import (
    CollectionLetter,
    CollectionLetterLine,
    Customer,
    CustomerTransaction,
    LetterLevel,
    LetterSequence,
    ReceivablesParameters,
)
from collections_desktop.models.letters.errors import LetterError
from collections_desktop.models.letters.render import (
    letter_language,
    stored_language,
    usual_heading,
)
from collections_desktop.models.texts.business import company_language, text_in, texts_in


@dataclass(frozen=True)
class LetterRow:
    """One posted letter of a customer, for lists and the timeline."""

    id: uuid.UUID
    number: str
    letter_date: dt.date
    sequence_code: str
    level: int
    level_name: str | None
    currency: str
    amount: Decimal
    fee: Decimal
    item_count: int
    created_at: dt.datetime


@dataclass(frozen=True)
class LetterLineDetail:
    """One item of a posted letter, as it stood on the letter date."""

    transaction_id: uuid.UUID
    document_number: str
    type: str
    document_date: dt.date
    due_date: dt.date
    currency: str
    amount: Decimal
    open_amount: Decimal
    days_overdue: int


@dataclass(frozen=True)
class LetterDetail:
    """Everything a printed letter shows: company, customer address, stored text, items."""

    id: uuid.UUID
    number: str
    letter_date: dt.date
    sequence_code: str
    level: int
    level_name: str | None  # the collectors' name of the level: never printed
    heading: str  # the title the customer reads, in the letter's language
    currency: str
    amount: Decimal
    fee: Decimal
    fee_document: str | None
    text: str
    company_name: str
    customer_id: uuid.UUID
    account: str
    customer_name: str
    language: str  # the letter's, wholly: the customer's, else the company's
    address_lines: tuple[str, ...]
    lines: tuple[LetterLineDetail, ...]
    created_at: dt.datetime


def _level(column: Any) -> ScalarSelect[Any]:
    """Correlated ``column`` of a letter's level in its sequence (None when it is gone)."""
    return (
        select(column)
        .join(LetterSequence, LetterSequence.id == LetterLevel.sequence_id)
        .where(
            LetterSequence.code == CollectionLetter.sequence_code,
            LetterLevel.level == CollectionLetter.level,
        )
        .correlate(CollectionLetter)
        .limit(1)
        .scalar_subquery()
    )


def _level_name() -> ScalarSelect[str]:
    """Correlated name of a letter's level in its sequence (None when it is gone)."""
    return _level(LetterLevel.name)


def letter_rows(
    session: Session,
    customer_id: uuid.UUID,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> tuple[LetterRow, ...]:
    """The customer's letters dated after ``since`` and up to ``until``, newest first."""
    items = (
        select(func.count())
        .where(CollectionLetterLine.letter_id == CollectionLetter.id)
        .correlate(CollectionLetter)
        .scalar_subquery()
    )
    query = select(
        CollectionLetter.id,
        CollectionLetter.number,
        CollectionLetter.letter_date,
        CollectionLetter.sequence_code,
        CollectionLetter.level,
        _level_name().label("level_name"),
        CollectionLetter.currency,
        CollectionLetter.amount,
        CollectionLetter.fee,
        items.label("item_count"),
        CollectionLetter.created_at,
        _level(LetterLevel.id).label("level_id"),
    ).where(CollectionLetter.customer_id == customer_id)
    if since is not None:
        query = query.where(CollectionLetter.letter_date > since)
    if until is not None:
        query = query.where(CollectionLetter.letter_date <= until)
    query = query.order_by(CollectionLetter.letter_date.desc(), CollectionLetter.number.desc())
    rows = session.execute(query).all()
    # The level names in the user's language, the row's own name where it has none.
    names = texts_in(session, "letter_levels", "name", current_language()) if rows else {}
    shown = []
    for row in rows:
        values: list[Any] = list(row[:-1])
        values[5] = names.get(row.level_id, row.level_name)
        shown.append(LetterRow(*values))
    return tuple(shown)


def letters_of(session: Session, customer_id: uuid.UUID) -> tuple[LetterRow, ...]:
    """Every letter sent to the customer, newest first."""
    return letter_rows(session, customer_id)


def _address(customer: Customer, language: str) -> tuple[str, ...]:
    city = " ".join(part for part in (customer.postal_code, customer.city) if part)
    country = customer.country
    if country:
        with contextlib.suppress(ValueError, TypeError, UnknownLocaleError):
            country = Locale.parse(language or "en").territories.get(country, country)
    return tuple(part for part in (customer.street, city, country) if part)


def letter_detail(session: Session, letter_id: uuid.UUID) -> LetterDetail:
    """One posted letter with everything its print needs; ``LetterError`` if there is none.

    The letter's language is the one its stored text was written in (found by its item
    list), so a reprint stays in one language after the customer's language changed.
    """
    row = session.execute(
        select(
            CollectionLetter,
            Customer,
            _level_name().label("level_name"),
            _level(LetterLevel.id).label("level_id"),
            _level(LetterLevel.heading).label("heading"),
        )
        .join(Customer, Customer.id == CollectionLetter.customer_id)
        .where(CollectionLetter.id == letter_id)
    ).first()
    if row is None:
        raise LetterError(_("The letter no longer exists. Refresh the list."))
    letter: CollectionLetter = row[0]
    customer: Customer = row[1]
    t = CustomerTransaction
    lines = tuple(
        LetterLineDetail(*line)
        for line in session.execute(
            select(
                t.id, t.document_number, t.type, t.document_date, t.due_date, t.currency,
                t.amount, CollectionLetterLine.open_amount, CollectionLetterLine.days_overdue,
            )
            .join(t, t.id == CollectionLetterLine.transaction_id)
            .where(CollectionLetterLine.letter_id == letter.id)
            .order_by(t.due_date, t.voucher)
        )
    )  # fmt: skip
    company = company_language(session)
    language = _language(session, letter, customer, lines, row.level_id, company)
    level_name = row.level_name
    if row.level_id is not None and level_name is not None:
        level_name = text_in(session, "letter_levels", row.level_id, "name", language, level_name)
    fee_document = (
        session.scalar(select(t.document_number).where(t.id == letter.fee_transaction_id))
        if letter.fee_transaction_id is not None
        else None
    )
    return LetterDetail(
        id=letter.id,
        number=letter.number,
        letter_date=letter.letter_date,
        sequence_code=letter.sequence_code,
        level=letter.level,
        level_name=level_name,
        heading=_heading(session, letter, row.level_id, row.heading, language, company),
        currency=letter.currency,
        amount=letter.amount,
        fee=letter.fee,
        fee_document=fee_document,
        text=letter.text,
        company_name=session.scalar(select(ReceivablesParameters.company_name)) or "",
        customer_id=customer.id,
        account=customer.account,
        customer_name=customer.name,
        language=language,
        address_lines=_address(customer, language),
        lines=lines,
        created_at=letter.created_at,
    )


def _language(
    session: Session,
    letter: CollectionLetter,
    customer: Customer,
    lines: tuple[LetterLineDetail, ...],
    level_id: uuid.UUID | None,
    company: str,
) -> str:
    """The language of the stored text: by its item list, else as a run would choose."""
    wanted = letter_language(customer.language, company)
    found = stored_language(letter.text, lines, (wanted, company, *LANGUAGES))
    if found is not None:
        return found
    written = (
        {wanted}
        if level_id is not None and text_in(session, "letter_levels", level_id, "template",
                                            wanted, "")
        else set()
    )  # fmt: skip
    return letter_language(customer.language, company, written)


def _heading(
    session: Session,
    letter: CollectionLetter,
    level_id: uuid.UUID | None,
    own: str | None,
    language: str,
    company: str,
) -> str:
    """The level's heading in ``language`` (its own text when that is the company's);
    without one, the usual heading for the level's place in its sequence."""
    if level_id is not None:
        default = (own or "") if language == company else ""
        found = text_in(session, "letter_levels", level_id, "heading", language, default)
        if found:
            return found
    levels = session.scalars(
        select(LetterLevel.level)
        .join(LetterSequence, LetterSequence.id == LetterLevel.sequence_id)
        .where(
            LetterSequence.code == letter.sequence_code,
            LetterSequence.deleted_at.is_(None),
            LetterLevel.deleted_at.is_(None),
        )
    ).all()
    return usual_heading(letter.level, levels, language)
