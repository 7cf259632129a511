"""The back-test: learn from what was settled before a cut-off, predict the invoices issued
from it, and compare the error in days with three simple ways of guessing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.predict.history import OPEN, Invoices, day_number, read_invoices
from collections_desktop.models.predict.model import fit, predict, settled_before

METHODS = (
    N_("due date"),
    N_("customer mean"),
    N_("customer mean by dispute"),
    N_("model"),
)


@dataclass(frozen=True)
class Score:
    """One method's mean absolute error over ``count`` invoices."""

    method: str
    count: int
    mean_absolute_error: float


class BacktestError(ValueError):
    """The ledger cannot be back-tested at this cut-off (nothing before or after it)."""


def backtest(session: Session, cutoff: dt.date) -> list[Score]:
    """The four methods' errors on the settled invoices issued on or after ``cutoff``."""
    day = day_number(cutoff)
    invoices = read_invoices(session)
    history = settled_before(invoices, day)
    tested = invoices.take((invoices.issued >= day) & (invoices.settled != OPEN))
    if not len(history):
        raise BacktestError(_("No invoice was settled before the cut-off: choose a later date."))
    if not len(tested):
        raise BacktestError(
            _("No settled invoice was issued on or after the cut-off: choose an earlier date.")
        )
    actual = (tested.settled - tested.issued).astype(np.float64)
    guesses = (
        (tested.due - tested.issued).astype(np.float64),
        _customer_mean(history, tested, by_dispute=False),
        _customer_mean(history, tested, by_dispute=True),
        predict(fit(history, day), history, tested, None).days.astype(np.float64),
    )
    return [
        Score(name, len(tested), float(np.mean(np.abs(np.rint(guess) - actual))))
        for name, guess in zip(METHODS, guesses, strict=True)
    ]


def _customer_mean(history: Invoices, tested: Invoices, *, by_dispute: bool) -> NDArray[np.float64]:
    """Each tested invoice's customer mean days to pay (in its dispute segment when
    ``by_dispute``, else over all), the book's mean where the customer has none."""
    size = len(history.customers)
    days = (history.settled - history.issued).astype(np.float64)
    book = float(days.mean())
    counts = np.bincount(history.customer, minlength=size)
    means = np.bincount(history.customer, weights=days, minlength=size) / np.maximum(counts, 1)
    overall = np.where(counts[tested.customer] > 0, means[tested.customer], book)
    if not by_dispute:
        return overall
    paired = history.customer.astype(np.int64) * 2 + history.disputed
    segment_counts = np.bincount(paired, minlength=2 * size)
    segment_means = np.bincount(paired, weights=days, minlength=2 * size) / np.maximum(
        segment_counts, 1
    )
    wanted = tested.customer.astype(np.int64) * 2 + tested.disputed
    return np.where(segment_counts[wanted] > 0, segment_means[wanted], overall)
