"""The period a report covers: whole local days, from one date to another inclusive."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from collections_desktop.i18n import _


class PeriodError(ValueError):
    """A period that ends before it starts."""


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both included, in the reader's local days."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(
                _("The period cannot end ({end}) before it starts ({start}).").format(
                    end=self.end.isoformat(), start=self.start.isoformat()
                )
            )

    @property
    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The UTC moments at which the period starts and ends on this computer's clock
        (a moment ``m`` is in the period when ``start <= m < end``)."""
        start = dt.datetime.combine(self.start, dt.time()).astimezone()
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time()).astimezone()
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    @classmethod
    def last_days(cls, today: dt.date, days: int) -> Period:
        """The ``days`` days up to and including ``today``."""
        return cls(today - dt.timedelta(days=days - 1), today)

    @classmethod
    def month_of(cls, day: dt.date) -> Period:
        """The calendar month of ``day``, whole."""
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return cls(start, following - dt.timedelta(days=1))
