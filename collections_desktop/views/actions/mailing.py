"""Template e-mails from the app: the send dialog, the background sending, the Outbox.

``send_template_mail(context, parent, accounts)`` is what a page calls with the accounts
chosen (the customer explorer, the Workspace's customer). It reads the templates and the
customers, opens ``SendMailDialog``, fills every customer's mail in the background
whenever the template changes, and on OK attaches each customer's latest collection
letter as a PDF if asked (printed on a worker, ``views/printing.letter_pdf_bytes``),
queues the mailing in one transaction and sends it: through the company's SMTP server on
the background lane (progress and Cancel in the status bar), or, for users who send from
their own e-mail program, as drafts opened with ``QDesktopServices``.

The mailing's key is the template, the day and the customers, so pressing OK twice on
the same choice queues nothing new and sends nobody twice (``outbox.queue_mailing``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QToolButton,
    QWidget,
)

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.letters.read import letter_detail
from collections_desktop.models.mail import credentials
from collections_desktop.models.mail.mailing import (
    PreparedMail,
    customers_by_account,
    latest_letter,
    outgoing,
    prepare_mails,
)
from collections_desktop.models.mail.outbox import (
    SendReport,
    export_drafts,
    list_mailings,
    list_messages,
    mark_sent,
    queue_mailing,
    retry,
    retry_mailing,
    send_pending,
)
from collections_desktop.models.mail.settings import MailServerRow, read_mail_server
from collections_desktop.models.mail.smtp import Attachment
from collections_desktop.models.mail.templates import TemplateRow, list_templates
from collections_desktop.paths import data_dir
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.mail_dialog import SendMailDialog
from collections_desktop.views.dialogs.outbox_dialog import OutboxDialog
from collections_desktop.views.operations import QueryOp, ReadSlot, WriteOp
from collections_desktop.views.printing import letter_pdf_bytes
from collections_desktop.views.tasks import Lane, TaskState

DEFAULT_TEMPLATE = "REMINDER"
"""The template the dialog offers first, when the company has it."""

LONG_MAILING = 20
"""A mailing to more customers than this is filled on the background lane."""

open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
"""How drafts are opened (tests replace it)."""


def ask_password(parent: QWidget, server: MailServerRow) -> tuple[str, bool] | None:
    """The password typed for the server's login, and whether to remember it; None when
    the user cancels. Tests replace it."""
    text, ok = QInputDialog.getText(
        parent,
        _("Mail server password"),
        _("Password of {user} on {host}:").format(user=server.user_name, host=server.host),
        QLineEdit.EchoMode.Password,
    )
    if not ok:
        return None
    remember = (
        QMessageBox.question(
            parent,
            _("Mail server password"),
            _("Remember the password in this computer's keychain?"),
        )
        == QMessageBox.StandardButton.Yes
    )
    return text, remember


@dataclass(frozen=True)
class _Start:
    customers: tuple[uuid.UUID, ...]
    templates: tuple[TemplateRow, ...]
    server: MailServerRow


def send_template_mail(context: PageContext, parent: QWidget, accounts: Sequence[str]) -> None:
    """Open the Send e-mail dialog for the customers ``accounts`` (of the viewer's scope)."""
    MailingController(context, parent).start(accounts)


class MailingController(QObject):
    """One Send e-mail dialog, from reading what it offers to the mails queued."""

    def __init__(self, context: PageContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.parent_widget = parent
        self.dialog: SendMailDialog | None = None
        self.start_data: _Start | None = None
        self.mails: list[PreparedMail] = []
        self._reads = ReadSlot(self)

    def start(self, accounts: Sequence[str]) -> None:
        context = self.context
        database, scope, today = context.database, context.scope, context.clock.today()
        wanted = list(dict.fromkeys(accounts))

        def read(_state: TaskState) -> _Start:
            with database.sessions() as session:
                return _Start(
                    tuple(customers_by_account(session, scope, wanted, today)),
                    tuple(list_templates(session, active_only=True)),
                    read_mail_server(session),
                )

        QueryOp(read, self._open, "mail dialog", failure=self._read_failed).run(
            context.runner, self._reads
        )

    def _read_failed(self, error: BaseException) -> None:
        QMessageBox.warning(
            self.parent_widget,
            _("Send e-mail"),
            _("What to send could not be read: {reason}").format(reason=error),
        )

    def _open(self, start: _Start) -> None:
        self.start_data = start
        if not start.templates:
            QMessageBox.information(
                self.parent_widget,
                _("Send e-mail"),
                _("There is no e-mail template to send: add one in Set-up ▸ E-mail templates."),
            )
            return
        if not start.customers:
            QMessageBox.information(
                self.parent_widget,
                _("Send e-mail"),
                _("None of the chosen customers is in your pools."),
            )
            return
        dialog = SendMailDialog(
            start.templates,
            len(start.customers),
            self.context.formats,
            by_program=start.server.method == "program",
            parent=self.parent_widget,
        )
        self.dialog = dialog
        dialog.template_chosen.connect(self.prepare)
        dialog.submitted.connect(self._submit)
        dialog.show()
        codes = [template.code for template in start.templates]
        first = DEFAULT_TEMPLATE if DEFAULT_TEMPLATE in codes else codes[0]
        dialog.template.blockSignals(True)
        dialog.template.setCurrentIndex(codes.index(first))
        dialog.template.blockSignals(False)
        self.prepare(first)

    def prepare(self, code: str) -> None:
        """Fill the template ``code`` for every customer, in the background."""
        start, dialog = self.start_data, self.dialog
        if start is None or dialog is None:
            return
        template = next(t for t in start.templates if t.code == code)
        context = self.context
        database, scope, today = context.database, context.scope, context.clock.today()
        agent, customers = context.employee_id, start.customers

        def fill(state: TaskState) -> list[PreparedMail]:
            with database.sessions() as session:
                return prepare_mails(
                    session,
                    scope,
                    template,
                    customers,
                    today,
                    agent_id=agent,
                    progress=lambda done, total: state.progress(done, total),
                )

        def shown(mails: list[PreparedMail]) -> None:
            self.mails = mails
            dialog.show_mails(mails)

        dialog.show_preparing(0, len(customers))
        QueryOp(
            fill,
            shown,
            "fill e-mails",
            failure=lambda error: dialog.show_problem(str(error)),
            progress=lambda done, total, _what: dialog.show_preparing(done, total),
            long=len(customers) > LONG_MAILING,
        ).run(context.runner, self._reads)

    def _submit(self, choice: tuple[str, bool]) -> None:
        code, attach = choice
        dialog = self.dialog
        assert dialog is not None
        mails = list(self.mails)
        if not attach:
            self._queue(code, mails, {})
            return
        database = self.context.database
        sending = [mail.customer_id for mail in mails if not mail.skipped]

        def print_letters(state: TaskState) -> dict[uuid.UUID, tuple[Attachment, ...]]:
            return latest_letter_pdfs(database, sending, state)

        QueryOp(
            print_letters,
            lambda files: self._queue(code, mails, files),
            "letter PDFs for e-mail",
            failure=lambda error: dialog.show_error(
                _("The letters' PDFs could not be made: {reason}").format(reason=error)
            ),
            long=True,
        ).run(self.context.runner)

    def _queue(
        self,
        code: str,
        mails: list[PreparedMail],
        files: dict[uuid.UUID, tuple[Attachment, ...]],
    ) -> None:
        context, dialog, start = self.context, self.dialog, self.start_data
        assert dialog is not None
        assert start is not None
        today, now = context.clock.today(), context.clock.now()
        scope, agent = context.scope, context.employee_id
        key = mailing_key(code, today.isoformat(), [mail.customer_id for mail in mails])
        name = _("{template} on {date}").format(
            template=dialog.template.currentText(), date=context.formats.date(today)
        )
        messages = outgoing(mails, files)

        def write(session):  # type: ignore[no-untyped-def]
            return queue_mailing(
                session, scope, key=key, name=name, messages=messages, now=now, created_by=agent
            )

        def queued(mailing_id: uuid.UUID) -> None:
            if start.server.method == "program":
                open_drafts(context, self.parent_widget, start.server, mailing_id)
            else:
                send_queued(context, self.parent_widget, mailing_id=mailing_id)

        WriteOp(write, queued, "queue e-mails", feedback=dialog).run(
            context.runner, context.database
        )


def mailing_key(code: str, day: str, customers: Sequence[uuid.UUID]) -> str:
    """The key of a mailing made in the app: the template, the day, the customers."""
    digest = hashlib.sha256(b"".join(sorted(c.bytes for c in customers))).hexdigest()[:16]
    return f"{code}:{day}:{digest}"


def latest_letter_pdfs(
    database: object, customer_ids: Sequence[uuid.UUID], state: TaskState | None = None
) -> dict[uuid.UUID, tuple[Attachment, ...]]:
    """Each customer's latest collection letter as a PDF (customers with none: nothing)."""
    files: dict[uuid.UUID, tuple[Attachment, ...]] = {}
    with database.sessions() as session:  # type: ignore[attr-defined]
        for done, customer_id in enumerate(customer_ids):
            if state is not None:
                state.raise_if_cancelled()
                state.progress(done, len(customer_ids), _("Printing letters"))
            letter_id = latest_letter(session, customer_id)
            if letter_id is None:
                continue
            detail = letter_detail(session, letter_id)
            files[customer_id] = (
                Attachment(f"{detail.number}.pdf", letter_pdf_bytes(detail, copy=True)),
            )
    return files


def open_drafts(
    context: PageContext, parent: QWidget, server: MailServerRow, mailing_id: uuid.UUID
) -> None:
    """Write the mailing's mails as drafts and open them in the user's e-mail program
    (more than ten: the folder holding them)."""
    database, now = context.database, context.clock.now()
    folder = data_dir() / "e-mail drafts" / mailing_id.hex

    def write(_state: TaskState) -> list[Path]:
        return export_drafts(database, server.smtp, mailing_id, folder, now)

    def opened(paths: list[Path]) -> None:
        targets = paths if len(paths) <= 10 else [folder]
        for path in targets:
            open_url(QUrl.fromLocalFile(str(path)))
        context.runner.written.emit()
        _announce(
            parent,
            ngettext(
                "{count} e-mail opened in your e-mail program.",
                "{count} e-mails written for your e-mail program.",
                len(paths),
            ).format(count=context.formats.count(len(paths))),
        )

    def failed(error: BaseException) -> None:
        QMessageBox.warning(
            parent,
            _("Send e-mail"),
            _("The drafts could not be written: {reason}").format(reason=error),
        )

    QueryOp(write, opened, "e-mail drafts", failure=failed, long=True).run(context.runner)


def send_queued(
    context: PageContext,
    parent: QWidget,
    *,
    mailing_id: uuid.UUID | None = None,
    due_only: bool = True,
    done: Callable[[SendReport], None] | None = None,
) -> None:
    """Send the queued mails (of ``mailing_id``) on the background lane, progress and
    Cancel in the window's status bar; asks for the password when the keychain has none."""
    with_mail_login(
        context,
        parent,
        lambda server, password: _send(
            context, parent, server, password, mailing_id, due_only, done
        ),
    )


def with_mail_login(
    context: PageContext,
    parent: QWidget,
    then: Callable[[MailServerRow, str | None], None],
    *,
    no_server: str | None = None,
    not_sent: str | None = None,
) -> None:
    """Read the company's SMTP server and this user's password (the keychain's, else
    asked), then call ``then(server, password)`` on the GUI thread. No server set up
    (``no_server`` says so) or the password prompt cancelled (``not_sent`` in the status
    bar): ``then`` is not called."""
    database = context.database

    def read(_state: TaskState) -> tuple[MailServerRow, str | None, str]:
        with database.sessions() as session:
            server = read_mail_server(session)
        try:
            return server, credentials.load_password(server.smtp), ""
        except credentials.KeychainUnavailable as error:
            return server, None, str(error)

    def ready(found: tuple[MailServerRow, str | None, str]) -> None:
        server, password, keychain = found
        if server.method != "smtp" or not server.host:
            QMessageBox.information(
                parent,
                _("Send e-mail"),
                no_server
                or _(
                    "No SMTP server is set up: the mails stay queued. Set it up in "
                    "Set-up ▸ Mail server."
                ),
            )
            return
        if server.user_name and password is None:
            asked = ask_password(parent, server)
            if asked is None:
                _announce(parent, not_sent or _("Nothing was sent: the mails stay queued."))
                return
            password, remember = asked
            if remember and not keychain:
                try:
                    credentials.save_password(server.smtp, password)
                except credentials.KeychainUnavailable as error:
                    _announce(parent, str(error))
        then(server, password)

    QueryOp(read, ready, "mail server").run(context.runner)


def _send(
    context: PageContext,
    parent: QWidget,
    server: MailServerRow,
    password: str | None,
    mailing_id: uuid.UUID | None,
    due_only: bool,
    done: Callable[[SendReport], None] | None,
) -> None:
    database, clock = context.database, context.clock
    settings = server.smtp

    def work(state: TaskState) -> SendReport:
        return send_pending(
            database,
            settings,
            password,
            state=state,
            now=clock.now,
            mailing_id=mailing_id,
            due_only=due_only,
        )

    progress = StatusProgress(parent)
    task = context.runner.run(work, lane=Lane.BACKGROUND, name="send e-mails")
    progress.cancel.clicked.connect(task.cancel)
    task.progressed.connect(progress.show_progress)

    def finished(report: SendReport) -> None:
        progress.remove()
        context.runner.written.emit()
        _announce(parent, report_text(report, context.formats.count))
        if report.stopped:
            QMessageBox.warning(parent, _("Send e-mail"), report.stopped)
        if done is not None:
            done(report)

    def failed(error: BaseException) -> None:
        progress.remove()
        QMessageBox.warning(
            parent, _("Send e-mail"), _("Sending stopped: {reason}").format(reason=error)
        )

    task.succeeded.connect(finished)
    task.failed.connect(failed)
    task.cancelled.connect(progress.remove)


def report_text(report: SendReport, count: Callable[[int], str]) -> str:
    """What a run of sending did, in one line."""
    parts = [
        ngettext("{n} e-mail sent", "{n} e-mails sent", report.sent).format(n=count(report.sent))
    ]
    if report.retrying:
        parts.append(_("{n} to try again later").format(n=count(report.retrying)))
    if report.failed:
        parts.append(_("{n} failed").format(n=count(report.failed)))
    if report.unconfirmed:
        parts.append(_("{n} unconfirmed").format(n=count(report.unconfirmed)))
    if report.left:
        parts.append(_("{n} still queued").format(n=count(report.left)))
    text = "; ".join(parts) + "."
    if report.failed or report.unconfirmed:
        text += " " + _("See File ▸ Outbox.")
    return text


class StatusProgress:
    """A progress bar and a Cancel button in the main window's status bar while mails go
    (the label says the step a task reports: "Printing statements", "Sending e-mails")."""

    def __init__(self, parent: QWidget, text: str | None = None) -> None:
        window = parent.window()
        self.bar = window.statusBar() if isinstance(window, QMainWindow) else None
        self.label = QLabel(text or _("Sending e-mails…"))
        self.label.setObjectName("mail_progress_label")
        self.progress = QProgressBar()
        self.progress.setObjectName("mail_progress")
        self.progress.setMaximumWidth(160)
        self.progress.setRange(0, 0)
        self.cancel = QToolButton()
        self.cancel.setObjectName("mail_cancel")
        self.cancel.setText(_("Cancel"))
        self.cancel.setToolTip(_("Stop sending; the mails not sent stay queued"))
        if self.bar is not None:
            for widget in (self.label, self.progress, self.cancel):
                self.bar.addPermanentWidget(widget)

    def show_progress(self, done: int, total: int, what: str) -> None:
        if what:
            self.label.setText(_("{step}…").format(step=what))
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def remove(self) -> None:
        for widget in (self.label, self.progress, self.cancel):
            if self.bar is not None:
                self.bar.removeWidget(widget)
            widget.deleteLater()


def _announce(parent: QWidget, text: str) -> None:
    window = parent.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 15000)


# --- the Outbox --------------------------------------------------------------------------


def show_outbox(context: PageContext, parent: QWidget) -> OutboxDialog:
    """Open the Outbox: mailings, their mails, and the decisions on them."""
    controller = OutboxController(context, parent)
    controller.dialog.show()
    controller.refresh()
    return controller.dialog


class OutboxController(QObject):
    """Reads the outbox into its dialog and writes the user's decisions."""

    def __init__(self, context: PageContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.parent_widget = parent
        self.dialog = OutboxDialog(context.formats, parent)
        self._mailings = ReadSlot(self)
        self._messages = ReadSlot(self)
        self.loaded = False
        dialog = self.dialog
        dialog.refresh_requested.connect(self.refresh)
        dialog.mailing_chosen.connect(lambda hex_id: self.read_messages(uuid.UUID(hex_id)))
        dialog.send_requested.connect(lambda: self.send(None, due_only=False))
        dialog.retry_requested.connect(lambda hex_id: self.retry_mailing(uuid.UUID(hex_id)))
        dialog.send_again_requested.connect(
            lambda ids: self.send_again([uuid.UUID(i) for i in ids])
        )
        dialog.mark_sent_requested.connect(lambda ids: self.mark_sent([uuid.UUID(i) for i in ids]))
        dialog.finished.connect(lambda _r: self.deleteLater())

    def refresh(self) -> None:
        database = self.context.database

        def read(_state: TaskState) -> list:  # type: ignore[type-arg]
            with database.sessions() as session:
                return list_mailings(session)

        def shown(rows: list) -> None:  # type: ignore[type-arg]
            self.loaded = True
            self.dialog.show_mailings(rows)

        QueryOp(read, shown, "outbox", failure=self._failed).run(
            self.context.runner, self._mailings
        )

    def read_messages(self, mailing_id: uuid.UUID) -> None:
        database = self.context.database

        def read(_state: TaskState) -> list:  # type: ignore[type-arg]
            with database.sessions() as session:
                return list_messages(session, mailing_id)

        QueryOp(read, self.dialog.show_messages, "outbox mails", failure=self._failed).run(
            self.context.runner, self._messages
        )

    def send(self, mailing_id: uuid.UUID | None, *, due_only: bool) -> None:
        self.dialog.set_status(_("Sending in the background…"))
        send_queued(
            self.context,
            self.parent_widget,
            mailing_id=mailing_id,
            due_only=due_only,
            done=lambda report: self._sent(report),
        )

    def retry_mailing(self, mailing_id: uuid.UUID) -> None:
        now = self.context.clock.now()
        WriteOp(
            lambda session: retry_mailing(session, mailing_id, now),
            lambda _n: self.send(mailing_id, due_only=False),
            "retry mailing",
            failure=self.dialog.set_status,
        ).run(self.context.runner, self.context.database)

    def send_again(self, message_ids: list[uuid.UUID]) -> None:
        now = self.context.clock.now()
        WriteOp(
            lambda session: retry(session, message_ids, now),
            lambda _n: self.send(self.dialog.current_mailing(), due_only=False),
            "send again",
            failure=self.dialog.set_status,
        ).run(self.context.runner, self.context.database)

    def mark_sent(self, message_ids: list[uuid.UUID]) -> None:
        now = self.context.clock.now()

        def marked(count: int) -> None:
            self.dialog.set_status(
                ngettext("{n} mail recorded as sent.", "{n} mails recorded as sent.", count).format(
                    n=self.context.formats.count(count)
                )
            )
            self.refresh()

        WriteOp(
            lambda session: mark_sent(session, message_ids, now),
            marked,
            "mark sent",
            failure=self.dialog.set_status,
        ).run(self.context.runner, self.context.database)

    def _sent(self, report: SendReport) -> None:
        self.dialog.set_status(report_text(report, self.context.formats.count))
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.dialog.set_status(_("The outbox could not be read: {reason}").format(reason=error))
