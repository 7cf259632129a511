"""The agency desk's Reports tab: a month's collection report, expense report, collector's
statement (minuta) or client remittance statement, on screen, as a PDF and as XLSX.

The user picks the report, the month (the previous one to start with: the month being
settled) and, as the report asks, a collector or a client. One read on the read lane
gives the report as a sheet (``agency_sheets``): its main table fills the upper grid,
the second table (by collector, by type, the approved expenses) the lower one, and the
figures (collected, commission, share, net to remit) sit under them. Save as PDF and
Save as XLSX write the same sheet in the background; a remittance statement is printed
in the client's language, with the client's date and number style, as it goes to the
client. A collector who is not a supervisor sees only their own collections, expenses
and statement.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.db.database import Database
from collections_desktop.models.letters.documents import write_atomically
from collections_desktop.views.agency_report_pdf import sheet_pdf_bytes
from collections_desktop.views.agency_sheets import (
    COLLECTIONS,
    EXPENSES,
    REMITTANCE,
    REPORT_KINDS,
    STATEMENT,
    ReportSheet,
    ReportSource,
    SheetFigure,
    SheetTable,
    cell_text,
    figure_text,
    printed_sheet,
    read_report,
    screen_sheet,
    sheet_xlsx_bytes,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.fields import month_edit, pydate, qdate
from collections_desktop.views.itemmodels.prepared import PreparedModel, PreparedRows, prepare_rows
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.operations import QueryOp, ReadSlot
from collections_desktop.views.tasks import Lane, TaskState
from collections_desktop.views.widgets.busy import DelayedBusy
from collections_desktop.views.widgets.grid import ListGrid, page_button

Row = tuple[Any, ...]

FITS = {"key": Fit.KEY, "label": Fit.LABEL, "free": Fit.FREE}
"""How a sheet's column kind is sized on screen (every other kind: ``Fit.TEXT``)."""


def previous_month(today: dt.date) -> dt.date:
    """The first day of the month before ``today``'s: the month being settled."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class Person:
    """A collector the reports can be narrowed to."""

    employee_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ClientChoice:
    id: uuid.UUID
    code: str
    name: str


@dataclass(frozen=True)
class ReportChoices:
    """Who and what the choosers offer, and what the viewer may see."""

    collectors: tuple[Person, ...]
    clients: tuple[ClientChoice, ...]
    own_only: bool
    """The viewer is a collector (not a supervisor): their own figures only."""


@dataclass(frozen=True)
class ReportData:
    """What the tab shows for one choice: the report as read, its sheet and the grids' rows."""

    kind: str
    month: dt.date
    choices: ReportChoices
    source: ReportSource | None
    sheet: ReportSheet | None
    prepared: tuple[PreparedRows[Row], ...]
    problem: str = ""
    """Why there is no report (no collector or client chosen)."""


def sheet_columns(table: SheetTable, formats: Formats) -> list[Column[Row]]:
    """A grid's columns for ``table``: each cell written as the sheet writes it."""

    def column(index: int) -> Column[Row]:
        kind = table.kinds[index]
        return Column(
            table.header[index],
            lambda row: row[index],
            text=lambda value: cell_text(value, kind, formats),
            fit=FITS.get(kind, Fit.TEXT),
        )

    return [column(index) for index in range(len(table.header))]


def read_choices(database: Database, viewer_id: uuid.UUID | None) -> ReportChoices:
    """The collectors and clients to choose from, and whether the viewer sees only
    their own figures."""
    from collections_desktop.models.agency.clients import list_clients
    from collections_desktop.models.agency.staff import list_staff

    with database.sessions() as session:
        staff = list_staff(session)
        clients = list_clients(session)
    me = next((row for row in staff if row.employee_id == viewer_id), None)
    own_only = me is not None and not me.is_supervisor
    people = tuple(
        Person(row.employee_id, row.name)
        for row in sorted(staff, key=lambda row: row.name.casefold())
        if not own_only or row.employee_id == viewer_id
    )
    return ReportChoices(
        people,
        tuple(ClientChoice(c.id, c.code, c.name) for c in sorted(clients, key=lambda c: c.code)),
        own_only,
    )


