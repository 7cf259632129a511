"""Collection letters from a customer's page: the run dialog, printing its PDFs, reprints.

The letters are posted in one write; their PDFs are then printed on the general lane
(file work, never the GUI thread) and each PDF written is recorded in one more write,
also when printing fails or stops half-way, so ``letters --pdf`` or Reprint writes only
what is missing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.letters.documents import (
    WRITER_RUN,
    LetterFileError,
    check_folder,
    document_of,
    record_documents,
    sync_folder,
)
from collections_desktop.models.letters.propose import LetterProposal, propose_letters
from collections_desktop.models.letters.read import LetterDetail, letter_detail
from collections_desktop.models.letters.run import LetterRun, create_letters
from collections_desktop.views.actions.controller import ActionController, dialog_reads
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.letters_dialog import LettersDialog, LettersRequest
from collections_desktop.views.operations import QueryOp, WriteOp
from collections_desktop.views.printing import letter_pdf, print_letters
from collections_desktop.views.tasks import Lane, TaskState

Written = list[tuple[uuid.UUID, Path]]
"""The PDFs in place so far: (letter id, file)."""


def letters_folder(context: PageContext) -> Path:
    """Where a run's PDFs go: Documents/Collection letters/<today>."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(base or ".") / _("Collection letters") / context.clock.today().isoformat()


