"""The invoices the predictions learn from and score, read as columns of day numbers.

One statement reads every invoice's dates, amount, dispute and customer, the dates as whole
days from ``EPOCH`` computed in SQL (no date objects are made for millions of rows). What is
settled (``closed_on``) and what is open on a day is then a comparison of integers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import BigInteger, ColumnElement, literal, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from collections_desktop.models.db.functions import days_between
from collections_desktop.models.db.schema import Customer, CustomerTransaction
from collections_desktop.models.db.schema.enums import CollectionStatus, TransactionType

EPOCH = dt.date(2000, 1, 1)
SLICE = 100_000
"""Rows read and made into columns at a time."""
MONEY_UNITS = 10_000
"""Stored amounts are whole 1/10,000ths (``db.types.Money``)."""
OPEN = np.iinfo(np.int32).max
"""The settle day of an invoice not settled yet: later than any day."""


def day_number(day: dt.date) -> int:
    """``day`` as whole days from ``EPOCH``, as the columns hold it."""
    return (day - EPOCH).days


def from_day_number(number: int) -> dt.date:
    """The date of a day number."""
    return EPOCH + dt.timedelta(days=int(number))


@dataclass(frozen=True)
class Invoices:
    """Invoices as parallel columns (``customer`` and ``group`` index the two lists)."""

    ids: list[object | None]
    """The open invoices' keys as stored (``as_uuid`` makes a UUID of one); None for a
    settled one, which is never stored."""
    customers: list[uuid.UUID]
    groups: list[str]
    """The customers' groups ("" for none)."""
    customer: NDArray[np.int32]
    group: NDArray[np.int32]
    issued: NDArray[np.int32]
    due: NDArray[np.int32]
    settled: NDArray[np.int32]
    """The day nothing was left open (``OPEN`` while something is)."""
    amount: NDArray[np.float64]
    """The invoice's amount in the accounting currency, as a model input only (never money)."""
    disputed: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, mask: NDArray[np.bool_]) -> Invoices:
        """The invoices where ``mask`` holds, indexes into the same customers."""
        positions = np.flatnonzero(mask)
        return Invoices(
            ids=[self.ids[i] for i in positions],
            customers=self.customers,
            groups=self.groups,
            customer=self.customer[mask],
            group=self.group[mask],
            issued=self.issued[mask],
            due=self.due[mask],
            settled=self.settled[mask],
            amount=self.amount[mask],
            disputed=self.disputed[mask],
        )


def read_invoices(
    session: Session,
    *,
    settled_after: dt.date | None = None,
    customer_ids: Collection[uuid.UUID] | None = None,
    where: ColumnElement[bool] | None = None,
) -> Invoices:
    """Every invoice (of ``customer_ids``, or of the customers ``where`` holds for, when
    given) that was open on or after ``settled_after``: history settled earlier than that
    is left unread.

    An invoice counts as disputed when it is or was disputed (a resolved dispute was one).
    """
    t = CustomerTransaction
    epoch = literal(EPOCH)
    # Keys and amounts are read as stored (bytes or UUID, integers of 1/10,000): making a
    # UUID and a Decimal of each of millions of rows would take most of the time.
    query = (
        select(
            type_coerce(t.id, NullType()),
            type_coerce(t.customer_id, NullType()),
            Customer.customer_group,
            days_between(t.document_date, epoch),
            days_between(t.due_date, epoch),
            days_between(t.closed_on, epoch),
            type_coerce(t.amount_accounting, BigInteger()),
            t.collection_status.in_((CollectionStatus.DISPUTED, CollectionStatus.RESOLVED)),
        )
        .join(Customer, Customer.id == t.customer_id)
        .where(t.type == TransactionType.INVOICE, t.amount_accounting > 0)
    )
    if settled_after is not None:
        query = query.where(or_(t.closed_on.is_(None), t.closed_on >= settled_after))
    if customer_ids is not None:
        query = query.where(t.customer_id.in_(list(customer_ids)))
    if where is not None:
        query = query.where(where)
    # Read in slices, each made into columns at once: millions of rows never stand as
    # Python tuples all together.
    result = session.execute(query.execution_options(yield_per=SLICE))
    return _columns(list(result.partitions()))


def as_uuid(stored: object) -> uuid.UUID:
    """A key as read raw: PostgreSQL gives a UUID, SQLite its 16 bytes."""
    if isinstance(stored, uuid.UUID):
        return stored
    assert isinstance(stored, bytes | memoryview)
    return uuid.UUID(bytes=bytes(stored))


def _columns(slices: Sequence[Sequence[Sequence[Any]]]) -> Invoices:
    customers: dict[object, int] = {}
    groups: dict[str, int] = {}
    ids: list[object | None] = []
    parts: list[tuple[NDArray[Any], ...]] = []
    for rows in slices:
        count = len(rows)
        customer = np.fromiter(
            (customers.setdefault(r[1], len(customers)) for r in rows), np.int32, count
        )
        group = np.fromiter(
            (groups.setdefault(r[2] or "", len(groups)) for r in rows), np.int32, count
        )
        settled = np.fromiter((OPEN if r[5] is None else r[5] for r in rows), np.int32, count)
        ids.extend(r[0] if r[5] is None else None for r in rows)
        parts.append(
            (
                customer,
                group,
                np.fromiter((r[3] for r in rows), np.int32, count),
                np.fromiter((r[4] for r in rows), np.int32, count),
                settled,
                np.fromiter((r[6] for r in rows), np.float64, count) / MONEY_UNITS,
                np.fromiter((bool(r[7]) for r in rows), np.bool_, count),
            )
        )
    types = (np.int32, np.int32, np.int32, np.int32, np.int32, np.float64, np.bool_)
    columns = [
        np.concatenate([part[i] for part in parts]) if parts else np.empty(0, kind)
        for i, kind in enumerate(types)
    ]
    return Invoices(
        ids=ids,
        customers=[as_uuid(stored) for stored in customers],
        groups=list(groups),
        customer=columns[0],
        group=columns[1],
        issued=columns[2],
        due=columns[3],
        settled=columns[4],
        amount=columns[5],
        disputed=columns[6],
    )
