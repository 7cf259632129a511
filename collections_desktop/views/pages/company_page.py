"""The start page: whom you work as, your day's figures, where to start, and the company.

Four parts, top to bottom:

- **You**: whom the app works as (the employee with your login), their role and pools,
  from the ``Viewer`` the window was opened with (nothing to read).
- **Your day**: the customers in your pools, their balance and past due from the latest
  snapshot (which one, and when it was taken, is said under the figures; a pool no
  snapshot holds is named), your open activities due today and overdue, and the
  promises to pay due today (``models.screens.my_day.day_figures``). An interactive
  read on the read lane, like the other pages' lists: quick, and read again each time
  the page comes on screen, so the figures follow the day's work.
- **Start with**: buttons for the pages and commands a collector starts with (Overview,
  Workspace, Activities, Collections, Import receivables, Sync now on an offline replica
  of the team database), each with its keyboard shortcut. They are the main window's own
  actions (``offer_commands``): the same command, enabled and shown as in the menus.
- **The company**: its counts and its receivables balance today
  (``models.company.setup.company_summary``), a long read on the background lane: on a
  large company it takes a while, and it never holds up the Overview or a customer chosen
  meanwhile. A busy indicator appears only when the read takes longer than
  ``BUSY_DELAY_MS``. An error is shown in place, with what to do; nothing here is ever
  made up. ``loaded`` carries the summary on screen, or None when the figures could not
  be read; the page's status names the company and its database.

The page says only what the app does: no section is announced before it is built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.company.setup import (
    CompanyError,
    CompanySummary,
    company_summary,
    has_company,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope, Viewer
from collections_desktop.models.screens.my_day import PROMISE_DAYS, DayFigures, day_figures
from collections_desktop.views.context import PageContext
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.operations import ReadSlot
from collections_desktop.views.pages.base import Page
from collections_desktop.views.snapshot_text import snapshot_taken
from collections_desktop.views.style import (
    alert_colour,
    heading_font,
    muted_palette,
    tabular_font,
)
from collections_desktop.views.tasks import TaskState

FOLD_WIDTH = 900
"""Below this page width (pixels) the four figures fold into two rows."""

SummaryLoader = Callable[[TaskState, dt.date], CompanySummary]
"""Reads the summary on ``as_of`` (called on a worker thread with its own session)."""
DayLoader = Callable[[TaskState, dt.date], DayFigures | None]
"""Reads the viewer's day on ``as_of`` (called on a worker thread with its own session);
None when the database holds no company (the company's part says so)."""


def load_company_summary(database: Database, _state: TaskState, as_of: dt.date) -> CompanySummary:
    """Read the summary in a short session of its own (runs on the background lane)."""
    with database.sessions() as session:
        return company_summary(session, as_of)


def load_day_figures(
    database: Database, viewer: Viewer, _state: TaskState, as_of: dt.date
) -> DayFigures | None:
    """Read the viewer's day in a short session of its own (runs on the read lane)."""
    with database.sessions() as session:
        if not has_company(session):
            return None
        return day_figures(session, viewer.scope, viewer.employee_id, as_of)


class FactTile(QFrame):
    """One figure in a framed box: a small caption over a large right-aligned value,
    and a short note under it when there is something to add."""

    def __init__(self, name: str, caption: str, icons: IconRegistry, icon: str) -> None:
        super().__init__()
        self.setObjectName(f"{name}_tile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
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
        self._plain = self.value.palette()
        self.note = QLabel()
        self.note.setObjectName(f"{name}_note")
        self.note.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.note.setPalette(muted_palette(self.note.palette()))
        self.note.hide()
        layout.addLayout(head)
        layout.addWidget(self.value)
        layout.addWidget(self.note)

    def show_value(self, text: str, note: str = "", *, alert: bool = False) -> None:
        """Show ``text`` (in the alert colour when ``alert``) and ``note`` under it."""
        self.value.setText(text)
        palette = QPalette(self._plain)
        if alert:
            palette.setColor(QPalette.ColorRole.WindowText, alert_colour(self._plain))
        self.value.setPalette(palette)
        self.note.setText(note)
        self.note.setVisible(bool(note))


def role_text(viewer: Viewer) -> str:
    """What the viewer is in the app: an agent, an administrator, or neither."""
    if viewer.employee_id is None:
        return _("not an employee of the company")
    if viewer.is_agent:
        return (
            _("collections agent and administrator")
            if viewer.may_change_setup
            else _("collections agent")
        )
    return (
        _("administrator, not a collections agent")
        if viewer.may_change_setup
        else _("not a collections agent")
    )


def pools_text(viewer: Viewer) -> str:
    """The pools the viewer works, the default one marked, or that they see every customer."""
    scope: AgentScope = viewer.scope
    names = sorted(scope.pool_names.items(), key=lambda item: item[1].casefold())
    shown = [
        _("{pool} (default)").format(pool=name) if pool_id == scope.default_pool_id else name
        for pool_id, name in names
    ]
    if not viewer.is_agent:
        return _("none of your own: you see every customer")
    if scope.may_view_all_pools:
        listed = ", ".join(shown) if shown else _("no pool is set up yet")
        return _("every customer ({pools})").format(pools=listed)
    return ", ".join(shown) if shown else _("none yet: an administrator gives you pools in Set-up")


def command_text(action: QAction) -> str:
    """An action's text without its menu mnemonic ("&Sync now" → "Sync now")."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcut_text(action: QAction) -> str:
    """An action's shortcut as the menus show it ("" when it has none)."""
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


class CommandRow(QObject):
    """A button for one of the window's actions, its shortcut and what it does: three
    widgets the page lays out in its grid, so that the columns line up from row to row."""

    def __init__(self, action: QAction, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.action = action
        name = command_text(action).lower().replace(" ", "_").strip("…")
        self.setObjectName(f"start_{name}")
        self.button = QPushButton(action.icon(), command_text(action))
        self.button.setObjectName(f"start_{name}_button")
        self.button.setMinimumWidth(170)
        self.button.setStyleSheet("text-align: left; padding: 4px 10px;")
        self.button.clicked.connect(action.trigger)
        self.key = QLabel()
        self.key.setObjectName(f"start_{name}_shortcut")
        self.key.setFont(tabular_font(self.key.font(), bold=True))
        self.description = QLabel()
        self.description.setObjectName(f"start_{name}_description")
        self.description.setWordWrap(True)
        self.description.setPalette(muted_palette(self.description.palette()))
        self.description.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.widgets: tuple[QWidget, ...] = (self.button, self.key, self.description)
        action.changed.connect(self.follow)

    def follow(self) -> None:
        """Take the action's text, shortcut, tip, enabled state and visibility."""
        action = self.action
        key = shortcut_text(action)
        self.button.setText(command_text(action))
        self.button.setEnabled(action.isEnabled())
        self.key.setText(key)
        # The navigation's tips end with the shortcut, shown beside the button already.
        tip = action.statusTip() or action.toolTip()
        if key and tip.endswith(f"({key})"):
            tip = tip.removesuffix(f"({key})").rstrip()
        self.description.setText(tip)
        self.button.setToolTip(f"{tip} ({key})" if key else tip)
        for widget in self.widgets:
            widget.setVisible(action.isVisible())


class CompanyPage(Page):
    """The start page: whom you work as, your day, where to start, and the company."""

    key = "company"
    title = N_("Company")
    description = N_("Your day's figures, where to start, and the open company")
    busy_text = N_("Loading the company's figures…")
    busy_name = "busy_indicator"

    day_loaded = Signal(object)
    """The ``DayFigures`` now on screen, or None when they could not be read."""

    def __init__(
        self,
        context: PageContext,
        parent: QWidget | None = None,
        *,
        load: SummaryLoader | None = None,
        load_day: DayLoader | None = None,
    ) -> None:
        super().__init__(context, parent)
        self._load = load or partial(load_company_summary, context.database)
        self._load_day = load_day or partial(load_day_figures, context.database, context.viewer)
        icons, database_location = context.icons, context.database.display_name
        self._summary: CompanySummary | None = None
        self._day: DayFigures | None = None
        self.day_reads = ReadSlot(self)
        """The day's figures: an interactive read beside the summary's long one."""
        self.commands: list[CommandRow] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(10)

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

        # You: whom the app works as, and what they see.
        viewer = context.viewer
        you = QGridLayout()
        you.setHorizontalSpacing(18)
        you.setVerticalSpacing(4)
        you.setColumnStretch(1, 1)
        self.working_as = self._detail(you, 0, "you", _("You work as"))
        self.working_as.setText(
            _("{name} ({login}) · {role}").format(
                name=viewer.display_name, login=viewer.user_name, role=role_text(viewer)
            )
        )
        self.pools = self._detail(you, 1, "your_pools", _("Your pools"))
        self.pools.setText(pools_text(viewer))
        self.pools.setWordWrap(True)
        outer.addLayout(you)

        # Your day: the pools' figures and what is due today.
        self.day_heading = QLabel(_("Your day"))
        self.day_heading.setObjectName("day_heading")
        self.day_heading.setFont(heading_font(self.font()))
        outer.addSpacing(4)
        outer.addWidget(self.day_heading)
        day = QGridLayout()
        day.setSpacing(10)
        self.my_customers = FactTile("my_customers", _("Customers in your pools"), icons, "pool")
        self.my_balance = FactTile("my_balance", _("Balance of your pools"), icons, "balance")
        self.my_past_due = FactTile("my_past_due", _("Past due"), icons, "aged_balances")
        self.due_today = FactTile("due_today", _("Activities due today"), icons, "activities")
        self.overdue = FactTile("overdue", _("Overdue activities"), icons, "error")
        self.promises_today = FactTile(
            "promises_today", _("Promises to pay due today"), icons, "payment"
        )
        self.day_tiles = (
            self.my_customers,
            self.my_balance,
            self.my_past_due,
            self.due_today,
            self.overdue,
            self.promises_today,
        )
        for index, tile in enumerate(self.day_tiles):
            day.addWidget(tile, index // 3, index % 3)
        for column in range(3):
            day.setColumnStretch(column, 1)
        outer.addLayout(day)
        self.day_source = QLabel()
        self.day_source.setObjectName("day_source")
        self.day_source.setWordWrap(True)
        self.day_source.setPalette(muted_palette(self.day_source.palette()))
        outer.addWidget(self.day_source)

        # Start with: the pages and commands a collector begins the day with.
        start = QLabel(_("Start with"))
        start.setFont(heading_font(self.font()))
        outer.addSpacing(4)
        outer.addWidget(start)
        self._commands = QGridLayout()
        self._commands.setHorizontalSpacing(10)
        self._commands.setVerticalSpacing(6)
        # Two commands a row: button, shortcut, what it does, and a gap between them.
        self._commands.setColumnStretch(2, 1)
        self._commands.setColumnMinimumWidth(3, 14)
        self._commands.setColumnStretch(6, 1)
        outer.addLayout(self._commands)

        # The company: its counts and balance today, side by side; in a narrow window
        # (half a laptop screen, next to the mail client) they fold into two rows.
        company = QLabel(_("The company"))
        company.setFont(heading_font(self.font()))
        outer.addSpacing(4)
        outer.addWidget(company)
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
        details.setVerticalSpacing(4)
        details.setColumnStretch(1, 1)
        self.company_name = self._detail(details, 0, "company_name", _("Company"))
        self.currency = self._detail(details, 1, "currency", _("Accounting currency"))
        self.as_of = self._detail(details, 2, "as_of", _("Figures on"))
        self.database = self._detail(details, 3, "database", _("Database"))
        self.database.setText(database_location)
        self.database.setToolTip(database_location)
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
        outer.addStretch(1)

        for widget in self._error_widgets:
            widget.hide()

    # --- public -------------------------------------------------------------------------

    @property
    def summary(self) -> CompanySummary | None:
        """The summary on screen (``None`` before the first load or after a failure)."""
        return self._summary

    @property
    def day(self) -> DayFigures | None:
        """The day's figures on screen (``None`` before they are read or after a failure)."""
        return self._day

    @property
    def is_loading(self) -> bool:
        """Whether the company's figures or the day's are being read."""
        return super().is_loading or self.day_reads.is_loading

    def offer_commands(self, actions: Sequence[QAction]) -> None:
        """Buttons for the window's ``actions`` under "Start with", two to a row."""
        for command in self.commands:
            for widget in command.widgets:
                self._commands.removeWidget(widget)
                widget.deleteLater()
            command.deleteLater()
        self.commands = []
        shown = 0
        for action in actions:
            command = CommandRow(action, self)
            self.commands.append(command)
            # Hidden commands (Sync now, off a replica) take no place in the grid.
            row, side = divmod(shown, 2) if action.isVisible() else (99, 0)
            for offset, widget in enumerate(command.widgets):
                self._commands.addWidget(widget, row, side * 4 + offset)
            command.follow()
            shown += action.isVisible()

    def activate(self) -> None:
        """The page came on screen: read it the first time, the day's figures every time."""
        if not self.started:
            self.refresh()
        else:
            self.load_day()

    def load(self) -> None:
        """Read the day's figures and the company's, for today's date."""
        self.load_day()
        as_of, read = self.context.clock.today(), self._load
        self.query(
            lambda state: read(state, as_of),
            self._show,
            name="company summary",
            failure=self._failed,
            long=True,
        )

    def load_day(self) -> None:
        """Read the day's figures again (an interactive read on the read lane)."""
        as_of, read = self.context.clock.today(), self._load_day
        self.query(
            lambda state: read(state, as_of),
            self._show_day,
            name="day figures",
            failure=self._day_failed,
            slot=self.day_reads,
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fold the company's figures into two rows when the page is narrow."""
        super().resizeEvent(event)
        self._arrange_tiles(4 if event.size().width() >= FOLD_WIDTH else 2)

    # --- building -----------------------------------------------------------------------

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
        label.setObjectName(f"{name}_label")
        value = QLabel("—")
        value.setObjectName(f"{name}_value")
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(value, row, 1)
        return value

    # --- the day ------------------------------------------------------------------------

    def _show_day(self, figures: DayFigures | None) -> None:
        self._day = figures
        if figures is None:  # no company: the company's part says what to do
            for tile in self.day_tiles:
                tile.show_value("—")
            self.day_source.setText("")
            self.day_loaded.emit(None)
            return
        fmt = self.context.formats
        self.day_heading.setText(
            _("Your day · {date}").format(date=fmt.date(figures.as_of, "full"))
        )
        scope = self.context.scope
        pools = len(scope.pools)
        self.my_customers.show_value(
            fmt.count(figures.customers),
            _("every customer of the company")
            if scope.may_view_all_pools or not self.context.viewer.is_agent
            else ngettext("in {count} pool", "in {count} pools", pools).format(
                count=fmt.count(pools)
            ),
        )
        if figures.balance is None or figures.past_due is None:
            self.my_balance.show_value("—", _("no snapshot yet"))
            self.my_past_due.show_value("—", _("no snapshot yet"))
        else:
            newest = max(source.as_of for source in figures.snapshots)
            self.my_balance.show_value(
                fmt.money(figures.balance, figures.currency),
                _("snapshot of {date}").format(date=fmt.date(newest)),
            )
            share = (
                _("{percent} % of the balance").format(
                    percent=fmt.count(round(100 * figures.past_due / figures.balance))
                )
                if figures.balance > 0
                else ""
            )
            self.my_past_due.show_value(
                fmt.money(figures.past_due, figures.currency), share, alert=figures.past_due > 0
            )
        if self.context.employee_id is None:
            for tile in (self.due_today, self.overdue):
                tile.show_value("—", _("not an employee: no activities"))
        else:
            self.due_today.show_value(
                fmt.count(figures.activities_due_today),
                ngettext(
                    "{count} open activity in all",
                    "{count} open activities in all",
                    figures.open_activities,
                ).format(count=fmt.count(figures.open_activities)),
            )
            self.overdue.show_value(
                fmt.count(figures.activities_overdue),
                _("ended before today, still open"),
                alert=figures.activities_overdue > 0,
            )
        self.promises_today.show_value(
            fmt.count(figures.promises_due_today),
            ngettext(
                "{count} more in the next {days} days",
                "{count} more in the next {days} days",
                figures.promises_due_soon,
            ).format(count=fmt.count(figures.promises_due_soon), days=PROMISE_DAYS),
        )
        self.day_source.setPalette(muted_palette(self.palette()))
        self.day_source.setText(self._day_source(figures))
        self.day_loaded.emit(figures)

    def _day_source(self, figures: DayFigures) -> str:
        """Where the balance and past due come from, and what they leave out."""
        fmt = self.context.formats
        parts = []
        for source in figures.snapshots:
            when = _("{date}, {taken}").format(
                date=fmt.date(source.as_of),
                taken=snapshot_taken(source.as_of, source.taken_at, fmt),
            )
            parts.append(
                _("snapshot of {pool} of {when}").format(pool=source.pool_name, when=when)
                if source.pool_name is not None
                else _("snapshot of all your pools of {when}").format(when=when)
            )
        if parts:
            text = _("Balance and past due: {sources}.").format(sources="; ".join(parts))
        else:
            text = _(
                "No snapshot holds your pools yet: the Overview takes one of the pool it "
                "shows when it opens."
            )
        if figures.pools_without_snapshot and parts:
            text += " " + _("Not counted, no snapshot yet: {pools}.").format(
                pools=", ".join(figures.pools_without_snapshot)
            )
        return text

    def _day_failed(self, error: BaseException) -> None:
        self._day = None
        for tile in self.day_tiles:
            tile.show_value("—")
        palette = self.day_source.palette()
        palette.setColor(QPalette.ColorRole.WindowText, alert_colour(palette))
        self.day_source.setPalette(palette)
        self.day_source.setText(
            _("Your day's figures could not be read: {reason}").format(reason=error)
        )
        self.day_loaded.emit(None)

    # --- the company --------------------------------------------------------------------

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
        self.customers.show_value(fmt.count(summary.customers))
        self.on_hold.show_value(fmt.count(summary.on_hold))
        self.open_transactions.show_value(fmt.count(summary.open_transactions))
        self.balance.show_value(fmt.money(summary.balance, summary.accounting_currency))
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
            tile.show_value("—")
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
