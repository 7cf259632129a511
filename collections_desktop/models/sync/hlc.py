"""A hybrid logical clock: times that follow the wall clock but never run backwards and
never repeat, so the last writer of a field is the same on every device.

A time is text that sorts as it compares: milliseconds since the epoch (13 digits), a
counter for writes within one millisecond or after a clock went back (5 digits), and the
device id (32 hex digits) to break ties between devices.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

_COUNTER_LIMIT = 100_000


def parse(stamp: str) -> tuple[int, int, str]:
    """(milliseconds, counter, device hex) of a time."""
    return int(stamp[:13]), int(stamp[13:18]), stamp[18:]


def format_time(milliseconds: int, counter: int, device: uuid.UUID | str) -> str:
    device_hex = device.hex if isinstance(device, uuid.UUID) else device
    return f"{milliseconds:013d}{counter:05d}{device_hex}"


class HybridClock:
    """The clock of one device. Thread-safe; ``wall`` (milliseconds) is injectable."""

    def __init__(
        self,
        device: uuid.UUID,
        last: str = "",
        wall: Callable[[], int] | None = None,
    ) -> None:
        self._device = device
        self._wall = wall or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()
        self._millis, self._counter = (0, 0)
        if last:
            self._millis, self._counter, _device = parse(last)

    def now(self) -> str:
        """A new time, later than every time this clock handed out or observed."""
        with self._lock:
            wall = self._wall()
            if wall > self._millis:
                self._millis, self._counter = wall, 0
            else:
                self._advance()
            return format_time(self._millis, self._counter, self._device)

    def observe(self, stamp: str) -> None:
        """Take in a time from elsewhere, so the next ``now`` is later than it."""
        millis, counter, _device = parse(stamp)
        with self._lock:
            if (millis, counter) > (self._millis, self._counter):
                self._millis, self._counter = millis, counter

    def _advance(self) -> None:
        self._counter += 1
        if self._counter >= _COUNTER_LIMIT:
            self._millis, self._counter = self._millis + 1, 0
