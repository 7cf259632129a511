"""The Overview, where a collector starts the day: own activities, highest and past-due balances.

The balances come from the newest stored snapshot of the chosen pool
(``models.screens.overview.latest_snapshot``). The lists are read on the read lane, so the page
fills at once whatever runs in the background. When that snapshot is older than today
(or there is none), the first load and Refresh then take today's snapshot as a long job
on the background lane, its steps in the status bar, and read the lists again once it
is stored; switching pool only reads, and says so when that pool has no snapshot yet.

Activating the Customer cell opens the customer's Workspace (``customer_chosen``); the
Account cell opens the customer's record (``record_requested``). New
activity, Close activity and More… write and read through the page's operations.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QByteArray, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.aging.snapshot import snapshot_customers
from collections_desktop.models.casework.activities import (
    ActivityDetails,
    ActivityError,
    activity_details,
    close_activities,
    create_activity,
)
from collections_desktop.models.db.database import DatabaseOpenError
from collections_desktop.models.screens.overview import (
    ActivityRow,
    BalanceRow,
    ChangedRows,
    ExpectedLateRow,
    OverviewLists,
    PastDueRow,
    changed_rows,
    overview_lists,
    take_snapshot_of_day,
)
from collections_desktop.views.actions.records import SHORTCUT as RECORD_SHORTCUT
from collections_desktop.views.actions.records import enter_record, record_actions
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.activity_dialog import (
    ActivityDetailsDialog,
    ActivityInput,
    NewActivityDialog,
)
from collections_desktop.views.operations import Feedback, ReadSlot, WriteOp, refusal
from collections_desktop.views.pages.base import Page, PageState
from collections_desktop.views.predictions import predict_in_background
from collections_desktop.views.snapshot_text import snapshot_taken
from collections_desktop.views.style import muted_palette
from collections_desktop.views.tasks import Task, TaskState
from collections_desktop.views.widgets.customer_search import CustomerSearch
from collections_desktop.views.widgets.grid import (
    Grid,
    header_state,
    page_button,
    pool_combo,
    restore_header,
)
from collections_desktop.views.widgets.overview_grids import OverviewGrids, with_currency

T = TypeVar("T")

TOP = 100
"""How many customers the two balance lists show."""

ACTIVITY_LIMIT = 500
"""The oldest open activities listed; an agent with more sees how many there are in all."""


class OverviewPage(Page):
    """The collector's landing page: own activities and the pool's balance lists."""

    key = "overview"
    shows_snapshot = True
    rows_patched = Signal(object)
    """The balance lists' rows of customers a write changed were read and put in place
    (a ``ChangedRows``), before the lists are read again."""
    title = N_("Overview")
    description = N_("Your activities, the highest and the oldest balances")
    busy_width = 140
    busy_name = "busy_indicator"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        icons, employee_id = context.icons, context.employee_id
        self.busy.label.setObjectName("busy_label")
        self._writing = False
        self._note = ""
        self._record_grid: Grid[Any] | None = None
        """The balance grid whose row Enter record… is for (None: the activities')."""
        self._step = ""
        self.snapshot_job: Task | None = None
        """Today's snapshot being taken in the background (None: none is)."""
        self.predicting = False
        """Whether the pay dates of today's snapshot are being predicted."""
        self._snapshot_pool: uuid.UUID | None = None
        self.data: OverviewLists | None = None
        """The lists on screen."""
        self.took_snapshot = False
        """Whether the snapshot on screen was just taken by this page."""
        self.snapshot_refused = ""
        """Why no new snapshot could be taken for the lists on screen ("": none was refused)."""
        self.new_dialog: NewActivityDialog | None = None
        self.details_dialog: ActivityDetailsDialog | None = None
        self.details_reads = ReadSlot(self)
        self.patch_reads = ReadSlot(self)
        self._changed: set[uuid.UUID] = set()
        """Customers a write changed since their rows were read (``_patch`` reads them)."""
        context.runner.customers_changed.connect(self._customers_changed)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 8)
        outer.setSpacing(8)

        # Header: the pool, what is going on, refresh.
        header = QHBoxLayout()
        header.setSpacing(8)
        pool_label = QLabel(_("&Pool"))
        self.pool = pool_combo(context.scope, icons)
        self.pool.setMinimumContentsLength(24)
        pool_label.setBuddy(self.pool)
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
        self.refresh_button = page_button(self.refresh_action, "refresh_button")
        header.addWidget(pool_label)
        header.addWidget(self.pool)
        header.addSpacing(12)
        header.addWidget(self.notice, 1)
        header.addWidget(self.busy.bar)
        header.addWidget(self.busy.label)
        header.addWidget(self.refresh_button)
        outer.addLayout(header)

        grids = OverviewGrids(context.formats, icons, self.palette(), context.clock.today)
        # My activities.
        self.activities = grids.activities()
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
        self.enter_record_action = QAction(icons.get("enter_record"), _("Enter record…"), self)
        self.enter_record_action.setObjectName("overview_enter_record_action")
        self.enter_record_action.setShortcut(QKeySequence(RECORD_SHORTCUT))
        self.enter_record_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.enter_record_action.setToolTip(
            _(
                "Record a call, e-mail or visit with the customer of the selected activity "
                "or balance, and its result ({key})"
            ).format(key=RECORD_SHORTCUT)
        )
        self.enter_record_action.setEnabled(False)
        self.enter_record_action.triggered.connect(self.enter_record)
        self.records = record_actions(context, self)
        self.records.changed.connect(self._recorded)
        self.records.refused.connect(self.set_status)
        self.addAction(self.new_action)
        self.addAction(self.enter_record_action)
        for action in (self.more_action, self.close_action, self.new_action):
            self.activities.view.addAction(action)
        self.activities.view.addAction(self.enter_record_action)
        self.activities.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.new_button = page_button(self.new_action, "new_activity_button")
        self.close_button = page_button(self.close_action, "close_activity_button")
        self.enter_record_button = page_button(
            self.enter_record_action, "overview_enter_record_button"
        )
        self.activities.head.insertWidget(2, self.new_button)
        self.activities.head.insertWidget(3, self.enter_record_button)
        self.activities.head.insertWidget(4, self.close_button)
        self.activities.head.insertSpacing(5, 12)
        self.activities.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.activities.view.activated.connect(self._activity_activated)
        self.activities.empty.linkActivated.connect(self._link_activated)

        # Highest balances and past-due balances, side by side.
        self.highest = grids.highest()
        self.highest.sort_by(-1, Qt.SortOrder.DescendingOrder)
        self.past_due = grids.past_due()
        self.past_due.sort_by(-1, Qt.SortOrder.AscendingOrder)
        self.expected_late = grids.expected_late()
        self.expected_late.sort_by(-1, Qt.SortOrder.DescendingOrder)
        balance_grids: tuple[Grid[Any], ...] = (self.highest, self.past_due, self.expected_late)
        for grid in balance_grids:
            grid.view.activated.connect(lambda index, g=grid: self._customer_activated(g, index))
            grid.empty.linkActivated.connect(self._link_activated)
            grid.view.addAction(self.enter_record_action)
            grid.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            grid.view.selectionModel().selectionChanged.connect(
                lambda *_args, g=grid: self._balance_chosen(g)
            )

        self.balances = QSplitter(Qt.Orientation.Horizontal)
        self.balances.setObjectName("balances_splitter")
        self.balances.setChildrenCollapsible(False)
        self.balances.addWidget(self.highest)
        self.balances.addWidget(self.past_due)
        self.balances.setSizes([450, 550])  # until the rows say what each grid needs
        self._balances_shared = False
        """Whether the balances' width was shared by need, or set by the user or a restore."""
        self.balances.splitterMoved.connect(self._balances_moved)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("overview_splitter")
        self.splitter.setChildrenCollapsible(False)
        # The worklist beside the activities: what to chase before it is late.
        self.work = QSplitter(Qt.Orientation.Horizontal)
        self.work.setObjectName("work_splitter")
        self.work.setChildrenCollapsible(False)
        self.work.addWidget(self.activities)
        self.work.addWidget(self.expected_late)
        self.work.setStretchFactor(0, 3)
        self.work.setStretchFactor(1, 2)
        self._work_shared = False
        """Whether the worklist's width was set by need, or by the user or a restore."""
        self.work.splitterMoved.connect(self._work_moved)
        self.splitter.addWidget(self.work)
        self.splitter.addWidget(self.balances)
        self.splitter.setSizes([380, 520])
        outer.addWidget(self.splitter, 1)
        self.grids: tuple[Grid[Any], ...] = (
            self.activities,
            self.highest,
            self.past_due,
            self.expected_late,
        )

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
        """Whether the lists are being read, today's snapshot taken or its pay dates
        predicted."""
        return self.reads.is_loading or self.snapshot_job is not None or self.predicting

    def load(self) -> None:
        """Read the lists, then take today's snapshot if the newest is older or none."""
        self._read(take=True)

    def activate(self) -> None:
        """On screen again after a write: the changed customers' rows at once, then the
        lists read again (activities may have changed too)."""
        if self.stale and self._changed:
            self._patch()
        super().activate()

    def _customers_changed(self, customer_ids: frozenset[uuid.UUID]) -> None:
        if not self.started:
            return
        self._changed |= customer_ids
        if self.isVisible():
            self._patch()

    def _patch(self) -> None:
        """Read the rows of the customers changed since the lists were read, from the
        snapshot on screen (kept fresh by every commit), and put them in place."""
        data, ids = self.data, frozenset(self._changed)
        self._changed.clear()
        if data is None or data.snapshot is None or not ids:
            return
        context, snapshot_id = self.context, data.snapshot.id
        database, scope, as_of = context.database, context.scope, context.clock.today()

        def read(_state: TaskState) -> ChangedRows:
            with database.sessions() as session:
                return changed_rows(
                    session, scope, snapshot_id, ids, pool_id=data.pool_id, as_of=as_of
                )

        self.query(
            read, self._put_rows, name="overview rows", slot=self.patch_reads,
            failure=lambda _error: None,  # the lists are read again all the same
        )  # fmt: skip

    def _put_rows(self, changed: ChangedRows) -> None:
        data = self.data
        if data is None or data.snapshot is None:
            return
        ids = changed.customer_ids
        patched = replace(
            data,
            highest=merged_rows(data.highest, changed.highest, ids, _highest_order, TOP),
            past_due=merged_rows(data.past_due, changed.past_due, ids, _past_due_order, TOP),
            expected_late=merged_rows(
                data.expected_late, changed.expected_late, ids, _expected_late_order, TOP
            ),
        )
        self.data = patched
        # Only the grids whose rows changed: each one filled is its columns measured again.
        if patched.highest != data.highest:
            self.highest.set_rows(patched.highest, _("No customer of this pool has a balance."))
        if patched.past_due != data.past_due:
            self.past_due.set_rows(patched.past_due, _("Nothing is past due in this pool."))
        if patched.expected_late != data.expected_late:
            self.expected_late.set_rows(
                patched.expected_late,
                _("No open invoice of this pool is expected to be paid late."),
            )
        self.rows_patched.emit(changed)

    def set_status(self, text: str) -> None:
        """Say ``text`` in the page's header and in the status bar."""
        self.notice.setText(text)
        self.notice.setToolTip(text)
        super().set_status(text)

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

    def save_state(self) -> PageState:
        """Splitter positions, the grids' column widths and sort, and the pool."""
        state = {
            "splitter": bytes(self.splitter.saveState().data()),
            "balances": bytes(self.balances.saveState().data()),
            "work": bytes(self.work.saveState().data()),
        }
        for grid in self.grids:
            state[grid.objectName()] = header_state(grid)
        if self.pool_id is not None:
            state["pool"] = self.pool_id.bytes
        return state

    def restore_state(self, state: PageState) -> None:
        """Put back what ``save_state`` returned (unknown or damaged entries are ignored)."""
        splitters = (("splitter", self.splitter), ("balances", self.balances), ("work", self.work))
        for key, splitter in splitters:
            if key in state and splitter.restoreState(QByteArray(state[key])):
                self._balances_shared |= splitter is self.balances
                self._work_shared |= splitter is self.work
        for grid in self.grids:
            restore_header(grid, state.get(grid.objectName()))
        pool = state.get("pool")
        if pool and len(pool) == 16:
            index = self.pool.findData(uuid.UUID(bytes=pool).hex)
            if index >= 0:
                self.pool.setCurrentIndex(index)

    def selected_activities(self) -> list[ActivityRow]:
        """The activities selected in the grid, in display order."""
        view = self.activities.view
        rows = sorted(index.row() for index in view.selectionModel().selectedRows())
        return [self.activities.model.row(self.activities.model.index(r, 0)) for r in rows]

    def new_activity(self) -> None:
        """Ctrl+N: ask for a new activity; it is written when the dialog's Create is pressed."""
        if self.context.employee_id is None:
            return
        if self.new_dialog is not None and self.new_dialog.isVisible():
            self.new_dialog.raise_()
            return
        categories = self.data.categories if self.data is not None else ()
        context = self.context
        dialog = NewActivityDialog(
            context.clock.now(),
            parent=self,
            formats=context.formats,
            customer_search=lambda parent: CustomerSearch("activity_customer", context, parent),
            categories=categories,
        )
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
        scope, employee, now = (
            self.context.scope,
            self.context.employee_id,
            self.context.clock.now(),
        )
        self._change(
            lambda session: close_activities(session, scope, ids, now, employee),
            self._closed,
            name="close activities",
        )

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

    def open_activity(self, activity_id: uuid.UUID) -> None:
        """Show every field of an activity, read-only (More…, or a timeline entry)."""
        database, scope, as_of = (
            self.context.database,
            self.context.scope,
            self.context.clock.today(),
        )

        def read(_state: TaskState) -> ActivityDetails:
            with database.sessions() as session:
                return activity_details(session, scope, activity_id, as_of=as_of)

        self.query(
            read,
            self._show_details_dialog,
            name="activity details",
            failure=lambda error: self.set_status(
                str(error)
                if isinstance(error, ActivityError)
                else _("The activity could not be read: {reason}").format(reason=error)
            ),
            slot=self.details_reads,
        )

    # --- loading ------------------------------------------------------------------------

    def _read(self, *, take: bool = False, took: bool = False, refused: str = "") -> None:
        """Read the lists of the pool chosen; ``take``: then take today's snapshot if due.

        ``took`` and ``refused`` say what became of the snapshot just tried for this pool.
        """
        self.started = True
        context, pool_id = self.context, self.pool_id
        database, scope, employee = context.database, context.scope, context.employee_id
        as_of = context.clock.today()

        def read(_state: TaskState) -> OverviewLists:
            with database.sessions() as session:
                return overview_lists(
                    session,
                    scope,
                    employee,
                    pool_id=pool_id,
                    as_of=as_of,
                    activity_limit=ACTIVITY_LIMIT,
                    top=TOP,
                )

        self.query(
            read,
            lambda data: self._show(data, take=take, took=took, refused=refused),
            name="overview",
            failure=self._failed,
        )

    def _pool_changed(self) -> None:
        if self.started:
            self._read()

    def _show(self, data: OverviewLists, *, take: bool, took: bool, refused: str) -> None:
        self.data = data
        self.took_snapshot, self.snapshot_refused = took, refused
        today = self.context.clock.today()
        due = data.snapshot is None or data.snapshot.as_of < today
        if take and due and self.snapshot_job is None:
            self._take_snapshot(data.pool_id)
        self._set_titles(data)
        if self.context.employee_id is None:
            empty = _(
                "You are not set up as an employee, so no activities are yours. An "
                "administrator can add you in Set-up ▸ Users."
            )
        elif self.pool_id is not None:
            empty = _('No open activities for this pool — <a href="new">New activity</a> (Ctrl+N)')
        else:
            empty = _('No open activities — <a href="new">New activity</a> (Ctrl+N)')
        self.activities.set_rows(data.activities, empty)
        if data.snapshot is None:
            if self._taking(data.pool_id):
                none = _("Taking a snapshot…")
            elif refused:
                none = _("No snapshot of this pool yet, and none could be taken: {reason}").format(
                    reason=html.escape(refused)
                )
            else:
                none = _('No snapshot of this pool yet — <a href="refresh">Refresh</a> takes one')
            self.highest.set_rows((), none)
            self.past_due.set_rows((), none)
            self.expected_late.set_rows((), none)
        else:
            self._show_balances(data)
        self._selection_changed()
        status = self._status(data)
        if self._note:
            status = f"{self._note} · {status}"
            self._note = ""
        self.set_status(status)
        self.loaded.emit(data)

    def _show_balances(self, data: OverviewLists) -> None:
        self.highest.set_rows(data.highest, _("No customer of this pool has a balance."))
        self.past_due.set_rows(data.past_due, _("Nothing is past due in this pool."))
        self.expected_late.set_rows(
            data.expected_late,
            _("No open invoice of this pool is expected to be paid late."),
        )
        self._share_balances()
        self._share_work()

    def _status(self, data: OverviewLists) -> str:
        fmt = self.context.formats
        customers = ngettext("{count} customer", "{count} customers", data.customers).format(
            count=fmt.count(data.customers)
        )
        where = (
            _("{customers} in this pool") if data.pool_id else _("{customers} in your pools")
        ).format(customers=customers)
        if data.snapshot is None:
            text = _("No snapshot of this pool yet · {where}").format(where=where)
        else:
            text = _("Snapshot of {date} ({taken}) · {where}").format(
                date=fmt.date(data.snapshot.as_of),
                taken=snapshot_taken(data.snapshot.as_of, data.snapshot.created_at, fmt),
                where=where,
            )
            if data.expected_late_total:
                text = _("{status} · expected to be paid late: {amount}").format(
                    status=text, amount=fmt.money(data.expected_late_total, data.currency)
                )
        if self.took_snapshot:
            text = _("New snapshot taken · {status}").format(status=text)
        if self.snapshot_refused:
            text = _("No new snapshot: {reason} · {status}").format(
                reason=self.snapshot_refused, status=text
            )
        if self._taking(data.pool_id):
            text = " · ".join(part for part in (_("Taking a snapshot…"), self._step, text) if part)
        return text

    def _set_titles(self, data: OverviewLists | None) -> None:
        fmt = self.context.formats
        count = data.open_activities if data else 0
        title = (
            ngettext("My activities ({count} open)", "My activities ({count} open)", count).format(
                count=fmt.count(count)
            )
            if data
            else _("My activities")
        )
        if data and count > len(data.activities):
            title = _("{title}: the {shown} oldest are listed").format(
                title=title, shown=fmt.count(len(data.activities))
            )
        self.activities.title.setText(title)
        self.highest.title.setText(_("Highest balances (top {count})").format(count=fmt.count(TOP)))
        self.past_due.title.setText(_("Past-due balances (oldest first)"))
        self.expected_late.title.setText(_("Expected to be paid late"))
        currency = data.currency if data else ""
        self.highest.model.set_header(2, with_currency(_("Balance"), currency))
        self.past_due.model.set_header(4, with_currency(_("Past due"), currency))
        self.expected_late.model.set_header(2, with_currency(_("Expected late"), currency))

    def _share_balances(self) -> None:
        """Share the balances' width between the two grids in proportion to what their
        columns need, once both have rows (unless the user or a saved state placed it):
        a narrow window then scrolls both a little rather than cutting one."""
        if self._balances_shared or not (
            self.highest.model.rowCount() and self.past_due.model.rowCount()
        ):
            return
        self._balances_shared = True
        self.balances.setSizes([self.highest.natural_width(), self.past_due.natural_width()])

    def _share_work(self) -> None:
        """Give the worklist the width its columns need (at most half), once it has rows,
        unless the user or a saved state placed the split."""
        if self._work_shared or not self.expected_late.model.rowCount():
            return
        self._work_shared = True
        total = sum(self.work.sizes())
        wanted = min(self.expected_late.natural_width(), total // 2)
        self.work.setSizes([total - wanted, wanted])

    def _work_moved(self) -> None:
        self._work_shared = True  # the user's split stays

    def _balances_moved(self) -> None:
        self._balances_shared = True  # the user's split stays

    def _failed(self, error: BaseException) -> None:
        message = _("The overview could not be read: {reason}").format(reason=error)
        for grid in self.grids:
            grid.set_rows((), message + " " + _('<a href="refresh">Try again</a>'))
        self.set_status(message)

    # --- today's snapshot ---------------------------------------------------------------

    def _take_snapshot(self, pool_id: uuid.UUID | None) -> None:
        """Take today's snapshot of ``pool_id`` in the background, then read the lists again."""
        scope, clock = self.context.scope, self.context.clock
        as_of, now = clock.today(), clock.now()

        def take(session: Session, state: TaskState) -> bool:
            def progress(done: int, total: int, what: str) -> None:
                state.raise_if_cancelled()
                state.progress(done, total, what)

            return take_snapshot_of_day(
                session, scope, as_of, now, pool_id=pool_id, progress=progress
            )

        self._step = ""
        job = WriteOp(
            None,
            lambda took: self._snapshot_ended(pool_id, took=took),
            "overview snapshot",
            run_lock="snapshot",
            what=_("snapshot"),
            long_write=take,
            progress=self._snapshot_progress,
        ).run(self.context.runner, self.context.database)
        # The refusal in the rules' own words, a database that cannot be written included.
        job.failed.connect(
            lambda error: self._snapshot_ended(
                pool_id,
                refused=str(error) if isinstance(error, DatabaseOpenError) else refusal(error),
            )
        )
        job.cancelled.connect(self._snapshot_cancelled)
        self.snapshot_job, self._snapshot_pool = job, pool_id

    def _taking(self, pool_id: uuid.UUID | None) -> bool:
        """Whether today's snapshot of ``pool_id`` is being taken."""
        return self.snapshot_job is not None and self._snapshot_pool == pool_id

    def _snapshot_progress(self, _done: int, _total: int, what: str) -> None:
        self._step = what
        if self.data is not None and not self._note:
            self.set_status(self._status(self.data))

    def _snapshot_ended(
        self, pool_id: uuid.UUID | None, *, took: bool = False, refused: str = ""
    ) -> None:
        self.snapshot_job = None
        same = pool_id == self.pool_id
        self._read(took=took and same, refused=refused if same else "")
        if took:
            self._predict(pool_id)

    def _predict(self, pool_id: uuid.UUID | None) -> None:
        """Predict the pay dates of the snapshot just taken of ``pool_id``, then read the
        lists again (the worklist comes from the predictions), still saying the snapshot
        was taken."""
        context = self.context
        as_of = context.clock.today()

        def ended(note: str = "") -> None:
            self.predicting = False
            if note:
                self._note = note
            if pool_id == self.pool_id:
                self._read(took=True)

        self.predicting = predict_in_background(
            context,
            as_of,
            lambda _run: ended(),
            lambda message: ended(
                _("The pay dates could not be predicted: {reason}").format(reason=message)
            ),
            where=snapshot_customers(context.scope, as_of, pool_id),
        )

    def _snapshot_cancelled(self) -> None:
        self.snapshot_job = None  # the window is closing: nothing more to show

    # --- writing ------------------------------------------------------------------------

    def _change(
        self,
        work: Callable[[Session], T],
        done: Callable[[T], None],
        *,
        name: str,
        feedback: Feedback | None = None,
    ) -> None:
        """Write ``work`` in one transaction; Close waits until it is over."""
        self._writing = True
        self._selection_changed()
        task = self.write(work, done, name=name, feedback=feedback)
        task.finished.connect(self._write_ended)

    def _write_ended(self) -> None:
        self._writing = False
        self._selection_changed()

    def _closed(self, count: int) -> None:
        self._note = ngettext("Closed {count} activity", "Closed {count} activities", count).format(
            count=self.context.formats.count(count)
        )
        self.set_status(self._note)
        self._read()

    def _create(self, dialog: NewActivityDialog, value: ActivityInput) -> None:
        employee = self.context.employee_id
        if employee is None or self._writing:
            dialog.set_waiting(False)
            return
        scope, now = self.context.scope, self.context.clock.now()

        def create(session: Session) -> str:
            return create_activity(
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
            ).number

        self._change(create, self._created, name="create activity", feedback=dialog)

    def _created(self, number: str) -> None:
        self._note = _("Activity {number} created").format(number=number)
        self.set_status(self._note)
        self._read()

    def _show_details_dialog(self, details: ActivityDetails) -> None:
        if self.details_dialog is not None:
            self.details_dialog.reject()
        dialog = ActivityDetailsDialog(details, self.context.formats, self)
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

    def record_accounts(self) -> list[str]:
        """The customers Enter record… is for: the selected balance row's when a balance
        was chosen last, else those of the selected activities (own tasks have none)."""
        if self._record_grid is not None:
            index = self._record_grid.view.currentIndex()
            if index.isValid():
                return [self._record_grid.model.row(index).account]
        accounts = [row.account for row in self.selected_activities() if row.account]
        return list(dict.fromkeys(accounts))

    def enter_record(self) -> None:
        """Enter record… (Ctrl+Shift+K) for ``record_accounts``."""
        accounts = self.record_accounts()
        if accounts:
            enter_record(self.context, self, accounts)

    def _recorded(self, note: str) -> None:
        self._note = note
        self.set_status(note)
        self._read()

    def _balance_chosen(self, grid: Grid[Any]) -> None:
        if grid.view.selectionModel().selectedRows():
            self._record_grid = grid
            self.enter_record_action.setEnabled(True)

    def _selection_changed(self, *_args: Any) -> None:
        selected = bool(self.activities.view.selectionModel().selectedRows())
        if selected and self.activities.view.hasFocus():
            self._record_grid = None
        self.enter_record_action.setEnabled(bool(self.record_accounts()))
        self.close_action.setEnabled(
            selected and not self._writing and self.context.employee_id is not None
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
            self.record_requested.emit(row.customer_id)
        else:
            self.customer_chosen.emit(row.customer_id)

    def _link_activated(self, link: str) -> None:
        if link == "new":
            self.new_activity()
        elif link == "refresh":
            self.refresh()


class _Listed(Protocol):
    @property
    def customer_id(self) -> uuid.UUID: ...


ListRow = TypeVar("ListRow", bound=_Listed)


def merged_rows(
    rows: Sequence[ListRow],
    fresh: Sequence[ListRow],
    changed: Collection[uuid.UUID],
    order: Callable[[ListRow], Any],
    top: int,
) -> tuple[ListRow, ...]:
    """A top-``top`` list with the rows of the ``changed`` customers replaced by ``fresh``
    (a customer without a fresh row leaves it), in the list's order.

    When the list was full, a changed customer that now sorts after its former last row
    is left out: customers the list never held may come before it. The next read of the
    lists puts whoever belongs there.
    """
    kept: list[ListRow] = [row for row in rows if row.customer_id not in changed]
    result = sorted([*kept, *fresh], key=order)
    if len(rows) >= top and rows:
        last = order(rows[-1])
        result = [r for r in result if r.customer_id not in changed or order(r) <= last]
    return tuple(result[:top])


def _highest_order(row: BalanceRow) -> tuple[Decimal, str]:
    return (-row.balance, row.account)


def _past_due_order(row: PastDueRow) -> tuple[bool, dt.date, Decimal, str]:
    date = row.oldest_past_due_date
    return (date is None, date or dt.date.max, -row.past_due, row.account)


def _expected_late_order(row: ExpectedLateRow) -> tuple[Decimal, str]:
    return (-row.expected_late, row.account)
