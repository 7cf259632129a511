"""Fonts, palettes and colours every page and dialog shares, so they look of one piece.

Figures use tabular (equal-width) digits so columns of amounts line up; muted text is
the palette's own text colour faded, never a fixed grey, so dark themes stay legible.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette, QPixmap

from collections_desktop.views.icons import muted_colour


def tabular_font(base: QFont, point_delta: float = 0.0, *, bold: bool = False) -> QFont:
    """``base`` with tabular (equal-width) figures, so amounts line up digit under digit."""
    font = QFont(base)
    font.setFeature(QFont.Tag("tnum"), 1)
    if point_delta:
        font.setPointSizeF(font.pointSizeF() + point_delta)
    font.setBold(bold)
    return font


def heading_font(base: QFont) -> QFont:
    """The font of a section heading ("Details"): bold, a point larger."""
    font = QFont(base)
    font.setPointSizeF(font.pointSizeF() + 1)
    font.setBold(True)
    return font


def muted_palette(palette: QPalette) -> QPalette:
    """``palette`` with its text muted: secondary, still readable (dark mode too)."""
    result = QPalette(palette)
    result.setColor(QPalette.ColorRole.WindowText, muted_colour(palette))
    return result


def alert_colour(palette: QPalette) -> QColor:
    """Red for overdue and negative figures, readable on a light and on a dark background."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    return QColor("#ff8a80") if dark else QColor("#c62828")


def swatch(colour: QColor, size: int = 10) -> QPixmap:
    """A small square of ``colour`` (the aging scale in headers and fact boxes)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(colour)
    return pixmap


CURRENT_COLOUR = QColor("#4a7fb5")


UNAPPLIED_COLOUR = QColor("#8c8c8c")


PAST_DUE_SCALE = ("#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026", "#800026")
"""YlOrRd from ColorBrewer: light for the youngest past-due period, darkest for the oldest."""


def aging_colour(position: int, count: int) -> QColor:
    """The colour of column ``position`` of ``count`` (Current, the periods, Unapplied)."""
    if position == 0:
        return QColor(CURRENT_COLOUR)
    if position == count - 1:
        return QColor(UNAPPLIED_COLOUR)
    periods = count - 2
    if periods <= 1:
        return QColor(PAST_DUE_SCALE[-2])
    # Spread the periods over the scale, the oldest always on its darkest colour.
    step = (len(PAST_DUE_SCALE) - 1) / (periods - 1)
    return QColor(PAST_DUE_SCALE[round((position - 1) * step)])


ERROR_COLOUR = "#c62828"
