"""Invoice predictions: each open invoice's predicted settle date and chance of being paid
more than 15 days late, with the reasons a tooltip shows and the expected late amount the
worklist is ordered by. Derived data, rewritten with each snapshot; never synced.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 04:36:33
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invoice_predictions",
        sa.Column("transaction_id", UUID, nullable=False),
        sa.Column("customer_id", UUID, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("predicted_date", sa.Date(), nullable=False),
        sa.Column("late_chance", sa.Integer(), nullable=False),
        sa.Column("usual_delay_days", sa.Integer(), nullable=False),
        sa.Column("trend_days", sa.Integer(), nullable=False),
        sa.Column("disputed", sa.Boolean(), nullable=False),
        sa.Column("open_amount", sa.BigInteger(), nullable=False),
        sa.Column("expected_late", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_invoice_predictions_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["customer_transactions.id"],
            name=op.f("fk_invoice_predictions_transaction_id_customer_transactions"),
        ),
        sa.PrimaryKeyConstraint("transaction_id", name=op.f("pk_invoice_predictions")),
    )
    op.create_index(
        "ix_invoice_predictions_customer", "invoice_predictions", ["customer_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_invoice_predictions_customer", table_name="invoice_predictions")
    op.drop_table("invoice_predictions")
