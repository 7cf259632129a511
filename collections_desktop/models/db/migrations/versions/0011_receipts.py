"""Receipts: how each payment was made and where its money stands, and the history of
its states (a cheque received, deposited, cleared or returned).

``payment_details`` is mutable state beside the posted payment; ``payment_state_history``
is a posted fact (triggers as for every posted table). Payments posted before this
revision have no details: the Payments page lists them as "not recorded here".

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_INSTRUMENTS = "method IN ('cheque', 'promissory_note')"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "payment_details",
        sa.Column("id", UUID, nullable=False),
        sa.Column("transaction_id", UUID, nullable=False),
        sa.Column("customer_id", UUID, nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("bank_name", sa.String(length=100), nullable=True),
        sa.Column("instrument_due_date", sa.Date(), nullable=True),
        sa.Column("submission_id", UUID, nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("state_date", sa.Date(), nullable=False),
        sa.Column("receipt_printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["customer_transactions.id"],
            name=op.f("fk_payment_details_transaction_id_customer_transactions"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_payment_details_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_details")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_payment_details_transaction_id")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_payment_details_submission_id")),
    )
    op.create_index(op.f("ix_payment_details_customer_id"), "payment_details", ["customer_id"])
    op.create_index("ix_payment_details_method_state", "payment_details", ["method", "state"])
    op.create_index(
        "uq_payment_details_instrument",
        "payment_details",
        ["customer_id", "method", "reference"],
        unique=True,
        sqlite_where=sa.text(_INSTRUMENTS),
        postgresql_where=sa.text(_INSTRUMENTS),
    )
    op.create_table(
        "payment_state_history",
        sa.Column("id", UUID, nullable=False),
        sa.Column("transaction_id", UUID, nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("state_date", sa.Date(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", UUID, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["customer_transactions.id"],
            name=op.f("fk_payment_state_history_transaction_id_customer_transactions"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["employees.id"],
            name=op.f("fk_payment_state_history_changed_by_id_employees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_state_history")),
    )
    op.create_index(
        op.f("ix_payment_state_history_transaction_id"),
        "payment_state_history",
        ["transaction_id"],
    )
    _guard_state_history(postgres)


def _guard_state_history(postgres: bool) -> None:
    columns = ", ".join(IMMUTABLE_COLUMNS["payment_state_history"])
    for event in (f"UPDATE OF {columns}", "DELETE"):
        name = f"payment_state_history_{event.split()[0].lower()}_refused"
        if postgres:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON payment_state_history "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change_of_posted_fact()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON payment_state_history BEGIN "
                "SELECT RAISE(ABORT, 'posted payment_state_history rows cannot be changed or "
                "deleted; post a correcting entry'); END"
            )
    if postgres:
        op.execute(
            "CREATE TRIGGER payment_state_history_truncate_refused BEFORE TRUNCATE ON "
            "payment_state_history FOR EACH STATEMENT "
            "EXECUTE FUNCTION refuse_change_of_posted_fact()"
        )


# Frozen copy of the guarded columns this revision adds.
IMMUTABLE_COLUMNS = {
    "payment_state_history": [
        "id",
        "transaction_id",
        "from_state",
        "to_state",
        "state_date",
        "changed_at",
        "changed_by_id",
        "note",
    ],
}


def downgrade() -> None:
    op.drop_table("payment_state_history")  # its triggers go with it
    op.drop_table("payment_details")
