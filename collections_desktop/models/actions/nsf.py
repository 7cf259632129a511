"""NSF payments: a customer's payment whose check bounced (non-sufficient funds).

Processing an NSF payment is one user action, written in one transaction:

1. every settlement of the payment that is not already reversed is reversed on the NSF
   date, so the invoices (and any other documents) it paid are open again;
2. the payment is reversed by a ``reversal`` transaction (its description says NSF) and
   settled against it, so neither stays open: the customer owes again what they owed;
3. a payment journal credits the bank account's ledger account and debits the customer
   (the reversal); the bank account is the payment's own, else the default ``OPER``;
4. when the bank account's charges group has charges marked ``automatic_nsf``, each is
   billed as a ``fee`` transaction (numbered from the ``fee`` counter, due on the NSF
   date) and the same journal debits the customer and credits the charge's ledger account.

Everything is checked before anything is written; a refusal raises ``NsfError`` with a
message a collector can act on. ``nsf_preview`` reads what the action would do (for the
dialog) and ``nsf_events`` lists the NSF payments of a customer for the timeline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.company.reference import DEFAULT_BANK_ACCOUNT
from collections_desktop.models.db.schema import (
    BankAccount,
    BankCharge,
    Customer,
    CustomerTransaction,
    Journal,
    JournalAccountType,
    JournalLine,
    JournalType,
    PaymentDetails,
    PaymentState,
    PaymentStateChange,
    ReceivablesParameters,
    Settlement,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.ledger import balances, postings
from collections_desktop.models.ledger import settlements as ledger_settlements
from collections_desktop.models.ledger.journals import LineDraft, post_journal
from collections_desktop.models.ledger.numbering import next_number
from collections_desktop.models.people.scope import AgentScope, customers_seen

UNDO_REASON = "UNDO"
"""The journal reason of a payment taken back because it was posted in error (``undo``),
which the timeline tells apart from a payment returned unpaid."""


class NsfError(ValueError):
    """An NSF payment that cannot be processed; the message says why, nothing was written."""


@dataclass(frozen=True)
class SettledItem:
    """A document a settlement of the payment paid: it reopens when the payment is NSF."""

    settlement_id: uuid.UUID
    settlement_number: str
    settlement_date: dt.date
    transaction_id: uuid.UUID
    document_number: str
    type: str
    currency: str
    amount: Decimal  # what the settlement took off it, in the document's own sign


@dataclass(frozen=True)
class NsfCharge:
    """A bank charge billed automatically on an NSF payment."""

    code: str
    description: str
    amount: Decimal
    currency: str
    ledger_account: str


@dataclass(frozen=True)
class NsfPreview:
    """What processing the payment as NSF would do, for the dialog to show."""

    payment_id: uuid.UUID
    customer_id: uuid.UUID
    account: str
    customer_name: str
    document_number: str
    voucher: str
    posting_date: dt.date
    amount: Decimal  # the payment's magnitude (positive)
    currency: str
    bank_account: str
    settled: tuple[SettledItem, ...]
    charges: tuple[NsfCharge, ...]
    earliest_date: dt.date  # the NSF date may not be before this

    @property
    def fee_total(self) -> Decimal:
        """The sum of the automatic charges (in their currency)."""
        return sum((c.amount for c in self.charges), ZERO)


@dataclass(frozen=True)
class ReopenedItem:
    """A document that the NSF reopened, with what is open of it on the NSF date."""

    transaction_id: uuid.UUID
    document_number: str
    type: str
    currency: str
    reopened: Decimal  # in the document's own sign
    open_amount: Decimal


@dataclass(frozen=True)
class NsfFee:
    """A fee transaction posted for an NSF payment."""

    transaction_id: uuid.UUID
    document_number: str
    charge_code: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class NsfResult:
    """What processing an NSF payment wrote."""

    payment_id: uuid.UUID
    payment_document: str
    amount: Decimal
    currency: str
    nsf_date: dt.date
    reversal_id: uuid.UUID
    reversal_document: str
    reopened: tuple[ReopenedItem, ...]
    fees: tuple[NsfFee, ...]
    journal_id: uuid.UUID
    journal_number: str

    @property
    def fee_total(self) -> Decimal:
        """The sum of the fees billed."""
        return sum((f.amount for f in self.fees), ZERO)


@dataclass(frozen=True)
class NsfEvent:
    """An NSF payment of a customer, for the timeline."""

    date: dt.date
    payment_id: uuid.UUID
    payment_document: str
    amount: Decimal  # the payment's magnitude
    currency: str
    reversal_document: str
    fee: Decimal
    journal_number: str | None
    description: str | None


# --- reading ----------------------------------------------------------------------------


def nsf_preview(
    session: Session, scope: AgentScope, payment_id: uuid.UUID, as_of: dt.date
) -> NsfPreview:
    """What processing ``payment_id`` as NSF would reverse and charge; ``NsfError`` if it cannot.

    Refused when the transaction is not a payment, is already NSF, or its customer is
    outside the scope on ``as_of``.
    """
    payment = session.get(CustomerTransaction, payment_id)
    if payment is None:
        raise NsfError(_("The payment no longer exists. Refresh the list."))
    customer = session.get(Customer, payment.customer_id)
    assert customer is not None  # a foreign key
    if customer.deleted_at is not None or not customers_seen(session, scope, [customer.id], as_of):
        raise NsfError(
            _("{document} belongs to a customer outside your pools.").format(
                document=payment.document_number
            )
        )
    if payment.type != TransactionType.PAYMENT:
        raise NsfError(
            _("{document} is not a payment; only a payment can be returned as NSF.").format(
                document=payment.document_number
            )
        )
    already = session.scalar(
        select(CustomerTransaction.document_number).where(
            CustomerTransaction.customer_id == payment.customer_id,  # the customer index
            CustomerTransaction.reverses_transaction_id == payment.id,
        )
    )
    if already is not None:
        raise NsfError(
            _("{document} was already returned as NSF ({reversal}).").format(
                document=payment.document_number, reversal=already
            )
        )
    settled = _settled_items(session, payment.id)
    last_line = session.scalar(
        select(func.max(SettlementLine.settlement_date)).where(
            SettlementLine.transaction_id == payment.id
        )
    )
    earliest = max(payment.posting_date, last_line or payment.posting_date)
    bank_code = payment.bank_account or DEFAULT_BANK_ACCOUNT
    bank = session.scalar(
        select(BankAccount).where(BankAccount.code == bank_code, BankAccount.deleted_at.is_(None))
    )
    if bank is None:
        raise NsfError(
            _("The bank account {code} of {document} is not set up.").format(
                code=bank_code, document=payment.document_number
            )
        )
    charges: tuple[NsfCharge, ...] = ()
    if bank.charges_group:
        charges = tuple(
            NsfCharge(c.code, c.description, c.amount, c.currency, c.ledger_account)
            for c in session.scalars(
                select(BankCharge)
                .where(
                    BankCharge.charges_group == bank.charges_group,
                    BankCharge.automatic_nsf.is_(True),
                    BankCharge.deleted_at.is_(None),
                    BankCharge.amount > ZERO,
                )
                .order_by(BankCharge.code)
            )
        )
    return NsfPreview(
        payment_id=payment.id,
        customer_id=customer.id,
        account=customer.account,
        customer_name=customer.name,
        document_number=payment.document_number,
        voucher=payment.voucher,
        posting_date=payment.posting_date,
        amount=-payment.amount,
        currency=payment.currency,
        bank_account=bank.code,
        settled=settled,
        charges=charges,
        earliest_date=earliest,
    )


def _settled_items(session: Session, payment_id: uuid.UUID) -> tuple[SettledItem, ...]:
    """The other documents of the payment's settlements that are not reversed."""
    undone = aliased(Settlement)
    # The payment's own settlement lines first, by their transaction index: a handful. In
    # one statement SQLite's planner started from every settlement of a large company.
    touched = session.scalars(
        select(SettlementLine.settlement_id).where(SettlementLine.transaction_id == payment_id)
    ).all()
    settlements = session.scalars(
        select(Settlement.id).where(
            Settlement.id.in_(touched),
            Settlement.reverses_settlement_id.is_(None),
            ~select(undone.id).where(undone.reverses_settlement_id == Settlement.id).exists(),
        )
    ).all()
    if not settlements:
        return ()
    rows = session.execute(
        select(
            Settlement.id,
            Settlement.number,
            Settlement.settlement_date,
            SettlementLine.transaction_id,
            CustomerTransaction.document_number,
            CustomerTransaction.type,
            CustomerTransaction.currency,
            SettlementLine.amount,
        )
        .join(SettlementLine, SettlementLine.settlement_id == Settlement.id)
        .join(CustomerTransaction, CustomerTransaction.id == SettlementLine.transaction_id)
        .where(Settlement.id.in_(settlements), SettlementLine.transaction_id != payment_id)
        .order_by(Settlement.settlement_date, Settlement.number, CustomerTransaction.voucher)
    )
    return tuple(SettledItem(*row) for row in rows)


