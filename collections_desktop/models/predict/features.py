"""What the model knows about an invoice: its customer's paying habits as of a day, shrunk
toward the customer's group, and the invoice's own facts.

A customer's figures are recency weighted (an invoice settled ``HALF_LIFE`` days before the
day counts half) and shrunk toward its group's by ``SHRINK`` invoices' worth, so a customer
with two invoices of history is mostly judged by its group and one with two hundred by
itself. The group's figures are shrunk toward the whole book's the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from collections_desktop.models.predict.history import Invoices

HALF_LIFE = 730
"""Days after which a settled invoice's weight halves."""
SHRINK = 2.0
"""How many invoices' worth of the group's figures a customer's figures start from."""
RECENT = 120
"""The "lately" of the trend: invoices settled in the last this many days."""

NAMES = (
    "usual days to pay",
    "usual days late",
    "usual days to pay, same dispute",
    "history size",
    "amount band",
    "disputed",
    "payment terms",
    "trend",
    *(f"month {m}" for m in range(2, 13)),
    *(f"weekday {d}" for d in range(1, 7)),
)

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Groups:
    """The groups' figures (shrunk toward the book's) by group name, learned as of a day."""

    days_to_pay: dict[str, float]
    days_late: dict[str, float]
    dispute_offset: dict[str, tuple[float, float]]
    """Per group, its undisputed and disputed days to pay less its days to pay."""
    book: tuple[float, float, tuple[float, float]]
    """The same three figures for the whole book: a group never seen takes these."""


@dataclass(frozen=True)
class Sums:
    """Per customer (indexed as ``Invoices.customers``), weighted sums of its settled history."""

    weight: Floats
    count: Floats
    days_to_pay: Floats
    days_late: Floats
    segment_weight: Floats  # (customers, 2): undisputed, disputed
    segment_days_to_pay: Floats
    recent_weight: Floats
    recent_days_late: Floats


def weights(history: Invoices, day: int) -> Floats:
    """Each settled invoice's recency weight as of ``day``."""
    age = (day - history.settled).astype(np.float64)
    return np.power(0.5, age / HALF_LIFE)


def customer_sums(history: Invoices, day: int) -> Sums:
    """Weighted sums of each customer's invoices settled before ``day`` (``history`` holds
    only those)."""
    size = len(history.customers)
    w = weights(history, day)
    dtp = (history.settled - history.issued).astype(np.float64)
    late = (history.settled - history.due).astype(np.float64)
    c = history.customer
    segment = history.disputed.astype(np.int64)
    recent = w * (history.settled >= day - RECENT)

    def summed(values: Floats) -> Floats:
        return np.bincount(c, weights=values, minlength=size).astype(np.float64)

    segment_weight = np.zeros((size, 2))
    segment_dtp = np.zeros((size, 2))
    np.add.at(segment_weight, (c, segment), w)
    np.add.at(segment_dtp, (c, segment), w * dtp)
    return Sums(
        weight=summed(w),
        count=np.bincount(c, minlength=size).astype(np.float64),
        days_to_pay=summed(w * dtp),
        days_late=summed(w * late),
        segment_weight=segment_weight,
        segment_days_to_pay=segment_dtp,
        recent_weight=summed(recent),
        recent_days_late=summed(recent * late),
    )


def learn_groups(history: Invoices, day: int) -> Groups:
    """The groups' shrunk figures from the invoices settled before ``day``."""
    w = weights(history, day)
    dtp = (history.settled - history.issued).astype(np.float64)
    late = (history.settled - history.due).astype(np.float64)
    total = max(float(w.sum()), 1e-9)
    book_dtp = float((w * dtp).sum()) / total
    book_late = float((w * late).sum()) / total
    book_offset = []
    for flag in (False, True):
        chosen = history.disputed == flag
        weight = float(w[chosen].sum())
        mean = float((w * dtp)[chosen].sum()) / weight if weight else book_dtp
        book_offset.append(mean - book_dtp)
    group_names = history.groups
    size = len(group_names)
    g = history.group
    gw = np.bincount(g, weights=w, minlength=size)
    g_dtp = (np.bincount(g, weights=w * dtp, minlength=size) + SHRINK * book_dtp) / (gw + SHRINK)
    g_late = (np.bincount(g, weights=w * late, minlength=size) + SHRINK * book_late) / (gw + SHRINK)
    paired = g.astype(np.int64) * 2 + history.disputed
    segment_weight = np.bincount(paired, weights=w, minlength=2 * size).reshape(size, 2)
    segment_sum = np.bincount(paired, weights=w * dtp, minlength=2 * size).reshape(size, 2)
    start = g_dtp[:, None] + np.array(book_offset)[None, :]
    segment_mean = (segment_sum + SHRINK * start) / (segment_weight + SHRINK)
    shifts = segment_mean - g_dtp[:, None]
    offsets = {
        name: (float(shifts[i, 0]), float(shifts[i, 1])) for i, name in enumerate(group_names)
    }
    return Groups(
        days_to_pay={name: float(g_dtp[i]) for i, name in enumerate(group_names)},
        days_late={name: float(g_late[i]) for i, name in enumerate(group_names)},
        dispute_offset=offsets,
        book=(book_dtp, book_late, (book_offset[0], book_offset[1])),
    )


