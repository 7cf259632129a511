"""Reading a CSV or XLSX file into a header and numbered rows of cells.

Row numbers are the ones a spreadsheet shows (the header is row 1), so a report can say
"row 2470" and the user finds it. CSV cells are text; XLSX cells keep the types openpyxl
reads (numbers, dates), which the import converts carefully (a float is never money).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from collections_desktop.i18n import _
from collections_desktop.models.importers import ImportInputError
from collections_desktop.models.importers.mapping import Cell, Source

_DELIMITERS = (",", ";", "\t", "|")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"


class FileReadError(ImportInputError):
    """The file cannot be read: missing, not text, not a workbook, no header row."""


@dataclass(frozen=True)
class Table:
    """A file's header and its non-blank rows, each with its row number."""

    headers: tuple[str, ...]
    rows: Sequence[tuple[int, tuple[Cell, ...]]]


def read_table(path: Path, source: Source) -> Table:
    """Read ``path`` as XLSX (by its name or content) or else as CSV."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FileReadError(
            _("Cannot read {path}: {reason}").format(path=path, reason=error.strerror or error)
        ) from None
    if path.suffix.lower() == ".xls":
        raise FileReadError(
            _("{path} is an old Excel file (.xls); save it as .xlsx or CSV first.").format(
                path=path
            )
        )
    if path.suffix.lower() in _XLSX_SUFFIXES or data.startswith(_ZIP_MAGIC):
        return _read_xlsx(path, source)
    return _read_csv(path, data, source)


def _read_csv(path: Path, data: bytes, source: Source) -> Table:
    if b"\x00" in data:
        raise FileReadError(_("{path} is not a text (CSV) file.").format(path=path))
    encoding = source.encoding or _sniff_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise FileReadError(
            _(
                "{path} is not in the encoding {encoding} (byte {position}); "
                "set encoding in [source] of the mapping."
            ).format(path=path, encoding=encoding, position=error.start + 1)
        ) from None
    text = text.removeprefix("\ufeff")
    delimiter = source.delimiter or _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise FileReadError(
            _("{path}, line {line}: {reason}").format(path=path, line=reader.line_num, reason=error)
        ) from None
    return _table(path, records)


def _read_xlsx(path: Path, source: Source) -> Table:
    # openpyxl is imported here: only XLSX imports pay for it.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise FileReadError(
            _("{path} is not an Excel workbook (.xlsx): {reason}").format(path=path, reason=error)
        ) from None
    try:
        if source.sheet is None:
            sheet = workbook.worksheets[0]
        elif source.sheet in workbook.sheetnames:
            sheet = workbook[source.sheet]
        else:
            raise FileReadError(
                _("{path} has no sheet “{sheet}”; its sheets are: {sheets}.").format(
                    path=path, sheet=source.sheet, sheets=", ".join(workbook.sheetnames)
                )
            )
        records = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(path, records)


def _table(path: Path, records: Sequence[Sequence[Cell]]) -> Table:
    if not records or all(_blank(cell) for cell in records[0]):
        raise FileReadError(
            _("{path} has no header row (row 1 must name the columns).").format(path=path)
        )
    headers = tuple("" if cell is None else str(cell).strip() for cell in records[0])
    rows = [
        (number, tuple(record))
        for number, record in enumerate(records[1:], start=2)
        if not all(_blank(cell) for cell in record)
    ]
    return Table(headers, rows)


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _sniff_encoding(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) when the bytes are valid UTF-8, else the
    Windows code page Excel writes on Western European systems."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _sniff_delimiter(text: str) -> str:
    """The candidate seen most often in the header line (comma when there is none)."""
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in _DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","
