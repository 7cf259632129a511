"""Bank reconciliation: the credits of the imported bank statements, matched to customers.

The page lists the lines waiting with their best suggestion (customer, documents,
confidence and the reason in words); the panel below shows the selected line whole and
all its suggestions, best first, to pick from. The keyboard drives it: **Enter** confirms
the picked suggestion of the current line (a payment settling its documents, one
transaction) and moves to the next, **Space** skips to the next without a change.
"Confirm all ≥ N %" confirms every line whose best suggestion reaches N, each line its
own transaction, with progress in the status bar and the count of what was refused.
Assign to customer… places a line by hand; Set aside… moves it to the suspense list
(Put back returns it); the Confirmed view lists what was posted, newest first, with
Undo; the Statements view lists the imports with their balances and any difference.

Reads (the lines, and the matching, which takes seconds on thousands of lines) run on
a worker through ``QueryOp``; every action is a ``WriteOp`` (one transaction) whose
refusal is shown in a message box. A confirmed line leaves the list at once; the other
lines keep the suggestions read with them until F5 reads them again.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.bank.batch import (
    BatchResult,
    confirm_many,
    line_label,
    plan_for,
    plans_at_or_above,
)
from collections_desktop.models.bank.matching import MatchSettings, Suggestion
from collections_desktop.models.bank.read import (
    BankLineRow,
    BankLineState,
    StatementRow,
    bank_lines,
    line_counts,
    line_facts,
    statements,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.bank_assign import AssignedLine, AssignLineDialog
from collections_desktop.views.itemmodels.prepared import PreparedModel, PreparedRows, prepare_rows
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.operations import QueryOp, WriteOp
from collections_desktop.views.pages.base import ListPage, PageState
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.customer_search import CustomerSearch
from collections_desktop.views.widgets.grid import ListGrid, page_button
from collections_desktop.views.widgets.select import select_row

OPEN, SUSPENSE, CONFIRMED, STATEMENTS = "open", "suspense", "confirmed", "statements"
VIEWS = (OPEN, SUSPENSE, CONFIRMED, STATEMENTS)
VIEW_NAMES = {
    OPEN: N_("Waiting"),
    SUSPENSE: N_("Set aside"),
    CONFIRMED: N_("Confirmed"),
    STATEMENTS: N_("Statements"),
}
CONFIRMED_LIMIT = 5_000
"""The most confirmed lines listed (newest first)."""
DEFAULT_CONFIDENCE = 90
SKIP_KEY = "Space"
"""The key that moves to the next line without a change (shown on the Skip button)."""


@dataclass(frozen=True)
class OpenLine:
    """A line waiting, with its suggestions best first (none: nobody's rule placed it)."""

    line: BankLineRow
    suggestions: tuple[Suggestion, ...]

    @property
    def best(self) -> Suggestion | None:
        """The suggestion shown in the list."""
        return self.suggestions[0] if self.suggestions else None


@dataclass(frozen=True)
class BankData:
    """What the page shows for one view."""

    view: str
    rows: tuple[Any, ...]  # OpenLine, BankLineRow or StatementRow, as the view lists
    prepared: PreparedRows[Any]
    counts: dict[str, int]
    settings: MatchSettings | None
    capped: bool = False


def load_bank(
    database: Database,
    state: TaskState,
    *,
    view: str,
    scope: AgentScope,
    as_of: dt.date,
    columns: Sequence[Column[Any]],
) -> BankData:
    """Read (and, for the lines waiting, match) the view's rows on a worker."""
    from collections_desktop.models.bank.matching import match_lines, match_settings

    rows: tuple[Any, ...]
    settings = None
    capped = False
    with database.sessions() as session:
        counts = line_counts(session, scope, as_of)
        if view == STATEMENTS:
            rows = tuple(statements(session))
        elif view == OPEN:
            lines = bank_lines(session, scope, BankLineState.OPEN, as_of=as_of)
            state.raise_if_cancelled()
            settings = match_settings(session)
            found = match_lines(session, scope, line_facts(lines), as_of, settings)
            rows = tuple(OpenLine(line, tuple(found.get(line.id, ()))) for line in lines)
        else:
            state_name = BankLineState.SUSPENSE if view == SUSPENSE else BankLineState.CONFIRMED
            limit = CONFIRMED_LIMIT + 1 if view == CONFIRMED else None
            listed = bank_lines(session, scope, state_name, as_of=as_of, limit=limit)
            capped = len(listed) > CONFIRMED_LIMIT
            rows = tuple(listed[:CONFIRMED_LIMIT])
    state.raise_if_cancelled()
    return BankData(view, rows, prepare_rows(columns, rows), counts, settings, capped)


def without(prepared: PreparedRows[Any], gone: set[int]) -> PreparedRows[Any]:
    """``prepared`` less the rows at the indexes ``gone`` (no formatting again)."""
    keep = [i for i in range(len(prepared.rows)) if i not in gone]
    return PreparedRows(
        columns=prepared.columns,
        rows=tuple(prepared.rows[i] for i in keep),
        texts=[prepared.texts[i] for i in keep],
        keys=[[column[i] for i in keep] for column in prepared.keys],
        haystacks=[prepared.haystacks[i] for i in keep],
    )


def allowance(settings: MatchSettings | None, amount: Decimal) -> Decimal:
    """The difference the company writes off on a payment of ``amount`` (its tolerance)."""
    if settings is None:
        return ZERO
    by_percent = (abs(amount) * settings.tolerance_percent / 100).quantize(Decimal("0.01"))
    return max(settings.tolerance_amount, by_percent)


class KeyFilter(QObject):
    """Enter confirms and the skip key moves on, in the grids of the lines waiting."""

    def __init__(self, page: BankPage) -> None:
        super().__init__(page)
        self.page = page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, modifiers = event.key(), event.modifiers()
            if self.page.view != OPEN or modifiers & ~Qt.KeyboardModifier.KeypadModifier:
                return False
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.page.confirm_current()
                return True
            if key == Qt.Key.Key_Space:
                self.page.skip()
                return True
        return False


@dataclass
class _LineChoices:
    """What the user picked per line: a suggestion other than the best, the write-off."""

    suggestion: dict[uuid.UUID, int] = field(default_factory=dict)
    write_off: dict[uuid.UUID, bool] = field(default_factory=dict)


class BankPage(ListPage):
    """The statement lines: match, confirm, assign, set aside, undo (see the module)."""

    key = "bank"
    title = N_("Bank reconciliation")
    description = N_("The bank statements' credits matched to customers and their invoices")
    read_failure = N_("The statement lines could not be read: {reason}")
    busy_text = N_("Matching…")
    exportable = True

    import_requested = Signal()
    """File ▸ Import bank statement… asked from the page (its button or empty state)."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self.view = OPEN
        self.data: BankData | None = None
        self.choices = _LineChoices()
        self.pending: set[uuid.UUID] = set()
        """Lines whose confirmation is being written (Enter twice posts once)."""
        self.last_batch: BatchResult | None = None
        self._confidence_touched = False
        self._columns: dict[str, list[Column[Any]]] = {}
        super().__init__(context, parent)
        formats, icons = context.formats, context.icons
        self._columns = {
            OPEN: open_columns(formats),
            SUSPENSE: suspense_columns(formats),
            CONFIRMED: confirmed_columns(formats),
            STATEMENTS: statement_columns(formats),
        }
        self.grid.set_model(PreparedModel(self._columns[OPEN], {}, self.grid))
        self.refresh_action.setToolTip(_("Read the lines and match them again (F5)"))

        self.view_combo = QComboBox()
        self.view_combo.setObjectName("bank_view")
        self.view_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.view_combo.setMinimumContentsLength(18)
        for view in VIEWS:
            self.view_combo.addItem(_(VIEW_NAMES[view]), view)
        self.add_filter(_("&Show"), self.view_combo)
        self.confidence = QSpinBox()
        self.confidence.setObjectName("bank_confidence")
        self.confidence.setRange(1, 100)
        self.confidence.setSuffix(" %")
        self.confidence.setValue(DEFAULT_CONFIDENCE)
        self.confidence.setToolTip(_("The confidence a suggestion needs for Confirm all"))
        self.confidence.valueChanged.connect(self._confidence_changed)

        self.confirm_action = QAction(icons.get("close_activity"), _("Confirm"), self)
        self.confirm_action.setToolTip(
            _("Post the picked suggestion as the customer's payment, then the next line (Enter)")
        )
        self.confirm_action.triggered.connect(self.confirm_current)
        self.skip_action = QAction(
            icons.get("skip"), _("Skip ({key})").format(key=_("Space")), self
        )
        self.skip_action.setToolTip(
            _("Leave this line as it is and go to the next ({key})").format(key=_("Space"))
        )
        self.skip_action.triggered.connect(self.skip)
        self.assign_action = QAction(icons.get("customer"), _("Assign to customer…"), self)
        self.assign_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.assign_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.assign_action.setToolTip(
            _("Choose the customer who paid, and the items it settles (Ctrl+Shift+A)")
        )
        self.assign_action.triggered.connect(lambda: self.assign_current())
        self.set_aside_action = QAction(icons.get("set_aside"), _("Set aside…"), self)
        self.set_aside_action.setToolTip(
            _("Nobody can place it yet: move it to the lines set aside, with a note")
        )
        self.set_aside_action.triggered.connect(lambda: self.set_aside_current())
        self.put_back_action = QAction(icons.get("reopen"), _("Put back"), self)
        self.put_back_action.setToolTip(_("Return the line to the lines waiting"))
        self.put_back_action.triggered.connect(self.put_back_current)
        self.undo_action = QAction(icons.get("reverse_settlement"), _("Undo…"), self)
        self.undo_action.setToolTip(
            _("Take the payment back: its invoices open again and the line waits again")
        )
        self.undo_action.triggered.connect(lambda: self.undo_current())
        self.import_action = QAction(icons.get("import"), _("Import…"), self)
        self.import_action.setToolTip(
            _("Import bank statements (camt, MT940, OFX, CSV); you may also drop files here")
        )
        self.import_action.triggered.connect(self.import_requested)
        for action in (self.assign_action,):
            self.addAction(action)
        self.add_actions(
            [
                (self.confirm_action, "bank_confirm_button"),
                (self.skip_action, "bank_skip_button"),
                (self.assign_action, "bank_assign_button"),
                (self.set_aside_action, "bank_set_aside_button"),
                (self.put_back_action, "bank_put_back_button"),
                (self.undo_action, "bank_undo_button"),
            ]
        )
        self.confirm_all_action = QAction(icons.get("settle"), _("Confirm all ≥"), self)
        self.confirm_all_action.setToolTip(
            _("Confirm every line whose best suggestion reaches this confidence, one by one")
        )
        self.confirm_all_action.triggered.connect(lambda: self.confirm_all())
        self.confirm_all_button = page_button(self.confirm_all_action, "bank_confirm_all_button")
        self._filters_end.insertWidget(self._filter_action_position, self.confirm_all_button)
        self._filters_end.insertWidget(self._filter_action_position + 1, self.confidence)
        self._filter_action_position += 2
        self.add_filter_actions([(self.import_action, "bank_import_button")])
        self.view_combo.currentIndexChanged.connect(self._view_changed)

        self._build_detail()
        self.keys = KeyFilter(self)
        self.grid.view.installEventFilter(self.keys)
        self.suggestions.view.installEventFilter(self.keys)
        self.grid.view.selectionModel().currentRowChanged.connect(self._line_changed)
        self.buttons = {
            name: button
            for name in ("confirm", "skip", "assign", "set_aside", "put_back", "undo")
            if (button := self.grid.findChild(QToolButton, f"bank_{name}_button")) is not None
        }
        self.splitter.setSizes([520, 190])
        self._show_actions()
        self.grid.set_rows((), _("Loading…"))

    # --- building -----------------------------------------------------------------------

    def make_grid(self) -> ListGrid[Any]:
        """The lines (or statements) of the view, in the order read."""
        grid: ListGrid[Any] = ListGrid(
            "bank", open_columns(self.context.formats), {}, self.context.icons, stretch=3
        )
        grid.sort_by(-1, Qt.SortOrder.AscendingOrder)
        grid.title.setText(_("Statement lines"))
        return grid

    def _build_detail(self) -> None:
        """The selected line whole, its suggestions best first, the write-off choice."""
        self.body.removeWidget(self.grid)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("bank_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.grid)
        detail = QWidget()
        detail.setObjectName("bank_detail")
        layout = QHBoxLayout(detail)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(12)
        self.facts = QLabel()
        self.facts.setObjectName("bank_line_facts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts_area = QScrollArea()
        self.facts_area.setObjectName("bank_line_facts_area")
        self.facts_area.setWidgetResizable(True)
        self.facts_area.setFrameShape(QFrame.Shape.NoFrame)
        self.facts_area.setWidget(self.facts)
        # An IBAN and the longest caption ("Referencia end-to-end") side by side.
        self.facts_area.setMinimumWidth(400)
        layout.addWidget(self.facts_area)
        right = QVBoxLayout()
        right.setSpacing(4)
        self.suggestions: ListGrid[Suggestion] = ListGrid(
            "bank_suggestions",
            suggestion_columns(self.context.formats),
            {},
            self.context.icons,
            stretch=4,  # the reason, in full where room allows
        )
        self.suggestions.title.setText(_("Suggestions"))
        self.suggestions.filter.hide()
        self.suggestions.set_rows((), _("Select a line to see its suggestions."))
        self.suggestions.view.selectionModel().currentRowChanged.connect(self._suggestion_changed)
        right.addWidget(self.suggestions, 1)
        self.write_off = QCheckBox()
        self.write_off.setObjectName("bank_write_off")
        self.write_off.toggled.connect(self._write_off_toggled)
        self.write_off.hide()
        right.addWidget(self.write_off)
        layout.addLayout(right, 1)
        self.detail_layout = layout
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.body.addWidget(self.splitter, 1)
        self.detail = detail

    # --- public -------------------------------------------------------------------------

    def show_view(self, view: str) -> None:
        """Show the lines waiting, set aside, confirmed, or the statements."""
        self.view_combo.setCurrentIndex(VIEWS.index(view))

    def load(self) -> None:
        """Read the view's rows (and match the lines waiting) on a worker."""
        view = self.view
        database, scope, as_of = (
            self.context.database,
            self.context.scope,
            self.context.clock.today(),
        )
        columns = self._columns.get(view) or open_columns(self.context.formats)
        self.query(
            lambda state: load_bank(
                database, state, view=view, scope=scope, as_of=as_of, columns=columns
            ),
            self._loaded,
            failure=self.read_failed,
            name=f"bank {view}",
        )

    def current_line(self) -> BankLineRow | None:
        """The line of the current row (None in the Statements view or without one)."""
        row = self.grid.current_row()
        if isinstance(row, OpenLine):
            return row.line
        return row if isinstance(row, BankLineRow) else None

    def current_open(self) -> OpenLine | None:
        """The current line waiting, with its suggestions."""
        row = self.grid.current_row()
        return row if isinstance(row, OpenLine) else None

    def chosen_suggestion(self, item: OpenLine) -> Suggestion | None:
        """The suggestion picked for ``item`` (its best unless another was picked)."""
        if not item.suggestions:
            return None
        index = self.choices.suggestion.get(item.line.id, 0)
        return item.suggestions[min(index, len(item.suggestions) - 1)]

    def pick_suggestion(self, index: int) -> None:
        """Pick the ``index``-th suggestion (0: the best) of the current line."""
        select_row(self.suggestions.view, index)

    def write_off_offered(self, item: OpenLine) -> Decimal | None:
        """The short difference the picked suggestion leaves, when the company writes
        such a difference off (within its tolerance); None otherwise."""
        suggestion = self.chosen_suggestion(item)
        if suggestion is None or not suggestion.allocations or self.data is None:
            return None
        short = -suggestion.difference  # the line's amount less the documents' open amount
        if short <= ZERO or short > allowance(self.data.settings, item.line.amount):
            return None
        return short

    def select_line(self, line_id: uuid.UUID) -> bool:
        """Make the line ``line_id`` the current row; False when it is not listed."""
        for index, row in enumerate(self.grid.model.rows()):
            line = row.line if isinstance(row, OpenLine) else row
            if getattr(line, "id", None) == line_id:
                self._select_row(index)
                return True
        return False

    # --- actions ------------------------------------------------------------------------

    def confirm_current(self) -> None:
        """Enter: confirm the picked suggestion of the current line, then the next line."""
        item = self.current_open()
        if item is None:
            return
        line = item.line
        if line.id in self.pending:
            return
        suggestion = self.chosen_suggestion(item)
        if suggestion is None:
            self.set_status(
                _("No suggestion for this line: Assign to customer… (Ctrl+Shift+A) or Set aside…")
            )
            return
        write_off = bool(self.choices.write_off.get(line.id)) and (
            self.write_off_offered(item) is not None
        )
        plan = plan_for(
            line, suggestion, write_off_difference=write_off, formats=self.context.formats
        )
        self._confirm(line, plan.customer_id, dict(plan.allocations), write_off)
        self.skip()

    def skip(self) -> None:
        """Go to the next line without changing this one."""
        index = self.grid.view.currentIndex()
        count = self.grid.model.rowCount()
        if not count:
            return
        following = index.row() + 1 if index.isValid() else 0
        if following >= count:
            self.set_status(_("This is the last line; F5 reads the lines again."))
            return
        self._select_row(following)

    def confirm_all(self, *, ask: bool = True) -> None:
        """Confirm every line whose best suggestion reaches the confidence chosen."""
        data = self.data
        if data is None or data.view != OPEN:
            return
        threshold = self.confidence.value()
        rows = [r.line for r in self.grid.model.rows() if r.line.id not in self.pending]
        found = {r.line.id: r.suggestions for r in data.rows}
        plans = plans_at_or_above(rows, found, threshold, formats=self.context.formats)
        if not plans:
            self.set_status(
                _("No line's best suggestion reaches {percent} %.").format(percent=threshold)
            )
            return
        if ask:
            answer = QMessageBox.question(
                self,
                _("Confirm all"),
                ngettext(
                    "Confirm {count} line whose best suggestion reaches {percent} %? It is "
                    "posted as the customer's payment.",
                    "Confirm {count} lines whose best suggestion reaches {percent} %? Each is "
                    "posted as its customer's payment, one after the other.",
                    len(plans),
                ).format(count=self.context.formats.count(len(plans)), percent=threshold),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.pending.update(plan.line_id for plan in plans)
        context = self.context
        database, scope, clock, user = (
            context.database,
            context.scope,
            context.clock,
            context.employee_id,
        )

        def work(state: TaskState) -> BatchResult:
            return confirm_many(
                database,
                scope,
                plans,
                now=clock.now,
                user_id=user,
                progress=state.progress,
                cancelled=lambda: state.cancelled,
            )

        def progress(done: int, total: int, what: str) -> None:
            if done < total:
                self.set_status(
                    _("Confirming {done} of {total}: {line}").format(
                        done=context.formats.count(done + 1),
                        total=context.formats.count(total),
                        line=what,
                    )
                )

        def failed(error: BaseException) -> None:
            self.pending.difference_update(plan.line_id for plan in plans)
            QMessageBox.warning(self, _("Confirm all"), str(error))
            self.refresh()

        QueryOp(
            work, self._batch_done, "bank confirm all", failure=failed, progress=progress, long=True
        ).run(context.runner)

    def assign_current(self) -> AssignLineDialog | None:
        """Assign to customer…: the customer who paid and, if any, the items it settles."""
        line = self.current_line()
        if line is None or line.state not in (BankLineState.OPEN, BankLineState.SUSPENSE):
            return None
        context = self.context
        dialog = AssignLineDialog(
            line,
            context.formats,
            lambda parent: CustomerSearch("bank_assign_customer", context, parent),
            parent=self,
        )
        scope, today = context.scope, context.clock.today()

        def chosen(customer_id: uuid.UUID) -> None:
            from collections_desktop.models.receipts.record import paying_customer

            def read(_state: TaskState) -> Any:
                with context.database.sessions() as session:
                    return paying_customer(session, scope, today, customer_id=customer_id)

            QueryOp(
                read,
                dialog.show_customer,
                "bank assign customer",
                failure=lambda error: dialog.show_error(str(error)),
            ).run(context.runner)

        dialog.customer_requested.connect(chosen)

        def submitted(value: AssignedLine) -> None:
            self._confirm(line, value.customer_id, value.allocations, False, dialog=dialog)

        dialog.submitted.connect(submitted)
        dialog.finished.connect(dialog.deleteLater)
        self.assign_dialog = dialog
        dialog.open()
        return dialog

    def set_aside_current(self, note: str | None = None) -> None:
        """Set aside…: move the current line waiting to the suspense list, with a note."""
        line = self.current_line()
        if line is None or line.state != BankLineState.OPEN:
            return
        if note is None:
            text, ok = QInputDialog.getText(
                self,
                _("Set aside"),
                _("Why is it set aside? A note for whoever can place it (optional):"),
            )
            if not ok:
                return
            note = text
        context = self.context
        from collections_desktop.models.bank.reconcile import set_aside

        self._write_line(
            line,
            lambda session: set_aside(
                session,
                line.id,
                version=line.version,
                note=note,
                now=context.clock.now(),
                user_id=context.employee_id,
            ),
            _("{line} set aside").format(line=line_label(line, context.formats)),
        )

    def put_back_current(self) -> None:
        """Put back: the current line set aside waits again."""
        line = self.current_line()
        if line is None or line.state != BankLineState.SUSPENSE:
            return
        context = self.context
        from collections_desktop.models.bank.reconcile import put_back

        self._write_line(
            line,
            lambda session: put_back(
                session,
                line.id,
                version=line.version,
                now=context.clock.now(),
                user_id=context.employee_id,
            ),
            _("{line} is waiting again").format(line=line_label(line, context.formats)),
        )

    def undo_current(self, *, ask: bool = True) -> None:
        """Undo…: take back the payment a confirmed line posted, after a question."""
        line = self.current_line()
        if line is None or line.state != BankLineState.CONFIRMED:
            return
        context = self.context
        fmt = context.formats
        if ask:
            answer = QMessageBox.question(
                self,
                _("Undo the confirmation"),
                _(
                    "Take back payment {payment} of {amount} from {customer}? The invoices "
                    "it settled are open again, and the line waits to be matched again."
                ).format(
                    payment=line.payment_document or "",
                    amount=fmt.money(line.amount, line.currency),
                    customer=f"{line.account} {line.customer_name}",
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        from collections_desktop.models.bank.reconcile import undo_confirmation

        def work(session: Any) -> str:
            return undo_confirmation(
                session,
                context.scope,
                line.id,
                version=line.version,
                now=context.clock.now(),
                user_id=context.employee_id,
            )

        def done(reversal: str) -> None:
            self.written(
                _("Payment {payment} taken back ({reversal}); the line waits again").format(
                    payment=line.payment_document, reversal=reversal
                )
            )

        WriteOp(work, done, "bank undo", failure=self._refused).run(
            context.runner, context.database
        )

    # --- writing ------------------------------------------------------------------------

    def _confirm(
        self,
        line: BankLineRow,
        customer_id: uuid.UUID,
        allocations: dict[uuid.UUID, Decimal],
        write_off: bool,
        *,
        dialog: AssignLineDialog | None = None,
    ) -> None:
        from collections_desktop.models.bank.reconcile import confirm_line

        context = self.context
        scope, clock, user = context.scope, context.clock, context.employee_id
        self.pending.add(line.id)

        def work(session: Any) -> Any:
            return confirm_line(
                session,
                scope,
                line.id,
                version=line.version,
                customer_id=customer_id,
                allocations=allocations,
                now=clock.now(),
                user_id=user,
                write_off_difference=write_off,
            )

        def done(result: Any) -> None:
            self.pending.discard(line.id)
            self._drop_lines({line.id})
            fmt = context.formats
            payment = result.payment
            settled = ", ".join(doc.document_number for doc in payment.applied)
            text = _("Payment {payment} of {amount} posted").format(
                payment=payment.document_number, amount=fmt.money(line.amount, line.currency)
            )
            if settled:
                text = _("{text}: settles {documents}").format(text=text, documents=settled)
            if result.written_off:
                text += " · " + _("{amount} written off").format(
                    amount=fmt.money(result.written_off, line.currency)
                )
            self.note = text
            self.set_status(text)

        def failed(message: str) -> None:
            self.pending.discard(line.id)
            if dialog is None:
                self._refused(message)

        WriteOp(work, done, "bank confirm", failure=failed, feedback=dialog).run(
            context.runner, context.database
        )

    def _write_line(self, line: BankLineRow, work: Any, message: str) -> None:
        def done(_result: Any) -> None:
            self._drop_lines({line.id})
            self.written(message)

        WriteOp(work, done, "bank line", failure=self._refused).run(
            self.context.runner, self.context.database
        )

    def _refused(self, message: str) -> None:
        self.set_status(message)
        QMessageBox.warning(self, _("Bank reconciliation"), message)

    def _batch_done(self, result: BatchResult) -> None:
        self.last_batch = result
        self.pending.clear()
        self.context.runner.written.emit()
        text = result.describe()
        if result.refused:
            QMessageBox.information(self, _("Confirm all"), text)
        self.written(text)

    def _drop_lines(self, gone: set[uuid.UUID]) -> None:
        """Take lines off the list at once, keeping the current row on the line after."""
        data = self.data
        if data is None:
            return
        model = self.grid.model
        current = self.current_line()
        shown = model.rows()
        following = None
        if current is not None and current.id in gone:
            position = next((i for i, r in enumerate(shown) if _line_of(r).id == current.id), None)
            if position is not None:
                after = [r for r in shown[position + 1 :] if _line_of(r).id not in gone]
                before = [r for r in shown[:position] if _line_of(r).id not in gone]
                pick = after[0] if after else (before[-1] if before else None)
                following = _line_of(pick).id if pick is not None else None
        elif current is not None:
            following = current.id
        indexes = {i for i, r in enumerate(data.prepared.rows) if _line_of(r).id in gone}
        if not indexes:
            return
        prepared = without(data.prepared, indexes)
        counts = dict(data.counts)
        key = {OPEN: "open", SUSPENSE: "suspense", CONFIRMED: "confirmed"}.get(data.view)
        if key:
            counts[key] = max(counts.get(key, 0) - len(indexes), 0)
        self.data = BankData(data.view, prepared.rows, prepared, counts, data.settings, data.capped)
        self.grid.set_prepared(prepared, self._empty_text(data.view))
        self._show_counts()
        if following is not None and self.select_line(following):
            return
        self._line_changed()

    # --- loading ------------------------------------------------------------------------

    def _loaded(self, data: BankData) -> None:
        current = self.current_line()
        self.data = data
        columns = self._columns[data.view]
        if tuple(self.grid.model.columns) != tuple(columns):
            self.grid.set_model(PreparedModel(columns, {}, self.grid))
            self.grid.view.selectionModel().currentRowChanged.connect(self._line_changed)
        self.grid.set_prepared(data.prepared, self._empty_text(data.view))
        if data.settings is not None and not self._confidence_touched:
            self.confidence.blockSignals(True)
            self.confidence.setValue(data.settings.confirm_confidence)
            self.confidence.blockSignals(False)
        self._show_counts()
        self._show_actions()
        if not (current is not None and self.select_line(current.id)) and data.rows:
            self._select_row(0)
        self._line_changed()
        self.set_status(self.with_note(self._summary(data)))
        self.loaded.emit(data)

    def _summary(self, data: BankData) -> str:
        fmt = self.context.formats
        counts = data.counts
        if data.view == STATEMENTS:
            return ngettext(
                "{count} statement imported", "{count} statements imported", len(data.rows)
            ).format(count=fmt.count(len(data.rows)))
        parts = [
            ngettext("{count} line waiting", "{count} lines waiting", counts.get("open", 0)),
            ngettext("{count} set aside", "{count} set aside", counts.get("suspense", 0)),
            ngettext("{count} confirmed", "{count} confirmed", counts.get("confirmed", 0)),
        ]
        text = " · ".join(
            part.format(count=fmt.count(counts.get(state, 0)))
            for part, state in zip(parts, ("open", "suspense", "confirmed"), strict=True)
        )
        if data.view == OPEN:
            reaching = sum(
                1
                for row in data.rows
                if row.best is not None and row.best.confidence >= self.confidence.value()
            )
            text += " · " + _("{count} suggested at {percent} % or more").format(
                count=fmt.count(reaching), percent=self.confidence.value()
            )
        if data.capped:
            text += " · " + _("the newest {count} shown").format(count=fmt.count(len(data.rows)))
        return text

    def _show_counts(self) -> None:
        data = self.data
        if data is None:
            return
        fmt = self.context.formats
        for index, view in enumerate(VIEWS):
            name = _(VIEW_NAMES[view])
            count = data.counts.get(view) if view != STATEMENTS else None
            self.view_combo.setItemText(
                index, f"{name} ({fmt.count(count)})" if count is not None else name
            )
        title = {
            OPEN: _("Lines waiting, oldest first"),
            SUSPENSE: _("Lines set aside, oldest first"),
            CONFIRMED: _("Lines confirmed, newest first"),
            STATEMENTS: _("Statements imported, newest first"),
        }[data.view]
        self.grid.title.setText(title)

    def _empty_text(self, view: str) -> str:
        link = '<a href="import">{text}</a>'.format(
            text=html.escape(_("File ▸ Import bank statement…"))
        )
        if view == OPEN:
            return _("No statement lines waiting — {link}").format(link=link)
        if view == SUSPENSE:
            return html.escape(
                _("No line is set aside. A line nobody can place goes here with Set aside….")
            )
        if view == CONFIRMED:
            return html.escape(_("No line confirmed yet: confirm the lines waiting with Enter."))
        return _("No statement imported yet — {link}").format(link=link)

    def link_activated(self, link: str) -> None:
        """The empty state's File ▸ Import bank statement… link."""
        if link == "import":
            self.import_requested.emit()
        else:
            super().link_activated(link)

    # --- behaviour ----------------------------------------------------------------------

    def _view_changed(self) -> None:
        self.view = self.view_combo.currentData() or OPEN
        self._show_actions()
        self.filters_changed()

    def _confidence_changed(self) -> None:
        self._confidence_touched = True
        if self.data is not None and self.data.view == OPEN:
            self.set_status(self._summary(self.data))

    def _show_actions(self) -> None:
        view = self.view
        shown = {
            "confirm": view == OPEN,
            "skip": view == OPEN,
            "assign": view in (OPEN, SUSPENSE),
            "set_aside": view == OPEN,
            "put_back": view == SUSPENSE,
            "undo": view == CONFIRMED,
        }
        for name, visible in shown.items():
            getattr(self, f"{name}_action").setVisible(visible)
            button = self.buttons.get(name) if hasattr(self, "buttons") else None
            if button is not None:
                button.setVisible(visible)
        self.confirm_all_button.setVisible(view == OPEN)
        self.confidence.setVisible(view == OPEN)
        self.detail.setVisible(view != STATEMENTS)
        self.suggestions.setVisible(view == OPEN)
        # Beside the suggestions the line's facts take a column; alone, the whole width.
        self.facts_area.setMaximumWidth(480 if view == OPEN else 16_777_215)
        self.detail_layout.setStretch(0, 0 if view == OPEN else 1)
        self.detail_layout.setStretch(1, 1 if view == OPEN else 0)

    def _select_row(self, index: int) -> None:
        select_row(self.grid.view, index)

    def _line_changed(self, *_args: Any) -> None:
        item = self.current_open()
        line = self.current_line()
        self.facts.setText(self._facts_html(line) if line is not None else "")
        enabled = line is not None
        self.confirm_action.setEnabled(item is not None and bool(item.suggestions))
        self.skip_action.setEnabled(enabled)
        self.assign_action.setEnabled(enabled)
        self.set_aside_action.setEnabled(enabled)
        self.put_back_action.setEnabled(enabled)
        self.undo_action.setEnabled(enabled)
        if item is None:
            self.suggestions.set_rows((), _("Select a line to see its suggestions."))
            self.write_off.hide()
            return
        self.suggestions.set_rows(
            item.suggestions,
            _("No suggestion: no rule found the customer. Assign to customer… (Ctrl+Shift+A)"),
        )
        if item.suggestions:
            index = self.choices.suggestion.get(item.line.id, 0)
            self.suggestions.view.blockSignals(True)
            self.suggestions.view.selectionModel().blockSignals(True)
            select_row(self.suggestions.view, index)
            self.suggestions.view.selectionModel().blockSignals(False)
            self.suggestions.view.blockSignals(False)
        self._show_write_off(item)

    def _suggestion_changed(self, current: Any, _previous: Any = None) -> None:
        item = self.current_open()
        if item is None or not current.isValid():
            return
        self.choices.suggestion[item.line.id] = current.row()
        self._show_write_off(item)

    def _show_write_off(self, item: OpenLine) -> None:
        offered = self.write_off_offered(item)
        if offered is None:
            self.write_off.hide()
            return
        self.write_off.blockSignals(True)
        self.write_off.setText(
            _("&Write off the small difference of {amount}").format(
                amount=self.context.formats.money(offered, item.line.currency)
            )
        )
        self.write_off.setChecked(bool(self.choices.write_off.get(item.line.id)))
        self.write_off.blockSignals(False)
        self.write_off.show()

    def _write_off_toggled(self, on: bool) -> None:
        item = self.current_open()
        if item is not None:
            self.choices.write_off[item.line.id] = on

    def _facts_html(self, line: BankLineRow) -> str:
        fmt = self.context.formats
        rows = [
            (_("Amount"), fmt.money(line.amount, line.currency)),
            (_("Booked"), fmt.date(line.booking_date)),
            (_("From"), line.counterparty_name or "—"),
            (_("IBAN"), line.counterparty_iban or "—"),
            (_("Text"), line.remittance or "—"),
        ]
        if line.creditor_reference:
            rows.append((_("Reference"), line.creditor_reference))
        if line.end_to_end_id:
            rows.append((_("End-to-end id"), line.end_to_end_id))
        if line.customer_name:
            rows.append((_("Customer"), f"{line.account} {line.customer_name}"))
        if line.payment_document:
            rows.append((_("Payment"), line.payment_document))
        if line.state_note:
            rows.append((_("Note"), line.state_note))
        if line.changed_by:
            rows.append((_("By"), f"{line.changed_by}, {fmt.moment(line.changed_at)}"))
        rows.append((_("Statement"), f"{line.statement_label} ({line.file_name})"))
        cells = "".join(
            f"<tr><td style='padding-right:8px; color:palette(mid)'>{html.escape(k)}</td>"
            f"<td>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        return f"<table>{cells}</table>"

    # --- state --------------------------------------------------------------------------

    def save_state(self) -> PageState:
        """The splitter besides the grid's columns."""
        state = super().save_state()
        state["splitter"] = bytes(self.splitter.saveState().data())
        return state

    def restore_state(self, state: PageState) -> None:
        """Put back the grid's columns and the splitter."""
        super().restore_state(state)
        if "splitter" in state:
            from PySide6.QtCore import QByteArray

            self.splitter.restoreState(QByteArray(state["splitter"]))

    def export_file_name(self) -> str | None:
        """bank-open.csv, bank-confirmed.csv …"""
        return f"bank-{self.view}.csv"


def _line_of(row: Any) -> Any:
    return row.line if isinstance(row, OpenLine) else row


def _day(fmt: Formats) -> Any:
    return lambda value: fmt.date(value) if value is not None else ""


def _percent(value: int) -> str:
    return f"{value} %"


def _documents(suggestion: Suggestion | None) -> str:
    if suggestion is None:
        return ""
    return ", ".join(a.document_number for a in suggestion.allocations)


def _allocations_tip(fmt: Formats, suggestion: Suggestion | None, currency: str) -> str:
    if suggestion is None:
        return ""
    lines = [f"{suggestion.account} {suggestion.customer_name}"]
    lines += [
        f"{a.document_number}: {fmt.money(a.amount, currency)}" for a in suggestion.allocations
    ]
    if not suggestion.allocations:
        lines.append(_("No document: the payment stays unsettled on the customer"))
    return "\n".join(lines)


def open_columns(fmt: Formats) -> list[Column[OpenLine]]:
    """The lines waiting with their best suggestion."""
    return [
        Column(_("Date"), lambda r: r.line.booking_date, text=_day(fmt)),
        Column(
            _("Amount"),
            lambda r: r.line.amount,
            text=fmt.amount,
            tooltip=lambda r: fmt.money(r.line.amount, r.line.currency),
        ),
        # Who paid is what the collector reads first: never cut (the texts give way).
        Column(_("From"), lambda r: r.line.counterparty_name or "", fit=Fit.KEY),
        Column(
            _("Text"),
            lambda r: r.line.remittance or "",
            tooltip=lambda r: r.line.remittance or "",
            fit=Fit.FREE,
        ),
        # Before the customer: seen without scrolling, as the panel below shows the reason.
        Column(_("Confidence"), lambda r: r.best.confidence if r.best else None, text=_percent),
        Column(
            _("Suggested customer"),
            lambda r: r.best.customer_name if r.best else "",
            tooltip=lambda r: f"{r.best.account} {r.best.customer_name}" if r.best else "",
            fit=Fit.KEY,
        ),
        Column(
            _("Documents"),
            lambda r: _documents(r.best),
            tooltip=lambda r: _allocations_tip(fmt, r.best, r.line.currency),
            fit=Fit.KEY,
        ),
        Column(
            _("Why"),
            lambda r: r.best.reason if r.best else "",
            tooltip=lambda r: r.best.reason if r.best else "",
            fit=Fit.FREE,
        ),
    ]


def suggestion_columns(fmt: Formats) -> list[Column[Suggestion]]:
    """A line's suggestions in the detail panel."""
    return [
        Column(
            _("Customer"),
            lambda s: f"{s.account} {s.customer_name}",
            fit=Fit.KEY,
        ),
        Column(
            _("Documents"),
            lambda s: (
                ", ".join(f"{a.document_number} ({fmt.amount(a.amount)})" for a in s.allocations)
                or _("on account")
            ),
            fit=Fit.FREE,
        ),
        Column(_("Difference"), lambda s: s.difference, text=fmt.amount),
        Column(_("Confidence"), lambda s: s.confidence, text=_percent),
        Column(_("Why"), lambda s: s.reason, fit=Fit.FREE),
    ]


def suspense_columns(fmt: Formats) -> list[Column[BankLineRow]]:
    """The lines set aside, with their note."""
    return [
        Column(_("Date"), lambda r: r.booking_date, text=_day(fmt)),
        Column(
            _("Amount"),
            lambda r: r.amount,
            text=fmt.amount,
            tooltip=lambda r: fmt.money(r.amount, r.currency),
        ),
        Column(_("From"), lambda r: r.counterparty_name or "", fit=Fit.LABEL),
        Column(_("Text"), lambda r: r.remittance or "", fit=Fit.FREE),
        Column(_("Note"), lambda r: r.state_note or "", fit=Fit.FREE),
        Column(_("Set aside by"), lambda r: r.changed_by or "", fit=Fit.LABEL),
        Column(_("Since"), lambda r: r.changed_at, text=fmt.moment),
    ]


def confirmed_columns(fmt: Formats) -> list[Column[BankLineRow]]:
    """The lines confirmed, newest first, with the payment each posted."""
    return [
        Column(_("Confirmed"), lambda r: r.changed_at, text=fmt.moment),
        Column(_("Date"), lambda r: r.booking_date, text=_day(fmt)),
        Column(
            _("Amount"),
            lambda r: r.amount,
            text=fmt.amount,
            tooltip=lambda r: fmt.money(r.amount, r.currency),
        ),
        Column(_("From"), lambda r: r.counterparty_name or "", fit=Fit.LABEL),
        Column(_("Customer"), lambda r: r.customer_name or "", fit=Fit.KEY),
        Column(_("Payment"), lambda r: r.payment_document or "", fit=Fit.KEY),
        Column(_("By"), lambda r: r.changed_by or "", fit=Fit.LABEL),
        Column(_("Text"), lambda r: r.remittance or "", fit=Fit.FREE),
    ]


def statement_columns(fmt: Formats) -> list[Column[StatementRow]]:
    """The statements imported, newest first."""

    def amount(value: Decimal | None) -> str:
        return fmt.amount(value) if value is not None else ""

    return [
        Column(_("Imported"), lambda r: r.imported_at, text=fmt.moment),
        Column(_("Account"), lambda r: r.account, fit=Fit.KEY),
        Column(_("Statement"), lambda r: r.number or "", fit=Fit.KEY),
        Column(_("From"), lambda r: r.from_date, text=_day(fmt)),
        Column(_("To"), lambda r: r.to_date, text=_day(fmt)),
        Column(_("Opening"), lambda r: r.opening_balance, text=amount),
        Column(_("Closing"), lambda r: r.closing_balance, text=amount),
        Column(
            _("Difference"),
            lambda r: r.difference,
            text=amount,
            tooltip=lambda r: (
                _("Imported although it did not add up: a page of the statement may be missing")
                if r.difference
                else ""
            ),
        ),
        Column(_("Lines"), lambda r: r.lines, text=fmt.count),
        Column(_("Waiting"), lambda r: r.open_lines, text=fmt.count),
        Column(_("File"), lambda r: f"{r.file_name} ({r.file_format})", fit=Fit.KEY),
        Column(_("By"), lambda r: r.imported_by or "", fit=Fit.LABEL),
    ]
