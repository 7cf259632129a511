"""The Collections page: one customer's cases, transactions and activities, and fact boxes.

Cases on top, the transactions in the middle (what is open today and what belongs to a
case, even settled since), the activities at the bottom. Choosing a case filters the
transactions and the activities to it; "All cases" shows them all again. On the right,
two fact boxes: the aged balances and the credit figures of the customer's row in the
newest snapshot (with that snapshot's date), and **Refresh** ages just this customer
live (``models.list_pages.live_facts``) and says so instead of a date.

Everything of a customer is read by one task on the database lane
(``models.list_pages.customer_collections``), a newer request superseding an older
one; a busy indicator appears only after ``BUSY_DELAY_MS``. New activity, Edit, Close,
New case, Edit case, Close and Reopen case go through the same dialogs as the list
pages (``ActivityActions``, ``CaseActions``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QDataStream,
    QIODevice,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import snapshot_time
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.cases import CaseRow
from collections_desktop.models.collection_status import status_name
from collections_desktop.models.db.database import Database
from collections_desktop.models.list_pages import (
    CaseTransactionRow,
    CollectionsData,
    CustomerActivityRow,
    CustomerFacts,
    customer_collections,
    live_facts,
)
from collections_desktop.models.scope import AgentScope, ScopeError
from collections_desktop.models.workspace import (
    CustomerOption,
    customer_options,
)
from collections_desktop.models.workspace import type_name as transaction_type_name
from collections_desktop.views.actions.cases import CaseActions
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.activity_dialog import type_name as activity_type_name
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.itemmodels.prepared import PreparedRows, count_text, prepare_rows
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.pages.activities_page import ActivityActions
from collections_desktop.views.pages.aged_balances_page import PageLoader
from collections_desktop.views.style import (
    aging_colour,
    alert_colour,
    heading_font,
    muted_palette,
    swatch,
    tabular_font,
)
from collections_desktop.views.tasks import Lane, Task, TaskState
from collections_desktop.views.transaction_actions import ActionContext, TransactionActions
from collections_desktop.views.widgets.busy import DelayedBusy
from collections_desktop.views.widgets.customer_search import customer_search_box, offer_options
from collections_desktop.views.widgets.grid import ListGrid, page_button

SEARCH_DELAY_MS = 200
"""Typing pauses this long before the customer search asks the database."""

FACTS_WIDTH = 300
"""The fact boxes' width in pixels: room for a label and a seven-figure amount."""


@dataclass(frozen=True)
class CollectionsView:
    """What the page shows of one customer: the rows read, formatted for the grids."""

    data: CollectionsData
    cases: PreparedRows[CaseRow]
    transactions: PreparedRows[CaseTransactionRow]
    activities: PreparedRows[CustomerActivityRow]


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
            if item.widget() is not None:
                item.widget().deleteLater()
        self.values.clear()
        self.captions.clear()
        self._row = 0


def load_collections(
    database: Database,
    state: TaskState,
    *,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    columns: tuple[
        Sequence[Column[CaseRow]],
        Sequence[Column[CaseTransactionRow]],
        Sequence[Column[CustomerActivityRow]],
    ],
) -> CollectionsView:
    """Read the customer and format the three grids (runs on the database lane)."""
    with database.sessions() as session:
        data = customer_collections(session, scope, customer_id, as_of)
    state.raise_if_cancelled()
    cases, transactions, activities = columns
    return CollectionsView(
        data,
        prepare_rows(cases, data.cases),
        prepare_rows(transactions, data.transactions),
        prepare_rows(activities, data.activities),
    )


