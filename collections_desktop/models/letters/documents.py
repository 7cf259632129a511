"""Letter PDFs that are never lost: the folder checked first, each file whole or absent,
and for each posted letter whether its PDF was written.

A letter run commits its letters before their PDFs are printed (the letters are the
fact; a PDF is made from what was stored), so a run killed, or a disk that fills up,
between the two must leave a trace and a way back:

- ``check_folder`` is called before anything is posted: the folder exists or is made,
  and a file can be created in it; otherwise ``LetterFileError`` names it.
- ``write_atomically`` writes a file under a temporary name in the same folder, flushes
  it to the disk and only then moves it into place (``os.replace``), so a final name
  never holds a partial file; a write that fails raises ``LetterFileError`` naming it.
- ``letter_documents`` keeps, once a PDF is in place, which letter it is for, where and
  when (insert-only, like every posted fact). ``letters_without_document`` is what a
  later run still has to print; ``DocumentRecorder`` records what a run wrote, in
  batches, after syncing the folder, so a record never names a file the disk lost.

A run killed after moving a file into place but before recording it prints that
letter again next time: the same file is replaced by an identical one, never doubled.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.schema import CollectionLetter, Customer, LetterDocument
from collections_desktop.models.db.types import new_ids
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.letters.propose import customer_selection
from collections_desktop.models.people.scope import AgentScope

if TYPE_CHECKING:
    from collections_desktop.models.db.database import Database

PART_SUFFIX = ".part"
"""A file being written is named ``.NAME.RANDOM.part`` beside its final name."""

STALE_PART_SECONDS = 3600
"""A temporary file this old was left by a run that died; the next run removes it."""

RECORD_BATCH = 50
"""PDFs recorded per write transaction at most (a short one, so other writers hardly wait)."""

RECORD_SECONDS = 1.0
"""A batch is recorded at least this often, so a run killed again and again still progresses."""

WRITER_RUN = "letter documents"
"""The lock kind of the recording transactions (PostgreSQL), apart from the ledger's."""

_PART = re.compile(r"^\..+\.[0-9a-f]{16}" + re.escape(PART_SUFFIX) + "$")


class LetterFileError(ValueError):
    """A PDF folder that cannot be used, or a PDF that could not be written; says which."""


# --- files ------------------------------------------------------------------------------


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def check_folder(folder: Path | str) -> Path:
    """The folder, made if missing, once a file has been created and removed in it.

    ``LetterFileError`` names the folder and says why when it cannot be made or written
    to (a file in its place, no permission, a read-only or full disk).
    """
    path = Path(folder).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = _create_part(path / ".collections-desktop-check")
    except OSError as error:
        raise LetterFileError(
            _("The PDF folder {folder} cannot be used: {reason}.").format(
                folder=path, reason=_reason(error)
            )
        ) from error
    os.close(probe[0])
    with contextlib.suppress(OSError):
        os.unlink(probe[1])
    return path


def _create_part(final: Path) -> tuple[int, Path]:
    """A new, empty temporary file beside ``final`` (permissions as for any new file)."""
    name = final.parent / f".{final.name}.{secrets.token_hex(8)}{PART_SUFFIX}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.open(name, flags, 0o666), name


