"""Cell values to typed values: text, exact money, dates, flags, codes.

Shared by every import. A wrong value raises ``BadValue`` whose message is the reason the
report shows after the row, column and value ("not a date in the form MM/DD/YYYY.").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import MoneyError, to_money
from collections_desktop.models.importers.mapping import Cell

GROUPED = re.compile(r"^\d{1,3}(?:([ '.,])\d{3})(?:\1\d{3})*$")
"""A whole number grouped by threes with one separator: 1,234 or 1.234.567 or 12 345."""
_SCIENTIFIC = re.compile(r"^[-+]?(\d+[.,]?\d*|[.,]\d+)[eE][-+]?\d+$")
"""How Excel shows a long number in a narrow column, and saves it so in CSV: 1.23457E+11."""
_PLAIN = re.compile(r"^-?(\d+\.?\d*|\.\d+)$")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}


class BadValue(Exception):
    """A value that cannot be used; the message is the reason shown in the report."""


def number_key(text: str) -> str:
    """The form in which account and document numbers are compared: ``0000611365`` → ``611365``.

    Excel reads a number made only of digits as a number and drops its leading zeros, so
    such numbers match with and without them; any other text matches exactly.
    """
    text = text.strip()
    if text.isascii() and text.isdigit():
        return text.lstrip("0") or "0"
    return text


def cell_at(record: tuple[Cell, ...], position: int) -> Cell:
    """The cell at ``position``; a short row (trailing cells left out) reads as blank."""
    return record[position] if position < len(record) else None


def is_blank(cell: Cell) -> bool:
    """Whether a cell holds nothing (empty, or only spaces)."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell: Cell) -> str:
    """A cell as text; XLSX whole numbers lose their ``.0`` (``611365.0`` → ``611365``)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def ten_years_after(day: dt.date) -> dt.date:
    """The same day ten years on (28 February for a 29th)."""
    try:
        return day.replace(year=day.year + 10)
    except ValueError:
        return day.replace(year=day.year + 10, day=28)


def parse_date(text: str, date_format: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, date_format).date()
    except ValueError:
        return None


def parse_money(cell: Cell, separator: str, places: int, currency: str) -> Decimal:
    """An exact amount of ``currency``: never through binary floating point.

    An XLSX number arrives as a float; its shortest ``repr`` is the decimal Excel showed
    (``55.94``), and a value with more decimals than the currency has is refused, never
    rounded.
    """
    if isinstance(cell, bool | dt.date):
        raise BadValue(_("not an amount."))
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise BadValue(_("not an amount."))
        text = repr(cell)
    elif isinstance(cell, int):
        text = str(cell)
    else:
        if _SCIENTIFIC.match(str(cell).strip()):
            raise BadValue(
                _(
                    "an amount in scientific notation, whose digits are lost: Excel turned the "
                    "column into it. Format the column as Number and save the file again."
                )
            )
        text = plain_number(str(cell), separator)
        if not _PLAIN.match(text):
            raise BadValue(_("not an amount."))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadValue(_("not an amount.")) from None
    if not value.is_finite():
        raise BadValue(_("not an amount."))
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > places:
        raise BadValue(
            ngettext(
                "more decimals than {currency} has ({places} decimal place).",
                "more decimals than {currency} has ({places} decimal places).",
                places,
            ).format(currency=currency, places=places)
        )
    try:
        return to_money(value, places=places)
    except MoneyError as error:
        raise BadValue(str(error)) from None


def plain_number(text: str, separator: str) -> str:
    """``1.234,56`` (separator ``,``) or ``1,234.56`` → ``1234.56``; ``(12.50)`` → ``-12.50``.

    Thousands separators are removed only where they group digits by three, so ``12,5``
    with a point separator stays wrong instead of becoming 125.
    """
    text = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    sign = ""
    if text.startswith("(") and text.endswith(")"):
        sign, text = "-", text[1:-1].strip()
    if text[:1] in "+-":
        sign, text = ("-" if text[0] == "-" else sign), text[1:].strip()
    whole, _sep, decimals = text.partition(separator)
    if (grouped := GROUPED.match(whole)) is not None:
        grouping = grouped.group(1)
        if grouping != separator:
            whole = whole.replace(grouping, "")
    plain = whole + ("." + decimals if _sep else "")
    return sign + plain


def parse_flag(cell: Cell, _name: str) -> bool:
    if isinstance(cell, bool):
        return cell
    text = cell_text(cell).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise BadValue(_("write yes, true or 1 (disputed) or no, false or 0 (not disputed)."))


def country_code(cell: Cell, _name: str) -> str:
    code = cell_text(cell).upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise BadValue(_("not a two-letter ISO country code (ES, FR, US…)."))
    return code


def email_address(cell: Cell, _name: str) -> str:
    text = cell_text(cell)
    if "@" not in text or " " in text or len(text) > 200:
        raise BadValue(_("not an e-mail address."))
    return text
