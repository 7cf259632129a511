"""The model: a ridge regression of days to pay on the invoice's features, and the spread of
its errors, from which a settle date and the chance of paying late are read.

Least squares predicts a mean; a settle date is judged by its error in days, which the
median minimises, so the prediction is shifted by the median of the errors seen in
training. An invoice still open on a day cannot be settled before it: the shift and the
chance are then read from the errors at least as late as that day (the distribution given
that the invoice is still open), which is what makes an overdue invoice's chance rise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from collections_desktop.models.predict.features import (
    RECENT,
    Floats,
    Groups,
    customer_sums,
    group_figures,
    habits,
    learn_groups,
    matrix,
    weights,
)
from collections_desktop.models.predict.history import Invoices
from collections_desktop.models.predict.reads import LATE_DAYS

RIDGE = 1.0
"""The penalty on the standardised coefficients (in invoices' worth of weight)."""
FIT_ROWS = 300_000
"""A larger history is fitted on an even sample of this many invoices (the customers'
figures still come from all of it): 25 coefficients need no more."""
ROUNDS = 8
"""Reweighted rounds toward least absolute errors (the first is plain least squares)."""


@dataclass(frozen=True)
class Fitted:
    """A model learned from the invoices settled before ``day``."""

    day: int
    groups: Groups
    mean: Floats
    scale: Floats
    coefficients: Floats
    intercept: float
    errors: Floats
    """Training errors (actual less predicted days to pay), sorted."""
    learned: int
    """How many settled invoices it was learned from."""

    def days_to_pay(self, inputs: Floats) -> Floats:
        """The regression's days to pay for rows of ``inputs``."""
        return np.asarray(((inputs - self.mean) / self.scale) @ self.coefficients + self.intercept)


@dataclass(frozen=True)
class Predictions:
    """Per invoice: days from issue to the predicted settle date, and the chance (0-1) of
    settling more than ``LATE_DAYS`` days after the due date."""

    days: NDArray[np.int64]
    late_chance: Floats
    usual_delay: Floats
    trend: Floats


def settled_before(invoices: Invoices, day: int) -> Invoices:
    """The invoices settled before ``day``: what a model made on ``day`` may learn from."""
    return invoices.take(invoices.settled < day)


def fit(history: Invoices, day: int) -> Fitted:
    """Learn from ``history`` (invoices settled before ``day``): each invoice is described by
    its customer's figures without itself, so the model learns to predict the unseen.

    Recency lives in those figures; the regression weighs every invoice alike, since how a
    customer's habits turn into days to pay does not age the way the habits do (weighing
    old invoices down too lost 0.1-0.2 days of error on the IBM sample)."""
    if not len(history):
        raise ValueError("no settled invoice to learn from")
    groups = learn_groups(history, day)
    sums = customer_sums(history, day)
    own = (weights(history, day), history.settled >= day - RECENT)
    found = habits(history, sums, group_figures(groups, history), own=own)
    inputs = matrix(history, found)
    target = (history.settled - history.issued).astype(np.float64)
    if len(history) > FIT_ROWS:
        # Every n-th invoice in order of issue: an even sample over the years.
        order = np.lexsort((history.customer, history.issued))
        chosen = order[:: -(-len(history) // FIT_ROWS)]
        inputs, target = inputs[chosen], target[chosen]
    mean = inputs.mean(axis=0)
    scale = inputs.std(axis=0)
    scale[scale < 1e-6 * (np.abs(mean) + 1.0)] = 1.0  # a column that does not vary
    standard = (inputs - mean) / scale
    centre = float(np.median(target))
    coefficients = np.zeros(standard.shape[1])
    penalty = RIDGE * np.eye(standard.shape[1])
    robust = np.ones(len(target))
    for _ in range(ROUNDS):
        weighted = standard * robust[:, None]
        rhs = weighted.T @ (target - centre)
        coefficients = np.linalg.solve(standard.T @ weighted + penalty, rhs)
        centre = float(np.average(target - standard @ coefficients, weights=robust))
        residual = np.abs(target - centre - standard @ coefficients)
        robust = 1.0 / np.maximum(residual, 1.0)
    made = Fitted(day, groups, mean, scale, coefficients, centre, np.empty(0), len(history))
    errors = np.sort(target - made.days_to_pay(inputs))
    return Fitted(day, groups, mean, scale, coefficients, centre, errors, len(history))


def predict(
    model: Fitted, history: Invoices, invoices: Invoices, open_on: int | None
) -> Predictions:
    """Predict ``invoices`` from their customers' ``history`` (settled before the model's
    day; the same customer index). ``open_on``: the day the invoices are known to be still
    open (None: as of their issue)."""
    sums = customer_sums(history, model.day)
    found = habits(invoices, sums, group_figures(model.groups, invoices))
    regression = model.days_to_pay(matrix(invoices, found))
    errors = model.errors
    count = len(errors)
    floor = (
        np.zeros(len(invoices))
        if open_on is None
        else np.maximum(open_on - invoices.issued, 0).astype(np.float64)
    )
    # Known open past its issue: only errors that late are still possible. At issue every
    # invoice is open, which says nothing: all errors stay.
    below = np.where(floor > 0, np.searchsorted(errors, floor - regression, side="left"), 0)
    remaining = count - below
    middle = np.minimum((below + count) // 2, count - 1)
    shifted = np.where(remaining > 0, regression + errors[middle], floor)
    days = np.rint(np.maximum(shifted, floor)).astype(np.int64)
    limit = (invoices.due + LATE_DAYS - invoices.issued).astype(np.float64)
    above = np.searchsorted(errors, limit - regression, side="right")
    late = count - np.maximum(above, below)
    chance = np.where(
        remaining > 0, late / np.maximum(remaining, 1), (floor > limit).astype(np.float64)
    )
    return Predictions(days, chance, found.days_late, found.trend)
