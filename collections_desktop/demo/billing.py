"""The demo's recurring billing: about a tenth of the customers pay a few services every
month (maintenance, hosting, support), described in the customer's language.

Deterministic by seed: the same customers, lines, prices and keys for the same seed and
day, whichever database the demo is written into.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

from sqlalchemy import Connection, insert, select

from collections_desktop.demo.stored import Codec
from collections_desktop.models.company.reference import DEFAULT_TAX_CODE
from collections_desktop.models.db.schema import Customer, RecurringBillingLine

SHARE = 0.10
"""The share of customers with recurring billing."""

SERVICES: tuple[tuple[dict[str, str], tuple[str, ...], tuple[int, int]], ...] = (
    # description per language, unit prices, quantity range
    (
        {
            "en": "Maintenance contract",
            "es": "Contrato de mantenimiento",
            "fr": "Contrat de maintenance",
            "pt": "Contrato de manutenção",
        },
        ("90.00", "180.00", "450.00"),
        (1, 1),
    ),
    (
        {
            "en": "Web hosting",
            "es": "Alojamiento web",
            "fr": "Hébergement web",
            "pt": "Alojamento web",
        },
        ("19.90", "49.90", "99.00"),
        (1, 3),
    ),
    (
        {
            "en": "Support hours",
            "es": "Horas de soporte",
            "fr": "Heures de support",
            "pt": "Horas de suporte",
        },
        ("65.00", "75.00"),
        (2, 10),
    ),
)
DAYS = (1, 5, 10, 15, 20, 25, 28)


def _month(day: dt.date, back: int) -> dt.date:
    """The first of the month ``back`` months before ``day``'s (negative: after)."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def write_recurring_billing(
    connection: Connection, *, seed: int, today: dt.date, codec: Codec
) -> int:
    """Give about a tenth of the customers their recurring lines; how many lines."""
    rng = random.Random(f"collections-desktop demo {seed}:billing")
    day = today.toordinal() - 1
    stamp = codec.moment(day, 1260)
    rows = []
    customers = connection.execute(
        select(Customer.id, Customer.language).order_by(Customer.account)
    ).all()
    for customer_id, language in customers:
        if rng.random() >= SHARE:
            continue
        services = rng.sample(range(len(SERVICES)), rng.choice((1, 1, 2, 3)))
        for position, index in enumerate(sorted(services), start=1):
            names, prices, (low, high) = SERVICES[index]
            start = _month(today, rng.randint(1, 24))
            ended = rng.random() < 0.15
            rows.append(
                {
                    "id": uuid.UUID(int=codec.bits(rng, day, 1260)),
                    "customer_id": customer_id,
                    "position": position,
                    "description": names.get(language, names["en"]),
                    "quantity": Decimal(rng.randint(low, high)),
                    "unit_price": Decimal(rng.choice(prices)),
                    "tax_code": DEFAULT_TAX_CODE,
                    "day_of_month": rng.choice(DAYS),
                    "start_month": start,
                    "end_month": _month(today, rng.randint(-6, 1)) if ended else None,
                    "updated_at": stamp,
                    "version": 1,
                    "deleted_at": None,
                }
            )
    if rows:
        connection.execute(insert(RecurringBillingLine), rows)
    return len(rows)
