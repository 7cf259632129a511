"""The offline replica's part of the status bar: online or not, last sync, what waits.

"● Online · Last sync 10:42 · 3 changes waiting · 1 conflict  [Sync now]". While a sync
runs, a progress bar and a Cancel button take the button's place. The conflicts are a
link to the Conflicts page. The widget only shows: ``SyncControl`` runs the syncs and
reads the figures, the main window connects the two.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.style import ERROR_COLOUR, muted_palette

ICON_SIZE = 16


class SyncStatusBar(QWidget):
    """Shows the replica's sync state; asks for a sync, a cancel or the Conflicts page."""

    sync_requested = Signal()
    cancel_requested = Signal()
    conflicts_requested = Signal()

    def __init__(
        self, formats: Formats, icons: IconRegistry, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sync_status")
        self._formats = formats
        self._icons = icons
        self.online: bool | None = None
        self.icon = QLabel()
        self.icon.setObjectName("sync_icon")
        self.connection = QLabel()
        self.connection.setObjectName("sync_connection")
        self.last_sync = QLabel()
        self.last_sync.setObjectName("sync_last")
        self.pending = QLabel()
        self.pending.setObjectName("sync_pending")
        self.conflicts = QLabel()
        self.conflicts.setObjectName("sync_conflicts")
        self.conflicts.setTextFormat(Qt.TextFormat.RichText)
        self.conflicts.linkActivated.connect(lambda _link: self.conflicts_requested.emit())
        self.conflicts.setToolTip(_("Operations the server refused: open the Conflicts page"))
        self.progress = QProgressBar()
        self.progress.setObjectName("sync_progress")
        self.progress.setMaximumSize(120, 12)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.step = QLabel()
        self.step.setObjectName("sync_step")
        self.step.setPalette(muted_palette(self.step.palette()))
        self.step.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("sync_cancel_button")
        self.cancel_button.setIcon(icons.get("cancel"))
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.setToolTip(_("Stop the sync; changes not sent yet keep waiting"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.cancel_button.hide()
        self.sync_button = QToolButton()
        self.sync_button.setObjectName("sync_now_button")
        self.sync_button.setIcon(icons.get("sync"))
        self.sync_button.setText(_("Sync now"))
        self.sync_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.sync_button.setAutoRaise(True)
        self.sync_button.setToolTip(_("Send your changes and fetch the team's (F9)"))
        self.sync_button.clicked.connect(self.sync_requested)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(6)
        self._conflicts_dot = self._dot()
        for widget in (
            self.icon,
            self.connection,
            self._dot(),
            self.last_sync,
            self._dot(),
            self.pending,
            self._conflicts_dot,
            self.conflicts,
        ):
            layout.addWidget(widget)
        layout.addWidget(self.progress)
        layout.addWidget(self.step)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.sync_button)
        self.show_connection(None, "")

    # --- what the window tells it -------------------------------------------------------

    def show_connection(self, online: bool | None, message: str) -> None:
        """Online (the last sync worked), offline (``message`` says why) or not tried yet."""
        self.online = online
        if online is None:
            self.icon.setPixmap(self._icons.get("offline").pixmap(ICON_SIZE, ICON_SIZE))
            self.connection.setText(_("Server not contacted yet"))
            self.connection.setToolTip(
                _("The app syncs shortly after it opens and every few minutes (F9: now)")
            )
        elif online:
            self.icon.setPixmap(self._icons.get("online").pixmap(ICON_SIZE, ICON_SIZE))
            self.connection.setText(_("Online"))
            self.connection.setToolTip(_("The last sync reached the server"))
        else:
            self.icon.setPixmap(self._icons.get("offline").pixmap(ICON_SIZE, ICON_SIZE))
            self.connection.setText(
                _('<span style="color:{colour}">Offline</span> — {message}').format(
                    colour=ERROR_COLOUR, message=html.escape(message)
                )
                if message
                else _("Offline")
            )
            self.connection.setToolTip(message)

    def show_figures(self, figures: Any, now: dt.datetime) -> None:
        """The replica's figures: last sync, changes waiting, conflicts."""
        if figures.last_sync_at is None:
            self.last_sync.setText(_("Never synced"))
            self.last_sync.setToolTip("")
        else:
            self.last_sync.setText(
                _("Last sync {moment}").format(moment=self.moment(figures.last_sync_at, now))
            )
            self.last_sync.setToolTip(self._formats.moment(figures.last_sync_at))
        pending = figures.pending
        self.pending.setText(
            ngettext("{count} change waiting", "{count} changes waiting", pending).format(
                count=self._formats.count(pending)
            )
            if pending
            else _("Nothing waiting")
        )
        self.pending.setToolTip(_("Local changes not yet sent to the server"))
        conflicts = figures.conflicts
        self.conflicts.setVisible(conflicts > 0)
        self._conflicts_dot.setVisible(conflicts > 0)
        self.conflicts.setText(
            '<a href="conflicts">{}</a>'.format(
                html.escape(
                    ngettext("{count} conflict", "{count} conflicts", conflicts).format(
                        count=self._formats.count(conflicts)
                    )
                )
            )
        )

    def show_running(self, running: bool) -> None:
        """A sync started (progress and Cancel) or ended (Sync now again)."""
        self.progress.setVisible(running)
        self.step.setVisible(running)
        self.cancel_button.setVisible(running)
        self.sync_button.setVisible(not running)
        if running:
            self.progress.setRange(0, 0)
            self.step.setText(_("Syncing…"))

    def show_progress(self, done: int, total: int, what: str) -> None:
        """The running sync's progress (an indeterminate bar while the total is unknown)."""
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        if what:
            self.step.setText(what)

    # --- formatting ---------------------------------------------------------------------

    def _dot(self) -> QLabel:
        dot = QLabel("·")
        dot.setPalette(muted_palette(dot.palette()))
        return dot

    def moment(self, value: dt.datetime, now: dt.datetime) -> str:
        """The time alone when it is today in the computer's time zone, else date and time."""
        if value.astimezone().date() == now.astimezone().date():
            return self._formats.time(value)
        return self._formats.moment(value)
