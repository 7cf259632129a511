"""Collections cases: the cases of the customers the viewer works, with their figures.

One statement (``models.casework.case_reading.list_cases``) reads the cases with what is
open of their transactions today and how many activities they hold; the status (open by default),
category and pool filters read again, the grid's filter box narrows by any word shown.
Enter or a double-click opens the Collections page on the case's customer, filtered by
that case. New case, Edit, Close and Reopen go through ``CaseDialog`` and
``run_action`` (one transaction each); ``CaseActions`` carries those steps so the
Collections page offers the same ones.
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
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.casework.activities import (
    ResponsibleChoice,
    find_customer,
    responsible_choices,
)
from collections_desktop.models.casework.case_reading import (
    CaseCategoryChoice,
    CaseRow,
    CaseTransactionChoice,
    case_categories,
    case_row,
    case_transaction_choices,
    list_cases,
)
from collections_desktop.models.casework.cases import (
    CaseClosed,
    close_case,
    create_case,
    edit_case,
    reopen_case,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.customer_collections import CustomerHeader, customer_header
from collections_desktop.views.dialogs.action_dialog import run_action
from collections_desktop.views.dialogs.case_dialog import CaseDialog, CaseInput
from collections_desktop.views.icons import IconRegistry, muted_colour
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.pages.aged_balances_page import (
    ListGrid,
    PageLoader,
    PreparedRows,
    count_text,
    page_button,
    pool_combo,
    prepare_rows,
)
from collections_desktop.views.tasks import Lane, TaskRunner, TaskState
from collections_desktop.views.widgets.busy import DelayedBusy

CASE_LIMIT = 20_000
"""The most cases listed at once; the page says when there are more."""

STATUS_CHOICES = ((N_("Open"), "open"), (N_("Closed"), "closed"), (N_("Open and closed"), ""))
"""The status filter: (label, status or "" for both); labels translated where shown."""

(
    NUMBER,
    OPENED,
    CUSTOMER,
    CATEGORY,
    DESCRIPTION,
    STATUS,
    RESPONSIBLE,
    TRANSACTIONS,
    OPEN_AMOUNT,
    ACTIVITIES,
    CLOSED,
) = range(11)


@dataclass(frozen=True)
class CasesData:
    """What the page shows for one choice of filters."""

    rows: tuple[CaseRow, ...]
    truncated: bool
    prepared: PreparedRows[CaseRow]
    categories: tuple[CaseCategoryChoice, ...]


@dataclass(frozen=True)
class CaseDialogChoices:
    """What the case dialog needs, read in one task."""

    customer: CustomerHeader
    categories: list[CaseCategoryChoice]
    responsibles: list[ResponsibleChoice]
    transactions: list[CaseTransactionChoice]
    case: CaseRow | None


def customer_label(customer: CustomerHeader) -> str:
    """ "C-000421 · Ruiz Hermanos SL", as the dialogs name a customer."""
    return f"{customer.account} · {customer.name}"


class CaseActions(QObject):
    """New case, edit, close and reopen through ``CaseDialog``, one transaction each.

    ``changed`` carries the sentence for the status bar once something was written;
    ``refused`` a refusal or an error that no dialog shows.
    """

    changed = Signal(str)
    refused = Signal(str)

    def __init__(
        self,
        runner: TaskRunner,
        database: Database,
        scope: AgentScope,
        employee_id: uuid.UUID | None,
        now: Callable[[], dt.datetime],
        formats: Formats,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._database = database
        self._scope = scope
        self._employee_id = employee_id
        self._now = now
        self._formats = formats
        self._parent = parent
        self.writing = False
        self.dialog: CaseDialog | None = None
        """The case dialog on screen (one at a time), for the tests and to raise it."""

    def new(self, customer_id: uuid.UUID | None = None, *, account: str | None = None) -> None:
        """Open New case for a customer, given by id or by account number."""
        self._open(None, customer_id, account)

    def edit(self, case_id: uuid.UUID) -> None:
        """Open the case dialog on ``case_id``, read afresh with its version."""
        self._open(case_id, None, None)

    def close(self, row: CaseRow) -> None:
        """Close an open case (as read: a change by someone else since is refused)."""
        scope, now = self._scope, self._now()

        def work(session: Session) -> CaseClosed:
            return close_case(session, scope, row.id, now, expected_version=row.version)

        self._write(None, work, lambda closed: closed.note(), "close case")

    def reopen(self, row: CaseRow) -> None:
        """Reopen a closed case."""
        scope, now = self._scope, self._now()

        def work(session: Session) -> str:
            return reopen_case(session, scope, row.id, now, expected_version=row.version).number

        self._write(
            None, work, lambda number: _("Case {number} reopened").format(number=number), "reopen"
        )

    # --- the dialog ---------------------------------------------------------------------

    def _open(
        self, case_id: uuid.UUID | None, customer_id: uuid.UUID | None, account: str | None
    ) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return
        database, scope, as_of = self._database, self._scope, self._now().date()

        def read(_state: TaskState) -> CaseDialogChoices:
            with database.sessions() as session:
                case = case_row(session, scope, case_id, as_of=as_of) if case_id else None
                customer = case.customer_id if case is not None else customer_id
                if customer is None:
                    customer = find_customer(session, scope, account or "", as_of)
                return CaseDialogChoices(
                    customer=customer_header(session, scope, customer, as_of),
                    categories=case_categories(session),
                    responsibles=responsible_choices(session),
                    transactions=case_transaction_choices(
                        session, customer, as_of, case_id=case_id
                    ),
                    case=case,
                )

        task = self._runner.run(read, lane=Lane.DATABASE, name="case dialog choices")
        task.succeeded.connect(self._show)
        task.failed.connect(
            lambda error: self.refused.emit(
                str(error)
                if isinstance(error, ValueError | PermissionError)
                else _("The case could not be read: {reason}").format(reason=error)
            )
        )

    def _show(self, choices: CaseDialogChoices) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return
        dialog = CaseDialog(
            choices.customer.id,
            customer_label(choices.customer),
            choices.categories,
            choices.responsibles,
            choices.transactions,
            self._formats,
            case=choices.case,
            responsible_id=self._employee_id,
            parent=self._parent,
        )
        dialog.submitted.connect(lambda value: self._submit(dialog, value))
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: CaseDialog) -> None:
        if dialog is self.dialog:
            self.dialog = None
        dialog.deleteLater()

    def _submit(self, dialog: CaseDialog, value: CaseInput) -> None:
        scope, now, employee = self._scope, self._now(), self._employee_id

        def work(session: Session) -> str:
            if value.case_id is None:
                made = create_case(
                    session,
                    scope,
                    value.customer_id,
                    value.category_code,
                    value.description,
                    now,
                    responsible_id=value.responsible_id,
                    transaction_ids=value.transaction_ids,
                    created_by_id=employee,
                )
                return _("Case {number} opened").format(number=made.number)
            assert value.expected_version is not None
            saved = edit_case(
                session,
                scope,
                value.case_id,
                now,
                expected_version=value.expected_version,
                category_code=value.category_code,
                description=value.description,
                responsible_id=value.responsible_id,
                transaction_ids=value.transaction_ids,
            )
            return _("Case {number} saved").format(number=saved.number)

        self._write(dialog, work, lambda note: note, "save case")

    def _write(
        self,
        dialog: CaseDialog | None,
        work: Callable[[Session], Any],
        note: Callable[[Any], str],
        name: str,
    ) -> None:
        if self.writing:
            return
        self.writing = True

        def done(result: Any) -> None:
            self.writing = False
            self.changed.emit(note(result))

        def refused(message: str) -> None:
            self.writing = False
            if dialog is None:
                self.refused.emit(message)

        run_action(self._runner, self._database, dialog, work, done, name=name, refused=refused)


def load_cases(
    database: Database,
    state: TaskState,
    *,
    scope: AgentScope,
    as_of: dt.date,
    status: str | None,
    category_code: str | None,
    pool_id: uuid.UUID | None,
    columns: Sequence[Column[CaseRow]],
) -> CasesData:
    """Read and format the list (runs on the database lane)."""
    with database.sessions() as session:
        rows = list_cases(
            session,
            scope,
            as_of,
            status=status,
            category_code=category_code,
            pool_id=pool_id,
            limit=CASE_LIMIT + 1,
        )
        categories = tuple(case_categories(session))
    truncated = len(rows) > CASE_LIMIT
    shown = tuple(rows[:CASE_LIMIT])
    state.raise_if_cancelled()
    return CasesData(shown, truncated, prepare_rows(columns, shown), categories)


class CasesPage(QWidget):
    """The cases of the viewer's customers; New case, Edit, Close, Reopen."""

    collections_requested = Signal(object, object)
    """A customer's id and a case id: open the Collections page filtered by that case."""
    busy_changed = Signal(bool)
    status_changed = Signal(str)
    loaded = Signal(object)
    """The ``CasesData`` now on screen."""

    def __init__(
        self,
        runner: TaskRunner,
        database: Database,
        scope: AgentScope,
        employee_id: uuid.UUID | None,
        today: Callable[[], dt.date],
        now: Callable[[], dt.datetime],
        formats: Formats,
        icons: IconRegistry,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cases_page")
        self._runner = runner
        self._database = database
        self._scope = scope
        self._today = today
        self._formats = formats
        self._muted = muted_colour(self.palette())
        self._note = ""
        self.started = False
        self.data: CasesData | None = None
        self.status = ""
        self._busy = DelayedBusy("cases_busy", _("Loading…"), self, width=140)
        self._busy.changed.connect(self.busy_changed)
        self._loader = PageLoader(runner, self._busy, self)
        self.actions_ = CaseActions(runner, database, scope, employee_id, now, formats, self)
        self.actions_.changed.connect(self._written)
        self.actions_.refused.connect(self._set_status)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 8)
        outer.setSpacing(8)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.pool = pool_combo(scope, icons)
        self.pool.setCurrentIndex(0)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("case_status_filter")
        for label, value in STATUS_CHOICES:
            self.status_filter.addItem(_(label), value)
        self.category_filter = QComboBox()
        self.category_filter.setObjectName("case_category_filter")
        self.category_filter.setMinimumContentsLength(16)
        self.category_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.category_filter.addItem(_("All categories"), "")
        for text, combo in (
            (_("&Pool"), self.pool),
            (_("&Status"), self.status_filter),
            (_("Cate&gory"), self.category_filter),
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
        self.refresh_action.setToolTip(_("Read the cases again (F5)"))
        self.refresh_action.triggered.connect(self.refresh)
        filters.addWidget(page_button(self.refresh_action, "cases_refresh_button"))
        outer.addLayout(filters)

        self.grid: ListGrid[CaseRow] = ListGrid(
            "cases",
            self._columns(),
            {STATUS: self._closed_colour, CLOSED: self._closed_colour},
            icons,
            stretch=DESCRIPTION,
        )
        self.grid.model.right = {TRANSACTIONS, OPEN_AMOUNT, ACTIVITIES}
        self.grid.sort_by(-1, Qt.SortOrder.DescendingOrder)  # newest first, as read
        self.grid.title.setText(_("Cases"))
        self.grid.view.activated.connect(self._activated)
        self.grid.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.grid.empty.linkActivated.connect(self._link)

        self.new_action = QAction(icons.get("new_activity"), _("New case…"), self)
        self.new_action.setToolTip(
            _("Open a case for the customer of the selected case, or for an account you type")
        )
        self.new_action.setEnabled(employee_id is not None)
        self.new_action.triggered.connect(lambda: self.new_case())
        self.edit_action = QAction(icons.get("details"), _("Edit…"), self)
        self.edit_action.setToolTip(_("Category, description, responsible and transactions"))
        self.edit_action.triggered.connect(self.edit_current)
        self.close_action = QAction(icons.get("close_activity"), _("Close"), self)
        self.close_action.setToolTip(_("Close the selected case; its activities stay as they are"))
        self.close_action.triggered.connect(self.close_current)
        self.reopen_action = QAction(icons.get("reopen"), _("Reopen"), self)
        self.reopen_action.setToolTip(_("Reopen the selected closed case"))
        self.reopen_action.triggered.connect(self.reopen_current)
        self.collections_action = QAction(icons.get("cases"), _("Collections page"), self)
        self.collections_action.setToolTip(
            _("The customer's cases, transactions and activities (Enter or double-click)")
        )
        self.collections_action.triggered.connect(self._open_collections)
        for action in (
            self.collections_action,
            self.edit_action,
            self.close_action,
            self.reopen_action,
            self.new_action,
        ):
            self.grid.view.addAction(action)
        self.grid.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for position, (action, name) in enumerate(
            (
                (self.new_action, "new_case_button"),
                (self.edit_action, "edit_case_button"),
                (self.close_action, "close_case_button"),
                (self.reopen_action, "reopen_case_button"),
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
    def dialog(self) -> CaseDialog | None:
        """The case dialog on screen, if any."""
        return self.actions_.dialog

    @property
    def pool_id(self) -> uuid.UUID | None:
        """The pool chosen (None: every pool of the viewer)."""
        chosen = self.pool.currentData()
        return uuid.UUID(chosen) if chosen else None

    def activate(self) -> None:
        """The page came on screen: read it the first time."""
        if not self.started:
            self.refresh()

    def refresh(self) -> None:
        """Read the list again with the filters chosen (F5)."""
        self.started = True
        scope, database, as_of = self._scope, self._database, self._today()
        status = self.status_filter.currentData() or None
        category = self.category_filter.currentData() or None
        pool_id, columns = self.pool_id, self.grid.model.columns
        self._loader.run(
            lambda state: load_cases(
                database,
                state,
                scope=scope,
                as_of=as_of,
                status=status,
                category_code=category,
                pool_id=pool_id,
                columns=columns,
            ),
            self._loaded,
            self._failed,
            name="cases",
        )

    def focus_filter(self) -> None:
        """Ctrl+F: the grid's filter box."""
        self.grid.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.grid.filter.selectAll()

    def current_case(self) -> CaseRow | None:
        """The case selected (the current one when several are)."""
        return self.grid.current_row()

    def new_case(self, account: str | None = None) -> None:
        """New case for ``account``; else the selected case's customer; else ask for one."""
        if account is not None:
            self.actions_.new(account=account)
            return
        row = self.current_case()
        if row is not None:
            self.actions_.new(row.customer_id)
            return
        typed, ok = QInputDialog.getText(self, _("New case"), _("Account number of the customer:"))
        if ok and typed.strip():
            self.actions_.new(account=typed.strip())

    def edit_current(self) -> None:
        """The case dialog on the selected case."""
        row = self.current_case()
        if row is not None:
            self.actions_.edit(row.id)

    def close_current(self) -> None:
        """Close the selected open case."""
        row = self.current_case()
        if row is not None and row.is_open:
            self.actions_.close(row)

    def reopen_current(self) -> None:
        """Reopen the selected closed case."""
        row = self.current_case()
        if row is not None and not row.is_open:
            self.actions_.reopen(row)

    def save_state(self) -> dict[str, bytes]:
        """Column widths and sort, and the status filter, to keep between sessions."""
        return {
            "grid": bytes(self.grid.view.horizontalHeader().saveState().data()),
            "status": str(self.status_filter.currentData()).encode(),
        }

    def restore_state(self, state: dict[str, bytes]) -> None:
        """Put back what ``save_state`` returned (unknown or damaged entries are ignored)."""
        value = state.get("grid")
        if value and self.grid.view.horizontalHeader().restoreState(QByteArray(value)):
            self.grid.sized = True
        if "status" in state:
            index = self.status_filter.findData(state["status"].decode(errors="replace"))
            if index >= 0:
                self.status_filter.setCurrentIndex(index)

    # --- loading ------------------------------------------------------------------------

    def _filters_changed(self) -> None:
        if self.started:
            self.refresh()

    def _loaded(self, data: CasesData) -> None:
        self.data = data
        self._fill_categories(data.categories)
        if self.status_filter.currentData() == "open":
            empty = _('No open cases — <a href="new">New case…</a>')
        else:
            empty = _("No cases match these filters.")
        self.grid.set_prepared(data.prepared, empty)
        count = len(data.rows)
        title = ngettext("{count} case", "{count} cases", count).format(
            count=self._formats.count(count)
        )
        if data.truncated:
            title = _("The newest {count} cases; choose filters to see the others").format(
                count=self._formats.count(count)
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

    def _fill_categories(self, categories: Sequence[CaseCategoryChoice]) -> None:
        combo = self.category_filter
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for choice in categories:
            combo.addItem(choice.name, choice.code)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)

    def _failed(self, error: BaseException) -> None:
        message = (
            str(error)
            if isinstance(error, PermissionError)
            else _("The cases could not be read: {reason}").format(reason=error)
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
        row = self.current_case()
        self.edit_action.setEnabled(row is not None and row.is_open)
        self.close_action.setEnabled(row is not None and row.is_open)
        self.reopen_action.setEnabled(row is not None and not row.is_open)
        self.collections_action.setEnabled(row is not None)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.grid.model.row(index)
            self.collections_requested.emit(row.customer_id, row.id)

    def _open_collections(self) -> None:
        row = self.current_case()
        if row is not None:
            self.collections_requested.emit(row.customer_id, row.id)

    def _link(self, link: str) -> None:
        if link == "new":
            self.new_case()
        elif link == "refresh":
            self.refresh()

    # --- columns ------------------------------------------------------------------------

    def _columns(self) -> list[Column[CaseRow]]:
        fmt = self._formats

        def day(moment: dt.datetime | None) -> str:
            return fmt.date(moment.astimezone().date()) if moment is not None else ""

        return [
            Column(_("Case"), lambda r: r.number),
            Column(_("Opened"), lambda r: r.opened_at, text=day),
            Column(
                _("Customer"),
                lambda r: r.customer_name,
                tooltip=lambda r: _("{account} · Enter opens the Collections page").format(
                    account=r.account
                ),
            ),
            Column(_("Category"), lambda r: r.category_name),
            Column(_("Description"), lambda r: r.description, tooltip=lambda r: r.description),
            Column(_("Status"), lambda r: _("Open") if r.is_open else _("Closed")),
            Column(_("Responsible"), lambda r: r.responsible_name),
            Column(
                _("Transactions"), lambda r: r.transaction_count, text=lambda v: count_text(fmt, v)
            ),
            Column(_("Open amount"), lambda r: r.open_amount, text=fmt.amount),
            Column(
                _("Activities"),
                lambda r: r.activity_count,
                text=lambda v: count_text(fmt, v),
                tooltip=lambda r: ngettext(
                    "{count} of them open", "{count} of them open", r.open_activity_count
                ).format(count=r.open_activity_count),
            ),
            Column(_("Closed"), lambda r: r.closed_at, text=day),
        ]

    def _closed_colour(self, row: CaseRow) -> QColor | None:
        return None if row.is_open else self._muted
