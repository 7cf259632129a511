"""Posting a letter run: the letters ``propose_letters`` finds due, with their fees.

Posting a letter writes a ``CollectionLetter`` (number from the "letter" counter; the text
rendered from the level's template with the amounts in the customer's language, kept for
reprints; wholly in the company's language when the level has no text in the
customer's; the sentences naming the fee left out when none is charged), one
``CollectionLetterLine`` per item (open amount and days overdue on D) and, when the level
has a fee and the customer is in the accounting currency, a FEE transaction numbered like
the letter (due 14 days later) with a LETTER journal: the customer debited, the
sequence's fee account credited. Functions flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, current_language
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.db.schema import (
    CollectionLetter,
    CollectionLetterLine,
    Customer,
    JournalAccountType,
    JournalType,
    LetterScope,
    ReceivablesParameters,
    TransactionType,
)
from collections_desktop.models.db.types import new_id, new_ids
from collections_desktop.models.ledger.journals import (
    JournalDraft,
    LineDraft,
    insert_values,
    post_journals,
)
from collections_desktop.models.ledger.numbering import reserve_numbers
from collections_desktop.models.ledger.postings import Posting, post_transactions
from collections_desktop.models.letters.propose import (
    LetterProposal,
    Level,
    LevelSequence,
    level_sequences,
    propose_letters,
    total,
)
from collections_desktop.models.letters.render import (
    customer_formats,
    items_text,
    letter_language,
    render_text,
)
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.texts.business import company_language, texts_in

FEE_DUE_DAYS = 14
"""A letter's fee is due this many days after the letter date."""


@dataclass(frozen=True)
class CreatedLetter:
    """A letter a run posted."""

    letter_id: uuid.UUID
    number: str
    customer_id: uuid.UUID
    account: str
    name: str
    level: int
    level_name: str
    currency: str
    amount: Decimal
    fee: Decimal
    fee_transaction_id: uuid.UUID | None
    journal_id: uuid.UUID | None


@dataclass(frozen=True)
class LetterRun:
    """What a run did: the letters it posted, and what it skipped with the reasons."""

    as_of: dt.date
    created: tuple[CreatedLetter, ...]
    skipped: tuple[LetterProposal, ...]

    @property
    def created_count(self) -> int:
        """How many letters were posted."""
        return len(self.created)

    @property
    def skipped_count(self) -> int:
        """How many customers (or items) got no letter, each with a reason."""
        return len(self.skipped)

    @property
    def letter_ids(self) -> tuple[uuid.UUID, ...]:
        """The posted letters, to print them (``letter_detail`` each)."""
        return tuple(c.letter_id for c in self.created)

    @property
    def fees(self) -> Decimal:
        """The fees charged by the run, in the accounting currency."""
        return total(c.fee for c in self.created)


def create_letters(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    now: dt.datetime,
    *,
    pool_id: uuid.UUID | None = None,
    customer_ids: Iterable[uuid.UUID] | None = None,
    created_by_id: uuid.UUID | None,
) -> LetterRun:
    """Post the letters ``propose_letters`` finds due as of ``as_of``; the caller commits.

    A run over a pool posts hundreds of letters, so numbers are reserved in one go and
    the rows go in as bulk inserts (a few statements per run, not several per letter).
    """
    wanted = None if customer_ids is None else list(customer_ids)
    proposals = propose_letters(session, scope, as_of, pool_id=pool_id, customer_ids=wanted)
    to_send = [p for p in proposals if p.will_send]
    skipped = tuple(p for p in proposals if not p.will_send)
    if not to_send:
        return LetterRun(as_of, (), skipped)
    sequences = level_sequences(session)
    company = session.scalar(select(ReceivablesParameters.company_name).limit(1)) or ""
    texts = _LevelTexts(session)
    profiles = _posting_profiles(session, [p.customer_id for p in to_send])
    numbers = reserve_numbers(session, "letter", len(to_send), now)
    letters = [
        _Letter(proposal, number, sequences[proposal.sequence_code or ""], new_id())
        for proposal, number in zip(to_send, numbers, strict=True)
    ]
    charged = [letter for letter in letters if letter.proposal.fee > ZERO]
    fees = _post_fees(session, charged, as_of, now, profiles, created_by_id)
    insert_values(
        session,
        CollectionLetter,
        (
            _letter_values(letter, fees.get(letter.id), as_of, now, company, created_by_id, texts)
            for letter in letters
        ),
    )
    line_ids = iter(new_ids(sum(len(letter.proposal.items) for letter in letters)))
    insert_values(
        session,
        CollectionLetterLine,
        (
            {
                "id": next(line_ids),
                "letter_id": letter.id,
                "transaction_id": item.transaction_id,
                "open_amount": item.open_amount,
                "days_overdue": item.days_overdue,
            }
            for letter in letters
            for item in letter.proposal.items
        ),
    )
    created = []
    for letter in letters:
        proposal, level = letter.proposal, letter.level
        fee_transaction_id, journal_id = fees.get(letter.id, (None, None))
        created.append(
            CreatedLetter(
                letter_id=letter.id,
                number=letter.number,
                customer_id=proposal.customer_id,
                account=proposal.account,
                name=proposal.name,
                level=level.level,
                level_name=texts.shown_name(level),
                currency=proposal.currency,
                amount=proposal.amount,
                fee=proposal.fee,
                fee_transaction_id=fee_transaction_id,
                journal_id=journal_id,
            )
        )
    return LetterRun(as_of, tuple(created), skipped)


