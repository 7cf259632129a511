"""The aged-balances chart: one labelled bar per column, one colour scale, an empty state."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtGui import QColor

from collections_desktop.formatting import Formats
from collections_desktop.views.style import (
    CURRENT_COLOUR,
    PAST_DUE_SCALE,
    UNAPPLIED_COLOUR,
    aging_colour,
)
from collections_desktop.views.widgets.aging_chart import AgingChart

D = Decimal
LABELS = ["Current", "1-30 days", "31-60 days", "61-90 days", "91-120 days", "Over 120 days",
          "Unapplied"]  # fmt: skip


def test_bars_carry_the_exact_amounts_and_the_currency(qtbot) -> None:
    chart = AgingChart(Formats.for_locale("es_ES"))
    qtbot.addWidget(chart)
    amounts = [D("14872.40"), D("2566.22"), D(0), D(0), D(0), D("412.43"), D("-780.18")]
    chart.set_aging(LABELS, amounts, "EUR")
    assert chart.shown == tuple(zip(LABELS, amounts, strict=True))
    assert chart.title.text() == "Aged balances (EUR)"
    texts = sorted(
        item.toPlainText()
        for item in chart.plot.getPlotItem().items
        if hasattr(item, "toPlainText")
    )
    assert texts == sorted(["14.872,40", "2.566,22", "0,00", "0,00", "0,00", "412,43", "-780,18"])
    assert chart.plot.isVisibleTo(chart)
    assert not chart.empty.isVisibleTo(chart)


def test_nothing_open_shows_the_empty_state(qtbot) -> None:
    chart = AgingChart(Formats())
    qtbot.addWidget(chart)
    chart.set_aging(LABELS, [D(0)] * 7, "EUR")
    assert chart.empty.isVisibleTo(chart)
    assert chart.empty.text() == "No open amounts."
    assert not chart.plot.isVisibleTo(chart)
    chart.clear()
    assert chart.shown == ()


def test_one_colour_scale_from_calm_current_to_the_darkest_oldest_period() -> None:
    colours = [aging_colour(i, 7) for i in range(7)]
    assert colours[0] == CURRENT_COLOUR
    assert colours[-1] == UNAPPLIED_COLOUR
    assert colours[1] == QColor(PAST_DUE_SCALE[0])
    assert colours[5] == QColor(PAST_DUE_SCALE[-1]), "the oldest period is the strongest"
    lightness = [c.lightness() for c in colours[1:6]]
    assert lightness == sorted(lightness, reverse=True), "older periods are darker"
    assert aging_colour(1, 3) == QColor(PAST_DUE_SCALE[-2])  # a single period