def load_report_data(
    database: Database,
    state: TaskState,
    *,
    kind: str,
    month: dt.date,
    collector_id: uuid.UUID | None,
    client_id: uuid.UUID | None,
    viewer_id: uuid.UUID | None,
    formats: Formats,
) -> ReportData:
    """Read the choices and the report, and prepare the grids' rows (on the read lane)."""
    choices = read_choices(database, viewer_id)
    if choices.own_only:
        collector_id = viewer_id
    known = {person.employee_id for person in choices.collectors}
    if collector_id not in known:
        collector_id = None
    if client_id not in {client.id for client in choices.clients}:
        client_id = None
    if kind == STATEMENT and collector_id is None:
        return ReportData(
            kind, month, choices, None, None, (), _("Choose the collector whose statement to show.")
        )
    if kind == REMITTANCE and client_id is None:
        problem = (
            _("Choose the client whose remittance statement to show.")
            if choices.clients
            else _("No client is set up yet: there is no remittance statement to show.")
        )
        return ReportData(kind, month, choices, None, None, (), problem)
    with database.sessions() as session:
        source = read_report(session, kind, month, collector_id=collector_id, client_id=client_id)
    state.raise_if_cancelled()
    sheet = screen_sheet(source, formats)
    prepared = tuple(
        prepare_rows(sheet_columns(table, formats), table.rows) for table in sheet.tables
    )
    return ReportData(kind, month, choices, source, sheet, prepared)


