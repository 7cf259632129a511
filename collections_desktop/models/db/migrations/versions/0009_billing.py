"""Recurring billing: a customer's monthly lines, pending (draft) invoices and their lines,
and the lines of issued invoices (a posted fact, guarded by triggers).

A recurring line is billed once per month: ``uq_pending_document_lines_recurring_month``
refuses a second draft line for it, so two runs of a month at once make one set of
drafts. A draft is issued once: ``pending_documents.issued_transaction_id`` is unique
and ``uq_invoice_lines_pending_position`` refuses a second copy of its lines.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")
MONEY = sa.BigInteger  # 1/10,000 of a unit (models/db/types.py: Money)
STAMP = sa.DateTime(timezone=True)

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _mutable() -> list[sa.Column[object]]:
    return [
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", STAMP, nullable=True),
    ]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "recurring_billing_lines",
        sa.Column("id", UUID, nullable=False),
        sa.Column("customer_id", UUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", MONEY(), nullable=False),
        sa.Column("unit_price", MONEY(), nullable=False),
        sa.Column("tax_code", sa.String(length=30), nullable=True),
        sa.Column("day_of_month", sa.Integer(), nullable=False),
        sa.Column("start_month", sa.Date(), nullable=False),
        sa.Column("end_month", sa.Date(), nullable=True),
        *_mutable(),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_recurring_billing_lines_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_billing_lines")),
    )
    op.create_index(
        op.f("ix_recurring_billing_lines_customer_id"),
        "recurring_billing_lines",
        ["customer_id"],
    )
    op.create_table(
        "pending_documents",
        sa.Column("id", UUID, nullable=False),
        sa.Column("customer_id", UUID, nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("billing_month", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", MONEY(), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("created_by_id", UUID, nullable=True),
        sa.Column("issued_transaction_id", UUID, nullable=True),
        sa.Column("issued_at", STAMP, nullable=True),
        sa.Column("issued_by_id", UUID, nullable=True),
        *_mutable(),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_pending_documents_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["currency"], ["currencies.code"], name=op.f("fk_pending_documents_currency_currencies")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["employees.id"],
            name=op.f("fk_pending_documents_created_by_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_transaction_id"],
            ["customer_transactions.id"],
            name=op.f("fk_pending_documents_issued_transaction_id_customer_transactions"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["employees.id"],
            name=op.f("fk_pending_documents_issued_by_id_employees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_documents")),
        sa.UniqueConstraint(
            "issued_transaction_id", name=op.f("uq_pending_documents_issued_transaction_id")
        ),
    )
    op.create_index("ix_pending_documents_date", "pending_documents", ["document_date"])
    op.create_index(
        op.f("ix_pending_documents_customer_id"), "pending_documents", ["customer_id"]
    )
    op.create_table(
        "pending_document_lines",
        sa.Column("id", UUID, nullable=False),
        sa.Column("document_id", UUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", MONEY(), nullable=False),
        sa.Column("unit_price", MONEY(), nullable=False),
        sa.Column("tax_code", sa.String(length=30), nullable=True),
        sa.Column("amount", MONEY(), nullable=False),
        sa.Column("recurring_line_id", UUID, nullable=True),
        sa.Column("billing_month", sa.Date(), nullable=True),
        *_mutable(),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["pending_documents.id"],
            name=op.f("fk_pending_document_lines_document_id_pending_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["recurring_line_id"],
            ["recurring_billing_lines.id"],
            name=op.f("fk_pending_document_lines_recurring_line_id_recurring_billing_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_document_lines")),
    )
    op.create_index(
        op.f("ix_pending_document_lines_document_id"), "pending_document_lines", ["document_id"]
    )
    op.create_index(
        "uq_pending_document_lines_recurring_month",
        "pending_document_lines",
        ["recurring_line_id", "billing_month"],
        unique=True,
        sqlite_where=sa.text("recurring_line_id IS NOT NULL"),
        postgresql_where=sa.text("recurring_line_id IS NOT NULL"),
    )
    op.create_table(
        "invoice_lines",
        sa.Column("id", UUID, nullable=False),
        sa.Column("transaction_id", UUID, nullable=False),
        sa.Column("pending_document_id", UUID, nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", MONEY(), nullable=False),
        sa.Column("unit_price", MONEY(), nullable=False),
        sa.Column("tax_code", sa.String(length=30), nullable=True),
        sa.Column("tax_rate", MONEY(), nullable=True),
        sa.Column("amount", MONEY(), nullable=False),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["customer_transactions.id"],
            name=op.f("fk_invoice_lines_transaction_id_customer_transactions"),
        ),
        sa.ForeignKeyConstraint(
            ["pending_document_id"],
            ["pending_documents.id"],
            name=op.f("fk_invoice_lines_pending_document_id_pending_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
    )
    op.create_index(op.f("ix_invoice_lines_transaction_id"), "invoice_lines", ["transaction_id"])
    op.create_index(
        "uq_invoice_lines_pending_position",
        "invoice_lines",
        ["pending_document_id", "position"],
        unique=True,
    )
    columns = ", ".join(IMMUTABLE_COLUMNS["invoice_lines"])
    for event in (f"UPDATE OF {columns}", "DELETE"):
        name = f"invoice_lines_{event.split()[0].lower()}_refused"
        if postgres:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON invoice_lines "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change_of_posted_fact()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON invoice_lines BEGIN "
                "SELECT RAISE(ABORT, 'posted invoice_lines rows cannot be changed or "
                "deleted; post a correcting entry'); END"
            )
    if postgres:
        op.execute(
            "CREATE TRIGGER invoice_lines_truncate_refused BEFORE TRUNCATE ON invoice_lines "
            "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_posted_fact()"
        )


# Frozen copy of the guarded columns this revision adds.
IMMUTABLE_COLUMNS = {
    "invoice_lines": [
        "id", "transaction_id", "pending_document_id", "position", "description",
        "quantity", "unit_price", "tax_code", "tax_rate", "amount",
    ],
}  # fmt: skip


def downgrade() -> None:
    op.drop_table("invoice_lines")  # its triggers go with it
    op.drop_table("pending_document_lines")
    op.drop_table("pending_documents")
    op.drop_table("recurring_billing_lines")
