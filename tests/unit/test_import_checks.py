"""The import's guards on values, encodings, messages, templates, and reading in chunks.

Small files written here, in the style of test_receivables_import.py: each test says what
a user's file holds and what the import answers, and that nothing was written.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from collections_desktop.models.db.database import Database
from collections_desktop.models.importers import ImportInputError
from collections_desktop.models.importers.mapping import MappingError, parse_mapping
from collections_desktop.models.importers.receivables.fields import FIELDS, REQUIRED
from collections_desktop.models.importers.receivables.problems import PROBLEMS_KEPT, ImportRejected
from collections_desktop.models.importers.receivables.write import import_receivables
from collections_desktop.models.importers.values import BadValue, parse_money
from tests.unit.test_receivables_import import (
    HEADER,
    NOW,
    counts,
    ibm_mapping,
    run_import,
    small_csv,
)

GOOD = "A-1,391,0001,1/2/2013,2/1/2013,55.94,No,1/15/2013"


def mapping(extra: str = ""):
    """The IBM sample's mapping, with lines added to it."""
    from tests.unit.test_receivables_import import MAPPINGS

    text = (MAPPINGS / "ibm-accounts-receivable.toml").read_text(encoding="utf-8")
    return parse_mapping(text.replace("[source]\n", "[source]\n" + extra), fields=FIELDS,
                         required=REQUIRED)  # fmt: skip


def nothing_written(database: Database) -> bool:
    return set(counts(database).values()) == {0}


# --- amounts in scientific notation -----------------------------------------------------


@pytest.mark.parametrize("text", ["1.23457E+11", "1e3", "-2.5e2", "1,5E+3"])
def test_scientific_notation_is_refused_with_a_hint_about_excel(text: str) -> None:
    with pytest.raises(BadValue, match=r"scientific notation.*Excel"):
        parse_money(text, ".", 2, "EUR")


def test_rows_with_scientific_amounts_name_row_and_column(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = small_csv(
        tmp_path,
        GOOD,
        "A-1,391,0002,1/2/2013,2/1/2013,1.23457E+11,No,",
        "A-1,391,0003,1/2/2013,2/1/2013,1e3,No,",
    )
    with pytest.raises(ImportRejected) as caught:
        run_import(sqlite_db, path)
    lines = [p.describe() for p in caught.value.problems]
    assert [line.split(":")[0] for line in lines] == [
        "Row 3, InvoiceAmount “1.23457E+11”",
        "Row 4, InvoiceAmount “1e3”",
    ]
    assert all("Excel turned the column into it" in line for line in lines)
    assert nothing_written(sqlite_db)


# --- dates outside a plausible range ----------------------------------------------------


def test_dates_in_year_1_or_9999_are_refused_naming_row_and_column(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = small_csv(
        tmp_path,
        GOOD,
        "A-1,391,0002,1/2/0001,1/2/2013,10,No,",
        "A-1,391,0003,1/2/2013,2/1/2013,10,No,12/31/9999",
    )
    with pytest.raises(ImportRejected) as caught:
        run_import(sqlite_db, path)
    assert [p.describe() for p in caught.value.problems] == [
        "Row 3, InvoiceDate “1/2/0001”: outside the dates an import accepts, Jan 1, 1990 to "
        "Nov 23, 2036; if it is right, set earliest_date or latest_date in [source] of the "
        "mapping.",
        "Row 4, SettledDate “12/31/9999”: outside the dates an import accepts, Jan 1, 1990 to "
        "Nov 23, 2036; if it is right, set earliest_date or latest_date in [source] of the "
        "mapping.",
    ]
    assert nothing_written(sqlite_db)


def test_the_mapping_can_widen_the_range_of_dates(sqlite_db: Database, tmp_path: Path) -> None:
    path = small_csv(tmp_path, "A-1,391,0002,1/2/1985,1/2/1985,10,No,")
    with pytest.raises(ImportRejected, match="Row 2, InvoiceDate"):
        run_import(sqlite_db, path)
    result = run_import(sqlite_db, path, mapping("earliest_date = 1980-01-01\n"))
    assert result.invoices == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('earliest_date = "1990-01-01"\n', "earliest_date must be a date without quotes"),
        ("latest_date = 2000-01-01T10:00:00\n", "latest_date must be a date without quotes"),
        ("earliest_date = 2000-01-01\nlatest_date = 1999-01-01\n", "latest_date is before"),
    ],
)
def test_a_wrong_range_of_dates_in_the_mapping_is_refused(extra: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        mapping(extra)


# --- templates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{row:>200000000}", "a width or precision cannot be more than 200"),
        ("{row:.999999999}", "a width or precision cannot be more than 200"),
        ("{row!r}", "braces take a column's header or row"),
        ("{row:{customerID}}", "braces take a column's header or row"),
    ],
)
def test_templates_take_only_fields_and_a_bounded_width(template: str, message: str) -> None:
    with pytest.raises(MappingError, match="is not a valid template") as caught:
        parse_mapping(
            f"[columns]\ncustomer_account = 'A'\ndocument_number = '{template}'\n"
            "document_date = 'D'\namount = 'X'\n",
            fields=FIELDS,
            required=REQUIRED,
        )
    assert message in str(caught.value)


