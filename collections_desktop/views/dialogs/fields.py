"""The date fields the action dialogs share: one look, one conversion each way."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QDateEdit

from collections_desktop.formatting import Formats


def qdate(day: dt.date) -> QDate:
    """``day`` as a ``QDate``."""
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    """A ``QDate`` as a ``date``."""
    return dt.date(value.year(), value.month(), value.day())


def date_edit(day: dt.date, formats: Formats, name: str) -> QDateEdit:
    """A date field with a calendar, in the user's locale with a four-digit year."""
    edit = QDateEdit(qdate(day))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    pattern = QLocale(formats.locale).dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in pattern:
        pattern = pattern.replace("yy", "yyyy")  # a four-digit year is never ambiguous
    edit.setDisplayFormat(pattern)
    return edit
