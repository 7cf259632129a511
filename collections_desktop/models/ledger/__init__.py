"""The customer ledger: posting, settling, open amounts as of any date, journals, numbers.

Everything is built from dated, immutable facts (``postings``, ``settlements``); what is
open on a date is read from them (``balances``). ``settling`` is the collector-facing layer
over settlements, ``journals`` the general-ledger side of the actions, ``numbering`` the
human numbers.
"""
