"""New case, edit, close and reopen: the steps the Cases and Collections pages share."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.casework.activities import (
    ResponsibleChoice,
    find_customer,
    responsible_choices,
)
from collections_desktop.models.casework.case_reading import (
    CaseCategoryChoice,
    CaseRow,
    CaseTransactionChoice,
    case_categories,
    case_row,
    case_transaction_choices,
)
from collections_desktop.models.casework.cases import (
    CaseClosed,
    close_case,
    create_case,
    edit_case,
    reopen_case,
)
from collections_desktop.models.screens.customer_collections import CustomerHeader, customer_header
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.case_dialog import CaseDialog, CaseInput
from collections_desktop.views.operations import QueryOp, WriteOp
from collections_desktop.views.tasks import TaskState


@dataclass(frozen=True)
class CaseDialogChoices:
    """What the case dialog needs, read in one task."""

    customer: CustomerHeader
    categories: list[CaseCategoryChoice]
    responsibles: list[ResponsibleChoice]
    transactions: list[CaseTransactionChoice]
    case: CaseRow | None


def customer_label(customer: CustomerHeader) -> str:
    """ "C-000421 · Ruiz Hermanos SL", as the dialogs name a customer."""
    return f"{customer.account} · {customer.name}"


class CaseActions(QObject):
    """New case, edit, close and reopen through ``CaseDialog``, one transaction each.

    ``changed`` carries the sentence for the status bar once something was written;
    ``refused`` a refusal or an error that no dialog shows.
    """

    changed = Signal(str)
    refused = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._parent = parent
        self.writing = False
        self.dialog: CaseDialog | None = None
        """The case dialog on screen (one at a time), for the tests and to raise it."""

    def new(self, customer_id: uuid.UUID | None = None, *, account: str | None = None) -> None:
        """Open New case for a customer, given by id or by account number."""
        self._open(None, customer_id, account)

    def edit(self, case_id: uuid.UUID) -> None:
        """Open the case dialog on ``case_id``, read afresh with its version."""
        self._open(case_id, None, None)

    def close(self, row: CaseRow) -> None:
        """Close an open case (as read: a change by someone else since is refused)."""
        scope, now = self._context.scope, self._context.clock.now()

        def work(session: Session) -> CaseClosed:
            return close_case(session, scope, row.id, now, expected_version=row.version)

        self._write(None, work, lambda closed: closed.note(), "close case")

    def reopen(self, row: CaseRow) -> None:
        """Reopen a closed case."""
        scope, now = self._context.scope, self._context.clock.now()

        def work(session: Session) -> str:
            return reopen_case(session, scope, row.id, now, expected_version=row.version).number

        self._write(
            None, work, lambda number: _("Case {number} reopened").format(number=number), "reopen"
        )

    # --- the dialog ---------------------------------------------------------------------

    def _open(
        self, case_id: uuid.UUID | None, customer_id: uuid.UUID | None, account: str | None
    ) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return
        context = self._context
        database, scope, as_of = context.database, context.scope, context.clock.today()

        def read(_state: TaskState) -> CaseDialogChoices:
            with database.sessions() as session:
                case = case_row(session, scope, case_id, as_of=as_of) if case_id else None
                customer = case.customer_id if case is not None else customer_id
                if customer is None:
                    customer = find_customer(session, scope, account or "", as_of)
                return CaseDialogChoices(
                    customer=customer_header(session, scope, customer, as_of),
                    categories=case_categories(session),
                    responsibles=responsible_choices(session),
                    transactions=case_transaction_choices(
                        session, customer, as_of, case_id=case_id
                    ),
                    case=case,
                )

        QueryOp(
            read,
            self._show,
            "case dialog choices",
            failure=lambda error: self.refused.emit(
                str(error)
                if isinstance(error, ValueError | PermissionError)
                else _("The case could not be read: {reason}").format(reason=error)
            ),
        ).run(context.runner)

    def _show(self, choices: CaseDialogChoices) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return
        dialog = CaseDialog(
            choices.customer.id,
            customer_label(choices.customer),
            choices.categories,
            choices.responsibles,
            choices.transactions,
            self._context.formats,
            case=choices.case,
            responsible_id=self._context.employee_id,
            parent=self._parent,
        )
        dialog.submitted.connect(lambda value: self._submit(dialog, value))
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: CaseDialog) -> None:
        if dialog is self.dialog:
            self.dialog = None
        dialog.deleteLater()

    def _submit(self, dialog: CaseDialog, value: CaseInput) -> None:
        context = self._context
        scope, now, employee = context.scope, context.clock.now(), context.employee_id

        def work(session: Session) -> str:
            if value.case_id is None:
                made = create_case(
                    session,
                    scope,
                    value.customer_id,
                    value.category_code,
                    value.description,
                    now,
                    responsible_id=value.responsible_id,
                    transaction_ids=value.transaction_ids,
                    created_by_id=employee,
                )
                return _("Case {number} opened").format(number=made.number)
            assert value.expected_version is not None
            saved = edit_case(
                session,
                scope,
                value.case_id,
                now,
                expected_version=value.expected_version,
                category_code=value.category_code,
                description=value.description,
                responsible_id=value.responsible_id,
                transaction_ids=value.transaction_ids,
            )
            return _("Case {number} saved").format(number=saved.number)

        self._write(dialog, work, lambda note: note, "save case")

    def _write(
        self,
        dialog: CaseDialog | None,
        work: Callable[[Session], Any],
        note: Callable[[Any], str],
        name: str,
    ) -> None:
        if self.writing:
            return
        self.writing = True

        def done(result: Any) -> None:
            self.writing = False
            self.changed.emit(note(result))

        def refused(message: str) -> None:
            self.writing = False
            if dialog is None:
                self.refused.emit(message)

        WriteOp(work, done, name, failure=refused, feedback=dialog).run(
            self._context.runner, self._context.database
        )
