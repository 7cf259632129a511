"""The Overview, where a collector starts the day: own activities, highest and past-due balances.

Everything is read on the database lane in a short session of its own
(``load_overview``), so the window never waits; a busy indicator appears only after
``BUSY_DELAY_MS``. The balances come from the newest stored snapshot of the chosen pool
(``models.screens.overview.latest_snapshot``). The first load and Refresh take a snapshot in the
background when the pool has none (or, on Refresh, when the newest is older than today);
switching pool only reads, and says so when that pool has no snapshot yet.

Each grid is a ``RowTableModel`` (sorted and filtered on precomputed keys) in a plain
``QTableView``. Activating the Customer cell opens the customer's Workspace
(``customer_chosen``); the Account cell opens the customer's details
(``customer_details_requested``).
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.aging.snapshot import take_snapshot
from collections_desktop.models.casework.activities import (
    ActivityDetails,
    ActivityError,
    activity_details,
    close_activities,
    create_activity,
)
from collections_desktop.models.db.database import Database, DatabaseOpenError
from collections_desktop.models.db.schema import Customer, ReceivablesParameters
from collections_desktop.models.db.writing import RunInProgressError, write_transaction
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.overview import (
    ActivityRow,
    BalanceRow,
    PastDueRow,
    SnapshotInfo,
    count_my_activities,
    highest_balances,
    latest_snapshot,
    my_activities,
    past_due_balances,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.activity_dialog import (
    ActivityDetailsDialog,
    ActivityInput,
    NewActivityDialog,
    type_name,
)
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.style import alert_colour, muted_palette
from collections_desktop.views.tasks import Lane, Task, TaskState
from collections_desktop.views.widgets.busy import DelayedBusy
from collections_desktop.views.widgets.grid import Grid

TOP = 100
ACTIVITY_LIMIT = 500
"""The oldest open activities listed; an agent with more sees how many there are in all."""
"""How many customers the two balance lists show."""

LATE_DAYS = 90
"""Past due for longer than this many days: the days are shown in the alert colour."""

STATUS_NAMES = {"active": N_("Active"), "on_hold": N_("On hold"), "closed": N_("Closed")}


@dataclass(frozen=True)
class OverviewData:
    """Everything the page shows for one pool, read in one short session."""

    pool_id: uuid.UUID | None
    snapshot: SnapshotInfo | None
    took_snapshot: bool
    activities: tuple[ActivityRow, ...]
    open_activities: int  # all of them; ``activities`` holds the oldest ACTIVITY_LIMIT
    highest: tuple[BalanceRow, ...]
    past_due: tuple[PastDueRow, ...]
    customers: int
    currency: str
    snapshot_refused: str = ""  # why no new snapshot could be written (the lists are older)


def load_overview(
    database: Database,
    state: TaskState,
    *,
    scope: AgentScope,
    employee_id: uuid.UUID | None,
    pool_id: uuid.UUID | None,
    as_of: dt.date,
    now: dt.datetime,
    take: bool,
) -> OverviewData:
    """Read the three lists (runs on the database lane).

    With ``take``, a snapshot is taken and committed first when the pool has none or
    only older ones than ``as_of``. When it cannot be written (another run holds the
    database, the file is read-only, damaged or full), the lists come from the latest
    snapshot there is and ``snapshot_refused`` says why.
    """
    with database.sessions() as session:
        snapshot = latest_snapshot(session, scope, pool_id)
    took, refused = False, ""
    if take and (snapshot is None or snapshot.as_of < as_of):
        state.raise_if_cancelled()
        try:
            with write_transaction(database, run="snapshot", what=_("snapshot")) as session:
                # Read again under the lock: another run may have taken today's meanwhile.
                snapshot = latest_snapshot(session, scope, pool_id)
                if snapshot is None or snapshot.as_of < as_of:
                    take_snapshot(
                        session, as_of, scope, now, pool_id=pool_id, progress=state.progress
                    )
                    snapshot = latest_snapshot(session, scope, pool_id)
                    took = True
        except (RunInProgressError, DatabaseOpenError) as error:
            refused = str(error)
            with database.sessions() as session:
                snapshot = latest_snapshot(session, scope, pool_id)
    with database.sessions() as session:
        state.raise_if_cancelled()
        activities: tuple[ActivityRow, ...] = ()
        open_activities = 0
        if employee_id is not None:
            activities = my_activities(
                session, scope, employee_id, pool_id=pool_id, as_of=as_of, limit=ACTIVITY_LIMIT
            )
            open_activities = len(activities)
            if open_activities == ACTIVITY_LIMIT:
                open_activities = count_my_activities(
                    session, scope, employee_id, pool_id=pool_id, as_of=as_of
                )
        highest: tuple[BalanceRow, ...] = ()
        past_due: tuple[PastDueRow, ...] = ()
        if snapshot is not None:
            highest = highest_balances(
                session, scope, snapshot.id, pool_id=pool_id, as_of=as_of, limit=TOP
            )
            past_due = past_due_balances(
                session, scope, snapshot.id, pool_id=pool_id, as_of=as_of, limit=TOP
            )
        customers = session.scalar(
            select(func.count())
            .select_from(Customer)
            .where(Customer.deleted_at.is_(None), scope.customer_condition(as_of, pool_id))
        )
        currency = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
        return OverviewData(
            pool_id=pool_id,
            snapshot=snapshot,
            took_snapshot=took,
            activities=activities,
            open_activities=open_activities,
            highest=highest,
            past_due=past_due,
            customers=customers or 0,
            currency=currency or "",
            snapshot_refused=refused,
        )


class OverviewPage(QWidget):
    """The collector's landing page: own activities and the pool's balance lists."""

    customer_chosen = Signal(object)
    """A customer's id: open their Workspace."""
    customer_details_requested = Signal(object)
    """A customer's id: show their details (account, contacts, credit)."""
    busy_changed = Signal(bool)
    """The busy indicator appeared (a load or a snapshot takes a while) or went away."""
    status_changed = Signal(str)
    """A one-line status for the window's status bar."""
    loaded = Signal(object)
    """The ``OverviewData`` now on screen."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overview_page")
        self.context = context
        self._runner = context.runner
        self._database = context.database
        self._scope = context.scope
        self._employee_id = context.employee_id
        self._today = context.clock.today
        self._now = context.clock.now
        self._formats = context.formats
        self._icons = context.icons
        icons, scope = context.icons, context.scope
        formats, employee_id = context.formats, context.employee_id
        self._task: Task | None = None
        self._writing = False
        self._started = False
        self._note = ""
        self.data: OverviewData | None = None
        self.status = ""
        self.new_dialog: NewActivityDialog | None = None
        self.details_dialog: ActivityDetailsDialog | None = None
        self._busy = DelayedBusy("busy_indicator", _("Loading…"), self, width=140)
        self._busy.changed.connect(self.busy_changed)
        self.busy, self.busy_label = self._busy.bar, self._busy.label
        self.busy_label.setObjectName("busy_label")
        self._alert = alert_colour(self.palette())
        self._link = self.palette().color(QPalette.ColorRole.Link)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 8)
        outer.setSpacing(8)

        # Header: the pool, what is going on, refresh.
        header = QHBoxLayout()
        header.setSpacing(8)
        pool_label = QLabel(_("&Pool"))
        self.pool = QComboBox()
        self.pool.setObjectName("pool_combo")
        self.pool.setMinimumContentsLength(24)
        self.pool.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        pool_label.setBuddy(self.pool)
        # Item data are plain text (a pool id's hex, "" for all): PySide6 has been seen to
        # drop references to Python objects kept in Qt's variants, crashing much later.
        self.pool.addItem(icons.get("customers"), _("All my pools"), "")
        for pool_id, name in sorted(scope.pool_names.items(), key=lambda item: item[1].casefold()):
            self.pool.addItem(icons.get("pool"), name, pool_id.hex)
        self._choose_pool(scope.default_pool_id)
        self.pool.currentIndexChanged.connect(self._pool_changed)
        self.notice = QLabel()
        self.notice.setObjectName("overview_notice")
        self.notice.setPalette(muted_palette(self.notice.palette()))
        # A long notice (a path, a refusal) wraps within the header, never widens the page.
        self.notice.setWordWrap(True)
        self.notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.refresh_action = QAction(icons.get("refresh"), _("Refresh"), self)
        self.refresh_action.setToolTip(
            _("Read the lists again; takes a snapshot of today when the pool has none")
        )
        self.refresh_action.triggered.connect(self.refresh)
        self.refresh_button = self._button(self.refresh_action, "refresh_button")
        header.addWidget(pool_label)
        header.addWidget(self.pool)
        header.addSpacing(12)
        header.addWidget(self.notice, 1)
        header.addWidget(self.busy)
        header.addWidget(self.busy_label)
        header.addWidget(self.refresh_button)
        outer.addLayout(header)

        # My activities.
        fmt = formats
        self.activities = Grid[ActivityRow](
            "activities",
            [
                Column(
                    _("End date"),
                    lambda r: r.end_at,
                    text=self._end_text,
                    tooltip=lambda r: fmt.moment(r.end_at, "medium"),
                ),
                Column(
                    _("Customer"),
                    lambda r: r.name or "",
                    text=lambda v: v or _("(own task)"),
                    tooltip=lambda r: (
                        _("{account} · double-click or Enter opens the Workspace").format(
                            account=r.account
                        )
                        if r.account
                        else _("Your own task, about no customer")
                    ),
                ),
                Column(
                    _("Purpose"),
                    lambda r: r.purpose + ("  ✎" if r.has_memo else ""),
                    tooltip=self._purpose_tooltip,
                ),
                Column(_("Type"), lambda r: type_name(r.type)),
                Column(_("Category"), lambda r: r.category),
            ],
            {0: self._overdue_end, 1: self._customer_colour},
            icons,
            stretch=2,
        )
        self.activities.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.activities.sort_by(0, Qt.SortOrder.AscendingOrder)
        self.new_action = QAction(icons.get("new_activity"), _("New activity"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_action.setToolTip(_("New activity (Ctrl+N)"))
        self.new_action.setEnabled(employee_id is not None)
        self.new_action.triggered.connect(self.new_activity)
        self.close_action = QAction(icons.get("close_activity"), _("Close activity"), self)
        self.close_action.setToolTip(_("Close the selected activities"))
        self.close_action.setEnabled(False)
        self.close_action.triggered.connect(self.close_selected)
        self.more_action = QAction(icons.get("details"), _("More…"), self)
        self.more_action.setToolTip(_("Every detail of the activity, with its memo"))
        self.more_action.setEnabled(False)
        self.more_action.triggered.connect(self.show_details)
        self.addAction(self.new_action)
        for action in (self.more_action, self.close_action, self.new_action):
            self.activities.view.addAction(action)
        self.activities.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.new_button = self._button(self.new_action, "new_activity_button")
        self.close_button = self._button(self.close_action, "close_activity_button")
        self.activities.head.insertWidget(2, self.new_button)
        self.activities.head.insertWidget(3, self.close_button)
        self.activities.head.insertSpacing(4, 12)
        self.activities.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.activities.view.activated.connect(self._activity_activated)
        self.activities.empty.linkActivated.connect(self._link_activated)

        # Highest balances and past-due balances, side by side.
        self.highest = Grid[BalanceRow](
            "highest",
            self._balance_columns(),
            {
                1: self._customer_colour,
                3: lambda r: self._negative(r.credit_limit),
                4: lambda r: self._negative(r.available_credit),
                2: lambda r: self._negative(r.balance),
            },
            icons,
            stretch=1,
        )
        self.highest.sort_by(-1, Qt.SortOrder.DescendingOrder)
        self.past_due = Grid[PastDueRow](
            "past_due",
            self._past_due_columns(),
            {
                1: self._customer_colour,
                3: lambda r: self._late(r.oldest_past_due_days),
                6: lambda r: self._alert if r.account_status != "active" else None,
            },
            icons,
            stretch=1,
        )
        self.past_due.sort_by(-1, Qt.SortOrder.AscendingOrder)
        self.highest.model.right = {2, 3, 4, 5}
        self.past_due.model.right = {3, 4}
        for grid in (self.highest, self.past_due):
            grid.view.activated.connect(lambda index, g=grid: self._customer_activated(g, index))
            grid.empty.linkActivated.connect(self._link_activated)

        self.balances = QSplitter(Qt.Orientation.Horizontal)
        self.balances.setObjectName("balances_splitter")
        self.balances.setChildrenCollapsible(False)
        self.balances.addWidget(self.highest)
        self.balances.addWidget(self.past_due)
        self.balances.setSizes([450, 550])  # the past-due grid has a column more
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("overview_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.activities)
        self.splitter.addWidget(self.balances)
        self.splitter.setSizes([380, 520])
        outer.addWidget(self.splitter, 1)
        self.grids = (self.activities, self.highest, self.past_due)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_filter)
        self._set_titles(None)
        for grid in self.grids:
            grid.set_rows((), _("Loading…"))

    # --- public -------------------------------------------------------------------------

    @property
    def pool_id(self) -> uuid.UUID | None:
        """The pool chosen (None: all the agent's pools)."""
        chosen = self.pool.currentData()
        return uuid.UUID(chosen) if chosen else None

    @property
    def is_loading(self) -> bool:
        """Whether the lists are being read (or a snapshot taken)."""
        return self._task is not None

    @property
    def is_busy_shown(self) -> bool:
        """Whether the busy indicator is on screen."""
        return self._busy.shown

    def refresh(self) -> None:
        """Read the lists again (F5); takes a snapshot of today if the newest is older or none."""
        self._load(take=True)

    def focus_filter(self) -> None:
        """Ctrl+F: focus the filter of the grid that has the focus, else of the first grid."""
        focus = QApplication.focusWidget()
        chosen = self.grids[0]
        for grid in self.grids:
            if focus is not None and (focus is grid or grid.isAncestorOf(focus)):
                chosen = grid
                break
        chosen.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        chosen.filter.selectAll()

    def save_state(self) -> dict[str, bytes]:
        """Splitter positions and column widths and sort, to keep between sessions."""
        state = {
            "splitter": self.splitter.saveState(),
            "balances": self.balances.saveState(),
        }
        for grid in self.grids:
            state[grid.objectName()] = grid.view.horizontalHeader().saveState()
        result = {key: bytes(value.data()) for key, value in state.items()}
        if self.pool_id is not None:
            result["pool"] = self.pool_id.bytes
        return result

    def restore_state(self, state: dict[str, bytes]) -> None:
        """Put back what ``save_state`` returned (unknown or damaged entries are ignored)."""
        for key, splitter in (("splitter", self.splitter), ("balances", self.balances)):
            if key in state:
                splitter.restoreState(QByteArray(state[key]))
        for grid in self.grids:
            value = state.get(grid.objectName())
            if value and grid.view.horizontalHeader().restoreState(QByteArray(value)):
                grid.sized = True
        pool = state.get("pool")
        if pool and len(pool) == 16:
            self._choose_pool(uuid.UUID(bytes=pool))

    def _choose_pool(self, pool_id: uuid.UUID | None) -> None:
        index = self.pool.findData(pool_id.hex if pool_id is not None else "")
        if pool_id is not None and index >= 0:
            self.pool.setCurrentIndex(index)
            return

    def selected_activities(self) -> list[ActivityRow]:
        """The activities selected in the grid, in display order."""
        view = self.activities.view
        rows = sorted(index.row() for index in view.selectionModel().selectedRows())
        return [self.activities.model.row(self.activities.model.index(r, 0)) for r in rows]

    def new_activity(self) -> None:
        """Ctrl+N: ask for a new activity; it is written when the dialog's Create is pressed."""
        if self._employee_id is None:
            return
        if self.new_dialog is not None and self.new_dialog.isVisible():
            self.new_dialog.raise_()
            return
        dialog = NewActivityDialog(self._now(), parent=self)
        dialog.submitted.connect(lambda value: self._create(dialog, value))
        dialog.finished.connect(lambda: self._forget(dialog))
        self.new_dialog = dialog
        dialog.open()

    def close_selected(self) -> None:
        """Close every selected activity in one transaction, then read the lists again."""
        rows = self.selected_activities()
        if not rows or self._writing:
            return
        ids = [row.id for row in rows]
        scope, employee, now = self._scope, self._employee_id, self._now()
        database = self._database

        def close(_state: TaskState) -> int:
            with write_transaction(database) as session:
                return close_activities(session, scope, ids, now, employee)

        self._write(close, self._closed, name="close activities")

    def show_details(self) -> None:
        """More…: every field of the current activity, read-only, in a dialog."""
        index = self.activities.view.currentIndex()
        rows = self.selected_activities()
        if index.isValid():
            row = self.activities.model.row(index)
        elif rows:
            row = rows[0]
        else:
            return
        self.open_activity(row.id)

    # --- loading ------------------------------------------------------------------------

    def _load(self, *, take: bool) -> None:
        self._started = True
        scope, employee, pool_id = self._scope, self._employee_id, self.pool_id
        as_of, now, database = self._today(), self._now(), self._database
        task = self._runner.run(
            lambda state: load_overview(
                database,
                state,
                scope=scope,
                employee_id=employee,
                pool_id=pool_id,
                as_of=as_of,
                now=now,
                take=take,
            ),
            lane=Lane.WRITE,
            name="overview",
        )
        # A newer load supersedes an older one: only the latest may update the page.
        self._task = task
        task.progressed.connect(lambda done, total, what: self._progress(task, done, total, what))
        task.succeeded.connect(lambda data: self._loaded(task, data))
        task.failed.connect(lambda error: self._failed(task, error))
        task.cancelled.connect(lambda: self._cancelled(task))
        self.busy_label.setText(_("Loading…"))
        self.busy.setRange(0, 0)
        self._busy.start()

    def _pool_changed(self) -> None:
        if self._started:
            self._load(take=False)

    def _progress(self, task: Task, done: int, total: int, what: str) -> None:
        if task is not self._task:
            return
        self.busy.setRange(0, max(total, 0))
        self.busy.setValue(done)
        if what:
            self.busy_label.setText(what)
            self.status_changed.emit(what)

    def _loaded(self, task: Task, data: OverviewData) -> None:
        if task is not self._task:
            return
        self._task = None
        self._stop_busy()
        self.data = data
        self._set_titles(data)
        if self._employee_id is None:
            empty = _("You are not set up as an employee, so no activities are yours.")
        elif self.pool_id is not None:
            empty = _('No open activities for this pool — <a href="new">New activity</a> (Ctrl+N)')
        else:
            empty = _('No open activities — <a href="new">New activity</a> (Ctrl+N)')
        self.activities.set_rows(data.activities, empty)
        if data.snapshot is None:
            none = (
                _("No snapshot of this pool yet, and none could be taken: {reason}").format(
                    reason=html.escape(data.snapshot_refused)
                )
                if data.snapshot_refused
                else _('No snapshot of this pool yet — <a href="refresh">Refresh</a> takes one')
            )
            self.highest.set_rows((), none)
            self.past_due.set_rows((), none)
        else:
            self.highest.set_rows(data.highest, _("No customer of this pool has a balance."))
            self.past_due.set_rows(data.past_due, _("Nothing is past due in this pool."))
        self._selection_changed()
        status = self._status(data)
        if self._note:
            status = f"{self._note} · {status}"
            self._note = ""
        self._set_status(status)
        self.loaded.emit(data)

    def _status(self, data: OverviewData) -> str:
        fmt = self._formats
        customers = ngettext("{count} customer", "{count} customers", data.customers).format(
            count=fmt.count(data.customers)
        )
        where = (
            _("{customers} in this pool") if data.pool_id else _("{customers} in your pools")
        ).format(customers=customers)
        if data.snapshot is None:
            text = _("No snapshot of this pool yet · {where}").format(where=where)
        else:
            text = _("Snapshot of {date} (taken {moment}) · {where}").format(
                date=fmt.date(data.snapshot.as_of),
                moment=fmt.moment(data.snapshot.created_at),
                where=where,
            )
        if data.took_snapshot:
            text = _("New snapshot taken · {status}").format(status=text)
        if data.snapshot_refused:
            text = _("No new snapshot: {reason} · {status}").format(
                reason=data.snapshot_refused, status=text
            )
        return text

    def _set_titles(self, data: OverviewData | None) -> None:
        count = data.open_activities if data else 0
        title = (
            ngettext("My activities ({count} open)", "My activities ({count} open)", count).format(
                count=self._formats.count(count)
            )
            if data
            else _("My activities")
        )
        if data and count > len(data.activities):
            title = _("{title}: the {shown} oldest are listed").format(
                title=title, shown=self._formats.count(len(data.activities))
            )
        self.activities.title.setText(title)
        self.highest.title.setText(
            _("Highest balances (top {count})").format(count=self._formats.count(TOP))
        )
        self.past_due.title.setText(_("Past-due balances (oldest first)"))
        currency = data.currency if data else ""
        self.highest.model.set_header(2, self._with_currency(_("Balance"), currency))
        self.past_due.model.set_header(4, self._with_currency(_("Past due"), currency))

    def _failed(self, task: Task, error: BaseException) -> None:
        if task is not self._task:
            return
        self._task = None
        self._stop_busy()
        message = _("The overview could not be read: {reason}").format(reason=error)
        for grid in self.grids:
            grid.set_rows((), message + " " + _('<a href="refresh">Try again</a>'))
        self._set_status(message)

    def _cancelled(self, task: Task) -> None:
        if task is self._task:
            self._task = None
            self._stop_busy()

    def _stop_busy(self) -> None:
        self._busy.stop()

    def _set_status(self, text: str) -> None:
        self.status = text
        self.notice.setText(text)
        self.notice.setToolTip(text)
        self.status_changed.emit(text)

    # --- writing ------------------------------------------------------------------------

    def _write(
        self,
        fn: Callable[[TaskState], Any],
        done: Callable[[Any], None],
        *,
        name: str,
        refused: Callable[[str], None] | None = None,
    ) -> None:
        self._writing = True
        self._selection_changed()
        task = self._runner.run(fn, lane=Lane.WRITE, name=name)

        def succeeded(result: Any) -> None:
            self._writing = False
            done(result)

        def failed(error: BaseException) -> None:
            self._writing = False
            self._selection_changed()
            if isinstance(error, ActivityError):
                message = str(error)
            else:
                message = _("Nothing was saved: {reason}").format(reason=error)
            if refused is not None:
                refused(message)
            self._set_status(message)

        def cancelled() -> None:
            self._writing = False

        task.succeeded.connect(succeeded)
        task.failed.connect(failed)
        task.cancelled.connect(cancelled)

    def _closed(self, count: int) -> None:
        self._note = ngettext("Closed {count} activity", "Closed {count} activities", count).format(
            count=self._formats.count(count)
        )
        self._set_status(self._note)
        self._load(take=False)

    def _create(self, dialog: NewActivityDialog, value: ActivityInput) -> None:
        if self._employee_id is None or self._writing:
            dialog.set_waiting(False)
            return
        scope, employee, now, database = self._scope, self._employee_id, self._now(), self._database

        def create(_state: TaskState) -> str:
            with write_transaction(database) as session:
                activity = create_activity(
                    session,
                    scope,
                    now=now,
                    responsible_id=employee,
                    type=value.type,
                    purpose=value.purpose,
                    category=value.category,
                    memo=value.memo,
                    customer_account=value.customer_account,
                    start_at=value.start_at,
                    end_at=value.end_at,
                )
                return activity.number

        def created(number: str) -> None:
            dialog.accept()
            self._note = _("Activity {number} created").format(number=number)
            self._set_status(self._note)
            self._load(take=False)

        self._write(create, created, name="create activity", refused=dialog.show_error)

    def open_activity(self, activity_id: uuid.UUID) -> None:
        """Show every field of an activity, read-only (More…, or a timeline entry)."""
        scope, database, as_of = self._scope, self._database, self._today()

        def read(_state: TaskState) -> ActivityDetails:
            with database.sessions() as session:
                return activity_details(session, scope, activity_id, as_of=as_of)

        task = self._runner.run(read, lane=Lane.WRITE, name="activity details")
        task.succeeded.connect(self._show_details_dialog)
        task.failed.connect(
            lambda error: self._set_status(
                str(error)
                if isinstance(error, ActivityError)
                else _("The activity could not be read: {reason}").format(reason=error)
            )
        )

    def _show_details_dialog(self, details: ActivityDetails) -> None:
        if self.details_dialog is not None:
            self.details_dialog.reject()
        dialog = ActivityDetailsDialog(details, self._formats, self)
        dialog.finished.connect(lambda: self._forget(dialog))
        self.details_dialog = dialog
        dialog.open()

    def _forget(self, dialog: QWidget) -> None:
        if dialog is self.new_dialog:
            self.new_dialog = None
        if dialog is self.details_dialog:
            self.details_dialog = None
        dialog.deleteLater()

    # --- reactions ----------------------------------------------------------------------

    def _selection_changed(self, *_args: Any) -> None:
        selected = bool(self.activities.view.selectionModel().selectedRows())
        self.close_action.setEnabled(
            selected and not self._writing and self._employee_id is not None
        )
        self.more_action.setEnabled(selected)

    def _activity_activated(self, index: QModelIndex) -> None:
        row = self.activities.model.row(index)
        if index.column() == 1 and row.customer_id is not None:
            self.customer_chosen.emit(row.customer_id)
        else:
            self.open_activity(row.id)

    def _customer_activated(self, grid: Grid[Any], index: QModelIndex) -> None:
        row = grid.model.row(index)
        if index.column() == 0:
            self.customer_details_requested.emit(row.customer_id)
        else:
            self.customer_chosen.emit(row.customer_id)

    def _link_activated(self, link: str) -> None:
        if link == "new":
            self.new_activity()
        elif link == "refresh":
            self.refresh()

    # --- columns ------------------------------------------------------------------------

    def _button(self, action: QAction, name: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(False)
        return button

    def _amount(self, value: Decimal | None) -> str:
        return "" if value is None else self._formats.amount(value)

    def _negative(self, value: Decimal | None) -> QColor | None:
        return self._alert if value is not None and value < 0 else None

    def _late(self, days: int | None) -> QColor | None:
        return self._alert if days is not None and days > LATE_DAYS else None

    def _customer_colour(self, row: Any) -> QColor | None:
        return self._link if getattr(row, "customer_id", None) is not None else None

    def _end_text(self, end: dt.datetime) -> str:
        day = end.astimezone().date()
        text = self._formats.date(day)
        return f"{text}  ⚠" if day < self._today() else text

    def _overdue_end(self, row: ActivityRow) -> QColor | None:
        return self._alert if row.end_at.astimezone().date() < self._today() else None

    @staticmethod
    def _purpose_tooltip(row: ActivityRow) -> str:
        more = (
            _("Has a memo ✎ — double-click or More… shows it")
            if row.has_memo
            else _("No memo — double-click or More… for every detail")
        )
        return f"{row.purpose}\n\n{more}"

    def _with_currency(self, header: str, currency: str) -> str:
        return f"{header} ({currency})" if currency else header

    def _customer_tooltip(self, row: Any) -> str:
        return _("{name} · double-click or Enter opens the Workspace").format(name=row.name)

    def _balance_columns(self) -> list[Column[BalanceRow]]:
        amount = self._amount
        return [
            Column(
                _("Account"),
                lambda r: r.account,
                tooltip=lambda r: _("Double-click or Enter: the customer's details"),
            ),
            Column(_("Customer"), lambda r: r.name, tooltip=self._customer_tooltip),
            Column(_("Balance"), lambda r: r.balance, text=amount),
            Column(_("Credit limit"), lambda r: r.credit_limit, text=amount),
            Column(_("Available"), lambda r: r.available_credit, text=amount),
            Column(_("Risk"), lambda r: r.risk_score),
        ]

    def _past_due_columns(self) -> list[Column[PastDueRow]]:
        fmt = self._formats
        return [
            Column(
                _("Account"),
                lambda r: r.account,
                tooltip=lambda r: _("Double-click or Enter: the customer's details"),
            ),
            Column(_("Customer"), lambda r: r.name, tooltip=self._customer_tooltip),
            Column(_("Oldest past due"), lambda r: r.oldest_past_due_date, text=fmt.date),
            Column(_("Days"), lambda r: r.oldest_past_due_days, text=fmt.count),
            Column(
                _("Past due"),
                lambda r: r.past_due,
                text=self._amount,
                tooltip=lambda r: _("Balance {balance}").format(balance=fmt.amount(r.balance)),
            ),
            Column(_("Credit group"), lambda r: r.credit_group),
            Column(_("Status"), lambda r: _(STATUS_NAMES.get(r.account_status, r.account_status))),
        ]
