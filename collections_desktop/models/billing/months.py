"""Months as the first of their day, and a day of a month that may be shorter."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from babel.dates import format_skeleton

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.models.billing.errors import BillingError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def first_of(day: dt.date) -> dt.date:
    """The first of ``day``'s month: how a month is stored."""
    return day.replace(day=1)


def parse_month(text: str) -> dt.date:
    """ "2026-12" as the first of December 2026; ``BillingError`` for anything else."""
    match = _MONTH.match(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise BillingError(
            _("{text} is not a month: write it as YYYY-MM (2026-12).").format(text=text)
        )
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def day_in_month(month: dt.date, day: int) -> dt.date:
    """Day ``day`` of ``month``, or the month's last day when it is shorter (31 → 28 Feb)."""
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=min(max(day, 1), last))


def month_text(month: dt.date) -> str:
    """ "2026-12": how the command line and messages name a month."""
    return f"{month.year:04d}-{month.month:02d}"


def month_name(month: dt.date, formats: Formats) -> str:
    """ "December 2026" in the locale of ``formats`` ("diciembre de 2026")."""
    try:
        return format_skeleton("yMMMM", month, locale=formats.locale)
    except (ValueError, LookupError):
        return month_text(month)


def next_month(month: dt.date) -> dt.date:
    """The first of the month after ``month``."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
