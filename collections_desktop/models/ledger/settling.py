"""Settle marked transactions, list a customer's settlements, reverse one.

A thin, collector-facing layer over ``settlements.settle`` and ``settlements.reverse_settlement``:
it checks what a collector marked in the Settle dialog and says plainly what is wrong
(nothing marked, one side only, totals that differ and by how much, more than is open,
a date before a posting date, another customer or currency, a customer outside the
agent's pools) before anything is written. The ledger then applies its own rules again,
so this layer can never let through what the ledger would refuse.

Functions flush, never commit: the caller commits once per user action.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO, MoneyError, to_money
from collections_desktop.models.db.schema import (
    Currency,
    Customer,
    CustomerTransaction,
    Settlement,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.ledger import balances
from collections_desktop.models.ledger import settlements as ledger_settlements
from collections_desktop.models.people.scope import AgentScope, customers_seen


class SettleError(ValueError):
    """A settlement or a reversal that is refused; the message says what to change."""


@dataclass(frozen=True)
class SettledDocument:
    """One transaction a settlement took an amount off, and what is left open of it."""

    transaction_id: uuid.UUID
    document_number: str
    type: str
    amount: Decimal  # in the transaction's own sign
    open_after: Decimal  # on the settlement date


@dataclass(frozen=True)
class SettlementSummary:
    """What ``settle_marked`` wrote: the settlement and its documents."""

    settlement_id: uuid.UUID
    number: str
    settlement_date: dt.date
    customer_id: uuid.UUID
    currency: str
    total: Decimal  # the debits settled (= the credits settled)
    documents: tuple[SettledDocument, ...]


@dataclass(frozen=True)
class SettlementRow:
    """One settlement of a customer as the Reverse settlement dialog lists it."""

    id: uuid.UUID
    number: str
    settlement_date: dt.date
    note: str | None
    currency: str
    total: Decimal  # the debits it settled (a reversal: the debits it reopened)
    documents: tuple[str, ...]  # document numbers, debits first
    reversed_by: str | None  # the number of the settlement that reversed it
    reversed_on: dt.date | None
    reverses: str | None  # for a reversal: the number of the settlement it undoes
    created_at: dt.datetime
    made_by_action: bool = False  # closed a write-off, NSF return or waiver (see ACTION_TYPES)

    @property
    def is_reversal(self) -> bool:
        """Whether this settlement undoes another one."""
        return self.reverses is not None

    @property
    def reversible(self) -> bool:
        """Neither a reversal, nor reversed already, nor part of another action."""
        return self.reverses is None and self.reversed_by is None and not self.made_by_action


ACTION_TYPES = frozenset({TransactionType.WRITE_OFF, TransactionType.REVERSAL})
"""A settlement touching these closed a write-off, an NSF return or a waiver: it belongs to
that action (and its journal), so it is undone by the action's own inverse (reinstate),
never by a bare settlement reversal that would leave the journal standing."""


# --- settle ---------------------------------------------------------------------------


def settle_marked(
    session: Session,
    scope: AgentScope,
    marks: Mapping[uuid.UUID, Decimal],
    settlement_date: dt.date,
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None,
    note: str | None = None,
) -> SettlementSummary:
    """Settle the marked open debits and credits, each by its positive amount (partial allowed).

    Everything is checked first; ``SettleError`` says what to change and nothing is
    written. ``marks`` maps a transaction id to the positive amount to settle of it.
    """
    fmt = text_formats()
    if not marks:
        raise SettleError(_("Nothing is marked. Mark at least one debit and one credit to settle."))
    ids = list(marks)
    rows = {
        row.id: row
        for row in session.execute(
            select(
                CustomerTransaction.id,
                CustomerTransaction.customer_id,
                CustomerTransaction.document_number,
                CustomerTransaction.type,
                CustomerTransaction.posting_date,
                CustomerTransaction.currency,
                CustomerTransaction.amount,
            ).where(CustomerTransaction.id.in_(ids))
        )
    }
    if len(rows) != len(ids):
        raise SettleError(_("A marked transaction no longer exists. Refresh the list."))
    customers = {row.customer_id for row in rows.values()}
    if len(customers) != 1:
        accounts = session.scalars(
            select(Customer.account).where(Customer.id.in_(customers)).order_by(Customer.account)
        ).all()
        raise SettleError(
            _(
                "The marked transactions belong to different customers ({accounts}); "
                "settle one customer at a time."
            ).format(accounts=", ".join(accounts))
        )
    customer_id = customers.pop()
    _check_in_scope(session, scope, customer_id, now.date())
    currencies = sorted({row.currency for row in rows.values()})
    if len(currencies) != 1:
        raise SettleError(
            _(
                "The marked transactions are in different currencies ({currencies}); "
                "settle one currency at a time."
            ).format(currencies=", ".join(currencies))
        )
    currency = currencies[0]
    debits = [row for row in rows.values() if row.amount > ZERO]
    if not debits or len(debits) == len(rows):
        raise SettleError(one_side_message(only_debits=bool(debits)))
    places = _places(session, currency)
    debit_total = credit_total = ZERO
    amounts: dict[uuid.UUID, Decimal] = {}
    for txn_id in ids:
        row = rows[txn_id]
        value = _positive_amount(marks[txn_id], places, row.document_number)
        if row.posting_date > settlement_date:
            raise SettleError(
                _(
                    "{document} was posted on {posted}; the settlement date {date} is before "
                    "it. Settle on or after {posted}."
                ).format(
                    document=row.document_number,
                    posted=fmt.date(row.posting_date),
                    date=fmt.date(settlement_date),
                )
            )
        txn = session.get(CustomerTransaction, txn_id)
        assert txn is not None  # read above
        available = ledger_settlements.settleable_amount(session, txn, settlement_date)
        if value > available:
            raise SettleError(
                _("{document} has only {open} open on {date}; {asked} was asked.").format(
                    document=row.document_number,
                    open=fmt.amount(available),
                    date=fmt.date(settlement_date),
                    asked=fmt.amount(value),
                )
            )
        if row.amount > ZERO:
            debit_total += value
        else:
            credit_total += value
        amounts[txn_id] = value
    if debit_total != credit_total:
        raise SettleError(
            _(
                "The marked debits total {debits} {currency} and the credits {credits} "
                "{currency}: they differ by {difference}. Settle equal amounts."
            ).format(
                debits=fmt.amount(debit_total),
                credits=fmt.amount(credit_total),
                difference=fmt.amount(abs(debit_total - credit_total)),
                currency=currency,
            )
        )
    settlement = ledger_settlements.settle(
        session,
        amounts,
        settlement_date,
        now,
        note=(note or "").strip() or None,
        created_by_id=created_by_id,
    )
    documents = tuple(
        SettledDocument(
            transaction_id=txn_id,
            document_number=rows[txn_id].document_number,
            type=rows[txn_id].type,
            amount=value if rows[txn_id].amount > ZERO else -value,
            open_after=balances.open_amount(session, txn_id, settlement_date),
        )
        for txn_id, value in amounts.items()
    )
    return SettlementSummary(
        settlement_id=settlement.id,
        number=settlement.number,
        settlement_date=settlement_date,
        customer_id=customer_id,
        currency=currency,
        total=debit_total,
        documents=documents,
    )


def one_side_message(*, only_debits: bool) -> str:
    """What to say when only debits, or only credits, are marked."""
    if only_debits:
        return _("Only debits are marked. Mark at least one debit and one credit to settle.")
    return _("Only credits are marked. Mark at least one debit and one credit to settle.")


# --- list and reverse -----------------------------------------------------------------


def settlements_of(session: Session, customer_id: uuid.UUID) -> list[SettlementRow]:
    """The customer's settlements and reversals, newest first, each with its documents."""
    reversal = aliased(Settlement)
    original = aliased(Settlement)
    headers = session.execute(
        select(
            Settlement.id,
            Settlement.number,
            Settlement.settlement_date,
            Settlement.note,
            Settlement.created_at,
            reversal.number.label("reversed_by"),
            reversal.settlement_date.label("reversed_on"),
            original.number.label("reverses"),
        )
        .outerjoin(reversal, reversal.reverses_settlement_id == Settlement.id)
        .outerjoin(original, original.id == Settlement.reverses_settlement_id)
        .where(Settlement.customer_id == customer_id)
        .order_by(
            Settlement.settlement_date.desc(),
            Settlement.created_at.desc(),
            Settlement.number.desc(),
        )
    ).all()
    lines = session.execute(
        select(
            SettlementLine.settlement_id,
            SettlementLine.amount,
            CustomerTransaction.document_number,
            CustomerTransaction.amount.label("transaction_amount"),
            CustomerTransaction.currency,
            CustomerTransaction.type,
        )
        .join(CustomerTransaction, CustomerTransaction.id == SettlementLine.transaction_id)
        .join(Settlement, Settlement.id == SettlementLine.settlement_id)
        .where(Settlement.customer_id == customer_id)
        .order_by(CustomerTransaction.posting_date, CustomerTransaction.document_number)
    ).all()
    per_settlement: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for line in lines:
        per_settlement[line.settlement_id].append(line)
    result = []
    for head in headers:
        mine = per_settlement.get(head.id, [])
        # Debits first, each document once; the total is what the debit side moved.
        ordered = sorted(mine, key=lambda line: line.transaction_amount < ZERO)
        documents = tuple(dict.fromkeys(line.document_number for line in ordered))
        total = sum(
            (abs(line.amount) for line in mine if line.transaction_amount > ZERO), start=ZERO
        )
        result.append(
            SettlementRow(
                id=head.id,
                number=head.number,
                settlement_date=head.settlement_date,
                note=head.note,
                currency=mine[0].currency if mine else "",
                total=total,
                documents=documents,
                reversed_by=head.reversed_by,
                reversed_on=head.reversed_on,
                reverses=head.reverses,
                created_at=head.created_at,
                made_by_action=any(line.type in ACTION_TYPES for line in mine),
            )
        )
    return result