# --- processing -------------------------------------------------------------------------


class _CustomerSide(TypedDict):
    """The customer's side of every line of the NSF journal: where it posts."""

    account_type: JournalAccountType
    account: str
    posting_profile: str | None
    dimension: str | None


def process_nsf(
    session: Session,
    scope: AgentScope,
    payment_id: uuid.UUID,
    nsf_date: dt.date,
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None,
    note: str | None = None,
    undo: str | None = None,
) -> NsfResult:
    """Record that payment ``payment_id`` bounced on ``nsf_date`` (see the module docstring).

    ``undo`` (a description) takes back a payment posted in error instead, such as a bank
    line confirmed for the wrong customer: the same reversal of its settlements and of
    itself, under that description, without the NSF charges.

    Refused (``NsfError``, nothing written) when it is not a payment, is already NSF, is
    outside the scope, or ``nsf_date`` is before the payment's posting date or before a
    settlement of it. The caller commits.
    """
    preview = nsf_preview(session, scope, payment_id, now.date())
    if undo is not None:
        preview = dataclasses.replace(preview, charges=())
    fmt = text_formats()
    if nsf_date < preview.posting_date:
        raise NsfError(
            _("{document} was posted on {date}; it cannot be returned as NSF before that.").format(
                document=preview.document_number, date=fmt.date(preview.posting_date)
            )
        )
    if nsf_date < preview.earliest_date:
        raise NsfError(
            _(
                "{document} was settled on {date}; the NSF date cannot be before its settlements."
            ).format(document=preview.document_number, date=fmt.date(preview.earliest_date))
        )
    params = session.scalars(select(ReceivablesParameters).limit(1)).one()
    accounting = params.accounting_currency
    payment = session.get(CustomerTransaction, payment_id)
    assert payment is not None  # nsf_preview found it
    rates: dict[str, Decimal | None] = {}
    for charge in preview.charges:
        if charge.currency == accounting:
            rates[charge.code] = None
        elif charge.currency == payment.currency:
            rates[charge.code] = payment.amount_accounting / payment.amount
        else:
            raise NsfError(
                _(
                    "The NSF charge {code} is in {currency}, neither the accounting currency "
                    "nor the payment's; change the bank charge first."
                ).format(code=charge.code, currency=charge.currency)
            )
    note = (note or "").strip() or None
    description = undo or _("NSF: payment {document} returned unpaid").format(
        document=preview.document_number
    )

    # 1. Reopen what the payment paid.
    for settlement_id in dict.fromkeys(item.settlement_id for item in preview.settled):
        ledger_settlements.reverse_settlement(
            session, settlement_id, nsf_date, now, note=description, created_by_id=created_by_id
        )
    # 2. Reverse the payment and close both against each other.
    reversal = postings.post_reversal(
        session, payment.id, nsf_date, now, description=description, created_by_id=created_by_id
    )
    ledger_settlements.settle(
        session,
        {payment.id: preview.amount, reversal.id: preview.amount},
        nsf_date,
        now,
        note=description,
        created_by_id=created_by_id,
    )

    # 3. and 4. The fees and the payment journal.
    customer_line: _CustomerSide = {
        "account_type": JournalAccountType.CUSTOMER,
        "account": preview.account,
        "posting_profile": payment.posting_profile,
        "dimension": payment.dimension,
    }
    bank = session.scalars(
        select(BankAccount).where(BankAccount.code == preview.bank_account)
    ).one()
    lines = [
        LineDraft(
            **customer_line,
            currency=payment.currency,
            amount=reversal.amount,
            amount_accounting=reversal.amount_accounting,
            transaction_id=reversal.id,
            text=description,
        ),
        LineDraft(
            account_type=JournalAccountType.LEDGER,
            account=bank.ledger_account,
            currency=payment.currency,
            amount=-reversal.amount,
            amount_accounting=-reversal.amount_accounting,
            dimension=payment.dimension,
            text=description,
        ),
    ]
    fees: list[NsfFee] = []
    for charge in preview.charges:
        fee_text = _("{charge} for payment {document}").format(
            charge=charge.description, document=preview.document_number
        )
        fee = postings.post_transaction(
            session,
            customer_id=preview.customer_id,
            type=TransactionType.FEE,
            amount=charge.amount,
            posting_date=nsf_date,
            now=now,
            due_date=nsf_date,
            document_number=next_number(session, "fee", now),
            currency=charge.currency,
            exchange_rate=rates[charge.code],
            description=fee_text,
            dimension=payment.dimension,
            created_by_id=created_by_id,
        )
        lines += [
            LineDraft(
                **customer_line,
                currency=fee.currency,
                amount=fee.amount,
                amount_accounting=fee.amount_accounting,
                transaction_id=fee.id,
                text=fee_text,
            ),
            # The income line names the fee too, so a waiver finds the account to reverse.
            LineDraft(
                account_type=JournalAccountType.LEDGER,
                account=charge.ledger_account,
                currency=fee.currency,
                amount=-fee.amount,
                amount_accounting=-fee.amount_accounting,
                transaction_id=fee.id,
                dimension=payment.dimension,
                text=fee_text,
            ),
        ]
        fees.append(NsfFee(fee.id, fee.document_number, charge.code, fee.amount, fee.currency))
    journal = post_journal(
        session,
        type=JournalType.PAYMENT,
        journal_date=nsf_date,
        lines=lines,
        now=now,
        customer_id=preview.customer_id,
        reason_code="NSF" if undo is None else UNDO_REASON,
        description=f"{description}: {note}" if note else description,
        created_by_id=created_by_id,
    )

    _mark_returned(session, payment.id, nsf_date, now, created_by_id, note or undo)

    reopened_amounts: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    for item in preview.settled:
        reopened_amounts[item.transaction_id] += item.amount
    seen: dict[uuid.UUID, SettledItem] = {}
    for item in preview.settled:
        seen.setdefault(item.transaction_id, item)
    reopened = tuple(
        ReopenedItem(
            transaction_id=txn_id,
            document_number=item.document_number,
            type=item.type,
            currency=item.currency,
            reopened=reopened_amounts[txn_id],
            open_amount=balances.open_amount(session, txn_id, nsf_date),
        )
        for txn_id, item in seen.items()
    )
    return NsfResult(
        payment_id=payment.id,
        payment_document=preview.document_number,
        amount=preview.amount,
        currency=payment.currency,
        nsf_date=nsf_date,
        reversal_id=reversal.id,
        reversal_document=reversal.document_number,
        reopened=reopened,
        fees=tuple(fees),
        journal_id=journal.id,
        journal_number=journal.number,
    )


