"""The mapping of an import: which column of the file feeds which field, read from TOML.

A mapping is a small file a user writes by hand (see docs/IMPORT.md)::

    [source]    how to read the file: delimiter, encoding, date_format, decimal_separator, sheet
    [columns]   field = "the file's header", or a template over several columns: "CU-{row}"
    [defaults]  field = a constant, used where the column is absent or the cell is blank

It is checked completely when it is loaded, so a misspelt field or a broken template is
reported before the file is even opened.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import string
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from collections_desktop.i18n import _
from collections_desktop.models.importers import ImportInputError

ROW = "row"
"""The name a template uses for the row number (as a spreadsheet shows it: header = 1)."""

Cell = str | int | float | bool | dt.date | dt.datetime | None
"""A value as a file or a mapping holds it (CSV gives text; XLSX and TOML give types)."""

_SOURCE_KEYS = (
    "delimiter",
    "encoding",
    "date_format",
    "decimal_separator",
    "sheet",
    "earliest_date",
    "latest_date",
)
_DATE_KEYS = ("earliest_date", "latest_date")
MAX_WIDTH = 200
"""The widest a template's field may be padded (``{row:>8}``): the longest field is 200."""
_SPEC = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d+)?[,_]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?"
)
"""A standard format spec: fill and align, sign, width, grouping, precision, type."""
_SECTIONS = ("source", "columns", "defaults")


class MappingError(ImportInputError):
    """The mapping file is missing, is not TOML, or names unknown fields or options."""


@dataclass(frozen=True)
class Source:
    """How to read the file; ``None`` means sniffed from the file or the usual default."""

    delimiter: str | None = None
    encoding: str | None = None
    date_format: str | None = None
    decimal_separator: str | None = None
    sheet: str | None = None
    earliest_date: dt.date | None = None
    latest_date: dt.date | None = None


@dataclass(frozen=True)
class Column:
    """Where a field's value comes from in each row: one header, or a template over several."""

    text: str
    headers: tuple[str, ...]
    is_template: bool

    def value(self, cells: Mapping[str, str], row: int) -> str:
        """The template filled in with one row's cell texts and its row number."""
        return string.Formatter().vformat(self.text, (), {**cells, ROW: row})


@dataclass(frozen=True)
class ImportMapping:
    """A checked mapping: how to read the file, and where each field comes from."""

    source: Source = field(default_factory=Source)
    columns: Mapping[str, Column] = field(default_factory=dict)
    defaults: Mapping[str, Cell] = field(default_factory=dict)
    path: Path | None = None

    @property
    def headers(self) -> set[str]:
        """Every header of the file the mapping reads."""
        return {header for column in self.columns.values() for header in column.headers}

    def fields(self) -> set[str]:
        """Every field the mapping gives a value for."""
        return set(self.columns) | set(self.defaults)


