"""Aged balances: every customer of a pool's newest snapshot, one column per aging period.

The grid reads the stored snapshot (``models.list_pages.aged_balances``: one statement
whatever the pool's size), so it opens at once; the snapshot's date, time and author are
shown on top, because these figures are as old as the snapshot. **Create snapshot** ages
the pool again on the database lane with a progress bar and Cancel (a cancelled snapshot
is rolled back, nothing is stored) and shows the new one when it is done.

The period headers carry the aging colour scale (``aging_colour``) as a swatch, and
past-due amounts a light tint of their period's colour, so the eye finds the old money;
every amount is also plain text, so colour is never the only cue. Enter or a
double-click opens the customer's Workspace; the grid exports to CSV.

``PageLoader`` here is the one place the list pages keep their "newest read wins, busy
indicator after a delay" logic.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.dates import format_time
from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import ReceivablesParameters
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.list_pages import (
    AgedBalanceRow,
    AgedBalances,
    SnapshotHeader,
    aged_balances,
    aged_balances_csv,
)
from collections_desktop.models.overview import latest_snapshot
from collections_desktop.models.scope import AgentScope
from collections_desktop.models.snapshot import take_snapshot
from collections_desktop.views.context import PageContext
from collections_desktop.views.itemmodels.aging import FIXED_BEFORE, AgingModel
from collections_desktop.views.itemmodels.prepared import (
    PreparedRows,
    count_text,
    prepare_rows,
)
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.style import alert_colour, heading_font, muted_palette
from collections_desktop.views.tasks import Lane, Task, TaskRunner, TaskState
from collections_desktop.views.widgets.busy import DelayedBusy
from collections_desktop.views.widgets.grid import (
    ListGrid,
    header_state,
    page_button,
    pool_combo,
    restore_header,
)

NAME_WIDTH = 180
"""The narrowest the customer column gets when the figures need the room."""

NAME_MAX_WIDTH = 320
"""The widest the customer column is made (a longer name is elided, its tooltip whole)."""

SWATCH_ROOM = 14
"""Pixels a header needs for its colour swatch besides its text."""


class PageLoader(QObject):
    """Runs a page's reads on the database lane; the newest read wins, busy after a delay."""

    def __init__(self, runner: TaskRunner, busy: DelayedBusy, parent: QObject) -> None:
        super().__init__(parent)
        self._runner = runner
        self._busy = busy
        self.task: Task | None = None

    @property
    def is_loading(self) -> bool:
        """Whether a read is under way."""
        return self.task is not None

    def run(
        self,
        fn: Callable[[TaskState], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        *,
        name: str,
        progressed: Callable[[int, int, str], None] | None = None,
    ) -> Task:
        """Start ``fn`` on the database lane; only the latest task reaches ``done``/``failed``."""
        task = self._runner.run(fn, lane=Lane.WRITE, name=name)
        self.task = task

        def finish(then: Callable[[Any], None], value: Any) -> None:
            if task is not self.task:
                return  # superseded by a newer read
            self.task = None
            self._busy.stop()
            then(value)

        task.succeeded.connect(lambda value: finish(done, value))
        task.failed.connect(lambda error: finish(failed, error))
        task.cancelled.connect(lambda: finish(lambda _v: None, None))
        if progressed is not None:
            task.progressed.connect(
                lambda d, t, w: progressed(d, t, w) if task is self.task else None
            )
        self._busy.start()
        return task


@dataclass(frozen=True)
class AgedBalancesData:
    """What the page shows for one pool, read in one short session."""

    pool_id: uuid.UUID | None
    balances: AgedBalances | None  # None: the pool has no snapshot yet
    currency: str
    took_snapshot: bool = False
    prepared: PreparedRows[AgedBalanceRow] | None = None  # the rows, formatted for the grid


def load_aged_balances(
    database: Database,
    state: TaskState,
    *,
    scope: AgentScope,
    pool_id: uuid.UUID | None,
    as_of: dt.date,
    now: dt.datetime | None = None,
    take: bool = False,
    columns: Callable[[tuple[str, ...]], Sequence[Column[AgedBalanceRow]]] | None = None,
) -> AgedBalancesData:
    """Read the pool's newest snapshot (runs on the database lane).

    With ``take``, a snapshot of ``as_of`` is taken and committed first; cancelling
    stops it at its next step and stores nothing. ``columns`` gives the grid's columns
    for the snapshot's labels: the rows are then formatted here, off the GUI thread.
    """

    def progress(done: int, total: int, what: str) -> None:
        state.raise_if_cancelled()
        state.progress(done, total, what)

    if take:
        assert now is not None
        with write_transaction(database, run="snapshot", what=_("snapshot")) as session:
            take_snapshot(session, as_of, scope, now, pool_id=pool_id, progress=progress)
            state.raise_if_cancelled()
    with database.sessions() as session:
        info = latest_snapshot(session, scope, pool_id)
        balances = (
            aged_balances(session, scope, info.id, as_of=as_of, pool_id=pool_id)
            if info is not None
            else None
        )
        currency = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
    prepared = None
    if balances is not None and columns is not None:
        state.raise_if_cancelled()
        prepared = prepare_rows(columns(balances.snapshot.labels), balances.rows)
    return AgedBalancesData(pool_id, balances, currency or "", take, prepared)


def snapshot_time(as_of: dt.date, created_at: dt.datetime, formats: Formats) -> str:
    """When a snapshot was taken: the time alone on its own as-of day, else date and time."""
    local = created_at.astimezone()
    if local.date() == as_of:
        return format_time(local, format="short", locale=formats.locale)
    return formats.moment(created_at)


def snapshot_sentence(snapshot: SnapshotHeader, formats: Formats, shown: int | None = None) -> str:
    """ "Snapshot of Nov 23, 2026, taken 6:00 AM by lfernandez · 2,000 customers with open
    items"."""
    moment = snapshot_time(snapshot.as_of, snapshot.created_at, formats)
    taken = (
        _("taken {moment} by {user}").format(moment=moment, user=snapshot.user_name)
        if snapshot.user_name
        else _("taken {moment}").format(moment=moment)
    )
    count = snapshot.customer_count if shown is None else shown
    # A snapshot holds the customers with something open: say so, as the Overview counts
    # every customer of the pool.
    customers = ngettext(
        "{count} customer with open items", "{count} customers with open items", count
    ).format(count=formats.count(count))
    return _("Snapshot of {date}, {taken} · {customers}").format(
        date=formats.date(snapshot.as_of), taken=taken, customers=customers
    )


class AgedBalancesPage(QWidget):
    """Every customer of the chosen pool's newest snapshot, aged, with Create snapshot."""

    customer_chosen = Signal(object)
    """A customer's id: open their Workspace."""
    busy_changed = Signal(bool)
    """The busy indicator appeared or went away."""
    status_changed = Signal(str)
    """A one-line status for the window's status bar."""
    loaded = Signal(object)
    """The ``AgedBalancesData`` now on screen."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aged_balances_page")
        self.context = context
        self._runner = context.runner
        self._database = context.database
        self._scope = context.scope
        self._today = context.clock.today
        self._now = context.clock.now
        self._formats = context.formats
        self._icons = context.icons
        icons, scope, runner = context.icons, context.scope, context.runner
        self._alert = alert_colour(self.palette())
        self._saved_header: bytes | None = None
        self._snapshot_task: Task | None = None
        self.started = False
        self.data: AgedBalancesData | None = None
        self.status = ""
        self._busy = DelayedBusy("aged_busy", _("Loading…"), self, width=140)
        self._busy.changed.connect(self.busy_changed)
        self._loader = PageLoader(runner, self._busy, self)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 8)
        outer.setSpacing(8)

        top = QHBoxLayout()
        top.setSpacing(8)
        pool_label = QLabel(_("&Pool"))
        self.pool = pool_combo(scope, icons)
        pool_label.setBuddy(self.pool)
        self.pool.currentIndexChanged.connect(self._pool_changed)
        self.create_action = QAction(icons.get("snapshot"), _("Create snapshot"), self)
        self.create_action.setToolTip(
            _("Age every customer of this pool as of today and store it (runs in the background)")
        )
        self.create_action.triggered.connect(self.create_snapshot)
        self.export_action = QAction(icons.get("export_csv"), _("Export CSV…"), self)
        self.export_action.setToolTip(_("Save the rows shown (filter and sort applied) as CSV"))
        self.export_action.setEnabled(False)
        self.export_action.triggered.connect(self.export_csv)
        self.refresh_action = QAction(icons.get("refresh"), _("Refresh"), self)
        self.refresh_action.setToolTip(_("Read the newest snapshot of this pool again (F5)"))
        self.refresh_action.triggered.connect(self.refresh)
        top.addWidget(pool_label)
        top.addWidget(self.pool)
        top.addStretch(1)
        top.addWidget(self._busy.bar)
        top.addWidget(self._busy.label)
        top.addWidget(page_button(self.create_action, "create_snapshot_button"))
        top.addWidget(page_button(self.export_action, "export_button"))
        top.addWidget(page_button(self.refresh_action, "aged_refresh_button"))
        outer.addLayout(top)

        # The snapshot's date: the figures below are as old as this.
        self.headline = QLabel()
        self.headline.setObjectName("snapshot_headline")
        self.headline.setFont(heading_font(self.font()))
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subline = QLabel()
        self.subline.setObjectName("snapshot_subline")
        self.subline.setPalette(muted_palette(self.subline.palette()))
        outer.addWidget(self.headline)
        outer.addWidget(self.subline)

        # Progress of Create snapshot, with Cancel; hidden otherwise.
        self.progress_row = QWidget()
        self.progress_row.setObjectName("snapshot_progress_row")
        row = QHBoxLayout(self.progress_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setObjectName("snapshot_progress")
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("snapshot_progress_label")
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancel_snapshot_button")
        self.cancel_button.clicked.connect(self.cancel_snapshot)
        row.addWidget(self.progress)
        row.addWidget(self.progress_label)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        self.progress_row.hide()
        outer.addWidget(self.progress_row)

        self._column_sets: dict[tuple[str, ...], tuple[Column[AgedBalanceRow], ...]] = {}
        self.grid: ListGrid[AgedBalanceRow] = ListGrid(
            "aged", self._column_set(()), {}, icons, stretch=1
        )
        self.grid.title.setText(_("Customers"))
        self.grid.view.activated.connect(self._activated)
        self.grid.empty.linkActivated.connect(self._link)
        self.grid.sort_by(2, Qt.SortOrder.DescendingOrder)
        self.grid.set_rows((), _("Loading…"))
        outer.addWidget(self.grid, 1)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_filter)

    # --- public -------------------------------------------------------------------------

    @property
    def pool_id(self) -> uuid.UUID | None:
        """The pool chosen (None: all the agent's pools)."""
        chosen = self.pool.currentData()
        return uuid.UUID(chosen) if chosen else None

    @property
    def is_loading(self) -> bool:
        """Whether the grid is being read (or a snapshot taken)."""
        return self._loader.is_loading

    @property
    def is_busy_shown(self) -> bool:
        """Whether the busy indicator is on screen."""
        return self._busy.shown

    @property
    def is_taking_snapshot(self) -> bool:
        """Whether Create snapshot is running."""
        return self._snapshot_task is not None

    def activate(self) -> None:
        """The page came on screen: read it the first time."""
        if not self.started:
            self.refresh()

    def refresh(self) -> None:
        """Read the newest snapshot of the pool again (F5)."""
        self._load(take=False)

    def create_snapshot(self) -> None:
        """Age the pool as of today in the background, then show the new snapshot."""
        if self._snapshot_task is not None:
            return
        self.progress.setRange(0, 0)
        self.progress_label.setText(_("Starting the snapshot…"))
        self.cancel_button.setEnabled(True)
        self.progress_row.show()
        self.create_action.setEnabled(False)
        self._snapshot_task = self._load(take=True)
        task = self._snapshot_task
        task.finished.connect(lambda: self._snapshot_over(task))

    def cancel_snapshot(self) -> None:
        """Stop Create snapshot at its next step; nothing is stored."""
        if self._snapshot_task is not None:
            self._snapshot_task.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(_("Cancelling…"))

    def focus_filter(self) -> None:
        """Ctrl+F: the grid's filter box."""
        self.grid.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.grid.filter.selectAll()

    def export_csv(self, path: str | Path | None = None) -> None:
        """Save the rows shown, in their order, as CSV (asks for a file without ``path``)."""
        data = self.data
        if data is None or data.balances is None:
            return
        if path is None:
            default = f"aged-balances-{data.balances.snapshot.as_of.isoformat()}.csv"
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Export aged balances"), default, _("CSV files (*.csv)")
            )
            if not chosen:
                return
            path = chosen
        target = Path(path)
        rows = self.grid.model.rows()
        labels = data.balances.snapshot.labels

        def write(_state: TaskState) -> int:
            target.write_text(aged_balances_csv(labels, rows), encoding="utf-8")
            return len(rows)

        task = self._runner.run(write, lane=Lane.GENERAL, name="export aged balances")
        task.succeeded.connect(
            lambda count: self._set_status(
                ngettext(
                    "{count} customer exported to {path}",
                    "{count} customers exported to {path}",
                    count,
                ).format(count=self._formats.count(count), path=target)
            )
        )
        task.failed.connect(
            lambda error: self._set_status(
                _("The file could not be written: {reason}").format(reason=error)
            )
        )

    def save_state(self) -> dict[str, bytes]:
        """Column widths and sort, and the pool, to keep between sessions."""
        state = {"grid": header_state(self.grid)}
        if self.pool_id is not None:
            state["pool"] = self.pool_id.bytes
        return state

    def restore_state(self, state: dict[str, bytes]) -> None:
        """Put back what ``save_state`` returned (unknown or damaged entries are ignored)."""
        self._saved_header = state.get("grid")
        restore_header(self.grid, self._saved_header)
        pool = state.get("pool")
        if pool and len(pool) == 16:
            index = self.pool.findData(uuid.UUID(bytes=pool).hex)
            if index >= 0:
                self.pool.setCurrentIndex(index)

    # --- loading ------------------------------------------------------------------------

    def _load(self, *, take: bool) -> Task:
        self.started = True
        scope, pool_id, database = self._scope, self.pool_id, self._database
        as_of, now = self._today(), self._now()
        self._busy.label.setText(_("Taking a snapshot…") if take else _("Loading…"))
        columns = self._column_set
        return self._loader.run(
            lambda state: load_aged_balances(
                database,
                state,
                scope=scope,
                pool_id=pool_id,
                as_of=as_of,
                now=now,
                take=take,
                columns=columns,
            ),
            self._loaded,
            self._failed,
            name="aged balances",
            progressed=self._progressed,
        )

    def _pool_changed(self) -> None:
        if self.started:
            self._load(take=False)

    def _progressed(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        if what:
            self.progress_label.setText(what)
            self.status_changed.emit(what)

    def _snapshot_over(self, task: Task) -> None:
        if task is self._snapshot_task:
            self._snapshot_task = None
            self.progress_row.hide()
            self.create_action.setEnabled(True)
            if task.state.cancelled:
                self._set_status(_("Create snapshot was cancelled; nothing was stored."))

    def _loaded(self, data: AgedBalancesData) -> None:
        self.data = data
        fmt = self._formats
        balances = data.balances
        if balances is None:
            self.headline.setText(_("No snapshot of this pool yet"))
            self.subline.setText(
                _("A snapshot ages every customer of the pool once; the list reads it.")
            )
            self._ensure_columns(self._column_set(()), 0)
            self.grid.set_rows(
                (),
                _('No snapshot of this pool yet — <a href="create">Create snapshot</a>'),
            )
            self.export_action.setEnabled(False)
            self._set_status(_("No snapshot of this pool yet"))
            self.loaded.emit(data)
            return
        snapshot = balances.snapshot
        assert data.prepared is not None
        self._ensure_columns(data.prepared.columns, len(snapshot.labels))
        if data.currency:
            self.grid.model.set_header(2, _("Balance ({currency})").format(currency=data.currency))
        self.headline.setText(snapshot_sentence(snapshot, fmt, len(balances.rows)))
        total = sum((row.balance for row in balances.rows), Decimal(0))
        past_due = sum((row.past_due for row in balances.rows), Decimal(0))
        self.subline.setText(
            _("{definition} · balance {balance} · past due {past_due}").format(
                definition=snapshot.definition_name,
                balance=fmt.money(total, data.currency) if data.currency else fmt.amount(total),
                past_due=fmt.amount(past_due),
            )
        )
        fit = not self.grid.sized
        self.grid.sized = True  # sized here, with room for the colour swatches
        self.grid.set_prepared(data.prepared, _("No customer of this pool owed anything then."))
        if fit and balances.rows:
            self._fit_columns()
        self.export_action.setEnabled(bool(balances.rows))
        status = snapshot_sentence(snapshot, fmt, len(balances.rows))
        if data.took_snapshot:
            status = _("New snapshot taken · {status}").format(status=status)
        self._set_status(status)
        self.loaded.emit(data)

    def _failed(self, error: BaseException) -> None:
        message = _("The aged balances could not be read: {reason}").format(reason=error)
        self.grid.set_rows((), html.escape(message) + " " + _('<a href="refresh">Try again</a>'))
        self._set_status(message)

    def _set_status(self, text: str) -> None:
        self.status = text
        self.status_changed.emit(text)

    # --- the grid -----------------------------------------------------------------------

    def _ensure_columns(self, columns: tuple[Column[AgedBalanceRow], ...], width: int) -> None:
        """Swap in a model for the snapshot's columns when they differ from those shown."""
        if columns == self.grid.model.columns and isinstance(self.grid.model, AgingModel):
            return
        model = AgingModel(columns, self._colours(width), width, self.grid)
        model.right = {2, *range(FIXED_BEFORE, len(columns))}
        self.grid.set_model(model)
        restore_header(self.grid, self._saved_header)

    def _column_set(self, labels: tuple[str, ...]) -> tuple[Column[AgedBalanceRow], ...]:
        """The grid's columns for a snapshot's labels, the same objects for the same labels.

        Called on the worker that prepares the rows as well (a dict's get and set are
        atomic; at worst two equal sets are made and one is kept).
        """
        found = self._column_sets.get(labels)
        if found is None:
            found = tuple(self._columns(labels))
            self._column_sets[labels] = found
        return found

    def _fit_columns(self) -> None:
        """Size the columns to their contents; the swatched headers get room for the swatch.

        The customer's name takes what is left, but never less than ``NAME_WIDTH``: a
        narrow window scrolls sideways rather than hiding whom the figures are about.
        """
        self.grid.fit_columns()
        header = self.grid.view.horizontalHeader()
        model = self.grid.model
        width = model.width if isinstance(model, AgingModel) else 0
        for column in range(FIXED_BEFORE, FIXED_BEFORE + width):
            header.resizeSection(column, header.sectionSize(column) + SWATCH_ROOM)
        others = sum(header.sectionSize(c) for c in range(model.columnCount()) if c != 1)
        room = self.grid.view.viewport().width() - others - 2
        fitted = min(self.grid.view.sizeHintForColumn(1) + 12, NAME_MAX_WIDTH)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, max(NAME_WIDTH, min(room, fitted)))
        header.setStretchLastSection(room > fitted)  # spare room goes after the figures

    def _columns(self, labels: Sequence[str]) -> list[Column[AgedBalanceRow]]:
        fmt = self._formats
        amount = self._amount
        blank_zero = self._blank_zero
        columns: list[Column[AgedBalanceRow]] = [
            Column(_("Account"), lambda r: r.account),
            Column(
                _("Customer"),
                lambda r: r.name,
                tooltip=lambda r: _("{name} · double-click or Enter opens the Workspace").format(
                    name=r.name
                ),
            ),
            Column(_("Balance"), lambda r: r.balance, text=amount),
        ]
        for i, label in enumerate(labels):
            columns.append(Column(label, lambda r, i=i: r.columns[i], text=blank_zero))
        columns += [
            Column(_("Past due"), lambda r: r.past_due, text=blank_zero),
            Column(_("Credit limit"), lambda r: r.credit_limit, text=amount),
            Column(_("Available"), lambda r: r.available_credit, text=amount),
            Column(
                _("Risk"),
                lambda r: r.risk_score,
                text=lambda v: count_text(fmt, v),
                tooltip=lambda r: (
                    _("Risk score {score} of 100; the oldest past-due item is {days} days late")
                    if r.oldest_past_due_days
                    else _("Risk score {score} of 100")
                ).format(score=r.risk_score, days=r.oldest_past_due_days),
            ),
        ]
        return columns

    def _colours(self, width: int) -> dict[int, Callable[[AgedBalanceRow], Any]]:
        after = FIXED_BEFORE + width
        colours: dict[int, Callable[[AgedBalanceRow], Any]] = {
            2: lambda r: self._negative(r.balance),
            after + 2: lambda r: self._negative(r.available_credit),
        }
        if width:
            colours[FIXED_BEFORE + width - 1] = lambda r: self._negative(r.unapplied)
        return colours

    def _amount(self, value: Decimal | None) -> str:
        return "" if value is None else self._formats.amount(value)

    def _blank_zero(self, value: Decimal | None) -> str:
        # Most aging cells are zero: blanks let the amounts that matter stand out.
        return "" if not value else self._formats.amount(value)

    def _negative(self, value: Decimal | None) -> QColor | None:
        return self._alert if value is not None and value < 0 else None

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.customer_chosen.emit(self.grid.model.row(index).customer_id)

    def _link(self, link: str) -> None:
        if link == "create":
            self.create_snapshot()
        elif link == "refresh":
            self.refresh()
