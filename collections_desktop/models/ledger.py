"""The customer ledger: posting, settlement, reversal, and open amounts as of any date.

Everything here is built from dated, immutable facts:
- a transaction posted on ``posting_date`` adds its signed ``amount`` (debits > 0, credits < 0);
- a settlement line dated ``settlement_date`` takes ``line.amount`` off its transaction's
  open amount, in the transaction's own sign; the lines of one settlement sum to zero;
- a reversal is a new settlement whose lines negate the original's.

So ``open(t, D) = t.amount - Σ lines of t dated ≤ D`` for ``t`` posted ≤ D, and a
customer's balance on ``D`` is the sum of those open amounts. Functions take a
``Session`` and add to the caller's transaction; the caller commits once per user action.
``post_transactions`` and ``settle_many`` apply the same rules as ``post_transaction`` and
``settle`` to many requests in a few statements (imports); both paths share the rule code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, case, func, insert, or_, select, type_coerce, update
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.models.db.schema import (
    CREDIT_TYPES,
    DEBIT_TYPES,
    Currency,
    Customer,
    CustomerTransaction,
    ReceivablesParameters,
    Settlement,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import Money, new_id
from collections_desktop.models.money import ZERO, MoneyError, round_money, to_money
from collections_desktop.models.numbering import next_number, reserve_numbers


class LedgerError(ValueError):
    """A posting or settlement that the ledger refuses; the message says why."""


@dataclass(frozen=True)
class OpenItem:
    """A transaction with what is still open of it on a given date."""

    transaction_id: uuid.UUID
    voucher: str
    document_number: str
    type: str
    posting_date: dt.date
    document_date: dt.date
    due_date: dt.date
    currency: str
    amount: Decimal
    open_amount: Decimal
    amount_accounting: Decimal
    open_amount_accounting: Decimal
    collection_status: str


@dataclass(frozen=True)
class Posting:
    """One transaction to post: the arguments of ``post_transaction`` as a value, for batches."""

    customer_id: uuid.UUID
    type: TransactionType
    amount: Decimal
    posting_date: dt.date
    due_date: dt.date | None = None
    document_date: dt.date | None = None
    document_number: str | None = None
    currency: str | None = None
    exchange_rate: Decimal | None = None
    description: str | None = None
    dimension: str | None = None
    bank_account: str | None = None


@dataclass(frozen=True)
class SettlementRequest:
    """One settlement to make: the arguments of ``settle`` as a value, for batches."""

    amounts: Mapping[uuid.UUID, Decimal]
    settlement_date: dt.date
    note: str | None = None


# --- posting ----------------------------------------------------------------------------


def post_transaction(
    session: Session,
    *,
    customer_id: uuid.UUID,
    type: TransactionType,
    amount: Decimal,
    posting_date: dt.date,
    now: dt.datetime,
    due_date: dt.date | None = None,
    document_date: dt.date | None = None,
    document_number: str | None = None,
    currency: str | None = None,
    exchange_rate: Decimal | None = None,
    description: str | None = None,
    dimension: str | None = None,
    bank_account: str | None = None,
    created_by_id: uuid.UUID | None = None,
) -> CustomerTransaction:
    """Post a transaction; ``amount`` is the positive magnitude, the sign follows ``type``.

    ``exchange_rate`` converts the currency to the accounting currency (accounting =
    amount × rate); it is required for a foreign currency and must be 1 otherwise.
    """
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise LedgerError(_("There is no customer with id {id}.").format(id=customer_id))
    posting = Posting(
        customer_id=customer_id,
        type=type,
        amount=amount,
        posting_date=posting_date,
        due_date=due_date,
        document_date=document_date,
        document_number=document_number,
        currency=currency,
        exchange_rate=exchange_rate,
        description=description,
        dimension=dimension,
        bank_account=bank_account,
    )
    values = _posting_values(
        _Books.load(session), posting, customer.currency, customer.posting_profile
    )
    values["voucher"] = next_number(session, "voucher", now)
    if not document_number:
        values["document_number"] = next_number(session, _document_sequence(type), now)
    txn = CustomerTransaction(
        created_at=now,
        created_by_id=created_by_id,
        updated_at=now,
        **values,
    )
    session.add(txn)
    session.flush()
    return txn


def post_transactions(
    session: Session,
    postings: Sequence[Posting],
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None = None,
) -> list[uuid.UUID]:
    """Post many transactions by the rules of ``post_transaction``; returns their ids in order.

    Vouchers (and missing document numbers) are numbered in the order given. Everything is
    checked before anything is written, and the rows go in as one bulk insert, so an import
    of thousands of documents costs a handful of statements instead of several per row.
    """
    if not postings:
        return []
    customers: dict[uuid.UUID, tuple[str, str]] = {}
    for chunk in _chunks(list({p.customer_id for p in postings})):
        customers.update(
            (row.id, (row.currency, row.posting_profile))
            for row in session.execute(
                select(Customer.id, Customer.currency, Customer.posting_profile).where(
                    Customer.id.in_(chunk)
                )
            )
        )
    books = _Books.load(session)
    rows = []
    for posting in postings:
        if posting.customer_id not in customers:
            raise LedgerError(
                _("There is no customer with id {id}.").format(id=posting.customer_id)
            )
        rows.append(_posting_values(books, posting, *customers[posting.customer_id]))
    vouchers = reserve_numbers(session, "voucher", len(rows), now)
    unnumbered: dict[str, list[int]] = defaultdict(list)
    for index, posting in enumerate(postings):
        if not posting.document_number:
            unnumbered[_document_sequence(posting.type)].append(index)
    for sequence, indexes in unnumbered.items():
        for index, number in zip(
            indexes, reserve_numbers(session, sequence, len(indexes), now), strict=True
        ):
            rows[index]["document_number"] = number
    ids = [new_id() for _row in rows]
    session.execute(
        insert(CustomerTransaction),
        [
            {
                **row,
                "id": txn_id,
                "voucher": voucher,
                "created_at": now,
                "created_by_id": created_by_id,
                "updated_at": now,
            }
            for row, txn_id, voucher in zip(rows, ids, vouchers, strict=True)
        ],
    )
    return ids


def _posting_values(
    books: _Books, posting: Posting, customer_currency: str, posting_profile: str
) -> dict[str, object]:
    """The checked column values of a posting (all but numbers and stamps); the posting rules."""
    currency = posting.currency or customer_currency
    magnitude = _amount(posting.amount, books.decimals(currency))
    if magnitude <= ZERO:
        raise LedgerError(_("The amount must be greater than zero."))
    accounting = books.accounting_currency()
    exchange_rate = posting.exchange_rate
    if exchange_rate is None:
        if currency != accounting:
            raise LedgerError(
                _("An exchange rate from {currency} to {accounting} is needed.").format(
                    currency=currency, accounting=accounting
                )
            )
        exchange_rate = Decimal(1)
    if exchange_rate <= ZERO:
        raise LedgerError(_("The exchange rate must be greater than zero."))
    document_date = posting.document_date or posting.posting_date
    due_date = posting.due_date or posting.posting_date
    if due_date < document_date:
        raise LedgerError(_("The due date cannot be before the document date."))
    sign = _sign(posting.type)
    return {
        "customer_id": posting.customer_id,
        "type": posting.type,
        "document_number": posting.document_number,
        "posting_date": posting.posting_date,
        "document_date": document_date,
        "due_date": due_date,
        "currency": currency,
        "amount": sign * magnitude,
        "amount_accounting": sign
        * round_money(magnitude * exchange_rate, books.decimals(accounting)),
        "description": posting.description,
        "posting_profile": posting_profile,
        "dimension": posting.dimension,
        "bank_account": posting.bank_account,
    }


def post_invoice(session: Session, **kwargs: object) -> CustomerTransaction:
    """Post an invoice (a debit); see ``post_transaction`` for the arguments."""
    return post_transaction(session, type=TransactionType.INVOICE, **kwargs)  # type: ignore[arg-type]


def post_payment(session: Session, **kwargs: object) -> CustomerTransaction:
    """Post a payment received (a credit); see ``post_transaction`` for the arguments."""
    return post_transaction(session, type=TransactionType.PAYMENT, **kwargs)  # type: ignore[arg-type]


def post_credit_note(session: Session, **kwargs: object) -> CustomerTransaction:
    """Post a credit note (a credit); see ``post_transaction`` for the arguments."""
    return post_transaction(session, type=TransactionType.CREDIT_NOTE, **kwargs)  # type: ignore[arg-type]


def post_reversal(
    session: Session,
    original_id: uuid.UUID,
    posting_date: dt.date,
    now: dt.datetime,
    *,
    amount: Decimal | None = None,
    description: str | None = None,
    created_by_id: uuid.UUID | None = None,
) -> CustomerTransaction:
    """Post a reversal of a transaction: the opposite sign, ``amount`` of it (default all).

    The reversal is a transaction of its own (type ``reversal``); the caller settles it
    against the original (waive, NSF) or against a reversal it undoes (reinstate). The
    accounting amount is the original's, exactly for a whole reversal, else pro rata.
    """
    original = session.get(CustomerTransaction, original_id)
    if original is None:
        raise LedgerError(_("There is no transaction with id {id}.").format(id=original_id))
    if posting_date < original.posting_date:
        raise LedgerError(
            _("{voucher} was posted on {date}; it cannot be reversed on an earlier date.").format(
                voucher=original.voucher, date=text_formats().date(original.posting_date)
            )
        )
    books = _Books.load(session)
    whole = abs(original.amount)
    magnitude = whole if amount is None else _amount(amount, books.decimals(original.currency))
    if magnitude <= ZERO or magnitude > whole:
        raise LedgerError(
            _("A reversal of {voucher} must be more than zero and at most {whole}.").format(
                voucher=original.voucher, whole=text_formats().amount(whole)
            )
        )
    accounting = (
        original.amount_accounting
        if magnitude == whole
        else round_money(
            original.amount_accounting * magnitude / whole,
            books.decimals(books.accounting_currency()),
        )
    )
    sign = Decimal(-1) if original.amount > ZERO else Decimal(1)
    txn = CustomerTransaction(
        voucher=next_number(session, "voucher", now),
        customer_id=original.customer_id,
        type=TransactionType.REVERSAL,
        document_number=next_number(session, "reversal", now),
        posting_date=posting_date,
        document_date=posting_date,
        due_date=posting_date,
        currency=original.currency,
        amount=sign * magnitude,
        amount_accounting=-accounting if magnitude == whole else sign * abs(accounting),
        description=description,
        reverses_transaction_id=original.id,
        posting_profile=original.posting_profile,
        dimension=original.dimension,
        bank_account=original.bank_account,
        created_at=now,
        created_by_id=created_by_id,
        updated_at=now,
    )
    session.add(txn)
    session.flush()
    return txn


# --- settlement -------------------------------------------------------------------------


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
    customer_id, lines = state.plan(amounts, settlement_date, _Books.load(session))
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
    books = _Books.load(session)
    settlements: list[dict[str, object]] = []
    lines: list[dict[str, object]] = []
    for request in requests:
        customer_id, planned = state.plan(request.amounts, request.settlement_date, books)
        settlement_id = new_id()
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
    settled = list({line["transaction_id"] for line in lines})
    for chunk in _chunks(settled):  # type: ignore[arg-type]
        update_closed_on(session, chunk)
    return [row["id"] for row in settlements]  # type: ignore[misc]


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
        available if amount is None else _amount(amount, _decimals(session, credit.currency))
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
    if transaction_ids is None:
        loaded = [o for o in session.identity_map.values() if isinstance(o, CustomerTransaction)]
    else:  # look up only these: a long import session holds thousands of objects
        keys = (Session.identity_key(CustomerTransaction, i) for i in transaction_ids)
        loaded = [o for o in map(session.identity_map.get, keys) if o is not None]
    for obj in loaded:
        session.expire(obj, ["closed_on"])


# --- as-of queries ----------------------------------------------------------------------


def _settled_as_of(as_of: dt.date, column: object = SettlementLine.amount):  # type: ignore[no-untyped-def]
    """Correlated sum of a transaction's settlement lines dated on or before ``as_of``."""
    return (
        select(func.coalesce(func.sum(column), 0))
        .where(
            SettlementLine.transaction_id == CustomerTransaction.id,
            SettlementLine.settlement_date <= as_of,
        )
        .correlate(CustomerTransaction)
        .scalar_subquery()
    )


