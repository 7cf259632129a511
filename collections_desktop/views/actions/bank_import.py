"""File ▸ Import bank statement… and files dropped on the window: bank files read and stored.

``BankImport.start(paths)`` takes the files one by one. A CSV export first needs a
profile (``CsvProfileDialog``: a saved one, or a new one saved by its name). Each file is
then read and stored on a worker in its own write transaction (``WriteOp``), whole or
not at all, with "Reading 2 of 5: ing.sta" in the status bar. A file the reader refuses
is named with the reason; a statement that does not add up asks "Import anyway?" and,
on Yes, is stored again with its difference kept. At the end a summary lists, per file,
its statements, new lines, lines already known, new credits waiting and differences
kept, and ``imported`` tells the window to show the Bank reconciliation page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.bank.formats.csv_profile import CsvProfile
from collections_desktop.models.bank.importing import (
    FileOutcome,
    describe_stored,
    file_head,
    import_file,
    needs_profile,
    new_credits,
)
from collections_desktop.models.bank.parsed import BankFileError
from collections_desktop.models.bank.store import BANK_IMPORT, StatementDifferenceError, StoredFile
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.bank_import import BankImportSummary
from collections_desktop.views.dialogs.bank_profile import CsvProfileDialog
from collections_desktop.views.operations import QueryOp, WriteOp
from collections_desktop.views.tasks import Lane, TaskState


@dataclass(frozen=True)
class _Attempt:
    """What a write returned: stored, refused whole, or a difference to ask about."""

    stored: StoredFile | None = None
    refused: str | None = None
    difference: StatementDifferenceError | None = None


class BankImport(QObject):
    """Imports bank files one by one (see the module docstring)."""

    progressed = Signal(str)
    """What the status bar says while files are read ("Reading 2 of 5: ing.sta")."""
    imported = Signal(object)
    """The outcomes (``FileOutcome``) of a run, once every file is done."""

    def __init__(self, context: PageContext, parent: QWidget, *, summary: bool = True) -> None:
        super().__init__(parent)
        self.context = context
        self.parent_widget = parent
        self.show_summary = summary
        self.queue: list[Path] = []
        self.total = 0
        self.outcomes: list[FileOutcome] = []
        self.profile_dialog: CsvProfileDialog | None = None
        self.summary: BankImportSummary | None = None
        self.running = False

    @property
    def busy(self) -> bool:
        """Whether files are being imported now."""
        return self.running

    def start(self, paths: Sequence[str | Path]) -> None:
        """Import ``paths`` (added to the queue when a run is under way)."""
        files = [Path(p) for p in paths]
        if not files:
            return
        self.queue.extend(files)
        self.total += len(files)
        if not self.running:
            self.running = True
            self.outcomes = []
            self._next()

    # --- the steps of one file ----------------------------------------------------------

    def _next(self) -> None:
        if not self.queue:
            self._finish()
            return
        path = self.queue.pop(0)
        number = self.total - len(self.queue)
        self.progressed.emit(
            _("Reading {number} of {total}: {file}").format(
                number=number, total=self.total, file=path.name
            )
        )
        QueryOp(
            lambda _state: (needs_profile(path), _profiles_and_head(self.context, path)),
            lambda found: self._sniffed(path, *found),
            "bank file kind",
            failure=lambda error: self._done(FileOutcome(path, refused=str(error))),
            lane=Lane.GENERAL,
        ).run(self.context.runner)

    def _sniffed(self, path: Path, csv: bool, extra: tuple[list[CsvProfile], bytes] | None) -> None:
        if not csv:
            self._store(path, None, accept=False)
            return
        assert extra is not None
        saved, head = extra
        dialog = CsvProfileDialog(path.name, head, saved, self.context.formats, self.parent_widget)
        self.profile_dialog = dialog
        dialog.chosen.connect(lambda profile: self._profile_chosen(path, profile, saved))
        dialog.rejected.connect(
            lambda: self._done(
                FileOutcome(path, refused=_("not imported: no CSV profile was chosen"))
            )
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _profile_chosen(self, path: Path, profile: CsvProfile, saved: list[CsvProfile]) -> None:
        if profile in saved:
            self._store(path, profile, accept=False)
            return
        from collections_desktop.models.bank.profiles import save_profile

        now = self.context.clock.now()
        WriteOp(
            lambda session: save_profile(session, profile, now),
            lambda _result: self._store(path, profile, accept=False),
            "bank profile",
            failure=lambda message: self._done(FileOutcome(path, refused=message)),
        ).run(self.context.runner, self.context.database)

    def _store(self, path: Path, profile: CsvProfile | None, *, accept: bool) -> None:
        context = self.context
        now, user = context.clock.now(), context.employee_id

        def write(session: Session, state: TaskState) -> _Attempt:
            # Both refusals come before anything is written: the transaction stays empty.
            try:
                stored = import_file(session, path, now, profile=profile, imported_by_id=user,
                                     accept_differences=accept)  # fmt: skip
            except BankFileError as error:
                return _Attempt(refused=str(error))
            except StatementDifferenceError as error:
                return _Attempt(difference=error)
            return _Attempt(stored=stored)

        WriteOp(
            None,
            lambda attempt: self._stored(path, profile, attempt),
            "bank import",
            failure=lambda message: self._done(FileOutcome(path, refused=message)),
            run_lock=BANK_IMPORT,
            what=_("bank import"),
            long_write=write,
        ).run(context.runner, context.database)

    def _stored(self, path: Path, profile: CsvProfile | None, attempt: _Attempt) -> None:
        if attempt.difference is not None:
            answer = QMessageBox.question(
                self.parent_widget,
                _("Import anyway?"),
                "\n\n".join(
                    (
                        str(attempt.difference),
                        _("Import {file} anyway, keeping the difference on the statement?").format(
                            file=path.name
                        ),
                    )
                ),
            )
            if answer == QMessageBox.StandardButton.Yes:
                self._store(path, profile, accept=True)
            else:
                self._done(FileOutcome(path, refused=str(attempt.difference)))
            return
        self._done(FileOutcome(path, stored=attempt.stored, refused=attempt.refused))

    def _done(self, outcome: FileOutcome) -> None:
        self.outcomes.append(outcome)
        self._next()

    def _finish(self) -> None:
        self.running = False
        self.total = 0
        outcomes = list(self.outcomes)
        self.progressed.emit(summary_line(outcomes, self.context))
        if self.show_summary and outcomes:
            dialog = BankImportSummary(outcomes, self.context.formats, self.parent_widget)
            dialog.finished.connect(dialog.deleteLater)
            self.summary = dialog
            dialog.open()
        self.imported.emit(outcomes)


def _profiles_and_head(context: PageContext, path: Path) -> tuple[list[CsvProfile], bytes] | None:
    """For a CSV export: the saved profiles and the file's first lines (on a worker)."""
    if not needs_profile(path):
        return None
    from collections_desktop.models.bank.profiles import profiles

    with context.database.sessions() as session:
        saved = list(profiles(session))
    return saved, file_head(path)


def summary_line(outcomes: Sequence[FileOutcome], context: PageContext) -> str:
    """The status bar's sentence at the end of a run."""
    fmt = context.formats
    stored = [o.stored for o in outcomes if o.stored is not None]
    refused = [o for o in outcomes if o.stored is None]
    text = ngettext(
        "{count} file imported: {lines} new lines, {credits} credits waiting",
        "{count} files imported: {lines} new lines, {credits} credits waiting",
        len(stored),
    ).format(
        count=fmt.count(len(stored)),
        lines=fmt.count(sum(s.new_lines for s in stored)),
        credits=fmt.count(sum(new_credits(s) for s in stored)),
    )
    if refused:
        text += " · " + ngettext(
            "{count} refused: {names}", "{count} refused: {names}", len(refused)
        ).format(count=fmt.count(len(refused)), names=", ".join(o.name for o in refused))
    return text


def outcome_text(outcome: FileOutcome, formats: Any) -> str:
    """One file's line of the summary."""
    if outcome.stored is not None:
        return describe_stored(outcome.stored, formats)
    return outcome.refused or ""
