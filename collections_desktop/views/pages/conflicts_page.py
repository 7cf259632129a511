"""Conflicts: the changes of this laptop that the server refused, until the user decides.

A sync never drops an operation the server cannot take (an invoice another agent settled
meanwhile, a number already taken): it keeps the whole user action with the server's
rows it touched (``models.sync.conflicts``). This page lists them newest first, with
when, why, whose customer and what; the pane below shows both sides field by field,
read when a conflict is selected. Re-apply sends the change again at the next sync, on
top of what the server holds now; Discard drops it from this laptop for good. Each asks
first and writes in one transaction (``WriteOp``). The page exists only on an offline
replica: nowhere else can a change be refused after it was made.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.db.database import Database
from collections_desktop.models.sync.wording import table_title
from collections_desktop.views.context import PageContext
from collections_desktop.views.itemmodels.prepared import PreparedRows, prepare_rows
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.operations import ReadSlot
from collections_desktop.views.pages.base import ListPage, PageState
from collections_desktop.views.sync_control import SyncBackend
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.grid import ListGrid
from collections_desktop.views.widgets.select import select_row

WHEN, CUSTOMER, WHAT, REASON = range(4)


@dataclass(frozen=True)
class ConflictsData:
    """The conflicts waiting for a decision, prepared for the grid."""

    rows: tuple[Any, ...]
    prepared: PreparedRows[Any]


def load_conflicts(
    database: Database, backend: SyncBackend, state: TaskState, columns: Sequence[Column[Any]]
) -> ConflictsData:
    """Read the open conflicts (read lane)."""
    with database.sessions() as session:
        rows = tuple(backend.list_conflicts(session))
    state.raise_if_cancelled()
    return ConflictsData(rows, prepare_rows(columns, rows))


class ConflictsPage(ListPage):
    """The refused changes of this replica; Re-apply and Discard."""

    key = "conflicts"
    title = N_("Conflicts")
    description = N_("Your changes the server refused, until you re-apply or discard them")
    read_failure = N_("The conflicts could not be read: {reason}")
    busy_width = 140

    def __init__(
        self, context: PageContext, backend: SyncBackend, parent: QWidget | None = None
    ) -> None:
        self.backend = backend
        self.data: ConflictsData | None = None
        super().__init__(context, parent)
        self.detail_reads = ReadSlot(self)
        self.sides: Any = None
        """Both sides of the selected conflict, once read."""
        self.refresh_action.setToolTip(_("Read the conflicts again (F5)"))
        icons = context.icons
        self.reapply_action = QAction(icons.get("reapply"), _("Re-apply…"), self)
        self.reapply_action.setToolTip(
            _("Send your change again at the next sync, on top of what the server holds now")
        )
        self.reapply_action.triggered.connect(self.reapply_current)
        self.discard_action = QAction(icons.get("discard"), _("Discard…"), self)
        self.discard_action.setToolTip(_("Drop your change; the server's version stays"))
        self.discard_action.triggered.connect(self.discard_current)
        self.add_actions(
            [
                (self.reapply_action, "reapply_conflict_button"),
                (self.discard_action, "discard_conflict_button"),
            ]
        )

        # Both sides below the list: the grid says which conflict, the pane says what.
        self.body.removeWidget(self.grid)
        self.mine = side_browser("conflict_mine")
        self.theirs = side_browser("conflict_theirs")
        sides = QSplitter(Qt.Orientation.Horizontal)
        sides.setObjectName("conflict_sides")
        sides.setChildrenCollapsible(False)
        sides.addWidget(titled(_("Your change"), self.mine))
        sides.addWidget(titled(_("On the server now"), self.theirs))
        self.reason = QLabel()
        self.reason.setObjectName("conflict_reason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 4, 0, 0)
        detail_layout.addWidget(self.reason)
        detail_layout.addWidget(sides, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("conflicts_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.body.addWidget(self.splitter, 1)

        self.grid.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()
        self.grid.set_rows((), _("Loading…"))

    def make_grid(self) -> ListGrid[Any]:
        """The conflicts in the order they arose."""
        grid: ListGrid[Any] = ListGrid(
            "conflicts",
            conflict_columns(self.context.formats),
            {},
            self.context.icons,
            stretch=REASON,
        )
        grid.sort_by(-1, Qt.SortOrder.DescendingOrder)  # as read: newest first
        grid.title.setText(_("Conflicts"))
        return grid

    # --- public -------------------------------------------------------------------------

    def load(self) -> None:
        """Read the conflicts waiting for a decision."""
        database, backend, columns = self.context.database, self.backend, self.grid.model.columns
        self.query(
            lambda state: load_conflicts(database, backend, state, columns),
            self._loaded,
            failure=self.read_failed,
            name="conflicts",
        )

    def current_conflict(self) -> Any | None:
        """The conflict selected."""
        return self.grid.current_row()

    def reapply_current(self) -> None:
        """Re-apply the selected conflict, once the user confirms."""
        row = self.current_conflict()
        if row is None:
            return
        text = _(
            "Re-apply your change to {what}?\n\nIt is sent again at the next sync as a new "
            "change, on top of what the server holds now; fields the server changed since "
            "then are overwritten by yours."
        ).format(what=what_text(row))
        if not self.confirm(_("Re-apply the change"), text, _("Re-apply")):
            return
        backend, now, conflict_id = self.backend, self.context.clock.now(), row.id
        self.write(
            lambda session: backend.reapply(session, conflict_id, now),
            lambda _result: self.written(_("Your change will be sent again at the next sync")),
            name="reapply conflict",
        )

    def discard_current(self) -> None:
        """Discard the selected conflict, once the user confirms."""
        row = self.current_conflict()
        if row is None:
            return
        text = _(
            "Discard your change to {what}?\n\nThe server's version stays and is what this "
            "laptop shows after the next sync; your change is dropped for good."
        ).format(what=what_text(row))
        if not self.confirm(_("Discard the change"), text, _("Discard")):
            return
        backend, now, conflict_id = self.backend, self.context.clock.now(), row.id
        self.write(
            lambda session: backend.discard(session, conflict_id, now),
            lambda _result: self.written(_("Your change was discarded")),
            name="discard conflict",
        )

    def confirm(self, title: str, text: str, action: str) -> bool:
        """Ask before acting; True when the user chose ``action``."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is yes

    def save_state(self) -> PageState:
        """The grid's columns and the splitter."""
        return {**super().save_state(), "splitter": bytes(self.splitter.saveState().data())}

    def restore_state(self, state: PageState) -> None:
        """Put back the grid's columns and the splitter."""
        super().restore_state(state)
        if "splitter" in state:
            self.splitter.restoreState(QByteArray(state["splitter"]))

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, data: ConflictsData) -> None:
        self.data = data
        self.grid.set_prepared(
            data.prepared,
            _("No conflicts: the server accepted every change made on this laptop."),
        )
        count = len(data.rows)
        title = ngettext(
            "{count} conflict waiting for your decision",
            "{count} conflicts waiting for your decision",
            count,
        ).format(count=self.context.formats.count(count))
        self.grid.title.setText(title if count else _("Conflicts"))
        if count and self.current_conflict() is None:
            select_row(self.grid.view, 0)
        self._selection_changed()
        self.set_status(self.with_note(title))
        self.loaded.emit(data)

    def _selection_changed(self, *_args: Any) -> None:
        row = self.current_conflict()
        self.reapply_action.setEnabled(row is not None)
        self.discard_action.setEnabled(row is not None)
        self.sides = None
        self.mine.setHtml("")
        self.theirs.setHtml("")
        self.reason.setText(
            _("Select a conflict to see both sides.")
            if row is None
            else _("Why: {reason}").format(reason=row.reason)
        )
        if row is None:
            return
        database, backend, conflict_id = self.context.database, self.backend, row.id

        def read(_state: TaskState) -> Any:
            with database.sessions() as session:
                return backend.sides(session, conflict_id)

        self.query(
            read,
            self._show_sides,
            failure=lambda error: self.mine.setPlainText(
                _("This conflict could not be read: {reason}").format(reason=error)
            ),
            name="conflict sides",
            slot=self.detail_reads,
        )

    def _show_sides(self, sides: Any) -> None:
        self.sides = sides
        formats = self.context.formats
        self.mine.setHtml(side_html(sides.mine, formats))
        self.theirs.setHtml(
            side_html(sides.server, formats, empty=_("The server has none of these rows."))
        )