def _open_items_query(as_of: dt.date) -> Select[tuple[object, ...]]:
    open_amount = type_coerce(CustomerTransaction.amount - _settled_as_of(as_of), Money())
    open_accounting = type_coerce(
        CustomerTransaction.amount_accounting
        - _settled_as_of(as_of, SettlementLine.amount_accounting),
        Money(),
    )
    return select(
        CustomerTransaction.id,
        CustomerTransaction.voucher,
        CustomerTransaction.document_number,
        CustomerTransaction.type,
        CustomerTransaction.posting_date,
        CustomerTransaction.document_date,
        CustomerTransaction.due_date,
        CustomerTransaction.currency,
        CustomerTransaction.amount,
        open_amount.label("open_amount"),
        CustomerTransaction.amount_accounting,
        open_accounting.label("open_amount_accounting"),
        CustomerTransaction.collection_status,
    ).where(
        CustomerTransaction.posting_date <= as_of,
        # Closed on or before as_of: nothing open, no need to sum its settlement lines.
        or_(CustomerTransaction.closed_on.is_(None), CustomerTransaction.closed_on > as_of),
    )


def open_items(session: Session, customer_id: uuid.UUID, as_of: dt.date) -> list[OpenItem]:
    """The customer's transactions not fully settled on ``as_of``, oldest due date first."""
    query = (
        _open_items_query(as_of)
        .where(CustomerTransaction.customer_id == customer_id)
        .order_by(CustomerTransaction.due_date, CustomerTransaction.voucher)
    )
    return [OpenItem(*row) for row in session.execute(query) if row.open_amount != ZERO]


