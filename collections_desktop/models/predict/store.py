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
from sqlalchemy import BigInteger, Table, delete, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from collections_desktop.models.db.bulk import insert_rows
from collections_desktop.models.db.schema import (
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
    Predictions,
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


def predict_open_invoices(
    session: Session,
    as_of: dt.date,
    now: dt.datetime,
    customer_ids: Collection[uuid.UUID] | None = None,
) -> PredictionRun:
    """Predict the invoices open on ``as_of`` (of ``customer_ids``, else all) from what was
    settled before it, and replace those customers' stored predictions; the caller commits.

    The model is learned from the whole book once a day (``learn``); a few customers are
    then predicted from their own history alone. With no settled history the customers'
    predictions are only removed.
    """
    day = day_number(as_of)
    book = None
    model = _MODELS.get(_key(session, day))
    if model is None:
        book = _read(session, as_of)
        model = _learn(session, book, day)
    if book is None and customer_ids is not None and len(customer_ids) <= FEW:
        invoices = _read(session, as_of, customer_ids)
    else:
        invoices = book if book is not None else _read(session, as_of)
        if customer_ids is not None:
            index = {customer: i for i, customer in enumerate(invoices.customers)}
            chosen = [index[c] for c in customer_ids if c in index]
            invoices = invoices.take(np.isin(invoices.customer, chosen))
    _remove(session, customer_ids)
    scored = invoices.take((invoices.settled == OPEN) & (invoices.issued <= day))
    if model is None or not len(scored):
        return PredictionRun(0, 0, model.learned if model else 0)
    history = settled_before(invoices, day)
    result = predict(model, history, scored, day)
    _store(session, scored, result, as_of, now, customer_ids)
    return PredictionRun(len(scored), len(set(scored.customer.tolist())), model.learned)


def learn(session: Session, as_of: dt.date) -> Fitted | None:
    """The model of ``as_of`` for this database, learned now unless it already was today
    (a read: call it before a write that predicts a few customers, so the write is short).
    None when nothing was settled before ``as_of``."""
    day = day_number(as_of)
    known = _MODELS.get(_key(session, day))
    return known if known is not None else _learn(session, _read(session, as_of), day)


FEW = 500
"""Up to this many customers are read alone (by key); more, and the whole book is read."""
_MODELS: dict[tuple[str, int], Fitted] = {}
"""The day's model of each database (by URL): what was settled before a day does not change
during it, so the model is learned once a day in each process."""


def _key(session: Session, day: int) -> tuple[str, int]:
    return (str(session.connection().engine.url), day)


def _read(
    session: Session, as_of: dt.date, customer_ids: Collection[uuid.UUID] | None = None
) -> Invoices:
    since = as_of.replace(year=as_of.year - HISTORY_YEARS, day=min(as_of.day, 28))
    return read_invoices(session, settled_after=since, customer_ids=customer_ids)


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


def _open_units(session: Session, customer_ids: Collection[uuid.UUID] | None) -> dict[object, int]:
    """Each open invoice's open amount in stored units (1/10,000), by its stored key: one
    grouped statement (per 500 customers when some are asked for)."""
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
    if customer_ids is None:
        return {key: units for key, units in session.execute(query)}
    found: dict[object, int] = {}
    ids = list(customer_ids)
    for start in range(0, len(ids), 500):
        chunk = query.where(t.customer_id.in_(ids[start : start + 500]))
        found.update((key, units) for key, units in session.execute(chunk))
    return found


def _store(
    session: Session,
    scored: Invoices,
    result: Predictions,
    as_of: dt.date,
    now: dt.datetime,
    customer_ids: Collection[uuid.UUID] | None,
) -> None:
    units = _open_units(session, customer_ids)
    chances = np.rint(result.late_chance * BASIS_POINTS).astype(np.int64).tolist()
    settle_days = (scored.issued + result.days).tolist()
    delays = np.rint(result.usual_delay).astype(np.int64).tolist()
    trends = np.rint(result.trend).astype(np.int64).tolist()
    customers = [scored.customers[c] for c in scored.customer.tolist()]
    disputed = scored.disputed.tolist()
    rows = []
    for i, stored in enumerate(scored.ids):
        open_amount = Decimal(units[stored]) / MONEY_UNITS
        chance = chances[i]
        expected = (open_amount * chance / BASIS_POINTS).quantize(CENT, ROUND_HALF_UP)
        rows.append(
            (
                as_uuid(stored),
                customers[i],
                as_of,
                from_day_number(settle_days[i]),
                chance,
                delays[i],
                trends[i],
                disputed[i],
                open_amount,
                expected,
                now,
            )
        )
    insert_rows(session, cast(Table, InvoicePrediction.__table__), rows)
