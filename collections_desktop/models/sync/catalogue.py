"""Which tables the team database shares, how, and how each row belongs to a customer.

The one place these facts live: the server's row-level security policies, the replica's
capture triggers, the pull and the scope checks all read them.

- **Reference** tables (set-up, people, pools) are the server's: a replica holds them
  whole, refuses to change them, and takes every change from the server.
- **Customer** tables hold customer data. A row belongs to one customer, directly by a
  column or through its parent row; a connection sees only its agent's customers (rows
  whose customer is unknown, such as an activity about no customer, are seen by all).
  Posted facts merge by union (they are only ever inserted); mutable columns merge last
  writer wins per field.
- **Local** tables are never shared: derived figures (snapshots), the number counters
  (each laptop numbers from its own block, ``models/sync/numbers.py``) and the sync's own
  bookkeeping.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import Table

from collections_desktop.models.db.schema import IMMUTABLE_COLUMNS, Base


class Kind(enum.StrEnum):
    REFERENCE = "reference"
    CUSTOMER = "customer"
    LOCAL = "local"


@dataclass(frozen=True)
class Owner:
    """How a row finds its customer: ``column`` of the row itself, or of its ``parent``
    row (``column`` then names the parent's key in this row)."""

    column: str
    parent: str | None = None


SET_UP_TABLES = (
    "currencies",
    "employees",
    "aging_definitions",
    "aging_periods",
    "case_categories",
    "interest_codes",
    "interest_code_lines",
    "letter_sequences",
    "letter_levels",
    "posting_profiles",
    "sales_tax_codes",
    "write_off_reasons",
    "bank_accounts",
    "bank_charges",
    "customer_pools",
    "receivables_parameters",
    "collections_agents",
    "agent_pools",
    "activity_categories",
    "record_results",
    "business_texts",
    "mail_templates",
    "mail_template_texts",
    "mail_servers",
)

AGENCY_TABLES = (
    "agency_staff",
    "agency_clients",
    "agency_commission_bands",
    "agency_debtors",
    "agency_debtor_contacts",
    "agency_cases",
    "agency_case_documents",
    "agency_collections",
    "agency_collection_history",
    "agency_annotations",
    "agency_plans",
    "agency_instalments",
    "agency_expenses",
    "agency_attachments",
)
"""The agency desk's tables (``models/agency/``): written on the team database by agents
and supervisors alike, so kept with the reference tables, which a replica holds whole and
read-only (an agency's collections wait for a supervisor on the server anyway)."""

AGENCY_SET_UP_TABLES = ("agency_staff", "agency_clients", "agency_commission_bands")
"""The agency tables only a supervisor writes: who approves, and what each client pays."""

REFERENCE_TABLES = (*SET_UP_TABLES, *AGENCY_TABLES)
"""The server's tables: a replica holds them whole and cannot change them."""

OWNERS: dict[str, Owner] = {
    "customers": Owner("id"),
    "contacts": Owner("customer_id"),
    "customer_addresses": Owner("customer_id"),
    "customer_changes": Owner("customer_id"),
    "customer_transactions": Owner("customer_id"),
    "settlements": Owner("customer_id"),
    "journals": Owner("customer_id"),
    "interest_notes": Owner("customer_id"),
    "collection_letters": Owner("customer_id"),
    "activities": Owner("customer_id"),
    "collections_cases": Owner("customer_id"),
    "settlement_lines": Owner("settlement_id", "settlements"),
    "collection_status_history": Owner("transaction_id", "customer_transactions"),
    "transaction_taxes": Owner("transaction_id", "customer_transactions"),
    "promise_results": Owner("transaction_id", "customer_transactions"),
    "charge_adjustments": Owner("charge_transaction_id", "customer_transactions"),
    "journal_lines": Owner("journal_id", "journals"),
    "interest_note_lines": Owner("note_id", "interest_notes"),
    "collection_letter_lines": Owner("letter_id", "collection_letters"),
    "letter_documents": Owner("letter_id", "collection_letters"),
    "case_transactions": Owner("case_id", "collections_cases"),
    "recurring_billing_lines": Owner("customer_id"),
    "pending_documents": Owner("customer_id"),
    "pending_document_lines": Owner("document_id", "pending_documents"),
    "invoice_lines": Owner("transaction_id", "customer_transactions"),
    "payment_details": Owner("transaction_id", "customer_transactions"),
    "payment_state_history": Owner("transaction_id", "customer_transactions"),
    "customer_bank_accounts": Owner("customer_id"),
}
"""Every customer table, shared or not, with the way to its customer (row-level security
covers the local snapshot tables too)."""

LOCAL_CUSTOMER_TABLES = {
    "aging_snapshot_customers": Owner("customer_id"),
    "aging_snapshot_lines": Owner("snapshot_customer_id", "aging_snapshot_customers"),
    "invoice_predictions": Owner("customer_id"),
    # The outbox is the sending computer's own (models/mail/outbox.py); what was sent
    # reaches the team as the activity on the customer's timeline.
    "outbox_messages": Owner("customer_id"),
    "outbox_attachments": Owner("message_id", "outbox_messages"),
    # Bank statements are read and reconciled on one computer (models/bank/); a confirmed
    # line reaches the team as the payment and settlement it posted.
    "bank_statement_lines": Owner("customer_id"),
}
"""Customer data a replica derives for itself (never synced, still guarded on the server)."""

DERIVED_COLUMNS = {"customer_transactions": frozenset({"closed_on"})}
"""Columns each side computes from other rows (the ledger's ``update_closed_on``)."""

UNMERGED_COLUMNS = frozenset({"id", "version"})
"""Never merged field by field: the key, and the version each side counts for itself."""


def kind(table: str) -> Kind:
    if table in REFERENCE_TABLES:
        return Kind.REFERENCE
    if table in OWNERS:
        return Kind.CUSTOMER
    return Kind.LOCAL


def shared_tables() -> list[Table]:
    """Reference and customer tables in foreign-key order (parents first)."""
    return [
        table
        for table in Base.metadata.sorted_tables
        if table.name in REFERENCE_TABLES or table.name in OWNERS
    ]


def customer_tables() -> list[Table]:
    """The shared customer tables in foreign-key order."""
    return [table for table in shared_tables() if table.name in OWNERS]


def owner(table: str) -> Owner:
    """How a row of ``table`` (a customer table, shared or local) finds its customer."""
    return OWNERS.get(table) or LOCAL_CUSTOMER_TABLES[table]


def customer_expression(table: str, alias: str | None = None) -> str:
    """SQL for the customer id of a row of ``table`` (named ``alias``, default the table).

    One level of parent is enough: every parent holds its customer directly.
    """
    row = alias or table
    found = owner(table)
    if found.parent is None:
        return f"{row}.{found.column}"
    parent = owner(found.parent)
    assert parent.parent is None, f"{found.parent} must hold its customer directly"
    return f"(SELECT p.{parent.column} FROM {found.parent} p WHERE p.id = {row}.{found.column})"


def is_posted(table: str) -> bool:
    """Posted facts: inserted once, never changed but for their mutable columns."""
    return table in IMMUTABLE_COLUMNS


def mergeable_columns(table: Table) -> list[str]:
    """The columns a later write may change, merged last writer wins per field."""
    fixed = set(IMMUTABLE_COLUMNS.get(table.name, ())) | UNMERGED_COLUMNS
    derived = DERIVED_COLUMNS.get(table.name, frozenset())
    return [c.name for c in table.columns if c.name not in fixed and c.name not in derived]
