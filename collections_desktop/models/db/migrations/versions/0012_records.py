"""Records of calls and actions: an activity's result, and the set-up list of results.

A record is a closed activity; ``activities.result`` holds the code of its result (None
for every other activity). ``record_results`` is a set-up list like the activity
categories (names in other languages are business texts). The column and the index are
added in place (no table rebuild), so the triggers a replica put on ``activities`` stay;
so are the indexes the reports read a period through (activities by end, settlement
lines by date, status changes by moment).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("activities", sa.Column("result", sa.String(length=30), nullable=True))
    op.create_index("ix_activities_end_at", "activities", ["end_at"])
    # Collections by agent reads a period's settlements and status changes across the scope.
    op.create_index(
        "ix_settlement_lines_settlement_date", "settlement_lines", ["settlement_date"]
    )
    op.create_index(
        "ix_collection_status_history_changed_at", "collection_status_history", ["changed_at"]
    )
    op.create_table(
        "record_results",
        sa.Column("id", UUID, nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_results")),
        sa.UniqueConstraint("code", name=op.f("uq_record_results_code")),
    )


def downgrade() -> None:
    op.drop_table("record_results")
    op.drop_index("ix_collection_status_history_changed_at", table_name="collection_status_history")
    op.drop_index("ix_settlement_lines_settlement_date", table_name="settlement_lines")
    op.drop_index("ix_activities_end_at", table_name="activities")
    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_column("result")
