"""Figures per customer that a replica and the server compare after a sync.

Counts and exact sums of what each side holds for a customer; equal figures mean the
replica holds the customer's rows as the server does (a mismatch makes the replica fetch
the customer whole). The same queries run on SQLite and PostgreSQL, and money sums are
exact on both (integers of 1/10,000 units, ``models/db/types.Money``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.models.db.schema import (
    Activity,
    CollectionLetter,
    Contact,
    Customer,
    CustomerTransaction,
    Settlement,
    SettlementLine,
)

_ID_CHUNK = 10_000
"""Customer ids per query (SQLite takes at most 32,766 parameters in one statement)."""


@dataclass(frozen=True)
class Figures:
    """What one side holds for a customer."""

    transactions: int = 0
    transactions_sum: Decimal = Decimal(0)  # amount in the accounting currency
    settlement_lines: int = 0
    settlement_lines_sum: Decimal = Decimal(0)
    activities: int = 0
    contacts: int = 0
    letters: int = 0


def customer_figures(
    session: Session, customer_ids: Collection[uuid.UUID] | None
) -> dict[uuid.UUID, Figures]:
    """The figures of these customers (every customer when None), zero where none."""
    chunks: list[list[uuid.UUID] | None]
    if customer_ids is None:
        chunks = [None]
        figures = {customer_id: Figures() for customer_id in session.scalars(select(Customer.id))}
    else:
        ids = sorted(set(customer_ids))
        chunks = [ids[i : i + _ID_CHUNK] for i in range(0, len(ids), _ID_CHUNK)]
        figures = {customer_id: Figures() for customer_id in ids}
    txn, line = CustomerTransaction, SettlementLine
    for chunk in chunks:
        queries: list[tuple[Any, Any, tuple[str, ...]]] = [
            (
                select(txn.customer_id, func.count(), func.sum(txn.amount_accounting)),
                txn.customer_id,
                ("transactions", "transactions_sum"),
            ),
            (
                select(Settlement.customer_id, func.count(), func.sum(line.amount_accounting))
                .select_from(line)
                .join(Settlement, Settlement.id == line.settlement_id),
                Settlement.customer_id,
                ("settlement_lines", "settlement_lines_sum"),
            ),
            (select(Activity.customer_id, func.count()), Activity.customer_id, ("activities",)),
            (select(Contact.customer_id, func.count()), Contact.customer_id, ("contacts",)),
            (
                select(CollectionLetter.customer_id, func.count()),
                CollectionLetter.customer_id,
                ("letters",),
            ),
        ]
        for statement, customer, names in queries:
            if chunk is not None:
                statement = statement.where(customer.in_(chunk))
            for customer_id, *values in session.execute(statement.group_by(customer)):
                if customer_id in figures:
                    figures[customer_id] = replace(
                        figures[customer_id], **dict(zip(names, values, strict=True))
                    )
    return figures
