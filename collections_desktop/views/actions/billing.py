"""Recurring billing's steps, for the main window's Billing menu and the Pending documents
page: a month's run, a draft opened and saved, drafts deleted, the issue as a long write
with progress and Cancel, the invoices' PDFs.

Every write is one transaction through a ``WriteOp``: the run holds its own run lock
("billing"), the issue the ledger's (it posts invoices), an edit or a deletion is an
action like any other. A refusal is shown in the draft dialog, or said by ``refused``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QUrl, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.billing.invoices import InvoiceDetail
from collections_desktop.models.billing.issue import IssueResult, issue_drafts
from collections_desktop.models.billing.pending import (
    Draft,
    DraftChanges,
    delete_drafts,
    read_draft,
    save_draft,
)
from collections_desktop.models.billing.run import RunResult, create_month_drafts
from collections_desktop.models.db.writing import LEDGER
from collections_desktop.models.letters.documents import write_atomically
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.pending_document_dialog import PendingDocumentDialog
from collections_desktop.views.invoice_pdf import invoice_pdf_bytes, print_invoices
from collections_desktop.views.operations import QueryOp, WriteOp
from collections_desktop.views.tasks import Lane, Task, TaskState


class BillingActions(QObject):
    """Run, edit, delete, issue and print; ``changed`` says what was written."""

    changed = Signal(str)
    """A sentence for the status bar once something was written."""
    refused = Signal(str)
    """A refusal or failure no dialog shows."""
    issue_progressed = Signal(int, int, str)
    issue_ended = Signal(bool)
    """The issue is over: True when it posted, False when refused or cancelled."""
    issued = Signal(object)
    """The ``IssueResult`` of an issue that posted."""
    printed = Signal(object)
    """The paths of the invoices' PDFs just written."""

    def __init__(self, context: PageContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._parent = parent
        self.dialog: PendingDocumentDialog | None = None
        """The draft on screen (one at a time), for the tests and to raise it."""
        self.issue_task: Task | None = None

    # --- the month's run ----------------------------------------------------------------

    def run_month(self, month: dt.date | None = None) -> Task:
        """Make the pending invoices of ``month`` (default: this month)."""
        context = self._context
        scope, now, by = context.scope, context.clock.now(), context.employee_id
        chosen = month or context.clock.today()
        formats = context.formats

        def work(session: Session) -> RunResult:
            return create_month_drafts(session, scope, chosen, now, created_by_id=by)

        return WriteOp(
            work,
            lambda result: self.changed.emit(result.describe(formats)),
            "billing run",
            failure=self.refused.emit,
            run_lock="billing",
            what=_("billing run"),
        ).run(context.runner, context.database)

    # --- one draft ----------------------------------------------------------------------

    def edit(self, document_id: uuid.UUID) -> None:
        """Open the draft, read now, in its dialog."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reject()
        context = self._context
        database, scope, today = context.database, context.scope, context.clock.today()

        def read(_state: TaskState) -> Draft:
            with database.sessions() as session:
                return read_draft(session, scope, document_id, as_of=today)

        QueryOp(
            read,
            self._show,
            "pending invoice",
            failure=lambda error: self.refused.emit(str(error)),
        ).run(context.runner)

    def _show(self, draft: Draft) -> None:
        dialog = PendingDocumentDialog(draft, self._context.formats, self._parent)
        dialog.submitted.connect(lambda changes: self._save(dialog, changes))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()

    def _forget(self, dialog: PendingDocumentDialog) -> None:
        if dialog is self.dialog:
            self.dialog = None
        dialog.deleteLater()

    def _save(self, dialog: PendingDocumentDialog, changes: DraftChanges) -> None:
        context = self._context
        draft = dialog.draft
        scope, now = context.scope, context.clock.now()

        def work(session: Session) -> int:
            return save_draft(session, scope, draft.id, draft.version, changes, now)

        WriteOp(
            work,
            lambda _version: self.changed.emit(
                _("Pending invoice of {account} saved").format(account=draft.account)
            ),
            "save pending invoice",
            feedback=dialog,
        ).run(context.runner, context.database)

    def delete(self, versions: Mapping[uuid.UUID, int]) -> Task:
        """Delete the drafts (id → version read), all or none."""
        context = self._context
        scope, now = context.scope, context.clock.now()
        count = len(versions)

        def work(session: Session) -> int:
            return delete_drafts(session, scope, versions, now)

        return WriteOp(
            work,
            lambda _count: self.changed.emit(
                ngettext(
                    "{count} pending invoice deleted", "{count} pending invoices deleted", count
                ).format(count=context.formats.count(count))
            ),
            "delete pending invoices",
            failure=self.refused.emit,
        ).run(context.runner, context.database)

    # --- the issue ----------------------------------------------------------------------

    def issue(self, document_ids: Sequence[uuid.UUID]) -> Task:
        """Issue the drafts as invoices, in one transaction on the background lane; Cancel
        (``cancel_issue``) before the commit issues nothing."""
        context = self._context
        scope, now, by = context.scope, context.clock.now(), context.employee_id
        wanted = list(document_ids)

        def work(session: Session, state: TaskState) -> IssueResult:
            def progress(done: int, total: int, what: str) -> None:
                state.raise_if_cancelled()
                state.progress(done, total, what)

            result = issue_drafts(
                session, scope, wanted, now=now, created_by_id=by, progress=progress
            )
            state.raise_if_cancelled()  # the last moment: a Cancel now still issues nothing
            return result

        def succeeded(result: IssueResult) -> None:
            self.issue_task = None
            self.issue_ended.emit(True)
            self.issued.emit(result)
            self.changed.emit(result.describe(context.formats))

        def failed(message: str) -> None:
            self.issue_task = None
            self.issue_ended.emit(False)
            self.refused.emit(message)

        task = WriteOp(
            None,
            succeeded,
            "issue invoices",
            failure=failed,
            run_lock=LEDGER,
            what=_("issue of invoices"),
            long_write=work,
            progress=self.issue_progressed.emit,
        ).run(context.runner, context.database)
        task.cancelled.connect(self._issue_cancelled)
        self.issue_task = task
        return task

    def cancel_issue(self) -> None:
        """Stop the issue at its next step; nothing is issued."""
        if self.issue_task is not None:
            self.issue_task.cancel()

    def _issue_cancelled(self) -> None:
        self.issue_task = None
        self.issue_ended.emit(False)
        self.refused.emit(_("The issue was cancelled; no invoice was issued."))

    # --- the PDFs -----------------------------------------------------------------------

    def print(self, transaction_ids: Sequence[uuid.UUID], folder: str | Path) -> Task:
        """Write the invoices' PDFs into ``folder`` (on the general lane)."""
        context = self._context
        database, wanted = context.database, list(transaction_ids)

        def work(state: TaskState) -> list[Path]:
            return print_invoices(database, wanted, folder, state=state)

        def done(paths: list[Path]) -> None:
            self.printed.emit(paths)
            self.changed.emit(
                ngettext(
                    "{count} invoice printed to {folder}",
                    "{count} invoices printed to {folder}",
                    len(paths),
                ).format(count=context.formats.count(len(paths)), folder=folder)
            )

        return QueryOp(
            work,
            done,
            "print invoices",
            failure=lambda error: self.refused.emit(str(error)),
            lane=Lane.GENERAL,
        ).run(context.runner)


def save_invoice(
    context: PageContext,
    parent: QWidget,
    detail: InvoiceDetail,
    *,
    open_url: Callable[[QUrl], object],
    announce: Callable[[str], object],
) -> None:
    """Save an issued invoice's PDF where the user chooses, then open it (the Workspace's
    Reprint of a marked invoice)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _filter = QFileDialog.getSaveFileName(
        parent,
        _("Save invoice {number}").format(number=detail.number),
        str(Path(folder or ".") / f"{detail.number}.pdf"),
        _("PDF files (*.pdf)"),
    )
    if not chosen:
        return
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")

    def saved(_path: Path) -> None:
        open_url(QUrl.fromLocalFile(str(path)))
        announce(_("Invoice {number} saved as {path}").format(number=detail.number, path=path))

    def failed(error: BaseException) -> None:
        QMessageBox.warning(
            parent, _("Reprint"), " ".join((str(error), _("Choose another folder.")))
        )

    QueryOp(
        lambda _state: write_atomically(path, invoice_pdf_bytes(detail)),
        saved,
        "save invoice",
        failure=failed,
        lane=Lane.GENERAL,
    ).run(context.runner)
