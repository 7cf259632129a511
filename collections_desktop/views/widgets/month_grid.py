"""A month as a grid of days (weeks × 7), each day with what is due and what is planned.

The agency desk's collections calendar draws one ``MonthGrid``: a header with the
weekday names in the locale's order (its first day of the week first), then one row per
week of the month. A day of the month shows its number and, from its ``DaySummary``,
how many promised payments and instalments fall due with their amount, how many of
them are broken, and how many actions are scheduled. Days of the neighbouring months
are drawn muted and empty. A click (or the arrow keys) chooses a day, a double-click or
Enter opens it; Page Up and Page Down ask for the previous and next month, Home for today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_day_names
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.style import tabular_font

HEADER_HEIGHT = 24
MIN_CELL = QSize(80, 64)


@dataclass(frozen=True)
class DaySummary:
    """What one day of the calendar holds."""

    due: int = 0
    """Promises and instalments falling due."""
    amounts: tuple[tuple[str, Decimal], ...] = ()
    """Their amount by currency, in currency order."""
    actions: int = 0
    """Actions (calls, visits, letters, burofaxes) scheduled and not done."""
    kinds: dict[str, int] = field(default_factory=dict)
    """How many entries of each kind ("promise", "instalment", "action")."""

    @property
    def empty(self) -> bool:
        return not self.due and not self.actions


def first_weekday(locale: str) -> int:
    """The first day of the week in ``locale`` (0 Monday … 6 Sunday)."""
    try:
        return int(Locale.parse(locale).first_week_day)
    except (ValueError, TypeError, UnknownLocaleError):
        return 0


def month_title(month: dt.date, locale: str) -> str:
    """ "November 2026", "noviembre de 2026": the month and year as the locale writes them,
    capitalised (a heading)."""
    text = format_date(month, "LLLL y", locale=locale)
    return text[:1].upper() + text[1:]


def month_weeks(month: dt.date, first: int) -> list[list[dt.date]]:
    """The weeks that hold ``month``'s days, each of 7 days starting on weekday ``first``."""
    start = month.replace(day=1)
    start -= dt.timedelta(days=(start.weekday() - first) % 7)
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    weeks: list[list[dt.date]] = []
    day = start
    while day < following:
        weeks.append([day + dt.timedelta(days=i) for i in range(7)])
        day += dt.timedelta(days=7)
    return weeks


