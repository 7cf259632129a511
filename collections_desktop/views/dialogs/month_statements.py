"""The question about last month's statements: where they stand, and Send now or Later.

Shown at the first start after a month's end (when the user's preference is to be asked)
and by Billing ▸ Send last month's statements…. It is not modal: the window stays usable
while it waits for an answer, and Later asks again at the next start.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.statements.mailing import (
    MonthMailingStatus,
    day_and_month,
    month_name,
)


def status_text(status: MonthMailingStatus, formats: Formats) -> str:
    """Where the month's statements stand, in a few sentences."""
    month = month_name(status.period, formats.locale)
    day = day_and_month(status.period.end, formats.locale)
    count = formats.count
    if status.owing == 0:
        return _("No customer of yours had an open balance on {day}: no statement to send.").format(
            day=day
        )
    owing = ngettext(
        "{count} customer had an open balance on {day}.",
        "{count} customers had an open balance on {day}.",
        status.owing,
    ).format(count=count(status.owing), day=day)
    if status.in_mailing == 0:
        return _("{month}'s statements have not been sent: {owing}").format(
            month=month, owing=owing
        )
    parts = [
        (
            _("{month}'s statements have not all been sent: {owing}")
            if status.to_send
            else _("{month}'s statements have been sent: {owing}")
        ).format(month=month, owing=owing),
        ngettext(
            "{count} statement has been sent already.",
            "{count} statements have been sent already.",
            status.sent,
        ).format(count=count(status.sent)),
    ]
    if status.waiting:
        parts.append(
            ngettext(
                "{count} is still waiting in the outbox.",
                "{count} are still waiting in the outbox.",
                status.waiting,
            ).format(count=count(status.waiting))
        )
    if status.skipped:
        parts.append(
            ngettext(
                "{count} customer has no e-mail address (see File ▸ Outbox).",
                "{count} customers have no e-mail address (see File ▸ Outbox).",
                status.skipped,
            ).format(count=count(status.skipped))
        )
    return " ".join(parts)


class MonthStatementsDialog(QMessageBox):
    """Where last month's statements stand; with Send now and Later when some are left."""

    def __init__(
        self,
        status: MonthMailingStatus,
        formats: Formats,
        *,
        note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("month_statements_dialog")
        self.setWindowTitle(_("Month-end statements"))
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.status = status
        self.send_button: QPushButton | None = None
        self.later_button: QPushButton | None = None
        text = status_text(status, formats)
        if status.to_send:
            self.setIcon(QMessageBox.Icon.Question)
            self.setText(text + "\n\n" + _("Send them now?"))
            self.send_button = self.addButton(_("&Send now"), QMessageBox.ButtonRole.AcceptRole)
            self.send_button.setObjectName("month_statements_send")
            self.later_button = self.addButton(_("&Later"), QMessageBox.ButtonRole.RejectRole)
            self.later_button.setObjectName("month_statements_later")
            self.setDefaultButton(self.send_button)
            self.setEscapeButton(self.later_button)
        else:
            self.setIcon(QMessageBox.Icon.Information)
            self.setText(text)
            self.addButton(QMessageBox.StandardButton.Ok)
        if note:
            self.setInformativeText(note)
