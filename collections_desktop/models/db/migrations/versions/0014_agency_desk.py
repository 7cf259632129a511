"""The agency desk: creditor clients and their commission bands, debtors and their
contacts, case files with their documents, collections and their history, annotations,
attachments, promises and payment plans, the collectors' expenses and the agency staff.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 19:37:40.876051
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_debtors",
        sa.Column("id", UUID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tax_id", sa.String(length=30), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("successor_name", sa.String(length=200), nullable=True),
        sa.Column("successor_tax_id", sa.String(length=30), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_debtors")),
    )
    op.create_index(op.f("ix_agency_debtors_name"), "agency_debtors", ["name"], unique=False)
    op.create_index(op.f("ix_agency_debtors_tax_id"), "agency_debtors", ["tax_id"], unique=False)

    op.create_table(
        "agency_clients",
        sa.Column("id", UUID, nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tax_id", sa.String(length=30), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("commission_percent", sa.BigInteger(), nullable=False),
        sa.Column("remittance_days", sa.Integer(), nullable=False),
        sa.Column("remittance_terms", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["currency"], ["currencies.code"], name=op.f("fk_agency_clients_currency_currencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_clients")),
        sa.UniqueConstraint("code", name=op.f("uq_agency_clients_code")),
    )
    op.create_table(
        "agency_debtor_contacts",
        sa.Column("id", UUID, nullable=False),
        sa.Column("debtor_id", UUID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["debtor_id"],
            ["agency_debtors.id"],
            name=op.f("fk_agency_debtor_contacts_debtor_id_agency_debtors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_debtor_contacts")),
    )
    op.create_index(
        op.f("ix_agency_debtor_contacts_debtor_id"),
        "agency_debtor_contacts",
        ["debtor_id"],
        unique=False,
    )

    op.create_table(
        "agency_staff",
        sa.Column("id", UUID, nullable=False),
        sa.Column("employee_id", UUID, nullable=False),
        sa.Column("is_supervisor", sa.Boolean(), nullable=False),
        sa.Column("commission_share_percent", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_agency_staff_employee_id_employees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_staff")),
        sa.UniqueConstraint("employee_id", name=op.f("uq_agency_staff_employee_id")),
    )
    op.create_table(
        "agency_cases",
        sa.Column("id", UUID, nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("client_id", UUID, nullable=False),
        sa.Column("client_reference", sa.String(length=60), nullable=True),
        sa.Column("debtor_id", UUID, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("interest", sa.BigInteger(), nullable=False),
        sa.Column("fees", sa.BigInteger(), nullable=False),
        sa.Column("debt_date", sa.Date(), nullable=False),
        sa.Column("collector_id", UUID, nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("last_action_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["agency_clients.id"],
            name=op.f("fk_agency_cases_client_id_agency_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["collector_id"], ["employees.id"], name=op.f("fk_agency_cases_collector_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["currency"], ["currencies.code"], name=op.f("fk_agency_cases_currency_currencies")
        ),
        sa.ForeignKeyConstraint(
            ["debtor_id"],
            ["agency_debtors.id"],
            name=op.f("fk_agency_cases_debtor_id_agency_debtors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_cases")),
        sa.UniqueConstraint("number", name=op.f("uq_agency_cases_number")),
    )
    op.create_index(
        "ix_agency_cases_client_status", "agency_cases", ["client_id", "status"], unique=False
    )
    op.create_index(
        "ix_agency_cases_collector_status", "agency_cases", ["collector_id", "status"], unique=False
    )
    op.create_index(op.f("ix_agency_cases_debtor_id"), "agency_cases", ["debtor_id"], unique=False)

    op.create_table(
        "agency_commission_bands",
        sa.Column("id", UUID, nullable=False),
        sa.Column("client_id", UUID, nullable=False),
        sa.Column("from_days", sa.Integer(), nullable=False),
        sa.Column("percent", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["agency_clients.id"],
            name=op.f("fk_agency_commission_bands_client_id_agency_clients"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_commission_bands")),
    )
    op.create_index(
        op.f("ix_agency_commission_bands_client_id"),
        "agency_commission_bands",
        ["client_id"],
        unique=False,
    )

    op.create_table(
        "agency_annotations",
        sa.Column("id", UUID, nullable=False),
        sa.Column("case_id", UUID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("found_value", sa.Text(), nullable=True),
        sa.Column("new_name", sa.String(length=200), nullable=True),
        sa.Column("new_tax_id", sa.String(length=30), nullable=True),
        sa.Column("scheduled_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", UUID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["agency_cases.id"],
            name=op.f("fk_agency_annotations_case_id_agency_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["employees.id"],
            name=op.f("fk_agency_annotations_created_by_id_employees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_annotations")),
    )
    op.create_index(
        op.f("ix_agency_annotations_case_id"), "agency_annotations", ["case_id"], unique=False
    )
    op.create_index(
        "ix_agency_annotations_scheduled_on", "agency_annotations", ["scheduled_on"], unique=False
    )

    op.create_table(
        "agency_case_documents",
        sa.Column("id", UUID, nullable=False),
        sa.Column("case_id", UUID, nullable=False),
        sa.Column("document_number", sa.String(length=60), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["agency_cases.id"],
            name=op.f("fk_agency_case_documents_case_id_agency_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_case_documents")),
    )
    op.create_index(
        op.f("ix_agency_case_documents_case_id"), "agency_case_documents", ["case_id"], unique=False
    )

    op.create_table(
        "agency_collections",
        sa.Column("id", UUID, nullable=False),
        sa.Column("case_id", UUID, nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("collected_by_id", UUID, nullable=False),
        sa.Column("received", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", UUID, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", UUID, nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("reverses_id", UUID, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> collected_by_id",
            name=op.f("ck_agency_collections_not_own_approval"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["employees.id"],
            name=op.f("fk_agency_collections_approved_by_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["agency_cases.id"],
            name=op.f("fk_agency_collections_case_id_agency_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["collected_by_id"],
            ["employees.id"],
            name=op.f("fk_agency_collections_collected_by_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["employees.id"],
            name=op.f("fk_agency_collections_decided_by_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["agency_collections.id"],
            name=op.f("fk_agency_collections_reverses_id_agency_collections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_collections")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_agency_collections_reverses_id")),
    )
    op.create_index(
        "ix_agency_collections_case_id", "agency_collections", ["case_id"], unique=False
    )
    op.create_index(
        "ix_agency_collections_collected_on", "agency_collections", ["collected_on"], unique=False
    )
    op.create_index(
        "ix_agency_collections_state_collected_on",
        "agency_collections",
        ["state", "collected_on"],
        unique=False,
    )

    op.create_table(
        "agency_expenses",
        sa.Column("id", UUID, nullable=False),
        sa.Column("employee_id", UUID, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("case_id", UUID, nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", UUID, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", UUID, nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> employee_id",
            name=op.f("ck_agency_expenses_not_own_approval"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["employees.id"],
            name=op.f("fk_agency_expenses_approved_by_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["agency_cases.id"], name=op.f("fk_agency_expenses_case_id_agency_cases")
        ),
        sa.ForeignKeyConstraint(
            ["currency"], ["currencies.code"], name=op.f("fk_agency_expenses_currency_currencies")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["employees.id"],
            name=op.f("fk_agency_expenses_decided_by_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_agency_expenses_employee_id_employees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_expenses")),
    )
    op.create_index(
        "ix_agency_expenses_employee_month",
        "agency_expenses",
        ["employee_id", "month"],
        unique=False,
    )

    op.create_table(
        "agency_plans",
        sa.Column("id", UUID, nullable=False),
        sa.Column("case_id", UUID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", UUID, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["agency_cases.id"], name=op.f("fk_agency_plans_case_id_agency_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["employees.id"],
            name=op.f("fk_agency_plans_created_by_id_employees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_plans")),
    )
    op.create_index(op.f("ix_agency_plans_case_id"), "agency_plans", ["case_id"], unique=False)

    op.create_table(
        "agency_attachments",
        sa.Column("id", UUID, nullable=False),
        sa.Column("annotation_id", UUID, nullable=True),
        sa.Column("expense_id", UUID, nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_by_id", UUID, nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(annotation_id IS NULL) <> (expense_id IS NULL)",
            name=op.f("ck_agency_attachments_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["employees.id"],
            name=op.f("fk_agency_attachments_added_by_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["agency_annotations.id"],
            name=op.f("fk_agency_attachments_annotation_id_agency_annotations"),
        ),
        sa.ForeignKeyConstraint(
            ["expense_id"],
            ["agency_expenses.id"],
            name=op.f("fk_agency_attachments_expense_id_agency_expenses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_attachments")),
    )
    op.create_index(
        op.f("ix_agency_attachments_annotation_id"),
        "agency_attachments",
        ["annotation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_agency_attachments_expense_id"), "agency_attachments", ["expense_id"], unique=False
    )

    op.create_table(
        "agency_collection_history",
        sa.Column("id", UUID, nullable=False),
        sa.Column("collection_id", UUID, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", UUID, nullable=True),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["employees.id"],
            name=op.f("fk_agency_collection_history_changed_by_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["agency_collections.id"],
            name=op.f("fk_agency_collection_history_collection_id_agency_collections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_collection_history")),
    )
    op.create_index(
        op.f("ix_agency_collection_history_collection_id"),
        "agency_collection_history",
        ["collection_id"],
        unique=False,
    )

    op.create_table(
        "agency_instalments",
        sa.Column("id", UUID, nullable=False),
        sa.Column("plan_id", UUID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["agency_plans.id"],
            name=op.f("fk_agency_instalments_plan_id_agency_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_instalments")),
    )
    op.create_index("ix_agency_instalments_due_on", "agency_instalments", ["due_on"], unique=False)
    op.create_index(
        op.f("ix_agency_instalments_plan_id"), "agency_instalments", ["plan_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("agency_instalments")
    op.drop_table("agency_collection_history")
    op.drop_table("agency_attachments")
    op.drop_table("agency_plans")
    op.drop_table("agency_expenses")
    op.drop_table("agency_collections")
    op.drop_table("agency_case_documents")
    op.drop_table("agency_annotations")
    op.drop_table("agency_commission_bands")
    op.drop_table("agency_cases")
    op.drop_table("agency_staff")
    op.drop_table("agency_debtor_contacts")
    op.drop_table("agency_clients")
    op.drop_table("agency_debtors")
