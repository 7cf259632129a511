"""Bank statements in, payments matched to invoices.

- ``formats/``: the readers of the banks' files (camt.05x, MT940, OFX, CSV by profile),
  each returning ``parsed.ParsedFile`` or refusing the whole file with ``BankFileError``;
- ``store.py``: a read file into the database, whole or not at all, each line once;
- ``references.py``: ISO 11649 creditor references (the payment reference printed on
  invoices and letters);
- ``matching.py``: the suggestions for a line, by rules in a fixed order, each with its
  confidence and the reason in words;
- ``reconcile.py``: what the Bank reconciliation page does to a line (confirm, assign,
  set aside, undo), each one transaction over the receipts' own posting.
"""
