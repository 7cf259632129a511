"""The fields a receivables mapping can fill, the kind of value each takes, and their limits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from collections_desktop.i18n import N_
from collections_desktop.models.db.schema import TransactionType
from collections_desktop.models.importers.mapping import ImportMapping, load_mapping

FIELDS: dict[str, str] = {
    "customer_account": "text",
    "customer_name": "text",
    "document_number": "text",
    "document_type": "type",
    "document_date": "date",
    "due_date": "date",
    "amount": "amount",
    "currency": "currency",
    "settled_date": "date",
    "settled_amount": "amount",
    "disputed": "flag",
    "description": "text",
    "country": "country",
    "customer_group": "text",
    "credit_limit": "amount",
    "email": "email",
    "phone": "text",
}
"""The fields a mapping can fill, and the kind of value each one takes."""

REQUIRED = ("customer_account", "document_number", "document_date", "amount")
CUSTOMER_FIELDS = ("customer_name", "country", "customer_group", "credit_limit", "email", "phone")
"""Master data of the customer: the same on every row of one account, and as stored."""

LENGTHS = {
    "customer_account": 30,
    "customer_name": 200,
    "document_number": 50,
    "customer_group": 30,
    "email": 200,
    "phone": 50,
    "description": 200,
}
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d.%m.%y",
    "%Y%m%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d-%m-%Y %H:%M",
)
"""Formats tried, in this order of preference, when the mapping names none."""
MONEY_FIELDS = ("amount", "settled_amount", "credit_limit")
DATE_FIELDS = tuple(name for name, kind in FIELDS.items() if kind == "date")
EARLIEST_DATE = dt.date(1990, 1, 1)
"""The earliest date an import accepts unless the mapping says otherwise; the latest is
ten years after today."""
DOCUMENT_TYPES = {
    "invoice": TransactionType.INVOICE,
    "inv": TransactionType.INVOICE,
    "creditnote": TransactionType.CREDIT_NOTE,
    "credit": TransactionType.CREDIT_NOTE,
    "creditmemo": TransactionType.CREDIT_NOTE,
    "cn": TransactionType.CREDIT_NOTE,
}
"""How a document type is written (lower case, without spaces, dashes and underscores)."""


def load_receivables_mapping(path: Path | str) -> ImportMapping:
    """Read and check a receivables mapping (raises ``MappingError``)."""
    return load_mapping(path, fields=FIELDS, required=REQUIRED)


FIELD_LABELS: dict[str, str] = {
    "customer_account": N_("Customer account"),
    "customer_name": N_("Customer name"),
    "document_number": N_("Document number"),
    "document_type": N_("Document type (invoice or credit note)"),
    "document_date": N_("Document date"),
    "due_date": N_("Due date"),
    "amount": N_("Amount"),
    "currency": N_("Currency"),
    "settled_date": N_("Settled on"),
    "settled_amount": N_("Amount settled"),
    "disputed": N_("Disputed"),
    "description": N_("Description"),
    "country": N_("Country"),
    "customer_group": N_("Customer group"),
    "credit_limit": N_("Credit limit"),
    "email": N_("Email"),
    "phone": N_("Phone"),
}
"""What the guided import calls each field (marked; translate with ``_()`` where shown)."""
