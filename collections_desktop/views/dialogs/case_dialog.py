"""The case dialog: a new collections case for a customer, or the changes to an open one.

It shows the collections categories, the agents and the customer's open transactions as
plain rows (``case_categories``, ``responsible_choices``, ``case_transaction_choices``);
a transaction already in another open case is listed but cannot be marked. OK emits
``submitted`` with a ``CaseInput``; the page calls ``cases.create_case`` or
``cases.edit_case`` in one write and a refusal shows inline.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.casework.activities import ResponsibleChoice
from collections_desktop.models.casework.case_reading import (
    COLLECTIONS,
    CaseCategoryChoice,
    CaseRow,
    CaseTransactionChoice,
)
from collections_desktop.models.casework.cases import DESCRIPTION_LENGTH
from collections_desktop.models.screens.customer_card import type_name
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.activity_dialog import combo_id, fill_responsibles
from collections_desktop.views.dialogs.grids import top_items
from collections_desktop.views.itemmodels.rows import RIGHT
from collections_desktop.views.style import alert_colour

DOCUMENT, TYPE, DUE, OPEN, NOTE = range(5)
INDEX_ROLE = Qt.ItemDataRole.UserRole
COLUMN_GAP = 16


@dataclass(frozen=True)
class CaseInput:
    """What the case dialog leaves: a new case (``case_id`` None) or an edit of one.

    ``transaction_ids`` are the marked transactions in list order: all of the case's
    transactions after the edit (``edit_case(..., transaction_ids=...)``).
    """

    case_id: uuid.UUID | None
    expected_version: int | None
    customer_id: uuid.UUID
    category_code: str
    description: str
    responsible_id: uuid.UUID | None
    transaction_ids: tuple[uuid.UUID, ...]


class CaseDialog(ActionDialog):
    """New case (``case`` None) or Edit case; ``submitted`` carries a ``CaseInput``.

    ``customer`` is the label of the customer ("C-000421 · Ruiz Hermanos SL");
    ``categories`` may hold any categories: only collections ones are offered (in an
    edit, the case's own category stays shown even when it is not, so that nothing is
    changed unseen; the rules then ask for a collections one). ``responsible_id``
    preselects the responsible of a new case (usually the viewer).
    """

    def __init__(
        self,
        customer_id: uuid.UUID,
        customer: str,
        categories: Sequence[CaseCategoryChoice],
        responsibles: Sequence[ResponsibleChoice],
        transactions: Sequence[CaseTransactionChoice],
        formats: Formats,
        *,
        case: CaseRow | None = None,
        responsible_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        if case is None:
            title, ok = _("New case"), _("Create")
        else:
            title, ok = _("Case {number}").format(number=case.number), _("Save")
        super().__init__(title, ok, parent)
        self.setObjectName("case_dialog")
        self.setMinimumWidth(640)
        self._customer_id = customer_id
        self._case = case
        self._formats = formats
        self._transactions = list(transactions)

        about = QLabel(customer)
        about.setObjectName("case_customer")
        self.category = QComboBox()
        self.category.setObjectName("case_category")
        for choice in categories:
            if choice.type == COLLECTIONS:
                self.category.addItem(choice.name, choice.code)
        if case is not None:
            if self.category.findData(case.category_code) < 0:
                self.category.addItem(case.category_name, case.category_code)
            self.category.setCurrentIndex(self.category.findData(case.category_code))
        self.description = QLineEdit(case.description if case else "")
        self.description.setObjectName("case_description")
        self.description.setMaxLength(DESCRIPTION_LENGTH)
        self.description.setPlaceholderText(
            _("What the case is about, e.g. Disputed deliveries of September")
        )
        self.responsible = QComboBox()
        self.responsible.setObjectName("case_responsible")
        fill_responsibles(
            self.responsible,
            responsibles,
            case.responsible_id if case else responsible_id,
            case.responsible_name if case else None,
        )
        self.form.addRow(_("Customer"), about)
        if case is not None:
            status = QLabel(
                _("Open since {date}").format(date=formats.date(case.opened_at.date()))
                if case.is_open
                else _("Closed {date}").format(
                    date=formats.date(case.closed_at.date()) if case.closed_at else ""
                )
            )
            status.setObjectName("case_status")
            self.form.addRow(_("Status"), status)
        self.form.addRow(_("C&ategory"), self.category)
        self.form.addRow(_("&Description"), self.description)
        self.form.addRow(_("&Responsible"), self.responsible)

        caption = QLabel(_("&Transactions in the case"))
        self.transactions = QTreeWidget()
        self.transactions.setObjectName("case_transactions")
        caption.setBuddy(self.transactions)
        self.transactions.setRootIsDecorated(False)
        self.transactions.setAlternatingRowColors(True)
        self.transactions.setUniformRowHeights(True)
        self.transactions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.transactions.setHeaderLabels(
            [_("Document"), _("Type"), _("Due date"), _("Open amount"), _("Note")]
        )
        self.transactions.headerItem().setTextAlignment(OPEN, RIGHT)
        for index, row in enumerate(self._transactions):
            self.transactions.addTopLevelItem(self._item(index, row))
        self.transactions.header().setStretchLastSection(True)
        for column in (DOCUMENT, TYPE, DUE, OPEN):  # fit the texts, with room to breathe
            self.transactions.resizeColumnToContents(column)
            self.transactions.setColumnWidth(
                column, self.transactions.columnWidth(column) + COLUMN_GAP
            )
        self.transactions.setMinimumHeight(180)
        self.empty = QLabel(_("The customer has no open transactions."))
        self.empty.setObjectName("case_no_transactions")
        self.empty.setVisible(not self._transactions)
        self.total = QLabel()
        self.total.setObjectName("case_total")
        self.total.setAlignment(RIGHT)
        self.transactions.itemChanged.connect(lambda *_args: self._show_total())
        self.body.addWidget(caption)
        self.body.addWidget(self.transactions)
        self.body.addWidget(self.empty)
        self.body.addWidget(self.total)
        self._show_total()
        self.description.setFocus()

    def _item(self, index: int, row: CaseTransactionChoice) -> QTreeWidgetItem:
        item = QTreeWidgetItem(
            [
                row.document_number,
                type_name(row.type),
                self._formats.date(row.due_date),
                self._formats.money(row.open_amount, row.currency),
                "",
            ]
        )
        item.setData(DOCUMENT, INDEX_ROLE, index)
        item.setTextAlignment(OPEN, RIGHT)
        if row.open_amount < 0:  # a payment or credit not yet used: marked by sign and colour
            item.setForeground(OPEN, alert_colour(self.palette()))
        # Every row has a check box (so the numbers line up); one held by another open
        # case is disabled and says which case holds it.
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(
            DOCUMENT, Qt.CheckState.Checked if row.included else Qt.CheckState.Unchecked
        )
        if row.other_case and not row.included:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            item.setText(NOTE, _("In open case {number}").format(number=row.other_case))
            item.setToolTip(
                NOTE, _("A transaction can be in one open case only; remove it there first.")
            )
        elif row.included and not row.open_amount:
            item.setText(NOTE, _("Settled"))
        return item

    def marked(self) -> list[CaseTransactionChoice]:
        """The marked transactions, in list order."""
        rows = []
        for item in top_items(self.transactions):
            if item.checkState(DOCUMENT) == Qt.CheckState.Checked:
                rows.append(self._transactions[int(item.data(DOCUMENT, INDEX_ROLE))])
        return rows

    def set_marked(self, transaction_ids: Sequence[uuid.UUID], marked: bool = True) -> None:
        """Mark (or unmark) the listed transactions with these ids that can be marked."""
        wanted = set(transaction_ids)
        state = Qt.CheckState.Checked if marked else Qt.CheckState.Unchecked
        for item in top_items(self.transactions):
            row = self._transactions[int(item.data(DOCUMENT, INDEX_ROLE))]
            checkable = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
            if row.transaction_id in wanted and item.flags() & checkable == checkable:
                item.setCheckState(DOCUMENT, state)

    def _show_total(self) -> None:
        marked = self.marked()
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for row in marked:
            totals[row.currency] += row.open_amount
        amounts = " + ".join(
            self._formats.money(amount, currency) for currency, amount in sorted(totals.items())
        )
        text = ngettext(
            "{count} of {total} transaction marked",
            "{count} of {total} transactions marked",
            len(self._transactions),
        ).format(
            count=self._formats.count(len(marked)),
            total=self._formats.count(len(self._transactions)),
        )
        if amounts:
            text = _("{marked} · {amount} open").format(marked=text, amount=amounts)
        self.total.setText(text)

    def check(self) -> str | None:
        """Refuse at once what cannot be sent: no category, description or responsible."""
        if self.category.currentIndex() < 0:
            return _("There is no category of collections cases; ask a supervisor to add one.")
        if not self.description.text().strip():
            return _("Write a description of the case.")
        if self.responsible.currentIndex() < 0:
            return _("Choose who is responsible.")
        return None

    def value(self) -> CaseInput:
        """What the dialog holds now."""
        return CaseInput(
            case_id=self._case.id if self._case else None,
            expected_version=self._case.version if self._case else None,
            customer_id=self._customer_id,
            category_code=self.category.currentData() or "",
            description=self.description.text().strip(),
            responsible_id=combo_id(self.responsible),
            transaction_ids=tuple(row.transaction_id for row in self.marked()),
        )
