"""camt.052/053/054 files: every sample of ``bank/camt`` accepted with its figures or
refused with its message, and hand-made damaged documents refused with the place named."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from collections_desktop.models.bank.formats import read_bank_bytes
from collections_desktop.models.bank.parsed import BankFileError
from tests.unit.bank_files import Accepted, read, refusal

D = Decimal
DAY = dt.date

ACCEPTED = [
    Accepted(
        "camt/genkgo/camt052.v2.xml", "camt.052.001.02", [1],
        ((D("-200000"), DAY(2007, 10, 18)), (D("-200000"), DAY(2007, 10, 18))),
        (None, None), "CH2801234000123456789", "SEK", [None],
    ),
    Accepted(
        "camt/genkgo/camt053.v2.all-balance-types.xml", "camt.053.001.02", [1],
        ((D("8.85"), DAY(2014, 12, 31)), (D("8.85"), DAY(2014, 12, 31))),
        ("1.01", "4.04"), "CH2801234000123456789", "EUR", [False],
        notes=(
            "Stmt: the opening balance (OPBD 1.01) and the previous closing balance "
            "(PRCD 2.02) differ; OPBD is used.",
        ),
    ),
    Accepted(
        "camt/genkgo/camt053.v2.five.decimals.xml", "camt.053.001.02", [1],
        ((D("8.85"), DAY(2014, 12, 31)), (D("8.85"), DAY(2014, 12, 31))),
        ("18.15", "27.05"), "NL26VAYB8060476890", "EUR", [False],
    ),
    Accepted(
        "camt/genkgo/camt053.v2.multi.statement.xml", "camt.053.001.02", [1, 1],
        ((D("8.85"), DAY(2014, 12, 31)), (D("8.85"), DAY(2014, 12, 31))),
        ("18.15", "27.00"), "NL26VAYB8060476890", "EUR", [True, True],
    ),
    Accepted(
        "camt/genkgo/camt054.v2.xml", "camt.054.001.02", [1],
        ((D("-200000"), DAY(2007, 10, 18)), (D("-200000"), DAY(2007, 10, 18))),
        (None, None), "CH2801234000123456789", "SEK", [None],
    ),
    Accepted(
        "camt/genkgo/camt53.only-Dt-with-DtTm.xml", "camt.053.001.02", [0], None,
        ("5442.09", None), "GB33BUKB20201555555555", "RON", [None],
        notes=("Stmt: no entries.",),
    ),
    Accepted(
        "camt/oca/test-camt053", "camt.053.001.02", [4],
        ((D("-754.25"), DAY(2014, 1, 5)), (D("1405.31"), DAY(2014, 1, 5))),
        ("15568.27", "15121.12"), "NL77ABNA0574908765", "EUR", [False],
    ),
    Accepted(
        "camt/oca/test-camt053-no-ntry", "camt.053.001.04", [0], None,
        ("1520.76", "1520.76"), "NL77ABNA0574908765", "CHF", [True],
        notes=("Stmt: no entries.",),
    ),
    Accepted(
        "camt/oca/test-camt053-txdtls", "camt.053.001.04", [2],
        ((D("2187.00"), DAY(2017, 3, 22)), (D("1296.00"), DAY(2017, 3, 22))),
        ("75960.15", "79443.15"), "CH1111000000123456789", "CHF", [True],
    ),
    Accepted(
        "camt/oca/test-camt054", "camt.054.001.04", [1],
        ((D("5.00"), DAY(2022, 1, 26)), (D("5.00"), DAY(2022, 1, 26))),
        (None, None), "NL77ABNA0574908765", "EUR", [None],
    ),
]  # fmt: skip

MIXED = (
    "the balance CLBD is in SEK, the statement in EUR: a statement's balances are in its "
    "own currency."
)
CONTRADICTION = (
    "the entry of -200000 has 3 transaction details with amounts that contradict their own "
    "details' total (TxDtls/Amt)."
)
REFUSED = [
    ("camt/genkgo/camt053.v2.minimal.xml", "Stmt / Bal 2 / Amt (line 60)", MIXED),
    ("camt/genkgo/camt053.v3.xml", "Stmt / Bal 2 / Amt (line 80)", MIXED),
    ("camt/genkgo/camt053.v4.xml", "Stmt / Bal 2 / Amt (line 80)", MIXED),
    ("camt/genkgo/camt053.v8.xml", "Stmt / Bal 2 / Amt (line 80)", MIXED),
    (
        "camt/genkgo/camt053.v2.wrong.xml",
        "BkToCstmrStmt",
        "the file has a group header but no statement (Stmt).",
    ),
    ("camt/genkgo/camt054.v4.xml", "Ntry 1 (line 63)", CONTRADICTION),
    ("camt/genkgo/camt054.v8.xml", "Ntry 1 (line 63)", CONTRADICTION),
]


@pytest.mark.parametrize("expected", ACCEPTED, ids=lambda e: e.name)
def test_accepted_samples(expected: Accepted):
    expected.check()


@pytest.mark.parametrize(("name", "where", "what"), REFUSED, ids=lambda x: str(x)[:40])
def test_refused_samples(name, where, what):
    error = refusal(name)
    assert (error.file_name, error.where, error.what) == (name.rsplit("/", 1)[1], where, what)


def test_the_swiss_batch_splits_into_its_details():
    (statement,) = read("camt/oca/test-camt053-txdtls").statements
    first, second = statement.lines
    assert (first.counterparty_name, first.counterparty_iban, first.creditor_reference) == (
        "Banque Cantonale Vaudoise",
        "CH2222000000123456789",
        "302388292000011111111111111",
    )
    assert second.creditor_reference == "302388292000022222222222222"
    # Both details carry the same bank reference: each line gets its own.
    assert (first.bank_reference, second.bank_reference) == (
        "123456CHCAFEBABE/1",
        "123456CHCAFEBABE/2",
    )
    assert (first.value_date, statement.kind) == (DAY(2017, 3, 23), "statement")


def test_the_dutch_statement_reads_debtor_and_creditor_sides():
    (statement,) = read("camt/oca/test-camt053").statements
    assert [line.amount for line in statement.lines] == [
        D("-754.25"),
        D("-564.05"),
        D("-100.00"),
        D("1405.31"),
    ]
    first = statement.lines[0]
    assert (first.counterparty_name, first.counterparty_iban, first.end_to_end_id) == (
        "INSURANCE COMPANY TESTX",
        "NL46ABNA0499998748",
        "435005714488-ABNO33052620",
    )
    assert first.remittance == "Insurance policy 857239PERIOD 01.01.2014 - 31.12.2014"


def test_a_notification_with_a_creditor_reference():
    parsed = read("camt/oca/test-camt054")
    (line,) = parsed.statements[0].lines
    assert parsed.statements[0].kind == "notification"
    assert (line.creditor_reference, line.end_to_end_id, line.bank_reference) == (
        "000000000000000000000000003",
        "ENDTOENDID-01",
        "15180015077602405",
    )


def _camt(entries: str, *, namespace: str = "camt.053.001.02", balances: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{namespace}">
<BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>DE89 3704 0044 0532 0130 00</IBAN></Id><Ccy>EUR</Ccy></Acct>
{balances}{entries}
</Stmt></BkToCstmrStmt></Document>""".encode()


