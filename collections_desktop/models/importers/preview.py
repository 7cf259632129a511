"""What the guided import shows before importing: the file's first rows, as read and as
mapped, and the mapping written back as the TOML a user could have written by hand.

The preview reads only the first rows (``read_table`` streams), so a file of millions of
rows previews at once. It shows each field as the mapping takes it from the row (the
cell, a template filled in, or the default); the import itself checks the values.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from collections_desktop.models.importers.mapping import Cell, ImportMapping, Source
from collections_desktop.models.importers.reading import read_table

PREVIEW_ROWS = 8


@dataclass(frozen=True)
class FilePreview:
    """A file's header and its first rows (row number as a spreadsheet shows it, cells)."""

    path: Path
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def preview_file(
    path: Path | str, source: Source | None = None, limit: int = PREVIEW_ROWS
) -> FilePreview:
    """The header and first ``limit`` rows of ``path`` (raises ``FileReadError``)."""
    table = read_table(Path(path), source or Source())
    rows = tuple(
        (number, tuple(cell_text(cell) for cell in record))
        for number, record in islice(table.rows(), limit)
    )
    return FilePreview(Path(path), table.headers, rows)


def mapped_rows(
    preview: FilePreview, mapping: ImportMapping, fields: Sequence[str]
) -> list[tuple[int, tuple[str, ...]]]:
    """Each previewed row as the mapping fills ``fields`` from it ("" where nothing does)."""
    result = []
    for number, cells in preview.rows:
        by_header = {
            header: cells[position] if position < len(cells) else ""
            for position, header in enumerate(preview.headers)
        }
        values = []
        for name in fields:
            column = mapping.columns.get(name)
            text = ""
            if column is not None:
                try:
                    text = (
                        column.value(by_header, number)
                        if column.is_template
                        else by_header.get(column.text, "")
                    )
                except (KeyError, ValueError, IndexError):
                    text = ""
            if not text.strip() and name in mapping.defaults:
                text = cell_text(mapping.defaults[name])
            values.append(text)
        result.append((number, tuple(values)))
    return result


def mapping_toml(
    columns: Mapping[str, str],
    defaults: Mapping[str, str],
    source: Source | None = None,
    *,
    comment: str = "",
) -> str:
    """The TOML text of a mapping (``mapping.parse_mapping`` reads it back)."""
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    if lines:
        lines.append("")
    chosen = {
        key: getattr(source, key)
        for key in ("delimiter", "encoding", "date_format", "decimal_separator", "sheet")
        if source is not None and getattr(source, key)
    }
    dates = {
        key: getattr(source, key)
        for key in ("earliest_date", "latest_date")
        if source is not None and getattr(source, key)
    }
    if chosen or dates:
        lines.append("[source]")
        lines += [f"{key} = {_string(value)}" for key, value in chosen.items()]
        lines += [f"{key} = {value.isoformat()}" for key, value in dates.items()]
        lines.append("")
    lines.append("[columns]")
    lines += [f"{name} = {_string(header)}" for name, header in columns.items()]
    if defaults:
        lines += ["", "[defaults]"]
        lines += [f"{name} = {_string(value)}" for name, value in defaults.items()]
    return "\n".join(lines) + "\n"


def cell_text(cell: Cell) -> str:
    """A cell as text: dates as ISO dates, whole numbers without ".0"."""
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ") if cell.time() != dt.time() else cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


_SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_account": ("customeraccount", "customerid", "customer", "account", "custaccount"),
    "customer_name": ("customername", "name"),
    "document_number": ("documentnumber", "invoicenumber", "invoiceno", "invoice", "docnumber"),
    "document_type": ("documenttype", "type", "doctype"),
    "document_date": ("documentdate", "invoicedate", "date", "docdate"),
    "due_date": ("duedate", "due"),
    "amount": ("amount", "invoiceamount", "total"),
    "currency": ("currency", "currencycode"),
    "settled_date": ("settleddate", "paiddate", "paymentdate", "settledon"),
    "settled_amount": ("settledamount", "paidamount", "amountpaid"),
    "disputed": ("disputed", "dispute"),
    "description": ("description", "text"),
    "country": ("country", "countryiso"),
    "customer_group": ("customergroup", "group"),
    "credit_limit": ("creditlimit",),
    "email": ("email", "mail"),
    "phone": ("phone", "telephone"),
}


def suggest_columns(headers: Sequence[str], fields: Sequence[str]) -> dict[str, str]:
    """A first guess of the column feeding each field, from the headers' names."""
    by_key = {_key(header): header for header in reversed(headers)}
    chosen: dict[str, str] = {}
    for name in fields:
        for key in (_key(name), *_SYNONYMS.get(name, ())):
            header = by_key.get(key)
            if header is not None and header not in chosen.values():
                chosen[name] = header
                break
    return chosen


def _key(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())
