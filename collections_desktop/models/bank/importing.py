"""A bank file from a path into the database: read, then stored whole or not at all.

The app (File ▸ Import bank statement…, a file dropped on the window) and the command
line (``bank import``) both come here, one file per write transaction: a file refused
(``BankFileError``) or a statement that does not add up (``StatementDifferenceError``,
unless the user accepts the difference) writes nothing, and the files before it stay
stored. ``describe_stored`` says in one sentence what a file added.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats, text_formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.bank.formats import read_bank_file
from collections_desktop.models.bank.formats.csv_profile import CsvProfile
from collections_desktop.models.bank.parsed import ParsedFile
from collections_desktop.models.bank.store import StoredFile, store_file


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file: stored (``stored``), or refused with the reason."""

    path: Path
    stored: StoredFile | None = None
    refused: str | None = None

    @property
    def name(self) -> str:
        """The file's name."""
        return self.path.name


SNIFF_BYTES = 8192
"""How much of a file is read to tell whether it needs a CSV profile."""


def needs_profile(path: Path) -> bool:
    """Whether ``path`` is none of the formats read by their content (camt, MT940, OFX):
    a CSV export, which is read only through a profile the user chooses."""
    from collections_desktop.models.bank.formats import Format, detect

    try:
        with path.open("rb") as file:
            head = file.read(SNIFF_BYTES)
    except OSError:
        return False  # the reader names the file and why it cannot be read
    return bool(head.strip()) and detect(head) is Format.OTHER


def read_file(path: Path, profile: CsvProfile | None = None) -> ParsedFile:
    """Read ``path`` (with ``profile`` for a CSV export); ``BankFileError`` refuses it."""
    return read_bank_file(path, profile=profile)


def import_file(
    session: Session,
    path: Path,
    now: dt.datetime,
    *,
    profile: CsvProfile | None = None,
    imported_by_id: uuid.UUID | None,
    accept_differences: bool = False,
) -> StoredFile:
    """Read ``path`` and store its new lines (the caller's one write transaction)."""
    parsed = read_file(path, profile)
    return store_file(
        session,
        parsed,
        now,
        imported_by_id=imported_by_id,
        accept_differences=accept_differences,
    )


def new_credits(stored: StoredFile) -> int:
    """The new lines of money in: what waits on the Bank reconciliation page."""
    return sum(s.new_credits for s in stored.statements)


def differences(stored: StoredFile) -> list[str]:
    """The differences kept on statements imported although they did not add up."""
    fmt = text_formats()
    return [
        _("{statement}: a difference of {amount} {currency} kept").format(
            statement=s.label, amount=fmt.amount(s.difference), currency=s.currency
        )
        for s in stored.statements
        if s.difference is not None and s.statement_id is not None
    ]


def describe_stored(stored: StoredFile, formats: Formats | None = None) -> str:
    """What one file added, in one sentence ("ing.sta (MT940): 2 statements, 41 new
    lines, 3 already known, 38 credits waiting")."""
    fmt = formats or text_formats()
    parts = [
        ngettext("{count} statement", "{count} statements", len(stored.statements)).format(
            count=fmt.count(len(stored.statements))
        ),
        ngettext("{count} new line", "{count} new lines", stored.new_lines).format(
            count=fmt.count(stored.new_lines)
        ),
        ngettext("{count} already known", "{count} already known", stored.known_lines).format(
            count=fmt.count(stored.known_lines)
        ),
        ngettext(
            "{count} new credit waiting", "{count} new credits waiting", new_credits(stored)
        ).format(count=fmt.count(new_credits(stored))),
    ]
    text = _("{file} ({format}): {figures}").format(
        file=stored.file_name, format=stored.file_format, figures=", ".join(parts)
    )
    kept = differences(stored)
    if kept:
        text += "; " + "; ".join(kept)
    return text


PREVIEW_LINES = 40
"""How many lines of a CSV export the profile dialog reads for its live preview."""


def file_head(path: Path, lines: int = PREVIEW_LINES) -> bytes:
    """The first ``lines`` lines of ``path`` (the profile dialog's preview)."""
    with path.open("rb") as file:
        return b"".join(line for _n, line in zip(range(lines), file, strict=False))


def csv_columns(head: bytes, profile: CsvProfile) -> list[str | int]:
    """The columns a profile may name in a file: the header's names, else positions 1…n."""
    import csv
    import io

    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=profile.delimiter or ","))
    rows = rows[profile.skip_lines :]
    if not rows:
        return []
    if profile.header:
        return [name.strip() for name in rows[0] if name.strip()]
    return list(range(1, max(len(row) for row in rows) + 1))


def preview_csv(head: bytes, file_name: str, profile: CsvProfile) -> ParsedFile:
    """The first lines of a CSV export as ``profile`` reads them (``BankFileError`` when
    it cannot)."""
    from collections_desktop.models.bank.formats import read_bank_bytes

    return read_bank_bytes(head, file_name, profile=profile)
