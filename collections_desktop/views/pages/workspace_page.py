"""The Workspace: one customer, everything a collector needs to work the account.

A pool and a searchable customer selector on top. On the left, the written summary with
a small aging chart beside it, and below them what a collector acts on: the open
transactions with their actions, on screen without a click (the disputed, promised and
unsettled ones are the tabs next to it). The customer's timeline on the right; the
people to call and the credit facts at the bottom. Everything of a customer is read by
one interactive read (``models.screens.workspace.load_workspace``) on the read lane, so it
never waits behind a long job; the busy row appears only when that takes a while, and a
newer customer supersedes an older one, so switching customers quickly never shows a
stale account. A big customer's first screen lists the first rows of each grid; the
grids then read on as they are scrolled, sorted in SQL (``TransactionGrid``), while
every open transaction is read for the actions. The collections actions above the open transactions
(``views/actions/transactions.py``: the main ones as buttons, the others under More,
all of them on a right-click) work on the marked rows; after one is written the
customer is read again."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.people.scope import ScopeError
from collections_desktop.models.predict.store import PredictionRun
from collections_desktop.models.screens.customer_card import (
    CustomerCard,
    CustomerOption,
    TransactionRow,
    customer_options,
    disputed_transactions,
    past_due_transactions,
    promised_transactions,
    unsettled_payments,
)
from collections_desktop.models.screens.transaction_pages import (
    PageWanted,
    Tab,
    transaction_page,
)
from collections_desktop.models.screens.workspace import (
    TimelineEntry,
    WorkspaceData,
    load_workspace,
    open_rows,
    timeline,
)
from collections_desktop.models.screens.workspace_texts import (
    EmailDraft,
    call_url,
    mailto_url,
    reminder_email,
    summary_sentences,
)
from collections_desktop.views.actions.mailing import send_template_mail
from collections_desktop.views.actions.records import SHORTCUT as RECORD_SHORTCUT
from collections_desktop.views.actions.records import enter_record, record_actions
from collections_desktop.views.actions.statements import StatementActions
from collections_desktop.views.actions.transactions import ActionContext, TransactionActions
from collections_desktop.views.context import PageContext
from collections_desktop.views.operations import QueryOp, ReadSlot
from collections_desktop.views.pages.base import Page, PageState
from collections_desktop.views.predictions import predict_in_background
from collections_desktop.views.style import heading_font, muted_palette, tabular_font
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.aging_chart import AgingChart
from collections_desktop.views.widgets.contact_panel import ContactPanel
from collections_desktop.views.widgets.customer_search import (
    customer_search_box,
    line_edit,
    offer_options,
)
from collections_desktop.views.widgets.grid import page_button
from collections_desktop.views.widgets.select import select_row
from collections_desktop.views.widgets.timeline import CustomerTimeline
from collections_desktop.views.widgets.transaction_grid import (
    OPEN_ITEM_KEYS,
    PROMISED_KEYS,
    UNSETTLED_KEYS,
    TransactionGrid,
    WindowRead,
    open_item_columns,
    promised_columns,
    unsettled_columns,
)

SEARCH_DELAY_MS = 200
"""Typing pauses this long before the customer search asks the database."""

SUMMARY_MIN_WIDTH = 160
"""The summary's narrowest (a small window): below it the sentences run to too many lines."""

CHART_MAX_WIDTH = 380
"""The small aging chart's widest: more would only lengthen its bars."""


