"""The agency desk: the daily page of a debt-recovery agency's collectors and supervisors.

Five tabs, each read the first time it is shown and again with F5:

- **Case files**: the case files (expedientes) with client, debtor, collector, status,
  last action, debt, collected (approved), pending (unapproved) and outstanding, the
  oldest last action first. Client, collector and status filters (the open ones by
  default; a collector starts on their own cases) read again; the grid's filter box
  narrows by any word shown. Enter or a double-click opens the case file window;
  File ▸ Import case files… imports a client's assignment.
- **Unapproved collections**: the collections waiting for a supervisor, oldest first.
  Approve and Reject… (with a reason) for a supervisor, never on their own collection
  (the button says why it is disabled); the "Received" column toggles collected / not
  collected with one click (or Space), each change written to the collection's history,
  which the panel below shows. Open case file shows what was done on the case.
- **Collections calendar**: a month of promised payments, instalments and scheduled
  actions, a day's count and amount in its cell; ◀ ▶ and Today move, a day chosen lists
  its entries beside the month, and an entry opens its case file.
- **Reports** and **Expenses**: the panels of ``widgets.agency_reports`` and
  ``widgets.agency_expenses``.

Every read runs on a worker (``QueryOp``); every action is one transaction (``WriteOp``)
whose refusal (an ``AgencyError``) is shown in a message box and the status bar.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.agency.calendar import CalendarDay, calendar_days, calendar_month
from collections_desktop.models.agency.clients import ClientRow, list_clients
from collections_desktop.models.agency.collections import (
    approval_blocker,
    approve,
    reject,
    set_received,
)
from collections_desktop.models.agency.desk import (
    OPEN_STATUSES,
    DeskCounts,
    case_files,
    collection_history,
    desk_counts,
    unapproved_collections,
)
from collections_desktop.models.agency.rows import (
    CalendarEntry,
    CaseFileRow,
    CaseFilter,
    CollectionChangeRow,
    CollectionRow,
)
from collections_desktop.models.agency.staff import StaffRow, list_staff, staff_member
from collections_desktop.models.db.database import Database
from collections_desktop.models.importers.agency import import_case_files
from collections_desktop.models.receipts.methods import METHOD_NAMES
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.agency_import import CaseImportChoice, ImportCaseFilesDialog
from collections_desktop.views.dialogs.agency_names import (
    CASE_STATUS_NAMES,
    CLOSED_CASE_STATUSES,
    COLLECTION_CHANGE_NAMES,
    OUTCOME_NAMES,
    desk_refusal,
    name_of,
)
from collections_desktop.views.dialogs.agency_reject import RejectCollectionDialog
from collections_desktop.views.dialogs.case_file import open_case_file
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.itemmodels.prepared import PreparedModel, PreparedRows, prepare_rows
from collections_desktop.views.itemmodels.rows import LEFT, Column, Fit, Index
from collections_desktop.views.operations import QueryOp, ReadSlot, WriteOp
from collections_desktop.views.pages.base import ListPage, Page, PageState
from collections_desktop.views.style import alert_colour, heading_font
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.agency_expenses import ExpensesPanel
from collections_desktop.views.widgets.agency_reports import AgencyReportsPanel
from collections_desktop.views.widgets.grid import ListGrid, page_button, restore_header
from collections_desktop.views.widgets.grid import header_state as grid_state
from collections_desktop.views.widgets.month_grid import (
    DaySummary,
    MonthGrid,
    month_title,
    shift_month,
)
from collections_desktop.views.widgets.select import select_row

# --- names shown ----------------------------------------------------------------------

CLOSED_STATUSES = frozenset(str(status) for status in CLOSED_CASE_STATUSES)

OPEN, ALL, CLOSED = "open", "all", "closed"
STATUS_CHOICES: tuple[tuple[str, str], ...] = (
    (OPEN, N_("Open (not closed)")),
    (ALL, N_("Open and closed")),
    (CLOSED, N_("Closed")),
    *((str(status), name) for status, name in CASE_STATUS_NAMES.items()),
)
"""The status filter: a group of statuses, then each status."""

ENTRY_KINDS: dict[str, str] = {
    "promise": N_("Promise"),
    "instalment": N_("Instalment"),
    "action": N_("Action"),
}
"""What a calendar entry is."""

EVERYONE = ""
"""A chooser's "any" entry (clients, collectors)."""


def status_name(status: str) -> str:
    return name_of(CASE_STATUS_NAMES, status)


def method_name(method: str) -> str:
    return _(METHOD_NAMES[method]) if method in METHOD_NAMES else method


def statuses_of(choice: str) -> frozenset[str] | None:
    """The statuses a status filter choice lists (None: all)."""
    if choice == OPEN:
        return OPEN_STATUSES
    if choice == CLOSED:
        return CLOSED_STATUSES
    if choice in CASE_STATUS_NAMES:
        return frozenset({choice})
    return None


def money_totals(formats: Formats, totals: dict[str, Decimal], most: int = 3) -> str:
    """ "12,345.00 EUR + 800.00 USD": sums by currency, the largest first."""
    ordered = sorted(totals.items(), key=lambda item: (-abs(item[1]), item[0]))
    text = " + ".join(formats.money(amount, currency) for currency, amount in ordered[:most])
    if len(ordered) > most:
        text += " + …"
    return text


def show_currency(
    grid: ListGrid[Any], amounts: Sequence[int], currency: int, currencies: set[str]
) -> None:
    """One currency: its code in the amount columns' headers and the currency column
    hidden; several: plain headers and the currency column shown; none: neither."""
    model = grid.model
    single = next(iter(currencies)) if len(currencies) == 1 else None
    for column in amounts:
        header = model.columns[column].header
        model.set_header(
            column,
            _("{column} {currency}").format(column=header, currency=single) if single else header,
        )
    hide(grid, currency, len(currencies) < 2)


def hide(grid: ListGrid[Any], column: int, hidden: bool = True) -> None:
    """Hide (or show) ``column``; the other columns share the room again afterwards.

    Quietly: the header reports the hidden section resized while it hides it, and the
    fitter must not resize sections in the middle of that.
    """
    header = grid.view.horizontalHeader()
    if header.isSectionHidden(column) == hidden:
        return
    with grid.fitter.quiet():
        header.setSectionHidden(column, hidden)
    grid.fitter.fill()


# --- what the tabs read ---------------------------------------------------------------


@dataclass(frozen=True)
class DeskInfo:
    """Who is looking and what the choosers list, read with every tab."""

    me: StaffRow | None
    clients: tuple[ClientRow, ...]
    staff: tuple[StaffRow, ...]
    counts: DeskCounts

    @property
    def is_supervisor(self) -> bool:
        return self.me is not None and self.me.is_supervisor

    @property
    def is_collector(self) -> bool:
        """Agency staff who is not a supervisor: starts on their own cases."""
        return self.me is not None and not self.me.is_supervisor


def read_desk_info(session: Session, employee_id: uuid.UUID | None) -> DeskInfo:
    """The viewer's place at the desk, the clients, the staff and the desk's counts."""
    me = staff_member(session, employee_id) if employee_id is not None else None
    return DeskInfo(
        me=me,
        clients=tuple(list_clients(session)),
        staff=tuple(list_staff(session)),
        counts=desk_counts(session),
    )


def agency_role(database: Database, employee_id: uuid.UUID | None) -> StaffRow | None:
    """The viewer's row in the agency's staff (None: not agency staff, or no desk yet).

    A short query the main window makes once to choose its landing page.
    """
    if employee_id is None:
        return None
    try:
        with database.sessions() as session:
            return staff_member(session, employee_id)
    except SQLAlchemyError:
        return None