def open_amount(session: Session, transaction_id: uuid.UUID, as_of: dt.date) -> Decimal:
    """What is open of one transaction on ``as_of`` (zero before it was posted)."""
    row = session.execute(
        _open_items_query(as_of).where(CustomerTransaction.id == transaction_id)
    ).one_or_none()
    return row.open_amount if row is not None else ZERO


def balance(session: Session, customer_id: uuid.UUID, as_of: dt.date) -> Decimal:
    """The customer's balance on ``as_of`` in the accounting currency (Σ open amounts)."""
    posted = session.scalar(
        select(func.coalesce(func.sum(CustomerTransaction.amount_accounting), 0)).where(
            CustomerTransaction.customer_id == customer_id,
            CustomerTransaction.posting_date <= as_of,
        )
    )
    settled = session.scalar(
        select(func.coalesce(func.sum(SettlementLine.amount_accounting), 0))
        .join(CustomerTransaction, SettlementLine.transaction_id == CustomerTransaction.id)
        .where(
            CustomerTransaction.customer_id == customer_id,
            SettlementLine.settlement_date <= as_of,
        )
    )
    return Decimal(posted or 0) - Decimal(settled or 0)


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


# --- helpers ----------------------------------------------------------------------------


def _amount(value: object, places: int) -> Decimal:
    """An exact amount with at most the currency's decimals, or a LedgerError saying why not."""
    try:
        return to_money(value, places=places)
    except MoneyError as error:
        raise LedgerError(str(error)) from None


