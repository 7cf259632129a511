"""``collections-desktop letters``, ``interest`` and ``promises``: the daily jobs, from a shell."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

from sqlalchemy import func, select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CollectionLetter,
    CustomerTransaction,
    InterestNote,
    PromiseResult,
)
from tests.unit.test_snapshot import add_customer, invoice


def company(sqlite_db: Database) -> tuple[str, str]:
    """One customer on the standard sequence and interest code: 1,000.00 due 2026-10-14."""
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        customer.letter_sequence = "STD"
        customer.interest_code = "STD"
        invoice(session, customer, "1000.00", dt.date(2026, 10, 14))
        session.commit()
        account = customer.account
    sqlite_db.dispose()
    return str(sqlite_db.url.database), account


def count(database: Database, model: type) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_letters_dry_run_then_a_run_with_pdfs(run_cli, sqlite_db, tmp_path: Path) -> None:
    path, account = company(sqlite_db)
    preview = run_cli("letters", "--as-of", "2026-11-23", "--dry-run", "--database", path)
    assert preview.returncode == 0, preview.stderr
    assert f"{account}" in preview.stdout
    assert "level 1 Friendly reminder, 1,000.00\xa0EUR overdue" in preview.stdout
    assert count(sqlite_db, CollectionLetter) == 0  # a dry run writes nothing

    folder = tmp_path / "letters"
    run = run_cli("letters", "--as-of", "2026-11-23", "--pdf", str(folder), "--database", path)
    assert run.returncode == 0, run.stderr
    assert "1 collection letter created" in run.stdout
    [pdf] = folder.glob("CL-*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert count(sqlite_db, CollectionLetter) == 1


def test_interest_posts_notes_once(run_cli, sqlite_db) -> None:
    path, _account = company(sqlite_db)
    first = run_cli("interest", "--as-of", "2026-11-23", "--database", path)
    assert first.returncode == 0, first.stderr
    # 40 days overdue at 1 % per 30 days: 13.33, plus the 5.00 note fee.
    assert "interest 13.33\xa0EUR, fee 5.00\xa0EUR" in first.stdout
    assert "1 interest note created." in first.stdout
    again = run_cli("interest", "--as-of", "2026-11-23", "--database", path)
    assert "0 interest notes created." in again.stdout
    assert count(sqlite_db, InterestNote) == 1
    with sqlite_db.sessions() as session:
        charged = session.scalar(
            select(func.sum(CustomerTransaction.amount)).where(
                CustomerTransaction.type.in_(["interest_note", "fee"])
            )
        )
    assert charged == D("18.33")


def test_a_dry_run_says_when_nothing_is_due(run_cli, sqlite_db) -> None:
    """Silence would read as "did not run": the run says nothing is due, for whom, when."""
    path, account = company(sqlite_db)  # due on Oct 14: nothing is overdue that day
    early = run_cli("interest", "--as-of", "2026-10-14", "--dry-run", "--database", path)
    assert early.returncode == 0, early.stderr
    assert early.stdout == "No interest is due for any customer as of Oct 14, 2026.\n"
    letters = run_cli("letters", "--as-of", "2026-10-14", "--dry-run", "--database", path)
    assert letters.returncode == 0, letters.stderr
    assert letters.stdout.splitlines()[-1] == (
        "No letter is due for any customer as of Oct 14, 2026."
    )
    # When something is due: one invoice, in the singular.
    due = run_cli("interest", "--as-of", "2026-11-23", "--dry-run", "--database", path)
    assert f"{account}  " in due.stdout
    assert ": 1 invoice, interest 13.33\xa0EUR, fee 5.00\xa0EUR" in due.stdout
    assert "No interest is due" not in due.stdout
    assert count(sqlite_db, InterestNote) == 0


def test_interest_posts_no_letters(run_cli, sqlite_db) -> None:
    """``interest`` posts interest notes only: the letter due that day waits for ``letters``."""
    path, _account = company(sqlite_db)
    result = run_cli("interest", "--as-of", "2026-11-23", "--database", path)
    assert result.returncode == 0, result.stderr
    assert "1 interest note created." in result.stdout
    assert count(sqlite_db, InterestNote) == 1
    assert count(sqlite_db, CollectionLetter) == 0


def test_promises_are_judged_once(run_cli, sqlite_db) -> None:
    path, _account = company(sqlite_db)
    with sqlite_db.sessions() as session:
        from collections_desktop.models.actions.status import change_status
        from collections_desktop.models.people.scope import company_scope

        txn = session.scalars(select(CustomerTransaction)).one()
        change_status(
            session,
            company_scope(session),
            [txn.id],
            "promised",
            dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC),
            changed_by_id=None,
            promise_date=dt.date(2026, 11, 10),
            promise_amount=D("400.00"),
            today=dt.date(2026, 11, 2),
        )
        session.commit()
    sqlite_db.dispose()
    result = run_cli("promises", "--as-of", "2026-11-23", "--database", path)
    assert result.returncode == 0, result.stderr
    assert "0 kept, 0 partly kept, 1 broken" in result.stdout
    again = run_cli("promises", "--as-of", "2026-11-23", "--database", path)
    assert "0 kept, 0 partly kept, 0 broken" in again.stdout
    assert count(sqlite_db, PromiseResult) == 1


def test_a_bad_date_is_refused(run_cli, sqlite_db) -> None:
    path, _account = company(sqlite_db)
    result = run_cli("letters", "--as-of", "23/11/2026", "--database", path)
    assert result.returncode == 2
    assert "--as-of must be a date like 2026-11-23" in result.stderr