def shift_month(day: dt.date, months: int) -> dt.date:
    """``day`` ``months`` months later (earlier when negative), on the same day of the
    month or the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first = dt.date(year, month + 1, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first.replace(day=min(day.day, last.day))


class MonthGrid(QWidget):
    """One month's days with their summaries (see the module's docstring)."""

    day_chosen = Signal(object)
    """A day (``date``) was chosen: by a click or the arrow keys."""
    day_activated = Signal(object)
    """A day was opened: a double-click or Enter."""
    month_requested = Signal(object)
    """Another month, with the day to choose in it: Page Up or Page Down, an arrow key
    past the month's edge, or a click on a day of the neighbouring month."""
    today_requested = Signal()
    """Home: back to today."""

    def __init__(self, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agency_month_grid")
        self.formats = formats
        self.first = first_weekday(formats.locale)
        self.month = dt.date.min.replace(year=2000)
        self.today = self.month
        self.selected: dt.date | None = None
        self.summaries: Mapping[dt.date, DaySummary] = {}
        self.main_currency = ""
        """The currency of most of the month's amounts: a cell writes its amounts bare,
        and names the others' currency (the month's totals name them all)."""
        self.weeks: list[list[dt.date]] = []
        names = get_day_names("abbreviated", locale=formats.locale)
        self.day_names = [str(names[(self.first + i) % 7]) for i in range(7)]
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFont(tabular_font(self.font()))
        self.setAccessibleName(_("Collections calendar"))

    # --- content ------------------------------------------------------------------------

    def set_month(
        self,
        month: dt.date,
        today: dt.date,
        summaries: Mapping[dt.date, DaySummary],
        selected: dt.date | None = None,
    ) -> None:
        """Show ``month`` (its first day) with its days' summaries; ``selected`` chosen."""
        self.month = month.replace(day=1)
        self.today = today
        self.summaries = summaries
        totals: dict[str, Decimal] = {}
        for found in summaries.values():
            for currency, amount in found.amounts:
                totals[currency] = totals.get(currency, Decimal(0)) + abs(amount)
        self.main_currency = max(totals, key=lambda c: (totals[c], c)) if totals else ""
        self.weeks = month_weeks(self.month, self.first)
        if selected is not None and selected.replace(day=1) == self.month:
            self.selected = selected
        elif self.selected is None or self.selected.replace(day=1) != self.month:
            self.selected = today if today.replace(day=1) == self.month else self.month
        self.update()

    def select(self, day: dt.date) -> None:
        """Choose ``day`` (a day of the month shown) and say so."""
        if day.replace(day=1) != self.month:
            return
        self.selected = day
        self.update()
        self.day_chosen.emit(day)

    def summary(self, day: dt.date) -> DaySummary:
        return self.summaries.get(day) or DaySummary()

    def day_lines(self, day: dt.date) -> list[tuple[str, str]]:
        """The texts a day's cell shows under its number, each with its tone ("due",
        "amount", "action"): an amount a line, the month's main currency unnamed."""
        summary = self.summary(day)
        lines: list[tuple[str, str]] = []
        fmt = self.formats
        if summary.due:
            lines.append((_("{count} due").format(count=fmt.count(summary.due)), "due"))
            main = self.main_currency
            for currency, amount in sorted(summary.amounts, key=lambda a: (a[0] != main, a[0])):
                text = fmt.amount(amount) if currency == main else fmt.money(amount, currency)
                lines.append((text, "amount"))
        if summary.actions:
            lines.append(
                (
                    ngettext("{count} action", "{count} actions", summary.actions).format(
                        count=fmt.count(summary.actions)
                    ),
                    "action",
                )
            )
        return lines

    def day_tooltip(self, day: dt.date) -> str:
        """A day's whole summary (its cell may cut it short)."""
        summary = self.summary(day)
        fmt = self.formats
        parts = [fmt.date(day, "long")]
        if summary.due:
            parts.append(
                ngettext("{count} payment due", "{count} payments due", summary.due).format(
                    count=fmt.count(summary.due)
                )
                + ": "
                + ", ".join(fmt.money(amount, currency) for currency, amount in summary.amounts)
            )
        if summary.actions:
            parts.append(
                ngettext(
                    "{count} action scheduled", "{count} actions scheduled", summary.actions
                ).format(count=fmt.count(summary.actions))
            )
        if summary.empty:
            parts.append(_("Nothing due or scheduled"))
        return "\n".join(parts)

    # --- geometry -----------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(7 * 130, HEADER_HEIGHT + 6 * 92)

    def minimumSizeHint(self) -> QSize:
        return QSize(7 * MIN_CELL.width(), HEADER_HEIGHT + 5 * MIN_CELL.height())

    def cell_rect(self, row: int, column: int) -> QRect:
        rows = max(len(self.weeks), 1)
        width = self.width() / 7
        height = (self.height() - HEADER_HEIGHT) / rows
        left, top = round(column * width), round(HEADER_HEIGHT + row * height)
        return QRect(
            left,
            top,
            round((column + 1) * width) - left,
            round(HEADER_HEIGHT + (row + 1) * height) - top,
        )

    def day_at(self, point: QPoint) -> dt.date | None:
        """The day drawn at ``point`` (None outside the weeks)."""
        if point.y() < HEADER_HEIGHT or not self.weeks:
            return None
        for row, week in enumerate(self.weeks):
            for column, day in enumerate(week):
                if self.cell_rect(row, column).contains(point):
                    return day
        return None

    def day_rect(self, day: dt.date) -> QRect | None:
        for row, week in enumerate(self.weeks):
            if day in week:
                return self.cell_rect(row, week.index(day))
        return None

    # --- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        muted = muted_colour(palette)
        faint = muted_colour(palette, 0.25)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        alternate = palette.color(QPalette.ColorRole.AlternateBase)
        painter.fillRect(self.rect(), base)
        metrics = QFontMetrics(self.font())
        bold = tabular_font(self.font(), bold=True)
        bold_metrics = QFontMetrics(bold)
        # The weekday names.
        painter.setPen(muted)
        for column, name in enumerate(self.day_names):
            rect = self.cell_rect(0, column)
            painter.drawText(
                QRect(rect.left(), 0, rect.width(), HEADER_HEIGHT),
                Qt.AlignmentFlag.AlignCenter,
                name,
            )
        line_height = metrics.height()
        for row, week in enumerate(self.weeks):
            for column, day in enumerate(week):
                rect = self.cell_rect(row, column)
                inside = day.replace(day=1) == self.month
                weekend = (self.first + column) % 7 >= 5
                if inside and weekend:
                    painter.fillRect(rect, alternate)
                if day == self.selected and inside:
                    fill = QColor(highlight)
                    fill.setAlpha(48)
                    painter.fillRect(rect.adjusted(1, 1, -1, -1), fill)
                painter.setPen(faint)
                painter.drawRect(rect.adjusted(0, 0, -1, -1))
                if day == self.selected and inside:
                    pen = painter.pen()
                    pen.setColor(highlight)
                    pen.setWidth(2)
                    painter.setPen(pen)
                    painter.drawRect(rect.adjusted(1, 1, -2, -2))
                number = str(day.day)
                number_rect = QRect(rect.left() + 6, rect.top() + 4, rect.width() - 12, line_height)
                if day == self.today:
                    circle = bold_metrics.height() + 2
                    painter.setBrush(highlight)
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.drawEllipse(rect.left() + 3, rect.top() + 2, circle, circle)
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
                    painter.setFont(bold)
                    painter.drawText(
                        QRect(rect.left() + 3, rect.top() + 2, circle, circle),
                        Qt.AlignmentFlag.AlignCenter,
                        number,
                    )
                    painter.setFont(self.font())
                else:
                    painter.setPen(text if inside else faint)
                    painter.setFont(bold if inside else self.font())
                    painter.drawText(number_rect, Qt.AlignmentFlag.AlignLeft, number)
                    painter.setFont(self.font())
                if not inside:
                    continue
                top = rect.top() + 6 + bold_metrics.height()
                for line, tone in self.day_lines(day):
                    if top + line_height > rect.bottom() - 2:
                        break
                    painter.setPen(muted if tone == "action" else text)
                    painter.setFont(bold if tone == "amount" else self.font())
                    room = rect.width() - 12
                    shown = QFontMetrics(painter.font()).elidedText(
                        line, Qt.TextElideMode.ElideRight, room
                    )
                    painter.drawText(
                        QRect(rect.left() + 6, top, room, line_height),
                        Qt.AlignmentFlag.AlignRight
                        if tone == "amount"
                        else Qt.AlignmentFlag.AlignLeft,
                        shown,
                    )
                    top += line_height
                painter.setFont(self.font())
        focus = self.day_rect(self.selected) if self.selected is not None else None
        if self.hasFocus() and focus is not None:
            pen = painter.pen()
            pen.setColor(highlight)
            pen.setStyle(Qt.PenStyle.DotLine)
            pen.setWidth(1)
            painter.setPen(pen)
            painter.drawRect(focus.adjusted(4, 4, -5, -5))
        painter.end()

    # --- input --------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position().toPoint())
        if day is not None and day.replace(day=1) == self.month:
            self.select(day)
        elif day is not None:  # a day of the neighbouring month: go there
            self.month_requested.emit(day)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position().toPoint())
        if day is not None and day.replace(day=1) == self.month:
            self.day_activated.emit(day)

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            day = self.day_at(event.pos())
            if day is not None and day.replace(day=1) == self.month:
                QToolTip.showText(event.globalPos(), self.day_tooltip(day), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        steps = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: -7,
            Qt.Key.Key_Down: 7,
        }
        if key in steps and self.selected is not None:
            target = self.selected + dt.timedelta(days=steps[key])
            if target.replace(day=1) != self.month:
                self.month_requested.emit(target)
            else:
                self.select(target)
            return
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown) and self.selected is not None:
            self.month_requested.emit(
                shift_month(self.selected, -1 if key == Qt.Key.Key_PageUp else 1)
            )
            return
        if key == Qt.Key.Key_Home:
            self.today_requested.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected is not None:
            self.day_activated.emit(self.selected)
            return
        super().keyPressEvent(event)
