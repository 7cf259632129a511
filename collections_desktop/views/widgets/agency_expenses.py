"""The agency desk's Expenses tab: a collector's expenses of a month, and their approval.

A collector sees their own expenses of the month chosen (the current month to start
with): New expense… (Ctrl+N), Edit… a draft or a rejected one, Attach receipt… (a PDF
or an image, checked by its content and size before it is stored), Open receipt, and
Submit month, which sends every draft and rejected expense of the month for approval.
A supervisor also chooses "To approve" (everyone's submitted expenses of the month) or
"Everyone's", and approves or rejects the expense selected (Reject asks the reason the
collector reads). Nobody approves their own expenses; an action that cannot apply says
why in its tooltip. Every write is one transaction in the background; a refusal of the
rules shows in the dialog or the status bar.
"""

from __future__ import annotations

import datetime as dt
import html
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.agency.rows import CaseFilter, ExpenseRow
from collections_desktop.models.db.database import Database
from collections_desktop.views.agency_sheets import (
    expense_kind_name,
    expense_state_name,
    month_text,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.agency_expense import (
    CaseChoice,
    ExpenseDialog,
    ExpenseEntry,
    ReasonDialog,
)
from collections_desktop.views.dialogs.agency_names import desk_refusal
from collections_desktop.views.dialogs.fields import month_edit, pydate, qdate
from collections_desktop.views.itemmodels.prepared import PreparedRows, prepare_rows
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.operations import QueryOp, ReadSlot, WriteOp
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.busy import DelayedBusy
from collections_desktop.views.widgets.grid import ListGrid, page_button
from collections_desktop.views.widgets.select import select_row

MINE = "mine"
TO_APPROVE = "to_approve"
EVERYONE = "everyone"
VIEWS = (
    (MINE, N_("My expenses")),
    (TO_APPROVE, N_("To approve")),
    (EVERYONE, N_("Everyone's")),
)
"""What the tab lists: (key, name); a collector who is not a supervisor has only the first."""

EDITABLE = frozenset({"draft", "rejected"})
"""The states in which the collector may still change an expense (and submit it)."""

OPEN_CASE_STATUSES = frozenset({"new", "in_progress", "payment_plan", "legal"})
"""The case statuses an expense may be booked to (``CaseFileStatus`` of open cases)."""

RECEIPT_TYPES = N_("Receipts (*.pdf *.png *.jpg *.jpeg *.gif *.webp *.tif *.tiff)")


@dataclass(frozen=True)
class ExpensesData:
    """What the tab shows: the month's expenses of the view chosen, and who looks."""

    month: dt.date
    view: str
    rows: tuple[ExpenseRow, ...]
    prepared: PreparedRows[ExpenseRow]
    is_staff: bool
    is_supervisor: bool


@dataclass(frozen=True)
class DialogChoices:
    """What the expense dialog offers: the currencies and the viewer's open cases."""

    currencies: tuple[str, ...]
    cases: tuple[CaseChoice, ...]


def expense_columns(formats: Formats, *, everyone: bool) -> list[Column[ExpenseRow]]:
    """The grid's columns; with ``everyone``, the collector's name too."""
    columns: list[Column[ExpenseRow]] = []
    if everyone:
        columns.append(Column(_("Collector"), lambda r: r.employee_name, fit=Fit.KEY))
    columns += [
        Column(_("Date"), lambda r: r.spent_on, text=formats.date),
        Column(_("Type"), lambda r: expense_kind_name(r.kind), fit=Fit.LABEL),
        Column(_("Case"), lambda r: r.case_number, fit=Fit.KEY),
        Column(_("Description"), lambda r: r.description, fit=Fit.FREE),
        Column(_("Amount"), lambda r: r.amount, text=formats.amount),
        Column(_("Currency"), lambda r: r.currency),
        Column(
            _("State"),
            lambda r: expense_state_name(r.state),
            tooltip=lambda r: (
                _("Rejected: {reason}").format(reason=r.rejection_reason)
                if r.state == "rejected" and r.rejection_reason
                else (
                    _("Approved by {name}").format(name=r.approved_by_name)
                    if r.approved_by_name
                    else expense_state_name(r.state)
                )
            ),
            fit=Fit.KEY,
        ),
        Column(
            _("Receipts"),
            lambda r: ", ".join(receipt.file_name for receipt in r.receipts) or None,
            fit=Fit.LABEL,
        ),
        Column(_("Rejection reason"), lambda r: r.rejection_reason, fit=Fit.FREE),
    ]
    return columns


def load_expenses(
    database: Database,
    state: TaskState,
    *,
    month: dt.date,
    view: str,
    viewer_id: uuid.UUID | None,
    formats: Formats,
) -> ExpensesData:
    """Read the month's expenses of ``view`` and prepare the grid's rows (read lane);
    ``view`` "" is the viewer's first: a supervisor's approvals, a collector's own."""
    from collections_desktop.models.agency.expenses_read import month_expenses
    from collections_desktop.models.agency.staff import staff_member

    with database.sessions() as session:
        me = staff_member(session, viewer_id) if viewer_id is not None else None
        supervisor = me is not None and me.is_supervisor
        if not view:
            view = TO_APPROVE if supervisor else MINE
        if view != MINE and not supervisor:
            view = MINE
        if view == MINE:
            rows = (
                month_expenses(session, month, employee_id=viewer_id)
                if viewer_id is not None
                else ()
            )
        elif view == TO_APPROVE:
            rows = month_expenses(session, month, states=frozenset({"submitted"}))
        else:
            rows = month_expenses(session, month)
    state.raise_if_cancelled()
    prepared = prepare_rows(expense_columns(formats, everyone=view != MINE), rows)
    return ExpensesData(month, view, tuple(rows), prepared, me is not None, supervisor)


def dialog_choices(session: Session, viewer_id: uuid.UUID, today: dt.date) -> DialogChoices:
    """The currencies (the accounting one first) and the viewer's open cases."""
    from collections_desktop.models.agency.desk import case_files
    from collections_desktop.models.receipts.record import currencies

    cases = case_files(
        session, CaseFilter(collector_id=viewer_id, statuses=OPEN_CASE_STATUSES), as_of=today
    )
    choices = sorted(
        (CaseChoice(case.id, case.number, case.debtor_name) for case in cases),
        key=lambda case: case.number,
    )
    return DialogChoices(tuple(currencies(session)), tuple(choices))


class ExpensesPanel(QWidget):
    """The Expenses tab of the agency desk (see the module's docstring)."""

    status_changed = Signal(str)
    """What the status bar should say."""
    loaded = Signal(object)
    """The ``ExpensesData`` now on screen."""

    def __init__(
        self,
        context: PageContext,
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agency_expenses")
        self.context = context
        self._refused = (
            desk_refusal(read_only=context.database.read_only, replica=context.replica) or ""
        )
        """Why nothing can be written here at all (an offline copy); empty when it can."""
        self.open_url = open_url
        self.choose_file: Callable[[], str | None] = self._ask_file
        """The receipt to attach: asks the user (tests give a path)."""
        self.confirm: Callable[[str], bool] = self._ask_confirm
        """Whether to go ahead (Submit month asks; tests answer)."""
        self.data: ExpensesData | None = None
        self.dialog: ExpenseDialog | ReasonDialog | None = None
        """The last dialog opened (for the tests)."""
        self.started = False
        self.status = ""
        self._note = ""
        self._view_chosen = False
        """Whether the user chose what to list (else: a supervisor's approvals first)."""
        self.busy = DelayedBusy("agency_expenses_busy", _("Loading…"), self, width=120)
        self.reads = ReadSlot(self, self.busy)
        icons = context.icons

        self.view = QComboBox()
        self.view.setObjectName("expenses_view")
        for key, name in VIEWS:
            self.view.addItem(_(name), key)
        self.view_label = QLabel(_("&Show"))
        self.view_label.setBuddy(self.view)
        self.month = month_edit(context.clock.today(), context.formats, "expenses_month")
        self.month.setToolTip(_("The month the expenses are reported in"))
        earlier, later = QToolButton(), QToolButton()
        earlier.setObjectName("expenses_earlier")
        earlier.setText("◀")
        earlier.setToolTip(_("The month before"))
        later.setObjectName("expenses_later")
        later.setText("▶")
        later.setToolTip(_("The month after"))
        earlier.clicked.connect(lambda: self.step_month(-1))
        later.clicked.connect(lambda: self.step_month(1))

        def action(icon: str, text: str, tip: str, slot: Callable[[], None]) -> QAction:
            made = QAction(icons.get(icon), text, self)
            made.setToolTip(tip)
            made.triggered.connect(slot)
            return made

        self.new_action = action(
            "new_activity", _("New expense…"), _("Add an expense of yours (Ctrl+N)"), self.add
        )
        self.new_action.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.edit_action = action("edit", _("Edit…"), _("Correct the expense selected"), self.edit)
        self.attach_action = action(
            "receipt",
            _("Attach receipt…"),
            _("Keep the receipt (PDF or image) with the expense selected"),
            self.attach,
        )
        self.open_receipt_action = action(
            "details", _("Open receipt"), _("Open the expense's receipt"), self.open_receipt
        )
        self.submit_action = action(
            "task",
            _("Submit month"),
            _("Send the month's draft and rejected expenses for approval"),
            self.submit,
        )
        self.approve_action = action(
            "close_activity", _("Approve"), _("Approve the expense selected"), self.approve
        )
        self.reject_action = action(
            "cancel", _("Reject…"), _("Reject the expense selected, saying why"), self.reject
        )
        self.refresh_action = action(
            "refresh", _("Refresh"), _("Read the expenses again (F5)"), self.refresh
        )
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        for made in (self.new_action, self.refresh_action):
            made.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(made)

        self.grid: ListGrid[ExpenseRow] = ListGrid(
            "agency_expenses", expense_columns(context.formats, everyone=False), {}, icons,
            stretch=4,
        )  # fmt: skip
        self.grid.sort_by(-1, Qt.SortOrder.AscendingOrder)  # by date, as read
        row_actions = (
            (self.edit_action, "expense_edit_button"),
            (self.attach_action, "expense_attach_button"),
            (self.open_receipt_action, "expense_receipt_button"),
            (self.approve_action, "expense_approve_button"),
            (self.reject_action, "expense_reject_button"),
        )
        position = 2  # after the grid's title and its stretch
        self.buttons: dict[str, QToolButton] = {}
        for made, name in (
            (self.new_action, "expense_new_button"),
            *row_actions,
            (self.submit_action, "expense_submit_button"),
        ):
            button = page_button(made, name)
            self.buttons[name] = button
            self.grid.head.insertWidget(position, button)
            position += 1
        for made, _name in ((self.new_action, ""), *row_actions):
            self.grid.view.addAction(made)
        self.grid.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.grid.view.activated.connect(lambda _index: self._activated())

        self.figures = QLabel()
        self.figures.setObjectName("expenses_figures")
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setWordWrap(True)

        choosers = QHBoxLayout()
        choosers.setSpacing(6)
        month_label = QLabel(_("&Month"))
        month_label.setBuddy(self.month)
        for widget in (month_label, earlier, self.month, later):
            choosers.addWidget(widget)
        choosers.addSpacing(8)
        choosers.addWidget(self.view_label)
        choosers.addWidget(self.view)
        choosers.addStretch(1)
        choosers.addWidget(self.busy.bar)
        choosers.addWidget(self.busy.label)
        choosers.addWidget(page_button(self.refresh_action, "expenses_refresh_button"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 6)
        layout.setSpacing(6)
        layout.addLayout(choosers)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.figures)

        self.month.dateChanged.connect(self._changed)
        self.view.currentIndexChanged.connect(self._view_changed)
        self.grid.view.selectionModel().selectionChanged.connect(self._update_actions)
        self.view_label.hide()
        self.view.hide()
        self.grid.set_rows((), _("Loading…"))
        self._update_actions()
        self._stale = False
        context.runner.written.connect(self._written_elsewhere)

    # --- public -------------------------------------------------------------------------

    @property
    def is_loading(self) -> bool:
        return self.reads.is_loading

    @property
    def chosen_month(self) -> dt.date:
        """The first day of the month chosen."""
        return pydate(self.month.date()).replace(day=1)

    @property
    def chosen_view(self) -> str:
        return str(self.view.currentData())

    def show_view(self, view: str, month: dt.date | None = None) -> None:
        """List ``view`` (``MINE``, ``TO_APPROVE``, ``EVERYONE``) of ``month`` (one read)."""
        self.view.blockSignals(True)
        self.month.blockSignals(True)
        self.view.setCurrentIndex(max(self.view.findData(view), 0))
        if month is not None:
            self.month.setDate(qdate(month.replace(day=1)))
        self.view.blockSignals(False)
        self.month.blockSignals(False)
        self._view_chosen = True
        self._changed()

    def step_month(self, months: int) -> None:
        """Move the month chosen ``months`` back or forward."""
        month = self.chosen_month
        index = month.year * 12 + month.month - 1 + months
        self.month.setDate(qdate(dt.date(index // 12, index % 12 + 1, 1)))

    def activate(self) -> None:
        """The tab came on screen: read it the first time."""
        if not self.started:
            self.refresh()

    def refresh(self) -> None:
        """Read the month's expenses again (F5)."""
        self.started = True
        self._stale = False
        context = self.context
        month = self.chosen_month
        view = self.chosen_view if self._view_chosen else ""
        database, viewer_id, formats = context.database, context.employee_id, context.formats
        QueryOp(
            lambda state: load_expenses(
                database, state, month=month, view=view, viewer_id=viewer_id, formats=formats
            ),
            self._loaded,
            "agency expenses",
            failure=self._failed,
        ).run(context.runner, self.reads)

    def selected(self) -> ExpenseRow | None:
        """The expense selected."""
        return self.grid.current_row()

    def select_expense(self, expense_id: uuid.UUID) -> bool:
        """Select the expense ``expense_id`` if it is listed."""
        model = self.grid.model
        for number in range(model.rowCount()):
            if model.row(model.index(number, 0)).id == expense_id:
                select_row(self.grid.view, number)
                return True
        return False

    def add(self) -> None:
        """New expense…: the dialog, then the expense written as a draft."""
        me = self.context.employee_id
        if me is None or self.data is None or not self.data.is_staff:
            self._set_status(_("Only the agency's staff report expenses."))
            return
        self._with_choices(lambda choices: self._open_expense(choices, None))

    def edit(self) -> None:
        """Edit… the expense selected (a draft or a rejected one of the viewer's)."""
        row = self.selected()
        if row is None or self._why_not_edit(row):
            return
        self._with_choices(lambda choices: self._open_expense(choices, row))

    def attach(self) -> None:
        """Attach receipt…: a file chosen, checked and stored with the expense selected."""
        row = self.selected()
        if row is None or self._why_not_attach(row):
            return
        chosen = self.choose_file()
        if not chosen:
            return
        path = Path(chosen)
        me, clock = self.context.employee_id, self.context.clock

        def work(session: Session) -> str:
            from collections_desktop.models.agency.attachments import attach, check_attachment
            from collections_desktop.models.agency.errors import AgencyError

            try:
                content = path.read_bytes()
            except OSError as error:
                raise AgencyError(
                    _("{name} could not be read: {reason}").format(
                        name=path.name, reason=error.strerror or error
                    )
                ) from error
            check_attachment(path.name, content)
            attach(
                session,
                expense_id=row.id,
                file_name=path.name,
                content=content,
                by=me,
                now=clock.now(),
            )
            return path.name

        self._write(
            work,
            lambda name: _("Receipt {name} attached to the expense of {date}").format(
                name=name, date=self.context.formats.date(row.spent_on)
            ),
            "attach receipt",
        )

    def open_receipt(self) -> None:
        """Open the selected expense's (first) receipt with the computer's viewer."""
        row = self.selected()
        if row is None or not row.receipts:
            return
        receipt_id = row.receipts[0].id
        database = self.context.database

        def read(_state: TaskState) -> Path:
            from collections_desktop.models.agency.attachments import read_attachment

            with database.sessions() as session:
                name, _media, content = read_attachment(session, receipt_id)
            folder = Path(tempfile.gettempdir()) / "collections-desktop-receipts"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{receipt_id.hex[:8]}-{Path(name).name}"
            target.write_bytes(content)
            return target

        def opened(target: Path) -> None:
            self.open_url(QUrl.fromLocalFile(str(target)))

        QueryOp(
            read,
            opened,
            "open receipt",
            failure=lambda error: self._set_status(
                _("The receipt could not be opened: {reason}").format(reason=error)
            ),
        ).run(self.context.runner)

    def submit(self) -> None:
        """Submit month: the viewer's draft and rejected expenses of the month go for approval."""
        me, clock, month = self.context.employee_id, self.context.clock, self.chosen_month
        if me is None:
            return
        words = month_text(month, self.context.formats)
        waiting = [r for r in self.data.rows if r.state in EDITABLE] if self.data else []
        if waiting and not self.confirm(
            ngettext(
                "Submit {count} expense of {month} for approval? It can no longer be "
                "changed unless it is rejected.",
                "Submit {count} expenses of {month} for approval? They can no longer be "
                "changed unless they are rejected.",
                len(waiting),
            ).format(count=self.context.formats.count(len(waiting)), month=words)
        ):
            return

        def work(session: Session) -> int:
            from collections_desktop.models.agency.expenses import submit_month

            return int(submit_month(session, me, month, now=clock.now()))

        self._write(
            work,
            lambda count: (
                ngettext(
                    "{count} expense of {month} submitted for approval",
                    "{count} expenses of {month} submitted for approval",
                    count,
                ).format(count=self.context.formats.count(count), month=words)
                if count
                else _("Nothing to submit for {month}: no draft or rejected expense.").format(
                    month=words
                )
            ),
            "submit expenses",
        )

    def approve(self) -> None:
        """Approve the expense selected (a supervisor, never on their own)."""
        row = self.selected()
        if row is None or self._why_not_decide(row):
            return
        me, clock = self.context.employee_id, self.context.clock
        assert me is not None

        def work(session: Session) -> None:
            from collections_desktop.models.agency.expenses import approve_expense

            approve_expense(session, row.id, row.version, supervisor_id=me, now=clock.now())

        self._write(
            work,
            lambda _none: _("Expense of {name} of {amount} approved").format(
                name=row.employee_name,
                amount=self.context.formats.money(row.amount, row.currency),
            ),
            "approve expense",
        )

    def reject(self) -> None:
        """Reject… the expense selected, with the reason the collector reads."""
        row = self.selected()
        if row is None or self._why_not_decide(row):
            return
        me, clock, formats = self.context.employee_id, self.context.clock, self.context.formats
        assert me is not None
        dialog = ReasonDialog(
            _("Reject expense"),
            _("{name}: {kind} of {date}, {amount}").format(
                name=row.employee_name,
                kind=expense_kind_name(row.kind),
                date=formats.date(row.spent_on),
                amount=formats.money(row.amount, row.currency),
            ),
            self,
        )

        def work(session: Session, reason: str) -> None:
            from collections_desktop.models.agency.expenses import reject_expense

            reject_expense(
                session, row.id, row.version, supervisor_id=me, reason=reason, now=clock.now()
            )

        self._open(
            dialog,
            work,
            lambda _none: _("Expense of {name} rejected").format(name=row.employee_name),
            "reject expense",
        )

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

    def _loaded(self, data: ExpensesData) -> None:
        self.data = data
        self.view_label.setVisible(data.is_supervisor)
        self.view.setVisible(data.is_supervisor)
        if data.view != self.chosen_view:
            self.view.blockSignals(True)
            self.view.setCurrentIndex(self.view.findData(data.view))
            self.view.blockSignals(False)
        grid = self.grid
        if data.prepared.columns != grid.model.columns:
            from collections_desktop.views.itemmodels.prepared import PreparedModel

            grid.fitter.stretch = 4 if data.view != MINE else 3
            grid.set_model(PreparedModel(data.prepared.columns, {}, grid))
            grid.model.right = {
                i for i, c in enumerate(data.prepared.columns) if c.header == _("Amount")
            }
            grid.view.selectionModel().selectionChanged.connect(self._update_actions)
        words = month_text(data.month, self.context.formats)
        grid.set_prepared(data.prepared, self._empty_text(data, words))
        count = len(data.rows)
        title = ngettext("{count} expense", "{count} expenses", count).format(
            count=self.context.formats.count(count)
        )
        grid.title.setText(title)
        self.figures.setText(self._figures_html(data))
        self._update_actions()
        status = f"{_(dict(VIEWS)[data.view])} · {words} · {title}"
        if self._note:
            status, self._note = f"{self._note} · {status}", ""
        self._set_status(status)
        self.loaded.emit(data)

    def _empty_text(self, data: ExpensesData, month: str) -> str:
        if not data.is_staff and data.view == MINE:
            return html.escape(
                _("You are not on the agency's staff: there are no expenses of yours to show.")
            )
        if data.view == MINE:
            return html.escape(
                _("No expense of yours in {month}. New expense… (Ctrl+N) adds one.").format(
                    month=month
                )
            )
        if data.view == TO_APPROVE:
            return html.escape(_("No expense of {month} waits for approval.").format(month=month))
        return html.escape(_("Nobody reported an expense in {month}.").format(month=month))

    def _figures_html(self, data: ExpensesData) -> str:
        formats = self.context.formats
        totals: dict[tuple[str, str], Decimal] = {}
        for row in data.rows:
            key = (row.state, row.currency)
            totals[key] = totals.get(key, Decimal(0)) + row.amount
        if not totals:
            return ""
        order = ("draft", "rejected", "submitted", "approved")
        parts = [
            f"{html.escape(expense_state_name(state), quote=False)}&nbsp;<b>"
            f"{html.escape(formats.money(amount, currency)).replace(' ', '&nbsp;')}</b>"
            for (state, currency), amount in sorted(
                totals.items(),
                key=lambda item: (order.index(item[0][0]) if item[0][0] in order else 9, item[0]),
            )
        ]
        return " &nbsp;·&nbsp; ".join(parts)

    def _failed(self, error: BaseException) -> None:
        message = _("The expenses could not be read: {reason}").format(reason=error)
        self.grid.set_rows((), html.escape(message))
        self._set_status(message)

    # --- what applies -------------------------------------------------------------------

    def _mine(self, row: ExpenseRow) -> bool:
        return row.employee_id == self.context.employee_id

    def _why_not_edit(self, row: ExpenseRow) -> str:
        if self._refused:
            return self._refused
        if not self._mine(row):
            return _("Only the collector who reported an expense may change it.")
        if row.state not in EDITABLE:
            return _(
                "Only a draft or a rejected expense can be changed; this one is “{state}”."
            ).format(state=expense_state_name(row.state))
        return ""

    def _why_not_attach(self, row: ExpenseRow) -> str:
        if self._refused:
            return self._refused
        if not self._mine(row):
            return _("Only the collector who reported an expense attaches its receipts.")
        if row.state == "approved":
            return _("An approved expense cannot be changed.")
        return ""

    def _why_not_decide(self, row: ExpenseRow) -> str:
        if self._refused:
            return self._refused
        data = self.data
        if data is None or not data.is_supervisor:
            return _("Only a supervisor approves or rejects expenses.")
        if self._mine(row):
            return _("You reported this expense; another supervisor must decide on it.")
        if row.state != "submitted":
            return _(
                "Only a submitted expense is approved or rejected; this one is “{state}”."
            ).format(state=expense_state_name(row.state))
        return ""

    def _update_actions(self, *_args: Any) -> None:
        data = self.data
        row = self.selected()
        staff = data is not None and data.is_staff
        supervisor = data is not None and data.is_supervisor
        mine_view = data is None or data.view == MINE
        self.new_action.setEnabled(staff and mine_view and not self._refused)
        if self._refused:
            self.new_action.setToolTip(self._refused)
        self.new_action.setVisible(mine_view)
        self.buttons["expense_new_button"].setVisible(mine_view)
        submittable = (
            data is not None
            and mine_view
            and any(r.state in EDITABLE and self._mine(r) for r in data.rows)
        )
        self.submit_action.setEnabled(submittable and not self._refused)
        self.submit_action.setVisible(mine_view)
        self.buttons["expense_submit_button"].setVisible(mine_view)
        for made, why, name in (
            (self.edit_action, self._why_not_edit, "expense_edit_button"),
            (self.attach_action, self._why_not_attach, "expense_attach_button"),
            (self.approve_action, self._why_not_decide, "expense_approve_button"),
            (self.reject_action, self._why_not_decide, "expense_reject_button"),
        ):
            reason = why(row) if row is not None else _("Select an expense first.")
            made.setEnabled(not reason)
            base = made.text().replace("&", "").rstrip("…")
            made.setToolTip(reason or self._tips.get(name, base))
        for made, name in (
            (self.edit_action, "expense_edit_button"),
            (self.attach_action, "expense_attach_button"),
        ):
            made.setVisible(mine_view)
            self.buttons[name].setVisible(mine_view)
        for made, name in (
            (self.approve_action, "expense_approve_button"),
            (self.reject_action, "expense_reject_button"),
        ):
            made.setVisible(supervisor and not mine_view)
            self.buttons[name].setVisible(supervisor and not mine_view)
        has_receipt = row is not None and bool(row.receipts)
        self.open_receipt_action.setEnabled(has_receipt)
        self.open_receipt_action.setToolTip(
            _("Open the expense's receipt")
            if has_receipt
            else _("The expense selected has no receipt.")
            if row is not None
            else _("Select an expense first.")
        )

    @property
    def _tips(self) -> dict[str, str]:
        return {
            "expense_edit_button": _("Correct the expense selected"),
            "expense_attach_button": _("Keep the receipt (PDF or image) with the expense selected"),
            "expense_approve_button": _("Approve the expense selected"),
            "expense_reject_button": _("Reject the expense selected, saying why"),
        }

    def _activated(self) -> None:
        """Enter or a double-click: edit one's own expense, else open its receipt."""
        row = self.selected()
        if row is None:
            return
        if not self._why_not_edit(row):
            self.edit()
        elif row.receipts:
            self.open_receipt()

    # --- dialogs and writes ---------------------------------------------------------------

    def _with_choices(self, then: Callable[[DialogChoices], None]) -> None:
        database, me, today = (
            self.context.database,
            self.context.employee_id,
            self.context.clock.today(),
        )
        assert me is not None

        def read(_state: TaskState) -> DialogChoices:
            with database.sessions() as session:
                return dialog_choices(session, me, today)

        QueryOp(
            read,
            then,
            "expense choices",
            failure=lambda error: self._set_status(
                _("Could not read the data: {reason}").format(reason=error)
            ),
        ).run(self.context.runner)

    def _open_expense(self, choices: DialogChoices, row: ExpenseRow | None) -> None:
        context = self.context
        me, clock = context.employee_id, context.clock
        assert me is not None
        entry = None
        if row is not None:
            # The rows name the case by its number (an open case of the viewer's).
            by_number = {case.number: case.id for case in choices.cases}
            entry = ExpenseEntry(
                row.spent_on,
                row.kind,
                row.amount,
                row.currency,
                by_number.get(row.case_number or ""),
                row.description,
            )
        dialog = ExpenseDialog(
            context.formats,
            today=clock.today(),
            currencies=choices.currencies,
            cases=choices.cases,
            entry=entry,
            case_number=row.case_number if row is not None else None,
            rejection=row.rejection_reason if row is not None and row.state == "rejected" else None,
            parent=self,
        )

        def work(session: Session, value: ExpenseEntry) -> dt.date:
            from collections_desktop.models.agency.expenses import (
                ExpenseValues,
                add_expense,
                edit_expense,
            )

            values = ExpenseValues(
                spent_on=value.spent_on,
                kind=value.kind,
                amount=value.amount,
                currency=value.currency,
                case_id=value.case_id,
                description=value.description,
            )
            if row is None:
                add_expense(session, me, values, now=clock.now())
            else:
                edit_expense(session, row.id, row.version, values, by=me, now=clock.now())
            return value.spent_on

        def said(spent_on: dt.date) -> str:
            # A new expense of another month: show that month, where it now is.
            if spent_on.replace(day=1) != self.chosen_month:
                self.month.blockSignals(True)
                self.month.setDate(qdate(spent_on.replace(day=1)))
                self.month.blockSignals(False)
            return (
                _("Expense of {date} added").format(date=context.formats.date(spent_on))
                if row is None
                else _("Expense of {date} saved").format(date=context.formats.date(spent_on))
            )

        self._open(dialog, work, said, "save expense")

    def _open(
        self,
        dialog: ExpenseDialog | ReasonDialog,
        work: Callable[[Session, Any], Any],
        message: Callable[[Any], str],
        name: str,
    ) -> None:
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.submitted.connect(
            lambda value: self._write(
                lambda session: work(session, value), message, name, feedback=dialog
            )
        )
        dialog.open()

    def _write(
        self,
        work: Callable[[Session], Any],
        message: Callable[[Any], str],
        name: str,
        *,
        feedback: ExpenseDialog | ReasonDialog | None = None,
    ) -> None:
        def done(result: Any) -> None:
            self._note = message(result)
            self._set_status(self._note)
            self.refresh()

        WriteOp(
            work,
            done,
            name,
            failure=None if feedback is not None else self._set_status,
            feedback=feedback,
        ).run(self.context.runner, self.context.database)

    def _ask_confirm(self, question: str) -> bool:
        answer = QMessageBox.question(
            self,
            _("Submit month"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _ask_file(self) -> str | None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Attach receipt"), "", _(RECEIPT_TYPES)
        )
        return chosen or None

    def _set_status(self, text: str) -> None:
        self.status = text
        self.status_changed.emit(text)

    def _changed(self, *_args: Any) -> None:
        if self.started:
            self.refresh()

    def _view_changed(self, *_args: Any) -> None:
        self._view_chosen = True
        self._changed()
