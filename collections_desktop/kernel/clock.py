"""The one source of "today" and "now", injectable so tests and as-of views are reproducible."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    """Tells the business date and the current UTC time."""

    def today(self) -> dt.date: ...

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The real clock: local business date, timezone-aware UTC timestamps."""

    def today(self) -> dt.date:
        return dt.date.today()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped at one moment (tests, screenshots, reproducible demo data)."""

    moment: dt.datetime

    @classmethod
    def on(cls, day: dt.date, hour: int = 9) -> FixedClock:
        """A clock stopped at ``hour`` o'clock UTC on ``day``."""
        return cls(dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC))

    def today(self) -> dt.date:
        return self.moment.date()

    def now(self) -> dt.datetime:
        return self.moment
