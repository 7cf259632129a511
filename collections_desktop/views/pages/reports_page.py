"""Reports: Action control and Collections by agent, on screen and to CSV, XLSX and PDF.

A report chooser, the period (a few usual ranges, or dates chosen), the pool and, for
Action control, who was responsible. Each report is one statement of
``models/reports/`` on the read lane; its rows fill the page's one grid, whose columns
change with the report (Collections by agent has a column per result of a record). The
grid sorts and filters as every list does. A row of Action control opens its customer's
Workspace (its account the customer record); a row of Collections by agent opens Action
control on that agent. Export prints the report's title and its filters (the period in
words, the pool, the agent) above the rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.casework.activities import ResponsibleChoice, responsible_choices
from collections_desktop.models.casework.records import result_choices, result_names
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.reports.action_control import ROW_LIMIT, ActionRow, action_control
from collections_desktop.models.reports.collections_by_agent import (
    AgentRow,
    collections_by_agent,
)
from collections_desktop.models.reports.period import Period
from collections_desktop.models.screens.overview import accounting_currency
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.fields import date_edit, pydate, qdate
from collections_desktop.views.itemmodels.prepared import (
    PreparedModel,
    PreparedRows,
    count_text,
    prepare_rows,
)
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.pages.base import ListPage, PageState
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.grid import ListGrid, pool_combo

ACTION_CONTROL = "action_control"
COLLECTIONS_BY_AGENT = "collections_by_agent"
REPORTS = (
    (ACTION_CONTROL, N_("Action control")),
    (COLLECTIONS_BY_AGENT, N_("Collections by agent")),
)
"""The reports: (key, title); titles translated where shown."""

STRETCH = {ACTION_CONTROL: 9, COLLECTIONS_BY_AGENT: 0}
"""The column that takes the room left: the observations, the agent's name."""

PERIODS = (
    ("last_30", N_("Last 30 days")),
    ("this_month", N_("This month")),
    ("last_month", N_("Last month")),
    ("last_90", N_("Last 3 months")),
    ("this_year", N_("This year")),
    ("dates", N_("Dates chosen")),
)
"""The period chooser: (key, label); "dates" takes the From and To fields as they are."""


def period_of(key: str, today: dt.date) -> Period | None:
    """The period a chooser key stands for on ``today`` (None: the dates chosen)."""
    if key == "last_30":
        return Period.last_days(today, 30)
    if key == "this_month":
        return Period(today.replace(day=1), today)
    if key == "last_month":
        return Period.month_of(today.replace(day=1) - dt.timedelta(days=1))
    if key == "last_90":
        return Period.last_days(today, 91)
    if key == "this_year":
        return Period(today.replace(month=1, day=1), today)
    return None


@dataclass(frozen=True)
class ReportData:
    """What the page shows for one report and one choice of filters."""

    report: str
    period: Period
    prepared: PreparedRows[Any]
    truncated: bool
    currency: str
    responsibles: tuple[ResponsibleChoice, ...]
    results: tuple[tuple[str, str], ...]
    """The results (code, name) Collections by agent has columns for."""


def load_report(
    database: Database,
    state: TaskState,
    *,
    report: str,
    scope: AgentScope,
    period: Period,
    as_of: dt.date,
    pool_id: uuid.UUID | None,
    responsible_id: uuid.UUID | None,
    formats: Formats,
    columns: Sequence[Column[Any]],
    results: tuple[tuple[str, str], ...],
    currency_shown: str = "",
) -> ReportData:
    """Read and format a report (runs on the read lane); ``columns`` are the grid's when
    they were made for this report (else empty), kept when the results are the same."""
    with database.sessions() as session:
        currency = accounting_currency(session)
        responsibles = tuple(responsible_choices(session))
        rows: Sequence[Any]
        truncated = False
        if report == ACTION_CONTROL:
            found = action_control(
                session,
                scope,
                period,
                as_of=as_of,
                pool_id=pool_id,
                responsible_id=responsible_id,
                limit=ROW_LIMIT + 1,
            )
            truncated = len(found) > ROW_LIMIT
            rows = found[:ROW_LIMIT]
            wanted = results
        else:
            rows = collections_by_agent(session, scope, period, as_of=as_of, pool_id=pool_id)
            # A column per active result, and per inactive one some record of the period has.
            active = [(choice.code, choice.name) for choice in result_choices(session)]
            names = result_names(session)
            used = {code for row in rows for code in row.by_result} - {c for c, _n in active}
            wanted = (*active, *((code, names.get(code, code)) for code in sorted(used)))
    state.raise_if_cancelled()
    if not columns or wanted != results or currency != currency_shown:
        columns = (
            action_columns(formats, currency)
            if report == ACTION_CONTROL
            else agent_columns(formats, currency, wanted)
        )
    return ReportData(
        report, period, prepare_rows(columns, rows), truncated, currency, responsibles, wanted
    )


