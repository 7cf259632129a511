"""Imports from other systems: a TOML mapping, a CSV or XLSX file, one transaction.

``mapping`` reads and checks the mapping, ``reading`` streams a file as rows of cells, and
each kind of import (``receivables``) validates every row before it writes anything, so a
file is either imported whole or not at all, with a row-numbered list of what is wrong.
"""

from __future__ import annotations


class ImportInputError(ValueError):
    """The mapping, the file or its rows cannot be imported; the message says why and where."""
