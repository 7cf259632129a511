"""The Workspace: one customer, everything a collector needs to work the account.

A pool and a searchable customer selector on top; tabs on the left (a written summary
with the aging chart, the open transactions and the disputed, promised and unsettled
ones); the customer's timeline on the right; the people to call and the credit facts
at the bottom. Everything of a customer is read by one task on the database lane
(``models.screens.workspace.load_workspace``); a busy row appears only when that takes longer
than ``BUSY_DELAY_MS``, and a newer request supersedes an older one, so switching
customers quickly never shows a stale account. The collections actions above the open
transactions (``views/transaction_actions.py``) work on the marked rows; after one is
written the customer is read again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QDataStream,
    QIODevice,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.i18n import N_, _
from collections_desktop.models.actions.status import status_name
from collections_desktop.models.people.scope import ScopeError
from collections_desktop.models.screens.customer_card import (
    ContactInfo,
    CustomerCard,
    CustomerOption,
    TransactionRow,
    customer_options,
    disputed_transactions,
    past_due_transactions,
    promised_transactions,
    unsettled_payments,
)
from collections_desktop.models.screens.workspace import (
    TimelineEntry,
    TimelineKind,
    WorkspaceData,
    load_workspace,
    type_name,
)
from collections_desktop.models.screens.workspace_texts import (
    EmailDraft,
    call_url,
    mailto_url,
    reminder_email,
    summary_sentences,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.itemmodels.rows import Column, RowTableModel
from collections_desktop.views.style import heading_font, muted_palette, tabular_font
from collections_desktop.views.tasks import Lane, Task
from collections_desktop.views.transaction_actions import ActionContext, TransactionActions
from collections_desktop.views.widgets.aging_chart import AgingChart
from collections_desktop.views.widgets.busy import DelayedBusy
from collections_desktop.views.widgets.customer_search import customer_search_box, offer_options

SEARCH_DELAY_MS = 200
"""Typing pauses this long before the customer search asks the database."""

TIMELINE_FILTERS = (
    (N_("All types"), None),
    (N_("Invoices"), TimelineKind.INVOICE),
    (N_("Payments"), TimelineKind.PAYMENT),
    (N_("Credit notes"), TimelineKind.CREDIT_NOTE),
    (N_("Interest and fees"), TimelineKind.CHARGE),
    (N_("Write-offs and reversals"), TimelineKind.CORRECTION),
    (N_("Activities"), TimelineKind.ACTIVITY),
    (N_("Letters"), TimelineKind.LETTER),
)
"""The timeline's type filter: (label, kind); the labels are translated where shown."""

TIMELINE_ICONS = {
    TimelineKind.INVOICE: "invoice",
    TimelineKind.PAYMENT: "payment",
    TimelineKind.CREDIT_NOTE: "credit_note",
    TimelineKind.ACTIVITY: "activities",
    TimelineKind.LETTER: "letters",
    TimelineKind.CHARGE: "interest",
    TimelineKind.CORRECTION: "write_off",
}


class GridTab(QWidget):
    """A grid of transaction rows, or a sentence saying there are none."""

    def __init__(self, name: str, columns: Sequence[Column[TransactionRow]], empty: str) -> None:
        super().__init__()
        self.setObjectName(f"{name}_tab")
        self.model: RowTableModel[TransactionRow] = RowTableModel(columns, self)
        self.view = QTableView()
        self.view.setObjectName(f"{name}_grid")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.setFont(tabular_font(self.view.font()))
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.view.fontMetrics().height() + 8)  # dense, readable
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.empty = QLabel(empty)
        self.empty.setObjectName(f"{name}_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setPalette(muted_palette(self.empty.palette()))
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 4, 0, 0)
        self.layout_.addWidget(self.view, 1)
        self.layout_.addWidget(self.empty, 1)
        self.empty.hide()

    def sort_by(self, column: int) -> None:
        """Sort ascending on ``column`` and let the user click headers from then on."""
        self.view.horizontalHeader().setSortIndicator(column, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)

    def set_rows(self, rows: Sequence[TransactionRow]) -> None:
        self.model.set_rows(rows)
        self.view.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if rows:
            self.view.resizeColumnsToContents()


