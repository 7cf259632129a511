"""Posted once: the database refuses a second copy of a document, of an invoice's interest
period and of a customer's (or item's) letter on one date; PostgreSQL refuses TRUNCATE of
posted tables as it refuses UPDATE and DELETE.

A transaction-scope letter now names the item it dunns (``collection_letters.item_id``),
filled in here for the letters already posted. A file that already holds duplicates (made
by two runs at once before this version) cannot take the keys: the upgrade stops, names
them and leaves the file as it was (the message says to keep the earlier version on it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The kinds of document a customer has once under one number (imported or typed in);
# interest notes share their note's number across their lines, so they are not among them.
DOCUMENT_TYPES = "type IN ('invoice', 'credit_note', 'payment')"

DUPLICATES = {
    "documents": (
        "SELECT c.account, t.type, t.document_number FROM customer_transactions t "
        "JOIN customers c ON c.id = t.customer_id "
        f"WHERE t.{DOCUMENT_TYPES} "
        "GROUP BY c.account, t.type, t.document_number HAVING count(*) > 1"
    ),
    "interest periods": (
        "SELECT i.document_number, l.from_date, '' FROM interest_note_lines l "
        "JOIN customer_transactions i ON i.id = l.invoice_id "
        "GROUP BY i.document_number, l.invoice_id, l.from_date HAVING count(*) > 1"
    ),
    "letters": (  # read once item_id is filled in
        "SELECT c.account, l.letter_date, '' FROM collection_letters l "
        "JOIN customers c ON c.id = l.customer_id "
        "GROUP BY c.account, l.letter_date, l.item_id HAVING count(*) > 1"
    ),
}


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.add_column(
            "collection_letters",
            sa.Column("item_id", UUID, sa.ForeignKey("customer_transactions.id"), nullable=True),
        )
    else:  # SQLite adds a column with its reference in place; Alembic would copy the table
        op.execute(
            "ALTER TABLE collection_letters "
            "ADD COLUMN item_id BLOB REFERENCES customer_transactions (id)"
        )
    op.execute(
        "UPDATE collection_letters SET item_id = (SELECT l.transaction_id "
        "FROM collection_letter_lines l WHERE l.letter_id = collection_letters.id LIMIT 1) "
        "WHERE sequence_code IN (SELECT code FROM letter_sequences WHERE scope = 'transaction')"
    )
    _refuse_duplicates(bind)
    op.create_index(
        "uq_customer_transactions_document",
        "customer_transactions",
        ["customer_id", "type", "document_number"],
        unique=True,
        sqlite_where=sa.text(DOCUMENT_TYPES),
        postgresql_where=sa.text(DOCUMENT_TYPES),
    )
    op.create_index(
        "uq_interest_note_lines_period",
        "interest_note_lines",
        ["invoice_id", "from_date"],
        unique=True,
    )
    op.create_index(
        "uq_collection_letters_customer_date",
        "collection_letters",
        ["customer_id", "letter_date"],
        unique=True,
        sqlite_where=sa.text("item_id IS NULL"),
        postgresql_where=sa.text("item_id IS NULL"),
    )
    op.create_index(
        "uq_collection_letters_item_date",
        "collection_letters",
        ["item_id", "letter_date"],
        unique=True,
        sqlite_where=sa.text("item_id IS NOT NULL"),
        postgresql_where=sa.text("item_id IS NOT NULL"),
    )
    _guard_letter_item(postgres)
    if postgres:
        for table in POSTED_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_truncate_refused BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_posted_fact()"
            )


def _refuse_duplicates(bind: sa.Connection) -> None:
    """Stop (the upgrade is one transaction, so nothing changes) when duplicates exist."""
    found = []
    for what, query in DUPLICATES.items():
        rows = bind.execute(sa.text(query + " LIMIT 5")).all()
        found += [f"{what}: {' '.join(str(v) for v in row if v != '')}" for row in rows]
    if found:
        raise RuntimeError(
            "it holds postings made twice by two runs at once of an earlier version, and this "
            "version keeps one copy of each as a unique key (posted facts are never deleted, "
            "so the copies cannot be taken out): " + "; ".join(found) + ". Keep using the "
            "earlier version on this file, or a backup from before the runs"
        )


def _guard_letter_item(postgres: bool) -> None:
    """The letter's guarded columns grow by ``item_id``: its update trigger is made anew."""
    columns = ", ".join(IMMUTABLE_COLUMNS["collection_letters"])
    name = "collection_letters_update_refused"
    if postgres:
        op.execute(f"DROP TRIGGER {name} ON collection_letters")
        op.execute(
            f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} ON collection_letters "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change_of_posted_fact()"
        )
    else:
        op.execute(f"DROP TRIGGER {name}")
        op.execute(
            f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} ON collection_letters BEGIN "
            "SELECT RAISE(ABORT, 'posted collection_letters rows cannot be changed or deleted; "
            "post a correcting entry'); END"
        )


# Frozen copies as of this revision.
IMMUTABLE_COLUMNS = {
    "collection_letters": [
        "id", "number", "customer_id", "sequence_code", "level", "letter_date", "currency",
        "amount", "fee", "fee_transaction_id", "journal_id", "text", "created_at",
        "created_by_id", "item_id",
    ],
}
POSTED_TABLES = [
    "customer_transactions", "settlements", "settlement_lines", "collection_status_history",
    "transaction_taxes", "journals", "journal_lines", "promise_results", "interest_notes",
    "interest_note_lines", "charge_adjustments", "collection_letters",
    "collection_letter_lines",
]


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in POSTED_TABLES:
            op.execute(f"DROP TRIGGER {table}_truncate_refused ON {table}")
    op.drop_index("uq_collection_letters_item_date", "collection_letters")
    op.drop_index("uq_collection_letters_customer_date", "collection_letters")
    op.drop_index("uq_interest_note_lines_period", "interest_note_lines")
    op.drop_index("uq_customer_transactions_document", "customer_transactions")
