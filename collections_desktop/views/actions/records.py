"""Enter record: the dialog for one or several customers, and its one transaction.

``enter_record(context, parent, accounts)`` is what every page calls (the Workspace, the
Overview, the customer explorer's menu): it reads the dialog's choices, opens it and
writes one closed record per customer with ``records.enter_records``. Once committed,
the runner's ``written`` signal tells every page that listens; a page that wants the
sentence for its status bar (and to read its customer again) connects to its
``RecordActions.changed`` (``record_actions(context, parent)``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMainWindow, QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.casework.activities import ResponsibleChoice, responsible_choices
from collections_desktop.models.casework.categories import CategoryChoice, category_choices
from collections_desktop.models.casework.records import (
    EVENT_TYPES,
    RecordsEntered,
    ResultChoice,
    enter_records,
    record_customers,
    result_choices,
)
from collections_desktop.models.screens.customer_card import CustomerOption
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.record_dialog import RecordDialog, RecordInput
from collections_desktop.views.operations import QueryOp, WriteOp
from collections_desktop.views.tasks import TaskState

SHORTCUT = "Ctrl+Shift+K"
"""Enter record… on the Workspace and the Overview (free among the pages' and the
window's shortcuts: transactions.ACTIONS, Ctrl+N, Ctrl+F, Ctrl+1…9, F-keys)."""

Choices = tuple[
    list[CustomerOption], list[CategoryChoice], list[ResultChoice], list[ResponsibleChoice]
]


class RecordActions(QObject):
    """Reads the choices, opens ``RecordDialog``, writes the records.

    ``changed`` carries the sentence for the status bar once the records are written;
    ``refused`` why the dialog could not open (no customer in the scope, a failed read).
    """

    changed = Signal(str)
    refused = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("record_actions")
        self._context = context
        self._parent = parent
        self.dialog: RecordDialog | None = None
        """The dialog on screen (one at a time), for the tests and to raise it."""

    def enter(self, accounts: Sequence[str]) -> None:
        """Open the dialog for the customers ``accounts`` (those of the scope)."""
        wanted = list(dict.fromkeys(a.strip() for a in accounts if a and a.strip()))
        if not wanted:
            self._refuse(_("Choose a customer first."))
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return
        context = self._context
        database, scope, as_of = context.database, context.scope, context.clock.today()

        def read(_state: TaskState) -> Choices:
            with database.sessions() as session:
                return (
                    record_customers(session, scope, wanted, as_of),
                    event_types(session),
                    result_choices(session),
                    responsible_choices(session),
                )

        QueryOp(
            read,
            self._open,
            "record choices",
            failure=lambda error: self._refuse(
                _("Could not read the data: {reason}").format(reason=error)
            ),
        ).run(context.runner)

    def _open(self, choices: Choices) -> None:
        customers, types, results, responsibles = choices
        if not customers:
            self._refuse(_("None of these customers is in your pools: nothing to record."))
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return
        context = self._context
        dialog = RecordDialog(
            customers,
            now=context.clock.now(),
            formats=context.formats,
            event_types=types,
            results=results,
            responsibles=responsibles,
            responsible_id=context.employee_id,
            parent=self._parent,
        )
        accounts = [customer.account for customer in customers]
        dialog.submitted.connect(lambda value: self._write(dialog, accounts, value))
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def _write(self, dialog: RecordDialog, accounts: list[str], value: RecordInput) -> None:
        context = self._context
        scope, now = context.scope, context.clock.now()
        formats = context.formats

        def work(session: Session) -> RecordsEntered:
            return enter_records(
                session,
                scope,
                accounts,
                now=now,
                event_type=value.event_type,
                responsible_id=value.responsible_id,
                at=value.at,
                observations=value.observations,
                result=value.result,
                next_action_on=value.next_action_on,
            )

        def done(entered: RecordsEntered) -> None:
            if len(entered.records) == 1:
                note = _("Record {number} saved").format(number=entered.records[0])
            else:
                note = ngettext(
                    "{count} record saved", "{count} records saved", len(entered.records)
                ).format(count=formats.count(len(entered.records)))
            if entered.follow_ups:
                note = _("{note}; next action on {date}").format(
                    note=note,
                    date=formats.date(value.next_action_on) if value.next_action_on else "",
                )
            self.changed.emit(note)

        WriteOp(work, done, "enter record", feedback=dialog).run(context.runner, context.database)

    def _forget(self, dialog: RecordDialog) -> None:
        if dialog is self.dialog:
            self.dialog = None
        dialog.deleteLater()

    def _refuse(self, message: str) -> None:
        self.refused.emit(message)
        window = self._parent.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 10_000)


def event_types(session: Session) -> list[CategoryChoice]:
    """The active activity categories, the record's usual event types first (call,
    e-mail, visit, letter, note), the others after them by name."""
    choices = category_choices(session)
    order = {code: index for index, code in enumerate(EVENT_TYPES)}
    return sorted(choices, key=lambda c: (order.get(c.code, len(order)), c.name.casefold()))


def record_actions(context: PageContext, parent: QWidget) -> RecordActions:
    """The ``RecordActions`` of ``parent`` (made the first time it is asked for)."""
    found = parent.findChild(
        RecordActions, "record_actions", Qt.FindChildOption.FindDirectChildrenOnly
    )
    if isinstance(found, RecordActions):
        return found
    return RecordActions(context, parent)


def enter_record(context: PageContext, parent: QWidget, accounts: Sequence[str]) -> None:
    """Open the Enter record dialog for the customers ``accounts``; on Save, one closed
    record per customer (and its follow-up) in one transaction."""
    record_actions(context, parent).enter(accounts)
