"""What the user calls the shared tables' rows and the kinds of change (conflicts, logs)."""

from __future__ import annotations

from collections_desktop.i18n import N_, _

TABLE_TITLES: dict[str, str] = {
    "customers": N_("Customer"),
    "contacts": N_("Contact"),
    "customer_transactions": N_("Transaction"),
    "settlements": N_("Settlement"),
    "settlement_lines": N_("Settlement line"),
    "journals": N_("Journal"),
    "journal_lines": N_("Journal line"),
    "interest_notes": N_("Interest note"),
    "interest_note_lines": N_("Interest note line"),
    "collection_letters": N_("Collection letter"),
    "activities": N_("Activity"),
    "collections_cases": N_("Case"),
    "collection_status_history": N_("Collection status change"),
    "transaction_taxes": N_("Transaction tax"),
    "promise_results": N_("Promise result"),
    "charge_adjustments": N_("Charge adjustment"),
}
"""What the user calls a row of each shared table (marked with ``N_``)."""

KIND_WORDS = {"insert": N_("new"), "update": N_("changed"), "delete": N_("deleted")}


def table_title(table: str) -> str:
    """The user's word for a row of ``table``."""
    title = TABLE_TITLES.get(table)
    return _(title) if title else table.replace("_", " ").capitalize()
