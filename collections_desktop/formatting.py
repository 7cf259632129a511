"""Money, counts and dates written the way the user's locale writes them (through Babel).

One ``Formats`` object, chosen by the composition root from the system's regional
settings, is handed to every widget that shows figures, so a page never guesses a
locale and a test can fix one. Messages of the Qt-free domain use ``text_formats()``,
the formats of the language the text is translated into. No Qt here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from collections_desktop.i18n import current_language

FALLBACK_LOCALE = "en_US"

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
    """Formats figures for one locale."""

    locale: str = FALLBACK_LOCALE

    @classmethod
    def for_locale(cls, name: str) -> Formats:
        """The formats of a locale name such as ``es_ES`` or ``pt-BR`` (``en_US`` if unknown)."""
        return cls(babel_locale(name))

    def amount(self, value: Decimal) -> str:
        """A bare amount with at least two decimals (for messages that name the currency)."""
        return format_decimal(value, format="#,##0.00##", locale=self.locale)

    def money(self, amount: Decimal, currency: str) -> str:
        """``amount`` in ``currency`` with the currency's decimals and its ISO code."""
        return format_currency(amount, currency, format=_MONEY_PATTERN, locale=self.locale)

    def count(self, value: int) -> str:
        """A whole number with the locale's thousands separator."""
        return format_decimal(value, locale=self.locale)

    def number(self, value: float | Decimal, places: int) -> str:
        """A measured quantity (seconds, a rate) with ``places`` decimals."""
        return format_decimal(value, format="#,##0." + "0" * places, locale=self.locale)

    def date(self, day: dt.date, length: str = "medium") -> str:
        """A business date (``medium``: "Nov 23, 2026"; ``long``: "November 23, 2026")."""
        return format_date(day, format=length, locale=self.locale)

    def moment(self, value: dt.datetime, length: str = "short") -> str:
        """A timestamp in the computer's time zone ("11/23/26, 9:00 AM")."""
        local = value.astimezone()
        return format_datetime(local, format=length, tzinfo=local.tzinfo, locale=self.locale)


def text_formats() -> Formats:
    """The formats of the language messages are being translated into."""
    return Formats.for_locale(current_language())
