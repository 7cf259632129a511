"""The frame every page is built on: ``Page``, and ``ListPage`` for a page around one grid.

A page says what it is (``key``, ``title``, ``description``, ``icon``), reads its data
in ``load()`` through ``self.query`` (a ``QueryOp`` on the page's own ``ReadSlot``, so
a newer read supersedes an older one and the busy indicator shows only when a read
takes a while) and writes through ``self.write`` (a ``WriteOp``). The main window knows
pages only through this class: it calls ``activate()`` when a page comes on screen (a
page reads its data the first time it is shown, never before), ``refresh()`` on F5,
and ``save_state()``/``restore_state()`` around a session, in one format for all pages.

``ListPage`` adds the list pages' common parts: a filter row with the busy indicator and
Refresh on its right, a ``ListGrid`` with its filter box (Ctrl+F), an action bar in the
grid's head, an empty-state text, the grid's columns kept between sessions, and Export
to CSV for pages that offer it. A new list page subclasses it; see ``cases_page.py``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.letters.documents import write_atomically
from collections_desktop.models.screens.exports import (
    csv_text,
    export_value,
    xlsx_bytes,
    xlsx_value,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.operations import Feedback, Progress, QueryOp, ReadSlot, WriteOp
from collections_desktop.views.report_pdf import table_pdf_bytes
from collections_desktop.views.tasks import Lane, Task, TaskState
from collections_desktop.views.widgets.busy import DelayedBusy
from collections_desktop.views.widgets.grid import (
    ListGrid,
    header_state,
    page_button,
    restore_header,
)

T = TypeVar("T")

PageState = dict[str, bytes]
"""What a page keeps between sessions: named byte strings (header states, filter values)."""


class Page(QWidget):
    """One page of the main window (see the module's docstring)."""

    key: ClassVar[str]
    """The page's name in settings, object names and navigation ("cases")."""
    title: ClassVar[str]
    """The navigation entry (marked with ``N_``, translated when shown)."""
    description: ClassVar[str]
    """The navigation entry's tooltip (marked with ``N_``)."""
    icon: ClassVar[str] = ""
    """The icon's name in the ``IconRegistry`` (the key when empty)."""
    busy_text: ClassVar[str] = ""
    """What the busy indicator says (marked with ``N_``; "Loading…" when empty)."""
    busy_width: ClassVar[int] = 160
    busy_name: ClassVar[str] = ""
    shows_snapshot: ClassVar[bool] = False
    """Whether the page shows a stored snapshot's figures. Every commit keeps the newest
    snapshots fresh (``models/aging/fresh.py``), so such a page, hidden while something
    was written, reads again when it comes back on screen."""
    """The busy bar's object name (``<key>_busy`` when empty)."""

    busy_changed = Signal(bool)
    """The busy indicator appeared (a read is taking a while) or went away."""
    status_changed = Signal(str)
    """What the status bar should say while this page is on screen."""
    loaded = Signal(object)
    """The data now on screen (the page's own dataclass)."""
    customer_chosen = Signal(object)
    """A customer's id: open their Workspace (a customer's name was activated)."""
    record_requested = Signal(object)
    """A customer's id: open their record (a customer's account was activated)."""
    collections_requested = Signal(object, object)
    """A customer's id and a case id (or None): open the Collections page on them."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{self.key}_page")
        self.context = context
        self.started = False
        self.status = ""
        self.busy = DelayedBusy(
            self.busy_name or f"{self.key}_busy",
            _(self.busy_text) if self.busy_text else _("Loading…"),
            self,
            width=self.busy_width,
        )
        self.busy.changed.connect(self.busy_changed)
        self.reads = ReadSlot(self, self.busy)
        self.stale = False
        """Something was written while the page was hidden (``shows_snapshot`` pages)."""
        if self.shows_snapshot:
            context.runner.written.connect(self._mark_stale)

    # --- what the main window uses ------------------------------------------------------

    @property
    def is_loading(self) -> bool:
        """Whether the page's data is being read."""
        return self.reads.is_loading

    @property
    def is_busy_shown(self) -> bool:
        """Whether the busy indicator is on screen."""
        return self.busy.shown

    def activate(self) -> None:
        """The page came on screen: read it the first time, or again when it is stale."""
        if not self.started or self.stale:
            self.stale = False
            self.refresh()

    def refresh(self) -> None:
        """Read the page's data again (F5)."""
        self.started = True
        self.load()

    def save_state(self) -> PageState:
        """What to keep between sessions (column widths, filters)."""
        return {}

    def restore_state(self, state: PageState) -> None:
        """Put back what ``save_state`` returned; unknown or damaged entries are ignored."""

    def _mark_stale(self) -> None:
        if self.started and not self.isVisible():
            self.stale = True

    # --- for subclasses -----------------------------------------------------------------

    def load(self) -> None:
        """Start reading the data (through ``self.query``)."""
        raise NotImplementedError

    def set_status(self, text: str) -> None:
        """Say ``text`` in the status bar while the page is on screen."""
        self.status = text
        self.status_changed.emit(text)

    def query(
        self,
        read: Callable[[TaskState], T],
        success: Callable[[T], None],
        *,
        name: str,
        failure: Callable[[BaseException], None] | None = None,
        progress: Progress | None = None,
        long: bool = False,
        slot: ReadSlot | None = None,
    ) -> Task:
        """Run ``read`` in the background on ``slot`` (the page's main read by default)."""
        return QueryOp(read, success, name, failure=failure, progress=progress, long=long).run(
            self.context.runner, self.reads if slot is None else slot
        )

    def write(
        self,
        write: Callable[[Session], T],
        success: Callable[[T], None],
        *,
        name: str,
        failure: Callable[[str], None] | None = None,
        feedback: Feedback | None = None,
    ) -> Task:
        """Write in one transaction in the background; a refusal goes to ``failure``
        (the status bar by default) and to ``feedback``."""
        return WriteOp(
            write,
            success,
            name,
            failure=self.set_status if failure is None else failure,
            feedback=feedback,
        ).run(self.context.runner, self.context.database)

    def run_file_work(
        self, work: Callable[[TaskState], T], success: Callable[[T], None], *, name: str
    ) -> Task:
        """Run file work (an export) on the general lane; a failure goes to the status bar."""
        return QueryOp(
            work,
            success,
            name,
            failure=lambda error: self.set_status(
                _("The file could not be written: {reason}").format(reason=error)
            ),
            lane=Lane.GENERAL,
        ).run(self.context.runner)


class ListPage(Page):
    """A page around one ``ListGrid``: filters on top, the grid with its action bar below."""

    read_failure: ClassVar[str] = N_("The list could not be read: {reason}")
    """What a failed read says (marked with ``N_``; ``{reason}`` is the error)."""
    exportable: ClassVar[bool] = False
    """Whether the action bar offers Export to CSV."""
    filter_spacing: ClassVar[int] = 6
    """Pixels between the widgets of the filter row."""
    export_in_filters: ClassVar[bool] = False
    """Whether Export sits on the right of the filter row, before Refresh, instead (a page
    whose actions concern the whole list, as Aged balances)."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.note = ""
        """What the last action did, said again once the list is read after it."""
        self.grid = grid = self.make_grid()
        icons = context.icons
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 8)
        outer.setSpacing(8)
        self.filters = QHBoxLayout()
        self.filters.setSpacing(self.filter_spacing)
        self._filters_end = QHBoxLayout()
        self._filters_end.setSpacing(self.filter_spacing)
        self._filters_end.addStretch(1)
        self._filters_end.addWidget(self.busy.bar)
        self._filters_end.addWidget(self.busy.label)
        self.refresh_action = QAction(icons.get("refresh"), _("Refresh"), self)
        self.refresh_action.setToolTip(_("Read the list again (F5)"))
        self.refresh_action.triggered.connect(self.refresh)
        self._filter_action_position = self._filters_end.count()  # after the busy indicator
        self._filters_end.addWidget(page_button(self.refresh_action, f"{self.key}_refresh_button"))
        row = QHBoxLayout()
        row.setSpacing(0)
        row.addLayout(self.filters)
        row.addLayout(self._filters_end, 1)
        outer.addLayout(row)
        outer.addWidget(grid, 1)
        self.body = outer
        self._action_position = 2  # after the title and its stretch
        self.export_action = QAction(icons.get("export_csv"), _("Export"), self)
        self.export_action.setToolTip(
            _("Save the rows shown, in their order, as CSV, as an Excel workbook or as a PDF")
        )
        export_menu = QMenu(self)
        export_menu.addAction(_("CSV…"), lambda: self.export_csv())
        export_menu.addAction(_("Excel workbook (XLSX)…"), lambda: self.export_xlsx())
        export_menu.addAction(_("PDF…"), lambda: self.export_pdf())
        self.export_action.setMenu(export_menu)
        if self.exportable:
            export = (self.export_action, f"{self.key}_export_button")
            if self.export_in_filters:
                self._filters_end.insertWidget(self._filter_action_position, page_button(*export))
            else:
                self.add_actions([export])
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_filter)
        grid.empty.linkActivated.connect(self.link_activated)

    # --- building -----------------------------------------------------------------------

    def make_grid(self) -> ListGrid[Any]:
        """The page's grid (called once, while the page is built)."""
        raise NotImplementedError

    def add_filter(self, text: str, combo: QComboBox) -> None:
        """A labelled chooser in the filter row; changing it reads the list again."""
        label = QLabel(text)
        label.setBuddy(combo)
        self.filters.addWidget(label)
        self.filters.addWidget(combo)
        self.filters.addSpacing(6)
        combo.currentIndexChanged.connect(self.filters_changed)

    def add_actions(self, actions: Sequence[tuple[QAction, str]], *, menu: bool = True) -> None:
        """Buttons for ``actions`` in the grid's action bar (named for tests), and in the
        grid's context menu when ``menu``."""
        for action, name in actions:
            self.grid.head.insertWidget(self._action_position, page_button(action, name))
            self._action_position += 1
            if menu:
                self.grid.view.addAction(action)
        self.grid.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def add_filter_actions(self, actions: Sequence[tuple[QAction, str]]) -> None:
        """Buttons for ``actions`` on the right of the filter row, before Export and Refresh
        (actions on the whole list rather than on its rows: Create snapshot)."""
        for action, name in actions:
            self._filters_end.insertWidget(self._filter_action_position, page_button(action, name))
            self._filter_action_position += 1

    # --- behaviour ----------------------------------------------------------------------

    def filters_changed(self) -> None:
        """A filter changed: read again once the page has been shown."""
        if self.started:
            self.refresh()

    def focus_filter(self) -> None:
        """Ctrl+F: the grid's filter box."""
        self.grid.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.grid.filter.selectAll()

    def link_activated(self, link: str) -> None:
        """A link in the empty-state text: "refresh" reads again; subclasses add theirs."""
        if link == "refresh":
            self.refresh()

    def read_failed(self, error: BaseException) -> None:
        """The list could not be read: say why (``read_failure`` names the list)."""
        self.show_failure(
            str(error)
            if isinstance(error, PermissionError)
            else _(self.read_failure).format(reason=error)
        )

    def written(self, note: str) -> None:
        """An action wrote something: say so, and say it again after reading the list."""
        self.note = note
        self.set_status(note)
        self.refresh()

    def with_note(self, text: str) -> str:
        """``text`` for the status bar, after what the last action did (said once)."""
        if self.note:
            text, self.note = f"{self.note} · {text}", ""
        return text

    def show_failure(self, message: str) -> None:
        """A read failed: say so in place of the rows, with Try again, and in the status bar."""
        self.grid.set_rows((), html.escape(message) + " " + _('<a href="refresh">Try again</a>'))
        self.set_status(message)

    def save_state(self) -> PageState:
        """The grid's columns, and what ``filter_state`` adds."""
        return {"grid": header_state(self.grid), **self.filter_state()}

    def restore_state(self, state: PageState) -> None:
        """Put back the grid's columns and the filters."""
        restore_header(self.grid, state.get("grid"))
        self.restore_filters(state)

    def filter_state(self) -> PageState:
        """The filters to keep between sessions (none by default)."""
        return {}

    def restore_filters(self, state: PageState) -> None:
        """Put back ``filter_state``; damaged or unknown entries are ignored."""

    # --- export -------------------------------------------------------------------------

    def export_file_name(self) -> str | None:
        """The file name offered when exporting (None: there is nothing to export)."""
        return f"{self.key.replace('_', '-')}.csv"

    def export_text(self, rows: Sequence[Any]) -> str:
        """The CSV of ``rows``: the grid's columns, values exported plainly (``exports``).

        Runs on a worker thread: it reads rows and columns, never a widget.
        """
        columns = self.grid.model.columns
        return csv_text(
            [column.header for column in columns],
            ([export_value(column.value(row)) for column in columns] for row in rows),
        )

    def report_title(self) -> str:
        """The title over an XLSX or PDF export (the page's own by default)."""
        return self.title

    def report_filters(self) -> list[tuple[str, str]]:
        """The filters the rows were read with, as (label, value) lines for an XLSX or PDF
        export: each labelled chooser of the filter row, and the grid's filter text."""
        lines = []
        for index in range(self.filters.count()):
            item = self.filters.itemAt(index)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel) and isinstance(combo := label.buddy(), QComboBox):
                lines.append((label.text().replace("&", "").rstrip(": "), combo.currentText()))
        if text := self.grid.filter.text().strip():
            lines.append((_("Rows containing"), text))
        return lines

    def report_byline(self) -> str:
        """Who made the export, and when, in the user's formats."""
        return _("Made on {moment} by {name}").format(
            moment=self.context.formats.moment(self.context.clock.now()),
            name=self.context.viewer.display_name,
        )

    def _export_file(
        self, suffix: str, caption: str, kinds: str, path: str | Path | None
    ) -> Path | None:
        """The file to export to: ``path``, else the one the user chooses (None: cancelled)."""
        name = self.export_file_name()
        if name is None:
            return None
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, caption, str(Path(name).with_suffix(suffix)), kinds
            )
            if not chosen:
                return None
            path = chosen
        return Path(path)

    def export_xlsx(self, path: str | Path | None = None) -> None:
        """Save the rows shown, in their order, as an Excel workbook: title and filters
        above the header; amounts, whole numbers and dates as the spreadsheet's own."""
        target = self._export_file(
            ".xlsx", _("Export to Excel"), _("Excel workbooks (*.xlsx)"), path
        )
        if target is None:
            return
        rows = self.grid.model.rows()
        columns = self.grid.model.columns
        title, filters = self.report_title(), self.report_filters()

        def write(_state: TaskState) -> int:
            data = xlsx_bytes(
                [column.header for column in columns],
                ([xlsx_value(column.value(row)) for column in columns] for row in rows),
                title=title,
                filters=filters,
            )
            write_atomically(target, data)
            return len(rows)

        self.run_file_work(
            write,
            lambda count: self.set_status(self.exported_message(count, target)),
            name=f"export {self.key} xlsx",
        )

    def export_pdf(self, path: str | Path | None = None) -> None:
        """Print the rows shown, in their order and as they read on screen, to a PDF with
        the title, the filters and who made it above the table."""
        target = self._export_file(".pdf", _("Export to PDF"), _("PDF files (*.pdf)"), path)
        if target is None:
            return
        rows = self.grid.model.rows()
        columns = self.grid.model.columns
        title, filters, byline = self.report_title(), self.report_filters(), self.report_byline()

        def write(_state: TaskState) -> int:
            values = [[column.value(row) for column in columns] for row in rows]
            figures = frozenset(
                index
                for index in range(len(columns))
                if any(isinstance(line[index], int | Decimal) for line in values[:200])
            )
            texts = (  # a blank cell reads blank, as on screen (``RowTableModel``)
                [
                    column.text(value) if value is not None else ""
                    for column, value in zip(columns, line, strict=True)
                ]
                for line in values
            )
            header = [column.header for column in columns]
            data = table_pdf_bytes(
                title, header, texts, figures=figures, filters=filters, byline=byline
            )
            write_atomically(target, data)
            return len(rows)

        self.run_file_work(
            write,
            lambda count: self.set_status(self.exported_message(count, target)),
            name=f"export {self.key} pdf",
        )

    def exported_message(self, count: int, path: Path) -> str:
        """What the status bar says after an export."""
        return ngettext(
            "{count} row exported to {path}", "{count} rows exported to {path}", count
        ).format(count=self.context.formats.count(count), path=path)

    def export_csv(self, path: str | Path | None = None) -> None:
        """Save the rows shown, in their order, as CSV (asks for a file without ``path``)."""
        name = self.export_file_name()
        if name is None:
            return
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Export to CSV"), name, _("CSV files (*.csv)")
            )
            if not chosen:
                return
            path = chosen
        target = Path(path)
        rows = self.grid.model.rows()
        export_text = self.export_text

        def write(_state: TaskState) -> int:
            target.write_text(export_text(rows), encoding="utf-8")
            return len(rows)

        self.run_file_work(
            write,
            lambda count: self.set_status(self.exported_message(count, target)),
            name=f"export {self.key}",
        )
