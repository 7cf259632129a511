"""What every reader shares: refusing the file with the place named, cleaning texts
(with a note of what was removed), and reading amounts, dates and IBANs strictly."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from collections_desktop.i18n import _
from collections_desktop.models.bank.parsed import BankFileError

SOFT_HYPHEN = "\u00ad"
REPLACEMENT = "\ufffd"
MAX_DECIMALS = 4
_PLAIN_AMOUNT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")


class Reading:
    """One file being read: its name (for every refusal) and the notes gathered so far."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.notes: list[str] = []

    def fail(self, where: str | None, what: str) -> BankFileError:
        """The error refusing the whole file (raise it)."""
        return BankFileError(self.file_name, where, what)

    def note(self, text: str) -> None:
        """Remember something the reader cleaned or noticed, once."""
        if text not in self.notes:
            self.notes.append(text)

    def text(self, value: str | None, where: str) -> str | None:
        """A text field cleaned: soft hyphens and control characters out (the latter with
        a note), U+FFFD kept (with a note), white space collapsed; ``None`` when empty."""
        if value is None:
            return None
        if SOFT_HYPHEN in value:
            value = value.replace(SOFT_HYPHEN, "")
        kept = []
        for char in value:
            if char in "\t\n\r":
                kept.append(" ")
            elif unicodedata.category(char) == "Cc":
                self.note(
                    _("A control character (U+{code}) was removed from {where}.").format(
                        code=f"{ord(char):04X}", where=where
                    )
                )
            else:
                kept.append(char)
        cleaned = " ".join("".join(kept).split())
        if REPLACEMENT in cleaned:
            self.note(
                _("{where} has characters the bank could not write (shown as \ufffd).").format(
                    where=where
                )
            )
        return cleaned or None

    def amount(self, value: str | None, where: str) -> Decimal:
        """A plain decimal amount (``-1234.5``): missing, not a number, or more than four
        decimals that are not zeros refuse the file."""
        raw = (value or "").strip()
        if not raw:
            raise self.fail(where, _("the amount is missing."))
        if not _PLAIN_AMOUNT.fullmatch(raw):
            raise self.fail(where, _("“{value}” is not an amount.").format(value=raw))
        return self.checked(Decimal(raw), raw, where)

    def checked(self, number: Decimal, raw: str, where: str) -> Decimal:
        """``number`` with at most four decimals (trailing zeros beyond them dropped)."""
        try:
            rounded = number.quantize(Decimal(1).scaleb(-MAX_DECIMALS))
        except InvalidOperation:
            raise self.fail(where, _("“{value}” is not an amount.").format(value=raw)) from None
        if rounded != number:
            raise self.fail(
                where,
                _("the amount {value} has more than {n} decimals.").format(
                    value=raw, n=MAX_DECIMALS
                ),
            )
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
            return rounded
        return number

    def date(self, year: int, month: int, day: int, raw: str, where: str) -> dt.date:
        """The date, or a refusal saying it does not exist (30 February, month 20)."""
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise self.fail(
                where, _("the date “{value}” does not exist.").format(value=raw)
            ) from None

    def iso_date(self, value: str | None, where: str) -> dt.date:
        """A date written ``YYYY-MM-DD`` (a time after it, of any precision, is ignored)."""
        raw = (value or "").strip()
        if not raw:
            raise self.fail(where, _("the date is missing."))
        match = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:$|T)", raw)
        if not match:
            raise self.fail(where, _("“{value}” is not a date.").format(value=raw))
        return self.date(int(match[1]), int(match[2]), int(match[3]), raw, where)


def iban_or_none(value: str | None) -> str | None:
    """``value`` upper case without spaces when it looks like an IBAN, else ``None``."""
    if not value:
        return None
    compact = "".join(value.split()).upper()
    return compact if _IBAN.fullmatch(compact) else None


def account_id(value: str) -> str:
    """An account as stored: an IBAN compacted and upper case, anything else as given."""
    return iban_or_none(value) or value.strip()