@pytest.mark.parametrize("template", ["CU-{row}", "CU-{row:06d}", "{row:>200}", "{A}/{B:>3}"])
def test_documented_templates_still_work(template: str) -> None:
    parse_mapping(
        f"[columns]\ncustomer_account = 'A'\ndocument_number = '{template}'\n"
        "document_date = 'D'\namount = 'X'\n",
        fields=FIELDS,
        required=REQUIRED,
    )


# --- encodings --------------------------------------------------------------------------


def write(tmp_path: Path, data: bytes, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def text_of(*lines: str) -> str:
    return "\r\n".join([HEADER, *lines]) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le", "utf-8-sig"])
def test_utf16_and_utf8_with_a_byte_order_mark_are_read(
    sqlite_db: Database, tmp_path: Path, encoding: str
) -> None:
    data = text_of("Ñandú-1,391,0001,1/2/2013,2/1/2013,55.94,No,1/15/2013").encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    elif encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    result = run_import(sqlite_db, write(tmp_path, data))
    assert (result.customers_created, result.invoices) == (1, 1)


def test_utf16_without_a_byte_order_mark_is_named_or_read_when_declared(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, text_of(GOOD).encode("utf-16-le"))
    with pytest.raises(ImportInputError) as caught:
        run_import(sqlite_db, path)
    assert str(caught.value) == (
        f"{path} seems to be in utf-16-le without a byte-order mark; set encoding = "
        '"utf-16-le" in [source] of the mapping.'
    )
    assert run_import(sqlite_db, path, mapping('encoding = "utf-16-le"\n')).invoices == 1


def test_a_file_not_in_the_declared_encoding_says_which_it_seems_to_be(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, text_of(GOOD.replace("A-1", "Façade")).encode("cp1252"))
    with pytest.raises(ImportInputError) as caught:
        run_import(sqlite_db, path, mapping('encoding = "utf-8"\n'))
    assert "is not in the encoding utf-8" in str(caught.value)
    assert 'it seems to be cp1252: set encoding = "cp1252"' in str(caught.value)
    assert nothing_written(sqlite_db)
    # without a declared encoding the Windows code page is sniffed, as before
    assert run_import(sqlite_db, path).customers_created == 1


def test_bytes_windows_1252_lacks_point_to_latin_1(sqlite_db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, text_of(GOOD).encode("ascii") + b"A-2,391,2,1/2/2013,,1,No,\x81\r\n")
    with pytest.raises(ImportInputError) as caught:
        run_import(sqlite_db, path)
    assert "is not in the encoding cp1252" in str(caught.value)
    assert 'it seems to be latin-1: set encoding = "latin-1"' in str(caught.value)


def test_binary_data_is_not_a_csv_file(sqlite_db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, bytes(range(256)) * 20)
    with pytest.raises(ImportInputError, match="is not a text \\(CSV\\) file"):
        run_import(sqlite_db, path)


# --- messages stay short ----------------------------------------------------------------


def test_an_unterminated_quote_gives_a_short_message(sqlite_db: Database, tmp_path: Path) -> None:
    rows = [f"A-1,391,{n:04d},1/2/2013,2/1/2013,10.00,No," for n in range(2, 2000)]
    path = small_csv(tmp_path, GOOD, 'A-1,391,"0001b,1/2/2013,2/1/2013,10,No,', *rows)
    assert path.stat().st_size > 80_000
    with pytest.raises(ImportInputError) as caught:
        run_import(sqlite_db, path)
    message = str(caught.value)
    assert len(message) < 1_000
    assert all(len(line) < 400 for line in message.splitlines())
    assert "Row 3" in message
    assert nothing_written(sqlite_db)


def test_a_quote_that_swallows_more_than_a_cell_can_hold_is_named(
    sqlite_db: Database, tmp_path: Path
) -> None:
    rows = [f"A-1,391,{n:06d},1/2/2013,2/1/2013,10.00,No," for n in range(2, 5000)]
    path = small_csv(tmp_path, GOOD, 'A-1,391,"0001b,1/2/2013,2/1/2013,10,No,', *rows)
    with pytest.raises(ImportInputError) as caught:
        run_import(sqlite_db, path)
    message = str(caught.value)
    assert "a value is longer than 131,072 characters" in message
    assert "never closed" in message
    assert len(message) < 400


def test_many_bad_rows_report_the_first_and_count_the_rest(
    sqlite_db: Database, tmp_path: Path
) -> None:
    rows = [f"A-1,391,{n:05d},1/2/2013,2/1/2013,abc,No," for n in range(1500)]
    path = small_csv(tmp_path, *rows)
    with pytest.raises(ImportRejected) as caught:
        import_receivables_in_chunks(sqlite_db, path, 100)
    rejected = caught.value
    assert (rejected.count, rejected.bad_rows, len(rejected.problems)) == (
        1500,
        1500,
        PROBLEMS_KEPT,
    )
    assert [p.row for p in rejected.problems[:3]] == [2, 3, 4]
    report = str(rejected).splitlines()
    assert report[0].endswith("1,500 rows cannot be imported; nothing was written.")
    assert report[-1] == "… and 1,450 more problems."


def test_a_header_without_rows_is_not_imported(sqlite_db: Database, tmp_path: Path) -> None:
    path = small_csv(tmp_path, ",,,,,,,")
    with pytest.raises(ImportInputError) as caught:
        run_import(sqlite_db, path)
    assert str(caught.value) == f"{path} has a header but no rows; nothing was imported."


# --- reading in chunks ------------------------------------------------------------------


def import_receivables_in_chunks(database: Database, path: Path, rows: int, the_mapping=None):
    with database.sessions.begin() as session:
        return import_receivables(session, path, the_mapping or ibm_mapping(), NOW, chunk_rows=rows)


def test_chunks_find_repeats_and_contradictions_across_them(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = small_csv(
        tmp_path,
        GOOD,
        "B-1,406,0001,1/2/2013,2/1/2013,10,No,",
        "A-1,391,0002,1/2/2013,2/1/2013,10,No,",
        "A-1,770,0003,1/2/2013,2/1/2013,10,No,",  # contradicts rows 2 and 4
        "B-1,406,0002,1/2/2013,2/1/2013,10,No,",
        "A-1,391,1,1/2/2013,2/1/2013,55.94,No,1/15/2013",  # row 2 again
    )
    with pytest.raises(ImportRejected) as caught:
        import_receivables_in_chunks(sqlite_db, path, 2)
    assert [p.describe() for p in caught.value.problems] == [
        "Row 5, countryCode “770”: contradicts row 2, where customer A-1 has “391” (as on "
        "3 rows in all).",
        "Row 7, invoiceNumber “1”: the same document of customer A-1 is on row 2.",
    ]
    assert nothing_written(sqlite_db)


def test_chunks_write_what_one_pass_writes_and_a_bad_last_row_writes_nothing(
    sqlite_db: Database, tmp_path: Path
) -> None:
    lines = [
        f"C-{n % 7},{n % 7},{n:04d},1/{1 + n % 28}/2013,2/{1 + n % 28}/2013,{10 + n}.50,"
        f"{'Yes' if n % 5 == 0 else 'No'},{'3/1/2013' if n % 2 else ''}"
        for n in range(1, 60)
    ]
    bad = small_csv(tmp_path, *lines, "C-1,1,9999,1/2/2013,2/1/2013,1e3,No,")
    with pytest.raises(ImportRejected, match="Row 61"):
        import_receivables_in_chunks(sqlite_db, bad, 4)
    assert nothing_written(sqlite_db)
    good = small_csv(tmp_path, *lines)
    result = import_receivables_in_chunks(sqlite_db, good, 4)
    assert (
        result.rows,
        result.customers_created,
        result.invoices,
        result.payments,
        result.settlements,
        result.disputed,
    ) == (59, 7, 59, 30, 30, 11)
    after = counts(sqlite_db)
    again = import_receivables_in_chunks(sqlite_db, good, 3)
    assert (again.already_imported, again.invoices) == (59, 0)
    assert counts(sqlite_db) == after


def test_a_file_changed_between_check_and_write_is_refused(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections_desktop.models.importers.receivables import plan

    path = small_csv(tmp_path, GOOD)
    checked = plan.Check.finish

    def finish_then_change(self, parser) -> None:  # type: ignore[no-untyped-def]
        checked(self, parser)
        path.write_text(path.read_text(encoding="utf-8") + GOOD.replace("0001", "0002") + "\n")

    monkeypatch.setattr(plan.Check, "finish", finish_then_change)
    with pytest.raises(ImportInputError, match="changed while it was being imported"):
        run_import(sqlite_db, path)
    assert nothing_written(sqlite_db)


def test_formats_are_sniffed_from_the_whole_file_in_one_pass(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "sniffed.csv"
    path.write_text(
        "Kunde;Nr;Datum;Betrag\n"
        + "".join(f"K1;R{n};0{1 + n % 9}.01.2013;1.234,50\n" for n in range(40))
        + "K1;R99;13.01.2013;12,50\n",
        encoding="utf-8",
    )
    the_mapping = parse_mapping(
        "[columns]\ncustomer_account = 'Kunde'\ndocument_number = 'Nr'\n"
        "document_date = 'Datum'\namount = 'Betrag'\n",
        fields=FIELDS,
        required=REQUIRED,
    )
    result = import_receivables_in_chunks(sqlite_db, path, 7, the_mapping)
    assert result.invoices == 41
