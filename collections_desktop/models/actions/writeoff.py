"""Write off what a customer will not pay: invoices, interest notes and fees.

A write-off closes the marked open debits against a new ``write_off`` customer
transaction (one per currency, numbered from the "write_off" sequence) and posts a
general journal of type ``write_off`` with the reason code:

- a customer line per currency: the write-off transaction, credit = -what is written off;
- ledger lines to the write-off account (debit), one per currency, dimension and posting
  profile of the written-off transactions;
- with ``ReceivablesParameters.separate_sales_tax`` on, the sales tax included in what is
  written off debits the tax accounts instead, one line per currency, tax account,
  dimension and tax code. The tax share of a transaction is ``written off × tax / amount``
  rounded to the currency's decimals; the remainder stays on the net, so nothing is lost.

The write-off account is the reason's own account, else the posting profile's, else the
receivables parameters'.

Accounting amounts are exact by construction. The amount a write-off takes off each
transaction in the accounting currency is the very amount its settlement line carries
(the ledger's rule: what is left open when the whole rest goes, else pro rata), so the
customer line, the write-off transaction and the receivable balance all move by the same
figure. That figure is then split between tax and net on the debit side: each tax part
is pro rata, and the net takes the rounding remainder. So the journal sums to zero in
every currency and in the accounting currency without a balancing line.

Everything is checked before anything is written; ``WriteOffError`` says what to change.
Functions flush, never commit: the caller commits once per user action.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.actions.writeoff_plan import (
    WriteOffError,
    WriteOffPlan,
    accounting_rate,
    plan_write_off,
)
from collections_desktop.models.db.schema import (
    CustomerTransaction,
    JournalAccountType,
    JournalType,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.ledger import journals, postings, settlements
from collections_desktop.models.ledger.journals import LineDraft
from collections_desktop.models.ledger.numbering import next_number
from collections_desktop.models.people.scope import AgentScope


@dataclass(frozen=True)
class WrittenOffDocument:
    """What a write-off took off one transaction, in its currency and in accounting."""

    transaction_id: uuid.UUID
    document_number: str
    type: str
    currency: str
    amount: Decimal
    amount_accounting: Decimal
    tax_amount: Decimal  # the part posted to tax accounts (zero without separate sales tax)


@dataclass(frozen=True)
class WriteOffTransaction:
    """The write-off customer transaction of one currency and the settlement that closed it."""

    transaction_id: uuid.UUID
    document_number: str
    voucher: str
    currency: str
    amount: Decimal  # negative: a credit
    amount_accounting: Decimal
    settlement_number: str


@dataclass(frozen=True)
class WriteOffResult:
    """What ``write_off`` posted."""

    journal_id: uuid.UUID
    journal_number: str
    customer_id: uuid.UUID
    reason_code: str
    write_off_date: dt.date
    transactions: tuple[WriteOffTransaction, ...]
    documents: tuple[WrittenOffDocument, ...]
    lines: tuple[LineDraft, ...]

    @property
    def total_accounting(self) -> Decimal:
        """What the customer's balance dropped by, in the accounting currency."""
        return sum((d.amount_accounting for d in self.documents), start=ZERO)


def write_off_preview(
    session: Session,
    transaction_ids: Iterable[uuid.UUID],
    write_off_date: dt.date,
    reason_code: str,
    *,
    amounts: Mapping[uuid.UUID, object] | None = None,
) -> list[LineDraft]:
    """The journal lines ``write_off`` would post (the customer lines without a transaction).

    Refuses exactly what ``write_off`` refuses (but the agent's scope, which the caller
    has checked when it listed the transactions), with the same ``WriteOffError``.
    """
    plan = plan_write_off(
        session,
        None,
        transaction_ids,
        reason_code=reason_code,
        write_off_date=write_off_date,
        amounts=amounts,
        as_of=write_off_date,
    )
    return plan.lines()


