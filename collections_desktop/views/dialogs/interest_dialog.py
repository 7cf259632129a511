"""The Interest notes dialog: the as-of date, whom to charge, the proposal, then the notes.

The dialog never reads the database. Whenever the date or the scope changes it emits
``preview_requested`` with an ``InterestQuery``; the caller calculates the proposal
(``models/interest.calculate_interest``) in the background and hands it back through
``show_preview`` (or ``show_preview_error``). A proposal that arrives for an older
query is ignored. OK ("Create interest notes") emits ``submitted`` with the query the
shown proposal was made for. While the proposal is being calculated, or when nothing is
due, the button is disabled and the dialog says why at once (in the grid's place, and in
the button's tooltip). ``views/actions/charges.open_interest`` does that wiring.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.actions.interest import (
    ProposedLine,
    ProposedNote,
)
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import date_edit, hint_label, pydate
from collections_desktop.views.dialogs.grids import child_items, dense_grid
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.style import ERROR_COLOUR, muted_palette

PREVIEW_DELAY_MS = 250
"""A preview is asked for this long after the last change of the date or the scope."""

COLUMNS = (
    "invoice", "from", "to", "days", "rate", "base", "interest",
)  # fmt: skip
NUMBER_COLUMNS = frozenset({3, 4, 5, 6})


@dataclass(frozen=True)
class InterestQuery:
    """What to calculate: the as-of date, and the whole pool or only this customer."""

    as_of: dt.date
    whole_pool: bool


class InterestDialog(ActionDialog):
    """Propose and create interest notes; ``submitted`` carries an ``InterestQuery``."""

    preview_requested = Signal(object)
    """An ``InterestQuery`` whose proposal the dialog wants (``show_preview`` answers)."""

    def __init__(
        self,
        today: dt.date,
        formats: Formats,
        *,
        customer: str | None,
        pool: str,
        icons: IconRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``customer`` names the open customer ("C-000001 Ruiz Hermanos SL"), None when no
        customer is open; ``pool`` names the current pool (or "all your customers")."""
        super().__init__(_("Interest notes"), _("Create interest notes"), parent)
        self.setObjectName("interest_dialog")
        self.setMinimumWidth(820)
        self._formats = formats
        self._customer = customer or ""
        self._pool = pool
        self._notes: tuple[ProposedNote, ...] = ()
        self._shown: InterestQuery | None = None
        self._problem: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.request_preview)
        if icons is not None:
            self.ok_button.setIcon(icons.get("invoice"))

        hint = hint_label(
            _(
                "Interest is charged on invoices overdue beyond the grace days of the "
                "customer's interest code, for the days since the due date or since the last "
                "interest note. Check the proposal, then create the notes."
            )
        )
        self.as_of = date_edit(today, formats, "interest_as_of")
        self.customer_choice = QRadioButton(
            _("This customer: {customer}").format(customer=customer or "")
        )
        self.customer_choice.setObjectName("interest_scope_customer")
        self.pool_choice = QRadioButton(_("Every customer of {pool}").format(pool=pool))
        self.pool_choice.setObjectName("interest_scope_pool")
        choices = QButtonGroup(self)
        choices.addButton(self.customer_choice)
        choices.addButton(self.pool_choice)
        if customer:
            self.customer_choice.setChecked(True)
        else:
            self.customer_choice.setEnabled(False)
            self.pool_choice.setChecked(True)
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.customer_choice)
        scope_row.addWidget(self.pool_choice)
        scope_row.addStretch(1)

        self.tree = QTreeWidget()
        self.tree.setObjectName("interest_preview")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(
            [_("Invoice"), _("From"), _("To"), _("Days"), _("Rate %"), _("Base"), _("Interest")]
        )
        for column in NUMBER_COLUMNS:
            self.tree.headerItem().setTextAlignment(
                column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        dense_grid(self.tree, 8, 10)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QLabel()
        self.summary.setObjectName("interest_summary")
        self.summary.setWordWrap(True)
        self.summary.setPalette(muted_palette(self.summary.palette()))
        # In the grid's place while there is nothing to list: why, or that it is coming.
        self.empty = QLabel()
        self.empty.setObjectName("interest_empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMinimumHeight(self.tree.minimumHeight())

        self.body.insertWidget(0, hint)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.form.addRow(_("&As of"), self.as_of)
        self.form.addRow(_("Customers"), scope_row)
        self.body.addWidget(self.tree, 1)
        self.body.addWidget(self.empty, 1)
        self.body.addWidget(self.summary)
        self.as_of.dateChanged.connect(self._changed)
        self.customer_choice.toggled.connect(self._changed)
        self._set_waiting_for_preview()

    # --- the proposal -------------------------------------------------------------------

    def query(self) -> InterestQuery:
        """The date and scope chosen now."""
        return InterestQuery(pydate(self.as_of.date()), self.pool_choice.isChecked())

    def request_preview(self) -> None:
        """Ask for the proposal of the current date and scope."""
        self._timer.stop()
        self.preview_requested.emit(self.query())

    def show_preview(self, query: InterestQuery, notes: Sequence[ProposedNote]) -> None:
        """Show the proposal calculated for ``query`` (ignored when the choice changed since)."""
        if query != self.query():
            return
        self._shown, self._notes, self._problem = query, tuple(notes), None
        self._fill()

    def show_preview_error(self, query: InterestQuery, message: str) -> None:
        """Say why no proposal could be made for ``query``."""
        if query != self.query():
            return
        self._shown, self._notes, self._problem = query, (), message
        self._show_message(message, error=True)

    @property
    def previewed(self) -> bool:
        """Whether the proposal shown (or why there is none) is that of the fields now."""
        return self._shown is not None and self._shown == self.query()

    def notes(self) -> tuple[ProposedNote, ...]:
        """The proposal shown."""
        return self._notes

    def _nothing_due(self, query: InterestQuery) -> str:
        """Why there are no notes to create: for whom, as of when."""
        date = self._formats.date(query.as_of)
        if query.whole_pool:
            return _(
                "No interest is due for any customer of {pool} as of {date}: no invoice is "
                "overdue beyond its grace days, or its period is already covered by an "
                "interest note."
            ).format(pool=self._pool, date=date)
        return _(
            "No interest is due for {customer} as of {date}: no invoice is overdue beyond "
            "its grace days, or its period is already covered by an interest note."
        ).format(customer=self._customer, date=date)

    def _changed(self) -> None:
        self._shown = None
        self._set_waiting_for_preview()
        self._timer.start()

    def _set_waiting_for_preview(self) -> None:
        self._show_message(_("Calculating the proposal…"))

    def _show_message(self, text: str, *, error: bool = False) -> None:
        """Show ``text`` in the grid's place (no proposal to list); nothing to create."""
        self._enable_ok()
        self.tree.clear()
        palette = muted_palette(self.palette())
        if error:
            palette.setColor(self.empty.foregroundRole(), QColor(ERROR_COLOUR))
        self.empty.setPalette(palette)
        self.empty.setText(text)
        self.tree.hide()
        self.summary.hide()
        self.empty.show()

    def _fill(self) -> None:
        fmt = self._formats
        self.tree.clear()
        bold = self.tree.font()
        bold.setBold(True)
        for note in self._notes:
            head = QTreeWidgetItem(self.tree)
            head.setText(0, f"{note.account} · {note.customer_name}")
            head.setToolTip(
                0,
                _("Interest code {code}, amounts in {currency}").format(
                    code=note.interest_code, currency=note.currency
                ),
            )
            head.setText(6, fmt.money(note.total, note.currency))
            for column in (0, 6):
                head.setFont(column, bold)
            for line in note.lines:
                self._line_item(head, line)
            if note.fee > ZERO:
                fee = QTreeWidgetItem(head)
                fee.setText(0, _("Fee of the note"))
                fee.setText(6, fmt.amount(note.fee))
            for item in (head, *child_items(head)):
                for column in NUMBER_COLUMNS:
                    item.setTextAlignment(
                        column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
            head.setExpanded(True)
        if not self._notes:
            assert self._shown is not None
            self._show_message(self._nothing_due(self._shown))
            return
        totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
        for note in self._notes:
            totals[note.currency][0] += note.interest
            totals[note.currency][1] += note.fee
        customers = len({n.customer_id for n in self._notes})
        figures = "; ".join(
            _("interest {interest}, fees {fees}").format(
                interest=fmt.money(interest, currency), fees=fmt.money(fee, currency)
            )
            for currency, (interest, fee) in sorted(totals.items())
        )
        self._enable_ok()
        self.empty.hide()
        self.tree.show()
        self.summary.show()
        self.summary.setText(
            ngettext(
                "{count} note for {customers} customer: {figures}.",
                "{count} notes for {customers} customers: {figures}.",
                len(self._notes),
            ).format(count=len(self._notes), customers=customers, figures=figures)
        )

    def _line_item(self, parent: QTreeWidgetItem, line: ProposedLine) -> None:
        fmt = self._formats
        item = QTreeWidgetItem(parent)
        rate = " + ".join(fmt.number(r, 2) for r in line.rates)
        for column, text in enumerate(
            (
                line.invoice_document,
                fmt.date(line.from_date),
                fmt.date(line.to_date),
                fmt.count(line.days),
                rate,
                fmt.amount(line.base_amount),
                fmt.amount(line.interest),
            )
        ):
            item.setText(column, text)
        item.setToolTip(
            0,
            _("{invoice}, due {due}: {days} days at {rate} % on {base} {currency}").format(
                invoice=line.invoice_document,
                due=fmt.date(line.due_date),
                days=line.days,
                rate=rate,
                base=fmt.amount(line.base_amount),
                currency=line.currency,
            ),
        )

    def _enable_ok(self, waiting: bool = False) -> None:
        """Create only what a proposal of the fields shown lists; else say why not."""
        problem = self.check()
        self.ok_button.setEnabled(not waiting and problem is None)
        self.ok_button.setToolTip(problem or "")

    # --- ActionDialog -------------------------------------------------------------------

    def set_waiting(self, waiting: bool) -> None:
        """Disable Create while writing, and while there is nothing to create."""
        self._enable_ok(waiting)

    def value(self) -> InterestQuery:
        """The query whose proposal is shown (what will be posted)."""
        return self._shown or self.query()

    def check(self) -> str | None:
        """Refuse while calculating, after a failed calculation, or with nothing to charge."""
        if self._shown is None or self._shown != self.query():
            return _("The proposal is still being calculated; wait a moment.")
        if self._problem:
            return self._problem
        if not self._notes:
            return self._nothing_due(self._shown)
        return None
