"""The format of a bank file told from its content, whatever its name; QIF and unknown
files refused with what to do instead."""

from __future__ import annotations

import pytest

from collections_desktop.models.bank.formats import Format, detect, read_bank_bytes
from collections_desktop.models.bank.parsed import BankFileError
from tests.shared_data import shared_file
from tests.unit.bank_files import refusal

SAMPLES = [
    ("camt/oca/test-camt053", Format.CAMT),  # no extension
    ("camt/genkgo/camt053.v2.wrong.xml", Format.CAMT),
    ("camt/genkgo/camt052.v2.xml", Format.CAMT),
    ("mt940/ASNB/0708271685_09022020_164516.940.txt", Format.MT940),  # SWIFT envelope
    ("mt940/mBank/mt940.sta", Format.MT940),  # SOH first
    ("mt940/jejik/rabobank.sta", Format.MT940),
    ("mt940/betterplace/amount_formats.sta", Format.MT940),
    ("mt940/self-provided/invalid_statement.sta", Format.OTHER),
    ("ofx/ofxparse/bank_medium.ofx", Format.OFX),
    ("ofx/oca/test_ofx.ofx", Format.OFX),  # <?xml ... <?OFX
    ("ofx/ofxparse/fail_nice/date_missing.ofx", Format.OFX),  # no header
    ("ofx/ofxparse/ofx-v102-empty-tags.ofx", Format.OFX),  # blank lines first
    ("qif/test_qif.qif", Format.QIF),
    ("csv/oca/balance.csv", Format.OTHER),
]


@pytest.mark.parametrize(("name", "expected"), SAMPLES)
def test_detect_samples(name, expected):
    assert detect(shared_file(f"bank/{name}").read_bytes()) is expected


def test_qif_is_refused_with_what_to_export():
    error = refusal("qif/test_qif.qif")
    assert (error.file_name, error.where, error.what) == (
        "test_qif.qif",
        None,
        "QIF files are not supported; export camt.053, MT940, OFX or CSV from the bank.",
    )


def test_the_name_does_not_decide():
    data = shared_file("bank/mt940/jejik/knab.sta").read_bytes()
    parsed = read_bank_bytes(data, "statement.xml")
    assert (parsed.file_format, len(parsed.statements)) == ("MT940", 2)


def test_an_empty_file_is_refused():
    with pytest.raises(BankFileError) as caught:
        read_bank_bytes(b" \r\n", "empty.sta")
    assert str(caught.value) == "empty.sta: the file is empty."


def test_other_xml_goes_to_the_camt_reader_and_is_refused_by_namespace():
    data = b'<?xml version="1.0"?><Document xmlns="urn:example"><x/></Document>'
    with pytest.raises(BankFileError) as caught:
        read_bank_bytes(data, "other.xml")
    assert caught.value.what == (
        "this XML is not a camt.052, camt.053 or camt.054 bank statement (versions 02 to 08); "
        "its namespace is “urn:example”."
    )
