"""Exact money: ``Decimal`` amounts and their rounding per currency.

Amounts are stored as integers of 1/10,000 (see ``db.types.Money``), which holds
every ISO 4217 currency exactly and keeps SQL sums exact. Values a user or a file
supplies are checked here, before they reach a ledger.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from collections_desktop.i18n import _

STORAGE_PLACES = 4
ZERO = Decimal(0)


class MoneyError(ValueError):
    """An amount that cannot be used as money (not a number, too precise, too large)."""


def to_money(value: object, *, places: int = STORAGE_PLACES) -> Decimal:
    """Convert ``value`` (Decimal, int or text, never float) to an exact amount.

    Raises ``MoneyError`` when it is not a number or carries more decimals than
    ``places`` allows: an amount is never rounded silently.
    """
    if isinstance(value, float):
        raise MoneyError(_("Amounts must be exact decimals, not floating-point numbers."))
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise MoneyError(_("“{value}” is not an amount.").format(value=value)) from None
    if not amount.is_finite():
        raise MoneyError(_("“{value}” is not an amount.").format(value=value))
    exponent = amount.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > places:
        raise MoneyError(
            _("{value} has more than {places} decimal places.").format(value=value, places=places)
        )
    if abs(amount) >= Decimal(10) ** 14:
        raise MoneyError(_("{value} is too large for an amount.").format(value=value))
    return amount


def round_money(amount: Decimal, places: int) -> Decimal:
    """Round a computed amount (a conversion, an interest) to ``places`` decimals, half-even."""
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
