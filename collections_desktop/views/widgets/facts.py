"""Fact boxes: a customer's aged balances and credit figures beside the grids.

``FactBox`` is a titled box of captions and right-aligned figures; ``FactsPanel`` is the
Collections page's right side built of two of them, with a caption that says what the
figures are as of (``FactsOrigin``): the customer's row of a snapshot and when it was
taken, or aged live, after a change made on the page, on Refresh, or because no
snapshot holds the customer. The panel only shows a ``CustomerFacts``: the page reads it.
"""

from __future__ import annotations

import enum
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.screens.customer_collections import CustomerFacts
from collections_desktop.views.snapshot_text import snapshot_taken
from collections_desktop.views.style import (
    aging_colour,
    alert_colour,
    heading_font,
    muted_palette,
    swatch,
    tabular_font,
)

FACTS_WIDTH = 300
"""The fact boxes' usual width in pixels (room for a label and a seven-figure amount); the
panel grows to 120 more, and never shrinks below what its captions and figures need."""


class FactsOrigin(enum.Enum):
    """Where the figures on show come from, for the caption above them."""

    SNAPSHOT = "snapshot"
    """The customer's row of the newest snapshot holding them."""
    CHANGED = "changed"
    """Aged live after a change made on the page (settle, write-off, status…)."""
    REFRESHED = "refreshed"
    """Aged live on Refresh (F5)."""
    NO_SNAPSHOT = "no_snapshot"
    """Aged live because no snapshot holds the customer."""


