"""Last month's statements by e-mail from the app: the check at the start, the offer, the
sending.

At the first start after a month's end (``app.Shell`` calls ``check(at_start=True)`` once
the window is open, never the window's constructor) a background read finds whether the
viewer's customers with an open balance at last month's end all have their statement in
the month's mailing. If not, the user's preference decides: offer (a question that waits
without blocking the window; Later asks again at the next start), send without asking
(progress and Cancel in the status bar), or nothing. Billing ▸ Send last month's
statements… shows the same question on demand, or how many were sent when all were.

Sending is ``statements.mailing.mail_month_statements`` on the background lane: the PDFs
are printed first (long: progress and Cancel), then queued in one short transaction, then
sent; so the statements go once per customer and month whatever happens, and a run that
was cancelled or died is completed by the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QAbstractButton, QApplication, QMainWindow, QMessageBox, QWidget

from collections_desktop.i18n import _
from collections_desktop.models.mail.outbox import SendReport
from collections_desktop.models.mail.settings import MailServerRow, read_mail_server
from collections_desktop.models.statements.mailing import (
    MonthMailingStatus,
    QueuedStatements,
    mail_month_statements,
    month_and_year,
    month_mailing_status,
    month_name,
)
from collections_desktop.models.statements.period import last_month
from collections_desktop.views.actions.mailing import StatusProgress, report_text, with_mail_login
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.month_statements import MonthStatementsDialog
from collections_desktop.views.operations import QueryOp
from collections_desktop.views.settings import MONTH_END_STATEMENTS
from collections_desktop.views.statement_pdf import statement_pdf_bytes
from collections_desktop.views.tasks import Lane, TaskState

OFFER, SEND, NOTHING = "offer", "send", "nothing"
"""The choices of the ``MONTH_END_STATEMENTS`` preference."""

WAIT_FOR_MODAL_MS = 400
"""How often the question looks again whether a modal dialog (the demo's welcome) is
still open: it waits for it rather than sit behind it."""


@dataclass(frozen=True)
class _Found:
    status: MonthMailingStatus
    server_ready: bool


class MonthStatements(QObject):
    """Last month's statements for the window's viewer: check, offer, send."""

    sent = Signal(object)
    """A run finished: ``(QueuedStatements, SendReport)``."""

    def __init__(self, context: PageContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.parent_widget = parent
        self.dialog: MonthStatementsDialog | None = None
        self.running = False
        self.period = last_month(context.clock.today())

    # --- checking --------------------------------------------------------------------

    def preference(self) -> str:
        settings = self.context.settings
        return settings.get(MONTH_END_STATEMENTS) if settings is not None else OFFER

    def check(self, *, at_start: bool = False) -> None:
        """Read where last month's statements stand, then act: at the start as the
        preference says (nothing is read for "Do nothing"), on demand by showing it."""
        if at_start and (self.preference() == NOTHING or self.refusal(True) is not None):
            return  # nothing to offer to a user who could not send them
        if self.running:
            self._announce(_("The statements are being sent: see the status bar."))
            return
        context, period = self.context, self.period
        database, scope, today = context.database, context.scope, context.clock.today()

        def read(_state: TaskState) -> _Found:
            with database.sessions() as session:
                server = read_mail_server(session)
                return _Found(
                    month_mailing_status(session, scope, period, today),
                    server.method == "smtp" and bool(server.host),
                )

        def failed(error: BaseException) -> None:
            text = _("Last month's statements could not be checked: {reason}").format(reason=error)
            if at_start:
                self._announce(text)
            else:
                QMessageBox.warning(self.parent_widget, _("Month-end statements"), text)

        QueryOp(
            read,
            lambda found: self._checked(found, at_start),
            "month statements status",
            failure=failed,
            long=True,
        ).run(context.runner)

    def _checked(self, found: _Found, at_start: bool) -> None:
        status = found.status
        if at_start and not status.to_send:
            return
        if at_start and self.preference() == SEND:
            refused = self.refusal(found.server_ready)
            if refused:
                self._announce(
                    _("Last month's statements were not sent: {reason}").format(reason=refused),
                    0,
                )
                return
            self.send()
            return
        note = ""
        if status.to_send:
            note = self.refusal(found.server_ready) or ""
        self._when_free(lambda: self._offer(status, note))

    def refusal(self, server_ready: bool) -> str | None:
        """Why this user cannot send the statements from here, in words; None if they can."""
        context = self.context
        if context.database.read_only:
            return _("this database is open read-only.")
        if context.employee_id is None:
            return _(
                "only an employee of the company may send its statements; an administrator "
                "adds you in Set-up ▸ Users."
            )
        if not server_ready:
            return _(
                "no SMTP server is set up; an administrator sets it up in Set-up ▸ Mail server."
            )
        return None

    def _when_free(self, show: Callable[[], None]) -> None:
        """Show the question once no modal dialog is open (the demo's welcome, say)."""
        if QApplication.activeModalWidget() is not None:
            QTimer.singleShot(WAIT_FOR_MODAL_MS, self, lambda: self._when_free(show))
            return
        show()

    def _offer(self, status: MonthMailingStatus, note: str) -> None:
        if self.dialog is not None:
            self.dialog.close()
        dialog = MonthStatementsDialog(
            status,
            self.context.formats,
            note=_("It cannot be sent now: {reason}").format(reason=note) if note else "",
            parent=self.parent_widget,
        )
        self.dialog = dialog
        dialog.destroyed.connect(lambda *_args: self._forget(dialog))

        def clicked(button: QAbstractButton) -> None:
            if dialog.send_button is not None and button is dialog.send_button:
                self.send()

        dialog.buttonClicked.connect(clicked)
        dialog.show()

    def _forget(self, dialog: MonthStatementsDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    # --- sending ---------------------------------------------------------------------

    def send(self) -> None:
        """Print, queue and send what last month's mailing lacks (asks for the mail
        server's password when the keychain has none)."""
        if self.running:
            self._announce(_("The statements are being sent: see the status bar."))
            return
        refused = self.refusal(True)
        if refused:
            self._refuse(refused)
            return
        with_mail_login(
            self.context,
            self.parent_widget,
            self._run,
            no_server=_(
                "No SMTP server is set up, so the statements cannot be sent: an "
                "administrator sets it up in Set-up ▸ Mail server. Nothing was queued."
            ),
            not_sent=_("Nothing was sent: the statements are offered again at the next start."),
        )

    def _refuse(self, reason: str) -> None:
        QMessageBox.information(
            self.parent_widget,
            _("Month-end statements"),
            _("The statements cannot be sent: {reason}").format(reason=reason),
        )

    def _run(self, server: MailServerRow, password: str | None) -> None:
        context, period = self.context, self.period
        database, scope, clock = context.database, context.scope, context.clock
        agent, formats = context.employee_id, context.formats
        name = _("Account statements, {month}").format(month=month_and_year(period, formats.locale))
        settings = server.smtp

        def work(state: TaskState) -> tuple[QueuedStatements, SendReport]:
            return mail_month_statements(
                database,
                scope,
                period,
                pdf=statement_pdf_bytes,
                now=clock.now,
                agent_id=agent,
                smtp_settings=settings,
                password=password,
                name=name,
                state=state,
            )

        self.running = True
        progress = StatusProgress(self.parent_widget, _("Printing statements…"))
        progress.cancel.setToolTip(
            _("Stop; what was not sent is sent by the next run, each customer once")
        )
        task = context.runner.run(work, lane=Lane.BACKGROUND, name="month statements")
        progress.cancel.clicked.connect(task.cancel)
        task.progressed.connect(progress.show_progress)

        def finished(result: tuple[QueuedStatements, SendReport]) -> None:
            self.running = False
            progress.remove()
            context.runner.written.emit()
            queued, report = result
            self._announce(self.summary(queued, report), 60000)
            if report.stopped:
                QMessageBox.warning(self.parent_widget, _("Month-end statements"), report.stopped)
            self.sent.emit(result)

        def failed(error: BaseException) -> None:
            self.running = False
            progress.remove()
            QMessageBox.warning(
                self.parent_widget,
                _("Month-end statements"),
                _("The statements were not sent: {reason}").format(reason=error),
            )

        def cancelled() -> None:
            self.running = False
            progress.remove()
            context.runner.written.emit()
            self._announce(
                _(
                    "Stopped. The statements not sent yet are sent by the next run, each "
                    "customer once."
                ),
                60000,
            )

        task.succeeded.connect(finished)
        task.failed.connect(failed)
        task.cancelled.connect(cancelled)

    def summary(self, queued: QueuedStatements, report: SendReport) -> str:
        """What a run did, in one line for the status bar."""
        count = self.context.formats.count
        head = _(
            "{month}'s statements: {queued} queued now, {already} earlier, {skipped} "
            "without an e-mail address."
        ).format(
            month=month_name(self.period, self.context.formats.locale),
            queued=count(queued.queued),
            already=count(queued.already),
            skipped=count(len(queued.skipped)),
        )
        return f"{head} {report_text(report, count)}"

    def _announce(self, text: str, timeout_ms: int = 15000) -> None:
        window = self.parent_widget.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, timeout_ms)