class WorkspacePage(QWidget):
    """One customer's account: summary, transactions, timeline and contacts."""

    busy_changed = Signal(bool)
    """The busy row appeared (a load is taking a while) or went away."""
    status_changed = Signal(str)
    """A message for the status bar (what was loaded, copied, or went wrong)."""
    customer_loaded = Signal(object)
    """The ``WorkspaceData`` now on screen."""
    document_activated = Signal(str, object)
    """A timeline entry was opened: what it drills to ("transaction"/"activity") and its id."""

    def __init__(
        self,
        context: PageContext,
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workspace_page")
        self.context = context
        self._runner = context.runner
        self._database = context.database
        self._scope = context.scope
        self._today = context.clock.today
        self._formats = context.formats
        self._icons = context.icons
        self._call_method = context.call_method
        self._open_url = open_url
        self._employee_id = context.employee_id
        self._now = context.clock.now
        self._note = ""  # what the last action did, said again after the reload
        self._data: WorkspaceData | None = None
        self._shown_entries: list[TimelineEntry] = []
        self._task: Task | None = None
        self._search_task: Task | None = None
        self._options: dict[str, CustomerOption] = {}
        self._customer_id: uuid.UUID | None = None
        self._busy = DelayedBusy("workspace_busy", _("Loading the customer…"), self)
        self._busy.changed.connect(self.busy_changed)
        self.busy, self.busy_label = self._busy.bar, self._busy.label
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        outer.setSpacing(6)
        outer.addLayout(self._build_top())

        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy)
        busy_row.addWidget(self.busy_label)
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
        self.horizontal.addWidget(self._build_tabs())
        self.horizontal.addWidget(self._build_timeline())
        self.horizontal.setStretchFactor(0, 3)
        self.horizontal.setStretchFactor(1, 2)
        self.horizontal.setSizes([600, 400])  # the timeline's titles need room
        self.vertical.addWidget(self.horizontal)
        self.vertical.addWidget(self._build_contacts())
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
        self.completer.activated[str].connect(self._choose_text)
        self.customer_combo.activated.connect(self._choose_index)
        self.customer_combo.lineEdit().textEdited.connect(lambda _text: self._search_timer.start())
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
        self.on_hold_icon.setPixmap(self._icons.get("on_hold").pixmap(16, 16))
        self.on_hold.setText(_("On hold"))
        self.on_hold.setToolTip(_("The account is on hold: no new sales on credit."))
        self.on_hold.setFont(tabular_font(self.font(), 0, bold=True))
        for widget in (self.risk, self.on_hold, self.on_hold_icon):
            widget.hide()

        top.addWidget(pool_label)
        top.addWidget(self.pool_combo)
        top.addSpacing(12)
        top.addWidget(customer_label)
        top.addWidget(self.customer_combo, 1)
        top.addSpacing(12)
        top.addWidget(self.risk)
        top.addSpacing(8)
        top.addWidget(self.on_hold_icon)
        top.addWidget(self.on_hold)
        return top

    def _money_column(self, header: str, value: Callable[[TransactionRow], Any]) -> Column:
        return Column(header, value, self._formats.amount)

    def _date_column(self, header: str, value: Callable[[TransactionRow], Any]) -> Column:
        return Column(header, value, self._formats.date)

    def _base_columns(self) -> list[Column[TransactionRow]]:
        return [
            Column(_("Document"), lambda r: r.document_number),
            Column(_("Voucher"), lambda r: r.voucher),
            Column(_("Type"), lambda r: type_name(r.type)),
            self._date_column(_("Posted"), lambda r: r.posting_date),
            self._date_column(_("Due"), lambda r: r.due_date),
            Column(
                _("Days overdue"),
                lambda r: r.days_overdue or None,
                self._formats.count,
                tooltip=lambda r: _("Due on {date}").format(
                    date=self._formats.date(r.due_date, "long")
                ),
            ),
            self._money_column(_("Amount"), lambda r: r.amount),
            self._money_column(_("Open"), lambda r: r.open_amount),
            Column(_("Currency"), lambda r: r.currency),
            Column(_("Collection status"), lambda r: status_name(r.collection_status) or None),
        ]

    def _build_tabs(self) -> QTabWidget:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("workspace_tabs")
        self.tabs.setDocumentMode(True)

        overview = QWidget()
        overview.setObjectName("overview_tab")
        layout = QVBoxLayout(overview)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        summary_heading = QLabel(_("Summary"))
        summary_heading.setFont(heading_font(self.font()))
        self.summary = QLabel()
        self.summary.setObjectName("summary_text")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        buttons = QHBoxLayout()
        self.reminder_button = QPushButton(self._icons.get("email"), _("Create reminder e-mail"))
        self.reminder_button.setObjectName("reminder_button")
        self.reminder_button.setToolTip(
            _("Opens your e-mail program with a reminder listing the past-due items.")
        )
        self.reminder_button.clicked.connect(self._send_reminder)
        self.copy_button = QPushButton(self._icons.get("copy"), _("Copy reminder text"))
        self.copy_button.setObjectName("copy_reminder_button")
        self.copy_button.setToolTip(
            _("Copies the reminder (recipient, subject and text) to the clipboard.")
        )
        self.copy_button.clicked.connect(self._copy_reminder)
        buttons.addWidget(self.reminder_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        self.chart = AgingChart(self._formats)  # titled "Aged balances (EUR)" by itself
        self.chart.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(summary_heading)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addSpacing(6)
        layout.addWidget(self.chart, 1)
        self.tabs.addTab(overview, _("Overview"))

        # Open transactions: the actions bar above the grid works on the marked rows.
        open_page = QWidget()
        open_layout = QVBoxLayout(open_page)
        open_layout.setContentsMargins(0, 4, 0, 0)
        self.actions = TransactionActions(
            self,
            runner=self._runner,
            database=self._database,
            scope=self._scope,
            employee_id=self._employee_id,
            today=self._today,
            now=self._now,
            formats=self._formats,
            icons=self._icons,
            context=self.action_context,
        )
        self.actions.open_url = self._open_url
        self.actions.pool = lambda: (self.pool_id, self.pool_combo.currentText())
        self.actions.done.connect(self._action_done)
        self.actions.failed.connect(self.status_changed)
        # A tool bar: what does not fit the width folds into its » menu.
        actions = QToolBar()
        actions.setObjectName("transaction_actions")
        actions.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        actions.setIconSize(self._icons.get("settle").actualSize(QSize(18, 18)))
        for action in self.actions.actions.values():
            actions.addAction(action)
        self.action_buttons = [actions.widgetForAction(a) for a in self.actions.actions.values()]
        self.open_grid = GridTab(
            "open", self._base_columns(), _("Nothing is open on this account.")
        )
        self.open_grid.sort_by(4)
        self.open_grid.view.selectionModel().selectionChanged.connect(
            lambda *_args: self.actions.update()
        )
        open_layout.addWidget(actions)
        open_layout.addWidget(self.open_grid, 1)
        self.tabs.addTab(open_page, _("Open transactions"))

        self.disputed_grid = GridTab(
            "disputed", self._base_columns(), _("No item of this customer is disputed.")
        )
        self.disputed_grid.sort_by(4)
        self.tabs.addTab(self.disputed_grid, _("Disputed"))

        promised_columns = [
            *self._base_columns()[:-1],
            self._date_column(_("Promised date"), lambda r: r.promise_date),
            self._money_column(_("Promised amount"), lambda r: r.promise_amount),
        ]
        self.promised_grid = GridTab(
            "promised", promised_columns, _("No promise to pay is open for this customer.")
        )
        self.promised_grid.sort_by(4)
        self.tabs.addTab(self.promised_grid, _("Promised to pay"))

        unsettled_columns = [
            Column(_("Document"), lambda r: r.document_number),
            Column(_("Voucher"), lambda r: r.voucher),
            Column(_("Type"), lambda r: type_name(r.type)),
            self._date_column(_("Posted"), lambda r: r.posting_date),
            self._money_column(_("Amount"), lambda r: r.amount),
            self._money_column(_("Open"), lambda r: r.open_amount),
            Column(_("Currency"), lambda r: r.currency),
        ]
        self.unsettled_grid = GridTab(
            "unsettled",
            unsettled_columns,
            _("Every payment and credit note of this customer is fully applied."),
        )
        self.unsettled_grid.sort_by(3)
        self.tabs.addTab(self.unsettled_grid, _("Unsettled payments"))
        return self.tabs

    def _build_timeline(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(6, 4, 0, 0)
        head = QHBoxLayout()
        title = QLabel(_("Customer timeline"))
        title.setFont(heading_font(self.font()))
        self.timeline_filter = QComboBox()
        self.timeline_filter.setObjectName("timeline_filter")
        # Item data are plain text, never Python objects: PySide6 has been seen to drop
        # references to objects kept in Qt's variants ("deallocating None" much later).
        for label, kind in TIMELINE_FILTERS:
            self.timeline_filter.addItem(_(label), kind or "")
        self.timeline_filter.currentIndexChanged.connect(lambda _i: self._fill_timeline())
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.timeline_filter)
        self.timeline = QTreeWidget()
        self.timeline.setObjectName("timeline")
        self.timeline.setRootIsDecorated(False)
        self.timeline.setUniformRowHeights(True)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setHeaderLabels([_("Date"), _("Entry")])
        self.timeline.setFont(tabular_font(self.timeline.font()))
        self.timeline.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.timeline.itemActivated.connect(self._activate_entry)
        self.timeline_empty = QLabel()
        self.timeline_empty.setObjectName("timeline_empty")
        self.timeline_empty.setWordWrap(True)
        self.timeline_empty.setPalette(muted_palette(self.timeline_empty.palette()))
        self.timeline_empty.hide()
        layout.addLayout(head)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.timeline_empty)
        return panel

    def _value_label(self, name: str, *, wrap: bool = False) -> QLabel:
        label = QLabel("—")
        label.setObjectName(name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(wrap)  # a long address wraps instead of widening the window
        return label

    def _build_contacts(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("contact_panel")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(frame)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(1, 1)
        bold = QFont(self.font())
        bold.setBold(True)

        def caption(text: str, row: int) -> None:
            label = QLabel(text)
            label.setFont(bold)
            grid.addWidget(label, row, 0)

        # Row 0: the person to chase, with e-mail and call buttons next to what they use.
        caption(_("Collections contact"), 0)
        line = QHBoxLayout()
        line.setSpacing(6)
        self.contact_name = self._value_label("collections_contact_name")
        self.contact_email = self._value_label("collections_contact_email")
        self.email_button = QToolButton()
        self.email_button.setObjectName("email_button")
        self.email_button.setIcon(self._icons.get("email"))
        self.email_button.setAutoRaise(True)
        self.email_button.clicked.connect(self._email_contact)
        self.contact_phone = self._value_label("collections_contact_phone")
        self.call_button = QToolButton()
        self.call_button.setObjectName("call_button")
        self.call_button.setIcon(self._icons.get("call"))
        self.call_button.setAutoRaise(True)
        self.call_button.clicked.connect(self._call_contact)
        other_caption = QLabel(_("Other contact"))
        other_caption.setFont(bold)
        self.other_contact = self._value_label("other_contact")
        for widget in (self.contact_name, self.contact_email):
            line.addWidget(widget)
        line.addWidget(self.email_button)
        line.addSpacing(8)
        line.addWidget(self.contact_phone)
        line.addWidget(self.call_button)
        line.addSpacing(24)
        line.addWidget(other_caption)
        line.addWidget(self.other_contact, 1)
        grid.addLayout(line, 0, 1)

        caption(_("Organisation"), 1)
        self.organisation = self._value_label("organisation", wrap=True)
        grid.addWidget(self.organisation, 1, 1)
        caption(_("Internal team"), 2)
        self.internal_team = self._value_label("internal_team", wrap=True)
        grid.addWidget(self.internal_team, 2, 1)
        caption(_("Credit"), 3)
        self.credit = self._value_label("credit_facts", wrap=True)
        self.credit.setFont(tabular_font(self.font()))
        grid.addWidget(self.credit, 3, 1)
        return frame

    # --- public -------------------------------------------------------------------------

    @property
    def data(self) -> WorkspaceData | None:
        """What is on screen (``None`` before a customer is loaded or after a failure)."""
        return self._data

    @property
    def is_loading(self) -> bool:
        """Whether a customer is being read."""
        return self._task is not None

    @property
    def is_busy_shown(self) -> bool:
        """Whether the busy row is on screen."""
        return self._busy.shown

    @property
    def pool_id(self) -> uuid.UUID | None:
        """The pool chosen on top (``None``: all the agent's customers)."""
        chosen = self.pool_combo.currentData()
        return uuid.UUID(chosen) if chosen else None

    def show_customer(self, customer_id: uuid.UUID) -> None:
        """Load and show ``customer_id``; a later call supersedes this one."""
        self._customer_id = customer_id
        as_of = self._today()
        scope, pool_id, formats, database = (
            self._scope,
            self.pool_id,
            self._formats,
            self._database,
        )

        def load(_state: Any) -> WorkspaceData:
            with database.sessions() as session:
                return load_workspace(
                    session, scope, customer_id, as_of, pool_id=pool_id, formats=formats
                )

        task = self._runner.run(load, lane=Lane.WRITE, name="workspace customer")
        self._task = task
        task.succeeded.connect(lambda data: self._on_loaded(task, data))
        task.failed.connect(lambda error: self._on_failed(task, error))
        task.cancelled.connect(lambda: self._on_cancelled(task))
        self._busy.start()

    def action_context(self) -> ActionContext | None:
        """The loaded customer, its open transactions and the rows marked in the grid."""
        data = self._data
        if data is None:
            return None
        view = self.open_grid.view
        model = self.open_grid.model
        marked = sorted(index.row() for index in view.selectionModel().selectedRows())
        return ActionContext(
            customer_id=data.card.customer_id,
            label=_label(data.card),
            accounting_currency=data.card.accounting_currency,
            rows=data.transactions,
            selected=tuple(model.row(model.index(row, 0)) for row in marked),
        )

    def refresh(self) -> None:
        """Read the customer again for today's date, and the selector's list (F5)."""
        self._search()
        if self._customer_id is not None:
            self.show_customer(self._customer_id)

    def save_state(self) -> QByteArray:
        """The two splitters' positions, to keep in the settings."""
        state = QByteArray()
        stream = QDataStream(state, QIODevice.OpenModeFlag.WriteOnly)
        stream.writeQString("workspace/1")
        stream << self.horizontal.saveState() << self.vertical.saveState()
        return state

    def restore_state(self, state: QByteArray | bytes | None) -> bool:
        """Put the splitters back as ``save_state`` left them; False for unknown data."""
        stream = QDataStream(QByteArray(state or b""))  # read-only
        if stream.readQString() != "workspace/1" or stream.status() != QDataStream.Status.Ok:
            return False
        horizontal, vertical = QByteArray(), QByteArray()
        stream >> horizontal >> vertical
        return self.horizontal.restoreState(horizontal) and self.vertical.restoreState(vertical)

    # --- pool and customer selector -----------------------------------------------------

    def _load_pools(self) -> None:
        scope = self._scope
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
        self._search()

    def _search(self) -> None:
        text = self.customer_combo.currentText()
        if self._data is not None and text == _label(self._data.card):
            text = ""  # the customer on screen: offer the whole list, not just them
        scope, pool_id, as_of, database = self._scope, self.pool_id, self._today(), self._database

        def find(_state: Any) -> tuple[CustomerOption, ...]:
            with database.sessions() as session:
                return customer_options(session, scope, pool_id=pool_id, as_of=as_of, search=text)

        task = self._runner.run(find, lane=Lane.WRITE, name="workspace customer search")
        self._search_task = task
        task.succeeded.connect(lambda options: self._on_options(task, options))
        task.failed.connect(lambda error: self._on_options_failed(task, error))

    def _on_options(self, task: Task, options: tuple[CustomerOption, ...]) -> None:
        if task is not self._search_task:
            return
        self._search_task = None
        self._options = offer_options(
            self.customer_combo, self.completer, self._completer_model, options
        )

    def _on_options_failed(self, task: Task, error: BaseException) -> None:
        if task is self._search_task:
            self._search_task = None
            self.status_changed.emit(
                _("The customer list could not be read: {reason}").format(reason=error)
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

    def _stop_busy(self) -> None:
        self._busy.stop()

    def _on_cancelled(self, task: Task) -> None:
        if task is self._task:
            self._task = None
            self._stop_busy()

    def _on_failed(self, task: Task, error: BaseException) -> None:
        if task is not self._task:
            return
        self._task = None
        self._stop_busy()
        if isinstance(error, ScopeError):
            message = str(error)
        else:
            message = _("The customer could not be read: {reason}").format(reason=error)
        self.error.setText(message)
        self.error.show()
        self.status_changed.emit(message)

    def _on_loaded(self, task: Task, data: WorkspaceData) -> None:
        if task is not self._task:
            return  # a newer customer was asked for meanwhile
        self._task = None
        self._stop_busy()
        self.error.hide()
        self._data = data
        card = data.card
        fmt = self._formats
        combo = self.customer_combo
        combo.blockSignals(True)
        combo.setEditText(_label(card))
        combo.blockSignals(False)
        self.risk.setText(_("Risk {score}").format(score=card.risk_score))
        self.risk.show()
        self.on_hold.setVisible(card.on_hold)
        self.on_hold_icon.setVisible(card.on_hold)

        self.summary.setText(" ".join(summary_sentences(card, fmt)))
        has_past_due = bool(past_due_transactions(data.transactions))
        for button in (self.reminder_button, self.copy_button):
            button.setEnabled(has_past_due)
        if not has_past_due:
            self.reminder_button.setToolTip(_("Nothing is past due: there is nothing to remind."))
        else:
            self.reminder_button.setToolTip(
                _("Opens your e-mail program with a reminder listing the past-due items.")
            )
        self.chart.set_aging(data.aging_labels, data.aging_columns, card.accounting_currency)

        rows = data.transactions
        self.open_grid.set_rows(rows)
        self.disputed_grid.set_rows(disputed_transactions(rows))
        self.promised_grid.set_rows(promised_transactions(rows))
        self.unsettled_grid.set_rows(unsettled_payments(rows))
        self._set_tab_counts()
        self._fill_timeline()
        self._fill_contacts(card)
        self.body.setCurrentIndex(1)
        loaded = _("{account} {name} · figures on {date}").format(
            account=card.account, name=card.name, date=fmt.date(card.as_of)
        )
        self.status_changed.emit(f"{self._note} · {loaded}" if self._note else loaded)
        self._note = ""
        self.actions.update()
        self.customer_loaded.emit(data)

    def _action_done(self, message: str) -> None:
        """An action was written: read the customer again, then say what was done."""
        self._note = message
        self.status_changed.emit(message)
        if self._customer_id is not None:
            self.show_customer(self._customer_id)

    def _set_tab_counts(self) -> None:
        for index, (grid, title) in enumerate(
            (
                (self.open_grid, _("Open transactions")),
                (self.disputed_grid, _("Disputed")),
                (self.promised_grid, _("Promised to pay")),
                (self.unsettled_grid, _("Unsettled payments")),
            ),
            start=1,
        ):
            count = grid.model.rowCount()
            self.tabs.setTabText(index, f"{title} ({self._formats.count(count)})")

    def _fill_timeline(self) -> None:
        self.timeline.clear()
        self._shown_entries = []
        if self._data is None:
            return
        kind = self.timeline_filter.currentData() or None
        entries = [e for e in self._data.timeline if kind is None or e.kind == kind]
        self._shown_entries = entries
        items = []
        for position, entry in enumerate(entries):
            item = QTreeWidgetItem([self._formats.date(entry.date), entry.title])
            item.setIcon(1, self._icons.get(TIMELINE_ICONS[entry.kind]))
            item.setToolTip(0, entry.tooltip)
            item.setToolTip(1, entry.tooltip)
            item.setData(0, Qt.ItemDataRole.UserRole, position)
            items.append(item)
        self.timeline.addTopLevelItems(items)
        self.timeline.setVisible(bool(entries))
        self.timeline_empty.setVisible(not entries)
        self.timeline_empty.setText(
            _("Nothing of this type happened in the last 12 months.")
            if kind is not None
            else _("Nothing happened on this account in the last 12 months.")
        )

    def show_transaction(self, transaction_id: uuid.UUID) -> bool:
        """Select an open transaction in the Open transactions tab; False when it is settled."""
        model = self.open_grid.model
        for row in range(model.rowCount()):
            if model.row(model.index(row, 0)).id == transaction_id:
                self.tabs.setCurrentWidget(self.open_grid.parentWidget())
                self.open_grid.view.selectRow(row)
                self.open_grid.view.setFocus()
                return True
        return False

    def timeline_entries(self) -> list[TimelineEntry]:
        """The entries the timeline shows, top to bottom (after the type filter)."""
        return list(self._shown_entries)

    def _activate_entry(self, item: QTreeWidgetItem, _column: int) -> None:
        entry = self._shown_entries[item.data(0, Qt.ItemDataRole.UserRole)]
        self.document_activated.emit(entry.target_kind, entry.target_id)

    def _person(self, person: ContactInfo | None) -> str:
        if person is None:
            return "—"
        return " · ".join(p for p in (person.name, person.email, person.phone) if p)

    def _fill_contacts(self, card: CustomerCard) -> None:
        fmt = self._formats
        contact = card.collections_contact
        self.contact_name.setText(contact.name if contact else _("None set"))
        email = (contact.email if contact else None) or card.email
        phone = (contact.phone if contact else None) or card.phone
        self.contact_email.setText(email or "—")
        self.contact_phone.setText(phone or "—")
        self.email_button.setEnabled(bool(email))
        self.email_button.setToolTip(
            _("Write to {address}").format(address=email) if email else _("No e-mail address")
        )
        self.call_button.setEnabled(bool(phone))
        teams = self._call_method() == "teams"
        self.call_button.setIcon(self._icons.get("teams" if teams else "call"))
        if phone:
            self.call_button.setToolTip(
                (_("Call {number} with Teams") if teams else _("Call {number}")).format(
                    number=phone
                )
            )
        else:
            self.call_button.setToolTip(_("No phone number"))
        self.other_contact.setText(self._person(card.other_contact))
        organisation = [card.address, card.phone, card.email]
        self.organisation.setText(" · ".join(p for p in organisation if p) or "—")
        team = []
        if card.primary_contact_name:
            team.append(_("primary contact {name}").format(name=card.primary_contact_name))
        if card.responsible:
            team.append(_("responsible {person}").format(person=self._person(card.responsible)))
        self.internal_team.setText(" · ".join(team) or "—")
        currency = card.accounting_currency
        credit = [
            _("Credit limit {amount}").format(
                amount=fmt.money(card.credit_limit, currency)
                if card.credit_limit is not None
                else _("none")
            ),
            _("Available {amount}").format(
                amount=fmt.money(card.available_credit, currency)
                if card.available_credit is not None
                else "—"
            ),
        ]
        if card.credit_group:
            credit.append(_("Credit group {group}").format(group=card.credit_group))
        if card.last_payment_date is not None and card.last_payment_amount is not None:
            credit.append(
                _("Last payment {amount} on {date}").format(
                    amount=fmt.money(
                        card.last_payment_amount, card.last_payment_currency or currency
                    ),
                    date=fmt.date(card.last_payment_date),
                )
            )
        else:
            credit.append(_("No payment on record"))
        self.credit.setText(" · ".join(credit))

    # --- e-mail and calls ---------------------------------------------------------------

    def _open(self, url: str) -> bool:
        return bool(self._open_url(QUrl(url, QUrl.ParsingMode.StrictMode)))

    def _reminder(self) -> EmailDraft | None:
        data = self._data
        if data is None:
            return None
        return reminder_email(data.card, data.transactions, self._formats, data.company_name)

    def _send_reminder(self) -> None:
        draft = self._reminder()
        if draft is None:
            return
        if self._open(mailto_url(draft)):
            self.status_changed.emit(_("The reminder is open in your e-mail program."))
        else:
            self._copy_reminder()
            self.status_changed.emit(
                _("No e-mail program answered; the reminder was copied to the clipboard instead.")
            )

    def _copy_reminder(self) -> None:
        draft = self._reminder()
        if draft is None:
            return
        text = _("To: {to}\nSubject: {subject}\n\n{body}").format(
            to=draft.to, subject=draft.subject, body=draft.body
        )
        QGuiApplication.clipboard().setText(text)
        self.status_changed.emit(_("The reminder was copied to the clipboard."))

    def _contact_card(self) -> tuple[str | None, str | None]:
        if self._data is None:
            return None, None
        card = self._data.card
        contact = card.collections_contact
        email = (contact.email if contact else None) or card.email
        phone = (contact.phone if contact else None) or card.phone
        return email, phone

    def _email_contact(self) -> None:
        email, _phone = self._contact_card()
        if email and not self._open(mailto_url(EmailDraft(email, "", ""))):
            self.status_changed.emit(_("No e-mail program answered."))

    def _call_contact(self) -> None:
        _email, phone = self._contact_card()
        if phone and not self._open(call_url(phone, self._call_method())):
            self.status_changed.emit(_("No program answered the call."))


def _label(card: CustomerCard) -> str:
    return f"{card.account} {card.name}"
