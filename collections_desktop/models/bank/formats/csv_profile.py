"""How one bank's CSV export reads: a ``CsvProfile``, set up once by the user and saved
by name (``models/bank/profiles.py``).

Columns are named by their header text, or by their position counted from 1 (for files
without a header row, or whose header repeats a name). The amount comes from one of
three layouts: a signed amount column; separate debit and credit columns; or an amount
column with a debit/credit indicator column (``indicator`` and its ``credit_marker``).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from collections_desktop.i18n import _

Column = str | int | None  # a header name, a 1-based position, or not in the file

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "cp1252")
SIGNS = ("normal", "inverted")


class CsvProfileError(ValueError):
    """A profile that cannot read any file (no date column, no amount, ...)."""


@dataclass(frozen=True)
class CsvProfile:
    """One bank's CSV layout (see the module's docstring)."""

    name: str
    account: str = ""  # the IBAN or account number the file is for
    currency: str = ""  # used when the file has no currency column or the cell is empty
    delimiter: str = ","
    decimal_separator: str = "."
    thousands_separator: str = ""
    date_format: str = "%d/%m/%Y"  # strftime codes: %d/%m/%Y, %m/%d/%Y, %Y-%m-%d, %d/%m/%y
    header: bool = True
    skip_lines: int = 0  # lines before the header (or before the first row without one)
    skip_footer: int = 0  # lines after the rows (a total or balance line)
    encoding: str = "auto"  # auto: UTF-8 (with or without BOM), else cp1252
    booking_date: Column = None
    value_date: Column = None
    amount: Column = None
    debit: Column = None
    credit: Column = None
    indicator: Column = None  # with ``amount``: the column saying debit or credit
    credit_marker: str = "C"  # the indicator's value for a credit (anything else: a debit)
    sign: str = "normal"  # "inverted": the file writes money in as negative (cards)
    counterparty_name: Column = None
    counterparty_iban: Column = None
    remittance: tuple[str | int, ...] = ()  # joined by a space
    reference: Column = None  # the bank's reference of the line
    currency_column: Column = None
    balance: Column = None  # the running balance after each row

    def __post_init__(self) -> None:
        """Normalise the remittance columns to a tuple."""
        if isinstance(self.remittance, (str, int)):
            object.__setattr__(self, "remittance", (self.remittance,))
        else:
            object.__setattr__(self, "remittance", tuple(self.remittance))

    def problems(self) -> list[str]:
        """What stops this profile from reading a file, in words (empty: it can)."""
        found = []
        if not self.name.strip():
            found.append(_("The profile has no name."))
        if self.booking_date is None:
            found.append(_("Choose the column of the booking date."))
        if self.amount is None and (self.debit is None or self.credit is None):
            found.append(_("Choose the amount column, or the debit and credit columns."))
        if self.amount is not None and (self.debit is not None or self.credit is not None):
            found.append(_("Choose either an amount column or debit and credit columns."))
        if len(self.delimiter) != 1:
            found.append(_("The separator between columns must be one character."))
        if self.decimal_separator not in (".", ","):
            found.append(_("The decimal separator must be a point or a comma."))
        if self.thousands_separator == self.decimal_separator:
            found.append(_("The thousands and decimal separators must differ."))
        if self.encoding not in ENCODINGS:
            found.append(_("Unknown text encoding {name}.").format(name=self.encoding))
        if self.sign not in SIGNS:
            found.append(_("The sign convention is normal or inverted."))
        if self.skip_lines < 0 or self.skip_footer < 0:
            found.append(_("Lines to skip cannot be negative."))
        return found

    def to_json(self) -> str:
        """The profile as JSON text (what ``bank_csv_profiles.settings`` holds)."""
        values: dict[str, Any] = dataclasses.asdict(self)
        values["remittance"] = list(self.remittance)
        return json.dumps(values, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CsvProfile:
        """A profile from ``to_json``'s text; unknown keys (a newer version's) are ignored."""
        values = json.loads(text)
        known = {field.name for field in dataclasses.fields(cls)}
        values = {key: value for key, value in values.items() if key in known}
        values["remittance"] = tuple(values.get("remittance", ()))
        return cls(**values)
