"""The Settle dialog and the Reverse settlement dialog.

Settle shows the customer's open debits and credits with a check column and an editable
"Amount to settle" column (prefilled with what is open when a row is checked), running
totals of the marked debits and credits and their difference, and a settlement date.
It refuses locally what cannot be sent at all (nothing marked, one side only, totals
that differ, more than is open, an amount that is no amount); the domain
(``models/settling.settle_marked``) checks everything again when the caller writes.

Reverse settlement lists the customer's settlements (``settling.settlements_of`` rows),
shows which were reversed or are reversals, and asks for the reversal date.

Neither dialog touches the database: rows come in as plain values, ``submitted``
carries a ``SettleInput`` or a ``ReverseInput``, and the caller writes it (an action
controller of ``views/actions/``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.ledger.settling import SettlementRow, one_side_message
from collections_desktop.models.screens.customer_card import TransactionRow
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import date_edit, pydate
from collections_desktop.views.dialogs.grids import dense_grid
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.itemmodels.marked import MarkedModel
from collections_desktop.views.itemmodels.marks import MarkModel
from collections_desktop.views.itemmodels.rows import RIGHT, Column, Index
from collections_desktop.views.style import ERROR_COLOUR, muted_palette, tabular_font
from collections_desktop.views.widgets.select import select_row

# --- Settle ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettleInput:
    """What the collector marked: positive amounts per transaction, the date and a note."""

    marks: dict[uuid.UUID, Decimal]
    settlement_date: dt.date
    note: str | None


class _AmountDelegate(QStyledItemDelegate):
    """Edits amounts right-aligned, like they are shown."""

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            editor.setObjectName("settle_amount_editor")
        return editor


class SettleDialog(ActionDialog):
    """Mark open debits and credits and the amounts to settle; ``submitted``: ``SettleInput``."""

    def __init__(
        self,
        rows: Sequence[TransactionRow],
        today: dt.date,
        formats: Formats,
        *,
        customer: str = "",
        icons: IconRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("Settle transactions")
        if customer:
            title = _("Settle transactions · {customer}").format(customer=customer)
        super().__init__(title, _("Settle"), parent)
        self.setObjectName("settle_dialog")
        self.setMinimumWidth(740)
        self._formats = formats
        if icons is not None:
            self.ok_button.setIcon(icons.get("settle"))
        hint = QLabel(
            _(
                "Mark the debits and the credits to settle against each other. The amount "
                "to settle starts as what is open; type a smaller amount to settle part of it."
            )
        )
        hint.setWordWrap(True)
        hint.setPalette(muted_palette(hint.palette()))
        self.model = MarkModel(rows, formats, self)
        self.view = QTableView()
        self.view.setObjectName("settle_grid")
        self.view.setModel(self.model)
        dense_grid(self.view, len(rows), editable=True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setItemDelegateForColumn(MarkModel.AMOUNT, _AmountDelegate(self.view))
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(MarkModel.MARK, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(MarkModel.AMOUNT, max(header.sectionSize(MarkModel.AMOUNT), 130))
        self.empty = QLabel(_("Nothing is open on this account: there is nothing to settle."))
        self.empty.setObjectName("settle_empty")
        self.empty.setPalette(muted_palette(self.empty.palette()))
        self.empty.setVisible(not rows)
        self.view.setVisible(bool(rows))

        totals = QGridLayout()
        totals.setHorizontalSpacing(18)
        self.debits = self._figure("settle_debits")
        self.credits = self._figure("settle_credits")
        self.difference = self._figure("settle_difference")
        self.count = QLabel()
        self.count.setObjectName("settle_count")
        self.count.setPalette(muted_palette(self.count.palette()))
        for column, (caption, label) in enumerate(
            (
                (_("Marked debits"), self.debits),
                (_("Marked credits"), self.credits),
                (_("Difference"), self.difference),
            )
        ):
            title_label = QLabel(caption)
            title_label.setAlignment(RIGHT)
            title_label.setPalette(muted_palette(title_label.palette()))
            totals.addWidget(title_label, 0, column + 1)
            totals.addWidget(label, 1, column + 1)
        totals.addWidget(self.count, 1, 0)
        totals.setColumnStretch(0, 1)

        self.date = date_edit(today, formats, "settle_date")
        self.note = QLineEdit()
        self.note.setObjectName("settle_note")
        self.note.setMaxLength(200)
        self.note.setPlaceholderText(_("Optional, e.g. the remittance advice"))
        self.body.insertWidget(0, hint)
        self.body.insertWidget(1, self.view, 1)
        self.body.insertWidget(2, self.empty)
        self.body.insertLayout(3, totals)
        self.form.addRow(_("Settlement &date"), self.date)
        self.form.addRow(_("&Note"), self.note)
        self.model.marks_changed.connect(self._update_totals)
        self._update_totals()
        self.ok_button.setEnabled(bool(rows))

    def _figure(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAlignment(RIGHT)
        label.setFont(tabular_font(self.font(), 1, bold=True))
        label.setMinimumWidth(130)
        return label

    # --- figures ------------------------------------------------------------------------

    def totals(self) -> tuple[Decimal, Decimal]:
        """The marked debits and credits (positive amounts; what is not an amount counts 0)."""
        debits = credits = ZERO
        for row in self.model.marked():
            value = self.model.amount(row) or ZERO
            if self.model.transaction(row).open_amount > ZERO:
                debits += value
            else:
                credits += value
        return debits, credits

    def _currency(self) -> str:
        marked = {self.model.transaction(r).currency for r in self.model.marked()}
        if len(marked) == 1:
            return marked.pop()
        every = {self.model.transaction(r).currency for r in range(self.model.rowCount())}
        return every.pop() if len(every) == 1 else ""

    def _update_totals(self) -> None:
        debits, credits = self.totals()
        currency = self._currency()
        fmt = self._formats

        def money(value: Decimal) -> str:
            return f"{fmt.amount(value)} {currency}".strip()

        self.debits.setText(money(debits))
        self.credits.setText(money(credits))
        self.difference.setText(money(debits - credits))
        palette = self.difference.palette()
        colour = QColor(ERROR_COLOUR) if debits != credits else self.palette().windowText().color()
        palette.setColor(self.difference.foregroundRole(), colour)
        self.difference.setPalette(palette)
        marked = len(self.model.marked())
        self.count.setText(
            ngettext("{count} transaction marked", "{count} transactions marked", marked).format(
                count=fmt.count(marked)
            )
        )

    # --- ActionDialog -------------------------------------------------------------------

    def check(self) -> str | None:
        """Refuse what cannot be settled at all; the domain checks the rest again."""
        fmt = self._formats
        marked = self.model.marked()
        if not marked:
            return _("Nothing is marked. Mark at least one debit and one credit to settle.")
        currencies = sorted({self.model.transaction(r).currency for r in marked})
        if len(currencies) > 1:
            return _(
                "The marked transactions are in different currencies ({currencies}); "
                "settle one currency at a time."
            ).format(currencies=", ".join(currencies))
        day = pydate(self.date.date())
        for row in marked:
            txn = self.model.transaction(row)
            value = self.model.amount(row)
            if value is None:
                return _("The amount to settle on {document}, “{text}”, is not an amount.").format(
                    document=txn.document_number, text=self.model.amount_text(row)
                )
            if value <= ZERO:
                return _("The amount to settle on {document} must be greater than zero.").format(
                    document=txn.document_number
                )
            if value > abs(txn.open_amount):
                return _("{document} has only {open} open; {asked} was asked.").format(
                    document=txn.document_number,
                    open=fmt.amount(abs(txn.open_amount)),
                    asked=fmt.amount(value),
                )
            if txn.posting_date > day:
                return _(
                    "{document} was posted on {posted}; the settlement date {date} is before "
                    "it. Settle on or after {posted}."
                ).format(
                    document=txn.document_number,
                    posted=fmt.date(txn.posting_date),
                    date=fmt.date(day),
                )
        sides = {self.model.transaction(r).open_amount > ZERO for r in marked}
        if len(sides) == 1:
            return one_side_message(only_debits=sides.pop())
        debits, credits = self.totals()
        if debits != credits:
            return _(
                "The marked debits total {debits} {currency} and the credits {credits} "
                "{currency}: they differ by {difference}. Settle equal amounts."
            ).format(
                debits=fmt.amount(debits),
                credits=fmt.amount(credits),
                difference=fmt.amount(abs(debits - credits)),
                currency=currencies[0],
            )
        return None

    def value(self) -> SettleInput:
        """The marked amounts (positive), the settlement date and the note."""
        marks: dict[uuid.UUID, Decimal] = {}
        for row in self.model.marked():
            value = self.model.amount(row)
            if value is not None:
                marks[self.model.transaction(row).id] = value
        return SettleInput(
            marks=marks,
            settlement_date=pydate(self.date.date()),
            note=self.note.text().strip() or None,
        )


# --- Reverse settlement -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReverseInput:
    """The settlement to reverse, the reversal date and why."""

    settlement_id: uuid.UUID
    reversal_date: dt.date
    note: str | None


class _SettlementsModel(MarkedModel[SettlementRow]):
    """Settlements; the ones that cannot be reversed are muted and cannot be chosen."""

    def flags(self, index: Index) -> Qt.ItemFlag:
        if index.isValid() and not self.row(index).reversible:
            return Qt.ItemFlag.ItemIsEnabled
        return super().flags(index)


class ReverseSettlementDialog(ActionDialog):
    """Choose a settlement and the date to reverse it on; ``submitted``: ``ReverseInput``."""

    def __init__(
        self,
        rows: Sequence[SettlementRow],
        today: dt.date,
        formats: Formats,
        *,
        customer: str = "",
        icons: IconRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("Reverse a settlement")
        if customer:
            title = _("Reverse a settlement · {customer}").format(customer=customer)
        super().__init__(title, _("Reverse"), parent)
        self.setObjectName("reverse_settlement_dialog")
        self.setMinimumWidth(940)
        self._formats = formats
        if icons is not None:
            self.ok_button.setIcon(icons.get("history"))
        hint = QLabel(
            _(
                "Choose the settlement to undo. Its documents reopen from the reversal date "
                "by what it settled; the settlement itself stays on record."
            )
        )
        hint.setWordWrap(True)
        hint.setPalette(muted_palette(hint.palette()))
        muted = muted_palette(self.palette()).windowText().color()
        self.model = _SettlementsModel(
            [
                Column(_("Number"), lambda r: r.number),
                Column(_("Date"), lambda r: r.settlement_date, formats.date),
                Column(_("Settled"), lambda r: r.total, formats.amount),
                Column(_("Currency"), lambda r: r.currency),
                Column(
                    _("Documents"),
                    lambda r: ", ".join(r.documents),
                    tooltip=lambda r: "\n".join(r.documents),
                ),
                Column(_("Status"), self._status),
                Column(_("Note"), lambda r: r.note or "", tooltip=lambda r: r.note or ""),
            ],
            {column: (lambda r: None if r.reversible else muted) for column in range(7)},
            self,
        )
        self.model.right.add(2)
        self.model.set_rows(rows)
        self.view = QTableView()
        self.view.setObjectName("reverse_grid")
        self.view.setModel(self.model)
        dense_grid(self.view, len(rows), editable=True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.resizeColumnsToContents()
        self.empty = QLabel(_("This customer has no settlements to reverse."))
        self.empty.setObjectName("reverse_empty")
        self.empty.setPalette(muted_palette(self.empty.palette()))
        self.empty.setVisible(not rows)
        self.view.setVisible(bool(rows))
        self.date = date_edit(today, formats, "reversal_date")
        self.note = QLineEdit()
        self.note.setObjectName("reversal_note")
        self.note.setMaxLength(200)
        self.note.setPlaceholderText(_("Why, e.g. settled against the wrong invoice"))
        self.body.insertWidget(0, hint)
        self.body.insertWidget(1, self.view, 1)
        self.body.insertWidget(2, self.empty)
        self.form.addRow(_("Reversal &date"), self.date)
        self.form.addRow(_("&Note"), self.note)
        self.ok_button.setEnabled(any(r.reversible for r in rows))
        first = next((i for i, r in enumerate(self.model.rows()) if r.reversible), None)
        if first is not None:
            select_row(self.view, first)

    def _status(self, row: SettlementRow) -> str:
        if row.reverses is not None:
            return _("Reversal of {number}").format(number=row.reverses)
        if row.reversed_by is not None:
            return _("Reversed by {number} on {date}").format(
                number=row.reversed_by,
                date=self._formats.date(row.reversed_on) if row.reversed_on else "",
            )
        if row.made_by_action:
            return _("Part of a write-off, NSF return or waiver")
        return _("Settled")

    def selected(self) -> SettlementRow | None:
        """The settlement chosen, if any."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.row(rows[0]) if rows else None

    def select(self, settlement_id: uuid.UUID) -> bool:
        """Choose the settlement with ``settlement_id``; False when it is not listed."""
        for position, row in enumerate(self.model.rows()):
            if row.id == settlement_id:
                select_row(self.view, position)
                return True
        return False

    def check(self) -> str | None:
        """Refuse when nothing is chosen or the date is before the settlement's."""
        chosen = self.selected()
        if chosen is None:
            return _("Choose the settlement to reverse.")
        if chosen.reverses is not None:
            return _("{number} is itself a reversal; it cannot be reversed.").format(
                number=chosen.number
            )
        if chosen.reversed_by is not None:
            return _("{number} was already reversed by {reversal}.").format(
                number=chosen.number, reversal=chosen.reversed_by
            )
        if chosen.made_by_action:
            return _(
                "{number} is part of a write-off, an NSF return or a waiver; it is undone with "
                "that action, not reversed on its own."
            ).format(number=chosen.number)
        day = pydate(self.date.date())
        if day < chosen.settlement_date:
            return _(
                "{number} is dated {date}; it cannot be reversed on {asked}, an earlier date."
            ).format(
                number=chosen.number,
                date=self._formats.date(chosen.settlement_date),
                asked=self._formats.date(day),
            )
        return None

    def value(self) -> ReverseInput:
        """The chosen settlement, the reversal date and the note."""
        chosen = self.selected()
        assert chosen is not None  # check() refused otherwise
        return ReverseInput(
            settlement_id=chosen.id,
            reversal_date=pydate(self.date.date()),
            note=self.note.text().strip() or None,
        )