def group_figures(groups: Groups, invoices: Invoices) -> Floats:
    """Per invoice: its group's days to pay, days late and dispute offset (columns)."""
    book_dtp, book_late, book_offset = groups.book
    table = np.array(
        [
            (
                groups.days_to_pay.get(name, book_dtp),
                groups.days_late.get(name, book_late),
                *groups.dispute_offset.get(name, book_offset),
            )
            for name in invoices.groups
        ]
        or [(book_dtp, book_late, *book_offset)]
    )
    rows = table[invoices.group]
    offset = np.where(invoices.disputed, rows[:, 3], rows[:, 2])
    return np.column_stack((rows[:, 0], rows[:, 1], offset))


@dataclass(frozen=True)
class Habits:
    """Per invoice: its customer's shrunk figures, as the tooltip says them."""

    days_to_pay: Floats
    days_late: Floats
    segment_days_to_pay: Floats
    trend: Floats
    count: Floats


def habits(
    invoices: Invoices,
    sums: Sums,
    group: Floats,
    *,
    own: tuple[Floats, NDArray[np.bool_]] | None = None,
) -> Habits:
    """The customer figures of each invoice; ``own`` (each invoice's own weight, and
    whether it is recent) leaves the invoice itself out, for the invoices trained on."""
    c = invoices.customer
    segment = invoices.disputed.astype(np.int64)
    weight = sums.weight[c]
    count = sums.count[c]
    dtp_sum = sums.days_to_pay[c]
    late_sum = sums.days_late[c]
    seg_weight = sums.segment_weight[c, segment]
    seg_sum = sums.segment_days_to_pay[c, segment]
    recent_weight = sums.recent_weight[c]
    recent_sum = sums.recent_days_late[c]
    if own is not None:
        w, recent = own
        dtp = (invoices.settled - invoices.issued).astype(np.float64)
        late = (invoices.settled - invoices.due).astype(np.float64)
        weight, count = weight - w, count - 1
        dtp_sum, late_sum = dtp_sum - w * dtp, late_sum - w * late
        seg_weight, seg_sum = seg_weight - w, seg_sum - w * dtp
        recent_w = w * recent
        recent_weight, recent_sum = recent_weight - recent_w, recent_sum - recent_w * late
    weight = np.maximum(weight, 0.0)
    days_to_pay = (dtp_sum + SHRINK * group[:, 0]) / (weight + SHRINK)
    days_late = (late_sum + SHRINK * group[:, 1]) / (weight + SHRINK)
    segment_dtp = (seg_sum + SHRINK * (days_to_pay + group[:, 2])) / (
        np.maximum(seg_weight, 0.0) + SHRINK
    )
    recent_weight = np.maximum(recent_weight, 0.0)
    trend = (recent_sum - recent_weight * days_late) / (recent_weight + SHRINK)
    return Habits(days_to_pay, days_late, segment_dtp, trend, np.maximum(count, 0.0))


def matrix(invoices: Invoices, found: Habits) -> Floats:
    """The model's inputs, one row per invoice, in the order of ``NAMES``."""
    days = invoices.issued.astype("timedelta64[D]") + np.datetime64("2000-01-01")
    month = (days.astype("datetime64[M]").astype(np.int64) % 12) + 1
    weekday = (days.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 1970-01-01: Thursday
    months = (month[:, None] == np.arange(2, 13)[None, :]).astype(np.float64)
    weekdays = (weekday[:, None] == np.arange(1, 7)[None, :]).astype(np.float64)
    return np.column_stack(
        (
            found.days_to_pay,
            found.days_late,
            found.segment_days_to_pay,
            np.log1p(found.count),
            np.log1p(np.maximum(invoices.amount, 0.0)),
            invoices.disputed.astype(np.float64),
            (invoices.due - invoices.issued).astype(np.float64),
            found.trend,
            months,
            weekdays,
        )
    )
