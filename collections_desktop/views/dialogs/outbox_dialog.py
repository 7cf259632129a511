"""The Outbox: every mailing with how many of its mails were sent, failed, wait or were
skipped, and the mails of the one chosen with their errors.

The dialog shows and asks; its controller (``views/actions/mailing.py``) reads the
outbox, sends, and writes the user's decisions (retry, send again, mark as sent).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _
from collections_desktop.models.mail.outbox import (
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    SKIPPED,
    UNCONFIRMED,
    MailingRow,
    MessageRow,
)
from collections_desktop.views.style import ERROR_COLOUR, heading_font, muted_palette

STATE_NAMES = {
    QUEUED: N_("Queued"),
    SENDING: N_("Sending"),
    SENT: N_("Sent"),
    FAILED: N_("Failed"),
    SKIPPED: N_("Skipped"),
    UNCONFIRMED: N_("Unconfirmed"),
}
ID_ROLE = Qt.ItemDataRole.UserRole


def state_name(state: str) -> str:
    return _(STATE_NAMES.get(state, state))


class OutboxDialog(QDialog):
    """Mailings above, the chosen mailing's mails below, the decisions as buttons."""

    mailing_chosen = Signal(str)
    """The id (hex) of the mailing whose mails to show."""
    send_requested = Signal()
    retry_requested = Signal(str)
    send_again_requested = Signal(list)
    mark_sent_requested = Signal(list)
    refresh_requested = Signal()

    def __init__(self, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outbox_dialog")
        self.setWindowTitle(_("Outbox"))
        self.resize(1000, 620)
        self.formats = formats
        self.messages: list[MessageRow] = []
        about = QLabel(
            _(
                "Every template e-mail queued on this computer. A mail is sent once: one "
                "that may have gone out when the sending was interrupted is Unconfirmed "
                "and waits for your decision."
            )
        )
        about.setWordWrap(True)
        about.setPalette(muted_palette(about.palette()))
        self.mailings = QTreeWidget()
        self.mailings.setObjectName("outbox_mailings")
        self.mailings.setRootIsDecorated(False)
        self.mailings.setHeaderLabels(
            [
                _("Mailing"),
                _("Queued on"),
                _("Sent"),
                _("Waiting"),
                _("Failed"),
                _("Unconfirmed"),
                _("Skipped"),
            ]
        )
        self.mailings.currentItemChanged.connect(self._mailing_changed)
        self.messages_view = QTreeWidget()
        self.messages_view.setObjectName("outbox_messages")
        self.messages_view.setRootIsDecorated(False)
        self.messages_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.messages_view.setHeaderLabels(
            [_("Account"), _("Customer"), _("To"), _("State"), _("Tries"), _("Error")]
        )
        self.messages_view.itemSelectionChanged.connect(self._update_buttons)
        for view in (self.mailings, self.messages_view):
            view.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.header().setStretchLastSection(True)
            view.setAlternatingRowColors(True)
        # The mailing's name takes the room; its counts stay beside it.
        self.mailings.header().setStretchLastSection(False)
        self.mailings.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.detail = QLabel()
        self.detail.setObjectName("outbox_detail")
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.status = QLabel()
        self.status.setObjectName("outbox_status")
        self.status.setWordWrap(True)

        self.send_button = QPushButton(_("Send queued now"))
        self.send_button.setObjectName("outbox_send")
        self.send_button.setToolTip(_("Send every queued mail that is due, in the background"))
        self.send_button.clicked.connect(self.send_requested.emit)
        self.retry_button = QPushButton(_("Retry failed"))
        self.retry_button.setObjectName("outbox_retry")
        self.retry_button.setToolTip(
            _("Queue the failed and waiting mails of this mailing again and send them now")
        )
        self.retry_button.clicked.connect(self._retry)
        self.again_button = QPushButton(_("Send again"))
        self.again_button.setObjectName("outbox_send_again")
        self.again_button.setToolTip(
            _(
                "Send the selected failed or unconfirmed mails again (an unconfirmed one may "
                "reach the customer twice)"
            )
        )
        self.again_button.clicked.connect(
            lambda: self.send_again_requested.emit(self._selected((FAILED, UNCONFIRMED)))
        )
        self.mark_button = QPushButton(_("Mark as sent"))
        self.mark_button.setObjectName("outbox_mark_sent")
        self.mark_button.setToolTip(
            _("The selected unconfirmed mails did reach the customer: record them as sent")
        )
        self.mark_button.clicked.connect(
            lambda: self.mark_sent_requested.emit(self._selected((UNCONFIRMED,)))
        )
        refresh = QPushButton(_("Refresh"))
        refresh.clicked.connect(self.refresh_requested.emit)
        buttons = QHBoxLayout()
        for button in (self.send_button, self.retry_button, self.again_button, self.mark_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(refresh)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.messages_title = QLabel(_("Mails"))
        self.messages_title.setFont(heading_font(self.font()))
        lower_layout.addWidget(self.messages_title)
        lower_layout.addWidget(self.messages_view, 1)
        lower_layout.addWidget(self.detail)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.mailings)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self._update_buttons()

    # --- what the controller tells it ------------------------------------------------------

    def show_mailings(self, rows: Sequence[MailingRow]) -> None:
        chosen = self.current_mailing()
        self.mailings.blockSignals(True)
        self.mailings.clear()
        fmt = self.formats
        current = None
        for row in rows:
            item = QTreeWidgetItem(
                [
                    row.name,
                    fmt.moment(row.created_at),
                    fmt.count(row.count(SENT)),
                    fmt.count(row.count(QUEUED) + row.count(SENDING)),
                    fmt.count(row.count(FAILED)),
                    fmt.count(row.count(UNCONFIRMED)),
                    fmt.count(row.count(SKIPPED)),
                ]
            )
            item.setData(0, ID_ROLE, row.id.hex)
            item.setToolTip(0, row.key)
            for column in range(2, 7):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
            self.mailings.addTopLevelItem(item)
            if current is None or row.id == chosen:
                current = item
        self.mailings.blockSignals(False)
        if current is not None:
            self.mailings.setCurrentItem(current)
            self.mailing_chosen.emit(current.data(0, ID_ROLE))
        else:
            self.show_messages([])
            self.status.setText(_("The outbox is empty: no mailing was queued yet."))

    def show_messages(self, rows: Sequence[MessageRow]) -> None:
        self.messages = list(rows)
        self.messages_view.clear()
        for row in rows:
            item = QTreeWidgetItem(
                [
                    row.account,
                    row.customer,
                    row.to or "—",
                    state_name(row.state),
                    self.formats.count(row.attempts),
                    (row.last_error or "").splitlines()[0] if row.last_error else "",
                ]
            )
            item.setData(0, ID_ROLE, row.id.hex)
            item.setToolTip(5, row.last_error or "")
            item.setToolTip(3, self._state_tip(row))
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight)
            self.messages_view.addTopLevelItem(item)
        self.detail.clear()
        self._update_buttons()

    def current_mailing(self) -> uuid.UUID | None:
        item = self.mailings.currentItem()
        return uuid.UUID(item.data(0, ID_ROLE)) if item is not None else None

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    # --- inside -----------------------------------------------------------------------------

    def _state_tip(self, row: MessageRow) -> str:
        if row.state == SENT and row.sent_at is not None:
            return _("Sent {moment}").format(moment=self.formats.moment(row.sent_at))
        if row.state == QUEUED and row.next_attempt_at is not None:
            return _("Next try {moment}").format(moment=self.formats.moment(row.next_attempt_at))
        return state_name(row.state)

    def _mailing_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.mailing_chosen.emit(current.data(0, ID_ROLE))

    def _selected(self, states: tuple[str, ...]) -> list[str]:
        chosen = {item.data(0, ID_ROLE) for item in self.messages_view.selectedItems()}
        return [row.id.hex for row in self.messages if row.id.hex in chosen and row.state in states]

    def _retry(self) -> None:
        mailing = self.current_mailing()
        if mailing is not None:
            self.retry_requested.emit(mailing.hex)

    def _update_buttons(self) -> None:
        self.again_button.setEnabled(bool(self._selected((FAILED, UNCONFIRMED))))
        self.mark_button.setEnabled(bool(self._selected((UNCONFIRMED,))))
        self.retry_button.setEnabled(any(row.state == FAILED for row in self.messages))
        chosen = {item.data(0, ID_ROLE) for item in self.messages_view.selectedItems()}
        errors = [row.last_error or "" for row in self.messages if row.id.hex in chosen]
        errors = [error for error in errors if error]
        if errors:
            self.detail.setText(errors[0])
