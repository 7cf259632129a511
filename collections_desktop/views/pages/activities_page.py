"""Collections activities: every activity the viewer may see, not just their own.

An agent sees the activities about the customers of their pools (whoever is responsible)
and their own tasks; filters choose open, closed or all, a type, a responsible and a
pool, and the grid's filter box narrows by any word shown. The list is one query
(``models.screens.activity_list.list_activities``), read and formatted on the database lane; a
list cut by the limit says so.

New (Ctrl+N), Edit (Enter or a double-click), Close and Reopen go through the activity
dialogs and ``run_action``: one transaction each, a refusal shown in the dialog or the
status bar, the list read again afterwards. ``ActivityActions`` carries those steps so
the Collections page offers the same ones.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.casework.activities import (
    ActivityDetails,
    ResponsibleChoice,
    activity_details,
    close_activities,
    create_activity,
    edit_activity,
    reopen_activities,
    responsible_choices,
)
from collections_desktop.models.casework.case_reading import CaseRow, cases_of
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import ActivityType
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.activity_list import (
    ActivityList,
    ActivityListRow,
    ActivityStatus,
    list_activities,
)
from collections_desktop.models.screens.customer_collections import customer_header
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.action_dialog import run_action
from collections_desktop.views.dialogs.activity_dialog import (
    ActivityDialog,
    ActivityEdit,
    ActivityInput,
    NewActivityDialog,
    type_name,
)
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.itemmodels.prepared import PreparedRows, prepare_rows
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.pages.aged_balances_page import PageLoader
from collections_desktop.views.style import alert_colour
from collections_desktop.views.tasks import Lane, TaskState
from collections_desktop.views.widgets.busy import DelayedBusy
from collections_desktop.views.widgets.grid import ListGrid, page_button, pool_combo

STATUS_CHOICES = (
    (N_("Open"), ActivityStatus.OPEN),
    (N_("Closed"), ActivityStatus.CLOSED),
    (N_("Open and closed"), ActivityStatus.ALL),
)
"""The status filter: (label, status); labels are translated where shown."""

NUMBER, END, CUSTOMER, PURPOSE, TYPE, CATEGORY, RESPONSIBLE, STATUS, CASE = range(9)


@dataclass(frozen=True)
class ActivitiesData:
    """What the page shows for one choice of filters."""

    listed: ActivityList
    prepared: PreparedRows[ActivityListRow]
    responsibles: tuple[ResponsibleChoice, ...]


class ActivityActions(QObject):
    """New, edit, close and reopen activities through the dialogs, one transaction each.

    Used by the Activities and the Collections pages. ``changed`` carries the sentence
    for the status bar once something was written; ``refused`` a refusal or an error
    that no dialog shows.
    """

    changed = Signal(str)
    refused = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._runner = context.runner
        self._database = context.database
        self._scope = context.scope
        self._employee_id = context.employee_id
        self._now = context.clock.now
        self._formats = context.formats
        self._parent = parent
        self.writing = False
        self.dialog: NewActivityDialog | ActivityDialog | None = None
        """The dialog on screen (one at a time), for the tests and to raise it."""

    @property
    def may_create(self) -> bool:
        """Only an employee can be made responsible for a new activity by default."""
        return self._employee_id is not None

    # --- new ----------------------------------------------------------------------------

    def new(self, customer_id: uuid.UUID | None = None, case_id: uuid.UUID | None = None) -> None:
        """Ask for a new activity (about ``customer_id``, in ``case_id``, when given)."""
        if not self.may_create or self._raise_open_dialog():
            return
        database, scope, now = self._database, self._scope, self._now()

        def read(_state: TaskState) -> tuple[list[ResponsibleChoice], str, list[CaseRow]]:
            with database.sessions() as session:
                account, cases = "", []
                if customer_id is not None:
                    account = customer_header(session, scope, customer_id, now.date()).account
                    cases = cases_of(session, customer_id, "open", as_of=now.date())
                return responsible_choices(session), account, cases

        task = self._runner.run(read, lane=Lane.WRITE, name="new activity choices")
        task.succeeded.connect(lambda result: self._open_new(*result, case_id))
        task.failed.connect(self._read_failed)

    def _open_new(
        self,
        responsibles: list[ResponsibleChoice],
        account: str,
        cases: list[CaseRow],
        case_id: uuid.UUID | None,
    ) -> None:
        if self._raise_open_dialog():
            return
        dialog = NewActivityDialog(
            self._now(),
            account,
            self._parent,
            responsibles=responsibles,
            responsible_id=self._employee_id,
            cases=cases,
            case_id=case_id,
        )
        dialog.submitted.connect(lambda value: self._create(dialog, value))
        self._show(dialog)

    def _create(self, dialog: NewActivityDialog, value: ActivityInput) -> None:
        scope, now, employee = self._scope, self._now(), self._employee_id
        assert employee is not None

        def work(session: Session) -> str:
            activity = create_activity(
                session,
                scope,
                now=now,
                responsible_id=value.responsible_id or employee,
                type=value.type,
                purpose=value.purpose,
                category=value.category,
                memo=value.memo,
                customer_account=value.customer_account,
                start_at=value.start_at,
                end_at=value.end_at,
                case_id=value.case_id,
            )
            return activity.number

        self._write(
            dialog,
            work,
            lambda number: _("Activity {number} created").format(number=number),
            "create activity",
        )

    # --- edit ---------------------------------------------------------------------------

    def edit(self, activity_id: uuid.UUID) -> None:
        """Open the activity dialog on ``activity_id`` (read afresh, with its version)."""
        if self._raise_open_dialog():
            return
        database, scope, as_of = self._database, self._scope, self._now().date()

        def read(
            _state: TaskState,
        ) -> tuple[ActivityDetails, list[ResponsibleChoice], list[CaseRow]]:
            with database.sessions() as session:
                details = activity_details(session, scope, activity_id, as_of=as_of)
                cases = (
                    cases_of(session, details.customer_id, "open", as_of=as_of)
                    if details.customer_id is not None
                    else []
                )
                return details, responsible_choices(session), cases

        task = self._runner.run(read, lane=Lane.WRITE, name="activity to edit")
        task.succeeded.connect(lambda result: self._open_edit(*result))
        task.failed.connect(self._read_failed)

    def _open_edit(
        self, details: ActivityDetails, responsibles: list[ResponsibleChoice], cases: list[CaseRow]
    ) -> None:
        if self._raise_open_dialog():
            return
        dialog = ActivityDialog(details, responsibles, cases, self._formats, self._parent)
        dialog.submitted.connect(lambda value: self._save(dialog, value))
        self._show(dialog)

    def _save(self, dialog: ActivityDialog, value: ActivityEdit) -> None:
        scope, now, employee = self._scope, self._now(), self._employee_id

        def work(session: Session) -> str:
            activity = edit_activity(
                session,
                scope,
                value.activity_id,
                now,
                **value.arguments(),
                employee_id=employee,
            )
            return activity.number

        self._write(
            dialog,
            work,
            lambda number: _("Activity {number} saved").format(number=number),
            "save activity",
        )

    # --- close and reopen ---------------------------------------------------------------

    def close(self, ids: Sequence[uuid.UUID]) -> None:
        """Close the activities ``ids`` in one transaction (all or none)."""
        self._set_closed(list(ids), closing=True)

    def reopen(self, ids: Sequence[uuid.UUID]) -> None:
        """Reopen the closed activities ``ids`` in one transaction (all or none)."""
        self._set_closed(list(ids), closing=False)

    def _set_closed(self, ids: list[uuid.UUID], *, closing: bool) -> None:
        if not ids or self.writing:
            return
        scope, now, employee = self._scope, self._now(), self._employee_id
        change = close_activities if closing else reopen_activities

        def work(session: Session) -> int:
            return change(session, scope, ids, now, employee)

        def note(count: int) -> str:
            if closing:
                return ngettext(
                    "Closed {count} activity", "Closed {count} activities", count
                ).format(count=self._formats.count(count))
            return ngettext(
                "Reopened {count} activity", "Reopened {count} activities", count
            ).format(count=self._formats.count(count))

        self._write(None, work, note, "close activities" if closing else "reopen activities")

    # --- shared -------------------------------------------------------------------------

    def _write(
        self,
        dialog: Any,
        work: Callable[[Session], Any],
        note: Callable[[Any], str],
        name: str,
    ) -> None:
        self.writing = True

        def done(result: Any) -> None:
            self.writing = False
            self.changed.emit(note(result))

        def refused(message: str) -> None:
            self.writing = False
            if dialog is None:
                self.refused.emit(message)

        run_action(self._runner, self._database, dialog, work, done, name=name, refused=refused)

    def _show(self, dialog: NewActivityDialog | ActivityDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: QWidget) -> None:
        if dialog is self.dialog:
            self.dialog = None
        dialog.deleteLater()

    def _raise_open_dialog(self) -> bool:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return True
        return False

    def _read_failed(self, error: BaseException) -> None:
        message = (
            str(error)
            if isinstance(error, ValueError | PermissionError)
            else _("The activity could not be read: {reason}").format(reason=error)
        )
        self.refused.emit(message)


def load_activities(
    database: Database,
    state: TaskState,
    *,
    scope: AgentScope,
    employee_id: uuid.UUID | None,
    as_of: dt.date,
    status: ActivityStatus,
    type: str | None,
    responsible_id: uuid.UUID | None,
    pool_id: uuid.UUID | None,
    columns: Sequence[Column[ActivityListRow]],
) -> ActivitiesData:
    """Read and format the list (runs on the database lane)."""
    with database.sessions() as session:
        listed = list_activities(
            session,
            scope,
            as_of,
            employee_id=employee_id,
            status=status,
            type=type,
            responsible_id=responsible_id,
            pool_id=pool_id,
        )
        responsibles = tuple(responsible_choices(session))
    state.raise_if_cancelled()
    return ActivitiesData(listed, prepare_rows(columns, listed.rows), responsibles)


class ActivitiesPage(QWidget):
    """Every activity in the viewer's scope, filtered; New, Edit, Close and Reopen."""

    customer_chosen = Signal(object)
    """A customer's id: open their Workspace."""
    collections_requested = Signal(object, object)
    """A customer's id and a case id (or None): open the Collections page on them."""
    busy_changed = Signal(bool)
    status_changed = Signal(str)
    loaded = Signal(object)
    """The ``ActivitiesData`` now on screen."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activities_page")
        self.context = context
        self._runner = context.runner
        self._database = context.database
        self._scope = context.scope
        self._employee_id = context.employee_id
        self._today = context.clock.today
        self._now = context.clock.now
        self._formats = context.formats
        icons, scope, runner = context.icons, context.scope, context.runner
        employee_id = context.employee_id
        self._alert = alert_colour(self.palette())
        self._muted = muted_colour(self.palette())
        self._note = ""
        self.started = False
        self.data: ActivitiesData | None = None
        self.status = ""
        self._busy = DelayedBusy("activities_busy", _("Loading…"), self, width=140)
        self._busy.changed.connect(self.busy_changed)
        self._loader = PageLoader(runner, self._busy, self)
        self.actions_ = ActivityActions(context, self)
        self.actions_.changed.connect(self._written)
        self.actions_.refused.connect(self._set_status)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 8)
        outer.setSpacing(8)

        # Filters: pool, status, type, responsible; each reads the list again.
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.pool = pool_combo(scope, icons)
        self.pool.setCurrentIndex(0)  # every pool: the whole scope
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("activity_status_filter")
        for label, value in STATUS_CHOICES:
            self.status_filter.addItem(_(label), value.value)
        self.type_filter = QComboBox()
        self.type_filter.setObjectName("activity_type_filter")
        self.type_filter.addItem(_("All types"), "")
        for kind in ActivityType:
            self.type_filter.addItem(type_name(kind), kind.value)
        self.responsible_filter = QComboBox()
        self.responsible_filter.setObjectName("activity_responsible_filter")
        self.responsible_filter.setMinimumContentsLength(14)
        self.responsible_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.responsible_filter.addItem(_("Anyone responsible"), "")
        if employee_id is not None:
            self.responsible_filter.addItem(_("Me"), employee_id.hex)
        for text, combo in (
            (_("&Pool"), self.pool),
            (_("&Status"), self.status_filter),
            (_("T&ype"), self.type_filter),
            (_("Res&ponsible"), self.responsible_filter),
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
            filters.addSpacing(6)
            combo.currentIndexChanged.connect(self._filters_changed)
        filters.addStretch(1)
        filters.addWidget(self._busy.bar)
        filters.addWidget(self._busy.label)
        self.refresh_action = QAction(icons.get("refresh"), _("Refresh"), self)
        self.refresh_action.setToolTip(_("Read the activities again (F5)"))
        self.refresh_action.triggered.connect(self.refresh)
        filters.addWidget(page_button(self.refresh_action, "activities_refresh_button"))
        outer.addLayout(filters)

        self.grid: ListGrid[ActivityListRow] = ListGrid(
            "activities_list",
            self._columns(),
            {END: self._overdue, CUSTOMER: self._customer_colour, STATUS: self._status_colour},
            icons,
            stretch=PURPOSE,
        )
        self.grid.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.sort_by(-1, Qt.SortOrder.AscendingOrder)  # the query's order until clicked
        self.grid.title.setText(_("Activities"))
        self.grid.view.activated.connect(self._activated)
        self.grid.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.grid.empty.linkActivated.connect(self._link)

        self.new_action = QAction(icons.get("new_activity"), _("New activity"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_action.setToolTip(_("New activity (Ctrl+N)"))
        self.new_action.setEnabled(self.actions_.may_create)
        self.new_action.triggered.connect(lambda: self.actions_.new())
        self.edit_action = QAction(icons.get("details"), _("Edit…"), self)
        self.edit_action.setToolTip(_("Every field of the activity (Enter or double-click)"))
        self.edit_action.triggered.connect(self.edit_current)
        self.close_action = QAction(icons.get("close_activity"), _("Close"), self)
        self.close_action.setToolTip(_("Close the selected open activities"))
        self.close_action.triggered.connect(self.close_selected)
        self.reopen_action = QAction(icons.get("reopen"), _("Reopen"), self)
        self.reopen_action.setToolTip(_("Reopen the selected closed activities"))
        self.reopen_action.triggered.connect(self.reopen_selected)
        self.workspace_action = QAction(icons.get("workspace"), _("Open the customer"), self)
        self.workspace_action.triggered.connect(self._open_customer)
        self.collections_action = QAction(
            icons.get("cases"), _("Collections page of the customer"), self
        )
        self.collections_action.triggered.connect(self._open_collections)
        self.addAction(self.new_action)
        for action in (
            self.edit_action,
            self.close_action,
            self.reopen_action,
            self.workspace_action,
            self.collections_action,
            self.new_action,
        ):
            self.grid.view.addAction(action)
        self.grid.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for position, (action, name) in enumerate(
            (
                (self.new_action, "new_activity_button"),
                (self.edit_action, "edit_activity_button"),
                (self.close_action, "close_activity_button"),
                (self.reopen_action, "reopen_activity_button"),
            ),
            start=2,
        ):
            self.grid.head.insertWidget(position, page_button(action, name))
        self.grid.head.insertSpacing(6, 12)
        outer.addWidget(self.grid, 1)
        self._selection_changed()

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_filter)
        self.grid.set_rows((), _("Loading…"))

    # --- public -------------------------------------------------------------------------

    @property
    def is_loading(self) -> bool:
        """Whether the list is being read."""
        return self._loader.is_loading

    @property
    def is_busy_shown(self) -> bool:
        """Whether the busy indicator is on screen."""
        return self._busy.shown

    @property
    def dialog(self) -> NewActivityDialog | ActivityDialog | None:
        """The activity dialog on screen, if any."""
        return self.actions_.dialog

    @property
    def pool_id(self) -> uuid.UUID | None:
        """The pool chosen (None: all the viewer's pools and own tasks)."""
        chosen = self.pool.currentData()
        return uuid.UUID(chosen) if chosen else None

    def activate(self) -> None:
        """The page came on screen: read it the first time."""
        if not self.started:
            self.refresh()

    def refresh(self) -> None:
        """Read the list again with the filters chosen (F5)."""
        self.started = True
        scope, database, employee = self._scope, self._database, self._employee_id
        as_of = self._today()
        status = ActivityStatus(self.status_filter.currentData())
        kind = self.type_filter.currentData() or None
        chosen = self.responsible_filter.currentData()
        responsible = uuid.UUID(chosen) if chosen else None
        pool_id, columns = self.pool_id, self.grid.model.columns
        self._loader.run(
            lambda state: load_activities(
                database,
                state,
                scope=scope,
                employee_id=employee,
                as_of=as_of,
                status=status,
                type=kind,
                responsible_id=responsible,
                pool_id=pool_id,
                columns=columns,
            ),
            self._loaded,
            self._failed,
            name="activities",
        )

    def focus_filter(self) -> None:
        """Ctrl+F: the grid's filter box."""
        self.grid.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.grid.filter.selectAll()

    def selected_activities(self) -> list[ActivityListRow]:
        """The activities selected, in display order."""
        return self.grid.selected_rows()

    def new_activity(self) -> None:
        """Ctrl+N: ask for a new activity."""
        self.actions_.new()

    def edit_current(self) -> None:
        """Enter: the activity dialog on the current activity."""
        row = self.grid.current_row()
        if row is not None:
            self.actions_.edit(row.id)

    def close_selected(self) -> None:
        """Close the selected open activities, all in one transaction."""
        self.actions_.close([r.id for r in self.selected_activities() if not r.closed])

    def reopen_selected(self) -> None:
        """Reopen the selected closed activities, all in one transaction."""
        self.actions_.reopen([r.id for r in self.selected_activities() if r.closed])

    def save_state(self) -> dict[str, bytes]:
        """Column widths and sort, and the filters, to keep between sessions."""
        state = {"grid": bytes(self.grid.view.horizontalHeader().saveState().data())}
        state["status"] = str(self.status_filter.currentData()).encode()
        if self.pool_id is not None:
            state["pool"] = self.pool_id.bytes
        return state

    def restore_state(self, state: dict[str, bytes]) -> None:
        """Put back what ``save_state`` returned (unknown or damaged entries are ignored)."""
        value = state.get("grid")
        if value and self.grid.view.horizontalHeader().restoreState(QByteArray(value)):
            self.grid.sized = True
        status = state.get("status", b"").decode(errors="replace")
        index = self.status_filter.findData(status)
        if index >= 0:
            self.status_filter.setCurrentIndex(index)
        pool = state.get("pool")
        if pool and len(pool) == 16:
            index = self.pool.findData(uuid.UUID(bytes=pool).hex)
            if index >= 0:
                self.pool.setCurrentIndex(index)

    # --- loading ------------------------------------------------------------------------

    def _filters_changed(self) -> None:
        if self.started:
            self.refresh()

    def _loaded(self, data: ActivitiesData) -> None:
        self.data = data
        self._fill_responsibles(data.responsibles)
        listed = data.listed
        status = ActivityStatus(self.status_filter.currentData())
        if status is ActivityStatus.OPEN:
            empty = _('No open activities — <a href="new">New activity</a> (Ctrl+N)')
        else:
            empty = _("No activities match these filters.")
        self.grid.set_prepared(data.prepared, empty)
        count = self._formats.count(len(listed.rows))
        title = ngettext("{count} activity", "{count} activities", len(listed.rows)).format(
            count=count
        )
        if listed.truncated:
            title = _("The first {count} activities; choose filters to see the others").format(
                count=count
            )
        self.grid.title.setText(title)
        self._selection_changed()
        text = _("{count} · {status}").format(
            count=title, status=self.status_filter.currentText().lower()
        )
        if self._note:
            text, self._note = f"{self._note} · {text}", ""
        self._set_status(text)
        self.loaded.emit(data)

    def _fill_responsibles(self, choices: Sequence[ResponsibleChoice]) -> None:
        combo = self.responsible_filter
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > (2 if self._employee_id is not None else 1):
            combo.removeItem(combo.count() - 1)
        for choice in choices:
            if choice.id != self._employee_id:
                combo.addItem(choice.name, choice.id.hex)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)

    def _failed(self, error: BaseException) -> None:
        message = (
            str(error)
            if isinstance(error, PermissionError)
            else _("The activities could not be read: {reason}").format(reason=error)
        )
        self.grid.set_rows((), html.escape(message) + " " + _('<a href="refresh">Try again</a>'))
        self._set_status(message)

    def _written(self, note: str) -> None:
        self._note = note
        self._set_status(note)
        self.refresh()

    def _set_status(self, text: str) -> None:
        self.status = text
        self.status_changed.emit(text)

    # --- reactions ----------------------------------------------------------------------

    def _selection_changed(self, *_args: Any) -> None:
        rows = self.selected_activities()
        self.edit_action.setEnabled(len(rows) == 1)
        self.close_action.setEnabled(any(not r.closed for r in rows))
        self.reopen_action.setEnabled(any(r.closed for r in rows))
        about_customer = len(rows) == 1 and rows[0].customer_id is not None
        self.workspace_action.setEnabled(about_customer)
        self.collections_action.setEnabled(about_customer)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.actions_.edit(self.grid.model.row(index).id)

    def _open_customer(self) -> None:
        row = self.grid.current_row()
        if row is not None and row.customer_id is not None:
            self.customer_chosen.emit(row.customer_id)

    def _open_collections(self) -> None:
        row = self.grid.current_row()
        if row is not None and row.customer_id is not None:
            self.collections_requested.emit(row.customer_id, row.case_id)

    def _link(self, link: str) -> None:
        if link == "new":
            self.actions_.new()
        elif link == "refresh":
            self.refresh()

    # --- columns ------------------------------------------------------------------------

    def _columns(self) -> list[Column[ActivityListRow]]:
        fmt = self._formats
        return [
            Column(_("Number"), lambda r: r.number),
            Column(
                _("End date"),
                lambda r: (r.end_at, r.closed),
                text=self._end_text,
                tooltip=lambda r: fmt.moment(r.end_at, "medium"),
            ),
            Column(
                _("Customer"),
                lambda r: r.name or "",
                text=lambda v: v or _("(own task)"),
                tooltip=lambda r: (
                    f"{r.account} · {r.name}" if r.account else _("An own task, about no customer")
                ),
            ),
            Column(
                _("Purpose"),
                lambda r: r.purpose + ("  ✎" if r.has_memo else ""),
                tooltip=lambda r: r.purpose,
            ),
            Column(_("Type"), lambda r: type_name(r.type)),
            Column(_("Category"), lambda r: r.category),
            Column(_("Responsible"), lambda r: r.responsible_name),
            Column(_("Status"), lambda r: _("Closed") if r.closed else _("Open")),
            Column(_("Case"), lambda r: r.case_number),
        ]

    def _end_text(self, value: tuple[dt.datetime, bool]) -> str:
        end, closed = value
        day = end.astimezone().date()
        text = self._formats.date(day)
        # Overdue: a sign as well as the colour, so colour is never the only cue.
        return f"{text}  ⚠" if not closed and day < self._today() else text

    def _overdue(self, row: ActivityListRow) -> QColor | None:
        late = not row.closed and row.end_at.astimezone().date() < self._today()
        return self._alert if late else None

    def _customer_colour(self, row: ActivityListRow) -> QColor | None:
        return None if row.customer_id is not None else self._muted

    def _status_colour(self, row: ActivityListRow) -> QColor | None:
        return self._muted if row.closed else None
