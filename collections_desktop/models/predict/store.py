"""Predict the open invoices on a day and store the predictions (``invoice_predictions``).

The model learns from the whole book's history (``HISTORY_YEARS`` back: older invoices
weigh almost nothing); the predictions are rewritten for the customers asked for, the
others' left as they were. Money stays exact: the open amount is summed in SQL and the
expected late amount is that times the chance, to the cent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

import numpy as np
from sqlalchemy import BigInteger, ColumnElement, Table, delete, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from collections_desktop.models.db.bulk import insert_rows
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    InvoicePrediction,
    SettlementLine,
)
from collections_desktop.models.db.schema.enums import TransactionType
from collections_desktop.models.predict.history import (
    MONEY_UNITS,
    OPEN,
    Invoices,
    as_uuid,
    day_number,
    from_day_number,
    read_invoices,
)
from collections_desktop.models.predict.model import (
    Fitted,
    fit,
    predict,
    settled_before,
)
from collections_desktop.models.predict.reads import BASIS_POINTS

HISTORY_YEARS = 5
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PredictionRun:
    """What a run did: invoices predicted, for how many customers, learned from how many."""

    predicted: int
    customers: int
    learned_from: int


@dataclass(frozen=True)
class Prepared:
    """Predictions made in a read, to be stored by a short write (``store_predictions``)."""

    as_of: dt.date
    customer_ids: Collection[uuid.UUID] | None
    """Whose predictions are replaced: these customers, the ``where`` ones, else everyone."""
    where: ColumnElement[bool] | None
    rows: list[tuple[object, uuid.UUID, dt.date, int, int, int, bool]]
    """Per open invoice: its stored key, customer, predicted date, chance (basis points),
    usual delay, trend and dispute."""
    learned: int


def predict_open_invoices(
    session: Session,
    as_of: dt.date,
    now: dt.datetime,
    customer_ids: Collection[uuid.UUID] | None = None,
    *,
    where: ColumnElement[bool] | None = None,
) -> PredictionRun:
    """Predict and store in one session (the command line's runs and the tests); the app
    prepares in a read and stores in a short write instead."""
    prepared = prepare_predictions(session, as_of, customer_ids, where=where)
    return store_predictions(session, prepared, now)


def prepare_predictions(
    session: Session,
    as_of: dt.date,
    customer_ids: Collection[uuid.UUID] | None = None,
    *,
    where: ColumnElement[bool] | None = None,
) -> Prepared:
    """Predict the invoices open on ``as_of`` of ``customer_ids`` (or of the customers
    ``where`` holds for, a condition on ``Customer``; else of everyone) from what was
    settled before it. Writes nothing.

    The model is learned from the whole book once a day (``_learn``); afterwards a few
    customers are predicted from their own history alone.
    """
    day = day_number(as_of)
    book = None
    model = _MODELS.get(_key(session, day))
    if model is None:
        book = _read(session, as_of)
        model = _learn(session, book, day)
    if book is None and customer_ids is not None and len(customer_ids) <= FEW:
        invoices = _read(session, as_of, customer_ids=customer_ids)
    elif book is None and where is not None:
        invoices = _read(session, as_of, where=where)
    else:
        invoices = book if book is not None else _read(session, as_of)
        chosen = customer_ids
        if chosen is None and where is not None:
            chosen = set(session.scalars(select(Customer.id).where(where)))
        if chosen is not None:
            index = {customer: i for i, customer in enumerate(invoices.customers)}
            positions = [index[c] for c in chosen if c in index]
            invoices = invoices.take(np.isin(invoices.customer, positions))
    learned = model.learned if model is not None else 0
    scored = invoices.take((invoices.settled == OPEN) & (invoices.issued <= day))
    if model is None or not len(scored):
        return Prepared(as_of, customer_ids, where, [], learned)
    result = predict(model, settled_before(invoices, day), scored, day)
    settle_days = (scored.issued + result.days).tolist()
    chances = np.rint(result.late_chance * BASIS_POINTS).astype(np.int64).tolist()
    delays = np.rint(result.usual_delay).astype(np.int64).tolist()
    trends = np.rint(result.trend).astype(np.int64).tolist()
    customers = scored.customer.tolist()
    disputed = scored.disputed.tolist()
    rows = [
        (
            stored,
            scored.customers[customers[i]],
            from_day_number(settle_days[i]),
            chances[i],
            delays[i],
            trends[i],
            disputed[i],
        )
        for i, stored in enumerate(scored.ids)
    ]
    return Prepared(as_of, customer_ids, where, rows, learned)


def store_predictions(session: Session, prepared: Prepared, now: dt.datetime) -> PredictionRun:
    """Replace the prepared customers' predictions; the caller commits. An invoice settled
    since the predictions were prepared is left out (its open amount is read here)."""
    customers = prepared.customer_ids
    if customers is None and prepared.where is not None:
        chosen = select(Customer.id).where(prepared.where)
        session.execute(delete(InvoicePrediction).where(InvoicePrediction.customer_id.in_(chosen)))
        units = _open_units(session, None, Customer.id.in_(chosen))
    else:
        _remove(session, customers)
        units = _open_units(session, customers, None)
    rows = []
    for stored, customer_id, predicted, chance, delay, trend, disputed in prepared.rows:
        if stored not in units:
            continue
        open_amount = Decimal(units[stored]) / MONEY_UNITS
        expected = (open_amount * chance / BASIS_POINTS).quantize(CENT, ROUND_HALF_UP)
        rows.append(
            (
                as_uuid(stored),
                customer_id,
                prepared.as_of,
                predicted,
                chance,
                delay,
                trend,
                disputed,
                open_amount,
                expected,
                now,
            )
        )
    insert_rows(session, cast(Table, InvoicePrediction.__table__), rows)
    return PredictionRun(len(rows), len({row[1] for row in rows}), prepared.learned)


FEW = 500
"""Up to this many customers are read alone (by key); more, and the whole book is read."""
_MODELS: dict[tuple[str, int], Fitted] = {}
"""The day's model of each database (by URL): what was settled before a day does not change
during it, so the model is learned once a day in each process."""


def _key(session: Session, day: int) -> tuple[str, int]:
    return (str(session.connection().engine.url), day)


def _read(
    session: Session,
    as_of: dt.date,
    *,
    customer_ids: Collection[uuid.UUID] | None = None,
    where: ColumnElement[bool] | None = None,
) -> Invoices:
    since = as_of.replace(year=as_of.year - HISTORY_YEARS, day=min(as_of.day, 28))
    return read_invoices(session, settled_after=since, customer_ids=customer_ids, where=where)


def _learn(session: Session, book: Invoices, day: int) -> Fitted | None:
    history = settled_before(book, day)
    if not len(history):
        return None
    model = fit(history, day)
    key = _key(session, day)
    for old in [k for k in _MODELS if k[0] == key[0]]:
        del _MODELS[old]
    _MODELS[key] = model
    return model


def _remove(session: Session, customer_ids: Collection[uuid.UUID] | None) -> None:
    if customer_ids is None:
        session.execute(delete(InvoicePrediction))
        return
    ids = list(customer_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(delete(InvoicePrediction).where(InvoicePrediction.customer_id.in_(chunk)))


def _open_units(
    session: Session,
    customer_ids: Collection[uuid.UUID] | None,
    where: ColumnElement[bool] | None,
) -> dict[object, int]:
    """Each open invoice's open amount in stored units (1/10,000), by its stored key: one
    grouped statement (per 500 customers when some are named)."""
    t, line = CustomerTransaction, SettlementLine
    query = (
        select(
            type_coerce(t.id, NullType()),
            type_coerce(t.amount_accounting, BigInteger())
            - func.coalesce(func.sum(type_coerce(line.amount_accounting, BigInteger())), 0),
        )
        .outerjoin(line, line.transaction_id == t.id)
        .where(t.type == TransactionType.INVOICE, t.closed_on.is_(None))
        .group_by(t.id, t.amount_accounting)
    )
    if where is not None:
        query = query.where(
            func.coalesce(t.customer_id, t.customer_id).in_(select(Customer.id).where(where))
        )
    if customer_ids is None:
        return {key: units for key, units in session.execute(query)}
    found: dict[object, int] = {}
    ids = list(customer_ids)
    for start in range(0, len(ids), 500):
        chunk = query.where(t.customer_id.in_(ids[start : start + 500]))
        found.update((key, units) for key, units in session.execute(chunk))
    return found
