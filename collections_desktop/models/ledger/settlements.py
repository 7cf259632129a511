"""Settlements: one, a batch, oldest first, a reversal, and each transaction's ``closed_on``.

A settlement line dated ``settlement_date`` takes ``line.amount`` off its transaction's open
amount, in the transaction's own sign; the lines of one settlement sum to zero; a reversal
is a new settlement whose lines negate the original's. ``settle_many`` applies the rules of
``settle`` to many requests in a few statements (imports): both share ``_SettlementState``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO, round_money
from collections_desktop.models.db.changes import note_customers
from collections_desktop.models.db.schema import (
    CustomerTransaction,
    InvoicePrediction,
    Settlement,
    SettlementLine,
)
from collections_desktop.models.db.types import new_id
from collections_desktop.models.ledger.books import (
    Books,
    LedgerError,
    checked_amount,
    chunks,
    currency_decimals,
)
from collections_desktop.models.ledger.numbering import next_number, reserve_numbers


@dataclass(frozen=True)
class SettlementRequest:
    """One settlement to make: the arguments of ``settle`` as a value, for batches."""

    amounts: Mapping[uuid.UUID, Decimal]
    settlement_date: dt.date
    note: str | None = None


def settle(
    session: Session,
    amounts: Mapping[uuid.UUID, Decimal],
    settlement_date: dt.date,
    now: dt.datetime,
    *,
    note: str | None = None,
    created_by_id: uuid.UUID | None = None,
) -> Settlement:
    """Settle the marked transactions against each other, each by the given positive amount.

    Partial amounts are allowed. The debits' amounts must equal the credits' amounts,
    all transactions belong to one customer and one currency, were posted on or before
    ``settlement_date``, and no amount may exceed what is open of its transaction on
    that date or on any later date (a later-dated settlement may already use it).
    """
    if not amounts:
        raise LedgerError(_("Mark at least one debit and one credit to settle."))
    state = _SettlementState.load(session, amounts)
    customer_id, lines = state.plan(amounts, settlement_date, Books.load(session))
    settlement = Settlement(
        number=next_number(session, "settlement", now),
        customer_id=customer_id,
        settlement_date=settlement_date,
        note=note,
        created_at=now,
        created_by_id=created_by_id,
    )
    session.add(settlement)
    session.flush()
    session.add_all(
        SettlementLine(
            settlement_id=settlement.id,
            transaction_id=txn_id,
            settlement_date=settlement_date,
            amount=line_amount,
            amount_accounting=accounting,
        )
        for txn_id, line_amount, accounting in lines
    )
    session.flush()
    update_closed_on(session, [txn_id for txn_id, _amount, _accounting in lines])
    return settlement


def settle_many(
    session: Session,
    requests: Sequence[SettlementRequest],
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None = None,
) -> list[uuid.UUID]:
    """Make many settlements by the rules of ``settle``, in order; returns their ids.

    Each request sees the lines of the ones before it, so the batch can never over-settle
    a transaction. Everything is checked before anything is written (bulk inserts).
    """
    if not requests:
        return []
    for request in requests:
        if not request.amounts:
            raise LedgerError(_("Mark at least one debit and one credit to settle."))
    state = _SettlementState.load(session, {i for r in requests for i in r.amounts})
    books = Books.load(session)
    settlements: list[dict[str, object]] = []
    lines: list[dict[str, object]] = []
    settlement_ids: list[uuid.UUID] = []
    settled: set[uuid.UUID] = set()
    for request in requests:
        customer_id, planned = state.plan(request.amounts, request.settlement_date, books)
        settlement_id = new_id()
        settlement_ids.append(settlement_id)
        settlements.append(
            {
                "id": settlement_id,
                "customer_id": customer_id,
                "settlement_date": request.settlement_date,
                "note": request.note,
                "created_at": now,
                "created_by_id": created_by_id,
            }
        )
        for txn_id, line_amount, accounting in planned:
            state.lines[txn_id].append((request.settlement_date, line_amount, accounting))
            settled.add(txn_id)
            lines.append(
                {
                    "id": new_id(),
                    "settlement_id": settlement_id,
                    "transaction_id": txn_id,
                    "settlement_date": request.settlement_date,
                    "amount": line_amount,
                    "amount_accounting": accounting,
                }
            )
    numbers = reserve_numbers(session, "settlement", len(settlements), now)
    for row, number in zip(settlements, numbers, strict=True):
        row["number"] = number
    session.execute(insert(Settlement), settlements)
    session.execute(insert(SettlementLine), lines)
    for chunk in chunks(list(settled)):
        update_closed_on(session, chunk)
    return settlement_ids


def settle_oldest_first(
    session: Session,
    credit_id: uuid.UUID,
    settlement_date: dt.date,
    now: dt.datetime,
    *,
    amount: Decimal | None = None,
    created_by_id: uuid.UUID | None = None,
) -> Settlement | None:
    """Apply a payment or credit note to the customer's open debits, oldest due date first.

    Applies ``amount`` (default: all that is open of the credit) and returns the
    settlement, or None when there was nothing to settle against.
    """
    credit = session.get(CustomerTransaction, credit_id)
    if credit is None or credit.amount >= ZERO:
        raise LedgerError(_("Only a payment or a credit note can be applied to invoices."))
    available = settleable_amount(session, credit, settlement_date)
    remaining = (
        available
        if amount is None
        else checked_amount(amount, currency_decimals(session, credit.currency))
    )
    if remaining > available:
        raise LedgerError(
            _("{voucher} has only {open} open to apply; {asked} was asked.").format(
                voucher=credit.voucher,
                open=text_formats().amount(available),
                asked=text_formats().amount(remaining),
            )
        )
    marks: dict[uuid.UUID, Decimal] = {}
    debits = session.scalars(
        select(CustomerTransaction)
        .where(
            CustomerTransaction.customer_id == credit.customer_id,
            CustomerTransaction.currency == credit.currency,
            CustomerTransaction.amount > ZERO,
            CustomerTransaction.posting_date <= settlement_date,
        )
        .order_by(
            CustomerTransaction.due_date,
            CustomerTransaction.posting_date,
            CustomerTransaction.voucher,
        )
    )
    for debit in debits:
        if remaining <= ZERO:
            break
        take = min(remaining, settleable_amount(session, debit, settlement_date))
        if take > ZERO:
            marks[debit.id] = take
            remaining -= take
    if not marks:
        return None
    marks[credit_id] = sum(marks.values(), ZERO)
    return settle(session, marks, settlement_date, now, created_by_id=created_by_id)


def reverse_settlement(
    session: Session,
    settlement_id: uuid.UUID,
    reversal_date: dt.date,
    now: dt.datetime,
    *,
    note: str | None = None,
    created_by_id: uuid.UUID | None = None,
) -> Settlement:
    """Undo a settlement from ``reversal_date`` on by a reversing entry; its transactions reopen."""
    original = session.get(Settlement, settlement_id)
    if original is None:
        raise LedgerError(_("There is no settlement with id {id}.").format(id=settlement_id))
    if original.reverses_settlement_id is not None:
        raise LedgerError(
            _("{number} is itself a reversal and cannot be reversed.").format(
                number=original.number
            )
        )
    already = session.scalar(
        select(Settlement.number).where(Settlement.reverses_settlement_id == settlement_id)
    )
    if already:
        raise LedgerError(
            _("{number} was already reversed by {reversal}.").format(
                number=original.number, reversal=already
            )
        )
    if reversal_date < original.settlement_date:
        raise LedgerError(
            _("A settlement dated {date} cannot be reversed on an earlier date.").format(
                date=text_formats().date(original.settlement_date)
            )
        )
    reversal = Settlement(
        number=next_number(session, "settlement", now),
        customer_id=original.customer_id,
        settlement_date=reversal_date,
        reverses_settlement_id=original.id,
        note=note,
        created_at=now,
        created_by_id=created_by_id,
    )
    session.add(reversal)
    session.flush()
    original_lines = session.scalars(
        select(SettlementLine).where(SettlementLine.settlement_id == original.id)
    ).all()
    for line in original_lines:
        session.add(
            SettlementLine(
                settlement_id=reversal.id,
                transaction_id=line.transaction_id,
                settlement_date=reversal_date,
                amount=-line.amount,
                amount_accounting=-line.amount_accounting,
            )
        )
    session.flush()
    update_closed_on(session, [line.transaction_id for line in original_lines])
    return reversal


def update_closed_on(session: Session, transaction_ids: Sequence[uuid.UUID] | None = None) -> None:
    """Set ``closed_on`` of the transactions (all when None) from their settlement lines.

    It is the latest settlement date when the lines settle the whole amount, else None:
    on any date from then on nothing is open, whatever the order of back-dated lines.
    """
    lines = select(
        case(
            (
                func.sum(SettlementLine.amount) == CustomerTransaction.amount,
                func.max(SettlementLine.settlement_date),
            )
        )
    ).where(SettlementLine.transaction_id == CustomerTransaction.id)
    statement = update(CustomerTransaction).values(closed_on=lines.scalar_subquery())
    if transaction_ids is not None:
        statement = statement.where(CustomerTransaction.id.in_(transaction_ids))
    session.execute(statement, execution_options={"synchronize_session": False})
    if transaction_ids is not None:  # all of them: a rebuild, followed by a new snapshot
        for chunk in chunks(list(transaction_ids)):
            note_customers(
                session,
                session.scalars(
                    select(CustomerTransaction.customer_id)
                    .where(CustomerTransaction.id.in_(chunk))
                    .distinct()
                ),
            )
    # A settled invoice has nothing left to predict: the Overview's worklist sums the
    # predictions as they stand, so the prediction goes with the last open amount.
    closed = select(CustomerTransaction.id).where(CustomerTransaction.closed_on.is_not(None))
    if transaction_ids is not None:
        closed = closed.where(CustomerTransaction.id.in_(transaction_ids))
    session.execute(delete(InvoicePrediction).where(InvoicePrediction.transaction_id.in_(closed)))
    if transaction_ids is None:
        loaded = [o for o in session.identity_map.values() if isinstance(o, CustomerTransaction)]
    else:  # look up only these: a long import session holds thousands of objects
        keys = (Session.identity_key(CustomerTransaction, i) for i in transaction_ids)
        loaded = [o for o in map(session.identity_map.get, keys) if o is not None]
    for obj in loaded:
        session.expire(obj, ["closed_on"])


def settleable_amount(session: Session, txn: CustomerTransaction, from_date: dt.date) -> Decimal:
    """The positive amount of ``txn`` that can still be settled on ``from_date``.

    It is the smallest open magnitude on ``from_date`` or on any later settlement date,
    so a back-dated settlement can never over-settle what later ones already used.
    """
    lines = session.execute(
        select(SettlementLine.settlement_date, SettlementLine.amount).where(
            SettlementLine.transaction_id == txn.id
        )
    ).all()
    return _settleable(txn.amount, [(day, amount) for day, amount in lines], from_date)


@dataclass(frozen=True)
class _Settled:
    """What the settlement rules read of a transaction."""

    id: uuid.UUID
    voucher: str
    customer_id: uuid.UUID
    currency: str
    amount: Decimal
    amount_accounting: Decimal
    posting_date: dt.date


@dataclass
class _SettlementState:
    """Transactions about to be settled and their lines (date, amount, accounting amount)."""

    transactions: dict[uuid.UUID, _Settled]
    lines: dict[uuid.UUID, list[tuple[dt.date, Decimal, Decimal]]]

    @classmethod
    def load(cls, session: Session, ids: Iterable[uuid.UUID]) -> _SettlementState:
        wanted = list(ids)
        state = cls({}, defaultdict(list))
        for chunk in chunks(wanted):
            for row in session.execute(
                select(
                    CustomerTransaction.id,
                    CustomerTransaction.voucher,
                    CustomerTransaction.customer_id,
                    CustomerTransaction.currency,
                    CustomerTransaction.amount,
                    CustomerTransaction.amount_accounting,
                    CustomerTransaction.posting_date,
                ).where(CustomerTransaction.id.in_(chunk))
            ):
                state.transactions[row.id] = _Settled(*row)
            for transaction_id, day, amount, accounting in session.execute(
                select(
                    SettlementLine.transaction_id,
                    SettlementLine.settlement_date,
                    SettlementLine.amount,
                    SettlementLine.amount_accounting,
                ).where(SettlementLine.transaction_id.in_(chunk))
            ):
                state.lines[transaction_id].append((day, amount, accounting))
        return state

    def plan(
        self, amounts: Mapping[uuid.UUID, Decimal], settlement_date: dt.date, books: Books
    ) -> tuple[uuid.UUID, list[tuple[uuid.UUID, Decimal, Decimal]]]:
        """The customer and the checked lines of one settlement; the rules of ``settle``."""
        missing = [txn_id for txn_id in amounts if txn_id not in self.transactions]
        if missing:
            raise LedgerError(_("Transaction {id} does not exist.").format(id=missing[0]))
        transactions = [self.transactions[txn_id] for txn_id in amounts]
        customers = {t.customer_id for t in transactions}
        if len(customers) != 1:
            raise LedgerError(_("Transactions of different customers cannot be settled together."))
        currencies = {t.currency for t in transactions}
        if len(currencies) != 1:
            raise LedgerError(_("Transactions in different currencies cannot be settled together."))
        places = books.decimals(currencies.pop())
        debit_total = credit_total = ZERO
        checked: list[tuple[_Settled, Decimal]] = []
        for txn in transactions:
            value = checked_amount(amounts[txn.id], places)
            if value <= ZERO:
                raise LedgerError(
                    _("The amount to settle on {voucher} must be greater than zero.").format(
                        voucher=txn.voucher
                    )
                )
            if txn.posting_date > settlement_date:
                raise LedgerError(
                    _("{voucher} was posted on {posted}, after the settlement date {date}.").format(
                        voucher=txn.voucher,
                        posted=text_formats().date(txn.posting_date),
                        date=text_formats().date(settlement_date),
                    )
                )
            lines = self.lines.get(txn.id, [])
            available = _settleable(txn.amount, [(d, a) for d, a, _acc in lines], settlement_date)
            if value > available:
                raise LedgerError(
                    _(
                        "{voucher} has only {open} open to settle on {date}; {asked} was asked."
                    ).format(
                        voucher=txn.voucher,
                        open=text_formats().amount(available),
                        date=text_formats().date(settlement_date),
                        asked=text_formats().amount(value),
                    )
                )
            if txn.amount > ZERO:
                debit_total += value
            else:
                credit_total += value
            checked.append((txn, value))
        if debit_total != credit_total:
            raise LedgerError(
                _("The marked debits ({debits}) and credits ({credits}) do not balance.").format(
                    debits=text_formats().amount(debit_total),
                    credits=text_formats().amount(credit_total),
                )
            )
        planned = []
        for txn, value in checked:
            line_amount = value if txn.amount > ZERO else -value
            share = _accounting_share(txn, self.lines.get(txn.id, []), line_amount, books)
            planned.append((txn.id, line_amount, share))
        return customers.pop(), planned


def _settleable(
    amount: Decimal, lines: Sequence[tuple[dt.date, Decimal]], from_date: dt.date
) -> Decimal:
    """The smallest open magnitude of a transaction on ``from_date`` or any later line date.

    Open amounts are taken at the end of each date, after all of that date's lines (a
    settlement and its same-day reversal leave the amount open).
    """
    later: dict[dt.date, Decimal] = defaultdict(Decimal)
    open_now = amount
    for day, line_amount in lines:
        if day <= from_date:
            open_now -= line_amount
        else:
            later[day] += line_amount
    lowest = abs(open_now)
    for day in sorted(later):
        open_now -= later[day]
        lowest = min(lowest, abs(open_now))
    return lowest


def _accounting_share(
    txn: _Settled,
    lines: Sequence[tuple[dt.date, Decimal, Decimal]],
    line_amount: Decimal,
    books: Books,
) -> Decimal:
    """The accounting-currency part of a settlement line, closing the last cent exactly."""
    settled_amount = sum((amount for _d, amount, _acc in lines), ZERO)
    open_accounting = txn.amount_accounting - sum((acc for _d, _a, acc in lines), ZERO)
    if line_amount == txn.amount - settled_amount:
        return open_accounting
    places = books.decimals(books.accounting_currency())
    return round_money(line_amount * txn.amount_accounting / txn.amount, places)
