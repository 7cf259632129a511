"""Letter headings: the title a collection letter shows its customer, per level.

A level's name is the collectors' ("Friendly reminder"); the heading is the customer's
("Payment reminder"), kept per language like the level's text. Levels start without one
(empty): a letter then shows the usual heading for the level's place in its sequence.
The column is added in place (no table rebuild), so the triggers a replica put on the
table stay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "letter_levels",
        sa.Column("heading", sa.String(length=100), nullable=False, server_default=""),
    )


def downgrade() -> None:
    with op.batch_alter_table("letter_levels") as batch_op:
        batch_op.drop_column("heading")
