"""ISO 11649 creditor references: made, checked, printed in groups, found in free text, and
the company's own references of documents and accounts read back to what they point to."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_desktop.models.bank.iban import iban_from_bban, is_valid_iban
from collections_desktop.models.bank.references import (
    creditor_reference,
    find_references,
    format_reference,
    is_valid_reference,
    payment_reference,
    reference_target,
)


def test_the_standards_example() -> None:
    # ISO 11649's own example: body 539007547034 has check digits 18.
    assert creditor_reference("539007547034") == "RF18539007547034"
    assert is_valid_reference("RF18 5390 0754 7034")
    assert is_valid_reference("rf18539007547034")
    assert format_reference("RF18539007547034") == "RF18 5390 0754 7034"


@pytest.mark.parametrize(
    "text",
    [
        "RF19 5390 0754 7034",  # wrong check digits
        "RF18 5390 0754 7043",  # two digits swapped
        "RF185",  # no body to speak of... and wrong
        "RF00",  # nothing after the check digits
        "XX18539007547034",
        "RF18 5390-0754-7034",  # dashes are not part of a reference
        "RF18" + "1" * 22,  # longer than 25 characters
    ],
)
def test_invalid_references_are_refused(text: str) -> None:
    assert not is_valid_reference(text)


def test_the_company_references_of_a_document_and_an_account() -> None:
    invoice = payment_reference("INV-0001234")
    assert invoice[4:] == "INV0001234"
    assert is_valid_reference(invoice)
    assert reference_target(invoice) == "INV-0001234"
    assert reference_target(format_reference(invoice).lower()) == "INV-0001234"
    account = payment_reference("C-000421")
    assert account[4:] == "C000421"
    assert reference_target(account) == "C-000421"
    assert format_reference(account) == f"{account[:4]} C000 421"
    # A valid reference that is not one of ours points to nothing.
    assert reference_target("RF18539007547034") is None
    assert reference_target("RF00INV0001234") is None


def test_references_are_found_in_free_text() -> None:
    invoice = payment_reference("INV-0001234")
    spaced = format_reference(invoice)
    assert find_references(f"Pago {spaced} gracias") == [invoice]
    assert find_references(f"pago {invoice.lower()}, fra 1234") == [invoice]
    assert find_references(f"{spaced} and RF18 5390 0754 7034") == [invoice, "RF18539007547034"]
    # A refund number (RF-0000001), a wrong check and a reference glued into a word are not.
    assert find_references("RF-0000001 RF19 5390 0754 7034 XRF18539007547034") == []
    assert find_references(None) == []


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=21))
def test_every_body_makes_a_valid_reference_that_is_found_again(body: str) -> None:
    ref = creditor_reference(body)
    assert is_valid_reference(ref)
    assert ref[4:] == body
    assert ref in find_references(f"payment {format_reference(ref)} thanks")


def test_a_body_must_be_letters_or_digits_and_short_enough() -> None:
    with pytest.raises(ValueError, match="1 to 21"):
        creditor_reference("---")
    with pytest.raises(ValueError, match="1 to 21"):
        creditor_reference("1" * 22)


def test_ibans_are_made_and_checked_by_the_same_rule() -> None:
    assert iban_from_bban("ES", "21000418450200051332") == "ES9121000418450200051332"
    assert iban_from_bban("GB", "WEST12345698765432") == "GB82WEST12345698765432"
    assert is_valid_iban("GB82 WEST 1234 5698 7654 32")
    assert not is_valid_iban("GB82 WEST 1234 5698 7654 33")
