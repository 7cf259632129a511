"""Bank statements in, payments matched to invoices.

- ``formats/``: the readers of the banks' files (camt.05x, MT940, OFX, CSV by profile),
  each returning ``parsed.ParsedFile`` or refusing the whole file with ``BankFileError``;
  ``profiles.py`` keeps the CSV profiles by name;
- ``store.py``: a read file into the database, whole or not at all, each line once;
  ``importing.py`` reads and stores one file for the app and the command line;
- ``iban.py`` and ``references.py``: IBANs, and ISO 11649 creditor references (the payment
  reference printed on invoices and letters);
- ``matching.py``: the suggestions for a line, by rules in a fixed order, each with its
  confidence and the reason in words;
- ``reconcile.py``: what the Bank reconciliation page does to a line (confirm, set aside,
  put back, undo), each one transaction over the receipts' own posting; ``batch.py``
  confirms many lines, each on its own;
- ``read.py``: the lines and statements as the page lists them.
"""
