"""The Collections page: one customer's cases, transactions and activities, and fact boxes.

Cases on top, the transactions in the middle (what is open today and what belongs to a
case, even settled since), the activities at the bottom (``widgets.collections_grids``).
Choosing a case filters the transactions and the activities to it; "All cases" shows
them all again. On the right, the fact boxes (``widgets.facts``): the aged balances and
the credit figures, and a caption saying what they are as of. A customer opened from a
list shows their row of the newest snapshot (with its date), as the Overview and Aged
balances do. After a change made here (an activity, a case, settle, write-off, a status,
NSF…) the customer is read again with the facts aged live
(``models.screens.customer_collections.live_facts``: one customer, a few milliseconds, in
the same read as the rows), so the boxes never disagree with the rows below; the caption
says "Live, after your change", and the customer stays live while the page lives. A
customer no snapshot holds is aged live too.

One command reads everything again: **Refresh** (F5, the button on the top right):
the customers offered, the customer's cases, transactions and activities, and the facts,
aged live ("As of today, live").

Everything of a customer is read by one query
(``models.screens.customer_collections.customer_collections``, plus ``live_facts`` when
the facts are aged live) through ``Page.query``, a newer request superseding an older
one; the customer box searches on its own
(``widgets.customer_search.CustomerSearch``). New activity, Edit, Close, New case, Edit
case, Close and Reopen case go through the same controllers as the list pages
(``ActivityActions``, ``CaseActions``); the collections actions on the marked
transactions are the Workspace's (``TransactionActions``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.i18n import N_, _
from collections_desktop.models.casework.case_reading import CaseRow
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope, ScopeError
from collections_desktop.models.screens.customer_collections import (
    CaseTransactionRow,
    CollectionsData,
    CustomerActivityRow,
    CustomerFacts,
    customer_collections,
    live_facts,
)
from collections_desktop.views.actions.activities import ActivityActions
from collections_desktop.views.actions.cases import CaseActions
from collections_desktop.views.actions.transactions import ActionContext, TransactionActions
from collections_desktop.views.context import PageContext
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.itemmodels.prepared import prepare_rows
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.pages.base import Page, PageState
from collections_desktop.views.style import alert_colour, muted_palette
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.collections_grids import (
    CellColours,
    CollectionsGrids,
    CollectionsView,
)
from collections_desktop.views.widgets.customer_search import CustomerSearch
from collections_desktop.views.widgets.facts import FactsOrigin, FactsPanel
from collections_desktop.views.widgets.grid import (
    ListGrid,
    header_state,
    page_button,
    restore_header,
)


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
    live: FactsOrigin | None = None,
) -> tuple[CollectionsView, FactsOrigin]:
    """Read the customer and format the three grids (runs on a worker thread).

    The facts are the newest snapshot's, or aged live in the same session when ``live``
    says why (after a change, on Refresh) or when no snapshot holds the customer; live,
    they are aged by the snapshot's definition so that the columns stay the same.
    Returns the view and where its facts come from.
    """
    with database.sessions() as session:
        data = customer_collections(session, scope, customer_id, as_of)
        origin = FactsOrigin.SNAPSHOT
        if live is not None or data.facts is None:
            origin = live or FactsOrigin.NO_SNAPSHOT
            definition = data.facts.definition_id if data.facts is not None else None
            facts = live_facts(session, scope, customer_id, as_of, definition_id=definition)
            data = dataclasses.replace(data, facts=facts)
    state.raise_if_cancelled()
    cases, transactions, activities = columns
    view = CollectionsView(
        data,
        prepare_rows(cases, data.cases),
        prepare_rows(transactions, data.transactions),
        prepare_rows(activities, data.activities),
    )
    return view, origin


class CollectionsPage(Page):
    """One customer's cases, transactions, activities and fact boxes, filtered by case."""

    key = "collections"
    title = N_("Collections")
    description = N_("One customer's cases, transactions and activities, with fact boxes")
    busy_text = N_("Loading the customer…")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        icons, formats = context.icons, context.formats
        self._alert = alert_colour(self.palette())
        colours = CellColours(self._alert, muted_colour(self.palette()), context.clock.today)
        self._customer_id: uuid.UUID | None = None
        self._wanted_case: uuid.UUID | None = None
        self._note = ""
        self._view: CollectionsView | None = None
        self.case_id: uuid.UUID | None = None
        """The case the transactions and activities are filtered by (None: all cases)."""
        self.changed_customers: set[uuid.UUID] = set()
        """The customers changed on this page: their facts are aged live whenever shown,
        since the snapshot no longer tells their balances."""
        self.activity_actions = ActivityActions(context, self)
        self.case_actions = CaseActions(context, self)
        for actions in (self.activity_actions, self.case_actions):
            actions.changed.connect(self._written)
            actions.refused.connect(self.set_status)
        # The same collections actions as the Workspace's, on the marked transactions.
        self.transaction_actions = TransactionActions(context, self, target=self.action_context)
        self.transaction_actions.changed.connect(self._written)
        self.transaction_actions.refused.connect(self.set_status)
        self.search = CustomerSearch("collections_customer_combo", context, self)
        self.search.chosen.connect(self.show_customer)
        self.customer_combo, self.completer = self.search.combo, self.search.completer

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
        self.vertical = grids = CollectionsGrids(formats, icons, colours)
        self.cases, self.transactions = grids.cases, grids.transactions
        self.activities = grids.activities
        self._wire_cases()
        self._wire_transactions()
        self._wire_activities()
        self.splitter.addWidget(self.vertical)
        self.facts_panel = FactsPanel(formats)
        self.facts_source = self.facts_panel.source
        self.aged_box, self.credit_box = self.facts_panel.aged_box, self.facts_panel.credit_box
        self.splitter.addWidget(self.facts_panel)
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

    def _alert_palette(self) -> QPalette:
        palette = self.palette()
        palette.setColor(palette.ColorRole.WindowText, self._alert)
        return palette

    def _build_top(self) -> QHBoxLayout:
        icons = self.context.icons
        top = QHBoxLayout()
        top.setSpacing(8)
        label = QLabel(_("C&ustomer"))
        label.setBuddy(self.customer_combo)
        self.workspace_action = QAction(icons.get("workspace"), _("Workspace"), self)
        self.workspace_action.setToolTip(_("Open this customer's Workspace"))
        self.workspace_action.triggered.connect(self._open_workspace)
        self.record_action = QAction(icons.get("customer_record"), _("Customer record…"), self)
        self.record_action.setToolTip(_("Addresses, contacts, credit limit and status"))
        self.record_action.triggered.connect(self._open_record)
        # The page's one command to read everything again; F5 is the window's View ▸
        # Refresh, which calls the same ``refresh`` (a second F5 here would be ambiguous).
        self.refresh_action = QAction(icons.get("refresh"), _("Refresh"), self)
        self.refresh_action.setToolTip(
            _(
                "Read the customer again: cases, transactions, activities, and the facts "
                "aged live as of today (F5)"
            )
        )
        self.refresh_action.triggered.connect(self.refresh)
        top.addWidget(label)
        top.addWidget(self.customer_combo, 1)
        top.addSpacing(12)
        top.addWidget(self.busy.bar)
        top.addWidget(self.busy.label)
        top.addWidget(page_button(self.workspace_action, "collections_workspace_button"))
        top.addWidget(page_button(self.record_action, "collections_record_button"))
        top.addWidget(page_button(self.refresh_action, "collections_refresh_button"))
        return top

    def _add_actions(self, grid: ListGrid[Any], actions: Sequence[tuple[QAction, str]]) -> None:
        """Buttons for ``actions`` after the grid's title (named for tests), and its menu."""
        for position, (action, name) in enumerate(actions, start=2):
            grid.head.insertWidget(position, page_button(action, name))
            grid.view.addAction(action)
        grid.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _wire_cases(self) -> None:
        icons = self.context.icons
        self.cases.view.selectionModel().selectionChanged.connect(self._case_chosen)
        self.cases.view.activated.connect(lambda _i: self._edit_case())
        self.all_cases_button = QPushButton(icons.get("cases"), _("All cases"))
        self.all_cases_button.setObjectName("all_cases_button")
        self.all_cases_button.setToolTip(_("Show the transactions and activities of every case"))
        self.all_cases_button.clicked.connect(self.show_all_cases)
        self.new_case_action = QAction(icons.get("new_activity"), _("New case…"), self)
        self.new_case_action.triggered.connect(self._new_case)
        self.edit_case_action = QAction(icons.get("details"), _("Edit…"), self)
        self.edit_case_action.setToolTip(
            _("The chosen case's category, description and transactions")
        )
        self.edit_case_action.triggered.connect(self._edit_case)
        self.close_case_action = QAction(icons.get("close_activity"), _("Close"), self)
        self.close_case_action.triggered.connect(self._close_case)
        self.reopen_case_action = QAction(icons.get("reopen"), _("Reopen"), self)
        self.reopen_case_action.triggered.connect(self._reopen_case)
        self._add_actions(
            self.cases,
            (
                (self.new_case_action, "collections_new_case_button"),
                (self.edit_case_action, "collections_edit_case_button"),
                (self.close_case_action, "collections_close_case_button"),
                (self.reopen_case_action, "collections_reopen_case_button"),
            ),
        )
        self.cases.head.insertWidget(1, self.all_cases_button)
        self.cases.empty.linkActivated.connect(self._new_case)

    def _wire_transactions(self) -> None:
        # The Workspace's tool bar: the main actions as buttons, the others under More.
        self.transaction_bar = bar = self.transaction_actions.toolbar(
            "collections_transaction_actions"
        )
        # Its own row under the title: beside it, only two actions would fit.
        layout = self.transactions.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, bar)
        self.transaction_actions.attach(self.transactions.view)  # every action, right-click
        self.transactions.view.selectionModel().selectionChanged.connect(
            lambda *_args: self.transaction_actions.update()
        )

    def _wire_activities(self) -> None:
        icons = self.context.icons
        self.activities.view.activated.connect(self._activity_activated)
        self.activities.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.new_activity_action = QAction(icons.get("new_activity"), _("New activity"), self)
        self.new_activity_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_activity_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_activity_action.setToolTip(
            _("New activity about this customer, in the chosen case (Ctrl+N)")
        )
        self.new_activity_action.setEnabled(self.activity_actions.may_create)
        self.new_activity_action.triggered.connect(self.new_activity)
        self.addAction(self.new_activity_action)
        self.edit_activity_action = QAction(icons.get("details"), _("Edit…"), self)
        self.edit_activity_action.setToolTip(_("Every field of the activity (Enter)"))
        self.edit_activity_action.triggered.connect(self._edit_activity)
        self.close_activity_action = QAction(icons.get("close_activity"), _("Close"), self)
        self.close_activity_action.triggered.connect(self._close_activities)
        self._add_actions(
            self.activities,
            (
                (self.new_activity_action, "collections_new_activity_button"),
                (self.edit_activity_action, "collections_edit_activity_button"),
                (self.close_activity_action, "collections_close_activity_button"),
            ),
        )
        self.activities.empty.linkActivated.connect(self._empty_link)

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
    def facts(self) -> CustomerFacts | None:
        """The fact boxes' figures on screen (None before a customer is loaded)."""
        return self._view.data.facts if self._view is not None else None

    @property
    def facts_origin(self) -> FactsOrigin | None:
        """What the fact boxes' figures are as of (None before a customer is loaded)."""
        return self.facts_panel.origin

    def activate(self) -> None:
        """The page came on screen: offer the customers to choose from."""
        self.started = True
        if not self.search.offered:
            self.search.search()

    def load(self) -> None:
        """Refresh (F5): read everything of the customer again, keeping the case, with
        the facts aged live (and offer the customers, when none is on screen)."""
        if self._customer_id is None:
            self.search.search()
        # With a customer on screen the box holds their label, and a search would pop the
        # completer open on it; the box searches afresh as soon as something is typed.
        if self._customer_id is not None:
            self.show_customer(self._customer_id, self.case_id, live=FactsOrigin.REFRESHED)

    def show_customer(
        self,
        customer_id: uuid.UUID,
        case_id: uuid.UUID | None = None,
        *,
        live: FactsOrigin | None = None,
    ) -> None:
        """Load ``customer_id``, filtered by ``case_id`` once loaded (None: all cases).

        The facts are aged live when ``live`` says why, or when the customer was changed
        on this page; else they are the newest snapshot's.
        """
        self._customer_id = customer_id
        self._wanted_case = case_id
        if live is None and customer_id in self.changed_customers:
            live = FactsOrigin.CHANGED
        context = self.context
        scope, database, as_of = context.scope, context.database, context.clock.today()
        columns = (
            self.cases.model.columns,
            self.transactions.model.columns,
            self.activities.model.columns,
        )
        self.query(
            lambda state: load_collections(
                database,
                state,
                scope=scope,
                customer_id=customer_id,
                as_of=as_of,
                columns=columns,
                live=live,
            ),
            self._loaded,
            failure=self._failed,
            name="collections customer",
        )

    def show_case(self, case_id: uuid.UUID | None) -> bool:
        """Filter by ``case_id`` (None: all cases); False when the customer has no such case."""
        if case_id is None:
            self.show_all_cases()
            return True
        return self.vertical.select_case(case_id)

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
        chosen: ListGrid[Any] = self.transactions
        for grid in (self.cases, self.transactions, self.activities):
            if focus is not None and grid.isAncestorOf(focus):
                chosen = grid
        chosen.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        chosen.filter.selectAll()

    def save_state(self) -> PageState:
        """The splitters' positions and the three grids' columns."""
        return {
            "splitter": bytes(self.splitter.saveState().data()),
            "vertical": bytes(self.vertical.saveState().data()),
            **{key: header_state(grid) for key, grid in self._grids().items()},
        }

    def restore_state(self, state: PageState) -> None:
        """Put the splitters and columns back as ``save_state`` left them."""
        for key, splitter in (("splitter", self.splitter), ("vertical", self.vertical)):
            if key in state:
                splitter.restoreState(QByteArray(state[key]))
        for key, grid in self._grids().items():
            restore_header(grid, state.get(key))

    def _grids(self) -> dict[str, ListGrid[Any]]:
        """The grids whose columns are kept between sessions, by their state's key."""
        return {
            "cases": self.cases,
            "transactions": self.transactions,
            "activities": self.activities,
        }

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, loaded: tuple[CollectionsView, FactsOrigin]) -> None:
        view, origin = loaded
        self._view = view
        self.transaction_actions.update()
        data = view.data
        self.error.hide()
        self.search.show_label(_label(data.customer.account, data.customer.name))
        self.vertical.show_rows(view)
        self.facts_panel.show_facts(data.facts, origin)
        self.body.setCurrentIndex(1)
        wanted, self._wanted_case = self._wanted_case, None
        if wanted is None or not self.show_case(wanted):
            self.cases.view.clearSelection()
            self._apply_case(None)
        status = _("{account} {name} · {cases} · figures of {date}").format(
            account=data.customer.account,
            name=data.customer.name,
            cases=self.cases.title.text(),
            date=self.context.formats.date(self.context.clock.today()),
        )
        if self._note:
            status, self._note = f"{self._note} · {status}", ""
        self.set_status(status)
        self.loaded.emit(data)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ScopeError):
            message = str(error)
        else:
            message = _("The customer could not be read: {reason}").format(reason=error)
        self.error.setText(message)
        self.error.show()
        self.set_status(message)

    def _written(self, note: str) -> None:
        """Something was changed for the customer: read them again, the facts aged live."""
        self._note = note
        self.set_status(note)
        if self._customer_id is not None:
            self.changed_customers.add(self._customer_id)
            self.show_customer(self._customer_id, self.case_id, live=FactsOrigin.CHANGED)

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
        self.vertical.filter_case(case_id)
        self.all_cases_button.setEnabled(case_id is not None)
        self._selection_changed()

    def _empty_link(self, link: str) -> None:
        if link == "new":
            self.new_activity()

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
        self.record_action.setEnabled(self._customer_id is not None)

    def _current_case(self) -> CaseRow | None:
        if self._view is None or self.case_id is None:
            return None
        return next((c for c in self._view.data.cases if c.id == self.case_id), None)

    def _new_case(self, *_args: Any) -> None:
        if self._customer_id is not None:
            self.case_actions.new(self._customer_id)

    def _edit_case(self) -> None:
        if self.case_id is not None:
            self.case_actions.edit(self.case_id)

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

    def _open_record(self) -> None:
        if self._customer_id is not None:
            self.record_requested.emit(self._customer_id)

    def _open_workspace(self) -> None:
        if self._customer_id is not None:
            self.customer_chosen.emit(self._customer_id)


def _label(account: str, name: str) -> str:
    return f"{account} {name}"
