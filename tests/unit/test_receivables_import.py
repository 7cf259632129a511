"""The receivables import on the real sample ledgers, against figures computed from the CSV.

The files are read from the shared data folder beside the checkout (never copied into the
project), with the example mappings of docs/import-mappings, so the documentation stays
true. Expected balances and aging columns are computed here with the csv module alone.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from collections_desktop.models.aging.definitions import age_customer, load_definition
from collections_desktop.models.aging.snapshot import age_customers
from collections_desktop.models.company.setup import company_summary
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CollectionStatusChange,
    Customer,
    CustomerTransaction,
    Settlement,
    SettlementLine,
)
from collections_desktop.models.importers import ImportInputError
from collections_desktop.models.importers.mapping import MappingError, parse_mapping
from collections_desktop.models.importers.receivables.fields import (
    FIELDS,
    REQUIRED,
    load_receivables_mapping,
)
from collections_desktop.models.importers.receivables.problems import ImportRejected
from collections_desktop.models.importers.receivables.write import import_receivables
from collections_desktop.models.importers.values import BadValue, number_key, parse_money
from collections_desktop.models.ledger import balances as ledger_balances
from collections_desktop.models.people.scope import company_scope
from tests.shared_data import shared_file

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
MAPPINGS = ROOT / "docs" / "import-mappings"
IBM = "ibm/WA_Fn-UseC_-Accounts-Receivable.csv"
IBM_EXCEL = "ibm/variants/pbifinanceml__WA_Fn-UseC_-Accounts-Receivable.csv"
IBM_MISSING = "ibm/variants/WA_Fn-UseC_-Accounts-Receivable_with_missing.csv"
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
PERIODS = ((1, 30), (31, 60), (61, 90), (91, 120), (121, None))
TABLES = (Customer, CustomerTransaction, Settlement, SettlementLine, CollectionStatusChange)


def data(name: str) -> Path:
    """A file of the shared sample ledgers (``ar/``)."""
    return shared_file(f"ar/{name}")


def ibm_mapping():
    return load_receivables_mapping(MAPPINGS / "ibm-accounts-receivable.toml")


def cassandra_mapping():
    return load_receivables_mapping(MAPPINGS / "cassandra-udyam2022.toml")


def run_import(database: Database, path: Path, mapping=None):
    with database.sessions.begin() as session:
        return import_receivables(session, path, mapping or ibm_mapping(), NOW)


def counts(database: Database) -> dict[str, int]:
    with database.sessions() as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table))
            for table in TABLES
        }


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def us_date(text: str) -> dt.date:
    month, day, year = (int(part) for part in text.split("/"))
    return dt.date(year, month, day)


def expected_ibm(rows: list[dict[str, str]], as_of: dt.date) -> dict[str, tuple[D, ...]]:
    """Per customer: (balance, current, 1-30, 31-60, 61-90, 91-120, over 120) on ``as_of``.

    Open = invoiced on or before ``as_of`` and settled after it; aged by days past due.
    """
    figures: dict[str, list[D]] = defaultdict(lambda: [D(0)] * 7)
    for row in rows:
        if not us_date(row["InvoiceDate"]) <= as_of < us_date(row["SettledDate"]):
            continue
        amount = D(row["InvoiceAmount"])
        days = (as_of - us_date(row["DueDate"])).days
        column = (
            1
            if days <= 0
            else 2
            + next(
                i
                for i, (low, high) in enumerate(PERIODS)
                if low <= days and (high is None or days <= high)
            )
        )
        figures[row["customerID"]][0] += amount
        figures[row["customerID"]][column] += amount
    return {account: tuple(values) for account, values in figures.items()}


def check_ibm_books(database: Database, as_of: dt.date) -> None:
    """Balances and aging columns of every customer equal the CSV's own figures."""
    expected = expected_ibm(read_csv(data(IBM)), as_of)
    with database.sessions() as session:
        definition = load_definition(session)
        customers = dict(session.execute(select(Customer.account, Customer.id)).all())
        assert len(customers) == 100
        for account, customer_id in customers.items():
            balance, *columns = expected.get(account, (D(0),) * 7)
            assert ledger_balances.balance(session, customer_id, as_of) == balance, account
            aging = age_customer(session, customer_id, as_of, definition)
            assert aging.columns == (*columns, D(0)), account
        assert company_summary(session, as_of).balance == sum(
            (figures[0] for figures in expected.values()), D(0)
        )
        # The whole-company aggregate that snapshots store gives the same figures.
        result = age_customers(session, as_of, company_scope(session))
        assert {row.account: (row.balance, *row.columns) for row in result.rows} == {
            account: (*figures, D(0)) for account, figures in expected.items()
        }


