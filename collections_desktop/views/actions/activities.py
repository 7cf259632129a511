"""New, edit, close and reopen activities: the steps the Activities and Collections pages share."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.casework.activities import (
    ActivityDetails,
    ResponsibleChoice,
    activity_details,
    close_activities,
    create_activity,
    edit_activity,
    reopen_activities,
    responsible_choices,
)
from collections_desktop.models.casework.case_reading import CaseRow, cases_of
from collections_desktop.models.casework.categories import CategoryChoice, category_choices
from collections_desktop.models.screens.customer_card import CustomerOption
from collections_desktop.models.screens.customer_collections import customer_header
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.activity_dialog import (
    ActivityDialog,
    ActivityEdit,
    ActivityInput,
    NewActivityDialog,
)
from collections_desktop.views.operations import QueryOp, WriteOp
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.customer_search import CustomerSearch


class ActivityActions(QObject):
    """New, edit, close and reopen activities through the dialogs, one transaction each.

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
        self.dialog: NewActivityDialog | ActivityDialog | None = None
        """The dialog on screen (one at a time), for the tests and to raise it."""

    @property
    def may_create(self) -> bool:
        """Only an employee can be made responsible for a new activity by default."""
        return self._context.employee_id is not None

    # --- new ----------------------------------------------------------------------------

    def new(self, customer_id: uuid.UUID | None = None, case_id: uuid.UUID | None = None) -> None:
        """Ask for a new activity (about ``customer_id``, in ``case_id``, when given)."""
        if not self.may_create or self._raise_open_dialog():
            return
        context = self._context
        database, scope, as_of = context.database, context.scope, context.clock.now().date()

        def read(
            _state: TaskState,
        ) -> tuple[
            list[ResponsibleChoice], CustomerOption | None, list[CaseRow], list[CategoryChoice]
        ]:
            with database.sessions() as session:
                customer, cases = None, []
                if customer_id is not None:
                    header = customer_header(session, scope, customer_id, as_of)
                    customer = CustomerOption(header.id, header.account, header.name)
                    cases = cases_of(session, customer_id, "open", as_of=as_of)
                return responsible_choices(session), customer, cases, category_choices(session)

        QueryOp(
            read,
            lambda result: self._open_new(*result, case_id),
            "new activity choices",
            failure=self._read_failed,
        ).run(context.runner)

    def _open_new(
        self,
        responsibles: list[ResponsibleChoice],
        customer: CustomerOption | None,
        cases: list[CaseRow],
        categories: list[CategoryChoice],
        case_id: uuid.UUID | None,
    ) -> None:
        if self._raise_open_dialog():
            return
        context = self._context
        dialog = NewActivityDialog(
            context.clock.now(),
            customer,
            self._parent,
            formats=context.formats,
            customer_search=lambda parent: CustomerSearch("activity_customer", context, parent),
            responsibles=responsibles,
            responsible_id=self._context.employee_id,
            cases=cases,
            case_id=case_id,
            categories=categories,
        )
        dialog.submitted.connect(lambda value: self._create(dialog, value))
        self._show(dialog)

    def _create(self, dialog: NewActivityDialog, value: ActivityInput) -> None:
        context = self._context
        scope, now, employee = context.scope, context.clock.now(), context.employee_id
        assert employee is not None

        def work(session: Session) -> str:
            activity = create_activity(
                session,
                scope,
                now=now,
                responsible_id=value.responsible_id or employee,
                type=value.type,
                purpose=value.purpose,
                category=value.category,
                memo=value.memo,
                customer_account=value.customer_account,
                start_at=value.start_at,
                end_at=value.end_at,
                case_id=value.case_id,
            )
            return activity.number

        self._write(
            dialog,
            work,
            lambda number: _("Activity {number} created").format(number=number),
            "create activity",
        )

    # --- edit ---------------------------------------------------------------------------

    def edit(self, activity_id: uuid.UUID) -> None:
        """Open the activity dialog on ``activity_id`` (read afresh, with its version)."""
        if self._raise_open_dialog():
            return
        context = self._context
        database, scope, as_of = context.database, context.scope, context.clock.now().date()

        def read(
            _state: TaskState,
        ) -> tuple[ActivityDetails, list[ResponsibleChoice], list[CaseRow], list[CategoryChoice]]:
            with database.sessions() as session:
                details = activity_details(session, scope, activity_id, as_of=as_of)
                cases = (
                    cases_of(session, details.customer_id, "open", as_of=as_of)
                    if details.customer_id is not None
                    else []
                )
                categories = category_choices(session, keep=details.category)
                return details, responsible_choices(session), cases, categories

        QueryOp(
            read,
            lambda result: self._open_edit(*result),
            "activity to edit",
            failure=self._read_failed,
        ).run(context.runner)

    def _open_edit(
        self,
        details: ActivityDetails,
        responsibles: list[ResponsibleChoice],
        cases: list[CaseRow],
        categories: list[CategoryChoice],
    ) -> None:
        if self._raise_open_dialog():
            return
        dialog = ActivityDialog(
            details,
            responsibles,
            cases,
            self._context.formats,
            self._parent,
            categories=categories,
        )
        dialog.submitted.connect(lambda value: self._save(dialog, value))
        self._show(dialog)

    def _save(self, dialog: ActivityDialog, value: ActivityEdit) -> None:
        context = self._context
        scope, now, employee = context.scope, context.clock.now(), context.employee_id

        def work(session: Session) -> str:
            activity = edit_activity(
                session,
                scope,
                value.activity_id,
                now,
                **value.arguments(),
                employee_id=employee,
            )
            return activity.number

        self._write(
            dialog,
            work,
            lambda number: _("Activity {number} saved").format(number=number),
            "save activity",
        )

    # --- close and reopen ---------------------------------------------------------------

    def close(self, ids: Sequence[uuid.UUID]) -> None:
        """Close the activities ``ids`` in one transaction (all or none)."""
        self._set_closed(list(ids), closing=True)

    def reopen(self, ids: Sequence[uuid.UUID]) -> None:
        """Reopen the closed activities ``ids`` in one transaction (all or none)."""
        self._set_closed(list(ids), closing=False)

    def _set_closed(self, ids: list[uuid.UUID], *, closing: bool) -> None:
        if not ids or self.writing:
            return
        context = self._context
        scope, now, employee = context.scope, context.clock.now(), context.employee_id
        change = close_activities if closing else reopen_activities
        formats = context.formats

        def work(session: Session) -> int:
            return change(session, scope, ids, now, employee)

        def note(count: int) -> str:
            if closing:
                return ngettext(
                    "Closed {count} activity", "Closed {count} activities", count
                ).format(count=formats.count(count))
            return ngettext(
                "Reopened {count} activity", "Reopened {count} activities", count
            ).format(count=formats.count(count))

        self._write(None, work, note, "close activities" if closing else "reopen activities")

    # --- shared -------------------------------------------------------------------------

    def _write(
        self,
        dialog: NewActivityDialog | ActivityDialog | None,
        work: Callable[[Session], Any],
        note: Callable[[Any], str],
        name: str,
    ) -> None:
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

    def _show(self, dialog: NewActivityDialog | ActivityDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: QWidget) -> None:
        if dialog is self.dialog:
            self.dialog = None
        dialog.deleteLater()

    def _raise_open_dialog(self) -> bool:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return True
        return False

    def _read_failed(self, error: BaseException) -> None:
        message = (
            str(error)
            if isinstance(error, ValueError | PermissionError)
            else _("The activity could not be read: {reason}").format(reason=error)
        )
        self.refused.emit(message)
