"""Where each interest or fee charge stands (open, waived, reversed, mixed) and the rows the
Charges dialog shows. A *charge* is an ``interest_note`` transaction (one line of an
interest note) or a ``fee`` transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Row, func, select, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.db.schema import (
    AdjustmentKind,
    ChargeAdjustment,
    CustomerTransaction,
    InterestNote,
    InterestNoteLine,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.people.scope import AgentScope, customers_seen

CHARGE_TYPES = frozenset({TransactionType.INTEREST_NOTE, TransactionType.FEE})


class ChargeState(enum.StrEnum):
    """Where a charge stands after its corrections."""

    ACTIVE = "active"
    WAIVED = "waived"
    REVERSED = "reversed"


class ChargeRowKind(enum.StrEnum):
    """What a row of the charges list stands for."""

    NOTE = "note"  # a whole interest note: its lines and its fee
    LINE = "line"  # one interest line of a note
    FEE = "fee"  # a fee (of a note, an NSF payment, a letter)


@dataclass(frozen=True)
class ChargeRow:
    """A row of the customer's charges, as the charges dialog lists them."""

    kind: ChargeRowKind
    transaction_ids: tuple[uuid.UUID, ...]  # what an action on this row corrects
    note_id: uuid.UUID | None
    note_number: str | None
    document_number: str
    invoice_document: str | None
    description: str | None
    posting_date: dt.date
    currency: str
    amount: Decimal
    open_amount: Decimal
    state: str  # a ChargeState, or "mixed" for a note whose charges differ


MIXED = "mixed"


def charge_states(
    session: Session, transaction_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, ChargeState]:
    """The state of each charge (every id gets one; no correction: active)."""
    ids = list(dict.fromkeys(transaction_ids))
    counts: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for start in range(0, len(ids), 500):
        for txn_id, kind, count in session.execute(
            select(
                ChargeAdjustment.charge_transaction_id,
                ChargeAdjustment.kind,
                func.count(),
            )
            .where(ChargeAdjustment.charge_transaction_id.in_(ids[start : start + 500]))
            .group_by(ChargeAdjustment.charge_transaction_id, ChargeAdjustment.kind)
        ):
            counts[txn_id][kind] = count
    states = {}
    for txn_id in ids:
        kinds = counts.get(txn_id, {})
        if kinds.get(AdjustmentKind.REVERSE, 0):
            states[txn_id] = ChargeState.REVERSED
        elif kinds.get(AdjustmentKind.WAIVE, 0) > kinds.get(AdjustmentKind.REINSTATE, 0):
            states[txn_id] = ChargeState.WAIVED
        else:
            states[txn_id] = ChargeState.ACTIVE
    return states


def charge_state(session: Session, transaction_id: uuid.UUID) -> ChargeState:
    """Whether the charge is active, waived or reversed."""
    return charge_states(session, [transaction_id])[transaction_id]


def note_charges(session: Session, note_id: uuid.UUID) -> list[uuid.UUID]:
    """The charges of a whole interest note: its line transactions, then its fee."""
    lines = session.scalars(
        select(InterestNoteLine.interest_transaction_id)
        .join(CustomerTransaction, CustomerTransaction.id == InterestNoteLine.invoice_id)
        .where(InterestNoteLine.note_id == note_id)
        .order_by(InterestNoteLine.from_date, CustomerTransaction.document_number)
    ).all()
    fee = session.scalar(select(InterestNote.fee_transaction_id).where(InterestNote.id == note_id))
    return [*lines, *([fee] if fee is not None else [])]


