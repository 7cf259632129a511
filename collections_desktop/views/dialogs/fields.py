"""The fields the action dialogs share: dates, amounts and hints, one look and one
conversion each way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.numbers import get_decimal_symbol, get_group_symbol
from PySide6.QtCore import QDate, QDateTime, QLocale
from PySide6.QtWidgets import (
    QDateEdit,
    QDateTimeEdit,
    QLabel,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import MoneyError, to_money
from collections_desktop.views.style import muted_palette


def qdate(day: dt.date) -> QDate:
    """``day`` as a ``QDate``."""
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    """A ``QDate`` as a ``date``."""
    return dt.date(value.year(), value.month(), value.day())


def date_edit(day: dt.date, formats: Formats, name: str) -> QDateEdit:
    """A date field with a calendar, showing the date as the rest of the app writes it
    (``Formats.qt_date_format``: the user's date style, with a four-digit year)."""
    edit = QDateEdit(qdate(day))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    show_dates_as(edit, formats)
    return edit


def month_edit(month: dt.date, formats: Formats, name: str) -> QDateEdit:
    """A month field (its first day) with a calendar, written the locale's way ("Dec 2026",
    "dic 2026"): a ``date_edit`` showing the month and year only."""
    edit = date_edit(month.replace(day=1), formats, name)
    edit.setDisplayFormat(formats.qt_month_format())
    return edit


def moment_edit(moment: QDateTime, formats: Formats, name: str) -> QDateTimeEdit:
    """A date-and-time field with a calendar, written as ``Formats.moment`` writes
    (``Formats.qt_moment_format``)."""
    edit = QDateTimeEdit(moment)
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    show_dates_as(edit, formats)
    return edit


def show_dates_as(edit: QDateTimeEdit, formats: Formats) -> None:
    """Give ``edit`` (a date, or a date-and-time field) the app's display format, and the
    locale of ``formats`` for its month names and AM/PM, whatever Qt's default locale."""
    edit.setLocale(QLocale(formats.locale))
    if isinstance(edit, QDateEdit):
        edit.setDisplayFormat(formats.qt_date_format())
    else:
        edit.setDisplayFormat(formats.qt_moment_format())


def hint_label(text: str, name: str = "") -> QLabel:
    """A muted, wrapping explanation."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setPalette(muted_palette(label.palette()))
    if name:
        label.setObjectName(name)
    return label


def parse_amount(text: str, formats: Formats, places: int = 4) -> Decimal:
    """An amount typed in the user's locale ("1,234.50", "1.234,50") as an exact Decimal.

    Group separators (and spaces) are dropped and the locale's decimal sign becomes a
    point; what is no amount is refused with ``MoneyError`` in the user's words. An
    empty field is refused too ("Enter an amount."): a field where empty means zero
    (an amount to settle) says so before calling.
    """
    decimal_sign = get_decimal_symbol(formats.locale)
    group = get_group_symbol(formats.locale)
    cleaned = text.strip()
    for space in (" ", "\u00a0", "\u202f"):
        cleaned = cleaned.replace(space, "")
    if group not in (" ", "\u00a0", "\u202f"):
        cleaned = cleaned.replace(group, "")
    cleaned = cleaned.replace(decimal_sign, ".")
    if not cleaned:
        raise MoneyError(_("Enter an amount."))
    try:
        return to_money(cleaned, places=places)
    except MoneyError:
        raise MoneyError(_("“{value}” is not an amount.").format(value=text.strip())) from None
