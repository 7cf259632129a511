"""File ▸ Import receivables…: pick a file, map its columns, check the preview, import.

The dialog shows and checks; ``views.actions.importing`` reads the file's first rows and
runs the import (the same importer as ``collections-desktop import receivables``) in one
transaction in the background. The mapping is a table: each field the import can fill,
the column of the file that feeds it and a default for blank cells; below it the first
rows of the file as mapped. The mapping can be saved as the TOML file the command line
reads (docs/IMPORT.md) and loaded again. A refusal (rows that cannot be imported) is
shown in the dialog with its row numbers; nothing was written then.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.models.importers.mapping import (
    ImportMapping,
    MappingError,
    Source,
    describe_date_format,
    parse_mapping,
)
from collections_desktop.models.importers.preview import (
    FilePreview,
    mapped_rows,
    mapping_toml,
    suggest_columns,
)
from collections_desktop.models.importers.receivables.fields import (
    DATE_FORMATS,
    FIELD_LABELS,
    FIELDS,
    REQUIRED,
)
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.style import muted_palette

FIELD_NAMES = tuple(FIELDS)
FILE_FILTER = "*.csv *.txt *.tsv *.xlsx *.xlsm"
COLUMN_FIELD, COLUMN_SOURCE, COLUMN_DEFAULT = range(3)


@dataclass(frozen=True)
class ImportRequest:
    """The file to import and the checked mapping to read it with."""

    path: Path
    mapping: ImportMapping


class ImportDialog(ActionDialog):
    """The guided import: the file, the mapping table, the preview, the progress, the report."""

    file_chosen = Signal(str)
    """A file was picked or typed: read its header and first rows (``show_file``)."""
    preview_shown = Signal()

    def __init__(self, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(_("Import receivables"), _("Import"), parent)
        self.setObjectName("import_dialog")
        self.setMinimumSize(900, 680)
        self.formats = formats
        self.preview: FilePreview | None = None
        self._source = Source()
        self._filling = False

        intro = QLabel(
            _(
                "Customers, invoices and credit notes with their settlement, from a CSV or "
                "Excel file. Say which column of the file feeds each field; the first rows "
                "below show what will be imported. The whole file is imported, or nothing."
            )
        )
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)

        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText(_("A CSV or Excel file"))
        self.file_edit.editingFinished.connect(self._file_typed)
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.form.addRow(_("File:"), file_row)

        self.date_format = QComboBox()
        self.date_format.addItem(_("Found from the file"), "")
        for date_format in DATE_FORMATS:
            self.date_format.addItem(describe_date_format(date_format), date_format)
        self.date_format.currentIndexChanged.connect(lambda *_args: self._mapping_changed())
        self.load_button = QPushButton(_("Load mapping…"))
        self.load_button.clicked.connect(self._load_clicked)
        self.save_button = QPushButton(_("Save mapping…"))
        self.save_button.clicked.connect(self._save_clicked)
        options = QHBoxLayout()
        options.addWidget(self.date_format)
        options.addStretch(1)
        options.addWidget(self.load_button)
        options.addWidget(self.save_button)
        self.form.addRow(_("Dates are written:"), options)

        self.mapping_table = QTableWidget(len(FIELD_NAMES), 3)
        self.mapping_table.setObjectName("mapping_table")
        self.mapping_table.setHorizontalHeaderLabels(
            [_("Field"), _("Column of the file"), _("Default for blank cells")]
        )
        self.mapping_table.verticalHeader().hide()
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(COLUMN_FIELD, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_SOURCE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COLUMN_DEFAULT, QHeaderView.ResizeMode.Stretch)
        self.column_boxes: dict[str, QComboBox] = {}
        self.default_edits: dict[str, QLineEdit] = {}
        for row, name in enumerate(FIELD_NAMES):
            label = _(FIELD_LABELS[name]) + (" *" if name in REQUIRED else "")
            item = QTableWidgetItem(label)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setToolTip(name)
            self.mapping_table.setItem(row, COLUMN_FIELD, item)
            box = QComboBox()
            box.addItem(_("(not in the file)"), "")
            box.currentIndexChanged.connect(lambda *_args: self._mapping_changed())
            self.mapping_table.setCellWidget(row, COLUMN_SOURCE, box)
            edit = QLineEdit()
            edit.setFrame(False)
            edit.editingFinished.connect(lambda *_args: self._mapping_changed())
            self.mapping_table.setCellWidget(row, COLUMN_DEFAULT, edit)
            self.column_boxes[name], self.default_edits[name] = box, edit
        self.mapping_table.resizeRowsToContents()

        self.preview_table = QTableWidget()
        self.preview_table.setObjectName("preview_table")
        self.preview_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview_table.verticalHeader().hide()
        self.preview_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.preview_note = QLabel(
            _("Choose a file to see its first rows as they will be imported.")
        )
        self.preview_note.setPalette(muted_palette(self.preview_note.palette()))
        self.preview_note.setWordWrap(True)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.preview_note)
        below_layout.addWidget(self.preview_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.mapping_table)
        splitter.addWidget(below)
        splitter.setSizes([330, 200])
        self.body.addWidget(splitter, 1)

        self.progress = QProgressBar()
        self.progress.setObjectName("import_progress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.body.addWidget(self.progress)
        self.report = QPlainTextEdit()
        self.report.setObjectName("import_report")
        self.report.setReadOnly(True)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.report.setMaximumHeight(180)
        self.report.hide()
        # The refusal's headline above its row-numbered report, not under the buttons' row.
        outer = self.layout()
        assert outer is not None
        outer.removeWidget(self.error)
        self.body.addWidget(self.error)
        self.body.addWidget(self.report)

    # --- what the controller calls -----------------------------------------------------

    def choose_file(self, path: str | Path) -> None:
        """Take ``path`` as the file to import (as Choose… does) and ask for its preview."""
        self.file_edit.setText(str(path))
        self._file_typed()

    def show_file(self, preview: FilePreview) -> None:
        """The file's header came: offer its columns and guess the mapping where none is set."""
        self.preview = preview
        chosen = self.columns()
        self._filling = True
        try:
            for box in self.column_boxes.values():
                current = box.currentData()
                box.clear()
                box.addItem(_("(not in the file)"), "")
                for header in preview.headers:
                    box.addItem(header, header)
                box.setCurrentIndex(max(box.findData(current), 0))
            if not chosen:
                for name, header in suggest_columns(preview.headers, FIELD_NAMES).items():
                    self.set_column(name, header)
        finally:
            self._filling = False
        self._mapping_changed()

    def show_file_error(self, message: str) -> None:
        """The file cannot be read: say why, and forget the previous file's columns."""
        self.preview = None
        self.preview_table.clear()
        self.preview_table.setRowCount(0)
        self.show_error(message)

    def show_progress(self, done: int, total: int, what: str) -> None:
        """The import's progress (``total`` 0: not known yet, while the rows are checked)."""
        self.progress.show()
        self.progress.setMaximum(total)
        self.progress.setValue(min(done, total) if total else 0)
        self.progress.setFormat(
            _("{what}: {done} of {total}").format(
                what=what, done=self.formats.count(done), total=self.formats.count(total)
            )
            if total
            else _("{what}: {done}").format(what=what, done=self.formats.count(done))
        )

    def show_error(self, message: str) -> None:
        """A refusal: its first line under the table, the whole row-numbered report below."""
        first, _sep, rest = message.partition("\n")
        super().show_error(first)
        self.progress.hide()
        self.report.setPlainText(rest)
        self.report.setVisible(bool(rest))

    def set_waiting(self, waiting: bool) -> None:
        """While importing, nothing of the mapping can change."""
        super().set_waiting(waiting)
        for widget in (self.mapping_table, self.file_edit, self.load_button, self.date_format):
            widget.setEnabled(not waiting)
        if waiting:
            self.report.hide()
            self.progress.show()
            self.progress.setMaximum(0)

    # --- the mapping ------------------------------------------------------------------

    def set_column(self, name: str, header: str) -> None:
        """Map field ``name`` to the file's column ``header`` ("" for none)."""
        box = self.column_boxes[name]
        index = box.findData(header)
        if index < 0:
            box.addItem(header, header)  # a loaded mapping may name a column not seen yet
            index = box.count() - 1
        box.setCurrentIndex(index)

    def set_default(self, name: str, value: str) -> None:
        """The value field ``name`` takes where its cell is blank or it has no column."""
        self.default_edits[name].setText(value)
        self._mapping_changed()

    def set_date_format(self, date_format: str) -> None:
        """How the file writes its dates ("" for found from the file)."""
        index = self.date_format.findData(date_format)
        if index < 0:
            self.date_format.addItem(describe_date_format(date_format), date_format)
            index = self.date_format.count() - 1
        self.date_format.setCurrentIndex(index)

    def columns(self) -> dict[str, str]:
        """The chosen column of each mapped field."""
        return {
            name: str(box.currentData())
            for name, box in self.column_boxes.items()
            if box.currentData()
        }

    def defaults(self) -> dict[str, str]:
        """The defaults typed, by field."""
        return {
            name: edit.text().strip()
            for name, edit in self.default_edits.items()
            if edit.text().strip()
        }

    def source(self) -> Source:
        """How to read the file: what a loaded mapping said, with the date format chosen here."""
        date_format = str(self.date_format.currentData() or "") or None
        values = {**self._source.__dict__, "date_format": date_format}
        return Source(**values)

    def mapping_text(self) -> str:
        """The mapping as TOML, as Save mapping… writes it."""
        name = Path(self.file_edit.text()).name
        comment = _("Mapping for {file}, made with Collections Desktop's guided import.").format(
            file=name
        )
        return mapping_toml(self.columns(), self.defaults(), self.source(), comment=comment)

    def mapping(self) -> ImportMapping:
        """The mapping checked as the command line checks a file (raises ``MappingError``)."""
        return parse_mapping(self.mapping_text(), fields=FIELDS, required=REQUIRED)

    def apply_mapping(self, mapping: ImportMapping) -> None:
        """Show a loaded mapping in the table."""
        self._filling = True
        try:
            self._source = mapping.source
            self.set_date_format(mapping.source.date_format or "")
            for name in FIELD_NAMES:
                column = mapping.columns.get(name)
                self.set_column(name, column.text if column is not None else "")
                default = mapping.defaults.get(name)
                self.default_edits[name].setText("" if default is None else str(default))
        finally:
            self._filling = False
        self._mapping_changed()

    def load_mapping_file(self, path: str | Path) -> bool:
        """Read a TOML mapping into the table; a mapping that cannot be used is shown."""
        try:
            text = Path(path).read_text(encoding="utf-8")
            mapping = parse_mapping(text, fields=FIELDS, required=(), path=Path(path))
        except (OSError, UnicodeDecodeError) as error:
            self.show_error(
                _("Cannot read the mapping file {path}: {reason}").format(path=path, reason=error)
            )
            return False
        except MappingError as error:
            self.show_error(str(error))
            return False
        self.apply_mapping(mapping)
        return True

    def save_mapping_file(self, path: str | Path) -> bool:
        """Write the mapping as TOML to ``path`` (after checking it)."""
        try:
            self.mapping()
            Path(path).write_text(self.mapping_text(), encoding="utf-8")
        except MappingError as error:
            self.show_error(str(error))
            return False
        except OSError as error:
            self.show_error(
                _("Cannot write the mapping file {path}: {reason}").format(
                    path=path, reason=error.strerror or error
                )
            )
            return False
        return True

    # --- ActionDialog ----------------------------------------------------------------

    def check(self) -> str | None:
        """A file that was read, and a mapping the importer accepts."""
        if self.preview is None:
            return _("Choose the file to import.")
        try:
            self.mapping()
        except MappingError as error:
            return str(error)
        return None

    def value(self) -> ImportRequest:
        """The file and its checked mapping."""
        assert self.preview is not None  # check() saw to it
        return ImportRequest(self.preview.path, self.mapping())

    # --- behaviour --------------------------------------------------------------------

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Import receivables"),
            str(Path(self.file_edit.text()).parent) if self.file_edit.text() else "",
            _("CSV and Excel files ({patterns});;All files (*)").format(patterns=FILE_FILTER),
        )
        if path:
            self.choose_file(path)

    def _file_typed(self) -> None:
        text = self.file_edit.text().strip()
        if text and (self.preview is None or str(self.preview.path) != text):
            self.error.hide()
            self.file_chosen.emit(text)

    def _load_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Load mapping"), "", _("Mappings (*.toml);;All files (*)")
        )
        if path:
            self.load_mapping_file(path)

    def _save_clicked(self) -> None:
        suggested = (
            Path(self.file_edit.text()).with_suffix(".toml") if self.file_edit.text() else ""
        )
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save mapping"), str(suggested), _("Mappings (*.toml)")
        )
        if path:
            self.save_mapping_file(path)

    def _mapping_changed(self) -> None:
        if self._filling:
            return
        preview = self.preview
        table = self.preview_table
        shown = [name for name in FIELD_NAMES if name in self.columns() or name in self.defaults()]
        table.clear()
        if preview is None:
            table.setRowCount(0)
            return
        table.setColumnCount(len(shown) + 1)
        table.setHorizontalHeaderLabels([_("Row"), *(_(FIELD_LABELS[name]) for name in shown)])
        try:
            mapping = parse_mapping(self.mapping_text(), fields=FIELDS, required=())
        except MappingError as error:
            self.preview_note.setText(str(error))
            table.setRowCount(0)
            return
        rows = mapped_rows(preview, mapping, shown)
        table.setRowCount(len(rows))
        for position, (number, values) in enumerate(rows):
            table.setItem(position, 0, QTableWidgetItem(str(number)))
            for column, text in enumerate(values, start=1):
                table.setItem(position, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        missing = [_(FIELD_LABELS[name]) for name in REQUIRED if name not in shown]
        self.preview_note.setText(
            _("Still to map: {fields}.").format(fields=", ".join(missing))
            if missing
            else _("The first {count} rows of {file}, as they will be imported:").format(
                count=self.formats.count(len(rows)), file=preview.path.name
            )
        )
        self.preview_shown.emit()
