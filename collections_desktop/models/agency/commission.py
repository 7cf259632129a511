"""The agency's commission: the client's rate for the debt's age, and amounts to the cent.

A client charges its ``commission_percent`` of what is collected, unless one of its age
bands applies: the band with the highest ``from_days`` not above the debt's age (days
from the case's debt date to the day the money was collected). A commission and a
collector's share of it are rounded to the cent half up (away from zero on a half), so
the commission of a reversal (a negative collection) is exactly minus the original's.
Totals are sums of the rounded lines, never a rounded sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def rate(client_percent: Decimal, bands: Sequence[tuple[int, Decimal]], age_days: int) -> Decimal:
    """The percent that applies to a debt ``age_days`` old: the band with the highest
    ``from_days`` not above the age, else the client's own percent."""
    best: tuple[int, Decimal] | None = None
    for from_days, percent in bands:
        if from_days <= age_days and (best is None or from_days > best[0]):
            best = (from_days, percent)
    return client_percent if best is None else best[1]


def commission(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` of ``amount`` to the cent, half up; of a negative amount, negative."""
    return (amount * percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def share(commission: Decimal, percent: Decimal) -> Decimal:
    """A collector's ``percent`` of a commission, to the cent, half up."""
    return (commission * percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
