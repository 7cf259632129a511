"""Posted journals: the general-ledger side of write-offs, NSF payments, interest, fees and
letters. A journal balances to zero in every currency and in the accounting currency, or
nothing of it is written.

``post_journals`` is the one place journal rows are written: a batch (an interest or letter
run) is checked in full, numbered in one go and inserted in bulk; ``post_journal`` posts
a batch of one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple, cast

from sqlalchemy import Select, Table, select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.db.bulk import insert_rows
from collections_desktop.models.db.schema import (
    Base,
    Journal,
    JournalAccountType,
    JournalLine,
    JournalType,
)
from collections_desktop.models.db.types import new_ids
from collections_desktop.models.ledger.numbering import reserve_numbers


class JournalError(ValueError):
    """A journal that does not balance or has no lines; nothing was posted."""


@dataclass(frozen=True)
class LineDraft:
    """A journal line to post: debit positive, credit negative."""

    account_type: JournalAccountType
    account: str
    currency: str
    amount: Decimal
    amount_accounting: Decimal
    transaction_id: uuid.UUID | None = None
    dimension: str | None = None
    posting_profile: str | None = None
    tax_code: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class JournalRow:
    """A posted journal line, as the journal view and the tests read it."""

    number: str
    type: str
    journal_date: dt.date
    line_number: int
    account_type: str
    account: str
    currency: str
    amount: Decimal
    amount_accounting: Decimal
    dimension: str | None
    posting_profile: str | None
    tax_code: str | None
    text: str | None


JournalRowColumns = tuple[
    str,
    str,
    dt.date,
    int,
    str,
    str,
    str,
    Decimal,
    Decimal,
    str | None,
    str | None,
    str | None,
    str | None,
]
"""The columns ``journal_rows`` selects: a ``JournalRow``'s fields, in order."""


def check_balanced(lines: Sequence[LineDraft]) -> None:
    """Raise ``JournalError`` unless the lines sum to zero per currency and in accounting."""
    if len(lines) < 2:
        raise JournalError(_("A journal needs at least two lines."))
    per_currency: dict[str, Decimal] = defaultdict(lambda: ZERO)
    accounting = ZERO
    for line in lines:
        per_currency[line.currency] += line.amount
        accounting += line.amount_accounting
    for currency, total in sorted(per_currency.items()):
        if total != ZERO:
            raise JournalError(
                _("The journal is off by {amount} {currency}; nothing was posted.").format(
                    amount=text_formats().amount(total), currency=currency
                )
            )
    if accounting != ZERO:
        raise JournalError(
            _(
                "The journal is off by {amount} in the accounting currency; nothing was posted."
            ).format(amount=text_formats().amount(accounting))
        )


@dataclass(frozen=True)
class JournalDraft:
    """A journal to post: its head and its lines (debit positive, credit negative)."""

    type: JournalType
    journal_date: dt.date
    lines: Sequence[LineDraft]
    customer_id: uuid.UUID | None = None
    reason_code: str | None = None
    description: str | None = None


class PostedJournal(NamedTuple):
    """A posted journal's key and number."""

    id: uuid.UUID
    number: str


def post_journals(
    session: Session,
    drafts: Sequence[JournalDraft],
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None = None,
) -> list[PostedJournal]:
    """Post each draft as one numbered journal; returns their ids and numbers in order.

    Every draft is checked to balance before anything is written: one that does not
    refuses the whole batch (``JournalError``, nothing posted). Numbers come from the
    "journal" counter in the order given, and the rows go in as two bulk inserts, so a
    run of thousands of journals costs a few statements.
    """
    if not drafts:
        return []
    for position, draft in enumerate(drafts, start=1):
        try:
            check_balanced(draft.lines)
        except JournalError as error:
            if len(drafts) == 1:
                raise
            where = (
                _("Journal {position} of {count} ({description})")
                if draft.description
                else _("Journal {position} of {count}")
            ).format(position=position, count=len(drafts), description=draft.description)
            raise JournalError(f"{where}: {error}") from error
    numbers = reserve_numbers(session, "journal", len(drafts), now)
    ids = new_ids(len(drafts))
    # Straight to the driver (``db/bulk.py``): through the ORM a run of thousands of
    # journals spent most of its time converting values, not writing them.
    insert_values(
        session,
        Journal,
        (
            {
                "id": journal_id,
                "number": number,
                "type": draft.type,
                "journal_date": draft.journal_date,
                "customer_id": draft.customer_id,
                "reason_code": draft.reason_code,
                "description": draft.description,
                "created_at": now,
                "created_by_id": created_by_id,
            }
            for draft, journal_id, number in zip(drafts, ids, numbers, strict=True)
        ),
    )
    line_ids = iter(new_ids(sum(len(draft.lines) for draft in drafts)))
    insert_values(
        session,
        JournalLine,
        (
            {
                "id": next(line_ids),
                "journal_id": journal_id,
                "line_number": line_number,
                "account_type": line.account_type,
                "account": line.account,
                "transaction_id": line.transaction_id,
                "currency": line.currency,
                "amount": line.amount,
                "amount_accounting": line.amount_accounting,
                "dimension": line.dimension,
                "posting_profile": line.posting_profile,
                "tax_code": line.tax_code,
                "text": line.text,
            }
            for draft, journal_id in zip(drafts, ids, strict=True)
            for line_number, line in enumerate(draft.lines, start=1)
        ),
    )
    return [PostedJournal(*posted) for posted in zip(ids, numbers, strict=True)]


def post_journal(
    session: Session,
    *,
    type: JournalType,
    journal_date: dt.date,
    lines: Sequence[LineDraft],
    now: dt.datetime,
    customer_id: uuid.UUID | None = None,
    reason_code: str | None = None,
    description: str | None = None,
    created_by_id: uuid.UUID | None = None,
) -> PostedJournal:
    """Check that the lines balance, then post them as one numbered journal."""
    draft = JournalDraft(
        type=type,
        journal_date=journal_date,
        lines=lines,
        customer_id=customer_id,
        reason_code=reason_code,
        description=description,
    )
    return post_journals(session, [draft], now, created_by_id=created_by_id)[0]


def insert_values(session: Session, model: type[Base], rows: Iterable[dict[str, Any]]) -> None:
    """Insert ``rows`` (a value for every column of ``model``'s table, by name) in bulk.

    Rows added through the ORM are flushed first, so the new rows may refer to them.
    """
    session.flush()
    table = cast(Table, model.__table__)  # every model of the schema maps one table
    insert_rows(session, table, map(itemgetter(*table.columns.keys()), rows))


def journal_rows(session: Session, journal_id: uuid.UUID) -> list[JournalRow]:
    """The lines of one journal in line order."""
    query: Select[*JournalRowColumns] = (
        select(
            Journal.number,
            Journal.type,
            Journal.journal_date,
            JournalLine.line_number,
            JournalLine.account_type,
            JournalLine.account,
            JournalLine.currency,
            JournalLine.amount,
            JournalLine.amount_accounting,
            JournalLine.dimension,
            JournalLine.posting_profile,
            JournalLine.tax_code,
            JournalLine.text,
        )
        .join(Journal, Journal.id == JournalLine.journal_id)
        .where(JournalLine.journal_id == journal_id)
        .order_by(JournalLine.line_number)
    )
    return [JournalRow(*row) for row in session.execute(query)]
