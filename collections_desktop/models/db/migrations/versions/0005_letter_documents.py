"""Letter documents: for each posted letter, whether (where and when) its PDF was written.

Letters are posted facts that cannot be updated, so the fact that a letter's PDF exists
is a row of its own, inserted once the file is complete and never changed (triggers as
for every posted table). A letter without a row still needs its PDF: the next
``letters --pdf`` run writes it.

Letters posted before this revision get a row without a path: whether their PDFs were
written was never kept, and writing every old letter again on the next run would flood
the folder with letters already sent. Reprint makes a copy of any of them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "letter_documents",
        sa.Column("id", UUID, nullable=False),
        sa.Column("letter_id", UUID, nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("written_by_id", UUID, nullable=True),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["collection_letters.id"],
            name=op.f("fk_letter_documents_letter_id_collection_letters"),
        ),
        sa.ForeignKeyConstraint(
            ["written_by_id"],
            ["employees.id"],
            name=op.f("fk_letter_documents_written_by_id_employees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_documents")),
        sa.UniqueConstraint("letter_id", name=op.f("uq_letter_documents_letter_id")),
    )
    # The letters already posted: PDFs not tracked (no path). A letter's own key is unique
    # and of the same kind, so it serves as the row's key.
    op.execute(
        "INSERT INTO letter_documents (id, letter_id, path, written_at, written_by_id) "
        "SELECT id, id, NULL, created_at, NULL FROM collection_letters"
    )
    columns = ", ".join(IMMUTABLE_COLUMNS["letter_documents"])
    for event in (f"UPDATE OF {columns}", "DELETE"):
        name = f"letter_documents_{event.split()[0].lower()}_refused"
        if postgres:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON letter_documents "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change_of_posted_fact()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON letter_documents BEGIN "
                "SELECT RAISE(ABORT, 'posted letter_documents rows cannot be changed or "
                "deleted; post a correcting entry'); END"
            )
    if postgres:
        op.execute(
            "CREATE TRIGGER letter_documents_truncate_refused BEFORE TRUNCATE ON "
            "letter_documents FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_posted_fact()"
        )


# Frozen copy of the guarded columns this revision adds.
IMMUTABLE_COLUMNS = {
    "letter_documents": ["id", "letter_id", "path", "written_at", "written_by_id"],
}


def downgrade() -> None:
    op.drop_table("letter_documents")  # its triggers go with it
