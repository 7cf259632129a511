"""The agency desk (Qt-free): the debt-recovery agency's clients, case files, collections
waiting for a supervisor, annotations, promises and payment plans, the collections
calendar, expenses, and the monthly reports (collections with commission, expenses, the
collector's statement and the client's remittance).

Writes take a session inside ``models.db.writing.write_transaction`` (one transaction per
user action) and check the row's version; reads return the frozen rows of ``rows.py``.
"""
