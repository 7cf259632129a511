"""Customers, the customer explorer: every customer the viewer works, with today's
balance, what is past due and how late, and the last action taken and by whom.

One statement (``models.screens.customer_list.list_customers``) reads the customers of
the scope with their exact figures and their last contact (``casework.last_contacts``,
the Workspace's rule); every filter is a condition of it: pool, group, status, country
on the first row; debt older than N days, without action since a day (or never), a
minimum balance and a text on the second. The grid's filter box narrows further by any
word shown. Several customers can be selected: *Send e-mail from template…* and *Enter
record…* act on all of them, *Record payment…*, *Open Workspace* and *Customer record…*
on one. The account opens the customer's record (double-click), the name, Enter or a
double-click elsewhere the Workspace, as on every list. The reports *Customer register*
and *Customers without action* are this page with a preset (``show_preset``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.kernel.money import MoneyError
from collections_desktop.models.casework.last_contacts import ContactKind
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.customer_list import (
    CustomerFilterChoices,
    CustomerFilters,
    CustomerListRow,
    customer_filter_choices,
    list_customers,
)
from collections_desktop.views.actions.mailing import send_template_mail
from collections_desktop.views.actions.receipts import ReceiptActions
from collections_desktop.views.actions.records import record_actions
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.fields import date_edit, parse_amount, pydate, qdate
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.itemmodels.prepared import PreparedRows, prepare_rows
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.pages.base import ListPage, PageState
from collections_desktop.views.style import alert_colour
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.grid import ListGrid, pool_combo
from collections_desktop.views.widgets.overview_grids import STATUS_NAMES

CUSTOMER_LIMIT = 100_000
"""The most customers listed at once; the page says when there are more."""

STATUS_CHOICES = (
    (N_("All statuses"), ""),
    (N_("Active"), "active"),
    (N_("On hold"), "on_hold"),
    (N_("Closed"), "closed"),
)
"""The account status filter: (label, status or "" for all)."""

OTHER = -1
"""The item data of "Other…" in the day choosers: the number typed beside it."""

AGE_CHOICES = ((N_("Any age"), 0), (N_("30 days"), 30), (N_("60 days"), 60), (N_("90 days"), 90))
"""Debt older than: (label, days; 0 for no filter), then "Other…" (``OTHER``)."""

ACTION_ANY, ACTION_SINCE, ACTION_NEVER = "", "since", "never"
ACTION_CHOICES = (
    (N_("Any time"), ACTION_ANY),
    (N_("30 days"), "30"),
    (N_("60 days"), "60"),
    (N_("90 days"), "90"),
    (N_("Since a date…"), ACTION_SINCE),
    (N_("Never contacted"), ACTION_NEVER),
)
"""Without action: (label, "" for no filter, a number of days before today, "since" a
date chosen beside it, or "never")."""

REGISTER, WITHOUT_ACTION = "register", "without_action"
PRESETS = (REGISTER, WITHOUT_ACTION)
"""The reports that are this page with a preset (``CustomersPage.show_preset``)."""

READ_DELAY_MS = 400
"""How long typing in a text or number filter rests before the list is read again."""

(
    ACCOUNT,
    NAME,
    BALANCE,
    PAST_DUE,
    DAYS_PAST_DUE,
    LAST_ACTION,
    LAST_ACTION_BY,
    RESPONSIBLE,
    GROUP,
    COUNTRY,
    CREDIT_LIMIT,
    STATUS,
) = range(12)


@dataclass(frozen=True)
class CustomersData:
    """What the page shows for one choice of filters."""

    rows: tuple[CustomerListRow, ...]
    truncated: bool
    prepared: PreparedRows[CustomerListRow]
    choices: CustomerFilterChoices


def load_customers(
    database: Database,
    state: TaskState,
    *,
    page: CustomersQuery,
    columns: Sequence[Column[CustomerListRow]],
) -> CustomersData:
    """Read and format the list (runs on the read lane)."""
    with database.sessions() as session:
        rows = list_customers(
            session,
            page.scope,
            page.as_of,
            filters=page.filters,
            limit=CUSTOMER_LIMIT + 1,
        )
        state.raise_if_cancelled()
        choices = customer_filter_choices(session, page.scope, page.as_of)
    truncated = len(rows) > CUSTOMER_LIMIT
    shown = tuple(rows[:CUSTOMER_LIMIT])
    state.raise_if_cancelled()
    return CustomersData(shown, truncated, prepare_rows(columns, shown), choices)


@dataclass(frozen=True)
class CustomersQuery:
    """The filters of one read (taken on the GUI thread, read on the worker)."""

    scope: AgentScope
    as_of: dt.date
    filters: CustomerFilters


class CustomersPage(ListPage):
    """Every customer in the viewer's scope, explored by debt, last action and who works
    them; the account opens the record, the name the Workspace."""

    key = "customers"
    title = N_("Customers")
    read_failure = N_("The customers could not be read: {reason}")
    description = N_(
        "All your customers with their balances, past due and last action; find the ones to call"
    )
    exportable = True
    busy_width = 140

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self._alert = QColor()
        self._link = QColor()
        self._muted = QColor()
        self.data: CustomersData | None = None
        self.preset = ""
        """The report shown ("register", "without_action"; "" for the page itself)."""
        self._double_clicked = False
        self._read_timer = QTimer()
        super().__init__(context, parent)
        self._alert = alert_colour(self.palette())
        self._link = self.palette().color(QPalette.ColorRole.Link)
        self._muted = muted_colour(self.palette())
        self.refresh_action.setToolTip(_("Read the customers again (F5)"))
        self._read_timer.setParent(self)
        self._read_timer.setSingleShot(True)
        self._read_timer.setInterval(READ_DELAY_MS)
        self._read_timer.timeout.connect(self.filters_changed)
        # The actions on the customers chosen; a record or a payment reads the list again
        # (a customer called leaves a "without action" list).
        self.records = record_actions(context, self)
        self.records.changed.connect(self.action_done)
        self.records.refused.connect(self.set_status)
        self.receipts = ReceiptActions(context, self)
        self.receipts.changed.connect(self.action_done)
        self.receipts.refused.connect(self.set_status)

        self.pool = pool_combo(context.scope, context.icons)
        self.pool.setCurrentIndex(0)
        self.group_filter = self._choice_combo("customer_group_filter", _("All groups"))
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("customer_status_filter")
        for label, value in STATUS_CHOICES:
            self.status_filter.addItem(_(label), value)
        self.country_filter = self._choice_combo("customer_country_filter", _("All countries"))
        self.add_filter(_("&Pool"), self.pool)
        self.add_filter(_("&Group"), self.group_filter)
        self.add_filter(_("&Status"), self.status_filter)
        self.add_filter(_("C&ountry"), self.country_filter)
        self._build_debt_filters(context)
        self._build_actions(context)
        self.grid.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.view.doubleClicked.connect(self._double_click)
        self.grid.view.activated.connect(self._activated)
        self.grid.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()
        self.grid.set_rows((), _("Loading…"))

    def _build_debt_filters(self, context: PageContext) -> None:
        """The second filter row: debt older than, without action, balance, text."""
        today = context.clock.today()
        row = QHBoxLayout()
        row.setSpacing(self.filter_spacing)
        self.more_filters = row
        self.age_filter = QComboBox()
        self.age_filter.setObjectName("customer_age_filter")
        for label, days in AGE_CHOICES:
            self.age_filter.addItem(_(label), days)
        self.age_filter.addItem(_("Other…"), OTHER)
        self.age_filter.setToolTip(_("Customers with a past-due item at least this many days late"))
        self.age_days = QSpinBox()
        self.age_days.setObjectName("customer_age_days")
        self.age_days.setRange(1, 9999)
        self.age_days.setValue(120)
        self.age_days.setSuffix(_(" days"))
        self.age_days.setVisible(False)
        self.action_filter = QComboBox()
        self.action_filter.setObjectName("customer_action_filter")
        for label, value in ACTION_CHOICES:
            self.action_filter.addItem(_(label), value)
        self.action_filter.setToolTip(
            _(
                "Customers with no contact since then: no call, visit, e-mail or meeting "
                "closed, and no collection letter"
            )
        )
        self.action_since = date_edit(
            today - dt.timedelta(days=30), context.formats, "customer_action_since"
        )
        self.action_since.setVisible(False)
        self.min_balance = QLineEdit()
        self.min_balance.setObjectName("customer_min_balance")
        self.min_balance.setPlaceholderText(_("Any"))
        self.min_balance.setClearButtonEnabled(True)
        self.min_balance.setMaximumWidth(120)
        self.min_balance.setToolTip(_("Customers whose balance is at least this amount"))
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("customer_text_filter")
        self.text_filter.setPlaceholderText(_("Account or name"))
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setMaximumWidth(200)
        self.text_filter.setToolTip(_("Customers whose account or name contains this text"))
        for text, widget, *extra in (
            (_("&Debt older than"), self.age_filter, self.age_days),
            (_("Without &action"), self.action_filter, self.action_since),
            (_("&Balance at least"), self.min_balance),
            (_("Fi&nd"), self.text_filter),
        ):
            caption = QLabel(text)
            caption.setBuddy(widget)
            row.addWidget(caption)
            row.addWidget(widget)
            for more in extra:
                row.addWidget(more)
            row.addSpacing(6)
        row.addStretch(1)
        self.body.insertLayout(1, row)
        self.age_filter.currentIndexChanged.connect(self._age_chosen)
        self.age_days.valueChanged.connect(lambda _v: self._read_timer.start())
        self.action_filter.currentIndexChanged.connect(self._action_chosen)
        self.action_since.dateChanged.connect(lambda _d: self._read_timer.start())
        self.min_balance.textChanged.connect(lambda _t: self._read_timer.start())
        self.min_balance.returnPressed.connect(self._read_now)
        self.text_filter.textChanged.connect(lambda _t: self._read_timer.start())
        self.text_filter.returnPressed.connect(self._read_now)

    def _build_actions(self, context: PageContext) -> None:
        """The actions on the customers selected: buttons, and the right-click menu."""
        icons = context.icons
        self.mail_action = QAction(icons.get("email"), _("Send e-mail from template…"), self)
        self.mail_action.triggered.connect(lambda: self.send_mail(self.selected_accounts()))
        self.enter_record_action = QAction(icons.get("new_activity"), _("Enter record…"), self)
        self.enter_record_action.triggered.connect(
            lambda: self.enter_record(self.selected_accounts())
        )
        self.workspace_action = QAction(icons.get("workspace"), _("Open Workspace"), self)
        self.workspace_action.triggered.connect(self.open_workspace)
        self.payment_action = QAction(icons.get("settle"), _("Record payment…"), self)
        self.payment_action.triggered.connect(lambda: self.record_payment(self._one_account()))
        self.record_action = QAction(icons.get("customer_record"), _("Customer record…"), self)
        self.record_action.triggered.connect(self.open_record)
        self.add_actions(
            [
                (self.enter_record_action, "customer_enter_record_button"),
                (self.mail_action, "customer_mail_button"),
                (self.payment_action, "customer_payment_button"),
            ],
            menu=False,
        )  # the record and the Workspace: a double-click, Enter, and the right-click menu
        for action in self.context_actions():
            self.grid.view.addAction(action)
        # Export last: the rows' own actions first.
        self.grid.view.removeAction(self.export_action)
        self.grid.view.addAction(self.export_action)

    def context_actions(self) -> list[QAction]:
        """The right-click menu of the rows, in order."""
        return [
            self.mail_action,
            self.enter_record_action,
            self.workspace_action,
            self.payment_action,
            self.record_action,
        ]

    def _choice_combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setMinimumContentsLength(10)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.addItem(everything, "")
        return combo

    def make_grid(self) -> ListGrid[CustomerListRow]:
        """The customers by account, as read."""
        grid: ListGrid[CustomerListRow] = ListGrid(
            "customers",
            customer_columns(self.context.formats),
            {
                ACCOUNT: lambda _r: self._link,
                NAME: lambda _r: self._link,
                BALANCE: lambda r: self._alert if r.balance < 0 else None,
                LAST_ACTION_BY: lambda r: self._muted if r.last_action_by is None else None,
                STATUS: lambda r: self._alert if r.account_status != "active" else None,
            },
            self.context.icons,
            stretch=NAME,
        )
        grid.model.right = {BALANCE, PAST_DUE, DAYS_PAST_DUE, CREDIT_LIMIT}
        grid.sort_by(-1, Qt.SortOrder.AscendingOrder)  # by account, as read
        grid.title.setText(_("Customers"))
        return grid

    # --- public -------------------------------------------------------------------------

    @property
    def pool_id(self) -> uuid.UUID | None:
        """The pool chosen (None: every pool of the viewer)."""
        chosen = self.pool.currentData()
        return uuid.UUID(chosen) if chosen else None

    def chosen_filters(self) -> CustomerFilters:
        """The filters as chosen on the page now."""
        never = self.action_filter.currentData() == ACTION_NEVER
        return CustomerFilters(
            pool_id=self.pool_id,
            customer_group=self.group_filter.currentData() or None,
            account_status=self.status_filter.currentData() or None,
            country=self.country_filter.currentData() or None,
            older_than_days=self.older_than_days(),
            without_action_since=None if never else self.without_action_since(),
            never_contacted=never,
            min_balance=self.chosen_min_balance(),
            text=self.text_filter.text().strip(),
        )

    def older_than_days(self) -> int | None:
        """Debt older than this many days (None: any age)."""
        days = self.age_filter.currentData()
        if days == OTHER:
            return int(self.age_days.value())
        return int(days) or None

    def without_action_since(self) -> dt.date | None:
        """Without action since this day (None: no such filter, or "never contacted")."""
        chosen = self.action_filter.currentData()
        if chosen == ACTION_SINCE:
            return pydate(self.action_since.date())
        if chosen and chosen != ACTION_NEVER:
            return self.context.clock.today() - dt.timedelta(days=int(chosen))
        return None

    def chosen_min_balance(self) -> Decimal | None:
        """The minimum balance typed (None: none, or not an amount, which the field says)."""
        text = self.min_balance.text().strip()
        if not text:
            self.min_balance.setToolTip(_("Customers whose balance is at least this amount"))
            self.min_balance.setPalette(self.palette())
            return None
        try:
            amount = parse_amount(text, self.context.formats)
        except MoneyError as refusal:
            self.min_balance.setToolTip(str(refusal))
            palette = self.min_balance.palette()
            palette.setColor(QPalette.ColorRole.Text, self._alert)
            self.min_balance.setPalette(palette)
            return None
        self.min_balance.setPalette(self.palette())
        return amount

    def load(self) -> None:
        """Read the list with the filters chosen."""
        self._read_timer.stop()
        database, columns = self.context.database, self.grid.model.columns
        query = CustomersQuery(
            scope=self.context.scope,
            as_of=self.context.clock.today(),
            filters=self.chosen_filters(),
        )
        self.query(
            lambda state: load_customers(database, state, page=query, columns=columns),
            self._loaded,
            failure=self.read_failed,
            name="customers",
        )

    def show_preset(self, name: str, *, since: dt.date | None = None) -> None:
        """Show the list as a report: "register" (every customer, no filter, every column)
        or "without_action" (the customers with no contact since ``since``, by default
        30 days ago). The title of an export follows (``report_title``)."""
        if name not in PRESETS:
            raise ValueError(f"Unknown preset {name!r}; the presets are {', '.join(PRESETS)}.")
        self.preset = name
        with self._quiet_filters():
            for combo in (self.pool, self.group_filter, self.status_filter, self.country_filter):
                combo.setCurrentIndex(0)
            self.age_filter.setCurrentIndex(0)
            self.min_balance.clear()
            self.text_filter.clear()
            self.grid.filter.clear()
            self.action_filter.setCurrentIndex(0)
            if name == WITHOUT_ACTION:
                day = since or self.context.clock.today() - dt.timedelta(days=30)
                self.action_since.setDate(qdate(day))
                self.action_filter.setCurrentIndex(self.action_filter.findData(ACTION_SINCE))
            self._show_day_fields()
        header = self.grid.view.horizontalHeader()
        if name == REGISTER:
            for column in range(self.grid.model.columnCount()):
                header.setSectionHidden(column, False)
        self.refresh()

    def report_title(self) -> str:
        """The report's title: "Customer register", "Customers without action since …",
        else the page's."""
        if self.preset == REGISTER:
            return _("Customer register")
        if self.preset == WITHOUT_ACTION:
            if self.action_filter.currentData() == ACTION_NEVER:
                return _("Customers never contacted")
            since = self.without_action_since()
            if since is not None:
                return _("Customers without action since {date}").format(
                    date=self.context.formats.date(since)
                )
        return _(self.title)

    def report_filters(self) -> list[tuple[str, str]]:
        """The filters in words: the choosers of the first row, then what is set of the
        second (debt older than, without action, balance at least, find), then the grid's
        filter text."""
        lines = [line for line in super().report_filters() if line[0] != _("Rows containing")]
        formats = self.context.formats
        days = self.older_than_days()
        if days is not None:
            lines.append(
                (
                    _("Debt older than"),
                    ngettext("{count} day", "{count} days", days).format(count=formats.count(days)),
                )
            )
        if self.action_filter.currentData() == ACTION_NEVER:
            lines.append((_("Without action"), _("never contacted")))
        elif (since := self.without_action_since()) is not None:
            lines.append((_("Without action since"), formats.date(since)))
        if (amount := self.chosen_min_balance()) is not None:
            lines.append((_("Balance at least"), formats.amount(amount)))
        if text := self.text_filter.text().strip():
            lines.append((_("Account or name containing"), text))
        if text := self.grid.filter.text().strip():
            lines.append((_("Rows containing"), text))
        return lines

    def export_file_name(self) -> str | None:
        """The report's name for a preset, else the page's."""
        if self.preset == REGISTER:
            return "customer-register.csv"
        if self.preset == WITHOUT_ACTION:
            return "customers-without-action.csv"
        return super().export_file_name()

    def current_customer(self) -> CustomerListRow | None:
        """The customer selected (the current one when several are)."""
        return self.grid.current_row()

    def selected_accounts(self) -> list[str]:
        """The accounts of the customers selected, in the order shown."""
        return [row.account for row in self.grid.selected_rows()]

    def open_record(self) -> None:
        """The selected customer's record."""
        row = self.current_customer()
        if row is not None:
            self.record_requested.emit(row.customer_id)

    def open_workspace(self) -> None:
        """The selected customer's Workspace."""
        row = self.current_customer()
        if row is not None:
            self.customer_chosen.emit(row.customer_id)

    def send_mail(self, accounts: Sequence[str]) -> None:
        """Send an e-mail from a template to ``accounts``."""
        send_template_mail(self.context, self, accounts)

    def enter_record(self, accounts: Sequence[str]) -> None:
        """Enter a record (a call, a visit… done) for ``accounts``."""
        self.records.enter(accounts)

    def record_payment(self, account: str | None) -> None:
        """Record a payment of ``account``."""
        self.receipts.record(account=account)

    def action_done(self, note: str) -> None:
        """An action wrote something: say ``note`` and read the list again (a customer
        called leaves a "without action" list)."""
        self.written(note)

    def filter_state(self) -> PageState:
        """Every filter but the pool (the viewer's default pool each session), and the
        report shown."""
        return {
            "status": str(self.status_filter.currentData()).encode(),
            "group": str(self.group_filter.currentData() or "").encode(),
            "country": str(self.country_filter.currentData() or "").encode(),
            "age": str(self.age_filter.currentData()).encode(),
            "age_days": str(self.age_days.value()).encode(),
            "action": str(self.action_filter.currentData()).encode(),
            "since": pydate(self.action_since.date()).isoformat().encode(),
            "min_balance": self.min_balance.text().encode(),
            "text": self.text_filter.text().encode(),
            "preset": self.preset.encode(),
        }

    def restore_filters(self, state: PageState) -> None:
        """Put back ``filter_state``; unknown or damaged values are left as they are."""

        def text(name: str) -> str | None:
            value = state.get(name)
            return value.decode(errors="replace") if value is not None else None

        def choose(combo: QComboBox, value: object) -> None:
            index = combo.findData(value)
            if index >= 0:
                combo.setCurrentIndex(index)

        with self._quiet_filters():
            if (status := text("status")) is not None:
                choose(self.status_filter, status)
            for name, combo in (("group", self.group_filter), ("country", self.country_filter)):
                # The choices come with the first read: offer the one kept until then.
                if value := text(name):
                    if combo.findData(value) < 0:
                        combo.addItem(value, value)
                    choose(combo, value)
            if (age := text("age")) is not None and age.lstrip("-").isdigit():
                choose(self.age_filter, int(age))
            if (days := text("age_days")) is not None and days.isdigit():
                self.age_days.setValue(int(days))
            if (action := text("action")) is not None:
                choose(self.action_filter, action)
            if since := text("since"):
                with contextlib.suppress(ValueError):
                    self.action_since.setDate(qdate(dt.date.fromisoformat(since)))
            if (amount := text("min_balance")) is not None:
                self.min_balance.setText(amount)
            if (find := text("text")) is not None:
                self.text_filter.setText(find)
            if (preset := text("preset")) is not None and preset in ("", *PRESETS):
                self.preset = preset
            self._show_day_fields()

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, data: CustomersData) -> None:
        self.data = data
        _fill(self.group_filter, data.choices.groups)
        _fill(self.country_filter, data.choices.countries)
        self.grid.set_prepared(data.prepared, _("No customers match these filters."))
        count = len(data.rows)
        formats = self.context.formats
        title = ngettext("{count} customer", "{count} customers", count).format(
            count=formats.count(count)
        )
        if data.truncated:
            title = _("The first {count} customers; choose filters to see the others").format(
                count=formats.count(count)
            )
        self.grid.title.setText(title)
        self.grid.title.setToolTip(self.report_title())
        self._selection_changed()
        total = sum((row.balance for row in data.rows), Decimal(0))
        past_due = sum((row.past_due for row in data.rows), Decimal(0))
        text = _("{count} · balance {total} · past due {past_due}").format(
            count=title, total=formats.amount(total), past_due=formats.amount(past_due)
        )
        if self.preset:  # a report: its title first
            text = f"{self.report_title()} · {text}"
        self.set_status(self.with_note(text))
        self.loaded.emit(data)

    # --- reactions ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _quiet_filters(self) -> Iterator[None]:
        """Change several filters without a read for each (the caller reads once)."""
        widgets = (
            self.pool,
            self.group_filter,
            self.status_filter,
            self.country_filter,
            self.age_filter,
            self.age_days,
            self.action_filter,
            self.action_since,
            self.min_balance,
            self.text_filter,
        )
        blocked = [widget.blockSignals(True) for widget in widgets]
        try:
            yield
        finally:
            for widget, was in zip(widgets, blocked, strict=True):
                widget.blockSignals(was)
            self._read_timer.stop()

    def _show_day_fields(self) -> None:
        self.age_days.setVisible(self.age_filter.currentData() == OTHER)
        self.action_since.setVisible(self.action_filter.currentData() == ACTION_SINCE)

    def _age_chosen(self) -> None:
        self._show_day_fields()
        self.filters_changed()

    def _action_chosen(self) -> None:
        self._show_day_fields()
        self.filters_changed()

    def _read_now(self) -> None:
        self._read_timer.stop()
        self.filters_changed()

    def _one_account(self) -> str | None:
        rows = self.grid.selected_rows()
        return rows[0].account if len(rows) == 1 else None

    def _selection_changed(self, *_args: Any) -> None:
        count = len(self.grid.view.selectionModel().selectedRows())
        some, one = count > 0, count == 1
        for action in (self.mail_action, self.enter_record_action):
            action.setEnabled(some)
        for action in (self.workspace_action, self.payment_action, self.record_action):
            action.setEnabled(one)
        self.mail_action.setToolTip(
            _("E-mail the selected customers from a template")
            if some
            else _("Select the customers to write to")
        )
        self.enter_record_action.setToolTip(
            _("Record a call, visit or e-mail done with the selected customers")
            if some
            else _("Select the customers you contacted")
        )
        single = _("Select one customer (several are selected)") if some else _("Select a customer")
        self.workspace_action.setToolTip(
            _("The selected customer's Workspace (Enter or double-click)") if one else single
        )
        self.payment_action.setToolTip(
            _("Record a payment received from the selected customer") if one else single
        )
        self.record_action.setToolTip(
            _("Addresses, contacts, credit limit and status of the selected customer")
            if one
            else single
        )

    def _double_click(self, index: QModelIndex) -> None:
        # Qt follows a double-click with ``activated``; this click has been answered.
        self._double_clicked = True
        if not index.isValid():
            return
        row = self.grid.model.row(index)
        if index.column() == ACCOUNT:
            self.record_requested.emit(row.customer_id)
        else:
            self.customer_chosen.emit(row.customer_id)

    def _activated(self, index: QModelIndex) -> None:
        if self._double_clicked:
            self._double_clicked = False
            return
        if index.isValid():  # Enter
            self.customer_chosen.emit(self.grid.model.row(index).customer_id)


