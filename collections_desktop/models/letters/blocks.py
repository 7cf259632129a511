"""Letter blocks: a customer's letters held until a date, for a reason."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.models.db.schema import Customer
from collections_desktop.models.letters.errors import LetterError
from collections_desktop.models.letters.propose import customer_selection
from collections_desktop.models.people.scope import AgentScope

BLOCK_REASON_LENGTH = 200


@dataclass(frozen=True)
class LetterBlock:
    """A customer's letter block after a change: until when and why (None: no block)."""

    customer_id: uuid.UUID
    until: dt.date | None
    reason: str | None
    version: int


def set_letter_block(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    until: dt.date | None,
    reason: str | None,
    now: dt.datetime,
) -> LetterBlock:
    """Block the customer's letters until ``until`` (inclusive) for ``reason``; None clears it.

    Refused (``LetterError``, nothing written) for a customer outside the scope, a date
    in the past, or a block without a reason.
    """
    today = now.date()
    customer = session.scalar(
        select(Customer).where(
            Customer.id == customer_id, customer_selection(scope, today, None, None)
        )
    )
    if customer is None:
        raise LetterError(_("This customer is not in your pools."))
    reason = (reason or "").strip() or None
    if until is not None:
        if until < today:
            raise LetterError(
                _("The block must last until today or a later date; {date} is past.").format(
                    date=text_formats().date(until)
                )
            )
        if reason is None:
            raise LetterError(_("Write why the letters are blocked."))
        if len(reason) > BLOCK_REASON_LENGTH:
            raise LetterError(
                _("The reason is too long: at most {count} characters.").format(
                    count=BLOCK_REASON_LENGTH
                )
            )
    else:
        reason = None
    customer.letter_block_until = until
    customer.letter_block_reason = reason
    customer.updated_at = now
    customer.version = customer.version + 1
    session.flush()
    return LetterBlock(customer.id, until, reason, customer.version)