# --- the IBM sample -------------------------------------------------------------------


@pytest.mark.parametrize("name", [IBM, IBM_EXCEL], ids=["canonical", "excel-variant"])
def test_ibm_sample_gives_the_csv_balances_and_aging(sqlite_db: Database, name: str) -> None:
    result = run_import(sqlite_db, data(name))
    assert (result.rows, result.customers_created, result.invoices) == (2466, 100, 2466)
    assert (result.payments, result.settlements, result.disputed) == (2466, 2466, 561)
    assert (result.credit_notes, result.already_imported) == (0, 0)
    for as_of in (dt.date(2012, 9, 15), dt.date(2013, 6, 30), dt.date(2014, 1, 9)):
        check_ibm_books(sqlite_db, as_of)
    with sqlite_db.sessions() as session:
        disputed = session.scalar(
            select(func.count())
            .select_from(CustomerTransaction)
            .where(CustomerTransaction.collection_status == "disputed")
        )
        history = session.execute(
            select(CollectionStatusChange.from_status, CollectionStatusChange.to_status)
        ).all()
        assert disputed == 561
        assert Counter(history) == {("none", "disputed"): 561}
        groups = Counter(session.scalars(select(Customer.customer_group)))
        assert set(groups) == {"391", "406", "770", "818", "897"}


def test_second_import_and_the_excel_variant_add_nothing(sqlite_db: Database) -> None:
    run_import(sqlite_db, data(IBM))
    before = counts(sqlite_db)
    assert before["customer_transactions"] == 2 * 2466
    for name in (IBM, IBM_EXCEL):
        again = run_import(sqlite_db, data(name))
        assert again.already_imported == 2466
        assert (again.customers_created, again.invoices, again.payments) == (0, 0, 0)
        assert (again.settlements, again.disputed) == (0, 0)
        assert counts(sqlite_db) == before
    assert "2,466 rows were already imported" in again.describe()
    with sqlite_db.sessions() as session:
        stored = session.scalar(
            select(CustomerTransaction.document_number).where(
                CustomerTransaction.document_number == "0000611365"
            )
        )
    assert stored == "0000611365"  # the first import's number, zeros kept


def test_contradicting_rows_of_the_dirty_copy_write_nothing(sqlite_db: Database) -> None:
    canonical = read_csv(data(IBM))
    country = {row["customerID"]: row["countryCode"] for row in canonical}
    dirty = read_csv(data(IBM_MISSING))
    invented = [n for n, row in enumerate(dirty, start=2) if not row["PaperlessDate"]]
    contradicting = {
        n for n in invented if dirty[n - 2]["countryCode"] != country[dirty[n - 2]["customerID"]]
    }
    assert (len(invented), len(contradicting)) == (120, 101)
    before = counts(sqlite_db)

    with pytest.raises(ImportRejected) as caught:
        run_import(sqlite_db, data(IBM_MISSING))

    problems = caught.value.problems
    assert {p.row for p in problems} == contradicting
    assert {p.column for p in problems} == {"countryCode"}
    first = problems[0].describe()
    assert first == (
        "Row 3, countryCode “897”: contradicts row 58, where customer 9174-IYKOC has "
        "“391” (as on 31 rows in all)."
    )
    report = str(caught.value).splitlines()
    assert report[0].endswith("101 rows cannot be imported; nothing was written.")
    assert report[1] == first
    assert report[-1] == "… and 51 more problems."
    assert len(report) == 52
    assert counts(sqlite_db) == before


