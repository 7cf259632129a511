"""Import of receivables from another system: customers, invoices, credit notes, payments.

How a row becomes ledger entries:
- the customer (``customer_account``) is created when the database has no such account, in
  the accounting currency, named after the account unless ``customer_name`` is mapped;
- the document is posted as an invoice or a credit note on its document date;
- a ``settled_date`` adds a payment of ``settled_amount`` (default: the whole amount) and a
  settlement of the document against it, both dated then;
- ``disputed`` sets the new document's collection status to disputed, with a history row.

What is already there: a document is known by its customer, its type and its number;
numbers made only of digits match with and without leading zeros (Excel drops them), and
so do accounts. A row whose document is stored and agrees with it (amount, currency,
dates, the amount settled by its settled date) is "already imported" and adds nothing; a
row that disagrees with the stored document or customer is an error. Collection status
is the collectors' after the first import, so ``disputed`` is not compared.

Nothing is written unless every row is good: every row is checked first and every problem
is counted (the first ones reported with their row numbers); then everything is written in
the caller's transaction through the ledger's batch functions, which apply the ledger's own
rules. The file is streamed in chunks for both, so memory does not grow with its rows.

The modules follow the import: ``parse`` reads a row's cells into checked values,
``plan`` compares the rows with each other and with the database and decides what is
new, ``write`` posts it in one transaction (``import_receivables`` runs the three);
``problems`` collects what is wrong, by row, for the report.
"""
