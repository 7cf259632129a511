"""Bank statements: the statements read from the bank's files and their lines, the IBANs
customers pay from, saved CSV profiles, a bank account's IBAN and the company's matching
tolerance and confirm confidence.

Columns are added in place (no table rebuild), so the triggers a replica put on
``bank_accounts`` and ``receivables_parameters`` stay.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _mutable() -> list[sa.Column[object]]:
    return [
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    op.add_column("bank_accounts", sa.Column("iban", sa.String(length=34), nullable=True))
    op.add_column(
        "receivables_parameters",
        sa.Column("bank_tolerance_amount", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.add_column(
        "receivables_parameters",
        sa.Column("bank_tolerance_percent", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.add_column(
        "receivables_parameters",
        sa.Column("bank_confirm_confidence", sa.Integer(), nullable=False, server_default="90"),
    )
    op.create_table(
        "bank_statements",
        sa.Column("id", UUID, nullable=False),
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("bank_account_id", UUID, nullable=True),
        sa.Column("statement_number", sa.String(length=80), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_format", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("to_date", sa.Date(), nullable=True),
        sa.Column("opening_balance", sa.BigInteger(), nullable=True),
        sa.Column("closing_balance", sa.BigInteger(), nullable=True),
        sa.Column("difference", sa.BigInteger(), nullable=True),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("new_lines", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", UUID, nullable=True),
        sa.ForeignKeyConstraint(
            ["bank_account_id"],
            ["bank_accounts.id"],
            name=op.f("fk_bank_statements_bank_account_id_bank_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["employees.id"],
            name=op.f("fk_bank_statements_imported_by_id_employees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statements")),
    )
    op.create_index(
        "ix_bank_statements_account_to_date", "bank_statements", ["account", "to_date"]
    )
    op.create_table(
        "bank_statement_lines",
        sa.Column("id", UUID, nullable=False),
        sa.Column("statement_id", UUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.String(length=64), nullable=False),
        sa.Column("booking_date", sa.Date(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("counterparty_name", sa.String(length=140), nullable=True),
        sa.Column("counterparty_iban", sa.String(length=34), nullable=True),
        sa.Column("remittance", sa.Text(), nullable=True),
        sa.Column("creditor_reference", sa.String(length=35), nullable=True),
        sa.Column("bank_reference", sa.String(length=80), nullable=True),
        sa.Column("end_to_end_id", sa.String(length=80), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("customer_id", UUID, nullable=True),
        sa.Column("payment_id", UUID, nullable=True),
        sa.Column("state_note", sa.Text(), nullable=True),
        sa.Column("changed_by_id", UUID, nullable=True),
        *_mutable(),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["bank_statements.id"],
            name=op.f("fk_bank_statement_lines_statement_id_bank_statements"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_bank_statement_lines_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["customer_transactions.id"],
            name=op.f("fk_bank_statement_lines_payment_id_customer_transactions"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["employees.id"],
            name=op.f("fk_bank_statement_lines_changed_by_id_employees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement_lines")),
        sa.UniqueConstraint("import_id", name=op.f("uq_bank_statement_lines_import_id")),
    )
    for column in ("statement_id", "counterparty_iban", "customer_id", "payment_id"):
        op.create_index(
            op.f(f"ix_bank_statement_lines_{column}"), "bank_statement_lines", [column]
        )
    op.create_index(
        "ix_bank_statement_lines_state_booking",
        "bank_statement_lines",
        ["state", "booking_date"],
    )
    op.create_table(
        "customer_bank_accounts",
        sa.Column("id", UUID, nullable=False),
        sa.Column("customer_id", UUID, nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        *_mutable(),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_bank_accounts_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_bank_accounts")),
        sa.UniqueConstraint(
            "customer_id", "iban", name=op.f("uq_customer_bank_accounts_customer_id")
        ),
    )
    for column in ("customer_id", "iban"):
        op.create_index(
            op.f(f"ix_customer_bank_accounts_{column}"), "customer_bank_accounts", [column]
        )
    op.create_table(
        "bank_csv_profiles",
        sa.Column("id", UUID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        *_mutable(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_csv_profiles")),
        sa.UniqueConstraint("name", name=op.f("uq_bank_csv_profiles_name")),
    )


def downgrade() -> None:
    op.drop_table("bank_csv_profiles")
    op.drop_table("customer_bank_accounts")
    op.drop_table("bank_statement_lines")
    op.drop_table("bank_statements")
    with op.batch_alter_table("receivables_parameters") as batch_op:
        batch_op.drop_column("bank_confirm_confidence")
        batch_op.drop_column("bank_tolerance_percent")
        batch_op.drop_column("bank_tolerance_amount")
    with op.batch_alter_table("bank_accounts") as batch_op:
        batch_op.drop_column("iban")
