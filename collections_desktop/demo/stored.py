"""The demo's values in the form the schema's column types store them on this database.

The demo writes millions of rows as ready tuples (``writer.Writer``), so each value is put
in its stored form once, here, and by the schema's own types rather than a copy of their
rules: keys through ``UuidKey``, money through ``Money``, dates, timestamps and flags from
tables that ``Date``, ``UtcDateTime`` and ``Boolean`` fill once per demo. A ``Codec`` holds
only plain values, so a builder that holds it can be pickled to the generator process.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, Dialect
from sqlalchemy.types import TypeEngine

from collections_desktop.models.db.types import Money, UtcDateTime, UuidKey

_UNIX_EPOCH = dt.date(1970, 1, 1).toordinal()
_RAND_62 = (1 << 62) - 1
_UUID7_BITS = (0x7 << 76) | (0b10 << 62)  # version 7, RFC 9562 variant


def _stored_form(column_type: TypeEngine[Any], dialect: Dialect) -> Any:
    """The function that puts a value of ``column_type`` in its stored form on ``dialect``."""
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    return process or (lambda value: value)


class Codec:
    """Day ordinals, minutes, ids, cents and flags as the column types store them.

    While generating, dates are proleptic ordinals (``date.toordinal()``) and times are
    minutes of a UTC day. Dates and timestamps come from tables made once through the
    column types: on SQLite, ISO text (a timestamp is its day's text and its minute's,
    joined; checked against ``UtcDateTime`` when the tables are made); on PostgreSQL,
    ``date`` and aware ``datetime`` objects.
    """

    def __init__(self, dialect: Dialect, *, first: int, last: int) -> None:
        self.first = first
        dates = [dt.date.fromordinal(o) for o in range(first, last + 1)]
        self.midnights = [dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC) for d in dates]
        self.millis = [(o - _UNIX_EPOCH) * 86_400_000 for o in range(first, last + 1)]
        self.key = UuidKey().int_bind_function(dialect)
        store_date = _stored_form(Date(), dialect)
        self.days: list[Any] = [store_date(d) for d in dates]
        no, yes = _stored_form(Boolean(), dialect)(False), _stored_form(Boolean(), dialect)(True)
        self.flags: tuple[Any, Any] = (no, yes)
        self.money_per_cent: int = Money().bind_function(dialect)(Decimal("0.01"))
        """How many stored units of ``Money`` make a cent."""
        store_stamp = _stored_form(UtcDateTime(), dialect)
        self.text_stamps = isinstance(store_stamp(self.midnights[0]), str)
        self.stamp_days: list[Any] = []
        self.times: list[str] = []
        if self.text_stamps:
            midnight = self.midnights[0]
            start, end = store_stamp(midnight), store_stamp(midnight + dt.timedelta(minutes=1439))
            cut = next(i for i, (a, b) in enumerate(zip(start, end, strict=True)) if a != b)
            self.stamp_days = [store_stamp(m)[:cut] for m in self.midnights]
            self.times = [
                store_stamp(midnight + dt.timedelta(minutes=m))[cut:] for m in range(1440)
            ]
        samples = ((first, 0), (first, 725), (last, 1439), ((first + last) // 2, 61))
        for ordinal, minute in samples:  # one encoding: the tables say what the type says
            assert self.stamp(ordinal, minute) == store_stamp(self.moment(ordinal, minute))

    def day(self, ordinal: int) -> Any:
        """A business date."""
        return self.days[ordinal - self.first]

    def stamp(self, ordinal: int, minute: int) -> Any:
        """A UTC timestamp, ``minute`` minutes after midnight of day ``ordinal``."""
        if self.text_stamps:
            return self.stamp_days[ordinal - self.first] + self.times[minute]
        return self.midnights[ordinal - self.first] + dt.timedelta(minutes=minute)

    def moment(self, ordinal: int, minute: int) -> dt.datetime:
        """The same timestamp as an aware ``datetime`` (for the ORM)."""
        return self.midnights[ordinal - self.first] + dt.timedelta(minutes=minute)

    def bits(self, rng: random.Random, ordinal: int, minute: int) -> int:
        """The 128 bits of a UUIDv7 stamped with the fact's time, 74 random bits from ``rng``."""
        bits = rng.getrandbits(90)
        millis = self.millis[ordinal - self.first] + minute * 60_000 + (bits >> 74) % 60_000
        return (millis << 80) | _UUID7_BITS | (((bits >> 62) & 0xFFF) << 64) | (bits & _RAND_62)

    def uid(self, rng: random.Random, ordinal: int, minute: int) -> Any:
        """A key (``bits``) in its stored form."""
        return self.key(self.bits(rng, ordinal, minute))

    def flag(self, value: bool) -> Any:
        """A boolean."""
        return self.flags[value]

    def money(self, cents: int) -> int:
        """Integer cents in the stored unit of ``Money``."""
        return cents * self.money_per_cent
