"""IBANs read as typed, checked by their country's length and their check digits, and
shown in groups of four."""

from __future__ import annotations

import pytest

from collections_desktop.models.bank.iban import (
    IbanError,
    check_iban,
    format_iban,
    is_valid_iban,
    looks_like_iban,
    normal_iban,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ES91 2100 0418 4502 0005 1332", "ES9121000418450200051332"),
        ("es91-2100-0418-4502-0005-1332", "ES9121000418450200051332"),
        ("IBAN ES91 2100 0418 4502 0005 1332", "ES9121000418450200051332"),
        ("IBAN: ES91 2100\u00a00418 4502 0005 1332 ", "ES9121000418450200051332"),
        ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
        ("NO93 8601 1117 947", "NO9386011117947"),  # the shortest
        ("PT50 0002 0123 1234 5678 9015 4", "PT50000201231234567890154"),
    ],
)
def test_a_valid_iban_is_stored_upper_case_without_blanks(typed: str, stored: str) -> None:
    assert normal_iban(typed) == stored
    assert check_iban(typed) == stored
    assert is_valid_iban(typed)
    assert looks_like_iban(typed)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "ES91 2100 0418 4502 0005 1333",
            "ES91 2100 0418 4502 0005 1333: the check digits do not match; check for a "
            "typing error.",
        ),
        (  # two digits swapped
            "ES91 2100 0418 4502 0005 1323",
            "ES91 2100 0418 4502 0005 1323: the check digits do not match; check for a "
            "typing error.",
        ),
        (
            "ES91 2100 0418 4502 0005 133",
            "ES91 2100 0418 4502 0005 133: an IBAN of Spain has 24 characters; this one has 23.",
        ),
        (
            "XX12 3456",
            "XX12 3456: an IBAN has 15 to 34 characters; this one has 8.",
        ),
        (
            "2100 0418 4502 0005 1332",
            "2100 0418 4502 0005 1332: an IBAN starts with a two-letter country code and "
            "two check digits, such as ES91.",
        ),
        ("ES91 2100 0418_4502", "ES91 2100 0418_4502: an IBAN holds only letters and digits."),
        ("  ", "Enter an IBAN."),
    ],
)
def test_what_is_wrong_is_named(typed: str, message: str) -> None:
    with pytest.raises(IbanError) as refused:
        check_iban(typed)
    assert str(refused.value) == message
    assert not is_valid_iban(typed)


def test_a_country_missing_from_the_table_is_checked_by_its_digits() -> None:
    # "XA" is no country: built with the right check digits, only the digits can judge it.
    body = "12345678901234"
    digits = 98 - int("".join(str(int(c, 36)) for c in body + "XA00")) % 97
    good = f"XA{digits:02d}{body}"
    assert is_valid_iban(good)
    assert not is_valid_iban(good[:-1] + "5")


def test_groups_of_four_and_the_shape() -> None:
    assert format_iban("es9121000418450200051332") == "ES91 2100 0418 4502 0005 1332"
    assert format_iban("NO9386011117947") == "NO93 8601 1117 947"
    assert format_iban("") == ""
    assert not looks_like_iban("021000021-123456789")  # a US routing and account number
    assert not looks_like_iban("Ruiz Hermanos")
    assert looks_like_iban("ES91 2100 0418 4502 0005 1333")  # shaped so, though wrong
