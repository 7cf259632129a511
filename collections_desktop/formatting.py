"""Money, counts and dates written the way the user's locale writes them (through Babel).

One ``Formats`` object, chosen by the composition root from the system's regional
settings, is handed to every widget that shows figures, so a page never guesses a
locale and a test can fix one. Messages of the Qt-free domain use ``text_formats()``,
the formats of the language the text is translated into. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, get_currency_precision

from collections_desktop.i18n import current_language

FALLBACK_LOCALE = "en_US"

DATE_STYLES = ("short", "medium", "long")
"""The date styles a user may choose (Babel's lengths): "11/23/26", "Nov 23, 2026",
"November 23, 2026". One of them is used for every date the app shows."""

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

    def moment(self, value: dt.datetime, length: str = "short") -> str:
        """A timestamp in the computer's time zone ("11/23/26, 9:00 AM")."""
        local = value.astimezone()
        return format_datetime(local, format=length, tzinfo=local.tzinfo, locale=self.locale)


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


def text_formats() -> Formats:
    """The formats of the language messages are being translated into."""
    return Formats.for_locale(current_language())