def run_case_import(
    session: Session, choice: CaseImportChoice, *, now: dt.datetime, by: uuid.UUID | None
) -> str:
    """Import the case files of ``choice`` (one transaction, all or nothing); what was
    imported, for the status bar. A file with errors raises with every error listed."""
    result = import_case_files(
        session, choice.path, client_code=choice.client_code, mapping=choice.mapping, now=now,
        by=by,
    )  # fmt: skip
    return str(result)


@dataclass(frozen=True)
class CaseFilesData:
    info: DeskInfo
    collector_id: uuid.UUID | None
    """The collector filter applied (a collector's own on the first read)."""
    rows: tuple[CaseFileRow, ...]
    prepared: PreparedRows[CaseFileRow]
    outstanding: dict[str, Decimal]


@dataclass(frozen=True)
class UnapprovedData:
    info: DeskInfo
    rows: tuple[CollectionRow, ...]
    prepared: PreparedRows[CollectionRow]


@dataclass(frozen=True)
class CalendarData:
    info: DeskInfo
    month: dt.date
    collector_id: uuid.UUID | None
    days: tuple[CalendarDay, ...]
    """The month's days with something due, counted in SQL."""
    summaries: dict[dt.date, DaySummary]
    day: dt.date
    """The day chosen, read with the month."""
    entries: tuple[CalendarEntry, ...]
    """Its entries, judged."""


def day_summary(day: CalendarDay) -> DaySummary:
    """A day of the month's grid, as ``calendar_days`` counts it."""
    return DaySummary(
        due=day.promises + day.instalments,
        amounts=tuple(sorted(day.amount_by_currency.items())),
        actions=day.actions,
        kinds={"promise": day.promises, "instalment": day.instalments, "action": day.actions},
    )


def chosen_day(month: dt.date, wanted: dt.date | None, today: dt.date) -> dt.date:
    """The day a month opens on: the one asked for, else today, else its first."""
    if wanted is not None and wanted.replace(day=1) == month:
        return wanted
    return today if today.replace(day=1) == month else month


# --- columns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TextColumn(Column[Any]):
    """A column whose values are not figures: left-aligned whatever their type."""

    def align(self, value: Any) -> Qt.AlignmentFlag:
        return LEFT


def amount_text(fmt: Formats) -> Callable[[Decimal], str]:
    """``fmt.amount`` for the grids, about three times faster on amounts of two decimals
    (50,000 case files show four amounts each): Python's grouping by three in the
    locale's signs, as ``Formats`` writes them."""
    sample = fmt.amount(Decimal("1000.50"))  # "1,000.50", "1.000,50", "1 000,50"
    signs = {ord(","): sample[1], ord("."): sample[5]}
    # Many amounts repeat (0.00 above all). Only amounts of two decimals are kept, and
    # the database gives every amount that is a whole number of cents with two.
    known: dict[Decimal, str] = {}

    def text(value: Decimal) -> str:
        found = known.get(value)
        if found is not None:
            return found
        if value.as_tuple().exponent != -2:
            return fmt.amount(value)
        found = format(value, ",.2f").translate(signs)
        if len(known) < 50_000:
            known[value] = found
        return found

    return text


def _day(fmt: Formats) -> Callable[[dt.date | None], str]:
    return lambda value: fmt.date(value) if value is not None else ""


(
    C_NUMBER,
    C_CLIENT,
    C_DEBTOR,
    C_TAX_ID,
    C_COLLECTOR,
    C_STATUS,
    C_ASSIGNED,
    C_LAST_ACTION,
    C_DEBT,
    C_COLLECTED,
    C_PENDING,
    C_OUTSTANDING,
    C_CURRENCY,
) = range(13)


def case_columns(fmt: Formats) -> list[Column[CaseFileRow]]:
    """The Case files tab's columns."""
    amount = amount_text(fmt)
    return [
        Column(_("Case file"), lambda r: r.number, fit=Fit.KEY),
        Column(
            _("Client"),
            lambda r: r.client_name,
            tooltip=lambda r: f"{r.client_code} {r.client_name}",
            fit=Fit.LABEL,
        ),
        Column(_("Debtor"), lambda r: r.debtor_name, fit=Fit.KEY),
        Column(_("Tax id"), lambda r: r.debtor_tax_id or ""),
        Column(_("Collector"), lambda r: r.collector_name or "", fit=Fit.LABEL),
        Column(_("Status"), lambda r: status_name(r.status), fit=Fit.KEY),
        Column(_("Assigned"), lambda r: r.assigned_on, text=_day(fmt)),
        Column(_("Last action"), lambda r: r.last_action_on, text=_day(fmt)),
        Column(
            _("Debt"),
            lambda r: r.debt,
            text=amount,
            tooltip=lambda r: _("Principal, interest and fees: {amount}").format(
                amount=fmt.money(r.debt, r.currency)
            ),
        ),
        Column(
            _("Collected"),
            lambda r: r.collected,
            text=amount,
            tooltip=lambda r: _("Approved collections: {amount}").format(
                amount=fmt.money(r.collected, r.currency)
            ),
        ),
        Column(
            _("Unapproved"),
            lambda r: r.pending,
            text=amount,
            tooltip=lambda r: _("Collections waiting for approval: {amount}").format(
                amount=fmt.money(r.pending, r.currency)
            ),
        ),
        Column(
            _("Outstanding"),
            lambda r: r.outstanding,
            text=amount,
            tooltip=lambda r: fmt.money(r.outstanding, r.currency),
        ),
        Column(_("Currency"), lambda r: r.currency),
    ]


(
    U_DATE,
    U_CASE,
    U_CLIENT,
    U_DEBTOR,
    U_AMOUNT,
    U_CURRENCY,
    U_METHOD,
    U_REFERENCE,
    U_COLLECTOR,
    U_RECEIVED,
    U_NOTE,
) = range(11)


def collection_columns(fmt: Formats) -> list[Column[CollectionRow]]:
    """The Unapproved collections tab's columns."""
    return [
        Column(_("Collected on"), lambda r: r.collected_on, text=_day(fmt)),
        Column(_("Case file"), lambda r: r.case_number, fit=Fit.KEY),
        Column(_("Client"), lambda r: r.client_name, fit=Fit.LABEL),
        Column(_("Debtor"), lambda r: r.debtor_name, fit=Fit.KEY),
        Column(
            _("Amount"),
            lambda r: r.amount,
            text=fmt.amount,
            tooltip=lambda r: fmt.money(r.amount, r.currency),
        ),
        Column(_("Currency"), lambda r: r.currency),
        Column(_("Method"), lambda r: method_name(r.method), fit=Fit.LABEL),
        Column(_("Reference"), lambda r: r.reference or "", fit=Fit.LABEL),
        Column(_("Collected by"), lambda r: r.collected_by_name, fit=Fit.LABEL),
        TextColumn(
            _("Money seen"),
            lambda r: r.received,
            text=lambda value: _("Collected") if value else _("Not collected"),
            tooltip=lambda r: _("Click (or Space) to mark it {state}; kept in its history").format(
                state=_("not collected") if r.received else _("collected")
            ),
        ),
        Column(_("Note"), lambda r: r.note or "", fit=Fit.FREE),
    ]


def history_columns(fmt: Formats) -> list[Column[CollectionChangeRow]]:
    """A collection's history, oldest first."""
    return [
        Column(_("When"), lambda r: r.changed_at, text=fmt.moment),
        Column(
            _("Change"),
            lambda r: name_of(COLLECTION_CHANGE_NAMES, r.change),
            fit=Fit.KEY,
        ),
        Column(_("By"), lambda r: r.changed_by_name or "", fit=Fit.LABEL),
        Column(_("Note"), lambda r: r.note or "", fit=Fit.FREE),
    ]


(E_KIND, E_CASE, E_DEBTOR, E_AMOUNT, E_CURRENCY, E_OUTCOME, E_COLLECTOR, E_TEXT) = range(8)


