"""The Interest and fees dialog: waive, reinstate or reverse a note, one of its lines, or a fee.

It lists the customer's interest notes (each with its lines and fee beneath it) and other
fees (NSF, letters) with what is open of each and its state, from ``ChargeRow`` values
(``models/charges.charge_rows``). The collector selects a row, chooses Waive, Reinstate
or Reverse, and gives a date and a note; nothing more is asked. A whole note acts on
all its lines and its fee. The dialog refuses only an empty selection itself; the
domain (``models/charges``) refuses what the state does not allow (reinstating a charge
that is not waived, waiving one already waived …) and the message shows inline.
``submitted`` carries a ``ChargeActionInput``; ``views/actions/charges`` writes it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _
from collections_desktop.models.actions.charge_rows import (
    MIXED,
    ChargeRow,
    ChargeRowKind,
    ChargeState,
)
from collections_desktop.models.db.schema.enums import AdjustmentKind
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import date_edit, hint_label, pydate
from collections_desktop.views.dialogs.grids import child_items, dense_grid, top_items
from collections_desktop.views.icons import IconRegistry, muted_colour

STATE_NAMES = {
    ChargeState.ACTIVE: N_("Active"),
    ChargeState.WAIVED: N_("Waived"),
    ChargeState.REVERSED: N_("Reversed"),
    MIXED: N_("Partly waived or reversed"),
}
"""How a collector reads a charge's state (translate with ``_()``)."""

ACTIONS = (
    (
        AdjustmentKind.WAIVE,
        N_("&Waive"),
        N_("Cancels what is open of the charge; it can be reinstated later."),
    ),
    (
        AdjustmentKind.REINSTATE,
        N_("Re&instate"),
        N_("Restores exactly what the waiver cancelled."),
    ),
    (
        AdjustmentKind.REVERSE,
        N_("Re&verse"),
        N_("Cancels what is open for good, because the charge was wrong; it cannot be reinstated."),
    ),
)
"""The three corrections: kind, button text, explanation."""

AMOUNT_COLUMNS = frozenset({4, 5})


def state_name(value: str) -> str:
    """The translated name of a charge state."""
    name = STATE_NAMES.get(value)
    return _(name) if name else value


@dataclass(frozen=True)
class ChargeActionInput:
    """What the collector chose: a correction, the charges it applies to, a date and a note."""

    kind: AdjustmentKind
    transaction_ids: tuple[uuid.UUID, ...]
    date: dt.date
    note: str | None
    label: str  # what was selected, e.g. "INT-0000001" or "interest on INV-0000003"


