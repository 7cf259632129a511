"""The aged-balances chart: one bar per aging column, labelled with its amount.

Colours come from one scale used for aging everywhere (``aging_colour``): Current is a
calm blue, past-due periods run from yellow to deep red as they get older (ColorBrewer's
colour-blind-safe YlOrRd), Unapplied credits are grey. Each bar also carries its amount
as text, so nothing depends on telling colours apart. Text and axes take the palette's
colours, so the chart reads the same in light and dark themes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pyqtgraph as pg
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.views.style import (
    aging_colour,
)


class AgingChart(QWidget):
    """Bars of a customer's (or a pool's) balance per aging column."""

    def __init__(self, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aging_chart")
        self._formats = formats
        self._labels: tuple[str, ...] = ()
        self._amounts: tuple[Decimal, ...] = ()
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        self.title = QLabel()
        self.title.setObjectName("aging_chart_title")
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.plot = pg.PlotWidget(background=palette.color(QPalette.ColorRole.Base))
        self.plot.setObjectName("aging_chart_plot")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(160)
        item = self.plot.getPlotItem()
        item.hideAxis("left")
        bottom = item.getAxis("bottom")
        bottom.setPen(pg.mkPen(text))
        bottom.setTextPen(pg.mkPen(text))
        self._text_colour = text
        self.empty = QLabel(_("No open amounts."))
        self.empty.setObjectName("aging_chart_empty")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.empty)
        self.clear()

    @property
    def shown(self) -> tuple[tuple[str, Decimal], ...]:
        """The (label, amount) pairs on show (for tests and accessibility)."""
        return tuple(zip(self._labels, self._amounts, strict=True))

    def clear(self) -> None:
        """Show nothing (no customer chosen)."""
        self._labels, self._amounts = (), ()
        self.plot.clear()
        self.title.setText(_("Aged balances"))
        self.plot.setVisible(False)
        self.empty.setVisible(True)

    def set_aging(self, labels: Sequence[str], amounts: Sequence[Decimal], currency: str) -> None:
        """Draw one bar per column; every bar is labelled with its amount."""
        self._labels, self._amounts = tuple(labels), tuple(amounts)
        self.plot.clear()
        self.title.setText(_("Aged balances ({currency})").format(currency=currency))
        if not any(self._amounts):
            self.plot.setVisible(False)
            self.empty.setVisible(True)
            return
        self.plot.setVisible(True)
        self.empty.setVisible(False)
        count = len(self._labels)
        heights = [float(amount) for amount in self._amounts]  # drawing only; text is exact
        brushes = [pg.mkBrush(aging_colour(i, count)) for i in range(count)]
        bars = pg.BarGraphItem(
            x=list(range(count)), height=heights, width=0.7, brushes=brushes, pen=pg.mkPen(None)
        )
        self.plot.addItem(bars)
        self.plot.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(self._text_colour)))
        top = max([*heights, 0.0])
        bottom = min([*heights, 0.0])
        room = (top - bottom) * 0.15 or 1.0
        for x, (amount, height) in enumerate(zip(self._amounts, heights, strict=True)):
            label = pg.TextItem(
                self._formats.amount(amount),
                color=self._text_colour,
                anchor=(0.5, 1.0) if height >= 0 else (0.5, 0.0),
            )
            label.setPos(x, height)
            self.plot.addItem(label)
        self.plot.getPlotItem().getAxis("bottom").setTicks([list(enumerate(self._labels))])
        self.plot.setXRange(-0.6, count - 0.4, padding=0)
        self.plot.setYRange(bottom - (room if bottom < 0 else 0), top + room, padding=0)
