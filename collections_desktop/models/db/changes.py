"""Which customers a transaction changed, noted by the rules that change them.

The ledger's postings and settlements, a status change and a customer's credit limit note
their customers here; what is derived from a customer's ledger (the newest aging
snapshots, ``models/aging/fresh.py``) is brought up to date from the notes just before the
transaction commits, in the same transaction. The notes live on the session and are
dropped when it commits or rolls back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

NOTED = "collections_changed_customers"
"""The key of the noted customers in ``Session.info``."""


def note_customers(session: Session, customer_ids: Iterable[uuid.UUID]) -> None:
    """Note that this transaction changed what these customers owe or how they stand."""
    noted: set[uuid.UUID] = session.info.setdefault(NOTED, set())
    noted.update(customer_ids)


def take_noted(session: Session) -> set[uuid.UUID]:
    """The customers noted so far, forgetting them (a commit or rollback takes them)."""
    noted: set[uuid.UUID] = session.info.pop(NOTED, set())
    return noted