def conflict_columns(fmt: Formats) -> list[Column[Any]]:
    """The grid's columns, in the user's formats."""

    def moment(value: dt.datetime | None) -> str:
        return fmt.moment(value) if value is not None else ""

    return [
        Column(_("When"), lambda r: r.created_at, text=moment),
        Column(_("Customer"), lambda r: r.customer, tooltip=lambda r: r.customer),
        Column(_("What"), what_text, tooltip=what_tooltip),
        Column(_("Reason"), lambda r: r.reason, tooltip=lambda r: r.reason),
    ]


def what_text(row: Any) -> str:
    """What a conflict is about: "Transaction INV-10233", "Activity"."""
    what = table_title(row.table) if row.table else _("Change")
    return f"{what} {row.document_number}" if row.document_number else what


def what_tooltip(row: Any) -> str:
    """The conflict's subject and how many rows the refused action changed."""
    return ngettext(
        "{what}: {count} row changed by this action",
        "{what}: {count} rows changed by this action",
        row.operations,
    ).format(what=what_text(row), count=row.operations)


def side_browser(name: str) -> QTextBrowser:
    """A read-only pane for one side of a conflict."""
    browser = QTextBrowser()
    browser.setObjectName(name)
    browser.setOpenLinks(False)
    return browser


def titled(title: str, widget: QWidget) -> QWidget:
    """``widget`` under a bold caption."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.setSpacing(2)
    caption = QLabel(f"<b>{html.escape(title)}</b>")
    layout.addWidget(caption)
    layout.addWidget(widget, 1)
    return box


def side_html(rows: Sequence[Any], formats: Formats, *, empty: str = "") -> str:
    """One side of a conflict as HTML: each row a heading and a table of field and value."""
    if not rows:
        return "<p><i>{}</i></p>".format(html.escape(empty or _("Nothing")))
    parts = []
    for row in rows:
        lines = "".join(
            '<tr><td style="padding-right:12px;color:gray">{}</td><td>{}</td></tr>'.format(
                html.escape(name.replace("_", " ")), html.escape(value_text(value, formats))
            )
            for name, value in row.fields
        )
        parts.append(
            f"<p><b>{html.escape(row.title)}</b></p>"
            f'<table cellspacing="0" cellpadding="1">{lines}</table>'
        )
    return "".join(parts)


def value_text(value: Any, formats: Formats) -> str:
    """A field's value as the rest of the app writes it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return formats.amount(value)
    if isinstance(value, dt.datetime):
        return formats.moment(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    if isinstance(value, dt.date):
        return formats.date(value)
    return str(value)