def write_atomically(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all; ``LetterFileError`` says why not.

    The bytes go to a temporary file in the same folder, are flushed to the disk, and
    the file is then moved into place in one step, replacing an earlier copy.
    """
    path = Path(path)
    temporary: Path | None = None
    try:
        descriptor, temporary = _create_part(path)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise LetterFileError(
            _("The PDF {path} could not be written: {reason}.").format(
                path=path, reason=_reason(error)
            )
        ) from error
    return path


def sync_folder(folder: Path) -> None:
    """Make the names moved into ``folder`` durable (POSIX; Windows has no folder sync)."""
    if os.name == "nt":  # pragma: no cover - NTFS journals renames itself
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise LetterFileError(
            _("The PDF folder {folder} cannot be used: {reason}.").format(
                folder=folder, reason=_reason(error)
            )
        ) from error


def remove_stale_parts(folder: Path, *, now: float | None = None) -> int:
    """Remove the temporary files runs that died left in ``folder``; how many were removed.

    Only names of the form ``.NAME.RANDOM.part`` older than ``STALE_PART_SECONDS`` go:
    a younger one may belong to a run still writing.
    """
    limit = (time.time() if now is None else now) - STALE_PART_SECONDS
    removed = 0
    for path in folder.glob(f".*{PART_SUFFIX}"):
        with contextlib.suppress(OSError):
            if _PART.match(path.name) and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
    return removed


def is_complete_pdf(data: bytes) -> bool:
    """Whether ``data`` looks like a whole PDF: its header, and the end-of-file marker."""
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-32:]


# --- records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRow:
    """Where and when a letter's PDF was written (``path`` None: before version 0005)."""

    letter_id: uuid.UUID
    path: str | None
    written_at: dt.datetime


def letters_without_document(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    *,
    pool_id: uuid.UUID | None = None,
    customer_ids: Iterable[uuid.UUID] | None = None,
) -> list[uuid.UUID]:
    """The letters of the scope's customers dated up to ``as_of`` whose PDF was never
    written, by number."""
    recorded = select(LetterDocument.id).where(LetterDocument.letter_id == CollectionLetter.id)
    return list(
        session.scalars(
            select(CollectionLetter.id)
            .join(Customer, Customer.id == CollectionLetter.customer_id)
            .where(
                customer_selection(scope, as_of, pool_id, customer_ids),
                CollectionLetter.letter_date <= as_of,
                ~recorded.exists(),
            )
            .order_by(CollectionLetter.number)
        )
    )


def document_of(session: Session, letter_id: uuid.UUID) -> DocumentRow | None:
    """The record of the letter's PDF; None when it was never written."""
    row = session.execute(
        select(LetterDocument.letter_id, LetterDocument.path, LetterDocument.written_at).where(
            LetterDocument.letter_id == letter_id
        )
    ).first()
    return DocumentRow(*row) if row is not None else None


def record_documents(
    session: Session,
    written: Iterable[tuple[uuid.UUID, Path | str]],
    now: dt.datetime,
    *,
    written_by_id: uuid.UUID | None = None,
) -> None:
    """Record that these letters' PDFs are written; a letter already recorded stays as it
    was (two runs may print the same letter, the first record stands)."""
    pairs = list(dict((letter_id, str(path)) for letter_id, path in written).items())
    if not pairs:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(LetterDocument).on_conflict_do_nothing(index_elements=["letter_id"])
    session.execute(
        statement,
        [
            {
                "id": key,
                "letter_id": letter_id,
                "path": path,
                "written_at": now,
                "written_by_id": written_by_id,
            }
            for key, (letter_id, path) in zip(new_ids(len(pairs)), pairs, strict=True)
        ],
    )


class DocumentRecorder:
    """Records the PDFs a run writes in short transactions: every ``batch`` files, or
    every ``seconds``, whichever comes first.

    Call it with each letter and its file once the file is in place; ``flush`` records
    the rest (call it when the run ends, also when it fails). Each batch first syncs the
    folders it wrote to.
    """

    def __init__(
        self,
        database: Database,
        now: Callable[[], dt.datetime],
        *,
        written_by_id: uuid.UUID | None = None,
        batch: int = RECORD_BATCH,
        seconds: float = RECORD_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._database = database
        self._now = now
        self._written_by_id = written_by_id
        self._batch = batch
        self._seconds = seconds
        self._monotonic = monotonic
        self._last = monotonic()
        self._pending: list[tuple[uuid.UUID, Path]] = []
        self.written = 0
        """PDFs in place so far."""
        self.recorded = 0
        """PDFs recorded so far."""

    def __call__(self, letter_id: uuid.UUID, path: Path) -> None:
        self.written += 1
        self._pending.append((letter_id, path))
        if len(self._pending) >= self._batch or self._monotonic() - self._last >= self._seconds:
            self.flush()

    def flush(self) -> None:
        """Record every PDF written since the last batch."""
        if not self._pending:
            return
        for folder in {path.parent for _letter, path in self._pending}:
            sync_folder(folder)
        with write_transaction(
            self._database, run=WRITER_RUN, what=_("recording letter PDFs")
        ) as session:
            record_documents(session, self._pending, self._now(), written_by_id=self._written_by_id)
        self.recorded += len(self._pending)
        self._pending.clear()
        self._last = self._monotonic()
