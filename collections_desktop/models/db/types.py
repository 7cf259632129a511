"""Column types shared by every table: exact money, UUIDv7 keys, UTC timestamps."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, LargeBinary, Uuid
from sqlalchemy.types import TypeDecorator

from collections_desktop.kernel.money import STORAGE_PLACES, to_money

_SCALE = 10**STORAGE_PLACES
_LIMIT = 10 ** (14 + STORAGE_PLACES)  # to_money's largest amount, scaled
_CENTS = Decimal("0.01")


def _units(value: Any) -> int | None:
    """An amount as the stored count of 1/10,000 units; MoneyError when it is not exact."""
    if value is None:
        return None
    if type(value) is Decimal:  # the common case, checked without to_money's cost
        scaled = value * _SCALE
        units = int(scaled)
        if units == scaled and -_LIMIT < units < _LIMIT:
            return units
    return int(to_money(value) * _SCALE)  # raises MoneyError saying what is wrong


class Money(TypeDecorator[Decimal]):
    """A ``Decimal`` stored as a 64-bit count of 1/10,000 units.

    Integers make ``SUM`` exact and fast on SQLite and PostgreSQL alike; values
    with more than four decimals are refused rather than rounded.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return _units(value)

    def bind_function(self, dialect: Dialect) -> Callable[[Any], Any]:
        """The whole conversion as one function, for bulk inserts (``db/bulk.py``)."""
        return _units

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        # PostgreSQL returns SUM(bigint) as numeric (Decimal); SQLite returns int.
        amount = Decimal(int(value)).scaleb(-STORAGE_PLACES)
        cents = amount.quantize(_CENTS)
        return cents if cents == amount else amount

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


class UuidKey(TypeDecorator[uuid.UUID]):
    """A UUID key: native ``uuid`` on PostgreSQL, 16 raw bytes on SQLite.

    SQLAlchemy's own ``Uuid`` keeps 32 hex characters on SQLite; every key is repeated in
    each index that holds it, so the bytes halve the size of keys, rows and indexes.
    """

    impl = Uuid
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(LargeBinary(16))
        return dialect.type_descriptor(Uuid())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return value.bytes

    def bind_function(self, dialect: Dialect) -> Callable[[Any], Any]:
        """The whole conversion as one function, for bulk inserts (``db/bulk.py``)."""
        if dialect.name != "sqlite":
            return _same
        return _uuid_bytes

    def int_bind_function(self, dialect: Dialect) -> Callable[[int], Any]:
        """``bind_function`` for a key given as its 128-bit integer, without making a ``UUID``.

        For bulk writers that make keys as integers (the demo's millions of keys): the
        same stored form as ``bind_function(dialect)(uuid.UUID(int=value))``.
        """
        if dialect.name != "sqlite":
            return _int_uuid
        return _int_bytes

    def process_result_value(self, value: Any, dialect: Dialect) -> uuid.UUID | None:
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(bytes=bytes(value))


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp; naive values are refused, results come back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        stamp: dt.datetime = value
        if stamp.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        stamp = stamp.astimezone(dt.UTC)
        # SQLite keeps text; store it without offset so text order is time order.
        return stamp.replace(tzinfo=None) if dialect.name == "sqlite" else stamp

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        stamp: dt.datetime = value  # the DateTime impl has parsed it
        if stamp.tzinfo is None:
            return stamp.replace(tzinfo=dt.UTC)
        return stamp.astimezone(dt.UTC)


def _same(value: Any) -> Any:
    return value


def _uuid_bytes(value: uuid.UUID | None) -> bytes | None:
    return None if value is None else value.bytes


def _int_uuid(value: int) -> uuid.UUID:
    return uuid.UUID(int=value)


def _int_bytes(value: int) -> bytes:
    return value.to_bytes(16, "big")  # what ``UUID(int=value).bytes`` is


def new_id() -> uuid.UUID:
    """A time-ordered UUID (version 7, RFC 9562).

    Keys made on different laptops never collide, and being ordered by time they
    append to the end of an index instead of scattering writes across it.
    """
    return new_ids(1)[0]


def new_ids(count: int) -> list[uuid.UUID]:
    """``count`` UUIDv7 keys of this millisecond, in increasing order.

    RFC 9562's method 1: a 42-bit counter (``rand_a`` and the top of ``rand_b``) starts at
    a random value and counts up, and 32 random bits end each key. Ordered keys append
    to an index instead of splitting its pages, which halves the time of a bulk insert.
    """
    millis = (time.time_ns() // 1_000_000) & ((1 << 48) - 1)
    noise = int.from_bytes(os.urandom(10), "big")
    start, tail = noise >> 39, noise & 0xFFFFFFFF  # 41 bits: room to count up
    head = (millis << 80) | (0x7 << 76) | (0b10 << 62) | tail
    return [
        uuid.UUID(int=head | ((c >> 30) << 64) | ((c & 0x3FFFFFFF) << 32))
        for c in range(start, start + count)
    ]