class ChargesDialog(ActionDialog):
    """Waive, reinstate or reverse interest and fees; ``submitted``: ``ChargeActionInput``."""

    def __init__(
        self,
        rows: Sequence[ChargeRow],
        today: dt.date,
        formats: Formats,
        *,
        customer: str = "",
        icons: IconRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("Interest and fees")
        if customer:
            title = _("Interest and fees · {customer}").format(customer=customer)
        super().__init__(title, _("Waive"), parent)
        self.setObjectName("charges_dialog")
        self.setMinimumWidth(820)
        self._rows = tuple(rows)
        self._formats = formats
        self._icons = icons
        hint = hint_label(
            _(
                "Select an interest note (all its lines and its fee), one line, or a fee, "
                "then choose what to do. Every correction is posted as its own entries."
            )
        )
        self.tree = QTreeWidget()
        self.tree.setObjectName("charges_tree")
        headers = [_("Document"), _("Invoice"), _("Date"), _("Currency"), _("Amount"),
                   _("Open"), _("State")]  # fmt: skip
        self.tree.setColumnCount(len(headers))
        self.tree.setHeaderLabels(headers)
        for column in AMOUNT_COLUMNS:
            self.tree.headerItem().setTextAlignment(
                column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
        self.tree.setUniformRowHeights(True)
        dense_grid(self.tree, len(self._rows), 12)
        header = self.tree.header()
        header.setStretchLastSection(True)
        for column in range(len(headers) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self._fill()
        self.empty = hint_label(_("This customer has no interest notes or fees."), "charges_empty")
        self.empty.setVisible(not self._rows)
        self.tree.setVisible(bool(self._rows))

        self.choices = QButtonGroup(self)
        self.buttons_by_kind: dict[str, QRadioButton] = {}
        row = QHBoxLayout()
        for kind, text, _explanation in ACTIONS:
            button = QRadioButton(_(text))
            button.setObjectName(f"charges_{kind}")
            self.choices.addButton(button)
            self.buttons_by_kind[kind] = button
            row.addWidget(button)
            button.toggled.connect(self._action_changed)
        row.addStretch(1)
        self.explanation = hint_label("", "charges_explanation")
        self.date = date_edit(today, formats, "charges_date")
        self.note = QLineEdit()
        self.note.setObjectName("charges_note")
        self.note.setMaxLength(200)
        self.note.setPlaceholderText(_("Why, e.g. goodwill after a first late payment"))

        self.body.insertWidget(0, hint)
        self.body.insertWidget(1, self.tree, 1)
        self.body.insertWidget(2, self.empty)
        self.form.addRow(_("Action"), row)
        self.form.addRow("", self.explanation)
        self.form.addRow(_("&Date"), self.date)
        self.form.addRow(_("&Note"), self.note)
        self.tree.currentItemChanged.connect(self._selection_changed)
        self.buttons_by_kind[AdjustmentKind.WAIVE].setChecked(True)

    # --- the list -----------------------------------------------------------------------

    def _fill(self) -> None:
        fmt = self._formats
        muted = muted_colour(self.palette())
        parent: QTreeWidgetItem | None = None
        for index, row in enumerate(self._rows):
            if row.kind == ChargeRowKind.NOTE:
                item = QTreeWidgetItem(self.tree)
                parent = item
            elif row.note_id is not None and parent is not None:
                item = QTreeWidgetItem(parent)
            else:
                item = QTreeWidgetItem(self.tree)
                parent = None
            if row.kind == ChargeRowKind.LINE:
                document = _("Interest")
            elif row.kind == ChargeRowKind.FEE and row.note_id is not None:
                document = _("Fee")
            else:
                document = row.document_number
            texts = (
                document,
                row.invoice_document or "",
                fmt.date(row.posting_date),
                row.currency,
                fmt.amount(row.amount),
                fmt.amount(row.open_amount),
                state_name(row.state),
            )
            for column, text in enumerate(texts):
                item.setText(column, text)
            for column in AMOUNT_COLUMNS:
                item.setTextAlignment(
                    column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
            if row.description:
                item.setToolTip(0, row.description)
            if row.state in (ChargeState.WAIVED, ChargeState.REVERSED):
                for column in range(len(texts)):
                    item.setForeground(column, muted)
            if row.kind == ChargeRowKind.NOTE:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
            item.setData(0, Qt.ItemDataRole.UserRole, index)  # a plain int, never an object
        self.tree.expandAll()

    def select_row(self, index: int) -> None:
        """Make row ``index`` of the rows given the current one."""
        found = self._item_of(index)
        if found is not None:
            self.tree.setCurrentItem(found)

    def selected_row(self) -> ChargeRow | None:
        """The row selected, if any."""
        item = self.tree.currentItem()
        if item is None or not item.isSelected():
            return None
        return self._rows[int(item.data(0, Qt.ItemDataRole.UserRole))]

    def _item_of(self, index: int) -> QTreeWidgetItem | None:
        pending = top_items(self.tree)
        while pending:
            item = pending.pop(0)
            if int(item.data(0, Qt.ItemDataRole.UserRole)) == index:
                return item
            pending.extend(child_items(item))
        return None

    def _selection_changed(self, *_args: object) -> None:
        """Offer the likely action: reinstate a waived charge, else waive."""
        row = self.selected_row()
        if row is None:
            return
        kind = AdjustmentKind.REINSTATE if row.state == ChargeState.WAIVED else AdjustmentKind.WAIVE
        self.buttons_by_kind[kind].setChecked(True)

    def _action_changed(self) -> None:
        kind = self.kind()
        for value, text, explanation in ACTIONS:
            if value == kind:
                self.ok_button.setText(_(text).replace("&", ""))
                self.explanation.setText(_(explanation))
                if self._icons is not None:
                    icon = "history" if kind == AdjustmentKind.REINSTATE else "write_off"
                    self.ok_button.setIcon(self._icons.get(icon))

    def kind(self) -> AdjustmentKind:
        """The correction chosen."""
        for value, button in self.buttons_by_kind.items():
            if button.isChecked():
                return AdjustmentKind(value)
        return AdjustmentKind.WAIVE

    def set_kind(self, kind: str) -> None:
        """Choose the correction (a test or a shortcut)."""
        self.buttons_by_kind[kind].setChecked(True)

    # --- ActionDialog -------------------------------------------------------------------

    def value(self) -> ChargeActionInput:
        """The correction, the selected charges, the date and the note."""
        row = self.selected_row()
        ids = row.transaction_ids if row is not None else ()
        if row is None:
            label = ""
        elif row.kind == ChargeRowKind.LINE:
            label = _("interest on {invoice}").format(invoice=row.invoice_document)
        else:
            label = row.document_number
        return ChargeActionInput(
            kind=self.kind(),
            transaction_ids=ids,
            date=pydate(self.date.date()),
            note=self.note.text().strip() or None,
            label=label,
        )

    def check(self) -> str | None:
        """Refuse an empty selection."""
        if self.selected_row() is None:
            return _("Select an interest note, a line or a fee first.")
        return None
