"""What is wrong in an import's rows, counted in bounded memory and reported by row."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.importers import ImportInputError
from collections_desktop.models.importers.mapping import ImportMapping

PROBLEMS_KEPT = 1_000
"""Problems kept for the report (those of the first rows); the rest are only counted."""
SHOWN_WIDTH = 80
"""The most characters of a value a problem shows."""


class ImportRejected(ImportInputError):
    """Rows of the file are wrong; nothing was written. ``problems`` lists the first of them
    (by row, up to ``PROBLEMS_KEPT``), ``count`` counts them all and ``bad_rows`` their rows."""

    def __init__(
        self,
        path: Path,
        problems: Sequence[RowProblem],
        limit: int = 50,
        *,
        count: int | None = None,
        bad_rows: int | None = None,
    ) -> None:
        self.path = path
        self.problems = sorted(problems, key=lambda p: p.row)
        self.count = len(self.problems) if count is None else count
        self.bad_rows = len({p.row for p in self.problems}) if bad_rows is None else bad_rows
        super().__init__(self.report(limit))

    def report(self, limit: int = 50) -> str:
        """The first ``limit`` problems, one a line, after a line that counts the bad rows."""
        rows = self.bad_rows
        lines = [
            ngettext(
                "{path}: {count} row cannot be imported; nothing was written.",
                "{path}: {count} rows cannot be imported; nothing was written.",
                rows,
            ).format(path=self.path, count=text_formats().count(rows))
        ]
        lines += [problem.describe() for problem in self.problems[:limit]]
        more = self.count - min(limit, len(self.problems))
        if more > 0:
            lines.append(
                ngettext(
                    "… and {count} more problem.", "… and {count} more problems.", more
                ).format(count=text_formats().count(more))
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class RowProblem:
    """What is wrong in one row: the row as a spreadsheet numbers it, the column, the value."""

    row: int
    column: str
    value: str | None
    reason: str

    def describe(self) -> str:
        """One line of the report; a long value (an unclosed quote reads the rest of the
        file into one cell) is shortened, so a line stays a line."""
        if self.value is None:
            return _("Row {row}, {column}: {reason}").format(
                row=self.row, column=shorten(self.column), reason=self.reason
            )
        return _("Row {row}, {column} “{value}”: {reason}").format(
            row=self.row, column=shorten(self.column), value=shorten(self.value), reason=self.reason
        )


def shorten(text: str, width: int = SHOWN_WIDTH) -> str:
    """``text`` on one line and at most ``width`` characters (``…`` marks a cut)."""
    text = text.replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵")
    return text if len(text) <= width else text[: width - 1] + "…"


class Problems:
    """The problems found so far: all counted, the first ``keep`` by row kept, so a file
    with a million bad rows reports in bounded memory."""

    def __init__(self, keep: int = 0) -> None:
        self.keep = keep
        self.count = 0
        self._heap: list[tuple[int, int, RowProblem]] = []
        self._rows = bytearray()

    def append(self, problem: RowProblem) -> None:
        self.count += 1
        byte, bit = divmod(problem.row, 8)
        if byte >= len(self._rows):
            self._rows.extend(bytes(max(byte + 1 - len(self._rows), len(self._rows))))
        self._rows[byte] |= 1 << bit
        if self.keep:
            heapq.heappush(self._heap, (-problem.row, -self.count, problem))
            if len(self._heap) > self.keep:
                heapq.heappop(self._heap)  # the one of the highest row goes

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count

    def rejected(self, path: Path) -> ImportRejected:
        kept = [problem for _row, _order, problem in sorted(self._heap, reverse=True)]
        bad_rows = int.from_bytes(self._rows, "little").bit_count()
        return ImportRejected(path, kept, count=self.count, bad_rows=bad_rows)


class Labels:
    """Names fields in the report the way the file does (its headers)."""

    def __init__(self, mapping: ImportMapping) -> None:
        self.mapping = mapping

    def __call__(self, name: str) -> str:
        column = self.mapping.columns.get(name)
        return column.text if column is not None and not column.is_template else name
