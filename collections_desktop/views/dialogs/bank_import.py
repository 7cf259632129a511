"""The summary at the end of a bank import: what each file added, or why it was refused."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.bank.importing import FileOutcome
from collections_desktop.views.style import ERROR_COLOUR, tabular_font

FILE, STATEMENTS, NEW, KNOWN, CREDITS, NOTE = range(6)


class BankImportSummary(QDialog):
    """Per file: statements, new lines, lines already known, new credits waiting, and the
    differences kept or the reason it was refused."""

    def __init__(
        self, outcomes: Sequence[FileOutcome], formats: Formats, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bank_import_summary")
        self.setWindowTitle(_("Bank statements imported"))
        self.setMinimumWidth(820)
        stored = [o for o in outcomes if o.stored is not None]
        head = QLabel(
            ngettext(
                "{stored} of {count} file imported.",
                "{stored} of {count} files imported.",
                len(outcomes),
            ).format(stored=formats.count(len(stored)), count=formats.count(len(outcomes)))
        )
        head.setObjectName("bank_import_head")
        self.table = QTableWidget(len(outcomes), 6)
        self.table.setObjectName("bank_import_table")
        self.table.setHorizontalHeaderLabels(
            [
                _("File"),
                _("Statements"),
                _("New lines"),
                _("Already known"),
                _("Credits waiting"),
                _("Differences kept / refused"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFont(tabular_font(self.table.font()))
        self.table.setWordWrap(True)
        for row, outcome in enumerate(outcomes):
            cells: list[str] = [outcome.name, "", "", "", "", ""]
            saved = outcome.stored
            if saved is not None:
                cells[STATEMENTS] = formats.count(len(saved.statements))
                cells[NEW] = formats.count(saved.new_lines)
                cells[KNOWN] = formats.count(saved.known_lines)
                cells[CREDITS] = formats.count(sum(s.new_credits for s in saved.statements))
                cells[NOTE] = "; ".join(
                    _("{statement}: {amount} {currency}").format(
                        statement=s.label,
                        amount=formats.amount(s.difference),
                        currency=s.currency,
                    )
                    for s in saved.statements
                    if s.difference is not None and s.statement_id is not None
                )
            else:
                cells[NOTE] = outcome.refused or ""
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column in (STATEMENTS, NEW, KNOWN, CREDITS):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == NOTE and saved is None:
                    item.setForeground(QColor(ERROR_COLOUR))
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(920, min(180 + 30 * len(outcomes), 520))

    def row_texts(self, row: int) -> list[str]:
        """The texts of one file's row (for the tests)."""
        items = (self.table.item(row, c) for c in range(self.table.columnCount()))
        return [item.text() if item is not None else "" for item in items]