def _fill(combo: QComboBox, values: Sequence[str]) -> None:
    """Offer ``values`` after the combo's first entry ("all"), keeping the choice."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for value in values:
        combo.addItem(value, value)
    combo.setCurrentIndex(max(combo.findData(chosen), 0))
    combo.blockSignals(False)


def status_name(status: str) -> str:
    """An account status in words."""
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def last_action_by(row: CustomerListRow) -> str | None:
    """Who took the last action: the activity's responsible or the letter's creator, else
    "Collection letter" for a letter whose creator is not stored."""
    if row.last_action_by is not None:
        return row.last_action_by
    if row.last_action_kind == ContactKind.LETTER:
        return _("Collection letter")
    return None


def last_action_tooltip(row: CustomerListRow, fmt: Formats) -> str:
    """What the last action was, in words."""
    if row.last_action_on is None:
        return _("No contact yet: no call, visit, e-mail or meeting closed, and no letter")
    if row.last_action_kind == ContactKind.LETTER:
        return _("Collection letter {number} of {date}").format(
            number=row.last_action_number, date=fmt.date(row.last_action_on)
        )
    when = fmt.moment(row.last_action_at) if row.last_action_at else fmt.date(row.last_action_on)
    return _("Activity {number}, ended {moment}").format(number=row.last_action_number, moment=when)


def customer_columns(fmt: Formats) -> list[Column[CustomerListRow]]:
    """The grid's columns, in the user's formats."""
    return [
        Column(
            _("Account"),
            lambda r: r.account,
            tooltip=lambda r: _("Double-click: the customer's record"),
            fit=Fit.KEY,
        ),
        Column(
            _("Customer"),
            lambda r: r.name,
            tooltip=lambda r: _("{name} · double-click or Enter opens the Workspace").format(
                name=r.name
            ),
            fit=Fit.KEY,
        ),
        Column(_("Balance"), lambda r: r.balance, text=fmt.amount),
        Column(_("Past due"), lambda r: r.past_due, text=fmt.amount),
        Column(
            _("Days past due"),
            lambda r: r.oldest_past_due_days,
            text=fmt.count,
            tooltip=lambda r: _("How many days the oldest past-due item is late"),
        ),
        Column(
            _("Last action"),
            lambda r: r.last_action_on,
            text=fmt.date,
            tooltip=lambda r: last_action_tooltip(r, fmt),
        ),
        Column(_("By"), last_action_by, fit=Fit.LABEL),
        Column(_("Responsible"), lambda r: r.responsible_name, fit=Fit.LABEL),
        Column(_("Group"), lambda r: r.customer_group, fit=Fit.LABEL),
        Column(_("Country"), lambda r: r.country),
        Column(_("Credit limit"), lambda r: r.credit_limit, text=fmt.amount),
        Column(_("Status"), lambda r: status_name(r.account_status), fit=Fit.KEY),
    ]
