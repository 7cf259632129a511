"""Open amounts as of any date: a customer's open items, one transaction's, a balance.

``open(t, D) = t.amount - Σ lines of t dated ≤ D`` for ``t`` posted ≤ D, and a customer's
balance on ``D`` is the sum of those open amounts. A transaction closed on or before ``D``
(``closed_on``) is skipped without summing its lines.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    FromClause,
    ScalarSelect,
    Select,
    SQLColumnExpression,
    Subquery,
    True_,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from collections_desktop.kernel.money import ZERO
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    SettlementLine,
)
from collections_desktop.models.db.types import Money


@dataclass(frozen=True)
class OpenItem:
    """A transaction with what is still open of it on a given date."""

    transaction_id: uuid.UUID
    voucher: str
    document_number: str
    type: str
    posting_date: dt.date
    document_date: dt.date
    due_date: dt.date
    currency: str
    amount: Decimal
    open_amount: Decimal
    amount_accounting: Decimal
    open_amount_accounting: Decimal
    collection_status: str


OpenItemColumns = tuple[
    uuid.UUID,
    str,
    str,
    str,
    dt.date,
    dt.date,
    dt.date,
    str,
    Decimal,
    Decimal,
    Decimal,
    Decimal,
    str,
]
"""The columns of ``_open_items_query``: an ``OpenItem``'s fields, in order."""


def _settled_as_of(
    as_of: dt.date, column: InstrumentedAttribute[Decimal] = SettlementLine.amount
) -> ScalarSelect[Decimal]:
    """Correlated sum of a transaction's settlement lines dated on or before ``as_of``."""
    return (
        select(func.coalesce(func.sum(column), 0))
        .where(
            SettlementLine.transaction_id == CustomerTransaction.id,
            SettlementLine.settlement_date <= as_of,
        )
        .correlate(CustomerTransaction)
        .scalar_subquery()
    )


def _open_items_query(as_of: dt.date) -> Select[*OpenItemColumns]:
    open_amount = type_coerce(CustomerTransaction.amount - _settled_as_of(as_of), Money())
    open_accounting = type_coerce(_open_accounting(as_of), Money())
    return select(
        CustomerTransaction.id,
        CustomerTransaction.voucher,
        CustomerTransaction.document_number,
        CustomerTransaction.type,
        CustomerTransaction.posting_date,
        CustomerTransaction.document_date,
        CustomerTransaction.due_date,
        CustomerTransaction.currency,
        CustomerTransaction.amount,
        open_amount.label("open_amount"),
        CustomerTransaction.amount_accounting,
        open_accounting.label("open_amount_accounting"),
        CustomerTransaction.collection_status,
    ).where(*_open_on(as_of))


def _open_accounting(as_of: dt.date) -> ColumnElement[Decimal]:
    """What is open of a transaction on ``as_of`` in the accounting currency."""
    return CustomerTransaction.amount_accounting - _settled_as_of(
        as_of, SettlementLine.amount_accounting
    )


def _open_on(as_of: dt.date) -> tuple[ColumnElement[bool], ...]:
    """The transactions that may have something open on ``as_of``."""
    return (
        CustomerTransaction.posting_date <= as_of,
        # Closed on or before as_of: nothing open, no need to sum its settlement lines.
        or_(CustomerTransaction.closed_on.is_(None), CustomerTransaction.closed_on > as_of),
    )


OPEN_AMOUNT = literal_column("open_amount", Money())
"""The open amount of ``open_items``'s query by its name, for an ``order_by`` term of its
own (``OPEN_AMOUNT`` or ``OPEN_AMOUNT.desc()``, never inside an expression, where SQL reads
no output name): the settlement lines are not summed again to sort on it."""


