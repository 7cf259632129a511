"""The NSF payment dialog: a payment whose check bounced, what it reopens and what it costs.

The dialog shows the payment, the documents its settlements paid (they reopen), and the
bank charges that will be billed; it asks for the NSF date and a note. It never reads
the database: the caller loads an ``NsfPreview`` (``models/nsf.nsf_preview``, which
already refuses a transaction that is not a payment or is already NSF) and writes
it (``views/actions/transactions``). A date before the payment or one of its
settlements is refused in the dialog; the domain checks everything again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.actions.nsf import NsfPreview, SettledItem
from collections_desktop.models.screens.customer_card import type_name
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import date_edit, hint_label, pydate
from collections_desktop.views.dialogs.grids import dense_grid
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.itemmodels.marked import MarkedModel
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.style import ERROR_COLOUR, heading_font

VISIBLE_ROWS = 6
"""The grid of documents shows this many rows before it scrolls."""


# --- the NSF dialog ---------------------------------------------------------------------


@dataclass(frozen=True)
class NsfInput:
    """What the collector entered: the payment, the date it bounced and a note."""

    payment_id: uuid.UUID
    nsf_date: dt.date
    note: str | None


class NsfDialog(ActionDialog):
    """Process a payment as NSF; ``submitted`` carries an ``NsfInput``."""

    def __init__(
        self,
        preview: NsfPreview,
        today: dt.date,
        formats: Formats,
        *,
        icons: IconRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("NSF payment · {account} {name}").format(
                account=preview.account, name=preview.customer_name
            ),
            _("Process NSF"),
            parent,
        )
        self.setObjectName("nsf_dialog")
        self.setMinimumWidth(640)
        self.preview = preview
        self._formats = formats
        if icons is not None:
            self.ok_button.setIcon(icons.get("nsf"))
        fmt = formats
        hint = hint_label(
            _(
                "The payment is reversed as returned unpaid (non-sufficient funds). The "
                "documents it paid open again, and the bank charges below are billed to the "
                "customer. Everything is posted in one payment journal."
            )
        )
        self.payment = QLabel(
            _("{document} · posted {date} · {amount} · bank account {bank}").format(
                document=preview.document_number,
                date=fmt.date(preview.posting_date),
                amount=fmt.money(preview.amount, preview.currency),
                bank=preview.bank_account,
            )
        )
        self.payment.setObjectName("nsf_payment")

        heading = QLabel(_("Documents that will reopen"))
        heading.setFont(heading_font(self.font()))
        red = QColor(ERROR_COLOUR)
        self.model: MarkedModel[SettledItem] = MarkedModel(
            [
                Column(_("Document"), lambda r: r.document_number),
                Column(_("Type"), lambda r: type_name(r.type)),
                Column(_("Settled on"), lambda r: r.settlement_date, fmt.date),
                Column(_("Settlement"), lambda r: r.settlement_number),
                Column(_("Currency"), lambda r: r.currency),
                Column(_("Reopens by"), lambda r: r.amount, fmt.amount),
            ],
            {5: lambda r: red if r.amount < ZERO else None},
            self,
        )
        self.model.right.add(5)
        self.model.set_rows(preview.settled)
        self.view = QTableView()
        self.view.setObjectName("nsf_settlements")
        self.view.setModel(self.model)
        dense_grid(self.view, len(preview.settled), VISIBLE_ROWS)
        self.view.setMaximumHeight(self.view.minimumHeight())
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.setVisible(bool(preview.settled))
        self.empty = hint_label(
            _("The payment was not applied to any document; nothing reopens."), "nsf_empty"
        )
        self.empty.setVisible(not preview.settled)

        if preview.charges:
            fee_text = "\n".join(
                _("Fee to be charged: {amount} ({charge})").format(
                    amount=fmt.money(charge.amount, charge.currency), charge=charge.description
                )
                for charge in preview.charges
            )
        else:
            fee_text = _("No fee: the bank account's charges group bills none for NSF payments.")
        rise = preview.amount + sum(
            (c.amount for c in preview.charges if c.currency == preview.currency), ZERO
        )
        fee_text += "\n" + _("The customer's balance rises by {amount}.").format(
            amount=fmt.money(rise, preview.currency)
        )
        self.fee = QLabel(fee_text)
        self.fee.setObjectName("nsf_fee")
        self.fee.setWordWrap(True)

        self.date = date_edit(today, formats, "nsf_date")
        self.note = QLineEdit()
        self.note.setObjectName("nsf_note")
        self.note.setMaxLength(200)
        self.note.setPlaceholderText(_("Optional, e.g. the bank's return reason"))

        self.body.insertWidget(0, hint)
        self.body.insertWidget(1, self.payment)
        self.body.insertWidget(2, heading)
        self.body.insertWidget(3, self.view)
        self.body.insertWidget(4, self.empty)
        self.body.insertWidget(5, self.fee)
        self.form.addRow(_("NSF &date"), self.date)
        self.form.addRow(_("&Note"), self.note)
        self.date.setFocus()

    def value(self) -> NsfInput:
        """The payment, the date and the note entered."""
        return NsfInput(
            payment_id=self.preview.payment_id,
            nsf_date=pydate(self.date.date()),
            note=self.note.text().strip() or None,
        )

    def check(self) -> str | None:
        """Refuse a date before the payment or before one of its settlements."""
        day = pydate(self.date.date())
        fmt, preview = self._formats, self.preview
        if day < preview.posting_date:
            return _(
                "{document} was posted on {date}; it cannot be returned as NSF before that."
            ).format(document=preview.document_number, date=fmt.date(preview.posting_date))
        if day < preview.earliest_date:
            return _(
                "{document} was settled on {date}; the NSF date cannot be before its settlements."
            ).format(document=preview.document_number, date=fmt.date(preview.earliest_date))
        return None
