"""What every ledger rule reads and checks: the refusal, the company's currencies and decimals,
exact amounts, and slices small enough for an ``IN (...)``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.kernel.money import MoneyError, to_money
from collections_desktop.models.db.schema import (
    Currency,
    ReceivablesParameters,
)


class LedgerError(ValueError):
    """A posting or settlement that the ledger refuses; the message says why."""


def checked_amount(value: object, places: int) -> Decimal:
    """An exact amount with at most the currency's decimals, or a LedgerError saying why not."""
    try:
        return to_money(value, places=places)
    except MoneyError as error:
        raise LedgerError(str(error)) from None


def currency_decimals(session: Session, currency: str) -> int:
    decimals = session.scalar(select(Currency.decimals).where(Currency.code == currency))
    if decimals is None:
        raise LedgerError(_("Unknown currency {code}.").format(code=currency))
    return decimals


def chunks(items: Sequence[uuid.UUID], size: int = 500) -> Iterable[Sequence[uuid.UUID]]:
    """Slices small enough for an ``IN (...)`` on every database."""
    return (items[start : start + size] for start in range(0, len(items), size))


@dataclass(frozen=True)
class Books:
    """The reference data the rules read, once per call: accounting currency and decimals."""

    accounting: str | None
    places: Mapping[str, int]

    @classmethod
    def load(cls, session: Session) -> Books:
        accounting = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
        places = session.execute(select(Currency.code, Currency.decimals)).all()
        return cls(accounting, {code: decimals for code, decimals in places})

    def accounting_currency(self) -> str:
        if self.accounting is None:
            raise LedgerError(_("The company's receivables parameters are not set up."))
        return self.accounting

    def decimals(self, currency: str) -> int:
        if currency not in self.places:
            raise LedgerError(_("Unknown currency {code}.").format(code=currency))
        return self.places[currency]
