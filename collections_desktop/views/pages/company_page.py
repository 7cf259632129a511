"""The start page: what the open company is, its counts and its receivables balance today.

The figures come from ``models.company.setup.company_summary``, read as a long read on the
background lane: on a large company it takes a while, and it never holds up the
Overview or a customer chosen meanwhile. A busy indicator appears only when the read
takes longer than ``BUSY_DELAY_MS`` (a flash of "Loading…" on every F5 would be noise).
An error is shown in place, with what to do; nothing here is ever made up. ``loaded``
carries the summary on screen, or None when the figures could not be read; the page's
status names the company and its database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QIcon, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.company.setup import CompanyError, CompanySummary, company_summary
from collections_desktop.models.db.database import Database
from collections_desktop.views.context import PageContext
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.pages import PLANNED_SECTIONS
from collections_desktop.views.pages.base import Page
from collections_desktop.views.style import heading_font, muted_palette, tabular_font
from collections_desktop.views.tasks import TaskState

FOLD_WIDTH = 900
"""Below this page width (pixels) the four figures fold into two rows."""

SummaryLoader = Callable[[TaskState, dt.date], CompanySummary]
"""Reads the summary on ``as_of`` (called on a worker thread with its own session)."""


def load_company_summary(database: Database, _state: TaskState, as_of: dt.date) -> CompanySummary:
    """Read the summary in a short session of its own (runs on the background lane)."""
    with database.sessions() as session:
        return company_summary(session, as_of)


class FactTile(QFrame):
    """One figure in a framed box: a small caption over a large right-aligned value."""

    def __init__(self, name: str, caption: str, icons: IconRegistry, icon: str) -> None:
        super().__init__()
        self.setObjectName(f"{name}_tile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(2)
        head = QHBoxLayout()
        head.setSpacing(6)
        glyph = QLabel()
        glyph.setPixmap(icons.get(icon).pixmap(16, 16))
        self.caption = QLabel(caption)
        self.caption.setObjectName(f"{name}_caption")
        head.addWidget(glyph)
        head.addWidget(self.caption, 1)
        self.value = QLabel("—")
        self.value.setObjectName(f"{name}_value")
        self.value.setFont(tabular_font(self.font(), 7, bold=True))
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addLayout(head)
        layout.addWidget(self.value)


class CompanyPage(Page):
    """Shows the company's name, currency, counts, balance on today's date and its database."""

    key = "company"
    title = N_("Company")
    description = N_("The open company: its figures and its database")
    busy_text = N_("Loading the company's figures…")
    busy_name = "busy_indicator"

    def __init__(
        self,
        context: PageContext,
        parent: QWidget | None = None,
        *,
        load: SummaryLoader | None = None,
    ) -> None:
        super().__init__(context, parent)
        self._load = load or partial(load_company_summary, context.database)
        icons, database_location = context.icons, context.database.display_name
        self._summary: CompanySummary | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 18)
        outer.setSpacing(14)

        # Heading: the company's name and the date the figures are for.
        heading = QHBoxLayout()
        heading.setSpacing(12)
        logo = QLabel()
        logo.setPixmap(icons.get("company").pixmap(36, 36))
        heading.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.company_title = QLabel(_("Company"))
        self.company_title.setObjectName("company_title")
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() + 8)
        title_font.setBold(True)
        self.company_title.setFont(title_font)
        self.company_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.company_title.setWordWrap(True)  # long legal names ("…, S.L.") wrap, never clip
        self.subtitle = QLabel(_("Loading the company's figures…"))
        self.subtitle.setObjectName("company_subtitle")
        self.subtitle.setPalette(muted_palette(self.subtitle.palette()))
        titles.addWidget(self.company_title)
        titles.addWidget(self.subtitle)
        heading.addLayout(titles, 1)
        outer.addLayout(heading)

        # The figures, side by side: the eye reads them as one line of facts. In a narrow
        # window (half a laptop screen, next to the mail client) they fold into two rows.
        self._tiles = QGridLayout()
        self._tiles.setSpacing(10)
        self._tile_columns = 0
        self.customers = FactTile("customers", _("Customers"), icons, "customers")
        self.on_hold = FactTile("on_hold", _("Customers on hold"), icons, "on_hold")
        self.open_transactions = FactTile(
            "open_transactions", _("Open transactions"), icons, "transactions"
        )
        self.balance = FactTile("balance", _("Receivables balance"), icons, "balance")
        self._arrange_tiles(2)  # the narrow form until the first resize says otherwise
        outer.addLayout(self._tiles)

        # Details: a compact two-column form, labels left, values left (text, not figures).
        details = QGridLayout()
        details.setHorizontalSpacing(18)
        details.setVerticalSpacing(6)
        details.setColumnStretch(1, 1)
        self.company_name = self._detail(details, 0, "company_name", _("Company"))
        self.currency = self._detail(details, 1, "currency", _("Accounting currency"))
        self.as_of = self._detail(details, 2, "as_of", _("Figures on"))
        self.database = self._detail(details, 3, "database", _("Database"))
        self.database.setText(database_location)
        self.database.setToolTip(database_location)
        details_heading = QLabel(_("Details"))
        details_heading.setFont(heading_font(self.font()))
        outer.addWidget(details_heading)
        outer.addLayout(details)

        # Busy and error rows; hidden until needed.
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy.bar)
        busy_row.addWidget(self.busy.label)
        busy_row.addStretch(1)
        outer.addLayout(busy_row)

        error_row = QHBoxLayout()
        self.error_icon = QLabel()
        self.error_icon.setPixmap(icons.get("error").pixmap(18, 18))
        self.error = QLabel()
        self.error.setObjectName("load_error")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        error_row.addWidget(self.error_icon, 0, Qt.AlignmentFlag.AlignTop)
        error_row.addWidget(self.error, 1)
        self._error_widgets = (self.error_icon, self.error)
        outer.addLayout(error_row)

        # What to do next, when there is something to say (an empty company, an error).
        self.hint = QLabel()
        self.hint.setObjectName("company_hint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        outer.addWidget(self.hint)

        # What the next versions add: the navigation lists these sections disabled, and
        # this says what each will hold, so the start page tells the whole shape of the app.
        later = QLabel(_("Coming in later versions"))
        later.setFont(heading_font(self.font()))
        outer.addSpacing(6)
        outer.addWidget(later)
        roadmap = QGridLayout()
        roadmap.setHorizontalSpacing(12)
        roadmap.setVerticalSpacing(8)
        roadmap.setColumnStretch(2, 1)
        muted = muted_palette(self.palette())
        for row, section in enumerate(PLANNED_SECTIONS):
            glyph = QLabel()
            glyph.setPixmap(icons.get(section.key).pixmap(18, 18, QIcon.Mode.Disabled))
            title = QLabel(_(section.title))
            title.setMinimumWidth(120)
            description = QLabel(_(section.description))
            description.setWordWrap(True)
            for label in (title, description):
                label.setPalette(muted)
            roadmap.addWidget(glyph, row, 0)
            roadmap.addWidget(title, row, 1)
            roadmap.addWidget(description, row, 2)
        outer.addLayout(roadmap)
        outer.addStretch(1)

        for widget in self._error_widgets:
            widget.hide()

    @property
    def summary(self) -> CompanySummary | None:
        """The summary on screen (``None`` before the first load or after a failure)."""
        return self._summary

    def load(self) -> None:
        """Read the figures for today's date, as a long read that waits its turn."""
        as_of, read = self.context.clock.today(), self._load
        self.query(
            lambda state: read(state, as_of),
            self._show,
            name="company summary",
            failure=self._failed,
            long=True,
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fold the figures into two rows when the page is narrow."""
        super().resizeEvent(event)
        self._arrange_tiles(4 if event.size().width() >= FOLD_WIDTH else 2)

    def _arrange_tiles(self, columns: int) -> None:
        if columns == self._tile_columns:
            return
        self._tile_columns = columns
        tiles = (self.customers, self.on_hold, self.open_transactions, self.balance)
        for tile in tiles:
            self._tiles.removeWidget(tile)
        for index, tile in enumerate(tiles):
            self._tiles.addWidget(tile, index // columns, index % columns)
        for column in range(4):
            # The balance is the widest figure: its column gets more room.
            stretch = 0 if column >= columns else (3 if column == columns - 1 else 2)
            self._tiles.setColumnStretch(column, stretch)

    def _detail(self, grid: QGridLayout, row: int, name: str, caption: str) -> QLabel:
        label = QLabel(caption)
        value = QLabel("—")
        value.setObjectName(f"{name}_value")
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(label, row, 0)
        grid.addWidget(value, row, 1)
        return value

    def _show(self, summary: CompanySummary) -> None:
        for widget in self._error_widgets:
            widget.hide()
        self._summary = summary
        fmt = self.context.formats
        self.company_title.setText(summary.company_name)
        self.subtitle.setText(
            _("Receivables on {date} in {currency}").format(
                date=fmt.date(summary.as_of, "long"), currency=summary.accounting_currency
            )
        )
        self.customers.value.setText(fmt.count(summary.customers))
        self.on_hold.value.setText(fmt.count(summary.on_hold))
        self.open_transactions.value.setText(fmt.count(summary.open_transactions))
        self.balance.value.setText(fmt.money(summary.balance, summary.accounting_currency))
        self.company_name.setText(summary.company_name)
        self.currency.setText(summary.accounting_currency)
        self.as_of.setText(fmt.date(summary.as_of, "long"))
        if summary.customers == 0:
            self.hint.setText(
                _(
                    "This company has no customers yet. Import them with their invoices "
                    "from a CSV or Excel file: File ▸ Import receivables…"
                )
            )
        self.hint.setVisible(summary.customers == 0)
        customers = ngettext("{count} customer", "{count} customers", summary.customers).format(
            count=fmt.count(summary.customers)
        )
        self.set_status(
            _("{company} · {customers} · database {database}").format(
                company=summary.company_name,
                customers=customers,
                database=self.context.database.display_name,
            )
        )
        self.loaded.emit(summary)

    def _failed(self, error: BaseException) -> None:
        self._summary = None
        if isinstance(error, CompanyError):
            message = str(error)  # written for the user already ("…holds no company yet.")
        else:
            message = _("The company's figures could not be read: {reason}").format(reason=error)
        self.error.setText(message)
        for widget in self._error_widgets:
            widget.show()
        self.subtitle.setText(_("No figures to show"))
        for tile in (self.customers, self.on_hold, self.open_transactions, self.balance):
            tile.value.setText("—")
        self.hint.setText(
            _("Check the database, then press F5 to try again, or open another database.")
        )
        self.hint.show()
        self.set_status(
            _("No company figures · database {database}").format(
                database=self.context.database.display_name
            )
        )
        self.loaded.emit(None)