def entry_columns(fmt: Formats) -> list[Column[CalendarEntry]]:
    """A calendar day's entries."""

    def amount(value: Decimal | None) -> str:
        return fmt.amount(value) if value is not None else ""

    return [
        Column(
            _("What"),
            lambda e: _(ENTRY_KINDS[e.kind]) if e.kind in ENTRY_KINDS else e.kind,
            fit=Fit.KEY,
        ),
        Column(_("Case file"), lambda e: e.case_number, fit=Fit.KEY),
        Column(_("Debtor"), lambda e: e.debtor_name, fit=Fit.KEY),
        Column(_("Amount"), lambda e: e.amount, text=amount),
        Column(_("Currency"), lambda e: e.currency if e.amount is not None else ""),
        Column(
            _("Outcome"),
            lambda e: name_of(OUTCOME_NAMES, e.outcome),
            fit=Fit.KEY,
        ),
        Column(_("Collector"), lambda e: e.collector_name or "", fit=Fit.LABEL),
        Column(_("Details"), lambda e: e.text, fit=Fit.FREE),
    ]


class CollectionsModel(PreparedModel[CollectionRow]):
    """The unapproved collections, their "Money seen" cell a check box that asks for the
    change (``toggle_requested``) rather than making it: the desk writes it first."""

    toggle_requested = Signal(object)
    """A ``CollectionRow`` whose received flag the user clicked."""

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == U_RECEIVED:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid():
            if index.column() != U_RECEIVED or index.row() >= self.rowCount():
                return None
            received = self.row(index).received
            return Qt.CheckState.Checked if received else Qt.CheckState.Unchecked
        return super().data(index, role)

    def column_texts(self, column: int, count: int) -> list[str]:
        """What the grid measures: the check box's room besides the received texts."""
        texts = super().column_texts(column, count)
        if column == U_RECEIVED:
            return [f"{text}\u2003\u2003" for text in texts]
        return texts

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid():
            if index.column() == U_RECEIVED:
                self.toggle_requested.emit(self.row(index))
            return False  # shown changed once written
        return super().setData(index, value, role)


# --- the tabs ---------------------------------------------------------------------------


class CaseFilesTab(ListPage):
    """The case files, the oldest last action first (see the module's docstring)."""

    key = "agency_cases"
    title = N_("Case files")
    description = N_("The agency's case files with what was collected and what is outstanding")
    read_failure = N_("The case files could not be read: {reason}")
    exportable = True
    busy_width = 140

    case_requested = Signal(object)
    """A case file's id: open its window."""
    import_requested = Signal()
    """File ▸ Import case files…"""
    info_read = Signal(object)
    """The ``DeskInfo`` read with the list."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self.data: CaseFilesData | None = None
        self._defaulted = False
        self._muted = QColor()
        self._alert = QColor()
        super().__init__(context, parent)
        self._muted = muted_colour(self.palette())
        self._alert = alert_colour(self.palette())
        icons = context.icons
        self.refresh_action.setToolTip(_("Read the case files again (F5)"))
        self.client_filter = self._chooser("agency_client_filter", _("All clients"), 22)
        self.collector_filter = self._chooser("agency_collector_filter", _("Everyone"), 16)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("agency_status_filter")
        for value, label in STATUS_CHOICES:
            self.status_filter.addItem(_(label), value)
        self.status_filter.insertSeparator(3)
        self.add_filter(_("C&lient"), self.client_filter)
        self.add_filter(_("C&ollector"), self.collector_filter)
        self.add_filter(_("&Status"), self.status_filter)

        self.open_action = QAction(icons.get("details"), _("Open case file"), self)
        self.open_action.setToolTip(
            _("The case file: debtor, debt, collections, actions, promises (Enter)")
        )
        self.open_action.triggered.connect(self.open_current)
        self.import_action = QAction(icons.get("import"), _("Import case files…"), self)
        self.import_action.setToolTip(
            _("Import the case files a client assigned, from a CSV or Excel file")
        )
        refused = desk_refusal(read_only=context.database.read_only, replica=context.replica)
        self.import_action.setEnabled(refused is None)
        if refused is not None:
            self.import_action.setToolTip(refused)
        self.import_action.triggered.connect(self.import_requested)
        self.add_actions([(self.open_action, "agency_open_case_button")])
        self.add_filter_actions([(self.import_action, "agency_import_button")])
        self.grid.view.activated.connect(lambda _index: self.open_current())
        self.grid.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()
        self.grid.set_rows((), _("Loading…"))

    def _chooser(self, name: str, anyone: str, width: int) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setMinimumContentsLength(width)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.addItem(anyone, EVERYONE)
        return combo

    def make_grid(self) -> ListGrid[CaseFileRow]:
        grid: ListGrid[CaseFileRow] = ListGrid(
            "agency_cases",
            case_columns(self.context.formats),
            {
                C_STATUS: self._status_colour,
                C_PENDING: lambda r: self._muted if r.pending else None,
                C_OUTSTANDING: lambda r: self._alert if r.outstanding < 0 else None,
            },
            self.context.icons,
            stretch=C_DEBTOR,
        )
        grid.model.right = {C_DEBT, C_COLLECTED, C_PENDING, C_OUTSTANDING}
        grid.sort_by(-1, Qt.SortOrder.AscendingOrder)  # the oldest last action first, as read
        # Shown from the header's menu (right-click) when wanted: room for the names.
        hide(grid, C_ASSIGNED)
        grid.title.setText(_("Case files"))
        return grid

    def _status_colour(self, row: CaseFileRow) -> QColor | None:
        return self._muted if row.status in CLOSED_STATUSES else None

    # --- public -------------------------------------------------------------------------

    @property
    def client_id(self) -> uuid.UUID | None:
        chosen = self.client_filter.currentData()
        return uuid.UUID(chosen) if chosen else None

    @property
    def collector_id(self) -> uuid.UUID | None:
        chosen = self.collector_filter.currentData()
        return uuid.UUID(chosen) if chosen else None

    def current_case(self) -> CaseFileRow | None:
        return self.grid.current_row()

    def open_current(self) -> None:
        """Open the selected case file's window."""
        row = self.current_case()
        if row is not None:
            self.case_requested.emit(row.id)

    def load(self) -> None:
        context = self.context
        database, employee_id, as_of = (
            context.database,
            context.employee_id,
            context.clock.today(),
        )
        columns = self.grid.model.columns
        first = not self._defaulted
        client_id, collector_id = self.client_id, self.collector_id
        statuses = statuses_of(self.status_filter.currentData() or OPEN)

        def read(state: TaskState) -> CaseFilesData:
            with database.sessions() as session:
                info = read_desk_info(session, employee_id)
                chosen = collector_id
                if first and chosen is None and info.is_collector:
                    chosen = employee_id  # a collector starts on their own case files
                state.raise_if_cancelled()
                rows = case_files(
                    session,
                    CaseFilter(client_id=client_id, collector_id=chosen, statuses=statuses),
                    as_of=as_of,
                )
            state.raise_if_cancelled()
            totals: dict[str, Decimal] = defaultdict(Decimal)
            for row in rows:
                totals[row.currency] += row.outstanding
            return CaseFilesData(info, chosen, rows, prepare_rows(columns, rows), dict(totals))

        self.query(read, self._loaded, failure=self.read_failed, name="agency case files")

    def filter_state(self) -> PageState:
        return {"status": str(self.status_filter.currentData()).encode()}

    def restore_filters(self, state: PageState) -> None:
        if "status" in state:
            index = self.status_filter.findData(state["status"].decode(errors="replace"))
            if index >= 0:
                self.status_filter.setCurrentIndex(index)

    def link_activated(self, link: str) -> None:
        if link == "import":
            self.import_requested.emit()
        elif link == "all":
            for combo in (self.client_filter, self.collector_filter):
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
            self.status_filter.setCurrentIndex(self.status_filter.findData(ALL))
            self.refresh()
        else:
            super().link_activated(link)

    def export_file_name(self) -> str | None:
        return "case-files.csv"

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, data: CaseFilesData) -> None:
        current = self.current_case()
        self.data = data
        self._defaulted = True
        self._fill_choosers(data)
        filtered = (
            data.collector_id is not None
            or self.client_id is not None
            or self.status_filter.currentData() != OPEN
        )
        if filtered:
            empty = html.escape(_("No case file matches these filters.")) + (
                ' <a href="all">{text}</a>'.format(text=html.escape(_("Show every case file")))
            )
        else:
            empty = _("No open case files — {link}").format(
                link='<a href="import">{text}</a>'.format(
                    text=html.escape(_("File ▸ Import case files…"))
                )
            )
        show_currency(
            self.grid,
            (C_DEBT, C_COLLECTED, C_PENDING, C_OUTSTANDING),
            C_CURRENCY,
            {row.currency for row in data.rows},
        )
        self.grid.set_prepared(data.prepared, empty)
        fmt = self.context.formats
        count = len(data.rows)
        title = ngettext("{count} case file", "{count} case files", count).format(
            count=fmt.count(count)
        )
        full = title
        if data.outstanding:
            full += " · " + _("outstanding {amounts}").format(
                amounts=money_totals(fmt, data.outstanding)
            )
        # Several currencies' totals would crowd the buttons: the status bar says them.
        self.grid.title.setText(full if len(data.outstanding) == 1 else title)
        if not (current is not None and self.select_case(current.id)) and data.rows:
            select_row(self.grid.view, 0)
        self._selection_changed()
        choices = [self.status_filter.currentText().lower()]
        if self.collector_id is not None:
            choices.append(self.collector_filter.currentText())
        if self.client_id is not None:
            choices.append(self.client_filter.currentText())
        self.set_status(self.with_note(f"{full} · {', '.join(choices)}"))
        self.info_read.emit(data.info)
        self.loaded.emit(data)

    def select_case(self, case_id: uuid.UUID) -> bool:
        """Make ``case_id`` the current row; False when it is not listed."""
        for index, row in enumerate(self.grid.model.rows()):
            if row.id == case_id:
                select_row(self.grid.view, index)
                return True
        return False

    def _fill_choosers(self, data: CaseFilesData) -> None:
        info = data.info
        combo = self.client_filter
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for client in info.clients:
            combo.addItem(f"{client.name} ({client.code})", client.id.hex)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)
        combo = self.collector_filter
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        me = info.me.employee_id if info.me is not None else None
        for member in info.staff:
            label = member.name
            if member.employee_id == me:
                label = _("{name} (me)").format(name=member.name)
            combo.addItem(label, member.employee_id.hex)
        wanted = data.collector_id.hex if data.collector_id is not None else EVERYONE
        combo.setCurrentIndex(max(combo.findData(wanted), 0))
        combo.blockSignals(False)

    def _selection_changed(self, *_args: Any) -> None:
        self.open_action.setEnabled(self.current_case() is not None)