# --- the Cassandra ledger (partial payments) --------------------------------------------


@pytest.mark.parametrize(
    ("name", "outstanding", "open_rows"),
    [("trainData.csv", D("739976.92"), 634), ("testData.csv", D("190592.49"), 84)],
)
def test_cassandra_outstanding_after_partial_payments(
    sqlite_db: Database, name: str, outstanding: D, open_rows: int
) -> None:
    rows = read_csv(data(f"cassandra_udyam2022/{name}"))
    assert sum((D(row["Outstanding"]) for row in rows), D(0)) == outstanding
    assert sum(1 for row in rows if D(row["Outstanding"]) > 0) == open_rows
    result = run_import(sqlite_db, data(f"cassandra_udyam2022/{name}"), cassandra_mapping())
    assert result.invoices == len(rows)
    assert result.customers_created == len({row["Vendor_Name"] for row in rows})
    assert result.settlements == sum(1 for row in rows if D(row["Settled"]) > 0)
    settled_on = dt.date(2017, 11, 6)  # the mapping's [defaults] settled_date
    with sqlite_db.sessions() as session:
        summary = company_summary(session, settled_on)
        assert summary.balance == outstanding
        assert summary.open_transactions == open_rows
        # the day before, nothing was paid yet
        amounts = sum((D(row["Amount"]) for row in rows), D(0))
        assert company_summary(session, settled_on - dt.timedelta(days=1)).balance == amounts
        per_customer: dict[str, D] = defaultdict(D)
        for row in rows:
            per_customer[row["Vendor_Name"]] += D(row["Outstanding"])
        largest = sorted(per_customer, key=lambda k: per_customer[k], reverse=True)[:25]
        ids = dict(
            session.execute(
                select(Customer.account, Customer.id).where(Customer.account.in_(largest))
            ).all()
        )
        for account in largest:
            assert (
                ledger_balances.balance(session, ids[account], settled_on) == per_customer[account]
            )
        numbers = session.scalars(
            select(CustomerTransaction.document_number)
            .where(CustomerTransaction.type == "invoice")
            .order_by(CustomerTransaction.voucher)
            .limit(2)
        ).all()
        assert numbers == ["CU-2", "CU-3"]  # row-based keys: the same file maps the same way
    if name == "testData.csv":
        again = run_import(sqlite_db, data(f"cassandra_udyam2022/{name}"), cassandra_mapping())
        assert (again.already_imported, again.invoices) == (len(rows), 0)


# --- XLSX -----------------------------------------------------------------------------