class FactBox(QGroupBox):
    """A titled box of captions and right-aligned figures (the Collections page's facts)."""

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName(name)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(10, 8, 10, 8)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self._row = 0

    def add_line(self, key: str, caption: str, icon: QLabel | None = None) -> QLabel:
        """A caption and an empty value; ``values[key]`` is the value's label."""
        if icon is not None:
            self.grid.addWidget(icon, self._row, 0)
        label = QLabel(caption)
        label.setObjectName(f"{self.objectName()}_{key}_caption")
        value = QLabel("—")
        value.setObjectName(f"{self.objectName()}_{key}")
        value.setFont(tabular_font(self.font()))
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.grid.addWidget(label, self._row, 1)
        self.grid.addWidget(value, self._row, 2)
        self.values[key] = value
        self.captions[key] = label
        self._row += 1
        return value

    def add_widget(self, widget: QWidget) -> None:
        """A widget across the box (a note, a rule)."""
        self.grid.addWidget(widget, self._row, 0, 1, 3)
        self._row += 1

    def clear_lines(self) -> None:
        """Remove every line (the aged columns change with the definition)."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.values.clear()
        self.captions.clear()
        self._row = 0


class FactsPanel(QFrame):
    """ "Facts", what they are as of, the aged balances and the credit box."""

    def __init__(self, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._formats = formats
        self.origin: FactsOrigin | None = None
        """Where the figures on show come from (None: no figures)."""
        self.setObjectName("facts_panel")
        # No fixed minimum: the boxes' captions and figures set it, so a longer language
        # ("Puntuación de riesgo") widens the panel instead of being cut.
        self.setMaximumWidth(FACTS_WIDTH + 120)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.setSpacing(8)
        self.title = QLabel(_("Facts"))
        self.title.setFont(heading_font(self.font()))
        self.source = QLabel()
        self.source.setObjectName("facts_source")
        self.source.setWordWrap(True)
        self.source.setPalette(muted_palette(self.source.palette()))
        self.aged_box = FactBox("aged_box", _("Aged balances"))
        self.credit_box = FactBox("credit_box", _("Credit"))
        for key, caption in (
            ("credit_limit", _("Credit limit")),
            ("balance", _("Balance")),
            ("available", _("Available credit")),
            ("risk", _("Risk score")),
            ("past_due", _("Past due")),
            ("oldest", _("Oldest past due")),
            ("disputed", _("Disputed")),
        ):
            self.credit_box.add_line(key, caption)
        row = QHBoxLayout()
        row.addWidget(self.title)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.source)
        layout.addWidget(self.aged_box)
        layout.addWidget(self.credit_box)
        layout.addStretch(1)

    def _alert_palette(self) -> QPalette:
        palette = self.palette()
        palette.setColor(palette.ColorRole.WindowText, alert_colour(self.palette()))
        return palette

    def show_facts(self, facts: CustomerFacts | None, origin: FactsOrigin) -> None:
        """Show ``facts`` (None: no figures) with a caption saying what they are as of."""
        fmt = self._formats
        box = self.aged_box
        box.clear_lines()
        credit = self.credit_box.values
        if facts is None:
            self.origin = None
            self.source.setText(_("No figures for this customer yet."))
            self.source.setToolTip("")
            note = QLabel(_("No figures yet."))
            note.setPalette(muted_palette(note.palette()))
            box.add_widget(note)
            for value in credit.values():
                value.setText("—")
            return
        self.origin = origin
        self.source.setText(self._caption(facts, origin))
        self.source.setToolTip(
            _(
                "The customer's row in the newest aging snapshot, as the Overview and "
                "Aged balances show it. Refresh (F5) ages the customer live, from today's "
                "open transactions."
            )
            if origin is FactsOrigin.SNAPSHOT
            else _(
                "Aged just now from the customer's open transactions; the snapshot stays as it is."
            )
        )
        width = len(facts.labels)
        for position, (label, amount) in enumerate(zip(facts.labels, facts.columns, strict=True)):
            icon = QLabel()
            icon.setPixmap(swatch(aging_colour(position, width)))
            value = box.add_line(f"c{position}", label, icon)
            value.setText(fmt.amount(amount))
            if amount < 0:
                value.setPalette(self._alert_palette())
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        box.add_widget(rule)
        total = box.add_line("total", _("Balance"))
        total.setText(fmt.amount(facts.balance))
        bold = QFont(total.font())
        bold.setBold(True)
        total.setFont(bold)
        box.captions["total"].setFont(bold)
        self._show_credit(facts)

    def _caption(self, facts: CustomerFacts, origin: FactsOrigin) -> str:
        """What the figures are as of: a snapshot and when it was taken, or live and why."""
        fmt = self._formats
        date, definition = fmt.date(facts.as_of), facts.definition_name
        if origin is FactsOrigin.SNAPSHOT and facts.taken_at is not None:
            return _("Snapshot of {date}, {taken} · {definition}").format(
                date=date,
                taken=snapshot_taken(facts.as_of, facts.taken_at, fmt),
                definition=definition,
            )
        if origin is FactsOrigin.CHANGED:
            return _("Live, after your change: as of today ({date}) · {definition}").format(
                date=date, definition=definition
            )
        if origin is FactsOrigin.NO_SNAPSHOT:
            return _(
                "As of today, live ({date}): no snapshot holds this customer yet · {definition}"
            ).format(date=date, definition=definition)
        return _("As of today, live ({date}) · {definition}").format(
            date=date, definition=definition
        )

    def _show_credit(self, facts: CustomerFacts) -> None:
        fmt = self._formats
        credit = self.credit_box.values

        def amount(value: Decimal | None) -> str:
            return fmt.amount(value) if value is not None else _("none")

        credit["credit_limit"].setText(amount(facts.credit_limit))
        credit["balance"].setText(fmt.amount(facts.balance))
        credit["available"].setText(
            fmt.amount(facts.available_credit) if facts.available_credit is not None else "—"
        )
        over = facts.available_credit is not None and facts.available_credit < 0
        credit["available"].setPalette(self._alert_palette() if over else self.palette())
        credit["risk"].setText(_("{score} of 100").format(score=facts.risk_score))
        credit["past_due"].setText(fmt.amount(facts.past_due))
        credit["oldest"].setText(
            ngettext("{days} day", "{days} days", facts.oldest_past_due_days).format(
                days=fmt.count(facts.oldest_past_due_days)
            )
            if facts.oldest_past_due_days is not None
            else "—"
        )
        credit["disputed"].setText(
            ngettext(
                "{count} item · {amount}", "{count} items · {amount}", facts.disputed_count
            ).format(
                count=fmt.count(facts.disputed_count), amount=fmt.amount(facts.disputed_amount)
            )
            if facts.disputed_count
            else _("nothing")
        )
