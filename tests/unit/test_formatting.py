"""Amounts and dates written exactly as Babel writes them, only faster."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from collections_desktop.formatting import _MONEY_PATTERN, Formats

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
