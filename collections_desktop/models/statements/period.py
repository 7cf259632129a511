"""The period a statement covers: two dates, a calendar month, and the usual presets."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from collections_desktop.i18n import _


class StatementError(ValueError):
    """A statement that cannot be made as asked; the message says what to change."""


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class StatementPeriod:
    """From ``start`` to ``end``, both included; the opening balance is that of the day
    before ``start``, the closing balance that of ``end``."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise StatementError(
                _("The period ends ({end}) before it starts ({start}).").format(
                    end=self.end.isoformat(), start=self.start.isoformat()
                )
            )

    @property
    def opening_date(self) -> dt.date:
        """The day whose balance opens the statement: the day before ``start``."""
        return self.start - dt.timedelta(days=1)

    @property
    def is_month(self) -> bool:
        """Whether the period is exactly one calendar month."""
        return self == month_period(self.start.year, self.start.month)

    @property
    def name(self) -> str:
        """The period in file names: ``2026-11`` for a month, else ``2026-01-01_2026-11-23``."""
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def month_period(year: int, month: int) -> StatementPeriod:
    """The calendar month ``year``-``month``."""
    if not 1 <= month <= 12:
        raise StatementError(_("There is no month {month}.").format(month=month))
    last = calendar.monthrange(year, month)[1]
    return StatementPeriod(dt.date(year, month, 1), dt.date(year, month, last))


def parse_month(text: str) -> StatementPeriod:
    """``2026-11`` as the period of that month; ``StatementError`` says how to write it."""
    found = _MONTH.match(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise StatementError(
            _("{text} is no month: write the year and the month, like 2026-11.").format(text=text)
        )
    return month_period(int(found.group(1)), int(found.group(2)))


def last_month(today: dt.date) -> StatementPeriod:
    """The calendar month before ``today``'s."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return month_period(first.year, first.month)


def this_year(today: dt.date) -> StatementPeriod:
    """From the first of January of ``today``'s year to ``today``."""
    return StatementPeriod(dt.date(today.year, 1, 1), today)
