"""Amounts and dates written exactly as Babel writes them, only faster."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from collections_desktop.formatting import _MONEY_PATTERN, Formats, qt_format

LOCALES = ["en_US", "es_ES", "fr_FR", "pt_PT", "de_CH", "sv_SE", "fi_FI", "hi_IN", "ar_EG", "ja_JP"]
amounts = st.decimals(
    min_value=Decimal("-99999999999.9999"),
    max_value=Decimal("99999999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


@settings(max_examples=400)
@given(
    locale=st.sampled_from(LOCALES),
    value=amounts,
    currency=st.sampled_from(["EUR", "JPY", "KWD", "GBP"]),
)
def test_money_and_amounts_equal_babel(locale: str, value: Decimal, currency: str) -> None:
    """Except that what rounds to zero has no minus sign (Babel writes "-0.00")."""
    assume(value == 0 or abs(value) >= 1)
    formats = Formats(locale)
    assert formats.money(value, currency) == format_currency(
        value, currency, format=_MONEY_PATTERN, locale=locale
    )
    assert formats.amount(value) == format_decimal(value, format="#,##0.00##", locale=locale)


@settings(max_examples=100)
@given(
    locale=st.sampled_from(LOCALES),
    day=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    length=st.sampled_from(["short", "medium", "long"]),
)
def test_dates_equal_babel(locale: str, day: dt.date, length: str) -> None:
    assert Formats(locale).date(day, length) == format_date(day, format=length, locale=locale)


def test_examples() -> None:
    assert Formats("es_ES").money(Decimal("-1234567.895"), "EUR") == "-1.234.567,90\xa0EUR"
    assert Formats("fr_FR").amount(Decimal("1234.5")) == "1\u202f234,50"
    assert Formats("en_US").amount(Decimal("0.1234")) == "0.1234"
    assert Formats("en_US").money(Decimal("12"), "JPY") == "12\xa0JPY"
    assert Formats("en_US").money(Decimal("-0.001"), "EUR") == "0.00\xa0EUR"  # no "-0.00"


# --- one date style, one date-time style ----------------------------------------------

# 11:26 PM on Dec 3, 2026 on the computer's clock, whatever its zone (moments are shown in it).
LATE = dt.datetime(2026, 12, 3, 23, 26).astimezone()


@pytest.mark.parametrize(
    ("locale", "date", "moment", "time", "qt_date", "qt_moment"),
    [
        ("en_US", "Dec 3, 2026", "Dec 3, 2026, 11:26\u202fPM", "11:26\u202fPM",
         "MMM d, yyyy", "MMM d, yyyy, h:mm\u202fAP"),
        ("es_ES", "3 dic 2026", "3 dic 2026, 23:26", "23:26", "d MMM yyyy", "d MMM yyyy, H:mm"),
        ("fr_FR", "3 déc. 2026", "3 déc. 2026, 23:26", "23:26",
         "d MMM yyyy", "d MMM yyyy, HH:mm"),
        ("pt_PT", "03/12/2026", "03/12/2026, 23:26", "23:26",
         "dd/MM/yyyy", "dd/MM/yyyy, HH:mm"),
    ],
)  # fmt: skip
def test_the_date_and_the_date_time_style_of_a_locale(
    locale: str, date: str, moment: str, time: str, qt_date: str, qt_moment: str
) -> None:
    """The date-time is the date as every date is shown, then the short time: never
    Babel's own short date-time ("12/3/26, 11:26 PM") beside a medium date."""
    formats = Formats.for_locale(locale)
    assert formats.date(LATE.date()) == date
    assert formats.moment(LATE) == moment
    assert formats.moment(LATE.astimezone(dt.UTC)) == moment  # an instant, in local time
    assert formats.time(LATE) == time
    assert formats.qt_date_format() == qt_date
    assert formats.qt_moment_format() == qt_moment


@pytest.mark.parametrize(
    ("locale", "style", "moment", "qt_moment"),
    [
        ("en_US", "short", "12/3/26, 11:26\u202fPM", "M/d/yyyy, h:mm\u202fAP"),
        ("en_US", "long", "December 3, 2026, 11:26\u202fPM", "MMMM d, yyyy, h:mm\u202fAP"),
        ("es_ES", "long", "3 de diciembre de 2026, 23:26", "d 'de 'MMMM 'de 'yyyy, H:mm"),
        ("fr_FR", "short", "03/12/2026 23:26", "dd/MM/yyyy HH:mm"),
        ("pt_PT", "long", "3 de dezembro de 2026, 23:26", "d 'de 'MMMM 'de 'yyyy, HH:mm"),
    ],
)
def test_the_date_time_follows_the_users_date_style(
    locale: str, style: str, moment: str, qt_moment: str
) -> None:
    formats = Formats.for_locale(locale, style)
    assert formats.moment(LATE) == moment
    assert formats.qt_moment_format() == qt_moment


@settings(max_examples=60)
@given(
    locale=st.sampled_from(LOCALES),
    style=st.sampled_from(["short", "medium", "long"]),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 3650),
)
def test_a_moment_always_writes_its_date_in_the_date_style(
    locale: str, style: str, minutes: int
) -> None:
    formats = Formats(locale, style)
    value = dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    local = value.astimezone()
    written = formats.moment(value)
    assert formats.date(local.date()) in written
    assert formats.time(local) in written


def test_cldr_patterns_in_qt_letters() -> None:
    assert qt_format("MMM d, y") == "MMM d, yyyy"
    assert qt_format("M/d/yy") == "M/d/yy"
    assert qt_format("M/d/yy", full_year=True) == "M/d/yyyy"
    # Literal text is quoted where it holds a letter (Qt would read "d" in "de" as a day).
    assert qt_format("EEEE, d 'de' MMMM 'de' y") == "dddd, d 'de 'MMMM 'de 'yyyy"
    assert qt_format("h:mm a") == "h:mm AP"
    assert qt_format("HH:mm:ss zzzz") == "HH:mm:ss t"
    assert qt_format("h 'o''clock' a") == "h 'o''clock 'AP"
    assert qt_format("G y") == "yyyy"  # Qt has no era