def write_ibm_workbook(path: Path, extra_rows: list[list[object]] = ()) -> None:
    """The IBM CSV as Excel would save it: numbers as numbers, dates as dates, no zeros."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.create_sheet("Notes").append(["Exported from the billing system"])
    sheet = workbook.create_sheet("Invoices")
    with data(IBM).open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        sheet.append(next(reader))
        for row in reader:
            (country, customer, paperless, number, invoiced, due, amount) = row[:7]
            disputed, settled, bill, days, late = row[7:]
            sheet.append(
                [
                    int(country),
                    customer,
                    dt.datetime.combine(us_date(paperless), dt.time()),
                    int(number),
                    dt.datetime.combine(us_date(invoiced), dt.time()),
                    dt.datetime.combine(us_date(due), dt.time()),
                    float(amount),
                    disputed,
                    dt.datetime.combine(us_date(settled), dt.time()),
                    bill,
                    int(days),
                    int(late),
                ]
            )
        for extra in extra_rows:
            sheet.append(extra)
    workbook.save(path)


def xlsx_mapping():
    text = (MAPPINGS / "ibm-accounts-receivable.toml").read_text(encoding="utf-8")
    return parse_mapping(
        text.replace("[source]\n", '[source]\nsheet = "Invoices"\n'),
        fields=FIELDS,
        required=REQUIRED,
    )


def test_xlsx_built_from_the_csv_gives_the_same_books(sqlite_db: Database, tmp_path: Path) -> None:
    workbook = tmp_path / "receivables.xlsx"
    write_ibm_workbook(workbook)
    result = run_import(sqlite_db, workbook, xlsx_mapping())
    assert (result.rows, result.customers_created, result.invoices) == (2466, 100, 2466)
    assert (result.settlements, result.disputed) == (2466, 561)
    check_ibm_books(sqlite_db, dt.date(2013, 6, 30))
    before = counts(sqlite_db)
    assert run_import(sqlite_db, data(IBM)).already_imported == 2466
    assert counts(sqlite_db) == before


def test_xlsx_floats_with_more_decimals_than_the_currency_are_refused(
    sqlite_db: Database, tmp_path: Path
) -> None:
    workbook = tmp_path / "receivables.xlsx"
    day = dt.datetime(2013, 5, 2)
    extra = [391, "0379-NEVHP", day, 42, day, day, 10 / 3, "No", day, "Paper", 0, 0]
    write_ibm_workbook(workbook, [extra])
    with pytest.raises(ImportRejected) as caught:
        run_import(sqlite_db, workbook, xlsx_mapping())
    assert [p.describe() for p in caught.value.problems] == [
        "Row 2468, InvoiceAmount “3.333333333333333”: more decimals than EUR has "
        "(2 decimal places)."
    ]
    assert counts(sqlite_db)["customers"] == 0


# --- bad input ------------------------------------------------------------------------


HEADER = (
    "customerID,countryCode,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate"
)


def small_csv(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "small.csv"
    path.write_text("\r\n".join([HEADER, *lines]) + "\r\n", encoding="utf-8")
    return path


def test_every_bad_row_is_reported_and_nothing_written(sqlite_db: Database, tmp_path: Path) -> None:
    path = small_csv(
        tmp_path,
        "A-1,391,0001,1/2/2013,2/1/2013,55.94,No,1/15/2013",  # row 2: good
        "A-1,391,0002,13/45/2013,2/1/2013,10,No,",  # 3: bad date
        "A-1,391,0003,1/2/2013,2/1/2013,12.345,No,",  # 4: too many decimals
        "A-1,391,0004,1/2/2013,2/1/2013,abc,No,",  # 5: not an amount
        ",391,0005,1/2/2013,2/1/2013,10,No,",  # 6: no customer
        "A-1,391,0006,1/2/2013,12/1/2012,10,No,",  # 7: due before the document date
        "A-1,391,0007,1/2/2013,2/1/2013,10,No,1/1/2013",  # 8: settled before it
        "A-1,391,1,1/2/2013,2/1/2013,55.94,No,1/15/2013",  # 9: row 2 again, without zeros
        "A-1,391,0009,1/2/2013,2/1/2013,10,maybe,",  # 10: not a flag
        "A-1,391,0010,1/2/2013,2/1/2013,0,No,",  # 11: zero
        "A-1,391,0011,1/2/2013,2/1/2013,10,No,,surplus",  # 12: one value too many
    )
    with pytest.raises(ImportRejected) as caught:
        run_import(sqlite_db, path)
    assert [p.describe() for p in caught.value.problems] == [
        "Row 3, InvoiceDate “13/45/2013”: not a date in the form MM/DD/YYYY.",
        "Row 4, InvoiceAmount “12.345”: more decimals than EUR has (2 decimal places).",
        "Row 5, InvoiceAmount “abc”: not an amount.",
        "Row 6, customerID: a value is required.",
        "Row 7, DueDate “12/1/2012”: the due date is before the document date Jan 2, 2013.",
        "Row 8, SettledDate “1/1/2013”: the settled date is before the document date Jan 2, 2013.",
        "Row 9, invoiceNumber “1”: the same document of customer A-1 is on row 2.",
        "Row 10, Disputed “maybe”: write yes, true or 1 (disputed) or no, false or 0 "
        "(not disputed).",
        "Row 11, InvoiceAmount “0”: a document cannot be for zero.",
        "Row 12, the row: it has 9 values but the header names 8 columns; does a value hold "
        "the delimiter without quotes?",
    ]
    assert (
        str(caught.value)
        .splitlines()[0]
        .endswith("small.csv: 10 rows cannot be imported; nothing was written.")
    )
    assert set(counts(sqlite_db).values()) == {0}


def test_rows_that_contradict_the_database_are_refused(sqlite_db: Database, tmp_path: Path) -> None:
    run_import(sqlite_db, data(IBM))
    before = counts(sqlite_db)
    path = small_csv(
        tmp_path,
        "0379-NEVHP,391,611365,1/2/2013,2/1/2013,55.95,No,1/15/2013",  # amount differs
        "8976-AMJEO,406,0007900770,1/26/2013,2/25/2013,61.74,Yes,3/2/2013",  # settled 3/3
        "0465-DTULQ,391,999,1/2/2013,2/1/2013,10,No,",  # the customer's group is 770
        "NEW-1,391,1,1/2/2013,2/1/2013,10,No,",  # would be fine on its own
    )
    with pytest.raises(ImportRejected) as caught:
        run_import(sqlite_db, path)
    assert [p.describe() for p in caught.value.problems] == [
        "Row 2, InvoiceAmount “55.95”: document 0000611365 is already in the database "
        "(V-00000001) with 55.94.",
        "Row 3, SettledDate “3/2/2013”: document 0007900770 is already in the database "
        "(V-00000002) with 0.00 settled by Mar 2, 2013.",
        "Row 4, countryCode “391”: customer 0465-DTULQ has “770” in the database; change it "
        "there or in the file.",
    ]
    assert counts(sqlite_db) == before


def test_credit_notes_partial_settlement_and_money_formats(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "semicolons.csv"
    path.write_text(
        "Kunde;Nr;Datum;Betrag;Bezahlt;Land\n"
        "K1;R1;02.01.2013;1.234,50;234,50;DE\n"
        "K1;G1;03.01.2013;-34,50;;de\n"
        "K2;R1;04.01.2013;99;0;AT\n",
        encoding="cp1252",
    )
    mapping = parse_mapping(
        """
        [columns]
        customer_account = "Kunde"
        document_number = "Nr"
        document_date = "Datum"
        amount = "Betrag"
        settled_amount = "Bezahlt"
        country = "Land"
        [defaults]
        settled_date = 2013-02-01
        """,
        fields=FIELDS,
        required=REQUIRED,
    )
    result = run_import(sqlite_db, path, mapping)
    assert (result.invoices, result.credit_notes, result.settlements) == (2, 1, 1)
    with sqlite_db.sessions() as session:
        ids = dict(session.execute(select(Customer.account, Customer.id)).all())
        countries = set(session.scalars(select(Customer.country)))
        k1 = ledger_balances.open_items(session, ids["K1"], dt.date(2013, 2, 1))
        assert countries == {"DE", "AT"}
        assert [(i.document_number, i.type, i.open_amount) for i in k1] == [
            ("R1", "invoice", D("1000.00")),
            ("G1", "credit_note", D("-34.50")),
        ]
        assert ledger_balances.balance(session, ids["K1"], dt.date(2013, 1, 31)) == D("1200.00")
        assert ledger_balances.balance(session, ids["K2"], dt.date(2013, 2, 1)) == D("99.00")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[columns\ncustomer_account = 'x'", "is not valid TOML"),
        ("[columns]\ncustomer_acount = 'A'", "[columns] customer_acount is not a field"),
        ("[colums]\n", "Unknown section [colums]"),
        ("[columns]\ncustomer_account = 'A'", "Required fields are not mapped: document_number"),
        ("[source]\ndate_format = 'DD/MM/YYYY'", "is not a date format"),
        ("[source]\ndelimiter = ';;'", "delimiter must be one character"),
        ("[source]\nencoding = 'klingon'", "is not an encoding Python knows"),
        ("[columns]\ndocument_number = 'INV-{No'", "is not a valid template"),
        ("[columns]\ndocument_number = '{row:q}'", "is not a valid template"),
        ("[defaults]\namount = [1, 2]", "must be a single value"),
    ],
)
def test_malformed_mappings_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, fields=FIELDS, required=REQUIRED)
    assert message in str(caught.value)


def test_an_unknown_header_names_the_columns_there_are(sqlite_db: Database, tmp_path: Path) -> None:
    mapping = parse_mapping(
        (MAPPINGS / "ibm-accounts-receivable.toml")
        .read_text(encoding="utf-8")
        .replace('"invoiceNumber"', '"InvoiceNo"'),
        fields=FIELDS,
        required=REQUIRED,
    )
    with pytest.raises(ImportInputError) as caught:
        run_import(sqlite_db, data(IBM), mapping)
    message = str(caught.value)
    assert "has no column “InvoiceNo”" in message
    assert "“invoiceNumber”" in message
    with pytest.raises(ImportInputError, match="No such file"):
        run_import(sqlite_db, tmp_path / "missing.csv")


def test_ambiguous_dates_need_a_date_format(sqlite_db: Database, tmp_path: Path) -> None:
    path = small_csv(tmp_path, "A-1,391,1,1/2/2013,2/3/2013,10,No,")
    text = (MAPPINGS / "ibm-accounts-receivable.toml").read_text(encoding="utf-8")
    mapping = parse_mapping(
        text.replace('date_format = "%m/%d/%Y"\n', ""), fields=FIELDS, required=REQUIRED
    )
    with pytest.raises(ImportInputError, match="can be read as DD/MM/YYYY or as MM/DD/YYYY"):
        run_import(sqlite_db, path, mapping)
    # one unambiguous date is enough to settle the format of the column
    path = small_csv(
        tmp_path, "A-1,391,1,1/2/2013,2/3/2013,10,No,", "A-1,391,2,1/2/2013,2/13/2013,10,No,"
    )
    assert run_import(sqlite_db, path, mapping).invoices == 2


@pytest.mark.parametrize(
    ("cell", "separator", "expected"),
    [
        ("1,234.56", ".", D("1234.56")),
        ("1.234,56", ",", D("1234.56")),
        ("(12.50)", ".", D("-12.50")),
        ("38.0", ".", D("38.0")),
        (55.94, ".", D("55.94")),
        (128.28, ".", D("128.28")),
        (7, ".", D("7")),
    ],
)
def test_money_is_read_exactly(cell: object, separator: str, expected: D) -> None:
    assert parse_money(cell, separator, 2, "EUR") == expected


@pytest.mark.parametrize("cell", ["12,5", "1,23.4", "1e400", True, float("nan")])
def test_money_that_is_not_money_is_refused(cell: object) -> None:
    with pytest.raises(BadValue):
        parse_money(cell, ".", 2, "EUR")


def test_numbers_match_with_and_without_leading_zeros() -> None:
    assert number_key("0000611365") == number_key("611365") == "611365"
    assert number_key("000") == "0"
    assert number_key("INV-007") == "INV-007"


# --- PostgreSQL -------------------------------------------------------------------------


@pytest.mark.postgres
def test_import_on_postgresql(pg_db: Database) -> None:
    result = run_import(pg_db, data(IBM_EXCEL))
    assert (result.customers_created, result.invoices, result.settlements) == (100, 2466, 2466)
    check_ibm_books(pg_db, dt.date(2013, 6, 30))
    before = counts(pg_db)
    assert run_import(pg_db, data(IBM)).already_imported == 2466
    with pytest.raises(ImportRejected):
        run_import(pg_db, data(IBM_MISSING))
    assert counts(pg_db) == before
