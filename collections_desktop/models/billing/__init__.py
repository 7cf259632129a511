"""Recurring monthly invoicing: what each customer is billed every month, the pending
(draft) invoices a month's run makes from it, and issuing them as posted invoices.

- ``recurring.py``: a customer's recurring lines, read with the record and saved with it;
- ``run.py``: a month's run, once per customer, line and month;
- ``pending.py``: the list of pending documents, a draft read, edited and deleted;
- ``issue.py``: drafts posted as invoices with their numbers and taxes, all or nothing;
- ``invoices.py``: an issued invoice read whole, for its PDF.
"""
