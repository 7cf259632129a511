"""The agency's reports as XLSX workbooks (Qt-free): the project's one XLSX export
(``models.screens.exports.xlsx_bytes``: numbers stay numbers, dates are dates, a bold
header, text that a spreadsheet would run is neutralised), with columns as wide as
their content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from collections_desktop.models.screens.exports import XlsxCell, xlsx_bytes, xlsx_value

MIN_WIDTH = 8
MAX_WIDTH = 60


def cell_width(value: object) -> int:
    """About how many characters a cell shows."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}") + 1
    if isinstance(value, dt.date):
        return 10 if not isinstance(value, dt.datetime) else 16
    return len(str(value))


def column_widths(header: Sequence[str], rows: Sequence[Sequence[XlsxCell]]) -> list[float]:
    """Each column's width: its longest cell or header, within MIN_WIDTH..MAX_WIDTH."""
    widths = [cell_width(label) for label in header]
    for row in rows:
        for index, value in enumerate(row):
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], cell_width(value))
    return [float(min(max(width + 2, MIN_WIDTH), MAX_WIDTH)) for width in widths]


def report_xlsx(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    path: Path | str,
    *,
    filters: Sequence[tuple[str, str]] = (),
) -> Path:
    """Write a report as an XLSX workbook of one sheet at ``path``: the title (and the
    filters it was made with) above a bold header, then the rows. Returns the path."""
    cells = [[xlsx_value(value) for value in row] for row in rows]
    data = xlsx_bytes(
        header,
        cells,
        title=title,
        filters=filters,
        widths=column_widths(header, cells),
    )
    target = Path(path)
    target.write_bytes(data)
    return target
