"""The risk score: 0 (no sign of trouble) to 100 (act now), from payment behaviour.

The score is a sum of five capped parts, each a share of its weight, rounded half up
to a whole number. It looks at the **invoices that fell due in the 365 days up to the
as-of date** (the "recent invoices"); an invoice due in the last 90 days counts twice,
so a customer who has started paying late rises faster than one who used to.

==========================  ======  ===================================================
Part                        Weight  Full weight when
==========================  ======  ===================================================
Days late (weighted mean)       35  the weighted mean days late reaches 60
Share paid late                 25  every recent invoice was (or still is) late
Disputes                        15  the whole balance is disputed
Credit-limit utilisation        15  the balance reaches the credit limit; nothing
                                    below half of it
Broken promises                 10  two or more open promises whose date has passed
==========================  ======  ===================================================

Days late of a recent invoice: settled in full by the as-of date, the days from its due
date to its last settlement (never below zero); still open, the days from its due date
to the as-of date. A customer without recent invoices, credit limit, disputes or
promises scores 0. The inputs are aggregates that one SQL pass computes for every
customer (``models/aging/snapshot.py``), so the score costs no extra query.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from collections_desktop.kernel.money import ZERO

RECENT_DAYS = 365
"""Invoices due in this many days up to the as-of date are the recent ones."""
RECENT_WEIGHT_DAYS = 90
"""Recent invoices due in this many days up to the as-of date count twice."""

DAYS_LATE_WEIGHT = 35
DAYS_LATE_FULL = 60
LATE_SHARE_WEIGHT = 25
DISPUTE_WEIGHT = 15
UTILISATION_WEIGHT = 15
UTILISATION_FROM = Decimal("0.5")
BROKEN_PROMISE_WEIGHT = 10
BROKEN_PROMISES_FULL = 2


@dataclass(frozen=True)
class RiskFactors:
    """What the score is computed from, for one customer on one as-of date.

    ``weighted_days_late`` is Σ weight × days late over the recent invoices and
    ``weights`` is Σ weight (1, or 2 when due in the last 90 days).
    """

    recent_invoices: int = 0
    late_invoices: int = 0
    weighted_days_late: int = 0
    weights: int = 0
    balance: Decimal = ZERO
    disputed_amount: Decimal = ZERO
    credit_limit: Decimal | None = None
    broken_promises: int = 0


def _share(part: Decimal | int, whole: Decimal | int) -> Decimal:
    """``part / whole`` between 0 and 1 (0 when the whole is not positive)."""
    if whole <= 0 or part <= 0:
        return ZERO
    return min(Decimal(part) / Decimal(whole), Decimal(1))


def risk_parts(factors: RiskFactors) -> dict[str, Decimal]:
    """Each part of the score before rounding, by name (for the docs and the fact box)."""
    mean_days_late = (
        Decimal(factors.weighted_days_late) / factors.weights if factors.weights else ZERO
    )
    utilisation = ZERO
    if factors.credit_limit is not None and factors.credit_limit > 0:
        used = factors.balance / factors.credit_limit
        utilisation = _share(used - UTILISATION_FROM, Decimal(1) - UTILISATION_FROM)
    return {
        "days_late": DAYS_LATE_WEIGHT * _share(mean_days_late, DAYS_LATE_FULL),
        "late_share": LATE_SHARE_WEIGHT * _share(factors.late_invoices, factors.recent_invoices),
        "disputes": DISPUTE_WEIGHT * _share(factors.disputed_amount, factors.balance),
        "utilisation": UTILISATION_WEIGHT * utilisation,
        "broken_promises": BROKEN_PROMISE_WEIGHT
        * _share(factors.broken_promises, BROKEN_PROMISES_FULL),
    }


def risk_score(factors: RiskFactors) -> int:
    """The score, 0 to 100: the parts summed and rounded half up."""
    total = sum(risk_parts(factors).values(), ZERO)
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))
