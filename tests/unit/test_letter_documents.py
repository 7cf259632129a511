"""Letter PDFs: the folder check, files written whole or not at all, and the record of
which letters have their PDF (insert-only, on SQLite and PostgreSQL)."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from collections_desktop.models.db import database as database_module
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import CollectionLetter, LetterDocument
from collections_desktop.models.letters.documents import (
    STALE_PART_SECONDS,
    DocumentRecorder,
    LetterFileError,
    check_folder,
    document_of,
    letters_without_document,
    record_documents,
    remove_stale_parts,
    write_atomically,
)
from collections_desktop.models.people.scope import company_scope
from tests.unit.test_letters import debtor, overdue, run
from tests.unit.test_overview import add_pool
from tests.unit.test_snapshot import NOW, TODAY


def two_letters(database: Database) -> list[str]:
    """Ruiz (Spain) and Garnier (France), each with a letter posted on TODAY; the numbers."""
    with database.sessions() as session:
        ruiz = debtor(session)
        garnier = debtor(session, name="Garnier SA", country="FR")
        overdue(session, ruiz, "1000.00", 40)
        overdue(session, garnier, "500.00", 35)
        done = run(session, TODAY)
        session.commit()
        return [letter.number for letter in done.created]


def ids_by_number(database: Database) -> dict[str, object]:
    with database.sessions() as session:
        return dict(session.execute(select(CollectionLetter.number, CollectionLetter.id)).all())


# --- files ------------------------------------------------------------------------------


def test_the_folder_is_made_when_missing(tmp_path: Path) -> None:
    folder = tmp_path / "letters" / "2026-11-23"
    assert check_folder(folder) == folder
    assert folder.is_dir()
    assert list(folder.iterdir()) == []  # the probe file is gone


def test_a_folder_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    (tmp_path / "a file").write_text("x")
    folder = tmp_path / "a file" / "letters"
    with pytest.raises(LetterFileError) as refused:
        check_folder(folder)
    assert str(refused.value) == f"The PDF folder {folder} cannot be used: Not a directory."


def test_a_file_is_written_whole_and_replaces_the_earlier_one(tmp_path: Path) -> None:
    folder = check_folder(tmp_path / "out")
    path = folder / "CL-0000001.pdf"
    path.write_bytes(b"old")
    assert write_atomically(path, b"%PDF-1.4 new %%EOF") == path
    assert path.read_bytes() == b"%PDF-1.4 new %%EOF"
    assert sorted(p.name for p in folder.iterdir()) == ["CL-0000001.pdf"]
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_failed_write_leaves_the_earlier_file_and_no_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = check_folder(tmp_path / "out")
    path = folder / "CL-0000001.pdf"
    path.write_bytes(b"%PDF-1.4 sent %%EOF")

    def full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(LetterFileError) as refused:
        write_atomically(path, b"%PDF-1.4 new %%EOF")
    assert str(refused.value) == (f"The PDF {path} could not be written: No space left on device.")
    assert path.read_bytes() == b"%PDF-1.4 sent %%EOF"
    assert sorted(p.name for p in folder.iterdir()) == ["CL-0000001.pdf"]


def test_only_old_temporary_files_of_ours_are_removed(tmp_path: Path) -> None:
    folder = check_folder(tmp_path / "out")
    old = folder / ".CL-0000001.pdf.0123456789abcdef.part"
    young = folder / ".CL-0000002.pdf.fedcba9876543210.part"
    other = folder / ".notes.part"
    for path in (old, young, other):
        path.write_bytes(b"%PDF-")
    long_ago = time.time() - STALE_PART_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    assert remove_stale_parts(folder) == 1
    assert sorted(p.name for p in folder.iterdir()) == sorted([young.name, other.name])


# --- records ----------------------------------------------------------------------------


def test_letters_without_a_pdf_until_it_is_recorded_once(any_db: Database) -> None:
    numbers = two_letters(any_db)
    ids = ids_by_number(any_db)
    with any_db.sessions() as session:
        scope = company_scope(session)
        assert letters_without_document(session, scope, TODAY) == [ids[n] for n in numbers]
        assert letters_without_document(session, scope, TODAY.replace(day=22)) == []
        assert document_of(session, ids[numbers[0]]) is None
        record_documents(session, [(ids[numbers[0]], "/letters/first.pdf")], NOW)
        session.commit()
    with any_db.sessions() as session:
        # A second record of the same letter (another run printed it too) changes nothing.
        record_documents(
            session,
            [(ids[numbers[0]], "/elsewhere/first.pdf"), (ids[numbers[1]], "/letters/second.pdf")],
            NOW,
        )
        session.commit()
    with any_db.sessions() as session:
        assert letters_without_document(session, company_scope(session), TODAY) == []
        first = document_of(session, ids[numbers[0]])
        assert (first.path, first.written_at) == ("/letters/first.pdf", NOW)


def test_a_pool_prints_only_its_own_letters(any_db: Database) -> None:
    numbers = two_letters(any_db)
    ids = ids_by_number(any_db)
    with any_db.sessions() as session:
        iberia = add_pool(session, "Spain", "ES").id
        session.commit()
        scope = company_scope(session)
        assert letters_without_document(session, scope, TODAY, pool_id=iberia) == [ids[numbers[0]]]


def test_pdfs_are_recorded_by_the_batch_and_never_changed(any_db: Database, tmp_path: Path) -> None:
    numbers = two_letters(any_db)
    ids = ids_by_number(any_db)
    clock = [0.0]
    recorder = DocumentRecorder(any_db, lambda: NOW, batch=10, monotonic=lambda: clock[0])
    path = tmp_path / f"{numbers[0]}.pdf"
    recorder(ids[numbers[0]], path)
    assert (recorder.written, recorder.recorded) == (1, 0)  # waits for more
    clock[0] = 1.0  # a second later the batch is recorded, however small
    recorder(ids[numbers[1]], tmp_path / f"{numbers[1]}.pdf")
    assert (recorder.written, recorder.recorded) == (2, 2)
    recorder.flush()
    assert recorder.recorded == 2
    for statement in (
        "UPDATE letter_documents SET path = 'elsewhere.pdf'",
        "DELETE FROM letter_documents",
    ):
        with any_db.sessions() as session, pytest.raises(Exception, match="cannot be changed"):
            session.execute(text(statement))
    if any_db.engine.dialect.name == "postgresql":
        with any_db.sessions() as session, pytest.raises(Exception, match="cannot be changed"):
            session.execute(text("TRUNCATE letter_documents CASCADE"))
    with any_db.sessions() as session:
        assert session.scalar(
            select(LetterDocument.path).where(LetterDocument.letter_id == ids[numbers[0]])
        ) == str(path)


def test_letters_posted_before_the_upgrade_count_as_printed(sqlite_db: Database) -> None:
    """Their PDFs were never tracked: the next run must not print every old letter again."""
    from alembic import command

    numbers = two_letters(sqlite_db)
    config = database_module._alembic_config()
    with sqlite_db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
        command.upgrade(config, "head")
    with sqlite_db.sessions() as session:
        assert letters_without_document(session, company_scope(session), TODAY) == []
        rows = session.execute(
            select(CollectionLetter.number, LetterDocument.path, LetterDocument.written_at)
            .join(LetterDocument, LetterDocument.letter_id == CollectionLetter.id)
            .order_by(CollectionLetter.number)
        ).all()
    assert [tuple(row) for row in rows] == [(number, None, NOW) for number in numbers]
