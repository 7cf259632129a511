"""Mail: e-mail templates per language, the mail server, and the outbox.

``mail_templates``, ``mail_template_texts`` and ``mail_servers`` are set-up; the standard
templates are added by ``complete_reference_data`` (``models/company/reference.py``) in
the same transaction. ``mailings``, ``outbox_messages`` and ``outbox_attachments`` are the
sending computer's outbox (never synced; ``models/mail/outbox.py``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UUID = sa.Uuid().with_variant(sa.LargeBinary(16), "sqlite")

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _mutable_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "mail_templates",
        sa.Column("id", UUID, nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_mutable_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_templates")),
        sa.UniqueConstraint("code", name=op.f("uq_mail_templates_code")),
    )
    op.create_table(
        "mail_template_texts",
        sa.Column("id", UUID, nullable=False),
        sa.Column("template_id", UUID, nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        *_mutable_columns(),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["mail_templates.id"],
            name=op.f("fk_mail_template_texts_template_id_mail_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_template_texts")),
        sa.UniqueConstraint(
            "template_id", "language", name=op.f("uq_mail_template_texts_template_id")
        ),
    )
    op.create_index(
        op.f("ix_mail_template_texts_template_id"), "mail_template_texts", ["template_id"]
    )
    op.create_table(
        "mail_servers",
        sa.Column("id", UUID, nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("security", sa.String(length=20), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("from_address", sa.String(length=320), nullable=False),
        sa.Column("from_name", sa.String(length=200), nullable=False),
        *_mutable_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_servers")),
    )
    op.create_table(
        "mailings",
        sa.Column("id", UUID, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", UUID, nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["employees.id"], name=op.f("fk_mailings_created_by_id_employees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailings")),
        sa.UniqueConstraint("key", name=op.f("uq_mailings_key")),
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", UUID, nullable=False),
        sa.Column("mailing_id", UUID, nullable=False),
        sa.Column("customer_id", UUID, nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("server_reply", sa.Text(), nullable=True),
        sa.Column("activity_id", UUID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mailing_id"], ["mailings.id"], name=op.f("fk_outbox_messages_mailing_id_mailings")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_outbox_messages_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_outbox_messages_activity_id_activities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("mailing_id", "customer_id", name=op.f("uq_outbox_messages_mailing_id")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_messages_message_id")),
    )
    op.create_index(op.f("ix_outbox_messages_mailing_id"), "outbox_messages", ["mailing_id"])
    op.create_index(op.f("ix_outbox_messages_customer_id"), "outbox_messages", ["customer_id"])
    op.create_index(
        "ix_outbox_messages_state", "outbox_messages", ["state", "next_attempt_at"]
    )
    op.create_table(
        "outbox_attachments",
        sa.Column("id", UUID, nullable=False),
        sa.Column("message_id", UUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_outbox_attachments_message_id_outbox_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attachments")),
    )
    op.create_index(
        op.f("ix_outbox_attachments_message_id"), "outbox_attachments", ["message_id"]
    )


def downgrade() -> None:
    op.drop_table("outbox_attachments")
    op.drop_table("outbox_messages")
    op.drop_table("mailings")
    op.drop_table("mail_servers")
    op.drop_table("mail_template_texts")
    op.drop_table("mail_templates")
