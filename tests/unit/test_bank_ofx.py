"""OFX files: every sample of ``bank/ofx`` accepted with its figures or refused with its
message (a server's error with the bank's own words), and hand-made bad transactions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from collections_desktop.models.bank.formats import read_bank_bytes
from collections_desktop.models.bank.parsed import BankFileError
from tests.unit.bank_files import Accepted, read, refusal

D = Decimal
DAY = dt.date

# OFX gives the balance at the end only: no opening balance, nothing to add up.
ACCEPTED = [
    Accepted(
        "ofx/oca/test_ofx.ofx", "OFX 2.11", [4, 0],
        ((D("-80"), DAY(2013, 8, 24)), (D("-90"), DAY(2013, 8, 24))),
        (None, "2156.56"), "123456", "USD", [None, None],
        notes=("CCSTMTRS 2: no entries.",),
    ),
    Accepted(
        "ofx/oca/test_ofx_iban.ofx", "OFX 2.11", [4, 0],
        ((D("-80"), DAY(2013, 8, 24)), (D("-90"), DAY(2013, 8, 24))),
        (None, "2156.56"), "12345678901", "USD", [None, None],
        notes=("CCSTMTRS 2: no entries.",),
    ),
    Accepted(
        "ofx/ofxparse/anzcc.ofx", "OFX 2.03", [1],
        ((D("-5.50"), DAY(2017, 5, 8)), (D("-5.50"), DAY(2017, 5, 8))),
        (None, "-123.45"), "1234123412341234", "AUD", [None],
    ),
    Accepted(
        "ofx/ofxparse/bank_medium.ofx", "OFX 1.02", [3],
        ((D("-6.60"), DAY(2009, 4, 1)), (D("-22.00"), DAY(2009, 4, 3))),
        (None, "382.34"), "12300 000012345678", "CAD", [None],
    ),
    Accepted(
        "ofx/ofxparse/checking.ofx", "OFX 1.02", [3],
        ((D("0.01"), DAY(2011, 3, 31)), (D("-25.00"), DAY(2011, 4, 7))),
        (None, "100.99"), "1452687~7", "USD", [None],
    ),
    Accepted(
        "ofx/ofxparse/multiple_accounts.ofx", "OFX 2.11", [0, 0], None,
        (None, "111"), "9100", "USD", [None, None],
        notes=("STMTRS 1: no entries.", "STMTRS 2: no entries."),
    ),
    Accepted(
        "ofx/ofxparse/suncorp.ofx", "OFX 2.00", [1],
        ((D("-16.85"), DAY(2013, 12, 15)), (D("-16.85"), DAY(2013, 12, 15))),
        (None, "1234.12"), "123456789", "AUD", [None],
    ),
]  # fmt: skip

REFUSED = [
    ("ofx/oca/test_ofx_wrong.ofx", "STMTRS 1 / CURDEF", "the statement gives no currency."),
    ("ofx/ofxparse/bank_small.ofx", None, "the OFX file holds no statement (STMTRS)."),
    (
        "ofx/ofxparse/error_message.ofx",
        None,
        "the bank's server answered with an error instead of a statement: “General Server "
        "Error” (code 2000).",
    ),
    ("ofx/ofxparse/fail_nice/date_missing.ofx", "STMTTRN 1 / DTPOSTED", "the date is missing."),
    (
        "ofx/ofxparse/fail_nice/decimal_error.ofx",
        "STMTTRN 1 / DTPOSTED",
        "the date “201120000000” does not exist.",
    ),
    (
        "ofx/ofxparse/fail_nice/empty_balance.ofx",
        "STMTRS / LEDGERBAL / BALAMT",
        "the amount is missing.",
    ),
    ("ofx/ofxparse/ofx-v102-empty-tags.ofx", "STMTRS / CURDEF", "the statement gives no currency."),
]


@pytest.mark.parametrize("expected", ACCEPTED, ids=lambda e: e.name)
def test_accepted_samples(expected: Accepted):
    expected.check()


@pytest.mark.parametrize(("name", "where", "what"), REFUSED, ids=lambda x: str(x)[:40])
def test_refused_samples(name, where, what):
    error = refusal(name)
    assert (error.file_name, error.where, error.what) == (name.rsplit("/", 1)[1], where, what)


def test_a_sgml_line_with_its_texts():
    line = read("ofx/ofxparse/bank_medium.ofx").statements[0].lines[0]
    assert (line.counterparty_name, line.remittance, line.bank_reference) == (
        "MCDONALD'S #112",
        "POS MERCHANDISE;MCDONALD'S #112",
        "0000123456782009040100001",
    )


SGML = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260227
<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS><TRNUID>1
<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>EUR
<BANKACCTFROM><BANKID>1<ACCTID>FR76 3000 6000 0112 3456 7890 189<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20260201<DTEND>20260227
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260226<TRNAMT>{first}<FITID>A1<NAME>ACME</STMTTRN>
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>{date}<TRNAMT>{amount}<FITID>A2<NAME>BETA</STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>100.00<DTASOF>20260227</LEDGERBAL></STMTRS></STMTTRNRS>
</BANKMSGSRSV1></OFX>
"""


def _ofx(first="10.00", date="20260227", amount="20.00") -> bytes:
    return SGML.format(first=first, date=date, amount=amount).encode("cp1252")


def test_a_good_sgml_file():
    parsed = read_bank_bytes(_ofx(), "hand.ofx")
    (statement,) = parsed.statements
    assert (statement.account, statement.currency, statement.closing_balance) == (
        "FR7630006000011234567890189",
        "EUR",
        D("100.00"),
    )
    assert [(x.amount, x.booking_date) for x in statement.lines] == [
        (D("10.00"), DAY(2026, 2, 26)),
        (D("20.00"), DAY(2026, 2, 27)),
    ]


@pytest.mark.parametrize(
    ("values", "where", "what"),
    [
        ({"date": "20260230"}, "STMTTRN 2 / DTPOSTED", "the date “20260230” does not exist."),
        ({"amount": "12,3x"}, "STMTTRN 2 / TRNAMT", "“12,3x” is not an amount."),
        (
            {"first": "1.23456"},
            "STMTTRN 1 / TRNAMT",
            "the amount 1.23456 has more than 4 decimals.",
        ),
    ],
)
def test_bad_transactions_are_refused(values, where, what):
    with pytest.raises(BankFileError) as caught:
        read_bank_bytes(_ofx(**values), "hand.ofx")
    assert (caught.value.where, caught.value.what) == (where, what)


def test_four_decimals_of_zeros_are_accepted():
    parsed = read_bank_bytes(_ofx(first="10.000000"), "hand.ofx")
    assert parsed.statements[0].lines[0].amount == D("10.00")
