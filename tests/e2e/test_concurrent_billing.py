"""Two billing runs, and two issues, at once: one set of drafts, each draft posted once.

As in ``test_concurrent_runs.py``: the same command started twice at the same moment on
one database (SQLite and PostgreSQL), compared with ONE run on a fresh copy of the same
demo company (whose recurring lines come from ``demo/billing.py``).
"""

from __future__ import annotations

from sqlalchemy import text

from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from tests.e2e.test_concurrent_runs import (  # noqa: F401 - fixtures
    Copies,
    assert_clean,
    demo_copies,
    demo_pg,
    demo_sqlite,
    pg_copies,
    run,
    run_twice_at_once,
)

MONTH = "2026-12"
QUERIES = {
    "drafts": "SELECT count(*) FROM pending_documents",
    "draft_lines": "SELECT count(*) FROM pending_document_lines",
    "issued": "SELECT count(*) FROM pending_documents WHERE issued_transaction_id IS NOT NULL",
    "invoices": "SELECT count(*) FROM customer_transactions WHERE type = 'invoice'",
    "taxes": "SELECT count(*) FROM transaction_taxes",
    "invoice_lines": "SELECT count(*) FROM invoice_lines",
    "twice_issued": "SELECT count(*) FROM (SELECT pending_document_id FROM invoice_lines "
    "GROUP BY pending_document_id, position HAVING count(*) > 1) doubled",
}


def billing_counts(url: str) -> dict[str, int]:
    database = open_company(url, clock=SystemClock())
    try:
        with database.engine.connect() as connection:
            return {
                name: connection.execute(text(sql)).scalar_one() for name, sql in QUERIES.items()
            }
    finally:
        database.dispose()


def test_two_month_runs_at_once_make_one_set_of_drafts(demo_copies: Copies) -> None:  # noqa: F811
    once, twice = demo_copies(), demo_copies()
    run("billing", "run", "--month", MONTH, "--database", once)
    expected = billing_counts(once)
    assert expected["drafts"] > 10  # the race has something to double
    assert expected["draft_lines"] >= expected["drafts"]

    results = run_twice_at_once("billing", "run", "--month", MONTH, "--database", twice)
    assert_clean(results)
    assert billing_counts(twice) == expected
    said = sorted(out.strip() for code, out, _err in results if code == 0)
    if len(said) == 2:  # the second waited for the first, then found everything billed
        assert sum(text.startswith("Nothing new to bill for December 2026") for text in said) == 1


def test_two_issues_at_once_post_each_draft_once(demo_copies: Copies) -> None:  # noqa: F811
    once, twice = demo_copies(), demo_copies()
    for url in (once, twice):
        run("billing", "run", "--month", MONTH, "--database", url)
    run("billing", "issue", "--database", once)
    expected = billing_counts(once)
    assert expected["issued"] == expected["drafts"] > 10
    assert expected["invoice_lines"] == expected["draft_lines"]
    assert expected["twice_issued"] == 0

    results = run_twice_at_once("billing", "issue", "--database", twice)
    assert_clean(results)
    assert billing_counts(twice) == expected
    said = sorted(out.strip() for code, out, _err in results if code == 0)
    if len(said) == 2:
        assert said.count("No pending invoice to issue.") == 1
