"""Pending documents: the draft invoices of the viewer's customers, by date.

The month's run (Billing ▸ Create this month's invoices, or the page's own button)
makes the drafts; here they are read for a span of dates (this month by default) and
a status (pending, issued, both), opened in a dialog to adjust (Enter or a
double-click), deleted, and issued: the selected ones or all those shown, in one
transaction on the background lane with a progress bar and Cancel (a cancelled issue
issues nothing). Issued drafts show their invoice's number and print as PDFs in the
customer's language (Print invoices…). ``views.actions.billing.BillingActions`` holds
the steps; the rules are in ``models/billing/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.billing.months import month_name, next_month
from collections_desktop.models.billing.pending import ISSUED, PENDING, PendingRow, list_pending
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.views.actions.billing import BillingActions
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.fields import date_edit, pydate, qdate
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.itemmodels.prepared import PreparedRows, count_text, prepare_rows
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.pages.base import ListPage, PageState
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.grid import ListGrid

STATUS_CHOICES = ((N_("Pending"), PENDING), (N_("Issued"), ISSUED), (N_("Pending and issued"), ""))

DATE, ACCOUNT, CUSTOMER, DUE, DESCRIPTION, LINES, NET, TAX, TOTAL, CURRENCY, STATUS = range(11)


@dataclass(frozen=True)
class PendingData:
    """What the page shows for one choice of filters."""

    rows: tuple[PendingRow, ...]
    prepared: PreparedRows[PendingRow]


def load_pending(
    database: Database,
    state: TaskState,
    *,
    scope: AgentScope,
    as_of: dt.date,
    date_from: dt.date,
    date_to: dt.date,
    status: str,
    columns: Sequence[Column[PendingRow]],
) -> PendingData:
    """Read and format the list (on the read lane)."""
    with database.sessions() as session:
        rows = tuple(
            list_pending(
                session, scope, as_of=as_of, date_from=date_from, date_to=date_to, status=status
            )
        )
    state.raise_if_cancelled()
    return PendingData(rows, prepare_rows(columns, rows))


class PendingDocumentsPage(ListPage):
    """Draft invoices by date: open, delete, issue (with progress and Cancel), print."""

    key = "pending_documents"
    title = N_("Pending documents")
    description = N_("Draft invoices of the recurring billing: adjust, issue, print")
    icon = "invoice"
    read_failure = N_("The pending documents could not be read: {reason}")
    exportable = True
    busy_width = 140

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self._muted = QColor()
        self.data: PendingData | None = None
        super().__init__(context, parent)
        self._muted = muted_colour(self.palette())
        icons, today = context.icons, context.clock.today()
        self.actions_ = BillingActions(context, self)
        self.actions_.changed.connect(self.written)
        self.actions_.refused.connect(self._refused)
        self.actions_.issue_progressed.connect(self._progressed)
        self.actions_.issue_ended.connect(self._issue_over)

        first = today.replace(day=1)
        self.date_from = date_edit(first, context.formats, "pending_date_from")
        self.date_to = date_edit(
            next_month(first) - dt.timedelta(days=1), context.formats, "pending_date_to"
        )
        for label, edit in ((_("&From"), self.date_from), (_("&To"), self.date_to)):
            caption = QLabel(label)
            caption.setBuddy(edit)
            self.filters.addWidget(caption)
            self.filters.addWidget(edit)
            self.filters.addSpacing(6)
            edit.dateChanged.connect(self.filters_changed)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("pending_status_filter")
        for label, value in STATUS_CHOICES:
            self.status_filter.addItem(_(label), value)
        self.add_filter(_("&Status"), self.status_filter)

        self.run_action = QAction(icons.get("invoice"), _("Create this month's invoices"), self)
        self.run_action.setToolTip(
            _("Make the pending invoices of {month} from the customers' recurring billing").format(
                month=month_name(today, context.formats)
            )
        )
        self.run_action.triggered.connect(lambda: self.actions_.run_month())
        self.add_filter_actions([(self.run_action, "billing_run_button")])

        self.open_action = QAction(icons.get("edit"), _("Open…"), self)
        self.open_action.setToolTip(_("Adjust the lines, prices or due date (Enter)"))
        self.open_action.triggered.connect(self.open_current)
        self.delete_action = QAction(icons.get("delete"), _("Delete"), self)
        self.delete_action.setToolTip(_("Delete the selected pending invoices"))
        self.delete_action.triggered.connect(self.delete_selected)
        self.issue_action = QAction(icons.get("settle"), _("Issue selected"), self)
        self.issue_action.setToolTip(
            _("Post the selected pending invoices as invoices, with their numbers")
        )
        self.issue_action.triggered.connect(self.issue_selected)
        self.issue_all_action = QAction(icons.get("invoice"), _("Issue all shown"), self)
        self.issue_all_action.setToolTip(_("Post every pending invoice shown, in one step"))
        self.issue_all_action.triggered.connect(self.issue_all)
        self.print_action = QAction(icons.get("pdf"), _("Print invoices…"), self)
        self.print_action.setToolTip(
            _("The PDFs of the selected issued invoices, in each customer's language")
        )
        self.print_action.triggered.connect(lambda: self.print_selected())
        self.add_actions(
            [
                (self.open_action, "open_pending_button"),
                (self.delete_action, "delete_pending_button"),
                (self.issue_action, "issue_selected_button"),
                (self.issue_all_action, "issue_all_button"),
                (self.print_action, "print_invoices_button"),
            ]
        )

        self.progress_row = QWidget()
        self.progress_row.setObjectName("issue_progress_row")
        row = QHBoxLayout(self.progress_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setObjectName("issue_progress")
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("issue_progress_label")
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancel_issue_button")
        self.cancel_button.clicked.connect(self.cancel_issue)
        row.addWidget(self.progress)
        row.addWidget(self.progress_label)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        self.progress_row.hide()
        self.body.insertWidget(1, self.progress_row)

        view = self.grid.view
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.activated.connect(self._activated)
        view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()
        self.grid.set_rows((), _("Loading…"))

    def make_grid(self) -> ListGrid[PendingRow]:
        """The documents by date and account; issued ones muted."""
        grid: ListGrid[PendingRow] = ListGrid(
            "pending_documents",
            pending_columns(self.context.formats),
            {STATUS: self._issued_colour},
            self.context.icons,
            stretch=DESCRIPTION,
        )
        grid.model.right = {LINES, NET, TAX, TOTAL}
        grid.title.setText(_("Pending documents"))
        return grid

    # --- public -------------------------------------------------------------------------

    @property
    def is_issuing(self) -> bool:
        """Whether an issue is running."""
        return self.actions_.issue_task is not None

    def load(self) -> None:
        """Read the documents with the filters chosen."""
        context = self.context
        database, scope, as_of = context.database, context.scope, context.clock.today()
        date_from, date_to = pydate(self.date_from.date()), pydate(self.date_to.date())
        status, columns = str(self.status_filter.currentData()), self.grid.model.columns
        self.query(
            lambda state: load_pending(
                database,
                state,
                scope=scope,
                as_of=as_of,
                date_from=date_from,
                date_to=date_to,
                status=status,
                columns=columns,
            ),
            self._loaded,
            failure=self.read_failed,
            name="pending documents",
        )

    def set_dates(self, date_from: dt.date, date_to: dt.date) -> None:
        """Show the documents dated from ``date_from`` to ``date_to`` (reads again)."""
        self.date_from.setDate(qdate(date_from))
        self.date_to.setDate(qdate(date_to))

    def open_current(self) -> None:
        """The draft dialog on the selected pending invoice."""
        row = self.grid.current_row()
        if row is not None and not row.is_issued:
            self.actions_.edit(row.id)

    def delete_selected(self) -> None:
        """Delete the selected pending invoices (after asking)."""
        rows = [row for row in self.grid.selected_rows() if not row.is_issued]
        if not rows:
            return
        answer = QMessageBox.question(
            self,
            _("Delete pending invoices"),
            ngettext(
                "Delete {count} pending invoice? Its recurring lines are not billed again "
                "for its month.",
                "Delete {count} pending invoices? Their recurring lines are not billed again "
                "for their month.",
                len(rows),
            ).format(count=self.context.formats.count(len(rows))),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.actions_.delete({row.id: row.version for row in rows})

    def issue_selected(self) -> None:
        """Issue the selected pending invoices."""
        self._issue([row for row in self.grid.selected_rows() if not row.is_issued])

    def issue_all(self) -> None:
        """Issue every pending invoice shown."""
        self._issue([row for row in self.grid.model.rows() if not row.is_issued])

    def _issue(self, rows: Sequence[PendingRow]) -> None:
        if not rows or self.is_issuing:
            return
        count = len(rows)
        answer = QMessageBox.question(
            self,
            _("Issue invoices"),
            ngettext(
                "Issue {count} invoice? It is posted to the customer's account with its "
                "number and cannot be changed afterwards.",
                "Issue {count} invoices? They are posted to the customers' accounts with "
                "their numbers and cannot be changed afterwards.",
                count,
            ).format(count=self.context.formats.count(count)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.progress.setRange(0, 0)
        self.progress_label.setText(_("Starting the issue…"))
        self.cancel_button.setEnabled(True)
        self.progress_row.show()
        self.actions_.issue([row.id for row in rows])
        self._selection_changed()

    def cancel_issue(self) -> None:
        """Stop the issue at its next step; nothing is issued."""
        if self.is_issuing:
            self.actions_.cancel_issue()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(_("Cancelling…"))

    def print_selected(self, folder: str | Path | None = None) -> None:
        """Write the PDFs of the selected issued invoices (asks for a folder without one)."""
        rows = [row for row in self.grid.selected_rows() if row.invoice_id is not None]
        if not rows:
            return
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, _("Print invoices into"))
            if not chosen:
                return
            folder = chosen
        self.actions_.print([row.invoice_id for row in rows if row.invoice_id], folder)

    def filter_state(self) -> PageState:
        """The status filter."""
        return {"status": str(self.status_filter.currentData()).encode()}

    def restore_filters(self, state: PageState) -> None:
        """Put back the status filter."""
        if "status" in state:
            index = self.status_filter.findData(state["status"].decode(errors="replace"))
            if index >= 0:
                self.status_filter.setCurrentIndex(index)

    def link_activated(self, link: str) -> None:
        """ "run" in the empty-state text creates this month's invoices."""
        if link == "run":
            self.actions_.run_month()
        else:
            super().link_activated(link)

    # --- reactions ----------------------------------------------------------------------

    def _loaded(self, data: PendingData) -> None:
        self.data = data
        fmt = self.context.formats
        if self.status_filter.currentData() == PENDING:
            empty = _(
                'No pending invoices in these dates — <a href="run">Create this month\'s '
                "invoices</a>"
            )
        else:
            empty = _("No documents match these filters.")
        self.grid.set_prepared(data.prepared, empty)
        count = len(data.rows)
        title = ngettext("{count} document", "{count} documents", count).format(
            count=fmt.count(count)
        )
        self.grid.title.setText(title)
        self._selection_changed()
        self.set_status(self.with_note(title))
        self.loaded.emit(data)

    def _refused(self, message: str) -> None:
        self.set_status(message)

    def _progressed(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        if what:
            self.progress_label.setText(what)
            self.status_changed.emit(what)

    def _issue_over(self, _posted: bool) -> None:
        self.progress_row.hide()
        self._selection_changed()

    def _selection_changed(self, *_args: Any) -> None:
        rows = self.grid.selected_rows()
        pending = [row for row in rows if not row.is_issued]
        issuing = self.is_issuing
        current = self.grid.current_row()
        self.open_action.setEnabled(current is not None and not current.is_issued)
        self.delete_action.setEnabled(bool(pending) and not issuing)
        self.issue_action.setEnabled(bool(pending) and not issuing)
        shown = self.grid.model.rows()
        self.issue_all_action.setEnabled(not issuing and any(not row.is_issued for row in shown))
        self.print_action.setEnabled(any(row.is_issued for row in rows))
        self.run_action.setEnabled(not issuing)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid() and not self.grid.model.row(index).is_issued:
            self.actions_.edit(self.grid.model.row(index).id)

    def _issued_colour(self, row: PendingRow) -> QColor | None:
        return self._muted if row.is_issued else None


def pending_columns(fmt: Formats) -> list[Column[PendingRow]]:
    """The grid's columns, in the user's formats."""
    return [
        Column(_("Date"), lambda r: r.document_date, text=fmt.date),
        Column(_("Account"), lambda r: r.account, fit=Fit.KEY),
        Column(_("Customer"), lambda r: r.customer_name, fit=Fit.KEY),
        Column(_("Due date"), lambda r: r.due_date, text=fmt.date),
        Column(_("Lines"), lambda r: r.description, tooltip=lambda r: r.description, fit=Fit.FREE),
        Column(_("Count"), lambda r: r.line_count, text=lambda v: count_text(fmt, v)),
        Column(_("Net"), lambda r: r.net, text=fmt.amount),
        Column(_("Tax"), lambda r: r.tax, text=fmt.amount),
        Column(_("Total"), lambda r: r.total, text=fmt.amount),
        Column(_("Currency"), lambda r: r.currency, fit=Fit.KEY),
        Column(
            _("Status"),
            lambda r: (
                _("Issued as {number}").format(number=r.invoice_number)
                if r.is_issued
                else _("Pending")
            ),
            fit=Fit.KEY,
        ),
    ]