class AgencyReportsPanel(QWidget):
    """The Reports tab of the agency desk (see the module's docstring)."""

    status_changed = Signal(str)
    """What the status bar should say."""
    loaded = Signal(object)
    """The ``ReportData`` now on screen."""
    saved = Signal(object)
    """The path of a file just written."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agency_reports")
        self.context = context
        self.data: ReportData | None = None
        self.started = False
        self.status = ""
        self._retried = False
        self.busy = DelayedBusy("agency_reports_busy", _("Loading…"), self, width=120)
        self.reads = ReadSlot(self, self.busy)
        icons = context.icons

        self.kind = QComboBox()
        self.kind.setObjectName("agency_report_kind")
        for key, name in REPORT_KINDS:
            self.kind.addItem(_(name), key)
        self.month = month_edit(
            previous_month(context.clock.today()), context.formats, "agency_report_month"
        )
        self.month.setToolTip(_("The month of the report (the previous month to start with)"))
        self.earlier = QToolButton()
        self.earlier.setObjectName("agency_report_earlier")
        self.earlier.setText("◀")
        self.earlier.setToolTip(_("The month before"))
        self.later = QToolButton()
        self.later.setObjectName("agency_report_later")
        self.later.setText("▶")
        self.later.setToolTip(_("The month after"))
        self.collector = QComboBox()
        self.collector.setObjectName("agency_report_collector")
        self.collector.setMinimumContentsLength(16)
        self.collector.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.collector_label = QLabel(_("C&ollector"))
        self.collector_label.setBuddy(self.collector)
        self.client = QComboBox()
        self.client.setObjectName("agency_report_client")
        self.client.setMinimumContentsLength(22)
        self.client.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.client_label = QLabel(_("Cl&ient"))
        self.client_label.setBuddy(self.client)

        self.refresh_action = QAction(icons.get("refresh"), _("Refresh"), self)
        self.refresh_action.setToolTip(_("Read the report again (F5)"))
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh_action.triggered.connect(self.refresh)
        self.addAction(self.refresh_action)
        self.pdf_action = QAction(icons.get("export_csv"), _("Save as PDF…"), self)
        self.pdf_action.setToolTip(_("Print the report shown to a PDF file"))
        self.pdf_action.triggered.connect(lambda: self.save_pdf())
        self.xlsx_action = QAction(icons.get("export_csv"), _("Save as XLSX…"), self)
        self.xlsx_action.setToolTip(_("Save the report shown as an Excel workbook"))
        self.xlsx_action.triggered.connect(lambda: self.save_xlsx())

        choosers = QHBoxLayout()
        choosers.setSpacing(6)
        kind_label = QLabel(_("&Report"))
        kind_label.setBuddy(self.kind)
        month_label = QLabel(_("&Month"))
        month_label.setBuddy(self.month)
        groups: tuple[tuple[QWidget, ...], ...] = (
            (kind_label, self.kind),
            (month_label, self.earlier, self.month, self.later),
            (self.collector_label, self.collector, self.client_label, self.client),
        )
        for number, group in enumerate(groups):
            if number:
                choosers.addSpacing(8)
            for widget in group:
                choosers.addWidget(widget)
        choosers.addStretch(1)
        choosers.addWidget(self.busy.bar)
        choosers.addWidget(self.busy.label)
        choosers.addWidget(page_button(self.pdf_action, "agency_report_pdf_button"))
        choosers.addWidget(page_button(self.xlsx_action, "agency_report_xlsx_button"))
        choosers.addWidget(page_button(self.refresh_action, "agency_report_refresh_button"))

        self.grids: list[ListGrid[Row]] = []
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("agency_report_splitter")
        self.splitter.setChildrenCollapsible(False)
        for name in ("agency_report_lines", "agency_report_totals"):
            grid: ListGrid[Row] = ListGrid(name, [], {}, icons, stretch=0)
            grid.sort_by(-1, Qt.SortOrder.AscendingOrder)  # the report's order, as read
            self.grids.append(grid)
            self.splitter.addWidget(grid)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([520, 170])  # the lines first; the totals by collector or type
        self.figures = QLabel()
        self.figures.setObjectName("agency_report_figures")
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 6)
        layout.setSpacing(6)
        layout.addLayout(choosers)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.figures)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.month.dateChanged.connect(self._changed)
        self.collector.currentIndexChanged.connect(self._changed)
        self.client.currentIndexChanged.connect(self._changed)
        self.earlier.clicked.connect(lambda: self.step_month(-1))
        self.later.clicked.connect(lambda: self.step_month(1))
        self._kind_changed()
        self._show_nothing(_("Loading…"))
        self._stale = False
        context.runner.written.connect(self._written_elsewhere)

    # --- public -------------------------------------------------------------------------

    @property
    def is_loading(self) -> bool:
        """Whether a report is being read."""
        return self.reads.is_loading

    @property
    def report_kind(self) -> str:
        """The report chosen: ``COLLECTIONS``, ``EXPENSES``, ``STATEMENT`` or ``REMITTANCE``."""
        return str(self.kind.currentData())

    @property
    def chosen_month(self) -> dt.date:
        """The first day of the month chosen."""
        return pydate(self.month.date()).replace(day=1)

    def choose(
        self,
        kind: str,
        month: dt.date | None = None,
        *,
        collector_id: uuid.UUID | None = None,
        client_id: uuid.UUID | None = None,
    ) -> None:
        """Show report ``kind`` of ``month`` for a collector or a client (one read)."""
        for widget in (self.kind, self.month, self.collector, self.client):
            widget.blockSignals(True)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        if month is not None:
            self.month.setDate(qdate(month.replace(day=1)))
        if collector_id is not None:
            self._select(self.collector, collector_id.hex)
        if client_id is not None:
            self._select(self.client, client_id.hex)
        for widget in (self.kind, self.month, self.collector, self.client):
            widget.blockSignals(False)
        self._kind_changed()

    def step_month(self, months: int) -> None:
        """Move the month chosen ``months`` back or forward."""
        month = self.chosen_month
        index = month.year * 12 + month.month - 1 + months
        self.month.setDate(qdate(dt.date(index // 12, index % 12 + 1, 1)))

    def activate(self) -> None:
        """The tab came on screen: read the report the first time."""
        if not self.started:
            self.refresh()

    def refresh(self) -> None:
        """Read the report chosen again (F5)."""
        self.started = True
        self._stale = False
        context = self.context
        kind, month = self.report_kind, self.chosen_month
        collector_id = self._chosen(self.collector)
        client_id = self._chosen(self.client)
        database, formats, viewer_id = context.database, context.formats, context.employee_id
        QueryOp(
            lambda state: load_report_data(
                database,
                state,
                kind=kind,
                month=month,
                collector_id=collector_id,
                client_id=client_id,
                viewer_id=viewer_id,
                formats=formats,
            ),
            self._loaded,
            "agency report",
            failure=self._failed,
        ).run(context.runner, self.reads)

    def save_pdf(self, path: str | Path | None = None) -> None:
        """Print the report shown to a PDF (asks for the file without ``path``); a
        remittance statement in the client's language."""
        target = self._target(".pdf", _("Save as PDF"), _("PDF files (*.pdf)"), path)
        data = self.data
        if target is None or data is None or data.source is None:
            return
        source = data.source
        formats, today = self.context.formats, self.context.clock.today()
        byline = _("Made on {moment} by {name}").format(
            moment=formats.moment(self.context.clock.now()),
            name=self.context.viewer.display_name,
        )

        def write(_state: TaskState) -> Path:
            sheet, sheet_formats = printed_sheet(source, formats, issued_on=today)
            addressed = sheet.kind in (STATEMENT, REMITTANCE)
            write_atomically(
                target,
                sheet_pdf_bytes(
                    sheet,
                    sheet_formats,
                    byline="" if addressed else byline,
                    company_name=source.company_name,
                ),
            )
            return target

        self._write_file(write, "agency report pdf")

    def save_xlsx(self, path: str | Path | None = None) -> None:
        """Save the report shown as an Excel workbook (asks for the file without ``path``)."""
        target = self._target(".xlsx", _("Save as XLSX"), _("Excel workbooks (*.xlsx)"), path)
        data = self.data
        if target is None or data is None or data.source is None:
            return
        source, formats, today = data.source, self.context.formats, self.context.clock.today()

        def write(_state: TaskState) -> Path:
            sheet, _formats = printed_sheet(source, formats, issued_on=today)
            write_atomically(target, sheet_xlsx_bytes(sheet))
            return target

        self._write_file(write, "agency report xlsx")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.started:
            self.refresh()
        self.activate()

    def _written_elsewhere(self) -> None:
        """Something was written (here or in another tab): read again now if shown, else
        when next shown; a read already under way started after the write."""
        if not self.started or self.reads.is_loading:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, data: ReportData) -> None:
        self.data = data
        self._fill_choices(data.choices)
        sheet = data.sheet
        if sheet is not None:
            self._retried = False
        if sheet is None:
            wanted = self.collector if data.kind == STATEMENT else self.client
            if self._chosen(wanted) is not None and not self._retried:
                # The choosers were empty before this read; they now name someone.
                self._retried = True
                self.refresh()
                return
            self._show_nothing(html.escape(data.problem))
            self._set_status(data.problem)
            self.loaded.emit(data)
            return
        for index, grid in enumerate(self.grids):
            if index >= len(sheet.tables):
                grid.hide()
                continue
            table, prepared = sheet.tables[index], data.prepared[index]
            free = [i for i, kind in enumerate(table.kinds) if kind == "free"]
            grid.fitter.stretch = free[0] if free else 0
            grid.set_model(PreparedModel(prepared.columns, {}, grid))
            grid.model.right = set(table.figures)
            grid.set_prepared(prepared, html.escape(table.empty))
            grid.title.setText(f"{table.title} ({self.context.formats.count(len(table.rows))})")
            grid.show()
        self.figures.setText(self._figures_html(sheet))
        self.figures.show()
        self.pdf_action.setEnabled(True)
        self.xlsx_action.setEnabled(True)
        count = len(sheet.tables[0].rows)
        self._set_status(
            f"{sheet.title} · "
            + ngettext("{count} line", "{count} lines", count).format(
                count=self.context.formats.count(count)
            )
        )
        self.loaded.emit(data)

    def _figures_html(self, sheet: ReportSheet) -> str:
        """The figures in a line: a figure in several currencies named once ("Collected
        1,200.00 EUR, 80.00 GBP")."""
        formats = self.context.formats
        groups: dict[str, list[SheetFigure]] = {}
        for figure in sheet.figures:
            groups.setdefault(figure.key, []).append(figure)
        parts = []
        for figures in groups.values():
            values = ", ".join(
                html.escape(figure_text(figure, formats), quote=False).replace(" ", "&nbsp;")
                for figure in figures
            )
            first = figures[0]
            text = f"{html.escape(first.label, quote=False)}&nbsp;<b>{values}</b>"
            parts.append(f"<span style='font-size: large;'>{text}</span>" if first.strong else text)
        return " &nbsp;·&nbsp; ".join(parts)

    def _failed(self, error: BaseException) -> None:
        message = (
            str(error)
            if isinstance(error, ValueError)
            else _("The report could not be read: {reason}").format(reason=error)
        )
        self.data = None
        self._show_nothing(html.escape(message))
        self._set_status(message)

    def _show_nothing(self, text: str) -> None:
        """No report: ``text`` (rich text) in the upper grid's place, Save disabled."""
        first, second = self.grids
        first.title.setText("")
        first.set_rows((), text)
        first.show()
        second.hide()
        self.figures.hide()
        self.pdf_action.setEnabled(False)
        self.xlsx_action.setEnabled(False)

    def _fill_choices(self, choices: ReportChoices) -> None:
        collector = self.collector
        chosen = collector.currentData()
        collector.blockSignals(True)
        collector.clear()
        if not choices.own_only:
            collector.addItem(_("Everyone"), "")
        for person in choices.collectors:
            collector.addItem(person.name, person.employee_id.hex)
        if choices.own_only:
            collector.setToolTip(_("A collector sees their own figures; a supervisor everyone's."))
        index = collector.findData(chosen)
        collector.setCurrentIndex(index if index >= 0 else 0)
        collector.setEnabled(not choices.own_only)
        collector.blockSignals(False)
        client = self.client
        chosen = client.currentData()
        client.blockSignals(True)
        client.clear()
        for item in choices.clients:
            client.addItem(f"{item.code} · {item.name}", item.id.hex)
        index = client.findData(chosen)
        client.setCurrentIndex(index if index >= 0 else 0)
        client.blockSignals(False)
        self._kind_shown()

    # --- reactions ----------------------------------------------------------------------

    def _kind_changed(self, *_args: Any) -> None:
        self._kind_shown()
        self._changed()

    def _kind_shown(self) -> None:
        kind = self.report_kind
        by_collector = kind in (COLLECTIONS, EXPENSES, STATEMENT)
        self.collector_label.setVisible(by_collector)
        self.collector.setVisible(by_collector)
        self.client_label.setVisible(kind == REMITTANCE)
        self.client.setVisible(kind == REMITTANCE)
        # "Everyone" is no collector's statement.
        everyone = self.collector.findData("")
        if everyone >= 0:
            view = self.collector.view()
            if isinstance(view, QListView):
                view.setRowHidden(everyone, kind == STATEMENT)
            if kind == STATEMENT and self.collector.currentIndex() == everyone:
                self.collector.blockSignals(True)
                self.collector.setCurrentIndex(1 if self.collector.count() > 1 else everyone)
                self.collector.blockSignals(False)

    def _changed(self, *_args: Any) -> None:
        if self.started:
            self.refresh()

    @staticmethod
    def _chosen(combo: QComboBox) -> uuid.UUID | None:
        value = combo.currentData()
        return uuid.UUID(value) if value else None

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        if index < 0:
            combo.addItem("…", value)  # known once the choices are read
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def _set_status(self, text: str) -> None:
        self.status = text
        self.status_changed.emit(text)

    def _target(
        self, suffix: str, caption: str, kinds: str, path: str | Path | None
    ) -> Path | None:
        if self.data is None or self.data.sheet is None:
            return None
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, caption, self.data.sheet.file_stem + suffix, kinds
            )
            if not chosen:
                return None
            path = chosen
        return Path(path)

    def _write_file(self, write: Callable[[TaskState], Path], name: str) -> None:
        def written(path: Path) -> None:
            self._set_status(_("Saved to {path}").format(path=path))
            self.saved.emit(path)

        QueryOp(
            write,
            written,
            name,
            failure=lambda error: self._set_status(
                _("The file could not be written: {reason}").format(reason=error)
            ),
            lane=Lane.GENERAL,
        ).run(self.context.runner)