def reverse(
    session: Session,
    scope: AgentScope,
    settlement_id: uuid.UUID,
    reversal_date: dt.date,
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None,
    note: str | None,
) -> SettlementRow:
    """Undo a settlement from ``reversal_date`` on; its transactions reopen by what it took.

    Refused (``SettleError``, nothing written) for a reversal, a settlement reversed
    already, a date before the settlement's, or a customer outside the agent's pools.
    Returns the reversing settlement as the list shows it.
    """
    fmt = text_formats()
    original = session.get(Settlement, settlement_id)
    if original is None:
        raise SettleError(_("The settlement no longer exists. Refresh the list."))
    _check_in_scope(session, scope, original.customer_id, now.date())
    if original.reverses_settlement_id is not None:
        raise SettleError(
            _("{number} is itself a reversal; it cannot be reversed.").format(
                number=original.number
            )
        )
    already = session.execute(
        select(Settlement.number, Settlement.settlement_date).where(
            Settlement.reverses_settlement_id == settlement_id
        )
    ).first()
    if already is not None:
        raise SettleError(
            _("{number} was already reversed by {reversal} on {date}.").format(
                number=original.number,
                reversal=already.number,
                date=fmt.date(already.settlement_date),
            )
        )
    action = session.scalar(
        select(CustomerTransaction.document_number)
        .join(SettlementLine, SettlementLine.transaction_id == CustomerTransaction.id)
        .where(
            SettlementLine.settlement_id == settlement_id,
            CustomerTransaction.type.in_(ACTION_TYPES),
        )
        .limit(1)
    )
    if action is not None:
        raise SettleError(
            _(
                "{number} belongs to {document} (a write-off, an NSF return or a waiver); "
                "it is undone with that action, not reversed on its own."
            ).format(number=original.number, document=action)
        )
    if reversal_date < original.settlement_date:
        raise SettleError(
            _(
                "{number} is dated {date}; it cannot be reversed on {asked}, an earlier date."
            ).format(
                number=original.number,
                date=fmt.date(original.settlement_date),
                asked=fmt.date(reversal_date),
            )
        )
    made = ledger_settlements.reverse_settlement(
        session,
        settlement_id,
        reversal_date,
        now,
        note=(note or "").strip() or None,
        created_by_id=created_by_id,
    )
    return next(row for row in settlements_of(session, original.customer_id) if row.id == made.id)


# --- helpers --------------------------------------------------------------------------


def _check_in_scope(
    session: Session, scope: AgentScope, customer_id: uuid.UUID, as_of: dt.date
) -> None:
    """Refuse a customer outside the agent's pools (a ``SettleError``, so it shows inline)."""
    if not customers_seen(session, scope, [customer_id], as_of):
        raise SettleError(_("This customer is not in your pools; you cannot settle for them."))


def _places(session: Session, currency: str) -> int:
    places = session.scalar(select(Currency.decimals).where(Currency.code == currency))
    if places is None:
        raise SettleError(_("Unknown currency {code}.").format(code=currency))
    return places


def _positive_amount(value: object, places: int, document: str) -> Decimal:
    """The amount to settle of ``document``: exact, with the currency's decimals, above zero."""
    try:
        amount = to_money(value, places=places)
    except MoneyError as error:
        raise SettleError(
            _("The amount to settle on {document}: {problem}").format(
                document=document, problem=error
            )
        ) from None
    if amount <= ZERO:
        raise SettleError(
            _("The amount to settle on {document} must be greater than zero.").format(
                document=document
            )
        )
    return amount
