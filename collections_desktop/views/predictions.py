"""Predicting pay dates from the pages: the prediction is made in a read on the background
lane (the day's model is learned there once), then stored by a short write, so neither a
click nor another write waits behind it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Collection

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from collections_desktop.models.predict.store import (
    PredictionRun,
    Prepared,
    prepare_predictions,
    store_predictions,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.operations import QueryOp, WriteOp, refusal
from collections_desktop.views.tasks import TaskState


def predict_in_background(
    context: PageContext,
    as_of: dt.date,
    done: Callable[[PredictionRun], None],
    failed: Callable[[str], None],
    *,
    customer_ids: Collection[uuid.UUID] | None = None,
    where: ColumnElement[bool] | None = None,
) -> bool:
    """Predict the open invoices of ``customer_ids`` (or of the ``where`` customers) and
    store them; ``done`` gets what was stored, ``failed`` a refusal in words. False (and
    nothing done) for a database opened read-only."""
    if context.database.read_only:
        return False
    database, runner, clock = context.database, context.runner, context.clock

    def prepare(_state: TaskState) -> Prepared:
        with database.sessions() as session:
            return prepare_predictions(session, as_of, customer_ids, where=where)

    def store(prepared: Prepared) -> None:
        def write(session: Session) -> PredictionRun:
            return store_predictions(session, prepared, clock.now())

        WriteOp(write, done, "store predictions", failure=failed).run(runner, database)

    QueryOp(
        prepare, store, "predict pay dates", failure=lambda e: failed(refusal(e)), long=True
    ).run(runner)
    return True