def _mark_returned(
    session: Session,
    payment_id: uuid.UUID,
    nsf_date: dt.date,
    now: dt.datetime,
    created_by_id: uuid.UUID | None,
    note: str | None,
) -> None:
    """A payment recorded with its method (a cheque, a direct debit) is now *returned*, with
    a history row, whichever action returned it (this one or the Payments page's)."""
    details = session.scalars(
        select(PaymentDetails).where(PaymentDetails.transaction_id == payment_id)
    ).one_or_none()
    if details is None or details.state == PaymentState.RETURNED:
        return
    session.add(
        PaymentStateChange(
            transaction_id=payment_id,
            from_state=details.state,
            to_state=PaymentState.RETURNED,
            state_date=nsf_date,
            changed_at=now,
            changed_by_id=created_by_id,
            note=note,
        )
    )
    details.state = PaymentState.RETURNED
    details.state_date = nsf_date
    details.version += 1
    details.updated_at = now
    session.flush()


# --- timeline ---------------------------------------------------------------------------


def nsf_events(session: Session, customer_id: uuid.UUID) -> list[NsfEvent]:
    """The customer's NSF payments, newest first: date, payment, amount and fee billed.

    An NSF payment is a reversal of a payment; its fee is found through the payment
    journal that posted the reversal (the fees are on the same journal).
    """
    original = aliased(CustomerTransaction)
    reversal = CustomerTransaction
    rows = session.execute(
        select(
            reversal.id,
            reversal.posting_date,
            reversal.document_number,
            original.id.label("payment_id"),
            original.document_number.label("payment_document"),
            original.amount,
            original.currency,
        )
        .join(original, original.id == reversal.reverses_transaction_id)
        .where(
            reversal.customer_id == customer_id,
            reversal.type == TransactionType.REVERSAL,
            original.type == TransactionType.PAYMENT,
        )
        .order_by(reversal.posting_date.desc(), reversal.voucher.desc())
    ).all()
    if not rows:
        return []
    journals = {
        line.transaction_id: (line.journal_id, line.number, line.description)
        for line in session.execute(
            select(
                JournalLine.transaction_id,
                JournalLine.journal_id,
                Journal.number,
                Journal.description,
            )
            .join(Journal, Journal.id == JournalLine.journal_id)
            .where(
                JournalLine.transaction_id.in_([row.id for row in rows]),
                Journal.type == JournalType.PAYMENT,
            )
        )
    }
    fees: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    journal_ids = [journal_id for journal_id, _number, _text in journals.values()]
    if journal_ids:
        for journal_id, amount in session.execute(
            select(JournalLine.journal_id, CustomerTransaction.amount)
            .join(CustomerTransaction, CustomerTransaction.id == JournalLine.transaction_id)
            .where(
                JournalLine.journal_id.in_(journal_ids),
                JournalLine.account_type == JournalAccountType.CUSTOMER,
                CustomerTransaction.type == TransactionType.FEE,
            )
        ):
            fees[journal_id] += amount
    events = []
    for row in rows:
        journal_id, number, description = journals.get(row.id, (None, None, None))
        events.append(
            NsfEvent(
                date=row.posting_date,
                payment_id=row.payment_id,
                payment_document=row.payment_document,
                amount=-row.amount,
                currency=row.currency,
                reversal_document=row.document_number,
                fee=fees[journal_id] if journal_id is not None else ZERO,
                journal_number=number,
                description=description,
            )
        )
    return events


