"""IBANs (ISO 13616): read as typed, checked, and shown in groups of four.

An IBAN is a two-letter country code, two check digits and the country's account
number (BBAN), at a length fixed for each country. The check digits make the whole
number, read with A = 10 … Z = 35 and the first four characters moved to the end, leave
1 when divided by 97: a mistyped or swapped digit is caught. A country missing from the
table below (one that adopted IBANs later) is checked by its check digits alone.

Stored IBANs are upper case without spaces (``normal_iban``); people read them in groups
of four (``format_iban``).
"""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError

from collections_desktop.i18n import _, current_language

IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
    "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
"""The length of each country's IBANs (the SWIFT IBAN registry)."""

MIN_LENGTH, MAX_LENGTH = 15, 34

_SEPARATORS = re.compile(r"[\s\-\u00a0\u202f]+")
_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]+$")
_LABEL = re.compile(r"^IBAN:?(?=[A-Z]{2}[0-9]{2})")


class IbanError(ValueError):
    """Text that is not a valid IBAN; the message shows it and says what is wrong."""


def normal_iban(text: str) -> str:
    """``text`` as an IBAN is stored: upper case, without spaces, dashes or a leading
    "IBAN" label (as printed on invoices)."""
    return _LABEL.sub("", _SEPARATORS.sub("", text).upper())


def format_iban(text: str) -> str:
    """The IBAN in groups of four, as people read it ("ES91 2100 0418 …")."""
    iban = normal_iban(text)
    return " ".join(iban[start : start + 4] for start in range(0, len(iban), 4))


def looks_like_iban(text: str) -> bool:
    """Whether ``text`` has an IBAN's shape (a country code, two digits, letters and
    digits), whatever its check digits: such a text is meant as an IBAN."""
    return bool(_SHAPE.match(normal_iban(text)))


def check_iban(text: str) -> str:
    """The IBAN as stored (``normal_iban``), or ``IbanError`` saying what is wrong."""
    iban = normal_iban(text)
    if not iban:
        raise IbanError(_("Enter an IBAN."))
    shown = format_iban(iban)
    if not iban.isascii() or not iban.isalnum():
        raise IbanError(
            _("{iban}: an IBAN holds only letters and digits.").format(iban=text.strip())
        )
    if not _SHAPE.match(iban):
        raise IbanError(
            _(
                "{iban}: an IBAN starts with a two-letter country code and two check "
                "digits, such as ES91."
            ).format(iban=shown)
        )
    country = iban[:2]
    expected = IBAN_LENGTHS.get(country)
    if expected is not None and len(iban) != expected:
        raise IbanError(
            _(
                "{iban}: an IBAN of {country} has {expected} characters; this one has {count}."
            ).format(iban=shown, country=_country_name(country), expected=expected, count=len(iban))
        )
    if expected is None and not MIN_LENGTH <= len(iban) <= MAX_LENGTH:
        raise IbanError(
            _(
                "{iban}: an IBAN has {minimum} to {maximum} characters; this one has {count}."
            ).format(iban=shown, minimum=MIN_LENGTH, maximum=MAX_LENGTH, count=len(iban))
        )
    if _remainder(iban) != 1:
        raise IbanError(
            _("{iban}: the check digits do not match; check for a typing error.").format(iban=shown)
        )
    return iban


def iban_from_bban(country: str, bban: str) -> str:
    """The IBAN of a country's domestic account number (BBAN): country, check digits, BBAN."""
    body = "".join(ch for ch in bban.upper() if ch.isalnum())
    check = 98 - _remainder(f"{country.upper()}00{body}")
    return f"{country.upper()}{check:02d}{body}"


def is_valid_iban(text: str) -> bool:
    """Whether ``text`` is a valid IBAN (spaces and dashes allowed)."""
    try:
        check_iban(text)
    except IbanError:
        return False
    return True


def _remainder(iban: str) -> int:
    """The ISO 7064 mod 97-10 remainder of the IBAN (1 when its check digits are right)."""
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(character, 36)) for character in moved)) % 97


def _country_name(code: str) -> str:
    """The country ``code`` in the user's language (the code itself when unknown)."""
    try:
        names = Locale.parse(current_language()).territories
    except (UnknownLocaleError, ValueError):
        return code
    return str(names.get(code, code))
