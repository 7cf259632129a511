"""Exact little helpers of the generator: days as ordinals, weighted draws, cents.

Amounts are integer cents and days proleptic ordinals (``date.toordinal()``): nothing
about an amount is ever a float, and conversions round as ``models.ledger`` rounds.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any


def to_accounting(cents: int, rate: int) -> int:
    """``cents × rate / 10,000`` rounded half-even, as ``ledger`` rounds a conversion."""
    quotient, remainder = divmod(abs(cents) * rate, 10_000)
    if remainder > 5_000 or (remainder == 5_000 and quotient % 2):
        quotient += 1
    return quotient if cents >= 0 else -quotient


def share(cents: int, accounting: int, amount: int) -> int:
    """``cents × accounting / amount`` rounded half-even (a settlement line's accounting part)."""
    quotient, remainder = divmod(abs(cents * accounting), abs(amount))
    twice = 2 * remainder
    if twice > abs(amount) or (twice == abs(amount) and quotient % 2):
        quotient += 1
    negative = (cents < 0) != ((accounting < 0) != (amount < 0))
    return -quotient if negative else quotient


def between(draw: Callable[[], float], low: int, high: int) -> int:
    """An integer in ``[low, high]`` from one ``random()`` draw (several times faster than
    ``randint``; used for days, minutes and percentages, never for an amount's digits)."""
    return low + int(draw() * (high - low + 1))


def weekday(ordinal: int) -> int:
    """Monday 0 … Sunday 6 of a proleptic ordinal (day 1, 1 January of year 1, was a Monday)."""
    return (ordinal + 6) % 7


def workday(ordinal: int) -> int:
    """The day itself, or the Monday after when it falls on a weekend."""
    weekday = (ordinal + 6) % 7
    return ordinal + 7 - weekday if weekday >= 5 else ordinal


def pick(rng: random.Random, table: Sequence[tuple[Any, int]]) -> Any:
    """A weighted choice from ``(value, weight)`` pairs."""
    point = rng.randrange(sum(weight for _value, weight in table))
    for value, weight in table:
        point -= weight
        if point < 0:
            return value
    raise AssertionError("unreachable")  # pragma: no cover


def ascii_letters(text: str) -> str:
    """The lower-case ASCII letters and digits of ``text`` (for e-mail addresses)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def month_end(today: int, months_back: int) -> int:
    """The last day of the month ``months_back`` months before today's month."""
    day = dt.date.fromordinal(today)
    after = day.year * 12 + day.month - months_back  # the month after it, counted from 0
    return dt.date(after // 12, after % 12 + 1, 1).toordinal() - 1
