"""MT940 files: every sample of ``bank/mt940`` accepted with its figures or refused with
its message, and hand-made damaged statements refused with the line named."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from collections_desktop.models.bank.formats import read_bank_bytes
from collections_desktop.models.bank.parsed import BankFileError
from tests.unit.bank_files import Accepted, read, refusal

D = Decimal
DAY = dt.date
ASN_EMPTY = (
    "26 statement(s) with no entries (starting at line 17, 24, 31, 61, 68, 75, 82, 89, 96, "
    "103, 110, 117, 124, 131, 138, 145, 152, 159, 166, 173, 180, 187, 208, 215, 222, 252)."
)
FFFD = "line {} (:86:) has characters the bank could not write (shown as \ufffd)."

ACCEPTED = [
    Accepted(
        "mt940/ASNB/0708271685_09022020_164516.940.txt", "MT940",
        [1, 0, 0, 0, 2, *[0] * 19, 1, 0, 0, 0, 2, 0, 2],
        ((D("-65.00"), DAY(2020, 1, 1)), (D("-65.00"), DAY(2020, 1, 1))),
        ("444.29", "379.29"), "NL81ASNB9999999999", "EUR", [True] * 31, notes=(ASN_EMPTY,),
    ),
    Accepted(
        "mt940/betterplace/sepa_mt9401.sta", "MT940",
        [7, 2, 5, 3, 5, 1, 4, 4, 8, 3, 6, 6, 6, 3, 1, 5, 5, 2, 1, 3, 4, 7, 3, 1, 1, 1],
        ((D("300"), DAY(2007, 9, 4)), (D("-999946.95"), DAY(2007, 9, 4))),
        ("-1234718.36", "-1237628.23"), "50880050/0194774600888", "EUR", [True] * 26,
    ),
    Accepted(
        "mt940/betterplace/with_binary_character.sta", "MT940", [3, 1],
        ((D("27.00"), DAY(2010, 3, 19)), (D("-193282.05"), DAY(2010, 3, 19))),
        ("380115.77", "199929.02"), "51230800/0000007055", "EUR", [True, True],
    ),
    # The jejik samples are hand-edited: their balances do not add up in the file itself
    # (ING: 0.00 - 45.59 is not 3.47); the store records the difference.
    Accepted(
        "mt940/jejik/abnamro.sta", "MT940", [8, 2],
        ((D("-9"), DAY(2011, 5, 24)), (D("-141.48"), DAY(2011, 5, 23))),
        ("3236.28", "876.84"), "517852257", "EUR", [False, False],
    ),
    Accepted(
        "mt940/jejik/ing.sta", "MT940", [7],
        ((D("-25.03"), DAY(2010, 7, 22)), (D("1.00"), DAY(2010, 7, 23))),
        ("0.00", "3.47"), "0001234567", "EUR", [False],
    ),
    Accepted(
        "mt940/jejik/knab.sta", "MT940", [1, 2],
        ((D("500"), DAY(2014, 5, 7)), (D("500"), DAY(2014, 5, 7))),
        ("0", "500"), "123456789", "EUR", [True, False],
    ),
    Accepted(
        "mt940/jejik/rabobank.sta", "MT940", [1, 0, 2, 2],
        ((D("-1213.28"), DAY(2011, 5, 27)), (D("-1213.28"), DAY(2011, 5, 27))),
        ("473.17", "395.82"), "1291.99.348EUR", "EUR", [False, True, False, True],
        notes=("1 statement(s) with no entries (starting at line 13).",),
    ),
    Accepted(
        "mt940/jejik/triodos.sta", "MT940", [2],
        ((D("-15.70"), DAY(2011, 1, 1)), (D("-700.00"), DAY(2011, 1, 25))),
        ("4975.09", "4370.79"), "TRIODOSBANK/0390123456", "EUR", [False],
    ),
    Accepted(
        "mt940/mBank/mt940.sta", "MT940", [3],
        ((D("0.01"), DAY(2017, 1, 19)), (D("0.01"), DAY(2017, 1, 19))),
        ("0.40", "0.43"), "PL29114010810000267002001002", "PLN", [True],
    ),
    Accepted(
        "mt940/sberbank/171011_01234945.sta", "MT940", [3],
        ((D("-2402.00"), DAY(2017, 10, 11)), (D("-3575.00"), DAY(2017, 10, 11))),
        ("627311.30", "617874.30"), "1966315302010001", "HUF", [True],
        notes=(FFFD.format(12), FFFD.format(24), FFFD.format(35)),
    ),
    Accepted(
        "mt940/self-provided/malformed_details.sta", "MT940", [1],
        ((D("-233.15"), DAY(2017, 9, 14)), (D("-233.15"), DAY(2017, 9, 14))),
        ("12345.12", "12345.98"), "12345678/1020304050", "EUR", [False],
    ),
    Accepted(
        "mt940/self-provided/raiffeisen-cmi.sta", "MT940", [7],
        ((D("2066637.00"), DAY(2018, 4, 17)), (D("-6000.00"), DAY(2018, 4, 17))),
        ("25170637.10", "25281687.60"), "UBRTHUHB/123456789150ABCDEF002/HUF", "HUF", [False],
        notes=("The file is not UTF-8; it was read as cp852.",),
    ),
]  # fmt: skip

NO_START = (
    "line 1",
    "the MT940 data starts without a statement reference (:20:); the file is incomplete.",
)
REFUSED = [
    ("mt940/betterplace/amount_formats.sta", *NO_START),
    ("mt940/betterplace/missing_crlf_at_end.sta", *NO_START),
    (
        "mt940/betterplace/sepa_snippet_broken.sta",
        "line 6 (:25:)",
        "an account (:25:) appears after the first entry; the statement is broken.",
    ),
    (
        "mt940/self-provided/february_30.sta",
        "line 6 (:61:)",
        "“1602300301DR6,00N024NONREF” holds a date that does not exist or an amount that "
        "is not a number.",
    ),
    (
        "mt940/self-provided/invalid_statement.sta",
        None,
        "this is not a camt, MT940 or OFX file; if it is a CSV export, choose or create a "
        "CSV profile for it.",
    ),
]


@pytest.mark.parametrize("expected", ACCEPTED, ids=lambda e: e.name)
def test_accepted_samples(expected: Accepted):
    expected.check()


@pytest.mark.parametrize(("name", "where", "what"), REFUSED, ids=lambda x: str(x)[:40])
def test_refused_samples(name, where, what):
    error = refusal(name)
    assert (error.file_name, error.where, error.what) == (name.rsplit("/", 1)[1], where, what)


def test_german_structured_details():
    statement = read("mt940/self-provided/malformed_details.sta").statements[0]
    (line,) = statement.lines
    assert (line.counterparty_name, line.counterparty_iban) == (
        "Finanzamt Muenchen Abteilung Erhebung",
        "DE99700500000000012345",
    )
    assert line.remittance is not None
    assert line.remittance.startswith("STEUERNR 123/123/12345 KOERPST 3VJ.17 233,15EUR")


def test_asn_envelope_counterparty_from_the_entry_line():
    statement = read("mt940/ASNB/0708271685_09022020_164516.940.txt").statements[0]
    (line,) = statement.lines
    assert (line.counterparty_iban, line.counterparty_name) == (
        "NL47INGB9999999999",
        "hr gjlm paulissen",
    )


def test_soft_hyphens_are_removed_silently():
    parsed = read("mt940/jejik/ing.sta")
    line = parsed.statements[0].lines[2]
    assert line.remittance == (
        "0111111111 ING iDEAL KN: TMG TANGO TRANSACTIENR 0050000534527978 10062010 15:32 "
        "TMG TANGO ING Bank inzake GPKyoto"
    )
    assert parsed.notes == ()


def test_cp852_text():
    line = read("mt940/self-provided/raiffeisen-cmi.sta").statements[0].lines[0]
    assert line.remittance is not None
    assert "napi összevont utánvét" in line.remittance


def test_mbank_control_bytes_are_stripped():
    parsed = read("mt940/mBank/mt940.sta")
    assert parsed.statements[0].lines[0].bank_reference == "MB170119012058"


GOOD = """:20:STMT1
:25:DE89370400440532013000
:28C:00001/001
:60F:C260227EUR100,00
:61:2602270227C25,50NTRFNONREF//B1
:86:166?00GUTSCHRIFT?20EREF+E2E-1?21SVWZ+Invoice 42?32ACME GMBH
:61:2602270227D5,00NTRFNONREF//B2
:86:Fee
:62F:C260227EUR120,50
-
"""


def _refused(text: str) -> BankFileError:
    with pytest.raises(BankFileError) as caught:
        read_bank_bytes(text.encode(), "hand.sta")
    return caught.value


def test_a_good_hand_made_statement():
    (statement,) = read_bank_bytes(GOOD.encode(), "hand.sta").statements
    first, second = statement.lines
    assert (first.amount, first.end_to_end_id, first.remittance, first.counterparty_name) == (
        D("25.50"),
        "E2E-1",
        "Invoice 42",
        "ACME GMBH",
    )
    assert (second.amount, second.remittance, second.bank_reference) == (D("-5.00"), "Fee", "B2")
    assert statement.opening_balance + sum(x.amount for x in statement.lines) == D("120.50")


def test_a_record_cut_in_the_middle_of_a_61():
    text = GOOD.replace(":61:2602270227D5,00NTRFNONREF//B2", ":61:2602270227")
    error = _refused(text)
    assert (error.where, error.what) == (
        "line 7 (:61:)",
        "“2602270227” is incomplete or not what this tag holds.",
    )


def test_a_file_cut_before_its_closing_balance():
    error = _refused(GOOD.split(":62F:")[0])
    assert (error.where, error.what) == (
        "line 1",
        "the statement has no closing balance (:62F:); the file is cut short.",
    )


def test_an_amount_that_is_not_a_number():
    error = _refused(GOOD.replace("C25,50NTRF", "C2x,50NTRF"))
    assert (error.where, error.what) == (
        "line 5 (:61:)",
        "“2602270227C2x,50NTRFNONREF//B1” is incomplete or not what this tag holds.",
    )


def test_a_control_character_in_a_text_is_removed_with_a_note():
    parsed = read_bank_bytes(GOOD.replace(":86:Fee", ":86:F\x07ee").encode(), "hand.sta")
    assert parsed.statements[0].lines[1].remittance == "Fee"
    assert parsed.notes == ("A control character (U+0007) was removed from line 7 (:86:).",)