class WorkspacePage(Page):
    """One customer's account: summary, transactions, timeline and contacts."""

    key = "workspace"
    title = N_("Workspace")
    description = N_("One customer: transactions, timeline, contacts")
    busy_text = N_("Loading the customer…")

    document_activated = Signal(str, object)
    """A timeline entry was opened: what it drills to ("transaction"/"activity") and its id."""
    first_shown = Signal(object)
    """The first screen of a customer is on screen (``loaded`` follows with every row)."""

    def __init__(
        self,
        context: PageContext,
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(context, parent)
        self._open_url = open_url
        self._note = ""  # what the last action did, said again after the reload
        self._data: WorkspaceData | None = None
        self._options: dict[str, CustomerOption] = {}
        self._customer_id: uuid.UUID | None = None
        self._searches = ReadSlot(self)
        self.timeline_reads = ReadSlot(self)
        self.rest_reads = ReadSlot(self)
        """The second read of a big customer: every open transaction."""
        self.window_reads = {tab: ReadSlot(self) for tab in Tab}
        """Each big customer's grid's reads of more rows."""
        self._wanted_transaction: uuid.UUID | None = None
        """A transaction asked for (``show_transaction``) while its window reads through it."""
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        outer.setSpacing(6)
        outer.addLayout(self._build_top())

        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy.bar)
        busy_row.addWidget(self.busy.label)
        busy_row.addStretch(1)
        outer.addLayout(busy_row)
        self.error = QLabel()
        self.error.setObjectName("workspace_error")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.error)
        self.error.hide()

        self.body = QStackedWidget()
        self.hint = QLabel(
            _(
                "Choose a customer: type part of an account number or a name in Customer "
                "above, then pick one from the list."
            )
        )
        self.hint.setObjectName("workspace_hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setPalette(muted_palette(self.hint.palette()))
        self.body.addWidget(self.hint)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        self.vertical = QSplitter(Qt.Orientation.Vertical)
        self.vertical.setObjectName("workspace_vertical_splitter")
        self.horizontal = QSplitter(Qt.Orientation.Horizontal)
        self.horizontal.setObjectName("workspace_horizontal_splitter")
        self.horizontal.addWidget(self._build_main())
        self.timeline = CustomerTimeline(context.formats, context.icons)
        self.timeline.entry_activated.connect(self.document_activated)
        self.timeline.older_wanted.connect(self._read_timeline)
        self.horizontal.addWidget(self.timeline)
        # Two thirds for the transactions: at 1366 pixels their columns and the main
        # actions' buttons fit in English, French, Spanish and Portuguese (the headers go
        # on two lines where they are wider than the figures); the timeline has the rest.
        self.horizontal.setStretchFactor(0, 2)
        self.horizontal.setStretchFactor(1, 1)
        self.horizontal.setSizes([680, 340])
        self.contacts = ContactPanel(context.formats, context.icons)
        self.contacts.email_requested.connect(self._email_contact)
        self.contacts.call_requested.connect(self._call_contact)
        self.vertical.addWidget(self.horizontal)
        self.vertical.addWidget(self.contacts)
        self.vertical.setStretchFactor(0, 1)
        self.vertical.setStretchFactor(1, 0)
        self.vertical.setChildrenCollapsible(False)
        self.vertical.setSizes([800, 100])  # the contact panel at its natural height
        content_layout.addWidget(self.vertical)
        self.body.addWidget(content)
        outer.addWidget(self.body, 1)

        self._load_pools()

    # --- building -----------------------------------------------------------------------

    def _build_top(self) -> QHBoxLayout:
        top = QHBoxLayout()
        top.setSpacing(8)
        pool_label = QLabel(_("Pool"))
        self.pool_combo = QComboBox()
        self.pool_combo.setObjectName("pool_combo")
        self.pool_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        pool_label.setBuddy(self.pool_combo)
        customer_label = QLabel(_("Customer"))
        self.customer_combo, self.completer, self._completer_model = customer_search_box(
            "customer_combo", self
        )
        customer_label.setBuddy(self.customer_combo)
        # QCompleter has no textActivated; PySide6's stubs do not type a signal's overloads.
        self.completer.activated[str].connect(self._choose_text)  # type: ignore[index]
        self.customer_combo.activated.connect(self._choose_index)
        line_edit(self.customer_combo).textEdited.connect(lambda _text: self._search_timer.start())
        self.pool_combo.currentIndexChanged.connect(lambda _i: self._search())

        self.risk = QLabel()
        self.risk.setObjectName("risk_flag")
        self.risk.setFont(tabular_font(self.font(), 1, bold=True))
        self.risk.setToolTip(
            _(
                "Risk score, 0 (no sign of trouble) to 100 (act now): days late, share paid "
                "late, disputes, credit use and broken promises."
            )
        )
        self.on_hold = QLabel()
        self.on_hold.setObjectName("on_hold_flag")
        self.on_hold_icon = QLabel()
        self.on_hold_icon.setPixmap(self.context.icons.get("on_hold").pixmap(16, 16))
        self.on_hold.setText(_("On hold"))
        self.on_hold.setToolTip(_("The account is on hold: no new sales on credit."))
        self.on_hold.setFont(tabular_font(self.font(), 0, bold=True))
        for widget in (self.risk, self.on_hold, self.on_hold_icon):
            widget.hide()
        self.record_action = QAction(
            self.context.icons.get("customer_record"), _("Customer record…"), self
        )
        self.record_action.setToolTip(
            _("Addresses, contacts, credit limit and status of this customer")
        )
        self.record_action.setEnabled(False)
        self.record_action.triggered.connect(self._open_record)
        self.statement_actions = StatementActions(self.context, self, open_url=self._open_url)
        self.statement_actions.changed.connect(self.set_status)
        self.statement_action = QAction(
            self.context.icons.get("transactions"), _("Account statement…"), self
        )
        self.statement_action.setToolTip(
            _("The customer's statement for a period, as PDF or XLSX: balances, movements, aging")
        )
        self.statement_action.setEnabled(False)
        self.statement_action.triggered.connect(self.account_statement)
        # Enter record…: a call, visit or e-mail about this customer and what came of it.
        self.enter_record_action = QAction(
            self.context.icons.get("enter_record"), _("Enter record…"), self
        )
        self.enter_record_action.setObjectName("enter_record_action")
        self.enter_record_action.setShortcut(QKeySequence(RECORD_SHORTCUT))
        self.enter_record_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.enter_record_action.setToolTip(
            _("Record a call, e-mail or visit with this customer and its result ({key})").format(
                key=RECORD_SHORTCUT
            )
        )
        self.enter_record_action.setEnabled(False)
        self.enter_record_action.triggered.connect(self.enter_record)
        self.addAction(self.enter_record_action)
        self.records = record_actions(self.context, self)
        self.records.changed.connect(self._action_done)
        self.records.refused.connect(self.set_status)

        top.addWidget(pool_label)
        top.addWidget(self.pool_combo)
        top.addSpacing(12)
        top.addWidget(customer_label)
        top.addWidget(self.customer_combo, 1)
        top.addWidget(page_button(self.record_action, "workspace_record_button"))
        top.addWidget(page_button(self.statement_action, "workspace_statement_button"))
        top.addWidget(page_button(self.enter_record_action, "workspace_enter_record_button"))
        top.addSpacing(12)
        top.addWidget(self.risk)
        top.addSpacing(8)
        top.addWidget(self.on_hold_icon)
        top.addWidget(self.on_hold)
        return top

    def _build_main(self) -> QWidget:
        """The summary beside a small aging chart, the transactions filling the rest."""
        main = QWidget()
        main.setObjectName("workspace_main")
        layout = QVBoxLayout(main)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(6)
        layout.addWidget(self._build_summary())
        layout.addWidget(self._build_tabs(), 1)
        return main

    def _build_summary(self) -> QWidget:
        """The written summary and the reminder buttons, the aged balances on their right."""
        summary_box = QWidget()
        summary_box.setObjectName("summary_box")
        row = QHBoxLayout(summary_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        text_column = QVBoxLayout()
        text_column.setSpacing(4)
        summary_heading = QLabel(_("Summary"))
        summary_heading.setFont(heading_font(self.font()))
        self.summary = QLabel()
        self.summary.setObjectName("summary_text")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setMinimumWidth(SUMMARY_MIN_WIDTH)
        buttons = QHBoxLayout()
        self.reminder_button = QPushButton(
            self.context.icons.get("email"), _("Create reminder e-mail")
        )
        self.reminder_button.setObjectName("reminder_button")
        self.reminder_button.setToolTip(
            _("Opens your e-mail program with a reminder listing the past-due items.")
        )
        self.reminder_button.clicked.connect(self._send_reminder)
        self.copy_button = QPushButton(self.context.icons.get("copy"), _("Copy reminder text"))
        self.copy_button.setObjectName("copy_reminder_button")
        self.copy_button.setToolTip(
            _("Copies the reminder (recipient, subject and text) to the clipboard.")
        )
        self.copy_button.clicked.connect(self._copy_reminder)
        self.template_button = QPushButton(
            self.context.icons.get("email"), _("Send with template…")
        )
        self.template_button.setObjectName("template_mail_button")
        self.template_button.setToolTip(
            _("Sends this customer an e-mail from a template, in their language")
        )
        self.template_button.clicked.connect(self._send_with_template)
        self.template_button.setEnabled(False)
        buttons.addWidget(self.reminder_button)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.template_button)
        buttons.addStretch(1)
        text_column.addWidget(summary_heading)
        text_column.addWidget(self.summary)
        text_column.addLayout(buttons)
        text_column.addStretch(1)
        # A few lines high, titled "Aged balances (EUR)" by itself.
        self.chart = AgingChart(self.context.formats)
        self.chart.setMaximumWidth(CHART_MAX_WIDTH)
        row.addLayout(text_column, 3)
        row.addWidget(self.chart, 2)
        return summary_box

    def _build_tabs(self) -> QTabWidget:
        """The open transactions with their actions first; disputed, promised, unsettled."""
        self.tabs = QTabWidget()
        self.tabs.setObjectName("workspace_tabs")
        self.tabs.setDocumentMode(True)

        # Open transactions: the actions bar above the grid works on the marked rows.
        formats = self.context.formats
        self.open_page = open_page = QWidget()
        open_layout = QVBoxLayout(open_page)
        open_layout.setContentsMargins(0, 2, 0, 0)
        open_layout.setSpacing(0)
        self.transaction_actions = TransactionActions(
            self.context,
            self,
            target=self.action_context,
            pool=lambda: (self.pool_id, self.pool_combo.currentText()),
            open_url=self._open_url,
        )
        self.transaction_actions.changed.connect(self._action_done)
        self.transaction_actions.refused.connect(self.set_status)
        # The main actions as buttons, the others under More; every one on a right-click.
        self.action_bar = self.transaction_actions.toolbar("transaction_actions")
        self.open_grid = TransactionGrid(
            "open",
            open_item_columns(formats),
            OPEN_ITEM_KEYS,
            _("Nothing is open on this account."),
        )
        self.open_grid.sort_by(4)
        self.open_grid.view.selectionModel().selectionChanged.connect(
            lambda *_args: self.transaction_actions.update()
        )
        self.transaction_actions.attach(self.open_grid.view)
        self.predict_action = QAction(
            self.context.icons.get("predict"), _("Predict pay dates"), self
        )
        self.predict_action.setObjectName("predict_action")
        self.predict_action.setToolTip(
            _(
                "Predict pay dates: when this customer's open invoices will be paid, from "
                "the company's settled history (each snapshot predicts its customers)"
            )
        )
        self.predict_action.setEnabled(False)
        self.predict_action.triggered.connect(self.predict_pay_dates)
        open_layout.addWidget(self.action_bar)
        open_layout.addWidget(self.open_grid, 1)
        self.tabs.addTab(open_page, _("Open transactions"))

        self.disputed_grid = TransactionGrid(
            "disputed",
            open_item_columns(formats),
            OPEN_ITEM_KEYS,
            _("No item of this customer is disputed."),
        )
        self.disputed_grid.sort_by(4)
        self.tabs.addTab(self.disputed_grid, _("Disputed"))
        self.promised_grid = TransactionGrid(
            "promised",
            promised_columns(formats),
            PROMISED_KEYS,
            _("No promise to pay is open for this customer."),
        )
        self.promised_grid.sort_by(4)
        self.tabs.addTab(self.promised_grid, _("Promised to pay"))
        self.unsettled_grid = TransactionGrid(
            "unsettled",
            unsettled_columns(formats),
            UNSETTLED_KEYS,
            _("Every payment and credit note of this customer is fully applied."),
        )
        self.unsettled_grid.sort_by(3)
        self.tabs.addTab(self.unsettled_grid, _("Unsettled payments"))
        for tab, grid in self.grids.items():
            grid.model.rows_wanted.connect(
                lambda read, tab=tab, grid=grid: self._read_window(tab, grid, read)
            )
        # Beside the tabs, its icon only (the tooltip names it): the tabs keep their room
        # and the action bar its buttons in every language.
        predict = page_button(self.predict_action, "workspace_predict_button")
        predict.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        predict.setAutoRaise(True)
        self.tabs.setCornerWidget(predict, Qt.Corner.TopRightCorner)
        return self.tabs

    # --- public -------------------------------------------------------------------------

    @property
    def grids(self) -> dict[Tab, TransactionGrid]:
        """The grid of each tab."""
        return {
            Tab.OPEN: self.open_grid,
            Tab.DISPUTED: self.disputed_grid,
            Tab.PROMISED: self.promised_grid,
            Tab.UNSETTLED: self.unsettled_grid,
        }

    @property
    def data(self) -> WorkspaceData | None:
        """What is on screen (``None`` before a customer is loaded or after a failure)."""
        return self._data

    @property
    def is_loading(self) -> bool:
        """Whether the customer is being read (its first screen, or the rest of its rows)."""
        return self.reads.is_loading or self.rest_reads.is_loading

    @property
    def pool_id(self) -> uuid.UUID | None:
        """The pool chosen on top (``None``: all the agent's customers)."""
        chosen = self.pool_combo.currentData()
        return uuid.UUID(chosen) if chosen else None

    def load(self) -> None:
        """Read the customer on screen again for today's date, and the selector's list."""
        if self._customer_id is not None:
            self._read_customer(self._customer_id)
        self._search()

    def show_customer(self, customer_id: uuid.UUID) -> None:
        """Load and show ``customer_id``; a later call supersedes this one."""
        self._customer_id = customer_id
        self._read_customer(customer_id)
        if not self.started:  # asked for before the page was shown: its list too
            self.started = True
            self._search()

    def action_context(self) -> ActionContext | None:
        """The loaded customer, its open transactions and the rows marked in the grid
        (None until every open transaction is read: the actions work on all of them)."""
        data = self._data
        if data is None or not data.complete:
            return None
        return ActionContext(
            customer_id=data.card.customer_id,
            label=_label(data.card),
            accounting_currency=data.card.accounting_currency,
            rows=data.transactions,
            selected=self.open_grid.marked(),
        )

    def enter_record(self) -> None:
        """Enter record… for the customer on screen (Ctrl+Shift+K)."""
        if self._data is not None:
            enter_record(self.context, self, [self._data.card.account])

    def show_transaction(self, transaction_id: uuid.UUID) -> bool:
        """Select an open transaction in the Open transactions tab; False when it is settled.

        In a big customer's grid, a row not read yet is read through, then selected
        (True is answered then; nothing is selected if it was settled meanwhile)."""
        model = self.open_grid.model
        for row in range(model.rowCount()):
            if model.row(model.index(row, 0)).id == transaction_id:
                self.tabs.setCurrentWidget(self.open_page)
                select_row(self.open_grid.view, row)
                self.open_grid.view.setFocus()
                self._wanted_transaction = None
                return True
        if model.window is None or model.rowCount() >= model.window:
            return False
        self._wanted_transaction = transaction_id
        model.read_more(through=transaction_id)
        return True

    def timeline_entries(self) -> list[TimelineEntry]:
        """The entries the timeline shows, top to bottom (after the type filter)."""
        return self.timeline.shown()

    def save_state(self) -> PageState:
        """The two splitters' positions."""
        return {
            "horizontal": bytes(self.horizontal.saveState().data()),
            "vertical": bytes(self.vertical.saveState().data()),
        }

    def restore_state(self, state: PageState) -> None:
        """Put the splitters back as ``save_state`` left them; damaged entries are ignored."""
        for name, splitter in (("horizontal", self.horizontal), ("vertical", self.vertical)):
            saved = state.get(name)
            if saved:
                splitter.restoreState(QByteArray(saved))

    # --- pool and customer selector -----------------------------------------------------

    def _load_pools(self) -> None:
        scope = self.context.scope
        pools = sorted(scope.pool_names.items(), key=lambda item: item[1].casefold())
        self.pool_combo.blockSignals(True)
        if scope.may_view_all_pools or len(pools) > 1:
            self.pool_combo.addItem(_("All my customers"), "")
        for pool_id, name in pools:
            self.pool_combo.addItem(name, pool_id.hex)
        default = self.pool_combo.findData(
            scope.default_pool_id.hex if scope.default_pool_id else ""
        )
        self.pool_combo.setCurrentIndex(max(default, 0))
        self.pool_combo.blockSignals(False)

    def _search(self) -> None:
        text = self.customer_combo.currentText()
        if self._data is not None and text == _label(self._data.card):
            text = ""  # the customer on screen: offer the whole list, not just them
        context = self.context
        database, scope, pool_id, as_of = (
            context.database,
            context.scope,
            self.pool_id,
            context.clock.today(),
        )

        def find(_state: TaskState) -> tuple[CustomerOption, ...]:
            with database.sessions() as session:
                return customer_options(session, scope, pool_id=pool_id, as_of=as_of, search=text)

        QueryOp(
            find,
            self._offer,
            "workspace customer search",
            failure=lambda error: self.set_status(
                _("The customer list could not be read: {reason}").format(reason=error)
            ),
        ).run(context.runner, self._searches)

    def _offer(self, options: tuple[CustomerOption, ...]) -> None:
        self._options = offer_options(
            self.customer_combo, self.completer, self._completer_model, options
        )

    def _choose_text(self, text: str) -> None:
        option = self._options.get(text)
        if option is not None:
            self.show_customer(option.id)

    def _choose_index(self, index: int) -> None:
        customer_id = self.customer_combo.itemData(index)
        if customer_id:
            self.show_customer(uuid.UUID(customer_id))

    # --- loading ------------------------------------------------------------------------

    def _read_customer(self, customer_id: uuid.UUID) -> None:
        context = self.context
        database, scope, pool_id, formats, as_of = (
            context.database,
            context.scope,
            self.pool_id,
            context.formats,
            context.clock.today(),
        )

        pages = self._wanted_pages()

        def read(_state: TaskState) -> WorkspaceData:
            with database.sessions() as session:
                return load_workspace(
                    session, scope, customer_id, as_of,
                    pool_id=pool_id, formats=formats, pages=pages,
                )  # fmt: skip

        self.query(read, self._show, name="workspace customer", failure=self._show_failure)

    def _wanted_pages(self) -> dict[Tab, PageWanted]:
        """What each grid's first rows are, in its sort, if the customer is big."""
        wanted = {}
        for tab, grid in self.grids.items():
            header = grid.view.horizontalHeader()
            column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
            descending = order == Qt.SortOrder.DescendingOrder
            wanted[tab] = PageWanted(tab, grid.keys[column], descending)
        return wanted

    def _read_window(self, tab: Tab, grid: TransactionGrid, wanted: WindowRead) -> None:
        """Read the rows a big customer's grid asks for (scrolled to, or sorted anew)."""
        customer_id = self._customer_id
        if customer_id is None:
            return
        context = self.context
        database, scope, as_of = context.database, context.scope, context.clock.today()
        page = PageWanted(
            tab, grid.keys[wanted.column], wanted.order == Qt.SortOrder.DescendingOrder
        )

        def read(_state: TaskState) -> tuple[TransactionRow, ...]:
            with database.sessions() as session:
                return transaction_page(
                    session, scope, customer_id, as_of, page,
                    offset=wanted.offset, through=wanted.through,
                )  # fmt: skip

        def show(rows: tuple[TransactionRow, ...]) -> None:
            if self._customer_id != customer_id:
                return
            grid.model.add_rows(wanted, rows)
            if wanted.through is not None and wanted.through == self._wanted_transaction:
                self._wanted_transaction = None
                self.show_transaction(wanted.through)

        def failed(error: BaseException) -> None:
            grid.model.read_failed(wanted)
            self.set_status(_("The rows could not be read: {reason}").format(reason=error))

        self.query(read, show, name="workspace rows", failure=failed, slot=self.window_reads[tab])

    def _read_rest(self, customer_id: uuid.UUID) -> None:
        """Read every open transaction of the big customer on screen, for the actions and
        the reminder (its grids read their rows as they are scrolled)."""
        context = self.context
        database, scope, as_of = context.database, context.scope, context.clock.today()

        def read(_state: TaskState) -> tuple[TransactionRow, ...]:
            with database.sessions() as session:
                return open_rows(session, scope, customer_id, as_of)

        def show(rows: tuple[TransactionRow, ...]) -> None:
            data = self._data
            if data is not None and data.card.customer_id == customer_id:
                self._show_actions(replace(data, transactions=rows, complete=True))

        self.query(
            read, show, name="workspace transactions", failure=self._show_failure,
            slot=self.rest_reads,
        )  # fmt: skip

    def _read_timeline(self, kind: str | None, count: int) -> None:
        """Read the newest ``count`` timeline entries of ``kind`` (None: of every kind),
        for the entries the timeline lists beyond those it holds."""
        customer_id = self._customer_id
        if customer_id is None:
            return
        context = self.context
        database, scope, formats, as_of = (
            context.database, context.scope, context.formats, context.clock.today()
        )  # fmt: skip
        kinds = None if kind is None else [kind]

        def read(_state: TaskState) -> tuple[TimelineEntry, ...]:
            with database.sessions() as session:
                return timeline(
                    session, scope, customer_id, as_of, kinds=kinds, formats=formats, limit=count
                )

        def show(entries: tuple[TimelineEntry, ...]) -> None:
            if self._customer_id == customer_id:
                complete = len(entries) < count
                self.timeline.set_entries(entries, complete=complete, kind=kind, answer=True)

        self.query(read, show, name="workspace timeline", slot=self.timeline_reads)

    def _show_failure(self, error: BaseException) -> None:
        if isinstance(error, ScopeError):
            message = str(error)
        else:
            message = _("The customer could not be read: {reason}").format(reason=error)
        self.error.setText(message)
        self.error.show()
        self.set_status(message)

    def _show(self, data: WorkspaceData) -> None:
        self.error.hide()
        self._data = data
        self.record_action.setEnabled(True)
        self.statement_action.setEnabled(True)
        self.template_button.setEnabled(True)
        self.enter_record_action.setEnabled(True)
        self.predict_action.setEnabled(not self.context.database.read_only)
        card = data.card
        fmt = self.context.formats
        combo = self.customer_combo
        combo.blockSignals(True)
        combo.setEditText(_label(card))
        combo.blockSignals(False)
        self.risk.setText(_("Risk {score}").format(score=card.risk_score))
        self.risk.show()
        self.on_hold.setVisible(card.on_hold)
        self.on_hold_icon.setVisible(card.on_hold)

        self.summary.setText(" ".join(summary_sentences(card, fmt, data.expected_late)))
        self.chart.set_aging(data.aging_labels, data.aging_columns, card.accounting_currency)
        self.timeline.set_entries(data.timeline, complete=data.timeline_complete)
        self.contacts.show_card(card, self.context.call_method())
        self.body.setCurrentIndex(1)
        loaded = _("{account} {name} · figures on {date}").format(
            account=card.account, name=card.name, date=fmt.date(card.as_of)
        )
        self.set_status(f"{self._note} · {loaded}" if self._note else loaded)
        self._note = ""
        self._show_rows(data)
        self._show_actions(data)
        self.first_shown.emit(data)
        if not data.complete:
            self._read_rest(card.customer_id)

    def _show_rows(self, data: WorkspaceData) -> None:
        """The grids: every row of a small customer; a big one's first rows, as windows."""
        if data.pages is None:
            rows = data.transactions
            self.open_grid.set_rows(rows)
            self.disputed_grid.set_rows(disputed_transactions(rows))
            self.promised_grid.set_rows(promised_transactions(rows))
            self.unsettled_grid.set_rows(unsettled_payments(rows))
        else:
            assert data.counts is not None  # read with the pages
            totals = {
                Tab.OPEN: data.counts.open,
                Tab.DISPUTED: data.counts.disputed,
                Tab.PROMISED: data.counts.promised,
                Tab.UNSETTLED: data.counts.unsettled,
            }
            for tab, grid in self.grids.items():
                grid.set_window(data.pages[tab], totals[tab], data.currency)
        self._set_tab_counts(data)

    def _show_actions(self, data: WorkspaceData) -> None:
        """What needs every open transaction: the reminder and the actions (a big
        customer's are read after its first screen)."""
        self._data = data
        rows = data.transactions
        has_past_due = data.complete and bool(past_due_transactions(rows))
        for button in (self.reminder_button, self.copy_button):
            button.setEnabled(has_past_due)
        if not data.complete:
            self.reminder_button.setToolTip(_("Reading the customer's open transactions…"))
        elif not has_past_due:
            self.reminder_button.setToolTip(_("Nothing is past due: there is nothing to remind."))
        else:
            self.reminder_button.setToolTip(
                _("Opens your e-mail program with a reminder listing the past-due items.")
            )
        self.transaction_actions.update()
        if data.complete:
            self.loaded.emit(data)

    def predict_pay_dates(self) -> None:
        """Predict this customer's open invoices now (``views/predictions``), then read
        the customer again."""
        customer_id = self._customer_id
        if customer_id is None:
            return
        context = self.context
        self.predict_action.setEnabled(False)
        self.set_status(_("Predicting pay dates…"))

        def done(run: PredictionRun) -> None:
            self._action_done(
                ngettext(
                    "Pay date predicted for {count} open invoice.",
                    "Pay dates predicted for {count} open invoices.",
                    run.predicted,
                ).format(count=context.formats.count(run.predicted))
            )

        def refused(message: str) -> None:
            self.predict_action.setEnabled(True)
            self.set_status(message)

        predict_in_background(
            context, context.clock.today(), done, refused, customer_ids=[customer_id]
        )

    def _action_done(self, message: str) -> None:
        """An action was written: read the customer again, then say what was done."""
        self._note = message
        self.set_status(message)
        if self._customer_id is not None:
            self._read_customer(self._customer_id)

    def _set_tab_counts(self, data: WorkspaceData) -> None:
        """Each tab's title with its count: of every row, also while the first are listed."""
        counts = data.counts
        for index, (grid, title, whole) in enumerate(
            (
                (self.open_grid, _("Open transactions"), counts.open if counts else None),
                (self.disputed_grid, _("Disputed"), counts.disputed if counts else None),
                (self.promised_grid, _("Promised to pay"), counts.promised if counts else None),
                (
                    self.unsettled_grid,
                    _("Unsettled payments"),
                    counts.unsettled if counts else None,
                ),
            ),
        ):
            count = grid.model.rowCount() if whole is None else whole
            self.tabs.setTabText(index, f"{title} ({self.context.formats.count(count)})")

    # --- e-mail and calls ---------------------------------------------------------------

    def _open(self, url: str) -> bool:
        return bool(self._open_url(QUrl(url, QUrl.ParsingMode.StrictMode)))

    def _reminder(self) -> EmailDraft | None:
        data = self._data
        if data is None:
            return None
        return reminder_email(
            data.card, data.transactions, data.company_name, data.customer_language
        )

    def account_statement(self) -> None:
        """Open the Account statement dialog of the customer shown."""
        if self._data is not None:
            card = self._data.card
            self.statement_actions.open_dialog(card.customer_id, _label(card))

    def _open_record(self) -> None:
        if self._data is not None:
            self.record_requested.emit(self._data.card.customer_id)

    def _send_reminder(self) -> None:
        draft = self._reminder()
        if draft is None:
            return
        if self._open(mailto_url(draft)):
            self.set_status(_("The reminder is open in your e-mail program."))
        else:
            self._copy_reminder()
            self.set_status(
                _("No e-mail program answered; the reminder was copied to the clipboard instead.")
            )

    def _send_with_template(self) -> None:
        if self._data is not None:
            send_template_mail(self.context, self, [self._data.card.account])

    def _copy_reminder(self) -> None:
        draft = self._reminder()
        if draft is None:
            return
        text = _("To: {to}\nSubject: {subject}\n\n{body}").format(
            to=draft.to, subject=draft.subject, body=draft.body
        )
        QGuiApplication.clipboard().setText(text)
        self.set_status(_("The reminder was copied to the clipboard."))

    def _email_contact(self, email: str) -> None:
        if not self._open(mailto_url(EmailDraft(email, "", ""))):
            self.set_status(_("No e-mail program answered."))

    def _call_contact(self, phone: str) -> None:
        if not self._open(call_url(phone, self.context.call_method())):
            self.set_status(_("No program answered the call."))


def _label(card: CustomerCard) -> str:
    return f"{card.account} {card.name}"
