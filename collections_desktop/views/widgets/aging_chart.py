"""The aged-balances chart: a small one, one line per aging column, beside the summary.

Each line is the column's name, its exact amount and a bar of its share of the largest
column, so a customer whose balance sits in one or two periods reads at a glance and the
empty periods cost one short line each, not a tall empty bar. A last line gives the
balance, the sum of every column. The chart is a few lines high: the Workspace gives the
room to the transactions a collector acts on.

Colours come from one scale used for aging everywhere (``aging_colour``): Current is a
calm blue, past-due periods run from yellow to deep red as they get older (ColorBrewer's
colour-blind-safe YlOrRd), Unapplied credits are grey and hatched. Every bar also has
its amount as text beside it, so nothing depends on telling colours apart; negative
amounts carry their sign and the alert colour, empty periods are muted. Text takes the
palette's colours, so the chart reads the same in light and dark themes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.style import aging_colour, alert_colour, tabular_font

BAR_HEIGHT = 10
"""The bars' thickness in pixels: a line of text is about twice as high."""


class ShareBar(QWidget):
    """A horizontal bar as long as ``share`` (0 to 1) of the widget's width."""

    def __init__(self, colour: QColor, share: float, *, negative: bool = False) -> None:
        super().__init__()
        self.colour = colour
        self.share = max(0.0, min(share, 1.0))
        self.negative = negative
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        """Room for a readable bar; the layout gives it whatever width is left."""
        return QSize(120, BAR_HEIGHT + 4)

    def minimumSizeHint(self) -> QSize:
        """Short enough to leave the label and the amount their whole text."""
        return QSize(40, BAR_HEIGHT + 4)

    def paintEvent(self, _event: QPaintEvent) -> None:
        """The bar, from the left edge; a negative amount hatched instead of filled."""
        width = self.share * self.width()
        if width <= 0:
            return
        top = (self.height() - BAR_HEIGHT) / 2
        rect = QRectF(0, top, max(width, 2.0), BAR_HEIGHT)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if self.negative:
            painter.setPen(QPen(self.colour))
            painter.setBrush(QBrush(self.colour, Qt.BrushStyle.BDiagPattern))
            painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        else:
            painter.fillRect(rect, self.colour)
        painter.end()


class AgingChart(QWidget):
    """A customer's (or a pool's) balance per aging column, small: name, amount, bar."""

    def __init__(self, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aging_chart")
        self._formats = formats
        self._labels: tuple[str, ...] = ()
        self._amounts: tuple[Decimal, ...] = ()
        self.title = QLabel()
        self.title.setObjectName("aging_chart_title")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.table = QWidget()
        self.table.setObjectName("aging_chart_table")
        self.grid = QGridLayout(self.table)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(1)
        self.grid.setColumnStretch(2, 1)
        self.amount_labels: list[QLabel] = []
        """The amounts' labels, one per column, then the balance's (for tests)."""
        self.bars: list[ShareBar] = []
        self.empty = QLabel(_("No open amounts."))
        self.empty.setObjectName("aging_chart_empty")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.clear()

    @property
    def shown(self) -> tuple[tuple[str, Decimal], ...]:
        """The (label, amount) pairs on show (for tests and accessibility)."""
        return tuple(zip(self._labels, self._amounts, strict=True))

    def clear(self) -> None:
        """Show nothing (no customer chosen)."""
        self._labels, self._amounts = (), ()
        self._clear_lines()
        self.title.setText(_("Aged balances"))
        self.table.setVisible(False)
        self.empty.setVisible(True)

    def set_aging(self, labels: Sequence[str], amounts: Sequence[Decimal], currency: str) -> None:
        """One line per column with its exact amount and a bar, then the balance."""
        self._labels, self._amounts = tuple(labels), tuple(amounts)
        self._clear_lines()
        self.title.setText(_("Aged balances ({currency})").format(currency=currency))
        if not any(self._amounts):
            self.table.setVisible(False)
            self.empty.setVisible(True)
            return
        self.table.setVisible(True)
        self.empty.setVisible(False)
        count = len(self._labels)
        largest = max(abs(amount) for amount in self._amounts)
        palette = self.palette()
        muted, alert = muted_colour(palette), alert_colour(palette)
        figures = tabular_font(self.font())
        for row, (label, amount) in enumerate(zip(self._labels, self._amounts, strict=True)):
            name = QLabel(label)
            value = QLabel(self._formats.amount(amount))
            value.setFont(figures)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if amount < 0:
                _colour_text(value, alert)
            elif not amount:
                _colour_text(name, muted)
                _colour_text(value, muted)
            # The share is for drawing only; the text beside the bar is exact.
            bar = ShareBar(
                aging_colour(row, count), float(abs(amount) / largest), negative=amount < 0
            )
            bar.setObjectName(f"aging_chart_bar_{row}")
            for column, widget in enumerate((name, value, bar)):
                self.grid.addWidget(widget, row, column)
            self.amount_labels.append(value)
            self.bars.append(bar)
        total = sum(self._amounts, Decimal(0))
        name = QLabel(_("Balance"))
        value = QLabel(self._formats.amount(total))
        bold = tabular_font(self.font(), bold=True)
        name.setFont(bold)
        value.setFont(bold)
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if total < 0:
            _colour_text(value, alert)
        self.grid.addWidget(name, count, 0)
        self.grid.addWidget(value, count, 1)
        self.amount_labels.append(value)

    def _clear_lines(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.amount_labels = []
        self.bars = []


def _colour_text(label: QLabel, colour: QColor) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, colour)
    label.setPalette(palette)
