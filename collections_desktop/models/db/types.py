"""Column types shared by every table: exact money, UUIDv7 keys, UTC timestamps."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, LargeBinary, Uuid
from sqlalchemy.types import TypeDecorator

from collections_desktop.models.money import STORAGE_PLACES, to_money

_SCALE = 10**STORAGE_PLACES
_CENTS = Decimal("0.01")


class Money(TypeDecorator[Decimal]):
    """A ``Decimal`` stored as a 64-bit count of 1/10,000 units.

    Integers make ``SUM`` exact and fast on SQLite and PostgreSQL alike; values
    with more than four decimals are refused rather than rounded.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int(to_money(value) * _SCALE)

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
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(dt.UTC)
        # SQLite keeps text; store it without offset so text order is time order.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def new_id() -> uuid.UUID:
    """A time-ordered UUID (version 7, RFC 9562).

    Keys made on different laptops never collide, and being ordered by time they
    append to the end of an index instead of scattering writes across it.
    """
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # 12 random bits
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)
