"""Human numbers (vouchers, settlement numbers, activity ids) from counters in the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collections_desktop.models.db.schema import NumberSequence

SEQUENCES: dict[str, tuple[str, int]] = {
    "customer": ("C-", 6),
    "invoice": ("INV-", 7),
    "payment": ("PAY-", 7),
    "credit_note": ("CN-", 7),
    "voucher": ("V-", 8),
    "settlement": ("ST-", 8),
    "activity": ("ACT-", 7),
    "journal": ("JNL-", 7),
    "write_off": ("WO-", 7),
    "interest_note": ("INT-", 7),
    "fee": ("FEE-", 7),
    "reversal": ("REV-", 7),
    "refund": ("RF-", 7),
    "letter": ("CL-", 7),
    "case": ("CASE-", 6),
    "agency_case": ("EXP-", 6),  # the agency desk's case files (expedientes)
}
"""Name of each counter → (prefix, digits). The one place these formats are declared."""


def reserve_numbers(session: Session, name: str, count: int, now: dt.datetime) -> list[str]:
    """Take ``count`` consecutive numbers of counter ``name`` in the caller's transaction."""
    prefix, width = SEQUENCES[name]
    row = session.execute(
        update(NumberSequence)
        .where(NumberSequence.name == name)
        .values(next_value=NumberSequence.next_value + count, updated_at=now)
        .returning(NumberSequence.next_value)
        # "fetch" refreshes only the matched row; the default ("auto" → evaluate) scans the
        # whole identity map on every call, quadratic over a long posting session (an import).
        .execution_options(synchronize_session="fetch")
    ).scalar_one_or_none()
    if row is None:
        session.add(
            NumberSequence(
                name=name, prefix=prefix, width=width, next_value=1 + count, updated_at=now
            )
        )
        session.flush()
        first = 1
    else:
        first = row - count
    return [f"{prefix}{value:0{width}d}" for value in range(first, first + count)]


def next_number(session: Session, name: str, now: dt.datetime) -> str:
    """Take the next number of the counter ``name``."""
    return reserve_numbers(session, name, 1, now)[0]


def peek_next(session: Session, name: str) -> int:
    """The value the counter ``name`` will hand out next (1 when never used)."""
    value = session.scalar(select(NumberSequence.next_value).where(NumberSequence.name == name))
    return value or 1
