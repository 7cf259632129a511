"""File ▸ Work offline…: create the replica in the background, then have the app open it.

``WorkOffline.start()`` shows ``WorkOfflineDialog``; its Create runs
``models.sync.replica.create_replica`` on the general lane (it writes a new file, not the
open database) with the dialog showing the progress. Cancel stops the copy at its next
step; the models leave no half-made file. Once done, the password is remembered in the keychain
when asked, the replica becomes the database the app opens at start (the ``DATABASE``
setting), and ``created`` asks the window to open it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from collections_desktop import paths
from collections_desktop.i18n import _
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.work_offline import ReplicaRequest, WorkOfflineDialog
from collections_desktop.views.operations import QueryOp
from collections_desktop.views.settings import DATABASE
from collections_desktop.views.sync_control import SyncBackend
from collections_desktop.views.tasks import Lane, Task, TaskState


class WorkOffline(QObject):
    """The Work offline dialog and the replica's creation."""

    created = Signal(object)
    """The replica's path, ready to be opened."""
    announced = Signal(str)
    """A sentence for the status bar (the replica was made, the password not kept …)."""

    def __init__(self, context: PageContext, backend: SyncBackend, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.backend = backend
        self.parent_widget = parent
        self.dialog: WorkOfflineDialog | None = None
        self.task: Task | None = None

    def start(self, *, server: str = "", user: str = "") -> WorkOfflineDialog:
        """Show the dialog (modeless, so the window stays usable while the copy runs)."""
        dialog = WorkOfflineDialog(
            server=server,
            user=user,
            file=paths.default_replica_path(),
            can_remember=self.backend.save_password is not None,
            parent=self.parent_widget,
        )
        dialog.submitted.connect(self.create)
        dialog.rejected.connect(self.cancel)
        self.dialog = dialog
        dialog.show()
        return dialog

    def cancel(self) -> None:
        """Stop the copy (the dialog's Cancel)."""
        if self.task is not None:
            self.task.cancel()

    def create(self, request: ReplicaRequest) -> Task:
        """Copy the user's scope into ``request.file`` in the background."""
        create, clock = self.backend.create_replica, self.context.clock

        def work(state: TaskState) -> Path:
            def progress(done: int, total: int, what: str) -> None:
                state.raise_if_cancelled()  # the copy stops at its next step
                state.progress(done, total, what)

            # The copy is made beside the file and renamed once whole: a cancelled or
            # failed copy leaves nothing that could be opened as a replica.
            return Path(
                create(
                    request.server,
                    request.password,
                    request.file,
                    now=clock.now(),
                    progress=progress,
                )
            )

        dialog = self.dialog
        task = QueryOp(
            work,
            lambda path: self._created(request, path),
            "create replica",
            failure=self._failed,
            progress=dialog.show_progress if dialog is not None else None,
            lane=Lane.GENERAL,
        ).run(self.context.runner)
        task.finished.connect(self._ended)
        self.task = task
        return task

    def _created(self, request: ReplicaRequest, path: Path) -> None:
        if request.remember and request.password and self.backend.save_password is not None:
            try:
                self.backend.save_password(request.server, request.password)
            except Exception as error:  # the replica is made; only remembering failed
                self.announced.emit(
                    _("The password could not be kept in the keychain: {reason}").format(
                        reason=error
                    )
                )
        settings = self.context.settings
        if settings is not None:
            settings.set(DATABASE, str(path))
            settings.sync()
        if self.dialog is not None:
            self.dialog.accept()
        self.created.emit(path)

    def _failed(self, error: BaseException) -> None:
        message = _("The replica could not be created: {reason}").format(reason=error)
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.show_error(message)
        else:
            self.announced.emit(message)

    def _ended(self) -> None:
        self.task = None
