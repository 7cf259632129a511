"""Python's cyclic garbage collector, run on the GUI thread only.

A collection can start on whichever thread happens to allocate; when it starts on a worker
and frees a cycle that holds a Qt object of the GUI thread, Qt destroys that object from
the wrong thread and the process crashes. While any ``GuiThreadGarbageCollector`` lives,
automatic collection is off and a timer on the GUI thread collects instead, generation by
generation as Python itself would.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

_active = 0
"""How many collectors are alive; automatic collection comes back when the last one stops."""


class GuiThreadGarbageCollector(QObject):
    """Turns automatic garbage collection off and collects from a GUI-thread timer instead."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = 500) -> None:
        global _active
        super().__init__(parent)
        _active += 1
        gc.disable()
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(interval_ms)

    def collect(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                break

    def stop(self) -> None:
        """Stop collecting here; the last collector to stop turns automatic collection back on."""
        global _active
        if self._stopped:
            return
        self._stopped = True
        self._timer.stop()
        _active -= 1
        if _active == 0:
            gc.enable()
