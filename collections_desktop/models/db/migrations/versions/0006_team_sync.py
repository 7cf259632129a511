"""The team database's bookkeeping: pushed operations, field clocks and pool members on
the server; the replica's state, outbox, conflicts, number blocks and sync flag.

Every database gets every table (one schema for SQLite and PostgreSQL); which side uses
which is told in ``models/db/schema/sync.py``. The server's row-level security, roles and
pull cursor columns are PostgreSQL-only and made by ``team init`` (models/team/server.py).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 15:39:03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_applying",
        sa.Column("flag", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("flag", name=op.f("pk_sync_applying")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", UUID, nullable=False),
        sa.Column("batch_id", UUID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("operations", sa.Text(), nullable=False),
        sa.Column("server_rows", sa.Text(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
        sa.UniqueConstraint("batch_id", name=op.f("uq_sync_conflicts_batch_id")),
    )
    op.create_table(
        "sync_field_clocks",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", UUID, nullable=False),
        sa.Column("column_name", sa.String(length=64), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint(
            "table_name", "row_id", "column_name", name=op.f("pk_sync_field_clocks")
        ),
    )
    op.create_table(
        "sync_number_blocks",
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("first_value", sa.Integer(), nullable=False),
        sa.Column("end_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sync_number_blocks")),
    )
    op.create_table(
        "sync_operations",
        sa.Column("op_id", UUID, nullable=False),
        sa.Column("batch_id", UUID, nullable=False),
        sa.Column("device_id", UUID, nullable=False),
        sa.Column("role_name", sa.String(length=100), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", UUID, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("op_id", name=op.f("pk_sync_operations")),
    )
    with op.batch_alter_table("sync_operations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_operations_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("op_id", UUID, nullable=False),
        sa.Column("batch_id", UUID, nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=True),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", UUID, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("changed", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_outbox")),
        sa.UniqueConstraint("op_id", name=op.f("uq_sync_outbox_op_id")),
    )
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_sync_outbox_batch_id", ["batch_id"], unique=False)

    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", UUID, nullable=False),
        sa.Column("server", sa.Text(), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("cursor", sa.String(length=30), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "pool_customers",
        sa.Column("pool_id", UUID, nullable=False),
        sa.Column("customer_id", UUID, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_pool_customers_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["customer_pools.id"],
            name=op.f("fk_pool_customers_pool_id_customer_pools"),
        ),
        sa.PrimaryKeyConstraint("pool_id", "customer_id", name=op.f("pk_pool_customers")),
    )
    with op.batch_alter_table("pool_customers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pool_customers_customer_id"), ["customer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pool_customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pool_customers_customer_id"))

    op.drop_table("pool_customers")
    op.drop_table("sync_state")
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_outbox_batch_id")

    op.drop_table("sync_outbox")
    with op.batch_alter_table("sync_operations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_operations_batch_id"))

    op.drop_table("sync_operations")
    op.drop_table("sync_number_blocks")
    op.drop_table("sync_field_clocks")
    op.drop_table("sync_conflicts")
    op.drop_table("sync_applying")