def _entry(amount: str = "10.00", booked: str = "2026-02-27", text: str = "Invoice 42") -> str:
    return f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<BookgDt><Dt>{booked}</Dt></BookgDt><NtryDtls><TxDtls><RmtInf><Ustrd>{text}</Ustrd></RmtInf>
</TxDtls></NtryDtls></Ntry>"""


def _refused(data: bytes) -> BankFileError:
    with pytest.raises(BankFileError) as caught:
        read_bank_bytes(data, "hand.xml")
    return caught.value


def test_an_impossible_date_is_refused_with_its_entry():
    error = _refused(_camt(_entry() + _entry(booked="2026-02-30")))
    assert (error.where, error.what) == (
        "Ntry 2 / BookgDt (line 8)",
        "the date “2026-02-30” does not exist.",
    )


def test_truncated_xml_is_refused_with_its_line():
    error = _refused(_camt(_entry())[:-40])
    assert error.where == "line 7"
    assert error.what.startswith("the XML is damaged or cut short (")


def test_a_wrong_namespace_is_refused():
    error = _refused(_camt(_entry(), namespace="pain.001.001.03"))
    assert error.what == (
        "this XML is not a camt.052, camt.053 or camt.054 bank statement (versions 02 to 08); "
        "its namespace is “urn:iso:std:iso:20022:tech:xsd:pain.001.001.03”."
    )


@pytest.mark.parametrize(
    ("amount", "what"),
    [
        ("12,50", "“12,50” is not an amount."),
        ("", "the amount is missing."),
        ("1.00001", "the amount 1.00001 has more than 4 decimals."),
    ],
)
def test_bad_amounts_are_refused(amount, what):
    error = _refused(_camt(_entry(amount=amount)))
    assert (error.where, error.what) == ("Ntry 1 / Amt (line 5)", what)


def test_cleaning_soft_hyphens_and_replacement_characters():
    # XML 1.0 allows no control character but tab, line feed and return (lxml refuses
    # the others as damaged XML); a tab is white space in a text.
    parsed = read_bank_bytes(_camt(_entry(text="Invoice&#x9; 4\u00ad2 caf\ufffd")), "hand.xml")
    (line,) = parsed.statements[0].lines
    assert line.remittance == "Invoice 42 caf\ufffd"
    assert parsed.notes == (
        "Ntry 1 / TxDtls 1 / RmtInf/Ustrd has characters the bank could not write "
        "(shown as \ufffd).",
    )
    assert parsed.statements[0].account == "DE89370400440532013000"


def test_a_statement_with_no_entries_is_accepted_with_a_note():
    balance = """<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">5.00</Amt>
<CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2026-02-27</Dt></Dt></Bal>"""
    parsed = read_bank_bytes(_camt("", balances=balance), "hand.xml")
    (statement,) = parsed.statements
    assert (statement.lines, statement.closing_balance, statement.to_date) == (
        (),
        D("-5.00"),
        DAY(2026, 2, 27),
    )
    assert parsed.notes == ("Stmt: no entries.",)


def test_five_thousand_entries_read_whole():
    parsed = read_bank_bytes(_camt("".join(_entry(f"{i}.01") for i in range(5000))), "big.xml")
    lines = parsed.statements[0].lines
    assert (len(lines), lines[-1].amount) == (5000, D("4999.01"))
