"""The fields a case-file mapping can fill, the kind of value each takes, and their limits."""

from __future__ import annotations

from pathlib import Path

from collections_desktop.i18n import N_, _
from collections_desktop.models.importers.mapping import ImportMapping, MappingError, load_mapping

FIELDS: dict[str, str] = {
    "client_reference": "text",
    "debtor_kind": "kind",
    "debtor_name": "text",
    "debtor_tax_id": "text",
    "debtor_language": "text",
    "addresses": "list",
    "phones": "list",
    "emails": "list",
    "principal": "amount",
    "interest": "amount",
    "fees": "amount",
    "currency": "currency",
    "debt_date": "date",
    "assigned_on": "date",
    "collector": "text",
    "document_number": "text",
    "document_date": "date",
    "document_due_date": "date",
    "document_amount": "amount",
}
"""The fields a mapping can fill, and the kind of value each one takes."""

REQUIRED = ("client_reference", "debtor_name")
CASE_FIELDS = (
    "debtor_kind",
    "debtor_name",
    "debtor_tax_id",
    "debtor_language",
    "principal",
    "interest",
    "fees",
    "currency",
    "debt_date",
    "assigned_on",
    "collector",
)
"""What belongs to the whole case file: the same on every row of one client reference
(or blank on all but one)."""
LIST_FIELDS = ("addresses", "phones", "emails")
DOCUMENT_FIELDS = ("document_number", "document_date", "document_due_date", "document_amount")
MONEY_FIELDS = ("principal", "interest", "fees", "document_amount")
DATE_FIELDS = ("debt_date", "assigned_on", "document_date", "document_due_date")
LENGTHS = {
    "client_reference": 60,
    "debtor_name": 200,
    "debtor_tax_id": 30,
    "debtor_language": 10,
    "document_number": 60,
    "collector": 100,
}
DEBTOR_KINDS = {
    "person": "person",
    "p": "person",
    "individual": "person",
    "private": "person",
    "persona": "person",
    "particular": "person",
    "particulier": "person",
    "pessoa": "person",
    "company": "company",
    "c": "company",
    "business": "company",
    "organisation": "company",
    "organization": "company",
    "empresa": "company",
    "sociedad": "company",
    "société": "company",
    "societe": "company",
    "entreprise": "company",
}
"""How the kind of debtor is written (lower case, trimmed)."""

FIELD_LABELS: dict[str, str] = {
    "client_reference": N_("Client's reference"),
    "debtor_kind": N_("Debtor: person or company"),
    "debtor_name": N_("Debtor's name"),
    "debtor_tax_id": N_("Debtor's tax id"),
    "debtor_language": N_("Debtor's language"),
    "addresses": N_("Addresses"),
    "phones": N_("Phones"),
    "emails": N_("E-mails"),
    "principal": N_("Principal"),
    "interest": N_("Interest"),
    "fees": N_("Fees"),
    "currency": N_("Currency"),
    "debt_date": N_("Debt date"),
    "assigned_on": N_("Assigned on"),
    "collector": N_("Collector"),
    "document_number": N_("Document number"),
    "document_date": N_("Document date"),
    "document_due_date": N_("Document due date"),
    "document_amount": N_("Document amount"),
}
"""What a guided import would call each field (marked; translate with ``_()`` where shown)."""


def load_case_mapping(path: Path | str) -> ImportMapping:
    """Read and check a case-file mapping (raises ``MappingError``)."""
    mapping = load_mapping(path, fields=FIELDS, required=REQUIRED)
    if "principal" not in mapping.fields() and "document_amount" not in mapping.fields():
        raise MappingError(
            _(
                "{path} cannot be used: map principal or document_amount in [columns], "
                "so that each case file has a debt."
            ).format(path=path)
        )
    return mapping
