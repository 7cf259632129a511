"""A company set up in the app: administrators, contact roles, customer addresses, the
customer change history, activity categories, business texts per language, and the
company's language and country.

``customer_changes`` is a posted fact (triggers as for every posted table): a credit
limit's history cannot be rewritten. Columns are added in place (no table rebuild), so
the triggers a replica put on these tables stay.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 21:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _mutable_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column(
        "employees",
        sa.Column("is_administrator", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("contacts", sa.Column("role", sa.String(length=20), nullable=True))
    op.add_column(
        "receivables_parameters",
        sa.Column("language", sa.String(length=10), nullable=False, server_default="en"),
    )
    op.add_column(
        "receivables_parameters", sa.Column("country", sa.String(length=2), nullable=True)
    )
    op.create_table(
        "customer_addresses",
        sa.Column("id", UUID, nullable=False),
        sa.Column("customer_id", UUID, nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        *_mutable_columns(),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_addresses_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_addresses")),
    )
    op.create_index(
        op.f("ix_customer_addresses_customer_id"), "customer_addresses", ["customer_id"]
    )
    op.create_table(
        "customer_changes",
        sa.Column("id", UUID, nullable=False),
        sa.Column("customer_id", UUID, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", UUID, nullable=True),
        sa.Column("field", sa.String(length=50), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_changes_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["employees.id"],
            name=op.f("fk_customer_changes_changed_by_id_employees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_changes")),
    )
    op.create_index(op.f("ix_customer_changes_customer_id"), "customer_changes", ["customer_id"])
    op.create_table(
        "activity_categories",
        sa.Column("id", UUID, nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_mutable_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_activity_categories_code")),
    )
    op.create_table(
        "business_texts",
        sa.Column("id", UUID, nullable=False),
        sa.Column("table_name", sa.String(length=50), nullable=False),
        sa.Column("row_id", UUID, nullable=False),
        sa.Column("field", sa.String(length=50), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        *_mutable_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_texts")),
        sa.UniqueConstraint(
            "table_name",
            "row_id",
            "field",
            "language",
            name=op.f("uq_business_texts_table_name"),
        ),
    )
    op.create_index(op.f("ix_business_texts_row_id"), "business_texts", ["row_id"])
    _guard_customer_changes(postgres)


def _guard_customer_changes(postgres: bool) -> None:
    columns = ", ".join(IMMUTABLE_COLUMNS["customer_changes"])
    for event in (f"UPDATE OF {columns}", "DELETE"):
        name = f"customer_changes_{event.split()[0].lower()}_refused"
        if postgres:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON customer_changes "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change_of_posted_fact()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON customer_changes BEGIN "
                "SELECT RAISE(ABORT, 'posted customer_changes rows cannot be changed or "
                "deleted; post a correcting entry'); END"
            )
    if postgres:
        op.execute(
            "CREATE TRIGGER customer_changes_truncate_refused BEFORE TRUNCATE ON "
            "customer_changes FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_posted_fact()"
        )


# Frozen copy of the guarded columns this revision adds.
IMMUTABLE_COLUMNS = {
    "customer_changes": [
        "id",
        "customer_id",
        "changed_at",
        "changed_by_id",
        "field",
        "old_value",
        "new_value",
    ],
}


def downgrade() -> None:
    op.drop_table("business_texts")
    op.drop_table("activity_categories")
    op.drop_table("customer_changes")  # its triggers go with it
    op.drop_table("customer_addresses")
    with op.batch_alter_table("receivables_parameters") as batch_op:
        batch_op.drop_column("country")
        batch_op.drop_column("language")
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_column("role")
    with op.batch_alter_table("employees") as batch_op:
        batch_op.drop_column("is_administrator")
