"""What a bank file says, read but not yet stored: the readers of ``formats/`` return
these, the store writes them. Plain values only (no ORM), so a reader is testable alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


class BankFileError(ValueError):
    """A file refused whole: which file, where in it (a line, an element), what is wrong."""

    def __init__(self, file_name: str, where: str | None, what: str) -> None:
        self.file_name = file_name
        self.where = where
        self.what = what
        place = f"{file_name}, {where}" if where else file_name
        super().__init__(f"{place}: {what}")


@dataclass(frozen=True)
class ParsedLine:
    """One entry of a statement, as the bank gave it.

    ``amount`` is signed: above zero money in (a credit), below zero money out. Texts are
    stripped; an IBAN is upper case without spaces; ``None`` where the file says nothing.
    """

    booking_date: dt.date
    value_date: dt.date | None
    amount: Decimal
    currency: str
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    remittance: str | None = None  # the unstructured text, its parts joined by a space
    creditor_reference: str | None = None  # structured (ISO 11649 RF, ESR/ISR, ...)
    bank_reference: str | None = None  # the bank's own unique reference of the entry
    end_to_end_id: str | None = None


@dataclass(frozen=True)
class ParsedStatement:
    """One statement (or notification, or intraday report) of one account."""

    account: str  # IBAN (upper case, no spaces), else the account number as given
    currency: str
    kind: str  # "statement", "notification" (camt.054) or "report" (camt.052)
    statement_number: str | None
    from_date: dt.date | None
    to_date: dt.date | None
    opening_balance: Decimal | None  # signed; None when the file gives none
    closing_balance: Decimal | None
    lines: tuple[ParsedLine, ...]


@dataclass(frozen=True)
class ParsedFile:
    """A whole file: its format and statements, and what the reader found and cleaned."""

    file_name: str
    file_format: str  # "camt.053.001.02", "MT940", "OFX 1.02", "CSV (Profile name)"
    statements: tuple[ParsedStatement, ...]
    notes: tuple[str, ...] = ()  # e.g. "a control character was removed from line 12"