class ReportsPage(ListPage):
    """Action control and Collections by agent, for a period."""

    key = "reports"
    title = N_("Reports")
    description = N_("Action control and collections by agent, for a period")
    read_failure = N_("The report could not be read: {reason}")
    exportable = True
    busy_width = 140

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self.data: ReportData | None = None
        self._results: tuple[tuple[str, str], ...] = ()
        self._columns_report = ACTION_CONTROL
        """The report the grid's columns were made for."""
        super().__init__(context, parent)
        self.refresh_action.setToolTip(_("Read the report again (F5)"))
        today = context.clock.today()
        self.report = QComboBox()
        self.report.setObjectName("report_choice")
        for key, title in REPORTS:
            self.report.addItem(_(title), key)
        self.period = QComboBox()
        self.period.setObjectName("report_period")
        for key, text in PERIODS:
            self.period.addItem(_(text), key)
        first = period_of("last_30", today)
        assert first is not None
        self.start = date_edit(first.start, context.formats, "report_from")
        self.end = date_edit(first.end, context.formats, "report_to")
        self.pool = pool_combo(context.scope, context.icons)
        self.pool.setObjectName("report_pool")
        self.pool.setMinimumContentsLength(14)
        self.pool.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.pool.setCurrentIndex(0)
        self.responsible = QComboBox()
        self.responsible.setObjectName("report_responsible")
        self.responsible.setMinimumContentsLength(10)
        self.responsible.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.responsible.addItem(_("Anyone"), "")
        # The report chooser heads the grid (the filter row holds what narrows it).
        report_label = QLabel(_("&Report"))
        report_label.setBuddy(self.report)
        report_label.setFont(self.grid.title.font())
        self.report.setFont(self.grid.title.font())
        self.grid.head.insertWidget(0, report_label)
        self.grid.head.insertWidget(1, self.report)
        self.grid.head.insertSpacing(2, 8)
        self._action_position += 3
        self.add_filter(_("Pe&riod"), self.period)
        self.start.setToolTip(_("From (included)"))
        self.end.setToolTip(_("To (included)"))
        self.filters.addWidget(self.start)
        self.filters.addWidget(QLabel("–"))
        self.filters.addWidget(self.end)
        self.filters.addSpacing(6)
        for edit in (self.start, self.end):
            edit.dateChanged.connect(self._dates_edited)
        self.add_filter(_("&Pool"), self.pool)
        self.responsible_label = QLabel(_("Res&ponsible"))
        self.responsible_label.setBuddy(self.responsible)
        self.filters.addWidget(self.responsible_label)
        self.filters.addWidget(self.responsible)
        self.responsible.currentIndexChanged.connect(self.filters_changed)
        self.report.currentIndexChanged.connect(self._report_changed)
        self.period.currentIndexChanged.connect(self._period_chosen)

        icons = context.icons
        self.open_action = QAction(icons.get("workspace"), _("Open customer"), self)
        self.open_action.setToolTip(_("The customer's Workspace (Enter or double-click)"))
        self.open_action.triggered.connect(self._open_current)
        self.record_action = QAction(icons.get("customer_record"), _("Customer record…"), self)
        self.record_action.setToolTip(_("The record of the row's customer"))
        self.record_action.triggered.connect(self._open_record)
        self.agent_action = QAction(icons.get("activities"), _("Actions of this agent"), self)
        self.agent_action.setToolTip(
            _("Action control for the agent of the row, same period (Enter or double-click)")
        )
        self.agent_action.triggered.connect(self._open_agent)
        for action in (self.open_action, self.record_action, self.agent_action):
            self.grid.view.addAction(action)
        self.add_actions([(self.open_action, "report_open_button")], menu=False)
        self.open_button = self.findChild(QWidget, "report_open_button")
        self.grid.view.activated.connect(self._activated)
        self.grid.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._report_changed()
        self.grid.set_rows((), _("Loading…"))

    def make_grid(self) -> ListGrid[Any]:
        """Action control's columns to start with; a report brings its own."""
        grid: ListGrid[Any] = ListGrid(
            "report",
            action_columns(self.context.formats, ""),
            {},
            self.context.icons,
            stretch=STRETCH[ACTION_CONTROL],
        )
        grid.sort_by(-1, Qt.SortOrder.AscendingOrder)  # the report's order, as read
        return grid

    # --- public -------------------------------------------------------------------------

    @property
    def report_key(self) -> str:
        """The report chosen (``ACTION_CONTROL`` or ``COLLECTIONS_BY_AGENT``)."""
        return str(self.report.currentData())

    def show_report(self, key: str) -> None:
        """Choose report ``key`` (the Reports menu); it is read once the page is shown."""
        index = self.report.findData(key)
        if index >= 0 and index != self.report.currentIndex():
            self.report.setCurrentIndex(index)  # reads again if the page was shown before

    def chosen_period(self) -> Period:
        """The period of the From and To fields (a period that ends first is swapped)."""
        start, end = pydate(self.start.date()), pydate(self.end.date())
        return Period(min(start, end), max(start, end))

    def set_period(self, start: dt.date, end: dt.date) -> None:
        """Dates chosen: From ``start`` To ``end`` (reads again once shown)."""
        self.period.blockSignals(True)
        self.period.setCurrentIndex(self.period.findData("dates"))
        self.period.blockSignals(False)
        for edit, day in ((self.start, start), (self.end, end)):
            edit.blockSignals(True)
            edit.setDate(qdate(day))
            edit.blockSignals(False)
        self.filters_changed()

    def load(self) -> None:
        """Read the report chosen with the filters chosen."""
        context = self.context
        database, scope, as_of = context.database, context.scope, context.clock.today()
        report, period = self.report_key, self.chosen_period()
        pool_id = self._pool_id()
        chosen = self.responsible.currentData()
        responsible = uuid.UUID(chosen) if chosen and report == ACTION_CONTROL else None
        formats, results = context.formats, self._results
        columns = self.grid.model.columns if self._columns_report == report else ()
        self.query(
            lambda state: load_report(
                database,
                state,
                report=report,
                scope=scope,
                period=period,
                as_of=as_of,
                pool_id=pool_id,
                responsible_id=responsible,
                formats=formats,
                columns=columns,
                results=results,
                currency_shown=self.data.currency if self.data is not None else "",
            ),
            self._loaded,
            failure=self.read_failed,
            name="report",
        )

    def report_title(self) -> str:
        """The report's own title over an export."""
        return self.report.currentText()

    def report_filters(self) -> list[tuple[str, str]]:
        """The period in words, the pool, the agent (Action control) and the filter text."""
        fmt = self.context.formats
        period = self.chosen_period()
        lines = [
            (
                _("Period"),
                _("{start} to {end}").format(start=fmt.date(period.start), end=fmt.date(period.end))
                + (
                    f" ({self.period.currentText()})"
                    if self.period.currentData() != "dates"
                    else ""
                ),
            ),
            (_("Pool"), self.pool.currentText()),
        ]
        if self.report_key == ACTION_CONTROL:
            lines.append((_("Responsible"), self.responsible.currentText()))
        if self.data is not None and self.data.currency:
            lines.append((_("Amounts in"), self.data.currency))
        if text := self.grid.filter.text().strip():
            lines.append((_("Rows containing"), text))
        return lines

    def export_file_name(self) -> str | None:
        """action-control.csv or collections-by-agent.csv."""
        return f"{self.report_key.replace('_', '-')}.csv"

    def filter_state(self) -> PageState:
        """The report, the period chosen and its dates."""
        return {
            "report": self.report_key.encode(),
            "period": str(self.period.currentData()).encode(),
            "dates": f"{pydate(self.start.date())}/{pydate(self.end.date())}".encode(),
        }

    def restore_filters(self, state: PageState) -> None:
        """Put back the report and the period (a usual range is counted from today again)."""
        report = state.get("report", b"").decode(errors="replace")
        if (index := self.report.findData(report)) >= 0:
            self.report.setCurrentIndex(index)
        period = state.get("period", b"").decode(errors="replace")
        if period == "dates":
            try:
                start, end = (
                    dt.date.fromisoformat(part)
                    for part in state.get("dates", b"").decode().split("/")
                )
            except ValueError:
                return
            self.set_period(start, end)
        elif (index := self.period.findData(period)) >= 0:
            self.period.setCurrentIndex(index)

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, data: ReportData) -> None:
        if data.report != self.report_key:
            return  # the report changed meanwhile: its own read follows
        self.data = data
        self._results = data.results
        if data.prepared.columns != self.grid.model.columns:
            self.grid.fitter.stretch = STRETCH[data.report]
            self.grid.set_model(PreparedModel(data.prepared.columns, {}, self.grid))
            self._columns_report = data.report
            self.grid.model.right = set(_figure_columns(data.prepared.columns))
            self.grid.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._fill_responsibles(data.responsibles)
        fmt = self.context.formats
        count = len(data.prepared.rows)
        when = _("{start} to {end}").format(
            start=fmt.date(data.period.start), end=fmt.date(data.period.end)
        )
        if data.report == ACTION_CONTROL:
            title = ngettext("{count} action", "{count} actions", count).format(
                count=fmt.count(count)
            )
            if data.truncated:
                title = _("The first {count} actions; choose a shorter period").format(
                    count=fmt.count(count)
                )
            empty = _("No action was recorded on these customers in this period.")
        else:
            title = ngettext("{count} agent", "{count} agents", count).format(
                count=fmt.count(count)
            )
            empty = _("No collections agent is set up: add one in Set-up ▸ Agents.")
        self.grid.set_prepared(data.prepared, empty)
        self.grid.title.setText(title)
        self._selection_changed()
        self.set_status(self.with_note(f"{self.report.currentText()} · {when} · {title}"))
        self.loaded.emit(data)

    def _fill_responsibles(self, choices: Sequence[ResponsibleChoice]) -> None:
        combo = self.responsible
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for choice in choices:
            combo.addItem(choice.name, choice.id.hex)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)

    # --- reactions ----------------------------------------------------------------------

    def _pool_id(self) -> uuid.UUID | None:
        chosen = self.pool.currentData()
        return uuid.UUID(chosen) if chosen else None

    def _report_changed(self, *_args: Any) -> None:
        action = self.report_key == ACTION_CONTROL
        self.responsible.setVisible(action)
        self.responsible_label.setVisible(action)
        self.grid.title.setText("")
        self.filters_changed()

    def _period_chosen(self, *_args: Any) -> None:
        found = period_of(str(self.period.currentData()), self.context.clock.today())
        if found is not None:
            for edit, day in ((self.start, found.start), (self.end, found.end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self.filters_changed()

    def _dates_edited(self, *_args: Any) -> None:
        self.period.blockSignals(True)
        self.period.setCurrentIndex(self.period.findData("dates"))
        self.period.blockSignals(False)
        self.filters_changed()

    def _current(self) -> Any:
        return self.grid.current_row()

    def _selection_changed(self, *_args: Any) -> None:
        row = self._current()
        action = isinstance(row, ActionRow)
        self.open_action.setEnabled(action)
        self.record_action.setEnabled(action)
        self.agent_action.setEnabled(isinstance(row, AgentRow))
        self.open_action.setVisible(self.report_key == ACTION_CONTROL)
        if self.open_button is not None:
            self.open_button.setVisible(self.report_key == ACTION_CONTROL)
        self.record_action.setVisible(self.report_key == ACTION_CONTROL)
        self.agent_action.setVisible(self.report_key == COLLECTIONS_BY_AGENT)

    def _activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.grid.model.row(index)
        if isinstance(row, ActionRow):
            if index.column() == 1:  # the account: the customer record
                self.record_requested.emit(row.customer_id)
            else:
                self.customer_chosen.emit(row.customer_id)
        elif isinstance(row, AgentRow):
            self._agent(row)

    def _open_current(self) -> None:
        row = self._current()
        if isinstance(row, ActionRow):
            self.customer_chosen.emit(row.customer_id)

    def _open_record(self) -> None:
        row = self._current()
        if isinstance(row, ActionRow):
            self.record_requested.emit(row.customer_id)

    def _open_agent(self) -> None:
        row = self._current()
        if isinstance(row, AgentRow):
            self._agent(row)

    def _agent(self, row: AgentRow) -> None:
        """Action control on the agent of ``row``, same period and pool."""
        if self.responsible.findData(row.employee_id.hex) < 0:
            self.responsible.addItem(row.agent, row.employee_id.hex)
        self.responsible.blockSignals(True)
        self.responsible.setCurrentIndex(self.responsible.findData(row.employee_id.hex))
        self.responsible.blockSignals(False)
        self.report.setCurrentIndex(self.report.findData(ACTION_CONTROL))


def _figure_columns(columns: Sequence[Column[Any]]) -> list[int]:
    """The columns of counts and amounts (right-aligned headers)."""
    return [i for i, c in enumerate(columns) if c.fit == Fit.TEXT and c.header != _("Date")]


def action_columns(fmt: Formats, currency: str) -> list[Column[ActionRow]]:
    """Action control's columns, in the user's formats."""

    def with_currency(header: str) -> str:
        return f"{header} ({currency})" if currency else header

    return [
        Column(
            _("Customer"),
            lambda r: r.name,
            tooltip=lambda r: _("{account} · Enter opens the Workspace").format(account=r.account),
            fit=Fit.KEY,
        ),
        Column(_("Account"), lambda r: r.account, fit=Fit.KEY),
        Column(
            _("Oldest open item due"),
            lambda r: r.oldest_due,
            text=fmt.date,
            tooltip=lambda r: (
                ngettext("{days} day overdue", "{days} days overdue", r.days_overdue).format(
                    days=r.days_overdue
                )
                if r.days_overdue is not None and r.days_overdue > 0
                else _("Nothing is overdue")
            ),
        ),
        Column(_("Days overdue"), lambda r: r.days_overdue, text=lambda v: count_text(fmt, v)),
        Column(with_currency(_("Balance")), lambda r: r.balance, text=fmt.amount),
        Column(_("Date"), lambda r: r.at, text=fmt.moment),
        Column(_("Event"), lambda r: r.category or _("Action"), fit=Fit.LABEL),
        Column(_("Result"), lambda r: r.result, fit=Fit.LABEL),
        Column(_("Responsible"), lambda r: r.responsible, fit=Fit.LABEL),
        Column(
            _("Observations"),
            lambda r: r.purpose,
            tooltip=lambda r: r.memo or r.purpose,
            fit=Fit.FREE,
        ),
        Column(_("Activity"), lambda r: r.number, fit=Fit.KEY),
    ]


def agent_columns(
    fmt: Formats, currency: str, results: Sequence[tuple[str, str]]
) -> list[Column[AgentRow]]:
    """Collections by agent's columns: a column per result of a record."""

    def with_currency(header: str) -> str:
        return f"{header} ({currency})" if currency else header

    def number(value: int) -> str:
        return count_text(fmt, value)

    columns: list[Column[AgentRow]] = [
        Column(_("Agent"), lambda r: r.agent, fit=Fit.KEY),
        Column(_("Records"), lambda r: r.records, text=number),
    ]

    def of_result(code: str) -> Callable[[AgentRow], int]:
        return lambda row: row.by_result.get(code, 0)

    columns += [Column(name, of_result(code), text=number, fit=Fit.LABEL) for code, name in results]
    columns += [
        Column(_("Promises made"), lambda r: r.promises, text=number),
        Column(with_currency(_("Promised")), lambda r: r.promised, text=fmt.amount),
        Column(_("Kept"), lambda r: r.kept, text=number),
        Column(_("Partly kept"), lambda r: r.partly_kept, text=number),
        Column(_("Broken"), lambda r: r.broken, text=number),
        Column(with_currency(_("Received")), lambda r: r.received, text=fmt.amount),
        Column(with_currency(_("Settled")), lambda r: r.settled, text=fmt.amount),
    ]
    return columns
