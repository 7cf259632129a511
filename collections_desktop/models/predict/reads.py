"""The stored predictions as the screens read them, and the sentence that says why.

``invoice_predictions`` is derived (rewritten with each snapshot and on demand for one
customer by ``models.predict.store``); these reads never compute, they only look up.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.db.schema import InvoicePrediction
from collections_desktop.models.db.types import Money

LATE_DAYS = 15
""""Paid late" means settled more than this many days after the due date."""
BASIS_POINTS = 10_000


@dataclass(frozen=True)
class PredictionRow:
    """One open invoice's prediction, with the reasons behind it."""

    transaction_id: uuid.UUID
    customer_id: uuid.UUID
    as_of: dt.date
    predicted_date: dt.date
    late_chance: int
    """Basis points (0-10,000) of being paid more than ``LATE_DAYS`` days late."""
    usual_delay_days: int
    trend_days: int
    disputed: bool
    open_amount: Decimal
    expected_late: Decimal


def customer_predictions(
    session: Session,
    customer_id: uuid.UUID,
    transaction_ids: Sequence[uuid.UUID] | None = None,
) -> dict[uuid.UUID, PredictionRow]:
    """The customer's stored predictions by transaction id (open invoices only; of
    ``transaction_ids`` when given): plain columns, not mapped objects (a big customer
    has thousands)."""
    p = InvoicePrediction
    columns = (
        p.transaction_id, p.customer_id, p.as_of, p.predicted_date, p.late_chance,
        p.usual_delay_days, p.trend_days, p.disputed, p.open_amount, p.expected_late,
    )  # fmt: skip
    query = select(*columns).where(p.customer_id == customer_id)
    if transaction_ids is not None:
        query = query.where(p.transaction_id.in_(transaction_ids))
    return {row[0]: PredictionRow(*tuple(row)) for row in session.execute(query)}


def customer_expected_late(session: Session, customer_id: uuid.UUID) -> Decimal | None:
    """The sum over the customer's open invoices of chance × open amount (accounting
    currency), exact in SQL; None when none is predicted. A settled invoice's prediction
    is gone (``settlements.update_closed_on``), so every stored one is of an open invoice."""
    p = InvoicePrediction
    count, total = session.execute(
        select(func.count(), type_coerce(func.sum(p.expected_late), Money())).where(
            p.customer_id == customer_id
        )
    ).one()
    return total if count else None


def percent_text(late_chance: int) -> str:
    """The chance as a whole percent ("37 %" style left to the caller's column: "37")."""
    return str(round(late_chance * 100 / BASIS_POINTS))


def explain(row: PredictionRow, formats: Formats) -> str:
    """Why the prediction is what it is, in the user's language: the tooltip's text."""
    lines = [
        _(
            "Expected to be paid on {date}; {percent}% chance of paying more than {days} days late."
        ).format(
            date=formats.date(row.predicted_date),
            percent=percent_text(row.late_chance),
            days=LATE_DAYS,
        )
    ]
    delay = row.usual_delay_days
    if delay > 0:
        lines.append(
            ngettext(
                "This customer usually pays {days} day after the due date.",
                "This customer usually pays {days} days after the due date.",
                delay,
            ).format(days=formats.count(delay))
        )
    elif delay < 0:
        lines.append(
            ngettext(
                "This customer usually pays {days} day before the due date.",
                "This customer usually pays {days} days before the due date.",
                -delay,
            ).format(days=formats.count(-delay))
        )
    else:
        lines.append(_("This customer usually pays on the due date."))
    trend = row.trend_days
    if trend > 0:
        lines.append(
            ngettext(
                "Lately {days} day slower than before.",
                "Lately {days} days slower than before.",
                trend,
            ).format(days=formats.count(trend))
        )
    elif trend < 0:
        lines.append(
            ngettext(
                "Lately {days} day faster than before.",
                "Lately {days} days faster than before.",
                -trend,
            ).format(days=formats.count(-trend))
        )
    if row.disputed:
        lines.append(_("The invoice is disputed: disputed invoices are paid later."))
    lines.append(
        _("Learned from the invoices settled before {date}.").format(date=formats.date(row.as_of))
    )
    return "\n".join(lines)
