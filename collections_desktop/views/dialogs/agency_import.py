"""Import case files…: a client's assignment of case files, from a CSV or Excel file.

The user chooses the file, the client who assigned the cases and the mapping file that
says which column holds what (as for the receivables import). The dialog writes
nothing: Import emits ``submitted`` with the three choices and the desk runs the import
in one transaction, the dialog as its feedback. The import is all or nothing: a file
with errors imports nothing, and the dialog lists every error with its row and column
so the file can be corrected and imported again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from collections_desktop.i18n import _
from collections_desktop.views.dialogs.action_dialog import ActionDialog


@dataclass(frozen=True)
class CaseImportChoice:
    """What the user chose: the file, the client (its code) and the mapping file."""

    path: Path
    client_code: str
    mapping: Path


class ImportCaseFilesDialog(ActionDialog):
    """File, client and mapping; Import emits ``submitted`` with a ``CaseImportChoice``."""

    def __init__(
        self,
        clients: list[tuple[str, str]],
        parent: QWidget | None = None,
        *,
        path: Path | None = None,
        mapping: Path | None = None,
    ) -> None:
        """``clients``: (code, name) of the agency's clients, in the order to offer them."""
        super().__init__(_("Import case files"), _("Import"), parent)
        self.setObjectName("agency_import_dialog")
        self.setMinimumWidth(560)
        self.file = QLineEdit(str(path) if path else "")
        self.file.setObjectName("agency_import_file")
        self.file.setPlaceholderText(_("The CSV or Excel file the client sent"))
        self.form.addRow(_("&File:"), self._with_browse(self.file, self._choose_file))
        self.client = QComboBox()
        self.client.setObjectName("agency_import_client")
        self.client.setMinimumContentsLength(30)
        self.form.addRow(_("&Client:"), self.client)
        self.mapping = QLineEdit(str(mapping) if mapping else "")
        self.mapping.setObjectName("agency_import_mapping")
        self.mapping.setPlaceholderText(_("The mapping file (.toml): which column holds what"))
        self.form.addRow(_("&Mapping:"), self._with_browse(self.mapping, self._choose_mapping))
        self.problems = QPlainTextEdit()
        self.problems.setObjectName("agency_import_problems")
        self.problems.setReadOnly(True)
        self.problems.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.problems.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.problems.hide()
        self.body.addWidget(self.problems)
        self.set_clients(clients)

    def set_clients(self, clients: list[tuple[str, str]]) -> None:
        """Offer ``clients`` ((code, name), in order), the one chosen kept."""
        chosen = self.client.currentData()
        self.client.clear()
        for code, name in clients:
            self.client.addItem(f"{name} ({code})", code)
        self.client.setCurrentIndex(max(self.client.findData(chosen), 0))
        if not clients:
            self.show_error(
                _("The agency has no client yet: a case file is always assigned by a client.")
            )
        else:
            self.error.hide()
        self.ok_button.setEnabled(bool(clients))

    def _with_browse(self, edit: QLineEdit, choose: object) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        browse = QPushButton(_("Browse…"))
        browse.clicked.connect(choose)
        layout.addWidget(browse)
        return row

    def _choose_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _("Case files to import"),
            self.file.text(),
            _("CSV and Excel files (*.csv *.txt *.xlsx);;All files (*)"),
        )
        if chosen:
            self.file.setText(chosen)

    def _choose_mapping(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _("Mapping file"),
            self.mapping.text(),
            _("Mapping files (*.toml);;All files (*)"),
        )
        if chosen:
            self.mapping.setText(chosen)

    def value(self) -> CaseImportChoice:
        return CaseImportChoice(
            Path(self.file.text().strip()),
            str(self.client.currentData() or ""),
            Path(self.mapping.text().strip()),
        )

    def check(self) -> str | None:
        self.problems.hide()
        if not self.file.text().strip():
            return _("Choose the file to import.")
        if not Path(self.file.text().strip()).is_file():
            return _("There is no file at {path}.").format(path=self.file.text().strip())
        if not self.client.currentData():
            return _("Choose the client who assigned these case files.")
        if not self.mapping.text().strip():
            return _("Choose the mapping file that says which column holds what.")
        if not Path(self.mapping.text().strip()).is_file():
            return _("There is no mapping file at {path}.").format(path=self.mapping.text().strip())
        return None

    def show_error(self, message: str) -> None:
        """A refusal: its first line above the buttons, every error of the file listed."""
        lines = [line for line in message.splitlines() if line.strip()]
        if len(lines) > 1:
            self.problems.setPlainText("\n".join(lines[1:]))
            self.problems.show()
            message = lines[0]
        super().show_error(message)