def charge_rows(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> list[ChargeRow]:
    """The customer's interest notes (each followed by its lines and fee) and other fees.

    Newest first; open amounts on ``as_of``. ``ChargeError`` when the customer is
    outside the scope.
    """
    if not customers_seen(session, scope, [customer_id], as_of):
        raise ChargeError(_("This customer is not in your pools."))
    t = CustomerTransaction
    settled = (
        select(func.coalesce(func.sum(SettlementLine.amount), 0))
        .where(SettlementLine.transaction_id == t.id, SettlementLine.settlement_date <= as_of)
        .correlate(t)
        .scalar_subquery()
    )
    charges = {
        row.id: row
        for row in session.execute(
            select(
                t.id,
                t.type,
                t.document_number,
                t.description,
                t.posting_date,
                t.currency,
                t.amount,
                type_coerce(t.amount - settled, Money()).label("open_amount"),
            ).where(
                t.customer_id == customer_id,
                t.type.in_(list(CHARGE_TYPES)),
                t.posting_date <= as_of,
            )
        )
    }
    if not charges:
        return []
    states = charge_states(session, charges)
    opens = {txn_id: row.open_amount for txn_id, row in charges.items()}
    notes = session.execute(
        select(InterestNote.id, InterestNote.number, InterestNote.note_date,
               InterestNote.currency, InterestNote.fee_transaction_id)
        .where(InterestNote.customer_id == customer_id, InterestNote.note_date <= as_of)
        .order_by(InterestNote.note_date.desc(), InterestNote.number.desc())
    ).all()  # fmt: skip
    note_lines: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    if notes:
        for note_id, txn_id, invoice_document in session.execute(
            select(
                InterestNoteLine.note_id,
                InterestNoteLine.interest_transaction_id,
                CustomerTransaction.document_number,
            )
            .join(CustomerTransaction, CustomerTransaction.id == InterestNoteLine.invoice_id)
            .where(InterestNoteLine.note_id.in_([n.id for n in notes]))
            .order_by(InterestNoteLine.from_date, CustomerTransaction.document_number)
        ):
            note_lines[note_id].append((txn_id, invoice_document))

    def row(
        kind: ChargeRowKind,
        txn_id: uuid.UUID,
        note: Row[uuid.UUID, str, dt.date, str, uuid.UUID | None] | None,
        invoice: str | None,
    ) -> ChargeRow:
        txn = charges[txn_id]
        return ChargeRow(
            kind=kind,
            transaction_ids=(txn_id,),
            note_id=note.id if note else None,
            note_number=note.number if note else None,
            document_number=txn.document_number,
            invoice_document=invoice,
            description=txn.description,
            posting_date=txn.posting_date,
            currency=txn.currency,
            amount=txn.amount,
            open_amount=opens[txn_id],
            state=states[txn_id],
        )

    rows: list[tuple[dt.date, int, list[ChargeRow]]] = []
    in_notes: set[uuid.UUID] = set()
    for order, note in enumerate(notes):
        children = [row(ChargeRowKind.LINE, i, note, doc) for i, doc in note_lines[note.id]]
        if note.fee_transaction_id is not None and note.fee_transaction_id in charges:
            children.append(row(ChargeRowKind.FEE, note.fee_transaction_id, note, None))
        ids = tuple(i for child in children for i in child.transaction_ids)
        in_notes.update(ids)
        child_states = {child.state for child in children}
        head = ChargeRow(
            kind=ChargeRowKind.NOTE,
            transaction_ids=ids,
            note_id=note.id,
            note_number=note.number,
            document_number=note.number,
            invoice_document=None,
            description=_("Interest note {number}").format(number=note.number),
            posting_date=note.note_date,
            currency=note.currency,
            amount=sum((c.amount for c in children), ZERO),
            open_amount=sum((c.open_amount for c in children), ZERO),
            state=child_states.pop() if len(child_states) == 1 else MIXED,
        )
        rows.append((note.note_date, -order, [head, *children]))
    for txn_id, txn in charges.items():
        if txn_id in in_notes:
            continue
        fee = row(ChargeRowKind.FEE, txn_id, None, None)
        rows.append((txn.posting_date, 0, [fee]))
    rows.sort(key=lambda item: (item[0], item[1], item[2][0].document_number), reverse=True)
    return [r for _day, _order, group in rows for r in group]


class ChargeError(ValueError):
    """A waiver, reinstatement or reversal that is refused; nothing was written."""
