"""The busy indicator every page shows while it loads: only when loading takes a while.

A flash of "Loading…" on every quick refresh would be noise, so the bar and its label
appear ``BUSY_DELAY_MS`` after ``start()`` and only if ``stop()`` has not come first.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

BUSY_DELAY_MS = 150


class DelayedBusy(QObject):
    """An indeterminate bar and a label that a page places in its layout."""

    changed = Signal(bool)
    """The indicator appeared (a load is taking a while) or went away."""

    def __init__(self, name: str, text: str, parent: QWidget, *, width: int = 160) -> None:
        super().__init__(parent)
        self.bar = QProgressBar(parent)
        self.bar.setObjectName(name)
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setMaximumSize(width, 10)
        self.label = QLabel(text, parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(BUSY_DELAY_MS)
        self._timer.timeout.connect(self._show)
        self.bar.hide()
        self.label.hide()

    @property
    def shown(self) -> bool:
        """Whether the indicator is on screen."""
        return not self.bar.isHidden()

    def start(self) -> None:
        """A load began: show the indicator if it is still running after the delay."""
        self._timer.start()

    def stop(self) -> None:
        """The load ended (or was superseded): hide the indicator."""
        self._timer.stop()
        if self.shown:
            self.bar.hide()
            self.label.hide()
            self.changed.emit(False)

    def _show(self) -> None:
        if self.shown:
            return  # a newer load took over while the indicator was up: it stays, once
        self.bar.show()
        self.label.show()
        self.changed.emit(True)