@dataclass(frozen=True)
class PaymentChoice:
    """A payment that could still be returned as NSF, for the chooser."""

    id: uuid.UUID
    document_number: str
    posting_date: dt.date
    amount: Decimal  # positive
    currency: str


def returnable_payments(
    session: Session, customer_id: uuid.UUID, since: dt.date
) -> list[PaymentChoice]:
    """The customer's payments posted on or after ``since`` and not yet NSF, newest first.

    A bounced cheque is usually reported within weeks, after the payment was applied, so
    the chooser lists applied payments too, not only the open ones.
    """
    reversed_ids = select(CustomerTransaction.reverses_transaction_id).where(
        CustomerTransaction.customer_id == customer_id,
        CustomerTransaction.reverses_transaction_id.is_not(None),
    )
    rows = session.execute(
        select(
            CustomerTransaction.id,
            CustomerTransaction.document_number,
            CustomerTransaction.posting_date,
            CustomerTransaction.amount,
            CustomerTransaction.currency,
        )
        .where(
            CustomerTransaction.customer_id == customer_id,
            CustomerTransaction.type == TransactionType.PAYMENT,
            CustomerTransaction.posting_date >= since,
            CustomerTransaction.id.not_in(reversed_ids),
        )
        .order_by(CustomerTransaction.posting_date.desc(), CustomerTransaction.voucher.desc())
    )
    return [
        PaymentChoice(r.id, r.document_number, r.posting_date, -r.amount, r.currency) for r in rows
    ]