def _sign(type: TransactionType) -> Decimal:
    if type in DEBIT_TYPES:
        return Decimal(1)
    if type in CREDIT_TYPES:
        return Decimal(-1)
    raise LedgerError(_("{type} transactions are posted by their own action.").format(type=type))


def _document_sequence(type: TransactionType) -> str:
    return {
        TransactionType.PAYMENT: "payment",
        TransactionType.CREDIT_NOTE: "credit_note",
    }.get(type, "invoice")


def _decimals(session: Session, currency: str) -> int:
    decimals = session.scalar(select(Currency.decimals).where(Currency.code == currency))
    if decimals is None:
        raise LedgerError(_("Unknown currency {code}.").format(code=currency))
    return decimals


def _chunks(items: Sequence[uuid.UUID], size: int = 500) -> Iterable[Sequence[uuid.UUID]]:
    """Slices small enough for an ``IN (...)`` on every database."""
    return (items[start : start + size] for start in range(0, len(items), size))


@dataclass(frozen=True)
class _Books:
    """The reference data the rules read, once per call: accounting currency and decimals."""

    accounting: str | None
    places: Mapping[str, int]

    @classmethod
    def load(cls, session: Session) -> _Books:
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
        for chunk in _chunks(wanted):
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
            for line in session.execute(
                select(
                    SettlementLine.transaction_id,
                    SettlementLine.settlement_date,
                    SettlementLine.amount,
                    SettlementLine.amount_accounting,
                ).where(SettlementLine.transaction_id.in_(chunk))
            ):
                state.lines[line.transaction_id].append(tuple(line)[1:])
        return state

    def plan(
        self, amounts: Mapping[uuid.UUID, Decimal], settlement_date: dt.date, books: _Books
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
            value = _amount(amounts[txn.id], places)
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
    books: _Books,
) -> Decimal:
    """The accounting-currency part of a settlement line, closing the last cent exactly."""
    settled_amount = sum((amount for _d, amount, _acc in lines), ZERO)
    open_accounting = txn.amount_accounting - sum((acc for _d, _a, acc in lines), ZERO)
    if line_amount == txn.amount - settled_amount:
        return open_accounting
    places = books.decimals(books.accounting_currency())
    return round_money(line_amount * txn.amount_accounting / txn.amount, places)
