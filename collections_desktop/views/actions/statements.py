"""A customer's account statement from the Workspace: choose the period, see the first
page, save it as PDF or XLSX.

The statement is read on the read lane (with its first page drawn there too, a picture
made off the GUI thread), the file is made and written whole on the general lane
(``letters.documents.write_atomically``), then opened. The statement saved is the one
the preview showed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices, QImage
from PySide6.QtWidgets import QFileDialog, QWidget

from collections_desktop.i18n import _
from collections_desktop.models.letters.documents import write_atomically
from collections_desktop.models.statements.period import StatementPeriod
from collections_desktop.models.statements.statement import Statement, file_name, statement
from collections_desktop.models.statements.xlsx import statement_xlsx_bytes
from collections_desktop.views.actions.controller import ActionController, dialog_reads
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.statement_dialog import (
    PDF,
    StatementDialog,
    StatementRequest,
)
from collections_desktop.views.operations import QueryOp
from collections_desktop.views.statement_pdf import statement_pdf_bytes, statement_preview
from collections_desktop.views.tasks import Lane, TaskState

PathChooser = Callable[[QWidget, str, Path, str], Path | None]
"""Asks where to save: (parent, title, suggested path, file filter) → the path or None."""


def choose_save_path(parent: QWidget, title: str, suggested: Path, filters: str) -> Path | None:
    """The system's Save dialog."""
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
    return Path(chosen) if chosen else None


class StatementActions(ActionController):
    """The Account statement dialog of one customer and the file it saves."""

    def __init__(
        self,
        context: PageContext,
        parent: QWidget,
        *,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
        choose_path: PathChooser = choose_save_path,
    ) -> None:
        super().__init__(context, parent)
        self.open_url = open_url
        """How a saved file is opened (tests intercept it)."""
        self.choose_path = choose_path
        """How the file's place is asked for (tests answer it)."""

    def open_dialog(self, customer_id: uuid.UUID, label: str) -> StatementDialog:
        """The statement dialog of ``customer_id`` (``label``: its account and name)."""
        context = self._context
        database, scope, today = context.database, context.scope, context.clock.today()
        dialog = StatementDialog(label, today, context.formats, self._parent)
        previews, is_open = dialog_reads(dialog)

        def preview(period: StatementPeriod) -> None:
            if not is_open():
                return

            def read(_state: TaskState) -> tuple[Statement, QImage]:
                with database.sessions() as session:
                    found = statement(session, scope, customer_id, period, seen_on=today)
                return found, statement_preview(found)

            QueryOp(
                read,
                lambda result: dialog.show_statement(period, *result) if is_open() else None,
                "account statement",
                failure=lambda error: (
                    dialog.show_preview_error(period, str(error)) if is_open() else None
                ),
            ).run(context.runner, previews)

        dialog.preview_requested.connect(preview)
        dialog.submitted.connect(lambda request: self._save(dialog, request))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()
        return dialog

    def _save(self, dialog: StatementDialog, request: StatementRequest) -> None:
        shown = dialog.statement
        assert shown is not None  # the dialog's check: the preview of this very period
        assert shown.period == request.period
        pdf = request.file_format == PDF
        suffix = "pdf" if pdf else "xlsx"
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path = self.choose_path(
            dialog,
            _("Save the statement of {account}").format(account=shown.account),
            Path(folder or ".") / file_name(shown, suffix),
            _("PDF files (*.pdf)") if pdf else _("Excel workbooks (*.xlsx)"),
        )
        if path is None:
            dialog.set_waiting(False)
            return
        if path.suffix.lower() != f".{suffix}":
            path = path.with_name(f"{path.name}.{suffix}")
        make = statement_pdf_bytes if pdf else statement_xlsx_bytes

        def saved(_path: Path) -> None:
            dialog.accept()
            self.open_url(QUrl.fromLocalFile(str(path)))
            self.changed.emit(
                _("Statement of {account} saved as {path}").format(account=shown.account, path=path)
            )

        QueryOp(
            lambda _state: write_atomically(path, make(shown)),
            saved,
            "save account statement",
            failure=lambda error: dialog.show_error(
                " ".join((str(error), _("Choose another folder.")))
            ),
            lane=Lane.GENERAL,
        ).run(self._context.runner)
