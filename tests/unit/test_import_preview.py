"""The guided import's helpers: the preview as mapped, the TOML it saves, the progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import CustomerTransaction
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.importers.mapping import Source, parse_mapping
from collections_desktop.models.importers.preview import (
    mapped_rows,
    mapping_toml,
    preview_file,
    suggest_columns,
)
from collections_desktop.models.importers.receivables.fields import FIELDS, REQUIRED
from collections_desktop.models.importers.receivables.write import import_receivables

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
CSV = (
    "Account;Invoice No;Date;Total;Kind\n"
    "C-1;101;02/01/2026;100,50;\n"
    "C-1;102;03/01/2026;20,00;credit\n"
    "C-2;201;04/01/2026;7,25;\n"
)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_the_preview_shows_the_rows_as_the_mapping_takes_them(sample: Path) -> None:
    preview = preview_file(sample, limit=2)
    assert preview.headers == ("Account", "Invoice No", "Date", "Total", "Kind")
    assert preview.rows == (
        (2, ("C-1", "101", "02/01/2026", "100,50", "")),
        (3, ("C-1", "102", "03/01/2026", "20,00", "credit")),
    )
    assert suggest_columns(preview.headers, list(FIELDS)) == {
        "customer_account": "Account",
        "document_number": "Invoice No",
        "document_date": "Date",
        "amount": "Total",
    }
    text = mapping_toml(
        {
            "customer_account": "Account",
            "document_number": "INV-{Invoice No}",
            "document_date": "Date",
            "amount": "Total",
            "document_type": "Kind",
        },
        {"document_type": "invoice"},
        Source(date_format="%d/%m/%Y", decimal_separator=","),
        comment="Made by hand “quoted”",
    )
    assert text.startswith("# Made by hand “quoted”\n\n[source]\n")
    mapping = parse_mapping(text, fields=FIELDS, required=REQUIRED)
    assert mapping.source.date_format == "%d/%m/%Y"
    assert mapped_rows(preview, mapping, ["document_number", "document_type", "amount"]) == [
        (2, ("INV-101", "invoice", "100,50")),
        (3, ("INV-102", "credit", "20,00")),
    ]


def test_the_import_reports_its_progress_and_a_cancel_writes_nothing(
    sample: Path, sqlite_db: Database
) -> None:
    mapping = parse_mapping(
        mapping_toml(
            {"customer_account": "Account", "document_number": "Invoice No",
             "document_date": "Date", "amount": "Total", "document_type": "Kind"},
            {"document_type": "invoice"},
            Source(date_format="%d/%m/%Y", decimal_separator=","),
        ),
        fields=FIELDS,
        required=REQUIRED,
    )  # fmt: skip
    seen: list[tuple[int, int, str]] = []

    def stop_while_writing(done: int, total: int, what: str) -> None:
        seen.append((done, total, what))
        if total:
            raise KeyboardInterrupt  # as a Cancel stops the task

    with (
        pytest.raises(KeyboardInterrupt),
        write_transaction(sqlite_db, what="import") as session,
    ):
        import_receivables(session, sample, mapping, NOW, chunk_rows=2, progress=stop_while_writing)
    assert seen == [(2, 0, "Checking rows"), (3, 0, "Checking rows"), (2, 3, "Writing rows")]
    with sqlite_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CustomerTransaction)) == 0

    seen.clear()
    with write_transaction(sqlite_db, what="import") as session:
        result = import_receivables(
            session, sample, mapping, NOW, chunk_rows=2, progress=lambda *a: seen.append(a)
        )
    assert (result.invoices, result.credit_notes, result.customers_created) == (2, 1, 2)
    assert seen[-1] == (3, 3, "Writing rows")