class ListKeys(QObject):
    """Space toggles "Money seen" of the current collection in the unapproved grid."""

    def __init__(self, tab: UnapprovedTab) -> None:
        super().__init__(tab)
        self.tab = tab

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and not event.modifiers()
        ):
            self.tab.toggle_current()
            return True
        return False


class UnapprovedTab(ListPage):
    """The collections waiting for a supervisor (see the module's docstring)."""

    key = "agency_unapproved"
    title = N_("Unapproved collections")
    description = N_("The collections waiting for a supervisor's approval")
    read_failure = N_("The unapproved collections could not be read: {reason}")
    exportable = True
    busy_width = 140

    case_requested = Signal(object)
    info_read = Signal(object)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self.data: UnapprovedData | None = None
        self.pending: set[uuid.UUID] = set()
        """Collections whose change is being written (a double click writes once)."""
        self.last_history: tuple[CollectionChangeRow, ...] = ()
        super().__init__(context, parent)
        icons = context.icons
        self.refresh_action.setToolTip(_("Read the collections waiting again (F5)"))
        self.approve_action = QAction(icons.get("close_activity"), _("Approve"), self)
        self.approve_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.approve_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.approve_action.triggered.connect(self.approve_current)
        self.reject_action = QAction(icons.get("cancel"), _("Reject…"), self)
        self.reject_action.setShortcut(QKeySequence("Ctrl+Shift+J"))
        self.reject_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.reject_action.triggered.connect(lambda: self.reject_current())
        self.received_action = QAction(icons.get("payment"), _("Collected / not"), self)
        self.received_action.triggered.connect(self.toggle_current)
        self.open_action = QAction(icons.get("details"), _("Open case file"), self)
        self.open_action.setToolTip(
            _("Review the case's collections and actions before deciding (Enter)")
        )
        self.open_action.triggered.connect(self.open_current)
        for action in (self.approve_action, self.reject_action):
            self.addAction(action)
        self.add_actions(
            [
                (self.approve_action, "agency_approve_button"),
                (self.reject_action, "agency_reject_button"),
                (self.received_action, "agency_received_button"),
                (self.open_action, "agency_open_collection_case_button"),
            ]
        )
        self.grid.set_model(CollectionsModel(self.grid.model.columns, {}, self.grid))
        self._connect_model()
        self.grid.view.activated.connect(self._activated)
        self.keys = ListKeys(self)
        self.grid.view.installEventFilter(self.keys)
        self._build_history()
        self._selection_changed()
        self.grid.set_rows((), _("Loading…"))

    def make_grid(self) -> ListGrid[CollectionRow]:
        grid: ListGrid[CollectionRow] = ListGrid(
            "agency_unapproved",
            collection_columns(self.context.formats),
            {},
            self.context.icons,
            stretch=U_NOTE,
        )
        grid.model.right = {U_AMOUNT}
        grid.sort_by(-1, Qt.SortOrder.AscendingOrder)  # oldest first, as read
        grid.title.setText(_("Collections waiting for approval"))
        return grid

    def _connect_model(self) -> None:
        model = self.grid.model
        assert isinstance(model, CollectionsModel)
        model.right = {U_AMOUNT}
        model.toggle_requested.connect(self.toggle_received)
        self.grid.view.selectionModel().currentRowChanged.connect(self._selection_changed)
        self.grid.view.selectionModel().selectionChanged.connect(self._selection_changed)

    def _build_history(self) -> None:
        self.body.removeWidget(self.grid)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("agency_unapproved_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.grid)
        self.history: ListGrid[CollectionChangeRow] = ListGrid(
            "agency_collection_history",
            history_columns(self.context.formats),
            {},
            self.context.icons,
            stretch=3,
        )
        self.history.title.setText(_("History of the collection"))
        self.history.filter.hide()
        self.history.set_rows((), _("Select a collection to see its history."))
        self.splitter.addWidget(self.history)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([460, 150])
        self.body.addWidget(self.splitter, 1)
        self.history_reads = ReadSlot(self)

    # --- public -------------------------------------------------------------------------

    @property
    def is_loading(self) -> bool:
        return self.reads.is_loading or self.history_reads.is_loading

    def current_collection(self) -> CollectionRow | None:
        return self.grid.current_row()

    def select_collection(self, collection_id: uuid.UUID) -> bool:
        for index, row in enumerate(self.grid.model.rows()):
            if row.id == collection_id:
                select_row(self.grid.view, index)
                return True
        return False

    def approve_block(self, row: CollectionRow) -> str | None:
        """Why the viewer may not approve or reject ``row`` (None: they may)."""
        context = self.context
        info = self.data.info if self.data is not None else None
        refused = desk_refusal(read_only=context.database.read_only, replica=context.replica)
        if refused is not None:
            return refused
        if context.employee_id is None or info is None or info.me is None:
            return _("Only a supervisor of the agency desk may approve or reject a collection.")
        return approval_blocker(
            state=row.state,
            collected_by_id=row.collected_by_id,
            approver_id=context.employee_id,
            approver_is_supervisor=info.me.is_supervisor,
        )

    def toggle_block(self) -> str | None:
        """Why the viewer may not mark collections collected or not (None: they may)."""
        context = self.context
        refused = desk_refusal(read_only=context.database.read_only, replica=context.replica)
        if refused is not None:
            return refused
        if context.employee_id is None:
            return _("Only an employee of the agency marks collections collected or not.")
        return None

    def open_current(self) -> None:
        row = self.current_collection()
        if row is not None:
            self.case_requested.emit(row.case_id)

    def toggle_current(self) -> None:
        row = self.current_collection()
        if row is not None:
            self.toggle_received(row)

    def toggle_received(self, row: CollectionRow) -> None:
        """Mark ``row`` collected when it was not, and not collected when it was."""
        block = self.toggle_block()
        if block is not None:
            self.set_status(block)
            return
        if row.id in self.pending:
            return
        self.pending.add(row.id)
        context = self.context
        received = not row.received
        employee_id = context.employee_id
        assert employee_id is not None  # toggle_block saw to it

        def work(session: Session) -> None:
            set_received(
                session, row.id, row.version, received, by=employee_id, now=context.clock.now()
            )

        def done(_result: None) -> None:
            self.pending.discard(row.id)
            changed = dataclasses.replace(row, received=received, version=row.version + 1)
            self._replace_rows({row.id: changed}, set())
            amount = context.formats.money(row.amount, row.currency)
            text = (
                _("{amount} on {case} marked collected")
                if received
                else _("{amount} on {case} marked not collected")
            ).format(amount=amount, case=row.case_number)
            self.set_status(text)
            self._read_history()

        def failed(message: str) -> None:
            self.pending.discard(row.id)
            self._write_refused(message)

        WriteOp(work, done, "agency received", failure=failed).run(context.runner, context.database)

    def approve_current(self) -> None:
        """Approve the selected collection (a supervisor, not its collector)."""
        row = self.current_collection()
        if row is None or row.id in self.pending:
            return
        block = self.approve_block(row)
        if block is not None:
            self._refused(block)
            return
        context = self.context
        supervisor = context.employee_id
        assert supervisor is not None  # approve_block saw to it
        self.pending.add(row.id)

        def work(session: Session) -> None:
            approve(session, row.id, row.version, supervisor_id=supervisor, now=context.clock.now())

        def done(_result: None) -> None:
            self.pending.discard(row.id)
            self._replace_rows({}, {row.id})
            self.written(
                _("{amount} collected by {collector} on {case} approved").format(
                    amount=context.formats.money(row.amount, row.currency),
                    collector=row.collected_by_name,
                    case=row.case_number,
                )
            )

        def failed(message: str) -> None:
            self.pending.discard(row.id)
            self._write_refused(message)

        WriteOp(work, done, "agency approve", failure=failed).run(context.runner, context.database)

    def reject_current(self, reason: str | None = None) -> RejectCollectionDialog | None:
        """Reject…: ask why (unless ``reason`` is given), then reject the collection."""
        row = self.current_collection()
        if row is None or row.id in self.pending:
            return None
        block = self.approve_block(row)
        if block is not None:
            self._refused(block)
            return None
        if reason is not None:
            self._reject(row, reason, None)
            return None
        dialog = RejectCollectionDialog(row, self.context.formats, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda text: self._reject(row, text, dialog))
        self.reject_dialog = dialog
        dialog.open()
        return dialog

    def _reject(
        self, row: CollectionRow, reason: str, dialog: RejectCollectionDialog | None
    ) -> None:
        context = self.context
        supervisor = context.employee_id
        assert supervisor is not None  # approve_block saw to it
        self.pending.add(row.id)

        def work(session: Session) -> None:
            reject(
                session,
                row.id,
                row.version,
                supervisor_id=supervisor,
                reason=reason,
                now=context.clock.now(),
            )

        def done(_result: None) -> None:
            self.pending.discard(row.id)
            self._replace_rows({}, {row.id})
            self.written(
                _("{amount} collected by {collector} on {case} rejected").format(
                    amount=context.formats.money(row.amount, row.currency),
                    collector=row.collected_by_name,
                    case=row.case_number,
                )
            )

        def failed(message: str) -> None:
            self.pending.discard(row.id)
            if dialog is None:
                self._write_refused(message)
            else:
                self.refresh()

        WriteOp(work, done, "agency reject", failure=failed, feedback=dialog).run(
            context.runner, context.database
        )

    def save_state(self) -> PageState:
        state = super().save_state()
        state["splitter"] = bytes(self.splitter.saveState().data())
        state["history"] = grid_state(self.history)
        return state

    def restore_state(self, state: PageState) -> None:
        super().restore_state(state)
        if "splitter" in state:
            self.splitter.restoreState(QByteArray(state["splitter"]))
        restore_header(self.history, state.get("history"))

    def export_file_name(self) -> str | None:
        return "unapproved-collections.csv"

    # --- loading ------------------------------------------------------------------------

    def load(self) -> None:
        context = self.context
        database, employee_id = context.database, context.employee_id
        columns = self.grid.model.columns

        def read(state: TaskState) -> UnapprovedData:
            with database.sessions() as session:
                info = read_desk_info(session, employee_id)
                rows = unapproved_collections(session)
            state.raise_if_cancelled()
            return UnapprovedData(info, rows, prepare_rows(columns, rows))

        self.query(read, self._loaded, failure=self.read_failed, name="agency unapproved")

    def _loaded(self, data: UnapprovedData) -> None:
        current = self.current_collection()
        self.data = data
        self._show(data)
        if not (current is not None and self.select_collection(current.id)) and data.rows:
            select_row(self.grid.view, 0)
        self._selection_changed()
        self.info_read.emit(data.info)
        self.loaded.emit(data)

    def _show(self, data: UnapprovedData) -> None:
        fmt = self.context.formats
        show_currency(self.grid, (U_AMOUNT,), U_CURRENCY, {row.currency for row in data.rows})
        self.grid.set_prepared(
            data.prepared,
            html.escape(
                _(
                    "No collection is waiting for approval. A collection recorded on a case "
                    "file waits here until a supervisor approves or rejects it."
                )
            ),
        )
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for row in data.rows:
            totals[row.currency] += row.amount
        count = len(data.rows)
        title = ngettext(
            "{count} collection waiting, oldest first",
            "{count} collections waiting, oldest first",
            count,
        ).format(count=fmt.count(count))
        if totals:
            title += " · " + money_totals(fmt, dict(totals))
        # Several currencies' totals would crowd the buttons: the status bar says them.
        self.grid.title.setText(title if len(totals) < 2 else title.split(" · ")[0])
        mine = ""
        if data.info.me is None:
            mine = _("you are not on the agency's staff")
        elif not data.info.is_supervisor:
            mine = _("a supervisor approves them")
        self.set_status(self.with_note(" · ".join(part for part in (title, mine) if part)))

    def _replace_rows(self, changed: dict[uuid.UUID, CollectionRow], gone: set[uuid.UUID]) -> None:
        """Show ``changed`` rows in place of theirs and drop ``gone``, the current row kept
        (or the one after a row gone)."""
        data = self.data
        if data is None:
            return
        current = self.current_collection()
        following: uuid.UUID | None = current.id if current is not None else None
        if current is not None and current.id in gone:
            shown = self.grid.model.rows()
            position = next((i for i, r in enumerate(shown) if r.id == current.id), 0)
            after = [r for r in shown[position + 1 :] if r.id not in gone]
            before = [r for r in shown[:position] if r.id not in gone]
            pick = after[0] if after else (before[-1] if before else None)
            following = pick.id if pick is not None else None
        rows = tuple(changed.get(r.id, r) for r in data.rows if r.id not in gone)
        counts = data.info.counts
        if gone:
            counts = dataclasses.replace(counts, unapproved=max(counts.unapproved - len(gone), 0))
        info = dataclasses.replace(data.info, counts=counts)
        self.data = UnapprovedData(info, rows, prepare_rows(self.grid.model.columns, rows))
        self._show(self.data)
        if following is not None:
            self.select_collection(following)
        self._selection_changed()
        self.info_read.emit(info)

    # --- reactions ----------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        if index.column() != U_RECEIVED:
            self.open_current()

    def _selection_changed(self, *_args: Any) -> None:
        row = self.current_collection()
        block = self.approve_block(row) if row is not None else None
        decide = row is not None and block is None
        self.approve_action.setEnabled(decide)
        self.reject_action.setEnabled(decide)
        if row is None:
            tip = _("Select a collection first")
            self.approve_action.setToolTip(tip)
            self.reject_action.setToolTip(tip)
        elif block is not None:
            self.approve_action.setToolTip(block)
            self.reject_action.setToolTip(block)
        else:
            self.approve_action.setToolTip(
                _("It counts for the client's remittance and the collector's commission "
                  "(Ctrl+Shift+A)")
            )  # fmt: skip
            self.reject_action.setToolTip(
                _("Refuse it with a reason the collector reads (Ctrl+Shift+J)")
            )
        toggle_block = self.toggle_block()
        self.received_action.setEnabled(row is not None and toggle_block is None)
        if toggle_block is not None:
            self.received_action.setToolTip(toggle_block)
        elif row is not None:
            self.received_action.setText(
                _("Mark not collected") if row.received else _("Mark collected")
            )
            self.received_action.setToolTip(
                _("Whether the money was seen; each change is kept in its history (Space)")
            )
        self.open_action.setEnabled(row is not None)
        shown = self.last_history[0].collection_id if self.last_history else None
        if row is None:
            self.last_history = ()
            self.history.set_rows((), _("Select a collection to see its history."))
        elif row.id != shown:
            self._read_history()

    def _read_history(self) -> None:
        row = self.current_collection()
        if row is None:
            return
        database, collection_id = self.context.database, row.id

        def read(_state: TaskState) -> tuple[CollectionChangeRow, ...]:
            with database.sessions() as session:
                return tuple(collection_history(session, collection_id))

        def show(rows: tuple[CollectionChangeRow, ...]) -> None:
            self.last_history = rows
            self.history.set_rows(rows, _("No change recorded yet."))
            self.history.title.setText(
                _("History of {amount} on {case}").format(
                    amount=self.context.formats.money(row.amount, row.currency),
                    case=row.case_number,
                )
            )

        QueryOp(
            read,
            show,
            "agency collection history",
            failure=lambda error: self.history.set_rows(
                (), html.escape(_("The history could not be read: {reason}").format(reason=error))
            ),
        ).run(self.context.runner, self.history_reads)

    def _refused(self, message: str) -> None:
        self.set_status(message)
        QMessageBox.warning(self, _("Unapproved collections"), message)

    def _write_refused(self, message: str) -> None:
        """A change was refused (another supervisor was quicker, the case closed …): say
        why, and read the list again so it shows how things stand."""
        self._refused(message)
        self.refresh()


class CalendarTab(Page):
    """A month of promised payments, instalments and scheduled actions, and a day's list."""

    key = "agency_calendar"
    title = N_("Collections calendar")
    description = N_("Promised payments, instalments and scheduled actions, by day")
    busy_width = 120

    case_requested = Signal(object)
    info_read = Signal(object)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.data: CalendarData | None = None
        self._defaulted = False
        self.day_reads = ReadSlot(self)
        self._month_only = False
        self.entries: dict[dt.date, tuple[CalendarEntry, ...]] = {}
        """The days' entries read for the month shown."""
        today = context.clock.today()
        self.month = today.replace(day=1)
        self.wanted_day: dt.date | None = today
        icons, fmt = context.icons, context.formats
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 8)
        outer.setSpacing(8)
        top = QHBoxLayout()
        top.setSpacing(6)
        self.previous_action = QAction(_("◀"), self)
        self.previous_action.setToolTip(_("The previous month (Page Up)"))
        self.previous_action.triggered.connect(lambda: self.step(-1))
        self.next_action = QAction(_("▶"), self)
        self.next_action.setToolTip(_("The next month (Page Down)"))
        self.next_action.triggered.connect(lambda: self.step(1))
        self.today_action = QAction(icons.get("appointment"), _("Today"), self)
        self.today_action.setToolTip(_("Back to this month, on today (Home)"))
        self.today_action.triggered.connect(self.go_today)
        previous = page_button(self.previous_action, "agency_previous_month")
        previous.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        following = page_button(self.next_action, "agency_next_month")
        following.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.month_label = QLabel()
        self.month_label.setObjectName("agency_month_title")
        self.month_label.setFont(heading_font(self.font()))
        self.month_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("M" * 14))
        self.month_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        top.addWidget(previous)
        top.addWidget(self.month_label)
        top.addWidget(following)
        top.addWidget(page_button(self.today_action, "agency_today_button"))
        top.addSpacing(12)
        self.collector_filter = QComboBox()
        self.collector_filter.setObjectName("agency_calendar_collector")
        self.collector_filter.setMinimumContentsLength(16)
        self.collector_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.collector_filter.addItem(_("Everyone"), EVERYONE)
        label = QLabel(_("C&ollector"))
        label.setBuddy(self.collector_filter)
        top.addWidget(label)
        top.addWidget(self.collector_filter)
        self.collector_filter.currentIndexChanged.connect(self._collector_changed)
        top.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("agency_month_summary")
        top.addWidget(self.summary)
        top.addSpacing(12)
        top.addWidget(self.busy.bar)
        top.addWidget(self.busy.label)
        self.refresh_action = QAction(icons.get("refresh"), _("Refresh"), self)
        self.refresh_action.setToolTip(_("Read the month again (F5)"))
        self.refresh_action.triggered.connect(self.refresh)
        top.addWidget(page_button(self.refresh_action, "agency_calendar_refresh_button"))
        outer.addLayout(top)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("agency_calendar_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.grid = MonthGrid(fmt)
        self.grid.day_chosen.connect(self.show_day)
        self.grid.day_activated.connect(self._day_activated)
        self.grid.month_requested.connect(self.show_month)
        self.grid.today_requested.connect(self.go_today)
        self.splitter.addWidget(self.grid)
        self.day_list: ListGrid[CalendarEntry] = ListGrid(
            "agency_day",
            entry_columns(fmt),
            {E_OUTCOME: self._outcome_colour},
            icons,
            stretch=E_TEXT,
        )
        self.day_list.model.right = {E_AMOUNT}
        self.day_list.sort_by(-1, Qt.SortOrder.AscendingOrder)
        self.day_list.filter.hide()
        self.open_action = QAction(icons.get("details"), _("Open case file"), self)
        self.open_action.setToolTip(_("The case file of the entry chosen (Enter)"))
        self.open_action.triggered.connect(self.open_current)
        self.day_list.head.insertWidget(2, page_button(self.open_action, "agency_day_open_button"))
        self.day_list.view.activated.connect(lambda _index: self.open_current())
        self.day_list.view.addAction(self.open_action)
        self.day_list.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.day_list.view.selectionModel().selectionChanged.connect(self._entry_changed)
        self.splitter.addWidget(self.day_list)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([660, 460])
        outer.addWidget(self.splitter, 1)
        self._alert = alert_colour(self.palette())
        self.month_label.setText(month_title(self.month, fmt.locale))
        self.day_list.set_rows((), _("Loading…"))
        self._entry_changed()

    def _outcome_colour(self, entry: CalendarEntry) -> QColor | None:
        return self._alert if entry.outcome == "broken" else None

    # --- public -------------------------------------------------------------------------

    @property
    def collector_id(self) -> uuid.UUID | None:
        chosen = self.collector_filter.currentData()
        return uuid.UUID(chosen) if chosen else None

    @property
    def is_loading(self) -> bool:
        return self.reads.is_loading or self.day_reads.is_loading

    def step(self, months: int) -> None:
        """The previous (-1) or next (+1) month, on the same day of the month."""
        chosen = self.grid.selected or self.month
        self.show_month(shift_month(chosen, months))

    def go_today(self) -> None:
        self.show_month(self.context.clock.today())

    def show_month(self, day: dt.date) -> None:
        """Show ``day``'s month with ``day`` chosen."""
        self.wanted_day = day
        if day.replace(day=1) == self.month and self.data is not None:
            self.grid.select(day)
            return
        self.month = day.replace(day=1)
        self.month_label.setText(month_title(self.month, self.context.formats.locale))
        self._month_only = self.data is not None  # the desk's counts and staff as they were
        self.refresh()

    def show_day(self, day: dt.date) -> None:
        """List ``day``'s entries beside the month (read when not read yet)."""
        fmt = self.context.formats
        self.day_list.title.setText(fmt.date(day, "long"))
        data = self.data
        if day in self.entries or data is None:
            self._show_entries(day, self.entries.get(day, ()))
            return
        self.day_list.set_rows((), _("Loading…"))
        self._entry_changed()
        context = self.context
        database, as_of, collector_id = context.database, context.clock.today(), data.collector_id

        def read(_state: TaskState) -> tuple[CalendarEntry, ...]:
            with database.sessions() as session:
                month = calendar_month(
                    session, day, collector_id=collector_id, as_of=as_of, day=day
                )
            return month.entries

        def show(entries: tuple[CalendarEntry, ...]) -> None:
            if self.data is data:  # still the month and the collector it was read for
                self.entries[day] = entries
                if self.grid.selected == day:
                    self._show_entries(day, entries)

        QueryOp(read, show, "agency calendar day", failure=self._failed).run(
            context.runner, self.day_reads
        )

    def _show_entries(self, day: dt.date, entries: Sequence[CalendarEntry]) -> None:
        fmt = self.context.formats
        show_currency(
            self.day_list,
            (E_AMOUNT,),
            E_CURRENCY,
            {entry.currency for entry in entries if entry.amount is not None},
        )
        self.day_list.set_rows(
            entries, html.escape(_("Nothing due or scheduled on {day}.").format(day=fmt.date(day)))
        )
        self.day_list.title.setText(fmt.date(day, "long"))
        if entries:
            select_row(self.day_list.view, 0)
        self._entry_changed()

    def current_entry(self) -> CalendarEntry | None:
        return self.day_list.current_row()

    def open_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.case_requested.emit(entry.case_id)

    def load(self) -> None:
        context = self.context
        database, employee_id, as_of = (
            context.database,
            context.employee_id,
            context.clock.today(),
        )
        month, collector_id, first = self.month, self.collector_id, not self._defaulted
        day = chosen_day(month, self.wanted_day or self.grid.selected, as_of)
        known = self.data.info if self._month_only and self.data is not None else None
        self._month_only = False

        def read(state: TaskState) -> CalendarData:
            with database.sessions() as session:
                info = known or read_desk_info(session, employee_id)
                chosen = collector_id
                if first and chosen is None and info.is_collector:
                    chosen = employee_id  # a collector's own calendar first
                state.raise_if_cancelled()
                days = calendar_days(session, month, collector_id=chosen)
                state.raise_if_cancelled()
                entries = calendar_month(
                    session, month, collector_id=chosen, as_of=as_of, day=day
                ).entries
            summaries = {found.day: day_summary(found) for found in days}
            return CalendarData(info, month, chosen, days, summaries, day, entries)

        self.query(read, self._loaded, failure=self._failed, name="agency calendar")

    def save_state(self) -> PageState:
        return {
            "splitter": bytes(self.splitter.saveState().data()),
            "day": grid_state(self.day_list),
        }

    def restore_state(self, state: PageState) -> None:
        if "splitter" in state:
            self.splitter.restoreState(QByteArray(state["splitter"]))
        restore_header(self.day_list, state.get("day"))

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, data: CalendarData) -> None:
        if data.month != self.month:
            return
        self.data = data
        self._defaulted = True
        self.entries = {data.day: data.entries}
        self._fill_collectors(data)
        fmt = self.context.formats
        today = self.context.clock.today()
        self.grid.set_month(data.month, today, data.summaries, data.day)
        self.wanted_day = None
        self.show_day(data.day)
        due = sum(found.promises + found.instalments for found in data.days)
        actions = sum(found.actions for found in data.days)
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for found in data.days:
            for currency, amount in found.amount_by_currency.items():
                totals[currency] += amount
        parts = [
            ngettext("{count} payment due", "{count} payments due", due).format(
                count=fmt.count(due)
            )
        ]
        if totals:
            parts[0] += " (" + money_totals(fmt, dict(totals)) + ")"
        parts.append(
            ngettext("{count} action scheduled", "{count} actions scheduled", actions).format(
                count=fmt.count(actions)
            )
        )
        text = " · ".join(parts)
        self.summary.setText(text)
        title = month_title(data.month, fmt.locale)
        who = self.collector_filter.currentText()
        self.set_status(f"{title}: {text} · {who}")
        self.info_read.emit(data.info)
        self.loaded.emit(data)

    def _failed(self, error: BaseException) -> None:
        message = _("The calendar could not be read: {reason}").format(reason=error)
        self.summary.setText(message)
        self.set_status(message)

    def _fill_collectors(self, data: CalendarData) -> None:
        combo = self.collector_filter
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        me = data.info.me.employee_id if data.info.me is not None else None
        for member in data.info.staff:
            label = member.name
            if member.employee_id == me:
                label = _("{name} (me)").format(name=member.name)
            combo.addItem(label, member.employee_id.hex)
        wanted = data.collector_id.hex if data.collector_id is not None else EVERYONE
        combo.setCurrentIndex(max(combo.findData(wanted), 0))
        combo.blockSignals(False)

    # --- reactions ----------------------------------------------------------------------

    def _collector_changed(self) -> None:
        self.wanted_day = self.grid.selected
        if self.started:
            self.refresh()

    def _day_activated(self, day: dt.date) -> None:
        self.show_day(day)
        self.day_list.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _entry_changed(self, *_args: Any) -> None:
        self.open_action.setEnabled(self.current_entry() is not None)