def write_off(
    session: Session,
    scope: AgentScope,
    transaction_ids: Sequence[uuid.UUID],
    *,
    reason_code: str,
    write_off_date: dt.date,
    now: dt.datetime,
    created_by_id: uuid.UUID | None,
    note: str | None = None,
    amounts: Mapping[uuid.UUID, object] | None = None,
) -> WriteOffResult:
    """Write off the marked open debits of one customer (all that is open, or ``amounts``).

    Posts one write-off transaction per currency, settles it against the marked
    transactions on ``write_off_date`` and posts the balanced write-off journal.
    """
    plan = plan_write_off(
        session,
        scope,
        transaction_ids,
        reason_code=reason_code,
        write_off_date=write_off_date,
        amounts=amounts,
        as_of=now.date(),
    )
    note = (note or "").strip() or None
    written: dict[str, CustomerTransaction] = {}
    settled: dict[str, str] = {}
    for currency in plan.currencies():
        amount, accounting = plan.totals(currency)
        rate = accounting_rate(currency, amount, accounting, plan)
        txn = postings.post_transaction(
            session,
            customer_id=plan.customer_id,
            type=TransactionType.WRITE_OFF,
            amount=amount,
            posting_date=write_off_date,
            now=now,
            document_number=next_number(session, "write_off", now),
            currency=currency,
            exchange_rate=rate,
            description=note or plan.reason.description,
            created_by_id=created_by_id,
        )
        marks = {p.transaction_id: p.amount for p in plan.parts if p.currency == currency}
        marks[txn.id] = amount
        settlement = settlements.settle(
            session,
            marks,
            write_off_date,
            now,
            note=_("Write-off {number}").format(number=txn.document_number),
            created_by_id=created_by_id,
        )
        _check_settled(session, settlement.id, plan, txn, accounting)
        written[currency] = txn
        settled[currency] = settlement.number
    drafts = [
        replace(line, text=f"{written[line.currency].document_number} {line.text}")
        if line.account_type == JournalAccountType.CUSTOMER
        else line
        for line in plan.lines({c: t.id for c, t in written.items()})
    ]
    journal = journals.post_journal(
        session,
        type=JournalType.WRITE_OFF,
        journal_date=write_off_date,
        lines=drafts,
        now=now,
        customer_id=plan.customer_id,
        reason_code=plan.reason.code,
        description=note or plan.reason.description,
        created_by_id=created_by_id,
    )
    return WriteOffResult(
        journal_id=journal.id,
        journal_number=journal.number,
        customer_id=plan.customer_id,
        reason_code=plan.reason.code,
        write_off_date=write_off_date,
        transactions=tuple(
            WriteOffTransaction(
                transaction_id=txn.id,
                document_number=txn.document_number,
                voucher=txn.voucher,
                currency=currency,
                amount=txn.amount,
                amount_accounting=txn.amount_accounting,
                settlement_number=settled[currency],
            )
            for currency, txn in written.items()
        ),
        documents=tuple(
            WrittenOffDocument(
                transaction_id=p.transaction_id,
                document_number=p.document_number,
                type=p.type,
                currency=p.currency,
                amount=p.amount,
                amount_accounting=p.amount_accounting,
                tax_amount=p.tax,
            )
            for p in plan.parts
        ),
        lines=tuple(drafts),
    )


def _check_settled(
    session: Session,
    settlement_id: uuid.UUID,
    plan: WriteOffPlan,
    txn: CustomerTransaction,
    accounting: Decimal,
) -> None:
    """Hold the settlement's accounting amounts equal to the journal's (the customer line)."""
    lines = dict(
        session.execute(
            select(SettlementLine.transaction_id, SettlementLine.amount_accounting).where(
                SettlementLine.settlement_id == settlement_id
            )
        ).all()
    )
    expected = {
        p.transaction_id: p.amount_accounting for p in plan.parts if p.currency == txn.currency
    }
    expected[txn.id] = -accounting
    if lines != expected or txn.amount_accounting != -accounting:
        raise WriteOffError(
            _("The write-off does not balance in the accounting currency; nothing was posted.")
        )
