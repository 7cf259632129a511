"""The declarative base: shared metadata with its naming convention, the column types
every table maps, the UUIDv7 key and the columns of rows users may change.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    Date,
    Integer,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from collections_desktop.models.db.types import Money, UtcDateTime, UuidKey, new_id

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base: shared metadata, naming convention and column types."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it as a class attribute
        uuid.UUID: UuidKey(),
        Decimal: Money(),
        dt.datetime: UtcDateTime(),
        dt.date: Date(),
        str: String(200),
    }


def primary_id() -> Mapped[uuid.UUID]:
    return mapped_column(primary_key=True, default=new_id)


class Mutable:
    """Columns of rows users may change: last change, optimistic version, tombstone."""

    updated_at: Mapped[dt.datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[dt.datetime | None]
