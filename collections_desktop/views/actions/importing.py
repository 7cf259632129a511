"""File ▸ Import receivables…: the guided import's reads and its one write.

``ImportReceivables.start()`` shows ``ImportDialog``. The file's header and first rows are
read on the general lane (file work); Import runs ``import_receivables`` (the command
line's importer) as a long write on the background lane, all or nothing, with its progress
in the dialog and Cancel stopping it at its next chunk. A refusal stays in the dialog with
its row-numbered report; a success closes it and says what was imported.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from collections_desktop.i18n import _
from collections_desktop.models.db.writing import LEDGER
from collections_desktop.models.importers import ImportInputError
from collections_desktop.models.importers.preview import FilePreview, preview_file
from collections_desktop.models.importers.receivables.write import (
    ImportResult,
    import_receivables,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.import_wizard import ImportDialog, ImportRequest
from collections_desktop.views.operations import QueryOp, WriteOp
from collections_desktop.views.tasks import Lane, Task, TaskState


class ImportReceivables(QObject):
    """The guided import dialog and the import."""

    imported = Signal(object)
    """The ``ImportResult`` of a committed import."""
    announced = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.parent_widget = parent
        self.dialog: ImportDialog | None = None
        self.task: Task | None = None
        self.result: ImportResult | None = None

    def start(self, path: str | Path | None = None) -> ImportDialog:
        """Show the dialog (modeless), on ``path`` when given."""
        dialog = ImportDialog(self.context.formats, self.parent_widget)
        dialog.file_chosen.connect(self.read_file)
        dialog.submitted.connect(self.run)
        dialog.rejected.connect(self.cancel)
        self.dialog = dialog
        dialog.show()
        if path is not None:
            dialog.choose_file(path)
        return dialog

    def read_file(self, path: str) -> Task:
        """Read the header and first rows of ``path`` for the preview."""
        dialog = self.dialog
        assert dialog is not None
        source = dialog.source()

        def failed(error: BaseException) -> None:
            message = (
                str(error)
                if isinstance(error, ImportInputError)
                else _("Cannot read {path}: {reason}").format(path=path, reason=error)
            )
            dialog.show_file_error(message)

        return QueryOp(
            lambda _state: preview_file(path, source),
            lambda preview: self._show(dialog, preview),
            "import preview",
            failure=failed,
            lane=Lane.GENERAL,
        ).run(self.context.runner)

    def run(self, request: ImportRequest) -> Task:
        """Import the whole file in one transaction (or nothing)."""
        dialog = self.dialog
        assert dialog is not None
        now = self.context.clock.now()

        def write(session, state: TaskState) -> ImportResult:  # type: ignore[no-untyped-def]
            def progress(done: int, total: int, what: str) -> None:
                state.raise_if_cancelled()  # the import stops at its next chunk
                state.progress(done, total, what)

            return import_receivables(
                session, request.path, request.mapping, now, progress=progress
            )

        self.task = WriteOp(
            None,
            self._done,
            "import receivables",
            feedback=dialog,
            run_lock=LEDGER,
            what=_("import"),
            long_write=write,
            progress=dialog.show_progress,
        ).run(self.context.runner, self.context.database)
        return self.task

    def cancel(self) -> None:
        """Stop the import (the dialog's Cancel); nothing is written."""
        if self.task is not None:
            self.task.cancel()

    def _show(self, dialog: ImportDialog, preview: FilePreview) -> None:
        dialog.error.hide()
        dialog.show_file(preview)

    def _done(self, result: ImportResult) -> None:
        self.result = result
        count = self.context.formats.count
        self.announced.emit(
            _(
                "Imported {file}: {customers} customers created, {invoices} invoices, "
                "{credit_notes} credit notes, {payments} payments."
            ).format(
                file=Path(result.file).name,
                customers=count(result.customers_created),
                invoices=count(result.invoices),
                credit_notes=count(result.credit_notes),
                payments=count(result.payments),
            )
        )
        self.imported.emit(result)
