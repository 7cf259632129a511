"""Open a customer's record and save it: the step every page's Account link leads to.

The record is read afresh (with its version) on the read lane, shown in
``CustomerRecordDialog``, and saved with ``save_record`` in one write on the write lane,
the dialog as its feedback: a refusal (a field to correct, a stale copy) shows in the
dialog, which stays open with what was typed. An IBAN typed in the dialog is looked up on
the read lane, and the other customers paying from it are shown in the dialog.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.customers.record import (
    CustomerRecord,
    RecordChanges,
    SavedRecord,
    iban_owners,
    read_record,
    save_record,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.customer_record import CustomerRecordDialog
from collections_desktop.views.operations import QueryOp, WriteOp
from collections_desktop.views.tasks import TaskState


class CustomerRecordActions(QObject):
    """Read, show and save customer records, one dialog at a time.

    ``changed`` carries the sentence for the status bar once a record was saved;
    ``refused`` a read that failed (no dialog shows it).
    """

    changed = Signal(str)
    refused = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._parent = parent
        self.dialog: CustomerRecordDialog | None = None
        """The record on screen, for the tests and to raise it."""

    def open(self, customer_id: uuid.UUID) -> None:
        """Show the customer's record, read now."""
        if self.dialog is not None and self.dialog.isVisible():
            if self.dialog.record.customer_id == customer_id:
                self.dialog.raise_()
                return
            self.dialog.reject()
        context = self._context
        database, scope, as_of = context.database, context.scope, context.clock.today()

        def read(_state: TaskState) -> CustomerRecord:
            with database.sessions() as session:
                return read_record(session, customer_id, as_of=as_of, scope=scope)

        QueryOp(
            read,
            self._show,
            "customer record",
            failure=lambda error: self.refused.emit(
                str(error)
                if isinstance(error, ValueError | PermissionError)
                else _("The customer's record could not be read: {reason}").format(reason=error)
            ),
        ).run(context.runner)

    def _show(self, record: CustomerRecord) -> None:
        dialog = CustomerRecordDialog(
            record, self._context.formats, self._parent, today=self._context.clock.today()
        )
        dialog.submitted.connect(lambda changes: self._save(dialog, changes))
        dialog.iban_entered.connect(lambda iban: self._look_up_iban(dialog, iban))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()

    def _look_up_iban(self, dialog: CustomerRecordDialog, iban: str) -> None:
        """Name in the dialog the other customers paying from ``iban`` (nothing when none
        or when the dialog closed meanwhile)."""
        database, customer_id = self._context.database, dialog.record.customer_id

        def read(_state: TaskState) -> dict[str, tuple[str, ...]]:
            with database.sessions() as session:
                return iban_owners(session, [iban], customer_id=customer_id)

        def show(owners: dict[str, tuple[str, ...]]) -> None:
            if dialog is self.dialog:
                dialog.show_iban_owners(owners)

        QueryOp(read, show, "customer IBAN owners", failure=lambda _error: None).run(
            self._context.runner
        )

    def _forget(self, dialog: CustomerRecordDialog) -> None:
        if dialog is self.dialog:
            self.dialog = None
        dialog.deleteLater()

    def _save(self, dialog: CustomerRecordDialog, changes: RecordChanges) -> None:
        context = self._context
        record = dialog.record
        scope, now, by = context.scope, context.clock.now(), context.employee_id

        def work(session: Session) -> SavedRecord:
            return save_record(
                session, record.customer_id, record.version, changes, by, now, scope=scope
            )

        def saved(result: SavedRecord) -> None:
            self.changed.emit(
                _("Customer {account} saved").format(account=record.account)
                if result.changed
                else _("Customer {account}: nothing was changed").format(account=record.account)
            )

        WriteOp(work, saved, "save customer record", feedback=dialog).run(
            context.runner, context.database
        )