class _LevelTexts:
    """The levels' templates in each customer's language (the row's own text where that
    language has none), and their names in the user's, read once per language."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._company = company_language(session)
        self._read: dict[tuple[str, str], dict[uuid.UUID, str]] = {}

    def _texts(self, field: str, language: str) -> dict[uuid.UUID, str]:
        key = (field, language)
        if key not in self._read:
            self._read[key] = texts_in(self._session, "letter_levels", field, language)
        return self._read[key]

    def language_of(self, proposal: LetterProposal, level: Level) -> str:
        """The language the customer's letter is written in: the customer's when the
        level's text exists in it, else the company's (never a mix of the two)."""
        wanted = letter_language(proposal.language, self._company)
        written = (
            {wanted} if level.id is not None and self._texts("template", wanted).get(level.id)
            else set()
        )  # fmt: skip
        return letter_language(proposal.language, self._company, written)

    def template(self, level: Level, language: str) -> str:
        """The level's template in ``language``."""
        found = self._texts("template", language).get(level.id) if level.id else None
        return found or level.template

    def shown_name(self, level: Level) -> str:
        """The level's name in the user's language (the run's summary)."""
        found = self._texts("name", current_language()).get(level.id) if level.id else None
        return found or level.name


@dataclass(frozen=True)
class _Letter:
    """A letter about to be posted: its proposal, number, sequence and key."""

    proposal: LetterProposal
    number: str
    sequence: LevelSequence
    id: uuid.UUID

    @property
    def level(self) -> Level:
        return next(lv for lv in self.sequence.levels if lv.level == self.proposal.level)


def _posting_profiles(session: Session, customer_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    ids = list(dict.fromkeys(customer_ids))
    profiles: dict[uuid.UUID, str] = {}
    for start in range(0, len(ids), 500):  # an IN list every database takes
        profiles.update(
            (row.id, row.posting_profile)
            for row in session.execute(
                select(Customer.id, Customer.posting_profile).where(
                    Customer.id.in_(ids[start : start + 500])
                )
            )
        )
    return profiles


def _post_fees(
    session: Session,
    charged: Sequence[_Letter],
    as_of: dt.date,
    now: dt.datetime,
    profiles: dict[uuid.UUID, str],
    created_by_id: uuid.UUID | None,
) -> dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]]:
    """Post each letter's fee and its LETTER journal; letter id → (fee transaction, journal).

    Fees are charged only to customers in the accounting currency, so a fee's
    accounting amount is its amount.
    """
    if not charged:
        return {}
    transaction_ids = post_transactions(
        session,
        [
            Posting(
                customer_id=letter.proposal.customer_id,
                type=TransactionType.FEE,
                amount=letter.proposal.fee,
                posting_date=as_of,
                due_date=as_of + dt.timedelta(days=FEE_DUE_DAYS),
                document_number=letter.number,
                description=_("Fee of collection letter {number} (level {level})").format(
                    number=letter.number, level=letter.level.level
                ),
            )
            for letter in charged
        ],
        now,
        created_by_id=created_by_id,
    )
    drafts = []
    for letter, transaction_id in zip(charged, transaction_ids, strict=True):
        proposal, level = letter.proposal, letter.level
        text = f"{letter.number} {level.name}"
        drafts.append(
            JournalDraft(
                type=JournalType.LETTER,
                journal_date=as_of,
                lines=(
                    LineDraft(
                        account_type=JournalAccountType.CUSTOMER,
                        account=proposal.account,
                        currency=proposal.currency,
                        amount=proposal.fee,
                        amount_accounting=proposal.fee,
                        transaction_id=transaction_id,
                        posting_profile=profiles[proposal.customer_id],
                        text=text,
                    ),
                    LineDraft(
                        account_type=JournalAccountType.LEDGER,
                        account=letter.sequence.fee_account,
                        currency=proposal.currency,
                        amount=-proposal.fee,
                        amount_accounting=-proposal.fee,
                        text=text,
                    ),
                ),
                customer_id=proposal.customer_id,
                description=_("Collection letter {number}, level {level}: {name}").format(
                    number=letter.number, level=level.level, name=level.name
                ),
            )
        )
    journals = post_journals(session, drafts, now, created_by_id=created_by_id)
    return {
        letter.id: (transaction_id, journal.id)
        for letter, transaction_id, journal in zip(charged, transaction_ids, journals, strict=True)
    }


def _letter_values(
    letter: _Letter,
    fee: tuple[uuid.UUID, uuid.UUID] | None,
    as_of: dt.date,
    now: dt.datetime,
    company: str,
    created_by_id: uuid.UUID | None,
    texts: _LevelTexts,
) -> dict[str, object]:
    """The row of a letter, its text rendered in the customer's language."""
    proposal, level = letter.proposal, letter.level
    language = texts.language_of(proposal, level)
    fmt = customer_formats(language)
    return {
        "id": letter.id,
        "number": letter.number,
        "customer_id": proposal.customer_id,
        "sequence_code": letter.sequence.code,
        "level": level.level,
        "letter_date": as_of,
        "currency": proposal.currency,
        "amount": proposal.amount,
        "fee": proposal.fee,
        "fee_transaction_id": fee[0] if fee else None,
        "journal_id": fee[1] if fee else None,
        "text": render_text(
            texts.template(level, language),
            customer=proposal.name,
            total_due=fmt.money(proposal.amount, proposal.currency),
            fee=fmt.money(proposal.fee, proposal.currency),
            items=items_text(proposal.items, fmt, language),
            company=company,
            fee_charged=proposal.fee > ZERO,
        ),
        "created_at": now,
        "created_by_id": created_by_id,
        "item_id": proposal.items[0].transaction_id
        if letter.sequence.scope == LetterScope.TRANSACTION
        else None,
    }
