"""Reading a CSV or XLSX file as a header and a stream of numbered rows of cells.

Row numbers are the ones a spreadsheet shows (the header is row 1), so a report can say
"row 2470" and the user finds it. CSV cells are text; XLSX cells keep the types openpyxl
reads (numbers, dates), which the import converts carefully (a float is never money).

The rows are streamed, never held all at once, so a file of millions of rows is read in
bounded memory; an import reads them more than once (check, then write), and refuses a
file that changes in between.
"""

from __future__ import annotations

import codecs
import csv
import os
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.models.importers import ImportInputError
from collections_desktop.models.importers.mapping import Cell, Source

_DELIMITERS = (",", ";", "\t", "|")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"
_BLOCK = 1 << 20
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MAX_CELL = csv.field_size_limit()
"""The longest cell the csv module reads (131,072 characters); a longer one is nearly always
a quote that is never closed."""

Record = tuple[int, tuple[Cell, ...]]
"""A row number (as a spreadsheet shows it) and the row's cells."""


class FileReadError(ImportInputError):
    """The file cannot be read: missing, not text, not a workbook, no header row."""


@dataclass(frozen=True)
class Table:
    """A file's header and a way to read its non-blank rows, each with its row number."""

    path: Path
    headers: tuple[str, ...]
    source: Source
    encoding: str | None
    delimiter: str | None
    stamp: tuple[int, int]

    def rows(self) -> Iterator[Record]:
        """The rows after the header, read from the file again on every call."""
        if _stamp(self.path) != self.stamp:
            raise FileReadError(
                _("{path} changed while it was being imported; nothing was written.").format(
                    path=self.path
                )
            )
        if self.encoding is None:
            records = _xlsx_records(self.path, self.source)
        else:
            records = _csv_records(self.path, self.encoding, self.delimiter or ",")
        next(records, None)  # the header
        for number, record in enumerate(records, start=2):
            if not all(_blank(cell) for cell in record):
                yield number, tuple(record)


def read_table(path: Path, source: Source) -> Table:
    """Open ``path`` as XLSX (by its name or content) or else as CSV, and read its header."""
    try:
        with path.open("rb") as file:
            start = file.read(_BLOCK)
        stamp = _stamp(path)
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
    if path.suffix.lower() in _XLSX_SUFFIXES or start.startswith(_ZIP_MAGIC):
        first = next(_xlsx_records(path, source), None)
        return Table(path, _headers(path, first), source, None, None, stamp)
    encoding = _csv_encoding(path, start, source)
    first_line = _first_line(path, encoding)
    delimiter = source.delimiter or _sniff_delimiter(first_line)
    first = next(_csv_records(path, encoding, delimiter), None)
    return Table(path, _headers(path, first), source, encoding, delimiter, stamp)


def _stamp(path: Path) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_size, status.st_mtime_ns


def _headers(path: Path, first: Sequence[Cell] | None) -> tuple[str, ...]:
    if first is None or all(_blank(cell) for cell in first):
        raise FileReadError(
            _("{path} has no header row (row 1 must name the columns).").format(path=path)
        )
    headers = ["" if cell is None else str(cell).strip() for cell in first]
    headers[0] = headers[0].removeprefix("\ufeff").strip()  # a byte-order mark read as text
    return tuple(headers)


# --- CSV ----------------------------------------------------------------------------------


def _csv_records(path: Path, encoding: str, delimiter: str) -> Iterator[Sequence[Cell]]:
    with path.open(encoding=encoding, newline="") as file:
        reader = csv.reader(file, delimiter=delimiter)
        try:
            yield from reader
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise FileReadError(
                    _(
                        "{path}, line {line}: a value is longer than {limit} characters; a "
                        'quote (") that opens a value and is never closed does this.'
                    ).format(path=path, line=reader.line_num, limit=text_formats().count(MAX_CELL))
                ) from None
            raise FileReadError(
                _("{path}, line {line}: {reason}").format(
                    path=path, line=reader.line_num, reason=str(error)[:200]
                )
            ) from None
        except UnicodeDecodeError:
            raise FileReadError(
                _("{path}, after line {line}, is not in the encoding {encoding}; {guess}").format(
                    path=path,
                    line=reader.line_num,
                    encoding=encoding,
                    guess=_guess_message(path, encoding),
                )
            ) from None


def _csv_encoding(path: Path, start: bytes, source: Source) -> str:
    """The encoding of a CSV file: the mapping's, a byte-order mark's, else UTF-8 when
    every byte is valid UTF-8, else the Windows code page Excel writes in Western Europe.
    A file of UTF-16 without a byte-order mark is refused, saying what it seems to be."""
    for bom, encoding in _BOMS:
        if start.startswith(bom) and source.encoding is None:
            return encoding
    if source.encoding is not None:
        return source.encoding
    if b"\x00" in start:
        guessed = _nul_encoding(start)
        if guessed is None:
            raise FileReadError(_("{path} is not a text (CSV) file.").format(path=path))
        raise FileReadError(
            _(
                "{path} seems to be in {encoding} without a byte-order mark; "
                'set encoding = "{encoding}" in [source] of the mapping.'
            ).format(path=path, encoding=guessed)
        )
    return "utf-8" if _valid_utf8(path) else "cp1252"


def _nul_encoding(start: bytes) -> str | None:
    """UTF-16 text of Latin letters has a zero byte in every other place."""
    sample = start[: 4096 - 4096 % 4]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if half and odd > 0.4 * half and even < 0.1 * half:
        return "utf-16-le"
    if half and even > 0.4 * half and odd < 0.1 * half:
        return "utf-16-be"
    return None


def _valid_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as file:
        try:
            while block := file.read(_BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _guess_message(path: Path, failed: str) -> str:
    """What the file seems to be, for a message about a file that is not in ``failed``."""
    with path.open("rb") as file:
        start = file.read(_BLOCK)
    guessed = next((encoding for bom, encoding in _BOMS if start.startswith(bom)), None)
    guessed = guessed or _nul_encoding(start)
    if guessed is None:
        guessed = "utf-8" if _valid_utf8(path) else "cp1252"
    if codecs.lookup(guessed).name == codecs.lookup(failed).name:
        guessed = "latin-1"  # every byte is a character in it: the last resort
    return _('it seems to be {guess}: set encoding = "{guess}" in [source] of the mapping.').format(
        guess=guessed
    )


def _first_line(path: Path, encoding: str) -> str:
    try:
        with path.open(encoding=encoding, newline="") as file:
            return file.readline(1 << 16)
    except UnicodeDecodeError:
        raise FileReadError(
            _("{path} is not in the encoding {encoding}; {guess}").format(
                path=path,
                encoding=encoding,
                guess=_guess_message(path, encoding),
            )
        ) from None


def _sniff_delimiter(header: str) -> str:
    """The candidate seen most often in the header line (comma when there is none)."""
    counts = {delimiter: header.count(delimiter) for delimiter in _DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


# --- XLSX ---------------------------------------------------------------------------------


def _xlsx_records(path: Path, source: Source) -> Iterator[Sequence[Cell]]:
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
        for row in sheet.iter_rows(values_only=True):
            yield tuple(row)
    finally:
        workbook.close()


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
