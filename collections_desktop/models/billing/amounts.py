"""A document's figures from its lines: the net, the tax by code, the total.

The tax of each code is computed once on the sum of the lines carrying it (rounded to
the currency's decimals, half to even as every amount of the ledger), so the invoice,
its ``transaction_taxes`` rows and its PDF say the same figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from collections_desktop.kernel.money import ZERO, round_money

HUNDRED = Decimal(100)


class AmountLine(Protocol):
    """What the figures need of a line."""

    @property
    def tax_code(self) -> str | None: ...
    @property
    def amount(self) -> Decimal: ...


@dataclass(frozen=True)
class TaxTotal:
    """The tax of one code on a document: its rate, the net it is on, the tax."""

    code: str
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class DocumentTotals:
    """A document's net, taxes by code (in code order) and total."""

    net: Decimal
    taxes: tuple[TaxTotal, ...]

    @property
    def tax(self) -> Decimal:
        return sum((t.amount for t in self.taxes), start=ZERO)

    @property
    def total(self) -> Decimal:
        return self.net + self.tax


def document_totals(
    lines: Iterable[AmountLine], rates: Mapping[str, Decimal], places: int
) -> DocumentTotals:
    """The figures of ``lines``; a code missing from ``rates`` counts as no tax here (the
    issue refuses it first)."""
    bases: dict[str, Decimal] = defaultdict(lambda: ZERO)
    net = ZERO
    for line in lines:
        net += line.amount
        if line.tax_code:
            bases[line.tax_code] += line.amount
    taxes = tuple(
        TaxTotal(code, rates[code], base, round_money(base * rates[code] / HUNDRED, places))
        for code, base in sorted(bases.items())
        if code in rates
    )
    return DocumentTotals(net, taxes)
