"""Fact boxes: a customer's aged balances and credit figures beside the grids.

``FactBox`` is a titled box of captions and right-aligned figures; ``FactsPanel`` is the
Collections page's right side built of two of them, with where the figures come from (a
snapshot and when it was taken, or aged live) and the Refresh button that asks for them
live. The panel only shows a ``CustomerFacts``: the page reads it.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.screens.customer_collections import CustomerFacts
from collections_desktop.views.icons import IconRegistry
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
"""The fact boxes' width in pixels: room for a label and a seven-figure amount."""


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
    """ "Facts" with Refresh, where they come from, the aged balances and the credit box."""

    def __init__(
        self, formats: Formats, icons: IconRegistry, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._formats = formats
        self.setObjectName("facts_panel")
        self.setMinimumWidth(FACTS_WIDTH - 40)
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
        self.refresh_button = QPushButton(icons.get("refresh"), _("Refresh"))
        self.refresh_button.setObjectName("refresh_facts_button")
        self.refresh_button.setToolTip(
            _("Age this customer now, from today's open transactions (the snapshot stays as it is)")
        )
        row = QHBoxLayout()
        row.addWidget(self.title)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        layout.addLayout(row)
        layout.addWidget(self.source)
        layout.addWidget(self.aged_box)
        layout.addWidget(self.credit_box)
        layout.addStretch(1)

    def _alert_palette(self) -> QPalette:
        palette = self.palette()
        palette.setColor(palette.ColorRole.WindowText, alert_colour(self.palette()))
        return palette

    def show_facts(self, facts: CustomerFacts | None) -> None:
        """Show ``facts`` (None: no snapshot holds the customer yet)."""
        fmt = self._formats
        box = self.aged_box
        box.clear_lines()
        credit = self.credit_box.values
        if facts is None:
            self.source.setText(_("No snapshot holds this customer yet. Refresh ages them now."))
            note = QLabel(_("No figures yet."))
            note.setPalette(muted_palette(note.palette()))
            box.add_widget(note)
            for value in credit.values():
                value.setText("—")
            return
        if facts.live:
            self.source.setText(
                _("As of today, live ({date}) · {definition}").format(
                    date=fmt.date(facts.as_of), definition=facts.definition_name
                )
            )
        else:
            assert facts.taken_at is not None
            self.source.setText(
                _("Snapshot of {date}, {taken} · {definition}").format(
                    date=fmt.date(facts.as_of),
                    taken=snapshot_taken(facts.as_of, facts.taken_at, fmt),
                    definition=facts.definition_name,
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
