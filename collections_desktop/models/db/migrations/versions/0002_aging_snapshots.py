"""Aging snapshots (a header per snapshot, per customer, and a line per aging column),
and ``customer_transactions.closed_on``, filled in from the settlement lines.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:58:23.277658
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Frozen copies of the app's column types, as in 0001.
UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")
MONEY = sa.BigInteger  # 1/10,000 of a unit (models/db/types.py: Money)

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer_transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
    # The settlement that left nothing open; the same rule as models/ledger/: update_closed_on.
    op.execute(
        "UPDATE customer_transactions SET closed_on = ("
        "SELECT CASE WHEN SUM(l.amount) = customer_transactions.amount "
        "THEN MAX(l.settlement_date) END FROM settlement_lines l "
        "WHERE l.transaction_id = customer_transactions.id)"
    )
    with op.batch_alter_table("customer_transactions", schema=None) as batch_op:
        batch_op.create_index("ix_customer_transactions_closed_on", ["closed_on"], unique=False)
        batch_op.create_index(
            "ix_customer_transactions_invoice_risk",
            ["customer_id", "type", "due_date", "closed_on"],
            unique=False,
        )
    op.create_table(
        "aging_snapshots",
        sa.Column("id", UUID, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("definition_id", UUID, nullable=False),
        sa.Column("definition_name", sa.String(length=100), nullable=False),
        sa.Column("pool_id", UUID, nullable=True),
        sa.Column("user_name", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("customer_count", sa.Integer(), nullable=False),
        sa.Column("balance", MONEY(), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["aging_definitions.id"],
            name=op.f("fk_aging_snapshots_definition_id_aging_definitions"),
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["customer_pools.id"],
            name=op.f("fk_aging_snapshots_pool_id_customer_pools"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aging_snapshots")),
    )
    with op.batch_alter_table("aging_snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_aging_snapshots_pool_as_of", ["pool_id", "as_of"], unique=False)

    op.create_table(
        "aging_snapshot_customers",
        sa.Column("id", UUID, nullable=False),
        sa.Column("snapshot_id", UUID, nullable=False),
        sa.Column("customer_id", UUID, nullable=False),
        sa.Column("balance", MONEY(), nullable=False),
        sa.Column("past_due", MONEY(), nullable=False),
        sa.Column("credit_limit", MONEY(), nullable=True),
        sa.Column("available_credit", MONEY(), nullable=True),
        sa.Column("sales_order_amount", MONEY(), nullable=False),
        sa.Column("packing_slip_amount", MONEY(), nullable=False),
        sa.Column("disputed_count", sa.Integer(), nullable=False),
        sa.Column("disputed_amount", MONEY(), nullable=False),
        sa.Column("oldest_past_due_date", sa.Date(), nullable=True),
        sa.Column("oldest_past_due_days", sa.Integer(), nullable=True),
        sa.Column("risk_score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_aging_snapshot_customers_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["aging_snapshots.id"],
            name=op.f("fk_aging_snapshot_customers_snapshot_id_aging_snapshots"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aging_snapshot_customers")),
        sa.UniqueConstraint(
            "snapshot_id", "customer_id", name=op.f("uq_aging_snapshot_customers_snapshot_id")
        ),
    )
    with op.batch_alter_table("aging_snapshot_customers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_aging_snapshot_customers_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "aging_snapshot_lines",
        sa.Column("snapshot_customer_id", UUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=50), nullable=False),
        sa.Column("from_days", sa.Integer(), nullable=True),
        sa.Column("to_days", sa.Integer(), nullable=True),
        sa.Column("amount", MONEY(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_customer_id"],
            ["aging_snapshot_customers.id"],
            name=op.f("fk_aging_snapshot_lines_snapshot_customer_id_aging_snapshot_customers"),
        ),
        sa.PrimaryKeyConstraint(
            "snapshot_customer_id", "position", name=op.f("pk_aging_snapshot_lines")
        ),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("aging_snapshot_lines")
    with op.batch_alter_table("aging_snapshot_customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aging_snapshot_customers_customer_id"))

    op.drop_table("aging_snapshot_customers")
    with op.batch_alter_table("aging_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_aging_snapshots_pool_as_of")

    op.drop_table("aging_snapshots")
    with op.batch_alter_table("customer_transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_transactions_invoice_risk")
        batch_op.drop_index("ix_customer_transactions_closed_on")
        batch_op.drop_column("closed_on")
