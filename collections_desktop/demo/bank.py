"""The demo's bank details: the company's IBAN and the IBANs its customers pay from.

Seven customers in ten have one IBAN entered on their record, one in twenty-five a
second; drawn from a random stream of their own (``{seed}:{index}:bank``), so adding
them changed none of the demo's other rows.
"""

from __future__ import annotations

import random
from typing import Any

from collections_desktop.demo.stored import Codec
from collections_desktop.models.bank.iban import iban_from_bban

COMPANY_IBAN = iban_from_bban("ES", "21000418450200051332")
"""The demo company's operating account (``OPER``), where its customers' payments arrive."""

_DOMESTIC_LENGTH = {"ES": 20, "PT": 21, "FR": 23}
_UK_BANKS = ("NWBK", "BARC", "LOYD", "HBUK", "MIDL")


def customer_iban(rng: random.Random, country: str) -> str:
    """A well-formed IBAN of ``country`` (random account, valid check digits)."""
    if country == "GB":
        bban = rng.choice(_UK_BANKS) + "".join(rng.choices("0123456789", k=14))
    else:
        bban = "".join(rng.choices("0123456789", k=_DOMESTIC_LENGTH.get(country, 20)))
    return iban_from_bban(country, bban)


def bank_account_rows(
    seed: int, index: int, codec: Codec, customer_id: Any, country: str, opened: tuple[int, int]
) -> list[tuple[Any, ...]]:
    """The ``customer_bank_accounts`` rows of one customer (none for three in ten)."""
    rng = random.Random(f"{seed}:{index}:bank")
    if rng.random() >= 0.7:
        return []
    count = 2 if rng.random() < 0.06 else 1
    stamp = codec.stamp(*opened)
    return [
        (codec.uid(rng, *opened), customer_id, customer_iban(rng, country), "entered", stamp, 1)
        for _n in range(count)
    ]
