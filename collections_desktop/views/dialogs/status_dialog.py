"""The Change collection status dialog: the marked transactions, the new status, a promise.

The dialog shows what was marked (document, due date, open amount, status now) and asks
for the new status, a note and, for a promise to pay, its date and amount (prefilled
with what is open of the marked debits). It refuses locally what cannot be sent at all
(nothing marked, an amount that is no amount); every other rule is the domain's
(``models/collection_status.change_status``), whose refusal the caller's write shows
inline.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import ZERO, MoneyError
from collections_desktop.models.actions.status import NOTE_LENGTH, status_label, status_name
from collections_desktop.models.db.schema.enums import CollectionStatus
from collections_desktop.models.screens.customer_card import TransactionRow
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import date_edit, parse_amount, pydate, qdate
from collections_desktop.views.dialogs.grids import fit_rows, read_only_table
from collections_desktop.views.itemmodels.marked import MarkedModel
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.style import muted_palette, tabular_font

STATUS_ORDER = (
    CollectionStatus.DISPUTED,
    CollectionStatus.PROMISED,
    CollectionStatus.BROKEN,
    CollectionStatus.RESOLVED,
    CollectionStatus.LEGAL,
    CollectionStatus.NONE,
)
"""The statuses the dialog offers, most used first."""

DEFAULT_PROMISE_DAYS = 7
"""A new promise is dated this many days ahead until the collector picks a date."""

VISIBLE_ROWS = 6
"""The marked-transactions grid shows this many rows before it scrolls."""


@dataclass(frozen=True)
class StatusInput:
    """What the collector asked for in the Change collection status dialog."""

    transaction_ids: tuple[uuid.UUID, ...]
    to_status: str
    promise_date: dt.date | None
    promise_amount: Decimal | None
    note: str | None


class StatusDialog(ActionDialog):
    """Asks for a new collection status of the marked transactions; ``value()``: StatusInput."""

    def __init__(
        self,
        rows: Sequence[TransactionRow],
        formats: Formats,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Change collection status"), _("Change status"), parent)
        self.setObjectName("status_dialog")
        self.setMinimumWidth(560)
        self._rows = tuple(rows)
        self._formats = formats
        self._today = today
        debits = [r for r in self._rows if r.amount > ZERO]
        currencies = sorted({r.currency for r in self._rows})
        self._open_total = sum((r.open_amount for r in debits), ZERO)

        self.marked_model: MarkedModel[TransactionRow] = MarkedModel(
            [
                Column(_("Document"), lambda r: r.document_number),
                Column(_("Due"), lambda r: r.due_date, formats.date),
                Column(_("Open"), lambda r: r.open_amount, formats.amount),
                Column(_("Status now"), lambda r: status_name(r.collection_status) or None),
            ],
            {},
            self,
        )
        self.marked_model.right.add(2)
        if len(currencies) == 1:
            self.marked_model.set_header(2, _("Open {currency}").format(currency=currencies[0]))
        self.marked_model.set_rows(self._rows)
        self.marked = read_only_table("status_marked", self.marked_model)
        self.marked.resizeColumnsToContents()
        fit_rows(self.marked, len(self._rows), VISIBLE_ROWS)
        self.summary = QLabel(self._summary(debits, currencies))
        self.summary.setObjectName("status_summary")
        self.summary.setPalette(muted_palette(self.summary.palette()))
        self.body.insertWidget(0, self.marked)
        self.body.insertWidget(1, self.summary)
        self.marked.setVisible(bool(self._rows))

        self.status = QComboBox()
        self.status.setObjectName("status_choice")
        for value in STATUS_ORDER:
            self.status.addItem(status_label(value), value.value)
        self.status.setCurrentIndex(self._first_new_status())
        self.promise_date = date_edit(
            today + dt.timedelta(days=DEFAULT_PROMISE_DAYS), formats, "status_promise_date"
        )
        self.promise_date.setMinimumDate(qdate(today))
        self.promise_amount = QLineEdit(formats.amount(self._open_total))
        self.promise_amount.setObjectName("status_promise_amount")
        self.promise_amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.promise_amount.setFont(tabular_font(self.promise_amount.font()))
        self.promise_amount.setToolTip(
            _("At most what is open of the marked invoices ({amount}).").format(
                amount=formats.amount(self._open_total)
            )
        )
        self.note = QPlainTextEdit()
        self.note.setObjectName("status_note")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(_("Why, who said what (optional)"))
        self.note.setFixedHeight(72)
        self.form.addRow(_("New &status"), self.status)
        self.form.addRow(_("Promise &date"), self.promise_date)
        self.form.addRow(_("Promised &amount"), self.promise_amount)
        self.form.addRow(_("&Note"), self.note)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._status_changed()
        self.status.setFocus()

    # --- value and checks ----------------------------------------------------------------

    @property
    def to_status(self) -> str:
        """The status chosen."""
        return str(self.status.currentData())

    def is_promise(self) -> bool:
        """Whether the chosen status is a promise to pay (its fields are enabled)."""
        return self.to_status == CollectionStatus.PROMISED

    def value(self) -> StatusInput:
        """What is entered now; the promise fields only for a promise to pay."""
        promise_date = promise_amount = None
        if self.is_promise():
            promise_date = pydate(self.promise_date.date())
            promise_amount = parse_amount(self.promise_amount.text(), self._formats)
        return StatusInput(
            transaction_ids=tuple(r.id for r in self._rows),
            to_status=self.to_status,
            promise_date=promise_date,
            promise_amount=promise_amount,
            note=self.note.toPlainText().strip() or None,
        )

    def check(self) -> str | None:
        """Nothing marked, or a promise without a usable amount or date, cannot be sent."""
        if not self._rows:
            return _("Mark at least one transaction to change its status.")
        if len(self.note.toPlainText().strip()) > NOTE_LENGTH:
            return _("The note is too long: at most {count} characters.").format(count=NOTE_LENGTH)
        if not self.is_promise():
            return None
        if not self.promise_amount.text().strip():
            return _("A promise to pay needs a date and an amount.")
        try:
            parse_amount(self.promise_amount.text(), self._formats)
        except MoneyError as error:
            return str(error)
        if pydate(self.promise_date.date()) < self._today:
            return _("The promise date cannot be before today.")
        return None

    # --- helpers ---------------------------------------------------------------------------

    def _summary(self, debits: list[TransactionRow], currencies: list[str]) -> str:
        count = len(self._rows)
        if not count:
            return _("No transaction is marked. Mark the transactions in the grid first.")
        marked = ngettext("{count} transaction marked", "{count} transactions marked", count)
        text = marked.format(count=self._formats.count(count))
        if debits and len(currencies) == 1:
            text += " · " + _("{amount} open on the invoices").format(
                amount=self._formats.money(self._open_total, currencies[0])
            )
        return text

    def _first_new_status(self) -> int:
        """The first status in the list that not every marked transaction has already."""
        current = {r.collection_status for r in self._rows}
        for index, value in enumerate(STATUS_ORDER):
            if current != {value.value}:
                return index
        return 0

    def _status_changed(self) -> None:
        promise = self.is_promise()
        self.promise_date.setEnabled(promise)
        self.promise_amount.setEnabled(promise)
        if promise:
            self.promise_amount.selectAll()
