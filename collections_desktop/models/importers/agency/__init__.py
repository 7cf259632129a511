"""Import of case files a creditor client assigns to the agency, from CSV or XLSX.

What a client's file looks like: **one row per document** (an invoice, a contract, a
receipt behind the debt), the way an accounts-receivable system exports open items. The
rows of one debt share the client's reference (``client_reference``), and each of them
repeats, or leaves blank, what belongs to the whole case file: the debtor (kind, name, tax
id, addresses, phones, e-mails), the principal, interest, fees, currency, debt date and
collector. A file with one row per case file and no document columns is fine too.

- Several addresses, phones or e-mails go in one cell separated by ``;`` (or in the same
  column of several rows of the case); they are added to the debtor's contacts.
- ``principal`` left out (or blank): the sum of the case's document amounts. ``debt_date``
  left out: the earliest due date (else document date) of its documents.
- ``currency`` left out: the client's. ``assigned_on`` left out: today.
- ``collector``: an employee number (E-0102) or a login (dramos) of the agency's staff.
- A debtor is matched by tax id: a debtor the agency already has gets the new case file
  (and any new contact) instead of being created twice.
- A client reference already imported for the client is refused, so a file is not
  imported twice.

Nothing is written unless every row is good; every problem is reported with its row
number (as a spreadsheet shows it) and its column. Case numbers come from the agency's
counter (``models.agency.cases.open_case``).
"""

from __future__ import annotations

from collections_desktop.models.importers.agency.cases import (
    CaseImportResult,
    import_case_files,
)
from collections_desktop.models.importers.agency.fields import load_case_mapping

__all__ = ["CaseImportResult", "import_case_files", "load_case_mapping"]