class CollectionsPage(QWidget):
    """One customer's cases, transactions, activities and fact boxes, filtered by case."""

    customer_chosen = Signal(object)
    """A customer's id: open their Workspace."""
    busy_changed = Signal(bool)
    status_changed = Signal(str)
    loaded = Signal(object)
    """The ``CollectionsData`` now on screen."""
    facts_refreshed = Signal(object)
    """The ``CustomerFacts`` aged live by Refresh."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("collections_page")
        self.context = context
        self._runner = context.runner
        self._database = context.database
        self._scope = context.scope
        self._today = context.clock.today
        self._formats = context.formats
        self._icons = icons = context.icons
        runner, database, scope = context.runner, context.database, context.scope
        employee_id, now, formats = context.employee_id, context.clock.now, context.formats
        today = context.clock.today
        self._alert = alert_colour(self.palette())
        self._muted = muted_colour(self.palette())
        self._customer_id: uuid.UUID | None = None
        self._wanted_case: uuid.UUID | None = None
        self._note = ""
        self._view: CollectionsView | None = None
        self._facts_task: Task | None = None
        self._search_task: Task | None = None
        self._options: dict[str, CustomerOption] = {}
        self.case_id: uuid.UUID | None = None
        """The case the transactions and activities are filtered by (None: all cases)."""
        self.facts: CustomerFacts | None = None
        self.status = ""
        self._busy = DelayedBusy("collections_busy", _("Loading the customer…"), self)
        self._busy.changed.connect(self.busy_changed)
        self._loader = PageLoader(runner, self._busy, self)
        self.activity_actions = ActivityActions(context, self)
        self.case_actions = CaseActions(context, self)
        for actions in (self.activity_actions, self.case_actions):
            actions.changed.connect(self._written)
            actions.refused.connect(self._set_status)
        # The same collections actions as the Workspace's, on the marked transactions.
        self.transaction_actions = TransactionActions(
            self,
            runner=runner,
            database=database,
            scope=scope,
            employee_id=employee_id,
            today=today,
            now=now,
            formats=formats,
            icons=icons,
            context=self.action_context,
        )
        self.transaction_actions.done.connect(self._written)
        self.transaction_actions.failed.connect(self._set_status)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        outer.setSpacing(6)
        outer.addLayout(self._build_top())
        self.error = QLabel()
        self.error.setObjectName("collections_error")
        self.error.setWordWrap(True)
        self.error.setPalette(self._alert_palette())
        self.error.hide()
        outer.addWidget(self.error)

        self.body = QStackedWidget()
        self.hint = QLabel(
            _(
                "Choose a customer: type part of an account number or a name in Customer "
                "above, then pick one from the list. Their cases, transactions and "
                "activities appear here."
            )
        )
        self.hint.setObjectName("collections_hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setPalette(muted_palette(self.hint.palette()))
        self.body.addWidget(self.hint)
        content = QWidget()
        layout = QHBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("collections_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.vertical = QSplitter(Qt.Orientation.Vertical)
        self.vertical.setObjectName("collections_vertical_splitter")
        self.vertical.setChildrenCollapsible(False)
        self.vertical.addWidget(self._build_cases())
        self.vertical.addWidget(self._build_transactions())
        self.vertical.addWidget(self._build_activities())
        self.vertical.setSizes([150, 330, 280])
        self.splitter.addWidget(self.vertical)
        self.splitter.addWidget(self._build_facts())
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        layout.addWidget(self.splitter)
        self.body.addWidget(content)
        outer.addWidget(self.body, 1)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_filter)
        self._selection_changed()

    # --- building -----------------------------------------------------------------------

    def _alert_palette(self) -> Any:
        palette = self.palette()
        palette.setColor(palette.ColorRole.WindowText, self._alert)
        return palette

    def _build_top(self) -> QHBoxLayout:
        top = QHBoxLayout()
        top.setSpacing(8)
        label = QLabel(_("C&ustomer"))
        self.customer_combo, self.completer, self._completer_model = customer_search_box(
            "collections_customer_combo", self
        )
        label.setBuddy(self.customer_combo)
        self.completer.activated[str].connect(self._choose_text)
        self.customer_combo.activated.connect(self._choose_index)
        self.customer_combo.lineEdit().textEdited.connect(lambda _t: self._search_timer.start())
        self.workspace_action = QAction(self._icons.get("workspace"), _("Workspace"), self)
        self.workspace_action.setToolTip(_("Open this customer's Workspace"))
        self.workspace_action.triggered.connect(self._open_workspace)
        self.reload_action = QAction(self._icons.get("refresh"), _("Reload"), self)
        self.reload_action.setToolTip(
            _("Read the customer's cases, transactions and activities again (F5)")
        )
        self.reload_action.triggered.connect(self.refresh)
        top.addWidget(label)
        top.addWidget(self.customer_combo, 1)
        top.addSpacing(12)
        top.addWidget(self._busy.bar)
        top.addWidget(self._busy.label)
        top.addWidget(page_button(self.workspace_action, "collections_workspace_button"))
        top.addWidget(page_button(self.reload_action, "collections_reload_button"))
        return top

    def _build_cases(self) -> QWidget:
        fmt = self._formats
        columns: list[Column[CaseRow]] = [
            Column(_("Case"), lambda r: r.number),
            Column(_("Category"), lambda r: r.category_name),
            Column(_("Description"), lambda r: r.description, tooltip=lambda r: r.description),
            Column(_("Status"), lambda r: _("Open") if r.is_open else _("Closed")),
            Column(_("Opened"), lambda r: r.opened_at, text=self._day),
            Column(
                _("Transactions"), lambda r: r.transaction_count, text=lambda v: count_text(fmt, v)
            ),
            Column(_("Open amount"), lambda r: r.open_amount, text=fmt.amount),
            Column(_("Activities"), lambda r: r.activity_count, text=lambda v: count_text(fmt, v)),
            Column(_("Responsible"), lambda r: r.responsible_name),
        ]
        self.cases = ListGrid(
            "collections_cases", columns, {3: self._closed_case}, self._icons, stretch=2
        )
        self.cases.model.right = {5, 6, 7}
        self.cases.sort_by(-1, Qt.SortOrder.DescendingOrder)
        self.cases.title.setText(_("Cases"))
        self.cases.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cases.view.selectionModel().selectionChanged.connect(self._case_chosen)
        self.cases.view.activated.connect(
            lambda _i: self.case_actions.edit(self.case_id) if self.case_id else None
        )
        self.all_cases_button = QPushButton(self._icons.get("cases"), _("All cases"))
        self.all_cases_button.setObjectName("all_cases_button")
        self.all_cases_button.setToolTip(_("Show the transactions and activities of every case"))
        self.all_cases_button.clicked.connect(self.show_all_cases)
        self.new_case_action = QAction(self._icons.get("new_activity"), _("New case…"), self)
        self.new_case_action.triggered.connect(self._new_case)
        self.edit_case_action = QAction(self._icons.get("details"), _("Edit…"), self)
        self.edit_case_action.setToolTip(
            _("The chosen case's category, description and transactions")
        )
        self.edit_case_action.triggered.connect(
            lambda: self.case_actions.edit(self.case_id) if self.case_id else None
        )
        self.close_case_action = QAction(self._icons.get("close_activity"), _("Close"), self)
        self.close_case_action.triggered.connect(self._close_case)
        self.reopen_case_action = QAction(self._icons.get("reopen"), _("Reopen"), self)
        self.reopen_case_action.triggered.connect(self._reopen_case)
        for position, (action, name) in enumerate(
            (
                (self.new_case_action, "collections_new_case_button"),
                (self.edit_case_action, "collections_edit_case_button"),
                (self.close_case_action, "collections_close_case_button"),
                (self.reopen_case_action, "collections_reopen_case_button"),
            ),
            start=2,
        ):
            self.cases.head.insertWidget(position, page_button(action, name))
            self.cases.view.addAction(action)
        self.cases.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.cases.head.insertWidget(1, self.all_cases_button)
        self.cases.empty.linkActivated.connect(self._new_case)
        return self.cases

    def _build_transactions(self) -> QWidget:
        fmt = self._formats
        columns: list[Column[CaseTransactionRow]] = [
            Column(_("Document"), lambda r: r.document_number),
            Column(_("Type"), lambda r: transaction_type_name(r.type)),
            Column(_("Posted"), lambda r: r.posting_date, text=fmt.date),
            Column(_("Due"), lambda r: r.due_date, text=fmt.date),
            Column(
                _("Days overdue"),
                lambda r: r.days_overdue or None,
                text=lambda v: count_text(fmt, v),
            ),
            Column(_("Amount"), lambda r: r.amount, text=fmt.amount),
            Column(
                _("Open"),
                lambda r: r.open_amount,
                text=lambda v: fmt.amount(v) if v else _("settled"),
            ),
            Column(_("Currency"), lambda r: r.currency),
            Column(_("Collection status"), lambda r: status_name(r.collection_status) or None),
            Column(_("Case"), lambda r: ", ".join(r.case_numbers) or None),
        ]
        self.transactions = ListGrid(
            "collections_transactions",
            columns,
            {4: self._late, 5: self._negative, 6: self._open_colour},
            self._icons,
            stretch=9,
        )
        self.transactions.model.right = {4, 5, 6}
        self.transactions.sort_by(-1, Qt.SortOrder.AscendingOrder)
        self.transactions.title.setText(_("Transactions"))
        bar = QToolBar()
        bar.setObjectName("collections_transaction_actions")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in self.transaction_actions.actions.values():
            bar.addAction(action)
        # Its own row under the title: beside it, only two actions would fit.
        self.transactions.layout().insertWidget(1, bar)
        for action in self.transaction_actions.actions.values():
            self.transactions.view.addAction(action)
        self.transactions.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.transactions.view.selectionModel().selectionChanged.connect(
            lambda *_args: self.transaction_actions.update()
        )
        return self.transactions

    def action_context(self) -> ActionContext | None:
        """The customer shown, what is open of it and the open transactions marked."""
        if self._view is None:
            return None
        data = self._view.data
        open_rows = tuple(r.transaction_row() for r in data.transactions if r.open_amount)
        marked = {r.id for r in self.transactions.selected_rows() if r.open_amount}
        return ActionContext(
            customer_id=data.customer.id,
            label=_label(data.customer.account, data.customer.name),
            accounting_currency=data.customer.accounting_currency,
            rows=open_rows,
            selected=tuple(r for r in open_rows if r.id in marked),
        )

    def _build_activities(self) -> QWidget:
        columns: list[Column[CustomerActivityRow]] = [
            Column(_("Number"), lambda r: r.number),
            Column(_("End date"), lambda r: (r.end_at, r.closed), text=self._end_text),
            Column(
                _("Purpose"),
                lambda r: r.purpose + ("  ✎" if r.has_memo else ""),
                tooltip=lambda r: r.purpose,
            ),
            Column(_("Type"), lambda r: activity_type_name(r.type)),
            Column(_("Category"), lambda r: r.category),
            Column(_("Responsible"), lambda r: r.responsible_name),
            Column(_("Status"), lambda r: _("Closed") if r.closed else _("Open")),
            Column(_("Case"), lambda r: r.case_number),
        ]
        self.activities = ListGrid(
            "collections_activities",
            columns,
            {1: self._overdue, 6: self._closed_activity},
            self._icons,
            stretch=2,
        )
        self.activities.sort_by(-1, Qt.SortOrder.AscendingOrder)
        self.activities.title.setText(_("Activities"))
        self.activities.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.activities.view.activated.connect(self._activity_activated)
        self.activities.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.new_activity_action = QAction(self._icons.get("new_activity"), _("New activity"), self)
        self.new_activity_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_activity_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_activity_action.setToolTip(
            _("New activity about this customer, in the chosen case (Ctrl+N)")
        )
        self.new_activity_action.setEnabled(self.activity_actions.may_create)
        self.new_activity_action.triggered.connect(self.new_activity)
        self.addAction(self.new_activity_action)
        self.edit_activity_action = QAction(self._icons.get("details"), _("Edit…"), self)
        self.edit_activity_action.setToolTip(_("Every field of the activity (Enter)"))
        self.edit_activity_action.triggered.connect(self._edit_activity)
        self.close_activity_action = QAction(self._icons.get("close_activity"), _("Close"), self)
        self.close_activity_action.triggered.connect(self._close_activities)
        for position, (action, name) in enumerate(
            (
                (self.new_activity_action, "collections_new_activity_button"),
                (self.edit_activity_action, "collections_edit_activity_button"),
                (self.close_activity_action, "collections_close_activity_button"),
            ),
            start=2,
        ):
            self.activities.head.insertWidget(position, page_button(action, name))
            self.activities.view.addAction(action)
        self.activities.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.activities.empty.linkActivated.connect(self._empty_link)
        return self.activities

    def _build_facts(self) -> QWidget:
        panel = QFrame()
        panel.setObjectName("facts_panel")
        panel.setMinimumWidth(FACTS_WIDTH - 40)
        panel.setMaximumWidth(FACTS_WIDTH + 120)
        panel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.setSpacing(8)
        self.facts_title = QLabel(_("Facts"))
        self.facts_title.setFont(heading_font(self.font()))
        self.facts_source = QLabel()
        self.facts_source.setObjectName("facts_source")
        self.facts_source.setWordWrap(True)
        self.facts_source.setPalette(muted_palette(self.facts_source.palette()))
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
        self.refresh_facts_button = QPushButton(self._icons.get("refresh"), _("Refresh"))
        self.refresh_facts_button.setObjectName("refresh_facts_button")
        self.refresh_facts_button.setToolTip(
            _("Age this customer now, from today's open transactions (the snapshot stays as it is)")
        )
        self.refresh_facts_button.clicked.connect(self.refresh_facts)
        row = QHBoxLayout()
        row.addWidget(self.facts_title)
        row.addStretch(1)
        row.addWidget(self.refresh_facts_button)
        layout.addLayout(row)
        layout.addWidget(self.facts_source)
        layout.addWidget(self.aged_box)
        layout.addWidget(self.credit_box)
        layout.addStretch(1)
        return panel

    # --- public -------------------------------------------------------------------------

    @property
    def customer_id(self) -> uuid.UUID | None:
        """The customer on screen (or being read)."""
        return self._customer_id

    @property
    def data(self) -> CollectionsData | None:
        """What is on screen (None before a customer is loaded)."""
        return self._view.data if self._view is not None else None

    @property
    def is_loading(self) -> bool:
        """Whether the customer (or their live facts) is being read."""
        return self._loader.is_loading or self._facts_task is not None

    @property
    def is_busy_shown(self) -> bool:
        """Whether the busy indicator is on screen."""
        return self._busy.shown

    def activate(self) -> None:
        """The page came on screen: offer the customers to choose from."""
        if not self._completer_model.stringList():
            self._search()

    def show_customer(self, customer_id: uuid.UUID, case_id: uuid.UUID | None = None) -> None:
        """Load ``customer_id``, filtered by ``case_id`` once loaded (None: all cases)."""
        self._customer_id = customer_id
        self._wanted_case = case_id
        scope, database, as_of = self._scope, self._database, self._today()
        columns = (
            self.cases.model.columns,
            self.transactions.model.columns,
            self.activities.model.columns,
        )
        self._loader.run(
            lambda state: load_collections(
                database, state, scope=scope, customer_id=customer_id, as_of=as_of, columns=columns
            ),
            self._loaded,
            self._failed,
            name="collections customer",
        )

    def refresh(self) -> None:
        """Read the customer again, keeping the case chosen (F5)."""
        self._search()
        if self._customer_id is not None:
            self.show_customer(self._customer_id, self.case_id)

    def refresh_facts(self) -> None:
        """Age this one customer live and show it in the fact boxes ("as of today, live")."""
        if self._customer_id is None or self._facts_task is not None:
            return
        customer_id, scope, database, as_of = (
            self._customer_id,
            self._scope,
            self._database,
            self._today(),
        )
        definition = self.facts.definition_id if self.facts is not None else None

        def age(_state: TaskState) -> CustomerFacts:
            with database.sessions() as session:
                return live_facts(session, scope, customer_id, as_of, definition_id=definition)

        task = self._runner.run(age, lane=Lane.WRITE, name="live facts")
        self._facts_task = task
        self.refresh_facts_button.setEnabled(False)

        def done(facts: CustomerFacts) -> None:
            self._facts_over(task)
            if customer_id == self._customer_id:
                self._show_facts(facts)
                self._set_status(_("Aged balances and credit aged live, as of today"))
                self.facts_refreshed.emit(facts)

        def failed(error: BaseException) -> None:
            self._facts_over(task)
            self._set_status(_("The customer could not be aged: {reason}").format(reason=error))

        task.succeeded.connect(done)
        task.failed.connect(failed)
        task.cancelled.connect(lambda: self._facts_over(task))

    def show_case(self, case_id: uuid.UUID | None) -> bool:
        """Filter by ``case_id`` (None: all cases); False when the customer has no such case."""
        if case_id is None:
            self.show_all_cases()
            return True
        model = self.cases.model
        for row in range(model.rowCount()):
            if model.row(model.index(row, 0)).id == case_id:
                self.cases.view.selectRow(row)
                return True
        return False

    def show_all_cases(self) -> None:
        """Show the transactions and activities of every case (and of none)."""
        self.cases.view.clearSelection()
        self._apply_case(None)

    def new_activity(self) -> None:
        """Ctrl+N: a new activity about this customer, in the case chosen."""
        if self._customer_id is not None:
            self.activity_actions.new(self._customer_id, self.case_id)

    def focus_filter(self) -> None:
        """Ctrl+F: the filter of the grid that has the focus, else the transactions'."""
        focus = self.focusWidget()
        chosen = self.transactions
        for grid in (self.cases, self.transactions, self.activities):
            if focus is not None and grid.isAncestorOf(focus):
                chosen = grid
        chosen.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        chosen.filter.selectAll()

    def save_state(self) -> QByteArray:
        """The splitters' positions, to keep in the settings."""
        state = QByteArray()
        stream = QDataStream(state, QIODevice.OpenModeFlag.WriteOnly)
        stream.writeQString("collections/1")
        stream << self.splitter.saveState() << self.vertical.saveState()
        for grid in (self.cases, self.transactions, self.activities):
            stream << grid.view.horizontalHeader().saveState()
        return state

    def restore_state(self, state: QByteArray | bytes | None) -> bool:
        """Put the splitters and columns back as ``save_state`` left them."""
        stream = QDataStream(QByteArray(state or b""))
        if stream.readQString() != "collections/1" or stream.status() != QDataStream.Status.Ok:
            return False
        parts = [QByteArray() for _i in range(5)]
        for part in parts:
            stream >> part
        if stream.status() != QDataStream.Status.Ok:
            return False
        self.splitter.restoreState(parts[0])
        self.vertical.restoreState(parts[1])
        for grid, part in zip(
            (self.cases, self.transactions, self.activities), parts[2:], strict=True
        ):
            if grid.view.horizontalHeader().restoreState(part):
                grid.sized = True
        return True

    # --- customer selector --------------------------------------------------------------

    def _search(self) -> None:
        text = self.customer_combo.currentText()
        if self.data is not None and text == _label(
            self.data.customer.account, self.data.customer.name
        ):
            text = ""
        scope, as_of, database = self._scope, self._today(), self._database

        def find(_state: Any) -> tuple[CustomerOption, ...]:
            with database.sessions() as session:
                return customer_options(session, scope, pool_id=None, as_of=as_of, search=text)

        task = self._runner.run(find, lane=Lane.WRITE, name="collections customer search")
        self._search_task = task
        task.succeeded.connect(lambda options: self._on_options(task, options))

    def _on_options(self, task: Task, options: tuple[CustomerOption, ...]) -> None:
        if task is not self._search_task:
            return
        self._search_task = None
        self._options = offer_options(
            self.customer_combo, self.completer, self._completer_model, options
        )

    def _choose_text(self, text: str) -> None:
        option = self._options.get(text)
        if option is not None:
            self.show_customer(option.id)

    def _choose_index(self, index: int) -> None:
        chosen = self.customer_combo.itemData(index)
        if chosen:
            self.show_customer(uuid.UUID(chosen))

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, view: CollectionsView) -> None:
        self._view = view
        self.transaction_actions.update()
        data = view.data
        self.error.hide()
        combo = self.customer_combo
        combo.blockSignals(True)
        combo.setEditText(_label(data.customer.account, data.customer.name))
        combo.blockSignals(False)
        self.cases.set_prepared(
            view.cases, _('No cases for this customer — <a href="new">New case…</a>')
        )
        count = len(data.cases)
        self.cases.title.setText(
            ngettext("{count} case", "{count} cases", count).format(
                count=self._formats.count(count)
            )
        )
        self._show_facts(data.facts)
        self.body.setCurrentIndex(1)
        wanted, self._wanted_case = self._wanted_case, None
        if wanted is None or not self.show_case(wanted):
            self.cases.view.clearSelection()
            self._apply_case(None)
        status = _("{account} {name} · {cases} · figures of {date}").format(
            account=data.customer.account,
            name=data.customer.name,
            cases=self.cases.title.text(),
            date=self._formats.date(self._today()),
        )
        if self._note:
            status, self._note = f"{self._note} · {status}", ""
        self._set_status(status)
        self.loaded.emit(data)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ScopeError):
            message = str(error)
        else:
            message = _("The customer could not be read: {reason}").format(reason=error)
        self.error.setText(message)
        self.error.show()
        self._set_status(message)

    def _facts_over(self, task: Task) -> None:
        if task is self._facts_task:
            self._facts_task = None
            self.refresh_facts_button.setEnabled(self._customer_id is not None)

    def _written(self, note: str) -> None:
        self._note = note
        self._set_status(note)
        if self._customer_id is not None:
            self.show_customer(self._customer_id, self.case_id)

    def _set_status(self, text: str) -> None:
        self.status = text
        self.status_changed.emit(text)

    # --- the case filter ----------------------------------------------------------------

    def _case_chosen(self, *_args: Any) -> None:
        rows = self.cases.selected_rows()
        self._apply_case(rows[0].id if rows else None)

    def _apply_case(self, case_id: uuid.UUID | None) -> None:
        """Show the transactions and activities of ``case_id`` (None: all of them)."""
        self.case_id = case_id
        view = self._view
        if view is None:
            self._selection_changed()
            return
        if case_id is None:
            transactions, activities = view.transactions, view.activities
            number = None
        else:
            number = next((c.number for c in view.data.cases if c.id == case_id), None)
            transactions = prepare_rows(
                self.transactions.model.columns,
                [t for t in view.data.transactions if case_id in t.case_ids],
            )
            activities = prepare_rows(
                self.activities.model.columns,
                [a for a in view.data.activities if a.case_id == case_id],
            )
        if number is None:
            self.transactions.set_prepared(
                transactions, _("Nothing is open on this account and no case holds a transaction.")
            )
            self.activities.set_prepared(
                activities,
                _('No activities about this customer — <a href="new">New activity</a> (Ctrl+N)'),
            )
            self.transactions.title.setText(
                _("Transactions: open, or in a case ({count})").format(
                    count=self._formats.count(len(transactions.rows))
                )
            )
            self.activities.title.setText(
                _("Activities ({count})").format(count=self._formats.count(len(activities.rows)))
            )
        else:
            self.transactions.set_prepared(
                transactions, _("Case {number} holds no transactions.").format(number=number)
            )
            self.activities.set_prepared(
                activities,
                _(
                    'Case {number} has no activities — <a href="new">New activity</a> (Ctrl+N)'
                ).format(number=number),
            )
            self.transactions.title.setText(
                _("Transactions of {number} ({count})").format(
                    number=number, count=self._formats.count(len(transactions.rows))
                )
            )
            self.activities.title.setText(
                _("Activities of {number} ({count})").format(
                    number=number, count=self._formats.count(len(activities.rows))
                )
            )
        self.all_cases_button.setEnabled(case_id is not None)
        self._selection_changed()

    def _empty_link(self, link: str) -> None:
        if link == "new":
            self.new_activity()

    # --- the fact boxes -----------------------------------------------------------------

    def _show_facts(self, facts: CustomerFacts | None) -> None:
        self.facts = facts
        fmt = self._formats
        box = self.aged_box
        box.clear_lines()
        credit = self.credit_box.values
        self.refresh_facts_button.setEnabled(self._customer_id is not None)
        if facts is None:
            self.facts_source.setText(
                _("No snapshot holds this customer yet. Refresh ages them now.")
            )
            note = QLabel(_("No figures yet."))
            note.setPalette(muted_palette(note.palette()))
            box.add_widget(note)
            for value in credit.values():
                value.setText("—")
            return
        if facts.live:
            self.facts_source.setText(
                _("As of today, live ({date}) · {definition}").format(
                    date=fmt.date(facts.as_of), definition=facts.definition_name
                )
            )
        else:
            assert facts.taken_at is not None
            self.facts_source.setText(
                _("Snapshot of {date}, taken {moment} · {definition}").format(
                    date=fmt.date(facts.as_of),
                    moment=snapshot_time(facts.as_of, facts.taken_at, fmt),
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

    # --- actions ------------------------------------------------------------------------

    def _selection_changed(self, *_args: Any) -> None:
        loaded = self._view is not None
        case = self._current_case()
        self.new_case_action.setEnabled(loaded and self.case_actions.writing is False)
        self.edit_case_action.setEnabled(case is not None and case.is_open)
        self.close_case_action.setEnabled(case is not None and case.is_open)
        self.reopen_case_action.setEnabled(case is not None and not case.is_open)
        rows = self.activities.selected_rows() if loaded else []
        self.new_activity_action.setEnabled(loaded and self.activity_actions.may_create)
        self.edit_activity_action.setEnabled(len(rows) == 1)
        self.close_activity_action.setEnabled(any(not r.closed for r in rows))
        self.workspace_action.setEnabled(self._customer_id is not None)

    def _current_case(self) -> CaseRow | None:
        if self._view is None or self.case_id is None:
            return None
        return next((c for c in self._view.data.cases if c.id == self.case_id), None)

    def _new_case(self, *_args: Any) -> None:
        if self._customer_id is not None:
            self.case_actions.new(self._customer_id)

    def _close_case(self) -> None:
        case = self._current_case()
        if case is not None:
            self.case_actions.close(case)

    def _reopen_case(self) -> None:
        case = self._current_case()
        if case is not None:
            self.case_actions.reopen(case)

    def _activity_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activity_actions.edit(self.activities.model.row(index).id)

    def _edit_activity(self) -> None:
        row = self.activities.current_row()
        if row is not None:
            self.activity_actions.edit(row.id)

    def _close_activities(self) -> None:
        ids = [r.id for r in self.activities.selected_rows() if not r.closed]
        self.activity_actions.close(ids)

    def _open_workspace(self) -> None:
        if self._customer_id is not None:
            self.customer_chosen.emit(self._customer_id)

    # --- cell colours -------------------------------------------------------------------

    def _day(self, moment: dt.datetime | None) -> str:
        return self._formats.date(moment.astimezone().date()) if moment is not None else ""

    def _end_text(self, value: tuple[dt.datetime, bool]) -> str:
        end, closed = value
        day = end.astimezone().date()
        text = self._formats.date(day)
        return f"{text}  ⚠" if not closed and day < self._today() else text

    def _closed_case(self, row: CaseRow) -> QColor | None:
        return None if row.is_open else self._muted

    def _closed_activity(self, row: CustomerActivityRow) -> QColor | None:
        return self._muted if row.closed else None

    def _overdue(self, row: CustomerActivityRow) -> QColor | None:
        late = not row.closed and row.end_at.astimezone().date() < self._today()
        return self._alert if late else None

    def _late(self, row: CaseTransactionRow) -> QColor | None:
        return self._alert if row.days_overdue > 0 else None

    def _negative(self, row: CaseTransactionRow) -> QColor | None:
        return self._alert if row.amount < 0 else None

    def _open_colour(self, row: CaseTransactionRow) -> QColor | None:
        if not row.open_amount:
            return self._muted
        return self._alert if row.open_amount < 0 else None


def _label(account: str, name: str) -> str:
    return f"{account} {name}"
