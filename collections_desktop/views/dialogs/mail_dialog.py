"""The Send e-mail dialog: a template, a PDF or not, each customer's mail as it will go.

The dialog only shows and checks. Its controller (``views/actions/mailing.py``) fills
the mails for the chosen template in the background and hands them over with
``show_mails``; the customers without an address are listed as skipped; a template
problem is shown with its line and nothing can be sent until the template is mended.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.mail.mailing import PreparedMail
from collections_desktop.models.mail.templates import TemplateRow
from collections_desktop.models.setup.translations import language_name
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.style import muted_palette


class SendMailDialog(ActionDialog):
    """Choose a template and whether to attach the letter's PDF; see every mail first."""

    template_chosen = Signal(str)
    """The code of the template now chosen (the controller fills the mails again)."""

    def __init__(
        self,
        templates: Sequence[TemplateRow],
        customers: int,
        formats: Formats,
        *,
        by_program: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Send e-mail"),
            _("Open in my e-mail program") if by_program else _("Queue and send"),
            parent,
        )
        self.setObjectName("send_mail_dialog")
        self.setMinimumSize(860, 560)
        self.formats = formats
        self.mails: list[PreparedMail] = []
        self.prepared = False
        self.template = QComboBox()
        self.template.setObjectName("send_mail_template")
        for row in templates:
            self.template.addItem(f"{row.name} ({row.code})", row.code)
        self.attach = QCheckBox(_("Attach the customer's latest collection letter (PDF)"))
        self.attach.setObjectName("send_mail_attach")
        self.form.addRow(_("&Template"), self.template)
        self.form.addRow("", self.attach)
        self.summary = QLabel(
            ngettext("{count} customer chosen.", "{count} customers chosen.", customers).format(
                count=formats.count(customers)
            )
        )
        self.summary.setObjectName("send_mail_summary")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("send_mail_progress")
        self.progress.setTextVisible(True)
        self.progress.hide()

        self.customers = QListWidget()
        self.customers.setObjectName("send_mail_customers")
        self.customers.currentRowChanged.connect(self._show_mail)
        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        self.to = QLabel()
        self.to.setObjectName("send_mail_to")
        self.to.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.language = QLabel()
        self.language.setPalette(muted_palette(self.language.palette()))
        self.subject = QLabel()
        self.subject.setObjectName("send_mail_subject")
        self.subject.setWordWrap(True)
        bold = self.subject.font()
        bold.setBold(True)
        self.subject.setFont(bold)
        self.text = QPlainTextEdit()
        self.text.setObjectName("send_mail_body")
        self.text.setReadOnly(True)
        for widget in (self.to, self.language, self.subject):
            preview_layout.addWidget(widget)
        preview_layout.addWidget(self.text, 1)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.customers)
        splitter.addWidget(preview)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.body.addWidget(self.summary)
        self.body.addWidget(self.progress)
        self.body.addWidget(splitter, 1)
        self.template.currentIndexChanged.connect(
            lambda _i: self.template_chosen.emit(self.template.currentData())
        )
        self.ok_button.setEnabled(False)

    # --- what the controller tells it ------------------------------------------------------

    def show_preparing(self, done: int, total: int) -> None:
        """The mails are being filled: ``done`` of ``total``."""
        self.prepared = False
        self.ok_button.setEnabled(False)
        self.progress.show()
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(
            _("Filling the template: {done} of {total}").format(
                done=self.formats.count(done), total=self.formats.count(total)
            )
        )

    def show_mails(self, mails: Sequence[PreparedMail]) -> None:
        """Every customer's mail, the skipped ones (no address) marked and listed last."""
        self.error.hide()
        self.progress.hide()
        self.mails = sorted(mails, key=lambda m: (m.skipped, m.account))
        self.customers.clear()
        for mail in self.mails:
            text = (
                _("{account} {name} — skipped: no e-mail address").format(
                    account=mail.account, name=mail.name
                )
                if mail.skipped
                else f"{mail.account} {mail.name} — {mail.mail.to}"
            )
            item = QListWidgetItem(text)
            item.setToolTip(text)
            if mail.skipped:
                item.setForeground(muted_palette(self.palette()).windowText())
            self.customers.addItem(item)
        sending = sum(not mail.skipped for mail in self.mails)
        skipped = len(self.mails) - sending
        text = ngettext("{count} e-mail to send.", "{count} e-mails to send.", sending).format(
            count=self.formats.count(sending)
        )
        if skipped:
            text += " " + ngettext(
                "{count} customer is skipped: no e-mail address.",
                "{count} customers are skipped: no e-mail address.",
                skipped,
            ).format(count=self.formats.count(skipped))
        self.summary.setText(text)
        self.prepared = True
        self.ok_button.setEnabled(sending > 0)
        if self.mails:
            self.customers.setCurrentRow(0)

    def show_problem(self, message: str) -> None:
        """A template problem (with its line): nothing can be sent."""
        self.progress.hide()
        self.mails = []
        self.customers.clear()
        self.subject.clear()
        self.text.clear()
        self.to.clear()
        self.language.clear()
        self.show_error(message)
        self.ok_button.setEnabled(False)

    # --- ActionDialog -------------------------------------------------------------------------

    def value(self) -> tuple[str, bool]:
        return self.template.currentData(), self.attach.isChecked()

    def check(self) -> str | None:
        if not self.prepared:
            return _("Wait until every mail is filled.")
        return None

    def set_waiting(self, waiting: bool) -> None:
        super().set_waiting(waiting or not self.prepared)
        self.template.setEnabled(not waiting)
        self.attach.setEnabled(not waiting)

    def _show_mail(self, row: int) -> None:
        if not 0 <= row < len(self.mails):
            return
        mail = self.mails[row]
        self.to.setText(
            _("To: {address}").format(address=mail.mail.to)
            if mail.mail.to
            else _("No e-mail address: this customer is skipped.")
        )
        self.language.setText(language_name(mail.mail.language))
        self.subject.setText(mail.mail.subject)
        self.text.setPlainText(mail.mail.body)