class LetterActions(ActionController):
    """The letter run of one customer (or a pool), its PDFs, and reprints of a letter."""

    def __init__(
        self, context: PageContext, parent: QWidget, *, open_url: Callable[[QUrl], bool]
    ) -> None:
        super().__init__(context, parent)
        self.open_url = open_url
        """How a saved PDF is opened (tests intercept it)."""

    # --- the run ------------------------------------------------------------------------

    def run_dialog(
        self, customer: tuple[uuid.UUID, str] | None, *, folder: Path | None = None
    ) -> LettersDialog:
        """The letter run dialog on ``customer`` (id, label; None: a pool only), wired to
        preview and post; the PDFs go to ``folder`` (by default ``letters_folder``)."""
        context = self._context
        database, scope, employee = context.database, context.scope, context.employee_id
        pools = sorted(scope.pool_names.items(), key=lambda pool: pool[1].casefold())
        folder = folder or letters_folder(context)
        dialog = LettersDialog(
            pools, context.clock.today(), context.formats, customer=customer, parent=self._parent
        )
        previews, is_open = dialog_reads(dialog)

        def preview(request: LettersRequest) -> None:
            if not is_open():
                return

            def read(_state: TaskState) -> list[LetterProposal]:
                with database.sessions() as session:
                    return propose_letters(
                        session,
                        scope,
                        request.as_of,
                        pool_id=request.pool_id,
                        customer_ids=request.customer_ids,
                    )

            QueryOp(
                read,
                lambda proposals: dialog.show_proposals(request, proposals) if is_open() else None,
                "propose letters",
                failure=lambda error: (
                    dialog.show_preview_error(request, str(error)) if is_open() else None
                ),
            ).run(context.runner, previews)

        def create(request: LettersRequest) -> None:
            try:
                check_folder(folder)  # a folder that cannot take the PDFs posts nothing
            except LetterFileError as error:
                dialog.show_error(" ".join((str(error), _("No letter was posted."))))
                return
            now = context.clock.now()

            def write(session: Session) -> LetterRun:
                return create_letters(
                    session,
                    scope,
                    request.as_of,
                    now,
                    pool_id=request.pool_id,
                    customer_ids=request.customer_ids,
                    created_by_id=employee,
                )

            def posted(run: LetterRun) -> None:
                self.written.emit(run)
                self.print_run(run, folder)

            WriteOp(
                write,
                posted,
                "create letters",
                feedback=dialog,
            ).run(context.runner, database)

        dialog.preview_requested.connect(preview)
        dialog.submitted.connect(create)
        return dialog

    def print_run(self, run: LetterRun, folder: Path) -> None:
        """Write a PDF of every letter of a run into ``folder``, record each, then say where."""
        created = ngettext(
            "{count} collection letter created",
            "{count} collection letters created",
            run.created_count,
        ).format(count=self._context.formats.count(run.created_count))
        if not run.letter_ids:
            self.changed.emit(created)
            return
        ids = list(run.letter_ids)
        self.read(
            lambda session: [letter_detail(session, letter_id) for letter_id in ids],
            lambda details: self._print(details, folder, created),
            "letters to print",
        )

    def _print(self, details: Sequence[LetterDetail], folder: Path, created: str) -> None:
        written: Written = []
        count = len(details)
        missing = _(
            "Reprint writes each missing PDF, and collections-desktop letters --pdf "
            "writes them all."
        )

        def work(state: TaskState) -> list[Path]:
            return print_letters(
                details,
                folder,
                state=state,
                written=lambda letter_id, path: written.append((letter_id, path)),
            )

        def printed(paths: list[Path]) -> None:
            self._record(
                written,
                ngettext(
                    "{created}; {count} PDF in {folder}",
                    "{created}; {count} PDFs in {folder}",
                    len(paths),
                ).format(created=created, count=len(paths), folder=folder),
            )

        def failed(error: BaseException) -> None:
            stopped = ngettext(
                "{created}; {written} of {count} PDF written, then: {reason}",
                "{created}; {written} of {count} PDFs written, then: {reason}",
                count,
            ).format(created=created, written=len(written), count=count, reason=error)
            self._record(written, " ".join((stopped, missing)))

        def cancelled() -> None:
            stopped = ngettext(
                "{created}; printing stopped after {written} of {count} PDF.",
                "{created}; printing stopped after {written} of {count} PDFs.",
                count,
            ).format(created=created, written=len(written), count=count)
            self._record(written, " ".join((stopped, missing)))

        task = QueryOp(work, printed, "print letters", failure=failed, lane=Lane.GENERAL).run(
            self._context.runner
        )
        task.cancelled.connect(cancelled)

    def _record(self, written: Written, message: str) -> None:
        """Record the PDFs written (one transaction), then announce ``message``."""
        pairs = list(written)
        if not pairs:
            self.changed.emit(message)
            return
        context = self._context
        clock, employee = context.clock, context.employee_id

        def write(session: Session) -> None:
            for folder in {path.parent for _letter, path in pairs}:
                sync_folder(folder)
            record_documents(session, pairs, clock.now(), written_by_id=employee)

        task = WriteOp(
            write,
            lambda _result: self.changed.emit(message),
            "record letter PDFs",
            run_lock=WRITER_RUN,
            what=_("recording letter PDFs"),
        ).run(context.runner, context.database)
        task.failed.connect(
            lambda error: self.changed.emit(
                " ".join(
                    (
                        message,
                        _(
                            "The PDFs written could not be recorded ({reason}): the next "
                            "letters --pdf run writes them again."
                        ).format(reason=error),
                    )
                )
            )
        )

    # --- reprint ------------------------------------------------------------------------

    def reprint(self, letter_id: uuid.UUID) -> None:
        """Save the letter as a PDF where the user chooses, then open it: a marked copy,
        or the letter itself (recorded as its PDF) when its PDF was never written."""
        self.read(
            lambda session: (letter_detail(session, letter_id), document_of(session, letter_id)),
            lambda found: self._save(found[0], copy=found[1] is not None),
            "letter to reprint",
        )

    def _save(self, detail: LetterDetail, *, copy: bool) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        if copy:
            suggested = _("{number} copy.pdf").format(number=detail.number)
            title = _("Save a copy of letter {number}").format(number=detail.number)
        else:
            suggested = f"{detail.number}.pdf"
            title = _("Save letter {number}, whose PDF was never written").format(
                number=detail.number
            )
        chosen, _filter = QFileDialog.getSaveFileName(
            self._parent, title, str(Path(folder or ".") / suggested), _("PDF files (*.pdf)")
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")

        def saved(_path: Path) -> None:
            self.open_url(QUrl.fromLocalFile(str(path)))
            if copy:
                self.changed.emit(
                    _("Copy of {number} saved as {path}").format(number=detail.number, path=path)
                )
                return
            self._record(
                [(detail.id, path)],
                _("Letter {number} saved as {path}").format(number=detail.number, path=path),
            )

        def failed(error: BaseException) -> None:
            QMessageBox.warning(
                self._parent, _("Reprint"), " ".join((str(error), _("Choose another folder.")))
            )

        QueryOp(
            lambda _state: letter_pdf(detail, path, copy=copy),
            saved,
            "reprint letter",
            failure=failed,
            lane=Lane.GENERAL,
        ).run(self._context.runner)
