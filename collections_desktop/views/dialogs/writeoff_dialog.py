"""The Write off dialog: the marked transactions, a reason, a date, and the journal to post.

The dialog shows the journal lines the write-off would post (account type, account,
dimension, tax code, amount) before anything is written, and redraws them whenever the
reason or the date changes. It never reads the database: it emits ``preview_requested``
with a ``WriteOffQuery`` and the caller reads the lines in the background
(``models/writeoff.write_off_preview``) and hands them back through ``show_preview`` (or
``show_preview_error``); an answer for an older query is ignored. Precomputed ``lines``
ask for nothing. A preview the domain refuses (a date before a posting date, nothing
open) shows its message in place of the lines, and OK refuses the same message; before
an answer came, the write itself checks. ``submitted`` carries a ``WriteOffInput``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.actions.writeoff_plan import WriteOffReasonOption
from collections_desktop.models.db.schema.enums import JournalAccountType
from collections_desktop.models.ledger.journals import LineDraft
from collections_desktop.models.screens.customer_card import TransactionRow, type_name
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import date_edit, pydate
from collections_desktop.views.dialogs.grids import dense_grid
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.itemmodels.marked import MarkedModel
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.style import ERROR_COLOUR, heading_font, muted_palette

ACCOUNT_TYPE_NAMES = {
    JournalAccountType.CUSTOMER: N_("Customer"),
    JournalAccountType.LEDGER: N_("Ledger"),
    JournalAccountType.TAX: N_("Sales tax"),
}

TRANSACTION_ROWS = 4
"""The marked transactions grid shows this many rows before it scrolls."""
PREVIEW_ROWS = 5
"""The journal grid is at least this tall."""
ACCOUNTING_COLUMN = 6


@dataclass(frozen=True)
class WriteOffQuery:
    """The reason and date a journal preview is asked for."""

    reason_code: str
    write_off_date: dt.date


@dataclass(frozen=True)
class WriteOffInput:
    """What the collector chose: the transactions, the reason, the date and a note."""

    transaction_ids: tuple[uuid.UUID, ...]
    reason_code: str
    write_off_date: dt.date
    note: str | None


def account_type_name(value: str) -> str:
    """The translated name of a journal account type."""
    name = ACCOUNT_TYPE_NAMES.get(value)  # type: ignore[call-overload]
    return _(name) if name else value


class WriteOffDialog(ActionDialog):
    """Write off the marked debits; shows the journal before posting it.

    ``preview_requested`` carries a ``WriteOffQuery`` whenever the reason or the date
    changes (and on ``refresh_preview``), unless precomputed ``lines`` were given.
    """

    preview_requested = Signal(object)

    def __init__(
        self,
        rows: Sequence[TransactionRow],
        reasons: Sequence[WriteOffReasonOption],
        today: dt.date,
        formats: Formats,
        *,
        lines: Sequence[LineDraft] | None = None,
        customer: str = "",
        accounting_currency: str = "",
        icons: IconRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("Write off")
        if customer:
            title = _("Write off · {customer}").format(customer=customer)
        super().__init__(title, _("Write off"), parent)
        self.setObjectName("write_off_dialog")
        self.setMinimumWidth(760)
        self._rows = tuple(rows)
        self._formats = formats
        self._live = lines is None
        self._problem: str | None = None
        self._shown: WriteOffQuery | None = None
        if icons is not None:
            self.ok_button.setIcon(icons.get("write_off"))

        red = QColor(ERROR_COLOUR)
        self.transactions = MarkedModel(
            [
                Column(_("Document"), lambda r: r.document_number),
                Column(_("Type"), lambda r: type_name(r.type)),
                Column(_("Posted"), lambda r: r.posting_date, formats.date),
                Column(_("Due"), lambda r: r.due_date, formats.date),
                Column(_("Currency"), lambda r: r.currency),
                Column(_("Open"), lambda r: r.open_amount, formats.amount),
            ],
            {5: lambda r: red if r.open_amount < ZERO else None},
            self,
        )
        self.transactions.right.add(5)
        self.transactions.set_rows(self._rows)
        self.transaction_view = QTableView()
        self.transaction_view.setObjectName("write_off_transactions")
        self.transaction_view.setModel(self.transactions)
        dense_grid(self.transaction_view, len(self._rows), TRANSACTION_ROWS, editable=True)
        self.transaction_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.transaction_view.setMaximumHeight(self.transaction_view.minimumHeight())
        self.transaction_view.resizeColumnsToContents()
        self.total = QLabel(self._total_text())
        self.total.setObjectName("write_off_total")
        self.total.setPalette(muted_palette(self.total.palette()))

        self.reason = QComboBox()
        self.reason.setObjectName("write_off_reason")
        for option in reasons:
            self.reason.addItem(f"{option.code} · {option.description}", option.code)
            if option.ledger_account:
                self.reason.setItemData(
                    self.reason.count() - 1,
                    _("Posts to account {account}.").format(account=option.ledger_account),
                    Qt.ItemDataRole.ToolTipRole,
                )
        self.date = date_edit(today, formats, "write_off_date")
        self.note = QLineEdit()
        self.note.setObjectName("write_off_note")
        self.note.setMaxLength(200)
        self.note.setPlaceholderText(_("Optional, e.g. the insolvency case number"))

        heading = QLabel(_("Journal to be posted"))
        heading.setFont(heading_font(self.font()))
        self.lines = MarkedModel(
            [
                Column(_("Account type"), lambda r: account_type_name(r.account_type)),
                Column(_("Account"), lambda r: r.account),
                Column(_("Dimension"), lambda r: r.dimension or ""),
                Column(_("Tax code"), lambda r: r.tax_code or ""),
                Column(_("Currency"), lambda r: r.currency),
                Column(_("Amount"), lambda r: r.amount, formats.amount),
                Column(_("Accounting"), lambda r: r.amount_accounting, formats.amount),
            ],
            {
                5: lambda r: red if r.amount < ZERO else None,
                6: lambda r: red if r.amount_accounting < ZERO else None,
            },
            self,
        )
        self.lines.right.update((5, ACCOUNTING_COLUMN))
        if accounting_currency:
            self.lines.set_header(
                ACCOUNTING_COLUMN,
                _("Accounting ({currency})").format(currency=accounting_currency),
            )
        self.preview_view = QTableView()
        self.preview_view.setObjectName("write_off_preview")
        self.preview_view.setModel(self.lines)
        dense_grid(self.preview_view, PREVIEW_ROWS, editable=True)
        self.preview_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_hint = QLabel(
            _("Debits are positive, credits negative; the journal sums to zero.")
        )
        self.preview_hint.setPalette(muted_palette(self.preview_hint.palette()))
        self.preview_message = QLabel()
        self.preview_message.setObjectName("write_off_preview_message")
        self.preview_message.setWordWrap(True)
        palette = self.preview_message.palette()
        palette.setColor(self.preview_message.foregroundRole(), red)
        self.preview_message.setPalette(palette)
        self.preview_message.hide()

        hint = QLabel(
            _(
                "What is open of the marked transactions is written off on the date below: "
                "they are closed against a write-off transaction and the journal below is posted."
            )
        )
        hint.setWordWrap(True)
        hint.setPalette(muted_palette(hint.palette()))
        self.body.insertWidget(0, hint)
        self.body.insertWidget(1, self.transaction_view)
        self.body.insertWidget(2, self.total)
        self.form.addRow(_("&Reason"), self.reason)
        self.form.addRow(_("Write-off &date"), self.date)
        self.form.addRow(_("&Note"), self.note)
        self.body.addSpacing(6)
        self.body.addWidget(heading)
        self.body.addWidget(self.preview_view, 1)
        self.body.addWidget(self.preview_hint)
        self.body.addWidget(self.preview_message)

        if lines is not None:
            self.show_lines(lines)
        self.reason.currentIndexChanged.connect(self.refresh_preview)
        self.date.dateChanged.connect(self.refresh_preview)
        self.ok_button.setEnabled(bool(self._rows) and bool(reasons))

    # --- preview --------------------------------------------------------------------------

    def query(self) -> WriteOffQuery | None:
        """The reason and date chosen now (None: no reason chosen)."""
        code = self.reason.currentData()
        if not code:
            return None
        return WriteOffQuery(code, pydate(self.date.date()))

    def refresh_preview(self) -> None:
        """Ask for the journal of the reason and date now chosen."""
        if not self._live:
            return
        query = self.query()
        if query is None:
            self._shown = None
            self._show_problem(_("Choose a write-off reason."))
            return
        self.preview_requested.emit(query)

    def show_preview(self, query: WriteOffQuery, lines: Sequence[LineDraft]) -> None:
        """Show the journal read for ``query`` (ignored when the choice changed since)."""
        if query == self.query():
            self._shown = query
            self.show_lines(lines)

    def show_preview_error(self, query: WriteOffQuery, message: str) -> None:
        """Say why there is no journal for ``query``, e.g. a date before a posting."""
        if query == self.query():
            self._shown = query
            self._show_problem(message)

    def show_lines(self, lines: Sequence[LineDraft]) -> None:
        """Show ``lines`` as the journal to be posted."""
        self._problem = None
        self.preview_message.hide()
        self.lines.set_rows(tuple(lines))
        self.preview_view.setEnabled(True)
        # The accounting column only says something when a line is in another currency.
        self.preview_view.setColumnHidden(
            ACCOUNTING_COLUMN, all(line.amount == line.amount_accounting for line in lines)
        )
        self.preview_view.resizeColumnsToContents()

    def _show_problem(self, message: str) -> None:
        self._problem = message
        self.lines.set_rows(())
        self.preview_view.setEnabled(False)
        self.preview_message.setText(message)
        self.preview_message.show()

    def preview_lines(self) -> tuple[LineDraft, ...]:
        """The lines shown now."""
        return self.lines.rows()

    def _total_text(self) -> str:
        per_currency: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for row in self._rows:
            per_currency[row.currency] += row.open_amount
        amounts = " + ".join(
            self._formats.money(amount, currency)
            for currency, amount in sorted(per_currency.items())
        )
        return ngettext(
            "{count} transaction marked, {amount} open",
            "{count} transactions marked, {amount} open",
            len(self._rows),
        ).format(count=self._formats.count(len(self._rows)), amount=amounts or "0")

    # --- ActionDialog -------------------------------------------------------------------

    def check(self) -> str | None:
        """Refuse with nothing marked, no reason, or what the preview refused."""
        if not self._rows:
            return _("Nothing is marked. Mark the invoices, interest notes or fees to write off.")
        if not self.reason.currentData():
            return _("Choose a write-off reason.")
        if self._live and self._shown != self.query():
            return None  # its preview is still being read: the write checks it all again
        return self._problem

    def value(self) -> WriteOffInput:
        """The marked transactions, the reason, the date and the note."""
        return WriteOffInput(
            transaction_ids=tuple(r.id for r in self._rows),
            reason_code=self.reason.currentData() or "",
            write_off_date=pydate(self.date.date()),
            note=self.note.text().strip() or None,
        )
