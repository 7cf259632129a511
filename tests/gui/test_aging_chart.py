"""The small aged-balances chart: a line per column with its amount and a bar, one colour
scale, the balance, an empty state."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtGui import QColor, QPalette

from collections_desktop.formatting import Formats
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.style import (
    CURRENT_COLOUR,
    PAST_DUE_SCALE,
    UNAPPLIED_COLOUR,
    aging_colour,
    alert_colour,
)
from collections_desktop.views.widgets.aging_chart import AgingChart

D = Decimal
LABELS = ["Current", "1-30 days", "31-60 days", "61-90 days", "91-120 days", "Over 120 days",
          "Unapplied"]  # fmt: skip


def test_lines_carry_the_exact_amounts_the_balance_and_the_currency(qtbot) -> None:
    chart = AgingChart(Formats.for_locale("es_ES"))
    qtbot.addWidget(chart)
    amounts = [D("14872.40"), D("2566.22"), D(0), D(0), D(0), D("412.43"), D("-780.18")]
    chart.set_aging(LABELS, amounts, "EUR")
    chart.show()
    assert chart.shown == tuple(zip(LABELS, amounts, strict=True))
    assert chart.title.text() == "Aged balances (EUR)"
    # One line per column, then the balance: the sum of every column.
    assert [label.text() for label in chart.amount_labels] == [
        "14.872,40", "2.566,22", "0,00", "0,00", "0,00", "412,43", "-780,18", "17.070,87"
    ]  # fmt: skip
    names = [chart.grid.itemAtPosition(row, 0).widget().text() for row in range(8)]
    assert names == [*LABELS, "Balance"]
    assert chart.table.isVisible()
    assert not chart.empty.isVisible()
    # Each bar as long as its share of the largest column; the credit hatched, in grey.
    assert [round(bar.share, 3) for bar in chart.bars] == [1.0, 0.173, 0, 0, 0, 0.028, 0.052]
    assert [bar.negative for bar in chart.bars] == [False] * 6 + [True]
    assert [bar.colour for bar in chart.bars] == [aging_colour(i, 7) for i in range(7)]
    # An empty period is muted, a negative amount in the alert colour.
    text = chart.palette().color(QPalette.ColorRole.WindowText)
    colour = [label.palette().color(QPalette.ColorRole.WindowText) for label in chart.amount_labels]
    assert colour[0] == text
    assert colour[2] == muted_colour(chart.palette())
    assert colour[6] == alert_colour(chart.palette())
    # A few lines high, not a picture.
    assert chart.sizeHint().height() < 10 * chart.fontMetrics().height()


def test_nothing_open_shows_the_empty_state(qtbot) -> None:
    chart = AgingChart(Formats())
    qtbot.addWidget(chart)
    chart.set_aging(LABELS, [D(0)] * 7, "EUR")
    chart.show()
    assert chart.empty.isVisible()
    assert chart.empty.text() == "No open amounts."
    assert not chart.table.isVisible()
    assert chart.amount_labels == []
    chart.clear()
    assert chart.shown == ()
    assert chart.title.text() == "Aged balances"


def test_one_colour_scale_from_calm_current_to_the_darkest_oldest_period() -> None:
    colours = [aging_colour(i, 7) for i in range(7)]
    assert colours[0] == CURRENT_COLOUR
    assert colours[-1] == UNAPPLIED_COLOUR
    assert colours[1] == QColor(PAST_DUE_SCALE[0])
    assert colours[5] == QColor(PAST_DUE_SCALE[-1]), "the oldest period is the strongest"
    lightness = [c.lightness() for c in colours[1:6]]
    assert lightness == sorted(lightness, reverse=True), "older periods are darker"
    assert aging_colour(1, 3) == QColor(PAST_DUE_SCALE[-2])  # a single period