def load_mapping(
    path: Path | str, *, fields: Collection[str], required: Collection[str]
) -> ImportMapping:
    """Read and check the mapping file at ``path``; raises ``MappingError`` saying what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(
            _("Cannot read the mapping file {path}: {reason}").format(
                path=path, reason=getattr(error, "strerror", None) or error
            )
        ) from None
    return parse_mapping(text, fields=fields, required=required, path=path)


def parse_mapping(
    text: str,
    *,
    fields: Collection[str],
    required: Collection[str],
    path: Path | None = None,
) -> ImportMapping:
    """Check a mapping given as TOML text (``load_mapping`` without the file)."""
    where = str(path) if path else _("the mapping")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(
            _("{where} is not valid TOML: {reason}").format(where=where, reason=error)
        ) from None
    problems: list[str] = []
    for section in document:
        if section not in _SECTIONS:
            problems.append(
                _(
                    "Unknown section [{section}]; a mapping has [source], [columns], [defaults]."
                ).format(section=section)
            )
    source = _source(_table(document, "source", problems), problems)
    columns = {}
    for name, value in _table(document, "columns", problems).items():
        if _known_field(name, "columns", fields, problems):
            if not isinstance(value, str) or not value.strip():
                problems.append(
                    _("[columns] {field} must name a column of the file, in quotes.").format(
                        field=name
                    )
                )
                continue
            column = _column(name, value, problems)
            if column is not None:
                columns[name] = column
    defaults: dict[str, Cell] = {}
    for name, value in _table(document, "defaults", problems).items():
        if _known_field(name, "defaults", fields, problems):
            # TOML values are text, numbers, booleans, dates, times, arrays and tables.
            if not isinstance(value, str | int | float | bool | dt.date):
                problems.append(
                    _("[defaults] {field} must be a single value (text, number, date).").format(
                        field=name
                    )
                )
                continue
            defaults[name] = value
    missing = [name for name in required if name not in columns and name not in defaults]
    if missing:
        problems.append(
            _("Required fields are not mapped: {fields} (add them to [columns]).").format(
                fields=", ".join(missing)
            )
        )
    if problems:
        raise MappingError(
            _("{where} cannot be used:").format(where=where)
            + "".join(f"\n  {problem}" for problem in problems)
        )
    return ImportMapping(source=source, columns=columns, defaults=defaults, path=path)


def describe_date_format(date_format: str) -> str:
    """A strptime format the way people write it: ``%m/%d/%Y`` → ``MM/DD/YYYY``."""
    for directive, shown in (
        ("%d", "DD"),
        ("%m", "MM"),
        ("%Y", "YYYY"),
        ("%y", "YY"),
        ("%b", "Mon"),
        ("%B", "Month"),
        ("%H", "hh"),
        ("%M", "mm"),
        ("%S", "ss"),
    ):
        date_format = date_format.replace(directive, shown)
    return date_format


# --- checks ---------------------------------------------------------------------------


def _table(document: dict[str, object], name: str, problems: list[str]) -> dict[str, object]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        problems.append(_("[{section}] must be a table of key = value lines.").format(section=name))
        return {}
    return value


def _known_field(name: str, section: str, fields: Collection[str], problems: list[str]) -> bool:
    if name in fields:
        return True
    problems.append(
        _("[{section}] {field} is not a field; the fields are: {fields}.").format(
            section=section, field=name, fields=", ".join(fields)
        )
    )
    return False


def _column(name: str, text: str, problems: list[str]) -> Column | None:
    """A header, or a template when the text holds ``{...}`` (``{{`` writes a brace)."""
    if "{" not in text and "}" not in text:
        return Column(text.strip(), (text.strip(),), is_template=False)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as error:
        problems.append(
            _("[columns] {field} = “{text}” is not a valid template: {reason}.").format(
                field=name, text=text, reason=error
            )
        )
        return None
    for _literal, name_in_text, spec, conversion in parts:
        if name_in_text is None:
            continue
        match = _SPEC.fullmatch(spec or "")
        if conversion or "{" in (spec or "") or match is None:
            problems.append(
                _(
                    "[columns] {field} = “{text}” is not a valid template: braces take a "
                    "column's header or row, and a format such as {{row:06d}}."
                ).format(field=name, text=text)
            )
            return None
        if any(int(match[part] or 0) > MAX_WIDTH for part in ("width", "precision")):
            problems.append(
                _(
                    "[columns] {field} = “{text}” is not a valid template: a width or "
                    "precision cannot be more than {limit}."
                ).format(field=name, text=text, limit=MAX_WIDTH)
            )
            return None
    headers = tuple(dict.fromkeys(p[1] for p in parts if p[1] is not None and p[1] != ROW))
    for header in headers:
        if not header or any(c in header for c in ".[]"):
            problems.append(
                _(
                    "[columns] {field} = “{text}”: put a column's header between braces, "
                    "e.g. {{Invoice No}}; headers with . [ or ] cannot be used in a template."
                ).format(field=name, text=text)
            )
            return None
    column = Column(text, headers, is_template=True)
    try:
        column.value(dict.fromkeys(headers, "x"), 2)
    except (ValueError, KeyError, IndexError) as error:
        problems.append(
            _("[columns] {field} = “{text}” is not a valid template: {reason}.").format(
                field=name, text=text, reason=error
            )
        )
        return None
    return column


def _source(table: dict[str, object], problems: list[str]) -> Source:
    values: dict[str, str] = {}
    dates: dict[str, dt.date] = {}
    for key, value in table.items():
        if key not in _SOURCE_KEYS:
            problems.append(
                _("[source] {key} is not an option; the options are: {keys}.").format(
                    key=key, keys=", ".join(_SOURCE_KEYS)
                )
            )
        elif key in _DATE_KEYS:
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                dates[key] = value
            else:
                problems.append(
                    _("[source] {key} must be a date without quotes, e.g. 1990-01-01.").format(
                        key=key
                    )
                )
        elif not isinstance(value, str) or not value:
            problems.append(_("[source] {key} must be text in quotes.").format(key=key))
        else:
            values[key] = value
    delimiter = values.get("delimiter")
    if delimiter is not None:
        delimiter = "\t" if delimiter.lower() == "tab" else delimiter
        if len(delimiter) != 1:
            problems.append(
                _("[source] delimiter must be one character (or “tab”), not “{value}”.").format(
                    value=delimiter
                )
            )
    encoding = values.get("encoding")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            problems.append(
                _("[source] encoding “{value}” is not an encoding Python knows.").format(
                    value=encoding
                )
            )
    date_format = values.get("date_format")
    if date_format is not None and not _round_trips(date_format):
        problems.append(
            _(
                "[source] date_format “{value}” is not a date format; write it with "
                "%d, %m, %Y, %y or %b, e.g. “%d/%m/%Y”."
            ).format(value=date_format)
        )
    separator = values.get("decimal_separator")
    if separator is not None and separator not in (".", ","):
        problems.append(
            _("[source] decimal_separator must be “.” or “,”, not “{value}”.").format(
                value=separator
            )
        )
    earliest, latest = dates.get("earliest_date"), dates.get("latest_date")
    if earliest and latest and latest < earliest:
        problems.append(_("[source] latest_date is before earliest_date."))
    return Source(
        delimiter=delimiter,
        encoding=encoding,
        date_format=date_format,
        decimal_separator=separator,
        sheet=values.get("sheet"),
        earliest_date=dates.get("earliest_date"),
        latest_date=dates.get("latest_date"),
    )


def _round_trips(date_format: str) -> bool:
    """Whether a format writes and reads back a date (it names day, month and year)."""
    sample = dt.date(2031, 12, 28)
    try:
        return dt.datetime.strptime(sample.strftime(date_format), date_format).date() == sample
    except ValueError:
        return False
