"""CSV bank exports read through profiles set up as a user would, every sample file of
``bank/csv`` accepted or refused, and hand-made bad rows refused with the line named."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from collections_desktop.models.bank.formats import CsvProfile, read_bank_bytes
from collections_desktop.models.bank.formats.csv_profile import CsvProfileError
from collections_desktop.models.bank.parsed import BankFileError
from collections_desktop.models.bank.profiles import profile_named, profiles, save_profile
from collections_desktop.models.db.database import Database
from tests.unit.bank_files import adds_up, ends, read, refusal

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)

# The OCA exports: US dates, "1,525.00"; "Currency" is the original currency of a
# foreign payment, not the amount's, so these profiles take the account's currency.
OCA = CsvProfile(
    name="OCA sheet",
    account="123456789",
    currency="USD",
    date_format="%m/%d/%Y",
    thousands_separator=",",
    booking_date="Date",
    amount="Amount",
    remittance=("Label",),
    counterparty_name="Partner Name",
)
FRENCH = CsvProfile(
    name="Banque (relevé)",
    account="08088804068",
    currency="EUR",
    decimal_separator=",",
    date_format="%d/%m/%y",
    skip_lines=4,
    skip_footer=1,  # "Balance at start of period" after the rows
    booking_date="Date",
    debit="Debit",
    credit="Credit",
    remittance=("Label", "Detail"),
    reference="Operation Number",
)


def test_sample_statement_en():
    parsed = read("csv/oca/sample_statement_en.csv", OCA)
    assert parsed.file_format == "CSV (OCA sheet)"
    (statement,) = parsed.statements
    assert (statement.account, statement.currency, len(statement.lines)) == ("123456789", "USD", 2)
    assert ends(statement) == (
        (D("-33.50"), dt.date(2018, 12, 15)),
        (D("1525.00"), dt.date(2018, 12, 15)),
    )
    first = statement.lines[0]
    assert (first.counterparty_name, first.remittance) == (
        "John Doe",
        "Your best supplier on 12/15/2018",
    )
    assert statement.opening_balance is statement.closing_balance is None


def test_multi_currency_gives_one_statement_per_currency():
    profile = dataclasses.replace(OCA, currency_column="Currency")
    usd, eur = read("csv/oca/multi_currency.csv", profile).statements
    assert (usd.currency, [x.amount for x in usd.lines]) == ("USD", [D("-33.50")])
    assert (eur.currency, [x.amount for x in eur.lines]) == ("EUR", [D("1525.00")])
    assert usd.account == eur.account == "123456789"


def test_original_currency():
    profile = dataclasses.replace(OCA, currency_column="Currency")
    (statement,) = read("csv/oca/original_currency.csv", profile).statements
    assert (statement.currency, [x.amount for x in statement.lines]) == ("EUR", [D("1525.00")])


def test_original_currency_empty_takes_the_profile_currency():
    profile = dataclasses.replace(OCA, currency_column="Currency")
    (statement,) = read("csv/oca/original_currency_empty.csv", profile).statements
    assert (statement.currency, [x.amount for x in statement.lines]) == ("USD", [D("1525.00")])
    no_default = dataclasses.replace(profile, currency="")
    assert str(refusal("csv/oca/original_currency_empty.csv", no_default)) == (
        "original_currency_empty.csv, line 2, column “Currency”: the line gives no currency "
        "and the profile has no default currency."
    )


def test_original_currency_no_header_by_positions():
    profile = CsvProfile(
        name="No header",
        account="123456789",
        date_format="%m/%d/%Y",
        thousands_separator=",",
        header=False,
        booking_date=1,
        remittance=(2,),
        currency_column=3,
        amount=4,
        counterparty_name=6,
        counterparty_iban=7,
        reference=8,
    )
    (statement,) = read("csv/oca/original_currency_no_header.csv", profile).statements
    (line,) = statement.lines
    assert (line.amount, line.currency, line.bank_reference, line.counterparty_name) == (
        D("1525.00"),
        "EUR",
        "INV0001",
        "Azure Interior",
    )
    assert line.booking_date == dt.date(2018, 12, 15)


def test_empty_statement_is_accepted_with_a_note():
    parsed = read("csv/oca/empty_statement_en.csv", OCA)
    (statement,) = parsed.statements
    assert (statement.currency, statement.lines) == ("USD", ())
    assert parsed.notes == ("The file has no entries.",)


def test_balance_column():
    profile = dataclasses.replace(OCA, balance="Balance")
    (statement,) = read("csv/oca/balance.csv", profile).statements
    assert [x.amount for x in statement.lines] == [D("-33.50"), D("1533.50")]
    # -23.50 after the first row of -33.50: 10.00 before it; 1,510.00 after the last.
    assert (statement.opening_balance, statement.closing_balance) == (D("10.00"), D("1510.00"))
    assert adds_up(statement)


def test_debit_credit_indicator():
    profile = dataclasses.replace(OCA, indicator="D/C", credit_marker="C", balance="Balance")
    (statement,) = read("csv/oca/debit_credit.csv", profile).statements
    # "-1,533.50" marked C: the mark decides, as the balance column confirms.
    assert [x.amount for x in statement.lines] == [D("-33.50"), D("1533.50")]
    assert (statement.opening_balance, statement.closing_balance) == (D("10.00"), D("1510.00"))
    assert adds_up(statement)


def test_debit_credit_columns_with_a_negative_credit_are_refused():
    profile = dataclasses.replace(OCA, amount=None, debit="Debit", credit="Credit")
    assert str(refusal("csv/oca/debit_credit_amount.csv", profile)) == (
        "debit_credit_amount.csv, line 3, column “Credit”: the credit column holds a negative "
        "amount (-13.50); a credit is money in."
    )


def test_credit_card_inverted_sign():
    profile = dataclasses.replace(OCA, sign="inverted")
    (statement,) = read(
        "csv/oca/sample_statement_credit_card_inverse_sign_en.csv", profile
    ).statements
    assert [x.amount for x in statement.lines] == [D("-33.50"), D("1525.00")]


def test_french_export_with_metadata_and_a_trailing_balance_line():
    parsed = read("csv/oca/meta_data_separated_credit_debit.csv", FRENCH)
    (statement,) = parsed.statements
    assert (statement.account, statement.currency) == ("08088804068", "EUR")
    assert [x.amount for x in statement.lines] == [
        D("-50.00"),
        D("-100.00"),
        D("-80.68"),
        D("1300.00"),
    ]
    assert ends(statement) == (
        (D("-50.00"), dt.date(2020, 4, 1)),
        (D("1300.00"), dt.date(2020, 4, 2)),
    )
    line = statement.lines[1]
    assert (line.remittance, line.bank_reference) == ("LABEL 2 CLIENTS X", "UNIQUE OP 2")
    # The balances in the metadata are not read: 30,000.77 + 1,069.32 is 31,070.09, not
    # the 31,070.11 the file announces.
    assert statement.opening_balance is statement.closing_balance is None


def test_french_export_without_skipping_the_trailing_line_is_refused():
    profile = dataclasses.replace(FRENCH, skip_footer=0)
    assert str(refusal("csv/oca/meta_data_separated_credit_debit.csv", profile)) == (
        "meta_data_separated_credit_debit.csv, line 10, column “Date”: “Balance at start of "
        "period” is not a date written as DD/MM/YY, or does not exist."
    )


def test_csb43_by_positions_and_its_repeated_column_name():
    profile = CsvProfile(
        name="Norma 43",
        account="1234567890",
        date_format="%Y-%m-%d",
        currency_column=7,
        booking_date=24,
        value_date=25,
        amount=26,
        remittance=(20,),
        reference=22,
    )
    (statement,) = read("csv/hledger/csb43.csv", profile).statements
    assert [(x.amount, x.booking_date) for x in statement.lines] == [
        (D("1500.00"), dt.date(2019, 11, 2)),
        (D("-500.00"), dt.date(2019, 11, 10)),
    ]
    assert statement.lines[0].remittance == "MY_INCOME_LINE"
    by_name = dataclasses.replace(profile, reference="branch_code")
    assert str(refusal("csv/hledger/csb43.csv", by_name)) == (
        "csb43.csv: the column name “branch_code” appears twice in the header; choose the "
        "column by its position in the profile."
    )


@pytest.mark.parametrize("name", ["sample.fr.cp1252.csv", "sample.fr.utf8.csv"])
def test_french_sample_in_both_encodings(name):
    profile = CsvProfile(
        name="hledger fr",
        account="FR7630006000011234567890189",
        currency="EUR",
        date_format="%Y/%m/%d",
        booking_date="Date",
        amount="Montant",
        remittance=("Remarque",),
    )
    parsed = read(f"csv/hledger/{name}", profile)
    (statement,) = parsed.statements
    assert [x.amount for x in statement.lines] == [D("50.00"), D("-10.00"), D("-20.00")]
    assert [x.remittance for x in statement.lines] == [
        "DÉPÔT",
        "VIREMENT VERS ÉPARGNE",
        "CAFÉ — €20 REÇU",
    ]
    assert statement.lines[2].booking_date == dt.date(2012, 3, 24)
    cp1252 = "The file is not UTF-8; it was read as cp1252 (Windows)."
    assert (cp1252 in parsed.notes) == name.endswith("cp1252.csv")


def test_paypal_net_amounts_and_running_balance():
    profile = CsvProfile(
        name="PayPal",
        account="simon@joyful.com",
        date_format="%m/%d/%Y",
        booking_date="Date",
        amount="Net",
        currency_column="Currency",
        counterparty_name="Name",
        remittance=("Type", "Item Title"),
        reference="Transaction ID",
        balance="Balance",
    )
    (statement,) = read("csv/hledger/paypal-custom.csv", profile).statements
    assert (statement.currency, len(statement.lines)) == ("USD", 7)
    assert ends(statement) == (
        (D("-6.99"), dt.date(2019, 10, 1)),
        (D("9.41"), dt.date(2019, 10, 22)),
    )
    assert (statement.opening_balance, statement.closing_balance) == (D("0.00"), D("9.41"))
    assert adds_up(statement)


def test_stripe_lower_case_currency_and_timestamps():
    profile = CsvProfile(
        name="Stripe",
        account="acct_stripe",
        date_format="%Y-%m-%d %H:%M:%S",
        booking_date="created_utc",
        value_date="available_on_utc",
        amount="net",
        currency_column="currency",
        remittance=("reporting_category", "description"),
        reference="balance_transaction_id",
    )
    (statement,) = read("csv/hledger/stripe.csv", profile).statements
    assert statement.currency == "USD"
    assert [(x.amount, x.booking_date, x.value_date) for x in statement.lines] == [
        (D("12.00"), dt.date(2020, 1, 23), dt.date(2020, 1, 27)),
        (D("-0.77"), dt.date(2020, 1, 23), dt.date(2020, 1, 27)),
    ]
    assert statement.lines[1].remittance == "refund REFUND FOR PAYMENT"


def test_a_csv_without_a_profile_is_refused():
    assert str(refusal("csv/oca/balance.csv")) == (
        "balance.csv: this is not a camt, MT940 or OFX file; if it is a CSV export, choose "
        "or create a CSV profile for it."
    )


def test_an_amount_that_is_not_a_number_names_the_line_and_column():
    data = b'Date,Amount,Text\n01/02/2026,10.00,ok\n02/02/2026,"12,3x",bad\n'
    profile = CsvProfile(
        name="Simple",
        account="DE89370400440532013000",
        currency="EUR",
        booking_date="Date",
        amount="Amount",
    )
    with pytest.raises(BankFileError) as caught:
        read_bank_bytes(data, "export.csv", profile=profile)
    assert str(caught.value) == "export.csv, line 3, column “Amount”: “12,3x” is not an amount."
    assert caught.value.where == "line 3, column “Amount”"


def test_a_date_that_does_not_exist_and_a_missing_amount():
    profile = CsvProfile(
        name="Simple", account="X1", currency="EUR", booking_date="Date", amount="Amount"
    )
    with pytest.raises(BankFileError) as caught:
        read_bank_bytes(b"Date,Amount\n30/02/2026,1.00\n", "a.csv", profile=profile)
    assert (
        caught.value.what == "“30/02/2026” is not a date written as DD/MM/YYYY, or does not exist."
    )
    with pytest.raises(BankFileError) as caught:
        read_bank_bytes(b"Date,Amount\n28/02/2026,\n", "a.csv", profile=profile)
    assert (caught.value.where, caught.value.what) == (
        "line 2, column “Amount”",
        "the amount is missing.",
    )


def test_profile_json_round_trip():
    assert CsvProfile.from_json(FRENCH.to_json()) == FRENCH
    assert CsvProfile.from_json(OCA.to_json()).remittance == ("Label",)


def test_profiles_saved_and_loaded_on_a_sqlite_file(sqlite_db: Database):
    with sqlite_db.sessions.begin() as session:
        save_profile(session, FRENCH, NOW)
        save_profile(session, OCA, NOW)
    with sqlite_db.sessions.begin() as session:
        assert [p.name for p in profiles(session)] == ["Banque (relevé)", "OCA sheet"]
        assert profile_named(session, "Banque (relevé)") == FRENCH
        assert profile_named(session, "Nobody") is None
        save_profile(session, dataclasses.replace(OCA, currency="EUR"), NOW)
    with sqlite_db.sessions.begin() as session:
        changed = profile_named(session, "OCA sheet")
        assert changed is not None
        assert changed.currency == "EUR"
        assert len(profiles(session)) == 2
    with sqlite_db.sessions.begin() as session, pytest.raises(CsvProfileError):
        save_profile(session, CsvProfile(name="Nothing"), NOW)