# --- the page ---------------------------------------------------------------------------

CASES, UNAPPROVED, CALENDAR, REPORTS, EXPENSES = range(5)


class AgencyPage(Page):
    """The agency desk: case files, unapproved collections, calendar, reports, expenses."""

    key = "agency"
    title = N_("Agency desk")
    description = N_(
        "Case files, collections waiting for approval, the collections calendar, reports "
        "and expenses"
    )
    icon = "agency_case_files"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.info: DeskInfo | None = None
        self.case_windows: dict[uuid.UUID, QWidget] = {}
        self.cases = CaseFilesTab(context)
        self.unapproved = UnapprovedTab(context)
        self.calendar = CalendarTab(context)
        self.import_reads = ReadSlot(self)
        self.import_dialog: ImportCaseFilesDialog | None = None
        self.reports: AgencyReportsPanel | None = None
        self.expenses: ExpensesPanel | None = None
        self.tabs = QTabWidget()
        self.tabs.setObjectName("agency_tabs")
        self.tabs.setDocumentMode(True)
        icons = context.icons
        self.tabs.addTab(self.cases, icons.get("agency_case_files"), _("Case files"))
        self.tabs.addTab(self.unapproved, icons.get("payment"), _("Unapproved collections"))
        self.tabs.addTab(self.calendar, icons.get("appointment"), _("Collections calendar"))
        self._reports_holder = self._holder("agency_reports_holder")
        self._expenses_holder = self._holder("agency_expenses_holder")
        self.tabs.addTab(self._reports_holder, icons.get("reports"), _("Reports"))
        self.tabs.addTab(self._expenses_holder, icons.get("charges"), _("Expenses"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.tabs)
        self.desk_tabs: tuple[Page, ...] = (self.cases, self.unapproved, self.calendar)
        for tab in self.desk_tabs:
            tab.status_changed.connect(lambda text, tab=tab: self._tab_status(tab, text))
            tab.busy_changed.connect(self.busy_changed)
        for signal in (
            self.cases.case_requested,
            self.unapproved.case_requested,
            self.calendar.case_requested,
        ):
            signal.connect(self.open_case)
        for signal in (self.cases.info_read, self.unapproved.info_read, self.calendar.info_read):
            signal.connect(self._info_read)
        self.cases.import_requested.connect(self.import_case_files)
        self.tabs.currentChanged.connect(self._tab_changed)

    def _holder(self, name: str) -> QWidget:
        holder = QWidget()
        holder.setObjectName(name)
        QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
        return holder

    # --- what the main window uses ------------------------------------------------------

    @property
    def is_loading(self) -> bool:
        panels = [panel for panel in (self.reports, self.expenses) if panel is not None]
        return any(tab.is_loading for tab in self.desk_tabs) or any(
            panel.is_loading for panel in panels
        )

    def activate(self) -> None:
        self.started = True
        self._activate_tab(self.tabs.currentIndex(), first_only=True)

    def refresh(self) -> None:
        """F5: read the tab on show again."""
        self.started = True
        self._activate_tab(self.tabs.currentIndex(), first_only=False)

    def load(self) -> None:
        self.refresh()

    def show_tab(self, index: int) -> None:
        """Bring tab ``index`` (``CASES`` … ``EXPENSES``) to the front."""
        self.tabs.setCurrentIndex(index)

    def save_state(self) -> PageState:
        state: PageState = {"tab": str(self.tabs.currentIndex()).encode()}
        for tab in self.desk_tabs:
            for name, value in tab.save_state().items():
                state[f"{tab.key}.{name}"] = value
        return state

    def restore_state(self, state: PageState) -> None:
        """The tab last shown, and each tab's columns and filters."""
        tab_text = state.get("tab", b"").decode(errors="replace")
        if tab_text.isdigit() and int(tab_text) < self.tabs.count():
            self.tabs.setCurrentIndex(int(tab_text))
        for tab in self.desk_tabs:
            prefix = f"{tab.key}."
            tab.restore_state(
                {
                    name[len(prefix) :]: value
                    for name, value in state.items()
                    if name.startswith(prefix)
                }
            )

    # --- actions ------------------------------------------------------------------------

    def open_case(self, case_id: uuid.UUID) -> QWidget | None:
        """The case file's window (the one open already, raised and read again); what is
        written in it shows on the desk at once."""
        window = open_case_file(self.context, case_id, self)
        if self.case_windows.get(case_id) is not window:
            self.case_windows[case_id] = window
            window.changed.connect(self._case_changed)
            window.destroyed.connect(
                lambda _gone=None, case_id=case_id: self.case_windows.pop(case_id, None)
            )
        return window

    def import_case_files(self) -> ImportCaseFilesDialog:
        """File ▸ Import case files…: the dialog (file, client, mapping); the import runs
        in one transaction, all or nothing, and the case files are read again after it."""
        context = self.context
        clients = self.info.clients if self.info is not None else ()
        dialog = ImportCaseFilesDialog([(c.code, c.name) for c in clients], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.import_dialog = dialog
        if self.info is None:  # the desk not read yet: its clients first
            database = context.database

            def read(_state: TaskState) -> tuple[ClientRow, ...]:
                with database.sessions() as session:
                    return tuple(list_clients(session))

            QueryOp(
                read,
                lambda rows: dialog.set_clients([(c.code, c.name) for c in rows]),
                "agency import clients",
                failure=lambda error: dialog.show_error(str(error)),
            ).run(context.runner, self.import_reads)

        def submitted(choice: CaseImportChoice) -> None:
            WriteOp(
                lambda session: run_case_import(
                    session, choice, now=context.clock.now(), by=context.employee_id
                ),
                self._imported,
                "agency import",
                failure=self.set_status,
                feedback=dialog,
            ).run(context.runner, context.database)

        dialog.submitted.connect(submitted)
        dialog.open()
        return dialog

    def _imported(self, note: str) -> None:
        self.show_tab(CASES)
        self.cases.written(note)

    # --- reactions ----------------------------------------------------------------------

    def _case_changed(self, note: str) -> None:
        """Something was written in a case file window: the tab on screen reads again,
        the desk's other tabs when next shown."""
        current = self.tabs.currentIndex()
        for index, tab in enumerate(self.desk_tabs):
            if index == current:
                if isinstance(tab, ListPage):
                    tab.note = note  # said again once the list is read
                tab.refresh()
            else:
                tab.started = False

    def _tab_changed(self, index: int) -> None:
        if self.started:
            self._activate_tab(index, first_only=True)
        tab = self.desk_tabs[index] if index < len(self.desk_tabs) else None
        self.set_status(tab.status if tab is not None else "")

    def _activate_tab(self, index: int, *, first_only: bool) -> None:
        if index < len(self.desk_tabs):
            tab = self.desk_tabs[index]
            if first_only:
                tab.activate()
            else:
                tab.refresh()
            return
        panel = self._panel(index)
        if panel is None:
            return
        if first_only:
            panel.activate()
        else:
            panel.refresh()

    def _panel(self, index: int) -> AgencyReportsPanel | ExpensesPanel | None:
        """The Reports or Expenses panel, made the first time its tab is shown."""
        if index == REPORTS:
            if self.reports is None:
                self.reports = AgencyReportsPanel(self.context)
                self._hold(self._reports_holder, self.reports)
            return self.reports
        if index == EXPENSES:
            if self.expenses is None:
                self.expenses = ExpensesPanel(self.context)
                self._hold(self._expenses_holder, self.expenses)
            return self.expenses
        return None

    def _hold(self, holder: QWidget, panel: AgencyReportsPanel | ExpensesPanel) -> None:
        _layout_of(holder).addWidget(panel)
        panel.status_changed.connect(
            lambda text: self.set_status(text) if self.tabs.currentWidget() is holder else None
        )

    def _tab_status(self, tab: Page, text: str) -> None:
        if self.tabs.currentWidget() is tab:
            self.set_status(text)

    def _info_read(self, info: DeskInfo) -> None:
        self.info = info
        fmt = self.context.formats
        counts = info.counts
        self.tabs.setTabText(
            CASES, _("Case files ({count})").format(count=fmt.count(counts.open_cases))
        )
        self.tabs.setTabText(
            UNAPPROVED,
            _("Unapproved collections ({count})").format(count=fmt.count(counts.unapproved)),
        )
        self.tabs.setTabToolTip(
            CASES,
            ngettext("{count} open case file", "{count} open case files", counts.open_cases).format(
                count=fmt.count(counts.open_cases)
            ),
        )
        amounts = counts.unapproved_amount_by_currency
        self.tabs.setTabToolTip(
            UNAPPROVED,
            _("Waiting for a supervisor: {amounts}").format(
                amounts=money_totals(fmt, dict(amounts))
            )
            if amounts
            else _("No collection is waiting for approval"),
        )


def _layout_of(holder: QWidget) -> QVBoxLayout:
    layout = holder.layout()
    assert isinstance(layout, QVBoxLayout)
    return layout


__all__ = [
    "AgencyPage",
    "CalendarTab",
    "CaseFilesTab",
    "DeskInfo",
    "UnapprovedTab",
    "agency_role",
    "day_summary",
]
