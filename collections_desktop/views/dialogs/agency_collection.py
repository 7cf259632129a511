"""Record collection… and Edit collection… of a case file: money a debtor paid.

The dialog asks for the day the money was collected (today or earlier), the amount in
the case's currency, how it was paid, the payment's reference and a note. It refuses
locally only what cannot be sent at all (no amount, an amount that is no amount or not
above zero, a day ahead); the rest is ``models.agency.collections`` (the case open, a
collection still editable), whose refusal the window's write shows inline.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO, MoneyError
from collections_desktop.models.agency.rows import CollectionRow
from collections_desktop.models.receipts.methods import METHOD_NAMES
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import (
    date_edit,
    hint_label,
    parse_amount,
    pydate,
    qdate,
)
from collections_desktop.views.style import tabular_font

REFERENCE_LENGTH = 80
"""The longest payment reference the schema keeps."""


@dataclass(frozen=True)
class CollectionInput:
    """What the collector entered: a new collection (``collection_id`` None) or the
    corrected one at the ``version`` shown."""

    collection_id: uuid.UUID | None
    version: int | None
    collected_on: dt.date
    amount: Decimal
    method: str
    reference: str | None
    note: str | None


class CollectionDialog(ActionDialog):
    """Records (or corrects) a collection of one case; ``value()``: ``CollectionInput``."""

    def __init__(
        self,
        case_label: str,
        currency: str,
        formats: Formats,
        today: dt.date,
        parent: QWidget | None = None,
        *,
        row: CollectionRow | None = None,
        outstanding: Decimal | None = None,
    ) -> None:
        editing = row is not None
        super().__init__(
            (_("Edit collection · {case}") if editing else _("Record collection · {case}")).format(
                case=case_label
            ),
            _("Save") if editing else _("Record"),
            parent,
        )
        self.setObjectName("agency_collection_dialog")
        self._formats = formats
        self._today = today
        self._row = row
        self.collected_on = date_edit(
            row.collected_on if row is not None else today, formats, "collection_date"
        )
        self.collected_on.setMaximumDate(qdate(today))
        self.amount = QLineEdit(formats.amount(row.amount) if row is not None else "")
        self.amount.setObjectName("collection_amount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setFont(tabular_font(self.amount.font()))
        self.amount.setMaximumWidth(180)
        amount_line = QHBoxLayout()
        amount_line.setContentsMargins(0, 0, 0, 0)
        amount_line.addWidget(self.amount)
        if outstanding is not None and outstanding > ZERO:
            self.outstanding = hint_label(
                _("{amount} outstanding on the case").format(
                    amount=formats.money(outstanding, currency)
                ),
                "collection_outstanding",
            )
            self.outstanding.setWordWrap(False)
            amount_line.addWidget(self.outstanding)
        amount_line.addStretch(1)
        self.method = QComboBox()
        self.method.setObjectName("collection_method")
        for method, name in METHOD_NAMES.items():
            self.method.addItem(_(name), str(method))
        if row is not None and self.method.findData(row.method) < 0:
            self.method.addItem(row.method, row.method)
        self.method.setCurrentIndex(
            max(self.method.findData(row.method if row is not None else "bank_transfer"), 0)
        )
        self.reference = QLineEdit((row.reference or "") if row is not None else "")
        self.reference.setObjectName("collection_reference")
        self.reference.setMaxLength(REFERENCE_LENGTH)
        self.reference.setPlaceholderText(_("The transfer's or receipt's reference (optional)"))
        self.note = QPlainTextEdit((row.note or "") if row is not None else "")
        self.note.setObjectName("collection_note")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(_("Who paid, how it was agreed (optional)"))
        self.note.setFixedHeight(64)
        self.form.addRow(_("Collected &on"), self.collected_on)
        amount_label = QLabel(_("&Amount ({currency})").format(currency=currency))
        amount_label.setBuddy(self.amount)
        self.form.addRow(amount_label, amount_line)
        self.form.addRow(_("&Method"), self.method)
        self.form.addRow(_("&Reference"), self.reference)
        self.form.addRow(_("&Note"), self.note)
        self.form.addRow(
            hint_label(
                _(
                    "The collection waits for a supervisor's approval before it counts for "
                    "the client's remittance and the commission."
                ),
                "collection_hint",
            )
        )
        self.amount.setFocus()

    def value(self) -> CollectionInput:
        row = self._row
        return CollectionInput(
            collection_id=row.id if row is not None else None,
            version=row.version if row is not None else None,
            collected_on=pydate(self.collected_on.date()),
            amount=parse_amount(self.amount.text(), self._formats),
            method=str(self.method.currentData()),
            reference=self.reference.text().strip() or None,
            note=self.note.toPlainText().strip() or None,
        )

    def check(self) -> str | None:
        try:
            amount = parse_amount(self.amount.text(), self._formats)
        except MoneyError as error:
            return str(error)
        if amount <= ZERO:
            return _("A collection is an amount above zero; a mistake is reversed instead.")
        if pydate(self.collected_on.date()) > self._today:
            return _("A collection cannot be dated after today.")
        return None
