"""Money, counts and dates written the way the user's locale writes them (through Babel).

One ``Formats`` object, chosen by the composition root from the system's regional
settings, is handed to every widget that shows figures, so a page never guesses a
locale and a test can fix one. Messages of the Qt-free domain use ``text_formats()``,
the formats of the language the text is translated into. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, tokenize_pattern
from babel.numbers import format_decimal, get_currency_precision

from collections_desktop.i18n import current_language

FALLBACK_LOCALE = "en_US"

DATE_STYLES = ("short", "medium", "long")
"""The date styles a user may choose (Babel's lengths): "11/23/26", "Nov 23, 2026",
"November 23, 2026". One of them is used for every date the app shows, and the same
date, followed by the locale's short time, for every date and time ("Nov 23, 2026,
9:00 AM"): one date style and one date-time style in the whole app, date fields
included (``Formats.qt_date_format``, ``Formats.qt_moment_format``)."""

# The amount, grouped by the locale, with the currency's own number of decimals, then the
# ISO code: "1,234,567.89 EUR", "1.234.567,89 EUR", "1 234 567,89 EUR". A code rather than
# a symbol because collectors handle several currencies and "$" alone is ambiguous.
_MONEY_PATTERN = "#,##0.00\xa0¤¤"


def babel_locale(name: str) -> str:
    """A locale Babel knows for ``name`` (``de_DE``, ``pt-BR``), else ``en_US``.

    The POSIX "C" locale of a bare container or CI runner falls back too.
    """
    try:
        return str(Locale.parse(name.replace("-", "_")))
    except (ValueError, TypeError, UnknownLocaleError):
        return FALLBACK_LOCALE


@dataclass(frozen=True)
class Formats:
    """Formats figures for one locale, dates in one style."""

    locale: str = FALLBACK_LOCALE
    date_style: str = "medium"

    @classmethod
    def for_locale(cls, name: str, date_style: str = "medium") -> Formats:
        """The formats of a locale name such as ``es_ES`` or ``pt-BR`` (``en_US`` if unknown)."""
        return cls(babel_locale(name), date_style if date_style in DATE_STYLES else "medium")

    def amount(self, value: Decimal) -> str:
        """A bare amount with two to four decimals, as many as it has (``#,##0.00##``)."""
        exponent = value.normalize().as_tuple().exponent
        places = min(4, max(2, -exponent if isinstance(exponent, int) else 2))
        return _grouped(value, places, self.locale)

    def money(self, amount: Decimal, currency: str) -> str:
        """``amount`` in ``currency`` with the currency's decimals and its ISO code."""
        return f"{_grouped(amount, _currency_digits(currency), self.locale)}\xa0{currency}"

    def count(self, value: int) -> str:
        """A whole number with the locale's thousands separator."""
        return format_decimal(value, locale=self.locale)

    def number(self, value: float | Decimal, places: int) -> str:
        """A measured quantity (seconds, a rate) with ``places`` decimals."""
        return format_decimal(value, format="#,##0." + "0" * places, locale=self.locale)

    def date(self, day: dt.date, length: str | None = None) -> str:
        """A business date in the user's style (``medium``: "Nov 23, 2026"), or in ``length``
        where a text asks for one (``long``: "November 23, 2026", a letter's date)."""
        return _date(day, length or self.date_style, self.locale)

    def moment(self, value: dt.datetime, length: str | None = None) -> str:
        """A timestamp in the computer's time zone: the date as ``date`` writes it, then the
        short time, joined the locale's way ("Nov 23, 2026, 9:00 AM", "23 nov 2026, 9:00").

        Not Babel's own date-time lengths: their medium time has seconds and their short
        date differs from the user's date style, so one screen would show two styles.
        """
        local = value.astimezone()
        joined = _joiner(length or self.date_style, self.locale)
        return joined.replace("{0}", self.time(local)).replace(
            "{1}", self.date(local.date(), length)
        )

    def time(self, value: dt.datetime) -> str:
        """The time of day of a timestamp in the computer's time zone ("9:00 AM", "9:00")."""
        local = value.astimezone()
        return format_time(local, format="short", tzinfo=local.tzinfo, locale=self.locale)

    def qt_date_format(self) -> str:
        """The display format of a date field (Qt's letters: "MMM d, yyyy"), the user's date
        style converted, so a field shows a date as the rest of the screen does.

        A two-digit year is widened to four digits: a field must not guess the century
        of what is typed.
        """
        return _qt_date_format(self.date_style, self.locale)

    def qt_month_format(self) -> str:
        """The display format of a month field ("MMM yyyy"), from the locale's own pattern."""
        return _qt_month_format(self.locale)

    def qt_moment_format(self) -> str:
        """The display format of a date-and-time field ("MMM d, yyyy, h:mm AP"), as
        ``moment`` writes: the date field's format, then the short time."""
        return _qt_moment_format(self.date_style, self.locale)


# Babel spends about 0.1 ms on every amount and date; a customer's timeline formats tens
# of thousands. Amounts use the locale's symbols, read once, and Python's own grouping
# (the pattern groups by three in every locale); dates repeat and are remembered. A test
# holds both equal to Babel's output over many locales and values.


@functools.cache
def _symbols(locale: str) -> tuple[str, str]:
    """The locale's decimal sign and group separator (Latin digits)."""
    symbols = Locale.parse(locale).number_symbols
    latin = symbols.get("latn", symbols) if hasattr(symbols, "get") else symbols
    return latin["decimal"], latin["group"]


@functools.cache
def _currency_digits(currency: str) -> int:
    return get_currency_precision(currency)


def _grouped(value: Decimal, places: int, locale: str) -> str:
    """``value`` rounded half-even to ``places``, grouped by three, in the locale's signs."""
    decimal_sign, group = _symbols(locale)
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    text = f"{abs(rounded):,.{places}f}".translate({44: group, 46: decimal_sign})
    return f"-{text}" if rounded < 0 else text  # the pattern's "-", as Babel writes it


@functools.lru_cache(maxsize=8192)
def _date(day: dt.date, length: str, locale: str) -> str:
    return format_date(day, format=length, locale=locale)


@functools.cache
def _joiner(length: str, locale: str) -> str:
    """How the locale joins a date and a time ("{1}, {0}"); quotes removed, as Babel does."""
    return str(Locale.parse(locale).datetime_formats[length]).replace("'", "")


# CLDR's pattern letters (what Babel reads) as Qt's QDateTime format letters, by letter
# and count. Qt has no era, quarter or week; those fields are left out. "h" is the hour
# on a 12-hour clock in both when an AM/PM marker is present ("a" becomes Qt's "AP").
_QT_FIELDS: dict[str, Callable[[int], str]] = {
    "y": lambda n: "yy" if n == 2 else "yyyy",
    "Y": lambda n: "yy" if n == 2 else "yyyy",
    "u": lambda _n: "yyyy",
    "M": lambda n: "M" * min(n, 4) if n <= 4 else "MMM",
    "L": lambda n: "M" * min(n, 4) if n <= 4 else "MMM",
    "d": lambda n: "d" * min(n, 2),
    "E": lambda n: "dddd" if n == 4 else "ddd",
    "c": lambda n: "" if n < 3 else ("dddd" if n == 4 else "ddd"),
    "e": lambda n: "" if n < 3 else ("dddd" if n == 4 else "ddd"),
    "h": lambda n: "h" * min(n, 2),
    "K": lambda n: "h" * min(n, 2),
    "H": lambda n: "H" * min(n, 2),
    "k": lambda n: "H" * min(n, 2),
    "m": lambda n: "m" * min(n, 2),
    "s": lambda n: "s" * min(n, 2),
    "S": lambda _n: "zzz",
    "a": lambda _n: "AP",
    "b": lambda _n: "AP",
    "B": lambda _n: "AP",
    **dict.fromkeys("zZOvVXx", lambda _n: "t"),
}


def _qt_literal(text: str) -> str:
    """``text`` as literal text of a Qt format: quoted when it holds a letter or a quote."""
    if not any(c.isalpha() or c == "'" for c in text):
        return text
    return "'" + text.replace("'", "''") + "'"


def qt_format(pattern: str, *, full_year: bool = False) -> str:
    """A CLDR date or time ``pattern`` ("MMM d, y") in Qt's format letters ("MMM d, yyyy");
    ``full_year`` widens a two-digit year to four digits."""
    parts: list[str] = []
    for _kind, value in tokenize_pattern(pattern):
        if isinstance(value, str):  # literal text
            parts.append(_qt_literal(value))
            continue
        letter, count = value
        convert = _QT_FIELDS.get(letter)
        field = convert(count) if convert is not None else ""
        parts.append("yyyy" if full_year and field == "yy" else field)
    return "".join(parts).strip()


@functools.cache
def _qt_month_format(locale: str) -> str:
    try:
        pattern = Locale.parse(locale).datetime_skeletons["yMMM"].pattern
    except (KeyError, ValueError, AttributeError):
        pattern = "MMM y"
    return qt_format(pattern, full_year=True).replace("yyyyy", "yyyy")


@functools.cache
def _qt_date_format(length: str, locale: str) -> str:
    pattern = Locale.parse(locale).date_formats[length].pattern
    return qt_format(pattern, full_year=True)


@functools.cache
def _qt_moment_format(length: str, locale: str) -> str:
    time = qt_format(Locale.parse(locale).time_formats["short"].pattern)
    parts = []
    for piece in re.split(r"(\{[01]\})", _joiner(length, locale)):
        if piece == "{0}":
            parts.append(time)
        elif piece == "{1}":
            parts.append(_qt_date_format(length, locale))
        elif piece:
            parts.append(_qt_literal(piece))
    return "".join(parts)


def text_formats() -> Formats:
    """The formats of the language messages are being translated into."""
    return Formats.for_locale(current_language())
