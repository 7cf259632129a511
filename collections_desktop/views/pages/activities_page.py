"""Collections activities: every activity the viewer may see, not just their own.

An agent sees the activities about the customers of their pools (whoever is responsible)
and their own tasks; filters choose open, closed or all, a type, a responsible and a
pool, and the grid's filter box narrows by any word shown. The list is one query
(``models.screens.activity_list.list_activities``), read and formatted on the read lane; a list
cut by the limit says so.

New (Ctrl+N), Edit (Enter or a double-click), Close and Reopen go through the activity
dialogs and ``views.actions.activities.ActivityActions`` (shared with the Collections
page): one transaction each, a refusal shown in the dialog or the status bar, the list
read again afterwards. As on the Overview, a customer's name is a link: Enter or a
double-click on it opens the customer's Workspace (``customer_chosen``); the Case column
names the case an activity belongs to.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QWidget

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.casework.activities import ResponsibleChoice, responsible_choices
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.activity_list import (
    ActivityList,
    ActivityListRow,
    ActivityStatus,
    list_activities,
)
from collections_desktop.views.actions.activities import ActivityActions
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.activity_dialog import (
    TYPE_NAMES,
    ActivityDialog,
    NewActivityDialog,
    type_name,
)
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.itemmodels.prepared import PreparedRows, prepare_rows
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.pages.base import ListPage, PageState
from collections_desktop.views.style import alert_colour
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.grid import ListGrid, pool_combo

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
    """Read and format the list (runs on the read lane)."""
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


class ActivitiesPage(ListPage):
    """Every activity in the viewer's scope, filtered; New, Edit, Close and Reopen."""

    key = "activities"
    title = N_("Activities")
    read_failure = N_("The activities could not be read: {reason}")
    description = N_("Every activity about the customers you work, open or closed")
    busy_width = 140

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self._alert = QColor()
        self._muted = QColor()
        self._link = QColor()
        self.data: ActivitiesData | None = None
        super().__init__(context, parent)
        icons, employee_id = context.icons, context.employee_id
        self._alert = alert_colour(self.palette())
        self._muted = muted_colour(self.palette())
        self._link = self.palette().color(QPalette.ColorRole.Link)
        self.refresh_action.setToolTip(_("Read the activities again (F5)"))
        self.actions_ = ActivityActions(context, self)
        self.actions_.changed.connect(self.written)
        self.actions_.refused.connect(self.set_status)

        # Filters: pool, status, type, responsible; each reads the list again.
        self.pool = pool_combo(context.scope, icons)
        self.pool.setCurrentIndex(0)  # every pool: the whole scope
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("activity_status_filter")
        for label, value in STATUS_CHOICES:
            self.status_filter.addItem(_(label), value.value)
        self.type_filter = QComboBox()
        self.type_filter.setObjectName("activity_type_filter")
        self.type_filter.addItem(_("All types"), "")
        for kind in TYPE_NAMES:
            self.type_filter.addItem(type_name(kind), str(kind))
        self.responsible_filter = QComboBox()
        self.responsible_filter.setObjectName("activity_responsible_filter")
        self.responsible_filter.setMinimumContentsLength(14)
        self.responsible_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.responsible_filter.addItem(_("Anyone responsible"), "")
        if employee_id is not None:
            self.responsible_filter.addItem(_("Me"), employee_id.hex)
        self.add_filter(_("&Pool"), self.pool)
        self.add_filter(_("&Status"), self.status_filter)
        self.add_filter(_("T&ype"), self.type_filter)
        self.add_filter(_("Res&ponsible"), self.responsible_filter)

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
        self.record_action = QAction(icons.get("customer_record"), _("Customer record…"), self)
        self.record_action.triggered.connect(self._open_record)
        self.collections_action = QAction(
            icons.get("cases"), _("Collections page of the customer"), self
        )
        self.collections_action.triggered.connect(self._open_collections)
        self.addAction(self.new_action)
        # The context menu: the row's actions first, then the customer's, then New.
        view = self.grid.view
        for action in (
            self.edit_action,
            self.close_action,
            self.reopen_action,
            self.workspace_action,
            self.record_action,
            self.collections_action,
            self.new_action,
        ):
            view.addAction(action)
        self.add_actions(
            [
                (self.new_action, "new_activity_button"),
                (self.edit_action, "edit_activity_button"),
                (self.close_action, "close_activity_button"),
                (self.reopen_action, "reopen_activity_button"),
            ],
            menu=False,
        )
        self.grid.head.insertSpacing(6, 12)
        view.activated.connect(self._activated)
        view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()
        self.grid.set_rows((), _("Loading…"))

    def make_grid(self) -> ListGrid[ActivityListRow]:
        """The activities in the query's order (oldest end date first); several selectable."""
        grid: ListGrid[ActivityListRow] = ListGrid(
            "activities_list",
            self._columns(),
            {END: self._overdue, CUSTOMER: self._customer_colour, STATUS: self._status_colour},
            self.context.icons,
            stretch=PURPOSE,
        )
        grid.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        grid.sort_by(-1, Qt.SortOrder.AscendingOrder)  # the query's order until clicked
        grid.title.setText(_("Activities"))
        return grid

    # --- public -------------------------------------------------------------------------

    @property
    def dialog(self) -> NewActivityDialog | ActivityDialog | None:
        """The activity dialog on screen, if any."""
        return self.actions_.dialog

    @property
    def pool_id(self) -> uuid.UUID | None:
        """The pool chosen (None: all the viewer's pools and own tasks)."""
        chosen = self.pool.currentData()
        return uuid.UUID(chosen) if chosen else None

    def load(self) -> None:
        """Read the list with the filters chosen."""
        context = self.context
        scope, database, employee = context.scope, context.database, context.employee_id
        as_of = context.clock.today()
        status = ActivityStatus(self.status_filter.currentData())
        kind = self.type_filter.currentData() or None
        chosen = self.responsible_filter.currentData()
        responsible = uuid.UUID(chosen) if chosen else None
        pool_id, columns = self.pool_id, self.grid.model.columns
        self.query(
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
            failure=self.read_failed,
            name="activities",
        )

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

    def filter_state(self) -> PageState:
        """The status filter and the pool."""
        state = {"status": str(self.status_filter.currentData()).encode()}
        if self.pool_id is not None:
            state["pool"] = self.pool_id.bytes
        return state

    def restore_filters(self, state: PageState) -> None:
        """Put back the status filter and the pool."""
        status = state.get("status", b"").decode(errors="replace")
        index = self.status_filter.findData(status)
        if index >= 0:
            self.status_filter.setCurrentIndex(index)
        pool = state.get("pool")
        if pool and len(pool) == 16:
            index = self.pool.findData(uuid.UUID(bytes=pool).hex)
            if index >= 0:
                self.pool.setCurrentIndex(index)

    def link_activated(self, link: str) -> None:
        """ "new" in the empty-state text opens New activity."""
        if link == "new":
            self.actions_.new()
        else:
            super().link_activated(link)

    # --- loading ------------------------------------------------------------------------

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
        count = self.context.formats.count(len(listed.rows))
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
        self.set_status(self.with_note(text))
        self.loaded.emit(data)

    def _fill_responsibles(self, choices: Sequence[ResponsibleChoice]) -> None:
        combo, employee_id = self.responsible_filter, self.context.employee_id
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > (2 if employee_id is not None else 1):
            combo.removeItem(combo.count() - 1)
        for choice in choices:
            if choice.id != employee_id:
                combo.addItem(choice.name, choice.id.hex)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)

    # --- reactions ----------------------------------------------------------------------

    def _selection_changed(self, *_args: Any) -> None:
        rows = self.selected_activities()
        self.edit_action.setEnabled(len(rows) == 1)
        self.close_action.setEnabled(any(not r.closed for r in rows))
        self.reopen_action.setEnabled(any(r.closed for r in rows))
        about_customer = len(rows) == 1 and rows[0].customer_id is not None
        self.workspace_action.setEnabled(about_customer)
        self.record_action.setEnabled(about_customer)
        self.collections_action.setEnabled(about_customer)

    def _activated(self, index: QModelIndex) -> None:
        """Enter or a double-click: the customer's Workspace on a customer's name (a link,
        as on the Overview), else the activity's dialog."""
        if not index.isValid():
            return
        row = self.grid.model.row(index)
        if index.column() == CUSTOMER and row.customer_id is not None:
            self.customer_chosen.emit(row.customer_id)
        else:
            self.actions_.edit(row.id)

    def _open_customer(self) -> None:
        row = self.grid.current_row()
        if row is not None and row.customer_id is not None:
            self.customer_chosen.emit(row.customer_id)

    def _open_record(self) -> None:
        row = self.grid.current_row()
        if row is not None and row.customer_id is not None:
            self.record_requested.emit(row.customer_id)

    def _open_collections(self) -> None:
        row = self.grid.current_row()
        if row is not None and row.customer_id is not None:
            self.collections_requested.emit(row.customer_id, row.case_id)

    # --- columns ------------------------------------------------------------------------

    def _columns(self) -> list[Column[ActivityListRow]]:
        fmt = self.context.formats
        return [
            Column(_("Number"), lambda r: r.number, fit=Fit.KEY),
            Column(
                _("End date"),
                lambda r: (r.end_at, r.closed),
                text=self._end_text,
                tooltip=lambda r: fmt.moment(r.end_at),
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
                    else _("An own task, about no customer")
                ),
                fit=Fit.KEY,
            ),
            Column(
                _("Purpose"),
                lambda r: r.purpose + ("  ✎" if r.has_memo else ""),
                tooltip=lambda r: r.purpose,
                fit=Fit.FREE,
            ),
            Column(_("Type"), lambda r: type_name(r.type), fit=Fit.LABEL),
            Column(_("Category"), lambda r: r.category, fit=Fit.LABEL),
            Column(_("Responsible"), lambda r: r.responsible_name, fit=Fit.LABEL),
            Column(_("Status"), lambda r: _("Closed") if r.closed else _("Open"), fit=Fit.KEY),
            Column(_("Case"), lambda r: r.case_number, fit=Fit.KEY),
        ]

    def _end_text(self, value: tuple[dt.datetime, bool]) -> str:
        end, closed = value
        day = end.astimezone().date()
        text = self.context.formats.date(day)
        # Overdue: a sign as well as the colour, so colour is never the only cue.
        return f"{text}  ⚠" if not closed and day < self.context.clock.today() else text

    def _overdue(self, row: ActivityListRow) -> QColor | None:
        late = not row.closed and row.end_at.astimezone().date() < self.context.clock.today()
        return self._alert if late else None

    def _customer_colour(self, row: ActivityListRow) -> QColor | None:
        # A customer's name is a link to their Workspace; an own task's text is muted.
        return self._link if row.customer_id is not None else self._muted

    def _status_colour(self, row: ActivityListRow) -> QColor | None:
        return self._muted if row.closed else None