def open_items(
    session: Session,
    customer_id: uuid.UUID,
    as_of: dt.date,
    *,
    where: Sequence[ColumnElement[bool]] = (),
    order_by: Sequence[SQLColumnExpression[Any]] = (),
    outer_join: tuple[FromClause, ColumnElement[bool]] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[OpenItem]:
    """The customer's transactions not fully settled on ``as_of``, oldest due date first
    or in the order of ``order_by`` (those meeting ``where``; ``limit`` of them after the
    first ``offset``). ``outer_join`` (a table and its condition) is for an order on
    another table's columns; ``OPEN_AMOUNT`` sorts on the open amount.

    A transaction settled in full by lines dated by ``as_of`` but not closed by then (a
    settlement reversed later) has nothing open and is left out: in SQL when ``offset``
    or ``limit`` count rows, so a page counts only open ones; else in Python, which spares
    SQL a second sum of the lines.
    """
    t = CustomerTransaction
    query = _open_items_query(as_of).where(t.customer_id == customer_id, *where)
    if outer_join is not None:
        query = query.outerjoin(*outer_join)
    if offset or limit is not None:
        query = query.where(t.amount != _settled_as_of(as_of))
    query = query.order_by(*(order_by or (t.due_date, t.voucher)))
    query = query.offset(offset or None).limit(limit)
    return [OpenItem(*row) for row in session.execute(query) if row.open_amount != ZERO]


def open_counts(
    session: Session,
    customer_id: uuid.UUID,
    as_of: dt.date,
    kinds: Mapping[str, ColumnElement[bool]],
) -> dict[str, int]:
    """How many of the customer's transactions are open on ``as_of``, in all and of each
    kind (a condition on ``CustomerTransaction``), counted in one statement."""
    t = CustomerTransaction
    row = session.execute(
        select(
            func.count().label("all"),
            *(func.count(case((condition, 1))).label(name) for name, condition in kinds.items()),
        ).where(t.customer_id == customer_id, *_open_on(as_of))
    ).one()
    return {name: int(row._mapping[name] or 0) for name in ("all", *kinds)}


def open_currencies(
    session: Session, customer_id: uuid.UUID, as_of: dt.date, *, limit: int = 2
) -> list[str]:
    """Up to ``limit`` currencies of the customer's transactions open on ``as_of`` (as
    ``open_counts`` counts them): enough to tell whether all share one."""
    t = CustomerTransaction
    query = select(t.currency).where(t.customer_id == customer_id, *_open_on(as_of))
    return list(session.scalars(query.distinct().limit(limit)))


def open_amount(session: Session, transaction_id: uuid.UUID, as_of: dt.date) -> Decimal:
    """What is open of one transaction on ``as_of`` (zero before it was posted)."""
    row = session.execute(
        _open_items_query(as_of).where(CustomerTransaction.id == transaction_id)
    ).one_or_none()
    return row.open_amount if row is not None else ZERO


def balance(session: Session, customer_id: uuid.UUID, as_of: dt.date) -> Decimal:
    """The customer's balance on ``as_of`` in the accounting currency (Σ open amounts)."""
    posted = session.scalar(
        select(func.coalesce(func.sum(CustomerTransaction.amount_accounting), 0)).where(
            CustomerTransaction.customer_id == customer_id,
            CustomerTransaction.posting_date <= as_of,
        )
    )
    settled = session.scalar(
        select(func.coalesce(func.sum(SettlementLine.amount_accounting), 0))
        .join(CustomerTransaction, SettlementLine.transaction_id == CustomerTransaction.id)
        .where(
            CustomerTransaction.customer_id == customer_id,
            SettlementLine.settlement_date <= as_of,
        )
    )
    return Decimal(posted or 0) - Decimal(settled or 0)


def balances_by_customer(
    as_of: dt.date, customer_condition: ColumnElement[bool] | None = None
) -> Subquery:
    """Every customer's balance on ``as_of`` in the accounting currency: one row per customer
    with something open (``customer_id``, ``balance``), the open items' amounts summed.

    Only the transactions not closed by ``as_of`` are read, through the ``closed_on``
    index (a closed one adds nothing), each open amount computed once in a materialised
    CTE and then summed; so a list of every customer reads a few per cent of a mature
    ledger. ``customer_condition`` (on ``Customer``) keeps the customers of a scope. A
    customer without a row owes nothing.
    """
    t = CustomerTransaction
    conditions = list(_open_on(as_of))
    if customer_condition is not None and not isinstance(customer_condition, True_):
        # An expression of the column, not the column: the open items are found through
        # the closed_on index; with the bare column SQLite walks every transaction of the
        # scope's customers by the customer index instead (millions of rows, not 5 %).
        conditions.append(
            func.coalesce(t.customer_id, t.customer_id).in_(
                select(Customer.id).where(Customer.deleted_at.is_(None), customer_condition)
            )
        )
    items = (
        select(t.customer_id, type_coerce(_open_accounting(as_of), Money()).label("open"))
        .where(*conditions)
        .cte("open_items")
        .prefix_with("MATERIALIZED")
    )
    return (
        select(
            items.c.customer_id.label("customer_id"),
            type_coerce(func.sum(items.c.open), Money()).label("balance"),
        )
        .group_by(items.c.customer_id)
        .subquery("balances")
    )


def open_figures_by_customer(
    as_of: dt.date, customer_condition: ColumnElement[bool] | None = None
) -> Subquery:
    """``balances_by_customer`` with what is past due: one row per customer with something
    open (``customer_id``, ``balance``, ``past_due``, ``oldest_past_due``).

    Past due is what is open of the debits due before ``as_of`` (in the accounting
    currency, as the aging on the due date counts it); ``oldest_past_due`` the earliest
    due date among them (NULL when nothing is past due). Read as ``balances_by_customer``
    reads: the open items once, through the ``closed_on`` index, in a materialised CTE.
    """
    t = CustomerTransaction
    conditions = list(_open_on(as_of))
    if customer_condition is not None and not isinstance(customer_condition, True_):
        conditions.append(  # the expression, not the column: see balances_by_customer
            func.coalesce(t.customer_id, t.customer_id).in_(
                select(Customer.id).where(Customer.deleted_at.is_(None), customer_condition)
            )
        )
    items = (
        select(
            t.customer_id,
            t.amount,
            t.due_date,
            type_coerce(_open_accounting(as_of), Money()).label("open"),
        )
        .where(*conditions)
        .cte("open_figures_items")
        .prefix_with("MATERIALIZED")
    )
    i = items.c
    past_due = and_(i.amount > 0, i.due_date < as_of, i.open != 0)
    return (
        select(
            i.customer_id.label("customer_id"),
            type_coerce(func.sum(i.open), Money()).label("balance"),
            type_coerce(func.sum(case((past_due, i.open), else_=0)), Money()).label("past_due"),
            type_coerce(func.min(case((past_due, i.due_date))), Date()).label("oldest_past_due"),
        )
        .group_by(i.customer_id)
        .subquery("open_figures")
    )
